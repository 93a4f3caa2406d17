/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table: keys, IPVS's TCP state machine and expiry.
 *
 * Direct routing and tunnelling see only the client's half of a TCP
 * connection, so IPVS moves their states by its INPUT-ONLY table; NAT sees
 * both halves and moves by the INPUT table for the client's packets and
 * the OUTPUT table for the real server's (ip_vs_proto_tcp.c's tcp_states,
 * set_tcp_state: a connection without IP_VS_CONN_F_NOOUTPUT).  Those three
 * tables are reproduced here.  An entry is expired
 * when it has been idle longer than its state's timeout: lookups treat it as
 * gone at once, and the sweeper (xlvs.bpf.c) frees it.
 */
#ifndef XLVS_BPF_CONN_H
#define XLVS_BPF_CONN_H

#include "nat.h"                /* a NAT connection's reply entry */

#define sNO XLVS_TCP_NONE
#define sES XLVS_TCP_ESTABLISHED
#define sSS XLVS_TCP_SYN_SENT
#define sSR XLVS_TCP_SYN_RECV
#define sFW XLVS_TCP_FIN_WAIT
#define sTW XLVS_TCP_TIME_WAIT
#define sCL XLVS_TCP_CLOSE
#define sCW XLVS_TCP_CLOSE_WAIT
#define sLA XLVS_TCP_LAST_ACK
#define sLI XLVS_TCP_LISTEN
#define sSA XLVS_TCP_SYNACK

/* How often a packet writes its entry's time: the timeouts are seconds
 * (the shortest 2), so a write every few milliseconds is as good as every
 * packet's, and saves a cache line bouncing between CPUs. */
#define CONN_TOUCH_NS (16ull * 1000000)

/* IPVS's TCP_DIR_*: which table a packet moves its connection by. */
enum tcp_dir {
	TCP_DIR_INPUT = 0,          /* NAT, client to real server */
	TCP_DIR_OUTPUT = 1,         /* NAT, real server to client */
	TCP_DIR_INPUT_ONLY = 2,     /* direct routing, tunnels */
};

/* Rows: per direction, syn, fin, ack, rst.  Columns: the current state.
 * As in current kernels: an ACK moves NONE to ESTABLISHED (a connection
 * sloppy_tcp schedules mid-stream; older ones had CLOSE there). */
