/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Internet checksum: folding a one's complement sum, and changing a
 * checksum for a field rewritten in place (RFC 1624's HC' = ~(~HC + ~m +
 * m')).  Sums are over the 16-bit words as they lie in memory, so they
 * need no byte swapping: stored back the same way, the result is right in
 * network order too.
 */
#ifndef XLVS_BPF_CSUM_H
#define XLVS_BPF_CSUM_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The one's complement sum folded to 16 bits, and complemented. */
static __always_inline __u16 csum_fold32(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The checksum *sum after a 32-bit word of what it covers went from `from`
 * to `to` (an address, or two ports). */
static __always_inline void csum_replace4(__u16 *sum, __u32 from, __u32 to)
{
	__u64 s = (__u16)~*sum;

	s += (~from & 0xffff) + (~from >> 16);
	s += (to & 0xffff) + (to >> 16);
	*sum = csum_fold32(s);
}

static __always_inline void csum_replace2(__u16 *sum, __u16 from, __u16 to)
{
	__u64 s = (__u16)~*sum;

	s += (__u16)~from + to;
	*sum = csum_fold32(s);
}

/* ip_decrease_ttl: the checksum adjusted as the kernel adjusts it. */
static __always_inline void ip_decrease_ttl(struct iphdr *ip)
{
	__u32 check = ip->check;

	check += bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xffff));
	ip->ttl--;
}

#endif
