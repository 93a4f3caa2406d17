// SPDX-License-Identifier: GPL-2.0
/*
 * rr and wrr at their limits, through the loaded XDP program, against the
 * model (model.h, written from ip_vs_rr.c and ip_vs_wrr.c):
 *   - wrr with as many real servers of distinct weights as a service holds
 *     (XLVS_SVC_DESTS_MAX): accepted, and every pick of a window that runs
 *     through the cycle's first passes, and one after an edit, is IPVS's;
 *   - the overload walk: a server of weight 1 found beside overloaded ones
 *     of weight 65535 (one usable position in 65536 or 131071), wherever
 *     the cycle stands, and random overloaded sets at every place of a
 *     multi-band cycle, every server overloaded included (err_over);
 *   - an edit while traffic picks: the picks made between the build of the
 *     new schedule and its flip (libxlvs's edit hook makes them) count, so
 *     the sequence after the edit is the one IPVS gives when those picks
 *     come before the edit.
 *
 * The connections the tests make stay (fresh ports and clients each): no
 * test here overwrites the counts they are counted in, and a flush of the
 * whole table would wait for other tests' templates too.
 *
 * XLVS_SCHED_SEED=<n> replays other random sequences; XLVS_MODEL_MUTATE=20
 * (the edit forgets the picks made during it), 21 (the walk gives up after
 * 65536 positions) and 22 (err_over always ends at the list head) must each
 * make a test here fail.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
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

#define BIG      XLVS_SVC_DESTS_MAX
#define PORT_BIG 9970

static uint32_t seed_from_env(uint32_t dflt)
{
	const char *e = getenv("XLVS_SCHED_SEED");

	return e ? (uint32_t)strtoul(e, NULL, 0) : dflt;
}

/* ---------------------------------------------- distinct weights, 1024 -- */

/* Real server i of the big service: 10.2.x.y, off-link (its packets are
 * dropped with pkts_no_route, after the connection is made). */
static struct xlvs_endpoint big_rs(uint32_t i)
{
	return tb_ep(IP4(10, 2, (i + 1) >> 8, (i + 1) & 255), PORT_BIG);
}

/* The dest id the connection from client saddr went to. */
static uint32_t big_conn_dest(uint32_t saddr)
{
	struct xlvs_conn_key k;
	struct xlvs_conn c;
	int fd, rc;

	tb_conn_key(&k, IPPROTO_UDP, saddr, NET_VIP, 4000, PORT_BIG);
	fd = xlvs_conn_shard_fd(&dp.t, xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max)));
	assert_true(fd >= 0);
	rc = bpf_map_lookup_elem(fd, &k, &c);
	close(fd);
	if (rc)
		fail_msg("no connection from %#x", saddr);
	return c.dest_id;
}

/* libxlvs's messages as the test bed prints them, but the warnings about
 * the off-link servers' link addresses, which are expected here. */
static void log_all(const char *msg)
{
	fprintf(stderr, "libxlvs: %s\n", msg);
}

static void log_but_unresolved(const char *msg)
{
	if (!strstr(msg, "cannot resolve"))
		log_all(msg);
}

struct big {
	struct m_rr rr;
	struct m_server sv[BIG];
	uint32_t keys[BIG];         /* model keys: real server number + 1 */
	uint32_t id[BIG];           /* dest id of real server number i */
	int n;
	uint32_t clients;
};

/* n picks, each a datagram from a new client, each checked. */
static void big_window(struct big *b, int n)
{
	for (int k = 0; k < n; k++) {
		uint32_t saddr = IP4(10, 3, 0, 0) + b->clients++;
		int want = m_rr_pick(&b->rr, b->sv, b->keys, b->n);
		struct dp_result r;
		struct frame f;
		uint32_t got;

		send_udp_from(saddr, NET_VIP, 4000, PORT_BIG, &f, &r);
		assert_int_equal(r.rc, 0);
		if (want < 0)
			fail_msg("the model finds no server");
		got = big_conn_dest(saddr);
		if (got != b->id[b->keys[want] - 1])
			fail_msg("pick %d: dest %u, the model picks real server %u "
				 "(weight %d, dest %u)", k, got, b->keys[want] - 1,
				 b->sv[want].weight, b->id[b->keys[want] - 1]);
	}
}

