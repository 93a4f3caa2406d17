// SPDX-License-Identifier: GPL-2.0
/*
 * xlvsadm -L and -S output (xlvsadm/list.c), byte for byte against
 * ipvsadm's formats (shared/reference/lvs.md §2.5, §2.6).  Scripts parse
 * these listings with fixed columns, so widths and trailing spaces matter.
 * The expected lines are the lvs.md examples typed out, with the trailing
 * spaces that lvs.md does not show added explicitly, not re-printed with
 * list.c's own format strings.  Snapshots are built by hand: sorting is
 * xlvs_snapshot_take's job and needs a table, so it is not tested here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "cmd.h"

#define HEADER  "IP Virtual Server version 1.2.1 (size=4096)\n"
#define TITLE1  "Prot LocalAddress:Port Scheduler Flags\n"
#define TITLE2  "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"

static struct xlvs_endpoint ep(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			       uint16_t port)
{
	struct xlvs_endpoint e = { .af = 4, .addr = { a, b, c, d }, .port = port };

	return e;
}

static struct xlvs_dest_info dest(struct xlvs_endpoint addr, uint8_t fwd,
				  int32_t weight, uint32_t act, uint32_t inact)
{
	struct xlvs_dest_info d = {
		.conf = { .addr = addr, .fwd = fwd, .weight = weight },
		.active = act, .inactive = inact,
	};

	return d;
}

static struct xlvs_service_info service(uint8_t proto, struct xlvs_endpoint vip,
					const char *sched,
					struct xlvs_dest_info *dests, uint32_t n)
{
	struct xlvs_service_info s = {
		.conf = { .proto = proto, .vip = vip },
		.ndests = n, .dests = dests,
	};

	snprintf(s.conf.sched, sizeof(s.conf.sched), "%s", sched);
	return s;
}

/* lvs.md §2.6's "ipvsadm -L -n" table, less fwmark services, which xlvs
 * does not have yet. */
struct example {
	struct xlvs_dest_info d80[2], d443[1], d53[1];
	struct xlvs_service_info svc[3];
	struct xlvs_snapshot snap;
};

static void example_fill(struct example *x)
{
	x->d80[0] = dest(ep(10, 0, 0, 3, 80), XLVS_FWD_DROUTE, 3, 12, 40);
	x->d80[1] = dest(ep(10, 0, 0, 4, 80), XLVS_FWD_DROUTE, 1, 4, 13);
	x->d443[0] = dest(ep(192, 168, 1, 10, 443), XLVS_FWD_MASQ, 1, 0, 0);
	x->d53[0] = dest(ep(10, 0, 0, 5, 53), XLVS_FWD_TUNNEL, 1, 0, 7);
	x->svc[0] = service(IPPROTO_TCP, ep(10, 0, 0, 1, 80), "wlc", x->d80, 2);
	x->svc[1] = service(IPPROTO_TCP, ep(10, 0, 0, 1, 443), "rr", x->d443, 1);
	x->svc[2] = service(IPPROTO_UDP, ep(10, 0, 0, 1, 53), "sh", x->d53, 1);
	x->svc[1].conf.flags = XLVS_SVC_F_PERSISTENT;
	x->svc[1].conf.timeout = 360;
	x->svc[1].conf.netmask = htonl(0xffffff00);
	x->svc[2].conf.flags = XLVS_SVC_F_ONEPACKET | XLVS_SVC_F_SCHED1 |
			       XLVS_SVC_F_SCHED2;
	x->snap.nservices = 3;
	x->snap.services = x->svc;
	x->snap.conn_max = 4096;
}

