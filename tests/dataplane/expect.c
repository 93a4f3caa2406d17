// SPDX-License-Identifier: GPL-2.0
/* Assertions on one run (see expect.h). */
#include "expect.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "csum.h"

static const char *verdict_name(uint32_t v)
{
	static const char *names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
				       "XDP_TX", "XDP_REDIRECT" };

	return v < 5 ? names[v] : "?";
}

/* The counters say why the program decided as it did. */
static void print_moved(const struct dp_result *r)
{
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		if (r->delta[i])
			print_error("  counter %s +%llu\n", xlvs_counter_name(i),
				    (unsigned long long)r->delta[i]);
}

static void expect_run(const struct dp_result *r, uint32_t verdict)
{
	if (r->rc)
		fail_msg("BPF_PROG_TEST_RUN failed: %s (%d)", strerror(-r->rc), r->rc);
	if (r->verdict == verdict)
		return;
	print_moved(r);
	fail_msg("verdict %s (%u), expected %s", verdict_name(r->verdict),
		 r->verdict, verdict_name(verdict));
}

/* Compare out[from..] with want[from..]; on a difference print both frames
 * so the failure names the first wrong byte. */
static void expect_bytes(const struct frame *want, const struct frame *out,
			 size_t from)
{
	size_t i;

	if (out->len != want->len)
		fail_msg("frame came back %zu bytes long, expected %zu",
			 out->len, want->len);
	for (i = from; i < want->len && out->b[i] == want->b[i]; i++)
		;
	if (i == want->len)
		return;
	print_error("byte %zu: got %02x, expected %02x\n", i, out->b[i], want->b[i]);
	for (size_t j = 0; j < want->len; j++)
		print_error("%s%02x/%02x", j % 8 ? " " : "\n  ", out->b[j], want->b[j]);
	fail_msg("frame differs (got/expected above)");
}

/* Direct routing: the MACs the real server's, the TTL one lower
 * (__ip_vs_get_out_rt's decrement_ttl), the header checksum right again
 * (from scratch here), nothing else changed. */
void expect_forwarded(const struct frame *in, const struct dp_result *r,
		      uint8_t host)
{
	struct frame want = *in;
	uint8_t *ip = want.b + 14;
	size_t ihl = (ip[0] & 15) * 4u;
	uint16_t sum;

	expect_run(r, XDP_TX);
	pkt_mac(want.b, host);
	pkt_mac(want.b + 6, HOST_DEV);
	ip[8]--;
	ip[10] = ip[11] = 0;
	sum = csum_of(ip, ihl);
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	expect_bytes(&want, &r->out, 0);
}

void expect_unchanged(const struct frame *in, const struct dp_result *r,
		      uint32_t verdict)
{
	expect_run(r, verdict);
	expect_bytes(in, &r->out, 0);
}

void expect_counters_(const struct dp_result *r, ...)
{
	uint64_t want[XLVS_CNT_MAX] = { [XLVS_CNT_PKTS_IN] = 1 };
	bool bad = false;
	va_list ap;
	int c;

	va_start(ap, r);
	while ((c = va_arg(ap, int)) >= 0)
		if (c < XLVS_CNT_MAX)
			want[c] = 1;
	va_end(ap);
	for (int i = 0; i < XLVS_CNT_MAX; i++) {
		/* The expiry timer's counters move on its own schedule, not
		 * with the packet, unless a test asks for them; whether the
		 * packet was served from the connection cache is the cache
		 * tests' to ask (test_conn_cache.c). */
		if ((xlvs_counter_is_sweeper(i) || xlvs_counter_is_path(i)) &&
		    !want[i])
			continue;
		if (r->delta[i] == want[i])
			continue;
		print_error("counter %s moved by %llu, expected %llu\n",
			    xlvs_counter_name(i), (unsigned long long)r->delta[i],
			    (unsigned long long)want[i]);
		bad = true;
	}
	if (bad)
		fail_msg("counters moved wrongly (above)");
}

int chosen(const struct dp_result *r)
{
	uint8_t base[6];

	pkt_mac(base, 0);
	if (r->rc || r->verdict != XDP_TX || r->out.len < OFF_IP + 20 ||
	    memcmp(r->out.b, base, 5))
		return -1;
	/* ip_vs_leave's answer goes back to the client, not to a server. */
	if (r->out.b[OFF_IP + 9] == IPPROTO_ICMP)
		return -1;
	return r->out.b[5];
}

void send_tcp(uint16_t sport, uint16_t dport, uint8_t flags, uint16_t payload,
	      struct frame *f, struct dp_result *r)
{
	struct pkt_spec s = {
		.proto = IPPROTO_TCP, .sport = sport, .dport = dport,
		.tcp_flags = flags, .payload = payload,
	};

