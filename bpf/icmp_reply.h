/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP errors the director answers a client with, as the kernel's
 * icmp_send would: port unreachable for a service without servers
 * (leave.h), fragmentation needed for a packet too big for the way to its
 * real server, and for tunnels time exceeded (tunnel.h).  The answer is built in place: the frame is cut to the
 * original IP header and 8 bytes of its payload (what RFC 792 asks to
 * quote; icmp_send quotes more when it can, which only costs bandwidth), a
 * new IP and ICMP header are put in front, and it leaves by the interface
 * it came in on, to the MAC it came from.  Its source is the address the
 * packet was sent to (the VIP: icmp_send answers from the packet's
 * destination when that is local).  Like the kernel's icmp_msgs_per_sec
 * and burst, each CPU sends at most ICMP_RATE answers a second after a
 * burst of ICMP_BURST (icmp_allowed), which callers ask for every type the
 * kernel limits: all but fragmentation needed.
 */
#ifndef XLVS_BPF_ICMP_REPLY_H
#define XLVS_BPF_ICMP_REPLY_H

#include "maps.h"
#include "parse.h"
#include "csum.h"

#define ICMP_RATE 1000          /* answers per second per CPU */
#define ICMP_BURST 50
#define ICMP_DEST_UNREACH 3
#define ICMP_PORT_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define ICMP_TIME_EXCEEDED 11
#define ICMP_EXC_TTL 0
#define ICMP_QUOTE_L4 8         /* payload bytes quoted after the IP header */

struct icmp_bucket {
	__u64 last_ns;
	__u64 tokens;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct icmp_bucket);
} icmp_bucket SEC(".maps");

static __always_inline int icmp_allowed(__u64 now)
{
	__u32 zero = 0;
	struct icmp_bucket *b = bpf_map_lookup_elem(&icmp_bucket, &zero);
	__u64 add;

	if (!b)
		return 0;
	add = (now - b->last_ns) / (1000000000ull / ICMP_RATE);
	if (add) {
		b->tokens = b->tokens + add > ICMP_BURST ? ICMP_BURST : b->tokens + add;
		b->last_ns = now;
	}
	if (!b->tokens)
		return 0;
	b->tokens--;
	return 1;
}

struct icmp_frame {
	struct ethhdr eth;
	struct iphdr ip;
	__u8 type, code;
	__sum16 check;
	__be32 info;                /* unused, or the next-hop MTU */
} __attribute__((packed));

/* is_valid_ether_addr: neither multicast (broadcast included) nor zero.
 * The answer goes back to the frame's source MAC from its destination MAC;
 * the kernel's icmp_send would route it and resolve the neighbour instead,
 * so a frame sent from or to a group address (or zero) gets no answer here
 * rather than one that a whole segment receives or no station sent. */
