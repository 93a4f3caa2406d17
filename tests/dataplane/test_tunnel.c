// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnelling (-i), IPv4 in IPv4, one packet each, every field of the
 * output checked against what the kernel's ip_vs_tunnel_xmit would send
 * (net/netfilter/ipvs/ip_vs_xmit.c, read for this test, not bpf/tunnel.h):
 * the outer header (source the route's preferred source, 10.0.0.1 here;
 * TOS the inner's with CE as ECT(0); TTL the inner's after decrement_ttl;
 * DF copied, ID 0 with DF; protocol 4, 17 or 47; its checksum), GUE's UDP
 * and 4-byte header (ipvs_gue_encap), GRE's (gre_build_header), each
 * checksum recomputed here from scratch, and the inner packet byte for byte
 * the one that came in but for its TTL and header checksum, its Ethernet
 * padding gone.  Then what does not fit: TTL 1 or 0 (ICMP time exceeded),
 * a packet over the route's MTU less the outer headers with DF (ICMP
 * fragmentation needed carrying that MTU, the quote with the TTL already
 * lowered, as decrement_ttl runs first) and without (dropped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "harness.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"
#include "csum.h"
#include "bytes.h"

#define ETH_HLEN 14
#define HOST_MTU_RS 0x07        /* 10.0.0.7: a route with a locked MTU */
#define MTU_RS 1200

/* A header or datagram whose checksum field is included sums to zero. */
static void assert_csum_ok(const char *what, uint32_t sum)
{
	if (csum_fold(sum) != 0)
		fail_msg("%s: checksum wrong (folds to 0x%04x)", what, csum_fold(sum));
}

static void ip_csum_refresh(uint8_t *ip)
{
	size_t ihl = (ip[0] & 15) * 4u;

	ip[10] = ip[11] = 0;
	uint16_t c = csum_of(ip, ihl);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void tun_add(uint16_t port, uint8_t host, uint8_t type, uint8_t flags,
		    uint16_t tun_port)
{
	struct xlvs_endpoint vip = tb_ep(NET_VIP, port);
	struct xlvs_dest_conf d = {
		.addr = tb_ep(IP4(10, 0, 0, host), port),
		.fwd = XLVS_FWD_TUNNEL, .weight = 1,
		.tun_type = type, .tun_flags = flags, .tun_port = tun_port,
	};
	int rc = xlvs_dest_add(&dp.t, IPPROTO_TCP, &vip, &d);

	if (!rc)
		rc = xlvs_dest_add(&dp.t, IPPROTO_UDP, &vip, &d);
	if (rc)
		fail_msg("xlvs_dest_add (tunnel): %d", rc);
	dp_pin_neighbours();
}

/* A TCP and a UDP service on port, tunnelled to host. */
static void tun_service(uint16_t port, uint8_t host, uint8_t type, uint8_t flags,
			uint16_t tun_port)
{
	svc_add(IPPROTO_TCP, port, "rr");
	svc_add(IPPROTO_UDP, port, "rr");
	tun_add(port, host, type, flags, tun_port);
}

struct tun_want {
	uint8_t host;               /* the real server */
	uint8_t type, flags;
	uint16_t tun_port;
};

static void local_port_range(uint32_t *lo, uint32_t *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	*lo = 32768;
	*hi = 60999;
	if (f) {
		if (fscanf(f, "%u %u", lo, hi) != 2) {
			*lo = 32768;
			*hi = 60999;
		}
		fclose(f);
	}
}

/* out must be in tunnelled as w says, as the kernel would send it. */
static void expect_tunnelled(const struct frame *in, const struct dp_result *r,
			     const struct tun_want *w)
{
	const uint8_t *iip = in->b + ETH_HLEN, *o = r->out.b + ETH_HLEN, *x, *inner;
	size_t ilen = get16(iip + 2), ihl = (iip[0] & 15) * 4u, extra = 0;
	uint8_t mac[6], tos = iip[1], want_tos, proto = 4;
	uint8_t want_inner[FRAME_MAX];

	if (w->type == XLVS_TUN_GUE) {
		extra = 12;
		proto = IPPROTO_UDP;
	} else if (w->type == XLVS_TUN_GRE) {
		extra = w->flags & XLVS_TUN_F_CSUM ? 8 : 4;
		proto = 47;
	}
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->verdict, XDP_TX);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_FWD], 1);
	assert_int_equal(r->out.len, ETH_HLEN + 20 + extra + ilen);
	pkt_mac(mac, w->host);
	assert_memory_equal(r->out.b, mac, 6);
	pkt_mac(mac, HOST_DEV);
	assert_memory_equal(r->out.b + 6, mac, 6);
	assert_int_equal(get16(r->out.b + 12), 0x0800);
	/* The outer IPv4 header. */
	assert_int_equal(o[0], 0x45);
	want_tos = (tos & 3) == 3 ? (uint8_t)((tos & ~3) | 2) : tos;
	assert_int_equal(o[1], want_tos);
	assert_int_equal(get16(o + 2), 20 + extra + ilen);
	if (get16(iip + 6) & 0x4000)
		assert_int_equal(get16(o + 4), 0);      /* ID 0 with DF */
	assert_int_equal(get16(o + 6), get16(iip + 6) & 0x4000);
	assert_int_equal(o[8], iip[8] - 1);
	assert_int_equal(o[9], proto);
	assert_csum_ok("outer IPv4 header", csum_add(0, o, 20));
	assert_int_equal(get32(o + 12), NET_DEV_IP);
	assert_int_equal(get32(o + 16), IP4(10, 0, 0, w->host));
	x = o + 20;
	inner = x + extra;
	if (w->type == XLVS_TUN_GUE) {
		uint32_t lo, hi, sp = get16(x), ps;

		local_port_range(&lo, &hi);
		if (sp < lo || sp >= hi)
			fail_msg("GUE source port %u outside [%u, %u)", sp, lo, hi);
		assert_int_equal(get16(x + 2), w->tun_port);
		assert_int_equal(get16(x + 4), 12 + ilen);
		if (w->flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM)) {
			assert_int_not_equal(get16(x + 6), 0);
			ps = csum_add(0, o + 12, 8) + IPPROTO_UDP + 12 + ilen;
			assert_csum_ok("GUE's UDP", csum_add(ps, x, 12 + ilen));
		} else {
			assert_int_equal(get16(x + 6), 0);
		}
		/* version 0, C 0, hlen 0, proto_ctype IPIP, flags 0 */
		assert_memory_equal(x + 8, ((const uint8_t[]){ 0, 4, 0, 0 }), 4);
	} else if (w->type == XLVS_TUN_GRE) {
		assert_int_equal(get16(x), w->flags & XLVS_TUN_F_CSUM ? 0x8000 : 0);
		assert_int_equal(get16(x + 2), 0x0800);
		if (w->flags & XLVS_TUN_F_CSUM) {
			assert_int_equal(get16(x + 6), 0);      /* reserved1 */
			assert_csum_ok("GRE", csum_add(0, x, extra + ilen));
		}
	}
	/* The inner packet: the one that came, TTL lowered, header summed
	 * anew (ip_send_check), nothing else. */
	memcpy(want_inner, iip, ilen);
	want_inner[8]--;
	ip_csum_refresh(want_inner);
	assert_memory_equal(inner, want_inner, ilen);
	assert_csum_ok("inner IPv4 header", csum_add(0, inner, ihl));
}

