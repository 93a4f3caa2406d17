// SPDX-License-Identifier: GPL-2.0
/*
 * lblc, lblcr and twos against the model (model_lblc.h, msvc.h).
 *
 * lblc and lblcr: seeded random sequences of new TCP connections, ACKs,
 * FINs and RSTs, weight and threshold edits, real servers added and
 * deleted (to the trash and back); every new connection must go where the
 * model says, and after every step the pinned lblc map's entry for the
 * service must hold the model's server (set, in order) and the servers'
 * counts the model's.  A timed run does the same in rounds with sleeps
 * between them, lblcr_expiration and lblc_expiration set to 2 s: sets lose
 * their most loaded member after a sleep, and the collector's full check
 * removes the entries a sleep left unused.  A scheduler change and a
 * service's deletion leave no entry behind.
 *
 * twos draws at random, so its test compares distributions: for every new
 * connection the model gives each server's probability from the kernel's
 * draws; the server taken must have a probability above 0 (weight 0 and
 * overloaded servers never), and the counts over the run must fit the
 * summed probabilities (chi-square).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "msvc.h"
#include "msvc_expire.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define POOL 6
static const uint8_t pool[POOL] = { 3, 4, 5, 6, 7, 8 };

static uint32_t seed_for(int kind, uint32_t salt)
{
	const char *e = getenv("XLVS_SCHED_SEED");

	return (e ? (uint32_t)strtoul(e, NULL, 0) : 20261203u) * 7919u + kind * 31 + salt;
}

static void sysctl(const char *name, uint32_t v)
{
	int rc = xlvs_sysctl_set(&dp.t, name, v);

	if (rc)
		bad("sysctl %s=%u: %s", name, v, strerror(-rc));
}

static void expirations(uint32_t lblc_s, uint32_t lblcr_s)
{
	sysctl("lblc_expiration", lblc_s);
	sysctl("lblcr_expiration", lblcr_s);
	msvc_lblc_exp = lblc_s;
	msvc_lblcr_exp = lblcr_s;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
	msvc_clock += s;
}

/* ------------------------------------------------- the map against the model */

static uint32_t svc_id_of(const struct msvc *s)
{
	struct xlvs_svc_key k = { .port = htons(s->port), .proto = s->proto, .af = 4 };
	struct xlvs_svc sv;

	k.addr[0] = 10;
	k.addr[3] = 100;
	if (bpf_map_lookup_elem(dp.t.svc_fd, &k, &sv))
		bad("service %u not in the table", s->port);
	return sv.id;
}

static int lblc_map_fd(void)
{
	int fd = xlvs_lblc_fd(&dp.t);

	if (fd < 0)
		bad("the lblc map: %s", strerror(-fd));
	return fd;
}

/* The table's entry for service id and the VIP: 1 found, 0 none. */
static int k_entry(uint32_t id, struct xlvs_lblc *v)
{
	struct xlvs_lblc_key k = { .svc_id = id };
	int fd = lblc_map_fd(), rc;

	k.addr[0] = 10;
	k.addr[3] = 100;
	rc = !bpf_map_lookup_elem(fd, &k, v);
	close(fd);
	return rc;
}

/* How many entries service id has in the table. */
static int k_entries_of(uint32_t id)
{
	struct xlvs_lblc_key k, next, *prev = NULL;
	int fd = lblc_map_fd(), n = 0, guard = 0;

	while (!bpf_map_get_next_key(fd, prev, &next) && guard++ < XLVS_LBLC_MAX) {
		n += next.svc_id == id;
		k = next;
		prev = &k;
	}
	close(fd);
	return n;
}

/* The table id of model server inst, live or in the trash. */
static uint32_t id_of_inst(const struct msvc *s, uint32_t inst)
{
	for (int i = 0; i < s->nd; i++)
		if (s->d[i].inst == inst)
			return s->d[i].id;
	for (int i = 0; i < s->ntrash; i++)
		if (s->trash[i].inst == inst)
			return s->trash[i].id;
	bad("model server %u unknown", inst);
	return 0;
}