/* The output of list_snapshot (or save_snapshot when save) as a string. */
static char *render(const struct xlvs_snapshot *snap, const struct cmd *c,
		    bool save, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = 0;
	if (save)
		save_snapshot(f, snap, c);
	else
		*rc = list_snapshot(f, snap, c);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* strcmp that says where the two first differ, trailing spaces included. */
static void assert_output(const char *got, const char *want)
{
	size_t i = 0;

	while (got[i] && got[i] == want[i])
		i++;
	if (got[i] != want[i])
		fail_msg("output differs at byte %zu (got 0x%02x, expected 0x%02x)"
			 "\n--- got:\n%s--- expected:\n%s", i,
			 (unsigned char)got[i], (unsigned char)want[i], got, want);
}

/* Command c (-L, or -S) on snap must succeed and print want. */
static void expect_output(const struct xlvs_snapshot *snap, const struct cmd *c,
			  const char *want)
{
	int rc;
	char *out = render(snap, c, c->kind == CMD_SAVE, &rc);

	assert_int_equal(rc, 0);
	assert_output(out, want);
	free(out);
}

/* list_snapshot of snap with the options opts must succeed and print want. */
static void expect_listing(const struct xlvs_snapshot *snap, unsigned int opts,
			   const char *want)
{
	struct cmd c = { .kind = CMD_LIST, .opts = opts };

	expect_output(snap, &c, want);
}

static struct cmd cmd_with(unsigned int opts)
{
	struct cmd c = { .kind = CMD_LIST, .opts = opts };

	return c;
}

/* The whole table, -L -n: header, titles, services, destination lines with
 * their trailing spaces (%-10u of the inactive count). */
static void list_all_numeric(void **state)
{
	static const char want[] =
		HEADER TITLE1 TITLE2
		"TCP  10.0.0.1:80 wlc\n"
		"  -> 10.0.0.3:80                  Route   3      12         40" "        \n"
		"  -> 10.0.0.4:80                  Route   1      4          13" "        \n"
		"TCP  10.0.0.1:443 rr persistent 360 mask 255.255.255.0\n"
		"  -> 192.168.1.10:443             Masq    1      0          0" "         \n"
		"UDP  10.0.0.1:53 sh (sh-fallback,sh-port) ops\n"
		"  -> 10.0.0.5:53                  Tunnel  1      0          7" "         \n";
	struct example x;

	(void)state;
	example_fill(&x);
	expect_listing(&x.snap, OPT_NUMERIC, want);
}

/* lvs.md §2.6's --stats, --exact and --rate examples: one service, one
 * real server, counters past the K/M/G thresholds. */
static void stats_fill(struct example *x)
{
	example_fill(x);
	x->snap.nservices = 1;
	x->svc[0].ndests = 1;
	x->svc[0].stats = (struct xlvs_stats){ .conns = 1234567,
		.inpkts = 98765432, .inbytes = 123456789012ULL };
	x->d80[0].stats = (struct xlvs_stats){ .conns = 617283,
		.inpkts = 49382716, .inbytes = 61728394506ULL };
	x->svc[0].rates = (struct xlvs_rates){ .cps = 25, .inpps = 310,
		.inbps = 41250 };
	x->d80[0].rates = (struct xlvs_rates){ .cps = 19, .inpps = 233,
		.inbps = 30937 };
}

static void list_stats(void **state)
{
	static const char want[] =
		HEADER
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  10.0.0.1:80                   1234567 98765432        0     123G        0\n"
		"  -> 10.0.0.3:80                    617283 49382716        0   61728M        0\n";
	struct example x;

	(void)state;
	stats_fill(&x);
	expect_listing(&x.snap, OPT_NUMERIC | OPT_STATS, want);
}

static void list_stats_exact(void **state)
{
	static const char want[] =
		"TCP  10.0.0.1:80                   1234567 98765432        0 123456789012        0\n";
	struct example x;
	struct cmd c = cmd_with(OPT_NUMERIC | OPT_STATS | OPT_EXACT);
	char *out, *line;
	int rc;

	(void)state;
	stats_fill(&x);
	out = render(&x.snap, &c, false, &rc);
	assert_int_equal(rc, 0);
	line = strstr(out, "TCP ");
	assert_non_null(line);
	line[strcspn(line, "\n") + 1] = '\0';
	assert_output(line, want);
	free(out);
}

static void list_rate(void **state)
{
	static const char want[] =
		HEADER
		"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
		"  -> RemoteAddress:Port\n"
		"TCP  10.0.0.1:80                        25      310        0    41250        0\n"
		"  -> 10.0.0.3:80                        19      233        0    30937        0\n";
	struct example x;

	(void)state;
	stats_fill(&x);
	expect_listing(&x.snap, OPT_NUMERIC | OPT_RATE, want);
}

/* lvs.md §2.6's --thresholds example (its title row ends with a space). */
static void list_thresholds(void **state)
{
	static const char want[] =
		HEADER
		"Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
		"  -> RemoteAddress:Port\n"
		"TCP  10.0.0.1:80 wlc\n"
		"  -> 10.0.0.3:80                  100        0          12         40" "        \n";
	struct example x;

	(void)state;
	example_fill(&x);
	x.snap.nservices = 1;
	x.svc[0].ndests = 1;
	x.d80[0].conf.u_threshold = 100;
	expect_listing(&x.snap, OPT_NUMERIC | OPT_THRESHOLDS, want);
}

/* lvs.md §2.6's --persistent-conn example: the service line as in -L, the
 * real server's weight and its persistence templates (PersistConn); the
 * default mask is not shown. */
static void list_persistent_conn(void **state)
{
	static const char want[] =
		HEADER
		"Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
		"  -> RemoteAddress:Port\n"
		"TCP  10.0.0.1:443 rr persistent 360\n"
		"  -> 192.168.1.10:443             1         3           2          1" "         \n";
	struct example x;

	(void)state;
	example_fill(&x);
	x.snap.nservices = 1;
	x.snap.services = &x.svc[1];
	x.svc[1].conf.netmask = 0xffffffff;
	x.d443[0].persist = 3;
	x.d443[0].active = 2;
	x.d443[0].inactive = 1;
	expect_listing(&x.snap, OPT_NUMERIC | OPT_PERSISTENT_CONN, want);
}

/* size= is the connection table's capacity, whatever it is. */
static void list_empty_table(void **state)
{
	static const char want[] =
		"IP Virtual Server version 1.2.1 (size=1048576)\n" TITLE1 TITLE2;
	struct xlvs_snapshot snap = { .conn_max = 1048576 };
	struct cmd c = cmd_with(OPT_NUMERIC);

	(void)state;
	expect_output(&snap, &c, want);
}

/* Fields at their widest: the columns may run into each other but keep
 * one space between them. */
static void list_wide_values(void **state)
{
	static const char want[] =
		HEADER TITLE1 TITLE2
		"TCP  255.255.255.255:65535 wrr\n"
		"  -> 255.255.255.255:65535        Local   65535  4294967295 4294967295\n"
		"  -> 1.2.3.4:1                    Route   0      0          1" "         \n";
	struct xlvs_dest_info d[2] = {
		dest(ep(255, 255, 255, 255, 65535), XLVS_FWD_LOCAL, 65535,
		     4294967295u, 4294967295u),
		dest(ep(1, 2, 3, 4, 1), XLVS_FWD_DROUTE, 0, 0, 1),
	};
	struct xlvs_service_info s = service(IPPROTO_TCP,
					     ep(255, 255, 255, 255, 65535),
					     "wrr", d, 2);
	struct xlvs_snapshot snap = { .nservices = 1, .services = &s, .conn_max = 4096 };
	struct cmd c = cmd_with(OPT_NUMERIC);

	(void)state;
	expect_output(&snap, &c, want);
}

/* -L -t VIP:PORT: ipvsadm's list_service prints the titles and that one
 * service, without the version line. */
static void list_one_service(void **state)
{
	static const char want[] =
		TITLE1 TITLE2
		"TCP  10.0.0.1:443 rr persistent 360 mask 255.255.255.0\n"
		"  -> 192.168.1.10:443             Masq    1      0          0" "         \n";
	struct example x;
	struct cmd c = cmd_with(OPT_NUMERIC | OPT_SERVICE);

	(void)state;
	example_fill(&x);
	c.svc.proto = IPPROTO_TCP;
	c.svc.vip = ep(10, 0, 0, 1, 443);
	expect_output(&x.snap, &c, want);
}

/* The same address and port under the other protocol is another service. */
static void list_missing_service(void **state)
{
	struct example x;
	struct cmd c = cmd_with(OPT_NUMERIC | OPT_SERVICE);
	char *out;
	int rc;

	(void)state;
	example_fill(&x);
	c.svc.proto = IPPROTO_UDP;
	c.svc.vip = ep(10, 0, 0, 1, 80);
	out = render(&x.snap, &c, false, &rc);
	assert_int_equal(rc, -ESRCH);
	assert_string_equal(out, "");     /* nothing half-printed */
	free(out);
	c.svc.proto = IPPROTO_TCP;
	c.svc.vip = ep(10, 0, 0, 2, 80);
	out = render(&x.snap, &c, false, &rc);
	assert_int_equal(rc, -ESRCH);
	free(out);
}

/* Without -n, names from the local files: ipvsadm prints host:service. */
static void list_names(void **state)
{
	static const char want[] =
		HEADER TITLE1 TITLE2
		"TCP  localhost:http rr\n"
		"  -> localhost:http               Route   2      0          0" "         \n";
	struct xlvs_dest_info d = dest(ep(127, 0, 0, 1, 80), XLVS_FWD_DROUTE, 2, 0, 0);
	struct xlvs_service_info s = service(IPPROTO_TCP, ep(127, 0, 0, 1, 80),
					     "rr", &d, 1);
	struct xlvs_snapshot snap = { .nservices = 1, .services = &s, .conn_max = 4096 };
	struct cmd c = cmd_with(0);
	struct servent *se = getservbyport(htons(80), "tcp");

	(void)state;
	if (!se || strcmp(se->s_name, "http") || !gethostbyname("localhost"))
		skip();     /* no /etc/services or /etc/hosts entry here */
	expect_output(&snap, &c, want);
}

/* -S -n: lvs.md's save lines for the services xlvs has (no header). */
static void save_numeric(void **state)
{
	static const char want[] =
		"-A -t 10.0.0.1:80 -s wlc\n"
		"-a -t 10.0.0.1:80 -r 10.0.0.3:80 -g -w 3\n"
		"-a -t 10.0.0.1:80 -r 10.0.0.4:80 -g -w 1\n"
		"-A -t 10.0.0.1:443 -s rr -p 360 -M 255.255.255.0\n"
		"-a -t 10.0.0.1:443 -r 192.168.1.10:443 -m -w 1\n";
	struct example x;
	struct cmd c = { .kind = CMD_SAVE, .opts = OPT_NUMERIC };

	(void)state;
	example_fill(&x);
	x.snap.nservices = 2;       /* the tunnel service: see below */
	expect_output(&x.snap, &c, want);
}

/* A service without servers, a Local server (saved as -g, as ipvsadm
 * does), weight 0, and a UDP service. */
static void save_edge_cases(void **state)
{
	static const char want[] =
		"-A -u 10.0.0.1:53 -s wrr\n"
		"-a -u 10.0.0.1:53 -r 10.0.0.9:53 -g -w 0\n"
		"-A -t 10.0.0.2:8080 -s wlc\n";
	struct xlvs_dest_info d = dest(ep(10, 0, 0, 9, 53), XLVS_FWD_LOCAL, 0, 0, 0);
	struct xlvs_service_info s[2] = {
		service(IPPROTO_UDP, ep(10, 0, 0, 1, 53), "wrr", &d, 1),
		service(IPPROTO_TCP, ep(10, 0, 0, 2, 8080), "wlc", NULL, 0),
	};
	struct xlvs_snapshot snap = { .nservices = 2, .services = s };
	struct cmd c = { .kind = CMD_SAVE, .opts = OPT_NUMERIC };
	struct xlvs_snapshot empty = { 0 };
	char *out;
	int rc;

	(void)state;
	expect_output(&snap, &c, want);
	out = render(&empty, &c, true, &rc);
	assert_string_equal(out, "");
	free(out);
}

/* ipvsadm 1.31's print_tunnel_rule: a tunnel server is saved with its
 * tunnel type, " --tun-type ipip" by default (lvs.md §2.5, §2.6). */
static void save_tunnel_type(void **state)
{
	static const char want[] =
		"-A -u 10.0.0.1:53 -s sh -o -b sh-fallback,sh-port\n"
		"-a -u 10.0.0.1:53 -r 10.0.0.5:53 -i -w 1 --tun-type ipip\n";
	struct example x;
	struct cmd c = { .kind = CMD_SAVE, .opts = OPT_NUMERIC };

	(void)state;
	example_fill(&x);
	x.snap.services = &x.svc[2];
	x.snap.nservices = 1;
	expect_output(&x.snap, &c, want);
}

/* Four servers of one service, one each of gue, gre, ipip and Route, as
 * lvs.md §2.6's "ipvsadm -L -n --tun-info" shows them. */
static void tun_fill(struct xlvs_dest_info d[4], struct xlvs_service_info *s,
		     struct xlvs_snapshot *snap)
{
	d[0] = dest(ep(192, 168, 10, 1, 80), XLVS_FWD_TUNNEL, 1, 0, 0);
	d[0].conf.tun_type = XLVS_TUN_GUE;
	d[0].conf.tun_port = 6080;
	d[1] = dest(ep(192, 168, 11, 1, 80), XLVS_FWD_TUNNEL, 1, 0, 0);
	d[1].conf.tun_type = XLVS_TUN_GRE;
	d[1].conf.tun_flags = XLVS_TUN_F_CSUM;
	d[2] = dest(ep(192, 168, 12, 1, 80), XLVS_FWD_TUNNEL, 1, 0, 0);
	d[3] = dest(ep(192, 168, 13, 1, 80), XLVS_FWD_DROUTE, 1, 0, 0);
	*s = service(IPPROTO_TCP, ep(10, 0, 0, 1, 80), "rr", d, 4);
	*snap = (struct xlvs_snapshot){ .nservices = 1, .services = s, .conn_max = 4096 };
}

/* -L -n --tun-info: ipvsadm 1.31's title and fwd_tun_info column (%-13s),
 * n/a for a server that is not tunnelled. */
static void list_tun_info(void **state)
{
	static const char want[] =
		HEADER TITLE1
		"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n"
		"TCP  10.0.0.1:80 rr\n"
		"  -> 192.168.10.1:80              Tunnel  gue:6080:-c   1      0          0         \n"
		"  -> 192.168.11.1:80              Tunnel  gre:+c        1      0          0         \n"
		"  -> 192.168.12.1:80              Tunnel  ipip          1      0          0         \n"
		"  -> 192.168.13.1:80              Route   n/a           1      0          0         \n";
	static const char want_plain[] =
		HEADER TITLE1 TITLE2
		"TCP  10.0.0.1:80 rr\n"
		"  -> 192.168.10.1:80              Tunnel  1      0          0         \n"
		"  -> 192.168.11.1:80              Tunnel  1      0          0         \n"
		"  -> 192.168.12.1:80              Tunnel  1      0          0         \n"
		"  -> 192.168.13.1:80              Route   1      0          0         \n";
	struct xlvs_dest_info d[4];
	struct xlvs_service_info s;
	struct xlvs_snapshot snap;

	(void)state;
	tun_fill(d, &s, &snap);
	expect_listing(&snap, OPT_NUMERIC | OPT_TUN_INFO, want);
	expect_listing(&snap, OPT_NUMERIC, want_plain);
	/* remcsum is r+c; 13 characters fill the column. */
	d[0].conf.tun_flags = XLVS_TUN_F_REMCSUM;
	d[0].conf.tun_port = 65535;
	{
		struct cmd c = cmd_with(OPT_NUMERIC | OPT_TUN_INFO);
		int rc;
		char *out = render(&snap, &c, false, &rc);

		assert_non_null(strstr(out, "Tunnel  gue:65535:r+c 1      0"));
		free(out);
	}
}

/* -S: print_tunnel_rule's options for each type, the flag spelled out. */
static void save_tunnels(void **state)
{
	static const char want[] =
		"-A -t 10.0.0.1:80 -s rr\n"
		"-a -t 10.0.0.1:80 -r 192.168.10.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n"
		"-a -t 10.0.0.1:80 -r 192.168.11.1:80 -i -w 1 --tun-type gre --tun-csum\n"
		"-a -t 10.0.0.1:80 -r 192.168.12.1:80 -i -w 1 --tun-type ipip\n"
		"-a -t 10.0.0.1:80 -r 192.168.13.1:80 -g -w 1\n";
	struct xlvs_dest_info d[4];
	struct xlvs_service_info s;
	struct xlvs_snapshot snap;
	struct cmd c = { .kind = CMD_SAVE, .opts = OPT_NUMERIC };

	(void)state;
	tun_fill(d, &s, &snap);
	expect_output(&snap, &c, want);
	d[0].conf.tun_flags = XLVS_TUN_F_REMCSUM;
	{
		int rc;
		char *out = render(&snap, &c, true, &rc);

		assert_non_null(strstr(out, "--tun-type gue --tun-port 6080 --tun-remcsum\n"));
		free(out);
	}
}

/* ipvsadm's print_sched_flags: sh and mh name their two flags (and never
 * show flag-3), every other scheduler flag-1..3; -S gives them back to -b. */
static void sched_flags_shown(void **state)
{
	static const char want_list[] =
		HEADER TITLE1 TITLE2
		"UDP  10.0.0.1:53 mh (mh-fallback,mh-port)\n"
		"TCP  10.0.0.1:80 sh (sh-port)\n"
		"TCP  10.0.0.1:81 wlc (flag-1,flag-3)\n"
		"TCP  10.0.0.1:82 mh\n";
	static const char want_save[] =
		"-A -u 10.0.0.1:53 -s mh -b mh-fallback,mh-port\n"
		"-A -t 10.0.0.1:80 -s sh -b sh-port\n"
		"-A -t 10.0.0.1:81 -s wlc -b flag-1,flag-3\n"
		"-A -t 10.0.0.1:82 -s mh\n";
	struct xlvs_service_info s[4] = {
		service(IPPROTO_UDP, ep(10, 0, 0, 1, 53), "mh", NULL, 0),
		service(IPPROTO_TCP, ep(10, 0, 0, 1, 80), "sh", NULL, 0),
		service(IPPROTO_TCP, ep(10, 0, 0, 1, 81), "wlc", NULL, 0),
		service(IPPROTO_TCP, ep(10, 0, 0, 1, 82), "mh", NULL, 0),
	};
	struct xlvs_snapshot snap = { .nservices = 4, .services = s, .conn_max = 4096 };
	struct cmd save = { .kind = CMD_SAVE, .opts = OPT_NUMERIC };

	(void)state;
	s[0].conf.flags = XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2 | XLVS_SVC_F_SCHED3;
	s[1].conf.flags = XLVS_SVC_F_SCHED2;
	s[2].conf.flags = XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED3;
	expect_listing(&snap, OPT_NUMERIC, want_list);
	expect_output(&snap, &save, want_save);
}

static struct xlvs_endpoint ep6(const char *addr, uint16_t port)
{
	struct xlvs_endpoint e = { .af = 6, .port = port };

	assert_int_equal(inet_pton(AF_INET6, addr, e.addr), 1);
	return e;
}

/* IPv6 as ipvsadm 1.31 prints it (addrport_to_anyname): [addr]:port in
 * every column, the persistence prefix length as "mask N" unless 128, an
 * IPv4 tunnel server beside IPv6 ones.  A long IPv6 name is never cut
 * (ipvsadm cuts only IPv4 names at 33 and 28), so it pushes the columns
 * right. */
struct example6 {
	struct xlvs_dest_info d80[3], d53[1];
	struct xlvs_service_info svc[4];
	struct xlvs_snapshot snap;
};

static void example6_fill(struct example6 *x)
{
	x->d80[0] = dest(ep(10, 0, 0, 5, 80), XLVS_FWD_TUNNEL, 1, 0, 0);
	x->d80[1] = dest(ep6("2001:db8::10", 80), XLVS_FWD_DROUTE, 2, 7, 11);
	x->d80[2] = dest(ep6("2001:db8:1111:2222:3333:4444:5555:6666", 8080),
			 XLVS_FWD_MASQ, 1, 0, 3);
	x->d53[0] = dest(ep6("fd00::53", 53), XLVS_FWD_TUNNEL, 1, 0, 0);
	x->d53[0].conf.tun_type = XLVS_TUN_GUE;
	x->d53[0].conf.tun_port = 6080;
	x->svc[0] = service(IPPROTO_TCP, ep(10, 0, 0, 1, 80), "rr", NULL, 0);
	x->svc[1] = service(IPPROTO_TCP, ep6("2001:db8::1", 80), "wlc", x->d80, 3);
	x->svc[2] = service(IPPROTO_TCP, ep6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 65535),
			    "rr", NULL, 0);
	x->svc[3] = service(IPPROTO_UDP, ep6("fd00::1", 53), "sh", x->d53, 1);
	x->svc[1].conf.flags = XLVS_SVC_F_PERSISTENT;
	x->svc[1].conf.timeout = 300;
	x->svc[1].conf.netmask = 64;
	x->svc[2].conf.flags = XLVS_SVC_F_PERSISTENT;
	x->svc[2].conf.timeout = 360;
	x->svc[2].conf.netmask = 128;
	x->svc[3].conf.flags = XLVS_SVC_F_ONEPACKET | XLVS_SVC_F_SCHED2;
	x->svc[3].conf.netmask = 128;
	x->snap.nservices = 4;
	x->snap.services = x->svc;
	x->snap.conn_max = 4096;
}

