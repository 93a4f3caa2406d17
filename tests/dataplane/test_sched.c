// SPDX-License-Identifier: GPL-2.0
/*
 * Schedulers, seen from the wire: which real server's MAC new connections
 * leave with.  Each test has its own service port so schedules never carry
 * over.  Every connection is checked byte for byte by open_tcp().
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

/* Open n new connections to port; tally[host] counts where they went, and
 * seq (if not NULL) receives the order. */
static void open_many(uint16_t port, int n, int tally[256], int *seq)
{
	for (int i = 0; i < n; i++) {
		int host = open_tcp(dp_port(), port);

		tally[host]++;
		if (seq)
			seq[i] = host;
	}
}

static void rr_alternates(void **state)
{
	int tally[256] = { 0 }, seq[10];

	(void)state;
	svc_add(IPPROTO_TCP, 8001, "rr");
	rs_add(IPPROTO_TCP, 8001, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, 8001, HOST_RS2, 1);
	open_many(8001, 10, tally, seq);
	for (int i = 1; i < 10; i++)
		if (seq[i] == seq[i - 1])
			fail_msg("rr: connections %d and %d both went to .%d",
				 i - 1, i, seq[i]);
	assert_int_equal(tally[HOST_RS1], 5);
	assert_int_equal(tally[HOST_RS2], 5);
}

/* rr ignores weights other than 0. */
static void rr_ignores_weight(void **state)
{
	int tally[256] = { 0 };

	(void)state;
	svc_add(IPPROTO_TCP, 8002, "rr");
	rs_add(IPPROTO_TCP, 8002, HOST_RS1, 5);
	rs_add(IPPROTO_TCP, 8002, HOST_RS2, 1);
	open_many(8002, 6, tally, NULL);
	assert_int_equal(tally[HOST_RS1], 3);
	assert_int_equal(tally[HOST_RS2], 3);
}

static void wrr_3_2(uint16_t port, int n)
{
	int tally[256] = { 0 };

	svc_add(IPPROTO_TCP, port, "wrr");
	rs_add(IPPROTO_TCP, port, HOST_RS1, 3);
	rs_add(IPPROTO_TCP, port, HOST_RS2, 2);
	open_many(port, n, tally, NULL);
	assert_int_equal(tally[HOST_RS1], n / 5 * 3);
	assert_int_equal(tally[HOST_RS2], n / 5 * 2);
}

static void wrr_3_2_over_5(void **state)
{
	(void)state;
	wrr_3_2(8003, 5);
}

static void wrr_3_2_over_50(void **state)
{
	(void)state;
	wrr_3_2(8004, 50);
}

/*
 * The exact order IPVS gives.  Its list is newest first: [.4, .3].  Adding
 * .3 (weight 3) alone sets di 3, mw 1, cw 1; adding .4 (weight 2) sets di 1,
 * mw 3 and keeps cw 1 (ip_vs_wrr_dest_changed).  The first passes at cw 1
 * take .4 then .3; then cw wraps to 3 and the cycle .3 | .4 .3 | .4 .3
 * repeats.  rr (ip_vs_rr.c) starts at the list head: .4 first.
 */
static void wrr_ipvs_order(void **state)
{
	static const int want[] = { 4, 3, 3, 4, 3, 4, 3, 3, 4, 3, 4, 3 };
	int tally[256] = { 0 }, seq[12];

	(void)state;
	svc_add(IPPROTO_TCP, 8005, "wrr");
	rs_add(IPPROTO_TCP, 8005, HOST_RS1, 3);
	rs_add(IPPROTO_TCP, 8005, HOST_RS2, 2);
	open_many(8005, 12, tally, seq);
	for (int i = 0; i < 12; i++)
		if (seq[i] != want[i])
			fail_msg("wrr pick %d went to .%d; IPVS picks .%d", i,
				 seq[i], want[i]);
}

static void rr_ipvs_order(void **state)
{
	int tally[256] = { 0 }, seq[4];

	(void)state;
	svc_add(IPPROTO_TCP, 8006, "rr");
	rs_add(IPPROTO_TCP, 8006, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, 8006, HOST_RS2, 1);
	open_many(8006, 4, tally, seq);
	assert_int_equal(seq[0], HOST_RS2);
	assert_int_equal(seq[1], HOST_RS1);
}

