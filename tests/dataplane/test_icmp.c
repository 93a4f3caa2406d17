// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about tracked connections, and packets too big for the way
 * to their real server, checked against what the kernel does
 * (net/netfilter/ipvs/ip_vs_core.c and ip_vs_xmit.c, read for this test):
 *  - ip_vs_in_icmp: an error sent to the VIP that quotes a packet from
 *    VIP:vport to a client of a tracked connection is sent on to that
 *    connection's real server, one hop on (ip_vs_icmp_xmit's route lowers
 *    the TTL as every forward's does) -- for direct routing otherwise as it
 *    is, by MAC; for NAT by ip_vs_nat_icmp(inout 0): the outer destination, the quote's
 *    source and source port become the real server's, the quote's IP
 *    checksum and ICMP's are right again (the quoted TCP checksum stays);
 *    for a tunnel, encapsulated;
 *  - ip_vs_out_icmp (NAT): an error sent to the client quoting its packet
 *    to the real server goes to the client by ip_vs_nat_icmp(inout 1): the
 *    outer source (a router's too), the quote's destination and
 *    destination port become VIP:vport, and it is one hop on (TTL - 1);
 *  - an error about no connection, to an address other than the quote's
 *    source, or with its quote cut short passes untouched;
 *  - __ip_vs_get_out_rt: a packet over the route's MTU with DF set gets
 *    "fragmentation needed" with that MTU, quoting it as the client sent
 *    it but for the TTL decrement_ttl lowered first (NAT checks before it
 *    mangles); without DF it is dropped here (the kernel would fragment
 *    it); TTL 1 gets time exceeded.
 * Every checksum is recomputed here from scratch.
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

#include "harness.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"
#include "csum.h"
#include "bytes.h"

#define ETH_HLEN 14
#define IP_HLEN 20
#define ICMP_OFF (ETH_HLEN + IP_HLEN)
#define QUOTE_OFF (ICMP_OFF + 8)
#define ROUTER IP4(10, 0, 0, 50)    /* a router on the way, in no table */
#define HOST_MTU 0x07               /* 10.0.0.7: a route with MTU 1200 */
#define MTU 1200
#define RPORT 8080

static void ip_csum_set(uint8_t *ip)
{
	size_t ihl = (ip[0] & 15) * 4u;

	put16(ip + 10, 0);
	put16(ip + 10, csum_of(ip, ihl));
}

/* The ICMP checksum over the message after the outer header. */
static void icmp_csum_set(struct frame *f)
{
	put16(f->b + ICMP_OFF + 2, 0);
	put16(f->b + ICMP_OFF + 2, csum_of(f->b + ICMP_OFF, f->len - ICMP_OFF));
}

/* An ICMP error from src to dst quoting q's IP packet, its header and
 * quote_l4 bytes after it. */
static void icmp_error(struct frame *f, uint32_t src, uint32_t dst, uint8_t type,
		       uint8_t code, uint32_t info, const struct frame *q,
		       size_t quote_l4)
{
	size_t qlen = IP_HLEN + quote_l4;
	uint8_t *ip = f->b + ETH_HLEN;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, q->b, ETH_HLEN);
	f->len = QUOTE_OFF + qlen;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(f->len - ETH_HLEN));
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	ip_csum_set(ip);
	f->b[ICMP_OFF] = type;
	f->b[ICMP_OFF + 1] = code;
	put32(f->b + ICMP_OFF + 4, info);
	memcpy(f->b + QUOTE_OFF, q->b + ETH_HLEN, qlen);
	icmp_csum_set(f);
}

/* A TCP packet of the given tuple, as it would be on the wire. */
static void tcp_packet(struct frame *f, uint32_t saddr, uint16_t sport,
		       uint32_t daddr, uint16_t dport, uint8_t flags)
{
	struct pkt_spec s = { .proto = IPPROTO_TCP, .saddr = saddr, .daddr = daddr,
			      .sport = sport, .dport = dport, .tcp_flags = flags };

	pkt_build(f, &s);
}