static void list6_numeric(void **state)
{
	static const char want[] =
		HEADER TITLE1 TITLE2
		"TCP  10.0.0.1:80 rr\n"
		"TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"
		"  -> 10.0.0.5:80                  Tunnel  1      0          0" "         \n"
		"  -> [2001:db8::10]:80            Route   2      7          11" "        \n"
		"  -> [2001:db8:1111:2222:3333:4444:5555:6666]:8080 Masq    1      0          3" "         \n"
		"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 rr persistent 360\n"
		"UDP  [fd00::1]:53 sh (sh-port) ops\n"
		"  -> [fd00::53]:53                Tunnel  1      0          0" "         \n";
	static const char want_tun[] =
		"  -> [fd00::53]:53                Tunnel  gue:6080:-c   1      0          0         \n";
	struct example6 x;
	struct cmd c = cmd_with(OPT_NUMERIC | OPT_TUN_INFO);
	char *out;
	int rc;

	(void)state;
	example6_fill(&x);
	expect_listing(&x.snap, OPT_NUMERIC, want);
	out = render(&x.snap, &c, false, &rc);
	assert_non_null(strstr(out, want_tun));
	free(out);
}

static void list6_columns(void **state)
{
	static const char want_stats[] =
		HEADER
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  [2001:db8::1]:80                    5       50       40     5000     4000\n"
		"  -> [2001:db8::10]:80                   5       50       40     5000     4000\n"
		"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535        0        0        0        0        0\n";
	static const char want_thr[] =
		HEADER
		"Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
		"  -> RemoteAddress:Port\n"
		"TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"
		"  -> [2001:db8::10]:80            100        50         7          11        \n"
		"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 rr persistent 360\n";
	static const char want_pc[] =
		HEADER
		"Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
		"  -> RemoteAddress:Port\n"
		"TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"
		"  -> [2001:db8::10]:80            2         4           7          11        \n"
		"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 rr persistent 360\n";
	struct xlvs_stats st = { .conns = 5, .inpkts = 50, .outpkts = 40,
				 .inbytes = 5000, .outbytes = 4000 };
	struct example6 x;

	(void)state;
	example6_fill(&x);
	x.snap.services = &x.svc[1];
	x.snap.nservices = 2;
	x.svc[1].ndests = 1;
	x.d80[0] = x.d80[1];
	x.d80[0].stats = st;
	x.d80[0].conf.u_threshold = 100;
	x.d80[0].conf.l_threshold = 50;
	x.d80[0].persist = 4;
	x.svc[1].stats = st;
	expect_listing(&x.snap, OPT_NUMERIC | OPT_STATS, want_stats);
	expect_listing(&x.snap, OPT_NUMERIC | OPT_THRESHOLDS, want_thr);
	expect_listing(&x.snap, OPT_NUMERIC | OPT_PERSISTENT_CONN, want_pc);
}

