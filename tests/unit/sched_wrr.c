// SPDX-License-Identifier: GPL-2.0
/*
 * The precomputed rr/wrr schedule (lib/sched_build.c) against an independent
 * model of IPVS.  The model is written the way the kernel is written
 * (ip_vs_rr.c, ip_vs_wrr.c, __ip_vs_update_dest, __ip_vs_unlink_dest): a
 * circular list with a sentinel head, new servers added at the head
 * (list_add_rcu), the scan loops copied statement by statement.  It shares
 * no code with the library, so a mistake in one is not repeated in the
 * other.  The library is driven exactly as lib/dest.c and lib/service.c
 * drive it, and a pick is made exactly as bpf/sched.h makes it.  Every
 * single pick of the two must name the same server.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xlvs/cycle.h>
#include "internal.h"

#define NONE (-1)               /* "no destination available" */
#define MODEL_IDS 4096          /* dest ids the tests may use */

/* ---------------------------------------------------------------- model -- */

struct mnode {
	struct mnode *next, *prev;
	uint32_t id;
	int32_t weight;
	bool linked;
	bool over;                  /* IP_VS_DEST_F_OVERLOAD */
};

struct model {
	int kind;
	struct mnode head;          /* svc->destinations */
	struct mnode *nodes;        /* indexed by dest id */
	struct mnode *rr_p;         /* ip_vs_rr: svc->sched_data */
	struct mnode *cl;           /* ip_vs_wrr_mark */
	int32_t cw, mw, di;
};

static int32_t model_gcd(int32_t a, int32_t b)
{
	return b ? model_gcd(b, a % b) : a;
}

/* ip_vs_wrr_gcd_weight: gcd of the weights > 0, 1 if there are none. */
static int32_t model_gcd_weight(const struct model *m)
{
	int32_t g = 0;

	for (const struct mnode *d = m->head.next; d != &m->head; d = d->next)
		if (d->weight > 0)
			g = g > 0 ? model_gcd(d->weight, g) : d->weight;
	return g ? g : 1;
}

static int32_t model_max_weight(const struct model *m)
{
	int32_t w = 0;

	for (const struct mnode *d = m->head.next; d != &m->head; d = d->next)
		if (d->weight > w)
			w = d->weight;
	return w;
}

/* ip_vs_rr_init_svc / ip_vs_wrr_init_svc: what binding a scheduler does. */
static void model_init_svc(struct model *m, int kind)
{
	m->kind = kind;
	m->rr_p = &m->head;
	m->cl = &m->head;
	m->di = model_gcd_weight(m);
	m->mw = model_max_weight(m) - (m->di - 1);
	m->cw = m->mw;
}

static void model_create(struct model *m, int kind)
{
	memset(m, 0, sizeof(*m));
	m->nodes = calloc(MODEL_IDS, sizeof(*m->nodes));
	assert_non_null(m->nodes);
	m->head.next = m->head.prev = &m->head;
	model_init_svc(m, kind);
}

static void model_destroy(struct model *m)
{
	free(m->nodes);
}

/* ip_vs_wrr_dest_changed: wrr's add_dest, upd_dest and del_dest. */
static void model_dest_changed(struct model *m)
{
	if (m->kind != XLVS_SCHED_WRR)
		return;         /* ip_vs_rr has no add_dest / upd_dest */
	m->cl = &m->head;
	m->di = model_gcd_weight(m);
	m->mw = model_max_weight(m) - (m->di - 1);
	if (m->cw > m->mw || !m->cw)
		m->cw = m->mw;
	else if (m->di > 1)
		m->cw = (m->cw / m->di) * m->di + 1;
}

static void model_add(struct model *m, uint32_t id, int32_t weight)
{
	struct mnode *d = &m->nodes[id];

	assert_false(d->linked);
	d->id = id;
	d->over = false;
	d->weight = weight;
	d->linked = true;
	/* list_add_rcu(&dest->n_list, &svc->destinations) */
	d->next = m->head.next;
	d->prev = &m->head;
	m->head.next->prev = d;
	m->head.next = d;
	model_dest_changed(m);
}

static void model_edit(struct model *m, uint32_t id, int32_t weight)
{
	assert_true(m->nodes[id].linked);
	m->nodes[id].weight = weight;
	model_dest_changed(m);
}

