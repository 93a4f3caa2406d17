// SPDX-License-Identifier: GPL-2.0
/*
 * xlvsadm's command line (xlvsadm/options.c) against ipvsadm's: the same
 * commands and options, the same defaults (wlc, weight 1, -g), the same
 * compatibility rules and the same one-line messages with exit code 2.
 * Scripts written for ipvsadm depend on all of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "cmd.h"

/* Runs fn(arg) and returns its code, with whatever it wrote to stderr in
 * err. */
static int with_stderr(int (*fn)(void *), void *arg, char *err, size_t errlen)
{
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	assert_non_null(tmp);
	/* stderr is fd 2 underneath; point it at a file for the call. */
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	rc = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, errlen - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return rc;
}

struct argv_cmd {
	int argc;
	char **argv;
	struct cmd *c;
};

static int run_parse(void *arg)
{
	struct argv_cmd *a = arg;

	return cmd_parse(a->argc, a->argv, a->c);
}

/* Splits line on spaces into argv (argv[0] = "xlvsadm"), runs cmd_parse and
 * returns its code, with whatever it wrote to stderr in err. */
static int parse(const char *line, struct cmd *c, char *err, size_t errlen)
{
	static char prog[] = "xlvsadm";
	char buf[512], *argv[32];
	struct argv_cmd a = { .argv = argv, .c = c };

	assert_true(strlen(line) < sizeof(buf));
	strcpy(buf, line);
	argv[a.argc++] = prog;
	for (char *t = strtok(buf, " "); t && a.argc < 31; t = strtok(NULL, " "))
		argv[a.argc++] = t;
	argv[a.argc] = NULL;
	return with_stderr(run_parse, &a, err, errlen);
}

/* A good line: code 0 and nothing on stderr. */
static void parse_ok(const char *line, struct cmd *c)
{
	char err[512];
	int rc = parse(line, c, err, sizeof(err));

	if (rc != 0 || err[0])
		fail_msg("\"%s\": code %d, stderr \"%s\"", line, rc, err);
}

/* A bad line: code 2 and exactly this one line on stderr. */
static void parse_fails(const char *line, const char *msg)
{
	char err[512], want[512];
	struct cmd c;
	int rc = parse(line, &c, err, sizeof(err));

	snprintf(want, sizeof(want), "%s\n", msg);
	if (rc != 2)
		fail_msg("\"%s\": code %d, expected 2 (stderr \"%s\")", line, rc, err);
	if (strcmp(err, want))
		fail_msg("\"%s\": stderr \"%s\", expected \"%s\\n\"", line, err, msg);
}

static void assert_addr(const struct xlvs_endpoint *ep, uint8_t a, uint8_t b,
			uint8_t c, uint8_t d, uint16_t port)
{
	assert_int_equal(ep->af, 4);
	assert_int_equal(ep->addr[0], a);
	assert_int_equal(ep->addr[1], b);
	assert_int_equal(ep->addr[2], c);
	assert_int_equal(ep->addr[3], d);
	assert_int_equal(ep->port, port);
}

/* ------------------------------------------------------------ commands -- */

static void add_service(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-A -t 10.0.0.1:80 -s wrr", &c);
	assert_int_equal(c.kind, CMD_ADD_SVC);
	assert_int_equal(c.opts, OPT_SERVICE | OPT_SCHEDULER);
	assert_int_equal(c.svc.proto, IPPROTO_TCP);
	assert_addr(&c.svc.vip, 10, 0, 0, 1, 80);
	assert_string_equal(c.svc.sched, "wrr");
	parse_ok("-A -u 10.0.0.1:53", &c);
	assert_int_equal(c.svc.proto, IPPROTO_UDP);
	assert_addr(&c.svc.vip, 10, 0, 0, 1, 53);
	assert_string_equal(c.svc.sched, "wlc");   /* ipvsadm's DEF_SCHED */
	assert_int_equal(c.opts, OPT_SERVICE);
}

static void edit_delete_clear_service(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-E -t 10.0.0.1:80 -s rr", &c);
	assert_int_equal(c.kind, CMD_EDIT_SVC);
	assert_string_equal(c.svc.sched, "rr");
	parse_ok("-D -t 10.0.0.1:80", &c);
	assert_int_equal(c.kind, CMD_DEL_SVC);
	assert_int_equal(c.opts, OPT_SERVICE);
	assert_addr(&c.svc.vip, 10, 0, 0, 1, 80);
	parse_ok("-C", &c);
	assert_int_equal(c.kind, CMD_CLEAR);
	assert_int_equal(c.opts, 0);
}

