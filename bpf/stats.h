/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters and rates per service and real server, as IPVS keeps them: a
 * connection counts once when it is scheduled, a packet and its IP length
 * on every packet that goes to a real server (direct routing sees only the
 * incoming half, so the outgoing counters stay 0 as they do in IPVS).  The
 * estimator turns them into IPVS's rates every 2 s in a kernel timer.
 *
 * A packet counts only on its real server.  IPVS counts it on the service
 * too (ip_vs_in_stats); here a service's counters are derived: its base
 * in svc_stats (what servers deleted from it had counted, moved there by
 * libxlvs) plus the counters of the servers it lists.  The visible numbers
 * are IPVS's, and the hit path writes one counter line, not two.
 */
#ifndef XLVS_BPF_STATS_H
#define XLVS_BPF_STATS_H

static __always_inline void stats_count(__u32 dest_id, __u32 bytes, int new_conn)
{
	struct xlvs_stats *st = bpf_map_lookup_elem(&dest_stats, &dest_id);

	if (!st)
		return;
	st->conns += new_conn;
	st->inpkts++;
	st->inbytes += bytes;
}

/* A NAT server's reply (IPVS's ip_vs_out_stats): only while the server is
 * available, as there -- a trashed server's counters stay as they were
 * moved into its service's base (lib/fold_log.c counts on it). */
static __always_inline void stats_count_out(__u32 dest_id, __u32 bytes)
{
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &dest_id);
	struct xlvs_stats *st = bpf_map_lookup_elem(&dest_stats, &dest_id);

	if (!d || !(d->flags & XLVS_DEST_F_AVAILABLE) || !st)
		return;
	st->outpkts++;
	st->outbytes += bytes;
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

static __always_inline void stats_acc(struct xlvs_stats *to,
				      const struct xlvs_stats *from)
{
	to->conns += from->conns;
	to->inpkts += from->inpkts;
	to->outpkts += from->outpkts;
	to->inbytes += from->inbytes;
	to->outbytes += from->outbytes;
}

static __always_inline __u32 fold_seq(__u32 id)
{
	__u32 *seq = bpf_map_lookup_elem(&svc_fold, &id);

	return seq ? *(volatile const __u32 *)seq : 1;
}

/* A tick's first step: every service's sum of servers starts at 0. */
static long est_svc_begin(__u32 i, void *ctx)
{
	struct svc_acc *a = bpf_map_lookup_elem(&svc_acc, &i);

	if (a) {
		__builtin_memset(&a->sum, 0, sizeof(a->sum));
		a->seq = fold_seq(i);
	}
	return 0;
}

/* A real server's rate, and its counters into its service's sum while it
 * is listed (a trashed server's counts are in its service's base). */
static long est_dest(__u32 i, void *ctx)
{
	struct xlvs_stats sum;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &i);
	struct xlvs_rate *r;
	struct svc_acc *a;
	__u32 slot = XLVS_SVC_MAX + i, svc;

	if (!d || !d->gen)
		return 0;           /* a free slot: nothing to estimate */
	svc = d->svc_id;
	stats_sum(1, i, &sum);
	r = bpf_map_lookup_elem(&rates, &slot);
	if (r)
		est_update(r, &sum);
	if (!(d->flags & XLVS_DEST_F_AVAILABLE))
		return 0;
	a = bpf_map_lookup_elem(&svc_acc, &svc);
	if (a)
		stats_acc(&a->sum, &sum);
	return 0;
}

/* A service's rate from its base and its servers' sum, unless libxlvs
 * moved counts between them during the tick (the sum may be torn: the
 * rate waits for the next tick). */
static long est_svc(__u32 i, void *ctx)
{
	struct svc_acc *a = bpf_map_lookup_elem(&svc_acc, &i);
	struct xlvs_stats sum;
	struct xlvs_rate *r;

	if (!a || (a->seq & 1) || fold_seq(i) != a->seq) {
		count(XLVS_CNT_EST_TORN);
		return 0;
	}
	stats_sum(0, i, &sum);
	stats_acc(&sum, &a->sum);
	r = bpf_map_lookup_elem(&rates, &i);
	if (r)
		est_update(r, &sum);
	return 0;
}

static int estimate(void *map, __u32 *key, struct xlvs_timer *t)
{
	bpf_loop(XLVS_SVC_MAX, est_svc_begin, NULL, 0);
	bpf_loop(XLVS_DEST_MAX, est_dest, NULL, 0);
	bpf_loop(XLVS_SVC_MAX, est_svc, NULL, 0);
	bpf_timer_start(&t->timer, XLVS_EST_INTERVAL_NS, 0);
	return 0;
}

#endif
