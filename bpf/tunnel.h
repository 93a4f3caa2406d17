/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forwarding by tunnelling, IPv4 in IPv4, as IPVS's ip_vs_tunnel_xmit does
 * it (net/netfilter/ipvs/ip_vs_xmit.c):
 *  - the route to the real server first (__ip_vs_get_out_rt): none, drop;
 *  - the inner TTL is decremented (decrement_ttl); a packet arriving with
 *    TTL 1 or 0 gets ICMP time exceeded instead;
 *  - the room left for it is the route's MTU less the outer headers (IPv4;
 *    GUE's UDP and 4-byte header; GRE's 4 bytes, 8 with its checksum); a
 *    packet over it with DF set gets ICMP fragmentation needed with that
 *    room as its MTU (ensure_mtu_is_adequate), one without DF is dropped
 *    here (the kernel would fragment the outer packet: XDP cannot);
 *  - the inner header's checksum is recomputed (ip_send_check), nothing
 *    else of the inner packet changes;
 *  - the outer header: source the route's preferred source for the real
 *    server (do_output_route4's saddr), TOS the inner one with CE mapped to
 *    ECT(0) (INET_ECN_encapsulate), TTL and DF the inner's (pmtu_disc, on
 *    by default), ID 0 with DF (ip_select_ident without a socket), else a
 *    random one, protocol 4 (ipip), 17 (gue) or 47 (gre);
 *  - GUE (ipvs_gue_encap): UDP to the server's tun_port from a port of the
 *    local port range picked by a hash of the flow (udp_flow_src_port),
 *    the 4-byte GUE header version 0 carrying protocol 4; the UDP checksum
 *    with --tun-csum or --tun-remcsum (remote checksum offload needs a
 *    partial checksum, which a packet from the wire never has, so the
 *    kernel sends it as csum too), else 0;
 *  - GRE (ipvs_gre_encap): protocol 0x0800, the checksum with --tun-csum.
 * The FIB's answer (interface, MACs, source, MTU) is kept per CPU and real
 * server for XLVS_NH_CACHE_NS, as direct routing keeps its own.
 */
#ifndef XLVS_BPF_TUNNEL_H
#define XLVS_BPF_TUNNEL_H

#include "forward.h"
#include "icmp_reply.h"
#include "frame_csum.h"

#define IPPROTO_IPIP 4
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
	__be32 saddr;               /* the outer packet's source */
	__u32 mtu;                  /* the route's */
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
	struct bpf_fib_lookup *fib = fib_ask(ctx, 4, 0, 0, NULL,
					     (const __be32 *)d->addr,
					     BPF_FIB_LOOKUP_SRC);

	if (!fib)
		return -1;
	if (!fib->ipv4_src) {
		count(XLVS_CNT_PKTS_NO_ROUTE);
		return -1;
	}
	nh->dest_gen = d->gen;
	nh->in_ifindex = ctx->ingress_ifindex;
	nh->out_ifindex = fib->ifindex;
	nh->saddr = fib->ipv4_src;
	nh->mtu = fib->mtu_result;
	__builtin_memcpy(nh->dmac, fib->dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, fib->smac, ETH_ALEN);
	return 0;
}

/* The outer headers after the outer IPv4 header, bytes. */
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
 * 5-tuple's, so a flow keeps its port. */
static __always_inline __be16 tun_sport(__be32 saddr, __be32 daddr, __u32 ports,
					__u8 proto)
{
	__u32 h = saddr * 0x9e3779b1u ^ daddr;

	h ^= ports * 0x85ebca6bu ^ proto;
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	h ^= h << 16;
	return bpf_htons((__u16)(((__u64)h * (tun_sport_max - tun_sport_min)) >> 32) +
			 tun_sport_min);
}

struct tun_outer {
	struct ethhdr eth;
	struct iphdr ip;
} __attribute__((packed));

/* Puts the outer headers in front of the inner packet of ip_len bytes
 * (the frame already cut to it); 0, or -1 if it cannot. */
