// SPDX-License-Identifier: GPL-2.0
/*
 * randpkt: random frames through the whole XDP program, each checked by
 * the oracle fuzz_xdp uses (xdp_oracle.c), fast: no sanitizers, no
 * libFuzzer, a seeded generator of structured frames.  Mostly plausible
 * IPv4 TCP, UDP and ICMP to the table's VIPs and from its real servers
 * (and, for 40% of the frames, IPv6: randpkt6.c):
 * new connections and their later segments, replies from the real
 * servers' addresses and ports (of connections made, or near misses: a
 * port, an address off by one), ICMP errors quoting earlier flows both
 * ways, with TCP flags and options, IP options, lengths, TTLs, DF,
 * truncations and bad checksums; and some frames of random bytes or
 * randomly flipped.  Flows are learnt from what the program sent, so that
 * replies and errors find their connections.
 *
 *   randpkt [-n PACKETS] [-s SEED]     (or RANDPKT_PACKETS, RANDPKT_SEED)
 *
 * 10^6 packets by default.  Prints the seed, the count, the verdicts and
 * what the oracle saw the frames become, and ends with "1 passed, 0
 * failed", or at the first broken invariant the frame, how to replay it
 * and "0 passed, 1 failed".  Needs root (a private namespace).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>

#include "xdp_oracle.h"
#include "randpkt.h"
#include "pkt.h"
#include "csum.h"
#include "bytes.h"

#define ETH_HLEN XO_ETH_HLEN
#define V6_SHARE 40             /* percent of the frames: IPv6 (randpkt6.c) */

static uint64_t seed, rng, npkts, at;

/* splitmix64: seeded, fast, good enough for frames. */
uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

bool chance(unsigned int pct)
{
	return below(100) < pct;
}

/* ---- who talks ---- */

/* A client: mostly 10.0.0.9 (a neighbour), some on the subnet without a
 * neighbour entry, some behind the router. */
static uint32_t client_addr(void)
{
	switch (below(10)) {
	case 0: case 1: case 2: case 3:
		return NET_CLIENT;
	case 4:
		return IP4(10, 0, 0, 10 + below(3));
	case 5: case 6: case 7:
		return IP4(10, 0, 1, 1 + below(16));
	case 8:
		return IP4(10, 2, below(256), below(256));
	default:
		return (uint32_t)rnd();         /* martians too */
	}
}

/* Client ports from a small pool, so that tuples meet again. */
uint16_t client_port(void)
{
	return chance(85) ? (uint16_t)(40000 + below(48)) : (uint16_t)rnd();
}

/* The MAC a frame from addr arrives from: its own on the subnet, else the
 * router's. */
static uint8_t mac_of(uint32_t addr)
{
	return (addr & 0xffffff00) == IP4(10, 0, 0, 0) ? (uint8_t)addr : XO_GW_HOST;
}

/* ---- frames ---- */

uint8_t ttl_any(void)
{
	static const uint8_t t[] = { 0, 1, 2, 3, 255 };

	return chance(90) ? 64 : t[below(sizeof(t))];
}

uint16_t payload_any(void)
{
	if (chance(6))
		return (uint16_t)(500 + below(960));     /* over the small MTU */
	return chance(40) ? 0 : (uint16_t)below(200);
}

/* Ethernet from the sender's MAC to the director's (now and then another). */
static void eth(uint8_t *f, uint32_t saddr)
{
	static const uint8_t odd[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0x01, 0, 0x5e, 0, 0, 1 },
		{ 0, 0, 0, 0, 0, 0 }, { 2, 0, 0, 0, 0, 0x33 },
	};

	memcpy(f, (uint8_t[6]){ 2, 0, 0, 0, 0, HOST_DEV }, 6);
	memcpy(f + 6, (uint8_t[6]){ 2, 0, 0, 0, 0, mac_of(saddr) }, 6);
	if (chance(2))
		memcpy(f + (chance(50) ? 0 : 6), odd[below(4)], 6);
	put16(f + 12, 0x0800);
}

/* An IPv4 header at ip with opt bytes of options; its checksum right.
 * Returns its length. */
