// SPDX-License-Identifier: GPL-2.0
/*
 * NAT (ipvsadm -m, XLVS_FWD_MASQ), one packet at a time through the XDP
 * program, every output frame judged byte by byte against what IPVS sends
 * (net/netfilter/ipvs/ip_vs_xmit.c ip_vs_nat_xmit with tcp/udp_dnat_handler
 * for the client's packets; ip_vs_core.c handle_response with
 * tcp/udp_snat_handler for the real server's replies), its checksums
 * recomputed here from scratch (csum_scratch.h), never incrementally.
 *
 *  - forward: daddr := RIP, dport := rport, TTL one less (__ip_vs_get_out_rt's
 *    decrement_ttl, for every route that is not local); every other byte
 *    as it came;
 *  - reply (RIP:rport -> CIP:cport of a tracked connection): saddr := VIP,
 *    sport := vport, TTL one less (ip_forward has lowered it before the
 *    FORWARD hook runs ip_vs_out), counted in pkts_reply; a reply of no
 *    connection, or with TTL <= 1 (ip_forward's time exceeded is the
 *    kernel's to send), passes byte for byte;
 *  - UDP: a datagram without checksum (0) keeps none; one whose new
 *    checksum computes to 0 carries 0xffff (udp_fast_csum_update's
 *    CSUM_MANGLED_0);
 *  - TCP states through the full table, both directions, against
 *    model_tcp_full.c after every packet: the state -L -c lists and the
 *    server's ActiveConn / InActConn as -L lists them;
 *  - one service mixing -g, -i and -m servers: each connection leaves by
 *    its own server's method;
 *  - damaged replies are never modified.
 * The client 10.0.0.9 gets a permanent neighbour entry here (the replies
 * are routed to it); NAT servers are 10.0.0.5 and 10.0.0.6.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "csum_scratch.h"
#include "bytes.h"
#include "harness.h"
#include "model.h"
#include "model_tcp_full.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define ETH_HLEN 14
#define NAT_RS   0x05           /* 10.0.0.5 */
#define NAT_RS2  0x06           /* 10.0.0.6 */
#define TUN_RS   0x04           /* 10.0.0.4, in the mixed service */

/* What the forward direction does to the TTL: IPVS lowers it by one for
 * NAT, DR and tunnels alike (ip_vs_xmit.c: __ip_vs_get_out_rt calls
 * decrement_ttl for every route that is not local). */
#define NAT_FWD_TTL_DELTA (-1)

static char why[512];           /* what the last failed check saw */

static const char *verdict_name(uint32_t v)
{
	static const char *names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
				       "XDP_TX", "XDP_REDIRECT" };

	return v < 5 ? names[v] : "?";
}

static void print_moved(const struct dp_result *r)
{
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		if (r->delta[i] && !xlvs_counter_is_sweeper(i))
			print_error("  counter %s +%llu\n", xlvs_counter_name(i),
				    (unsigned long long)r->delta[i]);
}

static void print_frames(const struct frame *got, const struct frame *want)
{
	size_t n = got->len > want->len ? got->len : want->len;

	print_error("  got/expected:");
	for (size_t j = 0; j < n && j < 128; j++)
		print_error("%s%02x/%02x", j % 8 ? " " : "\n  ",
			    j < got->len ? got->b[j] : 0, j < want->len ? want->b[j] : 0);
	print_error("\n");
}

/* Recompute the IP header checksum after a test edits the header. */
static void ip_refresh(uint8_t *ip)
{
	put16(ip + 10, 0);
	put16(ip + 10, cs_ip_hdr(ip));
}

/* ... and the L4 checksum, after it edits the segment (UDP: keep 0). */
static void l4_refresh(uint8_t *ip)
{
	uint8_t *ck = ip + cs_ihl(ip) + cs_l4_field(ip[9]);

	if (ip[9] == IPPROTO_UDP && !get16(ck))
		return;
	put16(ck, cs_l4(ip));
}

/* ------------------------------------------------------------ checks -- */

struct nat_want {
	uint8_t mac_to;             /* destination MAC: 02:..:<mac_to> */
	uint32_t saddr, daddr;      /* the addresses and ports out */
	uint16_t sport, dport;
	int ttl_delta;
};

/*
 * out must be in with the addresses, ports, TTL and MACs w says, both
 * checksums right from scratch (a UDP datagram that came without one leaves
 * with one: udp_dnat_handler's and udp_snat_handler's full sum), and every
 * other byte as it came.  NULL if so, else what differs (in why).
 */
static const char *check_rewritten(const struct frame *in, const struct dp_result *r,
				   const struct nat_want *w)
{
	const uint8_t *oip = r->out.b + ETH_HLEN, *iip = in->b + ETH_HLEN;
	size_t ihl = cs_ihl(iip), ck = cs_l4_field(iip[9]);
	bool udp = iip[9] == IPPROTO_UDP;
	struct frame want = *in;
	uint8_t *wip = want.b + ETH_HLEN;
	uint16_t got_ck, want_ck;

	if (r->rc) {
		snprintf(why, sizeof(why), "BPF_PROG_TEST_RUN failed (%d)", r->rc);
		return why;
	}
	if (r->verdict != XDP_TX && r->verdict != XDP_REDIRECT) {
		print_moved(r);
		snprintf(why, sizeof(why), "verdict %s, expected XDP_TX (or REDIRECT)",
			 verdict_name(r->verdict));
		return why;
	}
	if (r->out.len != in->len) {
		snprintf(why, sizeof(why), "frame %zu bytes long, expected %zu",
			 r->out.len, in->len);
		return why;
	}
	pkt_mac(want.b, w->mac_to);
	pkt_mac(want.b + 6, HOST_DEV);
	wip[8] = (uint8_t)(wip[8] + w->ttl_delta);
	put32(wip + 12, w->saddr);
	put32(wip + 16, w->daddr);
	put16(wip + ihl, w->sport);
	put16(wip + ihl + 2, w->dport);
	/* The checksum fields are judged below, from scratch. */
	memcpy(wip + 10, oip + 10, 2);
	memcpy(wip + ihl + ck, oip + ihl + ck, 2);
	for (size_t i = 0; i < want.len; i++)
		if (r->out.b[i] != want.b[i]) {
			print_frames(&r->out, &want);
			snprintf(why, sizeof(why), "byte %zu (IP +%ld): got %02x, expected %02x",
				 i, (long)i - ETH_HLEN, r->out.b[i], want.b[i]);
			return why;
		}
	if (!cs_same(get16(oip + 10), cs_ip_hdr(oip), false)) {
		snprintf(why, sizeof(why), "IP header checksum %04x, from scratch %04x",
			 get16(oip + 10), cs_ip_hdr(oip));
		return why;
	}
	got_ck = get16(oip + ihl + ck);
	want_ck = cs_l4(oip);
	if (!cs_same(got_ck, want_ck, udp)) {
		snprintf(why, sizeof(why), "%s checksum %04x, from scratch %04x%s",
			 udp ? "UDP" : "TCP", got_ck, want_ck,
			 udp && !get16(iip + ihl + ck) ? " (it came without)" : "");
		return why;
	}
	return NULL;
}

/* This verdict (or either of two) and the frame byte for byte. */
static const char *check_untouched(const struct frame *in, const struct dp_result *r,
				   uint32_t v1, uint32_t v2)
{
	if (r->rc) {
		snprintf(why, sizeof(why), "BPF_PROG_TEST_RUN failed (%d)", r->rc);
		return why;
	}
	if (r->verdict != v1 && r->verdict != v2) {
		print_moved(r);
		snprintf(why, sizeof(why), "verdict %s, expected %s%s%s",
			 verdict_name(r->verdict), verdict_name(v1),
			 v1 != v2 ? " or " : "", v1 != v2 ? verdict_name(v2) : "");
		return why;
	}
	if (r->out.len != in->len || memcmp(r->out.b, in->b, in->len)) {
		print_frames(&r->out, in);
		snprintf(why, sizeof(why), "frame modified (%zu bytes back, %zu in)",
			 r->out.len, in->len);
		return why;
	}
	return NULL;
}

#define EXPECT_OK(check) do {                                   \
		const char *e_ = (check);                       \
		if (e_)                                         \
			fail_msg("%s: %s", #check, e_);         \
	} while (0)

/* --------------------------------------------------------- the table -- */

/* A NAT service of one server: VIP:vport -> 10.0.0.<host>:rport. */
static void nat_service(uint8_t proto, uint16_t vport, uint8_t host, uint16_t rport)
{
	svc_add(proto, vport, "rr");
	rs_add_nat(proto, vport, host, rport, 1);
}

/* The connection as ipvsadm -L -c lists it. */
struct conn_seen {
	uint8_t proto;
	uint32_t caddr;
	uint16_t cport, vport;
	int n;                      /* entries listed for the tuple */
	char state[24];
	struct xlvs_endpoint dest;
};

static int conn_seen_cb(const struct xlvs_conn_info *ci, void *arg)
{
	struct conn_seen *s = arg;
	uint32_t ca, va;

	memcpy(&ca, ci->client.addr, 4);
	memcpy(&va, ci->vip.addr, 4);
	if (ci->proto != s->proto || ntohl(ca) != s->caddr ||
	    ci->client.port != s->cport || ntohl(va) != NET_VIP ||
	    ci->vip.port != s->vport)
		return 0;
	s->n++;
	snprintf(s->state, sizeof(s->state), "%s", ci->state);
	s->dest = ci->dest;
	return 0;
}

