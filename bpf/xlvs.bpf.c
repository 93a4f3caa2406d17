// SPDX-License-Identifier: GPL-2.0
/*
 * The xlvs data plane: the IPVS table and its forwarding as one XDP program.
 * The entry function only dispatches and counts; parsing, scheduling, the
 * connection table and forwarding each live in their own header.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xlvs/table.h>

#define ETH_ALEN 6
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define CLOCK_MONOTONIC 1
#define BPF_NOEXIST 1
#define EEXIST 17

#include "maps.h"
#include "parse.h"
#include "recount.h"
#include "conn.h"
#include "template.h"
#include "sched.h"
#include "persist.h"
#include "forward.h"
#include "leave.h"
#include "tunnel.h"
#include "stats.h"
#include "nat_reply.h"
#include "icmp_conn.h"
#include "expiry.h"
#include "sync.h"
#include "lblc_expire.h"

char LICENSE[] SEC("license") = "GPL";

/* The method is the real server's; the table holds only those the data
 * plane has (libxlvs refuses the others).  A connection keeps NAT or not as
 * it was made (masq), as IPVS binds a connection's transmitter once: an
 * edit of its server's method leaves it be.  A global function, verified
 * once rather than on each path that forwards. */
__noinline int forward(struct xdp_md *ctx, struct pkt *p, __u32 dest_id,
		       __u32 masq, __u64 now)
{
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &dest_id);
	struct xlvs_nh_cache *nh;
	int rc;

	if (!d || !p)
		return XDP_DROP;
	if (!masq && d->fwd == XLVS_FWD_LOCAL) {
		/* IPVS's LOCALNODE: this host is the real server. */
		count(XLVS_CNT_PKTS_LOCAL);
		return XDP_PASS;
	}
	if (!masq && d->fwd == XLVS_FWD_TUNNEL)
		return tun_defer(dest_id, p->ip_len);
	/* Direct routing and NAT: __ip_vs_get_out_rt lowers the TTL (TTL 1
	 * gets time exceeded), then checks the MTU, before NAT mangles: a
	 * "fragmentation needed" quotes the packet as the client sent it but
	 * for its TTL. */
	nh = nh_get(ctx, p, d, dest_id, now);
	if (!nh)
		return XDP_DROP;
	if (fwd_hop(ctx, p->af, now, &rc))
		return rc;
	if (p->ip_len > nh->mtu)
		return p->af == 6 ? icmp6_too_big(ctx, nh->mtu, now) :
				    icmp_too_big(ctx, nh->mtu, now);
	if (masq && nat_rewrite(ctx, p, NAT_DST, (const __be32 *)d->addr,
				nat_rport(d, p->dport)))
		return XDP_DROP;
	return nh_send(ctx, nh);
}

/*
 * IPVS's ip_vs_service_find: the exact port first; then, for TCP to port 20
 * or an unprivileged port, the address's FTP service (port 21), to which
 * passive FTP's data connections belong; then a port-zero service, which
 * takes every port.  The fallbacks are looked up only while the table has
 * such services (IPVS's ftpsvc_counter and nullsvc_counter).  sk->port is
 * left as the found service's.
 */
#define UNPRIVILEGED_PORT 1024

static __always_inline struct xlvs_svc *svc_find(struct xlvs_svc_key *sk,
						 const struct xlvs_meta *m)
{
	struct xlvs_svc *s = bpf_map_lookup_elem(&svc, sk);
	__u16 port = bpf_ntohs(sk->port);

	if (s)
		return s;
	if (m->ftp_svcs && sk->proto == IPPROTO_TCP &&
	    (port == XLVS_FTP_PORT - 1 || port >= UNPRIVILEGED_PORT)) {
		sk->port = bpf_htons(XLVS_FTP_PORT);
		s = bpf_map_lookup_elem(&svc, sk);
		if (s)
			return s;
	}
	if (!m->null_svcs)
		return NULL;
	sk->port = 0;
	return bpf_map_lookup_elem(&svc, sk);
}

