/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sweeper's state and the recount that keeps the real servers'
 * connection counts exact.
 *
 * The counts (dest_conns) are moved by the packet path and the sweeper, one
 * atomic add per change.  They can still drift: an entry may be lost in a
 * race nobody won.  So the sweeper
 * recounts: each pass walks every shard once and adds up, per real server,
 * the entries it finds (tally.seen).  The walk is not a snapshot -- packets
 * change entries while it goes -- so every change of a count also notes
 * where it stands against the walk of its entry's shard (the pass cursor,
 * read before and after the change):
 *   - the shard's walk is over: the walk saw the entry as it was, so the
 *     change is added to tally.post (the changes the walk missed);
 *   - the walk has not begun: it will see the change, nothing to note;
 *   - the walk was under way, or the cursor moved on meanwhile: the order
 *     is unknown, and the server is marked dirty for this pass.
 * At the end of the pass, for each server not dirty, the true count is
 * seen + post, and the live count is corrected by the difference.  The
 * live count and post are read as one (no change in progress: tally.begin
 * and .end, which every change bumps before and after), and the correction
 * is an atomic add, so changes made meanwhile are kept.  A drift thus
 * heals within one pass; the correction's size is counted (counts_healed).
 * post is kept per pass parity: the changes made while a pass is being
 * corrected belong to that pass, not the next.
 */
#ifndef XLVS_BPF_RECOUNT_H
#define XLVS_BPF_RECOUNT_H

#define CNT_ACTIVE 0
#define CNT_INACTIVE 1
#define CNT_PERSIST 2

/* Eviction classes, in the order a full shard gives them up. */
enum evict_class {
	EC_TEMPLATE = 0,        /* templates that control nothing */
	EC_HALFOPEN,            /* SYN_RECV, SYNACK, SYN_SENT */
	EC_CLOSE,               /* CLOSE, NONE, LISTEN */
	EC_TIMEWAIT,
	EC_FIN_UDP,             /* FIN_WAIT, CLOSE_WAIT, LAST_ACK; UDP */
	EC_ESTABLISHED,
	EC_MAX,
	EC_KEEP = EC_MAX,       /* never evicted (templates in use) */
};
#define IDLE_BUCKETS 16

/*
 * The pass cursor: pass << 16 | pos << 1 | walking.  pos is the shard the
 * pass walks next (or walks now, with walking set); pos == the number of
 * shards is the correction that ends the pass.
 */
#define CUR_PASS(w) ((w) >> 16)
#define CUR_POS(w) ((__u32)((w) >> 1) & 0x7fff)
#define CUR_WALKING(w) ((w) & 1)

struct sweep_state {
	__u64 cursor;
	__u64 pass_start_ns;
	__u64 urgent[XLVS_CONN_SHARDS / 64];   /* shards filling fast */
	__u32 flood;            /* the SYN-flood defence is on */
	__u32 flood_seen;       /* a walk of this pass saw a flooded shard */
	__u32 fix_next;         /* the correction's next real server */
	__u32 evict_due;        /* a walk found shard evict_due - 1 over its
				 * share (0: none): */
	__u32 evict_target;     /* evict this many, */
	__u32 evict_class;      /* every entry of a class below this one */
	__u32 evict_bucket;     /* and of this class, idle bucket >= this */
	__u32 evict_soon;       /* found by a walk out of turn: at the
				 * urgent budget (bpf/expiry.h) */
	__u32 resume;           /* a walk of shard resume - 1 stopped at its
				 * cap (0: none): walked again next */
	__u32 tick_max_us;      /* the longest tick of this pass so far */
	__u32 hist[EC_MAX][IDLE_BUCKETS];   /* the walk's eviction candidates */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sweep_state);
} sweep_st SEC(".maps");

static __always_inline struct sweep_state *sweep_state_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sweep_st, &zero);
}

struct dest_tally {
	__s32 seen[3];          /* this pass's walks: active, inactive, persist */
	__u32 gen;              /* the server's gen they were counted for */
	__s32 post[2][3];       /* by pass parity: changes after their walk */
	__u32 begin, end;       /* changes begun and ended */
	__u32 dirty;            /* pass + 1 when a change's order was unclear */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct dest_tally);
} tally SEC(".maps");

/* What the sweeper knows of each shard's fill: inserts since its last walk
 * tell the packet path when a shard fills fast enough to be swept out of
 * turn (urgent), long before its hash is full. */
struct shard_fill {
	__u32 live;             /* entries at the last walk */
	__u32 ins;              /* inserts, ever (atomic) */
	__u32 ins_at_walk;      /* ins at the last walk */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_CONN_SHARDS);
	__type(key, __u32);
	__type(value, struct shard_fill);
} shard_fill SEC(".maps");

static __always_inline __u32 sweep_pass_ms(void)
{
	__u32 k = XLVS_TIMER_SWEEP;
	struct xlvs_timer *t = bpf_map_lookup_elem(&timers, &k);

	return t ? t->pass_ms : 0;
}