static void conn_seen(struct conn_seen *s, uint8_t proto, uint32_t caddr,
		      uint16_t cport, uint16_t vport)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->caddr = caddr;
	s->cport = cport;
	s->vport = vport;
	rc = xlvs_conns_list(&dp.t, conn_seen_cb, s);
	if (rc)
		fail_msg("xlvs_conns_list: %s", strerror(-rc));
}

/* The server's ActiveConn and InActConn, as ipvsadm -L lists them. */
static void dest_counts(uint8_t proto, uint16_t vport, uint8_t host, uint16_t rport,
			int64_t *active, int64_t *inactive)
{
	struct xlvs_snapshot snap;
	int rc = xlvs_snapshot_take(&dp.t, &snap);
	bool found = false;

	if (rc)
		fail_msg("xlvs_snapshot_take: %s", strerror(-rc));
	for (uint32_t i = 0; i < snap.nservices && !found; i++) {
		const struct xlvs_service_info *s = &snap.services[i];
		uint32_t va;

		memcpy(&va, s->conf.vip.addr, 4);
		if (s->conf.proto != proto || ntohl(va) != NET_VIP ||
		    s->conf.vip.port != vport)
			continue;
		for (uint32_t j = 0; j < s->ndests; j++) {
			const struct xlvs_dest_info *d = &s->dests[j];
			uint32_t ra;

			memcpy(&ra, d->conf.addr.addr, 4);
			if (ntohl(ra) != IP4(10, 0, 0, host) || d->conf.addr.port != rport)
				continue;
			*active = d->active;
			*inactive = d->inactive;
			found = true;
			break;
		}
	}
	xlvs_snapshot_free(&snap);
	if (!found)
		fail_msg("no real server 10.0.0.%u:%u under VIP:%u in the listing",
			 host, rport, vport);
}

/* --------------------------------------------------------- the frames -- */

/* The client's packet to VIP:vport. */
static void client_frame(struct frame *f, uint8_t proto, uint16_t cport,
			 uint16_t vport, uint8_t flags, uint16_t payload)
{
	struct pkt_spec s = { .proto = proto, .sport = cport, .dport = vport,
			      .tcp_flags = flags, .payload = payload };

	pkt_build(f, &s);
}

/* The real server's reply from 10.0.0.<host>:rport to caddr:cport, sent
 * from the server's MAC to the director's. */
static void reply_frame(struct frame *f, uint8_t proto, uint8_t host,
			uint16_t rport, uint32_t caddr, uint16_t cport,
			uint8_t flags, uint16_t payload)
{
	struct pkt_spec s = { .proto = proto, .saddr = IP4(10, 0, 0, host),
			      .daddr = caddr, .sport = rport, .dport = cport,
			      .tcp_flags = flags, .payload = payload };

	pkt_build(f, &s);
	pkt_mac(f->b + 6, host);
}

static struct nat_want fwd_want(uint8_t host, uint16_t cport, uint16_t rport)
{
	return (struct nat_want){ .mac_to = host, .saddr = NET_CLIENT,
				  .daddr = IP4(10, 0, 0, host), .sport = cport,
				  .dport = rport, .ttl_delta = NAT_FWD_TTL_DELTA };
}

static struct nat_want reply_want(uint16_t vport, uint32_t caddr, uint16_t cport)
{
	return (struct nat_want){ .mac_to = (uint8_t)caddr, .saddr = NET_VIP,
				  .daddr = caddr, .sport = vport, .dport = cport,
				  .ttl_delta = -1 };
}

/* Run the client's packet; it must leave NAT'd to host:rport. */
/* The counters the last fwd_ok moved. */
static uint64_t last_delta[XLVS_CNT_MAX];

static void fwd_ok(uint8_t proto, uint16_t cport, uint16_t vport, uint8_t flags,
		   uint16_t payload, uint8_t host, uint16_t rport)
{
	struct nat_want w = fwd_want(host, cport, rport);
	struct dp_result r;
	struct frame f;

	client_frame(&f, proto, cport, vport, flags, payload);
	dp_run(&f, &r);
	EXPECT_OK(check_rewritten(&f, &r, &w));
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 1);
	memcpy(last_delta, r.delta, sizeof(last_delta));
}

/* Run the server's reply; it must leave as from VIP:vport, counted. */
static void reply_ok(uint8_t proto, uint8_t host, uint16_t rport, uint16_t vport,
		     uint16_t cport, uint8_t flags, uint16_t payload)
{
	struct nat_want w = reply_want(vport, NET_CLIENT, cport);
	struct dp_result r;
	struct frame f;

	reply_frame(&f, proto, host, rport, NET_CLIENT, cport, flags, payload);
	dp_run(&f, &r);
	EXPECT_OK(check_rewritten(&f, &r, &w));
	assert_int_equal(r.delta[XLVS_CNT_PKTS_REPLY], 1);
}

/* Run f; the program must leave it as it is, passed (or v2), no reply
 * counted. */
static void untouched_ok(const struct frame *f, uint32_t v2)
{
	struct dp_result r;

	dp_run(f, &r);
	EXPECT_OK(check_untouched(f, &r, XDP_PASS, v2));
	assert_int_equal(r.delta[XLVS_CNT_PKTS_REPLY], 0);
	assert_int_equal(r.delta[XLVS_CNT_PKTS_FWD], 0);
}

/* ------------------------------------------- the helpers' own checks -- */

/* The from-scratch checksums, on frames whose answer is known: RFC 1071's
 * own arithmetic on a textbook header, pkt.c's frames, and damage. */
static void nat_selfcheck_csum(void **state)
{
	/* A textbook IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199) whose
	 * checksum is 0xb861. */
	static const uint8_t hdr[20] = { 0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11,
					 0xb8, 0x61, 192, 168, 0, 1, 192, 168, 0, 199 };
	struct pkt_spec tcp = { .proto = IPPROTO_TCP, .sport = 1234, .dport = 80,
				.tcp_flags = TH_SYN, .payload = 3 };
	struct pkt_spec udp = { .proto = IPPROTO_UDP, .sport = 1234, .dport = 53,
				.payload = 9, .ip_opt_len = 8 };
	struct frame f;
	uint8_t *ip = f.b + ETH_HLEN;

	(void)state;
	assert_int_equal(cs_ip_hdr(hdr), 0xb861);
	for (int p = 0; p < 2; p++) {
		pkt_build(&f, p ? &udp : &tcp);
		assert_int_equal(cs_ip_hdr(ip), get16(ip + 10));
		assert_true(cs_same(get16(ip + cs_ihl(ip) + cs_l4_field(ip[9])),
				    cs_l4(ip), p));
		/* A changed address changes both sums (the pseudo-header). */
		ip[19] ^= 1;
		assert_int_not_equal(cs_ip_hdr(ip), get16(ip + 10));
		assert_int_not_equal(cs_l4(ip),
				     get16(ip + cs_ihl(ip) + cs_l4_field(ip[9])));
		ip[19] ^= 1;
		/* So does a payload byte, the L4 sum only. */
		ip[get16(ip + 2) - 1] ^= 0x40;
		assert_int_equal(cs_ip_hdr(ip), get16(ip + 10));
		assert_int_not_equal(cs_l4(ip),
				     get16(ip + cs_ihl(ip) + cs_l4_field(ip[9])));
	}
	/* 0 and 0xffff: one number for TCP, not for UDP. */
	assert_true(cs_same(0, 0xffff, false));
	assert_true(cs_same(0xffff, 0, false));
	assert_false(cs_same(0, 0xffff, true));
	assert_false(cs_same(0x1234, 0x1235, false));
	/* A UDP datagram made to sum to 0 gets 0xffff. */
	pkt_build(&f, &udp);
	{
		uint8_t *l4 = ip + cs_ihl(ip), *pay = l4 + 8;
		uint16_t sum;

		put16(pay, 0);
		put16(l4 + 6, 0);
		sum = (uint16_t)~cs_l4(ip);     /* make it 0xffff */
		put16(pay, (uint16_t)(0xffff - sum));
		assert_int_equal(cs_l4(ip), 0xffff);
	}
}

/* check_rewritten itself: a NAT'd frame made here by hand passes, and
 * each kind of mistake is caught. */
