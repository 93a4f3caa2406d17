// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnels with IPv6 on either side, every field of the output checked
 * against what IPVS sends (ip_vs_xmit.c: ip_vs_tunnel_xmit_v6 for an IPv6
 * server, ip_vs_tunnel_xmit for an IPv4 one; ip_vs_prepare_tunneled_skb,
 * ipvs_gue_encap, ipvs_gre_encap; __ip_vs_get_out_rt(_v6)), not bpf/:
 *  - outer IPv6: traffic class the inner's with CE as ECT(0)
 *    (INET_ECN_encapsulate), flow label 0, payload_len all after it
 *    (__ip6_local_out sets it from skb->len), next header 41 for an IPv6
 *    inner packet and 4 for IPv4 (ipip), 17 for GUE, 47 for GRE; hop
 *    limit the inner's after decrement_ttl; source the address the route
 *    gives (fd00::1), destination the server's;
 *  - outer IPv4 (an IPv6 service's IPv4 server): protocol 41, TOS as
 *    above, TTL the inner hop limit after the decrement, DF clear (df is 0
 *    for an IPv6 inner packet), source 10.0.0.1;
 *  - GUE: proto_ctype 41 or 4, a UDP checksum only with --tun-csum or
 *    --tun-remcsum (udp6_set_csum(!check, ...)); GRE: protocol 0x86dd or
 *    0x0800, its checksum with --tun-csum;
 *  - the inner packet as it came, hop limit (TTL, and then its checksum)
 *    one lower;
 *  - MTU: the route's less the outer headers; an IPv6 packet over it gets
 *    Packet Too Big with that MTU, an IPv4 one with DF fragmentation
 *    needed; an IPv6 route leaving less than 1280 drops every packet
 *    (__ip_vs_get_out_rt_v6's "mtu less than IPV6_MIN_MTU", before any
 *    size check).
 * Routes: fd00::7 MTU 1400, fd00::8 MTU 1300, 10.0.0.8 MTU 1400 (locked).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "bytes.h"
#include "csum.h"
#include "expect.h"
#include "expect6.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define HOST6_MTU   0x07        /* fd00::7: MTU 1400 */
#define HOST6_SMALL 0x08        /* fd00::8: MTU 1300 */
#define HOST4_MTU   0x08        /* 10.0.0.8: MTU 1400 */
#define MTU_T       1400

struct tun6_want {
	uint8_t host;
	uint8_t outer_af;           /* 4 or 6 */
	uint8_t type, flags;
	uint16_t tun_port;
};

static uint8_t ecn_encap(uint8_t ds)
{
	return (ds & 3) == 3 ? (uint8_t)((ds & ~3) | 2) : ds;
}

static size_t tun_extra(uint8_t type, uint8_t flags)
{
	if (type == XLVS_TUN_GUE)
		return 12;
	if (type == XLVS_TUN_GRE)
		return flags & XLVS_TUN_F_CSUM ? 8 : 4;
	return 0;
}

static void local_ports(uint32_t *lo, uint32_t *hi)
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

static void csum_must_fold(const char *what, uint32_t sum)
{
	if (csum_fold(sum) != 0)
		fail_msg("%s: checksum wrong (folds to 0x%04x)", what, csum_fold(sum));
}

/* The inner packet as IPVS sends it on: in's L3 packet (IPv6 or IPv4),
 * hop limit / TTL one lower, an IPv4 header checksum made anew. */
static size_t inner_of(const struct frame *in, uint8_t *q, bool *v6)
{
	size_t n;

	*v6 = get16(in->b + 12) == 0x86dd;
	if (*v6) {
		n = ip6_packet(in, q);
		q[7]--;
		return n;
	}
	n = get16(in->b + OFF_IP + 2);
	memcpy(q, in->b + OFF_IP, n);
	q[8]--;
	put16(q + 10, 0);
	put16(q + 10, csum_of(q, (q[0] & 15) * 4u));
	return n;
}

static void expect_tun6(const struct frame *in, const struct dp_result *r,
			const struct tun6_want *w)
{
	uint8_t inner[FRAME_MAX], mac[6], ds, hop, inner_proto;
	size_t ilen, extra = tun_extra(w->type, w->flags);
	size_t ohl = w->outer_af == 6 ? IP6_HLEN : 20;
	const uint8_t *o = r->out.b + OFF_IP6, *x = o + ohl;
	uint8_t outer_proto;
	bool v6;

	ilen = inner_of(in, inner, &v6);
	inner_proto = v6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	ds = v6 ? (uint8_t)(get16(inner) >> 4) : inner[1];
	hop = v6 ? inner[7] : inner[8];
	outer_proto = w->type == XLVS_TUN_GUE ? IPPROTO_UDP :
		      w->type == XLVS_TUN_GRE ? 47 : inner_proto;
	expect6_verdict(r, XDP_TX);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_FWD], 1);
	assert_int_equal(r->out.len, OFF_IP6 + ohl + extra + ilen);
	pkt_mac(mac, w->host);
	assert_memory_equal(r->out.b, mac, 6);
	pkt_mac(mac, HOST_DEV);
	assert_memory_equal(r->out.b + 6, mac, 6);
	if (w->outer_af == 6) {
		uint8_t a[16];

		assert_int_equal(get16(r->out.b + 12), 0x86dd);
		assert_int_equal(get32(o), 6u << 28 | (uint32_t)ecn_encap(ds) << 20);
		assert_int_equal(get16(o + 4), extra + ilen);
		assert_int_equal(o[6], outer_proto);
		assert_int_equal(o[7], hop);
		ip6_host(a, HOST_DEV);
		assert_memory_equal(o + 8, a, 16);
		ip6_host(a, w->host);
		assert_memory_equal(o + 24, a, 16);
	} else {
		assert_int_equal(get16(r->out.b + 12), 0x0800);
		assert_int_equal(o[0], 0x45);
		assert_int_equal(o[1], ecn_encap(ds));
		assert_int_equal(get16(o + 2), 20 + extra + ilen);
		assert_int_equal(get16(o + 6), 0);          /* DF clear, no offset */
		assert_int_equal(o[8], hop);
		assert_int_equal(o[9], outer_proto);
		csum_must_fold("outer IPv4 header", csum_add(0, o, 20));
		assert_int_equal(get32(o + 12), NET_DEV_IP);
		assert_int_equal(get32(o + 16), IP4(10, 0, 0, w->host));
	}
	if (w->type == XLVS_TUN_GUE) {
		uint32_t lo, hi, sp = get16(x);

		local_ports(&lo, &hi);
		if (sp < lo || sp > hi)
			fail_msg("GUE source port %u outside [%u, %u]", sp, lo, hi);
		assert_int_equal(get16(x + 2), w->tun_port);
		assert_int_equal(get16(x + 4), 12 + ilen);
		if (w->flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM)) {
			assert_int_not_equal(get16(x + 6), 0);
			if (w->outer_af == 6)
				assert_int_equal(pkt6_l4_csum(o, x, 12 + ilen,
							      IPPROTO_UDP),
						 get16(x + 6));
			else
				csum_must_fold("GUE's UDP",
					       csum_add(csum_add(0, o + 12, 8) +
							IPPROTO_UDP + 12 + ilen,
							x, 12 + ilen));
		} else {
			assert_int_equal(get16(x + 6), 0);
		}
		assert_memory_equal(x + 8, ((const uint8_t[]){ 0, inner_proto, 0, 0 }),
				    4);
	} else if (w->type == XLVS_TUN_GRE) {
		assert_int_equal(get16(x), w->flags & XLVS_TUN_F_CSUM ? 0x8000 : 0);
		assert_int_equal(get16(x + 2), v6 ? 0x86dd : 0x0800);
		if (w->flags & XLVS_TUN_F_CSUM) {
			assert_int_equal(get16(x + 6), 0);
			csum_must_fold("GRE", csum_add(0, x, extra + ilen));
		}
	}
	assert_memory_equal(x + extra, inner, ilen);
}

