/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expiry: a kernel timer frees idle connections, so no daemon is needed.
 *
 * Each tick does one bounded piece of work and re-arms the timer:
 *   - the pass: the next shard's walk (bpf_for_each_map_elem), which frees
 *     expired entries, stamps templates and recounts (bpf/recount.h); a
 *     shard holds at most about 512 entries (xlvs_conn_shard_bits), so a
 *     walk holds its CPU for about 0.1-0.2 ms;
 *   - after the last shard, the pass's correction of the real servers'
 *     counts, FIX_BATCH servers a tick;
 *   - out of turn, a shard a walk found over its share (the eviction walk),
 *     and one the packet path saw filling fast (urgent, see fill_note).
 * A walk takes out at most half a shard's share (walk_cap); a shard whose
 * entries all expire at once is emptied by walks of it in the ticks after
 * (resumed), an eviction goes on the same way.
 * Budget: the next tick comes SWEEP_BUDGET times this tick's own run time
 * later, so the sweeper takes at most 1/(SWEEP_BUDGET + 1) of a CPU, and
 * a pass takes at least a second; a big table's pass takes longer (at a
 * million entries, about ten seconds).  Fast-filling shards, and the
 * evictions their walks find, are walked sooner, up to
 * 1/(SWEEP_URGENT_BUDGET + 1) of a CPU; a shard the pass finds over its
 * share with no new entry since waits its turn at the steady budget.
 *
 * Eviction by class: a shard's hash that is full refuses new entries (the
 * packet path drops their packets, as IPVS does when it cannot allocate a
 * connection), so it must not fill: it holds more than its share of
 * --conn-max (XLVS_CONN_HEADROOM), and when a walk finds a shard above its
 * share and 1/8 (shard_limit), the next tick evicts down to its share and
 * 1/16 (7/8 of its share under a SYN flood), as IPVS's
 * ip_vs_random_dropentry chooses: templates that control nothing, then
 * half-open entries (the spoofed ones), CLOSE, TIME_WAIT, the FIN states
 * and UDP, and only last ESTABLISHED; the oldest first within a class;
 * never a template in use or ASSURED.  Each eviction is counted by class.
 *
 * SYN flood (IPVS's secure_tcp, done by the table's fill rather than by a
 * sysctl): a walk that finds a shard 3/4 full, half of it half-open, turns
 * the defence on until a whole pass finds none; meanwhile half-open
 * entries expire after XLVS_SYNFLOOD_TIMEOUT (bpf/conn.h).
 */
#ifndef XLVS_BPF_EXPIRY_H
#define XLVS_BPF_EXPIRY_H

#define SWEEP_FIRST_NS 10000000ull          /* the first tick, 10 ms after loading */
#define SWEEP_BUDGET 40
#define SWEEP_URGENT_BUDGET 4
#define SWEEP_MIN_NS 100000ull          /* 0.1 ms between urgent ticks */
#define FIX_BATCH 1024                  /* real servers corrected a tick */
#define SWEEP_LONG_NS 500000ull         /* a tick this long is counted */
#define FIX_TICKS (XLVS_DEST_MAX / FIX_BATCH)
#define IDLE_SHIFT 26                   /* idle buckets: 67 ms, doubling */

enum walk_mode {
	WALK_PASS = 0,          /* in the pass: expiry, stamps, recount */
	WALK_URGENT,            /* out of turn: expiry, eviction candidates */
	WALK_EVICT,             /* evict by class */
	WALK_RESUME,            /* as urgent, after a walk stopped at its cap */
};