static unsigned int ip_hdr(uint8_t *ip, const struct l4 *m, unsigned int opt,
			   unsigned int l4len)
{
	unsigned int ihl = 20 + opt;

	ip[0] = (uint8_t)(0x40 | ihl / 4);
	ip[1] = chance(90) ? 0 : (uint8_t)rnd();
	put16(ip + 2, (uint16_t)(ihl + l4len));
	put16(ip + 4, (uint16_t)rnd());
	put16(ip + 6, m->df ? 0x4000 : 0);
	ip[8] = m->ttl;
	ip[9] = m->proto;
	put16(ip + 10, 0);
	put32(ip + 12, m->saddr);
	put32(ip + 16, m->daddr);
	for (unsigned int i = 0; i < opt; i++)
		ip[20 + i] = chance(90) ? 1 : (uint8_t)rnd();  /* NOPs, now and then not */
	put16(ip + 10, csum_of(ip, ihl));
	return ihl;
}

/* The TCP/UDP checksum of the segment at l4 (len bytes) under ip. */
static void l4_sum(const uint8_t *ip, uint8_t *l4, unsigned int len, uint8_t proto)
{
	uint8_t *sum = l4 + (proto == IPPROTO_TCP ? 16 : 6);
	uint16_t v;

	put16(sum, 0);
	v = csum_fold(csum_add(csum_add(0, ip + 12, 8) + proto + len, l4, len));
	if (proto == IPPROTO_UDP && !v)
		v = 0xffff;
	put16(sum, v);
}

/* A TCP or UDP segment (header, options, payload) at l4; its length. */
unsigned int seg(uint8_t *l4, const struct l4 *m)
{
	unsigned int hl = 8;

	put16(l4, m->sport);
	put16(l4 + 2, m->dport);
	if (m->proto == IPPROTO_TCP) {
		unsigned int opt = chance(70) ? 0 : 4 * below(11);

		hl = 20 + opt;
		put32(l4 + 4, (uint32_t)rnd());
		put32(l4 + 8, (uint32_t)rnd());
		l4[12] = (uint8_t)(hl / 4 << 4);
		l4[13] = m->flags;
		put16(l4 + 14, (uint16_t)rnd());
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		for (unsigned int i = 0; i < opt; i++)
			l4[20 + i] = chance(80) ? 1 : (uint8_t)rnd();
		if (opt >= 4 && chance(50))
			memcpy(l4 + 20, "\x02\x04\x05\xb4", 4);        /* MSS 1460 */
	} else {
		put16(l4 + 4, (uint16_t)(8 + m->payload));
		put16(l4 + 6, 0);
	}
	for (unsigned int i = 0; i < m->payload; i++)
		l4[hl + i] = (uint8_t)rnd();
	return hl + m->payload;
}

/* A whole TCP/UDP frame; its length. */
static size_t frame(uint8_t *f, const struct l4 *m)
{
	uint8_t seg_buf[1600];
	unsigned int opt = chance(90) ? 0 : 4 * below(11), len, ihl;
	uint8_t *ip = f + ETH_HLEN;

	eth(f, m->saddr);
	len = seg(seg_buf, m);
	if (ETH_HLEN + 60 + len > XO_FRAME_LIMIT)
		len = XO_FRAME_LIMIT - ETH_HLEN - 60;
	ihl = ip_hdr(ip, m, opt, len);
	memcpy(ip + ihl, seg_buf, len);
	if (m->proto == IPPROTO_UDP)
		put16(ip + ihl + 4, (uint16_t)len);
	if (m->proto != IPPROTO_UDP || chance(90))
		l4_sum(ip, ip + ihl, len, m->proto);
	return ETH_HLEN + ihl + len;
}

/* An ICMP error (type, code, rest) from saddr to daddr quoting the packet
 * q as it would have been sent: its header and qlen bytes of it. */
static size_t icmp_frame(uint8_t *f, uint32_t saddr, uint32_t daddr, uint8_t type,
			 uint8_t code, uint32_t rest, const struct l4 *q)
{
	uint8_t qf[1600], *ip = f + ETH_HLEN, *ic;
	struct l4 o = { .proto = IPPROTO_ICMP, .saddr = saddr, .daddr = daddr,
			.ttl = ttl_any(), .df = chance(50) };
	size_t qlen = frame(qf, q) - ETH_HLEN, keep;
	unsigned int qihl = (qf[ETH_HLEN] & 0xf) * 4u, ihl;

	keep = chance(60) ? qihl + 8 : chance(50) ? qlen : qihl + below(30);
	if (keep > qlen)
		keep = qlen;
	if (keep > 548)
		keep = 548;
	eth(f, saddr);
	ihl = ip_hdr(ip, &o, chance(95) ? 0 : 4, (unsigned int)(8 + keep));
	ic = ip + ihl;
	ic[0] = type;
	ic[1] = code;
	put16(ic + 2, 0);
	put32(ic + 4, rest);
	memcpy(ic + 8, qf + ETH_HLEN, keep);
	put16(ic + 2, csum_of(ic, 8 + keep));
	return ETH_HLEN + ihl + 8 + keep;
}

