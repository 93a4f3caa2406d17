// SPDX-License-Identifier: GPL-2.0
/*
 * NAT over IPv6, every frame judged byte by byte against what IPVS sends
 * (ip_vs_xmit.c ip_vs_nat_xmit_v6 with tcp/udp_dnat_handler for the
 * client's packets; ip_vs_core.c handle_response with tcp/udp_snat_handler
 * for the server's replies), the TCP, UDP checksums recomputed here from
 * scratch over the IPv6 pseudo-header:
 *  - forward: daddr := RIP, dport := rport, hop limit one less;
 *  - reply (RIP:rport -> client of a tracked connection): saddr := VIP,
 *    sport := vport, hop limit one less, counted pkts_reply; a reply of no
 *    connection, or with hop limit <= 1, passes byte for byte;
 *  - UDP: a new checksum that computes to 0 is sent as 0xffff
 *    (CSUM_MANGLED_0); one that came as 0 -- no checksum, which IPv6 does
 *    not allow -- gets a full one: udp_dnat_handler's "full checksum
 *    calculation" branch, taken whenever udph->check is 0;
 *  - TCP states through the full table (tcp_states[]), read back as
 *    ipvsadm -L -c lists them.
 * NAT servers fd00::5 and fd00::6; replies go to the client fd00::9.
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
#include "expect.h"
#include "expect6.h"
#include "nat6.h"
#include "testbed.h"
#include "tests.h"

static void fwd6_ok(uint8_t proto, uint16_t cport, uint16_t vport,
		    uint8_t flags, uint16_t payload, uint8_t host, uint16_t rport)
{
	struct nat6_want w = { host, HOST_CLIENT, host, cport, rport };
	struct dp_result r;
	struct frame f;

	client6(&f, proto, cport, vport, flags, payload);
	dp_run(&f, &r);
	NAT6_OK(nat6_check(&f, &r, &w));
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 1);
}

static void reply6_ok(uint8_t proto, uint8_t host, uint16_t rport,
		      uint16_t vport, uint16_t cport, uint8_t flags,
		      uint16_t payload)
{
	struct nat6_want w = { HOST_CLIENT, NET6_VIP, HOST_CLIENT, vport, cport };
	struct dp_result r;
	struct frame f;

	reply6(&f, proto, host, rport, cport, flags, payload);
	dp_run(&f, &r);
	NAT6_OK(nat6_check(&f, &r, &w));
	assert_int_equal(r.delta[XLVS_CNT_PKTS_REPLY], 1);
}

static void untouched6(const struct frame *f)
{
	struct dp_result r;

	dp_run(f, &r);
	expect_unchanged(f, &r, XDP_PASS);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_REPLY], 0);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 0);
}

static void nat6_service(uint8_t proto, uint16_t vport, uint8_t host,
			 uint16_t rport)
{
	svc6_add(proto, vport, "rr");
	rs6_add_nat(proto, vport, host, rport);
}

/* The checker itself, on a NAT'd frame made here by hand. */
static void nat6_selfcheck(void **state)
{
	(void)state;
	for (int p = 0; p < 2; p++) {
		uint8_t proto = p ? IPPROTO_UDP : IPPROTO_TCP;
		struct nat6_want w = { NAT6_RS, HOST_CLIENT, NAT6_RS, 4000, 8080 };
		size_t ck = OFF_IP6 + IP6_HLEN + nat6_l4_field(proto);
		struct dp_result r;
		struct frame f;
		uint8_t *ip;

		client6(&f, proto, 4000, 80, TH_SYN, 5);
		memset(&r, 0, sizeof(r));
		r.verdict = XDP_TX;
		r.out = f;
		ip = r.out.b + OFF_IP6;
		pkt_mac(r.out.b, NAT6_RS);
		pkt_mac(r.out.b + 6, HOST_DEV);
		ip6_host(ip + 24, NAT6_RS);
		put16(ip + IP6_HLEN + 2, 8080);
		ip[7]--;
		pkt6_l4_refresh(ip, false);
		NAT6_OK(nat6_check(&f, &r, &w));
		put16(r.out.b + ck, (uint16_t)(get16(r.out.b + ck) + 1));
		assert_non_null(nat6_check(&f, &r, &w));
		pkt6_l4_refresh(ip, false);
		ip[7]++;
		assert_non_null(nat6_check(&f, &r, &w));
		ip[7]--;
		ip[23] ^= 1;             /* the client's address */
		pkt6_l4_refresh(ip, false);
		assert_non_null(nat6_check(&f, &r, &w));
		ip[23] ^= 1;
		r.out.b[r.out.len - 1] ^= 1;
		pkt6_l4_refresh(ip, false);
		assert_non_null(nat6_check(&f, &r, &w));
		r.out.b[r.out.len - 1] ^= 1;
		pkt6_l4_refresh(ip, false);
		NAT6_OK(nat6_check(&f, &r, &w));
		r.out = f;
		assert_non_null(nat6_check(&f, &r, &w));
	}
}

