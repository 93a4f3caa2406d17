// SPDX-License-Identifier: GPL-2.0
/*
 * Direct routing over IPv6, checked against what the kernel does
 * (net/netfilter/ipvs/ip_vs_xmit.c ip_vs_dr_xmit_v6 and
 * __ip_vs_get_out_rt_v6; net/ipv6/icmp.c icmp6_send), not against bpf/:
 *  - forwarded: the real server's MAC, the director's as source, the hop
 *    limit one lower (decrement_ttl), every other byte as it came;
 *  - hop limit 1 or 0: decrement_ttl's ICMPv6 Time Exceeded (3, 0),
 *    quoting the packet as it came;
 *  - over the route's MTU (dst_mtu, no DF in IPv6): ensure_mtu_is_adequate's
 *    Packet Too Big (2, 0) with that MTU, quoting the packet with its hop
 *    limit already lowered (decrement_ttl runs first), not rate limited;
 *  - icmp6_send's answer: from the packet's destination (the VIP, an
 *    address of the director's) to its source, hop limit 64, traffic class
 *    and flow label 0, and as much of the packet as fits in 1280 bytes
 *    (its len = min(skb->len, IPV6_MIN_MTU - 40 - 8));
 *  - a connection's later packets go to its server; wrr spreads new ones;
 *  - a server on the director's own address is Local: passed;
 *  - no usable server: ip_vs_leave's Destination Unreachable, port
 *    unreachable (1, 4).
 * The route to fd00::7 has MTU 1400 (locked).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "bytes.h"
#include "expect.h"
#include "expect6.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define HOST6_MTU 0x07
#define MTU6      1400

static void run_spec(const struct pkt6_spec *s, struct frame *f,
		     struct dp_result *r)
{
	pkt6_build(f, s);
	dp_run(f, r);
}

static void v6dr_forwards(void **state)
{
	static const uint16_t pay[] = { 0, 1, 333, 1400 };
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 1);
	svc6_add(IPPROTO_UDP, 53, "rr");
	rs6_add(IPPROTO_UDP, 53, HOST_RS1, 1);
	for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++) {
		pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
		s.payload = pay[i];
		run_spec(&s, &f, &r);
		expect6_forwarded(&f, &r, HOST_RS1);
		expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONNS_NEW);
		pkt6_init(&s, IPPROTO_UDP, dp_port(), 53, 0);
		s.payload = pay[i];
		run_spec(&s, &f, &r);
		expect6_forwarded(&f, &r, HOST_RS1);
		expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONNS_NEW);
	}
	/* Traffic class and flow label carried; hop limit 2 leaves as 1,
	 * 255 as 254. */
	for (int k = 0; k < 2; k++) {
		pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
		s.tclass = 0xb9;
		s.flow = 0xabcde;
		s.hop_limit = k ? 255 : 2;
		run_spec(&s, &f, &r);
		expect6_forwarded(&f, &r, HOST_RS1);
		assert_int_equal(r.out.b[OFF_IP6 + 7], k ? 254 : 1);
	}
	/* Ethernet padding stays a trailer, as for IPv4. */
	pkt6_init(&s, IPPROTO_UDP, dp_port(), 53, 0);
	s.payload = 2;
	s.pad_to = 90;
	run_spec(&s, &f, &r);
	expect6_forwarded(&f, &r, HOST_RS1);
}

static void v6dr_passes_what_is_not_ours(void **state)
{
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 1);
	/* Another address, another port, another protocol. */
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
	ip6_host(s.daddr, NET6_OTHER);
	run_spec(&s, &f, &r);
	expect_unchanged(&f, &r, XDP_PASS);
	expect_counters(&r, XLVS_CNT_PKTS_PASS);
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 81, TH_SYN);
	run_spec(&s, &f, &r);
	expect_unchanged(&f, &r, XDP_PASS);
	expect_counters(&r, XLVS_CNT_PKTS_PASS);
	pkt6_init(&s, IPPROTO_UDP, dp_port(), 80, 0);
	run_spec(&s, &f, &r);
	expect_unchanged(&f, &r, XDP_PASS);
	expect_counters(&r, XLVS_CNT_PKTS_PASS);
	/* The IPv4 service's address in IPv6 clothes is no service: the
	 * IPv6 one is on fd00::64 only (and an IPv4 service on 10.0.0.100
	 * takes no IPv6 frame). */
	svc_add(IPPROTO_TCP, 82, "rr");
	rs_add(IPPROTO_TCP, 82, HOST_RS1, 1);
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 82, TH_SYN);
	run_spec(&s, &f, &r);
	expect_unchanged(&f, &r, XDP_PASS);
	expect_counters(&r, XLVS_CNT_PKTS_PASS);
	/* Echo request to the VIP: the kernel's (informational ICMPv6). */
	pkt6_init(&s, IPPROTO_ICMPV6, 7, 0, 0);
	s.icmp_type = 128;
	s.payload = 56;
	run_spec(&s, &f, &r);
	expect_unchanged(&f, &r, XDP_PASS);
	expect_counters(&r, XLVS_CNT_PKTS_PASS);
	/* To a group MAC (33:33:..., pkt_type MULTICAST): ip_vs_in takes only
	 * PACKET_HOST. */
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
	pkt6_build(&f, &s);
	memcpy(f.b, ((const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }), 6);
	dp_run(&f, &r);
	expect_unchanged(&f, &r, XDP_PASS);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 0);
	assert_int_equal(r.delta[XLVS_CNT_CONNS_NEW], 0);
	/* A TCP ACK of no connection: not scheduled. */
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_ACK);
	run_spec(&s, &f, &r);
	expect_unchanged(&f, &r, XDP_PASS);
	expect_counters(&r, XLVS_CNT_PKTS_NO_CONN);
}

