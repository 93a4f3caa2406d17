/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What xlvs-realserver's decapsulation program (decap.bpf.c) and its
 * loader share: the VIP map's key and the counters.
 */
#ifndef XLVS_REALSERVER_DECAP_H
#define XLVS_REALSERVER_DECAP_H

#ifndef __bpf__
#include <linux/types.h>   /* the BPF side has them from vmlinux.h */
#endif

/* A VIP, IPv4 or IPv6: family 4 or 6; an IPv4 address in addr[0..3], the
 * other 12 bytes zero (so one key type serves both families). */
struct decap_vip {
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};
_Static_assert(sizeof(struct decap_vip) == 20, "decap_vip layout");

#define DECAP_VIPS_MAX 256

/* The tunnel kinds the program strips (the const volatile `kinds`). */
#define DECAP_KIND_IPIP (1u << 0)
#define DECAP_KIND_GUE  (1u << 1)
#define DECAP_KIND_GRE  (1u << 2)

/* Per-CPU packet counters, one slot each. */
enum decap_counter {
	DECAP_PASS_NOT_TUNNEL,  /* not IPv4, or not a tunnel kind we strip */
	DECAP_PASS_MALFORMED,   /* a tunnel header that fails its checks */
	DECAP_PASS_NOT_VIP,     /* well-formed, but the inner dst is no VIP */
	DECAP_PASS_UNSUPPORTED, /* an inner family or option not stripped yet */
	DECAP_IPIP,
	DECAP_GUE,
	DECAP_GRE,
	DECAP_COUNTERS
};

#endif