static void tun_dest(const struct xlvs_endpoint *vip, uint8_t proto,
		     struct xlvs_endpoint rip, uint8_t type, uint8_t flags,
		     uint16_t tun_port)
{
	struct xlvs_dest_conf d = {
		.addr = rip, .fwd = XLVS_FWD_TUNNEL, .weight = 1,
		.tun_type = type, .tun_flags = flags, .tun_port = tun_port,
	};

	rs_add_ep(vip, proto, &d);
}

/* TCP and UDP services on vip:port tunnelled to rip. */
static void tun6_service(struct xlvs_endpoint vip, struct xlvs_endpoint rip,
			 uint8_t type, uint8_t flags, uint16_t tun_port)
{
	for (int p = 0; p < 2; p++) {
		uint8_t proto = p ? IPPROTO_UDP : IPPROTO_TCP;

		svc_add_ep(&vip, proto, "rr");
		tun_dest(&vip, proto, rip, type, flags, tun_port);
	}
}

static void send6_spec(const struct pkt6_spec *s, const struct tun6_want *w)
{
	struct dp_result r;
	struct frame f;

	pkt6_build(&f, s);
	dp_run(&f, &r);
	expect_tun6(&f, &r, w);
}

/* Every encapsulation of an IPv6 packet to an IPv6 server. */
static void tun6_v6_in_v6(void **state)
{
	static const struct { uint8_t type, flags; } kinds[] = {
		{ XLVS_TUN_IPIP, 0 }, { XLVS_TUN_GUE, 0 },
		{ XLVS_TUN_GUE, XLVS_TUN_F_CSUM }, { XLVS_TUN_GUE, XLVS_TUN_F_REMCSUM },
		{ XLVS_TUN_GRE, 0 }, { XLVS_TUN_GRE, XLVS_TUN_F_CSUM },
	};
	static const uint8_t tc[] = { 0x00, 0xb8, 0xb9, 0xbb, 0x03 };
	static const uint16_t pay[] = { 0, 1, 333, 1200 };

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct tun6_want w = { .host = HOST_RS1, .outer_af = 6,
				       .type = kinds[k].type, .flags = kinds[k].flags,
				       .tun_port = kinds[k].type == XLVS_TUN_GUE ? 6080 : 0 };
		struct pkt6_spec s;

		svc_clear();
		tun6_service(ep6(NET6_VIP, 90), ep6(HOST_RS1, 90), w.type, w.flags,
			     w.tun_port);
		for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++) {
			pkt6_init(&s, i & 1 ? IPPROTO_UDP : IPPROTO_TCP, dp_port(), 90,
				  TH_SYN);
			s.payload = pay[i];
			s.tclass = tc[i];
			s.flow = 0x54321;
			send6_spec(&s, &w);
		}
		/* ECN CE outside becomes ECT(0); a connection's next packet is
		 * tunnelled too; extension headers travel inside. */
		pkt6_init(&s, IPPROTO_TCP, dp_port(), 90, TH_SYN);
		s.tclass = tc[4];
		send6_spec(&s, &w);
		s.tcp_flags = TH_ACK;
		s.payload = 100;
		send6_spec(&s, &w);
		pkt6_init(&s, IPPROTO_UDP, dp_port(), 90, 0);
		pkt6_ext_add(&s, IPPROTO_HOPOPTS, 0, 0, 0);
		pkt6_ext_add(&s, IPPROTO_DSTOPTS, 0, 0, 0);
		send6_spec(&s, &w);
	}
}

