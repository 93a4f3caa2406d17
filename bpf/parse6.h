/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv6 parsing: the fixed header, the extension headers a packet to a
 * virtual service may carry before its TCP/UDP header, and the ICMPv6
 * errors IPVS relates to a connection (ip_vs_in_icmp_v6).
 *
 * IPVS finds the transport header with ipv6_find_hdr.  Here Hop-by-Hop
 * (first only), Destination Options and a Routing header with no segments
 * left are stepped over, at most IP6_EXT_MAX of them within the first
 * IP6_L4_OFF_MAX bytes of the frame; a Routing header with segments left
 * (the packet is not at its destination yet), a Fragment header (the
 * kernel reassembles: PARSE_FRAGMENT), ESP, AH and the rest are the
 * kernel's.  What ip6_rcv_core drops (a multicast, loopback or IPv4-mapped
 * source) is PARSE_MALFORMED, as is the unspecified source, which no
 * answer could reach.
 */
#ifndef XLVS_BPF_PARSE6_H
#define XLVS_BPF_PARSE6_H

#include "pkt.h"

#define ETH_P_IPV6_BE   bpf_htons(0x86DD)
#define NEXTHDR_HOP      0
#define NEXTHDR_ROUTING  43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_ICMPV6   58
#define NEXTHDR_DEST     60
#define IP6_HLEN         40
#define IP6_EXT_MAX      4
#define IP6_L4_OFF_MAX   200    /* pkt.l4_off is a byte; ICMPv6's quote
				 * needs room after it */
#define ICMPV6_DEST_UNREACH  1
#define ICMPV6_PKT_TOOBIG    2
#define ICMPV6_TIME_EXCEED   3
#define ICMPV6_PARAMPROB     4

/* ip6_rcv_core's refused sources, and the unspecified address. */
static __always_inline int martian_source6(const __be32 *a)
{
	if ((bpf_ntohl(a[0]) >> 24) == 0xff)
		return 1;                       /* multicast */
	if (a[0] | a[1])
		return 0;
	if (a[2] == bpf_htonl(0xffff))
		return 1;                       /* IPv4-mapped */
	return !a[2] && (!a[3] || a[3] == bpf_htonl(1));  /* ::, ::1 */
}

/*
 * Steps over the extension headers from *off (the byte after the fixed
 * header) with next header *nh, up to end (where the payload ends): on
 * PARSE_OK, *nh is the upper-layer protocol and *off its header's offset.
 */
static __always_inline int ip6_skip_ext(void *data, void *data_end, __u32 *off,
					__u32 end, __u8 *nh)
{
	__u8 next = *nh;
	__u32 o = *off;

	for (int i = 0; i <= IP6_EXT_MAX; i++) {
		__u8 *x;

		if (next == IPPROTO_TCP || next == IPPROTO_UDP ||
		    next == NEXTHDR_ICMPV6) {
			*nh = next;
			*off = o;
			return PARSE_OK;
		}
		if (next == NEXTHDR_FRAGMENT)
			return PARSE_FRAGMENT;
		if ((next != NEXTHDR_HOP && next != NEXTHDR_DEST &&
		     next != NEXTHDR_ROUTING) || (next == NEXTHDR_HOP && i) ||
		    i == IP6_EXT_MAX)
			return PARSE_OTHER;
		x = data + (o & 0xff);
		if ((void *)(x + 8) > data_end || o + 8 > end)
			return PARSE_MALFORMED;
		if (next == NEXTHDR_ROUTING && x[3])
			return PARSE_OTHER;     /* segments left: not here yet */
		next = x[0];
		o += (x[1] + 1) * 8;
		if (o > end)
			return PARSE_MALFORMED;
		if (o > IP6_L4_OFF_MAX)
			return PARSE_OTHER;
	}
	return PARSE_OTHER;
}

/*
 * The ICMPv6 errors (types below 128) quoting an IPv6 TCP or UDP packet
 * with its ports, at icmp_off, up to end: the quote's tuple in p.  Its
 * checksum is checked later, only for an error about a connection.
 */
static __always_inline int parse_icmp6(struct pkt *p, void *data, void *data_end,
				       __u32 icmp_off, __u32 end)
{
	__u8 *ic = data + (icmp_off & 0xff);
	struct ipv6hdr *cih;
	__u32 qoff = icmp_off + 8;
	__u16 *ports;
	__u8 nh;
	int rc;

	if ((void *)(ic + 8) > data_end || icmp_off + 8 > end)
		return PARSE_MALFORMED;
	if (ic[0] < ICMPV6_DEST_UNREACH || ic[0] > ICMPV6_PARAMPROB)
		return PARSE_OTHER;
	cih = data + (qoff & 0xff);
	if ((void *)(cih + 1) > data_end || qoff + IP6_HLEN > end)
		return PARSE_MALFORMED;
	if (cih->version != 6)
		return PARSE_MALFORMED;
	nh = cih->nexthdr;
	p->inner_off = qoff;
	qoff += IP6_HLEN;
	rc = ip6_skip_ext(data, data_end, &qoff, end, &nh);
	if (rc == PARSE_FRAGMENT)
		return PARSE_OTHER;     /* no ports to go by */
	if (rc != PARSE_OK)
		return rc;
	if (nh != IPPROTO_TCP && nh != IPPROTO_UDP)
		return PARSE_OTHER;
	ports = data + (qoff & 0xff);
	if ((void *)(ports + 2) > data_end || qoff + 4 > end)
		return PARSE_MALFORMED;
	p->icmp_type = ic[0];
	p->inner_l4_off = qoff;
	p->proto = nh;
	__builtin_memcpy(p->saddr6, &cih->saddr, 16);
	__builtin_memcpy(p->daddr6, &cih->daddr, 16);
	p->sport = ports[0];
	p->dport = ports[1];
	p->tcp_flags = 0;
	return PARSE_ICMP;
}

/* The frame's IPv6 packet, after the Ethernet header the caller checked. */
static __always_inline int parse_ipv6(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	__u32 off = sizeof(struct ethhdr) + IP6_HLEN, end;
	__u8 nh;
	int rc;

	if ((void *)(ip6 + 1) > data_end)
		return PARSE_MALFORMED;
	if (ip6->version != 6)
		return PARSE_MALFORMED;
	if (!ip6->payload_len)
		return PARSE_OTHER;     /* a jumbogram */
	/* In 32 bits: 40 + a payload length near 65535 would wrap pkt.ip_len,
	 * and a short frame would pass for a long packet's. */
	end = sizeof(struct ethhdr) + IP6_HLEN + bpf_ntohs(ip6->payload_len);
	if (data + end > data_end)
		return PARSE_MALFORMED;
	p->ip_len = end - sizeof(struct ethhdr);
	if (martian_source6((const __be32 *)&ip6->saddr))
		return PARSE_MALFORMED;
	p->af = 6;
	p->tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
	nh = ip6->nexthdr;
	rc = ip6_skip_ext(data, data_end, &off, end, &nh);
	if (rc != PARSE_OK)
		return rc;
	p->l4_off = off;
	if (nh == NEXTHDR_ICMPV6) {
		__builtin_memcpy(p->outer_saddr6, &ip6->saddr, 16);
		__builtin_memcpy(p->outer_daddr6, &ip6->daddr, 16);
		return parse_icmp6(p, data, data_end, off, end);
	}
	p->proto = nh;
	__builtin_memcpy(p->saddr6, &ip6->saddr, 16);
	__builtin_memcpy(p->daddr6, &ip6->daddr, 16);
	return parse_l4(p, data + (off & 0xff), data_end, end - off);
}

#endif
