// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnels with IPv6 on either side, one packet each, every field of the
 * output checked against what the kernel sends (net/netfilter/ipvs/
 * ip_vs_xmit.c, read for this test, not bpf/): ip_vs_tunnel_xmit_v6 for
 * an IPv6 real server, ip_vs_tunnel_xmit for an IPv4 one, whatever the
 * service's family.
 *  - outer IPv6: version 6, traffic class the inner one's with CE as
 *    ECT(0) (INET_ECN_encapsulate), flow label 0, payload length all that
 *    follows (__ip6_local_out sets it), next header 41 for an IPv6 packet
 *    (ip6ip6), 4 for an IPv4 one, 17 for GUE, 47 for GRE, hop limit the
 *    inner's after decrement_ttl, source the address the route prefers
 *    (fd00::1), destination the server's;
 *  - outer IPv4 of an IPv6 packet (6in4): protocol 41, DF clear (the df
 *    ip_vs_prepare_tunneled_skb gives an IPv6 packet), TTL the hop limit
 *    after the decrement, source 10.0.0.1;
 *  - GUE: proto_ctype 41 or 4, the UDP checksum only with --tun-csum or
 *    --tun-remcsum (udp6_set_csum(!check, ...) leaves 0 otherwise, over
 *    IPv6 too); GRE: protocol 0x86DD or 0x0800, its checksum with
 *    --tun-csum; every checksum recomputed here from scratch;
 *  - the inner packet byte for byte as it came but for its hop limit (an
 *    IPv4 one's TTL and header checksum);
 *  - hop limit 1 or 0: ICMPv6 time exceeded, nothing tunnelled;
 *  - the room: the route's MTU less the outer headers; an IPv6 packet over
 *    it gets packet too big with it (an IPv4 tunnel's room may be under
 *    1280: __ip_vs_get_out_rt's floor is 68, and the kernel answers with
 *    it); an IPv6 route leaving under 1280 drops every packet
 *    (__ip_vs_get_out_rt_v6's IPV6_MIN_MTU), IPv4 ones too;
 *  - an ICMPv6 error about a tunnelled connection goes in the tunnel.
 * Routes: fd00::7 MTU 1400, fd00::5 1320 (IPIP leaves exactly 1280),
 * fd00::6 1319 (1279), 10.0.0.7 1200; all locked, so the FIB's MTU is the
 * route's.
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
#define IP6_HLEN 40
#define H6_MTU   0x07           /* fd00::7: MTU 1400 */
#define H6_FLOOR 0x05           /* fd00::5: MTU 1320 */
#define H6_UNDER 0x06           /* fd00::6: MTU 1319 */
#define H4_MTU   0x07           /* 10.0.0.7: MTU 1200 */
#define MTU6     1400
#define MTU4     1200
#define ROUTER   0x02           /* fd00::2: a router on the way back */

/* fd00::<host> */
static void a6(uint8_t a[16], uint8_t host)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[15] = host;
}

static struct xlvs_endpoint ep6_of(uint8_t host, uint16_t port)
{
	struct xlvs_endpoint e = { .af = 6, .port = port };

	a6(e.addr, host);
	return e;
}

/* Permanent IPv6 neighbours for fd00::3 to fd00::8 with their MACs:
 * libxlvs makes a real server's managed when it is added. */
static void pin6(void)
{
	if (tb_pin_hosts(DP_DEV, 1, HOST_RS1, HOST_RS_LAST))
		fail_msg("cannot pin the IPv6 neighbours fd00::%x to fd00::%x",
			 HOST_RS1, HOST_RS_LAST);
}

static void t6_check(const char *what, int rc)
{
	if (rc)
		fail_msg("%s: %s (%d)", what, strerror(-rc), rc);
}

/* A TCP and a UDP service on vip (either family), tunnelled to rip. */
static void t6_service(struct xlvs_endpoint vip, struct xlvs_endpoint rip,
		       uint8_t type, uint8_t flags, uint16_t tun_port)
{
	for (int i = 0; i < 2; i++) {
		uint8_t proto = i ? IPPROTO_UDP : IPPROTO_TCP;
		struct xlvs_service_conf c = { .proto = proto, .vip = vip };
		struct xlvs_dest_conf d = {
			.addr = rip, .fwd = XLVS_FWD_TUNNEL, .weight = 1,
			.tun_type = type, .tun_flags = flags,
			.tun_port = type == XLVS_TUN_GUE ? tun_port : 0,
		};

		/* IPv6's netmask is the persistence prefix, 1..128. */
		if (vip.af == 6)
			c.netmask = 128;
		strcpy(c.sched, "rr");
		t6_check("xlvs_service_add", xlvs_service_add(&dp.t, &c));
		t6_check("xlvs_dest_add", xlvs_dest_add(&dp.t, proto, &vip, &d));
	}
	dp_pin_neighbours();
	pin6();
}

/* An IPv6 frame fd00::9 -> fd00::64 with traffic class tc, flow label
 * flow and hop limit hop (none of them in any checksum). */
static void frame6(struct frame *f, uint8_t proto, uint16_t sport, uint16_t dport,
		   uint16_t payload, uint8_t tc, uint32_t flow, uint8_t hop)
{
	struct pkt_spec s = { .l3 = L3_IPV6, .proto = proto, .sport = sport,
			      .dport = dport, .tcp_flags = TH_SYN, .payload = payload };
	uint8_t *ip6 = f->b + ETH_HLEN;

	pkt_build(f, &s);
	put32(ip6, 6u << 28 | (uint32_t)tc << 20 | (flow & 0xfffff));
	ip6[7] = hop;
}

/* An 8-byte Destination Options header (PadN) before the transport
 * header: the transport checksum does not cover it. */
static void add_dstopts(struct frame *f)
{
	uint8_t *ip6 = f->b + ETH_HLEN, *x = ip6 + IP6_HLEN;
	size_t l4 = f->len - ETH_HLEN - IP6_HLEN;

	memmove(x + 8, x, l4);
	x[0] = ip6[6];
	x[1] = 0;
	memcpy(x + 2, ((const uint8_t[]){ 1, 4, 0, 0, 0, 0 }), 6);
	ip6[6] = 60;
	put16(ip6 + 4, (uint16_t)(get16(ip6 + 4) + 8));
	f->len += 8;
}

static void ip4_refresh(uint8_t *ip)
{
	put16(ip + 10, 0);
	put16(ip + 10, csum_of(ip, (ip[0] & 15) * 4u));
}

static uint8_t ecn_out(uint8_t ds)
{
	return (ds & 3) == 3 ? (uint8_t)((ds & ~3) | 2) : ds;
}

static size_t extra_of(uint8_t type, uint8_t flags)
{
	if (type == XLVS_TUN_GUE)
		return 8 + 4;
	if (type == XLVS_TUN_GRE)
		return flags & XLVS_TUN_F_CSUM ? 8 : 4;
	return 0;
}

struct t6_want {
	uint8_t host;               /* fd00::<host>, or 10.0.0.<host> */
	uint8_t outer_af;
	uint8_t type, flags;
	uint16_t tun_port;
};

/* The inner packet IPVS sends on: the frame's IP packet, hop limit (TTL,
 * and the header checksum) one lower.  Its length; *v6 its family. */
static size_t inner_of(const struct frame *in, uint8_t *q, int *v6)
{
	const uint8_t *ip = in->b + ETH_HLEN;
	size_t n;

	*v6 = get16(in->b + 12) == 0x86dd;
	if (*v6) {
		n = IP6_HLEN + get16(ip + 4);
		memcpy(q, ip, n);
		q[7]--;
		return n;
	}
	n = get16(ip + 2);
	memcpy(q, ip, n);
	q[8]--;
	ip4_refresh(q);
	return n;
}

/* The checksum a field at sum_off of p (len bytes) must hold for the sum
 * seeded with pseudo, as the sender's stack fills it in: a zero sum sent
 * as 0xffff (skb_checksum_help). */
static uint16_t want_csum(const uint8_t *p, size_t len, size_t sum_off, uint32_t pseudo)
{
	uint8_t tmp[FRAME_MAX];
	uint16_t c;

	memcpy(tmp, p, len);
	put16(tmp + sum_off, 0);
	c = csum_fold(csum_add(pseudo, tmp, len));
	return c ? c : 0xffff;
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

static void expect_tun6(const struct frame *in, const struct dp_result *r,
			const struct t6_want *w)
{
	uint8_t inner[FRAME_MAX], mac[6], a[16], ds, hop, inner_proto, next;
	size_t extra = extra_of(w->type, w->flags), ohl = w->outer_af == 6 ? IP6_HLEN : 20;
	const uint8_t *o = r->out.b + ETH_HLEN, *x = o + ohl;
	size_t ilen;
	int v6;

	ilen = inner_of(in, inner, &v6);
	ds = v6 ? (uint8_t)(get16(inner) >> 4) : inner[1];
	hop = v6 ? inner[7] : inner[8];
	inner_proto = v6 ? 41 : 4;
	next = w->type == XLVS_TUN_GUE ? IPPROTO_UDP :
	       w->type == XLVS_TUN_GRE ? 47 : inner_proto;
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->verdict, XDP_TX);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_FWD], 1);
	assert_int_equal(r->out.len, ETH_HLEN + ohl + extra + ilen);
	pkt_mac(mac, w->host);
	assert_memory_equal(r->out.b, mac, 6);
	pkt_mac(mac, HOST_DEV);
	assert_memory_equal(r->out.b + 6, mac, 6);
	if (w->outer_af == 6) {
		assert_int_equal(get16(r->out.b + 12), 0x86dd);
		/* version, traffic class, flow label 0 */
		assert_int_equal(get32(o), 6u << 28 | (uint32_t)ecn_out(ds) << 20);
		assert_int_equal(get16(o + 4), extra + ilen);
		assert_int_equal(o[6], next);
		assert_int_equal(o[7], hop);
		a6(a, HOST_DEV);
		assert_memory_equal(o + 8, a, 16);
		a6(a, w->host);
		assert_memory_equal(o + 24, a, 16);
	} else {
		assert_int_equal(get16(r->out.b + 12), 0x0800);
		assert_int_equal(o[0], 0x45);
		assert_int_equal(o[1], ecn_out(ds));
		assert_int_equal(get16(o + 2), 20 + extra + ilen);
		assert_int_equal(get16(o + 6), 0);              /* DF clear */
		assert_int_equal(o[8], hop);
		assert_int_equal(o[9], next);
		assert_int_equal(get16(o + 10), want_csum(o, 20, 10, 0));
		assert_int_equal(get32(o + 12), NET_DEV_IP);
		assert_int_equal(get32(o + 16), IP4(10, 0, 0, w->host));
	}
	if (w->type == XLVS_TUN_GUE) {
		uint32_t lo, hi, sp = get16(x), ulen = (uint32_t)(12 + ilen), ps;

		local_ports(&lo, &hi);
		if (sp < lo || sp >= hi)
			fail_msg("GUE source port %u outside [%u, %u)", sp, lo, hi);
		assert_int_equal(get16(x + 2), w->tun_port);
		assert_int_equal(get16(x + 4), ulen);
		if (w->flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM)) {
			/* The pseudo-header: both addresses, the length and
			 * protocol 17 (IPv6's as 32-bit fields). */
			ps = w->outer_af == 6 ? csum_add(0, o + 8, 32) :
						csum_add(0, o + 12, 8);
			ps += ulen + IPPROTO_UDP;
			assert_int_equal(get16(x + 6), want_csum(x, ulen, 6, ps));
		} else {
			assert_int_equal(get16(x + 6), 0);
		}
		/* version 0, C 0, hlen 0, proto_ctype, flags 0 */
		assert_memory_equal(x + 8, ((const uint8_t[]){ 0, inner_proto, 0, 0 }), 4);
	} else if (w->type == XLVS_TUN_GRE) {
		assert_int_equal(get16(x), w->flags & XLVS_TUN_F_CSUM ? 0x8000 : 0);
		assert_int_equal(get16(x + 2), v6 ? 0x86dd : 0x0800);
		if (w->flags & XLVS_TUN_F_CSUM) {
			assert_int_equal(get16(x + 6), 0);      /* reserved1 */
			assert_int_equal(get16(x + 4), want_csum(x, extra + ilen, 4, 0));
		}
	}
	assert_memory_equal(x + extra, inner, ilen);
}