static __always_inline int mac_unicast(const __u8 *mac)
{
	return !(mac[0] & 1) &&
	       (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* Whether the frame may be answered at all: both MACs unicast. */
static __always_inline int icmp_reply_possible(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return 0;
	return mac_unicast(eth->h_source) && mac_unicast(eth->h_dest);
}

/* Turns the frame (Ethernet, IPv4 whose header parse.h checked) into the
 * ICMP error type/code with the 4 bytes info after the checksum (network
 * order); 0, or -1 if it cannot. */
static __always_inline int icmp_reply_build(struct xdp_md *ctx, __u8 type,
					    __u8 code, __be32 info)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u8 smac[ETH_ALEN], dmac[ETH_ALEN];
	__u32 saddr, daddr, quote;
	struct icmp_frame *f;
	struct scratch *sc;
	__s64 sum;

	if ((void *)(ip + 1) > data_end)
		return -1;
	quote = (ip->ihl * 4 & 0x3c) + ICMP_QUOTE_L4;  /* parse checked ihl >= 5 */
	if ((void *)ip + quote > data_end)
		return -1;
	__builtin_memcpy(smac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(dmac, eth->h_dest, ETH_ALEN);
	saddr = ip->saddr;
	daddr = ip->daddr;
	if (bpf_xdp_adjust_tail(ctx, (int)(sizeof(*eth) + quote) -
				     (int)(data_end - data)))
		return -1;
	if (bpf_xdp_adjust_head(ctx, -(int)(sizeof(struct iphdr) + 8)))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	f = data;
	if ((void *)(f + 1) > data_end || quote > 68)
		return -1;
	__builtin_memcpy(f->eth.h_dest, smac, ETH_ALEN);
	__builtin_memcpy(f->eth.h_source, dmac, ETH_ALEN);
	f->eth.h_proto = ETH_P_IP_BE;
	__builtin_memset(&f->ip, 0, sizeof(f->ip));
	f->ip.version = 4;
	f->ip.ihl = 5;
	f->ip.tos = 0xc0;               /* IPTOS_PREC_INTERNETCONTROL */
	f->ip.tot_len = bpf_htons(sizeof(f->ip) + 8 + quote);
	f->ip.ttl = 64;
	f->ip.protocol = IPPROTO_ICMP;
	f->ip.saddr = daddr;            /* the VIP answers */
	f->ip.daddr = saddr;
	f->ip.check = csum_fold32(bpf_csum_diff(NULL, 0, (void *)&f->ip,
						sizeof(f->ip), 0));
	f->type = type;
	f->code = code;
	f->check = 0;
	f->info = info;
	/* The checksum covers the quote, whose length the verifier cannot tie
	 * to the packet's: sum a copy. */
	sc = scratch_get();
	if (!sc)
		return -1;
	sc->icmp[0] = type;
	sc->icmp[1] = code;
	sc->icmp[2] = sc->icmp[3] = 0;
	__builtin_memcpy(sc->icmp + 4, &info, 4);
	if (bpf_xdp_load_bytes(ctx, sizeof(*f), sc->icmp + 8, quote))
		return -1;
	sum = bpf_csum_diff(NULL, 0, (void *)sc->icmp, 8 + quote, 0);
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	f = data;
	if ((void *)(f + 1) > data_end)
		return -1;
	f->check = csum_fold32(sum);
	return 0;
}

/* An ICMP error to the client instead of the packet; counted by why.
 * Never one about an ICMP error (a relayed one: bpf/icmp_conn.h), as
 * icmp_send never answers one (RFC 1122 3.2.2). */
static __always_inline int icmp_refuse(struct xdp_md *ctx, __u32 why, __u8 type,
				       __u8 code, __be32 info, int limited,
				       __u64 now)
{
	struct iphdr *ip = pkt_ip(ctx);

	count(why);
	if (!ip || ip->protocol == IPPROTO_ICMP || !icmp_reply_possible(ctx))
		return XDP_DROP;
	if (limited && !icmp_allowed(now)) {
		count(XLVS_CNT_ICMP_LIMITED);
		return XDP_DROP;
	}
	if (icmp_reply_build(ctx, type, code, info))
		return XDP_DROP;
	count(XLVS_CNT_ICMP_SENT);
	return XDP_TX;
}

/*
 * A packet too big for the route's MTU (IPVS's ensure_mtu_is_adequate):
 * with DF, "fragmentation needed" and the MTU to the client, not rate
 * limited, as the kernel's; without, dropped, where the kernel would
 * fragment it (XDP cannot).
 */
static __always_inline int icmp_too_big(struct xdp_md *ctx, __u32 mtu, __u64 now)
{
	struct iphdr *ip = pkt_ip(ctx);

	if (!ip || !(ip->frag_off & bpf_htons(IP_DF))) {
		count(XLVS_CNT_PKTS_TOO_BIG);
		return XDP_DROP;
	}
	return icmp_refuse(ctx, XLVS_CNT_PKTS_FRAG_NEEDED, ICMP_DEST_UNREACH,
			   ICMP_FRAG_NEEDED, bpf_htonl(mtu), 0, now);
}

#endif
