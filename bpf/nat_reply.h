/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The real servers' replies of NAT connections (IPVS's ip_vs_out and
 * handle_response): a packet from a real server's address and port that
 * its reply entry (bpf/nat.h) ties to a live connection moves that
 * connection by IPVS's OUTPUT table, leaves from the virtual address and
 * port, one hop on (IPVS sees it after ip_forward lowered its TTL and
 * checked its size), and is forwarded where the FIB says the client is.
 * Anything else passes to the kernel untouched.
 */
#ifndef XLVS_BPF_NAT_REPLY_H
#define XLVS_BPF_NAT_REPLY_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <xlvs/table.h>
#include "maps.h"
#include "nat.h"
#include "conn.h"
#include "forward.h"
#include "stats.h"

/* The connection a reply entry names: the client's tuple, to vaddr:vport. */
static __always_inline void nat_conn_key_of(struct xlvs_conn_key *ck,
					    const struct xlvs_conn_key *rk,
					    const struct xlvs_nat_reply *r)
{
	__builtin_memset(ck, 0, sizeof(*ck));
	__builtin_memcpy(ck->saddr, rk->daddr, 16);
	__builtin_memcpy(ck->daddr, r->vaddr, 16);
	ck->sport = rk->dport;
	ck->dport = r->vport;
	ck->proto = rk->proto;
	ck->af = rk->af;
	ck->kind = XLVS_KIND_CONN;
}

/* Asks the FIB the way to k's client from its vaddr, the route's MTU
 * with it. */
static __always_inline int reply_hop_lookup(struct xdp_md *ctx, __u8 proto,
					    __u8 tos, const struct reply_hop_key *k,
					    struct reply_hop *h)
{
	struct bpf_fib_lookup *fib = fib_ask(ctx, k->af, proto, tos, k->vaddr,
					     k->daddr, 0);

	if (!fib)
		return -1;
	h->out_ifindex = fib->ifindex;
	h->mtu = fib->mtu_result;
	__builtin_memcpy(h->dmac, fib->dmac, ETH_ALEN);
	__builtin_memcpy(h->smac, fib->smac, ETH_ALEN);
	return 0;
}

/* ip_forward's hop: TTL 1 or 0 is the kernel's to answer (time exceeded),
 * as is a packet too big for the way to the client (fragmentation needed,
 * to the real server, quoting it untranslated as ip_forward does before
 * IPVS sees it): 1 for those, which are passed untouched.  Else 0, and the
 * way is in the scratch's reply_hop, for nat_reply_out. */
static __always_inline int nat_reply_route(struct xdp_md *ctx, __u8 af,
					   __u8 proto, __u16 ip_len, __u8 tos,
					   const __be32 *vaddr, const __be32 *daddr)
{
	__u64 now = bpf_ktime_get_coarse_ns();
	struct scratch *sc = scratch_get();
	struct reply_hop_key *k;
	struct reply_hop *h;

	if (!sc)
		return -1;
	if (af == 6) {
		struct ipv6hdr *ip6 = pkt_ip6(ctx);

		if (!ip6)
			return -1;
		if (ip6->hop_limit <= 1)
			return 1;
	} else {
		struct iphdr *ip = pkt_ip(ctx);

		if (!ip)
			return -1;
		if (ip->ttl <= 1)
			return 1;
	}
	k = &sc->reply_hop_key;
	__builtin_memcpy(k->daddr, daddr, 16);
	__builtin_memcpy(k->vaddr, vaddr, 16);
	k->ifindex = ctx->ingress_ifindex;
	k->af = af;
	h = bpf_map_lookup_elem(&reply_hops, k);
	if (!h || now >= h->expires_ns) {
		if (reply_hop_lookup(ctx, proto, tos, k, &sc->reply_hop))
			return -1;
		sc->reply_hop.expires_ns = now + XLVS_NH_CACHE_NS;
		bpf_map_update_elem(&reply_hops, k, &sc->reply_hop, BPF_ANY);
	} else {
		sc->reply_hop = *h;
	}
	return ip_len > sc->reply_hop.mtu ? 1 : 0;
}

/* Lowers the TTL and sends the rewritten reply by the way found; counted
 * as what. */
static __always_inline int nat_reply_out(struct xdp_md *ctx, __u8 af, __u32 what)
{
	struct scratch *sc = scratch_get();
	struct reply_hop *h;

	if (!sc)
		return XDP_DROP;
	if (af == 6) {
		struct ipv6hdr *ip6 = pkt_ip6(ctx);

		if (!ip6)
			return XDP_DROP;
		ip6->hop_limit--;
	} else {
		struct iphdr *ip = pkt_ip(ctx);

		if (!ip)
			return XDP_DROP;
		ip_decrease_ttl(ip);
	}
	h = &sc->reply_hop;
	return send_by(ctx, h->out_ifindex, h->dmac, h->smac, what);
}

/*
 * The sweeper's pass over a reply shard: entry rk -> *r goes
 * unless a NAT connection of its tag is in the table (one that expired is
 * the pass's to take, with its entry).  An entry outlives its connection
 * only when nat_forget could not find it (its server deleted meanwhile, a
 * race between CPUs); left there, such entries would pile up for good.  A connection
 * made on the same ports to the same server as the entry is removed has
 * its entry put back, in case it wrote it before the removal.  1 if the
 * entry was removed.  A global function: inlined in the walk's callback,
 * its branches multiplied the sweeper's paths past what the verifier takes.
 */