static void mac_is(const struct frame *f, uint8_t host)
{
	uint8_t mac[6];

	pkt_mac(mac, host);
	assert_memory_equal(f->b, mac, 6);
	pkt_mac(mac, HOST_DEV);
	assert_memory_equal(f->b + 6, mac, 6);
}

/* Every checksum of an ICMP error frame, from scratch. */
static void icmp_csums_ok(const struct frame *f)
{
	const uint8_t *ip = f->b + ETH_HLEN;

	if (!csum_ok(csum_add(0, ip, IP_HLEN)))
		fail_msg("outer IP checksum wrong");
	if (!csum_ok(csum_add(0, f->b + QUOTE_OFF, IP_HLEN)))
		fail_msg("quoted IP checksum wrong");
	if (!csum_ok(csum_add(0, f->b + ICMP_OFF, f->len - ICMP_OFF)))
		fail_msg("ICMP checksum wrong");
}

/* The frame out must be in with only what the kernel changes changed;
 * want is in edited by the caller, its checksums made here. */
static void icmp_frame_is(const struct dp_result *r, struct frame *want)
{
	ip_csum_set(want->b + ETH_HLEN);
	ip_csum_set(want->b + QUOTE_OFF);
	icmp_csum_set(want);
	icmp_csums_ok(&r->out);
	assert_int_equal(r->out.len, want->len);
	assert_memory_equal(r->out.b + 12, want->b + 12, want->len - 12);
}

/* A connection from the client's port cport to VIP:port, opened by a SYN. */
static void open_conn(uint16_t port, uint16_t cport)
{
	struct frame syn;
	struct dp_result r;

	tcp_packet(&syn, NET_CLIENT, cport, NET_VIP, port, TH_SYN);
	dp_run(&syn, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.verdict, XDP_TX);
}

/* A router on the client's side answers a reply sent from the VIP. */
static void about_reply(struct frame *f, uint16_t port, uint16_t cport)
{
	struct frame q;

	tcp_packet(&q, NET_VIP, port, NET_CLIENT, cport, TH_ACK);
	icmp_error(f, ROUTER, NET_VIP, 3, 4, 1400, &q, 20);
}

static void icmp_in_dr_goes_as_it_is(void **state)
{
	uint16_t port = dp_port(), cport = dp_port();
	struct frame in, want;
	struct dp_result r;

	(void)state;
	svc_add(IPPROTO_TCP, port, "rr");
	rs_add(IPPROTO_TCP, port, HOST_RS1, 1);
	open_conn(port, cport);
	about_reply(&in, port, cport);
	dp_run(&in, &r);
	assert_int_equal(r.verdict, XDP_TX);
	mac_is(&r.out, HOST_RS1);
	want = in;
	want.b[ETH_HLEN + 8]--;                                  /* TTL */
	icmp_frame_is(&r, &want);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 1);
}

static void icmp_in_nat_names_the_real_server(void **state)
{
	uint16_t port = dp_port(), cport = dp_port();
	struct frame in, want;
	struct dp_result r;

	(void)state;
	svc_add(IPPROTO_TCP, port, "rr");
	rs_add_nat(IPPROTO_TCP, port, HOST_RS2, RPORT, 1);
	open_conn(port, cport);
	about_reply(&in, port, cport);
	dp_run(&in, &r);
	assert_int_equal(r.verdict, XDP_TX);
	mac_is(&r.out, HOST_RS2);
	want = in;
	want.b[ETH_HLEN + 8]--;                                  /* TTL */
	put32(want.b + ETH_HLEN + 16, IP4(10, 0, 0, HOST_RS2));  /* outer dst */
	put32(want.b + QUOTE_OFF + 12, IP4(10, 0, 0, HOST_RS2)); /* quote src */
	put16(want.b + QUOTE_OFF + IP_HLEN, RPORT);               /* its port */
	icmp_frame_is(&r, &want);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 1);
}

