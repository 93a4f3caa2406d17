/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters and rates per service and real server, as IPVS keeps them: a
 * connection counts once when it is scheduled, a packet and its IP length
 * on every packet that goes to a real server (direct routing sees only the
 * incoming half, so the outgoing counters stay 0 as they do in IPVS).  The
 * estimator turns them into IPVS's rates every 2 s in a kernel timer.
 */
#ifndef XLVS_BPF_STATS_H
#define XLVS_BPF_STATS_H

static __always_inline void stats_add(void *map, __u32 id, __u32 bytes,
				      int new_conn)
{
	struct xlvs_stats *st = bpf_map_lookup_elem(map, &id);

	if (!st)
		return;
	st->conns += new_conn;
	st->inpkts++;
	st->inbytes += bytes;
}

static __always_inline void stats_count(__u32 svc_id, __u32 dest_id,
					__u32 bytes, int new_conn)
{
	stats_add(&svc_stats, svc_id, bytes, new_conn);
	stats_add(&dest_stats, dest_id, bytes, new_conn);
}

/* The counters of one service or real server, added up over the CPUs. */
static __always_inline void stats_sum(void *map, __u32 id, struct xlvs_stats *sum)
{
	__builtin_memset(sum, 0, sizeof(*sum));
	for (__u32 cpu = 0; cpu < 256; cpu++) {
		struct xlvs_stats *st;

		if (cpu >= nr_cpus)
			break;
		st = bpf_map_lookup_percpu_elem(map, &id, cpu);
		if (!st)
			continue;
		sum->conns += st->conns;
		sum->inpkts += st->inpkts;
		sum->outpkts += st->outpkts;
		sum->inbytes += st->inbytes;
		sum->outbytes += st->outbytes;
	}
}

/* avg += (rate - avg) / 4, rate being the delta scaled to per second. */
static __always_inline void ewma(__u64 *avg, __u64 now, __u64 last, int shift)
{
	__s64 rate = (__s64)((now - last) << shift);

	*avg += (rate - (__s64)*avg) >> 2;
}

/* ip_vs_estimation: deltas over 2 s, cps/pps << 9 (x 2^10 / 2), bps << 4. */
static __always_inline void est_update(struct xlvs_rate *r,
				       const struct xlvs_stats *now)
{
	/* A counter zeroed by -Z since the last tick: start over from it. */
	if (now->conns < r->last.conns || now->inpkts < r->last.inpkts ||
	    now->inbytes < r->last.inbytes)
		__builtin_memset(r, 0, sizeof(*r));
	ewma(&r->cps, now->conns, r->last.conns, 9);
	ewma(&r->inpps, now->inpkts, r->last.inpkts, 9);
	ewma(&r->outpps, now->outpkts, r->last.outpkts, 9);
	ewma(&r->inbps, now->inbytes, r->last.inbytes, 4);
	ewma(&r->outbps, now->outbytes, r->last.outbytes, 4);
	r->last = *now;
}

static long est_one(__u32 i, void *ctx)
{
	struct xlvs_stats sum;
	struct xlvs_rate *r;
	__u32 id = i;

	if (i >= XLVS_SVC_MAX) {
		struct xlvs_dest *d;

		id = i - XLVS_SVC_MAX;
		d = bpf_map_lookup_elem(&dest, &id);
		if (!d || !d->gen)
			return 0;   /* a free slot: nothing to estimate */
		stats_sum(&dest_stats, id, &sum);
	} else {
		stats_sum(&svc_stats, id, &sum);
	}
	r = bpf_map_lookup_elem(&rates, &i);
	if (r)
		est_update(r, &sum);
	return 0;
}

static int estimate(void *map, __u32 *key, struct xlvs_timer *t)
{
	bpf_loop(XLVS_SVC_MAX + XLVS_DEST_MAX, est_one, NULL, 0);
	bpf_timer_start(&t->timer, XLVS_EST_INTERVAL_NS, 0);
	return 0;
}

#endif
