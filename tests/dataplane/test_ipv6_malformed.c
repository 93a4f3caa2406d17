// SPDX-License-Identifier: GPL-2.0
/*
 * Broken, partial and odd IPv6 frames aimed at TCP fd00::64:80 and UDP
 * fd00::64:53 (one direct-routing server, fd00::3).  Each is either passed
 * byte for byte with the counter that says why, or -- where the kernel
 * would have handed it to IPVS -- forwarded as any other packet of the
 * service.  What the kernel does was read from net/ipv6/ip6_input.c
 * (ip6_rcv_core) and net/ipv6/exthdrs_core.c (ipv6_find_hdr, which
 * ip_vs_fill_iph_skb uses); IPVS runs at LOCAL_IN, before
 * ip6_protocol_deliver_rcu walks the extension headers, so neither a
 * Routing header's Segments Left nor the extension-header limit
 * (max_ext_hdrs_cnt) nor a Hop-by-Hop header's place stops it.  Cases
 * named "kernel:" follow a kernel rule the first IPv6 spec had otherwise
 * (it passed them).
 * Offsets: Ethernet 0..13, IPv6 14..53, then the extension headers.
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
#include "tests.h"

enum m6 { M6_NONE, M6_TRUNC, M6_PLEN, M6_VERSION };

enum src6 { SRC_CLIENT, SRC_MCAST, SRC_LOOP, SRC_UNSPEC, SRC_V4MAPPED };

struct v6_case {
	const char *desc;
	uint8_t proto;
	uint8_t flags;
	enum src6 src;
	struct pkt6_ext ext[PKT6_EXT_MAX];
	int n_ext;
	uint16_t payload;
	enum m6 mut;
	unsigned int val;
	bool fwd;               /* forwarded to fd00::3, one connection new */
	uint32_t verdict;
	int counter;
};

#define SYN   .proto = IPPROTO_TCP, .flags = TH_SYN
#define UDP   .proto = IPPROTO_UDP, .payload = 32
#define MALF  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_MALFORMED
#define FRAG  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_FRAGMENT
#define PASS  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS
#define FWD   .fwd = true
#define E(t, l, s, f) { .type = (t), .len8 = (l), .segleft = (s), .frag = (f) }
#define HBH  E(IPPROTO_HOPOPTS, 0, 0, 0)
#define DST  E(IPPROTO_DSTOPTS, 0, 0, 0)

static const struct v6_case v6_cases[] = {
	/* ---- the IPv6 header ---- */
	{ "v6bad: Ethernet header only", SYN, .mut = M6_TRUNC, .val = 14, MALF },
	{ "v6bad: header cut short (16 of 40 bytes)", SYN, .mut = M6_TRUNC,
	  .val = 30, MALF },
	{ "v6bad: header cut short by one byte", SYN, .mut = M6_TRUNC, .val = 53,
	  MALF },
	{ "v6bad: version 4 under the IPv6 ethertype", SYN, .mut = M6_VERSION,
	  .val = 4, MALF },
	{ "v6bad: version 0", UDP, .mut = M6_VERSION, .val = 0, MALF },
	{ "v6bad: payload_len one byte past the frame", SYN, .mut = M6_PLEN,
	  .val = 21, MALF },
	{ "v6bad: payload_len 65535", UDP, .mut = M6_PLEN, .val = 65535, MALF },
	{ "v6bad: payload_len 65496 (40 more is 65536)", SYN, .mut = M6_PLEN,
	  .val = 65496, MALF },
	{ "v6bad: payload_len 65495 (40 more is 65535)", SYN, .mut = M6_PLEN,
	  .val = 65495, MALF },
	{ "v6bad: payload_len ends inside the TCP header", SYN, .mut = M6_PLEN,
	  .val = 10, MALF },
	{ "v6bad: payload_len ends inside the UDP header", UDP, .mut = M6_PLEN,
	  .val = 4, MALF },
	{ "v6bad: TCP header cut short with the frame", SYN, .mut = M6_TRUNC,
	  .val = 64, MALF },
	{ "v6bad: payload_len 0, TCP next (no jumbogram)", SYN, .mut = M6_PLEN,
	  .val = 0, PASS },
	{ "v6bad: payload_len 0 with Hop-by-Hop first (a jumbogram)", SYN,
	  .ext = { HBH }, .n_ext = 1, .mut = M6_PLEN, .val = 0, PASS },

	/* ---- sources ip6_rcv_core drops ---- */
	{ "v6bad: multicast source (ff02::1)", SYN, .src = SRC_MCAST, MALF },
	{ "v6bad: loopback source (::1)", UDP, .src = SRC_LOOP, MALF },
	/* ip6_rcv_core keeps these (RFC 4291 2.5.5.2 is not checked there:
	 * only tcp_v6_conn_request refuses a v4-mapped source, for sockets);
	 * IPVS schedules them. */
	{ "v6bad: kernel: unspecified source (::) is scheduled", SYN,
	  .src = SRC_UNSPEC, FWD },
	{ "v6bad: kernel: IPv4-mapped source is scheduled", UDP,
	  .src = SRC_V4MAPPED, FWD },

	/* ---- extension headers skipped ---- */
	{ "v6ext: Hop-by-Hop, TCP", SYN, .ext = { HBH }, .n_ext = 1, FWD },
	{ "v6ext: Destination Options (16 bytes), UDP", UDP,
	  .ext = { E(IPPROTO_DSTOPTS, 1, 0, 0) }, .n_ext = 1, FWD },
	{ "v6ext: Routing, Segments Left 0", SYN,
	  .ext = { E(IPPROTO_ROUTING, 2, 0, 0) }, .n_ext = 1, FWD },
	{ "v6ext: Hop-by-Hop, Dest Options, Routing (0 left), Dest Options",
	  SYN, .ext = { HBH, DST, E(IPPROTO_ROUTING, 2, 0, 0), DST }, .n_ext = 4,
	  FWD },
	{ "v6ext: kernel: Routing with Segments Left 1 (IPVS runs first)", SYN,
	  .ext = { E(IPPROTO_ROUTING, 2, 1, 0) }, .n_ext = 1, FWD },
	{ "v6ext: kernel: five extension headers (ipv6_find_hdr has no limit)",
	  UDP, .ext = { HBH, DST, DST, DST, DST }, .n_ext = 5, FWD },
	{ "v6ext: kernel: Hop-by-Hop not first (skipped as any other)", SYN,
	  .ext = { DST, HBH }, .n_ext = 2, FWD },

	/* ---- extension headers that stop the walk ---- */
	{ "v6ext: ESP: passed", .proto = IPPROTO_ESP, .payload = 40, PASS },
	{ "v6ext: No Next Header: passed", .proto = IPPROTO_NONE, .payload = 0,
	  .ext = { DST }, .n_ext = 1, PASS },
	{ "v6ext: first fragment (offset 0, M)", SYN,
	  .ext = { E(IPPROTO_FRAGMENT, 0, 0, 1) }, .n_ext = 1, FRAG },
	{ "v6ext: middle fragment (offset 100, M)", UDP,
	  .ext = { E(IPPROTO_FRAGMENT, 0, 0, 100 << 3 | 1) }, .n_ext = 1, FRAG },
	{ "v6ext: last fragment (offset 100)", SYN,
	  .ext = { E(IPPROTO_FRAGMENT, 0, 0, 100 << 3) }, .n_ext = 1, FRAG },
	{ "v6ext: fragment after Hop-by-Hop", UDP,
	  .ext = { HBH, E(IPPROTO_FRAGMENT, 0, 0, 1) }, .n_ext = 2, FRAG },

	/* ---- extension headers cut short ---- */
	{ "v6ext: Dest Options running past payload_len", SYN,
	  .ext = { DST }, .n_ext = 1, .mut = M6_PLEN, .val = 4, MALF },
	{ "v6ext: Dest Options cut by the frame", SYN, .ext = { DST },
	  .n_ext = 1, .mut = M6_TRUNC, .val = 58, MALF },
	{ "v6ext: TCP header not in the payload after Hop-by-Hop", SYN,
	  .ext = { HBH }, .n_ext = 1, .mut = M6_PLEN, .val = 8 + 12, MALF },
	{ "v6ext: UDP header not in the payload after Routing", UDP,
	  .ext = { E(IPPROTO_ROUTING, 2, 0, 0) }, .n_ext = 1, .mut = M6_PLEN,
	  .val = 24 + 6, MALF },
};