static void add_server(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -g -w 3", &c);
	assert_int_equal(c.kind, CMD_ADD_DEST);
	assert_int_equal(c.opts, OPT_SERVICE | OPT_SERVER | OPT_FORWARD | OPT_WEIGHT);
	assert_addr(&c.svc.vip, 10, 0, 0, 1, 80);
	assert_addr(&c.dest.addr, 10, 0, 0, 3, 0);  /* port: the service's, later */
	assert_int_equal(c.dest.fwd, XLVS_FWD_DROUTE);
	assert_int_equal(c.dest.weight, 3);
	/* ipvsadm's defaults: -g, weight 1. */
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.4:80", &c);
	assert_int_equal(c.opts, OPT_SERVICE | OPT_SERVER);
	assert_addr(&c.dest.addr, 10, 0, 0, 4, 80);
	assert_int_equal(c.dest.fwd, XLVS_FWD_DROUTE);
	assert_int_equal(c.dest.weight, 1);
}

static void edit_delete_server(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-e -t 10.0.0.1:80 -r 10.0.0.3:80 -w 0", &c);
	assert_int_equal(c.kind, CMD_EDIT_DEST);
	assert_int_equal(c.dest.weight, 0);
	parse_ok("-e -t 10.0.0.1:80 -r 10.0.0.3:80 -w 65535", &c);
	assert_int_equal(c.dest.weight, 65535);
	parse_ok("-d -t 10.0.0.1:80 -r 10.0.0.3:80", &c);
	assert_int_equal(c.kind, CMD_DEL_DEST);
	assert_int_equal(c.opts, OPT_SERVICE | OPT_SERVER);
	assert_addr(&c.dest.addr, 10, 0, 0, 3, 80);
}

static void list_save_restore(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-L -n", &c);
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.opts, OPT_NUMERIC);
	parse_ok("-l", &c);
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.opts, 0);
	parse_ok("-Ln", &c);                        /* bundled, as people type it */
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.opts, OPT_NUMERIC);
	parse_ok("-L -n -t 10.0.0.1:80", &c);
	assert_int_equal(c.opts, OPT_NUMERIC | OPT_SERVICE);
	assert_addr(&c.svc.vip, 10, 0, 0, 1, 80);
	parse_ok("-L -c -n", &c);
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.opts, OPT_NUMERIC | OPT_CONNECTION);
	parse_ok("--list --connection", &c);
	assert_int_equal(c.opts, OPT_CONNECTION);
	parse_ok("-L --timeout", &c);
	assert_int_equal(c.opts, OPT_TIMEOUT);
	parse_fails("-L -c --timeout",
		    "Only one of a service, -c, --timeout and --daemon may be listed");
	parse_fails("-L -c -t 10.0.0.1:80",
		    "Only one of a service, -c, --timeout and --daemon may be listed");
	parse_fails("-A -t 10.0.0.1:80 -c",
		    "Illegal 'connection' option with the 'add-service' command");
	parse_ok("-L -n --stats --exact", &c);
	assert_int_equal(c.opts, OPT_NUMERIC | OPT_STATS | OPT_EXACT);
	parse_ok("-L --rate -X", &c);
	assert_int_equal(c.opts, OPT_RATE | OPT_EXACT);
	parse_fails("-L -c --stats",
		    "options conflicts in the list command");
	parse_ok("-A -u 10.0.0.1:53 -s rr -o", &c);
	assert_int_equal(c.opts, OPT_SERVICE | OPT_SCHEDULER | OPT_OPS);
	assert_int_equal(c.svc.flags, XLVS_SVC_F_ONEPACKET);
	parse_fails("-A -t 10.0.0.1:80 --ops",
		    "One-Packet Scheduling is only for UDP virtual services");
	parse_ok("-Z", &c);
	assert_int_equal(c.kind, CMD_ZERO);
	assert_int_equal(c.opts, 0);
	parse_ok("--zero -u 10.0.0.1:53", &c);
	assert_int_equal(c.kind, CMD_ZERO);
	assert_int_equal(c.opts, OPT_SERVICE);
	parse_ok("-S -n", &c);
	assert_int_equal(c.kind, CMD_SAVE);
	assert_int_equal(c.opts, OPT_NUMERIC);
	parse_ok("-R", &c);
	assert_int_equal(c.kind, CMD_RESTORE);
	parse_ok("-h", &c);
	assert_int_equal(c.kind, CMD_HELP);
	parse_ok("-v", &c);
	assert_int_equal(c.kind, CMD_VERSION);
}

/* No arguments at all lists, as ipvsadm does. */
static void no_arguments_lists(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("", &c);
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.opts, 0);
}

