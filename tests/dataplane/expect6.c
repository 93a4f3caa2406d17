// SPDX-License-Identifier: GPL-2.0
/* Assertions on one IPv6 run (see expect6.h). */
#include "expect6.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "bytes.h"
#include "csum.h"
#include "expect.h"

static const char *verdict_name(uint32_t v)
{
	static const char *names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
				       "XDP_TX", "XDP_REDIRECT" };

	return v < 5 ? names[v] : "?";
}

void expect6_verdict(const struct dp_result *r, uint32_t v)
{
	if (r->rc)
		fail_msg("BPF_PROG_TEST_RUN failed: %s (%d)", strerror(-r->rc), r->rc);
	if (r->verdict == v)
		return;
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		if (r->delta[i] && !xlvs_counter_is_sweeper(i))
			print_error("  counter %s +%llu\n", xlvs_counter_name(i),
				    (unsigned long long)r->delta[i]);
	fail_msg("verdict %s (%u), expected %s", verdict_name(r->verdict),
		 r->verdict, verdict_name(v));
}

void expect6_frame(const struct frame *want, const struct frame *out)
{
	size_t i, n = out->len > want->len ? out->len : want->len;

	for (i = 0; i < want->len && i < out->len && out->b[i] == want->b[i]; i++)
		;
	if (i == want->len && out->len == want->len)
		return;
	print_error("frame %zu bytes, expected %zu; first difference at byte %zu "
		    "(IPv6 +%ld)\n", out->len, want->len, i, (long)i - OFF_IP6);
	for (size_t j = 0; j < n && j < 256; j++)
		print_error("%s%02x/%02x", j % 8 ? " " : "\n  ",
			    j < out->len ? out->b[j] : 0,
			    j < want->len ? want->b[j] : 0);
	fail_msg("frame differs (got/expected above)");
}

void expect6_forwarded(const struct frame *in, const struct dp_result *r,
		       uint8_t host)
{
	struct frame want = *in;

	expect6_verdict(r, XDP_TX);
	pkt_mac(want.b, host);
	pkt_mac(want.b + 6, HOST_DEV);
	want.b[OFF_IP6 + 7]--;
	expect6_frame(&want, &r->out);
}

size_t ip6_packet(const struct frame *f, uint8_t *q)
{
	size_t n = IP6_HLEN + get16(f->b + OFF_IP6 + 4);

	if (OFF_IP6 + n > f->len)
		n = f->len - OFF_IP6;
	memcpy(q, f->b + OFF_IP6, n);
	return n;
}

void icmp6_error_of(const struct frame *in, const uint8_t *q, size_t qlen,
		    uint8_t type, uint8_t code, uint32_t info, struct frame *want)
{
	uint8_t *ip6 = want->b + OFF_IP6, *ic = ip6 + IP6_HLEN;

	if (qlen > ICMP6_QUOTE_MAX)
		qlen = ICMP6_QUOTE_MAX;
	memset(want, 0, sizeof(*want));
	memcpy(want->b, in->b + 6, 6);
	memcpy(want->b + 6, in->b, 6);
	put16(want->b + 12, 0x86dd);
	put32(ip6, 6u << 28);
	put16(ip6 + 4, (uint16_t)(8 + qlen));
	ip6[6] = IPPROTO_ICMPV6;
	ip6[7] = 64;
	memcpy(ip6 + 8, in->b + OFF_IP6 + 24, 16);
	memcpy(ip6 + 24, in->b + OFF_IP6 + 8, 16);
	ic[0] = type;
	ic[1] = code;
	put32(ic + 4, info);
	memcpy(ic + 8, q, qlen);
	put16(ic + 2, pkt6_l4_csum(ip6, ic, 8 + qlen, IPPROTO_ICMPV6));
	want->len = OFF_IP6 + IP6_HLEN + 8 + qlen;
}

void expect6_icmp(const struct frame *in, const struct dp_result *r,
		  uint8_t type, uint8_t code, uint32_t info, int hop_dec)
{
	uint8_t q[FRAME_MAX];
	size_t qlen = ip6_packet(in, q);
	struct frame want;

	q[7] = (uint8_t)(q[7] - hop_dec);
	icmp6_error_of(in, q, qlen, type, code, info, &want);
	expect6_verdict(r, XDP_TX);
	expect6_frame(&want, &r->out);
	assert_int_equal(r->delta[XLVS_CNT_ICMP_SENT], 1);
	assert_int_equal(r->delta[XLVS_CNT_PKTS_FWD], 0);
}

void expect6_left(const struct frame *in, const struct dp_result *r)
{
	expect6_icmp(in, r, 1, 4, 0, 0);
	expect_counters(r, XLVS_CNT_PKTS_NO_DEST, XLVS_CNT_ICMP_SENT);
}

int chosen6(const struct dp_result *r)
{
	const uint8_t *o = r->out.b;
	uint8_t base[6];

	pkt_mac(base, 0);
	if (r->rc || r->verdict != XDP_TX || r->out.len < OFF_IP6 + IP6_HLEN ||
	    memcmp(o, base, 5) || get16(o + 12) != 0x86dd ||
	    o[OFF_IP6 + 6] == IPPROTO_ICMPV6)
		return -1;
	return o[5];
}

void send6(uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags,
	   struct frame *f, struct dp_result *r)
{
	struct pkt6_spec s;

	pkt6_init(&s, proto, sport, dport, flags);
	pkt6_build(f, &s);
	dp_run(f, r);
}

int open6(uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct dp_result r;
	struct frame f;
	int host;

	send6(proto, sport, dport, TH_SYN, &f, &r);
	host = chosen6(&r);
	if (host < HOST_RS1 || host > HOST_RS_LAST) {
		expect6_verdict(&r, XDP_TX);
		fail_msg("new connection not forwarded to a real server "
			 "(dest MAC byte %d)", host);
	}
	expect6_forwarded(&f, &r, (uint8_t)host);
	expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONNS_NEW);
	return host;
}

void follow6(uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags,
	     uint8_t host)
{
	struct dp_result r;
	struct frame f;

	send6(proto, sport, dport, flags, &f, &r);
	expect6_forwarded(&f, &r, host);
	expect_counters(&r, XLVS_CNT_PKTS_FWD);
}