/* An IPv4 service's IPv6 server: IPv4 inside IPv6. */
static void tun6_v4_in_v6(void **state)
{
	static const struct { uint8_t type, flags; } kinds[] = {
		{ XLVS_TUN_IPIP, 0 }, { XLVS_TUN_GUE, XLVS_TUN_F_CSUM },
		{ XLVS_TUN_GRE, XLVS_TUN_F_CSUM },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct tun6_want w = { .host = HOST_RS2, .outer_af = 6,
				       .type = kinds[k].type, .flags = kinds[k].flags,
				       .tun_port = kinds[k].type == XLVS_TUN_GUE ? 6081 : 0 };

		svc_clear();
		tun6_service(tb_ep(NET_VIP, 91), ep6(HOST_RS2, 91), w.type, w.flags,
			     w.tun_port);
		for (int i = 0; i < 3; i++) {
			struct pkt_spec s = { .proto = i == 1 ? IPPROTO_UDP : IPPROTO_TCP,
					      .sport = dp_port(), .dport = 91,
					      .tcp_flags = TH_SYN, .frag = 0x4000,
					      .payload = (uint16_t)(i * 400) };
			struct dp_result r;
			struct frame f;

			pkt_build(&f, &s);
			f.b[OFF_IP + 1] = i == 2 ? 0xbb : 0x28;
			put16(f.b + OFF_IP + 10, 0);
			put16(f.b + OFF_IP + 10, csum_of(f.b + OFF_IP, 20));
			dp_run(&f, &r);
			expect_tun6(&f, &r, &w);
		}
	}
}