static void run6(const struct frame *in, const struct t6_want *w, struct dp_result *r)
{
	dp_run(in, r);
	expect_tun6(in, r, w);
}

static const struct { uint8_t type, flags; } kinds[] = {
	{ XLVS_TUN_IPIP, 0 },
	{ XLVS_TUN_GUE, 0 }, { XLVS_TUN_GUE, XLVS_TUN_F_CSUM },
	{ XLVS_TUN_GUE, XLVS_TUN_F_REMCSUM },
	{ XLVS_TUN_GRE, 0 }, { XLVS_TUN_GRE, XLVS_TUN_F_CSUM },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* An IPv6 service's IPv6 server, each encapsulation: TCP and UDP, odd and
 * even lengths, traffic classes with each ECN codepoint, a flow label
 * (kept inside, 0 outside), a connection's next packet, and a
 * Destination Options header travelling inside. */
static void tunnel6_v6_in_v6(void **state)
{
	static const uint8_t tc[5] = { 0x00, 0xb8, 0xb9, 0xba, 0xbb };
	static const uint16_t pay[5] = { 0, 1, 333, 1200, 2 };
	struct dp_result r;
	struct frame f;

	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		struct t6_want w = { .host = HOST_RS1, .outer_af = 6, .type = kinds[k].type,
				     .flags = kinds[k].flags,
				     .tun_port = (uint16_t)(6090 + k) };
		uint16_t sport;

		svc_clear();
		t6_service(ep6_of(0x64, 90), ep6_of(HOST_RS1, 90), w.type, w.flags,
			   w.tun_port);
		for (int i = 0; i < 5; i++) {
			frame6(&f, i & 1 ? IPPROTO_UDP : IPPROTO_TCP, dp_port(), 90,
			       pay[i], tc[i], 0x12345, 64);
			run6(&f, &w, &r);
		}
		sport = dp_port();
		frame6(&f, IPPROTO_TCP, sport, 90, 10, 0, 0, 2);
		run6(&f, &w, &r);
		assert_int_equal(r.out.b[ETH_HLEN + 7], 1);     /* hop limit 2 -> 1 */
		{
			struct pkt_spec ack = { .l3 = L3_IPV6, .proto = IPPROTO_TCP,
						.sport = sport, .dport = 90,
						.tcp_flags = TH_ACK, .payload = 500 };

			pkt_build(&f, &ack);
			run6(&f, &w, &r);
		}
		frame6(&f, IPPROTO_UDP, dp_port(), 90, 77, 0x28, 0, 64);
		add_dstopts(&f);
		run6(&f, &w, &r);
	}
}