/* A shard is evicted from once it holds more than its share and 1/8 (a
 * shard of a full table is over its share now and then by chance alone),
 * down to its share and 1/16 (7/8 of it under a SYN flood); its hash has room for more
 * (XLVS_CONN_HEADROOM), so it refuses a new entry only when the sweeper
 * cannot keep up. */
static __always_inline __u32 shard_limit(__u32 share)
{
	return share + share / 8;
}

static __always_inline __u32 shard_evict_to(__u32 share, int flood)
{
	/* Under a SYN flood deeper, so a shard is walked less often. */
	return flood ? share - share / 8 : share + share / 16;
}

static __always_inline __u32 conn_nshards(void)
{
	return 1u << (shard_bits & 15);
}

static __always_inline __u32 conn_shard_of(const struct xlvs_conn_key *k)
{
	return xlvs_conn_shard(k, shard_bits);
}

/* A full barrier and a read: BPF has no fence of its own. */
static __always_inline __u64 cursor_read(void)
{
	struct sweep_state *st = sweep_state_get();

	return st ? __sync_fetch_and_add(&st->cursor, 0) : 0;
}

static __always_inline int cur_walked(__u64 w, __u32 shard)
{
	return CUR_POS(w) > shard;
}

static __always_inline int cur_in_walk(__u64 w, __u32 shard)
{
	return CUR_WALKING(w) && CUR_POS(w) == shard;
}

#define V_NONE 0        /* the walk sees the change */
#define V_POST 1        /* the walk has missed it */
#define V_DIRTY 2       /* unknown */

/* Where a change of an entry in shard stands against that shard's walk,
 * the cursor being w1 just before the change and w2 just after. */
static __always_inline int cur_verdict(__u64 w1, __u64 w2, __u32 shard)
{
	if (CUR_PASS(w1) == CUR_PASS(w2)) {
		if (cur_walked(w1, shard))
			return V_POST;
		if (!cur_walked(w2, shard) && !cur_in_walk(w1, shard) &&
		    !cur_in_walk(w2, shard))
			return V_NONE;
		return V_DIRTY;
	}
	/* A new pass began: its walk of the shard is still to come, unless
	 * it has come already. */
	return cur_walked(w2, shard) || cur_in_walk(w2, shard) ? V_DIRTY : V_NONE;
}

static __always_inline __s32 *count_field(struct xlvs_dest_conns *dc, int cnt)
{
	return cnt == CNT_PERSIST ? &dc->persist :
	       cnt == CNT_ACTIVE ? &dc->active : &dc->inactive;
}

static __always_inline __s32 *post_field(struct dest_tally *t, __u32 pass, int cnt)
{
	__s32 *p = t->post[pass & 1];

	return cnt == CNT_PERSIST ? &p[2] : cnt == CNT_ACTIVE ? &p[0] : &p[1];
}

/*
 * One change of a real server's counts, around the change of its entry:
 *   chg_begin(&g, id);  <claim, insert or delete the entry>;
 *   chg_end(&g, shard, from, to, v);
 * from and to are the counts (CNT_*) the entry leaves and joins, -1 for
 * none (both -1 when the entry change failed); v is V_AUTO, or the
 * sweeper's own verdict.  Every atomic here is a full barrier, which
 * orders the cursor reads around the entry change.
 */
#define V_AUTO (-1)

struct chg {
	struct xlvs_dest_conns *dc;
	struct dest_tally *t;
	__u64 w1;
};

static __always_inline void chg_begin(struct chg *g, __u32 id)
{
	struct sweep_state *st = sweep_state_get();

	g->dc = bpf_map_lookup_elem(&dest_conns, &id);
	g->t = bpf_map_lookup_elem(&tally, &id);
	if (g->t)
		__sync_fetch_and_add(&g->t->begin, 1);
	g->w1 = st ? *(volatile __u64 *)&st->cursor : 0;
}

static __noinline void chg_end(struct chg *g, __u32 shard, int from,
				    int to, int v)
{
	struct sweep_state *st = sweep_state_get();
	struct xlvs_dest_conns *dc = g->dc;
	struct dest_tally *t = g->t;
	__u64 w2;

	if (dc && (from >= 0 || to >= 0)) {
		if (from >= 0)
			__sync_fetch_and_add(count_field(dc, from), -1);
		if (to >= 0)
			__sync_fetch_and_add(count_field(dc, to), 1);
		w2 = st ? *(volatile __u64 *)&st->cursor : 0;
		if (v == V_AUTO)
			v = cur_verdict(g->w1, w2, shard);
		if (t && v == V_POST) {
			if (from >= 0)
				__sync_fetch_and_add(post_field(t, CUR_PASS(w2), from), -1);
			if (to >= 0)
				__sync_fetch_and_add(post_field(t, CUR_PASS(w2), to), 1);
		} else if (t && v == V_DIRTY) {
			t->dirty = (__u32)CUR_PASS(w2) + 1;
		}
	}
	if (t)
		__sync_fetch_and_add(&t->end, 1);
}

#endif
