// SPDX-License-Identifier: GPL-2.0
/*
 * ICMPv6 errors about tracked connections, checked against the kernel
 * (ip_vs_core.c ip_vs_in_icmp_v6 / ip_vs_out_icmp_v6, ip_vs_xmit.c
 * ip_vs_icmp_xmit_v6 and ip_vs_nat_icmp_v6), as test_icmp.c does for IPv4:
 *  - in: an error sent to the VIP quoting a packet VIP:vport -> client of
 *    a connection goes to its real server one hop on (the route's
 *    decrement_ttl): by MAC for direct routing, encapsulated for a tunnel,
 *    and for NAT with the outer destination, the quote's source and source
 *    port the server's and the ICMPv6 checksum made anew over the new
 *    pseudo-header (the quoted TCP checksum stays);
 *  - out (NAT): an error to the client quoting its packet to RIP:rport
 *    goes to the client with the outer source, the quote's destination and
 *    destination port VIP:vport, one hop on;
 *  - an error about no connection, about a quoted later fragment, or an
 *    informational message passes untouched; a quote cut short of its
 *    ports passes as malformed;
 *  - tests named _kernel_ follow kernel rules the first IPv6 spec had
 *    otherwise: ip_vs_in_icmp_v6 checks no ICMPv6 checksum and relates
 *    every error type, not only 1 to 4.
 * Every checksum is recomputed here from scratch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "bytes.h"
#include "expect.h"
#include "expect6.h"
#include "testbed.h"
#include "tests.h"

#define ROUTER6  0x32           /* fd00::32: a router, in no table */
#define ICMP6_AT (OFF_IP6 + IP6_HLEN)
#define QUOTE_AT (ICMP6_AT + 8)
#define RPORT6   8080
#define NAT6_RS  0x05
#define HOST_MTU6 0x07          /* fd00::7: a route with MTU 1400 */

/* A TCP packet from fd00::<src>:sport to fd00::<dst>:dport. */
static void tcp6(struct frame *f, uint8_t src, uint16_t sport, uint8_t dst,
		 uint16_t dport, uint8_t flags)
{
	struct pkt6_spec s;

	pkt6_init(&s, IPPROTO_TCP, sport, dport, flags);
	ip6_host(s.saddr, src);
	ip6_host(s.daddr, dst);
	pkt6_build(f, &s);
}

/* An ICMPv6 error from fd00::<src> to fd00::<dst> quoting qlen bytes of
 * q's IPv6 packet (all of it when qlen is 0). */
static void icmp6_err(struct frame *f, uint8_t src, uint8_t dst, uint8_t type,
		      uint8_t code, uint32_t info, const struct frame *q,
		      size_t qlen)
{
	uint8_t body[FRAME_MAX];
	size_t n = ip6_packet(q, body);
	struct pkt6_spec s;

	pkt6_init(&s, IPPROTO_ICMPV6, 0, 0, 0);
	ip6_host(s.saddr, src);
	ip6_host(s.daddr, dst);
	s.icmp_type = type;
	s.icmp_code = code;
	s.icmp_info = info;
	s.body = body;
	s.body_len = qlen ? qlen : n;
	pkt6_build(f, &s);
}

static void icmp6_csum_set(struct frame *f)
{
	uint8_t *ip = f->b + OFF_IP6;

	put16(f->b + ICMP6_AT + 2, 0);
	put16(f->b + ICMP6_AT + 2,
	      pkt6_l4_csum(ip, f->b + ICMP6_AT, get16(ip + 4), IPPROTO_ICMPV6));
}

static void conn6_open(uint16_t port, uint16_t cport)
{
	struct dp_result r;
	struct frame f;

	tcp6(&f, HOST_CLIENT, cport, NET6_VIP, port, TH_SYN);
	dp_run(&f, &r);
	expect6_verdict(&r, XDP_TX);
}

/* A router on the way back answers the connection's reply. */
static void about_reply6(struct frame *f, uint8_t type, uint8_t code,
			 uint32_t info, uint16_t port, uint16_t cport)
{
	struct frame q;

	tcp6(&q, NET6_VIP, port, HOST_CLIENT, cport, TH_ACK);
	icmp6_err(f, ROUTER6, NET6_VIP, type, code, info, &q, 0);
}

static void relayed6(const struct dp_result *r, const struct frame *want)
{
	expect6_verdict(r, XDP_TX);
	expect6_frame(want, &r->out);
	assert_int_equal(r->delta[XLVS_CNT_ICMP_RELAYED], 1);
}

