/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table set-up for tests, through libxlvs as xlvsadm would do it.  Services
 * are on the VIP 10.0.0.100 (the _on helpers take another, host order);
 * real servers are named by the last octet of their address (HOST_RS1 =
 * 10.0.0.3, HOST_RS2 = 10.0.0.4, up to HOST_RS_LAST), direct routing but
 * for rs_add_nat and rs_add_tun.
 * Each helper fails the running test if libxlvs refuses.
 */
#ifndef XLVS_TEST_SVC_H
#define XLVS_TEST_SVC_H

#include <stdint.h>
#include <xlvs/table.h>

/* The rs_* helpers restore the test bed's static neighbour entries after
 * libxlvs has edited them (see dp_pin_neighbours()); the _raw ones leave
 * the neighbour table as libxlvs left it, for the tests of that. */
void svc_clear(void);
void svc_add(uint8_t proto, uint16_t port, const char *sched);
void rs_add(uint8_t proto, uint16_t port, uint8_t host, int32_t weight);
void rs_weight(uint8_t proto, uint16_t port, uint8_t host, int32_t weight);
void rs_del(uint8_t proto, uint16_t port, uint8_t host);
void rs_add_raw(uint8_t proto, uint16_t port, uint8_t host, int32_t weight);
/* A NAT server (-m) of the VIP's service on vport, at port rport; an IPIP
 * tunnelled one (-i), weight 1. */
void rs_add_nat(uint8_t proto, uint16_t vport, uint8_t host, uint16_t rport,
		int32_t weight);
void rs_add_tun(uint8_t proto, uint16_t port, uint8_t host);
void rs_del_raw(uint8_t proto, uint16_t port, uint8_t host);

/* On VIP vip.  svc_set_on adds the service, or edits it if it exists. */
void svc_set_on(uint32_t vip, uint8_t proto, uint16_t port, const char *sched,
		uint32_t flags);
void rs_add_on(uint32_t vip, uint8_t proto, uint16_t port, uint8_t host,
	       int32_t weight);
void rs_weight_on(uint32_t vip, uint8_t proto, uint16_t port, uint8_t host,
		  int32_t weight);
void rs_del_on(uint32_t vip, uint8_t proto, uint16_t port, uint8_t host);

/* The service's live schedule, the host of a dest id, and a real server
 * marked overloaded as the data plane marks it at its upper threshold. */
void sched_live(uint32_t vip, uint8_t proto, uint16_t port,
		struct xlvs_sched *out);
uint8_t rs_host(uint32_t dest_id);
void rs_overload(uint32_t dest_id);

/* cmocka per-test setup: an empty table, so tests do not see each other's
 * services (connections stay; tests use fresh ports, see dp_port()). */
int svc_fixture_empty(void **state);

#endif