static void k_check_entry(const struct msvc *s)
{
	struct xlvs_lblc v;
	int has = k_entry(svc_id_of(s), &v);

	if (has != s->lb.has)
		bad("%s: the table has %s entry for the service, the model %s",
		    kind_name(s->kind), has ? "an" : "no",
		    s->lb.has ? "has one" : "none");
	if (!has)
		return;
	if (v.kind != s->lb.kind || v.size != s->lb.n)
		bad("%s: entry of kind %u with %u members, model %d with %d",
		    kind_name(s->kind), v.kind, v.size, s->lb.kind, s->lb.n);
	for (int i = 0; i < s->lb.n; i++)
		if (v.m[i].id != id_of_inst(s, s->lb.set[i]))
			bad("%s: member %d is id %u, model's id %u", kind_name(s->kind),
			    i, v.m[i].id, id_of_inst(s, s->lb.set[i]));
}

/* --------------------------------------------------------- random steps */


static uint8_t free_host(const struct msvc *s)
{
	return msvc_free_host(s, pool, POOL);
}

/* Weights small enough that a few active connections make a server
 * "overloaded" in lblc's sense. */
static int32_t rnd_weight(void)
{
	static const int32_t w[] = { 0, 1, 1, 2, 2, 3, 4, 6 };

	return w[rnd(sizeof(w) / sizeof(w[0]))];
}

static uint32_t rnd_upper(void)
{
	return rnd(3) ? 0 : 2 + rnd(6);
}

static void step_table(struct msvc *s)
{
	uint32_t r = rnd(100);

	if (r < 55) {
		int i = (int)rnd(s->nd);

		rs_edit_m(s, i, rnd_weight(), rnd(4) ? s->d[i].u : rnd_upper(), 0);
	} else if (r < 80 && s->nd < POOL) {
		rs_add_m(s, free_host(s), rnd_weight(), rnd_upper(), 0);
	} else if (s->nd > 2) {
		rs_del_m(s, (int)rnd(s->nd));
	}
}

static void step(struct msvc *s)
{
	uint32_t r = rnd(100);

	if (r < 40 || s->nc == 0) {
		if (new_conn(s, dp_port(), TH_SYN, -1) >= 0 && rnd(100) < 60)
			follow(s, s->nc - 1, TH_ACK);
	} else if (r < 48) {
		follow(s, msvc_pick_conn(s, 1u << XLVS_TCP_SYN_RECV), TH_ACK);
	} else if (r < 70) {
		follow(s, msvc_pick_conn(s, 1u << XLVS_TCP_ESTABLISHED |
				       1u << XLVS_TCP_SYN_RECV),
		       rnd(2) ? TH_FIN | TH_ACK : TH_RST);
	} else if (r < 76) {
		follow(s, msvc_pick_conn(s, 1u << XLVS_TCP_TIME_WAIT |
				       1u << XLVS_TCP_CLOSE), TH_SYN);
	} else {
		step_table(s);
	}
	k_check_counts(s);
	k_check_entry(s);
}

/* Earlier tests' connections out (a full shard would evict ours), and no
 * connection expiring unless a test says so. */
static void conns_start(void)
{
	flush_all(NULL, 0);
	timeouts_write(NULL);
}

static void conns_end(struct msvc *s)
{
	flush_all(s, 1);
	k_check_counts(s);
	timeouts_default();
}

static void svc_start(struct msvc *s, int kind, uint16_t port, uint32_t seed)
{
	m_mutate_from_env();
	rnd_seed(seed);
	elog_reset(seed);
	conns_start();
	msvc_clock = 0;
	msvc_new(s, IPPROTO_TCP, port, kind, 0);
	for (int i = 0; i < 3; i++)
		rs_add_m(s, free_host(s), 1 + (int32_t)rnd(3), rnd_upper(), 0);
}

#define STEPS 300

static void run_model(int kind, uint16_t port)
{
	static struct msvc s;

	svc_start(&s, kind, port, seed_for(kind, 0));
	for (elog_step = 0; elog_step < STEPS && s.nc < MSVC_CONNS - 8; elog_step++)
		step(&s);
	conns_end(&s);
}

static void model_lblc(void **state)
{
	(void)state;
	run_model(XLVS_SCHED_LBLC, 8401);
}

static void model_lblcr(void **state)
{
	(void)state;
	run_model(XLVS_SCHED_LBLCR, 8402);
}

