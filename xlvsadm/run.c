// SPDX-License-Identifier: GPL-2.0
/* Carrying out one parsed command, with ipvsadm's messages on failure
 * (cmd_check.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"

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

static int list_timeouts(const struct xlvs_table *t, const struct cmd *c)
{
	uint32_t tcp, tcpfin, udp;

	xlvs_timeouts_get(t, &tcp, &tcpfin, &udp);
	if (c->opts & OPT_JSON)
		return json_list_timeouts(stdout, tcp, tcpfin, udp);
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
			return list_timeouts(t, c);
		if (c->opts & OPT_CONNECTION)
			return list_conns(t, c);
		return (c->opts & OPT_JSON) ? json_list_table(stdout, t, c) : list_table(t, c);
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
			return list_timeouts(&t, c);
		if (c->opts & OPT_CONNECTION) {
			if (c->opts & OPT_JSON)
				return json_list_conns(stdout, NULL, c) ? 1 : 0;
			conn_title(c->opts);
			return 0;
		}
		if ((c->opts & OPT_JSON) ? json_list_snapshot(stdout, &empty, c)
					 : list_snapshot(stdout, &empty, c)) {
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
	if (k == CMD_DETACH || k == CMD_ZERO || k == CMD_UPGRADE)
		return XLVS_OPEN_WRITE;
	return XLVS_OPEN_WRITE | XLVS_OPEN_CREATE;
}

int cmd_run(const struct cmd *c)
{
	struct cmd planned;
	struct xlvs_table t;
	int rc;

	if (cmd_conf_check(c))
		return 1;
	/* The mode is chosen (or refused) before a table is made. */
	if (c->kind == CMD_ATTACH) {
		if (attach_plan(c, &planned))
			return 1;
		c = &planned;
	}
	if (c->kind == CMD_UNLOAD) {
		rc = xlvs_unload();
		if (rc)
			fprintf(stderr, "xlvsadm: cannot unload: %s\n", strerror(-rc));
		return rc ? 1 : 0;
	}
	if (c->kind == CMD_UPGRADE)
		return upgrade_cmd();
	/* The daemons open the table themselves; their records are theirs. */
	if (c->kind == CMD_START_DAEMON)
		return daemon_start(c);
	if (c->kind == CMD_STOP_DAEMON)
		return daemon_stop(c);
	if (c->kind == CMD_LIST && (c->opts & OPT_DAEMON))
		return daemon_list(stdout);
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
	if (rc == -ENOENT && c->kind == CMD_UPGRADE)
		return 0;           /* no table: nothing runs, nothing to upgrade */
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
		return attach_run(t, c);
	rc = table_op(t, c);
	if (!rc && (c->kind == CMD_ADD_DEST || c->kind == CMD_EDIT_DEST))
		attach_check_server(t, &c->dest.addr);
	if (rc == -ECANCELED)
		return 1;   /* said why already */
	if (rc == -ENOENT && c->kind == CMD_DETACH)
		fprintf(stderr, "xlvsadm: %s does not run the xlvs data plane\n", c->ifname);
	else if (rc)
		fprintf(stderr, "%s\n", cmd_error_message(c->kind, -rc));
	return rc ? 1 : 0;
}
