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

/* The counters of one service or real server, added up over every
 * possible CPU (nr_cpus, set by the loader: libbpf_num_possible_cpus()),
 * however many the kernel allows: a bpf_loop has no bound of its own to
 * stop short of them. */
struct cpu_sum {
	__u32 id;
	__u32 is_dest;              /* dest_stats, else svc_stats */
	struct xlvs_stats sum;
};

static long stats_sum_cpu(__u32 cpu, struct cpu_sum *c)
{
	struct xlvs_stats *st;

	st = c->is_dest ? bpf_map_lookup_percpu_elem(&dest_stats, &c->id, cpu) :
			  bpf_map_lookup_percpu_elem(&svc_stats, &c->id, cpu);
	if (!st)
		return 1;           /* past the possible CPUs */
	c->sum.conns += st->conns;
	c->sum.inpkts += st->inpkts;
	c->sum.outpkts += st->outpkts;
	c->sum.inbytes += st->inbytes;
	c->sum.outbytes += st->outbytes;
	return 0;
}

static __always_inline void stats_sum(int is_dest, __u32 id, struct xlvs_stats *sum)
{
	struct cpu_sum c = { .id = id, .is_dest = is_dest };

	bpf_loop(nr_cpus, stats_sum_cpu, &c, 0);
	*sum = c.sum;
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
		stats_sum(1, id, &sum);
	} else {
		stats_sum(0, id, &sum);
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
