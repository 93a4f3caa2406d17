// SPDX-License-Identifier: GPL-2.0
/*
 * ipvsadm's command line (ipvsadm.c, ipvsadm.8): the same options, the same
 * compatibility rules between commands and options, the same messages.
 * Options that ipvsadm has and xlvs does not yet are refused by name.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "cmd.h"

enum {
	LONG_ATTACH = 256, LONG_DETACH, LONG_UNLOAD, LONG_XDP_MODE,
	LONG_CONN_MAX, LONG_COUNTERS, LONG_SORT, LONG_SET, LONG_TIMEOUT,
	LONG_STATS, LONG_RATE, LONG_THRESHOLDS, LONG_PERSISTENT_CONN,
	LONG_SYSCTL, LONG_TUN_INFO, LONG_TUN_TYPE, LONG_TUN_PORT,
	LONG_TUN_NOCSUM, LONG_TUN_CSUM, LONG_TUN_REMCSUM, LONG_JSON,
	LONG_UNSUPPORTED, LONG_UPGRADE, LONG_START_DAEMON, LONG_STOP_DAEMON,
	LONG_DAEMON,
	/* cmd_daemon_opts[i] is LONG_DOPT + i: */
	LONG_DOPT, LONG_DOPT_SYNCID, LONG_DOPT_MAXLEN, LONG_DOPT_GROUP, LONG_DOPT_PORT,
	LONG_DOPT_TTL,
};

static const struct option long_opts[] = {
	{ "add-service", no_argument, NULL, 'A' },
	{ "edit-service", no_argument, NULL, 'E' },
	{ "delete-service", no_argument, NULL, 'D' },
	{ "clear", no_argument, NULL, 'C' },
	{ "restore", no_argument, NULL, 'R' },
	{ "save", no_argument, NULL, 'S' },
	{ "add-server", no_argument, NULL, 'a' },
	{ "edit-server", no_argument, NULL, 'e' },
	{ "delete-server", no_argument, NULL, 'd' },
	{ "list", no_argument, NULL, 'L' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "tcp-service", required_argument, NULL, 't' },
	{ "udp-service", required_argument, NULL, 'u' },
	{ "scheduler", required_argument, NULL, 's' },
	{ "real-server", required_argument, NULL, 'r' },
	{ "gatewaying", no_argument, NULL, 'g' },
	{ "weight", required_argument, NULL, 'w' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "connection", no_argument, NULL, 'c' },
	{ "zero", no_argument, NULL, 'Z' },
	{ "stats", no_argument, NULL, LONG_STATS },
	{ "rate", no_argument, NULL, LONG_RATE },
	{ "exact", no_argument, NULL, 'X' },
	{ "ops", no_argument, NULL, 'o' },
	{ "sched-flags", required_argument, NULL, 'b' },
	{ "u-threshold", required_argument, NULL, 'x' },
	{ "l-threshold", required_argument, NULL, 'y' },
	{ "thresholds", no_argument, NULL, LONG_THRESHOLDS },
	{ "persistent", optional_argument, NULL, 'p' },
	{ "netmask", required_argument, NULL, 'M' },
	{ "persistent-conn", no_argument, NULL, LONG_PERSISTENT_CONN },
	{ "sort", no_argument, NULL, LONG_SORT },   /* ipvsadm's default */
	{ "attach", required_argument, NULL, LONG_ATTACH },
	{ "detach", required_argument, NULL, LONG_DETACH },
	{ "unload", no_argument, NULL, LONG_UNLOAD },
	{ "upgrade", no_argument, NULL, LONG_UPGRADE },
	{ "xdp-mode", required_argument, NULL, LONG_XDP_MODE },
	{ "conn-max", required_argument, NULL, LONG_CONN_MAX },
	{ "counters", no_argument, NULL, LONG_COUNTERS },
	{ "set", no_argument, NULL, LONG_SET },
	{ "timeout", no_argument, NULL, LONG_TIMEOUT },
	{ "sysctl", no_argument, NULL, LONG_SYSCTL },
	{ "json", no_argument, NULL, LONG_JSON },
	/* ipvsadm's, not in xlvs yet: refused by name, never ignored. */
	{ "start-daemon", required_argument, NULL, LONG_START_DAEMON },
	{ "stop-daemon", required_argument, NULL, LONG_STOP_DAEMON },
	{ "mcast-interface", required_argument, NULL, LONG_DOPT },
	{ "syncid", required_argument, NULL, LONG_DOPT_SYNCID },
	{ "sync-maxlen", required_argument, NULL, LONG_DOPT_MAXLEN },
	{ "mcast-group", required_argument, NULL, LONG_DOPT_GROUP },
	{ "mcast-port", required_argument, NULL, LONG_DOPT_PORT },
	{ "mcast-ttl", required_argument, NULL, LONG_DOPT_TTL },
	{ "fwmark-service", required_argument, NULL, LONG_UNSUPPORTED },
	{ "sctp-service", required_argument, NULL, LONG_UNSUPPORTED },
	{ "pe", required_argument, NULL, LONG_UNSUPPORTED },
	{ "masquerading", no_argument, NULL, 'm' },
	{ "ipip", no_argument, NULL, 'i' },
	{ "daemon", no_argument, NULL, LONG_DAEMON },
	{ "tun-info", no_argument, NULL, LONG_TUN_INFO },
	{ "tun-type", required_argument, NULL, LONG_TUN_TYPE },
	{ "tun-port", required_argument, NULL, LONG_TUN_PORT },
	{ "tun-nocsum", no_argument, NULL, LONG_TUN_NOCSUM },
	{ "tun-csum", no_argument, NULL, LONG_TUN_CSUM },
	{ "tun-remcsum", no_argument, NULL, LONG_TUN_REMCSUM },
	{ "nosort", no_argument, NULL, LONG_UNSUPPORTED },
	{ NULL, 0, NULL, 0 },
};

