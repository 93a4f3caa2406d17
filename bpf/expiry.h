/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expiry: a kernel timer frees idle connections, so no daemon is needed.
 * Each tick walks one shard of the connection table (see xlvs_conn_shard),
 * so every entry is looked at once a second and no walk is long.
 *
 * Head-room: an LRU hash that is full evicts its least recently used entry
 * silently, and that entry's real server would go on counting it.  So each
 * shard can hold 1/8 more than its share of --conn-max (XLVS_CONN_HEADROOM),
 * and when a walk finds a shard above its share, a second walk evicts the
 * oldest idle entries itself (by idle-time class) down to 7/8 of it,
 * counting each eviction (conns_evicted) and each server's connections as
 * it goes.  The LRU's own eviction then only happens when a shard grows by
 * more than the head-room within a second.
 */
#ifndef XLVS_BPF_EXPIRY_H
#define XLVS_BPF_EXPIRY_H

/* Every shard once a second: one shard every 1/64 s. */
#define SWEEP_TICK_NS (1000000000ull / XLVS_CONN_SHARDS)
#define IDLE_BUCKETS 16        /* idle time classes, see idle_class() */
#define IDLE_UNIT_NS (64ull * 1000000)  /* 64 ms: class 15 starts at ~17 min */

struct sweep_ctx {
	__u64 now;
	__u64 expired, evicted;
	__u32 live;
	__u32 evict_from;       /* evict entries in this idle class or older, */
	__u32 evict_target;     /* this many */
	__u32 idle[IDLE_BUCKETS];
};

/* floor(log2(v)) of a 17-bit v > 0 by halving the range five times: a
 * branch per bit would multiply the verifier's paths instead. */
static __always_inline __u32 log2_u17(__u32 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	return r | (v >> 1);
}

/* The idle class of an entry: floor(log2(idle / 64 ms)) + 1, 0 below
 * 64 ms, IDLE_BUCKETS - 1 at most. */
static __always_inline __u32 idle_class(__u64 idle_ns)
{
	__u64 s = idle_ns / IDLE_UNIT_NS;
	__u32 c;

	if (s > 0xffff)
		s = 0xffff;
	c = log2_u17((__u32)s * 2 | 1);
	return c < IDLE_BUCKETS ? c : IDLE_BUCKETS - 1;
}

static __always_inline void conn_remove(struct bpf_map *map,
					struct xlvs_conn_key *key,
					struct xlvs_conn *c, __u64 *counter)
{
	struct xlvs_conn gone;

	if (!conn_unlink(map, key, c, &gone)) {
		conn_forget(key, &gone);
		(*counter)++;
	}
}

static __always_inline int evictable(const struct xlvs_conn_key *key,
				     const struct xlvs_conn *c, __u64 now)
{
	return key->kind != XLVS_KIND_TEMPLATE ||
	       (c->state != XLVS_TPL_ASSURED &&
		!xlvs_tpl_controls(c->ctl_stamp, now));
}

static long sweep_one(struct bpf_map *map, struct xlvs_conn_key *key,
		      struct xlvs_conn *c, struct sweep_ctx *sc)
{
	struct xlvs_meta *m = meta_get();
	__u64 idle;

	if (!m)
		return 1;
	if (conn_expired(c, m, sc->now)) {
		if (key->kind != XLVS_KIND_TEMPLATE ||
		    !xlvs_tpl_controls(c->ctl_stamp, sc->now)) {
			conn_remove(map, key, c, &sc->expired);
			return 0;
		}
		/* ip_vs_conn_expire: a template that still controls
		 * connections is re-armed for 60 s. */
		c->timeout = XLVS_TPL_REARM_S;
		c->last_ns = sc->now;
	}
	if (c->flags & XLVS_CONN_F_CONTROLLED)
		tpl_stamp(key, c, sc->now);
	sc->live++;
	/* IPVS never drops a template that controls connections or has seen
	 * one established (ip_vs_random_dropentry): not eviction candidates. */
	if (!evictable(key, c, sc->now))
		return 0;
	idle = sc->now > c->last_ns ? sc->now - c->last_ns : 0;
	sc->idle[idle_class(idle) & (IDLE_BUCKETS - 1)]++;
	return 0;
}

static long evict_one(struct bpf_map *map, struct xlvs_conn_key *key,
		      struct xlvs_conn *c, struct sweep_ctx *sc)
{
	__u64 idle = sc->now > c->last_ns ? sc->now - c->last_ns : 0;

	if (evictable(key, c, sc->now) && idle_class(idle) >= sc->evict_from)
		conn_remove(map, key, c, &sc->evicted);
	return sc->evicted >= sc->evict_target;   /* 1 stops the walk */
}

/* The youngest idle class such that it and the older ones hold at least
 * `excess` entries. */
static __always_inline __u32 evict_class(const struct sweep_ctx *sc, __u32 excess)
{
	__u32 sum = 0, b = IDLE_BUCKETS;

	for (int i = IDLE_BUCKETS - 1; i >= 0; i--) {
		sum += sc->idle[i];
		b = i;
		if (sum >= excess)
			break;
	}
	return b;
}

static __always_inline void count_add(__u32 counter, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &counter);

	if (v)
		*v += n;
}

static int sweep(void *map, __u32 *key, struct xlvs_timer *sw)
{
	/* The coarse clock is not for this program type; the fine one reads
	 * the same clock, a little ahead. */
	struct sweep_ctx sc = { .now = bpf_ktime_get_ns() };
	__u32 shard = sw->next % XLVS_CONN_SHARDS, cap;
	void *conns = bpf_map_lookup_elem(&conn, &shard);
	struct xlvs_meta *m = meta_get();

	sw->next = shard + 1;
	if (conns && m) {
		bpf_for_each_map_elem(conns, sweep_one, &sc, 0);
		cap = xlvs_conn_share(m->conn_max);
		if (sc.live > cap) {
			sc.evict_target = sc.live - (cap - cap / 8);
			sc.evict_from = evict_class(&sc, sc.evict_target);
			bpf_for_each_map_elem(conns, evict_one, &sc, 0);
		}
	}
	count_add(XLVS_CNT_CONNS_EXPIRED, sc.expired);
	count_add(XLVS_CNT_CONNS_EVICTED, sc.evicted);
	bpf_timer_start(&sw->timer, SWEEP_TICK_NS, 0);
	return 0;
}

#endif
