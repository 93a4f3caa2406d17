// SPDX-License-Identifier: GPL-2.0
/*
 * Every scheduler but dh against the model (model.h, msvc.h).  For each, a
 * seeded random sequence of events goes through the loaded XDP program:
 * new TCP connections left in SYN_RECV or established by their ACK, UDP
 * flows, FINs, RSTs, SYNs on old connections (TIME_WAIT reused), expiry,
 * real servers added, deleted and edited (weights, 0 included, and upper
 * and lower connection thresholds).  After every step
 *   - every new connection must have gone where the model says IPVS sends
 *     it (the destination MAC of the frame that came back), or been passed
 *     with pkts_no_dest when the model finds no server;
 *   - every real server's active/inactive counts and overloaded flag in the
 *     pinned dest_conns map must equal the model's;
 *   - after every table edit, the live schedule's list must be the model's
 *     list (newest first) with the model's weights.
 *
 * XLVS_SCHED_SEED=<n> replays another sequence; XLVS_MODEL_MUTATE=<k>
 * breaks the model on purpose (model.h lists how).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "msvc.h"
#include "msvc_expire.h"
#include "svc.h"
#include "tests.h"

/* Real servers 10.0.0.<host>; .9 is the client, so it is not in the pool. */
#define POOL 8
static const uint8_t pool[POOL] = { 3, 4, 5, 6, 7, 8, 10, 11 };

#define STEPS 300

static int32_t rnd_weight(void)
{
	static const int32_t w[] = { 0, 1, 1, 2, 2, 3, 3, 4, 5, 7, 10, 20 };

	return w[rnd(sizeof(w) / sizeof(w[0]))];
}

/* A third of the servers have no thresholds; the others an upper one in
 * the range the runs' connection counts reach, and half a lower one too
 * (ipvsadm: never above the upper). */
static void rnd_thresholds(uint32_t *u, uint32_t *l)
{
	static const uint32_t up[] = { 1, 2, 3, 4, 5, 6, 8, 12, 20 };

	*u = *l = 0;
	if (rnd(3) == 0)
		return;
	*u = up[rnd(sizeof(up) / sizeof(up[0]))];
	if (rnd(2))
		*l = 1 + rnd(*u);
}

static uint8_t free_host(const struct msvc *s)
{
	return msvc_free_host(s, pool, POOL);
}

static void rs_add_rnd(struct msvc *s, int32_t w)
{
	uint32_t u, l;

	rnd_thresholds(&u, &l);
	rs_add_m(s, free_host(s), w, u, l);
}


/* An edit changes the weight, the thresholds or both. */
static void step_table(struct msvc *s)
{
	uint32_t r = rnd(100);

	if (r < 60) {
		int i = (int)rnd(s->nd);
		int32_t w = s->d[i].weight;
		uint32_t u = s->d[i].u, l = s->d[i].l, what = rnd(10);

		if (what < 6)
			w = rnd(4) ? rnd_weight() : 0;
		if (what >= 4)
			rnd_thresholds(&u, &l);
		rs_edit_m(s, i, w, u, l);
	} else if (r < 80 && s->nd < POOL) {
		rs_add_rnd(s, rnd_weight());
	} else if (s->nd > 2) {
		rs_del_m(s, (int)rnd(s->nd));
	}
}

static void step_tcp(struct msvc *s)
{
	uint32_t r = rnd(100);
	int i;

	if (r < 3) {                        /* a burst of SYNs, never ACKed */
		int n = 15 + (int)rnd(25);

		elog("burst of %d SYNs", n);
		for (int k = 0; k < n && s->nc < MSVC_CONNS - 1; k++)
			new_conn(s, dp_port(), TH_SYN, -1);
	} else if (r < 40 || s->nc == 0) {
		i = new_conn(s, dp_port(), TH_SYN, -1);
		if (i >= 0 && rnd(100) < 65)    /* its ACK: ESTABLISHED */
			follow(s, s->nc - 1, TH_ACK);
	} else if (r < 50) {
		follow(s, msvc_pick_conn(s, 1u << XLVS_TCP_SYN_RECV), TH_ACK);
	} else if (r < 66) {
		follow(s, msvc_pick_conn(s, rnd(10) < 7 ? 1u << XLVS_TCP_ESTABLISHED :
					      1u << XLVS_TCP_SYN_RECV),
		       rnd(2) ? TH_FIN | TH_ACK : TH_FIN);
	} else if (r < 74) {
		follow(s, msvc_pick_conn(s, 1u << XLVS_TCP_ESTABLISHED |
				       1u << XLVS_TCP_FIN_WAIT), TH_RST);
	} else if (r < 80) {
		follow(s, msvc_pick_conn(s, 1u << XLVS_TCP_TIME_WAIT |
				       1u << XLVS_TCP_CLOSE |
				       1u << XLVS_TCP_FIN_WAIT), TH_SYN);
	} else if (r < 86) {
		follow(s, msvc_pick_conn(s, ~0u), TH_ACK | TH_PUSH);
	} else {
		step_table(s);
	}
}