/* A flow keeps its GUE source port over IPv6; flows spread. */
static void tunnel6_gue_sport(void **state)
{
	struct t6_want w = { .host = HOST_RS2, .outer_af = 6, .type = XLVS_TUN_GUE,
			     .tun_port = 6080 };
	uint16_t seen[16];
	int distinct = 0;
	struct dp_result r;
	struct frame f;

	(void)state;
	t6_service(ep6_of(0x64, 91), ep6_of(HOST_RS2, 91), XLVS_TUN_GUE, 0, 6080);
	for (int i = 0; i < 16; i++) {
		uint16_t first;

		frame6(&f, IPPROTO_UDP, dp_port(), 91, 8, 0, 0, 64);
		run6(&f, &w, &r);
		first = get16(r.out.b + ETH_HLEN + IP6_HLEN);
		run6(&f, &w, &r);
		assert_int_equal(get16(r.out.b + ETH_HLEN + IP6_HLEN), first);
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

/* An IPv4 service's IPv6 server (4in6): next header 4, GUE's ctype 4,
 * GRE's 0x0800; DF or not (IPv6 has none to copy it to); the TOS's ECN. */
static void tunnel6_v4_in_v6(void **state)
{
	static const uint8_t tos[3] = { 0x28, 0xb9, 0x03 };
	struct dp_result r;
	struct frame f;

	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		struct t6_want w = { .host = HOST_RS2, .outer_af = 6, .type = kinds[k].type,
				     .flags = kinds[k].flags,
				     .tun_port = (uint16_t)(6100 + k) };

		svc_clear();
		t6_service(tb_ep(NET_VIP, 92), ep6_of(HOST_RS2, 92), w.type, w.flags,
			   w.tun_port);
		for (int i = 0; i < 3; i++) {
			struct pkt_spec s = { .proto = i == 1 ? IPPROTO_UDP : IPPROTO_TCP,
					      .sport = dp_port(), .dport = 92,
					      .tcp_flags = TH_SYN,
					      .frag = i ? 0x4000 : 0,
					      .ip_opt_len = i == 2 ? 8 : 0,
					      .payload = (uint16_t)(i * 401) };

			pkt_build(&f, &s);
			f.b[ETH_HLEN + 1] = tos[i];
			ip4_refresh(f.b + ETH_HLEN);
			run6(&f, &w, &r);
		}
	}
}

/* An IPv6 service's IPv4 server (6in4): protocol 41, DF clear. */
static void tunnel6_v6_in_v4(void **state)
{
	struct dp_result r;
	struct frame f;

	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		struct t6_want w = { .host = HOST_RS1, .outer_af = 4, .type = kinds[k].type,
				     .flags = kinds[k].flags,
				     .tun_port = (uint16_t)(6110 + k) };

		svc_clear();
		t6_service(ep6_of(0x64, 93), tb_ep(IP4(10, 0, 0, HOST_RS1), 93),
			   w.type, w.flags, w.tun_port);
		for (int i = 0; i < 3; i++) {
			frame6(&f, i == 1 ? IPPROTO_UDP : IPPROTO_TCP, dp_port(), 93,
			       (uint16_t)(i * 401 + 1), i == 2 ? 0xbb : 0x28, 0xabcde, 64);
			run6(&f, &w, &r);
		}
	}
}