static void attach_detach_unload(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("--attach eth0 --xdp-mode generic --conn-max 65536", &c);
	assert_int_equal(c.kind, CMD_ATTACH);
	assert_string_equal(c.ifname, "eth0");
	assert_int_equal(c.xdp_mode, XLVS_XDP_GENERIC);
	assert_int_equal(c.conn_max, 65536);
	assert_int_equal(c.opts, OPT_XDP_MODE | OPT_CONN_MAX);
	parse_ok("--attach veth-dir0", &c);
	assert_string_equal(c.ifname, "veth-dir0");
	assert_int_equal(c.xdp_mode, XLVS_XDP_AUTO);  /* chosen at attach */
	assert_int_equal(c.conn_max, 0);             /* the table's default */
	parse_ok("--attach eth1 --xdp-mode native --conn-max 1024", &c);
	assert_int_equal(c.xdp_mode, XLVS_XDP_NATIVE);
	assert_int_equal(c.conn_max, 1024);
	parse_ok("--attach eth1 --xdp-mode auto", &c);
	assert_int_equal(c.xdp_mode, XLVS_XDP_AUTO);
	parse_ok("--detach eth0", &c);
	assert_int_equal(c.kind, CMD_DETACH);
	assert_string_equal(c.ifname, "eth0");
	parse_ok("--unload", &c);
	assert_int_equal(c.kind, CMD_UNLOAD);
	parse_ok("--upgrade", &c);
	assert_int_equal(c.kind, CMD_UPGRADE);
	parse_ok("--counters", &c);
	assert_int_equal(c.kind, CMD_COUNTERS);
}

static void long_spellings(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("--add-service --tcp-service 10.0.0.1:80 --scheduler rr", &c);
	assert_int_equal(c.kind, CMD_ADD_SVC);
	assert_string_equal(c.svc.sched, "rr");
	parse_ok("--add-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.3:80 "
		 "--gatewaying --weight 7", &c);
	assert_int_equal(c.kind, CMD_ADD_DEST);
	assert_int_equal(c.opts, OPT_SERVICE | OPT_SERVER | OPT_FORWARD | OPT_WEIGHT);
	assert_int_equal(c.dest.weight, 7);
	parse_ok("--edit-service --udp-service 10.0.0.1:53 --scheduler wrr", &c);
	assert_int_equal(c.kind, CMD_EDIT_SVC);
	assert_int_equal(c.svc.proto, IPPROTO_UDP);
	parse_ok("--edit-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.3 "
		 "--weight 2", &c);
	assert_int_equal(c.kind, CMD_EDIT_DEST);
	parse_ok("--delete-server --tcp-service 10.0.0.1:80 --real-server 10.0.0.3",
		 &c);
	assert_int_equal(c.kind, CMD_DEL_DEST);
	parse_ok("--delete-service --tcp-service 10.0.0.1:80", &c);
	assert_int_equal(c.kind, CMD_DEL_SVC);
	parse_ok("--list --numeric --sort", &c);
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.opts, OPT_NUMERIC);
	parse_ok("--save --numeric", &c);
	assert_int_equal(c.kind, CMD_SAVE);
	parse_ok("--clear", &c);
	assert_int_equal(c.kind, CMD_CLEAR);
	parse_ok("--restore", &c);
	assert_int_equal(c.kind, CMD_RESTORE);
}

/* Service names for ports, as ipvsadm accepts them. */
static void port_names(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-A -t 10.0.0.1:http", &c);
	assert_addr(&c.svc.vip, 10, 0, 0, 1, 80);
}

/* ipvsadm's parse_sched_flags: each flag in turn, against the scheduler
 * named anywhere on the line (wlc when none is). */