static void icmp_out_nat_names_the_vip(void **state)
{
	uint16_t port = dp_port(), cport = dp_port();
	uint32_t from[] = { ROUTER, IP4(10, 0, 0, HOST_RS2) };
	struct frame in, want, q;
	struct dp_result r;

	(void)state;
	svc_add(IPPROTO_TCP, port, "rr");
	rs_add_nat(IPPROTO_TCP, port, HOST_RS2, RPORT, 1);
	open_conn(port, cport);
	/* The packet as it went to the real server. */
	tcp_packet(&q, NET_CLIENT, cport, IP4(10, 0, 0, HOST_RS2), RPORT, TH_SYN);
	for (size_t i = 0; i < 2; i++) {
		icmp_error(&in, from[i], NET_CLIENT, 3, i ? 3 : 4, i ? 0 : 1300,
			   &q, 20);
		dp_run(&in, &r);
		assert_int_equal(r.verdict, XDP_TX);
		mac_is(&r.out, HOST_CLIENT);
		want = in;
		want.b[ETH_HLEN + 8]--;                                  /* TTL */
		put32(want.b + ETH_HLEN + 12, NET_VIP);                  /* outer src */
		put32(want.b + QUOTE_OFF + 16, NET_VIP);                 /* quote dst */
		put16(want.b + QUOTE_OFF + IP_HLEN + 2, port);           /* its port */
		icmp_frame_is(&r, &want);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 1);
	}
}

static void run_passes_untouched(const struct frame *in, int counter)
{
	struct dp_result r;

	dp_run(in, &r);
	assert_int_equal(r.verdict, XDP_PASS);
	assert_int_equal(r.out.len, in->len);
	assert_memory_equal(r.out.b, in->b, in->len);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 0);
	if (counter >= 0)
		assert_int_equal(r.delta[counter], 1);
}

static void icmp_others_pass_untouched(void **state)
{
	uint16_t port = dp_port(), cport = dp_port();
	struct frame in, q;

	(void)state;
	svc_add(IPPROTO_TCP, port, "rr");
	rs_add_nat(IPPROTO_TCP, port, HOST_RS2, RPORT, 1);
	open_conn(port, cport);
	/* No such connection: another client port. */
	about_reply(&in, port, dp_port());
	run_passes_untouched(&in, XLVS_CNT_PKTS_PASS);
	/* Not to the quoted packet's source. */
	tcp_packet(&q, NET_VIP, port, NET_CLIENT, cport, TH_ACK);
	icmp_error(&in, ROUTER, NET_OTHER_IP, 3, 4, 1400, &q, 20);
	run_passes_untouched(&in, XLVS_CNT_PKTS_PASS);
	/* The quote cut short of its ports. */
	icmp_error(&in, ROUTER, NET_VIP, 3, 4, 1400, &q, 2);
	run_passes_untouched(&in, XLVS_CNT_PKTS_MALFORMED);
	/* A quoted fragment, not the first: no ports to go by. */
	icmp_error(&in, ROUTER, NET_VIP, 3, 4, 1400, &q, 20);
	put16(in.b + QUOTE_OFF + 6, 0x0010);
	ip_csum_set(in.b + QUOTE_OFF);
	icmp_csum_set(&in);
	run_passes_untouched(&in, XLVS_CNT_PKTS_PASS);
	/* Not an error IPVS relates to a connection: parameter problem. */
	icmp_error(&in, ROUTER, NET_VIP, 12, 0, 0, &q, 20);
	run_passes_untouched(&in, XLVS_CNT_PKTS_PASS);
	/* An out-direction error for no NAT connection. */
	tcp_packet(&q, NET_CLIENT, dp_port(), IP4(10, 0, 0, HOST_RS2), RPORT, TH_SYN);
	icmp_error(&in, ROUTER, NET_CLIENT, 3, 4, 1300, &q, 20);
	run_passes_untouched(&in, XLVS_CNT_PKTS_PASS);
}