/* icmp6_send quotes the packet up to IPv6's minimum MTU: 1280 less the
 * IPv6 and ICMPv6 headers. */
#define ICMP6_QUOTE 1232

static size_t quote_len(const struct frame *f)
{
	size_t n = f->len - ETH_HLEN;

	return n < ICMP6_QUOTE ? n : ICMP6_QUOTE;
}

/* The ICMPv6 error icmp6_send would make about the frame in: from the VIP
 * to the client, hop limit 64, the quote the packet as quoted (its hop
 * limit as the packet held it then), up to ICMP6_QUOTE bytes. */
static void expect_icmp6(const struct dp_result *r, const uint8_t *quoted,
			 size_t qlen, uint8_t type, uint32_t info)
{
	const uint8_t *ip6 = r->out.b + ETH_HLEN, *ic = ip6 + IP6_HLEN;
	uint8_t mac[6], a[16], pseudo[40] = { 0 };
	uint32_t plen = (uint32_t)(8 + qlen);

	assert_int_equal(r->rc, 0);
	assert_int_equal(r->verdict, XDP_TX);
	assert_int_equal(r->delta[XLVS_CNT_ICMP_SENT], 1);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_FWD], 0);
	assert_int_equal(r->out.len, ETH_HLEN + IP6_HLEN + plen);
	pkt_mac(mac, HOST_CLIENT);
	assert_memory_equal(r->out.b, mac, 6);
	pkt_mac(mac, HOST_DEV);
	assert_memory_equal(r->out.b + 6, mac, 6);
	assert_int_equal(get16(r->out.b + 12), 0x86dd);
	assert_int_equal(get32(ip6), 6u << 28);
	assert_int_equal(get16(ip6 + 4), plen);
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 64);
	a6(a, 0x64);
	assert_memory_equal(ip6 + 8, a, 16);
	a6(a, HOST_CLIENT);
	assert_memory_equal(ip6 + 24, a, 16);
	assert_int_equal(ic[0], type);
	assert_int_equal(ic[1], 0);
	assert_int_equal(get32(ic + 4), info);
	memcpy(pseudo, ip6 + 8, 32);
	put32(pseudo + 32, plen);
	pseudo[39] = 58;
	assert_memory_equal(ic + 8, quoted, qlen);
	assert_int_equal(get16(ic + 2), csum_fold(csum_add(csum_add(0, pseudo, 40),
							   (const uint8_t[]){ type, 0, 0, 0 }, 4) +
						  (info >> 16) + (info & 0xffff) +
						  csum_add(0, quoted, qlen)));
}

