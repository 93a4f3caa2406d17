/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test asserts about one run: the verdict, every byte of the frame
 * that came back, and exactly which counters moved.
 */
#ifndef XLVS_TEST_EXPECT_H
#define XLVS_TEST_EXPECT_H

#include <stdbool.h>
#include "harness.h"

/* XDP_TX with the destination MAC of real server `host`, the director's
 * MAC as source, and every other byte as it came in. */
void expect_forwarded(const struct frame *in, const struct dp_result *r,
		      uint8_t host);

/* This verdict and the frame byte for byte as it came in. */
void expect_unchanged(const struct frame *in, const struct dp_result *r,
		      uint32_t verdict);

/* IPVS's ip_vs_leave: an ICMP port unreachable back to the client,
 * byte for byte, and only pkts_no_dest and icmp_unreach_sent counted. */
void expect_left(const struct frame *in, const struct dp_result *r);
/* The same as a yes/no, also taking the drop the ICMP rate limit makes,
 * for tests that send many. */
bool dp_left(const struct frame *in, const struct dp_result *r);

/* PKTS_IN and each listed counter moved by exactly one, every other counter
 * not at all.  The list ends with -1 (counter 0 is PKTS_IN). */
void expect_counters_(const struct dp_result *r, ...);
#define expect_counters(r, ...) expect_counters_((r), __VA_ARGS__, -1)

/* The real server a forwarded frame went to (last byte of its MAC), or -1
 * when the frame was not forwarded by XDP_TX to one of ours (an ICMP
 * answer to the client is not). */
int chosen(const struct dp_result *r);

/* Build and run one TCP segment / UDP datagram from the client to the VIP. */
void send_tcp(uint16_t sport, uint16_t dport, uint8_t flags, uint16_t payload,
	      struct frame *f, struct dp_result *r);
void send_udp(uint16_t sport, uint16_t dport, struct frame *f,
	      struct dp_result *r);
/* The same from any client address to any VIP (host order). */
void send_udp_from(uint32_t saddr, uint32_t daddr, uint16_t sport,
		   uint16_t dport, struct frame *f, struct dp_result *r);

/* A new connection: a SYN (or the first UDP datagram) from sport must be
 * forwarded, unaltered but for the MACs, to one of the two real servers,
 * scheduling one connection.  Returns the server chosen. */
int open_tcp(uint16_t sport, uint16_t dport);
int open_udp(uint16_t sport, uint16_t dport);

/* A later packet of an existing connection must reach `host`, scheduling
 * nothing. */
void follow_tcp(uint16_t sport, uint16_t dport, uint8_t flags,
		uint16_t payload, uint8_t host);
void follow_udp(uint16_t sport, uint16_t dport, uint8_t host);

#endif