static const struct { uint8_t type, code; uint32_t info; } errs[] = {
	{ 1, 4, 0 }, { 1, 0, 0 }, { 2, 0, 1300 }, { 3, 0, 0 }, { 4, 0, 42 },
};
#define N_ERRS (sizeof(errs) / sizeof(errs[0]))

static void icmp6_in_dr(void **state)
{
	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 1);
	for (size_t i = 0; i < N_ERRS; i++) {
		uint16_t cport = dp_port();
		struct frame in, want;
		struct dp_result r;

		conn6_open(80, cport);
		about_reply6(&in, errs[i].type, errs[i].code, errs[i].info, 80, cport);
		dp_run(&in, &r);
		want = in;
		pkt_mac(want.b, HOST_RS1);
		pkt_mac(want.b + 6, HOST_DEV);
		want.b[OFF_IP6 + 7]--;
		relayed6(&r, &want);
	}
	/* The quote with extension headers. */
	{
		uint16_t cport = dp_port();
		struct frame in, q, want;
		struct pkt6_spec s;
		struct dp_result r;

		conn6_open(80, cport);
		pkt6_init(&s, IPPROTO_TCP, 80, cport, TH_ACK);
		ip6_host(s.saddr, NET6_VIP);
		ip6_host(s.daddr, HOST_CLIENT);
		pkt6_ext_add(&s, IPPROTO_HOPOPTS, 0, 0, 0);
		pkt6_ext_add(&s, IPPROTO_DSTOPTS, 1, 0, 0);
		pkt6_build(&q, &s);
		icmp6_err(&in, ROUTER6, NET6_VIP, 1, 4, 0, &q, 0);
		dp_run(&in, &r);
		want = in;
		pkt_mac(want.b, HOST_RS1);
		pkt_mac(want.b + 6, HOST_DEV);
		want.b[OFF_IP6 + 7]--;
		relayed6(&r, &want);
	}
}

/* ip_vs_nat_icmp_v6(inout 0)'s frame from in. */
static void nat_in_want6(struct frame *want, const struct frame *in)
{
	*want = *in;
	pkt_mac(want->b, NAT6_RS);
	pkt_mac(want->b + 6, HOST_DEV);
	want->b[OFF_IP6 + 7]--;
	ip6_host(want->b + OFF_IP6 + 24, NAT6_RS);         /* outer dst */
	ip6_host(want->b + QUOTE_AT + 8, NAT6_RS);         /* quote src */
	put16(want->b + QUOTE_AT + IP6_HLEN, RPORT6);      /* its port */
	icmp6_csum_set(want);
}

static void nat6_conn(uint16_t port, uint16_t cport)
{
	svc6_add(IPPROTO_TCP, port, "rr");
	rs6_add_nat(IPPROTO_TCP, port, NAT6_RS, RPORT6);
	conn6_open(port, cport);
}

static void icmp6_in_nat(void **state)
{
	(void)state;
	svc6_add(IPPROTO_TCP, 81, "rr");
	rs6_add_nat(IPPROTO_TCP, 81, NAT6_RS, RPORT6);
	for (size_t i = 0; i < N_ERRS; i++) {
		uint16_t cport = dp_port();
		struct frame in, want;
		struct dp_result r;

		conn6_open(81, cport);
		about_reply6(&in, errs[i].type, errs[i].code, errs[i].info, 81, cport);
		dp_run(&in, &r);
		nat_in_want6(&want, &in);
		relayed6(&r, &want);
	}
	/* A UDP connection's error, its quote with extension headers: the
	 * quoted UDP header found after them. */
	{
		uint16_t cport = dp_port();
		struct frame in, q, want;
		struct pkt6_spec s;
		struct dp_result r;
		uint8_t proto;
		size_t l4;

		svc6_add(IPPROTO_UDP, 81, "rr");
		rs6_add_nat(IPPROTO_UDP, 81, NAT6_RS, RPORT6);
		pkt6_init(&s, IPPROTO_UDP, cport, 81, 0);
		pkt6_build(&q, &s);
		dp_run(&q, &r);
		expect6_verdict(&r, XDP_TX);
		pkt6_init(&s, IPPROTO_UDP, 81, cport, 0);
		ip6_host(s.saddr, NET6_VIP);
		ip6_host(s.daddr, HOST_CLIENT);
		pkt6_ext_add(&s, IPPROTO_DSTOPTS, 1, 0, 0);
		pkt6_build(&q, &s);
		icmp6_err(&in, ROUTER6, NET6_VIP, 1, 4, 0, &q, 0);
		dp_run(&in, &r);
		want = in;
		pkt_mac(want.b, NAT6_RS);
		pkt_mac(want.b + 6, HOST_DEV);
		want.b[OFF_IP6 + 7]--;
		ip6_host(want.b + OFF_IP6 + 24, NAT6_RS);
		ip6_host(want.b + QUOTE_AT + 8, NAT6_RS);
		l4 = pkt6_l4_off(want.b + QUOTE_AT, &proto);
		assert_int_equal(proto, IPPROTO_UDP);
		put16(want.b + QUOTE_AT + l4, RPORT6);
		icmp6_csum_set(&want);
		relayed6(&r, &want);
	}
}

