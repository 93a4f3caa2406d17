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

static uint32_t eligible_count(const int32_t *w, uint32_t n, int32_t cw)
{
	uint32_t c = 0;

	for (uint32_t i = 0; i < n; i++)
		c += w[i] > 0 && w[i] >= cw;
	return c;
}

static int add_band(struct xlvs_sched *s, const int32_t *w, int32_t cw,
		    uint32_t pos, uint32_t *list_used)
{
	struct xlvs_band *b;

	if (s->nbands >= XLVS_BANDS_MAX)
		return -E2BIG;
	b = &s->bands[s->nbands++];
	b->first_pos = pos;
	b->list_off = *list_used;
	b->width = 0;
	for (uint32_t i = 0; i < s->ndests; i++) {
		if (w[i] <= 0 || w[i] < cw)
			continue;
		if (*list_used >= XLVS_LIST_MAX)
			return -E2BIG;
		s->list[(*list_used)++] = i;
		b->width++;
	}
	return 0;
}

static int32_t index_of(const struct xlvs_sched *s, uint32_t dest_id)
{
	for (uint32_t i = 0; i < s->ndests; i++)
		if (s->dests[i] == dest_id)
			return i;
	return -1;
}

/* The position IPVS would pick next from state st: in pass k (the one at
 * st.cw), the first eligible server after the last one picked.  If none is
 * left, rank equals the pass's size, which is where the next pass starts. */
static uint32_t position_of(const struct xlvs_sched *s, const int32_t *w,
			    const struct passes *p, struct sched_state st)
{
	int32_t last = st.last_dest == SCHED_HEAD ? -1 : index_of(s, st.last_dest);
	uint32_t k = 0, pos = 0;

	if (!s->cycle)
		return 0;
	if (p->count > 1 && st.cw > 0 && st.cw <= p->mw)
		k = (uint32_t)(p->mw - st.cw) / p->di;
	for (uint32_t j = 0; j < k; j++)
		pos += eligible_count(w, s->ndests, pass_cw(p, j));
	for (int32_t i = 0; i <= last; i++)
		pos += w[i] > 0 && w[i] >= pass_cw(p, k);
	return pos % s->cycle;
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
	uint32_t pos = 0, list_used = 0, prev = UINT32_MAX;
	int rc;

	s->picks = 0;
	s->nbands = 0;
	for (uint32_t i = 0; i < s->ndests; i++)
		s->weights[i] = w[i];
	if (kind == XLVS_SCHED_SH || kind == XLVS_SCHED_DH) {
		hash_fill(s, kind, w);
		return 0;
	}
	if (kind != XLVS_SCHED_RR && kind != XLVS_SCHED_WRR) {
		/* The scanning schedulers keep no position: nothing to build;
		 * mh's table needs the servers' addresses (sched_maglev_fill). */
		s->cycle = s->start = 0;
		s->init_last = -1;
		s->init_cw = 0;
		return 0;
	}
	for (uint32_t k = 0; k < p.count; k++) {
		uint32_t c = eligible_count(w, s->ndests, pass_cw(&p, k));

		if (c && c != prev) {
			rc = add_band(s, w, pass_cw(&p, k), pos, &list_used);
			if (rc)
				return rc;
		}
		pos += c;
		prev = c;
	}
	s->cycle = pos;
	s->init_last = st.last_dest == SCHED_HEAD ? -1 : index_of(s, st.last_dest);
	s->init_cw = st.cw;
	s->start = position_of(s, w, &p, st);
	return 0;
}

int sched_pos_index(const struct xlvs_sched *s, uint32_t pos)
{
	uint32_t lo = 0, hi = s->nbands;
	const struct xlvs_band *b;

	if (!s->cycle || !hi || pos >= s->cycle)
		return -1;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (s->bands[mid].first_pos <= pos)
			lo = mid;
		else
			hi = mid;
	}
	b = &s->bands[lo];
	if (!b->width || pos < b->first_pos)
		return -1;
	return s->list[b->list_off + (pos - b->first_pos) % b->width];
}

/* The pass that position pos falls in, for the wrr current weight. */
static int32_t cw_at(int kind, const int32_t *w, uint32_t n, uint32_t pos)
{
	struct passes p = passes_of(kind, w, n);
	uint32_t start = 0;

	for (uint32_t k = 0; k < p.count; k++) {
		start += eligible_count(w, n, pass_cw(&p, k));
		if (pos < start)
			return kind == XLVS_SCHED_WRR ? pass_cw(&p, k) : 0;
	}
	return 0;
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
	st.cw = cw_at(kind, w, s->ndests, pos);
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