static void sched_flags(void **state)
{
	static const struct { const char *line; uint32_t flags; } good[] = {
		{ "-A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port",
		  XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2 },
		{ "-A -u 10.0.0.1:53 -s mh -b mh-fallback,mh-port",
		  XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2 },
		{ "-E -t 10.0.0.1:80 --sched-flags mh-port --scheduler mh",
		  XLVS_SVC_F_SCHED2 },
		{ "-A -t 10.0.0.1:80 -s mh -b flag-3,mh-fallback",
		  XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED3 },
		{ "-A -t 10.0.0.1:80 -s wlc -b flag-1,flag-2",
		  XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2 },
	};
	static const struct { const char *line, *msg; } bad[] = {
		{ "-A -t 10.0.0.1:80 -s wlc -b sh-port", "incompatible scheduler flag `sh-port'" },
		{ "-A -t 10.0.0.1:80 -s sh -b mh-port", "incompatible scheduler flag `mh-port'" },
		{ "-A -t 10.0.0.1:80 -s mh -b sh-fallback",
		  "incompatible scheduler flag `sh-fallback'" },
		{ "-A -t 10.0.0.1:80 -s mh -b mh-port,sh-port",
		  "incompatible scheduler flag `sh-port'" },
		{ "-A -t 10.0.0.1:80 -s mh -b sh-port,mh-port",
		  "incompatible scheduler flag `sh-port'" },
		{ "-A -t 10.0.0.1:80 -s sh -b flag-1,mh-fallback",
		  "incompatible scheduler flag `mh-fallback'" },
		{ "-A -t 10.0.0.1:80 -s dh -b mh-port", "incompatible scheduler flag `mh-port'" },
		/* No -s: the flags are checked against ipvsadm's default, wlc. */
		{ "-E -t 10.0.0.1:80 -b mh-port", "incompatible scheduler flag `mh-port'" },
		{ "-A -t 10.0.0.1:80 -s sh -b sh-bogus", "invalid scheduler flag `sh-bogus'" },
		{ "-A -t 10.0.0.1:80 -s wlc -b sh-port,bogus",
		  "incompatible scheduler flag `sh-port'" },
		{ "-L -b flag-1", "Illegal 'sched-flags' option with the 'list' command" },
	};
	struct cmd c;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		parse_ok(good[i].line, &c);
		assert_true(c.opts & OPT_SCHED_FLAGS);
		assert_int_equal(c.svc.flags, good[i].flags);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_fails(bad[i].line, bad[i].msg);
}

/* Every scheduler the kernel ships is accepted; another name gets
 * ipvsadm's message. */
static int run_sched_check(void *arg)
{
	return cmd_conf_check(arg);
}

static void sched_known(void **state)
{
	struct cmd c;
	char err[256];

	(void)state;
	parse_ok("-A -t 10.0.0.1:80 -s mh", &c);
	assert_int_equal(with_stderr(run_sched_check, &c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	static const char *const all[] = { "rr", "wrr", "lc", "wlc", "lblc",
		"lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos" };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char line[64];

		snprintf(line, sizeof(line), "-E -t 10.0.0.1:80 -s %s", all[i]);
		parse_ok(line, &c);
		assert_int_equal(with_stderr(run_sched_check, &c, err, sizeof(err)), 0);
		assert_string_equal(err, "");
	}
	parse_ok("-A -t 10.0.0.1:80 -s bogus", &c);
	assert_int_equal(with_stderr(run_sched_check, &c, err, sizeof(err)), 1);
	assert_string_equal(err, "Scheduler or persistence engine not found\n");
}

/* -------------------------------------------------------------- errors -- */

static void bad_weights(void **state)
{
	(void)state;
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -w 70000", "illegal weight specified");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -w 65536", "illegal weight specified");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -w -1", "illegal weight specified");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -w abc", "illegal weight specified");
	parse_fails("-e -t 10.0.0.1:80 -r 10.0.0.3 --weight 3x", "illegal weight specified");
}

static void two_commands(void **state)
{
	(void)state;
	parse_fails("-A -D -t 10.0.0.1:80", "multiple commands specified");
	parse_fails("-L -S", "multiple commands specified");
	parse_fails("-C --unload", "multiple commands specified");
	parse_fails("--upgrade --unload", "multiple commands specified");
}

/* ipvsadm's generic_opt_check, option by option. */
static void illegal_options(void **state)
{
	(void)state;
	parse_fails("-A -t 10.0.0.1:80 -w 3",
		    "Illegal 'weight' option with the 'add-service' command");
	parse_fails("-A -t 10.0.0.1:80 -r 10.0.0.3",
		    "Illegal 'real-server' option with the 'add-service' command");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -s rr",
		    "Illegal 'scheduler' option with the 'add-server' command");
	parse_fails("-D -t 10.0.0.1:80 -s rr",
		    "Illegal 'scheduler' option with the 'delete-service' command");
	parse_fails("-d -t 10.0.0.1:80 -r 10.0.0.3 -w 2",
		    "Illegal 'weight' option with the 'delete-server' command");
	parse_fails("-C -n", "Illegal 'numeric' option with the 'clear' command");
	parse_fails("-L -w 3", "Illegal 'weight' option with the 'list' command");
	parse_fails("-S -t 10.0.0.1:80",
		    "Illegal 'service-address' option with the 'save' command");
	parse_fails("--detach eth0 --xdp-mode generic",
		    "Illegal 'xdp-mode' option with the 'detach' command");
	parse_fails("-A -t 10.0.0.1:80 --conn-max 2048",
		    "Illegal 'conn-max' option with the 'add-service' command");
}