static void nat_selfcheck_checker(void **state)
{
	struct dp_result r;
	struct frame f;
	struct nat_want w = fwd_want(NAT_RS, 4000, 8080);
	uint8_t *ip = r.out.b + ETH_HLEN;

	(void)state;
	for (int p = 0; p < 2; p++) {
		uint8_t proto = p ? IPPROTO_UDP : IPPROTO_TCP;
		size_t ck = 20 + cs_l4_field(proto);

		client_frame(&f, proto, 4000, 80, TH_SYN, 5);
		memset(&r, 0, sizeof(r));
		r.verdict = XDP_TX;
		r.out = f;
		pkt_mac(r.out.b, NAT_RS);
		pkt_mac(r.out.b + 6, HOST_DEV);
		put32(ip + 16, IP4(10, 0, 0, NAT_RS));
		put16(ip + 22, 8080);
		ip[8] = (uint8_t)(ip[8] + NAT_FWD_TTL_DELTA);
		ip_refresh(ip);
		l4_refresh(ip);
		EXPECT_OK(check_rewritten(&f, &r, &w));
		/* the L4 checksum one off */
		put16(ip + ck, (uint16_t)(get16(ip + ck) + 1));
		assert_non_null(check_rewritten(&f, &r, &w));
		l4_refresh(ip);
		/* the TTL as it came (the forward lowers it) */
		ip[8]++;
		ip_refresh(ip);
		assert_non_null(check_rewritten(&f, &r, &w));
		ip[8]--;
		ip_refresh(ip);
		/* the IP checksum left as it came */
		memcpy(ip + 10, f.b + ETH_HLEN + 10, 2);
		assert_non_null(check_rewritten(&f, &r, &w));
		ip_refresh(ip);
		/* a payload byte */
		r.out.b[r.out.len - 1] ^= 1;
		l4_refresh(ip);
		assert_non_null(check_rewritten(&f, &r, &w));
		r.out.b[r.out.len - 1] ^= 1;
		l4_refresh(ip);
		/* the wrong port, the source MAC, the verdict */
		put16(ip + 22, 8081);
		l4_refresh(ip);
		assert_non_null(check_rewritten(&f, &r, &w));
		put16(ip + 22, 8080);
		l4_refresh(ip);
		r.out.b[11] = 0x77;
		assert_non_null(check_rewritten(&f, &r, &w));
		pkt_mac(r.out.b + 6, HOST_DEV);
		r.verdict = XDP_PASS;
		assert_non_null(check_rewritten(&f, &r, &w));
		r.verdict = XDP_TX;
		EXPECT_OK(check_rewritten(&f, &r, &w));
		/* the frame as it came is not a rewritten one, and it is an
		 * untouched one */
		r.out = f;
		assert_non_null(check_rewritten(&f, &r, &w));
		r.verdict = XDP_PASS;
		EXPECT_OK(check_untouched(&f, &r, XDP_PASS, XDP_PASS));
		r.out.b[20] ^= 1;
		assert_non_null(check_untouched(&f, &r, XDP_PASS, XDP_DROP));
	}
	/* UDP without a checksum: it leaves with one, not with 0. */
	client_frame(&f, IPPROTO_UDP, 4000, 80, 0, 5);
	put16(f.b + ETH_HLEN + 26, 0);
	memset(&r, 0, sizeof(r));
	r.verdict = XDP_TX;
	r.out = f;
	pkt_mac(r.out.b, NAT_RS);
	pkt_mac(r.out.b + 6, HOST_DEV);
	put32(ip + 16, IP4(10, 0, 0, NAT_RS));
	put16(ip + 22, 8080);
	ip[8] = (uint8_t)(ip[8] + NAT_FWD_TTL_DELTA);
	ip_refresh(ip);
	assert_non_null(check_rewritten(&f, &r, &w));
	put16(ip + 26, cs_l4(ip));
	EXPECT_OK(check_rewritten(&f, &r, &w));
}

/* The model against the kernel table's cells, read off tcp_states[]. */
static void nat_selfcheck_model(void **state)
{
	static const struct { int dir; uint8_t flags; uint8_t st; } hs[] = {
		/* client opens, server answers, both close (client first) */
		{ MTF_IN, TH_SYN, XLVS_TCP_SYN_RECV },
		{ MTF_OUT, TH_SYN | TH_ACK, XLVS_TCP_SYN_RECV },
		{ MTF_IN, TH_ACK, XLVS_TCP_ESTABLISHED },
		{ MTF_IN, TH_ACK | TH_PUSH, XLVS_TCP_ESTABLISHED },
		{ MTF_OUT, TH_ACK | TH_PUSH, XLVS_TCP_ESTABLISHED },
		{ MTF_IN, TH_FIN | TH_ACK, XLVS_TCP_CLOSE_WAIT },
		{ MTF_OUT, TH_FIN | TH_ACK, XLVS_TCP_TIME_WAIT },
		{ MTF_IN, TH_ACK, XLVS_TCP_TIME_WAIT },
	};
	struct mtf_dest d = { 0 };
	struct mtf_conn c = { 0 };
	int saved = m_mutate;

	(void)state;
	m_mutate = 0;
	/* tcp_state_idx: rst before syn before fin before ack. */
	assert_int_equal(mtf_state_idx(TH_SYN | TH_RST | TH_FIN | TH_ACK), 3);
	assert_int_equal(mtf_state_idx(TH_SYN | TH_FIN | TH_ACK), 0);
	assert_int_equal(mtf_state_idx(TH_FIN | TH_ACK), 1);
	assert_int_equal(mtf_state_idx(TH_ACK | TH_PUSH), 2);
	assert_int_equal(mtf_state_idx(TH_PUSH | TH_URG), -1);
	/* A few cells, INPUT / OUTPUT / INPUT-ONLY. */
	assert_int_equal(mtf_table(0, 1, XLVS_TCP_ESTABLISHED), XLVS_TCP_CLOSE_WAIT);
	assert_int_equal(mtf_table(8, 1, XLVS_TCP_ESTABLISHED), XLVS_TCP_FIN_WAIT);
	assert_int_equal(mtf_table(4, 1, XLVS_TCP_ESTABLISHED), XLVS_TCP_FIN_WAIT);
	assert_int_equal(mtf_table(0, 3, XLVS_TCP_SYNACK), XLVS_TCP_SYN_RECV);
	assert_int_equal(mtf_table(8, 3, XLVS_TCP_SYNACK), XLVS_TCP_CLOSE);
	assert_int_equal(mtf_table(4, 3, XLVS_TCP_TIME_WAIT), XLVS_TCP_TIME_WAIT);
	assert_int_equal(mtf_table(4, 2, XLVS_TCP_LISTEN), XLVS_TCP_ESTABLISHED);
	assert_int_equal(mtf_table(0, 2, XLVS_TCP_LAST_ACK), XLVS_TCP_CLOSE);
	assert_int_equal(mtf_table(4, 0, XLVS_TCP_NONE), XLVS_TCP_SYN_SENT);
	assert_string_equal(mtf_state_name(XLVS_TCP_CLOSE_WAIT), "CLOSE_WAIT");

	assert_int_equal(mtf_in(&c, &d, true, TH_ACK, 1), MTF_NO_CONN);
	assert_false(c.live);
	assert_int_equal(mtf_out(&c, &d, TH_SYN | TH_ACK), MTF_NO_MATCH);
	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
		enum mtf_verdict v = hs[i].dir == MTF_IN ?
			mtf_in(&c, &d, true, hs[i].flags, 1) :
			mtf_out(&c, &d, hs[i].flags);

		assert_int_equal(v, i == 0 ? MTF_NEW :
				    hs[i].dir == MTF_IN ? MTF_FORWARDED : MTF_REPLIED);
		assert_int_equal(c.state, hs[i].st);
		assert_int_equal(d.active + d.inactive, 1);
		assert_int_equal(d.active, mtf_active(c.state));
	}
	/* TIME_WAIT: a SYN reschedules (conn_reuse_mode 1), SYN|RST ends it. */
	assert_int_equal(mtf_in(&c, &d, true, TH_SYN, 1), MTF_RESCHED);
	assert_int_equal(c.state, XLVS_TCP_SYN_RECV);
	assert_int_equal(d.active, 1);
	assert_int_equal(mtf_in(&c, &d, true, TH_RST, 1), MTF_FORWARDED);
	assert_int_equal(c.state, XLVS_TCP_SYN_RECV);      /* INPUT rst[sSR] */
	assert_int_equal(mtf_out(&c, &d, TH_RST), MTF_REPLIED);
	assert_int_equal(c.state, XLVS_TCP_CLOSE);
	assert_int_equal(d.active, 0);
	assert_int_equal(d.inactive, 1);
	assert_int_equal(mtf_in(&c, &d, true, TH_SYN | TH_RST, 1), MTF_GONE);
	assert_false(c.live);
	assert_int_equal(d.active + d.inactive, 0);
	/* No flags at all: CLOSE (set_tcp_state's new_state default). */
	assert_int_equal(mtf_in(&c, &d, true, TH_SYN, 1), MTF_NEW);
	assert_int_equal(mtf_out(&c, &d, 0), MTF_REPLIED);
	assert_int_equal(c.state, XLVS_TCP_CLOSE);
	/* FIN_WAIT is reused only for NOOUTPUT connections (bit 1). */
	c = (struct mtf_conn){ .live = true, .state = XLVS_TCP_FIN_WAIT };
	assert_false(mtf_new_conn_expected(&c, 3));
	c.nooutput = true;
	assert_true(mtf_new_conn_expected(&c, 3));
	assert_false(mtf_new_conn_expected(&c, 1));
	/* Direct routing's connection: INPUT-ONLY, a reply moves it to the
	 * full table for good. */
	memset(&d, 0, sizeof(d));
	c = (struct mtf_conn){ 0 };
	mtf_in(&c, &d, false, TH_SYN, 1);
	mtf_in(&c, &d, false, TH_ACK, 1);
	mtf_in(&c, &d, false, TH_FIN | TH_ACK, 1);
	assert_int_equal(c.state, XLVS_TCP_FIN_WAIT);      /* INPUT-ONLY fin */
	m_mutate = saved;
}

/* ---------------------------------------------------------- forward -- */

