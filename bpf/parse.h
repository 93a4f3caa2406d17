/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing.  Every helper bounds-checks against data_end before it
 * reads, and says what it found in a verdict; nothing here writes to the
 * packet.  Only what a virtual service can match is parsed: untagged
 * Ethernet, IPv4 (here) or IPv6 (parse6.h), TCP and UDP, and the ICMP
 * errors that quote a TCP or UDP packet (PARSE_ICMP).  Anything else is PARSE_OTHER and passes.
 * What the kernel's IPv4 input would drop before IPVS sees it (a wrong
 * header checksum, a martian source) is PARSE_MALFORMED: passed on, for
 * the kernel to drop and count.
 */
#ifndef XLVS_BPF_PARSE_H
#define XLVS_BPF_PARSE_H

#define ETH_P_IP_BE    bpf_htons(0x0800)
#define IP_DF          0x4000
#define IP_MF          0x2000
#define IP_OFFSET      0x1fff

#include "pkt.h"
#include "parse6.h"

/*
 * ip_rcv_core drops an IPv4 header whose checksum is wrong, so IPVS never
 * sees one; nor may we schedule or forward it (a flipped bit in the
 * destination could make it any service's).  The one's complement sum of
 * the header, checksum included, is all ones when it is right; summed here
 * as 32-bit words: the fixed five (the caller checked they are there), then
 * the options' (a bounded loop: options are rare).
 */
static __always_inline int ip_csum_ok(const struct iphdr *ip, void *data_end,
				      __u32 ihl_words)
{
	const __u32 *w = (const void *)ip;
	__u64 sum = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];

	for (__u32 i = 5; i < 15 && i < ihl_words; i++) {
		const __u32 *q = w + i;

		/* Else clang compares data_end - 4, which the verifier refuses. */
		barrier_var(q);
		if ((void *)(q + 1) > data_end)
			return 0;
		sum += *q;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

#define IPPROTO_ICMP 1
#define ICMP_ERR_UNREACH 3
#define ICMP_ERR_QUENCH 4
#define ICMP_ERR_TIME 11
#define ICMP_HLEN 8

/*
 * The ICMP errors IPVS relates to a connection (ip_vs_in_icmp: destination
 * unreachable, source quench, time exceeded) quoting an unfragmented TCP
 * or UDP packet with its ports: the quote's tuple in p, for the caller to
 * find the connection by.  icmp_off is the ICMP header's offset (34..74);
 * icmp_len what the outer header says follows it.  Any other ICMP is none
 * of ours; a quote cut short is malformed (the kernel gets it).
 */
static __always_inline int parse_icmp(struct pkt *p, void *data, void *data_end,
				      __u32 icmp_off, __u32 icmp_len)
{
	__u8 *ic = data + (icmp_off & 0x7f);
	struct iphdr *cih;
	__u32 cihl;
	__u16 *ports;

	if ((void *)(ic + ICMP_HLEN) > data_end || icmp_len < ICMP_HLEN)
		return PARSE_MALFORMED;
	if (ic[0] != ICMP_ERR_UNREACH && ic[0] != ICMP_ERR_QUENCH &&
	    ic[0] != ICMP_ERR_TIME)
		return PARSE_OTHER;
	cih = (void *)(ic + ICMP_HLEN);
	if ((void *)(cih + 1) > data_end ||
	    icmp_len < ICMP_HLEN + sizeof(*cih))
		return PARSE_MALFORMED;
	if (cih->version != 4 || cih->ihl < 5)
		return PARSE_MALFORMED;
	if (cih->protocol != IPPROTO_TCP && cih->protocol != IPPROTO_UDP)
		return PARSE_OTHER;
	if (cih->frag_off & bpf_htons(IP_OFFSET))
		return PARSE_OTHER;     /* ip_vs_in_icmp: no ports to go by */
	cihl = cih->ihl * 4 & 0x3c;
	ports = (void *)cih + cihl;
	if ((void *)(ports + 2) > data_end || icmp_len < ICMP_HLEN + cihl + 4)
		return PARSE_MALFORMED;
	p->icmp_type = ic[0];
	p->inner_off = (icmp_off & 0x7f) + ICMP_HLEN;
	p->proto = cih->protocol;
	p->saddr = cih->saddr;
	p->daddr = cih->daddr;
	p->sport = ports[0];
	p->dport = ports[1];
	p->tcp_flags = 0;
	return PARSE_ICMP;
}

/* ip_route_input_slow's martian sources (multicast, limited broadcast,
 * 0.0.0.0/8, loopback): the kernel never routes them to IPVS, and an
 * answer to one (ip_vs_leave's ICMP) would go nowhere or everywhere. */
static __always_inline int martian_source(__be32 saddr)
{
	__u32 a = bpf_ntohl(saddr);

	return (a >> 28) == 0xe || a == 0xffffffff || (a >> 24) == 0 ||
	       (a >> 24) == 127;
}

static __always_inline int parse_packet(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 ihl;

	if ((void *)(eth + 1) > data_end)
		return PARSE_OTHER;   /* a runt frame: the kernel drops it */
	/* Sent to a group (broadcast too): not PACKET_HOST, which is all
	 * ip_vs_in takes; the kernel's to deliver or drop. */
	if (eth->h_dest[0] & 1)
		return PARSE_OTHER;
	if (eth->h_proto == ETH_P_IPV6_BE)
		return parse_ipv6(ctx, p);
	if (eth->h_proto != ETH_P_IP_BE)
		return PARSE_OTHER;
	p->af = 4;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return PARSE_MALFORMED;
	if (ip->version != 4 || ip->ihl < 5)
		return PARSE_MALFORMED;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP &&
	    ip->protocol != IPPROTO_ICMP)
		return PARSE_OTHER;
	ihl = ip->ihl * 4;
	p->ip_len = bpf_ntohs(ip->tot_len);
	if (p->ip_len < ihl || (void *)ip + p->ip_len > data_end)
		return PARSE_MALFORMED;
	if (!ip_csum_ok(ip, data_end, ip->ihl) || martian_source(ip->saddr))
		return PARSE_MALFORMED;
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return PARSE_FRAGMENT;
	p->tos = ip->tos;
	p->l4_off = sizeof(*eth) + (ihl & 0x3c);
	if (ip->protocol == IPPROTO_ICMP) {
		p->outer_saddr = ip->saddr;
		p->outer_daddr = ip->daddr;
		return parse_icmp(p, data, data_end, p->l4_off, p->ip_len - ihl);
	}
	p->proto = ip->protocol;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	/* ihl is 20..60: a constant bound the verifier can follow. */
	return parse_l4(p, (void *)ip + (ihl & 0x3c), data_end, p->ip_len - ihl);
}

#endif