/* The real server for a new connection: its template's on a persistent
 * service, else the scheduler's. */
static __always_inline struct xlvs_dest *
pick_new(const struct xlvs_svc *s, const struct pkt *p,
	 const struct xlvs_conn_key *key, const struct xlvs_meta *m, __u64 now,
	 __u32 *id, struct xlvs_conn **tplp)
{
	*tplp = NULL;
	if (s->flags & XLVS_SVC_F_PERSISTENT)
		return persist_pick(s, p, key, m, now, id, tplp);
	return pick_dest(s, p, id);
}

/* -o (IPVS's one-packet scheduling): every UDP datagram is scheduled on its
 * own and no connection is kept (IPVS makes one and frees it at once; a
 * persistent service still makes or uses the client's template). */
static __always_inline int serve_one_packet(struct xdp_md *ctx, struct pkt *p,
					    const struct xlvs_svc *s,
					    const struct xlvs_svc_key *sk,
					    const struct xlvs_meta *m,
					    const struct xlvs_conn_key *key,
					    __u64 now)
{
	struct xlvs_conn *tpl;
	struct xlvs_dest *d;
	__u32 id = 0;

	d = pick_new(s, p, key, m, now, &id, &tpl);
	if (!d)
		return leave(ctx, p, sk->port, now);
	count(XLVS_CNT_CONNS_NEW);
	stats_count(id, p->ip_len, 1);
	/* IPVS frees the connection at once: a NAT server's replies find
	 * none, and pass untranslated, as there. */
	return forward(ctx, p, id, d->fwd == XLVS_FWD_MASQ, now);
}

/* A connection that is not in the table, for service s: schedule it if
 * IPVS would (tcp_conn_schedule: a SYN, or any packet with sloppy_tcp, but
 * never a RST; udp_conn_schedule: any datagram). */
/* A new entry in shard sidx: when the inserts since its last walk would
 * take it past its limit, it is marked for the sweeper to walk out of turn
 * (bpf/expiry.h), long before its LRU would evict silently. */
static __always_inline void fill_note(__u32 sidx, const struct xlvs_meta *m)
{
	struct shard_fill *f = bpf_map_lookup_elem(&shard_fill, &sidx);
	struct sweep_state *st;
	__u32 n, share;
	__u64 bit;

	if (!f)
		return;
	n = __sync_fetch_and_add(&f->ins, 1) + 1;
	share = (m->conn_max + conn_nshards() - 1) >> (shard_bits & 15);
	if (f->live + (n - f->ins_at_walk) <= shard_limit(share))
		return;
	st = sweep_state_get();
	bit = 1ull << (sidx & 63);
	if (st && !(st->urgent[(sidx / 64) & (XLVS_CONN_SHARDS / 64 - 1)] & bit))
		__sync_fetch_and_or(&st->urgent[(sidx / 64) & (XLVS_CONN_SHARDS / 64 - 1)],
				    bit);
}