/* decrement_ttl first: hop limit 1 or 0 gets time exceeded (the quote as
 * the packet came), before any MTU check, over either family's tunnel;
 * an IPv4 packet's TTL 1 to an IPv6 server gets ICMP's. */
static void tunnel6_hop_limit(void **state)
{
	struct dp_result r;
	struct frame f;

	(void)state;
	for (int v4 = 0; v4 < 2; v4++) {
		svc_clear();
		t6_service(ep6_of(0x64, 94),
			   v4 ? tb_ep(IP4(10, 0, 0, H4_MTU), 94) : ep6_of(H6_MTU, 94),
			   XLVS_TUN_IPIP, 0, 0);
		for (int hop = 0; hop < 2; hop++) {
			/* Over the room too: time exceeded wins. */
			frame6(&f, IPPROTO_TCP, dp_port(), 94, MTU6, 0, 0, (uint8_t)hop);
			dp_run(&f, &r);
			assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
			assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 0);
			expect_icmp6(&r, f.b + ETH_HLEN, quote_len(&f), 3, 0);
		}
	}
	svc_clear();
	t6_service(tb_ep(NET_VIP, 94), ep6_of(HOST_RS1, 94), XLVS_TUN_IPIP, 0, 0);
	{
		struct pkt_spec s = { .proto = IPPROTO_TCP, .sport = dp_port(), .dport = 94,
				      .tcp_flags = TH_SYN };
		const uint8_t *ic = r.out.b + ETH_HLEN + 20;

		pkt_build(&f, &s);
		f.b[ETH_HLEN + 8] = 1;
		ip4_refresh(f.b + ETH_HLEN);
		dp_run(&f, &r);
		assert_int_equal(r.verdict, XDP_TX);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TTL_EXCEEDED], 1);
		assert_int_equal(get16(r.out.b + 12), 0x0800);
		assert_int_equal(ic[0], 11);
		assert_int_equal(ic[1], 0);
		assert_int_equal(csum_fold(csum_add(0, ic, r.out.len - ETH_HLEN - 20)), 0);
	}
}