static void missing_options(void **state)
{
	(void)state;
	parse_fails("-a -t 10.0.0.1:80",
		    "You need to supply the 'real-server' option for the 'add-server' command");
	parse_fails("-a -r 10.0.0.3",
		    "You need to supply the 'service-address' option for the 'add-server' command");
	parse_fails("-A -s wrr",
		    "You need to supply the 'service-address' option for the 'add-service' command");
	parse_fails("-D",
		    "You need to supply the 'service-address' option for the 'delete-service' command");
	parse_fails("-d -t 10.0.0.1:80",
		    "You need to supply the 'real-server' option for the 'delete-server' command");
}

/* ipvsadm checks the port of -A and -E only (it is a service's key). */
static void zero_port(void **state)
{
	(void)state;
	parse_fails("-A -t 10.0.0.1 -s rr", "Zero port specified for non-persistent service");
	parse_fails("-E -u 10.0.0.1:0", "Zero port specified for non-persistent service");
}

static void bad_addresses(void **state)
{
	(void)state;
	parse_fails("-A -t :80", "illegal virtual server address[:port] specified");
	parse_fails("-A -t 10.0.0.1:abc", "illegal virtual server address[:port] specified");
	parse_fails("-A -t [::1]80", "illegal virtual server address[:port] specified");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3:99999",
		    "illegal real server address[:port] specified");
}

/* Options ipvsadm has and xlvs does not yet: refused by name, never
 * silently ignored (a persistent service must not quietly become one
 * that is not). */
static void unsupported_options(void **state)
{
	(void)state;
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -x 5 -y 6",
		    "The lower threshold (-y) must not be above the upper threshold (-x)");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -x -1", "illegal u_threshold specified");
	parse_fails("-A -t 10.0.0.1:80 -x 5",
		    "Illegal 'u-threshold' option with the 'add-service' command");
	parse_fails("-A -f 1", "xlvsadm: option '-f' is not supported yet");
}

/*
 * What libxlvs refuses (lib/conf_check.c), said by xlvsadm as ipvsadm says
 * a bad value, naming the option, before any table is opened: every
 * forwarding method passes (-m, -i and their long names); a lower threshold without an upper one is IPVS's
 * -ERANGE (ip_vs_add_dest); in range, nothing is said.
 */
static void conf_refused(void **state)
{
	static const struct { const char *line, *msg; } tab[] = {
		{ "-a -t 10.0.0.1:80 -r 10.0.0.3:8080 -m", "" },
		{ "-e -t 10.0.0.1:80 -r 10.0.0.3 --masquerading -w 2", "" },
		{ "-a -t 10.0.0.1:80 -r 10.0.0.3 -i", "" },
		{ "-a -t 10.0.0.1:80 -r 10.0.0.3 --ipip --tun-type gue --tun-port 6080", "" },
		{ "-a -t 10.0.0.1:80 -r 10.0.0.3 -y 3",
		  "The lower threshold (-y 3) must not be above the upper threshold (-x 0)\n" },
		{ "-a -t 10.0.0.1:80 -r 10.0.0.3 -g -w 65535 -x 2147483647 -y 5", "" },
	};
	struct cmd c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		parse_ok(tab[i].line, &c);
		assert_int_equal(with_stderr(run_sched_check, &c, err, sizeof(err)),
				 tab[i].msg[0] ? 1 : 0);
		assert_string_equal(err, tab[i].msg);
	}
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -g -m",
		    "multiple 'forwarding-method' options specified");
	/* Weights and thresholds out of range, given by a caller that did not
	 * parse them: the same check, the option and its range named. */
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3", &c);
	c.dest.weight = 65536;
	assert_int_equal(with_stderr(run_sched_check, &c, err, sizeof(err)), 1);
	assert_string_equal(err, "illegal weight specified: -w takes 0..65535\n");
	c.dest.weight = -1;
	assert_int_equal(with_stderr(run_sched_check, &c, err, sizeof(err)), 1);
	assert_string_equal(err, "illegal weight specified: -w takes 0..65535\n");
	c.dest.weight = 1;
	c.dest.u_threshold = 2147483648u;
	assert_int_equal(with_stderr(run_sched_check, &c, err, sizeof(err)), 1);
	assert_string_equal(err, "illegal u_threshold specified: -x takes 0..2147483647\n");
	parse_fails("--attach lo --conn-max 1023", "--conn-max 1023: expected 1024..134217728");
	parse_fails("--attach lo --conn-max 134217729", "--conn-max 134217729: expected 1024..134217728");
}