static void wrr_distinct_weights_max(void **state)
{
	static struct big b;
	static struct xlvs_sched sc;
	static int32_t w[BIG];
	struct xlvs_endpoint vip = tb_ep(NET_VIP, PORT_BIG);
	uint32_t seed = seed_from_env(7);

	(void)state;
	m_mutate_from_env();
	rnd_seed(seed);
	memset(&b, 0, sizeof(b));
	m_rr_init(&b.rr, XLVS_SCHED_WRR);
	svc_set_on(NET_VIP, IPPROTO_UDP, PORT_BIG, "wrr", 0);
	xlvs_set_log(log_but_unresolved);
	/* weights 1..1024, shuffled */
	for (int i = 0; i < BIG; i++)
		w[i] = i + 1;
	for (int i = BIG - 1; i > 0; i--) {
		int j = (int)rnd((uint32_t)i + 1), t = w[i];

		w[i] = w[j];
		w[j] = t;
	}
	for (int i = 0; i < BIG; i++) {
		struct xlvs_dest_conf c = {
			.addr = big_rs((uint32_t)i), .fwd = XLVS_FWD_DROUTE,
			.weight = w[i],
		};
		int rc = xlvs_dest_add(&dp.t, IPPROTO_UDP, &vip, &c);

		if (rc)
			fail_msg("real server %d of %d (weight %d) refused: %s",
				 i + 1, BIG, w[i], strerror(-rc));
		memmove(&b.sv[1], &b.sv[0], (size_t)b.n * sizeof(b.sv[0]));
		memmove(&b.keys[1], &b.keys[0], (size_t)b.n * sizeof(b.keys[0]));
		b.sv[0] = (struct m_server){ .weight = w[i] };
		b.keys[0] = (uint32_t)i + 1;
		b.n++;
		m_rr_changed(&b.rr, b.sv, b.n);
	}
	xlvs_set_log(log_all);
	{
		struct xlvs_dest_conf c = {
			.addr = big_rs(BIG), .fwd = XLVS_FWD_DROUTE, .weight = 1,
		};

		assert_int_equal(xlvs_dest_add(&dp.t, IPPROTO_UDP, &vip, &c),
				 -ENOSPC);
	}
	sched_live(NET_VIP, IPPROTO_UDP, PORT_BIG, &sc);
	assert_int_equal(sc.ndests, BIG);
	assert_int_equal(sc.nbands, BIG);
	assert_int_equal(sc.cycle, BIG * (BIG + 1) / 2);
	for (int i = 0; i < BIG; i++) {
		struct xlvs_dest d;
		uint32_t num = b.keys[i] - 1;
		struct xlvs_endpoint want = big_rs(num);

		assert_int_equal(bpf_map_lookup_elem(dp.t.dest_fd, &sc.dests[i], &d), 0);
		if (memcmp(d.addr, want.addr, 4) || sc.weights[i] != b.sv[i].weight)
			fail_msg("list position %d is not real server %u", i, num);
		b.id[num] = sc.dests[i];
	}
	/* The adds left cw at 1: the whole list, then cw 1024, 1023, ... */
	big_window(&b, 3 * BIG);
	/* An edit: IPVS's dest_changed puts wrr back at the list head. */
	{
		int i = (int)rnd(BIG);
		struct xlvs_dest_conf c = {
			.addr = big_rs(b.keys[i] - 1), .fwd = XLVS_FWD_DROUTE,
			.weight = 2000,
		};

		assert_int_equal(xlvs_dest_edit(&dp.t, IPPROTO_UDP, &vip, &c), 0);
		b.sv[i].weight = 2000;
		m_rr_changed(&b.rr, b.sv, b.n);
	}
	big_window(&b, BIG);
	print_message("seed %u: %d real servers of distinct weights, %u picks "
		      "agreed\n", seed, BIG, b.clients);
}

/* ------------------------------------------------------ the overload walk -- */

