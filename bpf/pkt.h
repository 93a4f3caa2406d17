/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What parsing finds in a frame (struct pkt) and the helpers both
 * families' parsers share: the verdicts, the headers found again from the
 * context, and the TCP/UDP header.
 */
#ifndef XLVS_BPF_PKT_H
#define XLVS_BPF_PKT_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#endif

enum parse_verdict {
	PARSE_OK = 0,
	PARSE_OTHER,        /* not IPv4/IPv6 TCP/UDP: none of our business */
	PARSE_MALFORMED,    /* claims to be IP TCP/UDP but is broken */
	PARSE_FRAGMENT,     /* a fragment: ports are not all there */
	PARSE_ICMP,         /* an ICMP error quoting a TCP or UDP packet */
};

/* Only scalars: a global function (xlvs.bpf.c) takes it as memory, and
 * finds the headers again from the context (pkt_eth, pkt_ip, pkt_ip6).
 * An address is 16 bytes for both families: IPv4's is the first word, the
 * rest zero (as the table keeps it), so saddr is IPv4's whole address. */
struct pkt {
	union {
		__be32 saddr;       /* network order */
		__be32 saddr6[4];
	};
	union {
		__be32 daddr;
		__be32 daddr6[4];
	};
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 tcp_flags;     /* TCP_FLAG_* below; 0 for UDP */
	__u16 ip_len;       /* the IP packet's length, host order: IPv4's total
			     * length, IPv6's 40 + payload length */
	__u8 tos;           /* IPv4's TOS, IPv6's traffic class */
	__u8 l4_off;        /* the transport header's (or ICMP's) offset in
			     * the frame */
	/* PARSE_ICMP: saddr ... proto above are the quoted packet's; the
	 * ICMP packet's own addresses are these. */
	__u8 icmp_type;
	__u8 inner_off;     /* the quoted IP header's offset in the frame */
	__u8 af;            /* 4 or 6 */
	__u8 inner_l4_off;  /* IPv6's PARSE_ICMP: the quoted ports' offset */
	__u8 pad[2];
	union {
		__be32 outer_saddr;
		__be32 outer_saddr6[4];
	};
	union {
		__be32 outer_daddr;
		__be32 outer_daddr6[4];
	};
};

/* The headers parse_packet found, bounds-checked again for the verifier. */
static __always_inline struct ethhdr *pkt_eth(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return NULL;
	return eth;
}

static __always_inline struct ipv6hdr *pkt_ip6(struct xdp_md *ctx)
{
	struct ipv6hdr *ip6 = (void *)(long)ctx->data + sizeof(struct ethhdr);

	if ((void *)(ip6 + 1) > (void *)(long)ctx->data_end)
		return NULL;
	return ip6;
}

static __always_inline struct iphdr *pkt_ip(struct xdp_md *ctx)
{
	struct iphdr *ip = (void *)(long)ctx->data + sizeof(struct ethhdr);

	if ((void *)(ip + 1) > (void *)(long)ctx->data_end)
		return NULL;
	return ip;
}

/* Two addresses of the same family, 16 bytes each (IPv4's zero-padded). */
static __always_inline int addr_eq(const __be32 *a, const __be32 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

/* IPVS's address fold for its hashes: IPv6's four words XORed (ip_vs_sh,
 * ip_vs_dh, ip_vs_mh), which for IPv4 is the address. */
static __always_inline __be32 addr_fold(const __be32 *a)
{
	return a[0] ^ a[1] ^ a[2] ^ a[3];
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

#endif