static void nat6_fwd_and_reply_tcp(void **state)
{
	static const uint16_t pay[] = { 0, 1, 2, 333, 1400 };
	uint16_t a = dp_port();

	(void)state;
	nat6_service(IPPROTO_TCP, 7080, NAT6_RS, 8080);
	fwd6_ok(IPPROTO_TCP, a, 7080, TH_SYN, 0, NAT6_RS, 8080);
	reply6_ok(IPPROTO_TCP, NAT6_RS, 8080, 7080, a, TH_SYN | TH_ACK, 0);
	fwd6_ok(IPPROTO_TCP, a, 7080, TH_ACK, 0, NAT6_RS, 8080);
	for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++) {
		fwd6_ok(IPPROTO_TCP, a, 7080, TH_ACK | TH_PUSH, pay[i], NAT6_RS, 8080);
		reply6_ok(IPPROTO_TCP, NAT6_RS, 8080, 7080, a, TH_ACK | TH_PUSH,
			  pay[i]);
		fwd6_ok(IPPROTO_TCP, dp_port(), 7080, TH_SYN, pay[i], NAT6_RS, 8080);
	}
	/* The real port the same as the virtual one; a second server. */
	nat6_service(IPPROTO_TCP, 7081, NAT6_RS2, 7081);
	fwd6_ok(IPPROTO_TCP, dp_port(), 7081, TH_SYN, 17, NAT6_RS2, 7081);
	/* With extension headers: the TCP header found after them. */
	{
		struct nat6_want w = { NAT6_RS, HOST_CLIENT, NAT6_RS, 0, 8080 };
		struct pkt6_spec s;
		struct dp_result r;
		struct frame f;

		pkt6_init(&s, IPPROTO_TCP, dp_port(), 7080, TH_SYN);
		pkt6_ext_add(&s, IPPROTO_HOPOPTS, 0, 0, 0);
		pkt6_ext_add(&s, IPPROTO_DSTOPTS, 1, 0, 0);
		s.payload = 9;
		w.sport = s.sport;
		pkt6_build(&f, &s);
		dp_run(&f, &r);
		NAT6_OK(nat6_check(&f, &r, &w));
	}
}

static void nat6_fwd_and_reply_udp(void **state)
{
	static const uint16_t pay[] = { 0, 1, 7, 100, 1401 };

	(void)state;
	nat6_service(IPPROTO_UDP, 7053, NAT6_RS, 5353);
	for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++) {
		uint16_t a = dp_port();

		fwd6_ok(IPPROTO_UDP, a, 7053, 0, pay[i], NAT6_RS, 5353);
		reply6_ok(IPPROTO_UDP, NAT6_RS, 5353, 7053, a, 0, pay[i]);
		fwd6_ok(IPPROTO_UDP, a, 7053, 0, pay[i], NAT6_RS, 5353);
	}
}