static void model_del(struct model *m, uint32_t id)
{
	struct mnode *d = &m->nodes[id];

	assert_true(d->linked);
	/* list_del_rcu keeps d->next valid; prev is poisoned. */
	d->prev->next = d->next;
	d->next->prev = d->prev;
	d->prev = NULL;
	d->linked = false;
	/* ip_vs_rr_del_dest: "use p->next to reach previous entry" */
	if (m->kind == XLVS_SCHED_RR && m->rr_p == d)
		m->rr_p = d->next->prev;
	model_dest_changed(m);
}

/* ip_vs_rr_schedule, loop for loop. */
static int64_t model_rr(struct model *m)
{
	struct mnode *p = m->rr_p, *last = p, *d = p;
	int pass = 0;

	do {
		for (d = d->next; d != &m->head; d = d->next) {
			if (!d->over && d->weight > 0) {
				m->rr_p = d;
				return d->id;
			}
			if (d == last)
				return NONE;
		}
		pass++;
	} while (pass < 2 && p != &m->head);
	return NONE;
}

/* ip_vs_wrr_schedule, loop for loop. */
static int64_t model_wrr(struct model *m)
{
	struct mnode *d = m->cl, *last, *stop = NULL;
	bool last_pass = false, restarted = false;

	if (m->mw == 0)
		return NONE;
	last = d;
	for (;;) {
		for (d = d->next; d != &m->head; d = d->next) {
			if (!d->over && d->weight >= m->cw)
				goto found;
			if (d == stop)
				goto err_over;
		}
		m->cw -= m->di;
		if (m->cw <= 0) {
			m->cw = m->mw;
			if (last_pass || last == &m->head)
				goto err_over;
			restarted = true;
		}
		last_pass = m->cw <= m->di;
		if (last_pass && restarted && last != &m->head)
			stop = last;
	}
found:
	m->cl = d;
	return d->id;
err_over:
	m->cl = d;
	return NONE;
}

static int64_t model_pick(struct model *m)
{
	return m->kind == XLVS_SCHED_WRR ? model_wrr(m) : model_rr(m);
}

/* -------------------------------------------------------------- library -- */

/* One service's schedule as lib/dest.c keeps it: dests[] and weights in list
 * order, IPVS's state carried from schedule to schedule. */
struct lib {
	int kind;
	struct xlvs_sched *s;
	int32_t w[XLVS_SVC_DESTS_MAX];
};

/* xlvs_service_add: an empty schedule from IPVS's initial state. */
static void lib_create(struct lib *l, int kind)
{
	struct sched_state init = { SCHED_HEAD, 0 };

	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->s = calloc(1, sizeof(*l->s));
	assert_non_null(l->s);
	assert_int_equal(sched_build(l->s, kind, NULL, init), 0);
}

static void lib_destroy(struct lib *l)
{
	free(l->s);
}

static int lib_index(const struct lib *l, uint32_t id)
{
	for (uint32_t i = 0; i < l->s->ndests; i++)
		if (l->s->dests[i] == id)
			return (int)i;
	fail_msg("dest id %u not in the library's list", id);
	return -1;
}

/* edit_commit: IPVS's reaction to the change, then the new schedule. */
static int lib_commit(struct lib *l, struct sched_state st)
{
	st = sched_after_change(l->kind, st, l->w, l->s->ndests);
	return sched_build(l->s, l->kind, l->w, st);
}

/* xlvs_dest_add: the newest server goes first. */
static int lib_add(struct lib *l, uint32_t id, int32_t weight)
{
	struct sched_state st = sched_state_now(l->s, l->kind, l->w);
	uint32_t n = l->s->ndests;

	memmove(&l->s->dests[1], &l->s->dests[0], n * sizeof(uint32_t));
	memmove(&l->w[1], &l->w[0], n * sizeof(int32_t));
	l->s->dests[0] = id;
	l->w[0] = weight;
	l->s->ndests = n + 1;
	return lib_commit(l, st);
}

static int lib_edit(struct lib *l, uint32_t id, int32_t weight)
{
	struct sched_state st = sched_state_now(l->s, l->kind, l->w);

	l->w[lib_index(l, id)] = weight;
	return lib_commit(l, st);
}

static int lib_del(struct lib *l, uint32_t id)
{
	struct sched_state st = sched_state_now(l->s, l->kind, l->w);
	int i = lib_index(l, id);
	uint32_t n = l->s->ndests;

	if (st.last_dest == id)
		st.last_dest = i > 0 ? l->s->dests[i - 1] : SCHED_HEAD;
	memmove(&l->s->dests[i], &l->s->dests[i + 1], (n - i - 1) * sizeof(uint32_t));
	memmove(&l->w[i], &l->w[i + 1], (n - i - 1) * sizeof(int32_t));
	l->s->ndests = n - 1;
	return lib_commit(l, st);
}