/* ip_vs_in_icmp's ip_vs_checksum_complete: an error about a connection
 * whose ICMP checksum is wrong is dropped.  ip_vs_nat_icmp's ip_send_check:
 * the quote's IP checksum comes out right even when it came in wrong. */
static void icmp_checksums_as_ipvs(void **state)
{
	uint16_t port = dp_port(), cport = dp_port();
	struct frame in, want;
	struct dp_result r;

	(void)state;
	svc_add(IPPROTO_TCP, port, "rr");
	rs_add_nat(IPPROTO_TCP, port, HOST_RS2, RPORT, 1);
	open_conn(port, cport);
	about_reply(&in, port, cport);
	in.b[ICMP_OFF + 3] ^= 0x40;
	dp_run(&in, &r);
	assert_int_equal(r.verdict, XDP_DROP);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 0);
	about_reply(&in, port, cport);
	in.b[QUOTE_OFF + 10] ^= 0x40;           /* the quote's IP checksum */
	icmp_csum_set(&in);
	dp_run(&in, &r);
	assert_int_equal(r.verdict, XDP_TX);
	want = in;
	want.b[ETH_HLEN + 8]--;
	put32(want.b + ETH_HLEN + 16, IP4(10, 0, 0, HOST_RS2));
	put32(want.b + QUOTE_OFF + 12, IP4(10, 0, 0, HOST_RS2));
	put16(want.b + QUOTE_OFF + IP_HLEN, RPORT);
	icmp_frame_is(&r, &want);
}

static void icmp_in_tunnel_is_tunnelled(void **state)
{
	uint16_t port = dp_port(), cport = dp_port();
	struct frame in;
	struct dp_result r;

	(void)state;
	svc_add(IPPROTO_TCP, port, "rr");
	rs_add_tun(IPPROTO_TCP, port, HOST_RS1);
	open_conn(port, cport);
	about_reply(&in, port, cport);
	dp_run(&in, &r);
	assert_int_equal(r.verdict, XDP_TX);
	mac_is(&r.out, HOST_RS1);
	assert_int_equal(r.out.len, in.len + IP_HLEN);
	assert_int_equal(r.out.b[ETH_HLEN + 9], 4);                  /* IPIP */
	assert_int_equal(get32(r.out.b + ETH_HLEN + 16), IP4(10, 0, 0, HOST_RS1));
	/* The inner packet: the ICMP error, one hop on. */
	in.b[ETH_HLEN + 8]--;
	ip_csum_set(in.b + ETH_HLEN);
	assert_memory_equal(r.out.b + ETH_HLEN + IP_HLEN, in.b + ETH_HLEN,
			    in.len - ETH_HLEN);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 1);
}

/* A SYN of payload bytes with DF set or not, to a server behind MTU. */
static void too_big(uint16_t port, int df, struct dp_result *r, struct frame *in)
{
	struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = port,
			      .sport = dp_port(), .tcp_flags = TH_SYN,
			      .payload = MTU, .frag = df ? 0x4000 : 0 };

	pkt_build(in, &s);
	dp_run(in, r);
}

