// SPDX-License-Identifier: GPL-2.0
/* Table set-up for tests (see svc.h). */
#include "svc.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "testbed.h"

static struct xlvs_dest_conf dest(uint16_t port, uint8_t host, int32_t weight)
{
	struct xlvs_dest_conf d = {
		.addr = tb_ep(IP4(10, 0, 0, host), port),
		.fwd = XLVS_FWD_DROUTE,
		.weight = weight,
	};
	return d;
}

static void check(const char *what, int rc)
{
	if (rc)
		fail_msg("%s: %s (%d)", what, strerror(-rc), rc);
}

void svc_clear(void)
{
	check("xlvs_table_clear", xlvs_table_clear(&dp.t));
}

void svc_add(uint8_t proto, uint16_t port, const char *sched)
{
	struct xlvs_service_conf c = { .proto = proto, .vip = tb_ep(NET_VIP, port) };

	strncpy(c.sched, sched, sizeof(c.sched) - 1);
	check("xlvs_service_add", xlvs_service_add(&dp.t, &c));
}

void rs_add_raw(uint8_t proto, uint16_t port, uint8_t host, int32_t weight)
{
	struct xlvs_endpoint vip = tb_ep(NET_VIP, port);
	struct xlvs_dest_conf d = dest(port, host, weight);

	check("xlvs_dest_add", xlvs_dest_add(&dp.t, proto, &vip, &d));
}

void rs_del_raw(uint8_t proto, uint16_t port, uint8_t host)
{
	struct xlvs_endpoint vip = tb_ep(NET_VIP, port);
	struct xlvs_endpoint rip = tb_ep(IP4(10, 0, 0, host), port);

	check("xlvs_dest_del", xlvs_dest_del(&dp.t, proto, &vip, &rip));
}

void rs_add(uint8_t proto, uint16_t port, uint8_t host, int32_t weight)
{
	rs_add_raw(proto, port, host, weight);
	dp_pin_neighbours();
}

void rs_weight(uint8_t proto, uint16_t port, uint8_t host, int32_t weight)
{
	struct xlvs_endpoint vip = tb_ep(NET_VIP, port);
	struct xlvs_dest_conf d = dest(port, host, weight);

	check("xlvs_dest_edit", xlvs_dest_edit(&dp.t, proto, &vip, &d));
	dp_pin_neighbours();
}

void rs_del(uint8_t proto, uint16_t port, uint8_t host)
{
	rs_del_raw(proto, port, host);
	dp_pin_neighbours();
}

int svc_fixture_empty(void **state)
{
	(void)state;
	return xlvs_table_clear(&dp.t) ? -1 : 0;
}
