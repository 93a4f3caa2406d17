/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The schedulers that look at every real server for each new connection,
 * with IPVS's rules (ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c,
 * ip_vs_fo.c, ip_vs_ovf.c): one pass over the list in IPVS order, the
 * earlier server winning a tie.  Weight 0 and overloaded servers never take
 * a new connection.
 *
 * Cost: a bpf_loop step is a call, and with return-stack mitigations a call
 * and its return cost as much as looking at a few servers.  So a step looks
 * at SCAN_BATCH servers in a loop the compiler unrolls, each scheduler has
 * a step of its own (the kind is a constant in it, so no server pays for
 * the others' branches), and the best so far stays in registers for the
 * whole step.
 */
#ifndef XLVS_BPF_SCHED_SCAN_H
#define XLVS_BPF_SCHED_SCAN_H

#define SCAN_BATCH 4        /* servers per bpf_loop step: the verifier
			     * checks each step's servers unrolled, for
			     * six kinds and lblc's three scans, so 8
			     * took 300k of its instructions and 4 s of
			     * every load more than 4 (16 went past its
			     * million on 6.18.44-fc-v1252) */
#define SCAN_GROUP 4        /* dest_conns lookups made before comparing
			     * (8 would not fit the stack beside the rest) */

/*
 * The best so far starts as a sentinel that the first usable server beats,
 * so no server tests "is there a best yet": for lc an "infinite" overhead;
 * for the others weight 0, which the cross-multiplication of wlc, sed and
 * nq (best_oh * w > oh * best_w, here 1 * w > 0) and the w > best_w of fo
 * and ovf both let any weight > 0 pass.  IPVS takes its first usable server
 * the same way, whatever its overhead.
 */
struct scan {
	struct xlvs_sched *sc;
	__u32 n;             /* servers in the list */
	__s32 best;          /* index into sc->dests, -1: none */
	__s64 best_w;
	__s64 best_oh;
};

/* The first server of step b; b * SCAN_BATCH < XLVS_SVC_DESTS_MAX always,
 * the mask is for the verifier.  Its ids and weights are then read at
 * constant offsets from one pointer each. */
static __always_inline __u32 scan_first(__u32 b)
{
	return (b * SCAN_BATCH) & (XLVS_SVC_DESTS_MAX - SCAN_BATCH);
}

/* IPVS's ip_vs_dest_conn_overhead (lc, wlc) or the sed/nq overhead. */
static __always_inline __s64 scan_overhead(const __u32 kind, __s32 active,
					   __s32 inactive)
{
	if (kind == XLVS_SCHED_SED || kind == XLVS_SCHED_NQ)
		return (__s64)active + 1;
	return ((__s64)active << 8) + inactive;
}

/*
 * lc, wlc, sed, nq: the least overhead (for wlc, sed and nq per weight, by
 * cross-multiplication: loh * w > doh * lw); nq takes an idle server at
 * once and then returns 1 to stop the loop.  kind is a constant.
 *
 * Every server needs its counts, so the dest_conns lookups are made a group
 * at a time before the group's servers are compared: the verifier inlines
 * them, but to the compiler each is a call that clobbers r0-r5, and
 * interleaved with the comparisons it would save and reload the best so far
 * around every one.  (A group, not the batch: the pointers live on the
 * stack, 512 bytes for all the frames.)  The key is the id in the schedule
 * itself, so none is copied.  Past the list's end, the last group's lookups
 * read unused slots of dests[] and their results are never looked at:
 * testing each against the end would give the verifier 2^SCAN_GROUP paths.
 */
static __always_inline long scan_least(__u32 b, struct scan *s, const __u32 kind)
{
	__u32 first = scan_first(b), left = s->n - first;
	const __u32 *ids = &s->sc->dests[first];
	const __s32 *ws = &s->sc->weights[first];
	struct xlvs_dest_conns *dcs[SCAN_GROUP];
	__s64 best_w = s->best_w, best_oh = s->best_oh;
	__s32 best = s->best;
	long stop = 0;

#pragma unroll
	for (__u32 g = 0; g < SCAN_BATCH; g += SCAN_GROUP) {
#pragma unroll
		for (__u32 k = 0; k < SCAN_GROUP; k++)
			dcs[k] = bpf_map_lookup_elem(&dest_conns, &ids[g + k]);
#pragma unroll
		for (__u32 k = 0; k < SCAN_GROUP; k++) {
			struct xlvs_dest_conns *dc = dcs[k];
			__s64 w, oh;

			if (g + k >= left)
				goto out;
			w = ws[g + k];
			if (!dc || w <= 0 || (dc->flags & XLVS_DEST_F_OVERLOAD))
				continue;
			if (kind == XLVS_SCHED_NQ && dc->active == 0) {
				best = first + g + k;
				stop = 1;
				goto out;
			}
			oh = scan_overhead(kind, dc->active, dc->inactive);
			if (kind == XLVS_SCHED_LC ? oh < best_oh :
			    best_oh * w > oh * best_w) {
				best = first + g + k;
				best_w = w;
				best_oh = oh;
			}
		}
	}
out:
	s->best = best;
	s->best_w = best_w;
	s->best_oh = best_oh;
	return stop;
}

/*
 * fo, ovf: the highest weight (ovf: among the servers whose active
 * connections do not exceed their weight).  kind is a constant.  Only a
 * server above the best weight so far can win, so only such a one is
 * looked up: in a list of equal weights, the first usable one.
 */
static __always_inline long scan_highest(__u32 b, struct scan *s,
					 const __u32 kind)
{
	__u32 first = scan_first(b), n = s->n;
	const __u32 *ids = &s->sc->dests[first];
	const __s32 *ws = &s->sc->weights[first];
	__s64 best_w = s->best_w;
	__s32 best = s->best;

#pragma unroll
	for (__u32 k = 0; k < SCAN_BATCH; k++) {
		struct xlvs_dest_conns *dc;
		__s64 w;

		if (first + k >= n)
			goto out;
		w = ws[k];
		if (w <= best_w)        /* best_w >= 0: weight 0 stops here too */
			continue;
		dc = bpf_map_lookup_elem(&dest_conns, &ids[k]);
		if (!dc || (dc->flags & XLVS_DEST_F_OVERLOAD))
			continue;
		if (kind == XLVS_SCHED_OVF && dc->active > w)
			continue;
		best = first + k;
		best_w = w;
	}
out:
	s->best = best;
	s->best_w = best_w;
	return 0;
}

static long scan_lc(__u32 b, struct scan *s)
{
	return scan_least(b, s, XLVS_SCHED_LC);
}

static long scan_wlc(__u32 b, struct scan *s)
{
	return scan_least(b, s, XLVS_SCHED_WLC);
}

static long scan_sed(__u32 b, struct scan *s)
{
	return scan_least(b, s, XLVS_SCHED_SED);
}

static long scan_nq(__u32 b, struct scan *s)
{
	return scan_least(b, s, XLVS_SCHED_NQ);
}

static long scan_fo(__u32 b, struct scan *s)
{
	return scan_highest(b, s, XLVS_SCHED_FO);
}

static long scan_ovf(__u32 b, struct scan *s)
{
	return scan_highest(b, s, XLVS_SCHED_OVF);
}

/*
 * The verifier inlines bpf_loop (a direct call of the step instead of the
 * helper's indirect one) only where a call site always has the same step.
 * clang would merge the six calls below into one taking the step as an
 * argument; an empty asm after each keeps them apart.
 */
#define SCAN_LOOP(steps, step, s) ({				\
	bpf_loop(steps, step, s, 0);				\
	asm volatile("" ::: "memory");				\
})

