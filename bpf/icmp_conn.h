/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP errors about tracked connections (IPVS's ip_vs_in_icmp and
 * ip_vs_out_icmp), so that path-MTU discovery and unreachables work
 * through the director:
 *  - one to a virtual address quoting a packet from it (a router on the
 *    client's side answering a real server's reply, sent from the VIP)
 *    goes to that connection's real server, by its method: as it is for
 *    direct routing, tunnelled for tunnels, and for NAT with the real
 *    server's address and port in place of the virtual ones (ICMP's
 *    destination, the quote's source);
 *  - one quoting a packet of a NAT connection on its way to the real
 *    server (the server's own unreachable, a router's fragmentation
 *    needed) goes to the client with the virtual address and port in place
 *    of the real ones (ICMP's source, as IPVS also hides a router's, and
 *    the quote's destination), one hop on, as a reply is.
 * An error about a connection whose ICMP checksum is wrong is dropped, as
 * IPVS drops it (ip_vs_checksum_complete); NAT's quoted IP header gets its
 * checksum from scratch (ip_send_check) and ICMP's is mended incrementally,
 * which, from a right one, is what recomputing it gives (the quoted TCP/UDP
 * checksum stays, as IPVS leaves it).  Every other ICMP error passes to
 * the kernel untouched.
 */
#ifndef XLVS_BPF_ICMP_CONN_H
#define XLVS_BPF_ICMP_CONN_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <xlvs/table.h>
#include "csum.h"
#include "maps.h"
#include "parse.h"
#include "nat.h"
#include "nat_reply.h"
#include "forward.h"
#include "tunnel.h"
#include "frame_csum.h"
#include "stats.h"

/*
 * Puts addr:port in the ICMP packet's source (NAT_SRC) or destination
 * (NAT_DST) and in the quote's other end: the quote's destination and
 * destination port, or its source and source port.  -1 if the headers
 * parse_icmp found are not there.
 */
static __always_inline int icmp_nat_rewrite(struct xdp_md *ctx,
					    const struct pkt *p, int which,
					    __u32 addr, __be16 port)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr), *cih;
	__u8 *ic = data + (p->l4_off & 0x7f);
	__u16 *icsum, *pp, oldc;
	__u32 *ap, old, cihl;

	if ((void *)(ip + 1) > end || (void *)(ic + ICMP_HLEN) > end)
		return -1;
	cih = data + (p->inner_off & 0x7f);
	if ((void *)(cih + 1) > end)
		return -1;
	cihl = cih->ihl * 4 & 0x3c;
	pp = (void *)cih + cihl;
	if ((void *)(pp + 2) > end)
		return -1;
	icsum = (__u16 *)(ic + 2);
	ap = which == NAT_SRC ? &ip->saddr : &ip->daddr;
	csum_replace4(&ip->check, *ap, addr);
	*ap = addr;
	ap = which == NAT_SRC ? &cih->daddr : &cih->saddr;
	old = *ap;
	oldc = cih->check;
	*ap = addr;
	if (ip_send_check(cih, end))
		return -1;
	csum_replace4(icsum, old, addr);
	csum_replace2(icsum, oldc, cih->check);
	pp += which == NAT_SRC ? 1 : 0;
	csum_replace2(icsum, *pp, port);
	*pp = port;
	return 0;
}

/* The ICMPv6 message at l4_off summed anew with the pseudo-header of the
 * addresses the frame holds now, as ip_vs_nat_icmp_v6 leaves it
 * (CHECKSUM_PARTIAL, so the whole message is summed on the way out: a
 * wrong checksum that came in leaves right). */