/* Short options ipvsadm has that xlvs does not support: firewall-mark
 * services (-f, and -6 that goes with it) need the mark netfilter sets,
 * and XDP runs before netfilter. */
static const char unsupported_short[] = "f6";

static const char *const cmd_names[CMD_MAX] = {
	[CMD_ADD_SVC] = "add-service", [CMD_EDIT_SVC] = "edit-service",
	[CMD_DEL_SVC] = "delete-service", [CMD_CLEAR] = "clear",
	[CMD_ADD_DEST] = "add-server", [CMD_EDIT_DEST] = "edit-server",
	[CMD_DEL_DEST] = "delete-server", [CMD_LIST] = "list",
	[CMD_SAVE] = "save", [CMD_RESTORE] = "restore",
	[CMD_ATTACH] = "attach", [CMD_DETACH] = "detach",
	[CMD_UNLOAD] = "unload", [CMD_UPGRADE] = "upgrade",
	[CMD_COUNTERS] = "counters",
	[CMD_SYSCTL] = "sysctl",
	[CMD_SET_TIMEOUT] = "set", [CMD_ZERO] = "zero",
	[CMD_VERSION] = "version", [CMD_HELP] = "help",
	[CMD_START_DAEMON] = "start-daemon", [CMD_STOP_DAEMON] = "stop-daemon",
};

const char *const cmd_daemon_opts[6] = {
	"mcast-interface", "syncid", "sync-maxlen", "mcast-group", "mcast-port",
	"mcast-ttl",
};

__attribute__((format(printf, 1, 2)))
static int usage_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static int set_cmd(struct cmd *c, enum cmd_kind k)
{
	if (c->kind != CMD_NONE)
		return usage_fail("multiple commands specified");
	c->kind = k;
	return 0;
}

static int number_in(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !*s || *end || errno || *out < lo || *out > hi ? -1 : 0;
}

