/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading an rr/wrr schedule (struct xlvs_sched in table.h): which server a
 * position of the cycle names, and where a server comes next.  The XDP
 * program and libxlvs both read schedules through these, so user space
 * turns positions back into IPVS's state exactly as the data plane made
 * them.  Every index into the schedule is masked so the verifier can see it
 * stays inside the map value; every loop has a constant bound.
 */
#ifndef XLVS_CYCLE_H
#define XLVS_CYCLE_H

#include <xlvs/table.h>

#define XLVS_CYCLE_INLINE static inline __attribute__((always_inline))
#define XLVS_LIST_MASK  (XLVS_LIST_MAX - 1)
#define XLVS_BANDS_MASK (XLVS_BANDS_MAX - 1)
#define XLVS_DESTS_MASK (XLVS_SVC_DESTS_MAX - 1)

XLVS_CYCLE_INLINE __u32 xlvs_rank0(const struct xlvs_sched *sc, __u32 level,
				    __u32 i)
{
	return sc->list[XLVS_RANK_AT(level, i) & XLVS_LIST_MASK];
}

/*
 * The wavelet matrix's two questions about the first `width` entries of
 * the weight order (m entries in all, the servers with a weight): the k-th
 * smallest list index among them, and how many have a list index below j.
 * Level l splits by bit 9 - l of the index, zeros first, keeping order.
 */
XLVS_CYCLE_INLINE __u32 xlvs_cycle_select(const struct xlvs_sched *sc, __u32 m,
					   __u32 width, __u32 k)
{
	__u32 lo = 0, hi = width, v = 0;

	for (__u32 l = 0; l < XLVS_RANK_LEVELS; l++) {
		__u32 zl = xlvs_rank0(sc, l, lo), zh = xlvs_rank0(sc, l, hi);
		__u32 z = xlvs_rank0(sc, l, m);

		if (k < zh - zl) {
			lo = zl;
			hi = zh;
		} else {
			k -= zh - zl;
			lo = z + lo - zl;
			hi = z + hi - zh;
			v |= 1u << (XLVS_RANK_LEVELS - 1 - l);
		}
	}
	return v;
}

XLVS_CYCLE_INLINE __u32 xlvs_cycle_rank(const struct xlvs_sched *sc, __u32 m,
					 __u32 width, __u32 j)
{
	__u32 lo = 0, hi = width, c = 0;

	for (__u32 l = 0; l < XLVS_RANK_LEVELS; l++) {
		__u32 zl = xlvs_rank0(sc, l, lo), zh = xlvs_rank0(sc, l, hi);
		__u32 z = xlvs_rank0(sc, l, m);

		if ((j >> (XLVS_RANK_LEVELS - 1 - l)) & 1) {
			c += zh - zl;
			lo = z + lo - zl;
			hi = z + hi - zh;
		} else {
			lo = zl;
			hi = zh;
		}
	}
	return c;
}

/* Where a position stands: its band, its pass within the band (of
 * `passes`), the list index it names, and the schedule's band count and
 * number of servers with a weight. */
struct xlvs_cycle_at {
	__u32 band, pass, passes, idx;
	__u32 nbands, m;
};

/*
 * Locate position pos (< cycle).  The band search's bound hi is not
 * clamped to a constant: one the verifier cannot know keeps it from
 * following each of the search's 2^10 paths separately.  0, or -1 if the
 * schedule is not an rr/wrr one.
 */
XLVS_CYCLE_INLINE int xlvs_cycle_locate(const struct xlvs_sched *sc, __u32 pos,
					struct xlvs_cycle_at *at)
{
	__u32 lo = 0, hi = sc->nbands, next, width, first;
	const struct xlvs_band *b;