static const __u8 tcp_states[3 * 4][XLVS_TCP_SYNACK + 1] = {
/* INPUT  sNO, sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA, sLI, sSA */
/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
/*fin*/ { sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW },
/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR },
/* OUTPUT sNO, sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA, sLI, sSA */
/*syn*/ { sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR },
/*fin*/ { sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
/*rst*/ { sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
/* INPUT-ONLY                                                    */
/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
/*fin*/ { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
};

/* IPVS's tcp_state_idx: rst wins, then syn, fin, ack; -1 for none. */
static __always_inline int tcp_flag_row(__u8 flags)
{
	if (flags & TCP_FLAG_RST)
		return 3;
	if (flags & TCP_FLAG_SYN)
		return 0;
	if (flags & TCP_FLAG_FIN)
		return 1;
	if (flags & TCP_FLAG_ACK)
		return 2;
	return -1;
}

static __always_inline __u8 tcp_next_state(__u8 state, __u8 flags,
					   enum tcp_dir dir)
{
	int row = tcp_flag_row(flags);
	__u32 st = state, r;

	/* In registers, checked there: the verifier must see the bounds. */
	asm volatile("" : "+r"(st));
	if (st > XLVS_TCP_SYNACK || dir > TCP_DIR_INPUT_ONLY)
		return state;
	/* set_tcp_state: none of the four flags, and new_state stays what it
	 * starts as, CLOSE. */
	if (row < 0)
		return XLVS_TCP_CLOSE;
	r = dir * 4 + row;
	asm volatile("" : "+r"(r));
	if (r >= 3 * 4)
		return state;
	return tcp_states[r][st];
}

/* The direction a connection's own packets (the client's) move it by. */
static __always_inline enum tcp_dir tcp_dir_in(__u8 conn_flags)
{
	return conn_flags & XLVS_CONN_F_MASQ ? TCP_DIR_INPUT : TCP_DIR_INPUT_ONLY;
}

/* Which of its real server's counts an entry is in: templates count as
 * persistent (IPVS's persistconns), TCP connections as active in the
 * states tcp_state_active() names (Linux 4.8+: ESTABLISHED, SYN_SENT,
 * SYN_RECV, SYNACK), everything else inactive, UDP included
 * (ip_vs_bind_dest, set_tcp_state). */
static __always_inline int tcp_state_active(__u8 st)
{
	return st == XLVS_TCP_ESTABLISHED || st == XLVS_TCP_SYN_SENT ||
	       st == XLVS_TCP_SYN_RECV || st == XLVS_TCP_SYNACK;
}

static __always_inline int cnt_of(__u8 kind, __u8 st)
{
	if (kind == XLVS_KIND_TEMPLATE)
		return CNT_PERSIST;
	return tcp_state_active(st) ? CNT_ACTIVE : CNT_INACTIVE;
}

/* The state word of c as read once, and its parts. */
union sword {
	__u64 w;
	struct {
		__u8 state, flags, tpl_plen, pad0;
		__u32 tag;
	};
};

static __always_inline union sword sword_get(const struct xlvs_conn *c)
{
	union sword s = { .w = *(volatile const __u64 *)&c->sword };

	return s;
}

#include "conn_cache.h"         /* each CPU's copies, each shard's epoch */

/* Moves c from state `from` to `to` if no other CPU changed its state
 * word first (nor the element became another entry: the tag): 1 if this
 * CPU made the change (and is the one to count it).  A connection's
 * claimer then bumps its shard's epoch (conn_epoch_bump), so that no CPU's
 * cached copy of it (conn_cache.h) outlives the change. */
static __always_inline int conn_claim_state(struct xlvs_conn *c, union sword from,
					    __u8 to)
{
	union sword n = from;

	n.state = to;
	return __sync_val_compare_and_swap(&c->sword, from.w, n.w) == from.w;
}

/*
 * The overloaded flag against the thresholds, as one whole.  An edit
 * (xlvs_set_thresholds below) replaces u_threshold and l_threshold with one
 * 64-bit store, and bumps the edit count kept in dest_conns.flags above the
 * flag bits; a bind or unbind reads flags first, then the thresholds, and
 * changes the flag only with a compare-and-swap on the flags it read.  So a
 * bind that read the old thresholds cannot set the flag once the edit has
 * counted itself: its swap fails and it looks again with the new ones.  An
 * edit that finds the flag set by a bind before it judges it under its own
 * thresholds (IPVS's rule: raised or removed, cleared).
 */
#define XLVS_LIMITS_SEQ_ONE 0x100   /* dest_conns.flags bits 8..31 */

_Static_assert(__builtin_offsetof(struct xlvs_dest, u_threshold) % 8 == 0 &&
	       __builtin_offsetof(struct xlvs_dest, l_threshold) ==
	       __builtin_offsetof(struct xlvs_dest, u_threshold) + 4,
	       "the thresholds are read and written as one 64-bit word");

static __always_inline __u64 dest_limits(const struct xlvs_dest *d)
{
	return *(volatile const __u64 *)&d->u_threshold;
}

/* A full barrier read: what the flags are before the thresholds are read. */
static __always_inline __u32 dest_flags_read(struct xlvs_dest_conns *dc)
{
	return __sync_val_compare_and_swap(&dc->flags, 0, 0);
}

enum { OVL_BIND, OVL_UNBIND };

/* The flag after a bind (ip_vs_bind_dest: set at the upper threshold,
 * active + inactive, templates excluded) or an unbind (ip_vs_unbind_dest:
 * cleared below the lower threshold, or below 3/4 of the upper one when
 * there is no lower one, or at once with neither). */
static __always_inline __u32 overload_next(__u32 f, __u64 lim, __s64 total,
					   int op)
{
	__u32 u = (__u32)lim, l = (__u32)(lim >> 32);
	int clear;

	if (op == OVL_BIND)
		return u && total >= u ? f | XLVS_DEST_F_OVERLOAD : f;
	if (l)
		clear = total < l;
	else if (u)
		clear = total * 4 < (__s64)u * 3;
	else
		clear = 1;
	return clear ? f & ~XLVS_DEST_F_OVERLOAD : f;
}

/* A few tries: each failed swap means another CPU changed the flags; what
 * is still wrong after them is put right by the next bind or unbind. */
static __noinline void overload_update(struct xlvs_dest_conns *dc,
					    const struct xlvs_dest *d, int op)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		__u32 f = dest_flags_read(dc), want;
		__u64 lim = dest_limits(d);

		want = overload_next(f, lim, (__s64)dc->active + dc->inactive, op);
		if (want == f || __sync_val_compare_and_swap(&dc->flags, f, want) == f)
			return;
	}
}