/* -S -n: -M N for a prefix length other than 128; [addr]:port throughout,
 * which -R reads back (tests/unit/options.c, the e2e test_ipv6). */
static void save6_numeric(void **state)
{
	static const char want[] =
		"-A -t 10.0.0.1:80 -s rr\n"
		"-A -t [2001:db8::1]:80 -s wlc -p 300 -M 64\n"
		"-a -t [2001:db8::1]:80 -r 10.0.0.5:80 -i -w 1 --tun-type ipip\n"
		"-a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -g -w 2\n"
		"-a -t [2001:db8::1]:80 -r [2001:db8:1111:2222:3333:4444:5555:6666]:8080 -m -w 1\n"
		"-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -s rr -p 360\n"
		"-A -u [fd00::1]:53 -s sh -o -b sh-port\n"
		"-a -u [fd00::1]:53 -r [fd00::53]:53 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n";
	struct example6 x;
	struct cmd c = { .kind = CMD_SAVE, .opts = OPT_NUMERIC };

	(void)state;
	example6_fill(&x);
	expect_output(&x.snap, &c, want);
}

/* -L -t [v6]:port lists that service alone: family and all 16 bytes. */
static void list6_one_service(void **state)
{
	struct example6 x;
	struct cmd c = cmd_with(OPT_NUMERIC | OPT_SERVICE);
	char *out;
	int rc;

	(void)state;
	example6_fill(&x);
	c.svc.proto = IPPROTO_UDP;
	c.svc.vip = ep6("fd00::1", 53);
	out = render(&x.snap, &c, false, &rc);
	assert_int_equal(rc, 0);
	assert_output(out, TITLE1 TITLE2 "UDP  [fd00::1]:53 sh (sh-port) ops\n"
		      "  -> [fd00::53]:53                Tunnel  1      0          0         \n");
	free(out);
	c.svc.vip = ep6("fd00::2", 53);
	out = render(&x.snap, &c, false, &rc);
	assert_int_equal(rc, -ESRCH);
	free(out);
	/* An IPv6 address with 10.0.0.1's bytes (a00:1::) is not the IPv4
	 * service 10.0.0.1:80. */
	c.svc.proto = IPPROTO_TCP;
	c.svc.vip = ep(10, 0, 0, 1, 80);
	c.svc.vip.af = 6;
	out = render(&x.snap, &c, false, &rc);
	assert_int_equal(rc, -ESRCH);
	free(out);
}