static void run_tunnelled(const struct pkt_spec *s, const struct tun_want *w,
			  struct dp_result *r)
{
	struct frame in;

	pkt_build(&in, s);
	dp_run(&in, r);
	expect_tunnelled(&in, r, w);
}

static void tun_ipip(void **state)
{
	struct tun_want w = { .host = HOST_RS1, .type = XLVS_TUN_IPIP };
	struct pkt_spec tcp = { .proto = IPPROTO_TCP, .dport = 80, .tcp_flags = TH_SYN };
	struct pkt_spec udp = { .proto = IPPROTO_UDP, .dport = 80, .payload = 99 };
	struct dp_result r;

	(void)state;
	tun_service(80, HOST_RS1, XLVS_TUN_IPIP, 0, 0);
	tcp.sport = dp_port();
	run_tunnelled(&tcp, &w, &r);
	udp.sport = dp_port();
	run_tunnelled(&udp, &w, &r);
	/* IP options travel inside, untouched. */
	tcp.sport = dp_port();
	tcp.ip_opt_len = 8;
	run_tunnelled(&tcp, &w, &r);
	/* DF copied out, and the connection's next packet tunnelled too. */
	tcp.ip_opt_len = 0;
	tcp.frag = 0x4000;
	tcp.sport = dp_port();
	run_tunnelled(&tcp, &w, &r);
	tcp.tcp_flags = TH_ACK;
	tcp.payload = 1000;
	run_tunnelled(&tcp, &w, &r);
}