static __always_inline int serve_new(struct xdp_md *ctx, struct pkt *p,
				     const struct xlvs_svc *s,
				     const struct xlvs_svc_key *sk,
				     const struct xlvs_meta *m, void *shard,
				     __u32 sidx, const struct xlvs_conn_key *key,
				     __u64 now)
{
	struct xlvs_conn *tpl, *c;
	struct scratch *sc;
	struct xlvs_dest *d;
	struct chg g;
	__u32 id = 0;
	long rc;
	int ok;

	if (p->proto == IPPROTO_TCP && ((p->tcp_flags & TCP_FLAG_RST) ||
	    !((p->tcp_flags & TCP_FLAG_SYN) || m->sysctl.sloppy_tcp))) {
		count(XLVS_CNT_PKTS_NO_CONN);
		return XDP_PASS;
	}
	d = pick_new(s, p, key, m, now, &id, &tpl);
	if (!d)
		return leave(ctx, p, sk->port, now);
	/* The new entry is built in the scratch: the stack has no room left
	 * for it beside the schedulers' frames. */
	sc = scratch_get();
	if (!sc)
		return XDP_PASS;
	c = &sc->fresh;
	__builtin_memset(c, 0, sizeof(*c));
	c->last_ns = now;
	c->dest_id = id;
	c->dest_gen = d->gen;
	c->tag = bpf_get_prandom_u32();
	if (d->fwd == XLVS_FWD_MASQ)
		c->flags = XLVS_CONN_F_MASQ;
	c->state = p->proto == IPPROTO_TCP ?
		   tcp_next_state(XLVS_TCP_NONE, p->tcp_flags,
				  tcp_dir_in(c->flags)) : XLVS_UDP_STATE;
	if (tpl) {
		c->flags |= XLVS_CONN_F_CONTROLLED |
			    (s->tpl_noport ? XLVS_CONN_F_TPL_NOPORT : 0);
		c->tpl_plen = s->tpl_plen;
	}
	chg_begin(&g, id);
	rc = bpf_map_update_elem(shard, key, c, BPF_NOEXIST);
	ok = !rc;
	conn_bind(&g, d, sidx, cnt_of(XLVS_KIND_CONN, c->state), ok);
	if (rc && rc != -EEXIST) {
		/* A full shard (E2BIG) refuses the newcomer, as IPVS drops a
		 * packet whose connection it cannot allocate: no entry is
		 * ever pushed out to make room but by the sweeper's
		 * eviction, which gives up held connections last.  (EEXIST:
		 * another CPU made the entry first; the packet goes on.) */
		count(XLVS_CNT_CONNS_INSERT_FAILED);
		return XDP_DROP;
	}
	if (ok) {
		count(XLVS_CNT_CONNS_NEW);
		fill_note(sidx, m);
		if (tpl)
			tpl->ctl_stamp = xlvs_tpl_stamp(now);
		if (c->flags & XLVS_CONN_F_MASQ)
			nat_remember(key, d, c->tag);
		sync_note_new(shard, key, c->state);
	}
	stats_count(id, p->ip_len, 1);
	return forward(ctx, p, id, d->fwd == XLVS_FWD_MASQ, now);
}

/*
 * No connection for the packet: find its service, or pass it on.  A global
 * function, verified once on its own: inlined, the scheduling beneath it
 * would be verified again on every path that gets here.  So it takes only
 * memory and scalars, and looks the table up again itself.
 */
__noinline int serve_miss(struct xdp_md *ctx, struct pkt *p,
			  const struct xlvs_conn_key *key, __u32 sidx, __u64 now)
{
	struct scratch *sc = scratch_get();
	struct xlvs_meta *m = meta_get();
	struct xlvs_svc_key *sk;
	struct xlvs_svc *s;
	void *shard;

	if (!sc || !m || !p || !key)
		return XDP_PASS;
	shard = bpf_map_lookup_elem(&conn, &sidx);
	if (!shard)
		return XDP_PASS;
	/* In the scratch, as serve_new's entry: the stack is full. */
	sk = &sc->svc_key;
	__builtin_memset(sk, 0, sizeof(*sk));
	__builtin_memcpy(sk->addr, p->daddr6, 16);
	sk->port = p->dport;
	sk->proto = p->proto;
	sk->af = p->af;
	s = svc_find(sk, m);
	if (!s)
		return serve_reply(ctx, p, key, now);
	if ((s->flags & XLVS_SVC_F_ONEPACKET) && p->proto == IPPROTO_UDP)
		return serve_one_packet(ctx, p, s, sk, m, key, now);
	return serve_new(ctx, p, s, sk, m, shard, sidx, key, now);
}

/*
 * A SYN on a tracked connection that IPVS would schedule anew instead
 * (ip_vs_in_hook): never one a template controls; with expire_nodest_conn
 * one whose server has weight 0; with conn_reuse_mode one in TIME_WAIT or
 * CLOSE (is_new_conn_expected), and with its bit 1 in FIN_WAIT too, which
 * the kernel allows for connections without an output direction (direct
 * routing and tunnels, not NAT).
 */