/*
 * Rounds of steps with sleeps between them, the expirations 2 s: a round
 * takes well under a second, so within one nothing expires, and a sleep
 * of 3 s passes an expiration while one of 1 s does not.  After a sleep
 * the collector's full check runs, in the table and in the model.  lblc
 * and lblcr run side by side, each service with its own model and random
 * sequence (the one each had alone), so that they share the 11 s of
 * sleeps: a round is lblc's steps, then lblcr's.
 */
#define ROUNDS 5
#define ROUND_STEPS 12

static void timed_lblc_and_lblcr(void **state)
{
	static const int kinds[2] = { XLVS_SCHED_LBLC, XLVS_SCHED_LBLCR };
	static struct msvc s[2];
	uint32_t rng[2];

	(void)state;
	expirations(2, 2);
	for (int v = 0; v < 2; v++) {
		svc_start(&s[v], kinds[v], (uint16_t)(8403 + v), seed_for(kinds[v], 1));
		rng[v] = rnd_swap(1);
	}
	for (int round = 0; round < ROUNDS; round++) {
		for (int v = 0; v < 2; v++) {
			rnd_swap(rng[v]);
			elog("%s's steps of round %d", kind_name(kinds[v]), round);
			for (int k = 0; k < ROUND_STEPS; k++) {
				elog_step = round * ROUND_STEPS + k;
				step(&s[v]);
			}
			rng[v] = rnd_swap(1);
		}
		sleep_s(round % 3 == 1 ? 1 : 3);
		elog("sleep; collector, model clock %.1f", msvc_clock);
		if (xlvs_lblc_expire_now(&dp.t))
			bad("xlvs_lblc_expire_now failed");
		for (int v = 0; v < 2; v++) {
			if (m_lblc_expired(&s[v].lb, msvc_clock, msvc_lblc_exp,
					   msvc_lblcr_exp))
				s[v].lb.has = false;
			k_check_entry(&s[v]);
		}
	}
	flush_all(s, 2);
	for (int v = 0; v < 2; v++)
		k_check_counts(&s[v]);
	timeouts_default();
	expirations(24 * 60 * 60, 24 * 60 * 60);
}

/*
 * An lblcr set grows and shrinks: .4 takes two connections, is then more
 * than its weight loaded while .3 is idle, so .3 joins the set and takes
 * the next two; after lblcr_expiration the most loaded member (.3, the
 * first of a tie) leaves the set, yet still takes the connection that
 * found it least loaded.
 */
static void lblcr_set_expiry(void **state)
{
	static const int want[] = { 0, 0, 1, 1, -2, 1 };   /* -2: sleep */
	static struct msvc s;

	(void)state;
	m_mutate_from_env();
	elog_reset(0);
	expirations(2, 2);
	conns_start();
	msvc_clock = 0;
	msvc_new(&s, IPPROTO_TCP, 8407, XLVS_SCHED_LBLCR, 0);
	rs_add_m(&s, 3, 1, 0, 0);
	rs_add_m(&s, 4, 1, 0, 0);
	for (unsigned int k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		if (want[k] == -2) {
			sleep_s(3);
			continue;
		}
		if (new_conn(&s, dp_port(), TH_SYN, -1) != want[k])
			bad("lblcr: connection %u not to the list's [%d]", k, want[k]);
		k_check_entry(&s);
	}
	if (s.lb.n != 1)
		bad("lblcr: the model's set has %d members, not 1", s.lb.n);
	conns_end(&s);
	expirations(24 * 60 * 60, 24 * 60 * 60);
}

/*
 * ip_vs_edit_service with another scheduler: done_service flushes the old
 * table.  .4 (first in the list) takes the first two connections; after
 * lblc -> wlc -> lblc the next goes to the idle .3, not to .4 by a stale
 * entry.  The same for a service deleted and added again with its id.
 */
