// SPDX-License-Identifier: GPL-2.0
/*
 * ceiling: the least an XDP direct-routing forwarder can do, as the
 * benchmark's XDP ceiling.  A frame for the VIP goes to a real server
 * chosen by a stateless hash of its source address and port (of the
 * source address alone for affinity_port, so iperf3's control and data
 * connections meet on one server); its MACs are rewritten and it is
 * redirected to that server's link.  No table, no state, no checks beyond
 * the headers it reads.  Everything else is passed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "parse.h"

#define CEILING_MAX_DEST 8	/* a power of two: indexes are masked */

const volatile __be32 vip;
const volatile __be16 affinity_port;
const volatile __u32 n_dest;
const volatile __u32 dest_ifindex[CEILING_MAX_DEST];
const volatile __u8 dest_dmac[CEILING_MAX_DEST][6];
const volatile __u8 dest_smac[CEILING_MAX_DEST][6];

SEC("xdp")
int bench_ceiling(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = bench_ipv4(data, end);
	__be16 *ports;
	__u32 h, i;

	if (!ip || ip->daddr != vip || n_dest == 0)
		return XDP_PASS;
	ports = bench_ports(ip, end);
	if (!ports)
		return XDP_PASS;
	h = ip->saddr;
	if (ports[1] != affinity_port)
		h ^= (__u32)ports[0] << 16;
	h *= 2654435761u;	/* Knuth's multiplicative hash */
	i = ((h >> 16) % n_dest) & (CEILING_MAX_DEST - 1);
	__builtin_memcpy(eth->h_dest, (const void *)dest_dmac[i], 6);
	__builtin_memcpy(eth->h_source, (const void *)dest_smac[i], 6);
	return bpf_redirect(dest_ifindex[i], 0);
}

char _license[] SEC("license") = "GPL";