/* GUE without and with its UDP checksum (remcsum sends one too: the
 * packet has no partial checksum), odd and even lengths. */
static void tun_gue(void **state)
{
	static const uint8_t flags[3] = { 0, XLVS_TUN_F_CSUM, XLVS_TUN_F_REMCSUM };
	static const uint16_t payloads[4] = { 0, 1, 333, 1400 };
	struct dp_result r;

	(void)state;
	for (int f = 0; f < 3; f++) {
		struct tun_want w = { .host = HOST_RS2, .type = XLVS_TUN_GUE,
				      .flags = flags[f], .tun_port = 6080 + f };

		svc_clear();
		tun_service(81, HOST_RS2, XLVS_TUN_GUE, flags[f], 6080 + f);
		for (int i = 0; i < 4; i++) {
			struct pkt_spec s = { .proto = i & 1 ? IPPROTO_UDP : IPPROTO_TCP,
					      .dport = 81, .tcp_flags = TH_SYN,
					      .payload = payloads[i], .sport = dp_port() };

			run_tunnelled(&s, &w, &r);
		}
	}
}

/* A flow keeps its GUE source port; flows spread over the range. */
static void tun_gue_sport(void **state)
{
	struct tun_want w = { .host = HOST_RS2, .type = XLVS_TUN_GUE, .tun_port = 6080 };
	uint16_t seen[16];
	int distinct = 0;
	struct dp_result r;

	(void)state;
	tun_service(82, HOST_RS2, XLVS_TUN_GUE, 0, 6080);
	for (int i = 0; i < 16; i++) {
		struct pkt_spec s = { .proto = IPPROTO_UDP, .dport = 82, .payload = 8,
				      .sport = dp_port() };
		uint16_t first;

		run_tunnelled(&s, &w, &r);
		first = get16(r.out.b + ETH_HLEN + 20);
		run_tunnelled(&s, &w, &r);
		assert_int_equal(get16(r.out.b + ETH_HLEN + 20), first);
		seen[i] = first;
		distinct++;
		for (int j = 0; j < i; j++)
			if (seen[j] == first) {
				distinct--;
				break;
			}
	}
	if (distinct < 8)
		fail_msg("16 flows took only %d GUE source ports", distinct);
}

static void tun_gre(void **state)
{
	struct dp_result r;

	(void)state;
	for (int f = 0; f < 2; f++) {
		struct tun_want w = { .host = HOST_RS1, .type = XLVS_TUN_GRE,
				      .flags = f ? XLVS_TUN_F_CSUM : 0 };

		svc_clear();
		tun_service(83, HOST_RS1, XLVS_TUN_GRE, w.flags, 0);
		for (int i = 0; i < 3; i++) {
			struct pkt_spec s = { .proto = i == 1 ? IPPROTO_UDP : IPPROTO_TCP,
					      .dport = 83, .tcp_flags = TH_SYN,
					      .payload = (uint16_t)(i * 501), .sport = dp_port() };

			run_tunnelled(&s, &w, &r);
		}
	}
}

/* Ethernet padding is not part of the inner packet. */
static void tun_padding(void **state)
{
	struct tun_want w = { .host = HOST_RS1, .type = XLVS_TUN_GRE,
			      .flags = XLVS_TUN_F_CSUM };
	struct pkt_spec s = { .proto = IPPROTO_UDP, .dport = 84, .payload = 2,
			      .pad_to = 60 };
	struct dp_result r;

	(void)state;
	tun_service(84, HOST_RS1, XLVS_TUN_GRE, XLVS_TUN_F_CSUM, 0);
	s.sport = dp_port();
	run_tunnelled(&s, &w, &r);
}