/* decrement_ttl: hop limit 1 or 0 is answered, whatever the size. */
static void v6dr_hop_limit_exceeded(void **state)
{
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST6_MTU, 1);
	for (int hl = 0; hl <= 1; hl++) {
		pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
		s.hop_limit = (uint8_t)hl;
		s.tclass = 0x28;
		s.flow = 0x12345;
		run_spec(&s, &f, &r);
		expect6_icmp(&f, &r, 3, 0, 0, 0);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
	}
	/* Over the MTU with hop limit 1: time exceeded still (decrement_ttl
	 * before the MTU check), quoting as much as fits in 1280 bytes. */
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
	s.hop_limit = 1;
	s.payload = MTU6;
	run_spec(&s, &f, &r);
	expect6_icmp(&f, &r, 3, 0, 0, 0);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 0);
	/* From a group MAC: no answer (the spec's rule, as for IPv4: the
	 * answer would go to a group). */
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
	s.hop_limit = 1;
	pkt6_build(&f, &s);
	f.b[6] |= 1;
	dp_run(&f, &r);
	expect6_verdict(&r, XDP_DROP);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
}

/* ensure_mtu_is_adequate: skb->len (the IPv6 packet) > dst_mtu. */
static void v6dr_packet_too_big(void **state)
{
	uint16_t fit = MTU6 - IP6_HLEN - 20;
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST6_MTU, 1);
	svc6_add(IPPROTO_UDP, 80, "rr");
	rs6_add(IPPROTO_UDP, 80, HOST6_MTU, 1);
	/* Exactly the MTU: out. */
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
	s.payload = fit;
	run_spec(&s, &f, &r);
	expect6_forwarded(&f, &r, HOST6_MTU);
	/* One byte over: too big, with the route's MTU. */
	s.sport = dp_port();
	s.payload = fit + 1;
	run_spec(&s, &f, &r);
	expect6_icmp(&f, &r, 2, 0, MTU6, 1);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
	/* A later packet of a connection too, and UDP. */
	s.sport = dp_port();
	s.payload = 10;
	run_spec(&s, &f, &r);
	expect6_forwarded(&f, &r, HOST6_MTU);
	s.tcp_flags = TH_ACK;
	s.payload = fit + 50;
	run_spec(&s, &f, &r);
	expect6_icmp(&f, &r, 2, 0, MTU6, 1);
	pkt6_init(&s, IPPROTO_UDP, dp_port(), 80, 0);
	s.payload = MTU6 - IP6_HLEN - 8 + 1;
	run_spec(&s, &f, &r);
	expect6_icmp(&f, &r, 2, 0, MTU6, 1);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
	/* Not rate limited (icmpv6_xrlim_allow lets PKT_TOOBIG through):
	 * twenty in a row are all answered. */
	for (int i = 0; i < 20; i++) {
		s.sport = dp_port();
		run_spec(&s, &f, &r);
		expect6_icmp(&f, &r, 2, 0, MTU6, 1);
	}
}

/* A connection's packets stay with its server. */
static void v6dr_connection_tracked(void **state)
{
	uint16_t a = dp_port(), b = dp_port(), u = dp_port();
	int ha, hb, hu;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 1);
	rs6_add(IPPROTO_TCP, 80, HOST_RS2, 1);
	svc6_add(IPPROTO_UDP, 53, "rr");
	rs6_add(IPPROTO_UDP, 53, HOST_RS1, 1);
	rs6_add(IPPROTO_UDP, 53, HOST_RS2, 1);
	ha = open6(IPPROTO_TCP, a, 80);
	hb = open6(IPPROTO_TCP, b, 80);
	assert_int_not_equal(ha, hb);           /* rr */
	for (int i = 0; i < 4; i++) {
		follow6(IPPROTO_TCP, a, 80, TH_ACK | TH_PUSH, (uint8_t)ha);
		follow6(IPPROTO_TCP, b, 80, TH_ACK, (uint8_t)hb);
	}
	follow6(IPPROTO_TCP, a, 80, TH_FIN | TH_ACK, (uint8_t)ha);
	hu = open6(IPPROTO_UDP, u, 53);
	for (int i = 0; i < 4; i++)
		follow6(IPPROTO_UDP, u, 53, 0, (uint8_t)hu);
}

