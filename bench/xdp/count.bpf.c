// SPDX-License-Identifier: GPL-2.0
/*
 * count: attached to each real server's veth.  Counts (per CPU) and drops
 * the benchmark's UDP frames, so delivered packets are counted exactly and
 * the real servers spend nothing on them; passes everything else.  Having
 * an XDP program here is also what lets a director XDP-redirect into this
 * veth at all (veth_xdp_xmit needs one on the receiving peer).  A tunnel
 * director's (ipip) frames are counted by the UDP packet inside, so the
 * tunnel's real servers cost the same as direct routing's.  On the client's
 * veth (NAT, whose replies the director redirects there) nothing matches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "parse.h"

const volatile __be16 udp_port;	/* network order, set before load */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int bench_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = bench_ipv4(data, end);
	__be16 *ports;
	__u32 key = 0;
	__u64 *n;

	if (ip && ip->protocol == BENCH_IPPROTO_IPIP)
		ip = bench_inner_ipv4(ip, end);
	if (!ip || ip->protocol != BENCH_IPPROTO_UDP)
		return XDP_PASS;
	ports = bench_ports(ip, end);
	if (!ports || ports[1] != udp_port)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&counts, &key);
	if (n)
		(*n)++;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