/* INET_ECN_encapsulate: DSCP and ECT kept, CE becomes ECT(0) outside. */
static void tun_tos(void **state)
{
	static const uint8_t tos[5] = { 0x00, 0xb8, 0xb9, 0xba, 0x03 };
	struct tun_want w = { .host = HOST_RS1, .type = XLVS_TUN_IPIP };
	struct dp_result r;

	(void)state;
	tun_service(85, HOST_RS1, XLVS_TUN_IPIP, 0, 0);
	for (int i = 0; i < 5; i++) {
		struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = 85,
				      .tcp_flags = TH_SYN, .sport = dp_port() };
		struct frame in;

		pkt_build(&in, &s);
		in.b[ETH_HLEN + 1] = tos[i];
		ip_csum_refresh(in.b + ETH_HLEN);
		dp_run(&in, &r);
		expect_tunnelled(&in, &r, &w);
	}
	assert_int_equal(r.out.b[ETH_HLEN + 1], 0x02);
}

/* The ICMP error icmp_send would make, from the VIP to the client: type,
 * code, the 4 bytes after the checksum, and the quote (the IP header as
 * quoted, 8 bytes of what follows it). */
static void expect_icmp(const struct dp_result *r, const uint8_t *quoted_ip,
			uint8_t type, uint8_t code, uint32_t info)
{
	const uint8_t *ip = r->out.b + ETH_HLEN, *ic = ip + 20;
	size_t qlen = (quoted_ip[0] & 15) * 4u + 8;
	uint8_t mac[6];

	assert_int_equal(r->rc, 0);
	assert_int_equal(r->verdict, XDP_TX);
	assert_int_equal(r->delta[XLVS_CNT_ICMP_SENT], 1);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_FWD], 0);
	assert_int_equal(r->out.len, ETH_HLEN + 20 + 8 + qlen);
	pkt_mac(mac, HOST_CLIENT);
	assert_memory_equal(r->out.b, mac, 6);
	assert_int_equal(ip[9], 1);
	assert_int_equal(get32(ip + 12), NET_VIP);
	assert_int_equal(get32(ip + 16), NET_CLIENT);
	assert_csum_ok("ICMP's IPv4 header", csum_add(0, ip, 20));
	assert_int_equal(ic[0], type);
	assert_int_equal(ic[1], code);
	assert_int_equal(get32(ic + 4), info);
	assert_csum_ok("ICMP", csum_add(0, ic, 8 + qlen));
	assert_memory_equal(ic + 8, quoted_ip, qlen);
}

static void set_ttl(struct frame *f, uint8_t ttl)
{
	f->b[ETH_HLEN + 8] = ttl;
	ip_csum_refresh(f->b + ETH_HLEN);
}

/* decrement_ttl: TTL 1 or 0 is answered with time exceeded (quoting the
 * packet as it came), before any MTU check; TTL 2 goes out with 1. */
static void tun_ttl(void **state)
{
	struct tun_want w = { .host = HOST_RS1, .type = XLVS_TUN_IPIP };
	struct dp_result r;

	(void)state;
	tun_service(86, HOST_RS1, XLVS_TUN_IPIP, 0, 0);
	for (int ttl = 0; ttl <= 2; ttl++) {
		struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = 86,
				      .tcp_flags = TH_SYN, .sport = dp_port() };
		struct frame in;

		pkt_build(&in, &s);
		set_ttl(&in, (uint8_t)ttl);
		dp_run(&in, &r);
		if (ttl == 2) {
			expect_tunnelled(&in, &r, &w);
			assert_int_equal(r.out.b[ETH_HLEN + 8], 1);
			continue;
		}
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
		expect_icmp(&r, in.b + ETH_HLEN, 11, 0, 0);
	}
	/* Over the MTU with TTL 1: time exceeded still. */
	svc_clear();
	tun_service(86, HOST_MTU_RS, XLVS_TUN_IPIP, 0, 0);
	{
		struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = 86, .frag = 0x4000,
				      .tcp_flags = TH_SYN, .payload = MTU_RS,
				      .sport = dp_port() };
		struct frame in;

		pkt_build(&in, &s);
		set_ttl(&in, 1);
		dp_run(&in, &r);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 0);
		expect_icmp(&r, in.b + ETH_HLEN, 11, 0, 0);
	}
}