static void icmp6_out_nat(void **state)
{
	uint16_t cport = dp_port();
	const uint8_t from[] = { ROUTER6, NAT6_RS };

	(void)state;
	nat6_conn(82, cport);
	for (size_t i = 0; i < 2 * N_ERRS; i++) {
		struct frame in, want, q;
		struct dp_result r;

		/* The packet as it went to the real server. */
		tcp6(&q, HOST_CLIENT, cport, NAT6_RS, RPORT6, TH_SYN);
		icmp6_err(&in, from[i & 1], HOST_CLIENT, errs[i / 2].type,
			  errs[i / 2].code, errs[i / 2].info, &q, 0);
		pkt_mac(in.b + 6, NAT6_RS);
		dp_run(&in, &r);
		want = in;
		pkt_mac(want.b, HOST_CLIENT);
		pkt_mac(want.b + 6, HOST_DEV);
		want.b[OFF_IP6 + 7]--;
		ip6_host(want.b + OFF_IP6 + 8, NET6_VIP);          /* outer src */
		ip6_host(want.b + QUOTE_AT + 24, NET6_VIP);        /* quote dst */
		put16(want.b + QUOTE_AT + IP6_HLEN + 2, 82);       /* its port */
		icmp6_csum_set(&want);
		relayed6(&r, &want);
	}
}

static void icmp6_in_tunnel(void **state)
{
	uint16_t cport = dp_port();
	struct xlvs_endpoint v = ep6(NET6_VIP, 83);
	struct xlvs_dest_conf d = {
		.addr = ep6(HOST_RS2, 83), .fwd = XLVS_FWD_TUNNEL, .weight = 1,
		.tun_type = XLVS_TUN_IPIP,
	};
	struct frame in;
	struct dp_result r;
	uint8_t a[16];

	(void)state;
	svc6_add(IPPROTO_TCP, 83, "rr");
	rs_add_ep(&v, IPPROTO_TCP, &d);
	conn6_open(83, cport);
	about_reply6(&in, 1, 4, 0, 83, cport);
	dp_run(&in, &r);
	expect6_verdict(&r, XDP_TX);
	assert_int_equal(r.out.len, in.len + IP6_HLEN);
	assert_int_equal(r.out.b[5], HOST_RS2);
	assert_int_equal(r.out.b[OFF_IP6 + 6], IPPROTO_IPV6);
	ip6_host(a, HOST_RS2);
	assert_memory_equal(r.out.b + OFF_IP6 + 24, a, 16);
	/* Inside: the error, one hop on. */
	in.b[OFF_IP6 + 7]--;
	assert_memory_equal(r.out.b + OFF_IP6 + IP6_HLEN, in.b + OFF_IP6,
			    in.len - OFF_IP6);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 1);
	/* An IPv4 server of the IPv6 service: inside IPv4, protocol 41. */
	{
		struct xlvs_dest_conf d4 = {
			.addr = tb_ep(IP4(10, 0, 0, HOST_RS1), 89),
			.fwd = XLVS_FWD_TUNNEL, .weight = 1, .tun_type = XLVS_TUN_IPIP,
		};
		struct xlvs_endpoint v4 = ep6(NET6_VIP, 89);
		const uint8_t *o = r.out.b + OFF_IP6;

		cport = dp_port();
		svc6_add(IPPROTO_TCP, 89, "rr");
		rs_add_ep(&v4, IPPROTO_TCP, &d4);
		conn6_open(89, cport);
		about_reply6(&in, 3, 0, 0, 89, cport);
		dp_run(&in, &r);
		expect6_verdict(&r, XDP_TX);
		assert_int_equal(get16(r.out.b + 12), 0x0800);
		assert_int_equal(r.out.len, in.len + 20);
		assert_int_equal(o[9], IPPROTO_IPV6);
		assert_int_equal(get32(o + 16), IP4(10, 0, 0, HOST_RS1));
		in.b[OFF_IP6 + 7]--;
		assert_memory_equal(o + 20, in.b + OFF_IP6, in.len - OFF_IP6);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 1);
	}
}