	if (hi == 0 || hi > XLVS_BANDS_MAX || pos >= sc->cycle)
		return -1;
	at->nbands = hi;
	at->m = sc->bands[(hi - 1) & XLVS_BANDS_MASK].width;
	for (int i = 0; i < 11; i++) {        /* 2^10 = XLVS_BANDS_MAX */
		__u32 mid;

		if (hi - lo <= 1)
			break;
		mid = (lo + hi) / 2;
		if (sc->bands[mid & XLVS_BANDS_MASK].first_pos <= pos)
			lo = mid;
		else
			hi = mid;
	}
	b = &sc->bands[lo & XLVS_BANDS_MASK];
	width = b->width;
	first = b->first_pos;
	if (!width || pos < first)
		return -1;
	next = lo + 1 < at->nbands ?
	       sc->bands[(lo + 1) & XLVS_BANDS_MASK].first_pos : sc->cycle;
	at->band = lo;
	at->pass = (pos - first) / width;
	at->passes = (next - first) / width;
	/* A pass that takes every server of the list (rr, and wrr's last
	 * band, when no server has weight 0) takes them in list order: the
	 * k-th smallest index is k, and the select's ten levels of cold
	 * reads, the most of an rr pick's time, are not needed. */
	if (width == at->m && at->m == sc->ndests)
		at->idx = (pos - first) % width;
	else
		at->idx = xlvs_cycle_select(sc, at->m, width, (pos - first) % width);
	return 0;
}

/*
 * When server j (a list index) next comes after position `at`, as a key
 * that orders by position: (next cycle, band, pass, j).  The passes are
 * nested, so after its own band j is in every later one: later in this
 * pass if it comes after at's server in the list, else in the next pass,
 * else at the start of the next band, else (the cycle's last pass) where
 * it first comes in the next cycle.  XLVS_CYCLE_NEVER for weight 0.
 */
#define XLVS_CYCLE_NEVER (~0ULL)
#define XLVS_KEY_BAND(key) ((__u32)((key) >> 43) & XLVS_BANDS_MASK)
#define XLVS_KEY_PASS(key) ((__u32)((key) >> 11))
#define XLVS_KEY_DEST(key) ((__u32)(key) & XLVS_DESTS_MASK)
#define XLVS_KEY_WRAP(key) ((key) >> 53)

XLVS_CYCLE_INLINE __u64 xlvs_cycle_next(const struct xlvs_sched *sc,
					const struct xlvs_cycle_at *at, __u32 j)
{
	__u32 e = sc->list[(XLVS_BAND_OF + j) & XLVS_LIST_MASK];
	__u64 wrap = 0, band = e, pass = 0;

	if (e == XLVS_BAND_NONE)
		return XLVS_CYCLE_NEVER;
	if (e <= at->band) {
		band = at->band;
		if (j > at->idx)
			pass = at->pass;
		else if (at->pass + 1 < at->passes)
			pass = at->pass + 1;
		else if (at->band + 1 < at->nbands)
			band = at->band + 1;
		else {
			wrap = 1;
			band = e;
		}
	}
	return wrap << 53 | band << 43 | pass << 11 | (j & XLVS_DESTS_MASK);
}

/* Is key in at's own pass?  Then no server can come sooner than it, but
 * those between at and it in the list. */
XLVS_CYCLE_INLINE int xlvs_cycle_same_pass(const struct xlvs_cycle_at *at,
					   __u64 key)
{
	return !XLVS_KEY_WRAP(key) && XLVS_KEY_BAND(key) == at->band &&
	       XLVS_KEY_PASS(key) == at->pass;
}

/* How many positions after at's position pos the one key names is
 * (1 to cycle). */
XLVS_CYCLE_INLINE __u32 xlvs_cycle_ahead(const struct xlvs_sched *sc,
					 const struct xlvs_cycle_at *at,
					 __u32 pos, __u64 key)
{
	const struct xlvs_band *b = &sc->bands[XLVS_KEY_BAND(key)];
	__u32 width = b->width;
	__u32 p = b->first_pos + XLVS_KEY_PASS(key) * width +
		  xlvs_cycle_rank(sc, at->m, width, XLVS_KEY_DEST(key));

	return (XLVS_KEY_WRAP(key) ? sc->cycle : 0) + p - pos;
}

/*
 * IPVS's wrr, finding every server overloaded (ip_vs_wrr_schedule's
 * err_over), ends its walk at the list head with the highest current
 * weight, unless it started after a server in the last pass (cw 1): then
 * it stops at that server again and its state is unchanged.  n0 is how
 * many picks the schedule had made before the walk; the last pass is the
 * cycle's last m positions.  Returns 1 for the head.
 */
XLVS_CYCLE_INLINE int xlvs_cycle_restarts(const struct xlvs_sched *sc, __u64 n0,
					  __u32 m)
{
	__u32 cycle = sc->cycle;

	if (!cycle)
		return 0;
	if (n0)
		return (sc->start + n0 - 1) % cycle < cycle - m;
	return !(sc->init_last >= 0 && sc->init_cw == 1);
}

#endif