static __always_inline int conn_resched(const struct xlvs_conn *c,
					const struct pkt *p,
					const struct xlvs_meta *m)
{
	__u32 mode = m->sysctl.conn_reuse_mode;
	__u32 id = c->dest_id;
	struct xlvs_dest *d;

	if (p->proto != IPPROTO_TCP || !(p->tcp_flags & TCP_FLAG_SYN) ||
	    (c->flags & XLVS_CONN_F_CONTROLLED))
		return 0;
	if (m->sysctl.expire_nodest_conn) {
		d = bpf_map_lookup_elem(&dest, &id);
		if (d && d->gen == c->dest_gen && d->weight == 0)
			return 1;
	}
	if (!mode)
		return 0;
	return c->state == XLVS_TCP_TIME_WAIT || c->state == XLVS_TCP_CLOSE ||
	       ((mode & 2) && c->state == XLVS_TCP_FIN_WAIT &&
		!(c->flags & XLVS_CONN_F_MASQ));
}

/* A packet of a tracked connection: IPVS looks it up before the service,
 * so a connection outlives its service and its server's deletion.  Returns
 * a verdict, or -1 when expire_nodest_conn wants it scheduled anew. */
static __always_inline int serve_hit(struct xdp_md *ctx, struct pkt *p,
				     const struct xlvs_meta *m, __u32 sidx,
				     const struct xlvs_conn_key *key,
				     struct xlvs_conn *c, __u64 now)
{
	__u32 id = c->dest_id;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);

	if (!d || d->gen != c->dest_gen || !(d->flags & XLVS_DEST_F_AVAILABLE)) {
		/* In the trash: drop until the server is back or the entry
		 * expires, or with expire_nodest_conn expire it now. */
		if (m->sysctl.expire_nodest_conn)
			return -1;
		count(XLVS_CNT_PKTS_DEST_GONE);
		return XDP_DROP;
	}
	union sword sw = sword_get(c);
	__u8 st = sw.state;

	if (p->proto == IPPROTO_TCP) {
		__u8 next = tcp_next_state(sw.state, p->tcp_flags,
					   tcp_dir_in(sw.flags));

		/* Another CPU's change of the same entry may win: then this
		 * packet's is not made (nor counted). */
		if (next != sw.state && sw.state != XLVS_STATE_DEAD &&
		    conn_set_state(c, sidx, sw.w, next)) {
			st = next;
			if (next == XLVS_TCP_ESTABLISHED &&
			    (sw.flags & XLVS_CONN_F_CONTROLLED))
				tpl_assure(key, c);
		}
	}
	sync_note(key, c, sw.state, st);
	if (now > c->last_ns + CONN_TOUCH_NS)
		c->last_ns = now;
	stats_count(id, p->ip_len, 0);
	return forward(ctx, p, id, c->flags & XLVS_CONN_F_MASQ, now);
}

/*
 * The entry an expired or rescheduled connection leaves: IPVS unbound an
 * expired one before this packet came; one a SYN reuses it expires now,
 * and its timer unbinds it only after the new connection is bound (the
 * order decides whether the server ends up overloaded).  Returns whether
 * the unbinding is left for after the new connection (serve's
 * conn_unbind_copy).
 */
static __always_inline int conn_leave(void *shard, __u32 sidx,
				      const struct xlvs_conn_key *key,
				      struct xlvs_conn *stale, int reused,
				      struct scratch *sc)
{
	/* Gone already if another CPU (or the sweeper) took it out first. */
	if (!reused) {
		conn_take(shard, key, stale, sidx, &sc->old, V_AUTO);
		return 0;
	}
	count(XLVS_CNT_CONNS_RESCHEDULED);
	return !conn_take_only(shard, key, stale, &sc->old, &sc->old_w1);
}

/* How a tracked entry is left for a new connection: not at all (-1), as
 * expired (0), or reused by a SYN (1). */
