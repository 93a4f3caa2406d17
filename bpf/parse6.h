/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv6 parsing: the fixed header, the extension headers a packet to a
 * virtual service may carry before its TCP/UDP header, and the ICMPv6
 * errors IPVS relates to a connection (ip_vs_in_icmp_v6).
 *
 * IPVS finds the transport header with ipv6_find_hdr, which steps over
 * Hop-by-Hop, Routing (whatever its segments left: IPVS's hook comes
 * before the kernel acts on it), Destination Options and AH headers
 * wherever they are; so does this, up to IP6_EXT_MAX of them within the
 * first IP6_L4_OFF_MAX bytes of the frame (a bounded loop; beyond, the
 * packet is the kernel's).  A Fragment header is PARSE_FRAGMENT (the
 * kernel reassembles, as for IPv4); ESP, No Next Header and the rest are
 * the kernel's.  What ip6_rcv_core drops before IPVS sees it (a multicast
 * or loopback source) is PARSE_MALFORMED; the kernel no longer drops an
 * IPv4-mapped source there (its check moved to TCP's socket lookup), nor
 * the unspecified one.
 */
#ifndef XLVS_BPF_PARSE6_H
#define XLVS_BPF_PARSE6_H

#include "pkt.h"

#define ETH_P_IPV6_BE   bpf_htons(0x86DD)
#define NEXTHDR_HOP      0
#define NEXTHDR_ROUTING  43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_AUTH     51
#define NEXTHDR_ICMPV6   58
#define NEXTHDR_DEST     60
#define IP6_HLEN         40
#define IP6_EXT_MAX      8
#define IP6_L4_OFF_MAX   200    /* pkt.l4_off is a byte; ICMPv6's quote
				 * needs room after it */
#define ICMPV6_DEST_UNREACH  1
#define ICMPV6_PKT_TOOBIG    2
#define ICMPV6_TIME_EXCEED   3
#define ICMPV6_PARAMPROB     4
#define ICMPV6_INFOMSG_MASK  0x80

/* ip6_rcv_core's refused sources: multicast and loopback. */
static __always_inline int martian_source6(const __be32 *a)
{
	if ((bpf_ntohl(a[0]) >> 24) == 0xff)
		return 1;
	return !(a[0] | a[1] | a[2]) && a[3] == bpf_htonl(1);
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
		     next != NEXTHDR_ROUTING && next != NEXTHDR_AUTH) ||
		    i == IP6_EXT_MAX)
			return PARSE_OTHER;
		x = data + (o & 0xff);
		if ((void *)(x + 8) > data_end || o + 8 > end)
			return PARSE_MALFORMED;
		/* ipv6_authlen: AH counts 4-byte words less 2, the others
		 * 8-byte ones less 1. */
		o += next == NEXTHDR_AUTH ? (x[1] + 2) * 4 : (x[1] + 1) * 8;
		next = x[0];
		if (o > end)
			return PARSE_MALFORMED;
		if (o > IP6_L4_OFF_MAX)
			return PARSE_OTHER;
	}
	return PARSE_OTHER;
}

/*
 * The ICMPv6 errors (every type below 128) quoting an IPv6 TCP or UDP packet
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
	if (ic[0] & ICMPV6_INFOMSG_MASK)
		return PARSE_OTHER;     /* ip_vs_in_icmp_v6 takes every error */
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
