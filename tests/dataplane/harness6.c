// SPDX-License-Identifier: GPL-2.0
/* The IPv6 test bed and table helpers (see harness6.h). */
#include "harness6.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "svc.h"
#include "testbed.h"

static int pin6(void)
{
	return tb_pin_hosts(DP_DEV, 1, HOST_RS1, HOST6_CLIENT2);
}

void dp6_pin_neighbours(void)
{
	if (pin6())
		fail_msg("cannot restore the static IPv6 neighbour entries");
}

int dp6_setup(void **state)
{
	if (tb_write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1") ||
	    tb_sh("ip -6 addr replace fd00::1/64 dev %s nodad", DP_DEV) || pin6())
		return -1;
	return svc_fixture_empty(state);
}

int dp6_teardown(void **state)
{
	return svc_fixture_empty(state);
}

struct xlvs_endpoint ep6(uint8_t host, uint16_t port)
{
	struct xlvs_endpoint e = { .af = 6, .port = port };

	ip6_host(e.addr, host);
	return e;
}

static void check(const char *what, int rc)
{
	if (rc)
		fail_msg("%s: %s (%d)", what, strerror(-rc), rc);
}

void svc_add_ep(const struct xlvs_endpoint *vip, uint8_t proto,
		const char *sched)
{
	struct xlvs_service_conf c = { .proto = proto, .vip = *vip };

	/* An IPv6 service's netmask is its persistence prefix, 1..128. */
	if (vip->af == 6)
		c.netmask = 128;
	strncpy(c.sched, sched, sizeof(c.sched) - 1);
	check("xlvs_service_add", xlvs_service_add(&dp.t, &c));
}

void svc6_add_on(uint8_t vip, uint8_t proto, uint16_t port, const char *sched,
		 uint32_t flags, uint32_t netmask)
{
	struct xlvs_service_conf c = {
		.proto = proto, .vip = ep6(vip, port), .flags = flags,
		.netmask = netmask ? netmask : 128,
	};

	if (flags & XLVS_SVC_F_PERSISTENT)
		c.timeout = 300;
	strncpy(c.sched, sched, sizeof(c.sched) - 1);
	check("xlvs_service_add (IPv6)", xlvs_service_add(&dp.t, &c));
}

void svc6_add(uint8_t proto, uint16_t port, const char *sched)
{
	svc6_add_on(NET6_VIP, proto, port, sched, 0, 0);
}

void rs_add_ep(const struct xlvs_endpoint *vip, uint8_t proto,
	       const struct xlvs_dest_conf *d)
{
	check("xlvs_dest_add", xlvs_dest_add(&dp.t, proto, vip, d));
	dp_pin_neighbours();
	dp6_pin_neighbours();
}

void rs6_add_on(uint8_t vip, uint8_t proto, uint16_t port, uint8_t host,
		uint16_t rport, uint8_t fwd, int32_t weight)
{
	struct xlvs_endpoint v = ep6(vip, port);
	struct xlvs_dest_conf d = {
		.addr = ep6(host, rport), .fwd = fwd, .weight = weight,
	};

	rs_add_ep(&v, proto, &d);
}

void rs6_add(uint8_t proto, uint16_t port, uint8_t host, int32_t weight)
{
	rs6_add_on(NET6_VIP, proto, port, host, port, XLVS_FWD_DROUTE, weight);
}

void rs6_add_nat(uint8_t proto, uint16_t port, uint8_t host, uint16_t rport)
{
	rs6_add_on(NET6_VIP, proto, port, host, rport, XLVS_FWD_MASQ, 1);
}

uint8_t rs6_host(uint32_t dest_id)
{
	struct xlvs_dest d;

	if (bpf_map_lookup_elem(dp.t.dest_fd, &dest_id, &d))
		fail_msg("dest %u not in the table", dest_id);
	return d.af == 6 ? d.addr[15] : d.addr[3];
}
