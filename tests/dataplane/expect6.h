/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an IPv6 test asserts about one run, as expect.h for IPv4: the
 * verdict and every byte of the frame that came back, against a frame
 * built here from the one sent and what the kernel would have done to it
 * (net/netfilter/ipvs/ip_vs_xmit.c, net/ipv6/icmp.c), checksums from
 * scratch.
 */
#ifndef XLVS_TEST_EXPECT6_H
#define XLVS_TEST_EXPECT6_H

#include <stdbool.h>
#include <stdint.h>

#include "harness6.h"

/* The verdict must be v (rc 0); else the counters moved are printed. */
void expect6_verdict(const struct dp_result *r, uint32_t v);
/* out must be want byte for byte; else both are printed. */
void expect6_frame(const struct frame *want, const struct frame *out);

/* Direct routing: XDP_TX to the real server's MAC from the director's,
 * hop limit one lower (decrement_ttl), every other byte as it came. */
void expect6_forwarded(const struct frame *in, const struct dp_result *r,
		       uint8_t host);

/* The IPv6 packet in a frame: its header and payload_len bytes (no
 * Ethernet padding), copied to q; its length. */
size_t ip6_packet(const struct frame *f, uint8_t *q);

/* The ICMPv6 error icmp6_send makes about in, quoting the IPv6 packet q
 * (qlen bytes, cut to ICMP6_QUOTE_MAX): back to in's source MAC from its
 * destination MAC, from in's destination address to its source, hop limit
 * 64, traffic class 0, the checksum over the pseudo-header; flow label 0,
 * the spec's (icmp6_send's may carry an automatic one, auto_flowlabels). */
void icmp6_error_of(const struct frame *in, const uint8_t *q, size_t qlen,
		    uint8_t type, uint8_t code, uint32_t info, struct frame *want);
/* XDP_TX with that error, quoting in's packet with its hop limit lowered
 * by hop_dec (1 when decrement_ttl ran first: too big on the way to a
 * server), and icmp_sent counted. */
void expect6_icmp(const struct frame *in, const struct dp_result *r,
		  uint8_t type, uint8_t code, uint32_t info, int hop_dec);
/* ip_vs_leave: Destination Unreachable, port unreachable (1, 4), and only
 * pkts_no_dest and icmp_sent counted. */
void expect6_left(const struct frame *in, const struct dp_result *r);

/* The real server a forwarded IPv6 frame went to (last byte of its MAC),
 * or -1 when it was not forwarded by XDP_TX as IPv6 to one of ours. */
int chosen6(const struct dp_result *r);

/* Build and run one segment from the client (sport) to VIP:dport. */
void send6(uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags,
	   struct frame *f, struct dp_result *r);
/* A new connection by direct routing: forwarded to some server, one
 * connection scheduled; the server.  A later packet: to host, nothing
 * scheduled. */
int open6(uint8_t proto, uint16_t sport, uint16_t dport);
void follow6(uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags,
	     uint8_t host);

#endif