struct sweep_ctx {
	__u64 now;
	__u64 pass;
	__u64 expired, expired_flood;
	__u64 evicted[7];       /* by counter, XLVS_CNT_EVICT_TEMPLATE + i */
	__u32 shard;
	__u32 mode;
	__u32 live, halfopen;
	__u32 evicted_all;
	__u32 pass_ms;
	__u32 reply_orphans;    /* nat_reply_orphan */
	__u32 cap;              /* entries a walk takes out at most */
	__u32 capped;           /* it stopped taking them out there */
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

/* The idle bucket of an entry: floor(log2(idle / 67 ms)) + 1, 0 below
 * 67 ms, IDLE_BUCKETS - 1 at most. */
static __always_inline __u32 idle_bucket(__u64 idle_ns)
{
	__u64 s = idle_ns >> IDLE_SHIFT;
	__u32 c;

	if (s > 0xffff)
		s = 0xffff;
	c = log2_u17((__u32)s * 2 | 1);
	return c < IDLE_BUCKETS ? c : IDLE_BUCKETS - 1;
}

/* The eviction class of an entry (enum evict_class). */
static __noinline int entry_class(const struct xlvs_conn_key *key,
				       __u8 st, const struct xlvs_conn *c,
				       const struct sweep_ctx *sc)
{
	if (key->kind == XLVS_KIND_TEMPLATE) {
		if (st == XLVS_TPL_ASSURED)
			return EC_KEEP;
		if (!xlvs_tpl_controls(c->ctl_stamp, sc->now, sc->pass_ms))
			return EC_TEMPLATE;
		/*
		 * Never assured: no connection it placed has been
		 * established.  IPVS keeps it while it controls one, in a
		 * table without a bound; here a SYN flood on a persistent
		 * service makes one per spoofed source, faster than its
		 * control (stamped once a pass) can lapse, and they alone
		 * would fill the table.  So a TCP one goes with the entries
		 * it placed, the half-open ones.  UDP has no handshake to
		 * tell a spoofed source by (nothing assures its templates):
		 * kept as IPVS keeps them.
		 */
		return key->proto == IPPROTO_TCP ? EC_HALFOPEN : EC_KEEP;
	}
	switch (st) {
	case XLVS_TCP_SYN_RECV:
	case XLVS_TCP_SYNACK:
	case XLVS_TCP_SYN_SENT:
		return EC_HALFOPEN;
	case XLVS_TCP_TIME_WAIT:
		return EC_TIMEWAIT;
	case XLVS_TCP_FIN_WAIT:
	case XLVS_TCP_CLOSE_WAIT:
	case XLVS_TCP_LAST_ACK:
	case XLVS_UDP_STATE:
		return EC_FIN_UDP;
	case XLVS_TCP_ESTABLISHED:
		return EC_ESTABLISHED;
	default:
		return EC_CLOSE;
	}
}

/* The counter an eviction of class cls counts in (offset from
 * XLVS_CNT_EVICT_TEMPLATE). */
static __always_inline __u32 evict_counter(int cls, __u8 st)
{
	if (cls == EC_FIN_UDP)
		return st == XLVS_UDP_STATE ? 5 : 4;
	if (cls == EC_ESTABLISHED)
		return 6;
	return (__u32)cls & 3;
}

static __always_inline void count_add(__u32 counter, __u64 n)
{
	__u64 *v;

	if (!n)
		return;
	v = bpf_map_lookup_elem(&stats, &counter);
	if (v)
		*v += n;
}

/*
 * The walk's heavier steps are global functions: the verifier checks each
 * once on its own, where inlined in the walk's callback their branches
 * would multiply.
 */

/* The walk found entry c (its kind and state) of a live real server: this
 * pass counts it. */
__noinline int recount_entry(const struct xlvs_conn *c, __u32 kind, __u32 st,
			     __u32 pass)
{
	struct xlvs_dest *d;
	struct dest_tally *t;
	__u32 id;
	int cnt;

	if (!c)
		return 0;
	id = c->dest_id;
	d = bpf_map_lookup_elem(&dest, &id);
	if (!d || d->gen != c->dest_gen)
		return 0;
	t = bpf_map_lookup_elem(&tally, &id);
	if (!t)
		return 0;
	if (t->gen != d->gen) {
		/* A server added since its slot's last correction: nothing
		 * of another counted yet, so this pass counts for it.  A slot
		 * that changed hands with counts of the other: not this time. */
		__s32 *po = t->post[pass & 1];

		if (t->seen[0] | t->seen[1] | t->seen[2] | po[0] | po[1] | po[2])
			t->dirty = pass + 1;
		t->gen = d->gen;
	}
	cnt = cnt_of(kind, st);
	t->seen[cnt == CNT_PERSIST ? 2 : cnt == CNT_ACTIVE ? 0 : 1]++;
	return 0;
}

/* Takes entry c (key) of shard out as conn_take does: 0 if this call did.
 * key is a copy: a global function may not be handed the map's own. */
__noinline int sweep_take(struct xlvs_conn_key *key, struct xlvs_conn *c,
			  __u32 shard, int v)
{
	struct xlvs_conn gone;
	void *map;

	if (!key || !c)
		return -1;
	map = bpf_map_lookup_elem(&conn, &shard);
	if (!map)
		return -1;
	return conn_take(map, key, c, shard, &gone, v);
}

static __always_inline long evict_one(struct xlvs_conn_key *key,
				      struct xlvs_conn *c, struct sweep_ctx *sc,
				      struct sweep_state *st, union sword s)
{
	__u64 idle = sc->now > c->last_ns ? sc->now - c->last_ns : 0;
	int cls = entry_class(key, s.state, c, sc);
	__u32 b;