/*
 * ipvsadm 1.31's tunnel options: --tun-type ipip (default) | gue | gre,
 * --tun-port for gue only (and required there), one checksum option for
 * gue (nocsum, csum, remcsum) or gre (nocsum, csum), and all of them only
 * with -i; its messages, in its order of checks.
 */
static void tunnel_options(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -i", &c);
	assert_int_equal(c.dest.fwd, XLVS_FWD_TUNNEL);
	assert_int_equal(c.dest.tun_type, XLVS_TUN_IPIP);
	assert_int_equal(c.dest.tun_port, 0);
	assert_int_equal(c.dest.tun_flags, 0);
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type ipip", &c);
	assert_int_equal(c.dest.tun_type, XLVS_TUN_IPIP);
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-port 6080", &c);
	assert_int_equal(c.dest.tun_type, XLVS_TUN_GUE);
	assert_int_equal(c.dest.tun_port, 6080);
	assert_int_equal(c.dest.tun_flags, 0);
	parse_ok("-e -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-port 1 --tun-csum", &c);
	assert_int_equal(c.dest.tun_flags, XLVS_TUN_F_CSUM);
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 --ipip --tun-port 65535 --tun-type gue --tun-remcsum", &c);
	assert_int_equal(c.dest.tun_flags, XLVS_TUN_F_REMCSUM);
	assert_int_equal(c.dest.tun_port, 65535);
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-port 6080 --tun-nocsum", &c);
	assert_int_equal(c.dest.tun_flags, 0);
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gre", &c);
	assert_int_equal(c.dest.tun_type, XLVS_TUN_GRE);
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gre --tun-csum", &c);
	assert_int_equal(c.dest.tun_flags, XLVS_TUN_F_CSUM);
	parse_ok("-L -n --tun-info", &c);
	assert_true(c.opts & OPT_TUN_INFO);

	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type vxlan",
		    "illegal tunnel type specified");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-port 0",
		    "illegal tunnel port specified");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-port 65536",
		    "illegal tunnel port specified");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue",
		    "You need to supply the 'tun-port' option for the 'gue' tunnel type");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-port 6080",
		    "Illegal 'tun-port' option with the 'ipip' tunnel type");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-csum",
		    "Illegal 'tun-csum' option with the 'ipip' tunnel type");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gre --tun-port 6080",
		    "Illegal 'tun-port' option with the 'gre' tunnel type");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gre --tun-remcsum",
		    "Illegal 'tun-remcsum' option with the 'gre' tunnel type");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-port 6080 "
		    "--tun-csum --tun-remcsum",
		    "The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gre --tun-nocsum --tun-csum",
		    "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -g --tun-type gue --tun-port 6080",
		    "Tunnel options conflict with forward method");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 --tun-type ipip",
		    "Tunnel options conflict with forward method");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-type gue --tun-type gre",
		    "multiple 'tun-type' options specified");
	parse_fails("-A -t 10.0.0.1:80 --tun-type gue",
		    "Illegal 'tun-type' option with the 'add-service' command");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -i --tun-info",
		    "Illegal 'tun-info' option with the 'add-server' command");
	parse_fails("-d -t 10.0.0.1:80 -r 10.0.0.3 --tun-csum",
		    "Illegal 'tun-csum' option with the 'delete-server' command");
}

/* -p [timeout] takes the next word as ipvsadm's popt does, 360 s without;
 * -M only a real netmask; port 0 only when persistent. */
/* ipvsadm 1.31 with IPv6: -t/-u/-r take [v6]:port or a bare v6 address;
 * a v6 service's -M is its prefix length 1..128, 128 when not given
 * (parse_service); a real server of the other family only by tunnel. */