/* The dest id chosen, or -1. */
static __always_inline __s64 sched_scan(struct xlvs_sched *sc, __u32 kind)
{
	struct scan s = { .sc = sc, .best = -1, .best_oh = 1 };
	__u32 steps;

	s.n = sc->ndests < XLVS_SVC_DESTS_MAX ? sc->ndests : XLVS_SVC_DESTS_MAX;
	steps = (s.n + SCAN_BATCH - 1) / SCAN_BATCH;
	switch (kind) {
	case XLVS_SCHED_LC:
		s.best_oh = 0x7fffffffffffffffll;
		SCAN_LOOP(steps, scan_lc, &s);
		break;
	case XLVS_SCHED_WLC:
		SCAN_LOOP(steps, scan_wlc, &s);
		break;
	case XLVS_SCHED_SED:
		SCAN_LOOP(steps, scan_sed, &s);
		break;
	case XLVS_SCHED_NQ:
		SCAN_LOOP(steps, scan_nq, &s);
		break;
	case XLVS_SCHED_FO:
		SCAN_LOOP(steps, scan_fo, &s);
		break;
	case XLVS_SCHED_OVF:
		SCAN_LOOP(steps, scan_ovf, &s);
		break;
	}
	if (s.best < 0)
		return -1;
	return sc->dests[s.best & (XLVS_SVC_DESTS_MAX - 1)];
}

#endif