/* Without -n an IPv6 host's name goes in the brackets too. */
static void list6_names(void **state)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char host[NI_MAXHOST], want[3 * NI_MAXHOST + 256];
	struct xlvs_dest_info d = dest(ep6("::1", 80), XLVS_FWD_DROUTE, 2, 0, 0);
	struct xlvs_service_info s = service(IPPROTO_TCP, ep6("::1", 80), "rr", &d, 1);
	struct xlvs_snapshot snap = { .nservices = 1, .services = &s, .conn_max = 4096 };
	struct servent *se = getservbyport(htons(80), "tcp");
	char ap[NI_MAXHOST + 8];

	(void)state;
	s.conf.netmask = 128;
	if (!se || strcmp(se->s_name, "http") ||
	    getnameinfo((struct sockaddr *)&sa, sizeof(sa), host, sizeof(host),
			NULL, 0, NI_NAMEREQD))
		skip();     /* no /etc/services or /etc/hosts entry for ::1 here */
	snprintf(ap, sizeof(ap), "[%s]:http", host);
	snprintf(want, sizeof(want), HEADER TITLE1 TITLE2 "TCP  %s rr\n"
		 "  -> %-28s Route   2      0          0         \n", ap, ap);
	expect_listing(&snap, 0, want);
}

/* -L -c -n: print_conn's row for an IPv6 entry, and for an IPv4 one whose
 * real server is IPv6 (a tunnel): each address as its family prints. */
