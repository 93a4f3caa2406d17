/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the oracle's two halves share: the IPv4 one (xdp_oracle.c, which
 * runs each frame) and the IPv6 one (xdp_oracle6.c, which checks what an
 * IPv6 frame became and the IPv6 outer header a tunnel to an IPv6 real
 * server puts around an IPv4 packet).
 */
#ifndef XLVS_FUZZ_XDP_ORACLE_INT_H
#define XLVS_FUZZ_XDP_ORACLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xdp_oracle.h"

/* Prints the broken invariant, the frame and what it became; no return. */
__attribute__((noreturn, format(printf, 1, 2)))
void xo_broken(const char *fmt, ...);

/* is_valid_ether_addr: neither multicast (broadcast included) nor zero. */
bool xo_mac_valid(const uint8_t *mac);
/* A frame sent on by the director: from its MAC to 02:00:00:00:00:host. */
void xo_check_macs(const uint8_t *out, uint8_t host, const char *what);
/* The frame arrived for the director's own MAC (ip_rcv_core and
 * ipv6_rcv drop PACKET_OTHERHOST; ip_vs_in takes only PACKET_HOST). */
void xo_check_to_host(const uint8_t *in);

/* Connections forwarded packets may have made, by a key of their tuple
 * (xdp_oracle.c says how they are kept). */
#define SEEN_ANY 0xff
struct seen_ent {
	uint8_t host;           /* 0: none; SEEN_ANY: some server of its service */
	uint16_t rport;
};

static inline bool seen_is(struct seen_ent e, uint8_t host, uint16_t rport)
{
	return e.host == SEEN_ANY || (e.host == host && e.rport == rport);
}

struct seen_ent xo_seen_get(uint64_t key);
void xo_seen_put(uint64_t key, uint8_t host, uint16_t rport);
bool xo_seen_full(void);

/* GUE's source ports: the local port range, [lo, hi). */
extern unsigned int xo_sport_lo, xo_sport_hi;

/* The bytes a tunnel's header adds after the outer IP header
 * (ip_vs_tunnel_xmit's max_headroom less that header). */
unsigned int xo_tun_extra(uint8_t tun, uint8_t tun_flags);

/* The route MTU to fd00::<host>. */
unsigned int xo_mtu6(uint8_t host);

/*
 * ip_vs_tunnel_xmit_v6's outer IPv6 header (and GUE or GRE header) around
 * an inner packet of family inner_af (4 or 6) that came as in_ip (tot
 * bytes): checks it and returns the inner packet's offset in out; the
 * outer destination's host in *host.  The inner packet is the caller's.
 */
unsigned int xo6_outer(uint8_t tun, uint8_t tun_flags, uint16_t tun_port, int inner_af,
		       const uint8_t *in_ip, unsigned int tot, const uint8_t *out,
		       size_t out_len, uint8_t *host);

/* fd00::<host>, port: as libxlvs takes an endpoint. */
struct xlvs_endpoint xo_ep6(uint8_t host, uint16_t port);

/* The IPv6 half: the director's IPv6 address and routes on dev (before
 * any IPv6 server is added: libxlvs resolves them), the IPv6 services,
 * the neighbours pinned (after libxlvs made its managed entries); 0 or
 * -1.  Then it checks an IPv6 frame's verdict (not PASS: xo_one does). */
int xo6_net(const char *dev);
int xo6_load(const char *who);
int xo6_pin(const char *dev);
void xo6_check(uint32_t verdict, const uint8_t *in, size_t in_len,
	       const uint8_t *out, size_t out_len);

#endif
