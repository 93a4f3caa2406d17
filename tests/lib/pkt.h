/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test frames: Ethernet + IPv4 + TCP/UDP/ICMP (or ARP, IPv6) built from a
 * declarative spec with correct checksums, then optionally broken on purpose
 * by a short list of mutations.  A case table can then say what a frame is
 * ("a SYN with IHL 4") instead of carrying opaque bytes.
 */
#ifndef XLVS_TEST_PKT_H
#define XLVS_TEST_PKT_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 1536

/* Host-order IPv4 address from its dotted parts. */
#define IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* The test network: the director's device, the client, the real servers.
 * Every MAC is 02:00:00:00:00:<last octet of the address it belongs to>, so
 * a rewritten destination MAC names the real server by its last byte. */
#define NET_DEV_IP   IP4(10, 0, 0, 1)
#define NET_CLIENT   IP4(10, 0, 0, 9)
#define NET_VIP      IP4(10, 0, 0, 100)
#define NET_OTHER_IP IP4(10, 0, 0, 101)
#define HOST_DEV     0x01
#define HOST_CLIENT  0x09
#define HOST_RS1     0x03
#define HOST_RS2     0x04
#define HOST_RS_LAST 0x08     /* real servers are .3 to .8 */

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

enum pkt_l3 {
	L3_IPV4 = 0,
	L3_ARP,
	L3_IPV6,
};

struct pkt_spec {
	enum pkt_l3 l3;
	uint8_t proto;          /* IPPROTO_TCP / _UDP / _ICMP (IPv4 and IPv6) */
	uint32_t saddr, daddr;  /* host order; 0 means client / VIP */
	uint16_t sport, dport;  /* host order */
	uint8_t tcp_flags;      /* TH_SYN, TH_ACK, ... */
	uint8_t ip_opt_len;     /* bytes of IPv4 options: 0..40, multiple of 4 */
	uint16_t frag;          /* IPv4 flags + fragment offset field, host order */
	uint16_t payload;       /* payload bytes after the L4 header */
	uint16_t pad_to;        /* Ethernet trailer: pad the frame to this size */
};

/* Deliberate damage, applied after the frame is built. */
enum pkt_mut_kind {
	MUT_NONE = 0,
	MUT_TRUNC,              /* cut the frame to val bytes */
	MUT_IHL,                /* IPv4 IHL := val (header checksum refreshed) */
	MUT_TOT_LEN,            /* IPv4 total length := val (checksum refreshed) */
	MUT_VERSION,            /* IPv4 version nibble := val */
	MUT_DOFF,               /* TCP data offset := val */
	MUT_IP_BYTE,            /* IPv4 header byte val >> 8 := val & 0xff,
				 * checksum left as it was (now wrong) */
};

struct pkt_mut {
	enum pkt_mut_kind kind;
	unsigned int val;
};

#define PKT_MUT_MAX 2

void pkt_build(struct frame *f, const struct pkt_spec *s);
void pkt_mutate(struct frame *f, const struct pkt_mut *m);

/* 02:00:00:00:00:<host> */
void pkt_mac(uint8_t mac[6], uint8_t host);

/* Byte offsets into a built IPv4 frame. */
#define OFF_IP 14

#endif
