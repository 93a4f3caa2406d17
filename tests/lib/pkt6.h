/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv6 test frames: Ethernet + IPv6 + extension headers + TCP, UDP or
 * ICMPv6, every checksum computed from scratch over RFC 8200's
 * pseudo-header (source, destination, upper-layer length, next header).
 * A spec starts from pkt6_init (client fd00::9 to the VIP fd00::64, hop
 * limit 64) and is edited; what it says is built as it says, so a test can
 * send an unspecified or multicast source as easily as a good one.
 *
 * The IPv6 test network mirrors the IPv4 one of pkt.h: fd00::<host> has
 * the MAC 02:00:00:00:00:<host>, the director's device is fd00::1, the
 * client fd00::9, the VIP fd00::64, the real servers fd00::3 to fd00::8.
 */
#ifndef XLVS_TEST_PKT6_H
#define XLVS_TEST_PKT6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

#define IP6_HLEN      40
#define OFF_IP6       14
#define NET6_VIP      0x64      /* fd00::64 */
#define NET6_OTHER    0x65      /* fd00::65: in no table */
/* Next-header numbers are netinet/in.h's IPPROTO_HOPOPTS, _ROUTING,
 * _FRAGMENT, _DSTOPTS, _ICMPV6, _NONE, _ESP, _AH, _IPV6. */
/* The quote of an ICMPv6 error: as much of the packet as keeps the error
 * within the minimum MTU (RFC 4443 2.4 (c); icmp6_send's len). */
#define ICMP6_QUOTE_MAX (1280 - IP6_HLEN - 8)

/* fd00::<host> */
void ip6_host(uint8_t a[16], uint8_t host);

/* One extension header.  HBH and Destination Options carry one PadN
 * option filling (len8 + 1) * 8 bytes; a Routing header is type 4 (SRv6)
 * with len8 / 2 segments of fd00::65; a Fragment header carries frag (the
 * offset in 8-byte units << 3 | M) and id 0x01020304.  type_next, when
 * not 0, overrides the next-header byte this header carries. */
struct pkt6_ext {
	uint8_t type;
	uint8_t len8;
	uint8_t segleft;
	uint16_t frag;
	uint8_t type_next;
};

#define PKT6_EXT_MAX 8

struct pkt6_spec {
	uint8_t proto;              /* after the extension headers */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;      /* host order (ICMPv6 echo: id = sport) */
	uint8_t tcp_flags;
	uint16_t payload;           /* bytes after the L4 header */
	uint8_t hop_limit;
	uint8_t tclass;
	uint32_t flow;              /* 20 bits */
	struct pkt6_ext ext[PKT6_EXT_MAX];
	int n_ext;
	/* ICMPv6 (proto 58): type, code, the 4 bytes after the checksum,
	 * and the body after them (the quote of an error); an echo request
	 * (type 128) without body gets sport / 1 and payload bytes. */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_info;
	const uint8_t *body;
	size_t body_len;
	uint8_t src_mac, dst_mac;   /* 02:..:<host>; 0: client -> director */
	uint16_t pad_to;            /* Ethernet trailer */
};

/* A TCP (flags) or UDP segment from the client to VIP:dport. */
void pkt6_init(struct pkt6_spec *s, uint8_t proto, uint16_t sport,
	       uint16_t dport, uint8_t tcp_flags);
/* Appends an extension header (before the upper-layer one). */
void pkt6_ext_add(struct pkt6_spec *s, uint8_t type, uint8_t len8,
		  uint8_t segleft, uint16_t frag);
void pkt6_build(struct frame *f, const struct pkt6_spec *s);

/* Where the upper-layer header of the IPv6 packet at ip6 starts (after
 * the extension headers the builder can make), and which it is. */
size_t pkt6_l4_off(const uint8_t *ip6, uint8_t *proto);

/* The checksum field the upper-layer header at l4 (l4len bytes, its own
 * field counted as zero) should carry in the packet at ip6: TCP 16, UDP 6
 * (0 computed is sent as 0xffff), ICMPv6 2. */
uint16_t pkt6_l4_csum(const uint8_t *ip6, const uint8_t *l4, size_t l4len,
		      uint8_t proto);
/* Recomputes that field in place for the packet at ip6 (payload_len
 * bytes after the header must be there); a UDP checksum of 0 stays 0 when
 * keep_zero. */
void pkt6_l4_refresh(uint8_t *ip6, bool keep_zero);

#endif