static const struct {
	unsigned int bit;
	const char *name;
} opt_names[] = {
	{ OPT_NUMERIC, "numeric" }, { OPT_SERVICE, "service-address" },
	{ OPT_SCHEDULER, "scheduler" }, { OPT_SERVER, "real-server" },
	{ OPT_FORWARD, "forwarding-method" }, { OPT_WEIGHT, "weight" },
	{ OPT_XDP_MODE, "xdp-mode" }, { OPT_CONN_MAX, "conn-max" },
	{ OPT_TIMEOUT, "timeout" }, { OPT_CONNECTION, "connection" },
	{ OPT_STATS, "stats" }, { OPT_RATE, "rate" }, { OPT_EXACT, "exact" },
	{ OPT_UTHRESHOLD, "u-threshold" }, { OPT_LTHRESHOLD, "l-threshold" },
	{ OPT_THRESHOLDS, "thresholds" }, { OPT_OPS, "ops" },
	{ OPT_SCHED_FLAGS, "sched-flags" }, { OPT_PERSISTENT, "persistent" },
	{ OPT_NETMASK, "netmask" }, { OPT_PERSISTENT_CONN, "persistent-conn" },
	{ OPT_TUN_INFO, "tun-info" }, { OPT_TUN_TYPE, "tun-type" },
	{ OPT_TUN_PORT, "tun-port" }, { OPT_TUN_NOCSUM, "tun-nocsum" },
	{ OPT_TUN_CSUM, "tun-csum" }, { OPT_TUN_REMCSUM, "tun-remcsum" },
	{ OPT_JSON, "json" }, { OPT_DAEMON, "daemon" },
};

const char *const cmd_tun_names[XLVS_TUN_TYPE_MAX] = { "ipip", "gue", "gre" };
const char *const cmd_tun_flag_names[3] = { "-c", "+c", "r+c" };
const char *const cmd_tun_flag_opts[3] = {
	"--tun-nocsum", "--tun-csum", "--tun-remcsum",
};

#define OPT_TUN_ALL (OPT_TUN_TYPE | OPT_TUN_PORT | OPT_TUN_NOCSUM | \
		     OPT_TUN_CSUM | OPT_TUN_REMCSUM)

/* ipvsadm's commands_v_options: which options each command takes. */
static const struct {
	unsigned int allowed, required;
} cmd_opts[CMD_MAX] = {
	[CMD_ADD_SVC] = { OPT_SERVICE | OPT_SCHEDULER | OPT_OPS | OPT_SCHED_FLAGS |
			  OPT_PERSISTENT | OPT_NETMASK, OPT_SERVICE },
	[CMD_EDIT_SVC] = { OPT_SERVICE | OPT_SCHEDULER | OPT_OPS | OPT_SCHED_FLAGS |
			   OPT_PERSISTENT | OPT_NETMASK, OPT_SERVICE },
	[CMD_DEL_SVC] = { OPT_SERVICE, OPT_SERVICE },
	[CMD_ADD_DEST] = { OPT_SERVICE | OPT_SERVER | OPT_FORWARD | OPT_WEIGHT |
			   OPT_UTHRESHOLD | OPT_LTHRESHOLD | OPT_TUN_ALL,
			   OPT_SERVICE | OPT_SERVER },
	[CMD_EDIT_DEST] = { OPT_SERVICE | OPT_SERVER | OPT_FORWARD | OPT_WEIGHT |
			    OPT_UTHRESHOLD | OPT_LTHRESHOLD | OPT_TUN_ALL,
			    OPT_SERVICE | OPT_SERVER },
	[CMD_DEL_DEST] = { OPT_SERVICE | OPT_SERVER, OPT_SERVICE | OPT_SERVER },
	[CMD_LIST] = { OPT_NUMERIC | OPT_SERVICE | OPT_TIMEOUT | OPT_CONNECTION |
		       OPT_STATS | OPT_RATE | OPT_EXACT | OPT_THRESHOLDS |
		       OPT_PERSISTENT_CONN | OPT_TUN_INFO | OPT_JSON | OPT_DAEMON, 0 },
	[CMD_ZERO] = { OPT_SERVICE, 0 },
	[CMD_SAVE] = { OPT_NUMERIC, 0 },
	[CMD_ATTACH] = { OPT_XDP_MODE | OPT_CONN_MAX, 0 },
};