__noinline int nat_reply_orphan(const struct xlvs_conn_key *rk,
				const struct xlvs_nat_reply *r)
{
	struct xlvs_nat_reply keep;
	struct xlvs_conn_key ck;
	struct xlvs_conn *c;
	struct xlvs_dest *d;
	void *shard, *rshard;
	__u32 id;

	if (!rk || !r)
		return 0;
	keep = *r;
	nat_conn_key_of(&ck, rk, &keep);
	shard = conn_shard_get(&ck);
	rshard = nat_reply_shard_get(rk);
	if (!shard || !rshard)
		return 0;
	c = bpf_map_lookup_elem(shard, &ck);
	if (c && c->tag == keep.tag && (c->flags & XLVS_CONN_F_MASQ))
		return 0;
	bpf_map_delete_elem(rshard, rk);
	c = bpf_map_lookup_elem(shard, &ck);
	if (!c || !(c->flags & XLVS_CONN_F_MASQ))
		return 1;
	id = c->dest_id;
	d = bpf_map_lookup_elem(&dest, &id);
	if (d && d->gen == c->dest_gen && addr_eq((const __be32 *)d->addr, (const __be32 *)rk->saddr) &&
	    nat_rport(d, ck.dport) == rk->sport) {
		keep.tag = c->tag;
		bpf_map_update_elem(rshard, rk, &keep, BPF_NOEXIST);
	}
	return 1;
}

/* The reply's connection c (live, NAT, of the entry's tag) moves by the
 * OUTPUT table; its server's counters count the reply. */
static __always_inline void nat_reply_track(struct xlvs_conn *c, __u32 sidx,
					    const struct pkt *p, __u64 now)
{
	if (p->proto == IPPROTO_TCP) {
		union sword sw = sword_get(c);
		__u8 next = tcp_next_state(sw.state, p->tcp_flags, TCP_DIR_OUTPUT);

		if (next != sw.state && sw.state != XLVS_STATE_DEAD)
			conn_set_state(c, sidx, sw.w, next);
	}
	if (now > c->last_ns + CONN_TOUCH_NS)
		c->last_ns = now;
	stats_count_out(c->dest_id, p->ip_len);
}

/* The live NAT connection reply entry r (of key rk) names, or NULL; a
 * stale entry is removed.  *sidx is the connection's shard. */
static __always_inline struct xlvs_conn *
nat_reply_conn(void *rshard, const struct xlvs_conn_key *rk,
	       const struct xlvs_nat_reply *r, struct xlvs_conn_key *ck,
	       const struct xlvs_meta *m, __u64 now, __u32 *sidx)
{
	struct xlvs_conn *c;
	struct xlvs_dest *d;
	void *shard;
	__u32 id;

	/* To the VIP itself: a packet for this host, which IPVS meets in
	 * ip_vs_in, never in ip_vs_out (only a spoofed client could have made
	 * such a connection). */
	if (addr_eq((const __be32 *)rk->daddr, (const __be32 *)r->vaddr)) {
		count(XLVS_CNT_PKTS_PASS);
		return NULL;
	}
	nat_conn_key_of(ck, rk, r);
	*sidx = conn_shard_of(ck);
	shard = bpf_map_lookup_elem(&conn, sidx);
	c = shard ? bpf_map_lookup_elem(shard, ck) : NULL;
	if (!c || c->tag != r->tag) {
		bpf_map_delete_elem(rshard, rk);
		count(XLVS_CNT_PKTS_REPLY_STALE);
		return NULL;
	}
	/* Expired, the sweeper takes it out and this entry with it. */
	if (!(c->flags & XLVS_CONN_F_MASQ) || conn_expired(c, m, now)) {
		count(XLVS_CNT_PKTS_REPLY_STALE);
		return NULL;
	}
	id = c->dest_id;
	d = bpf_map_lookup_elem(&dest, &id);
	if (!d || d->gen != c->dest_gen) {
		count(XLVS_CNT_PKTS_REPLY_STALE);
		return NULL;
	}
	return c;
}

/*
 * A packet for no service whose key (rk: the packet's own tuple) may be a
 * NAT reply's.  A global function: verified once, apart from the paths of
 * new connections.
 */
__noinline int serve_reply(struct xdp_md *ctx, struct pkt *p,
			   const struct xlvs_conn_key *rk, __u64 now)
{
	struct scratch *sc = scratch_get();
	struct xlvs_meta *m = meta_get();
	struct xlvs_nat_reply *r;
	struct xlvs_conn *c;
	__be32 *vaddr;
	__be16 vport;
	void *rshard;
	__u32 sidx;
	int rc;

	if (!sc || !m || !p || !rk)
		return XDP_PASS;
	rshard = nat_reply_shard_get(rk);
	r = rshard ? bpf_map_lookup_elem(rshard, rk) : NULL;
	if (!r) {
		count(XLVS_CNT_PKTS_PASS);
		return XDP_PASS;
	}
	c = nat_reply_conn(rshard, rk, r, &sc->nat_key, m, now, &sidx);
	if (!c)
		return XDP_PASS;
	vaddr = (__be32 *)r->vaddr;
	vport = r->vport;
	rc = nat_reply_route(ctx, p->af, p->proto, p->ip_len, p->tos, vaddr,
			     p->daddr6);
	if (rc)
		return rc > 0 ? XDP_PASS : XDP_DROP;
	nat_reply_track(c, sidx, p, now);
	if (nat_rewrite(ctx, p, NAT_SRC, vaddr, vport))
		return XDP_DROP;
	return nat_reply_out(ctx, p->af, XLVS_CNT_PKTS_REPLY);
}

#endif
