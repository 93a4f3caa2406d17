// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 scheduling that depends on the address: persistence templates
 * keyed by the client's address masked to the service's prefix length
 * (ip_vs_core.c ip_vs_sched_persist: ipv6_addr_prefix(&snet, &iph->saddr,
 * svc->netmask) for AF_INET6), and sh's hash of the folded address
 * (ip_vs_sh.c ip_vs_sh_hashkey: ip6[0] ^ ip6[1] ^ ip6[2] ^ ip6[3], then
 * hash_32(ntohl(fold) + port, 8)), and dh's of the folded destination
 * (ip_vs_dh.c ip_vs_dh_hashkey).  Last in the suite: templates outlive a
 * flush.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "bytes.h"
#include "expect.h"
#include "expect6.h"
#include "tests.h"

/* A client address fd00:0:0:<g3>::<low>, or any 16 bytes. */
static void client_at(uint8_t a[16], uint16_t g3, uint8_t low)
{
	ip6_host(a, low);
	put16(a + 6, g3);
}

/* A SYN from addr:sport to the VIP's port: forwarded to a real server by
 * direct routing, which it returns. */
static int syn_from(const uint8_t addr[16], uint16_t port)
{
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;
	int host;

	pkt6_init(&s, IPPROTO_TCP, dp_port(), port, TH_SYN);
	memcpy(s.saddr, addr, 16);
	pkt6_build(&f, &s);
	dp_run(&f, &r);
	host = chosen6(&r);
	if (host < HOST_RS1 || host > HOST_RS_LAST) {
		expect6_verdict(&r, XDP_TX);
		fail_msg("SYN not forwarded to a real server (MAC byte %d)", host);
	}
	expect6_forwarded(&f, &r, (uint8_t)host);
	return host;
}

struct tpl_seen {
	uint8_t addr[16];
	uint16_t vport;
	int n;
	uint8_t host;
};

static int tpl_cb(const struct xlvs_conn_info *ci, void *arg)
{
	struct tpl_seen *t = arg;

	if (ci->client.af != 6 || ci->client.port != 0 ||
	    ci->vip.port != t->vport || memcmp(ci->client.addr, t->addr, 16))
		return 0;
	t->n++;
	t->host = ci->dest.addr[15];
	return 0;
}

/* The template for the masked client net, as -L -c lists it: its server. */
static uint8_t template_of(const uint8_t net[16], uint16_t vport)
{
	struct tpl_seen t = { .vport = vport };

	memcpy(t.addr, net, 16);
	assert_int_equal(xlvs_conns_list(&dp.t, tpl_cb, &t), 0);
	if (t.n != 1)
		fail_msg("%d templates listed for the client net on port %u", t.n,
			 vport);
	return t.host;
}

static void persist_service(uint16_t port, uint32_t plen)
{
	svc6_add_on(NET6_VIP, IPPROTO_TCP, port, "rr", XLVS_SVC_F_PERSISTENT, plen);
	rs6_add(IPPROTO_TCP, port, HOST_RS1, 1);
	rs6_add(IPPROTO_TCP, port, HOST_RS2, 1);
}

static void v6persist_prefix64(void **state)
{
	uint8_t a[16], b[16], c[16], d[16], net[16];
	int ha, hc;

	(void)state;
	persist_service(7300, 64);
	client_at(a, 0, HOST_CLIENT);            /* fd00::9 */
	client_at(b, 0, 0x77);                   /* fd00::77, same /64 */
	client_at(c, 1, HOST_CLIENT);            /* fd00:0:0:1::9 */
	client_at(d, 1, 0x10);
	put16(d + 8, 0xbeef);                    /* fd00:0:0:1:beef::10 */
	ha = syn_from(a, 7300);
	assert_int_equal(syn_from(b, 7300), ha);
	assert_int_equal(syn_from(a, 7300), ha);
	hc = syn_from(c, 7300);
	assert_int_not_equal(hc, ha);            /* rr took the next server */
	assert_int_equal(syn_from(d, 7300), hc);
	/* The templates key fd00:: and fd00:0:0:1::, port 0. */
	client_at(net, 0, 0);
	assert_int_equal(template_of(net, 7300), ha);
	client_at(net, 1, 0);
	assert_int_equal(template_of(net, 7300), hc);
}