static __always_inline int conn_fate(struct xdp_md *ctx, struct pkt *p,
				     const struct xlvs_meta *m, __u32 sidx,
				     const struct xlvs_conn_key *key,
				     struct xlvs_conn *c, __u64 now, int *rc)
{
	if (conn_expired(c, m, now))
		return 0;
	if (conn_resched(c, p, m))
		return 1;
	*rc = serve_hit(ctx, p, m, sidx, key, c, now);
	return *rc >= 0 ? -1 : 1;
}

/*
 * A packet of a connection this CPU's cache holds a copy of, still good
 * (its shard's epoch unchanged since): served as serve_hit would serve it,
 * without the table, when the copy can decide; -1 sends it to the table
 * (bpf/conn_cache.h says which cases those are).  The key is the
 * scratch's.  Global functions, this and conn_cached_fill: their frames
 * are their own, beside the schedulers' beneath serve_miss.
 */
/* While a sync master runs, every packet goes by the table: it counts
 * each connection's packets on the entry (bpf/sync.h). */
static __always_inline int cache_on(void)
{
	__u32 zero = 0;
	struct xlvs_sync_ctl *c = bpf_map_lookup_elem(&sync_ctl, &zero);

	return c && !c->master;
}

__noinline int serve_cached(struct xdp_md *ctx, struct pkt *p, __u64 now)
{
	struct xlvs_meta *m = meta_get();
	struct scratch *sc = scratch_get();
	struct conn_slot *s;
	struct xlvs_dest *d;
	__u32 id, st, h, *ep;
	__u64 age;
	__s64 limit;

	if (!m || !sc || !p || !cache_on())
		return -1;
	h = xlvs_conn_hash(&sc->key);
	ep = conn_epoch_get(h >> (32 - (shard_bits & 31)));
	s = conn_slot_get(h);
	if (!ep || !s || s->epoch != *(volatile __u32 *)ep ||
	    !conn_key_eq(&s->key, &sc->key))
		return -1;
	id = s->dest_id;
	st = s->state;
	/* Not when the entry's time is to be written (so also not when it
	 * has expired: its timeout is longer). */
	age = now > s->last_ns ? now - s->last_ns : 0;
	limit = conn_limit(st, 0, m);
	if (limit < 0 || age >= CONN_CACHE_NS ||
	    age * CONN_CACHE_SHARE >= (__u64)limit * 1000000000ull)
		return -1;
	d = bpf_map_lookup_elem(&dest, &id);
	if (!d || d->gen != s->dest_gen || !(d->flags & XLVS_DEST_F_AVAILABLE))
		return -1;
	if (p->proto == IPPROTO_TCP &&
	    ((p->tcp_flags & TCP_FLAG_SYN) ||
	     tcp_next_state(st, p->tcp_flags, tcp_dir_in(s->flags)) != st))
		return -1;
	count(XLVS_CNT_CONN_CACHE_HITS);
	stats_count(id, p->ip_len, 0);
	return forward(ctx, p, id, s->flags & XLVS_CONN_F_MASQ, now);
}

/* The table's entry c (of tag when found) served the scratch key's packet:
 * this CPU's copy of it is made. */
__noinline int conn_cached_fill(struct xlvs_conn *c, __u32 tag)
{
	struct scratch *sc = scratch_get();
	struct conn_slot *s;
	__u32 h, *ep;

	if (!sc || !c)
		return 0;
	h = xlvs_conn_hash(&sc->key);
	ep = conn_epoch_get(h >> (32 - (shard_bits & 31)));
	s = conn_slot_get(h);
	if (ep && s)
		conn_slot_fill(s, ep, &sc->key, c, tag);
	return 0;
}

/* The key is in the scratch, off the stack: serve_miss's frame and the
 * schedulers' beneath it need the room. */