/* xlvs_service_edit with another scheduler: it starts from its own init. */
static int lib_switch(struct lib *l, int kind)
{
	struct sched_state init = { SCHED_HEAD, 0 };

	if (kind == l->kind)
		return 0;
	if (kind == XLVS_SCHED_WRR)
		init = sched_after_change(kind, init, l->w, l->s->ndests);
	l->kind = kind;
	return sched_build(l->s, kind, l->w, init);
}

/* bpf/sched.h cycle_pick, in user space, through the same reading of the
 * schedule (include/xlvs/cycle.h); over[id] is the dest_conns flag. */
static int64_t lib_pick(struct lib *l, const bool *over)
{
	struct xlvs_sched *s = l->s;
	struct xlvs_cycle_at at = { 0 };
	uint64_t n0, best = XLVS_CYCLE_NEVER;
	uint32_t pos, n = s->ndests;

	if (!s->cycle)
		return NONE;
	n0 = s->picks++;
	pos = (uint32_t)((s->start + n0) % s->cycle);
	if (xlvs_cycle_locate(s, pos, &at) || at.idx >= n)
		fail_msg("position %u of cycle %u maps to no server", pos, s->cycle);
	if (!over[s->dests[at.idx]])
		return s->dests[at.idx];
	for (uint32_t t = 0; t < n; t++) {
		uint32_t j = (at.idx + 1 + t) % n;
		uint64_t key = xlvs_cycle_next(s, &at, j);

		if (key >= best || over[s->dests[j]])
			continue;
		best = key;
		if (xlvs_cycle_same_pass(&at, key))
			break;
	}
	if (best != XLVS_CYCLE_NEVER) {
		s->picks += xlvs_cycle_ahead(s, &at, pos, best);
		return s->dests[XLVS_KEY_DEST(best)];
	}
	if (l->kind == XLVS_SCHED_WRR && xlvs_cycle_restarts(s, n0, at.m)) {
		s->start = 0;
		s->init_last = -1;
		s->init_cw = 0;
		s->picks = 0;
	} else if (s->picks == n0 + 1) {
		s->picks = n0;
	}
	return NONE;
}

/* -------------------------------------------------------------- harness -- */

/* The random run's last operations, printed when a pick disagrees so the
 * failure can be reproduced by hand. */
#define LOG_LEN 48
static char op_log[LOG_LEN][80];
static int op_count = -1;    /* -1: no random run going */

static void dump_log(void)
{
	int first = op_count >= LOG_LEN ? op_count - LOG_LEN + 1 : 0;

	for (int i = first; i <= op_count; i++)
		print_error("  op %d: %s\n", i, op_log[i % LOG_LEN]);
}


/* Both sides, kept in step; every operation is applied to each. */
struct both {
	struct model m;
	struct lib l;
	uint64_t npicks;
	bool over[MODEL_IDS];       /* overloaded real servers, by id */
};

static struct both *both_new(int kind)
{
	struct both *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	model_create(&b->m, kind);
	lib_create(&b->l, kind);
	return b;
}

static void both_free(struct both *b)
{
	model_destroy(&b->m);
	lib_destroy(&b->l);
	free(b);
}

static void both_add(struct both *b, uint32_t id, int32_t w)
{
	b->over[id] = false;        /* a new server: fresh counts */
	model_add(&b->m, id, w);
	assert_int_equal(lib_add(&b->l, id, w), 0);
}

static void both_edit(struct both *b, uint32_t id, int32_t w)
{
	model_edit(&b->m, id, w);
	assert_int_equal(lib_edit(&b->l, id, w), 0);
}

static void both_del(struct both *b, uint32_t id)
{
	model_del(&b->m, id);
	assert_int_equal(lib_del(&b->l, id), 0);
}

static void both_switch(struct both *b, int kind)
{
	if (kind != b->m.kind)
		model_init_svc(&b->m, kind);
	assert_int_equal(lib_switch(&b->l, kind), 0);
}

/* One new connection: both must choose the same server. */
static int64_t both_pick(struct both *b)
{
	int64_t want, got;

	for (uint32_t i = 0; i < b->l.s->ndests; i++)
		b->m.nodes[b->l.s->dests[i]].over = b->over[b->l.s->dests[i]];
	want = model_pick(&b->m);
	got = lib_pick(&b->l, b->over);

	if (want != got) {
		dump_log();
		fail_msg("pick #%llu: IPVS model chose %lld, library chose %lld",
			 (unsigned long long)b->npicks, (long long)want,
			 (long long)got);
	}
	b->npicks++;
	return got;
}

