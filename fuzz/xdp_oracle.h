/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The whole XDP program loaded with a small table in a private namespace,
 * and an independent oracle of what a frame may become (xdp_oracle.c):
 * shared by the libFuzzer target (fuzz/xdp.c) and the fast random-packet
 * driver (fuzz/randpkt.c).  Each frame goes through BPF_PROG_TEST_RUN as
 * if it arrived on the director's veth; the connection table lives on from
 * frame to frame, as on a real director, and so does the oracle's memory
 * of the connections it saw made.
 */
#ifndef XLVS_FUZZ_XDP_ORACLE_H
#define XLVS_FUZZ_XDP_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlvs/libxlvs.h>

#define XO_ETH_HLEN 14
#define XO_FRAME_MIN XO_ETH_HLEN        /* BPF_PROG_TEST_RUN refuses less */
#define XO_FRAME_LIMIT 1514

/* The table: services on the VIPs 10.0.0.100, .101 and .102, real servers
 * named by their last octet (MAC 02:00:00:00:00:<octet>). */
struct xo_svc {
	uint8_t proto;
	uint32_t vip;
	uint16_t port;
	const char *sched;
	uint32_t flags;
	uint8_t hosts[3];       /* 0 ends the list */
	uint8_t tun;            /* 0: direct routing or NAT; else XO_TUN_OF(type) */
	uint8_t tun_flags;
	uint16_t tun_port;
	uint8_t masq;           /* bit j: hosts[j] is NAT (-m), else -g */
	uint16_t rport[3];      /* NAT: hosts[j]'s port; 0 keeps the client's */
	uint8_t v6;             /* bit j: hosts[j] is fd00::<host> (tunnels only) */
};

#define XO_TUN_OF(type) ((type) + 1)
#define XO_VIP3 0x0a000066u             /* 10.0.0.102 */
/* 10.0.0.7's route has a locked MTU: tunnelled packets can outgrow it. */
#define XO_MTU_HOST 0x07
#define XO_MTU_SMALL 576
#define XO_MTU_DEV 1500
/* Clients off the director's subnet are reached through this router
 * (MAC 02:00:00:00:00:fe); on it, only 10.0.0.9 has a neighbour entry. */
#define XO_GW_HOST 0xfe

extern const struct xo_svc xo_svcs[];
extern const size_t xo_nsvcs;

/*
 * IPv6 on the same veth: the director is fd00::1/64, the VIPs fd00::64,
 * fd00::65 and fd00::66, real servers fd00::<host> (MAC by the same last
 * byte) or, for tunnels, 10.0.0.<host>; clients on the link (fd00::9 has a
 * neighbour) or behind the router fd00::fe.  fd00::7's route has a locked
 * MTU of 1400 (tunnels to it leave room for 1280 or more), fd00::8's of
 * 1300 (IPv6 tunnels to it leave less than 1280, and drop everything:
 * __ip_vs_get_out_rt_v6).
 */
struct xo_svc6 {
	uint8_t proto;
	uint8_t vip;            /* fd00::<vip> */
	uint16_t port;
	const char *sched;
	uint32_t flags;
	uint8_t plen;           /* persistence prefix length */
	uint8_t hosts[3];       /* 0 ends the list */
	uint8_t tun;            /* 0: direct routing or NAT; else XO_TUN_OF(type) */
	uint8_t tun_flags;
	uint16_t tun_port;
	uint8_t masq;           /* bit j: hosts[j] is NAT */
	uint16_t rport[3];
	uint8_t v4;             /* bit j: hosts[j] is 10.0.0.<host> (tunnels only) */
};

#define XO_VIP6 0x64
#define XO_MTU6_HOST 0x07
#define XO_MTU6_SMALL 1400
#define XO_MTU6_TINY_HOST 0x08
#define XO_MTU6_TINY 1300

extern const struct xo_svc6 xo_svcs6[];
extern const size_t xo_nsvcs6;

/* fd00:<net>::<low> */
void xo_addr6(uint8_t a[16], uint16_t net, uint32_t low);

/* Called after a broken invariant has been printed; must not return. */
extern void (*xo_fail)(void);
extern bool xo_trace;           /* each frame's verdict on stderr */

/* Enters the namespace, makes the veth and the table; exits on failure. */
void xo_init(const char *who);
struct xlvs_table *xo_table(void);

/* What the oracle saw frames become, by kind. */
enum xo_kind {
	XO_PASS, XO_DROP, XO_DR, XO_TUNNEL, XO_NAT_FWD, XO_NAT_REPLY,
	XO_ICMP_IN, XO_ICMP_IN_NAT, XO_ICMP_OUT_NAT, XO_ICMP_ANSWER,
	XO_PASS6, XO_DROP6, XO_DR6, XO_TUNNEL6, XO_NAT_FWD6, XO_NAT_REPLY6,
	XO_ICMP_IN6, XO_ICMP_IN_NAT6, XO_ICMP_OUT_NAT6, XO_ICMP_ANSWER6,
	XO_KINDS
};
extern const char *const xo_kind_names[XO_KINDS];
extern uint64_t xo_kinds[XO_KINDS];

/* One frame through the program, checked: its verdict.  The frame as the
 * program left it stays readable until the next call. */
uint32_t xo_one(const uint8_t *data, size_t size);
/* Connections the oracle remembers, and how many before its checks that
 * need them only fail open. */
uint32_t xo_tracked(uint32_t *room);
const uint8_t *xo_out(uint32_t *len);

#endif