static void nat_fwd_tcp(void **state)
{
	static const uint16_t pay[] = { 0, 1, 2, 333, 1400 };
	uint16_t a = dp_port();

	(void)state;
	nat_service(IPPROTO_TCP, 7080, NAT_RS, 8080);
	/* A new connection and its next segments, every length. */
	fwd_ok(IPPROTO_TCP, a, 7080, TH_SYN, 0, NAT_RS, 8080);
	for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++)
		fwd_ok(IPPROTO_TCP, a, 7080, TH_ACK | TH_PUSH, pay[i], NAT_RS, 8080);
	for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++)
		fwd_ok(IPPROTO_TCP, dp_port(), 7080, TH_SYN, pay[i], NAT_RS, 8080);
	/* The real port the same as the virtual one. */
	nat_service(IPPROTO_TCP, 7081, NAT_RS2, 7081);
	fwd_ok(IPPROTO_TCP, dp_port(), 7081, TH_SYN, 17, NAT_RS2, 7081);
	/* IP options (8 and 40 bytes) travel with it, untouched: IPVS's
	 * tcp_dnat_handler finds the TCP header at ip_hdrlen. */
	for (int k = 0; k < 2; k++) {
		struct pkt_spec s = { .proto = IPPROTO_TCP, .sport = dp_port(),
				      .dport = 7080, .tcp_flags = TH_SYN, .payload = 9,
				      .ip_opt_len = k ? 40 : 8 };
		struct nat_want w = fwd_want(NAT_RS, s.sport, 8080);
		struct dp_result r;
		struct frame f;

		pkt_build(&f, &s);
		dp_run(&f, &r);
		EXPECT_OK(check_rewritten(&f, &r, &w));
	}
	/* DF, TOS, another ID: all carried. */
	{
		struct nat_want w;
		struct dp_result r;
		struct frame f;
		uint16_t b = dp_port();

		client_frame(&f, IPPROTO_TCP, b, 7080, TH_SYN, 40);
		f.b[ETH_HLEN + 1] = 0xb8;
		put16(f.b + ETH_HLEN + 4, 0xbeef);
		put16(f.b + ETH_HLEN + 6, 0x4000);
		ip_refresh(f.b + ETH_HLEN);
		w = fwd_want(NAT_RS, b, 8080);
		dp_run(&f, &r);
		EXPECT_OK(check_rewritten(&f, &r, &w));
	}
	/* Checksums that sit at the edges: the client's TCP checksum 0xffff
	 * or 0x0000 on the way in (both valid), and an incoming header whose
	 * checksum word is 0: the new sums are still right. */
	for (int k = 0; k < 2; k++) {
		struct nat_want w;
		struct dp_result r;
		struct frame f;
		uint16_t b = dp_port();
		uint8_t *ip = f.b + ETH_HLEN, *th;

		client_frame(&f, IPPROTO_TCP, b, 7080, TH_SYN, 2);
		th = ip + 20;
		/* Make the segment sum to 0xffff (field 0) with the payload. */
		put16(th + 20, 0);
		put16(th + 16, 0);
		{
			uint16_t c = cs_l4(ip);     /* = ~sum */
			uint16_t s = (uint16_t)~c;

			put16(th + 20, (uint16_t)(0xffff - s));
		}
		put16(th + 16, k ? 0xffff : 0x0000);
		w = fwd_want(NAT_RS, b, 8080);
		dp_run(&f, &r);
		EXPECT_OK(check_rewritten(&f, &r, &w));
	}
}

/* UDP: the lengths, no checksum, and the checksum that computes to 0. */
static void nat_fwd_udp(void **state)
{
	static const uint16_t pay[] = { 0, 1, 7, 100, 1401 };

	(void)state;
	nat_service(IPPROTO_UDP, 7053, NAT_RS, 5353);
	for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++) {
		uint16_t a = dp_port();

		fwd_ok(IPPROTO_UDP, a, 7053, 0, pay[i], NAT_RS, 5353);
		fwd_ok(IPPROTO_UDP, a, 7053, 0, pay[i], NAT_RS, 5353);
	}
	/* Without a checksum: it gets one (udp_dnat_handler's full sum, as
	 * for any datagram whose checksum is 0), on a new flow and an old
	 * one. */
	for (int i = 0; i < 2; i++) {
		struct nat_want w;
		struct dp_result r;
		struct frame f;
		uint16_t a = dp_port();

		for (int j = 0; j < 2; j++) {
			client_frame(&f, IPPROTO_UDP, a, 7053, 0, (uint16_t)(10 + i));
			put16(f.b + ETH_HLEN + 20 + 6, 0);
			w = fwd_want(NAT_RS, a, 5353);
			dp_run(&f, &r);
			EXPECT_OK(check_rewritten(&f, &r, &w));
			assert_int_not_equal(get16(r.out.b + ETH_HLEN + 20 + 6), 0);
		}
	}
	/* After the rewrite the datagram sums to 0: RFC 768 wants 0xffff.
	 * Two payload bytes are chosen so that the rewritten datagram sums
	 * so; the incoming one then has some other (valid) checksum. */
	{
		struct nat_want w;
		struct dp_result r;
		struct frame f, g;
		uint16_t a = dp_port();
		uint8_t *ip, *gip;

		client_frame(&f, IPPROTO_UDP, a, 7053, 0, 6);
		ip = f.b + ETH_HLEN;
		g = f;
		gip = g.b + ETH_HLEN;
		put32(gip + 16, IP4(10, 0, 0, NAT_RS));
		put16(gip + 22, 5353);
		put16(gip + 28, 0);
		put16(gip + 26, 0);
		{
			uint16_t s = (uint16_t)~cs_l4(gip);     /* its sum */
			uint16_t fix = (uint16_t)(0xffff - s);

			put16(gip + 28, fix);
			put16(ip + 28, fix);
		}
		assert_int_equal(cs_l4(gip), 0xffff);
		l4_refresh(ip);
		w = fwd_want(NAT_RS, a, 5353);
		dp_run(&f, &r);
		EXPECT_OK(check_rewritten(&f, &r, &w));
		assert_int_equal(get16(r.out.b + ETH_HLEN + 26), 0xffff);
	}
}

/* ------------------------------------------------------------ reply -- */

static void nat_reply_tcp(void **state)
{
	static const uint16_t pay[] = { 0, 1, 2, 999, 1400 };
	uint16_t a = dp_port();

	(void)state;
	nat_service(IPPROTO_TCP, 7082, NAT_RS, 8082);
	fwd_ok(IPPROTO_TCP, a, 7082, TH_SYN, 0, NAT_RS, 8082);
	reply_ok(IPPROTO_TCP, NAT_RS, 8082, 7082, a, TH_SYN | TH_ACK, 0);
	fwd_ok(IPPROTO_TCP, a, 7082, TH_ACK, 0, NAT_RS, 8082);
	for (size_t i = 0; i < sizeof(pay) / sizeof(pay[0]); i++) {
		reply_ok(IPPROTO_TCP, NAT_RS, 8082, 7082, a, TH_ACK | TH_PUSH, pay[i]);
		fwd_ok(IPPROTO_TCP, a, 7082, TH_ACK, pay[i], NAT_RS, 8082);
	}
	/* DF, TOS and ID carried back; the TTL lowered from 2 to 1, and from
	 * 255 to 254. */
	for (int k = 0; k < 2; k++) {
		struct nat_want w = reply_want(7082, NET_CLIENT, a);
		struct dp_result r;
		struct frame f;

		reply_frame(&f, IPPROTO_TCP, NAT_RS, 8082, NET_CLIENT, a, TH_ACK, 50);
		f.b[ETH_HLEN + 1] = 0x28;
		put16(f.b + ETH_HLEN + 4, 0x0102);
		put16(f.b + ETH_HLEN + 6, 0x4000);
		f.b[ETH_HLEN + 8] = k ? 255 : 2;
		ip_refresh(f.b + ETH_HLEN);
		dp_run(&f, &r);
		EXPECT_OK(check_rewritten(&f, &r, &w));
		assert_int_equal(r.out.b[ETH_HLEN + 8], k ? 254 : 1);
		assert_int_equal(r.delta[XLVS_CNT_PKTS_REPLY], 1);
	}
	/* A second connection of the same client to the same server keeps
	 * its own ports. */
	{
		uint16_t b = dp_port();

		fwd_ok(IPPROTO_TCP, b, 7082, TH_SYN, 0, NAT_RS, 8082);
		reply_ok(IPPROTO_TCP, NAT_RS, 8082, 7082, b, TH_SYN | TH_ACK, 0);
		reply_ok(IPPROTO_TCP, NAT_RS, 8082, 7082, a, TH_ACK, 10);
	}
}

static void nat_reply_udp(void **state)
{
	uint16_t a = dp_port();

	(void)state;
	nat_service(IPPROTO_UDP, 7054, NAT_RS, 5354);
	fwd_ok(IPPROTO_UDP, a, 7054, 0, 20, NAT_RS, 5354);
	reply_ok(IPPROTO_UDP, NAT_RS, 5354, 7054, a, 0, 0);
	reply_ok(IPPROTO_UDP, NAT_RS, 5354, 7054, a, 0, 1);
	reply_ok(IPPROTO_UDP, NAT_RS, 5354, 7054, a, 0, 512);
	/* A reply without a checksum gets one (udp_snat_handler). */
	{
		struct nat_want w = reply_want(7054, NET_CLIENT, a);
		struct dp_result r;
		struct frame f;

		reply_frame(&f, IPPROTO_UDP, NAT_RS, 5354, NET_CLIENT, a, 0, 33);
		put16(f.b + ETH_HLEN + 26, 0);
		dp_run(&f, &r);
		EXPECT_OK(check_rewritten(&f, &r, &w));
		assert_int_not_equal(get16(r.out.b + ETH_HLEN + 26), 0);
	}
	/* A reply whose rewritten checksum computes to 0: 0xffff. */
	{
		struct nat_want w = reply_want(7054, NET_CLIENT, a);
		struct dp_result r;
		struct frame f, g;
		uint8_t *ip, *gip;

		reply_frame(&f, IPPROTO_UDP, NAT_RS, 5354, NET_CLIENT, a, 0, 4);
		ip = f.b + ETH_HLEN;
		g = f;
		gip = g.b + ETH_HLEN;
		put32(gip + 12, NET_VIP);
		put16(gip + 20, 7054);
		put16(gip + 28, 0);
		put16(gip + 26, 0);
		{
			uint16_t fix = (uint16_t)(0xffff - (uint16_t)~cs_l4(gip));

			put16(gip + 28, fix);
			put16(ip + 28, fix);
		}
		assert_int_equal(cs_l4(gip), 0xffff);
		l4_refresh(ip);
		dp_run(&f, &r);
		EXPECT_OK(check_rewritten(&f, &r, &w));
		assert_int_equal(get16(r.out.b + ETH_HLEN + 26), 0xffff);
	}
}