static __always_inline int icmp6_csum_anew(struct xdp_md *ctx, const struct pkt *p)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	__u32 off = p->l4_off & 0xff, len = p->ip_len + sizeof(struct ethhdr) - off;
	__u16 *ck = data + off + 2;
	__s64 sum;

	if ((void *)(ip6 + 1) > end || (void *)(ck + 1) > end)
		return -1;
	*ck = 0;
	sum = bpf_csum_diff(NULL, 0, (void *)&ip6->saddr, 32, 0);
	if (sum < 0)
		return -1;
	/* Each word on its own: their sum in 32 bits would carry out. */
	sum += (__u64)bpf_htonl(len) + bpf_htonl(NEXTHDR_ICMPV6);
	sum = (__u16)~csum_fold32(sum);
	return csum_fill(ctx, off, len, sum, 2);
}

/* icmp_nat_rewrite for ICMPv6 (ip_vs_nat_icmp_v6): the addresses and the
 * port, then the checksum summed anew. */
static __always_inline int icmp6_nat_rewrite(struct xdp_md *ctx,
					     const struct pkt *p, int which,
					     const __be32 *addr, __be16 port)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr), *cih;
	__be32 *ap, *qp;
	__be16 *pp;

	cih = data + (p->inner_off & 0xff);
	pp = data + (p->inner_l4_off & 0xff);
	if ((void *)(ip6 + 1) > end || (void *)(cih + 1) > end ||
	    (void *)(pp + 2) > end)
		return -1;
	ap = which == NAT_SRC ? (__be32 *)&ip6->saddr : (__be32 *)&ip6->daddr;
	qp = which == NAT_SRC ? (__be32 *)&cih->daddr : (__be32 *)&cih->saddr;
	for (int i = 0; i < 4; i++) {
		ap[i] = addr[i];
		qp[i] = addr[i];
	}
	pp[which == NAT_SRC ? 1 : 0] = port;
	return icmp6_csum_anew(ctx, p);
}

static __always_inline int icmp_nat_any(struct xdp_md *ctx, const struct pkt *p,
					int which, const __be32 *addr, __be16 port)
{
	if (p->af == 6)
		return icmp6_nat_rewrite(ctx, p, which, addr, port);
	return icmp_nat_rewrite(ctx, p, which, addr[0], port);
}

/* ip_vs_in_icmp: to connection c's real server, by its method. */
static __always_inline int icmp_in(struct xdp_md *ctx, const struct pkt *p,
				   const struct xlvs_conn *c, __u64 now)
{
	__u32 id = c->dest_id, masq = c->flags & XLVS_CONN_F_MASQ;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);
	struct xlvs_nh_cache *nh;
	int rc;

	if (!d || d->gen != c->dest_gen || !(d->flags & XLVS_DEST_F_AVAILABLE))
		return XDP_PASS;
	stats_count(id, p->ip_len, 0);
	if (!masq && d->fwd == XLVS_FWD_LOCAL) {
		count(XLVS_CNT_ICMP_RELAYED);
		return XDP_PASS;
	}
	if (!masq && d->fwd == XLVS_FWD_TUNNEL) {
		count(XLVS_CNT_ICMP_RELAYED);
		return tun_defer(id, p->ip_len);
	}
	nh = nh_get(ctx, p, d, id, now);
	if (!nh)
		return XDP_DROP;
	/* ip_vs_icmp_xmit's route lowers the TTL too; an ICMP error is never
	 * answered (fwd_hop drops it at TTL 1), nor, over IPv6, is one too big
	 * for the way (ensure_mtu_is_adequate drops it unanswered; IPv4's
	 * check lets an ICMP error by). */
	if (fwd_hop(ctx, p->af, now, &rc))
		return rc;
	if (p->af == 6 && p->ip_len > nh->mtu) {
		count(XLVS_CNT_PKTS_TOO_BIG);
		return XDP_DROP;
	}
	if (masq && icmp_nat_any(ctx, p, NAT_DST, (const __be32 *)d->addr,
				 nat_rport(d, p->sport)))
		return XDP_DROP;
	count(XLVS_CNT_ICMP_RELAYED);
	return nh_send(ctx, nh);
}

