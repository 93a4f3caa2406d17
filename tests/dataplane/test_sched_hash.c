// SPDX-License-Identifier: GPL-2.0
/*
 * sh and dh, IPVS's 256-bucket hashing schedulers, against models written
 * from ip_vs_sh.c and ip_vs_dh.c.
 *
 * sh: the buckets are filled in list order (newest server first), each
 * server taking as many consecutive buckets as its weight (one at weight
 * 0); a flow's bucket is hash_32(source port + source address, 8) with
 * sh-port; an unavailable server gives none, unless sh-fallback probes
 * bucket (offset + 2 * hash) & 255 for offset 0, 1, ...
 *
 * dh: the buckets are filled one server each, round the list, whatever the
 * weights; a flow's bucket is hash_32(destination address, 8), so every
 * flow to one VIP goes to one server, or to none when that server has
 * weight 0 or is overloaded (dh has no fallback).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "expect.h"
#include "svc.h"
#include "tests.h"

#define SH_PORT 9950

struct sh_model {
	uint8_t host[2];        /* list order: newest first */
	int32_t weight[2];
	uint8_t bucket[256];    /* index into host[] */
};

static void sh_fill(struct sh_model *m)
{
	int d = 0, used = 0;

	for (int i = 0; i < 256; i++) {
		m->bucket[i] = d;
		if (++used >= m->weight[d]) {
			d = (d + 1) % 2;
			used = 0;
		}
	}
}

static uint32_t hash8(uint32_t v)
{
	return (v * 0x61C88647u) >> 24;
}

/* The host the model sends source port sp to, or -1 for none. */
static int sh_choice(const struct sh_model *m, uint16_t sp, int fallback)
{
	uint32_t h = hash8(sp + NET_CLIENT);
	int d = m->bucket[h];

	if (m->weight[d] > 0)
		return m->host[d];
	for (uint32_t off = 0; fallback && off < 256; off++) {
		d = m->bucket[(off + 2 * h) & 255];
		if (m->weight[d] > 0)
			return m->host[d];
	}
	return -1;
}

/* Sends flows new flows, checks each against the model; counts[0] and [1]
 * are the flows each host took, counts[2] those no server took. */
static void sh_check(const struct sh_model *m, int fallback, int flows,
		     int counts[3])
{
	counts[0] = counts[1] = counts[2] = 0;

	for (int i = 0; i < flows; i++) {
		uint16_t sp = dp_port();
		int want = sh_choice(m, sp, fallback);
		struct dp_result r;
		struct frame f;

		send_udp(sp, SH_PORT, &f, &r);
		if (want < 0) {
			assert_true(dp_left(&f, &r));
			counts[2]++;
			continue;
		}
		assert_int_equal(chosen(&r), want);
		counts[want == m->host[0] ? 0 : 1]++;
	}
}

static void sh_port_matches_ipvs(void **state)
{
	struct sh_model m = { .host = { HOST_RS2, HOST_RS1 }, .weight = { 1, 3 } };
	int n[3];

	(void)state;
	svc_set_on(NET_VIP, IPPROTO_UDP, SH_PORT, "sh", XLVS_SVC_F_SCHED2);
	rs_add(IPPROTO_UDP, SH_PORT, HOST_RS1, 3);
	rs_add(IPPROTO_UDP, SH_PORT, HOST_RS2, 1);
	sh_fill(&m);
	sh_check(&m, 0, 200, n);
	assert_true(n[0] > 20 && n[1] > n[0]);      /* weights 1:3, roughly */

	/* Weight 0: its buckets give no server ... */
	rs_weight(IPPROTO_UDP, SH_PORT, HOST_RS1, 0);
	m.weight[1] = 0;
	sh_fill(&m);
	sh_check(&m, 0, 100, n);
	assert_true(n[2] > 20 && n[1] == 0);
	/* ... unless sh-fallback probes on to a server that can. */
	svc_set_on(NET_VIP, IPPROTO_UDP, SH_PORT, "sh",
		   XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2);
	sh_check(&m, 1, 100, n);
	assert_int_equal(n[0], 100);
}

#define DH_PORT  9951
#define DH_VIPS  8
#define DH_HOSTS 4

struct dh_model {
	int n;
	uint8_t host[DH_HOSTS];         /* list order: newest first */
	int32_t weight[DH_HOSTS];
	bool overloaded[DH_HOSTS];
};

static uint32_t dh_vip(int v)
{
	return IP4(10, 0, 1, 1 + v);
}