/* Replies that match no connection pass as they came. */
static void nat_reply_nomatch(void **state)
{
	uint16_t a = dp_port(), never = dp_port();
	struct frame f;

	(void)state;
	nat_service(IPPROTO_TCP, 7083, NAT_RS, 8083);
	svc_add(IPPROTO_TCP, 7084, "rr");
	rs_add(IPPROTO_TCP, 7084, HOST_RS1, 1);          /* direct routing */
	fwd_ok(IPPROTO_TCP, a, 7083, TH_SYN, 0, NAT_RS, 8083);
	/* wrong real port */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8084, NET_CLIENT, a, TH_SYN | TH_ACK, 0);
	untouched_ok(&f, XDP_PASS);
	/* the virtual port as source: the server did not send that */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 7083, NET_CLIENT, a, TH_SYN | TH_ACK, 0);
	untouched_ok(&f, XDP_PASS);
	/* wrong client address, wrong client port, a port never seen */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8083, IP4(10, 0, 0, 10), a, TH_ACK, 0);
	untouched_ok(&f, XDP_PASS);
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8083, NET_CLIENT, (uint16_t)(a ^ 0x4000),
		    TH_ACK, 0);
	untouched_ok(&f, XDP_PASS);
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8083, NET_CLIENT, never, TH_ACK, 0);
	untouched_ok(&f, XDP_PASS);
	/* another server with the right ports */
	reply_frame(&f, IPPROTO_TCP, NAT_RS2, 8083, NET_CLIENT, a, TH_ACK, 0);
	untouched_ok(&f, XDP_PASS);
	/* the other protocol */
	reply_frame(&f, IPPROTO_UDP, NAT_RS, 8083, NET_CLIENT, a, 0, 8);
	untouched_ok(&f, XDP_PASS);
	/* a direct-routing server's own answer (it goes to the client
	 * directly; one that reaches the director is not ours) */
	{
		uint16_t b = dp_port();
		struct dp_result r;

		client_frame(&f, IPPROTO_TCP, b, 7084, TH_SYN, 0);
		dp_run(&f, &r);
		assert_int_equal(r.verdict, XDP_TX);
		reply_frame(&f, IPPROTO_TCP, HOST_RS1, 7084, NET_CLIENT, b,
			    TH_SYN | TH_ACK, 0);
		untouched_ok(&f, XDP_PASS);
	}
	/* and the right reply still goes */
	reply_ok(IPPROTO_TCP, NAT_RS, 8083, 7083, a, TH_SYN | TH_ACK, 0);
}

/* TTL 1 and 0: the kernel's forwarding answers with time exceeded. */
/* Whether the reply side of the client's port cport to 10.0.0.<host>:rport
 * is in its nat_reply shard. */
static bool reply_entry_there(uint8_t host, uint16_t rport, uint16_t cport)
{
	uint32_t bits = xlvs_conn_shard_bits(dp.t.meta.conn_max);
	struct xlvs_conn_key rk;
	struct xlvs_nat_reply r;
	bool there;
	int fd;

	tb_conn_key(&rk, IPPROTO_TCP, 0x0a000000 | host, NET_CLIENT, rport, cport);
	fd = xlvs_nat_reply_shard_fd(&dp.t, xlvs_conn_shard(&rk, bits));
	assert_true(fd >= 0);
	there = !bpf_map_lookup_elem(fd, &rk, &r);
	close(fd);
	return there;
}

/* A connection gone without its reply entry (deleted here behind the
 * program's back, as a lost race could leave it) leaves that entry
 * behind; the sweeper's next pass removes it, and keeps a live
 * connection's, whose replies still go. */
static void nat_reply_orphans(void **state)
{
	uint32_t bits = xlvs_conn_shard_bits(dp.t.meta.conn_max);
	uint16_t gone = dp_port(), live = dp_port();
	int64_t active, inactive;
	struct xlvs_conn_key k;
	uint64_t o0;
	int fd;

	(void)state;
	nat_service(IPPROTO_TCP, 7086, NAT_RS, 8086);
	fwd_ok(IPPROTO_TCP, gone, 7086, TH_SYN, 0, NAT_RS, 8086);
	fwd_ok(IPPROTO_TCP, live, 7086, TH_SYN, 0, NAT_RS, 8086);
	assert_true(reply_entry_there(NAT_RS, 8086, gone));
	assert_true(reply_entry_there(NAT_RS, 8086, live));
	tb_conn_key(&k, IPPROTO_TCP, NET_CLIENT, NET_VIP, gone, 7086);
	fd = xlvs_conn_shard_fd(&dp.t, xlvs_conn_shard(&k, bits));
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_delete_elem(fd, &k), 0);
	close(fd);
	o0 = dp_counter(XLVS_CNT_NAT_REPLY_ORPHANS);
	dp_passes_wait(2);
	assert_false(reply_entry_there(NAT_RS, 8086, gone));
	assert_true(reply_entry_there(NAT_RS, 8086, live));
	assert_true(dp_counter(XLVS_CNT_NAT_REPLY_ORPHANS) >= o0 + 1);
	/* The eviction's drift healed by the same passes, so that no later
	 * test finds a heal it did not cause. */
	dest_counts(IPPROTO_TCP, 7086, NAT_RS, 8086, &active, &inactive);
	assert_int_equal(active, 1);
	assert_int_equal(inactive, 0);
	reply_ok(IPPROTO_TCP, NAT_RS, 8086, 7086, live, TH_SYN | TH_ACK, 0);
}

/* The client's packet after a reply that moved the connection's state
 * (OUTPUT table: ESTABLISHED + the server's FIN -> FIN_WAIT) is served by
 * the table, not by this CPU's copy of the connection as it was before
 * (bpf/conn_cache.h); the copy made then serves the next. */
static void nat_cache_forgets_reply_state(void **state)
{
	uint16_t a = dp_port();
	struct conn_seen s;

	(void)state;
	dp_pin_here();
	nat_service(IPPROTO_TCP, 7087, NAT_RS, 8087);
	fwd_ok(IPPROTO_TCP, a, 7087, TH_SYN, 0, NAT_RS, 8087);
	reply_ok(IPPROTO_TCP, NAT_RS, 8087, 7087, a, TH_SYN | TH_ACK, 0);
	fwd_ok(IPPROTO_TCP, a, 7087, TH_ACK, 0, NAT_RS, 8087);
	fwd_ok(IPPROTO_TCP, a, 7087, TH_ACK | TH_PUSH, 10, NAT_RS, 8087);
	assert_int_equal(last_delta[XLVS_CNT_CONN_CACHE_HITS], 1);
	reply_ok(IPPROTO_TCP, NAT_RS, 8087, 7087, a, TH_FIN | TH_ACK, 0);
	fwd_ok(IPPROTO_TCP, a, 7087, TH_ACK, 0, NAT_RS, 8087);
	assert_int_equal(last_delta[XLVS_CNT_CONN_CACHE_HITS], 0);
	fwd_ok(IPPROTO_TCP, a, 7087, TH_ACK, 0, NAT_RS, 8087);
	assert_int_equal(last_delta[XLVS_CNT_CONN_CACHE_HITS], 1);
	conn_seen(&s, IPPROTO_TCP, NET_CLIENT, a, 7087);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.state, "FIN_WAIT");
	dp_unpin();
}

static void nat_reply_ttl(void **state)
{
	uint16_t a = dp_port();

	(void)state;
	nat_service(IPPROTO_TCP, 7085, NAT_RS, 8085);
	nat_service(IPPROTO_UDP, 7085, NAT_RS, 8085);
	fwd_ok(IPPROTO_TCP, a, 7085, TH_SYN, 0, NAT_RS, 8085);
	fwd_ok(IPPROTO_UDP, a, 7085, 0, 5, NAT_RS, 8085);
	for (int p = 0; p < 2; p++)
		for (int ttl = 0; ttl <= 1; ttl++) {
			struct frame f;

			reply_frame(&f, p ? IPPROTO_UDP : IPPROTO_TCP, NAT_RS, 8085,
				    NET_CLIENT, a, TH_SYN | TH_ACK, 10);
			f.b[ETH_HLEN + 8] = (uint8_t)ttl;
			ip_refresh(f.b + ETH_HLEN);
			untouched_ok(&f, XDP_PASS);
		}
	reply_ok(IPPROTO_TCP, NAT_RS, 8085, 7085, a, TH_SYN | TH_ACK, 0);
	reply_ok(IPPROTO_UDP, NAT_RS, 8085, 7085, a, 0, 3);
}