static __always_inline int tun_push(struct xdp_md *ctx, const struct xlvs_dest *d,
				    const struct tun_nh *nh, __u32 ip_len,
				    __u8 tos, __be16 df, __u8 ttl, __be16 sport)
{
	__u32 extra = tun_extra_len(d), hlen = sizeof(struct iphdr) + extra;
	void *data, *data_end;
	struct tun_outer *o;
	__u8 *l4;
	__s64 sum;

	if (bpf_xdp_adjust_head(ctx, -(int)hlen))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	o = data;
	l4 = (__u8 *)(o + 1);
	if ((void *)(l4 + sizeof(struct udphdr) + GUE_HLEN) > data_end)
		return -1;
	__builtin_memcpy(o->eth.h_dest, nh->dmac, ETH_ALEN);
	__builtin_memcpy(o->eth.h_source, nh->smac, ETH_ALEN);
	o->eth.h_proto = ETH_P_IP_BE;
	o->ip.version = 4;
	o->ip.ihl = 5;
	/* INET_ECN_encapsulate(tos, tos): CE inside is ECT(0) outside. */
	o->ip.tos = (tos & 3) == 3 ? (tos & ~3) | 2 : tos;
	o->ip.tot_len = bpf_htons(ip_len + hlen);
	o->ip.id = df ? 0 : (__u16)bpf_get_prandom_u32();
	o->ip.frag_off = df;
	o->ip.ttl = ttl;
	o->ip.protocol = d->tun_type == XLVS_TUN_GUE ? IPPROTO_UDP :
			 d->tun_type == XLVS_TUN_GRE ? IPPROTO_GRE : IPPROTO_IPIP;
	o->ip.check = 0;
	o->ip.saddr = nh->saddr;
	__builtin_memcpy(&o->ip.daddr, d->addr, 4);
	o->ip.check = csum_fold32(bpf_csum_diff(NULL, 0, (void *)&o->ip,
						sizeof(o->ip), 0));
	if (d->tun_type == XLVS_TUN_GUE) {
		struct udphdr *uh = (void *)l4;
		__u32 ulen = ip_len + extra;

		uh->source = sport;
		uh->dest = d->tun_port;
		uh->len = bpf_htons(ulen);
		uh->check = 0;
		/* control 0, version 0, hlen 0, protocol IPIP, flags 0 */
		*(__be32 *)(uh + 1) = bpf_htonl(IPPROTO_IPIP << 16);
		if (!(d->tun_flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM)))
			return 0;
		/* udp_set_csum: the pseudo-header, then the datagram. */
		sum = bpf_csum_diff(NULL, 0, (void *)&o->ip.saddr, 8, 0);
		/* Folded (not complemented) before the 16-bit words are added:
		 * the helper's sum may fill 32 bits. */
		sum = (__u16)~csum_fold32(sum);
		sum += bpf_htons(IPPROTO_UDP) + bpf_htons(ulen);
		sum = frame_csum(ctx, sizeof(*o), ulen, sum);
		if (sum < 0)
			return -1;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		uh = data + sizeof(*o);
		if ((void *)(uh + 1) > data_end)
			return -1;
		uh->check = csum_fold32(sum) ?: 0xffff;  /* CSUM_MANGLED_0 */
		return 0;
	}
	if (d->tun_type == XLVS_TUN_GRE) {
		__be16 *g = (void *)l4;

		g[0] = d->tun_flags & XLVS_TUN_F_CSUM ? GRE_CSUM_BE : 0;
		g[1] = ETH_P_IP_BE;
		if (!(d->tun_flags & XLVS_TUN_F_CSUM))
			return 0;
		g[2] = 0;
		g[3] = 0;
		/* gre_build_header's checksum: the GRE header and payload. */
		sum = frame_csum(ctx, sizeof(*o), ip_len + extra, 0);
		if (sum < 0)
			return -1;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		g = data + sizeof(*o);
		if ((void *)(g + 4) > data_end)
			return -1;
		g[2] = csum_fold32(sum) ?: 0xffff;
	}
	return 0;
}

/* ip_vs_tunnel_xmit for real server d (id dest_id) of an IPv4 packet of
 * ip_len bytes: a verdict.  A global function: the verifier checks it once,
 * not at each of the packet path's calls (the checksum's loop would take it
 * past its million instructions), and its frame is its own beside the
 * schedulers' (the 512-byte stack). */
__noinline int forward_tunnel(struct xdp_md *ctx, const struct xlvs_dest *d,
			      __u32 dest_id, __u32 ip_len, __u64 now)
{
	struct tun_nh *nh = bpf_map_lookup_elem(&tun_cache, &dest_id);
	void *data, *data_end;
	__u32 room, ihl, ports;
	__be32 saddr, daddr;
	struct iphdr *ip;
	__u8 tos, ttl, proto;
	__be16 df;
	long rc;

	if (!nh || !d)
		return XDP_DROP;
	if (nh->dest_gen != d->gen || nh->in_ifindex != ctx->ingress_ifindex ||
	    now >= nh->expires_ns) {
		if (tun_lookup(ctx, d, nh)) {
			nh->expires_ns = 0;     /* ask again for the next packet */
			return XDP_DROP;
		}
		nh->expires_ns = now + XLVS_NH_CACHE_NS;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip = data + sizeof(struct ethhdr);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	ihl = ip->ihl * 4 & 0x3c;
	if ((void *)ip + ihl + 4 > data_end)
		return XDP_DROP;
	if (ip->ttl <= 1)
		return icmp_refuse(ctx, XLVS_CNT_PKTS_TTL_EXCEEDED, ICMP_TIME_EXCEEDED,
				  ICMP_EXC_TTL, 0, 1, now);
	ip_decrease_ttl(ip);
	room = nh->mtu - sizeof(struct iphdr) - tun_extra_len(d);
	if ((int)room < TUN_MIN_MTU) {
		count(XLVS_CNT_PKTS_TOO_BIG);
		return XDP_DROP;
	}
	df = ip->frag_off & bpf_htons(IP_DF);
	if (ip_len > room) {
		if (!df) {
			count(XLVS_CNT_PKTS_TOO_BIG);
			return XDP_DROP;
		}
		/* Quoting the header with its TTL already lowered, as the
		 * kernel's does: decrement_ttl came first. */
		return icmp_refuse(ctx, XLVS_CNT_PKTS_FRAG_NEEDED, ICMP_DEST_UNREACH,
				  ICMP_FRAG_NEEDED, bpf_htonl(room), 0, now);
	}
	if (ip_send_check(ip, data_end))
		return XDP_DROP;
	tos = ip->tos;
	ttl = ip->ttl;
	saddr = ip->saddr;
	daddr = ip->daddr;
	proto = ip->protocol;
	ports = *(__u32 *)((void *)ip + ihl);
	/* The inner packet alone: Ethernet padding is not part of it. */
	if ((long)(data_end - data) > (long)(sizeof(struct ethhdr) + ip_len) &&
	    bpf_xdp_adjust_tail(ctx, (int)(sizeof(struct ethhdr) + ip_len) -
				     (int)(data_end - data)))
		return XDP_DROP;
	if (tun_push(ctx, d, nh, ip_len, tos, df, ttl,
		     tun_sport(saddr, daddr, ports, proto)))
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