/* n picks; counts[id] tallies them (ids < 16), seq gets the order. */
static void both_picks(struct both *b, int n, int counts[16], int64_t *seq)
{
	for (int i = 0; i < n; i++) {
		int64_t id = both_pick(b);

		if (counts && id >= 0 && id < 16)
			counts[id]++;
		if (seq)
			seq[i] = id;
	}
}

static void assert_seq(const int64_t *got, const int64_t *want, int n)
{
	for (int i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("pick %d: expected dest %lld, got %lld", i,
				 (long long)want[i], (long long)got[i]);
}

/* ------------------------------------------------------ fixed scenarios -- */

enum { A = 1, B = 2, C = 3, D = 4 };

/*
 * The seed's case: weights 3 and 2, A added first, so the list is B, A.
 * Adding A alone made di = 3, mw = cw = 1; adding B (di = 1, mw = 3) keeps
 * cw = 1, so IPVS starts with the cw = 1 pass (B, A), then cw = 3 (A), then
 * cw = 2 (B, A).
 */
static void wrr_3_2_five(void **state)
{
	static const int64_t want[] = { B, A, A, B, A };
	struct both *b = both_new(XLVS_SCHED_WRR);
	int counts[16] = { 0 };
	int64_t seq[5];

	(void)state;
	both_add(b, A, 3);
	both_add(b, B, 2);
	both_picks(b, 5, counts, seq);
	assert_seq(seq, want, 5);
	assert_int_equal(counts[A], 3);
	assert_int_equal(counts[B], 2);
	both_free(b);
}

static void wrr_3_2_fifty(void **state)
{
	struct both *b = both_new(XLVS_SCHED_WRR);
	int counts[16] = { 0 };

	(void)state;
	both_add(b, A, 3);
	both_add(b, B, 2);
	both_picks(b, 50, counts, NULL);
	assert_int_equal(counts[A], 30);
	assert_int_equal(counts[B], 20);
	assert_int_equal(b->l.s->cycle, 5);
	both_free(b);
}

/* 4:2 has gcd 2, so mw = 3 and the passes are cw = 3 {A}, 1 {B, A}; the
 * adds left cw = 1, realigned as (1/2)*2+1 = 1, so cw = 1 comes first. */
static void wrr_gcd_4_2(void **state)
{
	static const int64_t want[] = { B, A, A, B, A, A };
	struct both *b = both_new(XLVS_SCHED_WRR);
	int counts[16] = { 0 };
	int64_t seq[6];

	(void)state;
	both_add(b, A, 4);
	both_add(b, B, 2);
	both_picks(b, 6, NULL, seq);
	assert_seq(seq, want, 6);
	both_picks(b, 60, counts, NULL);
	assert_int_equal(counts[A], 40);
	assert_int_equal(counts[B], 20);
	assert_int_equal(b->l.s->cycle, 3);
	both_free(b);
}

/* 6:3:3 (list C, B, A): mw = 4, passes cw = 4 {A} and cw = 1 {C, B, A};
 * as above the adds leave cw = 1. */
static void wrr_gcd_6_3_3(void **state)
{
	static const int64_t want[] = { C, B, A, A, C, B, A, A };
	struct both *b = both_new(XLVS_SCHED_WRR);
	int counts[16] = { 0 };
	int64_t seq[8];

	(void)state;
	both_add(b, A, 6);
	both_add(b, B, 3);
	both_add(b, C, 3);
	both_picks(b, 8, NULL, seq);
	assert_seq(seq, want, 8);
	both_picks(b, 400, counts, NULL);
	assert_int_equal(counts[A], 200);
	assert_int_equal(counts[B], 100);
	assert_int_equal(counts[C], 100);
	both_free(b);
}

/*
 * dest_changed realigns cw to the new gcd (hand-traced): 3:2 (list B, A)
 * picks B, A (cw 1), A (cw 3), B (cw 2).  A := 6 gives di = 2, mw = 5, and
 * cw = (2/2)*2+1 = 3 from the head: A (cw 3), B, A (cw 1), A (cw 5), A (cw 3),
 * B, A (cw 1).  Without the realignment B would come first (2 >= 2).
 */
static void wrr_realign_after_edit(void **state)
{
	static const int64_t want0[] = { B, A, A, B };
	static const int64_t want[] = { A, B, A, A, A, B, A };
	struct both *b = both_new(XLVS_SCHED_WRR);
	int64_t seq[7];

	(void)state;
	both_add(b, A, 3);
	both_add(b, B, 2);
	both_picks(b, 4, NULL, seq);
	assert_seq(seq, want0, 4);
	assert_int_equal(b->m.cw, 2);
	both_edit(b, A, 6);
	assert_int_equal(b->m.cw, 3);
	both_picks(b, 7, NULL, seq);
	assert_seq(seq, want, 7);
	both_free(b);
}

/* A quiesced server (weight 0) gets nothing; edits to and from 0 take effect
 * at once. */
static void wrr_weight_zero(void **state)
{
	struct both *b = both_new(XLVS_SCHED_WRR);
	int counts[16] = { 0 };

	(void)state;
	both_add(b, A, 3);
	both_add(b, B, 0);
	both_add(b, C, 2);
	both_picks(b, 50, counts, NULL);
	assert_int_equal(counts[A], 30);
	assert_int_equal(counts[B], 0);
	assert_int_equal(counts[C], 20);
	both_picks(b, 3, NULL, NULL);
	both_edit(b, B, 4);
	both_picks(b, 37, NULL, NULL);
	both_edit(b, A, 0);
	memset(counts, 0, sizeof(counts));
	both_picks(b, 60, counts, NULL);
	assert_int_equal(counts[A], 0);
	assert_int_equal(counts[B] + counts[C], 60);
	both_free(b);
}

/* All weights 0 (or no servers): no destination, and picks do not move. */
static void sched_nothing_usable(void **state)
{
	(void)state;
	for (int kind = XLVS_SCHED_RR; kind <= XLVS_SCHED_WRR; kind++) {
		struct both *b = both_new(kind);

		assert_int_equal(both_pick(b), NONE);
		both_add(b, A, 0);
		both_add(b, B, 0);
		assert_int_equal(both_pick(b), NONE);
		assert_int_equal(b->l.s->cycle, 0);
		both_edit(b, A, 2);
		assert_int_equal(both_pick(b), A);
		both_edit(b, A, 0);
		assert_int_equal(both_pick(b), NONE);
		both_edit(b, B, 1);
		both_picks(b, 5, NULL, NULL);
		both_free(b);
	}
}

/* rr: newest first, weights other than 0 ignored. */
static void rr_order_and_weights(void **state)
{
	static const int64_t want[] = { C, B, A, C, B, A, C };
	static const int64_t want2[] = { B, C, B, C };
	struct both *b = both_new(XLVS_SCHED_RR);
	int64_t seq[7];

	(void)state;
	both_add(b, A, 5);
	both_add(b, B, 1);
	both_add(b, C, 9);
	both_picks(b, 7, NULL, seq);
	assert_seq(seq, want, 7);
	both_edit(b, A, 0);       /* rr keeps its place: last was C */
	both_picks(b, 4, NULL, seq);
	assert_seq(seq, want2, 4);
	both_free(b);
}

/* ip_vs_rr_del_dest: deleting the server rr last chose moves its pointer
 * back one, so the one after it is still next. */
static void rr_delete_pointed(void **state)
{
	static const int64_t want[] = { A, C, A };
	struct both *b = both_new(XLVS_SCHED_RR);
	int64_t seq[3];

	(void)state;
	both_add(b, A, 1);
	both_add(b, B, 1);
	both_add(b, C, 1);        /* list: C, B, A */
	assert_int_equal(both_pick(b), C);
	assert_int_equal(both_pick(b), B);
	both_del(b, B);
	both_picks(b, 3, NULL, seq);
	assert_seq(seq, want, 3);
	both_del(b, A);           /* last was A: pointer back to C */
	both_add(b, D, 1);        /* list: D, C; next after C wraps to D */
	assert_int_equal(both_pick(b), D);
	assert_int_equal(both_pick(b), C);
	both_del(b, D);           /* D was never last: pointer stays at C */
	assert_int_equal(both_pick(b), C);
	both_free(b);
}

/* Changing the scheduler with -E rebinds it: it starts from its init. */
static void switch_scheduler(void **state)
{
	struct both *b = both_new(XLVS_SCHED_RR);

	(void)state;
	both_add(b, A, 3);
	both_add(b, B, 2);
	both_add(b, C, 1);
	both_picks(b, 4, NULL, NULL);
	both_switch(b, XLVS_SCHED_WRR);
	both_picks(b, 7, NULL, NULL);
	both_switch(b, XLVS_SCHED_WRR);   /* same scheduler: nothing moves */
	both_picks(b, 3, NULL, NULL);
	both_switch(b, XLVS_SCHED_RR);
	both_picks(b, 5, NULL, NULL);
	both_free(b);
}

/* Large weights: one pass per cw value, so cycles of tens of thousands. */
static void wrr_large_weights(void **state)
{
	struct both *b = both_new(XLVS_SCHED_WRR);
	int counts[16] = { 0 };

	(void)state;
	both_add(b, A, 65535);
	both_add(b, B, 1);
	both_add(b, C, 32768);
	both_picks(b, 65535 + 1 + 32768, counts, NULL);
	assert_int_equal(counts[A], 65535);
	assert_int_equal(counts[B], 1);
	assert_int_equal(counts[C], 32768);
	both_picks(b, 1000, NULL, NULL);
	both_edit(b, C, 65535);   /* gcd 1 still: cw stays */
	both_picks(b, 5000, NULL, NULL);
	both_del(b, B);           /* gcd 65535: mw = 1 */
	assert_int_equal(b->l.s->cycle, 2);
	both_picks(b, 10, NULL, NULL);
	both_free(b);
}

/*
 * As many real servers of distinct weights as a service holds
 * (XLVS_SVC_DESTS_MAX): weights 1..1024 added in a shuffled order make
 * 1024 bands and a cycle of 1024 * 1025 / 2 positions, every one of which
 * must be IPVS's; then random distinct weights up to 65535 (cycles of
 * tens of millions), a window of picks, an edit and a delete, and more.
 */
static void shuffle(uint32_t *v, uint32_t n, uint64_t *x)
{
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j, t;

		*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (uint32_t)(*x >> 33) % (i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void wrr_distinct_weights(void **state)
{
	const uint32_t n = XLVS_SVC_DESTS_MAX, cycle = n * (n + 1) / 2;
	static uint32_t w[XLVS_SVC_DESTS_MAX];
	struct both *b = both_new(XLVS_SCHED_WRR);
	uint64_t x = 42;
	int counts[16] = { 0 };

	(void)state;
	for (uint32_t i = 0; i < n; i++)
		w[i] = i + 1;
	shuffle(w, n, &x);
	for (uint32_t id = 0; id < n; id++)
		both_add(b, id, (int32_t)w[id]);
	assert_int_equal(b->l.s->nbands, n);
	assert_int_equal(b->l.s->cycle, cycle);
	both_picks(b, (int)cycle + 500, counts, NULL);
	for (uint32_t id = 0; id < 16; id++)
		assert_true(counts[id] >= (int)w[id] && counts[id] <= (int)w[id] * 2);
	both_free(b);

	/* Random distinct weights up to 65535. */
	b = both_new(XLVS_SCHED_WRR);
	for (uint32_t i = 0; i < n; i++)
		w[i] = 65535 - i * 64 - (uint32_t)(x % 64);
	shuffle(w, n, &x);
	for (uint32_t id = 0; id < n; id++)
		both_add(b, id, (int32_t)w[id]);
	assert_int_equal(b->l.s->nbands, n);
	both_picks(b, 200000, NULL, NULL);
	both_edit(b, 7, 65535);
	both_picks(b, 100000, NULL, NULL);
	both_del(b, 100);
	both_picks(b, 100000, NULL, NULL);
	both_free(b);

	/* Positions are 32 bits: weights near 2^31 (which the library takes,
	 * ipvsadm stops at 65535) make a cycle of more, refused. */
	b = both_new(XLVS_SCHED_WRR);
	both_add(b, 1, INT32_MAX);
	assert_int_equal(lib_add(&b->l, 2, INT32_MAX - 1), 0);
	assert_int_equal(lib_add(&b->l, 3, INT32_MAX - 2), -E2BIG);
	both_free(b);
}

/* Overloaded servers anywhere in the cycle (bpf/sched.h cycle_pick skips
 * them server by server, not position by position). */
static void set_over(struct both *b, uint32_t id, bool over)
{
	b->over[id] = over;
}

/* {65535 overloaded, 1}: the walk must find the weight-1 server, the one
 * position of 65536 that is usable, wherever the cycle stands. */
static void wrr_overload_heavy(void **state)
{
	struct both *b = both_new(XLVS_SCHED_WRR);

	(void)state;
	both_add(b, A, 65535);
	both_add(b, B, 1);
	both_picks(b, 3, NULL, NULL);
	set_over(b, A, true);
	assert_int_equal(both_pick(b), B);
	assert_int_equal(both_pick(b), B);
	set_over(b, A, false);
	both_picks(b, 70000, NULL, NULL);
	set_over(b, A, true);
	assert_int_equal(both_pick(b), B);
	set_over(b, B, true);
	assert_int_equal(both_pick(b), NONE);   /* err_over */
	assert_int_equal(both_pick(b), NONE);
	set_over(b, A, false);
	assert_int_equal(both_pick(b), A);
	set_over(b, B, false);
	both_picks(b, 1000, NULL, NULL);
	/* rr as well: one pass, the usable one is after the overloaded. */
	both_switch(b, XLVS_SCHED_RR);
	set_over(b, B, true);
	assert_int_equal(both_pick(b), A);
	assert_int_equal(both_pick(b), A);
	set_over(b, A, true);
	assert_int_equal(both_pick(b), NONE);
	set_over(b, B, false);
	assert_int_equal(both_pick(b), B);
	both_free(b);
}

/* Every server overloaded in turn, then all but one, at each place of a
 * cycle with several bands and gcd 2: each pick must be IPVS's, and the
 * err_over state (head at the highest weight, or unchanged after a server
 * in the last pass) must give the same next picks. */
static void wrr_overload_everywhere(void **state)
{
	static const int32_t w[] = { 8, 2, 6, 4, 2, 10 };
	const uint32_t n = sizeof(w) / sizeof(w[0]);
	struct both *b = both_new(XLVS_SCHED_WRR);

	(void)state;
	for (uint32_t id = 0; id < n; id++)
		both_add(b, id, w[id]);
	for (uint32_t start = 0; start < 2 * b->l.s->cycle; start++) {
		for (uint32_t k = 0; k < n; k++) {
			set_over(b, k, true);
			both_picks(b, 2, NULL, NULL);
			set_over(b, k, false);
			both_pick(b);
		}
		for (uint32_t k = 0; k < n; k++)
			set_over(b, k, k != start % n);
		both_picks(b, 2, NULL, NULL);
		for (uint32_t k = 0; k < n; k++)
			set_over(b, k, true);
		both_picks(b, 2, NULL, NULL);
		for (uint32_t k = 0; k < n; k++)
			set_over(b, k, false);
		both_picks(b, (int)(start % 3), NULL, NULL);
	}
	both_free(b);
}

/* -------------------------------------------------------- random mixing -- */

/* A random run's shape: big lists with the odd huge weight, or tiny lists
 * with tiny weights, where "all weights 0", deleting the server rr points
 * at, and gcd changes happen all the time. */
struct rnd {
	uint64_t x;
	uint32_t max_dests;
	int32_t max_weight;     /* usual weights are 0..max_weight */
	bool large;             /* now and then 100..2099 or about 65535 */
};

static uint32_t rnd_below(struct rnd *r, uint32_t n)
{
	/* xorshift64*: the same sequence on every libc. */
	r->x ^= r->x >> 12;
	r->x ^= r->x << 25;
	r->x ^= r->x >> 27;
	return (uint32_t)((r->x * 2685821657736338717ULL) >> 32) % n;
}

/* Mostly 0..10; now and then one large enough for thousands of passes. */
static int32_t rnd_weight(struct rnd *r)
{
	uint32_t p = rnd_below(r, 1000);

	if (r->large && p < 3)
		return 65535 - (int32_t)rnd_below(r, 3);
	if (r->large && p < 10)
		return 100 + (int32_t)rnd_below(r, 2000);
	return (int32_t)rnd_below(r, (uint32_t)r->max_weight + 1);
}

/* The n-th linked server in model list order. */
static uint32_t rnd_member(struct both *b, struct rnd *r)
{
	uint32_t k = rnd_below(r, b->l.s->ndests);
	const struct mnode *d = b->m.head.next;

	while (k--)
		d = d->next;
	return d->id;
}

/* The lowest free id, as dest_id_alloc hands them out (ids are reused). */
static uint32_t free_id(const struct both *b)
{
	uint32_t id = 0;

	while (b->m.nodes[id].linked)
		id++;
	return id;
}

/* Large weights make each rebuild walk thousands of passes; once in a
 * while they are dropped again so the run stays fast. */
/* What a random run did, printed so a weak run is noticed. */
struct rnd_stats {
	uint32_t ops[6];        /* picks, adds, edits, deletes, switches,
				 * overload flips */
	uint32_t max_dests, large;
};

static void rnd_one_op(struct both *b, struct rnd *r, char *what, size_t len,
		       struct rnd_stats *st)
{
	uint32_t n = b->l.s->ndests, op = rnd_below(r, 100), id;
	int32_t w;

	if (op < 8 && n) {
		/* a server overloaded or freed; now and then all of them */
		bool all = rnd_below(r, 8) == 0, over = rnd_below(r, 2);

		id = rnd_member(b, r);
		snprintf(what, len, "%s %s%u", over ? "overload" : "free",
			 all ? "all but " : "", id);
		for (uint32_t i = 0; all && i < n; i++)
			b->over[b->l.s->dests[i]] = over;
		b->over[id] = all ? !over : over;
		st->ops[5]++;
	} else if (op < 60) {
		uint32_t k = 1 + rnd_below(r, 30);

		snprintf(what, len, "%u picks", k);
		both_picks(b, (int)k, NULL, NULL);
		st->ops[0]++;
	} else if ((op < 75 || n == 0) && n < r->max_dests) {
		id = free_id(b);
		w = rnd_weight(r);
		snprintf(what, len, "add id %u weight %d", id, w);
		both_add(b, id, w);
		st->ops[1]++;
		st->large += w > 10;
	} else if (op < 88 && n) {
		id = rnd_member(b, r);
		w = rnd_weight(r);
		snprintf(what, len, "edit id %u weight %d", id, w);
		both_edit(b, id, w);
		st->ops[2]++;
		st->large += w > 10;
	} else if (op < 98 && n) {
		id = rnd_member(b, r);
		snprintf(what, len, "delete id %u", id);
		both_del(b, id);
		st->ops[3]++;
	} else {
		int kind = (int)rnd_below(r, 2);

		snprintf(what, len, "scheduler %s", kind ? "wrr" : "rr");
		both_switch(b, kind);
		st->ops[4]++;
	}
	if (b->l.s->ndests > st->max_dests)
		st->max_dests = b->l.s->ndests;
}

static void random_run(struct rnd r, int kind, int nops)
{
	uint64_t seed = r.x;
	struct both *b = both_new(kind);
	struct rnd_stats st = { 0 };

	print_message("seed %#llx, %s\n", (unsigned long long)seed,
		      kind ? "wrr" : "rr");
	for (op_count = 0; op_count < nops; op_count++) {
		snprintf(op_log[op_count % LOG_LEN], sizeof(op_log[0]), "?");
		rnd_one_op(b, &r, op_log[op_count % LOG_LEN], sizeof(op_log[0]), &st);
	}
	print_message("  %d ops (%u pick bursts, %u adds, %u edits, %u deletes, "
		      "%u scheduler changes, %u overload flips; up to %u servers, "
		      "%u weights > 10): %llu picks agreed\n", nops, st.ops[0],
		      st.ops[1], st.ops[2], st.ops[3], st.ops[4], st.ops[5],
		      st.max_dests, st.large,
		      (unsigned long long)b->npicks);
	assert_true(st.max_dests == r.max_dests && st.ops[4] > 0);
	op_count = -1;
	both_free(b);
}

/* Lists of up to 20 servers, weights 0..10 and a few up to 65535. */
static void random_wrr(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct rnd r = { seed * 0x9e3779b97f4a7c15ULL, 20, 10, true };

		random_run(r, XLVS_SCHED_WRR, 20000);
	}
}

static void random_rr(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 2; seed++) {
		struct rnd r = { seed * 0xc2b2ae3d27d4eb4fULL, 20, 10, true };

		random_run(r, XLVS_SCHED_RR, 20000);
	}
}

/* Up to 4 servers with weights 0..3 (and 0..12 for gcds up to 12). */
static void random_small(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct rnd r = { seed * 0xd6e8feb86659fd93ULL, 4, 3, false };

		random_run(r, (int)(seed & 1), 20000);
		r.max_weight = 12;
		random_run(r, (int)(seed & 1), 20000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrr_3_2_five),
		cmocka_unit_test(wrr_3_2_fifty),
		cmocka_unit_test(wrr_gcd_4_2),
		cmocka_unit_test(wrr_gcd_6_3_3),
		cmocka_unit_test(wrr_realign_after_edit),
		cmocka_unit_test(wrr_weight_zero),
		cmocka_unit_test(sched_nothing_usable),
		cmocka_unit_test(rr_order_and_weights),
		cmocka_unit_test(rr_delete_pointed),
		cmocka_unit_test(switch_scheduler),
		cmocka_unit_test(wrr_large_weights),
		cmocka_unit_test(wrr_distinct_weights),
		cmocka_unit_test(wrr_overload_heavy),
		cmocka_unit_test(wrr_overload_everywhere),
		cmocka_unit_test(random_wrr),
		cmocka_unit_test(random_rr),
		cmocka_unit_test(random_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