/* Damaged replies of a tracked connection: passed or dropped, never
 * written to. */
static void nat_reply_malformed(void **state)
{
	uint16_t a = dp_port();
	struct frame f;

	(void)state;
	nat_service(IPPROTO_TCP, 7086, NAT_RS, 8086);
	fwd_ok(IPPROTO_TCP, a, 7086, TH_SYN, 0, NAT_RS, 8086);
	/* TCP header cut short: 10 of its 20 bytes, tot_len saying so */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8086, NET_CLIENT, a, TH_SYN | TH_ACK, 0);
	pkt_mutate(&f, &(struct pkt_mut){ MUT_TRUNC, ETH_HLEN + 20 + 10 });
	pkt_mutate(&f, &(struct pkt_mut){ MUT_TOT_LEN, 20 + 10 });
	untouched_ok(&f, XDP_DROP);
	/* ... and the frame cut, tot_len still saying the whole */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8086, NET_CLIENT, a, TH_ACK, 100);
	pkt_mutate(&f, &(struct pkt_mut){ MUT_TRUNC, ETH_HLEN + 20 + 20 + 50 });
	untouched_ok(&f, XDP_DROP);
	/* TCP data offset under 5 */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8086, NET_CLIENT, a, TH_ACK, 8);
	pkt_mutate(&f, &(struct pkt_mut){ MUT_DOFF, 4 });
	untouched_ok(&f, XDP_DROP);
	/* bad IP header checksum */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8086, NET_CLIENT, a, TH_ACK, 8);
	f.b[ETH_HLEN + 10] ^= 0x5a;
	untouched_ok(&f, XDP_DROP);
	/* IHL 4 */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8086, NET_CLIENT, a, TH_ACK, 8);
	pkt_mutate(&f, &(struct pkt_mut){ MUT_IHL, 4 });
	untouched_ok(&f, XDP_DROP);
	/* IPv4 options present (8 bytes, Router Alert): the interface asked
	 * for leaves them untouched; IPVS itself translates them like any
	 * other (handle_response does not look at the options), so a right
	 * translation, options kept, passes too, and says so. */
	{
		struct pkt_spec s = { .proto = IPPROTO_TCP, .saddr = IP4(10, 0, 0, NAT_RS),
				      .daddr = NET_CLIENT, .sport = 8086, .dport = a,
				      .tcp_flags = TH_ACK, .payload = 8, .ip_opt_len = 8 };
		struct nat_want w = reply_want(7086, NET_CLIENT, a);
		struct dp_result r;

		pkt_build(&f, &s);
		pkt_mac(f.b + 6, NAT_RS);
		dp_run(&f, &r);
		if (r.verdict == XDP_TX || r.verdict == XDP_REDIRECT) {
			EXPECT_OK(check_rewritten(&f, &r, &w));
			print_message("nat_reply_malformed: a reply with IP options "
				      "was translated (as IPVS does), rightly\n");
		} else {
			EXPECT_OK(check_untouched(&f, &r, XDP_PASS, XDP_DROP));
		}
	}
	/* a fragment: more fragments set */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8086, NET_CLIENT, a, TH_ACK, 8);
	put16(f.b + ETH_HLEN + 6, 0x2000);
	ip_refresh(f.b + ETH_HLEN);
	untouched_ok(&f, XDP_DROP);
	/* tot_len beyond the frame */
	reply_frame(&f, IPPROTO_TCP, NAT_RS, 8086, NET_CLIENT, a, TH_ACK, 8);
	pkt_mutate(&f, &(struct pkt_mut){ MUT_TOT_LEN, 200 });
	untouched_ok(&f, XDP_DROP);
	/* the connection is still there and well */
	reply_ok(IPPROTO_TCP, NAT_RS, 8086, 7086, a, TH_SYN | TH_ACK, 0);
}

/* ------------------------------------------------------- TCP states -- */

/* One NAT connection and its model, checked after every segment. */
struct flow {
	uint16_t vport, rport, cport;
	uint8_t host;
	uint32_t reuse;             /* conn_reuse_mode as the table has it */
	enum mtf_verdict last;      /* what the model said of the last segment */
	struct mtf_conn c;
	struct mtf_dest *d;         /* the server's counts, shared */
};

static const char *flags_name(uint8_t f)
{
	static char buf[8][16];
	static int k;
	char *b = buf[k++ & 7];

	snprintf(b, 16, "%s%s%s%s%s%s", f & TH_SYN ? "S" : "", f & TH_FIN ? "F" : "",
		 f & TH_RST ? "R" : "", f & TH_PUSH ? "P" : "", f & TH_ACK ? "A" : "",
		 f ? "" : "-");
	return b;
}

/*
 * Send one segment of flow (dir MTF_IN from the client, MTF_OUT from the
 * server), move the model, and check the frame, the listed state and the
 * server's counts.  NULL or what was wrong.
 */
static const char *flow_step(struct flow *fl, enum mtf_dir dir, uint8_t flags,
			     uint16_t payload)
{
	enum mtf_verdict v;
	struct dp_result r;
	struct conn_seen s;
	struct frame f;
	struct nat_want w;
	int64_t act = -1, inact = -1;
	const char *e = NULL;

	if (dir == MTF_IN) {
		v = mtf_in(&fl->c, fl->d, true, flags, fl->reuse);
		client_frame(&f, IPPROTO_TCP, fl->cport, fl->vport, flags, payload);
	} else {
		v = mtf_out(&fl->c, fl->d, flags);
		reply_frame(&f, IPPROTO_TCP, fl->host, fl->rport, NET_CLIENT,
			    fl->cport, flags, payload);
	}
	fl->last = v;
	dp_run(&f, &r);
	switch (v) {
	case MTF_FORWARDED:
	case MTF_NEW:
	case MTF_RESCHED:
		w = fwd_want(fl->host, fl->cport, fl->rport);
		e = check_rewritten(&f, &r, &w);
		if (!e && r.delta[XLVS_CNT_CONNS_NEW] != (v != MTF_FORWARDED)) {
			snprintf(why, sizeof(why), "conns_new moved by %llu, the model %s",
				 (unsigned long long)r.delta[XLVS_CNT_CONNS_NEW],
				 v == MTF_FORWARDED ? "follows its connection" :
				 "schedules a new one");
			e = why;
		}
		break;
	case MTF_NO_CONN:
	case MTF_GONE:
	case MTF_NO_MATCH:
		e = check_untouched(&f, &r, XDP_PASS, XDP_PASS);
		break;
	case MTF_REPLIED:
		w = reply_want(fl->vport, NET_CLIENT, fl->cport);
		e = check_rewritten(&f, &r, &w);
		if (!e && r.delta[XLVS_CNT_PKTS_REPLY] != 1) {
			snprintf(why, sizeof(why), "pkts_reply moved by %llu",
				 (unsigned long long)r.delta[XLVS_CNT_PKTS_REPLY]);
			e = why;
		}
		break;
	}
	if (e)
		return e;
	conn_seen(&s, IPPROTO_TCP, NET_CLIENT, fl->cport, fl->vport);
	if (fl->c.live) {
		uint32_t ra;

		memcpy(&ra, s.dest.addr, 4);
		if (s.n != 1 || strcmp(s.state, mtf_state_name(fl->c.state))) {
			snprintf(why, sizeof(why), "listed %d entries, state %s; the model %s",
				 s.n, s.n ? s.state : "-", mtf_state_name(fl->c.state));
			return why;
		}
		if (ntohl(ra) != IP4(10, 0, 0, fl->host) || s.dest.port != fl->rport) {
			snprintf(why, sizeof(why), "listed with destination port %u", s.dest.port);
			return why;
		}
	} else if (s.n) {
		snprintf(why, sizeof(why), "listed in state %s; the model has no entry",
			 s.state);
		return why;
	}
	dest_counts(IPPROTO_TCP, fl->vport, fl->host, fl->rport, &act, &inact);
	if (act != fl->d->active || inact != fl->d->inactive) {
		snprintf(why, sizeof(why), "ActiveConn %lld InActConn %lld; the model %lld %lld",
			 (long long)act, (long long)inact, (long long)fl->d->active,
			 (long long)fl->d->inactive);
		return why;
	}
	return NULL;
}

static void flow_init(struct flow *fl, struct mtf_dest *d, uint16_t vport,
		      uint8_t host, uint16_t rport)
{
	memset(fl, 0, sizeof(*fl));
	fl->vport = vport;
	fl->rport = rport;
	fl->host = host;
	fl->cport = dp_port();
	fl->reuse = 1;
	fl->d = d;
}

#define STEP(fl, dir, flags, pay, want_state) do {                              \
		const char *e_ = flow_step((fl), (dir), (flags), (pay));        \
		if (e_)                                                         \
			fail_msg("%s:%u %s %s: %s", (dir) == MTF_IN ? "in" : "out", \
				 (fl)->cport, flags_name(flags), #want_state, e_); \
		if ((want_state) >= 0 && (fl)->c.state != (want_state))         \
			fail_msg("model: %s after %s, expected %s (kernel table)", \
				 mtf_state_name((fl)->c.state), flags_name(flags),  \
				 mtf_state_name((uint8_t)(want_state)));             \
	} while (0)

/* Scripted connections, interleaved on one server; the expected states
 * are read off tcp_states[] (INPUT, OUTPUT rows) by hand. */
