// SPDX-License-Identifier: GPL-2.0
/*
 * sh, IPVS's source-hashing scheduler, against a model written from
 * ip_vs_sh.c: 256 buckets filled in list order (newest server first), each
 * server taking as many consecutive buckets as its weight (one at weight
 * 0); a flow's bucket is hash_32(source port + source address, 8) with
 * sh-port; an unavailable server gives none, unless sh-fallback probes
 * bucket (offset + 2 * hash) & 255 for offset 0, 1, ...
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <errno.h>
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

static void sh_service(uint32_t flags)
{
	struct xlvs_service_conf c = {
		.proto = IPPROTO_UDP, .flags = flags,
		.vip = { .af = 4, .port = SH_PORT },
	};
	uint32_t vip = htonl(NET_VIP);

	memcpy(c.vip.addr, &vip, 4);
	strcpy(c.sched, "sh");
	if (xlvs_service_edit(&dp.t, &c) == -ESRCH)
		assert_int_equal(xlvs_service_add(&dp.t, &c), 0);
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
			assert_int_equal(r.verdict, XDP_PASS);
			assert_int_equal(r.delta[XLVS_CNT_PKTS_NO_DEST], 1);
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
	sh_service(XLVS_SVC_F_SCHED2);
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
	sh_service(XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2);
	sh_check(&m, 1, 100, n);
	assert_int_equal(n[0], 100);
}

size_t sched_hash_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(sh_port_matches_ipvs, svc_fixture_empty),
	};
	size_t n = sizeof(t) / sizeof(t[0]);

	for (size_t i = 0; i < n && i < room; i++)
		out[i] = t[i];
	return n < room ? n : room;
}
