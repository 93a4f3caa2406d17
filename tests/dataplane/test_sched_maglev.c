// SPDX-License-Identifier: GPL-2.0
/*
 * mh, IPVS's Maglev hashing, against a model written from ip_vs_mh.c and
 * ip_vs_ctl.c (not from lib/sched_maglev.c):
 *   - a server's preference list is slot (offset + j * skip) mod 4093 for
 *     j = 0, 1, ..., offset = h1(port + address) mod 4093 and skip =
 *     h2(port + address) mod 4092 + 1, h1 and h2 the kernel's hsiphash
 *     with the fixed keys (hsiphash itself is checked against the kernel's
 *     vectors in tests/unit/hsiphash.c);
 *   - round after round over the list (newest server first), each server
 *     takes the first free slots of its list, (last / gcd) >> shift of them
 *     (at least one if last > 0), until every slot is taken; shift keeps
 *     max / gcd to 6 bits; none is taken when no last weight is > 0;
 *   - last: the weight given on add, or on any edit but one to 0;
 *   - a client's slot is h1(port + address) mod 4093, the source port only
 *     with mh-port; a server with weight 0 or overloaded gives none, unless
 *     mh-fallback tries slot h1(r + port + address) mod 4093 for r = slot,
 *     slot + 1, ... mod 4093.
 * After every change the live table must be the model's slot by slot, and
 * flows from random clients must go where the model sends them.
 *
 * XLVS_SCHED_SEED=<n> replays another random sequence; XLVS_MODEL_MUTATE=<k>
 * breaks the model on purpose to show the tests can fail: 11 turns from the
 * weight instead of the last weight, 12 no shift of large weights, 13
 * mh-fallback walking the table slot by slot, 14 the port always hashed.
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
#include <cmocka.h>
#include <xlvs/hsiphash.h>

#include "expect.h"
#include "svc.h"
#include "tests.h"

#define M          4093u
#define KEY1       2654435761ULL
#define KEY2       2654446892ULL
#define NHOSTS     (HOST_RS_LAST - HOST_RS1 + 1)
#define PORT_SCRIPT 9960    /* connections: each flow scheduled once */
#define PORT_RANDOM 9961    /* one-packet: each datagram scheduled */
#define STEPS      60

static int mutate;

struct model {
	uint16_t port;
	uint32_t flags;                 /* mh-fallback, mh-port */
	int n;
	uint8_t host[NHOSTS];           /* list order: newest first */
	int32_t weight[NHOSTS], last[NHOSTS];
	bool overloaded[NHOSTS];
	int8_t slot[M];                 /* index into host[]; -1 empty */
};

static uint32_t hash(uint32_t sum, uint64_t key)
{
	struct xlvs_hsiphash_key k = { key, key };

	return xlvs_hsiphash_short(sum, 4, &k);
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
	return b ? gcd(b, a % b) : a;
}

static void build(struct model *m)
{
	const int32_t *lw = mutate == 11 ? m->weight : m->last;
	uint32_t g = 0, mw = 0, bits = 0, shift, filled = 0;
	uint32_t offset[NHOSTS], skip[NHOSTS], j[NHOSTS] = { 0 };
	int32_t turns[NHOSTS];

	memset(m->slot, -1, sizeof(m->slot));
	for (int i = 0; i < m->n; i++) {
		if (lw[i] > 0)
			g = gcd((uint32_t)lw[i], g);
		if (lw[i] > (int32_t)mw)
			mw = (uint32_t)lw[i];
	}
	if (!g)
		return;
	for (uint32_t q = mw / g; q; q >>= 1)
		bits++;
	shift = bits > 6 && mutate != 12 ? bits - 6 : 0;
	for (int i = 0; i < m->n; i++) {
		uint32_t sum = m->port + IP4(10, 0, 0, m->host[i]);

		offset[i] = hash(sum, KEY1) % M;
		skip[i] = hash(sum, KEY2) % (M - 1) + 1;
		turns[i] = (int32_t)(((uint32_t)lw[i] / g) >> shift);
		if (!turns[i] && lw[i])
			turns[i] = 1;
	}
	while (filled < M)
		for (int i = 0; i < m->n && filled < M; i++)
			for (int t = 0; t < turns[i] && filled < M; t++) {
				uint32_t c;

				while (m->slot[c = (offset[i] + j[i] * skip[i]) % M] >= 0)
					j[i]++;
				m->slot[c] = (int8_t)i;
				filled++;
			}
}

static bool available(const struct model *m, int d)
{
	return m->weight[d] > 0 && !m->overloaded[d];
}

/* The host the model sends a client to, or -1 for none; *fell says the
 * fallback found it. */
static int choice(const struct model *m, uint32_t saddr, uint16_t sport,
		  bool *fell)
{
	uint32_t port = (m->flags & XLVS_SVC_F_SCHED2) || mutate == 14 ? sport : 0;
	uint32_t ihash = hash(port + saddr, KEY1) % M;
	int d = m->slot[ihash];

	*fell = false;
	if (d < 0)
		return -1;
	if (available(m, d))
		return m->host[d];
	if (!(m->flags & XLVS_SVC_F_SCHED1))
		return -1;
	*fell = true;
	for (uint32_t off = 0; off < M; off++) {
		uint32_t r = (off + ihash) % M;

		d = m->slot[mutate == 13 ? r : hash(r + port + saddr, KEY1) % M];
		if (d >= 0 && available(m, d))
			return m->host[d];
	}
	return -1;
}