static void conn6_rows(void **state)
{
	static const char want[] =
		"TCP 14:59  ESTABLISHED [2001:db8::99]:40000 [2001:db8::1]:80   [2001:db8::10]:80\n"
		"UDP 00:05  UDP         [fd00::9]:53       [fd00::1]:53       10.0.0.5:53\n"
		"TCP 01:00  SYN_RECV    10.0.0.9:1234      10.0.0.1:80        [fd00::7]:80\n";
	struct xlvs_conn_info ci[3] = {
		{ .proto = IPPROTO_TCP, .state = "ESTABLISHED", .expires_in = 899,
		  .client = ep6("2001:db8::99", 40000), .vip = ep6("2001:db8::1", 80),
		  .dest = ep6("2001:db8::10", 80) },
		{ .proto = IPPROTO_UDP, .state = "UDP", .expires_in = 5,
		  .client = ep6("fd00::9", 53), .vip = ep6("fd00::1", 53),
		  .dest = ep(10, 0, 0, 5, 53) },
		{ .proto = IPPROTO_TCP, .state = "SYN_RECV", .expires_in = 60,
		  .client = ep(10, 0, 0, 9, 1234), .vip = ep(10, 0, 0, 1, 80),
		  .dest = ep6("fd00::7", 80) },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	for (int i = 0; i < 3; i++)
		conn_line(f, &ci[i], true);
	assert_int_equal(fclose(f), 0);
	assert_output(buf, want);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_all_numeric),
		cmocka_unit_test(list_stats),
		cmocka_unit_test(list_stats_exact),
		cmocka_unit_test(list_rate),
		cmocka_unit_test(list_thresholds),
		cmocka_unit_test(list_persistent_conn),
		cmocka_unit_test(list_empty_table),
		cmocka_unit_test(list_wide_values),
		cmocka_unit_test(list_one_service),
		cmocka_unit_test(list_missing_service),
		cmocka_unit_test(list_names),
		cmocka_unit_test(save_numeric),
		cmocka_unit_test(save_edge_cases),
		cmocka_unit_test(save_tunnel_type),
		cmocka_unit_test(list_tun_info),
		cmocka_unit_test(save_tunnels),
		cmocka_unit_test(sched_flags_shown),
		cmocka_unit_test(list6_numeric),
		cmocka_unit_test(list6_columns),
		cmocka_unit_test(save6_numeric),
		cmocka_unit_test(list6_one_service),
		cmocka_unit_test(list6_names),
		cmocka_unit_test(conn6_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