static __always_inline int serve(struct xdp_md *ctx, struct pkt *p)
{
	struct xlvs_meta *m = meta_get();
	struct scratch *sc = scratch_get();
	struct xlvs_conn_key *key;
	struct xlvs_conn *c;
	/* Timeouts are in seconds: the coarse clock is precise enough. */
	__u64 now = bpf_ktime_get_coarse_ns();
	int rc = XDP_PASS, fate, forget_after = 0;
	void *shard;
	__u32 sidx;

	if (!m || !sc)
		return XDP_PASS;
	key = &sc->key;
	conn_key_of(key, p);
	rc = serve_cached(ctx, p, now);
	if (rc >= 0)
		return rc;
	sidx = conn_shard_of(key);
	shard = bpf_map_lookup_elem(&conn, &sidx);
	if (!shard)
		return XDP_PASS;    /* a table still being built */
	c = bpf_map_lookup_elem(shard, key);
	if (c) {
		__u32 tag = sword_get(c).tag;

		fate = conn_fate(ctx, p, m, sidx, key, c, now, &rc);
		if (fate < 0) {
			conn_cached_fill(c, tag);
			return rc;
		}
		forget_after = conn_leave(shard, sidx, key, c, fate, sc);
	}
	/* One call of serve_miss for all the ways here: each inlined copy
	 * would cost the verifier the whole scheduling path again. */
	rc = serve_miss(ctx, p, key, sidx, now);
	sc = scratch_get();     /* the verifier forgets it across the call */
	if (forget_after && sc)
		conn_unbind_copy(&sc->key, &sc->old, sidx, sc->old_w1);
	return rc;
}

/* ip_rcv_core drops a frame to another host's MAC (PACKET_OTHERHOST),
 * which a bridge floods and a promiscuous device takes in: never IPVS's,
 * whatever its addresses say. */
static __always_inline int for_other_host(struct xdp_md *ctx)
{
	__u32 i = ctx->ingress_ifindex;
	struct ethhdr *eth = pkt_eth(ctx);
	__u64 *mac, dst = 0;

	if (!eth || i >= XLVS_DEV_MAC_MAX)
		return 0;
	mac = bpf_map_lookup_elem(&dev_mac, &i);
	if (!mac || !*mac)
		return 0;
	__builtin_memcpy(&dst, eth->h_dest, ETH_ALEN);
	return dst != (*mac & 0xffffffffffffull);
}

SEC("xdp")
int xlvs_xdp(struct xdp_md *ctx)
{
	/* In the scratch, as the key: the stack is the schedulers'. */
	struct scratch *sc = scratch_get();
	struct pkt *p;
	int rc;

	count(XLVS_CNT_PKTS_IN);
	if (!sc)
		return XDP_PASS;
	if (for_other_host(ctx)) {
		count(XLVS_CNT_PKTS_NOT_HOST);
		return XDP_PASS;
	}
	p = &sc->pkt;
	__builtin_memset(p, 0, sizeof(*p));
	switch (parse_packet(ctx, p)) {
	case PARSE_OK:
		rc = serve(ctx, p);
		return rc == TUN_VERDICT ? tun_send(ctx) : rc;
	case PARSE_ICMP:
		rc = serve_icmp(ctx, p, bpf_ktime_get_coarse_ns());
		return rc == TUN_VERDICT ? tun_send(ctx) : rc;
	case PARSE_MALFORMED:
		count(XLVS_CNT_PKTS_MALFORMED);
		return XDP_PASS;
	case PARSE_FRAGMENT:
		count(XLVS_CNT_PKTS_FRAGMENT);
		return XDP_PASS;
	default:
		count(XLVS_CNT_PKTS_PASS);
		return XDP_PASS;
	}
}

/* Arms one of the table's timers.  -EBUSY means an earlier load did: the
 * timer runs on, and its callback becomes this program's (an upgrade's new
 * code takes over the next tick; bpf_timer_set_callback leaves the expiry
 * as it is).  Fails with the step that failed and the helper's errno:
 * step | errno << 8. */
