/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMPv6 errors the director answers a client with, as the kernel's
 * icmp6_send would: port unreachable for a service without servers
 * (leave.h), packet too big for the way to a real server, time exceeded
 * at hop limit 1.  Built in place as icmp_reply.h builds IPv4's: the
 * frame cut to as much of the offending packet as fits in IPv6's minimum
 * MTU (1232 bytes, as icmp6_send quotes), new IPv6 and ICMPv6 headers in
 * front, the checksum summed over the frame, and back out of the
 * interface it came in on, to the MAC it came from, from the address it
 * was sent to (icmp6_send answers from the packet's destination when that
 * is local), with the default hop limit, 64.
 */
#ifndef XLVS_BPF_ICMP6_REPLY_H
#define XLVS_BPF_ICMP6_REPLY_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps.h"
#include "pkt.h"
#include "parse6.h"
#include "csum.h"
#include "icmp_reply.h"         /* icmp_allowed, icmp_reply_possible */
#include "frame_csum.h"

#define ICMPV6_PORT_UNREACH 4
#define ICMPV6_EXC_HOPLIMIT 0
#define ICMP6_HOP_LIMIT 64
/* icmp6_send quotes the packet up to what fits in IPv6's minimum MTU. */
#define ICMP6_QUOTE_MAX (1280 - IP6_HLEN - 8)

struct icmp6_frame {
	struct ethhdr eth;
	struct ipv6hdr ip6;
	__u8 type, code;
	__sum16 check;
	__be32 info;                /* unused, or the MTU */
} __attribute__((packed));

/*
 * Turns the frame (an IPv6 packet parse6.h parsed, in the scratch's pkt)
 * into the ICMPv6 error type/code with info after the checksum; 0, or -1
 * if it cannot.  A global function, verified once for its callers.
 */
__noinline int icmp6_reply_build(struct xdp_md *ctx, __u32 type, __u32 code,
				 __be32 info)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct scratch *sc = scratch_get();
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct icmp6_frame *f;
	__u32 quote;
	__s64 sum;

	if (!sc || (void *)(ip6 + 1) > data_end)
		return -1;
	quote = sc->pkt.ip_len < ICMP6_QUOTE_MAX ? sc->pkt.ip_len : ICMP6_QUOTE_MAX;
	if (quote < IP6_HLEN || data + sizeof(*eth) + quote > data_end)
		return -1;
	__builtin_memcpy(sc->icmp6_macs, eth->h_dest, 12);     /* and h_source */
	/* Swapped: the answer goes back from the address it was sent to. */
	__builtin_memcpy(sc->icmp6_addrs, &ip6->daddr, 16);
	__builtin_memcpy(sc->icmp6_addrs + 16, &ip6->saddr, 16);
	if (bpf_xdp_adjust_tail(ctx, (int)(sizeof(*eth) + quote) -
				     (int)(data_end - data)))
		return -1;
	if (bpf_xdp_adjust_head(ctx, -(int)(IP6_HLEN + 8)))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	f = data;
	if ((void *)(f + 1) > data_end)
		return -1;
	/* The frame's source is the answer's destination, and the other way
	 * round. */
	__builtin_memcpy(f->eth.h_dest, sc->icmp6_macs + 6, ETH_ALEN);
	__builtin_memcpy(f->eth.h_source, sc->icmp6_macs, ETH_ALEN);
	f->eth.h_proto = ETH_P_IPV6_BE;
	f->ip6.version = 6;             /* traffic class 0, no flow label */
	f->ip6.priority = 0;
	__builtin_memset(f->ip6.flow_lbl, 0, 3);
	f->ip6.payload_len = bpf_htons(8 + quote);
	f->ip6.nexthdr = NEXTHDR_ICMPV6;
	f->ip6.hop_limit = ICMP6_HOP_LIMIT;
	__builtin_memcpy(&f->ip6.saddr, sc->icmp6_addrs, 32);
	f->type = type;
	f->code = code;
	f->check = 0;
	f->info = info;
	/* The pseudo-header's sum, folded (not complemented): the seed of the
	 * message's own, over the frame. */
	sum = bpf_csum_diff(NULL, 0, (void *)sc->icmp6_addrs, 32, 0);
	if (sum < 0)
		return -1;
	/* Each word on its own: their sum in 32 bits would carry out. */
	sum += (__u64)bpf_htonl(8 + quote) + bpf_htonl(NEXTHDR_ICMPV6);
	sum = (__u16)~csum_fold32(sum);
	return csum_fill(ctx, sizeof(*eth) + IP6_HLEN, 8 + quote, sum,
			 offsetof(struct icmp6_frame, check) - sizeof(*eth) - IP6_HLEN);
}

/* An ICMPv6 error to the client instead of the packet; counted by why.
 * Never one about an ICMPv6 error (a relayed one: icmp_conn.h), as
 * icmp6_send never answers one (RFC 4443 2.4 e), nor to the unspecified
 * address, which names no node (icmp6_send's addr_any rule; a multicast
 * source never gets this far: parse6.h). */
static __always_inline int icmp6_refuse(struct xdp_md *ctx, __u32 why, __u8 type,
					__u8 code, __be32 info, int limited,
					__u64 now)
{
	struct scratch *sc = scratch_get();

	count(why);
	/* inner_off is set for an ICMPv6 error only (its type may be 0). */
	if (!sc || sc->pkt.inner_off || !icmp_reply_possible(ctx) ||
	    !(sc->pkt.saddr6[0] | sc->pkt.saddr6[1] | sc->pkt.saddr6[2] |
	      sc->pkt.saddr6[3]))
		return XDP_DROP;
	if (limited && !icmp_allowed(now)) {
		count(XLVS_CNT_ICMP_LIMITED);
		return XDP_DROP;
	}
	if (icmp6_reply_build(ctx, type, code, info))
		return XDP_DROP;
	count(XLVS_CNT_ICMP_SENT);
	return XDP_TX;
}

/* A packet too big for the route's MTU (ensure_mtu_is_adequate): IPv6
 * has no DF, so every one gets "packet too big" with the MTU, not rate
 * limited, as the kernel's. */
static __always_inline int icmp6_too_big(struct xdp_md *ctx, __u32 mtu, __u64 now)
{
	return icmp6_refuse(ctx, XLVS_CNT_PKTS_FRAG_NEEDED, ICMPV6_PKT_TOOBIG, 0,
			    bpf_htonl(mtu), 0, now);
}

#endif