/* A weight change applies to new connections at once. */
static void wrr_reweighted(void **state)
{
	int tally[256] = { 0 };

	(void)state;
	svc_add(IPPROTO_TCP, 8007, "wrr");
	rs_add(IPPROTO_TCP, 8007, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, 8007, HOST_RS2, 1);
	rs_weight(IPPROTO_TCP, 8007, HOST_RS1, 4);
	open_many(8007, 10, tally, NULL);
	assert_int_equal(tally[HOST_RS1], 8);
	assert_int_equal(tally[HOST_RS2], 2);
}

/* n new connections to port, any real server: seq[i] the host of each. */
static void open_any(uint16_t port, int n, int *seq)
{
	for (int i = 0; i < n; i++) {
		struct dp_result r;
		struct frame f;

		send_tcp(dp_port(), port, TH_SYN, 0, &f, &r);
		assert_int_equal(r.verdict, XDP_TX);
		seq[i] = chosen(&r);
	}
}

/* xlvs_dest_add_many is as many xlvs_dest_add: the same list in the same
 * order (each new server at the head), the same wrr state (so the same
 * picks, connection after connection), a server in the trash revived in
 * its place; with the scheduler mid-round when the adds come. */
static void add_many_as_one_by_one(void **state)
{
	(void)state;
	static const uint8_t hosts[] = { HOST_RS1, 0x06, HOST_RS2, 0x07 };
	static const int32_t weights[] = { 3, 5, 2, 1 };
	struct xlvs_dest_conf cs[4];
	int rcs[4], seq[2][40];
	struct xlvs_sched sc[2];
	uint16_t ports[2] = { 8011, 8012 };

	for (int k = 0; k < 2; k++) {
		svc_add(IPPROTO_TCP, ports[k], "wrr");
		rs_add(IPPROTO_TCP, ports[k], 0x05, 4);
		rs_add(IPPROTO_TCP, ports[k], 0x06, 2);   /* to the trash: */
		rs_del(IPPROTO_TCP, ports[k], 0x06);      /* revived below */
		open_any(ports[k], 3, seq[k]);            /* mid-round */
	}
	for (int i = 0; i < 4; i++)
		rs_add(IPPROTO_TCP, ports[0], hosts[i], weights[i]);
	for (int i = 0; i < 4; i++)
		cs[i] = (struct xlvs_dest_conf){
			.addr = tb_ep(IP4(10, 0, 0, hosts[i]), ports[1]),
			.fwd = XLVS_FWD_DROUTE, .weight = weights[i] };
	struct xlvs_endpoint vip = tb_ep(NET_VIP, ports[1]);

	assert_int_equal(xlvs_dest_add_many(&dp.t, IPPROTO_TCP, &vip, cs, 4, rcs), 0);
	dp_pin_neighbours();
	for (int i = 0; i < 4; i++)
		assert_int_equal(rcs[i], 0);
	assert_int_equal(xlvs_dest_add_many(&dp.t, IPPROTO_TCP, &vip, cs, 1, rcs), 0);
	assert_int_equal(rcs[0], -EEXIST);
	for (int k = 0; k < 2; k++) {
		sched_live(NET_VIP, IPPROTO_TCP, ports[k], &sc[k]);
		open_any(ports[k], 40, seq[k]);
	}
	assert_int_equal(sc[0].ndests, 5);
	assert_int_equal(sc[1].ndests, 5);
	for (uint32_t i = 0; i < sc[0].ndests; i++)
		assert_int_equal(rs_host(sc[0].dests[i]), rs_host(sc[1].dests[i]));
	for (int i = 0; i < 40; i++)
		if (seq[0][i] != seq[1][i])
			fail_msg("connection %d: one by one to .%d, in one to .%d",
				 i, seq[0][i], seq[1][i]);
}

size_t sched_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(rr_alternates, svc_fixture_empty),
		cmocka_unit_test_setup(rr_ignores_weight, svc_fixture_empty),
		cmocka_unit_test_setup(wrr_3_2_over_5, svc_fixture_empty),
		cmocka_unit_test_setup(wrr_3_2_over_50, svc_fixture_empty),
		cmocka_unit_test_setup(wrr_ipvs_order, svc_fixture_empty),
		cmocka_unit_test_setup(rr_ipvs_order, svc_fixture_empty),
		cmocka_unit_test_setup(wrr_reweighted, svc_fixture_empty),
		cmocka_unit_test_setup(add_many_as_one_by_one, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