/* ------------------------------------------------------ model and table */

static int find(const struct model *m, uint8_t host)
{
	for (int i = 0; i < m->n; i++)
		if (m->host[i] == host)
			return i;
	return -1;
}

static void add(struct model *m, uint8_t host, int32_t w)
{
	rs_add(IPPROTO_UDP, m->port, host, w);
	memmove(&m->host[1], &m->host[0], (size_t)m->n * sizeof(m->host[0]));
	memmove(&m->weight[1], &m->weight[0], (size_t)m->n * sizeof(m->weight[0]));
	memmove(&m->last[1], &m->last[0], (size_t)m->n * sizeof(m->last[0]));
	memmove(&m->overloaded[1], &m->overloaded[0], (size_t)m->n * sizeof(bool));
	m->host[0] = host;
	m->weight[0] = m->last[0] = w;
	m->overloaded[0] = false;
	m->n++;
	build(m);
}

/* An edit without an upper threshold also ends an overload. */
static void set_weight(struct model *m, int i, int32_t w)
{
	rs_weight(IPPROTO_UDP, m->port, m->host[i], w);
	m->weight[i] = w;
	if (w)
		m->last[i] = w;
	m->overloaded[i] = false;
	build(m);
}

static void del(struct model *m, int i)
{
	size_t k = (size_t)(m->n - i - 1);

	rs_del(IPPROTO_UDP, m->port, m->host[i]);
	memmove(&m->host[i], &m->host[i + 1], k * sizeof(m->host[0]));
	memmove(&m->weight[i], &m->weight[i + 1], k * sizeof(m->weight[0]));
	memmove(&m->last[i], &m->last[i + 1], k * sizeof(m->last[0]));
	memmove(&m->overloaded[i], &m->overloaded[i + 1], k * sizeof(bool));
	m->n--;
	build(m);
}

static void overload(struct model *m, int i)
{
	static struct xlvs_sched sc;

	sched_live(NET_VIP, IPPROTO_UDP, m->port, &sc);
	rs_overload(sc.dests[i]);
	m->overloaded[i] = true;
}

static void set_flags(struct model *m, uint32_t flags)
{
	uint32_t ops = m->port == PORT_RANDOM ? XLVS_SVC_F_ONEPACKET : 0;

	svc_set_on(NET_VIP, IPPROTO_UDP, m->port, "mh", flags | ops);
	m->flags = flags;
}

/* The live table as hosts, slot by slot (0 where empty); it must be the
 * model's, with the model's list order. */
static void check_table(const struct model *m, uint8_t out[M])
{
	static struct xlvs_sched sc;
	bool filled = m->slot[0] >= 0;

	sched_live(NET_VIP, IPPROTO_UDP, m->port, &sc);
	assert_int_equal(sc.ndests, m->n);
	for (int i = 0; i < m->n; i++)
		if (rs_host(sc.dests[i]) != m->host[i])
			fail_msg("list position %d is .%u, model .%u", i,
				 rs_host(sc.dests[i]), m->host[i]);
	assert_int_equal(sc.nbands, filled ? M : 0);
	for (uint32_t s = 0; s < M; s++) {
		if (filled && sc.list[s] != m->slot[s])
			fail_msg("slot %u holds list position %u, model %d", s,
				 sc.list[s], m->slot[s]);
		out[s] = filled ? m->host[(int)m->slot[s]] : 0;
	}
}

static uint32_t rng = 1;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/* A unicast client address outside 0/8, 10/8 and 127/8. */
static uint32_t client(void)
{
	uint32_t a = 11 + rnd(212);

	if (a == 127)
		a = 128;
	return a << 24 | rnd(1u << 24);
}

struct tally {
	int flows, none, fell;
};

/* flows datagrams from random clients, each where the model says. */
static void check_flows(const struct model *m, int flows, struct tally *t)
{
	for (int i = 0; i < flows; i++) {
		uint32_t saddr = client();
		uint16_t sport = (uint16_t)(1024 + rnd(64000));
		bool fell;
		int want = choice(m, saddr, sport, &fell);
		struct dp_result r;
		struct frame f;

		send_udp_from(saddr, 0, sport, m->port, &f, &r);
		t->flows++;
		if (want < 0) {
			if (!dp_left(&f, &r))
				fail_msg("%08x:%u: forwarded to .%d, model: none",
					 saddr, sport, chosen(&r));
			t->none++;
			continue;
		}
		if (chosen(&r) != want)
			fail_msg("%08x:%u went to .%d, model .%d%s", saddr, sport,
				 chosen(&r), want, fell ? " (by fallback)" : "");
		t->fell += fell;
	}
}