static void step_udp(struct msvc *s)
{
	uint32_t r = rnd(100);

	if (r < 60 || s->nc == 0)
		new_conn(s, dp_port(), 0, -1);
	else if (r < 80)
		follow(s, msvc_pick_conn(s, ~0u), 0);
	else
		step_table(s);
}

static const uint8_t reachable[] = {
	XLVS_TCP_ESTABLISHED, XLVS_TCP_SYN_RECV, XLVS_TCP_FIN_WAIT,
	XLVS_TCP_TIME_WAIT, XLVS_TCP_CLOSE, XLVS_UDP_STATE,
};

static void states_random(bool S[XLVS_STATE_MAX])
{
	memset(S, 0, sizeof(bool) * XLVS_STATE_MAX);
	for (unsigned int k = 0; k < sizeof(reachable); k++)
		S[reachable[k]] = rnd(3) == 0;
	S[reachable[rnd(sizeof(reachable))]] = true;
}

/* For an expiry with a replacement: the TCP state with the fewest (but
 * some) connections of s, so that the sweeper orders to try are few; UDP
 * may expire with it. */
static void states_for_replace(const struct msvc *s, bool S[XLVS_STATE_MAX])
{
	int best = -1, bestn = 0;

	memset(S, 0, sizeof(bool) * XLVS_STATE_MAX);
	for (unsigned int k = 0; k < sizeof(reachable); k++) {
		int n = 0;

		for (int i = 0; i < s->nc; i++)
			n += s->c[i].state == reachable[k];
		if (n && (best < 0 || n < bestn)) {
			best = reachable[k];
			bestn = n;
		}
	}
	if (best >= 0)
		S[best] = true;
	S[XLVS_UDP_STATE] = S[XLVS_UDP_STATE] || rnd(2);
}

static uint32_t seed_for(int kind)
{
	const char *e = getenv("XLVS_SCHED_SEED");

	return (e ? (uint32_t)strtoul(e, NULL, 0) : 20240601u) * 7919u + kind;
}

/* Two expiries (each waits for a whole sweep, about a second): a third of
 * the way, the fewest TCP state racing a new packet, with others at random;
 * two thirds of the way, states at random. */
static void step_expire(struct msvc *svcs, int step)
{
	bool S[XLVS_STATE_MAX], R[XLVS_STATE_MAX];

	states_random(R);
	if (step == STEPS / 3) {
		states_for_replace(&svcs[0], S);
		for (int k = 0; k < XLVS_STATE_MAX; k++)
			S[k] = S[k] || (R[k] && rnd(2));
		expire(svcs, 2, S, true);
	} else {
		expire(svcs, 2, R, false);
	}
}

static void run_model(int kind, uint16_t port)
{
	static struct msvc svcs[2];
	struct msvc *tcp = &svcs[0], *udp = &svcs[1];
	uint32_t seed = seed_for(kind), flags = 0;
	double t0 = now_s();
	int nd;

	m_mutate_from_env();
	memset(&mst, 0, sizeof(mst));
	rnd_seed(seed);
	elog_reset(seed);
	flush_all(NULL, 0);          /* earlier tests' connections */
	timeouts_write(NULL);

	/* sh hashes the client's address, one here: sh-port spreads the
	 * flows, and every other run tries sh-fallback. */
	if (kind == XLVS_SCHED_SH)
		flags = XLVS_SVC_F_SCHED2 | (rnd(2) ? XLVS_SVC_F_SCHED1 : 0);
	msvc_new(tcp, IPPROTO_TCP, port, kind, flags);
	msvc_new(udp, IPPROTO_UDP, port, kind, flags);
	nd = 2 + (int)rnd(POOL - 1);
	for (int i = 0; i < nd; i++)
		rs_add_rnd(tcp, 1 + (int32_t)rnd(5));
	for (int i = 0; i < 3; i++)
		rs_add_rnd(udp, 1 + (int32_t)rnd(3));

	for (elog_step = 0; elog_step < STEPS; elog_step++) {
		if (elog_step == STEPS / 3 || elog_step == 2 * STEPS / 3)
			step_expire(svcs, elog_step);
		else if (rnd(4))
			step_tcp(tcp);
		else
			step_udp(udp);
		k_check_counts(tcp);
		k_check_counts(udp);
	}
	flush_all(svcs, 2);
	k_check_counts(tcp);
	k_check_counts(udp);
	timeouts_default();
	print_message("%s%s seed %u: %d new (%d tie-sensitive, %d no server), "
		      "%d TIME_WAIT reused, %d expired (%d replaced), %d to "
		      "deleted servers, %d adds, %d deletes, %d weights set to 0, "
		      "%d threshold edits, %d overloads, max inactive %d, %.1f s "
		      "(%.1f s waiting for expiry)\n", kind_name(kind),
		      flags & XLVS_SVC_F_SCHED1 ? " (fallback)" : "", seed,
		      mst.news, mst.ties, mst.nodest, mst.reused, mst.expired,
		      mst.replaced, mst.gone, mst.adds, mst.dels, mst.w0,
		      mst.thr_edits, mst.overloaded, mst.max_inact,
		      now_s() - t0, mst.sweep_s);
}

