/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checksums of an IPv4 packet recomputed from nothing but its bytes, to
 * judge what the data plane wrote incrementally: the header checksum over
 * the IHL words, and the TCP or UDP checksum over the pseudo-header
 * (saddr, daddr, zero, protocol, tot_len less the header) and the segment,
 * each with its own field counted as zero.  RFC 768: a UDP checksum that
 * computes to 0 is sent as 0xffff, and 0 in the field means none.
 */
#ifndef XLVS_TEST_CSUM_SCRATCH_H
#define XLVS_TEST_CSUM_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "csum.h"

static inline uint16_t cs_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline size_t cs_ihl(const uint8_t *ip)
{
	return (ip[0] & 15) * 4u;
}

/* Where the L4 checksum field sits in its header: TCP 16, UDP 6. */
static inline size_t cs_l4_field(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 16 : 6;
}

/* The header checksum the header at ip should carry. */
static inline uint16_t cs_ip_hdr(const uint8_t *ip)
{
	size_t ihl = cs_ihl(ip);
	uint32_t sum = csum_add(0, ip, 10);

	return csum_fold(csum_add(sum, ip + 12, ihl - 12));
}

/* The TCP or UDP checksum the packet at ip should carry (its tot_len
 * bytes must be there). */
static inline uint16_t cs_l4(const uint8_t *ip)
{
	size_t ihl = cs_ihl(ip), len = cs_get16(ip + 2) - ihl;
	const uint8_t *l4 = ip + ihl;
	size_t ck = cs_l4_field(ip[9]);
	uint8_t pseudo[12] = { 0 };
	uint32_t sum;
	uint16_t c;

	for (int i = 0; i < 8; i++)
		pseudo[i] = ip[12 + i];
	pseudo[9] = ip[9];
	pseudo[10] = (uint8_t)(len >> 8);
	pseudo[11] = (uint8_t)len;
	sum = csum_add(0, pseudo, 12);
	sum = csum_add(sum, l4, ck);
	/* csum_add pads an odd tail with a zero byte: the words after the
	 * field start on an even offset, so the split keeps their pairing. */
	sum = csum_add(sum, l4 + ck + 2, len - ck - 2);
	c = csum_fold(sum);
	if (ip[9] == IPPROTO_UDP && c == 0)
		c = 0xffff;
	return c;
}

/* Does field hold checksum want?  In one's complement 0x0000 and 0xffff
 * are the same number, and a receiver takes either for TCP and the IP
 * header; UDP keeps 0 for "no checksum", so there it must be exact. */
static inline bool cs_same(uint16_t field, uint16_t want, bool udp)
{
	if (field == want)
		return true;
	return !udp && (uint16_t)(field | want) == 0xffff &&
	       (field == 0 || want == 0);
}

#endif