	if (sc->evicted_all >= st->evict_target)
		return 1;
	if (cls >= EC_MAX)
		return 0;
	b = idle_bucket(idle);
	if (cls > (int)st->evict_class ||
	    (cls == (int)st->evict_class && b < st->evict_bucket))
		return 0;
	if (!sweep_take(key, c, sc->shard, V_AUTO)) {
		sc->evicted[key->kind == XLVS_KIND_TEMPLATE ? 0 :
			    evict_counter(cls, s.state) % 7]++;
		sc->evicted_all++;
	}
	if (sc->evicted_all >= st->evict_target)
		return 1;               /* 1 stops the walk */
	if (sc->evicted_all >= sc->cap) {
		sc->capped = 1;
		return 1;
	}
	return 0;
}

/* One entry of a walk (key: a copy). */
__noinline long sweep_entry(struct xlvs_conn_key *key, struct xlvs_conn *c,
			    struct sweep_ctx *sc)
{
	struct sweep_state *st = sweep_state_get();
	struct xlvs_meta *m = meta_get();
	union sword s;
	__u64 idle;
	int cls;

	if (!m || !st || !key || !c || !sc)
		return 1;
	s = sword_get(c);
	if (s.state == XLVS_STATE_DEAD)
		return 0;               /* another CPU is taking it out */
	if (sc->mode == WALK_EVICT)
		return evict_one(key, c, sc, st, s);
	idle = sc->now > c->last_ns ? sc->now - c->last_ns : 0;
	if (conn_expired(c, m, sc->now)) {
		if (key->kind != XLVS_KIND_TEMPLATE ||
		    !xlvs_tpl_controls(c->ctl_stamp, sc->now, sc->pass_ms)) {
			if (sc->expired + sc->evicted_all >= sc->cap) {
				/* Left to the next walk of this shard.  Still
				 * bound to its server, so the pass counts it;
				 * that walk's removal is then a change after
				 * this one (V_POST). */
				sc->capped = 1;
				if (sc->mode == WALK_PASS)
					recount_entry(c, key->kind, s.state,
						      (__u32)sc->pass);
				return 0;
			}
			/* In the pass walk the walk itself is the order. */
			if (!sweep_take(key, c, sc->shard,
					sc->mode == WALK_PASS ? V_NONE : V_AUTO)) {
				sc->expired++;
				/* Not by its own timeout: by the flood's. */
				if (!c->timeout &&
				    ((s.state == XLVS_TCP_SYN_RECV &&
				      idle <= m->timeout[XLVS_TCP_SYN_RECV] * 1000000000ull) ||
				     (s.state == XLVS_TCP_SYNACK &&
				      idle <= m->timeout[XLVS_TCP_SYNACK] * 1000000000ull)))
					sc->expired_flood++;
			}
			return 0;
		}
		/* ip_vs_conn_expire: a template that still controls
		 * connections is re-armed for 60 s. */
		c->timeout = XLVS_TPL_REARM_S;
		c->last_ns = sc->now;
	}
	if (sc->mode == WALK_PASS) {
		if (s.flags & XLVS_CONN_F_CONTROLLED)
			tpl_stamp(key, c, sc->now);
		recount_entry(c, key->kind, s.state, (__u32)sc->pass);
	}
	sc->live++;
	cls = entry_class(key, s.state, c, sc);
	if (cls == EC_HALFOPEN)
		sc->halfopen++;
	if (cls < EC_MAX)
		st->hist[cls][idle_bucket(idle)]++;
	return 0;
}

static long sweep_one(struct bpf_map *map, struct xlvs_conn_key *key,
		      struct xlvs_conn *c, struct sweep_ctx *sc)
{
	struct xlvs_conn_key k = *key;