static int opts_check(const struct cmd *c)
{
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++) {
		unsigned int bit = opt_names[i].bit;

		if ((c->opts & bit) && !(cmd_opts[c->kind].allowed & bit))
			return usage_fail("Illegal '%s' option with the '%s' command",
					  opt_names[i].name, cmd_names[c->kind]);
		if (!(c->opts & bit) && (cmd_opts[c->kind].required & bit))
			return usage_fail("You need to supply the '%s' option for the '%s' command",
					  opt_names[i].name, cmd_names[c->kind]);
	}
	return 0;
}

static int opt_service(struct cmd *c, int opt, const char *arg)
{
	c->opts |= OPT_SERVICE;
	c->svc.proto = opt == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	if (xlvs_endpoint_parse(arg, true, &c->svc.vip))
		return usage_fail("illegal virtual server address[:port] specified");
	return 0;
}

static int opt_server(struct cmd *c, const char *arg)
{
	c->opts |= OPT_SERVER;
	if (xlvs_endpoint_parse(arg, true, &c->dest.addr))
		return usage_fail("illegal real server address[:port] specified");
	return 0;
}

/*
 * -b: ipvsadm's parse_sched_flags, run once every option is read since the
 * scheduler may come after -b (wlc when none is given, so "-E ... -b
 * sh-port" without -s is refused, as by ipvsadm).  sh-* and mh-* belong to
 * their scheduler alone; each flag is checked in turn.
 */
static int sched_flags_parse(struct cmd *c)
{
	static const struct { const char *name; uint32_t flag; const char *sched; } tab[] = {
		{ "flag-1", XLVS_SVC_F_SCHED1, NULL },
		{ "flag-2", XLVS_SVC_F_SCHED2, NULL },
		{ "flag-3", XLVS_SVC_F_SCHED3, NULL },
		{ "sh-fallback", XLVS_SVC_F_SCHED1, "sh" },
		{ "sh-port", XLVS_SVC_F_SCHED2, "sh" },
		{ "mh-fallback", XLVS_SVC_F_SCHED1, "mh" },
		{ "mh-port", XLVS_SVC_F_SCHED2, "mh" },
	};
	char buf[sizeof(c->sched_flags)], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", c->sched_flags);
	for (char *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (!strcmp(f, tab[i].name))
				break;
		if (i == sizeof(tab) / sizeof(tab[0]))
			return usage_fail("invalid scheduler flag `%s'", f);
		if (tab[i].sched && strcmp(tab[i].sched, c->svc.sched))
			return usage_fail("incompatible scheduler flag `%s'", f);
		c->svc.flags |= tab[i].flag;
	}
	return 0;
}