/*
 * The route to 10.0.0.7 has MTU 1200 (locked, so the FIB's MTU is the
 * route's): each type leaves 1200 less its outer headers, the MTU the
 * fragmentation-needed answer carries (ip_vs_tunnel_xmit's mtu).  A packet
 * of exactly that size goes out as 1200 bytes; one byte more with DF is
 * answered, without DF dropped.
 */
static void tun_mtu(void **state)
{
	static const struct { uint8_t type, flags; uint16_t port; uint32_t room; } tab[] = {
		{ XLVS_TUN_IPIP, 0, 0, MTU_RS - 20 },
		{ XLVS_TUN_GUE, 0, 6080, MTU_RS - 20 - 8 - 4 },
		{ XLVS_TUN_GUE, XLVS_TUN_F_CSUM, 6080, MTU_RS - 20 - 8 - 4 },
		{ XLVS_TUN_GRE, 0, 0, MTU_RS - 20 - 4 },
		{ XLVS_TUN_GRE, XLVS_TUN_F_CSUM, 0, MTU_RS - 20 - 8 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct tun_want w = { .host = HOST_MTU_RS, .type = tab[i].type,
				      .flags = tab[i].flags, .tun_port = tab[i].port };
		uint16_t fit = (uint16_t)(tab[i].room - 20 - 20);     /* TCP payload */
		struct dp_result r;
		struct frame in;
		uint8_t quoted[60];

		svc_clear();
		tun_service(87, HOST_MTU_RS, tab[i].type, tab[i].flags, tab[i].port);
		/* Fits exactly, DF set. */
		struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = 87, .frag = 0x4000,
				      .tcp_flags = TH_SYN, .payload = fit, .sport = dp_port() };
		run_tunnelled(&s, &w, &r);
		assert_int_equal(get16(r.out.b + ETH_HLEN + 2), MTU_RS);
		/* One byte over, DF set: fragmentation needed, MTU = room, the
		 * quote's TTL lowered and its checksum right. */
		s.payload = fit + 1;
		s.sport = dp_port();
		pkt_build(&in, &s);
		memcpy(quoted, in.b + ETH_HLEN, 28);
		quoted[8]--;
		ip_csum_refresh(quoted);
		dp_run(&in, &r);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
		expect_icmp(&r, quoted, 3, 4, tab[i].room);
		/* One byte over without DF: dropped, counted. */
		s.frag = 0;
		s.sport = dp_port();
		pkt_build(&in, &s);
		dp_run(&in, &r);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.verdict, XDP_DROP);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TOO_BIG], 1);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
		/* Under it without DF: out, DF clear outside too. */
		s.payload = fit - 100;
		s.sport = dp_port();
		run_tunnelled(&s, &w, &r);
		assert_int_equal(get16(r.out.b + ETH_HLEN + 6), 0);
	}
}

/* A group or broadcast source MAC gets no ICMP answer: dropped, counted. */
static void tun_icmp_unicast_only(void **state)
{
	struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = 88, .tcp_flags = TH_SYN };
	struct dp_result r;
	struct frame in;

	(void)state;
	tun_service(88, HOST_RS1, XLVS_TUN_IPIP, 0, 0);
	s.sport = dp_port();
	pkt_build(&in, &s);
	set_ttl(&in, 1);
	in.b[6] |= 1;
	dp_run(&in, &r);
	assert_int_equal(r.verdict, XDP_DROP);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
}

static int tun_setup(void **state)
{
	(void)state;
	if (tb_sh("ip route replace 10.0.0.7/32 dev " DP_DEV " mtu lock %d", MTU_RS))
		return -1;
	return svc_fixture_empty(state);
}

static int tun_teardown(void **state)
{
	(void)state;
	tb_sh("ip route del 10.0.0.7/32 dev " DP_DEV);
	return svc_fixture_empty(state);
}

size_t tunnel_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(tun_ipip, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_gue, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_gue_sport, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_gre, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_padding, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_tos, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_ttl, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_mtu, tun_setup, tun_teardown),
		cmocka_unit_test_setup_teardown(tun_icmp_unicast_only, tun_setup,
						tun_teardown),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