static __always_inline int timer_arm(__u32 id, void *cb, __u64 first_ns)
{
	struct xlvs_timer *t = bpf_map_lookup_elem(&timers, &id);
	long err;

	if (!t)
		return 1;
	err = bpf_timer_init(&t->timer, &timers, CLOCK_MONOTONIC);
	if (err == -16) {
		err = bpf_timer_set_callback(&t->timer, cb);
		return err ? 5 | (int)(-err & 0xffff) << 8 : 0;
	}
	if (err)
		return 2 | (int)(-err & 0xffff) << 8;
	err = bpf_timer_set_callback(&t->timer, cb);
	if (err)
		return 3 | (int)(-err & 0xffff) << 8;
	err = bpf_timer_start(&t->timer, first_ns, 0);
	return err ? 4 | (int)(-err & 0xffff) << 8 : 0;
}

/* Run once by the loader (BPF_PROG_TEST_RUN).  The timers live in a pinned
 * map, so they keep running after every tool has exited. */
SEC("syscall")
int xlvs_arm_timers(void *ctx)
{
	int rc = timer_arm(XLVS_TIMER_SWEEP, sweep, SWEEP_FIRST_NS);

	if (!rc)
		rc = timer_arm(XLVS_TIMER_EST, estimate, XLVS_EST_INTERVAL_NS);
	return rc ? rc : timer_arm(XLVS_TIMER_LBLC, lblc_check_expire, LBLC_CHECK_NS);
}

/* Run by libxlvs (xlvs_lblc_expire_now): the collector's full check at
 * once, rather than within its next 30 minutes. */
SEC("syscall")
int xlvs_lblc_collect(void *ctx)
{
	lblc_full_check();
	return 0;
}

/*
 * Run by libxlvs for an edit of a real server's thresholds (-e -x -y, or a
 * re-add from the trash): both replaced with one store, then the flag
 * judged as __ip_vs_update_dest does -- an upper threshold raised or removed
 * ends an overload; lowered, the next bind sets it -- in the same swap that
 * counts the edit, so no bind that read the old thresholds can change the
 * flag after it (see overload_update in conn.h).  1 if there is no such
 * server, 2 if the flags never held still.
 */
SEC("syscall")
int xlvs_set_thresholds(struct xlvs_thresholds_arg *a)
{
	__u32 id = a->dest_id;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);
	struct xlvs_dest_conns *dc = bpf_map_lookup_elem(&dest_conns, &id);
	__u64 lim = (__u64)a->l_threshold << 32 | a->u_threshold, old;
	int clear;

	if (!d || !dc)
		return 1;
	old = __sync_lock_test_and_set((__u64 *)&d->u_threshold, lim);
	clear = !a->u_threshold || a->u_threshold > (__u32)old;
	for (int i = 0; i < 64; i++) {
		__u32 f = dest_flags_read(dc), want = f + XLVS_LIMITS_SEQ_ONE;

		if (clear)
			want &= ~XLVS_DEST_F_OVERLOAD;
		if (__sync_val_compare_and_swap(&dc->flags, f, want) == f)
			return 0;
	}
	return 2;
}

/* Run by libxlvs for a backup sync daemon (xlvs_sync_install): one
 * connection received, made or updated in the table as the kernel's
 * ip_vs_proc_conn does (bpf/sync.h). */
SEC("syscall")
int xlvs_sync_install(struct xlvs_sync_install *a)
{
	struct scratch *sc = scratch_get();
	struct xlvs_sync_install in;

	if (!sc)
		return XLVS_SYNC_BUSY;
	__builtin_memcpy(&in, a, sizeof(in));
	return sync_install(&in, &sc->key, &sc->fresh, &sc->old);
}

/* Run by libxlvs after a schedule flip, when traffic moved the old schedule
 * while the new one was built (lib/sched_carry.c): the new one's resume
 * point set in place, where the XDP program's atomic picks are kept. */
SEC("syscall")
int xlvs_sched_resume(struct xlvs_sched_resume *r)
{
	__u32 key = r->key;
	struct xlvs_sched *sc = bpf_map_lookup_elem(&sched, &key);

	if (!sc)
		return 1;
	sc->start = r->start;
	sc->init_last = r->init_last;
	sc->init_cw = r->init_cw;
	return 0;
}
