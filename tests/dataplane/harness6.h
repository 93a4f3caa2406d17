/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv6 side of the test bed (harness.h): the director's device gets
 * fd00::1/64 (no duplicate address detection, so it is usable at once),
 * IPv6 forwarding is on (else bpf_fib_lookup answers FWD_DISABLED), and
 * fd00::3 to fd00::a have permanent neighbour entries with the MACs of
 * pkt6.h.  Then the table helpers for IPv6 services, as svc.h's for IPv4:
 * services on the VIP fd00::64 (or another, by its last byte), real
 * servers named by the last byte of fd00::<host>.  Each helper fails the
 * running test if libxlvs refuses.
 */
#ifndef XLVS_TEST_HARNESS6_H
#define XLVS_TEST_HARNESS6_H

#include <stdint.h>
#include <xlvs/libxlvs.h>

#include "harness.h"
#include "pkt6.h"

#define HOST6_CLIENT2 0x0a       /* fd00::a: a second client on the link */

/* cmocka per-test setup: the IPv6 test bed (idempotent) and an empty
 * table; the teardown empties the table. */
int dp6_setup(void **state);
int dp6_teardown(void **state);

/* Put back the permanent IPv6 neighbour entries (libxlvs replaces a real
 * server's with a managed one when it is added, deletes it when removed). */
void dp6_pin_neighbours(void);

struct xlvs_endpoint ep6(uint8_t host, uint16_t port);

/* A service on fd00::<vip>; flags and netmask (a persistence prefix
 * length for IPv6) as xlvs_service_conf's. */
void svc6_add_on(uint8_t vip, uint8_t proto, uint16_t port, const char *sched,
		 uint32_t flags, uint32_t netmask);
void svc6_add(uint8_t proto, uint16_t port, const char *sched);
/* A real server fd00::<host>:rport of the service on fd00::<vip>:port. */
void rs6_add_on(uint8_t vip, uint8_t proto, uint16_t port, uint8_t host,
		uint16_t rport, uint8_t fwd, int32_t weight);
/* Direct routing on fd00::64 */
void rs6_add(uint8_t proto, uint16_t port, uint8_t host, int32_t weight);
void rs6_add_nat(uint8_t proto, uint16_t port, uint8_t host, uint16_t rport);
/* Any destination endpoint (another family for tunnels) of the service
 * vip:port (vip of any family). */
void rs_add_ep(const struct xlvs_endpoint *vip, uint8_t proto,
	       const struct xlvs_dest_conf *d);
void svc_add_ep(const struct xlvs_endpoint *vip, uint8_t proto,
		const char *sched);

/* The host byte of a dest id's address (its last byte for IPv6). */
uint8_t rs6_host(uint32_t dest_id);

#endif