/* One over the room answered with packet too big carrying it, the quote's
 * hop limit lowered (decrement_ttl ran first); a packet of the room's size
 * fills the route's MTU exactly.  fd00::7 leaves 1400 less the headers;
 * 10.0.0.7 leaves 1180 to IPIP, under IPv6's 1280, and the kernel answers
 * with that. */
static void tunnel6_too_big(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		for (int v4 = 0; v4 < 2; v4++) {
			struct t6_want w = { .host = v4 ? H4_MTU : H6_MTU,
					     .outer_af = v4 ? 4 : 6, .type = kinds[k].type,
					     .flags = kinds[k].flags, .tun_port = 6120 };
			uint32_t mtu = v4 ? MTU4 : MTU6;
			uint32_t room = mtu - (v4 ? 20 : IP6_HLEN) -
					(uint32_t)extra_of(w.type, w.flags);
			uint8_t quoted[ICMP6_QUOTE];
			struct dp_result r;
			struct frame f;

			svc_clear();
			t6_service(ep6_of(0x64, 95),
				   v4 ? tb_ep(IP4(10, 0, 0, H4_MTU), 95) : ep6_of(H6_MTU, 95),
				   w.type, w.flags, w.tun_port);
			frame6(&f, IPPROTO_TCP, dp_port(), 95,
			       (uint16_t)(room - IP6_HLEN - 20), 0, 0, 64);
			run6(&f, &w, &r);
			assert_int_equal(r.out.len - ETH_HLEN, mtu);
			frame6(&f, IPPROTO_TCP, dp_port(), 95,
			       (uint16_t)(room - IP6_HLEN - 20 + 1), 0, 0, 64);
			memcpy(quoted, f.b + ETH_HLEN, quote_len(&f));
			quoted[7]--;
			dp_run(&f, &r);
			assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
			expect_icmp6(&r, quoted, quote_len(&f), 2, room);
		}
	}
}

/* An IPv4 packet to an IPv6 server: the room is 1400 - 40 - extra; with
 * DF one over gets fragmentation needed with it, without DF is dropped. */
