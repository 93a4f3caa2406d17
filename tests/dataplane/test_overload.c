// SPDX-License-Identifier: GPL-2.0
/*
 * The overloaded flag's edges (lvs.md §1.7), step by step, where the random
 * model runs (test_sched_model.c) meet them only by chance.  Each step is
 * checked against the model (msvc.h: counts and flag of every server) and
 * against what the step is there to show.
 *
 * A connection leaves cheaply without waiting for expiry: it is put in
 * TIME_WAIT, and a SYN reusing it when no server can take a new one passes
 * with no server and forgets the old connection, as IPVS does.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <setjmp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "harness.h"
#include "msvc.h"
#include "msvc_expire.h"
#include "svc.h"
#include "tests.h"

/* A new connection, left in TIME_WAIT (SYN_RECV, then a FIN): its port. */
static uint16_t conn_tw(struct msvc *s)
{
	uint16_t sport = dp_port();

	if (new_conn(s, sport, TH_SYN, -1) < 0)
		bad("no server for a new connection");
	follow(s, m_find_sport(s, sport), TH_FIN);
	return sport;
}

/* A SYN on TIME_WAIT connection sport, which no server can take. */
static void conn_leave(struct msvc *s, uint16_t sport)
{
	struct m_rr rr = s->rr;

	if (m_pick(s, sport, false, &rr) >= 0)
		bad("a server could take :%u", sport);
	follow(s, m_find_sport(s, sport), TH_SYN);
}

static void expect_over(struct msvc *s, int i, bool over, const char *why)
{
	k_check_counts(s);
	if (s->d[i].over != over)
		bad("the model has .%u %s, but %s", s->d[i].host,
		    s->d[i].over ? "overloaded" : "not overloaded", why);
}

static struct msvc *one_server(uint16_t port, uint32_t u, uint32_t l)
{
	static struct msvc s;

	m_mutate_from_env();
	elog_reset(0);
	msvc_new(&s, IPPROTO_TCP, port, XLVS_SCHED_WLC, 0);
	rs_add_m(&s, HOST_RS1, 1, u, l);
	return &s;
}

/* Upper threshold 4, no lower one: overloaded at 4 connections, and again
 * usable only below 3/4 of 4: at 2, not at 3. */
static void overload_three_quarters(void **state)
{
	struct msvc *s = one_server(8340, 4, 0);
	uint16_t c[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		expect_over(s, 0, false, "it has fewer than 4 connections");
		c[i] = conn_tw(s);
	}
	expect_over(s, 0, true, "4 connections reach the upper threshold 4");
	conn_leave(s, c[0]);
	expect_over(s, 0, true, "3 is not below 3/4 of 4");
	conn_leave(s, c[1]);
	expect_over(s, 0, false, "2 is below 3/4 of 4");
}

/* Thresholds 4/2: usable again only below the lower one, at 1. */
static void overload_lower_threshold(void **state)
{
	struct msvc *s = one_server(8341, 4, 2);
	uint16_t c[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		c[i] = conn_tw(s);
	expect_over(s, 0, true, "4 connections reach the upper threshold 4");
	conn_leave(s, c[0]);
	expect_over(s, 0, true, "3 is not below the lower threshold 2");
	conn_leave(s, c[1]);
	expect_over(s, 0, true, "2 is not below the lower threshold 2");
	conn_leave(s, c[2]);
	expect_over(s, 0, false, "1 is below the lower threshold 2");
}

/* __ip_vs_update_dest: an edit ends the overload when it raises or removes
 * the upper threshold, not when it lowers it, keeps it or moves only the
 * lower one; an edit never starts one. */
static void overload_edits(void **state)
{
	struct msvc *s = one_server(8342, 2, 0);

	(void)state;
	conn_tw(s);
	conn_tw(s);
	expect_over(s, 0, true, "2 connections reach the upper threshold 2");
	rs_edit_m(s, 0, 1, 1, 0);
	expect_over(s, 0, true, "lowering the upper threshold keeps it");
	rs_edit_m(s, 0, 1, 1, 1);
	expect_over(s, 0, true, "a lower threshold alone keeps it");
	rs_edit_m(s, 0, 1, 3, 0);
	expect_over(s, 0, false, "raising the upper threshold ends it");
	rs_edit_m(s, 0, 1, 2, 0);
	expect_over(s, 0, false, "an edit never starts it");
	conn_tw(s);
	expect_over(s, 0, true, "3 connections reach the upper threshold 2");
	rs_edit_m(s, 0, 1, 0, 0);
	expect_over(s, 0, false, "removing the upper threshold ends it");
}

/*
 * wrr with every server overloaded: IPVS's walk (ip_vs_wrr_schedule,
 * err_over) ends at the list head with the highest current weight.  The
 * list is [.4 weight 1, .3 weight 2], thresholds 1.  IPVS is at cw 1 (the
 * first add made it 1, the second keeps it), so it takes .4, then .3; an
 * edit puts it back at the head, still at cw 1, where it finds both
 * overloaded.  Once both are free again it picks at cw 2 (.3), where the
 * pass at cw 1 would give .4.
 */
static void wrr_overloaded_restarts(void **state)
{
	static struct msvc s;
	bool S[XLVS_STATE_MAX] = { [XLVS_TCP_TIME_WAIT] = true };

	(void)state;
	m_mutate_from_env();
	elog_reset(0);
	msvc_new(&s, IPPROTO_TCP, 8343, XLVS_SCHED_WRR, 0);
	rs_add_m(&s, HOST_RS1, 2, 1, 0);
	rs_add_m(&s, HOST_RS2, 1, 1, 0);
	conn_tw(&s);                          /* .3, overloaded */
	conn_tw(&s);                          /* .4, overloaded */
	rs_edit_m(&s, 0, 1, 1, 0);            /* IPVS: head, cw 1 */
	if (new_conn(&s, dp_port(), TH_SYN, -1) >= 0)
		bad("a server took a connection with every one overloaded");
	expire(&s, 1, S, false);              /* both free again */
	expect_over(&s, 1, false, "its connection expired");
	if (new_conn(&s, dp_port(), TH_SYN, -1) != 1)
		bad("the model does not pick .3 at cw 2");
	flush_all(&s, 1);
	timeouts_default();
}

/*
 * A SYN reusing a TIME_WAIT connection when a server can take it: IPVS
 * binds the new connection first and the old one's timer, fired by
 * ip_vs_conn_expire_now, unbinds it after.  With thresholds 2/1 and the
 * TIME_WAIT connection on the same server, the new one brings it to 2
 * (overloaded) and the old one leaving brings it to 1, not below the
 * lower threshold: it stays overloaded.
 */
static void tw_reuse_binds_first(void **state)
{
	struct msvc *s = one_server(8344, 2, 1);
	uint16_t a = conn_tw(s);

	(void)state;
	expect_over(s, 0, false, "1 connection is below the upper threshold 2");
	follow(s, m_find_sport(s, a), TH_SYN);   /* reused, on .3 again */
	expect_over(s, 0, true, "the new connection was bound first");
}

size_t overload_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(overload_three_quarters, svc_fixture_empty),
		cmocka_unit_test_setup(overload_lower_threshold, svc_fixture_empty),
		cmocka_unit_test_setup(overload_edits, svc_fixture_empty),
		cmocka_unit_test_setup(wrr_overloaded_restarts, svc_fixture_empty),
		cmocka_unit_test_setup(tw_reuse_binds_first, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