/* ---- flows learnt from what the program forwarded ---- */

struct flow {
	uint8_t proto;
	uint32_t caddr, vip, raddr;
	uint16_t cport, vport, rport;
	bool nat;
};

#define FLOWS 2048
static struct flow flows[FLOWS];
static uint32_t nflows;

static const struct flow *flow_any(void)
{
	return nflows ? &flows[below(nflows < FLOWS ? nflows : FLOWS)] : NULL;
}

/* The request m went out as out: where to. */
static void learn(const struct l4 *m, const uint8_t *out, uint32_t len)
{
	const uint8_t *o = out + ETH_HLEN;
	struct flow *fl = &flows[nflows++ % FLOWS];
	unsigned int ihl;

	if (len < ETH_HLEN + 28 || get16(out + 12) != 0x0800 || o[9] != m->proto ||
	    get32(o + 12) != m->saddr) {
		nflows--;
		return;
	}
	ihl = (o[0] & 0xf) * 4u;
	*fl = (struct flow){
		.proto = m->proto, .caddr = m->saddr, .cport = m->sport,
		.vip = m->daddr, .vport = m->dport,
		.raddr = IP4(10, 0, 0, out[5]), .rport = m->dport,
	};
	if (get32(o + 16) != m->daddr) {
		fl->nat = true;
		fl->raddr = get32(o + 16);
		fl->rport = get16(o + ihl + 2);
	}
}

/* ---- what to send ---- */

static const uint16_t rs_ports[] = { 9000, 9001, 53, 5300, 8083, 5600, 7000, 8443, 80 };

uint8_t tcp_flags_any(bool opening)
{
	static const uint8_t f[] = { 0x10, 0x18, 0x11, 0x04, 0x14, 0x02, 0x12, 0x01, 0x06 };

	if (opening && chance(70))
		return 0x02;
	return chance(90) ? f[below(sizeof(f))] : (uint8_t)rnd();
}

/* A packet of a new connection or flow to a service (or near one). */
static void gen_request(struct l4 *m)
{
	const struct xo_svc *s = &xo_svcs[below((uint32_t)xo_nsvcs)];

	*m = (struct l4){
		.proto = s->proto, .saddr = client_addr(), .daddr = s->vip,
		.sport = client_port(), .dport = s->port ? s->port : (uint16_t)rnd(),
		.payload = payload_any(), .ttl = ttl_any(), .df = chance(60),
	};
	m->flags = tcp_flags_any(true);
	if (chance(10))
		m->dport += (uint16_t)(below(3) - 1);
	if (chance(3))
		m->proto = m->proto == IPPROTO_TCP ? IPPROTO_UDP : IPPROTO_TCP;
	if (chance(3))
		m->daddr = IP4(10, 0, 0, 99 + below(5));
	if (!s->port && chance(30))
		m->dport = chance(50) ? 20 : 21;
}

/* The client's next packet of a flow. */
static void gen_more(struct l4 *m, const struct flow *fl)
{
	*m = (struct l4){
		.proto = fl->proto, .saddr = fl->caddr, .daddr = fl->vip,
		.sport = fl->cport, .dport = fl->vport, .flags = tcp_flags_any(false),
		.payload = payload_any(), .ttl = ttl_any(), .df = chance(60),
	};
}

/* A real server's reply to a flow's client, now and then off by a bit. */
static void gen_reply(struct l4 *m, const struct flow *fl)
{
	static const uint8_t f[] = { 0x12, 0x10, 0x18, 0x11, 0x04, 0x14 };

	*m = (struct l4){
		.proto = fl->proto, .saddr = fl->raddr, .daddr = fl->caddr,
		.sport = fl->rport, .dport = fl->cport,
		.flags = chance(90) ? f[below(sizeof(f))] : (uint8_t)rnd(),
		.payload = payload_any(), .ttl = ttl_any(), .df = chance(60),
	};
	if (chance(20)) {
		switch (below(6)) {
		case 0: m->sport += 1; break;
		case 5: m->sport = fl->vport; break;    /* the virtual port */
		case 1: m->dport += 1; break;
		case 2: m->saddr = IP4(10, 0, 0, HOST_RS1 + below(6)); break;
		case 3: m->daddr = client_addr(); break;
		default: m->proto ^= IPPROTO_TCP ^ IPPROTO_UDP;
		}
	}
}

