/* SPDX-License-Identifier: GPL-2.0 */
/* Choosing a real server for a new connection from the service's live
 * schedule (struct xlvs_sched explains the encoding,
 * include/xlvs/cycle.h reads it). */
#ifndef XLVS_BPF_SCHED_H
#define XLVS_BPF_SCHED_H

#include <xlvs/cycle.h>
#include "sched_scan.h"
#include "sched_hash.h"
#include "sched_maglev.h"
#include "sched_lblc.h"
#include "sched_twos.h"

struct cycle_walk {
	struct xlvs_sched *sc;
	struct xlvs_cycle_at at;
	__u64 best;                 /* key of the soonest usable server */
};

/* One server of the overload walk, t steps after the overloaded one in
 * the list: is it usable, and does it come sooner than the best so far?
 * One in the same pass is the soonest of all: the walk stops there. */
static long cycle_walk_one(__u32 t, struct cycle_walk *w)
{
	struct xlvs_sched *sc = w->sc;
	__u32 n = sc->ndests, j = w->at.idx + 1 + t;
	__u64 key;

	if (j >= n)
		j -= n;
	key = xlvs_cycle_next(sc, &w->at, j);
	if (key >= w->best || dest_overloaded(sc->dests[j & XLVS_DESTS_MASK]))
		return 0;
	w->best = key;
	return xlvs_cycle_same_pass(&w->at, key);
}

/*
 * rr and wrr: the next position of the cycle, (start + picks++) % cycle.
 * IPVS passes over an overloaded server to the next usable one in its
 * walk order, which is the cycle's order; rather than trying position
 * after position (a server of weight 65535 fills most of a cycle), the
 * walk asks each server once where it comes next (include/xlvs/cycle.h)
 * and takes the soonest usable one, then moves picks past it.  With every
 * server overloaded, rr's state stays (IPVS's ip_vs_rr_schedule) and
 * wrr's does what err_over does (xlvs_cycle_restarts): stays, or moves to
 * the start of a cycle, given to user space, which turns the position into
 * IPVS's state at the next edit, as the head's state: no pick yet,
 * init_cw 0 for the highest weight (lib/sched_build.c).  Racy with other
 * CPUs' picks, as any pick is without IPVS's lock.
 */
static __always_inline __s64 cycle_pick(struct xlvs_sched *sc, __u32 kind)
{
	struct cycle_walk w = { .sc = sc, .best = XLVS_CYCLE_NEVER };
	__u32 cycle = sc->cycle, pos, n;
	__s64 id;
	__u64 n0;

	if (!cycle)
		return -1;
	n0 = __sync_fetch_and_add(&sc->picks, 1);
	pos = (sc->start + n0) % cycle;
	if (xlvs_cycle_locate(sc, pos, &w.at))
		return -1;
	id = sc->dests[w.at.idx & XLVS_DESTS_MASK];
	if (!dest_overloaded(id))
		return id;
	n = sc->ndests;
	if (n > XLVS_SVC_DESTS_MAX)
		return -1;
	bpf_loop(n, cycle_walk_one, &w, 0);
	if (w.best != XLVS_CYCLE_NEVER) {
		__sync_fetch_and_add(&sc->picks,
				     xlvs_cycle_ahead(sc, &w.at, pos, w.best));
		return sc->dests[XLVS_KEY_DEST(w.best)];
	}
	if (kind == XLVS_SCHED_WRR && xlvs_cycle_restarts(sc, n0, w.at.m)) {
		sc->start = 0;
		sc->init_last = -1;
		sc->init_cw = 0;
		sc->picks = 0;
	} else {
		/* The state stays: this pick undone, unless others picked
		 * meanwhile (they found every server overloaded too). */
		__sync_val_compare_and_swap(&sc->picks, n0 + 1, n0);
	}
	return -1;
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
	return cycle_pick(sc, kind);
}

/* The scanning schedulers (lc, wlc, sed, nq, fo, ovf), on their own: their
 * steps' frames beneath sched_pick_slot's would not fit in the 512 bytes
 * the whole chain of calls from the packet path has. */
__attribute__((noinline)) __s64 sched_scan_slot(__u32 key, __u32 kind)
{
	struct xlvs_sched *sc = bpf_map_lookup_elem(&sched, &key);

	if (!sc)
		return -1;
	return sched_scan(sc, kind);
}

static __always_inline int sched_scans(__u32 kind)
{
	return kind >= XLVS_SCHED_LC && kind <= XLVS_SCHED_OVF;
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
	if (s->sched_kind == XLVS_SCHED_LBLC || s->sched_kind == XLVS_SCHED_LBLCR) {
		__s64 pick = sched_locality(key, s->sched_kind);

		if (pick != LOCALITY_SCAN)
			return pick;
		return sched_locality_done(sched_scan_slot(key, XLVS_SCHED_WLC));
	}
	if (sched_scans(s->sched_kind))
		return sched_scan_slot(key, s->sched_kind);
	return sched_pick_slot(key, s->sched_kind, s->flags, addr_fold(p->saddr6),
			       s->sched_kind == XLVS_SCHED_DH ?
			       addr_fold(p->daddr6) : p->sport);
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
