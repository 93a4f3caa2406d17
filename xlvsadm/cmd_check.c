// SPDX-License-Identifier: GPL-2.0
/*
 * What carrying out a command (run.c) and -R's dry run (restore_check.c)
 * both need, and neither needs the table for: ipvsadm's messages for
 * errors (libipvs ipvs_strerror) and the check of a command's settings
 * against what libxlvs takes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"

const char *cmd_error_message(enum cmd_kind k, int err)
{
	static const struct { enum cmd_kind k; int err; const char *msg; } tab[] = {
		{ CMD_ADD_SVC, EEXIST, "Service already exists" },
		{ CMD_ADD_SVC, ENOENT, "Scheduler or persistence engine not found" },
		{ CMD_EDIT_SVC, ESRCH, "No such service" },
		{ CMD_EDIT_SVC, ENOENT, "Scheduler or persistence engine not found" },
		{ CMD_DEL_SVC, ESRCH, "No such service" },
		{ CMD_LIST, ESRCH, "No such service" },
		{ CMD_ZERO, ESRCH, "No such service" },
		{ CMD_ADD_DEST, ESRCH, "Service not defined" },
		{ CMD_ADD_DEST, EEXIST, "Destination already exists" },
		{ CMD_EDIT_DEST, ESRCH, "Service not defined" },
		{ CMD_EDIT_DEST, ENOENT, "No such destination" },
		{ CMD_DEL_DEST, ESRCH, "Service not defined" },
		{ CMD_DEL_DEST, ENOENT, "No such destination" },
		{ CMD_NONE, EPERM, "Permission denied (you must be root)" },
		{ CMD_NONE, ENOMEM, "Memory allocation problem" },
		{ CMD_NONE, ENOSPC, "The table is full" },
		{ CMD_NONE, E2BIG, "Too many distinct weights for this many real servers" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if ((tab[i].k == k || tab[i].k == CMD_NONE) && tab[i].err == err)
			return tab[i].msg;
	return strerror(err);
}

static int sched_refused(void)
{
	/* Every scheduler the kernel ships is known: an unknown one gets
	 * ipvsadm's answer to the kernel's ENOENT. */
	fprintf(stderr, "%s\n", cmd_error_message(CMD_ADD_SVC, ENOENT));
	return 1;
}

/* libxlvs's refusal of a real server's settings, named by option. */
static int dest_refused(const struct cmd *c, int err, const struct xlvs_conf_err *why)
{
	const char *f = why->field ? why->field : "";

	if (err == -ERANGE && !strcmp(f, "weight"))
		fprintf(stderr, "illegal weight specified: -w takes %lld..%lld\n",
			(long long)why->lo, (long long)why->hi);
	else if (err == -ERANGE && !strcmp(f, "u_threshold"))
		fprintf(stderr, "illegal u_threshold specified: -x takes %lld..%lld\n",
			(long long)why->lo, (long long)why->hi);
	else if (err == -ERANGE && !strcmp(f, "l_threshold"))
		fprintf(stderr, "The lower threshold (-y %u) must not be above the "
			"upper threshold (-x %u)\n", c->dest.l_threshold,
			c->dest.u_threshold);
	else if (err == -EINVAL && !strcmp(f, "addr"))
		/* The kernel's -EINVAL (ip_vs_new_dest), as libipvs says it. */
		fprintf(stderr, "Invalid operation.  Possibly wrong module version, "
			"address not unicast, ...\n");
	else
		fprintf(stderr, "xlvsadm: the real server's %s is refused: %s\n",
			f, strerror(-err));
	return 1;
}

int cmd_conf_check(const struct cmd *c)
{
	struct xlvs_conf_err why;
	int err;

	switch (c->kind) {
	case CMD_ADD_SVC:
	case CMD_EDIT_SVC:
		err = xlvs_service_conf_check(&c->svc, &why);
		if (err == -ENOENT && why.field && !strcmp(why.field, "sched"))
			return sched_refused();
		if (err)
			fprintf(stderr, "xlvsadm: the service's %s is refused: %s\n",
				why.field ? why.field : "", strerror(-err));
		return err ? 1 : 0;
	case CMD_ADD_DEST:
	case CMD_EDIT_DEST:
		err = xlvs_dest_conf_check(&c->dest, &why);
		if (!err)
			err = xlvs_dest_af_check(c->svc.vip.af, &c->dest, &why);
		return err ? dest_refused(c, err, &why) : 0;
	default:
		return 0;
	}
}
