// SPDX-License-Identifier: GPL-2.0
/*
 * Schedulers, seen from the wire: which real server's MAC new connections
 * leave with.  Each test has its own service port so schedules never carry
 * over.  Every connection is checked byte for byte by open_tcp().
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "expect.h"
#include "svc.h"
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
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