static void passes6(const struct frame *in, int counter)
{
	struct dp_result r;

	dp_run(in, &r);
	expect_unchanged(in, &r, XDP_PASS);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 0);
	assert_int_equal(r.delta[counter], 1);
}

static void icmp6_others_pass(void **state)
{
	uint16_t cport = dp_port();
	struct frame in, q;

	(void)state;
	/* Direct routing: what passes does not depend on the method. */
	svc6_add(IPPROTO_TCP, 84, "rr");
	rs6_add(IPPROTO_TCP, 84, HOST_RS1, 1);
	conn6_open(84, cport);
	/* No such connection: another client port. */
	about_reply6(&in, 1, 4, 0, 84, dp_port());
	passes6(&in, XLVS_CNT_PKTS_PASS);
	/* An out-direction error of no connection. */
	tcp6(&q, HOST_CLIENT, dp_port(), NAT6_RS, RPORT6, TH_SYN);
	icmp6_err(&in, ROUTER6, HOST_CLIENT, 1, 4, 0, &q, 0);
	passes6(&in, XLVS_CNT_PKTS_PASS);
	/* The quote cut short of its ports (IPv6 header and 2 bytes), and
	 * of its IPv6 header. */
	tcp6(&q, NET6_VIP, 84, HOST_CLIENT, cport, TH_ACK);
	icmp6_err(&in, ROUTER6, NET6_VIP, 1, 4, 0, &q, IP6_HLEN + 2);
	passes6(&in, XLVS_CNT_PKTS_MALFORMED);
	icmp6_err(&in, ROUTER6, NET6_VIP, 1, 4, 0, &q, 30);
	passes6(&in, XLVS_CNT_PKTS_MALFORMED);
	/* A quoted extension header cut short. */
	{
		struct pkt6_spec s;

		pkt6_init(&s, IPPROTO_TCP, 84, cport, TH_ACK);
		ip6_host(s.saddr, NET6_VIP);
		ip6_host(s.daddr, HOST_CLIENT);
		pkt6_ext_add(&s, IPPROTO_DSTOPTS, 2, 0, 0);
		pkt6_build(&q, &s);
		icmp6_err(&in, ROUTER6, NET6_VIP, 1, 4, 0, &q, IP6_HLEN + 12);
		passes6(&in, XLVS_CNT_PKTS_MALFORMED);
	}
	/* A quoted fragment that is not the first: no ports. */
	{
		struct pkt6_spec s;

		pkt6_init(&s, IPPROTO_TCP, 84, cport, TH_ACK);
		ip6_host(s.saddr, NET6_VIP);
		ip6_host(s.daddr, HOST_CLIENT);
		pkt6_ext_add(&s, IPPROTO_FRAGMENT, 0, 0, 100 << 3);
		pkt6_build(&q, &s);
		icmp6_err(&in, ROUTER6, NET6_VIP, 1, 4, 0, &q, 0);
		passes6(&in, XLVS_CNT_PKTS_PASS);
	}
	/* Informational: an echo reply, a neighbour advertisement. */
	tcp6(&q, NET6_VIP, 84, HOST_CLIENT, cport, TH_ACK);
	icmp6_err(&in, ROUTER6, NET6_VIP, 129, 0, 0, &q, 0);
	passes6(&in, XLVS_CNT_PKTS_PASS);
	icmp6_err(&in, ROUTER6, NET6_VIP, 136, 0, 0, &q, 0);
	passes6(&in, XLVS_CNT_PKTS_PASS);
}

/*
 * kernel: ip_vs_in_icmp_v6, unlike ip_vs_in_icmp, checks no checksum:
 * an error about a connection is relayed whatever its ICMPv6 checksum --
 * by direct routing as it came (one hop on), by NAT with the checksum
 * made anew (ip_vs_nat_icmp_v6 leaves it CHECKSUM_PARTIAL over the whole
 * message).  The first IPv6 spec dropped it, as for IPv4.
 */
