// SPDX-License-Identifier: GPL-2.0
/*
 * tun_decap: a test-only decapsulation program for the tunnel end-to-end
 * tests (test_tunnel.sh compiles it and attaches it to the real servers'
 * interfaces), standing in for the kernel's ipip/fou/gre, which this
 * machine's kernel has not got, until xlvs-realserver's own is in main.
 * It strips what a director's ip_vs_tunnel_xmit put around an IPv4 packet
 * -- an IPv4 header of protocol 4; or UDP to port 6080 and a GUE header
 * (version 0, no options) carrying protocol 4; or a GRE header (no flags
 * but C) carrying 0x0800 -- and passes the inner packet to the stack,
 * which checks its checksums as for any packet.  Anything else passes as
 * it came.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define GUE_PORT 6080

SEC("xdp")
int tun_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, saved;
	struct iphdr *ip = (void *)(eth + 1), *inner;
	__u32 hlen = sizeof(*ip);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || (ip->frag_off & bpf_htons(0x3fff)))
		return XDP_PASS;
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *uh = (void *)(ip + 1);
		__u8 *gue = (void *)(uh + 1);

		if ((void *)(gue + 4) > end || uh->dest != bpf_htons(GUE_PORT) ||
		    gue[0] != 0 || gue[1] != IPPROTO_IPIP)
			return XDP_PASS;
		hlen += sizeof(*uh) + 4;
	} else if (ip->protocol == IPPROTO_GRE) {
		__be16 *g = (void *)(ip + 1);

		if ((void *)(g + 2) > end || (g[0] & ~bpf_htons(0x8000)) ||
		    g[1] != bpf_htons(ETH_P_IP))
			return XDP_PASS;
		hlen += g[0] ? 8 : 4;
	} else if (ip->protocol != IPPROTO_IPIP) {
		return XDP_PASS;
	}
	inner = (void *)ip + hlen;
	if ((void *)(inner + 1) > end || inner->version != 4)
		return XDP_PASS;
	__builtin_memcpy(&saved, eth, sizeof(saved));
	if (bpf_xdp_adjust_head(ctx, (int)hlen))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__builtin_memcpy(eth, &saved, sizeof(saved));
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
