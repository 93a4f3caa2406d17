/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection cache: each CPU's copy of the entries its packets hit
 * last, in front of the connection table.
 *
 * A lookup in the table is three dependent reads a cache miss each when
 * the director serves thousands of flows -- the shard's hash (one of up
 * to 2048), its bucket, the entry -- and those misses were most of an
 * established packet's cost (bench/micro's `--flows`).  A slot here is one
 * cache line, found by the key's hash: the key, what the packet path needs
 * of the entry (real server and generation, state, flags, the time it was
 * last seen), and the epoch of the entry's shard when the copy was made.
 *
 * Every change of an entry other than its time -- a state claimed, the
 * entry taken out, by any CPU or the sweeper -- bumps its shard's epoch
 * after the change (conn_claim_state), so a copy is used only while its
 * shard has changed nothing since it was made: it is then what the table
 * says, and its packet is served as serve_hit would serve it.  Anything
 * the copy cannot decide goes to the table: a real server gone or not
 * available, a state this packet moves (so a SYN, a FIN, a RST, an ACK
 * that establishes), an entry expired by its copy's time.
 *
 * The one thing a copy defers is the entry's time: the table's entry is
 * written when a packet comes to it, at most every CONN_TOUCH_NS; a copy
 * older than CONN_CACHE_NS, or than 1/CONN_CACHE_SHARE of its entry's
 * timeout, goes to the table instead, which writes the entry's time and
 * makes a fresh copy.  So an entry's time trails its last packet by less
 * than CONN_CACHE_NS + CONN_TOUCH_NS and by less than 1/CONN_CACHE_SHARE
 * of its timeout: no timeout is cut short by more than 1/64 (a UDP flow's
 * 300 s by a second at most, a 1 s timeout by 16 ms), and the sweeper's
 * eviction, which gives up the idlest of a class first by buckets of
 * 67 ms doubling (bpf/expiry.h), ranks a live flow with those idle less
 * than a second (IPVS's own drop_entry spares nothing idle for less than
 * that either: it drops ESTABLISHED entries only after 60 s idle, and at
 * random).  A refresh is a full lookup, so the window is what decides how
 * many of a slow flow's packets the copy serves: at 36 packets a second,
 * 35 of 36.  Since a copy's own
 * time is never later than its entry's, an entry its copy says is live is
 * live.  A flow gains from its copies when its packets come more often
 * than CONN_CACHE_NS: the flows whose packets a director's CPU spends its
 * time on.
 */
#ifndef XLVS_BPF_CONN_CACHE_H
#define XLVS_BPF_CONN_CACHE_H

#define CONN_CACHE_BITS XLVS_CONN_CACHE_BITS
#define CONN_CACHE_SLOTS (1u << CONN_CACHE_BITS)    /* per CPU */
#define CONN_CACHE_NS 1000000000ull   /* a copy's age, at most */
#define CONN_CACHE_SHARE 64             /* ... and 1/64 of its timeout */

struct conn_slot {
	struct xlvs_conn_key key;
	__u32 dest_id;
	__u32 dest_gen;
	__u32 epoch;            /* its shard's, when the copy was made */
	__u8 state;
	__u8 flags;
	__u16 pad;
	__u64 last_ns;          /* the entry's, when the copy was made */
};

_Static_assert(sizeof(struct conn_slot) == 64, "a slot is one cache line");

/* CONN_CACHE_SLOTS a CPU, CPU i's from i * CONN_CACHE_SLOTS (the loader
 * sizes it for every possible CPU).  An array the program indexes itself,
 * not a per-CPU one: BPF_F_MMAPABLE puts its values on a page boundary,
 * so that each slot is one line.  Not pinned: a cache. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CONN_CACHE_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct conn_slot);
} conn_cache SEC(".maps");

/* Each shard's epoch: bumped after every change of one of its entries. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_CONN_SHARDS);
	__type(key, __u32);
	__type(value, __u32);
} conn_epoch SEC(".maps");

static __always_inline void conn_epoch_bump(__u32 shard)
{
	__u32 *e = bpf_map_lookup_elem(&conn_epoch, &shard);

	if (e)
		__sync_fetch_and_add(e, 1);
}

static __always_inline __u32 *conn_epoch_get(__u32 shard)
{
	return bpf_map_lookup_elem(&conn_epoch, &shard);
}

/* This CPU's slot for a key of hash h (xlvs_conn_hash). */
static __always_inline struct conn_slot *conn_slot_get(__u32 h)
{
	__u32 i = bpf_get_smp_processor_id() * CONN_CACHE_SLOTS +
		  (h >> (32 - CONN_CACHE_BITS));

	return bpf_map_lookup_elem(&conn_cache, &i);
}

static __always_inline int conn_key_eq(const struct xlvs_conn_key *a,
				       const struct xlvs_conn_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	_Static_assert(sizeof(*a) == 40, "the key is five words");
	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) |
		 (x[3] ^ y[3]) | (x[4] ^ y[4]));
}

/*
 * A copy of entry c (key k, found with tag) into slot s, after the packet
 * path served it; the shard's epoch ep read first.  The entry's state word
 * is read before and after its other fields: an entry taken out is
 * claimed dead first, and only then may its memory become another
 * entry's, so an unchanged word (live, of the tag found) says the fields
 * read between were this entry's.
 */
static __always_inline void conn_slot_fill(struct conn_slot *s, const __u32 *ep,
					   const struct xlvs_conn_key *k,
					   const struct xlvs_conn *c, __u32 tag)
{
	__u32 e = *(volatile const __u32 *)ep, id, gen;
	union sword s1, s2;
	__u64 last;

	s1 = sword_get(c);
	if (s1.tag != tag || s1.state == XLVS_STATE_DEAD || c->timeout)
		return;
	id = c->dest_id;
	gen = c->dest_gen;
	last = *(volatile const __u64 *)&c->last_ns;
	s2 = sword_get(c);
	if (s2.w != s1.w)
		return;
	/* Only this CPU reads or writes its slots, never two runs at once. */
	__builtin_memcpy(&s->key, k, sizeof(*k));
	s->dest_id = id;
	s->dest_gen = gen;
	s->epoch = e;
	s->state = s1.state;
	s->flags = s1.flags;
	s->last_ns = last;
}

#endif