/* A prefix that is not a whole number of bytes: /60 keeps the top 12
 * bits of the fourth group. */
static void v6persist_prefix60(void **state)
{
	uint8_t a[16], b[16], c[16], net[16];
	int ha;

	(void)state;
	persist_service(7301, 60);
	client_at(a, 0x0000, HOST_CLIENT);
	client_at(b, 0x000f, HOST_CLIENT);       /* same /60 */
	client_at(c, 0x0010, HOST_CLIENT);       /* the next /60 */
	ha = syn_from(a, 7301);
	assert_int_equal(syn_from(b, 7301), ha);
	assert_int_not_equal(syn_from(c, 7301), ha);
	client_at(net, 0, 0);
	assert_int_equal(template_of(net, 7301), ha);
	client_at(net, 0x0010, 0);
	assert_int_not_equal(template_of(net, 7301), ha);
}

/* /128: every address its own template; /1: all of fd00::/1 one. */
static void v6persist_prefix_edges(void **state)
{
	uint8_t a[16], b[16], net[16];
	int ha;

	(void)state;
	persist_service(7302, 128);
	client_at(a, 0, 0x21);
	client_at(b, 0, 0x22);
	ha = syn_from(a, 7302);
	assert_int_not_equal(syn_from(b, 7302), ha);
	assert_int_equal(template_of(a, 7302), ha);
	persist_service(7303, 1);
	client_at(a, 0x1234, 0x21);
	client_at(b, 0xfff0, 0x99);
	put16(b + 2, 0x5555);
	ha = syn_from(a, 7303);
	assert_int_equal(syn_from(b, 7303), ha);
	memset(net, 0, 16);
	net[0] = 0x80;                           /* fd00:: masked to /1 */
	assert_int_equal(template_of(net, 7303), ha);
}

/* ---- sh ---- */

#define SH6_PORT 9960

static uint32_t fold6(const uint8_t a[16])
{
	return get32(a) ^ get32(a + 4) ^ get32(a + 8) ^ get32(a + 12);
}

/* A hash schedule's table from the live schedule of the UDP service on
 * vip:port: the host of each bucket. */
static void hash_table(const uint8_t vip[16], uint16_t port, uint8_t host[256],
		       int32_t weight[256])
{
	struct xlvs_svc_key k = { .port = htons(port), .proto = IPPROTO_UDP, .af = 6 };
	struct xlvs_sched *sc = calloc(1, sizeof(*sc));
	struct xlvs_svc s;
	uint32_t key;

	assert_non_null(sc);
	memcpy(k.addr, vip, 16);
	if (bpf_map_lookup_elem(dp.t.svc_fd, &k, &s))
		fail_msg("IPv6 service %u not in the table", port);
	key = s.id * 2 + (s.sched_slot & 1);
	if (bpf_map_lookup_elem(dp.t.sched_fd, &key, sc))
		fail_msg("schedule %u not in the table", key);
	for (int i = 0; i < 256; i++) {
		uint32_t id = sc->dests[sc->list[i]];

		host[i] = rs6_host(id);
		weight[i] = sc->weights[sc->list[i]];
	}
	free(sc);
}

/* Flows from addresses that differ in every word: each goes to the
 * bucket of hash_32(fold + port, 8), port 0 without sh-port. */
static void sh_flows(uint16_t port, bool with_port)
{
	uint8_t host[256];
	int32_t weight[256];
	int n[256] = { 0 };
	uint8_t vip[16];

	ip6_host(vip, NET6_VIP);
	hash_table(vip, port, host, weight);
	for (uint32_t i = 1; i <= 120; i++) {
		uint8_t a[16];
		struct pkt6_spec s;
		struct dp_result r;
		struct frame f;
		uint32_t b;

		client_at(a, (uint16_t)(i * 0x101), (uint8_t)i);
		put32(a + 8, i * 0x9e3779b1u);
		put16(a + 2, (uint16_t)(i * 7));
		pkt6_init(&s, IPPROTO_UDP, dp_port(), port, 0);
		memcpy(s.saddr, a, 16);
		pkt6_build(&f, &s);
		dp_run(&f, &r);
		b = xlvs_hash_32(fold6(a) + (with_port ? s.sport : 0), 8);
		if (weight[b] <= 0) {
			expect6_verdict(&r, XDP_TX);
			assert_int_equal(r.delta[XLVS_CNT_PKTS_NO_DEST], 1);
			continue;
		}
		if (chosen6(&r) != host[b])
			fail_msg("flow %u (fold %08x, bucket %u) went to %d, sh says %u",
				 i, fold6(a), b, chosen6(&r), host[b]);
		n[host[b]]++;
	}
	assert_true(n[HOST_RS1] > 0 && n[HOST_RS2] > 0);
}

