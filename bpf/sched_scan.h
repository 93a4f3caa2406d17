/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The schedulers that look at every real server for each new connection,
 * with IPVS's rules (ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c,
 * ip_vs_fo.c, ip_vs_ovf.c): one pass over the list in IPVS order, comparing
 * overheads by cross-multiplication, the earlier server winning a tie.
 * Weight 0 and overloaded servers never take a new connection.
 */
#ifndef XLVS_BPF_SCHED_SCAN_H
#define XLVS_BPF_SCHED_SCAN_H

struct scan {
	struct xlvs_sched *sc;
	__u32 kind;
	__s32 best;          /* index into sc->dests, -1: none yet */
	__s32 best_w;
	__s64 best_oh;
};

/* IPVS's ip_vs_dest_conn_overhead (lc, wlc) or the sed/nq overhead. */
static __always_inline __s64 scan_overhead(__u32 kind,
					   const struct xlvs_dest_conns *dc)
{
	if (kind == XLVS_SCHED_SED || kind == XLVS_SCHED_NQ)
		return (__s64)dc->active + 1;
	return ((__s64)dc->active << 8) + dc->inactive;
}

/* Does the server with weight w and overhead oh beat the best so far? */
static __always_inline int scan_better(const struct scan *s, __s32 w, __s64 oh,
				       const struct xlvs_dest_conns *dc)
{
	switch (s->kind) {
	case XLVS_SCHED_LC:
		return s->best < 0 || oh < s->best_oh;
	case XLVS_SCHED_FO:
		return w > s->best_w;
	case XLVS_SCHED_OVF:
		return dc->active <= w && (s->best < 0 || w > s->best_w);
	default:        /* wlc, sed, nq: loh * w > doh * lw */
		return s->best < 0 || s->best_oh * w > oh * s->best_w;
	}
}

static long scan_one(__u32 i, struct scan *s)
{
	__u32 idx = i & (XLVS_SVC_DESTS_MAX - 1);
	struct xlvs_dest_conns *dc;
	__u32 id = s->sc->dests[idx];
	__s32 w = s->sc->weights[idx];
	__s64 oh;

	if (w <= 0)
		return 0;
	dc = bpf_map_lookup_elem(&dest_conns, &id);
	if (!dc || (dc->flags & XLVS_DEST_F_OVERLOAD))
		return 0;
	oh = scan_overhead(s->kind, dc);
	if (s->kind == XLVS_SCHED_NQ && dc->active == 0) {
		s->best = idx;          /* an idle server: taken at once */
		return 1;
	}
	if (scan_better(s, w, oh, dc)) {
		s->best = idx;
		s->best_w = w;
		s->best_oh = oh;
	}
	return 0;
}

/* The dest id chosen, or -1. */
static __always_inline __s64 sched_scan(struct xlvs_sched *sc, __u32 kind)
{
	struct scan s = { .sc = sc, .kind = kind, .best = -1 };
	__u32 n = sc->ndests;

	if (n > XLVS_SVC_DESTS_MAX)
		n = XLVS_SVC_DESTS_MAX;
	bpf_loop(n, scan_one, &s, 0);
	if (s.best < 0)
		return -1;
	return sc->dests[s.best & (XLVS_SVC_DESTS_MAX - 1)];
}

#endif
