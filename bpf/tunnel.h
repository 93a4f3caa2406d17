/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forwarding by tunnelling, as IPVS does it (net/netfilter/ipvs/
 * ip_vs_xmit.c): ip_vs_tunnel_xmit for an IPv4 real server (outer IPv4),
 * ip_vs_tunnel_xmit_v6 for an IPv6 one (outer IPv6), whatever
 * the packet's family (IPVS mixes families for tunnels only):
 *  - the route to the real server first (__ip_vs_get_out_rt(_v6)): none,
 *    drop;
 *  - the inner TTL or hop limit is decremented (decrement_ttl); a packet
 *    arriving with 1 or 0 gets time exceeded instead (ICMP or ICMPv6, the
 *    packet's family);
 *  - the room left for it is the route's MTU less the outer headers (IPv4's
 *    20 bytes or IPv6's 40; GUE's UDP and 4-byte header; GRE's 4 bytes, 8
 *    with its checksum).  Under 68 for an IPv4 route, under 1280 for an
 *    IPv6 one (IPV6_MIN_MTU), every packet is dropped.  An IPv4 packet
 *    over the room with DF set gets ICMP fragmentation needed with the room
 *    as its MTU (ensure_mtu_is_adequate), one without DF is dropped here
 *    (the kernel would fragment the outer packet: XDP cannot); an IPv6
 *    packet over it gets ICMPv6 packet too big with the room;
 *  - an inner IPv4 header's checksum is recomputed (ip_send_check),
 *    nothing else of the inner packet changes;
 *  - the outer header (ip_vs_prepare_tunneled_skb): source the route's
 *    preferred source for the real server (do_output_route4's saddr,
 *    __ip_vs_route_output_v6's), TOS or traffic class the inner one with
 *    CE mapped to ECT(0) (INET_ECN_encapsulate), TTL or hop limit the
 *    inner's, protocol 4 (an IPv4 packet) or 41 (an IPv6 one), 17 for gue,
 *    47 for gre.  Outer IPv4: DF the inner IPv4's (pmtu_disc, on by
 *    default), clear for an IPv6 packet; ID 0 with DF (ip_select_ident
 *    without a socket), else a random one.  Outer IPv6: flow label 0;
 *  - GUE (ipvs_gue_encap): UDP to the server's tun_port from a port of the
 *    local port range picked by a hash of the flow (udp_flow_src_port),
 *    the 4-byte GUE header version 0 carrying protocol 4 or 41; the UDP
 *    checksum with --tun-csum or --tun-remcsum (remote checksum offload
 *    needs a partial checksum, which a packet from the wire never has, so
 *    the kernel sends it as csum too), else 0, over IPv6 too
 *    (udp6_set_csum with nocheck; RFC 6935's zero checksum for tunnels);
 *  - GRE (ipvs_gre_encap): protocol 0x0800 or 0x86DD, the checksum with
 *    --tun-csum.
 * The FIB's answer (interface, MACs, source, MTU) is kept per CPU and real
 * server for XLVS_NH_CACHE_NS, as direct routing keeps its own.
 */
#ifndef XLVS_BPF_TUNNEL_H
#define XLVS_BPF_TUNNEL_H

#include "forward.h"
#include "frame_csum.h"
#include "tunnel_ip.h"         /* each family's sides */

#define IPPROTO_GRE 47
#define GUE_HLEN 4
#define GRE_CSUM_BE bpf_htons(0x8000)
#define TUN_MIN_MTU 68          /* IPVS: "mtu less than 68" drops */

/* What the FIB said about a tunnelled real server, per CPU. */
struct tun_nh {
	__u64 expires_ns;
	__u32 dest_gen;
	__u32 in_ifindex;
	__u32 out_ifindex;
	__u32 mtu;                  /* the route's */
	__be32 saddr[4];            /* the outer packet's source, of the real
				     * server's family (IPv4's in word 0) */
	__u8 dmac[6];
	__u8 smac[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct tun_nh);
} tun_cache SEC(".maps");

/* The local port range (net.ipv4.ip_local_port_range) GUE's source ports
 * come from, as udp_flow_src_port takes them: read by the loader. */
const volatile __u32 tun_sport_min = 32768;
const volatile __u32 tun_sport_max = 60999;

/* The route to the real server as IPVS's output route finds it: by its
 * address alone (a zero source, no TOS), the preferred source with it. */
static __always_inline int tun_lookup(struct xdp_md *ctx, const struct xlvs_dest *d,
				      struct tun_nh *nh)
{
	struct bpf_fib_lookup *fib = fib_ask(ctx, d->af, 0, 0, NULL,
					     (const __be32 *)d->addr,
					     BPF_FIB_LOOKUP_SRC);

	if (!fib)
		return -1;
	if (d->af == 6) {
		__builtin_memcpy(nh->saddr, fib->ipv6_src, 16);
	} else {
		nh->saddr[0] = fib->ipv4_src;
		nh->saddr[1] = nh->saddr[2] = nh->saddr[3] = 0;
	}
	if (!(nh->saddr[0] | nh->saddr[1] | nh->saddr[2] | nh->saddr[3])) {
		count(XLVS_CNT_PKTS_NO_ROUTE);
		return -1;
	}
	nh->dest_gen = d->gen;
	nh->in_ifindex = ctx->ingress_ifindex;
	nh->out_ifindex = fib->ifindex;
	nh->mtu = fib->mtu_result;
	__builtin_memcpy(nh->dmac, fib->dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, fib->smac, ETH_ALEN);
	return 0;
}

/* The outer headers after the outer IP header, bytes. */
static __always_inline __u32 tun_extra_len(const struct xlvs_dest *d)
{
	if (d->tun_type == XLVS_TUN_GUE)
		return sizeof(struct udphdr) + GUE_HLEN;
	if (d->tun_type == XLVS_TUN_GRE)
		return d->tun_flags & XLVS_TUN_F_CSUM ? 8 : 4;
	return 0;
}

/* udp_flow_src_port: a port of [min, max) from the flow's hash, its upper
 * half mixed into the lower first.  The kernel's hash is the skb's flow
 * hash, which user space cannot reproduce either; this one is the
 * 5-tuple's (IPv6 addresses folded; an ICMP error's, its quote's), so a
 * flow keeps its port. */
static __always_inline __be16 tun_sport(const struct pkt *p)
{
	__u32 h = addr_fold(p->saddr6) * 0x9e3779b1u ^ addr_fold(p->daddr6);

	h ^= ((__u32)p->sport | (__u32)p->dport << 16) * 0x85ebca6bu ^ p->proto;
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	h ^= h << 16;
	return bpf_htons((__u16)(((__u64)h * (tun_sport_max - tun_sport_min)) >> 32) +
			 tun_sport_min);
}

/* GUE's or GRE's header at l4 (l4_off in the frame) before the inner
 * packet of ip_len bytes, with its checksum if the server wants one:
 * UDP's seeded with psum, the outer addresses' sum.  0, or -1. */
static __always_inline int tun_l4(struct xdp_md *ctx, const struct xlvs_dest *d,
				  __u8 *l4, __u32 l4_off, __u32 ip_len,
				  const struct tun_inner *in, __s64 psum)
{
	__u32 len = ip_len + tun_extra_len(d);
	__s64 sum;

	if (d->tun_type == XLVS_TUN_GUE) {
		struct udphdr *uh = (void *)l4;

		uh->source = in->sport;
		uh->dest = d->tun_port;
		uh->len = bpf_htons(len);
		uh->check = 0;
		/* control 0, version 0, hlen 0, protocol, flags 0 */
		*(__be32 *)(uh + 1) = bpf_htonl((__u32)in->proto << 16);
		if (!(d->tun_flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM)))
			return 0;
		/* udp_set_csum, udp6_set_csum: the pseudo-header (the
		 * addresses, the length, protocol 17: IPv6's 32-bit fields
		 * sum as IPv4's 16-bit ones), then the datagram.  Folded (not
		 * complemented) first: the helper's sum may fill 32 bits. */
		sum = (__u16)~csum_fold32(psum);
		sum += bpf_htons(IPPROTO_UDP) + bpf_htons(len);
		return csum_fill(ctx, l4_off, len, sum, offsetof(struct udphdr, check));
	}
	if (d->tun_type == XLVS_TUN_GRE) {
		__be16 *g = (void *)l4;

		g[0] = d->tun_flags & XLVS_TUN_F_CSUM ? GRE_CSUM_BE : 0;
		g[1] = in->proto == IPPROTO_IPV6 ? ETH_P_IPV6_BE : ETH_P_IP_BE;
		if (!(d->tun_flags & XLVS_TUN_F_CSUM))
			return 0;
		g[2] = 0;
		g[3] = 0;
		/* gre_build_header's checksum: the GRE header and payload. */
		return csum_fill(ctx, l4_off, len, 0, 4);
	}
	return 0;
}