/* wrr over weights 3 and 1: of 8 new connections, 6 and 2. */
static void v6dr_wrr_spreads(void **state)
{
	int n[256] = { 0 };

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "wrr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 3);
	rs6_add(IPPROTO_TCP, 80, HOST_RS2, 1);
	rs6_add(IPPROTO_TCP, 80, 0x05, 0);
	for (int i = 0; i < 8; i++)
		n[open6(IPPROTO_TCP, dp_port(), 80)]++;
	assert_int_equal(n[HOST_RS1], 6);
	assert_int_equal(n[HOST_RS2], 2);
	assert_int_equal(n[0x05], 0);
}

/* IPVS's LOCALNODE: the director's own fd00::1 serves it. */
static void v6dr_local_server_passes(void **state)
{
	struct xlvs_endpoint v = ep6(NET6_VIP, 80);
	struct xlvs_dest_conf d = {
		.addr = ep6(HOST_DEV, 80), .fwd = XLVS_FWD_DROUTE, .weight = 1,
	};
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs_add_ep(&v, IPPROTO_TCP, &d);
	for (int i = 0; i < 2; i++) {
		pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
		run_spec(&s, &f, &r);
		expect_unchanged(&f, &r, XDP_PASS);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_LOCAL], 1);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 0);
	}
}

/* ip_vs_leave: no server with weight: port unreachable, rate limited. */
static void v6dr_no_server_unreachable(void **state)
{
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 0);
	svc6_add(IPPROTO_UDP, 53, "rr");
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
	run_spec(&s, &f, &r);
	expect6_left(&f, &r);
	pkt6_init(&s, IPPROTO_UDP, dp_port(), 53, 0);
	s.payload = 200;
	run_spec(&s, &f, &r);
	expect6_left(&f, &r);
	/* With extension headers, quoted with them. */
	pkt6_init(&s, IPPROTO_UDP, dp_port(), 53, 0);
	pkt6_ext_add(&s, IPPROTO_HOPOPTS, 0, 0, 0);
	pkt6_ext_add(&s, IPPROTO_DSTOPTS, 1, 0, 0);
	run_spec(&s, &f, &r);
	expect6_left(&f, &r);
	/* Never about an unspecified source: nowhere to send it
	 * (icmp6_send's addr_any rule). */
	pkt6_init(&s, IPPROTO_UDP, dp_port(), 53, 0);
	memset(s.saddr, 0, 16);
	run_spec(&s, &f, &r);
	assert_int_not_equal(r.verdict, XDP_TX);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
}

/*
 * Time Exceeded and port unreachable share IPv4's limit (icmp_allowed: a
 * per-CPU bucket of ICMP_BURST 50 filled at 1000 a second): of many sent
 * in a row, no more go out than the buckets held and gained meanwhile,
 * and every one held back is dropped and counted.  Packet Too Big is not
 * limited (v6dr_packet_too_big).
 */
static void v6dr_icmp_rate_limited(void **state)
{
	const int sends = 400;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct timespec t0, t1;
	uint64_t sent = 0, limited = 0, elapsed_ms;
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	(void)state;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 1);
	pkt6_init(&s, IPPROTO_TCP, dp_port(), 80, TH_SYN);
	s.hop_limit = 1;
	pkt6_build(&f, &s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < sends; i++) {
		dp_run(&f, &r);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
		sent += r.delta[XLVS_CNT_ICMP_SENT];
		limited += r.delta[XLVS_CNT_ICMP_LIMITED];
		if (r.delta[XLVS_CNT_ICMP_LIMITED])
			expect6_verdict(&r, XDP_DROP);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed_ms = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000 +
				(t1.tv_nsec - t0.tv_nsec) / 1000000) + 1;
	assert_int_equal(sent + limited, sends);
	if (sent > (uint64_t)(cpus > 0 ? cpus : 1) * 50 + elapsed_ms)
		fail_msg("%llu of %d answered in %llu ms: more than the limit lets",
			 (unsigned long long)sent, sends, (unsigned long long)elapsed_ms);
	print_message("v6dr_icmp_rate_limited: %llu answered, %llu limited in %llu ms\n",
		      (unsigned long long)sent, (unsigned long long)limited,
		      (unsigned long long)elapsed_ms);
}

static int v6dr_setup(void **state)
{
	if (tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV " mtu lock %d",
		  HOST6_MTU, MTU6))
		return -1;
	return dp6_setup(state);
}

static int v6dr_teardown(void **state)
{
	tb_sh("ip -6 route del fd00::%x/128 dev " DP_DEV, HOST6_MTU);
	return dp6_teardown(state);
}

#define V6DR(f) cmocka_unit_test_setup_teardown(f, v6dr_setup, v6dr_teardown)

size_t ipv6_dr_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		V6DR(v6dr_forwards),
		V6DR(v6dr_passes_what_is_not_ours),
		V6DR(v6dr_hop_limit_exceeded),
		V6DR(v6dr_packet_too_big),
		V6DR(v6dr_connection_tracked),
		V6DR(v6dr_wrr_spreads),
		V6DR(v6dr_local_server_passes),
		V6DR(v6dr_no_server_unreachable),
		V6DR(v6dr_icmp_rate_limited),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
