/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAT over IPv6 as IPVS does it, for the tests of it: the client's and
 * the real server's frames, and the check of a translated frame against
 * the one sent, its TCP or UDP checksum recomputed from scratch.
 */
#ifndef XLVS_TEST_NAT6_H
#define XLVS_TEST_NAT6_H

#include <stdint.h>

#include "harness6.h"

#define NAT6_RS  0x05           /* fd00::5 */
#define NAT6_RS2 0x06           /* fd00::6 */

/* What a translated frame must carry. */
struct nat6_want {
	uint8_t mac_to;
	uint8_t saddr, daddr;       /* fd00::<byte> */
	uint16_t sport, dport;
};

/* Where the checksum sits in the header: TCP 16, UDP 6. */
size_t nat6_l4_field(uint8_t proto);

/* out must be in with w's MACs, addresses and ports, the hop limit one
 * lower, the L4 checksum right from scratch; NULL if so, else what
 * differs (in why6). */
const char *nat6_check(const struct frame *in, const struct dp_result *r,
		       const struct nat6_want *w);
extern char why6[256];

#define NAT6_OK(check) do {                                     \
		const char *e_ = (check);                       \
		if (e_)                                         \
			fail_msg("%s: %s", #check, e_);         \
	} while (0)

/* The client's segment to VIP:vport; the server fd00::<host>:rport's
 * reply to the client's cport, from its MAC. */
void client6(struct frame *f, uint8_t proto, uint16_t cport, uint16_t vport,
	     uint8_t flags, uint16_t payload);
void reply6(struct frame *f, uint8_t proto, uint8_t host, uint16_t rport,
	    uint16_t cport, uint8_t flags, uint16_t payload);

#endif