/* An IPv6 service's IPv4 server: IPv6 inside IPv4 (protocol 41). */
static void tun6_v6_in_v4(void **state)
{
	static const struct { uint8_t type, flags; } kinds[] = {
		{ XLVS_TUN_IPIP, 0 }, { XLVS_TUN_GUE, 0 },
		{ XLVS_TUN_GRE, 0 }, { XLVS_TUN_GRE, XLVS_TUN_F_CSUM },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct tun6_want w = { .host = HOST_RS1, .outer_af = 4,
				       .type = kinds[k].type, .flags = kinds[k].flags,
				       .tun_port = kinds[k].type == XLVS_TUN_GUE ? 6082 : 0 };
		struct pkt6_spec s;

		svc_clear();
		tun6_service(ep6(NET6_VIP, 92), tb_ep(IP4(10, 0, 0, HOST_RS1), 92),
			     w.type, w.flags, w.tun_port);
		for (int i = 0; i < 3; i++) {
			pkt6_init(&s, i == 1 ? IPPROTO_UDP : IPPROTO_TCP, dp_port(), 92,
				  TH_SYN);
			s.payload = (uint16_t)(i * 401);
			s.tclass = i == 2 ? 0xbb : 0x28;
			send6_spec(&s, &w);
		}
	}
}

/* decrement_ttl first: hop limit 1 is answered, never tunnelled. */
static void tun6_hop_limit(void **state)
{
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	tun6_service(ep6(NET6_VIP, 93), ep6(HOST_RS1, 93), XLVS_TUN_IPIP, 0, 0);
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 93, TH_SYN);
	s.hop_limit = 1;
	pkt6_build(&f, &s);
	dp_run(&f, &r);
	expect6_icmp(&f, &r, 3, 0, 0, 0);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
	/* Over an IPv4 server's tunnel too. */
	svc_clear();
	tun6_service(ep6(NET6_VIP, 93), tb_ep(IP4(10, 0, 0, HOST_RS1), 93),
		     XLVS_TUN_IPIP, 0, 0);
	s.sport = dp_port();
	pkt6_build(&f, &s);
	dp_run(&f, &r);
	expect6_icmp(&f, &r, 3, 0, 0, 0);
}