/* The host the model sends every flow to VIP vip to, or -1 for none:
 * bucket b holds the (b mod n)-th server of the list. */
static int dh_choice(const struct dh_model *m, uint32_t vip)
{
	int d;

	if (!m->n)
		return -1;
	d = (int)(hash8(vip) % (uint32_t)m->n);
	if (m->weight[d] <= 0 || m->overloaded[d])
		return -1;
	return m->host[d];
}

/* Flows from several clients to every VIP, each checked against the model;
 * returns a bit per host that took any. */
static uint32_t dh_check(const struct dh_model *m)
{
	uint32_t took = 0;

	for (int v = 0; v < DH_VIPS; v++) {
		int want = dh_choice(m, dh_vip(v));

		for (int i = 0; i < 4; i++) {
			uint32_t client = IP4(192, 168, (uint32_t)rand() & 0xff,
					      1 + (uint32_t)v * 4 + (uint32_t)i);
			struct dp_result r;
			struct frame f;

			send_udp_from(client, dh_vip(v), dp_port(), DH_PORT, &f, &r);
			if (want < 0) {
				assert_true(dp_left(&f, &r));
				continue;
			}
			if (chosen(&r) != want)
				fail_msg("VIP 10.0.1.%d: flow %d went to .%d, model .%d",
					 1 + v, i, chosen(&r), want);
			took |= 1u << want;
		}
	}
	return took;
}

/* The dest id that is real server host in VIP vip's service. */
static uint32_t dh_dest_id(uint32_t vip, uint8_t host)
{
	static struct xlvs_sched sc;

	sched_live(vip, IPPROTO_UDP, DH_PORT, &sc);
	for (uint32_t i = 0; i < sc.ndests; i++)
		if (rs_host(sc.dests[i]) == host)
			return sc.dests[i];
	fail_msg("10.0.0.%u is not in VIP %08x's service", host, vip);
	return 0;
}

/* Each of DH_VIPS services gets the same servers; every change is made in
 * all of them, so the VIPs that hashed to a server all see it. */
static void dh_matches_ipvs(void **state)
{
	struct dh_model m = { .n = DH_HOSTS };

	(void)state;
	for (int v = 0; v < DH_VIPS; v++) {
		svc_set_on(dh_vip(v), IPPROTO_UDP, DH_PORT, "dh", 0);
		for (int h = 0; h < DH_HOSTS; h++)
			rs_add_on(dh_vip(v), IPPROTO_UDP, DH_PORT, HOST_RS1 + h, h + 1);
	}
	for (int h = 0; h < DH_HOSTS; h++) {
		m.host[DH_HOSTS - 1 - h] = HOST_RS1 + h;
		m.weight[DH_HOSTS - 1 - h] = h + 1;
	}
	/* The VIPs spread over the servers, or the rest proves little. */
	assert_true(__builtin_popcount(dh_check(&m)) >= 3);

	/* Weight 0 keeps the server's buckets: its VIPs get none. */
	for (int v = 0; v < DH_VIPS; v++)
		rs_weight_on(dh_vip(v), IPPROTO_UDP, DH_PORT, m.host[1], 0);
	m.weight[1] = 0;
	dh_check(&m);

	/* Overloaded: likewise. */
	for (int v = 0; v < DH_VIPS; v++)
		rs_overload(dh_dest_id(dh_vip(v), m.host[2]));
	m.overloaded[2] = true;
	dh_check(&m);

	/* A deletion refills every bucket round the shorter list. */
	for (int v = 0; v < DH_VIPS; v++)
		rs_del_on(dh_vip(v), IPPROTO_UDP, DH_PORT, m.host[0]);
	memmove(&m.host[0], &m.host[1], (DH_HOSTS - 1) * sizeof(m.host[0]));
	memmove(&m.weight[0], &m.weight[1], (DH_HOSTS - 1) * sizeof(m.weight[0]));
	memmove(&m.overloaded[0], &m.overloaded[1], (DH_HOSTS - 1) * sizeof(bool));
	m.n--;
	dh_check(&m);

	/* An edit without an upper threshold ends the overload (IPVS's
	 * __ip_vs_update_dest). */
	for (int v = 0; v < DH_VIPS; v++)
		rs_weight_on(dh_vip(v), IPPROTO_UDP, DH_PORT, m.host[1], 2);
	m.weight[1] = 2;
	m.overloaded[1] = false;
	dh_check(&m);
}

size_t sched_hash_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(sh_port_matches_ipvs, svc_fixture_empty),
		cmocka_unit_test_setup(dh_matches_ipvs, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