static void tunnel6_v4_too_big(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		struct t6_want w = { .host = H6_MTU, .outer_af = 6, .type = kinds[k].type,
				     .flags = kinds[k].flags, .tun_port = 6121 };
		uint32_t room = MTU6 - IP6_HLEN - (uint32_t)extra_of(w.type, w.flags);
		struct pkt_spec s = { .proto = IPPROTO_TCP, .dport = 96, .frag = 0x4000,
				      .tcp_flags = TH_SYN, .sport = dp_port(),
				      .payload = (uint16_t)(room - 40) };
		const uint8_t *ic;
		uint8_t quoted[28];
		struct dp_result r;
		struct frame f;

		svc_clear();
		t6_service(tb_ep(NET_VIP, 96), ep6_of(H6_MTU, 96), w.type, w.flags,
			   w.tun_port);
		pkt_build(&f, &s);
		run6(&f, &w, &r);
		assert_int_equal(r.out.len - ETH_HLEN, MTU6);
		s.payload++;
		s.sport = dp_port();
		pkt_build(&f, &s);
		memcpy(quoted, f.b + ETH_HLEN, sizeof(quoted));
		quoted[8]--;
		ip4_refresh(quoted);
		dp_run(&f, &r);
		ic = r.out.b + ETH_HLEN + 20;
		assert_int_equal(r.verdict, XDP_TX);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_FRAG_NEEDED], 1);
		assert_int_equal(get16(r.out.b + 12), 0x0800);
		assert_int_equal(get32(r.out.b + ETH_HLEN + 12), NET_VIP);
		assert_int_equal(get32(r.out.b + ETH_HLEN + 16), NET_CLIENT);
		assert_int_equal(ic[0], 3);
		assert_int_equal(ic[1], 4);
		assert_int_equal(get32(ic + 4), room);
		assert_memory_equal(ic + 8, quoted, sizeof(quoted));
		assert_int_equal(csum_fold(csum_add(0, ic, 8 + sizeof(quoted))), 0);
		s.frag = 0;
		s.sport = dp_port();
		pkt_build(&f, &s);
		dp_run(&f, &r);
		assert_int_equal(r.verdict, XDP_DROP);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_TOO_BIG], 1);
		assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
	}
}

static void expect_dropped_too_big(const struct dp_result *r)
{
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->verdict, XDP_DROP);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_TOO_BIG], 1);
	assert_int_equal(r->delta[XLVS_CNT_ICMP_SENT], 0);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_FWD], 0);
}

/* An IPv6 route leaving under 1280 (IPV6_MIN_MTU) takes nothing, small
 * packets of either family included, and answers nothing; one leaving
 * exactly 1280 takes them. */