static void sched_change_flushes(void **state)
{
	static struct msvc s;
	struct xlvs_endpoint vip = tb_ep(IP4(10, 0, 0, 100), 8405);
	uint32_t id;

	(void)state;
	m_mutate_from_env();
	elog_reset(0);
	conns_start();
	msvc_new(&s, IPPROTO_TCP, 8405, XLVS_SCHED_LBLC, 0);
	rs_add_m(&s, 3, 10, 0, 0);
	rs_add_m(&s, 4, 10, 0, 0);
	if (new_conn(&s, dp_port(), TH_SYN, -1) != 0 ||
	    new_conn(&s, dp_port(), TH_SYN, -1) != 0)
		bad("lblc: the first connections not both to .4");
	msvc_sched_set(&s, XLVS_SCHED_WLC);
	msvc_sched_set(&s, XLVS_SCHED_LBLC);
	k_check_entry(&s);
	if (new_conn(&s, dp_port(), TH_SYN, -1) != 1)
		bad("lblc after a scheduler change: not to the idle .3");
	k_check_entry(&s);

	conns_end(&s);
	id = svc_id_of(&s);
	if (k_entries_of(id) != 1)
		bad("service %u has %d entries, not 1", id, k_entries_of(id));
	if (xlvs_service_del(&dp.t, IPPROTO_TCP, &vip))
		bad("xlvs_service_del failed");
	if (k_entries_of(id) != 0)
		bad("deleted service %u left %d entries", id, k_entries_of(id));
}

/* ------------------------------------------------------------------ twos */

#define TWOS_PICKS 600

static void twos_distribution(void **state)
{
	static struct msvc s;
	double expect[MSVC_DESTS] = { 0 }, chi2 = 0;
	int got_n[MSVC_DESTS] = { 0 }, df = -1;

	(void)state;
	m_mutate_from_env();
	elog_reset(0);
	conns_start();
	msvc_new(&s, IPPROTO_UDP, 8406, XLVS_SCHED_TWOS, 0);
	rs_add_m(&s, 3, 1, 0, 0);
	rs_add_m(&s, 4, 2, 0, 0);
	rs_add_m(&s, 5, 0, 0, 0);       /* weight 0: never */
	rs_add_m(&s, 6, 3, 0, 0);
	rs_add_m(&s, 7, 4, 1, 0);       /* overloaded after its first */
	rs_add_m(&s, 8, 2, 0, 0);
	for (int n = 0; n < TWOS_PICKS; n++) {
		struct m_server sv[MSVC_DESTS];
		double p[MSVC_DESTS];
		uint16_t sport = dp_port();
		struct dp_result r;
		struct frame f;
		int got, i;

		for (i = 0; i < s.nd; i++) {
			sv[i] = (struct m_server){ .weight = s.d[i].weight,
						   .over = s.d[i].over };
			m_counts(&s, s.d[i].inst, &sv[i].active, &sv[i].inactive);
		}
		m_twos_probs(sv, s.nd, p);
		msvc_send(&s, sport, 0, &f, &r);
		got = chosen(&r);
		i = got < 0 ? -1 : m_find_host(&s, (uint8_t)got);
		if (i < 0 || p[i] <= 0)
			bad("twos: connection %d went to %d, which the kernel's "
			    "draws never give (probability %g)", n, got,
			    i < 0 ? 0.0 : p[i]);
		for (int k = 0; k < s.nd; k++)
			expect[k] += p[k];
		got_n[i]++;
		m_bind(&s, (struct mconn){ .sport = sport, .inst = s.d[i].inst,
					   .host = s.d[i].host,
					   .state = XLVS_UDP_STATE });
	}
	for (int k = 0; k < s.nd; k++) {
		print_message("twos: .%u weight %d: %d connections, model %.1f\n",
			      s.d[k].host, s.d[k].weight, got_n[k], expect[k]);
		if (expect[k] == 0 && got_n[k])
			bad("twos: .%u took %d, the model none", s.d[k].host, got_n[k]);
		if (expect[k] < 5)
			continue;       /* too few for the chi-square */
		chi2 += (got_n[k] - expect[k]) * (got_n[k] - expect[k]) / expect[k];
		df++;
	}
	conns_end(&s);
	/* df <= 4: 30 is beyond p = 1e-5. */
	if (chi2 > 30)
		bad("twos: chi-square %.1f over %d degrees of freedom", chi2, df);
}

size_t sched_lblc_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(model_lblc, svc_fixture_empty),
		cmocka_unit_test_setup(model_lblcr, svc_fixture_empty),
		cmocka_unit_test_setup(timed_lblc_and_lblcr, svc_fixture_empty),
		cmocka_unit_test_setup(lblcr_set_expiry, svc_fixture_empty),
		cmocka_unit_test_setup(sched_change_flushes, svc_fixture_empty),
		cmocka_unit_test_setup(twos_distribution, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
