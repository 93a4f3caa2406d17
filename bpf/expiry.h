/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expiry: a kernel timer frees idle connections, so no daemon is needed.
 * Each tick walks one shard of the connection table (see xlvs_conn_shard),
 * so every entry is looked at once a second and no walk is long.
 */
#ifndef XLVS_BPF_EXPIRY_H
#define XLVS_BPF_EXPIRY_H

/* Every shard once a second: one shard every 1/64 s. */
#define SWEEP_TICK_NS (1000000000ull / XLVS_CONN_SHARDS)

struct sweep_ctx {
	__u64 now;
	__u64 expired;
};

static long sweep_one(struct bpf_map *map, struct xlvs_conn_key *key,
		      struct xlvs_conn *c, struct sweep_ctx *sc)
{
	struct xlvs_meta *m = meta_get();

	struct xlvs_conn gone;

	if (!m || !conn_expired(c, m, sc->now))
		return 0;
	/* Copied first: a deleted element may be reused at once. */
	gone = *c;
	if (!bpf_map_delete_elem(map, key)) {
		conn_forget(&gone);
		sc->expired++;
	}
	return 0;
}

static int sweep(void *map, __u32 *key, struct xlvs_timer *sw)
{
	/* The coarse clock is not for this program type; the fine one reads
	 * the same clock, a little ahead. */
	struct sweep_ctx sc = { .now = bpf_ktime_get_ns() };
	__u32 counter = XLVS_CNT_CONNS_EXPIRED;
	__u32 shard = sw->next % XLVS_CONN_SHARDS;
	void *conns = bpf_map_lookup_elem(&conn, &shard);
	__u64 *v;

	sw->next = shard + 1;
	if (conns)
		bpf_for_each_map_elem(conns, sweep_one, &sc, 0);
	v = bpf_map_lookup_elem(&stats, &counter);
	if (v)
		*v += sc.expired;
	bpf_timer_start(&sw->timer, SWEEP_TICK_NS, 0);
	return 0;
}

#endif