/* From a real server's address and port nobody asked. */
static void gen_unasked(struct l4 *m)
{
	*m = (struct l4){
		.proto = chance(50) ? IPPROTO_TCP : IPPROTO_UDP,
		.saddr = IP4(10, 0, 0, HOST_RS1 + below(6)), .daddr = client_addr(),
		.sport = rs_ports[below(sizeof(rs_ports) / 2)], .dport = client_port(),
		.flags = tcp_flags_any(false), .payload = payload_any(), .ttl = ttl_any(),
	};
}

static void icmp_kind(uint8_t *type, uint8_t *code, uint32_t *rest)
{
	static const uint8_t other[] = { 0, 5, 8, 12, 13 };

	*rest = 0;
	switch (below(8)) {
	case 0: case 1: case 2:
		*type = 3;
		*code = 4;
		*rest = 300 + below(1200);      /* fragmentation needed, its MTU */
		break;
	case 3: case 4:
		*type = 3;
		*code = (uint8_t)below(16);
		break;
	case 5:
		*type = 11;
		*code = (uint8_t)below(2);
		break;
	case 6:
		*type = 4;
		*code = 0;
		break;
	default:
		*type = other[below(sizeof(other))];
		*code = 0;
		*rest = (uint32_t)rnd();
	}
}

/* An ICMP error about a flow: to the VIP about a reply it sent (in), or to
 * the client about the packet the director sent on to the server (out). */
static size_t gen_icmp(uint8_t *f, const struct flow *fl)
{
	struct l4 q = { .proto = fl->proto, .flags = 0x12, .ttl = 63, .df = chance(70),
			.payload = (uint16_t)below(100) };
	uint32_t from, rest;
	uint8_t type, code;
	size_t len;

	icmp_kind(&type, &code, &rest);
	if (chance(50)) {
		q.saddr = fl->vip;
		q.sport = fl->vport;
		q.daddr = fl->caddr;
		q.dport = fl->cport;
		from = chance(50) ? fl->caddr : IP4(10, 0, 1, 254);
		len = icmp_frame(f, from, chance(90) ? fl->vip : client_addr(), type, code,
				 rest, &q);
	} else {
		q.saddr = fl->caddr;
		q.sport = fl->cport;
		q.daddr = fl->raddr;
		q.dport = fl->rport;
		from = chance(60) ? fl->raddr : IP4(10, 0, 0, 254);
		len = icmp_frame(f, from, chance(90) ? fl->caddr : client_addr(), type, code,
				 rest, &q);
	}
	return len;
}

/* Damage of every kind to a well-formed frame: IP checksum refreshed
 * after most, so the damage is not stopped at the door. */
static size_t damage(uint8_t *f, size_t len)
{
	uint8_t *ip = f + ETH_HLEN;
	unsigned int ihl = (ip[0] & 0xf) * 4u;
	bool refresh = true;

	switch (below(9)) {
	case 0:                 /* a bad TCP/UDP/ICMP checksum */
		if (len > ETH_HLEN + ihl + 8)
			f[ETH_HLEN + ihl + (ip[9] == IPPROTO_TCP && len > ETH_HLEN + ihl + 17 ?
					    16 : ip[9] == IPPROTO_UDP ? 6 : 2)] ^=
				(uint8_t)(1 + below(255));
		refresh = false;
		break;
	case 1:                 /* a bad IPv4 header checksum */
		ip[10] ^= (uint8_t)(1 + below(255));
		refresh = false;
		break;
	case 2:                 /* cut short */
		len = ETH_HLEN + below((uint32_t)(len - ETH_HLEN)) + 1;
		refresh = len >= ETH_HLEN + ihl;
		break;
	case 3:                 /* the total length off */
		put16(ip + 2, (uint16_t)(get16(ip + 2) + below(41) - 20));
		break;
	case 4:                 /* a fragment */
		put16(ip + 6, (uint16_t)(chance(50) ? 0x2000 : below(0x2000)) |
			      (get16(ip + 6) & 0x4000));
		break;
	case 5:                 /* the header length off */
		ip[0] = (uint8_t)(0x40 | below(16));
		refresh = false;
		break;
	case 6:                 /* padding past the IP packet */
		if (len + 20 <= XO_FRAME_LIMIT) {
			memset(f + len, 0, 20);
			len += 1 + below(20);
		}
		refresh = false;
		break;
	case 7:                 /* a TCP data offset off */
		if (ip[9] == IPPROTO_TCP && len > ETH_HLEN + ihl + 13)
			f[ETH_HLEN + ihl + 12] = (uint8_t)(below(16) << 4);
		refresh = false;
		break;
	default:                /* a few bytes anywhere */
		for (unsigned int n = 1 + below(4); n--;)
			f[below((uint32_t)len)] ^= (uint8_t)(1 + below(255));
		refresh = chance(50);
	}
	if (refresh && len >= ETH_HLEN + 20 && ihl >= 20 && ETH_HLEN + ihl <= len) {
		put16(ip + 10, 0);
		put16(ip + 10, csum_of(ip, ihl));
	}
	return len;
}