static void model_rr(void **state)  { (void)state; run_model(XLVS_SCHED_RR, 8307); }
static void model_wrr(void **state) { (void)state; run_model(XLVS_SCHED_WRR, 8308); }
static void model_lc(void **state)  { (void)state; run_model(XLVS_SCHED_LC, 8301); }
static void model_wlc(void **state) { (void)state; run_model(XLVS_SCHED_WLC, 8302); }
static void model_sed(void **state) { (void)state; run_model(XLVS_SCHED_SED, 8303); }
static void model_nq(void **state)  { (void)state; run_model(XLVS_SCHED_NQ, 8304); }
static void model_fo(void **state)  { (void)state; run_model(XLVS_SCHED_FO, 8305); }
static void model_ovf(void **state) { (void)state; run_model(XLVS_SCHED_OVF, 8306); }
static void model_sh(void **state)  { (void)state; run_model(XLVS_SCHED_SH, 8309); }

/* Every weight 0: a new connection finds no server (-1) and is passed with
 * pkts_no_dest, for every scanning scheduler and both protocols, while the
 * existing connections still flow; one weight back and it is taken again. */
static void scan_all_weight_zero(void **state)
{
	static struct msvc s;

	(void)state;
	m_mutate_from_env();
	elog_reset(0);
	for (int kind = XLVS_SCHED_LC; kind <= XLVS_SCHED_OVF; kind++) {
		for (int p = 0; p < 2; p++) {
			uint8_t proto = p ? IPPROTO_UDP : IPPROTO_TCP;
			uint8_t syn = p ? 0 : TH_SYN;
			uint16_t port = 8310 + kind;
			struct dp_result r;
			struct frame f;

			msvc_new(&s, proto, port, kind, 0);
			rs_add_m(&s, 3, 2, 0, 0);
			rs_add_m(&s, 4, 1, 0, 0);
			rs_add_m(&s, 5, 3, 0, 0);
			if (new_conn(&s, dp_port(), syn, -1) < 0)
				bad("%s: no server with weights 2, 1, 3",
				    kind_name(kind));
			for (int i = 0; i < 3; i++)
				rs_edit_m(&s, i, 0, 0, 0);
			for (int n = 0; n < 3; n++) {
				struct m_rr rr = s.rr;

				if (m_pick(&s, 0, false, &rr) >= 0)
					bad("%s: the model finds a server with "
					    "every weight 0", kind_name(kind));
				msvc_send(&s, dp_port(), syn, &f, &r);
				assert_true(dp_left(&f, &r));
			}
			follow(&s, 0, p ? 0 : TH_ACK);
			k_check_counts(&s);
			rs_edit_m(&s, 1, 4, 0, 0);
			if (new_conn(&s, dp_port(), syn, -1) != 1)
				bad("%s: the one server with a weight not taken",
				    kind_name(kind));
			k_check_counts(&s);
		}
	}
}

/*
 * IPVS (ip_vs_in, conn_reuse_mode 1): a SYN on a TIME_WAIT connection
 * expires it at once (ip_vs_conn_expire_now) and then schedules; if no
 * server can take the new one, the old one is gone all the same, so its
 * server's inactive count drops (serve_new deletes and forgets it).
 */
static void tw_reuse_without_server(void **state)
{
	static struct msvc s;
	uint16_t a = dp_port();

	(void)state;
	m_mutate_from_env();
	elog_reset(0);
	msvc_new(&s, IPPROTO_TCP, 8320, XLVS_SCHED_WLC, 0);
	rs_add_m(&s, 3, 1, 0, 0);
	new_conn(&s, a, TH_SYN, -1);          /* SYN_RECV on .3 */
	follow(&s, 0, TH_FIN);                /* SYN_RECV + fin: TIME_WAIT */
	k_check_counts(&s);                   /* .3: 0 active, 1 inactive */
	rs_edit_m(&s, 0, 0, 0, 0);
	follow(&s, 0, TH_SYN);                /* no server: passed */
	k_check_counts(&s);                   /* .3: 0/0 */
}

size_t sched_model_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(scan_all_weight_zero, svc_fixture_empty),
		cmocka_unit_test_setup(model_rr, svc_fixture_empty),
		cmocka_unit_test_setup(model_wrr, svc_fixture_empty),
		cmocka_unit_test_setup(model_lc, svc_fixture_empty),
		cmocka_unit_test_setup(model_wlc, svc_fixture_empty),
		cmocka_unit_test_setup(model_sed, svc_fixture_empty),
		cmocka_unit_test_setup(model_nq, svc_fixture_empty),
		cmocka_unit_test_setup(model_fo, svc_fixture_empty),
		cmocka_unit_test_setup(model_ovf, svc_fixture_empty),
		cmocka_unit_test_setup(model_sh, svc_fixture_empty),
		cmocka_unit_test_setup(tw_reuse_without_server, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