/* Puts the outer headers in front of the inner packet of ip_len bytes
 * (the frame already cut to it); 0, or -1 if it cannot. */
static __always_inline int tun_push(struct xdp_md *ctx, const struct xlvs_dest *d,
				    const struct tun_nh *nh, __u32 ip_len,
				    const struct tun_inner *in)
{
	__u32 extra = tun_extra_len(d), l3 = d->af == 6 ? IP6_HLEN : sizeof(struct iphdr);
	__u8 next = d->tun_type == XLVS_TUN_GUE ? IPPROTO_UDP :
		    d->tun_type == XLVS_TUN_GRE ? IPPROTO_GRE : in->proto;
	int csum = d->tun_type == XLVS_TUN_GUE &&
		   (d->tun_flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM));
	void *data, *data_end;
	struct ethhdr *eth;
	__s64 psum = 0;
	__u8 *l4;

	if (bpf_xdp_adjust_head(ctx, -(int)(l3 + extra)))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if (d->af == 6) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		l4 = (__u8 *)(ip6 + 1);
		if ((void *)(l4 + sizeof(struct udphdr) + GUE_HLEN) > data_end)
			return -1;
		tun_ip6(ip6, nh->saddr, d->addr, ip_len + extra, in, next);
		if (csum)
			psum = bpf_csum_diff(NULL, 0, (void *)&ip6->saddr, 32, 0);
		eth->h_proto = ETH_P_IPV6_BE;
	} else {
		struct iphdr *ip = (void *)(eth + 1);

		l4 = (__u8 *)(ip + 1);
		if ((void *)(l4 + sizeof(struct udphdr) + GUE_HLEN) > data_end)
			return -1;
		tun_ip4(ip, nh->saddr[0], d->addr, sizeof(*ip) + extra + ip_len, in, next);
		if (csum)
			psum = bpf_csum_diff(NULL, 0, (void *)&ip->saddr, 8, 0);
		eth->h_proto = ETH_P_IP_BE;
	}
	__builtin_memcpy(eth->h_dest, nh->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, nh->smac, ETH_ALEN);
	if (psum < 0)
		return -1;
	return tun_l4(ctx, d, l4, sizeof(*eth) + l3, ip_len, in, psum);
}