/* ip_vs_bind_dest: a new entry (templates too) may bring the server to its
 * upper threshold.  g was begun before the entry was inserted; ok says it
 * was.  No upper threshold, nothing to do. */
static __always_inline void conn_bind(struct chg *g, const struct xlvs_dest *d,
				      __u32 shard, int cnt, int ok)
{
	struct xlvs_dest_conns *dc = g->dc;

	chg_end(g, shard, -1, ok ? cnt : -1, V_AUTO);
	if (ok && dc && (__u32)dest_limits(d))
		overload_update(dc, d, OVL_BIND);
}

/* ip_vs_unbind_dest: only an overloaded server can change. */
static __always_inline void conn_unbind(struct chg *g, const struct xlvs_dest *d,
					__u32 shard, int cnt, int v)
{
	struct xlvs_dest_conns *dc = g->dc;

	chg_end(g, shard, cnt, -1, v);
	if (dc && (dc->flags & XLVS_DEST_F_OVERLOAD))
		overload_update(dc, d, OVL_UNBIND);
}

/* A state change of connection c (key k, in shard) from the state word it
 * was read with: made and counted only if this CPU's claim wins.  Returns
 * whether it did. */
static __noinline int conn_set_state(struct xlvs_conn *c, __u32 shard,
				     __u64 from_w, __u8 to)
{
	union sword from = { .w = from_w };
	int a = tcp_state_active(from.state), b = tcp_state_active(to);
	/* Read before the claim, which proves them the claimed entry's: once
	 * it is made, another CPU may take the element out and reuse it. */
	__u32 id = c->dest_id, gen = c->dest_gen;
	struct xlvs_dest *d;
	struct chg g;

	if (a == b) {
		if (!conn_claim_state(c, from, to))
			return 0;
		conn_epoch_bump(shard);
		return 1;
	}
	chg_begin(&g, id);
	if (!conn_claim_state(c, from, to)) {
		chg_end(&g, shard, -1, -1, V_AUTO);
		return 0;
	}
	conn_epoch_bump(shard);
	/* A deleted server's slot may count another server now. */
	d = bpf_map_lookup_elem(&dest, &id);
	if (d && d->gen == gen)
		chg_end(&g, shard, a ? CNT_ACTIVE : CNT_INACTIVE,
			b ? CNT_ACTIVE : CNT_INACTIVE, V_AUTO);
	else
		chg_end(&g, shard, -1, -1, V_AUTO);
	return 1;
}

/*
 * Takes entry c (key k, in shard) out of map: claims it (state
 * XLVS_STATE_DEAD) so that only one CPU, or the sweeper, ever takes it
 * out and unbinds it, deletes it, and unbinds it from its real server
 * (unless that server was deleted: a new one may have the slot and fresh
 * counts).  unbind_later: leave the unbinding to conn_unbind_copy (a copy
 * in *copy; the deleted element may be reused at once), for a caller that
 * must bind a new connection first.  0 if this CPU took it out.
 */
static __always_inline long conn_take(void *map, const struct xlvs_conn_key *k,
				      struct xlvs_conn *c, __u32 shard,
				      struct xlvs_conn *copy, int v)
{
	union sword s = sword_get(c);
	struct xlvs_dest *d;
	struct chg g;
	__u32 id;

	if (s.state == XLVS_STATE_DEAD)
		return -1;
	*copy = *c;
	id = copy->dest_id;
	chg_begin(&g, id);
	if (!conn_claim_state(c, s, XLVS_STATE_DEAD)) {
		chg_end(&g, shard, -1, -1, v);
		return -1;
	}
	conn_epoch_bump(shard);
	copy->state = s.state;
	bpf_map_delete_elem(map, k);
	if (copy->flags & XLVS_CONN_F_MASQ)
		nat_forget(k, id, copy->dest_gen, copy->tag);
	d = bpf_map_lookup_elem(&dest, &id);
	if (d && d->gen == copy->dest_gen)
		conn_unbind(&g, d, shard, cnt_of(k->kind, s.state), v);
	else
		chg_end(&g, shard, -1, -1, v);
	return 0;
}