	return sweep_entry(&k, c, sc) ? 1 : 0;
}

/* The youngest (class, idle bucket) such that it and everything evicted
 * before it hold at least target entries. */
static __always_inline void evict_threshold(struct sweep_state *st, __u32 target)
{
	__u32 sum = 0;

	st->evict_class = EC_MAX;
	st->evict_bucket = 0;
	for (int cls = 0; cls < EC_MAX; cls++)
		for (int b = IDLE_BUCKETS - 1; b >= 0; b--) {
			sum += st->hist[cls][b];
			if (sum >= target) {
				st->evict_class = cls;
				st->evict_bucket = b;
				return;
			}
		}
}

/* After a walk of shard sc->shard that found sc->live entries.  A global
 * function: the verifier checks it once, not once a walk mode. */
__noinline int walk_done(struct sweep_ctx *sc)
{
	struct sweep_state *st = sweep_state_get();
	struct xlvs_meta *m = meta_get();
	struct shard_fill *f;
	__u32 sh, share;

	if (!sc || !st || !m)
		return 0;
	sh = sc->shard;
	share = xlvs_conn_share(m->conn_max);
	f = bpf_map_lookup_elem(&shard_fill, &sh);
	if (f) {
		f->live = sc->live;
		f->ins_at_walk = *(volatile __u32 *)&f->ins;
	}
	if (sc->live * 4 >= share * 3 && sc->halfopen * 2 >= sc->live) {
		st->flood_seen = 1;
		if (!st->flood) {
			st->flood = 1;
			count_add(XLVS_CNT_SYNFLOOD_ON, 1);
		}
	}
	if (sc->live > shard_limit(share)) {
		st->evict_target = sc->live - shard_evict_to(share, st->flood);
		evict_threshold(st, st->evict_target);
		st->evict_due = sh + 1;
		/* A shard that gets a new entry past its limit is marked
		 * urgent by the packet path (fill_note); one the pass found
		 * there without that can wait for the next tick at the
		 * steady budget. */
		st->evict_soon = sc->mode == WALK_URGENT;
	}
	return 0;
}

struct fix_ctx {
	__u64 pass;
	__u64 healed;
	__u32 first;
};

static __always_inline __s32 abs32(__s32 v)
{
	return v < 0 ? -v : v;
}

/* The end of a pass for real server first + i: its counts corrected to
 * seen + post if no change was in progress and none was of unclear order. */
static long fix_one(__u32 i, struct fix_ctx *fc)
{
	__u32 id = fc->first + i, p = (__u32)fc->pass & 1;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);
	struct dest_tally *t = bpf_map_lookup_elem(&tally, &id);
	struct xlvs_dest_conns *dc = bpf_map_lookup_elem(&dest_conns, &id);
	__s32 a, in, ps, da, di, dp;
	__u32 e1, b2;