/* The route's MTU less the outer headers; one byte over is too big. */
static void tun6_mtu(void **state)
{
	static const struct { uint8_t type, flags; } kinds[] = {
		{ XLVS_TUN_IPIP, 0 }, { XLVS_TUN_GUE, 0 },
		{ XLVS_TUN_GRE, 0 }, { XLVS_TUN_GRE, XLVS_TUN_F_CSUM },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int outer4 = 0; outer4 < 2; outer4++) {
			uint8_t host = outer4 ? HOST4_MTU : HOST6_MTU;
			struct tun6_want w = { .host = host, .outer_af = outer4 ? 4 : 6,
					       .type = kinds[k].type,
					       .flags = kinds[k].flags,
					       .tun_port = kinds[k].type == XLVS_TUN_GUE ?
							   6083 : 0 };
			uint32_t room = MTU_T - (outer4 ? 20 : IP6_HLEN) -
					(uint32_t)tun_extra(w.type, w.flags);
			struct pkt6_spec s;
			struct dp_result r;
			struct frame f;

			svc_clear();
			tun6_service(ep6(NET6_VIP, 94),
				     outer4 ? tb_ep(IP4(10, 0, 0, host), 94) :
					      ep6(host, 94),
				     w.type, w.flags, w.tun_port);
			pkt6_init(&s, IPPROTO_TCP, dp_port(), 94, TH_SYN);
			s.payload = (uint16_t)(room - IP6_HLEN - 20);
			send6_spec(&s, &w);
			s.sport = dp_port();
			s.payload++;
			pkt6_build(&f, &s);
			dp_run(&f, &r);
			expect6_icmp(&f, &r, 2, 0, room, 1);
			assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
		}
	}
	/* An IPv4 packet with DF to an IPv6 server: fragmentation needed
	 * with the room the IPv6 tunnel leaves (1360). */
	{
		struct pkt_spec s = { .proto = IPPROTO_TCP, .sport = dp_port(),
				      .dport = 95, .tcp_flags = TH_SYN, .frag = 0x4000,
				      .payload = MTU_T - IP6_HLEN - 40 + 1 };
		struct dp_result r;
		struct frame f;
		const uint8_t *ip = r.out.b + OFF_IP, *ic = ip + 20;

		svc_clear();
		tun6_service(tb_ep(NET_VIP, 95), ep6(HOST6_MTU, 95), XLVS_TUN_IPIP, 0, 0);
		pkt_build(&f, &s);
		dp_run(&f, &r);
		expect6_verdict(&r, XDP_TX);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
		assert_int_equal(get16(r.out.b + 12), 0x0800);
		assert_int_equal(ip[9], IPPROTO_ICMP);
		assert_int_equal(get32(ip + 12), NET_VIP);
		assert_int_equal(get32(ip + 16), NET_CLIENT);
		assert_int_equal(ic[0], 3);
		assert_int_equal(ic[1], 4);
		assert_int_equal(get16(ic + 6), MTU_T - IP6_HLEN);
		csum_must_fold("ICMP", csum_add(0, ic, r.out.len - OFF_IP - 20));
		/* Without DF: dropped, as for an IPv4 tunnel (the kernel would
		 * fragment it). */
		s.frag = 0;
		s.sport = dp_port();
		pkt_build(&f, &s);
		dp_run(&f, &r);
		expect6_verdict(&r, XDP_DROP);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TOO_BIG], 1);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
	}
}

/* An IPv6 route whose MTU leaves under 1280: nothing goes, not even a
 * small packet, and nothing is answered. */
static void tun6_route_under_min_mtu(void **state)
{
	for (int v4 = 0; v4 < 2; v4++) {
		struct dp_result r;
		struct frame f;

		(void)state;
		svc_clear();
		if (v4) {
			struct pkt_spec s = { .proto = IPPROTO_TCP, .sport = dp_port(),
					      .dport = 96, .tcp_flags = TH_SYN };

			tun6_service(tb_ep(NET_VIP, 96), ep6(HOST6_SMALL, 96),
				     XLVS_TUN_IPIP, 0, 0);
			pkt_build(&f, &s);
		} else {
			struct pkt6_spec s;

			tun6_service(ep6(NET6_VIP, 96), ep6(HOST6_SMALL, 96),
				     XLVS_TUN_IPIP, 0, 0);
			pkt6_init(&s, IPPROTO_TCP, dp_port(), 96, TH_SYN);
			pkt6_build(&f, &s);
		}
		dp_run(&f, &r);
		expect6_verdict(&r, XDP_DROP);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TOO_BIG], 1);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 0);
	}
}

static int tun6_setup(void **state)
{
	if (tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV " mtu lock %d",
		  HOST6_MTU, MTU_T) ||
	    tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV " mtu lock 1300",
		  HOST6_SMALL) ||
	    tb_sh("ip route replace 10.0.0.%d/32 dev " DP_DEV " mtu lock %d",
		  HOST4_MTU, MTU_T))
		return -1;
	return dp6_setup(state);
}

static int tun6_teardown(void **state)
{
	tb_sh("ip -6 route del fd00::%x/128 dev " DP_DEV, HOST6_MTU);
	tb_sh("ip -6 route del fd00::%x/128 dev " DP_DEV, HOST6_SMALL);
	tb_sh("ip route del 10.0.0.%d/32 dev " DP_DEV, HOST4_MTU);
	return dp6_teardown(state);
}

#define TUN6(f) cmocka_unit_test_setup_teardown(f, tun6_setup, tun6_teardown)

size_t ipv6_tunnel_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		TUN6(tun6_v6_in_v6),
		TUN6(tun6_v4_in_v6),
		TUN6(tun6_v6_in_v4),
		TUN6(tun6_hop_limit),
		TUN6(tun6_mtu),
		TUN6(tun6_route_under_min_mtu),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