/* A checksum that comes out 0 is sent as 0xffff, both ways. */
static void nat6_udp_checksum_zero(void **state)
{
	uint16_t a = dp_port();

	(void)state;
	nat6_service(IPPROTO_UDP, 7054, NAT6_RS, 5354);
	fwd6_ok(IPPROTO_UDP, a, 7054, 0, 8, NAT6_RS, 5354);
	for (int dir = 0; dir < 2; dir++) {
		struct nat6_want w = dir ?
			(struct nat6_want){ HOST_CLIENT, NET6_VIP, HOST_CLIENT, 7054, a } :
			(struct nat6_want){ NAT6_RS, HOST_CLIENT, NAT6_RS, a, 5354 };
		struct dp_result r;
		struct frame f, g;
		uint8_t *ip = f.b + OFF_IP6, *gip = g.b + OFF_IP6;
		uint16_t fix;

		if (dir)
			reply6(&f, IPPROTO_UDP, NAT6_RS, 5354, a, 0, 4);
		else
			client6(&f, IPPROTO_UDP, a, 7054, 0, 4);
		/* g: f as it will leave; two payload bytes make its sum 0. */
		g = f;
		ip6_host(gip + 8, w.saddr);
		ip6_host(gip + 24, w.daddr);
		put16(gip + IP6_HLEN, w.sport);
		put16(gip + IP6_HLEN + 2, w.dport);
		put16(gip + IP6_HLEN + 8, 0);
		put16(gip + IP6_HLEN + 6, 0);
		fix = (uint16_t)(0xffff - (uint16_t)~pkt6_l4_csum(gip, gip + IP6_HLEN,
								  12, IPPROTO_UDP));
		put16(gip + IP6_HLEN + 8, fix);
		assert_int_equal(pkt6_l4_csum(gip, gip + IP6_HLEN, 12, IPPROTO_UDP),
				 0xffff);
		put16(ip + IP6_HLEN + 8, fix);
		pkt6_l4_refresh(ip, false);
		dp_run(&f, &r);
		NAT6_OK(nat6_check(&f, &r, &w));
		assert_int_equal(get16(r.out.b + OFF_IP6 + IP6_HLEN + 6), 0xffff);
	}
}

/* kernel: udp_dnat_handler computes a full checksum when it came as 0. */
static void nat6_kernel_udp_no_checksum_gets_one(void **state)
{
	struct nat6_want w = { NAT6_RS, HOST_CLIENT, NAT6_RS, 0, 5355 };
	struct dp_result r;
	struct frame f;

	(void)state;
	nat6_service(IPPROTO_UDP, 7055, NAT6_RS, 5355);
	w.sport = dp_port();
	client6(&f, IPPROTO_UDP, w.sport, 7055, 0, 21);
	put16(f.b + OFF_IP6 + IP6_HLEN + 6, 0);
	dp_run(&f, &r);
	NAT6_OK(nat6_check(&f, &r, &w));
	assert_int_not_equal(get16(r.out.b + OFF_IP6 + IP6_HLEN + 6), 0);
	/* And the reply: udp_snat_handler takes the same branch. */
	{
		struct nat6_want rw = { HOST_CLIENT, NET6_VIP, HOST_CLIENT, 7055,
					w.sport };

		reply6(&f, IPPROTO_UDP, NAT6_RS, 5355, w.sport, 0, 13);
		put16(f.b + OFF_IP6 + IP6_HLEN + 6, 0);
		dp_run(&f, &r);
		NAT6_OK(nat6_check(&f, &r, &rw));
		assert_int_not_equal(get16(r.out.b + OFF_IP6 + IP6_HLEN + 6), 0);
	}
}

static void nat6_replies_untouched(void **state)
{
	uint16_t a = dp_port();
	struct frame f;

	(void)state;
	nat6_service(IPPROTO_TCP, 7083, NAT6_RS, 8083);
	fwd6_ok(IPPROTO_TCP, a, 7083, TH_SYN, 0, NAT6_RS, 8083);
	/* No such connection: another client port, another server port,
	 * another server. */
	reply6(&f, IPPROTO_TCP, NAT6_RS, 8083, dp_port(), TH_SYN | TH_ACK, 0);
	untouched6(&f);
	reply6(&f, IPPROTO_TCP, NAT6_RS, 8084, a, TH_SYN | TH_ACK, 0);
	untouched6(&f);
	reply6(&f, IPPROTO_TCP, NAT6_RS2, 8083, a, TH_SYN | TH_ACK, 0);
	untouched6(&f);
	/* Hop limit 1 or 0: ip6_forward's to answer. */
	for (int hl = 0; hl <= 1; hl++) {
		reply6(&f, IPPROTO_TCP, NAT6_RS, 8083, a, TH_SYN | TH_ACK, 0);
		f.b[OFF_IP6 + 7] = (uint8_t)hl;
		untouched6(&f);
	}
	/* Hop limit 2 leaves as 1. */
	{
		struct nat6_want w = { HOST_CLIENT, NET6_VIP, HOST_CLIENT, 7083, a };
		struct dp_result r;

		reply6(&f, IPPROTO_TCP, NAT6_RS, 8083, a, TH_SYN | TH_ACK, 0);
		f.b[OFF_IP6 + 7] = 2;
		dp_run(&f, &r);
		NAT6_OK(nat6_check(&f, &r, &w));
	}
	/* A reply cut short of its TCP header. */
	reply6(&f, IPPROTO_TCP, NAT6_RS, 8083, a, TH_ACK, 0);
	put16(f.b + OFF_IP6 + 4, 10);
	untouched6(&f);
}