	if (!d || !t || !dc)
		return 1;
	if (d->gen && t->gen == d->gen && t->dirty != (__u32)fc->pass + 1) {
		e1 = __sync_fetch_and_add(&t->end, 0);
		a = *(volatile __s32 *)&dc->active;
		in = *(volatile __s32 *)&dc->inactive;
		ps = *(volatile __s32 *)&dc->persist;
		da = a - (t->seen[0] + *(volatile __s32 *)&t->post[p][0]);
		di = in - (t->seen[1] + *(volatile __s32 *)&t->post[p][1]);
		dp = ps - (t->seen[2] + *(volatile __s32 *)&t->post[p][2]);
		b2 = __sync_fetch_and_add(&t->begin, 0);
		if (b2 == e1 && (da | di | dp)) {
			__sync_fetch_and_add(&dc->active, -da);
			__sync_fetch_and_add(&dc->inactive, -di);
			__sync_fetch_and_add(&dc->persist, -dp);
			fc->healed += abs32(da) + abs32(di) + abs32(dp);
			/* The overload flag follows the healed counts, by the
			 * rules and the claim a bind or unbind uses.  Without
			 * thresholds nothing sets it, and an edit clears it
			 * (__ip_vs_update_dest): nothing to follow. */
			if (dest_limits(d)) {
				overload_update(dc, d, OVL_BIND);
				overload_update(dc, d, OVL_UNBIND);
			}
		}
	}
	/* Ready for the next pass; its post is the other parity. */
	t->seen[0] = t->seen[1] = t->seen[2] = 0;
	t->post[p ^ 1][0] = t->post[p ^ 1][1] = t->post[p ^ 1][2] = 0;
	t->gen = d->gen;
	return id + 1 >= XLVS_DEST_MAX;
}

/* One entry of a pass's walk of the shard's NAT reply sides. */
static long reply_sweep_one(struct bpf_map *map, struct xlvs_conn_key *key,
			    struct xlvs_nat_reply *r, struct sweep_ctx *sc)
{
	struct xlvs_conn_key k = *key;

	sc->reply_orphans += nat_reply_orphan(&k, r);
	return 0;
}

/* One shard's walk in mode, counted; in the pass, its reply sides too. */
static __always_inline void walk(struct sweep_state *st, struct sweep_ctx *sc,
				 const struct xlvs_meta *m, __u32 sh, __u32 mode)
{
	void *conns = bpf_map_lookup_elem(&conn, &sh), *replies;

	sc->shard = sh;
	sc->mode = mode;
	if (!conns)
		return;
	if (mode != WALK_EVICT)
		__builtin_memset(st->hist, 0, sizeof(st->hist));
	bpf_for_each_map_elem(conns, sweep_one, sc, 0);
	if (mode != WALK_EVICT)
		walk_done(sc);
	replies = mode == WALK_PASS ? bpf_map_lookup_elem(&nat_reply, &sh) : NULL;
	if (replies)
		bpf_for_each_map_elem(replies, reply_sweep_one, sc, 0);
}

/* floor(log2(v)) of v > 0, by halving as log2_u17 does. */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffull) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	return r | (__u32)(v >> 1);
}

/* The first shard marked urgent, its mark cleared; -1 if none. */
static __always_inline int urgent_take(struct sweep_state *st)
{
	for (int w = 0; w < XLVS_CONN_SHARDS / 64; w++) {
		__u64 v = st->urgent[w];

		if (v) {
			__u64 low = v & -v;

			__sync_fetch_and_and(&st->urgent[w], ~low);
			return w * 64 + log2_u64(low);
		}
	}
	return -1;
}