/* Server i overloaded or not, in the table and in the model, as the data
 * plane marks it at its upper threshold (the tests here set none, so no
 * connection changes it). */
static void force_over(struct msvc *s, int i, bool over)
{
	struct xlvs_dest_conns dc;

	if (bpf_map_lookup_elem(dp.t.dest_conns_fd, &s->d[i].id, &dc))
		bad("dest_conns %u: %s", s->d[i].id, strerror(errno));
	dc.flags = over ? dc.flags | XLVS_DEST_F_OVERLOAD :
			  dc.flags & ~XLVS_DEST_F_OVERLOAD;
	if (bpf_map_update_elem(dp.t.dest_conns_fd, &s->d[i].id, &dc, BPF_ANY))
		bad("dest_conns %u: %s", s->d[i].id, strerror(errno));
	s->d[i].over = over;
	elog("%s .%u", over ? "overload" : "free", s->d[i].host);
}

static int syn(struct msvc *s)
{
	return new_conn(s, dp_port(), TH_SYN, -1);
}

/* Heavy servers overloaded around a weight-1 one: its single position
 * must be found from anywhere in the cycle (the picks before move the
 * cycle on by 1, 2, 4, ... positions). */
static void heavy_round(struct msvc *s, int light, int nheavy)
{
	for (int round = 0, skip = 1; round < 6; round++, skip *= 3) {
		for (int k = 0; k < skip; k++)
			syn(s);
		for (int i = 0; i < s->nd; i++)
			if (i != light)
				force_over(s, i, true);
		for (int k = 0; k < 3; k++)
			if (syn(s) != light)
				bad("the weight-1 server was not found beside %d "
				    "overloaded", nheavy);
		force_over(s, light, true);
		if (syn(s) >= 0)
			bad("a server was chosen with every one overloaded");
		for (int i = 0; i < s->nd; i++)
			force_over(s, i, false);
	}
}

/* Earlier tests' connections out, and none expiring meanwhile: an
 * entry evicted or expired unbinds its server, and an unbind clears an
 * overload without thresholds (ip_vs_unbind_dest), which would undo the
 * overloads these tests set by hand. */
static void conns_quiet(void)
{
	flush_all(NULL, 0);
	timeouts_write(NULL);
}

static void wrr_overload_heavy_light(void **state)
{
	static struct msvc a, b;

	(void)state;
	m_mutate_from_env();
	conns_quiet();
	elog_reset(0);
	/* {65535, 1}: list [.4 weight 1, .3 weight 65535] */
	msvc_new(&a, IPPROTO_TCP, 8350, XLVS_SCHED_WRR, 0);
	rs_add_m(&a, HOST_RS1, 65535, 0, 0);
	rs_add_m(&a, HOST_RS2, 1, 0, 0);
	heavy_round(&a, 0, 1);
	/* {65535, 1, 65534}: the light one in the middle, 131070 positions */
	msvc_new(&b, IPPROTO_TCP, 8351, XLVS_SCHED_WRR, 0);
	rs_add_m(&b, HOST_RS1, 65535, 0, 0);
	rs_add_m(&b, HOST_RS2, 1, 0, 0);
	rs_add_m(&b, HOST_RS1 + 2, 65534, 0, 0);
	heavy_round(&b, 1, 2);
	/* rr too: one pass, the only usable server before the others */
	msvc_sched_set(&b, XLVS_SCHED_RR);
	heavy_round(&b, 1, 2);
	timeouts_default();
}

/* Random overloaded sets, every server now and then, at every place of a
 * cycle of several bands with gcd 2 (and of rr's one pass). */