static void nat_states_scripted(void **state)
{
	struct mtf_dest d = { 0 };
	struct flow a, b, c, e, g;

	(void)state;
	m_mutate_from_env();
	nat_service(IPPROTO_TCP, 7090, NAT_RS, 8090);
	flow_init(&a, &d, 7090, NAT_RS, 8090);
	flow_init(&b, &d, 7090, NAT_RS, 8090);
	flow_init(&c, &d, 7090, NAT_RS, 8090);
	flow_init(&e, &d, 7090, NAT_RS, 8090);
	flow_init(&g, &d, 7090, NAT_RS, 8090);

	/* a: the client closes first. b: the server does. Interleaved. */
	STEP(&a, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
	STEP(&b, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
	STEP(&a, MTF_OUT, TH_SYN | TH_ACK, 0, XLVS_TCP_SYN_RECV);
	STEP(&b, MTF_OUT, TH_SYN | TH_ACK, 0, XLVS_TCP_SYN_RECV);
	STEP(&a, MTF_IN, TH_ACK, 0, XLVS_TCP_ESTABLISHED);
	STEP(&a, MTF_IN, TH_ACK | TH_PUSH, 120, XLVS_TCP_ESTABLISHED);
	STEP(&b, MTF_IN, TH_ACK, 0, XLVS_TCP_ESTABLISHED);
	STEP(&a, MTF_OUT, TH_ACK | TH_PUSH, 1000, XLVS_TCP_ESTABLISHED);
	STEP(&b, MTF_OUT, TH_ACK | TH_PUSH, 3, XLVS_TCP_ESTABLISHED);
	STEP(&a, MTF_IN, TH_FIN | TH_ACK, 0, XLVS_TCP_CLOSE_WAIT);
	STEP(&b, MTF_OUT, TH_FIN | TH_ACK, 0, XLVS_TCP_FIN_WAIT);
	STEP(&a, MTF_OUT, TH_ACK, 0, XLVS_TCP_CLOSE_WAIT);
	STEP(&b, MTF_IN, TH_ACK, 0, XLVS_TCP_FIN_WAIT);
	STEP(&a, MTF_OUT, TH_FIN | TH_ACK, 0, XLVS_TCP_TIME_WAIT);
	STEP(&b, MTF_IN, TH_FIN | TH_ACK, 0, XLVS_TCP_TIME_WAIT);
	STEP(&a, MTF_IN, TH_ACK, 0, XLVS_TCP_TIME_WAIT);
	STEP(&b, MTF_OUT, TH_ACK, 0, XLVS_TCP_TIME_WAIT);
	/* a's port again: a SYN on TIME_WAIT is a new connection. */
	STEP(&a, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
	STEP(&a, MTF_OUT, TH_SYN | TH_ACK, 0, XLVS_TCP_SYN_RECV);

	/* c: resets. The server refuses in SYN_RECV: CLOSE (OUTPUT rst);
	 * a client's RST in SYN_RECV keeps it (INPUT rst[sSR] = sSR). */
	STEP(&c, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
	STEP(&c, MTF_IN, TH_RST, 0, XLVS_TCP_SYN_RECV);
	STEP(&c, MTF_OUT, TH_RST | TH_ACK, 0, XLVS_TCP_CLOSE);
	STEP(&c, MTF_OUT, TH_ACK, 0, XLVS_TCP_CLOSE);
	STEP(&c, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);          /* reused */
	STEP(&c, MTF_OUT, TH_SYN | TH_ACK, 0, XLVS_TCP_SYN_RECV);
	STEP(&c, MTF_IN, TH_ACK, 0, XLVS_TCP_ESTABLISHED);
	STEP(&c, MTF_IN, TH_RST, 0, XLVS_TCP_CLOSE);
	/* e: the server resets an established connection; its SYN-ACK
	 * retransmitted; a SYN on an established connection is not new. */
	STEP(&e, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
	STEP(&e, MTF_OUT, TH_SYN | TH_ACK, 0, XLVS_TCP_SYN_RECV);
	STEP(&e, MTF_OUT, TH_SYN | TH_ACK, 0, XLVS_TCP_SYN_RECV);
	STEP(&e, MTF_IN, TH_ACK, 0, XLVS_TCP_ESTABLISHED);
	STEP(&e, MTF_IN, TH_SYN, 0, XLVS_TCP_ESTABLISHED);
	STEP(&e, MTF_OUT, TH_RST, 0, XLVS_TCP_CLOSE);
	STEP(&e, MTF_IN, TH_ACK, 0, XLVS_TCP_CLOSE);
	/* conn_reuse_mode 3: bit 1 reuses FIN_WAIT only for connections
	 * without replies seen (NOOUTPUT), never NAT's: the SYN follows. */
	{
		struct flow h;

		flow_init(&h, &d, 7090, NAT_RS, 8090);
		h.reuse = 3;
		assert_int_equal(xlvs_sysctl_set(&dp.t, "conn_reuse_mode", 3), 0);
		STEP(&h, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
		STEP(&h, MTF_IN, TH_ACK, 0, XLVS_TCP_ESTABLISHED);
		STEP(&h, MTF_IN, TH_FIN | TH_ACK, 0, XLVS_TCP_CLOSE_WAIT);
		STEP(&h, MTF_OUT, TH_ACK, 0, XLVS_TCP_CLOSE_WAIT);
		flow_init(&h, &d, 7090, NAT_RS, 8090);
		h.reuse = 3;
		STEP(&h, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
		STEP(&h, MTF_IN, TH_ACK, 0, XLVS_TCP_ESTABLISHED);
		STEP(&h, MTF_OUT, TH_FIN | TH_ACK, 0, XLVS_TCP_FIN_WAIT);
		STEP(&h, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
		assert_int_equal(xlvs_sysctl_set(&dp.t, "conn_reuse_mode", 1), 0);
	}
	/* a client's ACK without any connection: not scheduled */
	{
		struct flow h;

		flow_init(&h, &d, 7090, NAT_RS, 8090);
		STEP(&h, MTF_IN, TH_ACK, 0, XLVS_TCP_NONE);
		STEP(&h, MTF_OUT, TH_SYN | TH_ACK, 0, XLVS_TCP_NONE);
		STEP(&h, MTF_IN, TH_FIN | TH_ACK, 0, XLVS_TCP_NONE);
	}
	/* g, last (so the steps above are judged whatever this finds): the
	 * server's FIN twice, and no flags at all (set_tcp_state:
	 * tcp_state_idx -1 leaves new_state at its CLOSE). */
	STEP(&g, MTF_IN, TH_SYN, 0, XLVS_TCP_SYN_RECV);
	STEP(&g, MTF_IN, TH_ACK, 0, XLVS_TCP_ESTABLISHED);
	STEP(&g, MTF_OUT, TH_FIN | TH_ACK, 0, XLVS_TCP_FIN_WAIT);
	STEP(&g, MTF_OUT, TH_FIN | TH_ACK, 0, XLVS_TCP_FIN_WAIT);
	STEP(&g, MTF_IN, TH_ACK | TH_PUSH, 10, XLVS_TCP_FIN_WAIT);
	STEP(&g, MTF_IN, TH_PUSH, 10, XLVS_TCP_CLOSE);
}

static uint32_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift32: the same sequence everywhere for a seed. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

#define RAND_SEQS  40
#define RAND_STEPS 32

/* Random flags both ways on fresh connections, the model judging every
 * step; every other sequence with conn_reuse_mode 3 (bit 1 must not reuse
 * a NAT connection in FIN_WAIT).  XLVS_NAT_SEED=<n> replays a run.
 * with_none: segments with none of SYN, FIN, RST, ACK too (PSH alone, or
 * nothing), which set_tcp_state sends to CLOSE; without, the rest of the
 * table is judged even while that one rule is wrong. */
static void states_random(bool with_none)
{
	static const uint8_t in_flags[] = {
		TH_SYN, TH_SYN, TH_ACK, TH_ACK, TH_ACK | TH_PUSH, TH_FIN | TH_ACK,
		TH_FIN, TH_RST, TH_RST | TH_ACK, TH_SYN | TH_ACK, TH_SYN | TH_FIN,
		TH_SYN | TH_RST, TH_PUSH, 0,
	};
	static const uint8_t out_flags[] = {
		TH_SYN | TH_ACK, TH_SYN | TH_ACK, TH_ACK, TH_ACK, TH_ACK | TH_PUSH,
		TH_FIN | TH_ACK, TH_FIN, TH_RST, TH_RST | TH_ACK, TH_SYN, TH_PUSH, 0,
	};
	const char *env = getenv("XLVS_NAT_SEED");
	uint32_t seed = env ? (uint32_t)strtoul(env, NULL, 0) : 0x5eed2026u;
	size_t n_in = sizeof(in_flags), n_out = sizeof(out_flags);
	unsigned int seen[MTF_NO_MATCH + 1] = { 0 };

	m_mutate_from_env();
	/* The last two of each list are the ones without S, F, R or A. */
	if (!with_none) {
		n_in -= 2;
		n_out -= 2;
	}
	print_message("nat_states_random%s: seed %u (XLVS_NAT_SEED)\n",
		      with_none ? "" : "_flagged", seed);
	rng_state = seed ? seed : 1;
	for (int q = 0; q < RAND_SEQS; q++) {
		struct mtf_dest d = { 0 };
		struct flow fl[2];
		char hist[RAND_STEPS * 2][24];
		uint16_t vport = (uint16_t)((with_none ? 7100 : 7150) + q);
		uint32_t reuse = q & 1 ? 3 : 1;
		int nh = 0;

		/* A fresh service on its own port for each sequence: the
		 * sweeper may expire the earlier ones' CLOSE entries (10 s)
		 * while this one runs, and a server deleted with connections
		 * and added back to the same service would come back from the
		 * trash with their counts (ip_vs_trash_get_dest). */
		svc_clear();
		nat_service(IPPROTO_TCP, vport, NAT_RS, 8091);
		assert_int_equal(xlvs_sysctl_set(&dp.t, "conn_reuse_mode", reuse), 0);
		for (int k = 0; k < 2; k++) {
			flow_init(&fl[k], &d, vport, NAT_RS, 8091);
			fl[k].reuse = reuse;
			snprintf(hist[nh++], sizeof(hist[0]), "%d:in S", k);
			const char *e = flow_step(&fl[k], MTF_IN, TH_SYN, 0);

			if (e)
				fail_msg("seed %u seq %d: the opening SYN: %s", seed, q, e);
		}
		for (int i = 0; i < RAND_STEPS; i++) {
			int k = (int)(rnd() & 1);
			enum mtf_dir dir = rnd() & 1 ? MTF_OUT : MTF_IN;
			uint8_t fg = dir == MTF_IN ?
				in_flags[rnd() % n_in] : out_flags[rnd() % n_out];
			uint16_t pay = fg & TH_PUSH ? (uint16_t)(rnd() % 700) : 0;
			uint8_t before = fl[k].c.state;
			const char *e;

			if (nh < RAND_STEPS * 2)
				snprintf(hist[nh++], sizeof(hist[0]), "%d:%s %s (%s)", k,
					 dir == MTF_IN ? "in" : "out", flags_name(fg),
					 fl[k].c.live ? mtf_state_name(before) : "none");
			e = flow_step(&fl[k], dir, fg, pay);
			seen[fl[k].last]++;
			if (!e)
				continue;
			print_error("seed %u, sequence %d (conn_reuse_mode %u), the segments so far "
				    "(flow:direction flags (model state before)):\n", seed, q,
				    reuse);
			for (int j = 0; j < nh; j++)
				print_error("  %s\n", hist[j]);
			fail_msg("seed %u seq %d step %d: flow %d %s %s: %s", seed, q, i,
				 k, dir == MTF_IN ? "in" : "out", flags_name(fg), e);
		}
	}
	/* What the run went through, to see that it reached every case. */
	print_message("  forwarded %u, new %u, rescheduled %u, no connection %u, "
		      "expired by SYN|RST %u, replies %u, replies unmatched %u\n",
		      seen[MTF_FORWARDED], seen[MTF_NEW], seen[MTF_RESCHED],
		      seen[MTF_NO_CONN], seen[MTF_GONE], seen[MTF_REPLIED],
		      seen[MTF_NO_MATCH]);
}

static void nat_states_random(void **state)
{
	(void)state;
	states_random(true);
}

static void nat_states_random_flagged(void **state)
{
	(void)state;
	states_random(false);
}

/* ------------------------------------------------ mixed methods -- */

enum shape { SHAPE_NONE, SHAPE_DR, SHAPE_TUN, SHAPE_NAT };

/* Which method the output frame was sent by: DR the MACs changed (to .3)
 * and the TTL one lower (decrement_ttl), a tunnel an outer IPIP header to .4 around the packet, NAT
 * the addresses rewritten to .5:9092.  Anything else: NONE. */
static enum shape shape_of(const struct frame *in, const struct dp_result *r,
			   uint16_t cport)
{
	struct frame want = *in;
	const uint8_t *o = r->out.b + ETH_HLEN;
	struct nat_want w = fwd_want(NAT_RS, cport, 9092);

	if (r->rc || r->verdict != XDP_TX)
		return SHAPE_NONE;
	pkt_mac(want.b, HOST_RS1);
	pkt_mac(want.b + 6, HOST_DEV);
	want.b[ETH_HLEN + 8]--;
	ip_refresh(want.b + ETH_HLEN);
	if (r->out.len == in->len && !memcmp(r->out.b, want.b, in->len))
		return SHAPE_DR;
	if (r->out.len == in->len + 20 && o[9] == 4 &&
	    get32(o + 16) == IP4(10, 0, 0, TUN_RS) && r->out.b[5] == TUN_RS &&
	    cs_ip_hdr(o) == get16(o + 10) &&
	    !memcmp(o + 20 + 12, in->b + ETH_HLEN + 12, in->len - ETH_HLEN - 12))
		return SHAPE_TUN;       /* inner addresses, ports, payload as sent */
	if (!check_rewritten(in, r, &w))
		return SHAPE_NAT;
	return SHAPE_NONE;
}

static void nat_mixed_methods(void **state)
{
	static const char *names[] = { "none", "DR", "tunnel", "NAT" };
	uint16_t ports[9];
	enum shape got[9];
	int n[4] = { 0 };

	(void)state;
	svc_add(IPPROTO_TCP, 7092, "rr");
	rs_add(IPPROTO_TCP, 7092, HOST_RS1, 1);
	rs_add_tun(IPPROTO_TCP, 7092, TUN_RS);
	rs_add_nat(IPPROTO_TCP, 7092, NAT_RS, 9092, 1);
	for (int i = 0; i < 9; i++) {
		struct dp_result r;
		struct frame f;

		ports[i] = dp_port();
		client_frame(&f, IPPROTO_TCP, ports[i], 7092, TH_SYN, (uint16_t)(i * 37));
		dp_run(&f, &r);
		got[i] = shape_of(&f, &r, ports[i]);
		if (got[i] == SHAPE_NONE) {
			print_moved(&r);
			fail_msg("connection %d (port %u) left by no method: verdict %s, "
				 "%zu bytes (%s)", i, ports[i], verdict_name(r.verdict),
				 r.out.len, why);
		}
		n[got[i]]++;
	}
	/* rr over three servers: three connections each. */
	assert_int_equal(n[SHAPE_DR], 3);
	assert_int_equal(n[SHAPE_TUN], 3);
	assert_int_equal(n[SHAPE_NAT], 3);
	/* Each connection's next segments by the same method; replies only
	 * for the NAT ones. */
	for (int i = 0; i < 9; i++) {
		struct dp_result r;
		struct frame f;
		enum shape s;

		client_frame(&f, IPPROTO_TCP, ports[i], 7092, TH_ACK | TH_PUSH, 99);
		dp_run(&f, &r);
		s = shape_of(&f, &r, ports[i]);
		if (s != got[i])
			fail_msg("connection %d went by %s, then by %s", i,
				 names[got[i]], names[s]);
		if (got[i] == SHAPE_NAT) {
			reply_ok(IPPROTO_TCP, NAT_RS, 9092, 7092, ports[i],
				 TH_SYN | TH_ACK, 0);
		} else {
			uint8_t h = got[i] == SHAPE_DR ? HOST_RS1 : TUN_RS;

			reply_frame(&f, IPPROTO_TCP, h, 7092, NET_CLIENT, ports[i],
				    TH_SYN | TH_ACK, 0);
			untouched_ok(&f, XDP_PASS);
		}
	}
	/* -L -c names each connection's own server. */
	for (int i = 0; i < 9; i++) {
		static const uint8_t host[] = { 0, HOST_RS1, TUN_RS, NAT_RS };
		static const uint16_t port[] = { 0, 7092, 7092, 9092 };
		struct conn_seen s;
		uint32_t ra;

		conn_seen(&s, IPPROTO_TCP, NET_CLIENT, ports[i], 7092);
		memcpy(&ra, s.dest.addr, 4);
		assert_int_equal(s.n, 1);
		assert_int_equal(ntohl(ra), IP4(10, 0, 0, host[got[i]]));
		assert_int_equal(s.dest.port, port[got[i]]);
	}
}

/* ---------------------------------------------------------- fixture -- */

static int nat_setup(void **state)
{
	if (tb_sh("ip neigh replace 10.0.0.9 lladdr 02:00:00:00:00:09 dev %s "
		  "nud permanent", DP_DEV))
		return -1;
	if (tb_sh("ip neigh replace 10.0.0.10 lladdr 02:00:00:00:00:0a dev %s "
		  "nud permanent", DP_DEV))
		return -1;
	return svc_fixture_empty(state);
}

static int nat_teardown(void **state)
{
	xlvs_sysctl_set(&dp.t, "conn_reuse_mode", 1);
	tb_sh("ip neigh del 10.0.0.9 dev %s", DP_DEV);
	tb_sh("ip neigh del 10.0.0.10 dev %s", DP_DEV);
	return svc_fixture_empty(state);
}

#define NAT_TEST(f) { .name = "nat_" #f, .test_func = nat_##f, \
		      .setup_func = nat_setup, .teardown_func = nat_teardown }

size_t nat_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		{ .name = "nat_selfcheck_csum", .test_func = nat_selfcheck_csum },
		{ .name = "nat_selfcheck_model", .test_func = nat_selfcheck_model },
		{ .name = "nat_selfcheck_checker", .test_func = nat_selfcheck_checker },
		NAT_TEST(fwd_tcp),
		NAT_TEST(fwd_udp),
		NAT_TEST(reply_tcp),
		NAT_TEST(reply_udp),
		NAT_TEST(reply_nomatch),
		NAT_TEST(reply_ttl),
		NAT_TEST(reply_orphans),
		NAT_TEST(cache_forgets_reply_state),
		NAT_TEST(reply_malformed),
		NAT_TEST(states_scripted),
		NAT_TEST(states_random),
		NAT_TEST(states_random_flagged),
		NAT_TEST(mixed_methods),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
