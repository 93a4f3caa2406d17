// SPDX-License-Identifier: GPL-2.0
/* Carrying out one parsed command, with ipvsadm's messages on failure
 * (libipvs ipvs_strerror). */
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

	if (err == -EOPNOTSUPP && !strcmp(f, "fwd"))
		fprintf(stderr, "Forwarding method %s is not supported by xlvs yet; "
			"only -g (--gatewaying)\n",
			c->dest.fwd == XLVS_FWD_MASQ ? "-m (--masquerading)" : "-i (--ipip)");
	else if (err == -ERANGE && !strcmp(f, "weight"))
		fprintf(stderr, "illegal weight specified: -w takes %lld..%lld\n",
			(long long)why->lo, (long long)why->hi);
	else if (err == -ERANGE && !strcmp(f, "u_threshold"))
		fprintf(stderr, "illegal u_threshold specified: -x takes %lld..%lld\n",
			(long long)why->lo, (long long)why->hi);
	else if (err == -ERANGE && !strcmp(f, "l_threshold"))
		fprintf(stderr, "The lower threshold (-y %u) must not be above the "
			"upper threshold (-x %u)\n", c->dest.l_threshold,
			c->dest.u_threshold);
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
		return err ? dest_refused(c, err, &why) : 0;
	default:
		return 0;
	}
}

/* Direct routing forwards frames the kernel's FIB allows to be forwarded. */
static void warn_no_forwarding(const char *ifname)
{
	char path[128], v = '1';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", ifname);
	f = fopen(path, "re");
	if (f && fread(&v, 1, 1, f) == 1 && v == '0')
		fprintf(stderr, "xlvsadm: warning: IPv4 forwarding is off on %s; "
			"direct routing drops every packet until it is on "
			"(sysctl -w net.ipv4.ip_forward=1)\n", ifname);
	if (f)
		fclose(f);
}

static int attach(struct xlvs_table *t, const struct cmd *c)
{
	int rc;

	if ((c->opts & OPT_CONN_MAX) && t->meta.conn_max != c->conn_max) {
		fprintf(stderr, "xlvsadm: the table exists with --conn-max %u; "
			"the size is set when it is created (--unload first)\n",
			t->meta.conn_max);
		return 1;
	}
	rc = xlvs_attach(t, c->ifname, c->xdp_mode);
	if (!rc)
		warn_no_forwarding(c->ifname);

	if (rc == -EOPNOTSUPP && c->xdp_mode == XLVS_XDP_NATIVE)
		fprintf(stderr, "xlvsadm: %s: its driver has no native XDP; "
			"use --xdp-mode generic\n", c->ifname);
	else if (rc == -ENODEV)
		fprintf(stderr, "xlvsadm: %s: no such interface\n", c->ifname);
	else if (rc)
		fprintf(stderr, "xlvsadm: %s: cannot attach: %s\n", c->ifname,
			strerror(-rc));
	else if (c->xdp_mode == XLVS_XDP_GENERIC)
		fprintf(stderr, "xlvsadm: warning: %s runs the data plane in "
			"generic (skb) XDP mode, much slower than native\n",
			c->ifname);
	return rc ? 1 : 0;
}

static void counters_print(const uint64_t v[XLVS_CNT_MAX])
{
	for (unsigned int i = 0; i < XLVS_CNT_MAX; i++)
		printf("%s %llu\n", xlvs_counter_name(i), (unsigned long long)v[i]);
}

static int counters(struct xlvs_table *t)
{
	uint64_t v[XLVS_CNT_MAX];
	int rc = xlvs_counters_read(t, v);

	if (!rc)
		counters_print(v);
	return rc;
}

static int list_timeouts(const struct xlvs_table *t)
{
	uint32_t tcp, tcpfin, udp;

	xlvs_timeouts_get(t, &tcp, &tcpfin, &udp);
	printf("Timeout (tcp tcpfin udp): %u %u %u\n", tcp, tcpfin, udp);
	return 0;
}

static int table_op(struct xlvs_table *t, const struct cmd *c)
{
	switch (c->kind) {
	case CMD_ADD_SVC: return xlvs_service_add(t, &c->svc);
	case CMD_EDIT_SVC: return xlvs_service_edit(t, &c->svc);
	case CMD_DEL_SVC: return xlvs_service_del(t, c->svc.proto, &c->svc.vip);
	case CMD_CLEAR: return xlvs_table_clear(t);
	case CMD_ADD_DEST: return xlvs_dest_add(t, c->svc.proto, &c->svc.vip, &c->dest);
	case CMD_EDIT_DEST: return xlvs_dest_edit(t, c->svc.proto, &c->svc.vip, &c->dest);
	case CMD_DEL_DEST: return xlvs_dest_del(t, c->svc.proto, &c->svc.vip, &c->dest.addr);
	case CMD_LIST:
		if (c->opts & OPT_TIMEOUT)
			return list_timeouts(t);
		if (c->opts & OPT_CONNECTION)
			return list_conns(t, c);
		return list_table(t, c);
	case CMD_SAVE: return save_table(t, c);
	case CMD_COUNTERS: return counters(t);
	case CMD_SYSCTL: return sysctl_run(t, c) ? -ECANCELED : 0;
	case CMD_ZERO:
		return xlvs_stats_zero(t, c->svc.proto,
				       (c->opts & OPT_SERVICE) ? &c->svc.vip : NULL);
	case CMD_SET_TIMEOUT:
		return xlvs_timeouts_set(t, c->timeouts[0], c->timeouts[1],
					 c->timeouts[2]);
	case CMD_DETACH: return xlvs_detach(t, c->ifname);
	default: return -EINVAL;
	}
}