static void ipv6_options(void **state)
{
	uint8_t a[16];
	struct cmd c;

	(void)state;
	parse_ok("-A -t [2001:db8::1]:80 -s rr", &c);
	assert_int_equal(c.svc.vip.af, 6);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", a), 1);
	assert_memory_equal(c.svc.vip.addr, a, 16);
	assert_int_equal(c.svc.vip.port, 80);
	assert_int_equal(c.svc.netmask, 128);
	parse_ok("-A -u [fd00::1]:53 -p 60 -M 64", &c);
	assert_int_equal(c.svc.proto, IPPROTO_UDP);
	assert_int_equal(c.svc.netmask, 64);
	/* -M before -t means the same (ipvsadm would read it as IPv4). */
	parse_ok("-A -M 48 -t [fd00::1]:80 -p", &c);
	assert_int_equal(c.svc.netmask, 48);
	parse_ok("-E -t [fd00::1]:80 -p -M 1", &c);
	assert_int_equal(c.svc.netmask, 1);
	parse_ok("-E -t [fd00::1]:80 -p -M 128", &c);
	assert_int_equal(c.svc.netmask, 128);
	parse_ok("-A -t [fd00::1]:0 -p", &c);
	assert_int_equal(c.svc.vip.port, 0);
	parse_fails("-A -t [fd00::1]:0", "Zero port specified for non-persistent service");
	parse_fails("-A -t [fd00::1]:80 -p -M 0", "illegal ipv6 netmask specified");
	parse_fails("-A -t [fd00::1]:80 -p -M 129", "illegal ipv6 netmask specified");
	parse_fails("-A -t [fd00::1]:80 -p -M 255.255.255.0", "illegal ipv6 netmask specified");
	parse_fails("-A -t [fd00::1]:80 -p -M 64x", "illegal ipv6 netmask specified");
	parse_fails("-A -t [fd00::1]:http:80", "illegal virtual server address[:port] specified");
	parse_fails("-A -t [10.0.0.1]:80", "illegal virtual server address[:port] specified");
	/* Real servers: the same forms; each method of the service's family. */
	parse_ok("-a -t [fd00::1]:80 -r [fd00::2]:8080 -m -w 3", &c);
	assert_int_equal(c.dest.addr.af, 6);
	assert_int_equal(c.dest.addr.port, 8080);
	assert_int_equal(c.dest.fwd, XLVS_FWD_MASQ);
	assert_int_equal(c.dest.weight, 3);
	parse_ok("-a -t [fd00::1]:80 -r fd00::3", &c);
	assert_int_equal(c.dest.addr.af, 6);
	assert_int_equal(c.dest.addr.port, 0);
	assert_int_equal(c.dest.fwd, XLVS_FWD_DROUTE);
	parse_ok("-e -t [fd00::1]:80 -r [fd00::3] -w 2", &c);
	parse_ok("-d -t [fd00::1]:80 -r [fd00::3]:80", &c);
	parse_ok("-d -t [fd00::1]:80 -r 10.0.0.3", &c);   /* as ipvsadm: no check */
	parse_ok("-a -t [fd00::1]:80 -r 10.0.0.3 -i", &c);
	assert_int_equal(c.dest.addr.af, 4);
	parse_ok("-a -t 10.0.0.1:80 -r [fd00::3] -i --tun-type gue --tun-port 6080", &c);
	assert_int_equal(c.dest.addr.af, 6);
	parse_fails("-a -t [fd00::1]:80 -r 10.0.0.3",
		    "Different address family is allowed only for tunneling servers");
	parse_fails("-e -t [fd00::1]:80 -r 10.0.0.3 -m",
		    "Different address family is allowed only for tunneling servers");
	parse_fails("-a -t 10.0.0.1:80 -r [fd00::3]:80 -g",
		    "Different address family is allowed only for tunneling servers");
	parse_fails("-a -t [fd00::1]:80 -r [fd00::3]:99999",
		    "illegal real server address[:port] specified");
	parse_ok("-L -n -t [fd00::1]:80 --stats", &c);
	parse_ok("-Z -u [fd00::1]:53", &c);
	parse_ok("-D -t fd00::1", &c);
	assert_int_equal(c.svc.vip.port, 0);
}

