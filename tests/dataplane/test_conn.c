// SPDX-License-Identifier: GPL-2.0
/*
 * Connections over time: a connection stays with its real server whatever
 * the table does afterwards, except when that server is deleted.  Each test
 * has its own service port; every packet is checked byte for byte.
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "svc.h"
#include "tests.h"

static uint8_t other(int host)
{
	return host == HOST_RS1 ? HOST_RS2 : HOST_RS1;
}

/* A connection's ACK, data and FIN follow its SYN even when a new server and
 * new weights would send a new connection elsewhere. */
static void sticky_across_changes(void **state)
{
	uint16_t a = dp_port(), p = 8101;
	int moved = 0;

	(void)state;
	svc_add(IPPROTO_TCP, p, "wrr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	assert_int_equal(open_tcp(a, p), HOST_RS1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 5);
	follow_tcp(a, p, TH_ACK, 0, HOST_RS1);
	follow_tcp(a, p, TH_ACK | TH_PUSH, 100, HOST_RS1);
	rs_weight(IPPROTO_TCP, p, HOST_RS1, 2);
	rs_weight(IPPROTO_TCP, p, HOST_RS2, 7);
	follow_tcp(a, p, TH_ACK | TH_PUSH, 1000, HOST_RS1);
	/* The table really changed: new connections now mostly go to .4. */
	for (int i = 0; i < 9; i++)
		moved += open_tcp(dp_port(), p) == HOST_RS2;
	assert_int_equal(moved, 7);
	follow_tcp(a, p, TH_SYN, 0, HOST_RS1);         /* a retransmitted SYN */
	follow_tcp(a, p, TH_FIN | TH_ACK, 0, HOST_RS1);
	follow_tcp(a, p, TH_ACK, 0, HOST_RS1);
}

static void udp_sticky(void **state)
{
	uint16_t a = dp_port(), p = 8102;

	(void)state;
	svc_add(IPPROTO_UDP, p, "rr");
	rs_add(IPPROTO_UDP, p, HOST_RS1, 1);
	assert_int_equal(open_udp(a, p), HOST_RS1);
	rs_add(IPPROTO_UDP, p, HOST_RS2, 1);
	follow_udp(a, p, HOST_RS1);
	assert_int_equal(open_udp(dp_port(), p), HOST_RS2);
	follow_udp(a, p, HOST_RS1);
}

/* Weight 0 (ldirectord's quiescent server): no new connections, but the
 * ones it has keep flowing to it. */
static void weight_zero_quiesces(void **state)
{
	uint16_t a = dp_port(), p = 8103;
	int x;

	(void)state;
	svc_add(IPPROTO_TCP, p, "rr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 1);
	x = open_tcp(a, p);
	rs_weight(IPPROTO_TCP, p, (uint8_t)x, 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(open_tcp(dp_port(), p), other(x));
	follow_tcp(a, p, TH_ACK, 0, (uint8_t)x);
	follow_tcp(a, p, TH_ACK | TH_PUSH, 200, (uint8_t)x);
}

/* Every server at weight 0: a new SYN finds nobody and passes, while the
 * existing connections still flow. */
static void all_weight_zero(void **state)
{
	uint16_t a = dp_port(), p = 8104;
	struct dp_result r;
	struct frame f;
	int x;

	(void)state;
	svc_add(IPPROTO_TCP, p, "wrr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 1);
	x = open_tcp(a, p);
	rs_weight(IPPROTO_TCP, p, HOST_RS1, 0);
	rs_weight(IPPROTO_TCP, p, HOST_RS2, 0);
	send_tcp(dp_port(), p, TH_SYN, 0, &f, &r);
	expect_left(&f, &r);
	follow_tcp(a, p, TH_ACK, 0, (uint8_t)x);
}

/* A deleted server's connections are dropped (IPVS, expire_nodest_conn=0);
 * the other server's carry on and new ones avoid the deleted server. */
static void dest_deleted(void **state)
{
	uint16_t a = dp_port(), b = dp_port(), p = 8105;
	struct dp_result r;
	struct frame f;
	int x, y;

	(void)state;
	svc_add(IPPROTO_TCP, p, "rr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 1);
	x = open_tcp(a, p);
	y = open_tcp(b, p);
	assert_int_equal(y, other(x));
	rs_del(IPPROTO_TCP, p, (uint8_t)x);
	send_tcp(a, p, TH_ACK, 0, &f, &r);
	expect_unchanged(&f, &r, XDP_DROP);
	expect_counters(&r, XLVS_CNT_PKTS_DEST_GONE);
	send_tcp(a, p, TH_ACK | TH_PUSH, 50, &f, &r);
	expect_unchanged(&f, &r, XDP_DROP);
	expect_counters(&r, XLVS_CNT_PKTS_DEST_GONE);
	follow_tcp(b, p, TH_ACK, 0, (uint8_t)y);
	for (int i = 0; i < 3; i++)
		assert_int_equal(open_tcp(dp_port(), p), y);
}

/* A SYN that IPVS schedules anew on a tracked connection: forwarded to
 * host, one connection scheduled, the old one rescheduled. */
static void expect_resched(uint16_t sport, uint16_t port, uint8_t flags,
			   uint8_t host)
{
	struct dp_result r;
	struct frame f;

	send_tcp(sport, port, flags, 0, &f, &r);
	expect_forwarded(&f, &r, host);
	expect_counters(&r, XLVS_CNT_CONNS_NEW, XLVS_CNT_PKTS_FWD,
			XLVS_CNT_CONNS_RESCHEDULED);
}

/* IPVS's conn_reuse_mode 1 (is_new_conn_expected): a SYN on a connection
 * in TIME_WAIT or CLOSE is a new connection and is scheduled again (rr: to
 * the other server); in FIN_WAIT it is not, unless bit 1 is set. */
static void time_wait_reused(void **state)
{
	uint16_t a = dp_port(), b = dp_port(), c = dp_port(), p = 8108;
	int x, y, z;

	(void)state;
	svc_add(IPPROTO_TCP, p, "rr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 1);
	x = open_tcp(a, p);
	/* INPUT-ONLY table: SYN_RECV + FIN -> TIME_WAIT. */
	follow_tcp(a, p, TH_FIN, 0, (uint8_t)x);
	expect_resched(a, p, TH_SYN, other(x));
	follow_tcp(a, p, TH_ACK, 0, other(x));
	/* SYN_RECV + RST -> SYN_RECV; ESTABLISHED + RST -> CLOSE. */
	y = open_tcp(b, p);
	follow_tcp(b, p, TH_ACK, 0, (uint8_t)y);
	follow_tcp(b, p, TH_RST, 0, (uint8_t)y);
	expect_resched(b, p, TH_SYN, other(y));
	/* ESTABLISHED + FIN -> FIN_WAIT: the SYN follows the connection. */
	z = open_tcp(c, p);
	follow_tcp(c, p, TH_ACK, 0, (uint8_t)z);
	follow_tcp(c, p, TH_FIN | TH_ACK, 0, (uint8_t)z);
	follow_tcp(c, p, TH_SYN, 0, (uint8_t)z);
}

/* conn_reuse_mode 0 turns reuse off; bit 1 adds FIN_WAIT. */
static void conn_reuse_mode_bits(void **state)
{
	uint16_t a = dp_port(), b = dp_port(), p = 8109;
	int x, y;

	(void)state;
	svc_add(IPPROTO_TCP, p, "rr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 1);
	assert_int_equal(xlvs_sysctl_set(&dp.t, "conn_reuse_mode", 0), 0);
	x = open_tcp(a, p);
	follow_tcp(a, p, TH_FIN, 0, (uint8_t)x);          /* TIME_WAIT */
	follow_tcp(a, p, TH_SYN, 0, (uint8_t)x);          /* not reused */
	assert_int_equal(xlvs_sysctl_set(&dp.t, "conn_reuse_mode", 3), 0);
	y = open_tcp(b, p);
	follow_tcp(b, p, TH_ACK, 0, (uint8_t)y);
	follow_tcp(b, p, TH_FIN, 0, (uint8_t)y);          /* FIN_WAIT */
	expect_resched(b, p, TH_SYN, other(y));
	assert_int_equal(xlvs_sysctl_set(&dp.t, "conn_reuse_mode", 1), 0);
}

static void expect_no_dest(uint8_t proto, uint16_t port)
{
	struct dp_result r;
	struct frame f;

	if (proto == IPPROTO_TCP)
		send_tcp(dp_port(), port, TH_SYN, 0, &f, &r);
	else
		send_udp(dp_port(), port, &f, &r);
	expect_left(&f, &r);
}

static void no_real_servers(void **state)
{
	(void)state;
	svc_add(IPPROTO_TCP, 8106, "rr");
	svc_add(IPPROTO_UDP, 8106, "wrr");
	expect_no_dest(IPPROTO_TCP, 8106);
	expect_no_dest(IPPROTO_UDP, 8106);
}

/* ip_vs_leave's answer goes back from the frame's destination MAC to its
 * source MAC: a frame from a group or zero address gets none, only the
 * drop (before the rate limit counts it) (found by fuzz/xdp.c;
 * fuzz/corpus/xdp/bug-icmp-to-multicast-mac).  One sent to broadcast is no
 * PACKET_HOST frame, which is all ip_vs_in takes: passed, untouched. */
static void no_answer_to_group_mac(void **state)
{
	struct pkt_spec s = {
		.proto = IPPROTO_TCP, .dport = 8108, .tcp_flags = TH_SYN,
	};
	struct dp_result r;
	struct frame f;

	(void)state;
	svc_add(IPPROTO_TCP, 8108, "rr");
	for (int i = 0; i < 3; i++) {
		s.sport = dp_port();
		pkt_build(&f, &s);
		if (i == 0)
			f.b[6] |= 1;                    /* multicast source */
		else if (i == 1)
			memset(f.b, 0xff, 6);           /* sent to broadcast */
		else
			memset(f.b + 6, 0, 6);          /* zero source */
		dp_run(&f, &r);
		expect_unchanged(&f, &r, i == 1 ? XDP_PASS : XDP_DROP);
		expect_counters(&r, i == 1 ? XLVS_CNT_PKTS_PASS : XLVS_CNT_PKTS_NO_DEST);
	}
}

/* The last server deleted: back to no servers at all. */
static void last_server_deleted(void **state)
{
	(void)state;
	svc_add(IPPROTO_TCP, 8107, "wrr");
	rs_add(IPPROTO_TCP, 8107, HOST_RS1, 1);
	assert_int_equal(open_tcp(dp_port(), 8107), HOST_RS1);
	rs_del(IPPROTO_TCP, 8107, HOST_RS1);
	expect_no_dest(IPPROTO_TCP, 8107);
}

size_t conn_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(sticky_across_changes, svc_fixture_empty),
		cmocka_unit_test_setup(udp_sticky, svc_fixture_empty),
		cmocka_unit_test_setup(weight_zero_quiesces, svc_fixture_empty),
		cmocka_unit_test_setup(all_weight_zero, svc_fixture_empty),
		cmocka_unit_test_setup(dest_deleted, svc_fixture_empty),
		cmocka_unit_test_setup(time_wait_reused, svc_fixture_empty),
		cmocka_unit_test_setup(conn_reuse_mode_bits, svc_fixture_empty),
		cmocka_unit_test_setup(no_real_servers, svc_fixture_empty),
		cmocka_unit_test_setup(last_server_deleted, svc_fixture_empty),
		cmocka_unit_test_setup(no_answer_to_group_mac, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