/* ip_vs_out_icmp: about NAT connection c (reply entry r), to its client. */
static __always_inline int icmp_out(struct xdp_md *ctx, const struct pkt *p,
				    const struct xlvs_conn *c,
				    const struct xlvs_nat_reply *r)
{
	const __be32 *vaddr = (const __be32 *)r->vaddr;
	__be16 vport = r->vport;
	int rc;

	rc = nat_reply_route(ctx, p->af, p->af == 6 ? NEXTHDR_ICMPV6 : IPPROTO_ICMP,
			     p->ip_len, p->tos, vaddr, p->outer_daddr6);
	if (rc)
		return rc > 0 ? XDP_PASS : XDP_DROP;
	stats_count_out(c->dest_id, p->ip_len);
	if (icmp_nat_any(ctx, p, NAT_SRC, vaddr, vport))
		return XDP_DROP;
	return nat_reply_out(ctx, p->af, XLVS_CNT_ICMP_RELAYED);
}

/* Whether the ICMP message, len bytes at off (header and quote: what the
 * outer header says follows it), sums right.  A global function: its
 * chunked loop is verified once. */
__noinline int icmp_csum_ok(struct xdp_md *ctx, __u32 off, __u32 len)
{
	__s64 sum = frame_csum(ctx, off, len, 0);

	return sum >= 0 && !csum_fold32(sum);
}

/* ip_vs_in_icmp checks an ICMP error's checksum (ip_vs_checksum_complete);
 * ip_vs_in_icmp_v6 checks none (a NAT relay leaves with its sum made
 * anew, icmp6_nat_rewrite). */
static __always_inline int icmp_error_ok(struct xdp_md *ctx, const struct pkt *p)
{
	return p->af == 6 ||
	       icmp_csum_ok(ctx, p->l4_off, p->ip_len + sizeof(struct ethhdr) - p->l4_off);
}

/*
 * An ICMP error quoting the TCP/UDP tuple in p.  Both directions look the
 * quote up reversed -- the connection's own key (in), or its reply key
 * (out) -- and take only an error sent to the quoted packet's source, as
 * an error is.  A global function, verified once.
 */
__noinline int serve_icmp(struct xdp_md *ctx, struct pkt *p, __u64 now)
{
	struct scratch *sc = scratch_get();
	struct xlvs_meta *m = meta_get();
	struct xlvs_conn_key *k;
	struct xlvs_nat_reply *r;
	struct xlvs_conn *c;
	void *shard, *rshard;
	__u32 sidx;

	if (!sc || !m || !p)
		return XDP_PASS;
	if (!addr_eq(p->outer_daddr6, p->saddr6)) {
		count(XLVS_CNT_PKTS_PASS);
		return XDP_PASS;
	}
	k = &sc->key;
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(k->saddr, p->daddr6, 16);
	__builtin_memcpy(k->daddr, p->saddr6, 16);
	k->sport = p->dport;
	k->dport = p->sport;
	k->proto = p->proto;
	k->af = p->af;
	sidx = conn_shard_of(k);
	shard = bpf_map_lookup_elem(&conn, &sidx);
	c = shard ? bpf_map_lookup_elem(shard, k) : NULL;
	if (c && !conn_expired(c, m, now))
		return icmp_error_ok(ctx, p) ? icmp_in(ctx, p, c, now) : XDP_DROP;
	rshard = nat_reply_shard_get(k);
	r = rshard ? bpf_map_lookup_elem(rshard, k) : NULL;
	if (r) {
		c = nat_reply_conn(rshard, k, r, &sc->nat_key, m, now, &sidx);
		if (!c)
			return XDP_PASS;
		return icmp_error_ok(ctx, p) ? icmp_out(ctx, p, c, r) : XDP_DROP;
	}
	count(XLVS_CNT_PKTS_PASS);
	return XDP_PASS;
}

#endif