	pkt_build(f, &s);
	dp_run(f, r);
}

void send_udp_from(uint32_t saddr, uint32_t daddr, uint16_t sport,
		   uint16_t dport, struct frame *f, struct dp_result *r)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP, .saddr = saddr, .daddr = daddr,
		.sport = sport, .dport = dport, .payload = 32,
	};

	pkt_build(f, &s);
	dp_run(f, r);
}

void send_udp(uint16_t sport, uint16_t dport, struct frame *f,
	      struct dp_result *r)
{
	send_udp_from(0, 0, sport, dport, f, r);
}

static int expect_new(const struct frame *f, const struct dp_result *r)
{
	int host = chosen(r);

	if (host != HOST_RS1 && host != HOST_RS2) {
		print_moved(r);
		fail_msg("new connection not forwarded to a real server: rc %d, "
			 "verdict %s, dest MAC byte %d", r->rc,
			 verdict_name(r->verdict), host);
	}
	expect_forwarded(f, r, (uint8_t)host);
	expect_counters(r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONNS_NEW);
	return host;
}

int open_tcp(uint16_t sport, uint16_t dport)
{
	struct dp_result r;
	struct frame f;

	send_tcp(sport, dport, TH_SYN, 0, &f, &r);
	return expect_new(&f, &r);
}

int open_udp(uint16_t sport, uint16_t dport)
{
	struct dp_result r;
	struct frame f;

	send_udp(sport, dport, &f, &r);
	return expect_new(&f, &r);
}

void follow_tcp(uint16_t sport, uint16_t dport, uint8_t flags,
		uint16_t payload, uint8_t host)
{
	struct dp_result r;
	struct frame f;

	send_tcp(sport, dport, flags, payload, &f, &r);
	expect_forwarded(&f, &r, host);
	expect_counters(&r, XLVS_CNT_PKTS_FWD);
}

void follow_udp(uint16_t sport, uint16_t dport, uint8_t host)
{
	struct dp_result r;
	struct frame f;

	send_udp(sport, dport, &f, &r);
	expect_forwarded(&f, &r, host);
	expect_counters(&r, XLVS_CNT_PKTS_FWD);
}

/* RFC 1071's checksum. */
static uint16_t inet_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The answer ip_vs_leave's icmp_send(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH)
 * gives, written from RFC 792: back to the MAC it came from, from the
 * address it was sent to, quoting its IP header and 8 bytes after it. */
static void icmp_unreach_of(const struct frame *in, struct frame *want)
{
	const uint8_t *ip = in->b + OFF_IP;
	size_t quote = (ip[0] & 0xf) * 4 + 8;
	uint8_t *o = want->b, *oip = o + OFF_IP, *icmp = oip + 20;
	uint16_t c;

	memset(want, 0, sizeof(*want));
	memcpy(o, in->b + 6, 6);
	memcpy(o + 6, in->b, 6);
	o[12] = 0x08;
	oip[0] = 0x45;
	oip[1] = 0xc0;
	oip[2] = (uint8_t)((20 + 8 + quote) >> 8);
	oip[3] = (uint8_t)(20 + 8 + quote);
	oip[8] = 64;
	oip[9] = IPPROTO_ICMP;
	memcpy(oip + 12, ip + 16, 4);
	memcpy(oip + 16, ip + 12, 4);
	c = inet_csum(oip, 20);
	oip[10] = (uint8_t)(c >> 8);
	oip[11] = (uint8_t)c;
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, ip, quote);
	c = inet_csum(icmp, 8 + quote);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	want->len = OFF_IP + 20 + 8 + quote;
}

void expect_left(const struct frame *in, const struct dp_result *r)
{
	struct frame want;

	expect_run(r, XDP_TX);
	icmp_unreach_of(in, &want);
	expect_bytes(&want, &r->out, 0);
	expect_counters(r, XLVS_CNT_PKTS_NO_DEST, XLVS_CNT_ICMP_SENT);
}

bool dp_left(const struct frame *in, const struct dp_result *r)
{
	struct frame want;

	if (r->rc || r->delta[XLVS_CNT_PKTS_NO_DEST] != 1)
		return false;
	if (r->verdict == XDP_DROP)     /* over the ICMP rate limit */
		return r->delta[XLVS_CNT_ICMP_LIMITED] == 1;
	icmp_unreach_of(in, &want);
	return r->verdict == XDP_TX && r->delta[XLVS_CNT_ICMP_SENT] == 1 &&
	       r->out.len == want.len && !memcmp(r->out.b, want.b, want.len);
}