/* The end of a pass's correction, FIX_BATCH real servers. */
static __noinline int fix_step(struct sweep_state *st, struct xlvs_timer *sw,
			       __u64 pass, __u64 now)
{
	struct fix_ctx fc = { .pass = pass, .first = st->fix_next };

	bpf_loop(FIX_BATCH, fix_one, &fc, 0);
	count_add(XLVS_CNT_COUNTS_HEALED, fc.healed);
	st->fix_next += FIX_BATCH;
	if (st->fix_next < XLVS_DEST_MAX)
		return 0;
	/* The pass is over. */
	st->fix_next = 0;
	if (!st->flood_seen)
		st->flood = 0;
	st->flood_seen = 0;
	sw->pass_ms = (__u32)((now - st->pass_start_ns) / 1000000);
	sw->tick_max_us = st->tick_max_us;
	st->tick_max_us = 0;
	st->pass_start_ns = now;
	count_add(XLVS_CNT_SWEEP_PASSES, 1);
	__atomic_exchange_n(&st->cursor, (pass + 1) << 16, __ATOMIC_SEQ_CST);
	return 0;
}

static __noinline int walk_counted(struct sweep_state *st, struct sweep_ctx *sc,
				   struct xlvs_meta *m, __u32 sh, __u32 mode)
{
	walk(st, sc, m, sh, mode);
	count_add(XLVS_CNT_CONNS_EXPIRED, sc->expired);
	count_add(XLVS_CNT_EXPIRED_SYNFLOOD, sc->expired_flood);
	count_add(XLVS_CNT_CONNS_EVICTED, sc->evicted_all);
	count_add(XLVS_CNT_NAT_REPLY_ORPHANS, sc->reply_orphans);
	for (int i = 0; i < 7; i++)
		count_add(XLVS_CNT_EVICT_TEMPLATE + i, sc->evicted[i]);
	return 0;
}

/*
 * A walk takes out at most walk_cap entries: taking one out (its claim,
 * the delete, the unbinding and its counts' atomics) costs several times
 * a visit, so a shard whose entries all expire at once (or an eviction
 * from a shard far over its share) would hold the CPU for that many
 * removals.  Half a share keeps such a walk near an ordinary one's
 * length.  The rest is taken out by a walk of the same shard the tick
 * after (bpf_for_each_map_elem cannot resume mid-map; the walk starts
 * over, and what was taken out is gone).
 */
static __always_inline __u32 walk_cap(const struct xlvs_meta *m)
{
	__u32 share = (m->conn_max + conn_nshards() - 1) >> (shard_bits & 15);

	return share / 2 > 8 ? share / 2 : 8;
}

/* Walk sh again for what the capped walk in mode left: an eviction goes on
 * with what is left of its target; expired entries are taken out by a
 * resumed walk, or, if one is pending already, by an urgent one.  A global
 * function: indexing by sh here would make the verifier follow every
 * shard number the caller's branches give apart. */
__noinline int walk_resume_later(const struct sweep_ctx *sc, __u32 sh, __u32 mode)
{
	struct sweep_state *st = sweep_state_get();

	if (!st || !sc)
		return 0;
	count_add(XLVS_CNT_SWEEP_CAPPED, 1);
	if (mode == WALK_EVICT) {
		if (sc->evicted_all < st->evict_target) {
			st->evict_target -= sc->evicted_all;
			st->evict_due = sh + 1;
		}
	} else if (!st->resume) {
		st->resume = sh + 1;
	} else {
		__sync_fetch_and_or(&st->urgent[(sh / 64) & (XLVS_CONN_SHARDS / 64 - 1)],
				    1ull << (sh & 63));
	}
	return 0;
}

/* Work to do at the urgent budget: shards filling fast, and an eviction
 * one of their walks found. */