static int v6bad_fixture(void **state)
{
	if (dp6_setup(state))
		return -1;
	svc6_add(IPPROTO_TCP, 80, "rr");
	rs6_add(IPPROTO_TCP, 80, HOST_RS1, 1);
	svc6_add(IPPROTO_UDP, 53, "rr");
	rs6_add(IPPROTO_UDP, 53, HOST_RS1, 1);
	return 0;
}

static void v6_source(uint8_t a[16], enum src6 src)
{
	memset(a, 0, 16);
	switch (src) {
	case SRC_CLIENT:
		ip6_host(a, HOST_CLIENT);
		break;
	case SRC_MCAST:
		a[0] = 0xff;
		a[1] = 0x02;
		a[15] = 1;
		break;
	case SRC_LOOP:
		a[15] = 1;
		break;
	case SRC_UNSPEC:
		break;
	case SRC_V4MAPPED:
		a[10] = a[11] = 0xff;
		a[12] = 10;
		a[15] = HOST_CLIENT;
		break;
	}
}

static void run_v6_case(void **state)
{
	const struct v6_case *c = *state;
	struct pkt6_spec s;
	struct dp_result r;
	struct frame f;

	pkt6_init(&s, c->proto, dp_port(), c->proto == IPPROTO_UDP ? 53 : 80,
		  c->flags);
	s.payload = c->payload;
	v6_source(s.saddr, c->src);
	memcpy(s.ext, c->ext, sizeof(s.ext));
	s.n_ext = c->n_ext;
	pkt6_build(&f, &s);
	switch (c->mut) {
	case M6_NONE:
		break;
	case M6_TRUNC:
		assert_true(c->val <= f.len);
		f.len = c->val;
		break;
	case M6_PLEN:
		put16(f.b + OFF_IP6 + 4, (uint16_t)c->val);
		break;
	case M6_VERSION:
		f.b[OFF_IP6] = (uint8_t)(c->val << 4 | (f.b[OFF_IP6] & 15));
		break;
	}
	dp_run(&f, &r);
	if (c->fwd) {
		expect6_forwarded(&f, &r, HOST_RS1);
		expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONNS_NEW);
		return;
	}
	expect_unchanged(&f, &r, c->verdict);
	expect_counters(&r, c->counter);
}

size_t ipv6_malformed_tests(struct CMUnitTest *out, size_t room)
{
	size_t i, n = sizeof(v6_cases) / sizeof(v6_cases[0]);

	for (i = 0; i < n && i < room; i++)
		out[i] = (struct CMUnitTest){
			.name = v6_cases[i].desc, .test_func = run_v6_case,
			.setup_func = v6bad_fixture, .teardown_func = dp6_teardown,
			.initial_state = (void *)&v6_cases[i],
		};
	return i;
}