static int opt_value(struct cmd *c, int opt, const char *arg)
{
	long v;

	switch (opt) {
	case 's':
		c->opts |= OPT_SCHEDULER;
		if (strlen(arg) >= XLVS_SCHED_NAME_LEN)
			return usage_fail("Scheduler name too long");
		strcpy(c->svc.sched, arg);
		return 0;
	case 'w':
		c->opts |= OPT_WEIGHT;
		if (number_in(arg, 0, 65535, &v))
			return usage_fail("illegal weight specified");
		c->dest.weight = (int32_t)v;
		return 0;
	case 'x':
		c->opts |= OPT_UTHRESHOLD;
		if (number_in(arg, 0, INT32_MAX, &v))
			return usage_fail("illegal u_threshold specified");
		c->dest.u_threshold = (uint32_t)v;
		return 0;
	case 'y':
		c->opts |= OPT_LTHRESHOLD;
		if (number_in(arg, 0, INT32_MAX, &v))
			return usage_fail("illegal l_threshold specified");
		c->dest.l_threshold = (uint32_t)v;
		return 0;
	case LONG_XDP_MODE:
		c->opts |= OPT_XDP_MODE;
		if (!strcmp(arg, "auto"))
			c->xdp_mode = XLVS_XDP_AUTO;
		else if (!strcmp(arg, "native"))
			c->xdp_mode = XLVS_XDP_NATIVE;
		else if (!strcmp(arg, "generic"))
			c->xdp_mode = XLVS_XDP_GENERIC;
		else
			return usage_fail("--xdp-mode %s: expected auto, native "
					  "or generic", arg);
		return 0;
	case 'p':
		c->opts |= OPT_PERSISTENT;
		c->svc.flags |= XLVS_SVC_F_PERSISTENT;
		c->svc.timeout = XLVS_PERSISTENT_TIMEOUT;
		if (arg && number_in(arg, 1, XLVS_TIMEOUT_MAX, &v))
			return usage_fail("invalid timeout value `%s' specified", arg);
		if (arg)
			c->svc.timeout = (uint32_t)v;
		return 0;
	case 'M':
		c->opts |= OPT_NETMASK;
		if (strlen(arg) >= sizeof(c->netmask))
			return usage_fail("illegal virtual server persistent mask specified");
		strcpy(c->netmask, arg);
		return 0;
	case LONG_TUN_TYPE:
		c->opts |= OPT_TUN_TYPE;
		for (v = 0; v < XLVS_TUN_TYPE_MAX; v++)
			if (!strcmp(arg, cmd_tun_names[v]))
				break;
		if (v == XLVS_TUN_TYPE_MAX)
			return usage_fail("illegal tunnel type specified");
		c->dest.tun_type = (uint8_t)v;
		return 0;
	case LONG_TUN_PORT:
		c->opts |= OPT_TUN_PORT;
		if (number_in(arg, 1, 65535, &v))
			return usage_fail("illegal tunnel port specified");
		c->dest.tun_port = (uint16_t)v;
		return 0;
	case LONG_CONN_MAX:
		c->opts |= OPT_CONN_MAX;
		if (number_in(arg, XLVS_CONN_MIN, XLVS_CONN_LIMIT, &v))
			return usage_fail("--conn-max %s: expected %u..%u", arg,
					  XLVS_CONN_MIN, XLVS_CONN_LIMIT);
		c->conn_max = (uint32_t)v;
		return 0;
	}
	return -1;
}

static int opt_command(struct cmd *c, int opt, const char *arg)
{
	static const struct { int opt; enum cmd_kind kind; } map[] = {
		{ 'A', CMD_ADD_SVC }, { 'E', CMD_EDIT_SVC }, { 'D', CMD_DEL_SVC },
		{ 'C', CMD_CLEAR }, { 'a', CMD_ADD_DEST }, { 'e', CMD_EDIT_DEST },
		{ 'd', CMD_DEL_DEST }, { 'L', CMD_LIST }, { 'l', CMD_LIST },
		{ 'S', CMD_SAVE }, { 'R', CMD_RESTORE }, { 'h', CMD_HELP },
		{ 'Z', CMD_ZERO },
		{ 'v', CMD_VERSION }, { LONG_ATTACH, CMD_ATTACH },
		{ LONG_DETACH, CMD_DETACH }, { LONG_UNLOAD, CMD_UNLOAD },
		{ LONG_UPGRADE, CMD_UPGRADE },
		{ LONG_COUNTERS, CMD_COUNTERS }, { LONG_SET, CMD_SET_TIMEOUT },
		{ LONG_SYSCTL, CMD_SYSCTL },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].opt != opt)
			continue;
		if (arg && strlen(arg) >= sizeof(c->ifname))
			return usage_fail("%s: interface name too long", arg);
		if (arg)
			strcpy(c->ifname, arg);
		return set_cmd(c, map[i].kind);
	}
	return -1;
}

