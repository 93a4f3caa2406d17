/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checksums summed from scratch over the frame: a stretch of it a chunk at
 * a time through the scratch (GUE's and GRE's checksums, an ICMP error's
 * check), and an IPv4 header with its options (ip_send_check).
 */
#ifndef XLVS_BPF_FRAME_CSUM_H
#define XLVS_BPF_FRAME_CSUM_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "csum.h"
#include "maps.h"

#define FRAME_CSUM_CHUNKS 40    /* frames up to 40 * 256 bytes */

/* The one's complement sum of len bytes of the frame from off, added to
 * seed, in chunks through the scratch (the verifier cannot bound a sum
 * over the packet itself).  -1 if the frame is too long for the chunks. */
static __always_inline __s64 frame_csum(struct xdp_md *ctx, __u32 off,
					__u32 len, __s64 seed)
{
	struct scratch *sc = scratch_get();
	__s64 sum = seed;

	if (!sc)
		return -1;
	for (int i = 0; i < FRAME_CSUM_CHUNKS && len; i++) {
		__u32 n = len > TUN_CSUM_CHUNK ? TUN_CSUM_CHUNK : len;
		__u32 n4 = (n + 3) & ~3u;

		if (n < 1 || n > TUN_CSUM_CHUNK || n4 > TUN_CSUM_CHUNK)
			return -1;
		/* Zeros after an odd tail are what the sum pads with. */
		*(__u32 *)(sc->csum_buf + ((n4 - 4) & (TUN_CSUM_CHUNK - 4))) = 0;
		if (bpf_xdp_load_bytes(ctx, off, sc->csum_buf, n))
			return -1;
		sum = bpf_csum_diff(NULL, 0, (void *)sc->csum_buf, n4, sum);
		off += n;
		len -= n;
	}
	return len ? -1 : sum;
}

/* The checksum of len bytes of the frame from off (below 256), seeded
 * with seed (32 bits), stored at off + at (even, below 16): 0, or -1.  A sum of zero is
 * sent as 0xffff, as skb_checksum_help sends UDP's and GRE's
 * (CSUM_MANGLED_0), which for ICMPv6 is the same sum.  A global function:
 * the verifier checks its loop once, not for each caller. */
__noinline int csum_fill(struct xdp_md *ctx, __u32 off, __u32 len, __s64 seed,
			 __u32 at)
{
	__s64 sum = frame_csum(ctx, off, len, seed);
	void *data, *data_end;
	__u16 *x;

	if (sum < 0)
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	x = data + ((off & 0xff) + (at & 0xe));
	if ((void *)(x + 1) > data_end)
		return -1;
	*x = csum_fold32(sum) ?: 0xffff;
	return 0;
}

/* The checksum of an option-less IPv4 header whose check field is 0:
 * five words summed in place (no helper call, as bpf_csum_diff is). */
static __always_inline __u16 ip_hdr_csum(const struct iphdr *ip)
{
	const __u32 *w = (const void *)ip;

	return csum_fold32((__u64)w[0] + w[1] + w[2] + w[3] + w[4]);
}

/* ip_send_check: the header's checksum from scratch, options included. */
static __always_inline int ip_send_check(struct iphdr *ip, void *data_end)
{
	const __u32 *w = (const void *)ip;
	__u64 sum;

	ip->check = 0;
	sum = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];
	for (__u32 i = 5; i < 15 && i < ip->ihl; i++) {
		const __u32 *q = w + i;

		barrier_var(q);
		if ((void *)(q + 1) > data_end)
			return -1;
		sum += *q;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	ip->check = csum_fold32(sum);
	return 0;
}

#endif