static void icmp6_kernel_bad_checksum_relayed(void **state)
{
	uint16_t cport = dp_port();
	struct frame in, want;
	struct dp_result r;

	(void)state;
	nat6_conn(85, cport);
	about_reply6(&in, 2, 0, 1300, 85, cport);
	in.b[ICMP6_AT + 3] ^= 0x40;
	dp_run(&in, &r);
	nat_in_want6(&want, &in);
	relayed6(&r, &want);
	svc6_add(IPPROTO_TCP, 86, "rr");
	rs6_add(IPPROTO_TCP, 86, HOST_RS1, 1);
	conn6_open(86, cport);
	about_reply6(&in, 1, 4, 0, 86, cport);
	in.b[ICMP6_AT + 2] ^= 0x01;
	dp_run(&in, &r);
	want = in;
	pkt_mac(want.b, HOST_RS1);
	pkt_mac(want.b + 6, HOST_DEV);
	want.b[OFF_IP6 + 7]--;
	relayed6(&r, &want);
}

/*
 * kernel: ip_vs_in_icmp_v6 relates every error type (the types without
 * ICMPV6_INFOMSG_MASK), not only 1 to 4: an unassigned error type 5 or
 * 100 about a connection is relayed as the others.
 */
static void icmp6_kernel_any_error_type_relayed(void **state)
{
	static const uint8_t types[] = { 5, 100, 127 };

	(void)state;
	svc6_add(IPPROTO_TCP, 87, "rr");
	rs6_add_nat(IPPROTO_TCP, 87, NAT6_RS, RPORT6);
	for (size_t i = 0; i < sizeof(types); i++) {
		uint16_t cport = dp_port();
		struct frame in, want;
		struct dp_result r;

		conn6_open(87, cport);
		about_reply6(&in, types[i], 0, 0, 87, cport);
		dp_run(&in, &r);
		nat_in_want6(&want, &in);
		relayed6(&r, &want);
	}
}

/*
 * An error is never answered with an error (icmp6_send's is_ineligible,
 * ensure_mtu_is_adequate's ip_vs_iph_icmp): relayed with hop limit 1 it
 * dies silently, and too big for the way to the server likewise.
 */
static void icmp6_error_not_answered(void **state)
{
	uint16_t cport = dp_port();
	struct frame in, q;
	struct dp_result r;

	(void)state;
	svc6_add(IPPROTO_TCP, 88, "rr");
	rs6_add(IPPROTO_TCP, 88, HOST_MTU6, 1);
	conn6_open(88, cport);
	about_reply6(&in, 1, 4, 0, 88, cport);
	in.b[OFF_IP6 + 7] = 1;
	dp_run(&in, &r);
	expect6_verdict(&r, XDP_DROP);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 0);
	/* 1400 bytes of quote: the error is over the route's 1400. */
	{
		struct pkt6_spec s;

		pkt6_init(&s, IPPROTO_TCP, 88, cport, TH_ACK);
		ip6_host(s.saddr, NET6_VIP);
		ip6_host(s.daddr, HOST_CLIENT);
		s.payload = 1300;
		pkt6_build(&q, &s);
		icmp6_err(&in, ROUTER6, NET6_VIP, 2, 0, 1280, &q, 0);
		dp_run(&in, &r);
		expect6_verdict(&r, XDP_DROP);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 0);
	}
}

static int icmp6_setup(void **state)
{
	if (tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV " mtu lock 1400",
		  HOST_MTU6))
		return -1;
	return dp6_setup(state);
}

static int icmp6_teardown(void **state)
{
	tb_sh("ip -6 route del fd00::%x/128 dev " DP_DEV, HOST_MTU6);
	return dp6_teardown(state);
}

#define ICMP6T(f) cmocka_unit_test_setup_teardown(f, icmp6_setup, icmp6_teardown)

size_t ipv6_icmp_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		ICMP6T(icmp6_in_dr),
		ICMP6T(icmp6_in_nat),
		ICMP6T(icmp6_out_nat),
		ICMP6T(icmp6_in_tunnel),
		ICMP6T(icmp6_others_pass),
		ICMP6T(icmp6_kernel_bad_checksum_relayed),
		ICMP6T(icmp6_kernel_any_error_type_relayed),
		ICMP6T(icmp6_error_not_answered),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
