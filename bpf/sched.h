/* SPDX-License-Identifier: GPL-2.0 */
/* Choosing a real server for a new connection from the service's live
 * schedule (struct xlvs_sched explains the encoding). */
#ifndef XLVS_BPF_SCHED_H
#define XLVS_BPF_SCHED_H

#include "sched_scan.h"
#include "sched_hash.h"
#include "sched_maglev.h"
#include "sched_lblc.h"
#include "sched_twos.h"

/* The next position of an rr/wrr cycle and the dest id it names, or -1. */
static __always_inline __s64 cycle_pick(struct xlvs_sched *sc)
{
	__u32 cycle = sc->cycle, pos, lo = 0, hi, idx;
	struct xlvs_band *band;
	__u64 n;

	if (!cycle)
		return -1;
	n = __sync_fetch_and_add(&sc->picks, 1);
	pos = (sc->start + n) % cycle;

	/* The last band whose first position is <= pos; bands are sorted.
	 * hi is not clamped to a constant: one the verifier cannot know keeps
	 * it from following each of the search's 2^10 paths separately. */
	hi = sc->nbands;
	if (hi == 0 || hi > XLVS_BANDS_MAX)
		return -1;
	for (int i = 0; i < 11; i++) {        /* 2^10 = XLVS_BANDS_MAX */
		__u32 mid;

		if (hi - lo <= 1)
			break;
		mid = (lo + hi) / 2;
		if (sc->bands[mid & (XLVS_BANDS_MAX - 1)].first_pos <= pos)
			lo = mid;
		else
			hi = mid;
	}
	band = &sc->bands[lo & (XLVS_BANDS_MAX - 1)];
	if (!band->width || pos < band->first_pos)
		return -1;
	idx = band->list_off + (pos - band->first_pos) % band->width;
	idx = sc->list[idx & (XLVS_LIST_MAX - 1)];
	return sc->dests[idx & (XLVS_SVC_DESTS_MAX - 1)];
}

struct cycle_try {
	struct xlvs_sched *sc;
	__s64 found;
};

/* IPVS's rr and wrr pass over an overloaded server to the next one; in the
 * cycle that is the next position. */
static long cycle_try_one(__u32 i, struct cycle_try *t)
{
	__s64 id = cycle_pick(t->sc);

	if (id < 0 || !dest_overloaded(id)) {
		t->found = id;
		return 1;
	}
	return 0;
}

/*
 * IPVS's wrr, finding every server overloaded (ip_vs_wrr_schedule's
 * err_over), ends its walk at the list head with the highest current
 * weight, unless it started after a server in the last pass (cw 1): then
 * it stops at that server again and its state is unchanged.  The cycle,
 * having tried every position, is back where it started; so in the other
 * case move it to the start of a cycle, and give user space, which turns
 * the position into IPVS's state at the next edit, the head's state: no
 * pick yet, init_cw 0 for the highest weight (lib/sched_build.c).  n0 is
 * how many picks the schedule had made before.  Racy with other CPUs'
 * picks, but they find every server overloaded too.
 */
static __always_inline void cycle_restart(struct xlvs_sched *sc, __u64 n0)
{
	__u32 cycle = sc->cycle, nbands = sc->nbands, last_pass;

	if (!cycle || !nbands || nbands > XLVS_BANDS_MAX)
		return;
	/* The last pass takes every server with a weight: the last band. */
	last_pass = cycle - sc->bands[(nbands - 1) & (XLVS_BANDS_MAX - 1)].width;
	if (n0 ? (sc->start + n0 - 1) % cycle >= last_pass :
		 sc->init_last >= 0 && sc->init_cw == 1)
		return;
	sc->start = 0;
	sc->init_last = -1;
	sc->init_cw = 0;
	sc->picks = 0;
}

/*
 * Returns the chosen dest id from schedule `key`, or -1 when no server can
 * take the connection.  A global function: the verifier checks it once on
 * its own, so the searches' branches do not multiply the paths of the rest
 * of the program.
 */
__attribute__((noinline)) __s64 sched_pick_slot(__u32 key, __u32 kind,
						 __u32 flags, __u32 saddr,
						 __u32 daddr_sport)
{
	struct xlvs_sched *sc = bpf_map_lookup_elem(&sched, &key);
	struct cycle_try t = { .found = -1 };
	__u32 tries;
	__u64 n0;

	if (!sc)
		return -1;
	if (kind == XLVS_SCHED_SH)
		return sched_hash(sc, kind, flags, saddr, daddr_sport, 0);
	if (kind == XLVS_SCHED_DH)
		return sched_hash(sc, kind, flags, 0, 0, daddr_sport);
	if (kind == XLVS_SCHED_MH)
		return sched_maglev(sc, flags, saddr, daddr_sport);
	if (kind == XLVS_SCHED_TWOS)
		return sched_twos(key);
	if (kind != XLVS_SCHED_RR && kind != XLVS_SCHED_WRR)
		return sched_scan(sc, kind);
	/* At most one full cycle: every server is overloaded after that. */
	tries = sc->cycle < 65536 ? sc->cycle : 65536;
	t.sc = sc;
	n0 = sc->picks;
	bpf_loop(tries, cycle_try_one, &t, 0);
	if (t.found < 0 && kind == XLVS_SCHED_WRR && tries == sc->cycle)
		cycle_restart(sc, n0);
	return t.found;
}

/* The packet's fields the hashing schedulers use: sh and mh the client's
 * address and port, dh the destination address (a global function takes five
 * arguments at most, so one carries either); lblc and lblcr go by the
 * destination address too. */
static __always_inline __s64 sched_pick(const struct xlvs_svc *s,
					const struct pkt *p)
{
	__u32 key = s->id * 2 + (s->sched_slot & 1);

	/* Called from here, not from sched_pick_slot: its frame and a scan
	 * step's would not fit beside the packet path's in 512 bytes. */
	if (s->sched_kind == XLVS_SCHED_LBLC || s->sched_kind == XLVS_SCHED_LBLCR)
		return sched_locality(key, s->sched_kind, p->daddr);
	return sched_pick_slot(key, s->sched_kind, s->flags, p->saddr,
			       s->sched_kind == XLVS_SCHED_DH ? p->daddr : p->sport);
}

/* The real server the service's scheduler picks, or NULL if none can take
 * a new connection. */
static __always_inline struct xlvs_dest *pick_dest(const struct xlvs_svc *s,
						   const struct pkt *p, __u32 *id)
{
	__s64 pick = sched_pick(s, p);
	struct xlvs_dest *d;

	if (pick < 0)
		return NULL;
	*id = pick;
	d = bpf_map_lookup_elem(&dest, id);
	return d && d->gen && (d->flags & XLVS_DEST_F_AVAILABLE) ? d : NULL;
}

#endif
