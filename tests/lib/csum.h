/*
 * The Internet checksum (RFC 1071) as the tests, fuzzers and test tools
 * compute it from scratch, to check what the data plane wrote
 * incrementally or to build the packets they send.
 */
#ifndef XLVS_TESTS_CSUM_H
#define XLVS_TESTS_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of big-endian 16-bit words, an odd byte padded. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* The checksum field's value for a sum. */
static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The checksum of len bytes alone. */
static inline uint16_t csum_of(const uint8_t *p, size_t len)
{
	return csum_fold(csum_add(0, p, len));
}

/* A sum over data that includes its own checksum field is right when it
 * folds to zero. */
static inline int csum_ok(uint32_t sum)
{
	return csum_fold(sum) == 0;
}

#endif