/* Claims and deletes c like conn_take, and leaves its unbinding to
 * conn_unbind_copy: IPVS unbinds an entry a SYN reuses only after binding
 * the new connection (the order decides whether the server ends up
 * overloaded).  0 if this CPU took it out. */
static __always_inline long conn_take_only(void *map, const struct xlvs_conn_key *k,
					   struct xlvs_conn *c, struct xlvs_conn *copy,
					   __u64 *w1)
{
	union sword s = sword_get(c);
	struct sweep_state *st = sweep_state_get();

	if (s.state == XLVS_STATE_DEAD)
		return -1;
	*copy = *c;
	*w1 = st ? *(volatile __u64 *)&st->cursor : 0;
	if (!conn_claim_state(c, s, XLVS_STATE_DEAD))
		return -1;
	conn_epoch_bump(conn_shard_of(k));
	copy->state = s.state;
	bpf_map_delete_elem(map, k);
	if (copy->flags & XLVS_CONN_F_MASQ)
		nat_forget(k, copy->dest_id, copy->dest_gen, copy->tag);
	return 0;
}

static __always_inline void conn_unbind_copy(const struct xlvs_conn_key *k,
					     const struct xlvs_conn *copy,
					     __u32 shard, __u64 w1)
{
	__u32 id = copy->dest_id;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);
	struct chg g;

	if (!d || d->gen != copy->dest_gen)
		return;
	/* The entry went when conn_take_only read w1. */
	chg_begin(&g, id);
	g.w1 = w1;
	conn_unbind(&g, d, shard, cnt_of(k->kind, copy->state), V_AUTO);
}

static __always_inline int dest_overloaded(__u32 dest_id)
{
	struct xlvs_dest_conns *dc = bpf_map_lookup_elem(&dest_conns, &dest_id);

	return dc && (dc->flags & XLVS_DEST_F_OVERLOAD);
}

static __always_inline void conn_key_of(struct xlvs_conn_key *k,
					const struct pkt *p)
{
	__builtin_memset(k, 0, sizeof(*k));
	/* IPv4's words past the first are zero in p, as in the key. */
	__builtin_memcpy(k->saddr, p->saddr6, 16);
	__builtin_memcpy(k->daddr, p->daddr6, 16);
	k->sport = p->sport;
	k->dport = p->dport;
	k->proto = p->proto;
	k->af = p->af;
}

/* The timeout of an entry in state st, of its own timeout (0: its
 * state's), in seconds; -1 for an entry that is gone (dead, no state). */
static __always_inline __s64 conn_limit(__u32 st, __u32 timeout,
					const struct xlvs_meta *m)
{
	__u64 limit;

	if (st == XLVS_STATE_DEAD)
		return -1;
	if (timeout) {
		limit = timeout;
	} else if (st < XLVS_STATE_MAX) {
		barrier_var(st);
		limit = m->timeout[st];
	} else {
		return -1;
	}
	/* Under a SYN flood half-open entries live XLVS_SYNFLOOD_TIMEOUT at
	 * most (secure_tcp's SYN_RECV timeout), so spoofed ones leave early. */
	if ((st == XLVS_TCP_SYN_RECV || st == XLVS_TCP_SYNACK) && !timeout &&
	    limit > XLVS_SYNFLOOD_TIMEOUT) {
		struct sweep_state *ss = sweep_state_get();

		if (ss && ss->flood)
			limit = XLVS_SYNFLOOD_TIMEOUT;
	}
	return (__s64)limit;
}

/* An entry in state st, of its own timeout (0: its state's), last seen
 * at last_ns: idle longer than its timeout? */
static __always_inline int conn_expired_at(__u32 st, __u32 timeout, __u64 last_ns,
					   const struct xlvs_meta *m, __u64 now)
{
	__s64 limit = conn_limit(st, timeout, m);

	if (limit < 0)
		return 1;
	/* now can trail last_ns a little: another CPU wrote it a tick later. */
	return now > last_ns && now - last_ns > (__u64)limit * 1000000000ull;
}

/* Idle longer than its timeout: a template's own, else its state's. */
static __always_inline int conn_expired(const struct xlvs_conn *c,
					const struct xlvs_meta *m, __u64 now)
{
	/* One read: the compiler would otherwise bound one copy and index
	 * with another. */
	__u32 st = *(volatile const __u8 *)&c->state;

	return conn_expired_at(st, c->timeout, c->last_ns, m, now);
}

#endif