static void model_start(struct model *m, uint16_t port)
{
	const char *k = getenv("XLVS_MODEL_MUTATE");

	mutate = k ? atoi(k) : 0;
	memset(m, 0, sizeof(*m));
	m->port = port;
	memset(m->slot, -1, sizeof(m->slot));
	set_flags(m, 0);
}

/* ---------------------------------------------------------------- tests */

/* The live table must be the model's and, host for host, want. */
static void check_same_table(const struct model *m, const uint8_t want[M])
{
	static uint8_t now[M];

	check_table(m, now);
	assert_memory_equal(now, want, M);
}

static void mh_scripted(void **state)
{
	static uint8_t first[M], cur[M];
	static struct model m;
	struct tally t = { 0 };
	int share[HOST_RS_LAST + 1] = { 0 };

	(void)state;
	model_start(&m, PORT_SCRIPT);
	add(&m, HOST_RS1, 1);
	add(&m, HOST_RS1 + 1, 2);
	add(&m, HOST_RS1 + 2, 3);
	check_table(&m, first);
	check_flows(&m, 150, &t);
	/* Rounds of 1, 2 and 3 slots: shares as the weights. */
	for (uint32_t s = 0; s < M; s++)
		share[first[s]]++;
	for (int h = 0; h < 3; h++)
		assert_true(abs(share[HOST_RS1 + h] - (int)M * (h + 1) / 6) <= 6);

	/* Weight 0: the table does not move; its clients get none ... */
	set_weight(&m, find(&m, HOST_RS1 + 1), 0);
	check_same_table(&m, first);
	check_flows(&m, 150, &t);
	assert_true(t.none > 20);
	/* ... or, with mh-fallback, another server. */
	set_flags(&m, XLVS_SVC_F_SCHED1);
	check_flows(&m, 150, &t);
	assert_true(t.fell > 20);
	/* Its old weight back: the very same table. */
	set_weight(&m, find(&m, HOST_RS1 + 1), 2);
	check_same_table(&m, first);

	/* Overloaded, then the port hashed too. */
	overload(&m, find(&m, HOST_RS1 + 2));
	check_flows(&m, 150, &t);
	set_flags(&m, XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2);
	check_flows(&m, 150, &t);

	/* A weight 2^16 - 1: turns cut to 6 bits (shift 10). */
	add(&m, HOST_RS1 + 3, 65535);
	check_table(&m, cur);
	check_flows(&m, 150, &t);
	/* Added at weight 0, never weighted: it takes no slot. */
	add(&m, HOST_RS1 + 4, 0);
	check_same_table(&m, cur);
	del(&m, find(&m, HOST_RS1));
	check_table(&m, cur);
	check_flows(&m, 150, &t);

	/* Every weight 0: still the same table, and no server for anyone. */
	for (int i = 0; i < m.n; i++)
		set_weight(&m, i, 0);
	check_same_table(&m, cur);
	check_flows(&m, 50, &t);
	while (m.n)
		del(&m, 0);
	check_table(&m, cur);
	check_flows(&m, 20, &t);
}

static const int32_t weights[] = { 0, 1, 1, 2, 3, 5, 7, 12, 100, 1000, 65535 };

/* One random change to the table or the flags. */
static void step(struct model *m, int counts[5])
{
	uint32_t e = rnd(100);

	if (m->n == 0 || (m->n < NHOSTS && e < 20)) {
		uint8_t h;

		do
			h = (uint8_t)(HOST_RS1 + rnd(NHOSTS));
		while (find(m, h) >= 0);
		add(m, h, weights[rnd(sizeof(weights) / sizeof(weights[0]))]);
		counts[0]++;
	} else if (e < 30) {
		del(m, (int)rnd((uint32_t)m->n));
		counts[1]++;
	} else if (e < 65) {
		set_weight(m, (int)rnd((uint32_t)m->n),
			   e < 45 ? 0 : weights[rnd(sizeof(weights) / sizeof(weights[0]))]);
		counts[2]++;
	} else if (e < 85) {
		overload(m, (int)rnd((uint32_t)m->n));
		counts[3]++;
	} else {
		set_flags(m, rnd(4) * XLVS_SVC_F_SCHED1);
		counts[4]++;
	}
}

static void mh_random_sequence(void **state)
{
	static uint8_t table[M];
	static struct model m;
	const char *e = getenv("XLVS_SCHED_SEED");
	uint32_t seed = e ? (uint32_t)strtoul(e, NULL, 0) : 20240601u;
	struct tally t = { 0 };
	int counts[5] = { 0 };

	(void)state;
	rng = seed * 7919u + XLVS_SCHED_MH;
	model_start(&m, PORT_RANDOM);
	for (int s = 0; s < STEPS; s++) {
		step(&m, counts);
		check_table(&m, table);
		check_flows(&m, 200, &t);
	}
	print_message("mh seed %u: %d flows (%d no server, %d by fallback), %d adds, "
		      "%d deletes, %d weights, %d overloads, %d flag changes\n",
		      seed, t.flows, t.none, t.fell, counts[0], counts[1],
		      counts[2], counts[3], counts[4]);
}

size_t sched_maglev_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(mh_scripted, svc_fixture_empty),
		cmocka_unit_test_setup(mh_random_sequence, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