static int opt_one(struct cmd *c, int opt, const char *arg, const char *word)
{
	int rc;

	switch (opt) {
	case 't': case 'u':
		return opt_service(c, opt, arg);
	case 'r':
		return opt_server(c, arg);
	case 'g': case 'm': case 'i':
		c->opts |= OPT_FORWARD;
		c->dest.fwd = opt == 'g' ? XLVS_FWD_DROUTE :
			      opt == 'm' ? XLVS_FWD_MASQ : XLVS_FWD_TUNNEL;
		return 0;
	case 'n':
		c->opts |= OPT_NUMERIC;
		return 0;
	case 'c':
		c->opts |= OPT_CONNECTION;
		return 0;
	case LONG_STATS:
		c->opts |= OPT_STATS;
		return 0;
	case LONG_THRESHOLDS:
		c->opts |= OPT_THRESHOLDS;
		return 0;
	case LONG_PERSISTENT_CONN:
		c->opts |= OPT_PERSISTENT_CONN;
		return 0;
	case 'o':
		c->opts |= OPT_OPS;
		c->svc.flags |= XLVS_SVC_F_ONEPACKET;
		return 0;
	case 'b':
		c->opts |= OPT_SCHED_FLAGS;
		snprintf(c->sched_flags, sizeof(c->sched_flags), "%s", arg);
		return 0;
	case LONG_RATE:
		c->opts |= OPT_RATE;
		return 0;
	case 'X':
		c->opts |= OPT_EXACT;
		return 0;
	case LONG_SORT:
		return 0;
	case LONG_TIMEOUT:
		c->opts |= OPT_TIMEOUT;
		return 0;
	case LONG_TUN_INFO:
		c->opts |= OPT_TUN_INFO;
		return 0;
	case LONG_JSON:
		c->opts |= OPT_JSON;
		return 0;
	case LONG_TUN_NOCSUM:
		c->opts |= OPT_TUN_NOCSUM;
		return 0;
	case LONG_TUN_CSUM:
		c->opts |= OPT_TUN_CSUM;
		c->dest.tun_flags |= XLVS_TUN_F_CSUM;
		return 0;
	case LONG_TUN_REMCSUM:
		c->opts |= OPT_TUN_REMCSUM;
		c->dest.tun_flags |= XLVS_TUN_F_REMCSUM;
		return 0;
	case LONG_DAEMON:
		c->opts |= OPT_DAEMON;
		return 0;
	case LONG_START_DAEMON:
	case LONG_STOP_DAEMON:
		/* ipvsadm: "illegal start-daemon parameter specified" */
		if (strcmp(arg, "master") && strcmp(arg, "backup"))
			return usage_fail("illegal %s parameter specified", word + 2);
		strcpy(c->daemon_role, arg);
		return set_cmd(c, opt == LONG_START_DAEMON ? CMD_START_DAEMON :
			       CMD_STOP_DAEMON);
	case LONG_UNSUPPORTED:
		return usage_fail("xlvsadm: option '%s' is not supported yet", word);
	}
	if (opt > 0 && opt < 128 && opt != '?' && strchr(unsupported_short, opt)) {
		char name[3] = { '-', (char)opt, 0 };

		return usage_fail("xlvsadm: option '%s' is not supported yet", name);
	}
	if (opt >= LONG_DOPT && opt < LONG_DOPT + 6) {
		unsigned int i = (unsigned int)(opt - LONG_DOPT);

		if (c->dopts & (1u << i))
			return usage_fail("multiple '%s' options specified", cmd_daemon_opts[i]);
		if (strlen(arg) >= sizeof(c->dvals[i]))
			return usage_fail("illegal %s specified", cmd_daemon_opts[i]);
		c->dopts |= 1u << i;
		strcpy(c->dvals[i], arg);
		return 0;
	}
	rc = opt_value(c, opt, arg);
	if (rc >= 0)
		return rc;
	rc = opt_command(c, opt, arg);
	if (rc >= 0)
		return rc;
	return usage_fail("Try `xlvsadm -h' or 'xlvsadm --help' for more information.");
}

/* ipvsadm's set_option: an option given twice is an error, not a choice
 * of the last one. */
static int opt_once(struct cmd *c, int opt, const char *arg, const char *word)
{
	unsigned int before = c->opts, bits;
	int rc;

	c->opts = 0;            /* to see which bit this option sets */
	rc = opt_one(c, opt, arg, word);
	bits = c->opts;
	c->opts = before | bits;
	if (rc || !(bits & before))
		return rc;
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
		if (bits & opt_names[i].bit)
			return usage_fail("multiple '%s' options specified",
					  opt_names[i].name);
	return usage_fail("multiple %s options specified", word);
}

/*
 * ipvsadm's tunnel_opt_check (tunnel_types_v_options): ipip takes none of
 * --tun-port and the checksum options; gue needs --tun-port and takes one
 * of --tun-nocsum, --tun-csum, --tun-remcsum; gre takes one of --tun-nocsum
 * and --tun-csum.  Checked in ipvsadm's order, with its messages.
 */