static __always_inline int sweep_pending(const struct sweep_state *st)
{
	__u64 any = st->evict_due && st->evict_soon;

	for (int w = 0; w < XLVS_CONN_SHARDS / 64; w++)
		any |= st->urgent[w];
	return any != 0;
}

/* The histogram's counter for a tick that held its CPU for took ns. */
static __always_inline __u32 hold_counter(__u64 took)
{
	if (took <= 200000)
		return took <= 100000 ? XLVS_CNT_SWEEP_HOLD_100US :
					XLVS_CNT_SWEEP_HOLD_200US;
	if (took <= 1000000)
		return took <= 500000 ? XLVS_CNT_SWEEP_HOLD_500US :
					XLVS_CNT_SWEEP_HOLD_1MS;
	return took <= 2000000 ? XLVS_CNT_SWEEP_HOLD_2MS :
				 XLVS_CNT_SWEEP_HOLD_MORE;
}

static int sweep(void *map, __u32 *key, struct xlvs_timer *sw)
{
	__u64 t0 = bpf_ktime_get_ns(), cur, took, delay;
	struct sweep_ctx sc = { .now = t0, .pass_ms = sw->pass_ms };
	struct sweep_state *st = sweep_state_get();
	struct xlvs_meta *m = meta_get();
	__u32 n = conn_nshards(), pos, sh = 0, mode = WALK_PASS, soon = 0;
	int u;

	if (!st || !m)
		goto rearm;
	cur = st->cursor;
	pos = CUR_POS(cur);
	sc.pass = CUR_PASS(cur);
	sc.cap = walk_cap(m);
	if (st->resume && st->resume <= XLVS_CONN_SHARDS) {
		/* First: its expired entries are still in the shard, and an
		 * eviction's count is of the rest. */
		sh = st->resume - 1;
		st->resume = 0;
		mode = WALK_RESUME;
	} else if (st->evict_due && st->evict_due <= XLVS_CONN_SHARDS) {
		sh = st->evict_due - 1;
		st->evict_due = 0;
		mode = WALK_EVICT;
	} else if ((u = urgent_take(st)) >= 0) {
		sh = (__u32)u;
		mode = WALK_URGENT;
		count_add(XLVS_CNT_SWEEP_URGENT, 1);
	} else if (pos >= n) {
		fix_step(st, sw, sc.pass, t0);
		goto done;
	} else {
		sh = pos;
		if (pos == 0 && !st->pass_start_ns)
			st->pass_start_ns = t0;
		__atomic_exchange_n(&st->cursor, cur | 1, __ATOMIC_SEQ_CST);
	}
	walk_counted(st, &sc, m, sh, mode);
	if (sc.capped)
		walk_resume_later(&sc, sh, mode);
	if (mode == WALK_PASS)
		__atomic_exchange_n(&st->cursor, (sc.pass << 16) | ((__u64)(pos + 1) << 1),
				    __ATOMIC_SEQ_CST);
done:
	soon = sweep_pending(st);
rearm:
	took = bpf_ktime_get_ns() - t0;
	count_add(XLVS_CNT_SWEEP_NS, took);
	count_add(XLVS_CNT_SWEEP_TICKS, 1);
	if (took > SWEEP_LONG_NS)
		count_add(XLVS_CNT_SWEEP_TICKS_LONG, 1);
	count_add(hold_counter(took), 1);
	if (st && took / 1000 > st->tick_max_us)
		st->tick_max_us = took / 1000;
	if (soon) {
		delay = took * SWEEP_URGENT_BUDGET;
		if (delay < SWEEP_MIN_NS)
			delay = SWEEP_MIN_NS;
	} else {
		delay = took * SWEEP_BUDGET;
		if (delay < 1000000000ull / (n + 1 + FIX_TICKS))
			delay = 1000000000ull / (n + 1 + FIX_TICKS);
	}
	bpf_timer_start(&sw->timer, delay, 0);
	return 0;
}

#endif
