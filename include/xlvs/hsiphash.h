/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's hsiphash (lib/siphash.c) as a 64-bit kernel computes it:
 * SipHash-1-3 keyed with two 64-bit words, the result cut to 32 bits (the
 * 32-bit kernels' HalfSipHash is another function).  IPVS's mh hashes the
 * real servers and the clients with it, so the table builder in user space
 * and the XDP program must agree bit for bit: both include this header.
 *
 * Only short inputs, up to 7 bytes: they are all the final block, so no
 * compression loop is needed (mh hashes one 32-bit number).
 */
#ifndef XLVS_HSIPHASH_H
#define XLVS_HSIPHASH_H

#ifndef __BPF__
#include <linux/types.h>
#endif

struct xlvs_hsiphash_key {
	__u64 k0, k1;
};

struct xlvs_sipstate {
	__u64 v0, v1, v2, v3;
};

static inline __attribute__((always_inline)) __u64 xlvs_rol64(__u64 w,
								unsigned int s)
{
	return (w << s) | (w >> (64 - s));
}

static inline __attribute__((always_inline)) void
xlvs_sipround(struct xlvs_sipstate *s)
{
	s->v0 += s->v1; s->v1 = xlvs_rol64(s->v1, 13); s->v1 ^= s->v0;
	s->v0 = xlvs_rol64(s->v0, 32);
	s->v2 += s->v3; s->v3 = xlvs_rol64(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = xlvs_rol64(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = xlvs_rol64(s->v1, 17); s->v1 ^= s->v2;
	s->v2 = xlvs_rol64(s->v2, 32);
}

/*
 * hsiphash of len bytes (0..7) given as the little-endian number they form,
 * the bytes past len zero: a __u32 hashed from memory on a little-endian
 * machine (x86, BPF there) is simply its value with len 4.
 */
static inline __attribute__((always_inline)) __u32
xlvs_hsiphash_short(__u64 bytes, __u32 len, const struct xlvs_hsiphash_key *key)
{
	struct xlvs_sipstate s = {
		.v0 = 0x736f6d6570736575ULL ^ key->k0,
		.v1 = 0x646f72616e646f6dULL ^ key->k1,
		.v2 = 0x6c7967656e657261ULL ^ key->k0,
		.v3 = 0x7465646279746573ULL ^ key->k1,
	};
	__u64 b = (__u64)len << 56 | bytes;

	s.v3 ^= b;
	xlvs_sipround(&s);
	s.v0 ^= b;
	s.v2 ^= 0xff;
	xlvs_sipround(&s);
	xlvs_sipround(&s);
	xlvs_sipround(&s);
	return (__u32)(s.v0 ^ s.v1 ^ s.v2 ^ s.v3);
}

#endif