/* A reply too big for the route back to its client (fd00::a, MTU 1300
 * here) is the kernel's to answer: passed untouched; one that fits goes. */
static void nat6_reply_too_big_untouched(void **state)
{
	uint16_t a = dp_port();
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	assert_int_equal(tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV
			       " mtu lock 1300", HOST6_CLIENT2), 0);
	nat6_service(IPPROTO_TCP, 7084, NAT6_RS, 8084);
	pkt6_init(&s, IPPROTO_TCP, a, 7084, TH_SYN);
	ip6_host(s.saddr, HOST6_CLIENT2);
	pkt6_build(&f, &s);
	dp_run(&f, &r);
	expect6_verdict(&r, XDP_TX);
	for (int big = 0; big < 2; big++) {
		struct nat6_want w = { HOST6_CLIENT2, NET6_VIP, HOST6_CLIENT2, 7084, a };

		pkt6_init(&s, IPPROTO_TCP, 8084, a, TH_ACK);
		ip6_host(s.saddr, NAT6_RS);
		ip6_host(s.daddr, HOST6_CLIENT2);
		s.src_mac = NAT6_RS;
		s.payload = (uint16_t)(1300 - IP6_HLEN - 20 + big);
		pkt6_build(&f, &s);
		dp_run(&f, &r);
		if (big)
			untouched6(&f);
		else
			NAT6_OK(nat6_check(&f, &r, &w));
	}
}

/* decrement_ttl and the MTU check run before NAT mangles: hop limit 1
 * gets Time Exceeded, one byte over the route's MTU (fd00::7, 1400) Packet
 * Too Big, each quoting the packet as the client sent it (the hop limit
 * lowered for the latter). */
static void nat6_hop_limit_and_mtu(void **state)
{
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	assert_int_equal(tb_sh("ip -6 route replace fd00::7/128 dev " DP_DEV
			       " mtu lock 1400"), 0);
	svc6_add(IPPROTO_TCP, 7085, "rr");
	rs6_add_nat(IPPROTO_TCP, 7085, 0x07, 8085);
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 7085, TH_SYN);
	s.hop_limit = 1;
	pkt6_build(&f, &s);
	dp_run(&f, &r);
	expect6_icmp(&f, &r, 3, 0, 0, 0);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 7085, TH_SYN);
	s.payload = 1400 - IP6_HLEN - 20 + 1;
	pkt6_build(&f, &s);
	dp_run(&f, &r);
	expect6_icmp(&f, &r, 2, 0, 1400, 1);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
	s.sport = dp_port();
	s.payload--;
	{
		struct nat6_want w = { 0x07, HOST_CLIENT, 0x07, s.sport, 8085 };

		pkt6_build(&f, &s);
		dp_run(&f, &r);
		NAT6_OK(nat6_check(&f, &r, &w));
	}
}

/* ---- TCP states, as -L -c lists them ---- */

struct seen6 {
	uint16_t cport, vport;
	int n;
	char state[24];
};

static int seen6_cb(const struct xlvs_conn_info *ci, void *arg)
{
	struct seen6 *s = arg;
	uint8_t c[16];

	ip6_host(c, HOST_CLIENT);
	if (ci->client.af != 6 || memcmp(ci->client.addr, c, 16) ||
	    ci->client.port != s->cport || ci->vip.port != s->vport)
		return 0;
	s->n++;
	snprintf(s->state, sizeof(s->state), "%s", ci->state);
	return 0;
}

static void state6_is(uint16_t cport, uint16_t vport, const char *want)
{
	struct seen6 s = { .cport = cport, .vport = vport };
	int rc = xlvs_conns_list(&dp.t, seen6_cb, &s);

	assert_int_equal(rc, 0);
	if (s.n != 1 || strcmp(s.state, want))
		fail_msg("connection [fd00::9]:%u listed %d times, state %s; "
			 "expected %s", cport, s.n, s.n ? s.state : "-", want);
}