static void v6sh_folds_the_address(void **state)
{
	(void)state;
	svc6_add_on(NET6_VIP, IPPROTO_UDP, SH6_PORT, "sh", 0, 0);
	rs6_add(IPPROTO_UDP, SH6_PORT, HOST_RS1, 3);
	rs6_add(IPPROTO_UDP, SH6_PORT, HOST_RS2, 1);
	sh_flows(SH6_PORT, false);
	svc6_add_on(NET6_VIP, IPPROTO_UDP, SH6_PORT + 1, "sh", XLVS_SVC_F_SCHED2, 0);
	rs6_add(IPPROTO_UDP, SH6_PORT + 1, HOST_RS1, 1);
	rs6_add(IPPROTO_UDP, SH6_PORT + 1, HOST_RS2, 1);
	sh_flows(SH6_PORT + 1, true);
}

/* dh: the bucket of hash_32(fold(daddr), 8), whatever the source: every
 * flow to one VIP goes to one server, and VIPs differing in every word
 * spread over the servers as their folds say. */
static void v6dh_folds_the_vip(void **state)
{
	int n[256] = { 0 };

	(void)state;
	for (uint32_t v = 1; v <= 12; v++) {
		struct xlvs_endpoint vip = ep6(0x64, 9970);
		uint8_t host[256];
		int32_t weight[256];
		uint32_t b;
		int first = -1;

		put16(vip.addr + 2, (uint16_t)(v * 0x1111));
		put32(vip.addr + 4, v * 0x9e3779b1u);
		put32(vip.addr + 8, ~v);
		vip.addr[15] = (uint8_t)(0x40 + v);
		svc_add_ep(&vip, IPPROTO_UDP, "dh");
		for (uint8_t h = HOST_RS1; h < HOST_RS1 + 4; h++) {
			struct xlvs_dest_conf d = { .addr = ep6(h, 9970),
						    .fwd = XLVS_FWD_DROUTE, .weight = 1 };

			rs_add_ep(&vip, IPPROTO_UDP, &d);
		}
		hash_table(vip.addr, 9970, host, weight);
		b = xlvs_hash_32(fold6(vip.addr), 8);
		for (int i = 0; i < 4; i++) {
			struct pkt6_spec s;
			struct dp_result r;
			struct frame f;

			pkt6_init(&s, IPPROTO_UDP, dp_port(), 9970, 0);
			memcpy(s.daddr, vip.addr, 16);
			s.saddr[14] = (uint8_t)i;       /* other clients too */
			pkt6_build(&f, &s);
			dp_run(&f, &r);
			if (chosen6(&r) != host[b])
				fail_msg("VIP %u (fold %08x, bucket %u): flow %d went to %d, "
					 "dh says %u", v, fold6(vip.addr), b, i, chosen6(&r),
					 host[b]);
			if (first < 0)
				first = host[b];
		}
		n[first]++;
	}
	{
		int used = 0;

		for (int h = HOST_RS1; h < HOST_RS1 + 4; h++)
			used += n[h] > 0;
		assert_true(used >= 2);
	}
}

#define V6S(f) cmocka_unit_test_setup_teardown(f, dp6_setup, dp6_teardown)

size_t ipv6_sched_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		V6S(v6persist_prefix64),
		V6S(v6persist_prefix60),
		V6S(v6persist_prefix_edges),
		V6S(v6sh_folds_the_address),
		V6S(v6dh_folds_the_vip),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
