/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing.  Every helper bounds-checks against data_end before it
 * reads, and says what it found in a verdict; nothing here writes to the
 * packet.  Only what a virtual service can match is parsed: untagged
 * Ethernet, IPv4, TCP and UDP.  Anything else is PARSE_OTHER and passes.
 * What the kernel's IPv4 input would drop before IPVS sees it (a wrong
 * header checksum, a martian source) is PARSE_MALFORMED: passed on, for
 * the kernel to drop and count.
 */
#ifndef XLVS_BPF_PARSE_H
#define XLVS_BPF_PARSE_H

#define ETH_P_IP_BE    bpf_htons(0x0800)
#define IP_MF          0x2000
#define IP_OFFSET      0x1fff

enum parse_verdict {
	PARSE_OK = 0,
	PARSE_OTHER,        /* not IPv4 TCP/UDP: none of our business */
	PARSE_MALFORMED,    /* claims to be IPv4 TCP/UDP but is broken */
	PARSE_FRAGMENT,     /* an IPv4 fragment: ports are not all there */
};

/* Only scalars: a global function (xlvs.bpf.c) takes it as memory, and
 * finds the headers again from the context (pkt_eth, pkt_ip). */
struct pkt {
	__u32 saddr;        /* network order */
	__u32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 tcp_flags;     /* TCP_FLAG_* below; 0 for UDP */
	__u16 ip_len;       /* IPv4 total length, host order */
	__u8 tos;
	__u8 l4_off;        /* the transport header's offset in the frame */
};

/* The headers parse_packet found, bounds-checked again for the verifier. */
static __always_inline struct ethhdr *pkt_eth(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return NULL;
	return eth;
}

static __always_inline struct iphdr *pkt_ip(struct xdp_md *ctx)
{
	struct iphdr *ip = (void *)(long)ctx->data + sizeof(struct ethhdr);

	if ((void *)(ip + 1) > (void *)(long)ctx->data_end)
		return NULL;
	return ip;
}

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10

/* l4_len is what the IPv4 header says follows it: trailing Ethernet padding
 * must never be read as a transport header. */
static __always_inline int parse_l4(struct pkt *p, void *l4, void *data_end,
				    __u32 l4_len)
{
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end || th->doff < 5 ||
		    l4_len < th->doff * 4u)
			return PARSE_MALFORMED;
		p->sport = th->source;
		p->dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
		return PARSE_OK;
	}
	struct udphdr *uh = l4;

	if ((void *)(uh + 1) > data_end || l4_len < sizeof(*uh))
		return PARSE_MALFORMED;
	p->sport = uh->source;
	p->dport = uh->dest;
	p->tcp_flags = 0;
	return PARSE_OK;
}

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
	if (eth->h_proto != ETH_P_IP_BE)
		return PARSE_OTHER;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return PARSE_MALFORMED;
	if (ip->version != 4 || ip->ihl < 5)
		return PARSE_MALFORMED;
	if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
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
	p->proto = ip->protocol;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	/* ihl is 20..60: a constant bound the verifier can follow. */
	return parse_l4(p, (void *)ip + (ihl & 0x3c), data_end, p->ip_len - ihl);
}

#endif
