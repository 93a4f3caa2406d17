// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's rr and wrr, precomputed.  IPVS picks under a lock by walking the
 * destination list; the XDP program cannot, so user space turns the walk
 * into a cycle of positions (struct xlvs_sched) and keeps IPVS's state
 * (last destination, current weight) across every table change, so the
 * sequence of choices is the one IPVS would make (ip_vs_rr.c, ip_vs_wrr.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xlvs/cycle.h>
#include "internal.h"

int sched_kind_of(const char *name)
{
	static const char *const names[XLVS_SCHED_KIND_MAX] = {
		[XLVS_SCHED_RR] = "rr", [XLVS_SCHED_WRR] = "wrr",
		[XLVS_SCHED_LC] = "lc", [XLVS_SCHED_WLC] = "wlc",
		[XLVS_SCHED_SED] = "sed", [XLVS_SCHED_NQ] = "nq",
		[XLVS_SCHED_FO] = "fo", [XLVS_SCHED_OVF] = "ovf",
		[XLVS_SCHED_SH] = "sh", [XLVS_SCHED_DH] = "dh",
		[XLVS_SCHED_MH] = "mh", [XLVS_SCHED_LBLC] = "lblc",
		[XLVS_SCHED_LBLCR] = "lblcr", [XLVS_SCHED_TWOS] = "twos",
	};

	for (int k = 0; k < XLVS_SCHED_KIND_MAX; k++)
		if (!strcmp(name, names[k]))
			return k;
	return -ENOENT;
}

static int32_t gcd32(int32_t a, int32_t b)
{
	while (b) {
		int32_t r = a % b;

		a = b;
		b = r;
	}
	return a;
}

int32_t sched_wrr_gcd(const int32_t *w, uint32_t n)
{
	int32_t g = 0;

	for (uint32_t i = 0; i < n; i++)
		if (w[i] > 0)
			g = g ? gcd32(w[i], g) : w[i];
	return g ? g : 1;
}

int32_t sched_wrr_max(const int32_t *w, uint32_t n)
{
	int32_t m = 0;

	for (uint32_t i = 0; i < n; i++)
		if (w[i] > m)
			m = w[i];
	return m;
}

/* The passes over the list: wrr passes at cw = mw, mw-di, ... > 0 take the
 * servers with weight >= cw; rr makes one pass taking weight > 0. */
struct passes {
	int32_t mw, di;
	uint32_t count;
};

static struct passes passes_of(int kind, const int32_t *w, uint32_t n)
{
	struct passes p = { .mw = 1, .di = 1, .count = 1 };

	if (kind == XLVS_SCHED_WRR) {
		p.di = sched_wrr_gcd(w, n);
		p.mw = sched_wrr_max(w, n) - (p.di - 1);
		p.count = p.mw > 0 ? (uint32_t)((p.mw - 1) / p.di + 1) : 0;
	}
	return p;
}

static int32_t pass_cw(const struct passes *p, uint32_t k)
{
	return p->mw - (int32_t)k * p->di;
}

/* The first pass that takes weight w: cw_k = mw - k*di <= w. */
static uint32_t first_pass(const struct passes *p, int32_t w)
{
	int64_t over = (int64_t)p->mw - w;

	return over <= 0 ? 0 : (uint32_t)((over + p->di - 1) / p->di);
}

static int32_t index_of(const struct xlvs_sched *s, uint32_t dest_id)
{
	for (uint32_t i = 0; i < s->ndests; i++)
		if (s->dests[i] == dest_id)
			return i;
	return -1;
}

/* The weight order: servers with a weight, heaviest first, ties in list
 * order; the servers a pass takes are a prefix of it. */
static int order_cmp(const void *a, const void *b, void *weights)
{
	uint16_t i = *(const uint16_t *)a, j = *(const uint16_t *)b;
	const int32_t *order_w = weights;

	if (order_w[i] != order_w[j])
		return order_w[i] > order_w[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* The wavelet matrix of the weight order (struct xlvs_sched): level by
 * level, how many of the first i entries have a 0 at that bit, then the
 * entries stably split, zeros first. */
static void rank_fill(struct xlvs_sched *s, const uint16_t *order, uint32_t m)
{
	uint16_t a[XLVS_SVC_DESTS_MAX], b[XLVS_SVC_DESTS_MAX];
	uint16_t *cur = a, *nxt = b, *t;

	memcpy(a, order, m * sizeof(*a));
	for (uint32_t l = 0; l < XLVS_RANK_LEVELS; l++) {
		uint32_t bit = XLVS_RANK_LEVELS - 1 - l, z = 0, o;

		s->list[XLVS_RANK_AT(l, 0)] = 0;
		for (uint32_t i = 0; i < m; i++) {
			z += !((cur[i] >> bit) & 1);
			s->list[XLVS_RANK_AT(l, i + 1)] = (uint16_t)z;
		}
		o = z;
		z = 0;
		for (uint32_t i = 0; i < m; i++) {
			if ((cur[i] >> bit) & 1)
				nxt[o++] = cur[i];
			else
				nxt[z++] = cur[i];
		}
		t = cur;
		cur = nxt;
		nxt = t;
	}
}

/* The bands: the weight order's servers enter the passes group by group
 * (equal weights together); a band runs from one group's first pass to the
 * next group's.  Positions are counted in 64 bits: a cycle longer than
 * 2^32 positions is refused. */
static int bands_fill(struct xlvs_sched *s, const int32_t *w,
		      const struct passes *p, const uint16_t *order, uint32_t m)
{
	uint64_t pos = 0;
	uint32_t i = 0;

	while (i < m) {
		uint32_t k = first_pass(p, w[order[i]]), k_next, g = i;
		struct xlvs_band *b;

		/* Every server entering at pass k joins this band. */
		while (g < m && first_pass(p, w[order[g]]) == k)
			s->list[XLVS_BAND_OF + order[g++]] = (uint16_t)s->nbands;
		k_next = g < m ? first_pass(p, w[order[g]]) : p->count;
		if (k >= p->count || s->nbands >= XLVS_BANDS_MAX)
			return -E2BIG;
		b = &s->bands[s->nbands++];
		b->first_pos = (uint32_t)pos;
		b->width = (uint16_t)g;
		b->pad = 0;
		pos += (uint64_t)(k_next - k) * g;
		if (pos > UINT32_MAX)
			return -E2BIG;
		i = g;
	}
	s->cycle = (uint32_t)pos;
	return 0;
}

/* The first pass of band b (the passes before it, counted). */
static uint32_t band_pass(const struct xlvs_sched *s, uint32_t b)
{
	uint32_t k = 0;

	for (uint32_t j = 0; j < b; j++) {
		uint32_t next = j + 1 < s->nbands ? s->bands[j + 1].first_pos : s->cycle;

		k += (next - s->bands[j].first_pos) / s->bands[j].width;
	}
	return k;
}

/* The band holding pass k. */
static uint32_t band_of_pass(const struct xlvs_sched *s, uint32_t k,
			     uint32_t *band_first)
{
	uint32_t b = 0, first = 0;

	for (uint32_t j = 0; j < s->nbands; j++) {
		uint32_t next = j + 1 < s->nbands ? s->bands[j + 1].first_pos : s->cycle;
		uint32_t passes = (next - s->bands[j].first_pos) / s->bands[j].width;

		b = j;
		if (k < first + passes)
			break;
		first += passes;
	}
	*band_first = first;
	return b;
}

/* The position IPVS would pick next from state st: in pass k (the one at
 * st.cw), the first eligible server after the last one picked.  If none is
 * left, rank equals the pass's size, which is where the next pass starts. */
static uint32_t position_of(const struct xlvs_sched *s, const int32_t *w,
			    const struct passes *p, struct sched_state st)
{
	int32_t last = st.last_dest == SCHED_HEAD ? -1 : index_of(s, st.last_dest);
	uint32_t k = 0, b, first;
	uint64_t pos;
	int32_t cw;

	if (!s->cycle)
		return 0;
	if (p->count > 1 && st.cw > 0 && st.cw <= p->mw)
		k = (uint32_t)(p->mw - st.cw) / p->di;
	b = band_of_pass(s, k, &first);
	pos = s->bands[b].first_pos + (uint64_t)(k - first) * s->bands[b].width;
	cw = pass_cw(p, k);
	for (int32_t i = 0; i <= last; i++)
		pos += w[i] > 0 && w[i] >= cw;
	return (uint32_t)(pos % s->cycle);
}

/*
 * ip_vs_sh_reassign / ip_vs_dh_reassign: walking the list in IPVS order, sh
 * gives each server as many consecutive buckets as its weight (at least
 * one), dh one bucket each, round and round until all 256 are filled.
 * nbands says how many buckets are filled: none when there is no server.
 */
static void hash_fill(struct xlvs_sched *s, int kind, const int32_t *w)
{
	uint32_t d = 0;
	int32_t used = 0;

	s->cycle = s->start = 0;
	s->init_last = -1;
	s->init_cw = 0;
	s->nbands = s->ndests ? XLVS_HASH_SIZE : 0;
	for (uint32_t i = 0; s->ndests && i < XLVS_HASH_SIZE; i++) {
		s->list[i] = d;
		if (kind == XLVS_SCHED_DH || ++used >= w[d]) {
			d = (d + 1) % s->ndests;
			used = 0;
		}
	}
}

int sched_build(struct xlvs_sched *s, int kind, const int32_t *w,
		struct sched_state st)
{
	struct passes p = passes_of(kind, w, s->ndests);
	uint16_t order[XLVS_SVC_DESTS_MAX];
	uint32_t m = 0;
	int rc;

	if (s->ndests > XLVS_SVC_DESTS_MAX)
		return -E2BIG;
	s->picks = 0;
	s->nbands = 0;
	for (uint32_t i = 0; i < s->ndests; i++)
		s->weights[i] = w[i];
	if (kind == XLVS_SCHED_SH || kind == XLVS_SCHED_DH) {
		hash_fill(s, kind, w);
		return 0;
	}
	s->cycle = s->start = 0;
	s->init_last = -1;
	s->init_cw = 0;
	if (kind != XLVS_SCHED_RR && kind != XLVS_SCHED_WRR)
		/* The scanning schedulers keep no position: nothing to build;
		 * mh's table needs the servers' addresses (sched_maglev_fill). */
		return 0;
	memset(s->list, 0, sizeof(s->list));
	for (uint32_t i = 0; i < s->ndests; i++) {
		s->list[XLVS_BAND_OF + i] = XLVS_BAND_NONE;
		if (w[i] > 0)
			order[m++] = (uint16_t)i;
	}
	qsort_r(order, m, sizeof(order[0]), order_cmp, (void *)w);
	rc = bands_fill(s, w, &p, order, m);
	if (rc) {
		s->nbands = 0;
		s->cycle = 0;
		return rc;
	}
	rank_fill(s, order, m);
	sched_resume(s, kind, w, st);
	return 0;
}

void sched_resume(struct xlvs_sched *s, int kind, const int32_t *w,
		  struct sched_state st)
{
	struct passes p = passes_of(kind, w, s->ndests);

	s->init_last = st.last_dest == SCHED_HEAD ? -1 : index_of(s, st.last_dest);
	s->init_cw = st.cw;
	s->start = position_of(s, w, &p, st);
}

int sched_pos_index(const struct xlvs_sched *s, uint32_t pos)
{
	struct xlvs_cycle_at at = { 0 };

	if (xlvs_cycle_locate(s, pos, &at))
		return -1;
	return (int)at.idx;
}

/* The pass that position pos falls in, for the wrr current weight. */
static int32_t cw_at(const struct xlvs_sched *s, int kind, const int32_t *w,
		     uint32_t pos)
{
	struct passes p = passes_of(kind, w, s->ndests);
	struct xlvs_cycle_at at = { 0 };

	if (kind != XLVS_SCHED_WRR || xlvs_cycle_locate(s, pos, &at))
		return 0;
	return pass_cw(&p, band_pass(s, at.band) + at.pass);
}

struct sched_state sched_state_now(const struct xlvs_sched *s, int kind,
				   const int32_t *w)
{
	struct sched_state st = { SCHED_HEAD, s->init_cw };
	uint32_t pos;
	int idx;

	if (!s->picks || !s->cycle) {
		if (s->init_last >= 0 && (uint32_t)s->init_last < s->ndests)
			st.last_dest = s->dests[s->init_last];
		/* The data plane's restart after finding every server
		 * overloaded (bpf/sched.h cycle_restart): IPVS's highest. */
		if (kind == XLVS_SCHED_WRR && !st.cw)
			st.cw = passes_of(kind, w, s->ndests).mw;
		return st;
	}
	pos = (uint32_t)((s->start + s->picks - 1) % s->cycle);
	idx = sched_pos_index(s, pos);
	if (idx >= 0)
		st.last_dest = s->dests[idx];
	st.cw = cw_at(s, kind, w, pos);
	return st;
}

/* ip_vs_wrr_dest_changed(); rr keeps its place (ip_vs_rr has no upd_dest). */
struct sched_state sched_after_change(int kind, struct sched_state st,
				      const int32_t *w, uint32_t n)
{
	int32_t di, mw;

	if (kind != XLVS_SCHED_WRR)
		return st;
	di = sched_wrr_gcd(w, n);
	mw = sched_wrr_max(w, n) - (di - 1);
	st.last_dest = SCHED_HEAD;
	if (st.cw > mw || !st.cw)
		st.cw = mw;
	else if (di > 1)
		st.cw = (st.cw / di) * di + 1;
	return st;
}
