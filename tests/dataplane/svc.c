// SPDX-License-Identifier: GPL-2.0
/* Table set-up for tests (see svc.h). */
#include "svc.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
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

static struct xlvs_service_conf service(uint32_t vip, uint8_t proto,
					uint16_t port, const char *sched,
					uint32_t flags)
{
	struct xlvs_service_conf c = {
		.proto = proto, .vip = tb_ep(vip, port), .flags = flags,
	};

	strncpy(c.sched, sched, sizeof(c.sched) - 1);
	return c;
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
	struct xlvs_service_conf c = service(NET_VIP, proto, port, sched, 0);

	check("xlvs_service_add", xlvs_service_add(&dp.t, &c));
}

void svc_set_on(uint32_t vip, uint8_t proto, uint16_t port, const char *sched,
		uint32_t flags)
{
	struct xlvs_service_conf c = service(vip, proto, port, sched, flags);
	int rc = xlvs_service_edit(&dp.t, &c);

	if (rc == -ESRCH)
		rc = xlvs_service_add(&dp.t, &c);
	check("xlvs_service_add/edit", rc);
}

static void dest_add_at(uint32_t vip, uint8_t proto, uint16_t port,
			uint8_t host, int32_t weight)
{
	struct xlvs_endpoint v = tb_ep(vip, port);
	struct xlvs_dest_conf d = dest(port, host, weight);

	check("xlvs_dest_add", xlvs_dest_add(&dp.t, proto, &v, &d));
}

static void dest_del_at(uint32_t vip, uint8_t proto, uint16_t port,
			uint8_t host)
{
	struct xlvs_endpoint v = tb_ep(vip, port);
	struct xlvs_endpoint rip = tb_ep(IP4(10, 0, 0, host), port);

	check("xlvs_dest_del", xlvs_dest_del(&dp.t, proto, &v, &rip));
}

void rs_add_raw(uint8_t proto, uint16_t port, uint8_t host, int32_t weight)
{
	dest_add_at(NET_VIP, proto, port, host, weight);
}

void rs_del_raw(uint8_t proto, uint16_t port, uint8_t host)
{
	dest_del_at(NET_VIP, proto, port, host);
}

void rs_add_on(uint32_t vip, uint8_t proto, uint16_t port, uint8_t host,
	       int32_t weight)
{
	dest_add_at(vip, proto, port, host, weight);
	dp_pin_neighbours();
}

void rs_weight_on(uint32_t vip, uint8_t proto, uint16_t port, uint8_t host,
		  int32_t weight)
{
	struct xlvs_endpoint v = tb_ep(vip, port);
	struct xlvs_dest_conf d = dest(port, host, weight);

	check("xlvs_dest_edit", xlvs_dest_edit(&dp.t, proto, &v, &d));
	dp_pin_neighbours();
}

void rs_del_on(uint32_t vip, uint8_t proto, uint16_t port, uint8_t host)
{
	dest_del_at(vip, proto, port, host);
	dp_pin_neighbours();
}

void rs_add_nat(uint8_t proto, uint16_t vport, uint8_t host, uint16_t rport,
		int32_t weight)
{
	struct xlvs_endpoint v = tb_ep(NET_VIP, vport);
	struct xlvs_dest_conf d = {
		.addr = tb_ep(IP4(10, 0, 0, host), rport),
		.fwd = XLVS_FWD_MASQ, .weight = weight,
	};

	check("xlvs_dest_add (NAT)", xlvs_dest_add(&dp.t, proto, &v, &d));
	dp_pin_neighbours();
}

void rs_add_tun(uint8_t proto, uint16_t port, uint8_t host)
{
	struct xlvs_endpoint v = tb_ep(NET_VIP, port);
	struct xlvs_dest_conf d = {
		.addr = tb_ep(IP4(10, 0, 0, host), port),
		.fwd = XLVS_FWD_TUNNEL, .weight = 1, .tun_type = XLVS_TUN_IPIP,
	};

	check("xlvs_dest_add (tunnel)", xlvs_dest_add(&dp.t, proto, &v, &d));
	dp_pin_neighbours();
}

void rs_add(uint8_t proto, uint16_t port, uint8_t host, int32_t weight)
{
	rs_add_on(NET_VIP, proto, port, host, weight);
}

void rs_weight(uint8_t proto, uint16_t port, uint8_t host, int32_t weight)
{
	rs_weight_on(NET_VIP, proto, port, host, weight);
}

void rs_del(uint8_t proto, uint16_t port, uint8_t host)
{
	rs_del_on(NET_VIP, proto, port, host);
}

void sched_live(uint32_t vip, uint8_t proto, uint16_t port,
		struct xlvs_sched *out)
{
	struct xlvs_svc_key k = { .port = htons(port), .proto = proto, .af = 4 };
	uint32_t a = htonl(vip), key;
	struct xlvs_svc s;

	memcpy(k.addr, &a, sizeof(a));
	if (bpf_map_lookup_elem(dp.t.svc_fd, &k, &s))
		fail_msg("service %u not in the table", port);
	key = s.id * 2 + (s.sched_slot & 1);
	if (bpf_map_lookup_elem(dp.t.sched_fd, &key, out))
		fail_msg("schedule %u not in the table", key);
}

uint8_t rs_host(uint32_t dest_id)
{
	struct xlvs_dest d;

	if (bpf_map_lookup_elem(dp.t.dest_fd, &dest_id, &d))
		fail_msg("dest %u not in the table", dest_id);
	return d.addr[3];
}

void rs_overload(uint32_t dest_id)
{
	struct xlvs_dest_conns dc;

	if (bpf_map_lookup_elem(dp.t.dest_conns_fd, &dest_id, &dc))
		fail_msg("dest_conns %u not in the table", dest_id);
	dc.flags |= XLVS_DEST_F_OVERLOAD;
	if (bpf_map_update_elem(dp.t.dest_conns_fd, &dest_id, &dc, BPF_ANY))
		fail_msg("dest_conns %u: %s", dest_id, strerror(errno));
}

int svc_fixture_empty(void **state)
{
	(void)state;
	return xlvs_table_clear(&dp.t) ? -1 : 0;
}