/* ip_vs_tunnel_xmit(_v6) for real server d (id dest_id) of the packet
 * parsed (the scratch's pkt), ip_len bytes: a verdict.  A global function:
 * the verifier checks it once, not at each of the packet path's calls (the
 * checksum's loop would take it past its million instructions), and its
 * frame is its own beside the schedulers' (the 512-byte stack). */
__noinline int forward_tunnel(struct xdp_md *ctx, const struct xlvs_dest *d,
			      __u32 dest_id, __u32 ip_len, __u64 now)
{
	struct tun_nh *nh = bpf_map_lookup_elem(&tun_cache, &dest_id);
	struct scratch *sc = scratch_get();
	struct tun_inner in = {};
	void *data, *data_end;
	__u32 room;
	__u8 af;
	long rc;
	int v;

	if (!nh || !d || !sc)
		return XDP_DROP;
	if (nh->dest_gen != d->gen || nh->in_ifindex != ctx->ingress_ifindex ||
	    now >= nh->expires_ns) {
		if (tun_lookup(ctx, d, nh)) {
			nh->expires_ns = 0;     /* ask again for the next packet */
			return XDP_DROP;
		}
		nh->expires_ns = now + XLVS_NH_CACHE_NS;
	}
	af = sc->pkt.af;
	if (fwd_hop(ctx, af, now, &v))
		return v;
	room = nh->mtu - (d->af == 6 ? IP6_HLEN : sizeof(struct iphdr)) -
	       tun_extra_len(d);
	if ((int)room < (d->af == 6 ? TUN6_MIN_MTU : TUN_MIN_MTU)) {
		count(XLVS_CNT_PKTS_TOO_BIG);
		return XDP_DROP;
	}
	if (af == 6 ? tun_inner6(ctx, room, ip_len, now, &in, &v) :
		      tun_inner4(ctx, room, ip_len, now, &in, &v))
		return v;
	/* GUE's alone: a hash of the flow, for no other tunnel. */
	in.sport = d->tun_type == XLVS_TUN_GUE ? tun_sport(&sc->pkt) : 0;
	/* The inner packet alone: Ethernet padding is not part of it.  (The
	 * barrier: else clang keeps ctx + 4 from an earlier read, which the
	 * verifier refuses to dereference.) */
	barrier_var(ctx);
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if ((long)(data_end - data) > (long)(sizeof(struct ethhdr) + ip_len) &&
	    bpf_xdp_adjust_tail(ctx, (int)(sizeof(struct ethhdr) + ip_len) -
				     (int)(data_end - data)))
		return XDP_DROP;
	if (tun_push(ctx, d, nh, ip_len, &in))
		return XDP_DROP;
	count(XLVS_CNT_PKTS_FWD);
	if (nh->out_ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	rc = bpf_redirect(nh->out_ifindex, 0);
	if (rc != XDP_REDIRECT)
		count(XLVS_CNT_PKTS_TX_FAILED);
	return rc;
}

/*
 * The packet path decides to tunnel (tun_defer) and the entry function
 * sends (tun_send), after everything else is done: the verifier forgets
 * every packet pointer when forward_tunnel returns (it moves the packet's
 * head), and the compiler keeps such pointers in registers across the
 * packet path's calls.  TUN_VERDICT is no XDP verdict.
 */
#define TUN_VERDICT 0x7475

static __always_inline int tun_defer(__u32 dest_id, __u32 ip_len)
{
	struct scratch *sc = scratch_get();

	if (!sc)
		return XDP_DROP;
	sc->tun_dest_id = dest_id;
	sc->tun_ip_len = ip_len;
	return TUN_VERDICT;
}

static __always_inline int tun_send(struct xdp_md *ctx)
{
	struct scratch *sc = scratch_get();
	struct xlvs_dest *d;
	__u32 id;

	if (!sc)
		return XDP_DROP;
	id = sc->tun_dest_id;
	d = bpf_map_lookup_elem(&dest, &id);
	if (!d)
		return XDP_DROP;
	return forward_tunnel(ctx, d, id, sc->tun_ip_len, bpf_ktime_get_coarse_ns());
}

#endif