/* Reading a namespace that has no table shows IPVS's empty table rather
 * than loading one: a listing should not leave 100 MB of maps behind. */
static int read_no_table(const struct cmd *c)
{
	struct xlvs_snapshot empty = { 0 };
	struct xlvs_table t = { 0 };
	uint64_t zero[XLVS_CNT_MAX] = { 0 };

	xlvs_meta_defaults(&t.meta, 0);
	empty.conn_max = t.meta.conn_max;
	switch (c->kind) {
	case CMD_SAVE:
		save_snapshot(stdout, &empty, c);
		return 0;
	case CMD_COUNTERS:
		counters_print(zero);
		return 0;
	case CMD_SYSCTL:
		return sysctl_run(NULL, c);
	default:
		if (c->opts & OPT_TIMEOUT)
			return list_timeouts(&t);
		if (c->opts & OPT_CONNECTION) {
			conn_title(c->opts);
			return 0;
		}
		if (list_snapshot(stdout, &empty, c)) {
			fprintf(stderr, "%s\n", cmd_error_message(CMD_LIST, ESRCH));
			return 1;
		}
		return 0;
	}
}

/* Editors create the table on first use, as ipvsadm loads ip_vs. */
static bool sysctl_sets(const struct cmd *c)
{
	for (int i = 0; i < c->nsysctls; i++)
		if (c->sysctls[i].set)
			return true;
	return false;
}

static int open_flags(const struct cmd *c)
{
	enum cmd_kind k = c->kind;

	if (k == CMD_LIST || k == CMD_SAVE || k == CMD_COUNTERS ||
	    (k == CMD_SYSCTL && !sysctl_sets(c)))
		return 0;
	if (k == CMD_DETACH || k == CMD_ZERO)
		return XLVS_OPEN_WRITE;
	return XLVS_OPEN_WRITE | XLVS_OPEN_CREATE;
}

int cmd_run(const struct cmd *c)
{
	struct xlvs_table t;
	int rc;

	if (cmd_conf_check(c))
		return 1;
	if (c->kind == CMD_UNLOAD) {
		rc = xlvs_unload();
		if (rc)
			fprintf(stderr, "xlvsadm: cannot unload: %s\n", strerror(-rc));
		return rc ? 1 : 0;
	}
	rc = xlvs_table_open(&t, open_flags(c), c->conn_max);
	if (rc == -ERANGE) {
		fprintf(stderr, "xlvsadm: --conn-max %u is out of range: %u..%u\n",
			c->conn_max, XLVS_CONN_MIN, XLVS_CONN_LIMIT);
		return 1;
	}
	if (rc == -ENOENT && c->kind == CMD_DETACH) {
		fprintf(stderr, "xlvsadm: %s does not run the xlvs data plane\n",
			c->ifname);
		return 1;
	}
	if (rc == -ENOENT && c->kind == CMD_ZERO && !(c->opts & OPT_SERVICE))
		return 0;           /* no table: no counters to zero */
	if (rc == -ENOENT && c->kind == CMD_ZERO) {
		fprintf(stderr, "%s\n", cmd_error_message(CMD_ZERO, ESRCH));
		return 1;
	}
	if (rc == -ENOENT)
		return read_no_table(c);
	if (rc) {
		fprintf(stderr, "xlvsadm: cannot open the table: %s\n",
			rc == -EPERM || rc == -EACCES ? cmd_error_message(CMD_NONE, EPERM)
						      : strerror(-rc));
		return 1;
	}
	rc = cmd_run_on(&t, c);
	xlvs_table_close(&t);
	return rc;
}

int cmd_run_on(struct xlvs_table *t, const struct cmd *c)
{
	int rc;

	if (c->kind == CMD_ATTACH)
		return attach(t, c);
	rc = table_op(t, c);
	if (rc == -ECANCELED)
		return 1;   /* said why already */
	if (rc == -ENOENT && c->kind == CMD_DETACH)
		fprintf(stderr, "xlvsadm: %s does not run the xlvs data plane\n", c->ifname);
	else if (rc)
		fprintf(stderr, "%s\n", cmd_error_message(c->kind, -rc));
	return rc ? 1 : 0;
}