static int tun_opts_check(const struct cmd *c)
{
	static const unsigned int opt[4] = {
		OPT_TUN_PORT, OPT_TUN_NOCSUM, OPT_TUN_CSUM, OPT_TUN_REMCSUM,
	};
	static const char *const name[4] = {
		"tun-port", "tun-nocsum", "tun-csum", "tun-remcsum",
	};
	static const char rule[XLVS_TUN_TYPE_MAX][4] = {
		{ 'x', 'x', 'x', 'x' },     /* ipip */
		{ '+', '1', '1', '1' },     /* gue */
		{ 'x', '1', '1', 'x' },     /* gre */
	};
	const char *tun = cmd_tun_names[c->dest.tun_type];
	int last = -1;

	for (int j = 0; j < 4; j++) {
		char r = rule[c->dest.tun_type][j];

		if (!(c->opts & opt[j])) {
			if (r == '+')
				return usage_fail("You need to supply the '%s' option "
						  "for the '%s' tunnel type", name[j], tun);
			continue;
		}
		if (r == 'x')
			return usage_fail("Illegal '%s' option with the '%s' tunnel type",
					  name[j], tun);
		if (r == '1') {
			if (last < 0) {
				last = j;
				continue;
			}
			return usage_fail("The option '%s' conflicts with the '%s' option "
					  "in the '%s' tunnel type", name[j], name[last], tun);
		}
	}
	return 0;
}

/*
 * -M once the service is known: for IPv4 a netmask (ipvsadm takes any
 * dotted quad; a mask with holes would key templates on scattered bits, so
 * only real masks pass), for IPv6 the prefix length 1..128 (ipvsadm's
 * "illegal ipv6 netmask specified"), 128 when not given, as ipvsadm's
 * parse_service sets it.  (ipvsadm reads -M as the family seen so far
 * says, and a later -t resets a v6 service's to 128; read at the end, -M
 * means the same wherever it stands.)
 */
static int netmask_parse(struct cmd *c)
{
	long v;

	if (c->svc.vip.af == 6) {
		c->svc.netmask = 128;
		if (!(c->opts & OPT_NETMASK))
			return 0;
		if (number_in(c->netmask, 1, 128, &v))
			return usage_fail("illegal ipv6 netmask specified");
		c->svc.netmask = (uint32_t)v;
		return 0;
	}
	if ((c->opts & OPT_NETMASK) &&
	    (inet_pton(AF_INET, c->netmask, &c->svc.netmask) != 1 ||
	     xlvs_netmask_plen(c->svc.netmask) < 0))
		return usage_fail("illegal virtual server persistent mask specified");
	return 0;
}

/* --set tcp tcpfin udp: three values in seconds, 0 keeps the current one
 * (ipvsadm's range: up to 31 days). */
static int timeouts_parse(struct cmd *c, int n, char **words)
{
	long v;

	if (n != 3)
		return usage_fail("--set requires 3 timeout values: tcp tcpfin udp");
	for (int i = 0; i < 3; i++) {
		if (number_in(words[i], 0, XLVS_TIMEOUT_MAX, &v))
			return usage_fail("illegal timeout value '%s' specified", words[i]);
		c->timeouts[i] = (uint32_t)v;
	}
	return 0;
}

static void cmd_defaults(struct cmd *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->svc.sched, "wlc");         /* ipvsadm's DEF_SCHED */
	c->svc.netmask = 0xffffffff;
	c->dest.weight = 1;
	c->dest.fwd = XLVS_FWD_DROUTE;       /* -g is ipvsadm's default */
}