static void overload_anywhere(void **state)
{
	static const int32_t w[] = { 8, 2, 6, 4, 2, 10 };
	static struct msvc s;
	uint32_t seed = seed_from_env(20261203) * 31u;
	int none = 0, picks = 0;

	(void)state;
	m_mutate_from_env();
	conns_quiet();
	rnd_seed(seed);
	elog_reset(seed);
	msvc_new(&s, IPPROTO_TCP, 8352, XLVS_SCHED_WRR, 0);
	for (int i = 0; i < 6; i++)
		rs_add_m(&s, (uint8_t)(HOST_RS1 + i), w[i], 0, 0);
	for (int kind = XLVS_SCHED_WRR; kind >= XLVS_SCHED_RR; kind--) {
		if (kind != s.kind)
			msvc_sched_set(&s, kind);
		for (int step = 0; step < 200; step++) {
			uint32_t shape = rnd(6);

			for (int i = 0; i < s.nd; i++)
				force_over(&s, i, shape == 0 || (shape < 4 && rnd(3) == 0));
			for (int k = 1 + (int)rnd(3); k > 0; k--, picks++)
				none += syn(&s) < 0;
			if (rnd(8) == 0) {
				/* an edit: dest_changed from the walk's state */
				int i = (int)rnd((uint32_t)s.nd);

				rs_edit_m(&s, i, w[rnd(6)], 0, 0);
			}
		}
	}
	for (int i = 0; i < s.nd; i++)
		force_over(&s, i, false);
	print_message("seed %u: %d picks with random overloaded sets, %d with "
		      "none usable\n", seed, picks, none);
	timeouts_default();
}

/* ------------------------------------------------- picks during an edit -- */

struct during {
	struct msvc *s;
	int picks;                  /* how many the hook makes */
};

/* libxlvs's edit hook: traffic picking on the old schedule after the new
 * one is built.  The model makes them before the edit, as IPVS would;
 * mutation 20 forgets them as the build did before the carry. */
static void picks_during(void *arg)
{
	struct during *d = arg;
	struct m_rr before = d->s->rr;

	elog("%d picks during the edit", d->picks);
	for (int k = 0; k < d->picks; k++)
		syn(d->s);
	if (m_mutate == 20)
		d->s->rr = before;
}

static void edit_during_picks(void **state)
{
	static struct msvc s;
	struct during d = { .s = &s };
	uint32_t seed = seed_from_env(20261203) * 131u;
	int edits = 0, raced = 0;

	(void)state;
	m_mutate_from_env();
	rnd_seed(seed);
	elog_reset(seed);
	msvc_new(&s, IPPROTO_TCP, 8353, XLVS_SCHED_RR, 0);
	for (int i = 0; i < 4; i++)
		rs_add_m(&s, (uint8_t)(HOST_RS1 + i), 1 + (int32_t)rnd(4), 0, 0);
	xlvs_set_sched_edit_hook(picks_during, &d);
	for (int kind = XLVS_SCHED_RR; kind <= XLVS_SCHED_WRR; kind++) {
		if (kind != s.kind) {
			d.picks = 0;
			msvc_sched_set(&s, kind);
		}
		for (int step = 0; step < 100; step++) {
			uint32_t op = rnd(10), host;
			int i;

			for (int k = (int)rnd(4); k > 0; k--)
				syn(&s);
			d.picks = (int)rnd(5);
			raced += d.picks > 0;
			edits++;
			if (op < 3 && s.nd < 6) {
				for (host = HOST_RS1; m_find_host(&s, (uint8_t)host) >= 0;)
					host++;
				rs_add_m(&s, (uint8_t)host, 1 + (int32_t)rnd(6), 0, 0);
			} else if (op < 5 && s.nd > 1) {
				rs_del_m(&s, (int)rnd((uint32_t)s.nd));
			} else {
				i = (int)rnd((uint32_t)s.nd);
				rs_edit_m(&s, i, (int32_t)rnd(7), 0, 0);
			}
		}
	}
	xlvs_set_sched_edit_hook(NULL, NULL);
	for (int k = 0; k < 10; k++)
		syn(&s);
	print_message("seed %u: %d edits, %d with picks during them\n", seed,
		      edits, raced);
}

size_t sched_cycle_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(wrr_distinct_weights_max, svc_fixture_empty),
		cmocka_unit_test_setup(wrr_overload_heavy_light, svc_fixture_empty),
		cmocka_unit_test_setup(overload_anywhere, svc_fixture_empty),
		cmocka_unit_test_setup(edit_during_picks, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