/*
 * A datagram whose UDP checksum the translation to addr:port (as the
 * source when src, else the destination) makes 0: it must leave as 0xffff
 * (udp_fast_csum_update's CSUM_MANGLED_0), not as "no checksum".  Two
 * payload bytes are chosen so that the translated datagram's sum is -0.
 */
static void csum_to_zero(uint8_t *f, size_t len, bool src, uint32_t addr, uint16_t port)
{
	uint8_t *ip = f + ETH_HLEN, seg_copy[1600], pseudo[8];
	unsigned int ihl = (ip[0] & 0xf) * 4u, ulen = get16(ip + 2) - ihl;
	uint32_t sum;
	uint16_t folded;

	if (ip[9] != IPPROTO_UDP || ulen < 10 || ETH_HLEN + ihl + ulen > len)
		return;
	memcpy(seg_copy, ip + ihl, ulen);
	memcpy(pseudo, ip + 12, 8);
	put32(pseudo + (src ? 0 : 4), addr);
	put16(seg_copy + (src ? 0 : 2), port);
	put16(seg_copy + 6, 0);
	put16(seg_copy + 8, 0);
	sum = csum_add(csum_add(0, pseudo, 8) + IPPROTO_UDP + ulen, seg_copy, ulen);
	folded = (uint16_t)~csum_fold(sum);
	put16(ip + ihl + 8, (uint16_t)(0xffff - folded));
	l4_sum(ip, ip + ihl, ulen, IPPROTO_UDP);
}

static size_t gen(uint8_t *f, struct l4 *m, bool *request)
{
	const struct flow *fl = flow_any();
	unsigned int k = below(100);
	size_t len;

	*request = false;
	if (k < 4) {                    /* random bytes */
		len = XO_FRAME_MIN + below(XO_FRAME_LIMIT - XO_FRAME_MIN + 1);
		if (chance(50))
			len = XO_FRAME_MIN + below(100);
		for (size_t i = 0; i < len; i++)
			f[i] = (uint8_t)rnd();
		if (chance(50))
			put16(f + 12, 0x0800);
		if (len >= ETH_HLEN + 20 && chance(50)) {
			f[ETH_HLEN] = 0x45;
			put16(f + ETH_HLEN + 10, 0);
			put16(f + ETH_HLEN + 10, csum_of(f + ETH_HLEN, 20));
		}
		return len;
	}
	if (k < 8) {                    /* ICMP that is no error, or not about us */
		struct l4 o = { .proto = IPPROTO_ICMP, .saddr = client_addr(),
				.daddr = IP4(10, 0, 0, 99 + below(4)), .ttl = 64 };
		uint8_t *ip = f + ETH_HLEN, *ic;
		unsigned int ihl, n = 8 + below(64);

		eth(f, o.saddr);
		ihl = ip_hdr(ip, &o, 0, n);
		ic = ip + ihl;
		for (unsigned int i = 0; i < n; i++)
			ic[i] = (uint8_t)rnd();
		ic[0] = chance(50) ? 8 : (uint8_t)below(20);
		put16(ic + 2, 0);
		put16(ic + 2, csum_of(ic, n));
		return ETH_HLEN + ihl + n;
	}
	if (k < 35 || !fl) {
		gen_request(m);
		*request = true;
	} else if (k < 50) {
		gen_more(m, fl);
		*request = true;
		if (fl->nat && m->proto == IPPROTO_UDP && chance(20)) {
			m->payload = (uint16_t)(2 + below(40));
			len = frame(f, m);
			csum_to_zero(f, len, false, fl->raddr, fl->rport);
			return len;
		}
	} else if (k < 72) {
		gen_reply(m, fl);
		if (fl->nat && m->proto == IPPROTO_UDP && chance(20)) {
			m->payload = (uint16_t)(2 + below(40));
			len = frame(f, m);
			csum_to_zero(f, len, true, fl->vip, fl->vport);
			return len;
		}
	} else if (k < 77) {
		gen_unasked(m);
	} else {
		len = gen_icmp(f, fl);
		return chance(15) ? damage(f, len) : len;
	}
	len = frame(f, m);
	return chance(15) ? damage(f, len) : len;
}