int cmd_parse(int argc, char **argv, struct cmd *c)
{
	char word[64];
	int opt, rc, li;

	cmd_defaults(c);
	optind = 0;     /* glibc: start over, also for each -R line */
	opterr = 0;
	while ((li = -1, opt = getopt_long(argc, argv, "AEDCRSaedlLhvt:u:s:r:gw:ncZXx:y:ob:"
				  "f:p::M:mi6", long_opts, &li)) != -1) {
		if (li >= 0)
			snprintf(word, sizeof(word), "--%s", long_opts[li].name);
		else
			snprintf(word, sizeof(word), "-%c", opt == '?' ? optopt : opt);
		if (opt == '?')
			return usage_fail("xlvsadm: invalid option or missing argument: %s",
					  optopt ? word : argv[optind - 1]);
		/* popt, which ipvsadm uses, gives -p the next word as its
		 * optional value unless that word is an option. */
		if (opt == 'p' && !optarg && optind < argc && argv[optind][0] != '-')
			optarg = argv[optind++];
		rc = opt_once(c, opt, optarg, word);
		if (rc)
			return rc;
	}
	rc = netmask_parse(c);
	if (rc)
		return rc;
	if (c->kind == CMD_SET_TIMEOUT) {
		rc = timeouts_parse(c, argc - optind, argv + optind);
		if (rc)
			return rc;
		optind = argc;
	}
	if (c->kind == CMD_SYSCTL) {
		rc = sysctl_args_parse(c, argc - optind, argv + optind);
		if (rc)
			return rc;
		optind = argc;
	}
	if (optind < argc)
		return usage_fail("xlvsadm: unexpected argument '%s'", argv[optind]);
	if (c->sched_flags[0]) {
		rc = sched_flags_parse(c);
		if (rc)
			return rc;
	}
	if (c->kind == CMD_NONE)
		c->kind = CMD_LIST;     /* no command lists, as ipvsadm does */
	rc = opts_check(c);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < 6; i++)
		if ((c->dopts & (1u << i)) && c->kind != CMD_START_DAEMON)
			return usage_fail("Illegal '%s' option with the '%s' command",
					  cmd_daemon_opts[i], cmd_names[c->kind]);
	if (__builtin_popcount(c->opts & (OPT_TIMEOUT | OPT_SERVICE | OPT_CONNECTION |
					  OPT_DAEMON)) > 1)
		return usage_fail("Only one of a service, -c, --timeout and --daemon may be listed");
	if (((c->opts & (OPT_TIMEOUT | OPT_CONNECTION | OPT_DAEMON)) &&
	     (c->opts & (OPT_STATS | OPT_RATE | OPT_THRESHOLDS))) ||
	    ((c->opts & (OPT_TIMEOUT | OPT_DAEMON)) && (c->opts & OPT_PERSISTENT_CONN)))
		return usage_fail("options conflicts in the list command");
	/* ipvsadm's order: the zero port first. */
	if ((c->opts & OPT_SERVICE) && !c->svc.vip.port &&
	    !(c->svc.flags & XLVS_SVC_F_PERSISTENT) &&
	    (c->kind == CMD_ADD_SVC || c->kind == CMD_EDIT_SVC))
		return usage_fail("Zero port specified for non-persistent service");
	if ((c->opts & OPT_OPS) && c->svc.proto != IPPROTO_UDP)
		return usage_fail("One-Packet Scheduling is only for UDP virtual services");
	/* ipvsadm (and the kernel's ip_vs_genl_set_cmd): a real server of
	 * the other family only by tunnel. */
	if ((c->kind == CMD_ADD_DEST || c->kind == CMD_EDIT_DEST) &&
	    c->dest.addr.af != c->svc.vip.af && c->dest.fwd != XLVS_FWD_TUNNEL)
		return usage_fail("Different address family is allowed only for "
				  "tunneling servers");
	/* ipvsadm: only tunnelling takes tunnel options. */
	if ((c->kind == CMD_ADD_DEST || c->kind == CMD_EDIT_DEST) &&
	    (c->opts & OPT_TUN_ALL) && c->dest.fwd != XLVS_FWD_TUNNEL)
		return usage_fail("Tunnel options conflict with forward method");
	if (c->kind == CMD_ADD_DEST || c->kind == CMD_EDIT_DEST) {
		rc = tun_opts_check(c);
		if (rc)
			return rc;
	}
	/* An upper threshold of 0 means none; any other must be >= the lower. */
	if (c->dest.u_threshold && c->dest.l_threshold > c->dest.u_threshold)
		return usage_fail("The lower threshold (-y) must not be above the "
				  "upper threshold (-x)");
	return 0;
}