static void mtu_checked_before_nat_and_dr(void **state)
{
	for (int masq = 0; masq < 2; masq++) {
		uint16_t port = dp_port();
		struct frame in;
		struct dp_result r;
		const uint8_t *ic;

		(void)state;
		svc_add(IPPROTO_TCP, port, "rr");
		if (masq)
			rs_add_nat(IPPROTO_TCP, port, HOST_MTU, RPORT, 1);
		else
			rs_add(IPPROTO_TCP, port, HOST_MTU, 1);
		too_big(port, 1, &r, &in);
		assert_int_equal(r.verdict, XDP_TX);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
		mac_is(&r.out, HOST_CLIENT);
		ic = r.out.b + ICMP_OFF;
		assert_int_equal(ic[0], 3);
		assert_int_equal(ic[1], 4);
		assert_int_equal(get16(ic + 6), MTU);
		assert_int_equal(get32(r.out.b + ETH_HLEN + 12), NET_VIP);
		assert_int_equal(get32(r.out.b + ETH_HLEN + 16), NET_CLIENT);
		/* The quote is the packet as the client sent it, one hop on. */
		in.b[ETH_HLEN + 8]--;
		ip_csum_set(in.b + ETH_HLEN);
		assert_memory_equal(r.out.b + QUOTE_OFF, in.b + ETH_HLEN, IP_HLEN + 8);
		if (!csum_ok(csum_add(0, ic, r.out.len - ICMP_OFF)))
			fail_msg("ICMP checksum wrong");
		too_big(port, 0, &r, &in);
		assert_int_equal(r.verdict, XDP_DROP);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TOO_BIG], 1);
	}
}

/* decrement_ttl: TTL 1 goes no further; the sender gets time exceeded. */
static void ttl_one_gets_time_exceeded(void **state)
{
	for (int masq = 0; masq < 2; masq++) {
		uint16_t port = dp_port();
		struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = port,
				      .sport = dp_port(), .tcp_flags = TH_SYN };
		struct frame in;
		struct dp_result r;
		const uint8_t *ic;

		(void)state;
		svc_add(IPPROTO_TCP, port, "rr");
		if (masq)
			rs_add_nat(IPPROTO_TCP, port, HOST_RS2, RPORT, 1);
		else
			rs_add(IPPROTO_TCP, port, HOST_RS2, 1);
		pkt_build(&in, &s);
		in.b[ETH_HLEN + 8] = 1;
		ip_csum_set(in.b + ETH_HLEN);
		dp_run(&in, &r);
		assert_int_equal(r.verdict, XDP_TX);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
		mac_is(&r.out, HOST_CLIENT);
		ic = r.out.b + ICMP_OFF;
		assert_int_equal(ic[0], 11);
		assert_int_equal(ic[1], 0);
		assert_memory_equal(r.out.b + QUOTE_OFF, in.b + ETH_HLEN, IP_HLEN + 8);
		if (!csum_ok(csum_add(0, ic, r.out.len - ICMP_OFF)))
			fail_msg("ICMP checksum wrong");
	}
}

static int icmp_setup(void **state)
{
	if (tb_sh("ip route replace 10.0.0.7/32 dev " DP_DEV " mtu lock %d", MTU))
		return -1;
	return svc_fixture_empty(state);
}

static int icmp_teardown(void **state)
{
	tb_sh("ip route del 10.0.0.7/32 dev " DP_DEV);
	return svc_fixture_empty(state);
}

size_t icmp_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(icmp_in_dr_goes_as_it_is,
						icmp_setup, icmp_teardown),
		cmocka_unit_test_setup_teardown(icmp_in_nat_names_the_real_server,
						icmp_setup, icmp_teardown),
		cmocka_unit_test_setup_teardown(icmp_out_nat_names_the_vip,
						icmp_setup, icmp_teardown),
		cmocka_unit_test_setup_teardown(icmp_others_pass_untouched,
						icmp_setup, icmp_teardown),
		cmocka_unit_test_setup_teardown(icmp_checksums_as_ipvs,
						icmp_setup, icmp_teardown),
		cmocka_unit_test_setup_teardown(icmp_in_tunnel_is_tunnelled,
						icmp_setup, icmp_teardown),
		cmocka_unit_test_setup_teardown(mtu_checked_before_nat_and_dr,
						icmp_setup, icmp_teardown),
		cmocka_unit_test_setup_teardown(ttl_one_gets_time_exceeded,
						icmp_setup, icmp_teardown),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
