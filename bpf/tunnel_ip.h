/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnelling's two IP families (tunnel.h does the rest): an IPv4 or IPv6
 * packet going into a tunnel of either family (its MTU check, and what
 * the outer headers take from it: ip_vs_prepare_tunneled_skb), and the
 * outer IPv4 or IPv6 header (ip_vs_tunnel_xmit, ip_vs_tunnel_xmit_v6).
 */
#ifndef XLVS_BPF_TUNNEL_IP_H
#define XLVS_BPF_TUNNEL_IP_H

#include "pkt.h"
#include "parse6.h"
#include "csum.h"
#include "frame_csum.h"         /* ip_send_check */
#include "icmp_reply.h"
#include "icmp6_reply.h"

#define IPPROTO_IPIP 4
#define TUN6_MIN_MTU 1280       /* __ip_vs_get_out_rt_v6: IPV6_MIN_MTU */

/* What the outer headers take from the inner packet. */
struct tun_inner {
	__u8 ds;                    /* its TOS or traffic class */
	__u8 ttl;                   /* its TTL or hop limit, decremented */
	__u8 proto;                 /* IPPROTO_IPIP or IPPROTO_IPV6 */
	__u8 pad;
	__be16 df;                  /* an outer IPv4's DF: an IPv4 packet's */
	__be16 sport;               /* GUE's source port */
};

/* INET_ECN_encapsulate(ds, ds): CE inside is ECT(0) outside. */
static __always_inline __u8 tun_ecn(__u8 ds)
{
	return (ds & 3) == 3 ? (ds & ~3) | 2 : ds;
}

/* An IPv4 packet of ip_len bytes for a tunnel leaving room bytes for it:
 * 0 with what the outer headers take in *in, else 1 with the verdict in
 * *rc (the TTL already lowered, as decrement_ttl came first: the answers
 * quote it so, as the kernel's do). */
static __always_inline int tun_inner4(struct xdp_md *ctx, __u32 room, __u32 ip_len,
				      __u64 now, struct tun_inner *in, int *rc)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = pkt_ip(ctx);
	__be16 df;

	*rc = XDP_DROP;
	if (!ip)
		return 1;
	df = ip->frag_off & bpf_htons(IP_DF);
	if (ip_len > room) {
		if (!df) {
			count(XLVS_CNT_PKTS_TOO_BIG);
			return 1;
		}
		*rc = icmp_refuse(ctx, XLVS_CNT_PKTS_FRAG_NEEDED, ICMP_DEST_UNREACH,
				  ICMP_FRAG_NEEDED, bpf_htonl(room), 0, now);
		return 1;
	}
	if (ip_send_check(ip, data_end))
		return 1;
	in->ds = ip->tos;
	in->ttl = ip->ttl;
	in->df = df;
	in->proto = IPPROTO_IPIP;
	return 0;
}

/* The outer IPv4 header from saddr to daddr (4 bytes), of tot_len bytes,
 * protocol next. */
static __always_inline void tun_ip4(struct iphdr *ip, __be32 saddr,
				    const __u8 *daddr, __u32 tot_len,
				    const struct tun_inner *in, __u8 next)
{
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = tun_ecn(in->ds);
	ip->tot_len = bpf_htons(tot_len);
	ip->id = in->df ? 0 : (__u16)bpf_get_prandom_u32();
	ip->frag_off = in->df;
	ip->ttl = in->ttl;
	ip->protocol = next;
	ip->check = 0;
	ip->saddr = saddr;
	__builtin_memcpy(&ip->daddr, daddr, 4);
	ip->check = ip_hdr_csum(ip);
}

/*
 * An IPv6 packet of ip_len bytes (its hop limit already lowered) for a
 * tunnel leaving room bytes for it: 0 with what the outer headers take in
 * *in, else 1 with the verdict in *rc.  IPv6 has no DF: one over the room
 * gets packet too big with it (ensure_mtu_is_adequate), whichever family
 * the tunnel is; an IPv4 one may leave less than 1280 (its floor is 68),
 * and the kernel answers with that too.  The outer IPv4 header's DF is
 * clear (ip_vs_prepare_tunneled_skb's df 0 for IPv6).
 */
static __always_inline int tun_inner6(struct xdp_md *ctx, __u32 room, __u32 ip_len,
				      __u64 now, struct tun_inner *in, int *rc)
{
	struct ipv6hdr *ip6 = pkt_ip6(ctx);

	*rc = XDP_DROP;
	if (!ip6)
		return 1;
	if (ip_len > room) {
		*rc = icmp6_too_big(ctx, room, now);
		return 1;
	}
	/* ipv6_get_dsfield: the traffic class across the first two bytes. */
	in->ds = ip6->priority << 4 | ip6->flow_lbl[0] >> 4;
	in->ttl = ip6->hop_limit;
	in->df = 0;
	in->proto = IPPROTO_IPV6;
	return 0;
}

/* The outer IPv6 header from saddr to daddr (16 bytes each) before
 * payload_len bytes, next header next: traffic class the inner one's
 * (ECN encapsulated), flow label 0, hop limit the inner's. */
static __always_inline void tun_ip6(struct ipv6hdr *ip6, const __be32 *saddr,
				    const __u8 *daddr, __u32 payload_len,
				    const struct tun_inner *in, __u8 next)
{
	*(__be32 *)ip6 = bpf_htonl(6u << 28 | (__u32)tun_ecn(in->ds) << 20);
	ip6->payload_len = bpf_htons(payload_len);
	ip6->nexthdr = next;
	ip6->hop_limit = in->ttl;
	__builtin_memcpy(&ip6->saddr, saddr, 16);
	__builtin_memcpy(&ip6->daddr, daddr, 16);
}

#endif
