/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h: the few header checks the bench's XDP programs share.  Every
 * helper bounds-checks against data_end and returns NULL when the frame is
 * too short or not what it looks for, so callers simply pass such frames.
 */
#ifndef BENCH_XDP_PARSE_H
#define BENCH_XDP_PARSE_H

#define BENCH_ETH_P_IP	0x0800
#define BENCH_IPPROTO_TCP 6
#define BENCH_IPPROTO_UDP 17
#define BENCH_IPPROTO_IPIP 4

/* The IPv4 header of an untagged Ethernet frame without IP options. */
static __always_inline struct iphdr *bench_ipv4(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > end)
		return NULL;
	if (eth->h_proto != bpf_htons(BENCH_ETH_P_IP) || ip->ihl != 5)
		return NULL;
	return ip;
}

/* The IPv4 header inside an ipip packet (outer ip, no options), or NULL. */
static __always_inline struct iphdr *bench_inner_ipv4(struct iphdr *ip, void *end)
{
	struct iphdr *in = ip + 1;

	if ((void *)(in + 1) > end || in->version != 4 || in->ihl != 5)
		return NULL;
	return in;
}

/* The source and destination ports (network order) after ip, or NULL. */
static __always_inline __be16 *bench_ports(struct iphdr *ip, void *end)
{
	__be16 *ports = (void *)(ip + 1);

	if (ip->protocol != BENCH_IPPROTO_TCP && ip->protocol != BENCH_IPPROTO_UDP)
		return NULL;
	if ((void *)(ports + 2) > end)
		return NULL;
	return ports;
}

#endif
