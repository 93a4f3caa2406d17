/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forwarding by direct routing: the Ethernet addresses change, and the TTL
 * is one lower (__ip_vs_get_out_rt's decrement_ttl).  The
 * kernel's FIB and neighbour table say which interface reaches the real
 * server and what its MAC is; each CPU keeps that answer for 100 ms
 * (struct xlvs_nh_cache), so a MAC that changes is followed within that.
 * libxlvs keeps a managed neighbour entry for every real server so the MAC
 * is known before the first packet (neigh.c).
 */
#ifndef XLVS_BPF_FORWARD_H
#define XLVS_BPF_FORWARD_H

#include "csum.h"
#include "icmp_reply.h"         /* time exceeded, fragmentation needed */
#include "icmp6_reply.h"        /* and IPv6's */

#define AF_INET 2
#define AF_INET6 10

/* Whether the FIB's answer rc leaves the packet without a way out; the
 * cause counted if so. */
static __always_inline bool fib_refused(long rc)
{
	if (rc == BPF_FIB_LKUP_RET_SUCCESS)
		return false;
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		count(XLVS_CNT_PKTS_NO_NEIGH);
	else if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		count(XLVS_CNT_PKTS_FWD_DISABLED);
	else
		count(XLVS_CNT_PKTS_NO_ROUTE);
	return true;
}

/*
 * Asks the FIB the way from the ingress interface to dst (from src, with
 * tos and proto, for policy routes; flags the lookup's), addresses of
 * family af (4 or 6) given as 16 bytes, IPv4's in the first word; src
 * NULL for none: its answer in the scratch, or NULL, the cause counted.
 * tot_len 0 passes the MTU check, which then gives the route's MTU back
 * for the packets' own checks.
 */
static __always_inline struct bpf_fib_lookup *
fib_ask(struct xdp_md *ctx, __u8 af, __u8 proto, __u8 tos, const __be32 *src,
	const __be32 *dst, __u32 flags)
{
	struct scratch *sc = scratch_get();
	struct bpf_fib_lookup *fib;

	if (!sc)
		return NULL;
	fib = &sc->fib;
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->l4_protocol = proto;
	if (af == 6) {
		fib->family = AF_INET6;
		if (src)
			__builtin_memcpy(fib->ipv6_src, src, 16);
		__builtin_memcpy(fib->ipv6_dst, dst, 16);
	} else {
		fib->family = AF_INET;
		fib->tos = tos;
		fib->ipv4_src = src ? src[0] : 0;
		fib->ipv4_dst = dst[0];
	}
	fib->ifindex = ctx->ingress_ifindex;
	if (fib_refused(bpf_fib_lookup(ctx, fib, sizeof(*fib), flags)))
		return NULL;
	return fib;
}

/* Asks the FIB which interface and MACs reach the real server. */
static __always_inline int nh_lookup(struct xdp_md *ctx, const struct pkt *p,
				     const struct xlvs_dest *d,
				     struct xlvs_nh_cache *nh)
{
	struct bpf_fib_lookup *fib = fib_ask(ctx, p->af, p->proto, p->tos,
					     p->saddr6, (const __be32 *)d->addr, 0);

	if (!fib)
		return -1;
	nh->dest_gen = d->gen;
	nh->in_ifindex = ctx->ingress_ifindex;
	nh->out_ifindex = fib->ifindex;
	nh->mtu = fib->mtu_result;
	__builtin_memcpy(nh->dmac, fib->dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, fib->smac, ETH_ALEN);
	return 0;
}

/* The FIB's answer for real server d (id dest_id), from this CPU's cache
 * while it is fresh; NULL if the server cannot be reached now. */
static __always_inline struct xlvs_nh_cache *
nh_get(struct xdp_md *ctx, const struct pkt *p, const struct xlvs_dest *d,
       __u32 dest_id, __u64 now)
{
	struct xlvs_nh_cache *nh = bpf_map_lookup_elem(&nh_cache, &dest_id);

	if (!nh)
		return NULL;
	if (nh->dest_gen != d->gen || nh->in_ifindex != ctx->ingress_ifindex ||
	    now >= nh->expires_ns) {
		if (nh_lookup(ctx, p, d, nh)) {
			nh->expires_ns = 0;     /* ask again for the next packet */
			return NULL;
		}
		nh->expires_ns = now + XLVS_NH_CACHE_NS;
	}
	return nh;
}

/* decrement_ttl: 1 with *rc the verdict when the packet goes no further
 * (TTL or hop limit 1 or 0: time exceeded, rate limited as the kernel's),
 * else 0 with the TTL one lower. */
static __always_inline int fwd_hop(struct xdp_md *ctx, __u8 af, __u64 now, int *rc)
{
	struct iphdr *ip = pkt_ip(ctx);

	if (af == 6) {
		struct ipv6hdr *ip6 = pkt_ip6(ctx);

		if (ip6 && ip6->hop_limit > 1) {
			ip6->hop_limit--;
			return 0;
		}
		*rc = ip6 ? icmp6_refuse(ctx, XLVS_CNT_PKTS_TTL_EXCEEDED,
					 ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT,
					 0, 1, now) : XDP_DROP;
		return 1;
	}
	if (!ip) {
		*rc = XDP_DROP;
		return 1;
	}
	if (ip->ttl <= 1) {
		*rc = icmp_refuse(ctx, XLVS_CNT_PKTS_TTL_EXCEEDED, ICMP_TIME_EXCEEDED,
				  ICMP_EXC_TTL, 0, 1, now);
		return 1;
	}
	ip_decrease_ttl(ip);
	return 0;
}

/* Sends the frame out of ifindex from smac to dmac, counted as what: only
 * the Ethernet addresses change here. */
static __always_inline int send_by(struct xdp_md *ctx, __u32 ifindex,
				   const __u8 *dmac, const __u8 *smac, __u32 what)
{
	struct ethhdr *eth = pkt_eth(ctx);
	long rc;

	if (!eth)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	count(what);
	if (ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	rc = bpf_redirect(ifindex, 0);
	if (rc != XDP_REDIRECT)
		count(XLVS_CNT_PKTS_TX_FAILED);
	return rc;
}

static __always_inline int nh_send(struct xdp_md *ctx,
				   const struct xlvs_nh_cache *nh)
{
	return send_by(ctx, nh->out_ifindex, nh->dmac, nh->smac, XLVS_CNT_PKTS_FWD);
}

#endif