/* ---- the run ---- */

static void failed(void)
{
	printf("randpkt: seed %" PRIu64 ": packet %" PRIu64 " broke an invariant "
	       "(replay: randpkt -s %" PRIu64 " -n %" PRIu64 ")\n",
	       seed, at + 1, seed, at + 1);
	printf("0 passed, 1 failed\n");
	fflush(stdout);
	exit(1);
}

static uint64_t num(const char *s)
{
	char *end;
	double d = strtod(s, &end);     /* 1e7 too */

	if (*end || d < 1) {
		fprintf(stderr, "randpkt: not a count: %s\n", s);
		exit(2);
	}
	return (uint64_t)d;
}

int main(int argc, char **argv)
{
	static const char *const vnames[] = { "ABORTED", "DROP", "PASS", "TX", "REDIRECT" };
	uint64_t verdicts[5] = { 0 };
	struct timespec t0, t1;
	uint8_t f[XO_FRAME_LIMIT + 32];
	double secs;
	uint64_t cnt[XLVS_CNT_MAX];
	uint32_t room, tracked;
	int opt;

	npkts = getenv("RANDPKT_PACKETS") ? num(getenv("RANDPKT_PACKETS")) : 1000000;
	clock_gettime(CLOCK_REALTIME, &t0);
	seed = getenv("RANDPKT_SEED") ? num(getenv("RANDPKT_SEED")) :
	       (uint64_t)t0.tv_sec * 1000003u ^ (uint64_t)t0.tv_nsec ^ (uint64_t)getpid();
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			npkts = num(optarg);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: randpkt [-n PACKETS] [-s SEED]\n");
			return 2;
		}
	}
	rng = seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("randpkt: seed %" PRIu64 ", %" PRIu64 " packets\n", seed, npkts);
	xo_fail = failed;
	xo_init("randpkt");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (at = 0; at < npkts; at++) {
		struct l4 m;
		bool request, v6 = chance(V6_SHARE);
		size_t len = v6 ? gen6(f, &request) : gen(f, &m, &request);
		uint32_t v = xo_one(f, len);

		verdicts[v < 5 ? v : 0]++;
		if (request && (v == XDP_TX || v == XDP_REDIRECT)) {
			uint32_t olen;
			const uint8_t *out = xo_out(&olen);

			if (v6)
				learn6(out, olen);
			else
				learn(&m, out, olen);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("randpkt: %" PRIu64 " packets in %.1f s (%.0f a second)\n", npkts, secs,
	       npkts / secs);
	printf("randpkt: verdicts:");
	for (int i = 0; i < 5; i++)
		printf(" %s %" PRIu64, vnames[i], verdicts[i]);
	printf("\nrandpkt: the oracle saw:");
	for (int i = 0; i < XO_KINDS; i++)
		printf(" %s %" PRIu64, xo_kind_names[i], xo_kinds[i]);
	printf("\n");
	if (!xlvs_counters_read(xo_table(), cnt)) {
		printf("randpkt: the data plane counted:");
		for (int i = 0; i < XLVS_CNT_MAX; i++)
			if (cnt[i] && !xlvs_counter_is_sweeper((unsigned int)i))
				printf(" %s %" PRIu64, xlvs_counter_name(i), cnt[i]);
		printf("\n");
	}
	tracked = xo_tracked(&room);
	printf("randpkt: %" PRIu32 " connections tracked (the checks that need them "
	       "fail open from %" PRIu32 ")\n", tracked, room);
	printf("1 passed, 0 failed\n");
	return 0;
}
