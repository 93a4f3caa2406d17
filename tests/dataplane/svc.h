/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table set-up for tests, through libxlvs as xlvsadm would do it.  Services
 * are on the VIP 10.0.0.100; real servers are named by the last octet of
 * their address (HOST_RS1 = 10.0.0.3, HOST_RS2 = 10.0.0.4), all direct
 * routing.  Each helper fails the running test if libxlvs refuses.
 */
#ifndef XLVS_TEST_SVC_H
#define XLVS_TEST_SVC_H

#include <stdint.h>

/* The rs_* helpers restore the test bed's static neighbour entries after
 * libxlvs has edited them (see dp_pin_neighbours()); the _raw ones leave
 * the neighbour table as libxlvs left it, for the tests of that. */
void svc_clear(void);
void svc_add(uint8_t proto, uint16_t port, const char *sched);
void rs_add(uint8_t proto, uint16_t port, uint8_t host, int32_t weight);
void rs_weight(uint8_t proto, uint16_t port, uint8_t host, int32_t weight);
void rs_del(uint8_t proto, uint16_t port, uint8_t host);
void rs_add_raw(uint8_t proto, uint16_t port, uint8_t host, int32_t weight);
void rs_del_raw(uint8_t proto, uint16_t port, uint8_t host);

/* cmocka per-test setup: an empty table, so tests do not see each other's
 * services (connections stay; tests use fresh ports, see dp_port()). */
int svc_fixture_empty(void **state);

#endif
