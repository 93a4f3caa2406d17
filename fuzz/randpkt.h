/* SPDX-License-Identifier: GPL-2.0 */
/*
 * randpkt's generator, shared by its IPv4 frames (randpkt.c) and its IPv6
 * ones (randpkt6.c): the seeded random numbers, the TCP/UDP segments.
 */
#ifndef XLVS_FUZZ_RANDPKT_H
#define XLVS_FUZZ_RANDPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A TCP or UDP packet to build (IPv4 fields; a segment takes the rest). */
struct l4 {
	uint8_t proto;
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint8_t flags;          /* TCP */
	uint16_t payload;
	uint8_t ttl;
	bool df;
};

uint64_t rnd(void);
uint32_t below(uint32_t n);
bool chance(unsigned int pct);

uint16_t client_port(void);
uint8_t ttl_any(void);
uint16_t payload_any(void);
uint8_t tcp_flags_any(bool opening);
/* A TCP or UDP segment (header, options, payload; no checksum) at l4; its
 * length. */
unsigned int seg(uint8_t *l4, const struct l4 *m);

/* An IPv6 frame into f (XO_FRAME_LIMIT bytes of room); its length.
 * *request: a client's packet to a service, whose fate learn6 is told. */
size_t gen6(uint8_t *f, bool *request);
/* The last request gen6 made went out as out (len bytes). */
void learn6(const uint8_t *out, uint32_t len);

#endif