static void persistence_options(void **state)
{
	struct cmd c;

	(void)state;
	parse_ok("-A -t 10.0.0.1:80 -p", &c);
	assert_true(c.svc.flags & XLVS_SVC_F_PERSISTENT);
	assert_int_equal(c.svc.timeout, 360);
	assert_int_equal(c.svc.netmask, 0xffffffff);
	parse_ok("-A -t 10.0.0.1:80 -p 600 -s rr", &c);
	assert_int_equal(c.svc.timeout, 600);
	assert_string_equal(c.svc.sched, "rr");
	parse_ok("-A -t 10.0.0.1:80 -p -M 255.255.255.0", &c);
	assert_int_equal(c.svc.timeout, 360);
	assert_int_equal(c.svc.netmask, htonl(0xffffff00));
	parse_ok("-A -t 10.0.0.1:80 --persistent=2678400 --netmask 0.0.0.0", &c);
	assert_int_equal(c.svc.timeout, 2678400);
	assert_int_equal(c.svc.netmask, 0);
	parse_ok("-E -u 10.0.0.1:0 -p 30", &c);
	assert_int_equal(c.kind, CMD_EDIT_SVC);
	assert_int_equal(c.svc.vip.port, 0);
	parse_ok("-L -n --persistent-conn", &c);
	assert_int_equal(c.opts, OPT_NUMERIC | OPT_PERSISTENT_CONN);
	parse_ok("-L -c -n --persistent-conn", &c);
	parse_fails("-A -t 10.0.0.1:80 -p 0", "invalid timeout value `0' specified");
	parse_fails("-A -t 10.0.0.1:80 -p 2678401",
		    "invalid timeout value `2678401' specified");
	parse_fails("-A -t 10.0.0.1:80 -p 5m", "invalid timeout value `5m' specified");
	parse_fails("-A -t 10.0.0.1:80 -p -M 255.0.255.0",
		    "illegal virtual server persistent mask specified");
	parse_fails("-A -t 10.0.0.1:80 -p -M 24",
		    "illegal virtual server persistent mask specified");
	parse_fails("-A -t 10.0.0.1:80 -p -M 255.255.255.256",
		    "illegal virtual server persistent mask specified");
	parse_fails("-A -t 10.0.0.1:0", "Zero port specified for non-persistent service");
	parse_fails("-A -t 10.0.0.1:0 -o", "Zero port specified for non-persistent service");
	parse_fails("-A -t 10.0.0.1:0 -M 255.255.0.0",
		    "Zero port specified for non-persistent service");
	parse_fails("-a -t 10.0.0.1:80 -r 10.0.0.3 -p",
		    "Illegal 'persistent' option with the 'add-server' command");
	parse_fails("-L -p", "Illegal 'persistent' option with the 'list' command");
	parse_fails("-L --timeout --persistent-conn", "options conflicts in the list command");
	/* Twice is an error in ipvsadm, not "the last one wins". */
	parse_fails("-A -t 10.0.0.1:80 -p 60 -p 90", "multiple 'persistent' options specified");
	parse_fails("-A -t 10.0.0.1:80 -p -M 255.255.0.0 --netmask 255.0.0.0",
		    "multiple 'netmask' options specified");
	parse_fails("-A -t 10.0.0.1:80 -s rr -s wlc", "multiple 'scheduler' options specified");
	parse_fails("-L -n -n", "multiple 'numeric' options specified");
}

static void unknown_options(void **state)
{
	(void)state;
	parse_fails("-L --bogus", "xlvsadm: invalid option or missing argument: --bogus");
	parse_fails("-j", "xlvsadm: invalid option or missing argument: -j");
	parse_fails("-A -t", "xlvsadm: invalid option or missing argument: -t");
	parse_fails("-L stray", "xlvsadm: unexpected argument 'stray'");
}

static void bad_attach_values(void **state)
{
	(void)state;
	parse_fails("--attach eth0 --xdp-mode offload",
		    "--xdp-mode offload: expected auto, native or generic");
	parse_fails("--attach eth0 --conn-max 100", "--conn-max 100: expected 1024..134217728");
	parse_fails("--attach eth0 --conn-max 134217729",
		    "--conn-max 134217729: expected 1024..134217728");
	parse_fails("--attach abcdefghijklmnop", "abcdefghijklmnop: interface name too long");
	parse_fails("-A -t 10.0.0.1:80 -s abcdefghijklmnop", "Scheduler name too long");
}

/* A failed parse must not leave getopt's state behind for the next line
 * (restore parses many lines in one process). */
static void parse_after_failure(void **state)
{
	struct cmd c;

	(void)state;
	parse_fails("-A -t 10.0.0.1:80 -w 3",
		    "Illegal 'weight' option with the 'add-service' command");
	parse_ok("-a -t 10.0.0.1:80 -r 10.0.0.3 -w 4", &c);
	assert_int_equal(c.kind, CMD_ADD_DEST);
	assert_int_equal(c.dest.weight, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_service),
		cmocka_unit_test(edit_delete_clear_service),
		cmocka_unit_test(add_server),
		cmocka_unit_test(edit_delete_server),
		cmocka_unit_test(list_save_restore),
		cmocka_unit_test(no_arguments_lists),
		cmocka_unit_test(attach_detach_unload),
		cmocka_unit_test(long_spellings),
		cmocka_unit_test(port_names),
		cmocka_unit_test(sched_flags),
		cmocka_unit_test(sched_known),
		cmocka_unit_test(bad_weights),
		cmocka_unit_test(two_commands),
		cmocka_unit_test(illegal_options),
		cmocka_unit_test(missing_options),
		cmocka_unit_test(zero_port),
		cmocka_unit_test(bad_addresses),
		cmocka_unit_test(unsupported_options),
		cmocka_unit_test(conf_refused),
		cmocka_unit_test(tunnel_options),
		cmocka_unit_test(persistence_options),
		cmocka_unit_test(ipv6_options),
		cmocka_unit_test(unknown_options),
		cmocka_unit_test(bad_attach_values),
		cmocka_unit_test(parse_after_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