static void nat6_tcp_states(void **state)
{
	uint16_t a = dp_port(), b = dp_port(), c = dp_port();
	const uint16_t v = 7090, rp = 8090;

	(void)state;
	nat6_service(IPPROTO_TCP, v, NAT6_RS, rp);
	/* a: the client closes first. */
	fwd6_ok(IPPROTO_TCP, a, v, TH_SYN, 0, NAT6_RS, rp);
	state6_is(a, v, "SYN_RECV");
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, a, TH_SYN | TH_ACK, 0);
	state6_is(a, v, "SYN_RECV");
	fwd6_ok(IPPROTO_TCP, a, v, TH_ACK, 0, NAT6_RS, rp);
	state6_is(a, v, "ESTABLISHED");
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, a, TH_ACK | TH_PUSH, 100);
	state6_is(a, v, "ESTABLISHED");
	fwd6_ok(IPPROTO_TCP, a, v, TH_FIN | TH_ACK, 0, NAT6_RS, rp);
	state6_is(a, v, "CLOSE_WAIT");
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, a, TH_ACK, 0);
	state6_is(a, v, "CLOSE_WAIT");
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, a, TH_FIN | TH_ACK, 0);
	state6_is(a, v, "TIME_WAIT");
	fwd6_ok(IPPROTO_TCP, a, v, TH_ACK, 0, NAT6_RS, rp);
	state6_is(a, v, "TIME_WAIT");
	/* b: the server closes first. */
	fwd6_ok(IPPROTO_TCP, b, v, TH_SYN, 0, NAT6_RS, rp);
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, b, TH_SYN | TH_ACK, 0);
	fwd6_ok(IPPROTO_TCP, b, v, TH_ACK, 0, NAT6_RS, rp);
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, b, TH_FIN | TH_ACK, 0);
	state6_is(b, v, "FIN_WAIT");
	fwd6_ok(IPPROTO_TCP, b, v, TH_ACK, 0, NAT6_RS, rp);
	state6_is(b, v, "FIN_WAIT");
	fwd6_ok(IPPROTO_TCP, b, v, TH_FIN | TH_ACK, 0, NAT6_RS, rp);
	state6_is(b, v, "TIME_WAIT");
	/* c: the server refuses in SYN_RECV (OUTPUT rst: CLOSE); a SYN then
	 * starts it anew (conn_reuse_mode 1). */
	fwd6_ok(IPPROTO_TCP, c, v, TH_SYN, 0, NAT6_RS, rp);
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, c, TH_RST | TH_ACK, 0);
	state6_is(c, v, "CLOSE");
	fwd6_ok(IPPROTO_TCP, c, v, TH_SYN, 0, NAT6_RS, rp);
	state6_is(c, v, "SYN_RECV");
	reply6_ok(IPPROTO_TCP, NAT6_RS, rp, v, c, TH_SYN | TH_ACK, 0);
	fwd6_ok(IPPROTO_TCP, c, v, TH_ACK, 0, NAT6_RS, rp);
	state6_is(c, v, "ESTABLISHED");
	fwd6_ok(IPPROTO_TCP, c, v, TH_RST, 0, NAT6_RS, rp);
	state6_is(c, v, "CLOSE");
}

static int nat6_setup(void **state)
{
	return dp6_setup(state);
}

/* The routes some tests set, gone whether they passed or not. */
static int nat6_teardown(void **state)
{
	tb_sh("ip -6 route del fd00::7/128 dev " DP_DEV " 2>/dev/null; "
	      "ip -6 route del fd00::%x/128 dev " DP_DEV " 2>/dev/null; true",
	      HOST6_CLIENT2);
	return dp6_teardown(state);
}

#define NAT6(f) cmocka_unit_test_setup_teardown(f, nat6_setup, nat6_teardown)

size_t ipv6_nat_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(nat6_selfcheck),
		NAT6(nat6_fwd_and_reply_tcp),
		NAT6(nat6_fwd_and_reply_udp),
		NAT6(nat6_udp_checksum_zero),
		NAT6(nat6_kernel_udp_no_checksum_gets_one),
		NAT6(nat6_replies_untouched),
		NAT6(nat6_reply_too_big_untouched),
		NAT6(nat6_hop_limit_and_mtu),
		NAT6(nat6_tcp_states),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