static void tunnel6_under_1280(void **state)
{
	static const struct { uint8_t host, type; int ok; } tab[] = {
		{ H6_FLOOR, XLVS_TUN_IPIP, 1 },     /* 1320 - 40 = 1280 */
		{ H6_FLOOR, XLVS_TUN_GRE, 0 },      /* 1276 */
		{ H6_UNDER, XLVS_TUN_IPIP, 0 },     /* 1279 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct t6_want w = { .host = tab[i].host, .outer_af = 6,
				     .type = tab[i].type };
		struct pkt_spec s = { .proto = IPPROTO_UDP, .dport = 97, .payload = 10 };
		struct dp_result r;
		struct frame f;

		svc_clear();
		t6_service(ep6_of(0x64, 97), ep6_of(tab[i].host, 97), tab[i].type, 0, 0);
		t6_service(tb_ep(NET_VIP, 97), ep6_of(tab[i].host, 97), tab[i].type, 0, 0);
		frame6(&f, IPPROTO_UDP, dp_port(), 97, 10, 0, 0, 64);
		dp_run(&f, &r);
		if (tab[i].ok)
			expect_tun6(&f, &r, &w);
		else
			expect_dropped_too_big(&r);
		s.sport = dp_port();
		pkt_build(&f, &s);
		dp_run(&f, &r);
		if (tab[i].ok)
			expect_tun6(&f, &r, &w);
		else
			expect_dropped_too_big(&r);
	}
}

/* ip_vs_in_icmp_v6: an ICMPv6 error about a tunnelled connection (its
 * quote the connection's reply, VIP:port -> client:cport) goes to the
 * server inside the tunnel, one hop on; at hop limit 1 it dies unanswered. */
static void tunnel6_icmp6_relayed(void **state)
{
	uint16_t cport = dp_port();
	uint8_t *ip6, *ic, *q, pseudo[40] = { 0 };
	struct t6_want w = { .host = HOST_RS1, .outer_af = 6, .type = XLVS_TUN_IPIP };
	struct dp_result r;
	struct frame f;
	size_t plen = 8 + IP6_HLEN + 8;

	(void)state;
	t6_service(ep6_of(0x64, 98), ep6_of(HOST_RS1, 98), XLVS_TUN_IPIP, 0, 0);
	frame6(&f, IPPROTO_TCP, cport, 98, 0, 0, 0, 64);
	run6(&f, &w, &r);
	/* fd00::2 -> fd00::64: port unreachable, quoting fd00::64:98 ->
	 * fd00::9:cport. */
	memset(&f, 0, sizeof(f));
	pkt_mac(f.b, HOST_DEV);
	pkt_mac(f.b + 6, HOST_CLIENT);
	put16(f.b + 12, 0x86dd);
	ip6 = f.b + ETH_HLEN;
	ic = ip6 + IP6_HLEN;
	q = ic + 8;
	put32(ip6, 6u << 28);
	put16(ip6 + 4, (uint16_t)plen);
	ip6[6] = 58;
	ip6[7] = 64;
	a6(ip6 + 8, ROUTER);
	a6(ip6 + 24, 0x64);
	ic[0] = 1;
	ic[1] = 4;
	put32(q, 6u << 28);
	put16(q + 4, 20);
	q[6] = IPPROTO_TCP;
	q[7] = 63;
	a6(q + 8, 0x64);
	a6(q + 24, HOST_CLIENT);
	put16(q + 40, 98);
	put16(q + 42, cport);
	put32(q + 44, 0x11223344);
	memcpy(pseudo, ip6 + 8, 32);
	put32(pseudo + 32, (uint32_t)plen);
	pseudo[39] = 58;
	put16(ic + 2, csum_fold(csum_add(csum_add(0, pseudo, 40), ic, plen)));
	f.len = ETH_HLEN + IP6_HLEN + plen;
	dp_run(&f, &r);
	expect_tun6(&f, &r, &w);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_RELAYED], 1);
	ip6[7] = 1;
	dp_run(&f, &r);
	assert_int_equal(r.verdict, XDP_DROP);
	assert_int_equal(r.delta[XLVS_CNT_ICMP_SENT], 0);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 0);
}

static int t6_setup(void **state)
{
	if (tb_write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1") ||
	    tb_sh("ip -6 addr replace fd00::1/64 dev " DP_DEV " nodad") ||
	    tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV " mtu lock %d",
		  H6_MTU, MTU6) ||
	    tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV " mtu lock 1320",
		  H6_FLOOR) ||
	    tb_sh("ip -6 route replace fd00::%x/128 dev " DP_DEV " mtu lock 1319",
		  H6_UNDER) ||
	    tb_sh("ip route replace 10.0.0.%d/32 dev " DP_DEV " mtu lock %d",
		  H4_MTU, MTU4))
		return -1;
	return svc_fixture_empty(state);
}

static int t6_teardown(void **state)
{
	tb_sh("ip -6 route del fd00::%x/128 dev " DP_DEV, H6_MTU);
	tb_sh("ip -6 route del fd00::%x/128 dev " DP_DEV, H6_FLOOR);
	tb_sh("ip -6 route del fd00::%x/128 dev " DP_DEV, H6_UNDER);
	tb_sh("ip route del 10.0.0.%d/32 dev " DP_DEV, H4_MTU);
	return svc_fixture_empty(state);
}

#define T6(f) cmocka_unit_test_setup_teardown(f, t6_setup, t6_teardown)

size_t tunnel6_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		T6(tunnel6_v6_in_v6),
		T6(tunnel6_gue_sport),
		T6(tunnel6_v4_in_v6),
		T6(tunnel6_v6_in_v4),
		T6(tunnel6_hop_limit),
		T6(tunnel6_too_big),
		T6(tunnel6_v4_too_big),
		T6(tunnel6_under_1280),
		T6(tunnel6_icmp6_relayed),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
