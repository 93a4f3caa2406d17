// SPDX-License-Identifier: GPL-2.0
/*
 * randpkt's IPv6 frames (randpkt.c runs them): as its IPv4 ones, mostly
 * plausible TCP and UDP to the table's IPv6 services (xo_svcs6) and from
 * their real servers -- new connections, later segments, replies (of
 * connections made, or near misses), unasked ones -- with extension header
 * chains before them (Hop-by-Hop, Destination Options, Routing headers
 * with and without segments left, Fragment headers, too many of them, one
 * running past the payload); ICMPv6 errors quoting flows both ways (the
 * quote with extension headers, cut short, a later fragment); ICMPv6 that
 * is no error (echo, neighbour discovery); clients on the link, behind
 * the router and martian; hop limits, traffic classes, payload_len lies,
 * truncations, padding, bad checksums, and some random bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "xdp_oracle.h"
#include "randpkt.h"
#include "pkt.h"
#include "csum.h"
#include "bytes.h"

#define ETH_HLEN XO_ETH_HLEN
#define IP6_HLEN 40

/* A TCP or UDP packet over IPv6. */
struct m6 {
	uint8_t proto;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint8_t flags, hlim, tc;
	uint16_t payload;
};

struct flow6 {
	uint8_t proto;
	uint8_t caddr[16], vip[16], raddr[16];
	uint16_t cport, vport, rport;
	bool nat;
};

#define FLOWS6 2048
static struct flow6 flows6[FLOWS6];
static uint32_t nflows6;

/* The request gen6 made last, and where its transport header went. */
static struct m6 last;
static unsigned int last_l4;

static void rand_bytes(uint8_t *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* Sources ip6_rcv_core refuses (multicast, ::1), ones it takes that
 * nothing should answer (::) or that look odd (IPv4-mapped, link-local),
 * and others no table knows. */
static void martian6(uint8_t a[16])
{
	memset(a, 0, 16);
	switch (below(6)) {
	case 0:
		a[0] = 0xff;
		a[1] = 0x02;
		a[15] = 1;
		break;
	case 1:
		a[15] = 1;
		break;
	case 2:
		break;
	case 3:                         /* ::ffff:10.0.0.9 */
		a[10] = a[11] = 0xff;
		a[12] = 10;
		a[15] = HOST_CLIENT;
		break;
	case 4:                         /* link-local: a source like any */
		a[0] = 0xfe;
		a[1] = 0x80;
		a[15] = HOST_CLIENT;
		break;
	default:
		rand_bytes(a, 16);
	}
}

/* Mostly fd00::9 (a neighbour), some on the link without one, some behind
 * the router, a few martians. */
static void client6(uint8_t a[16])
{
	switch (below(10)) {
	case 0: case 1: case 2: case 3:
		xo_addr6(a, 0, HOST_CLIENT);
		break;
	case 4:
		xo_addr6(a, 0, 10 + below(3));
		break;
	case 5: case 6: case 7:
		xo_addr6(a, 1, 1 + below(16));
		break;
	case 8:
		xo_addr6(a, 2, (uint32_t)rnd());
		rand_bytes(a + 4, 4);
		break;
	default:
		martian6(a);
	}
}

static uint8_t hlim_any(void)
{
	static const uint8_t h[] = { 0, 1, 2, 3, 255 };

	return chance(90) ? 64 : h[below(sizeof(h))];
}

/* The MAC a frame from addr arrives from: its own on the link, else the
 * router's. */
static uint8_t mac_of6(const uint8_t *a)
{
	static const uint8_t link[8] = { 0xfd };

	return memcmp(a, link, 8) ? XO_GW_HOST : a[15];
}

static void eth6(uint8_t *f, const uint8_t *saddr)
{
	static const uint8_t odd[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0x33, 0x33, 0, 0, 0, 1 },
		{ 0, 0, 0, 0, 0, 0 }, { 2, 0, 0, 0, 0, 0x33 },
	};

	memcpy(f, (uint8_t[6]){ 2, 0, 0, 0, 0, HOST_DEV }, 6);
	memcpy(f + 6, (uint8_t[6]){ 2, 0, 0, 0, 0, mac_of6(saddr) }, 6);
	if (chance(2))
		memcpy(f + (chance(50) ? 0 : 6), odd[below(4)], 6);
	put16(f + 12, 0x86dd);
}

/*
 * Extension headers at p before a header of type last: mostly none; else
 * one to nine (now and then past the data plane's eight) of Hop-by-Hop
 * (first, now and then later), Destination Options, Routing (now and then
 * still routing) and, rarely, Fragment (atomic, a first fragment or a
 * later one) and AH.  Their length; the first's type in *first.
 */
static unsigned int ext_chain(uint8_t *p, uint8_t last_type, uint8_t *first)
{
	uint8_t types[9] = { 0 };
	unsigned int n, len = 0;

	*first = last_type;
	if (chance(75))
		return 0;
	n = 1 + below(chance(90) ? 3 : chance(70) ? 5 : 9);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int k = below(100);

		if (k < 40)
			types[i] = i == 0 ? 0 : 60;
		else if (k < 44)
			types[i] = 0;           /* Hop-by-Hop not first */
		else if (k < 70)
			types[i] = 60;
		else if (k < 92)
			types[i] = 43;
		else if (k < 97)
			types[i] = 44;
		else
			types[i] = 51;          /* AH */
	}
	*first = types[0];
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *h = p + len;
		unsigned int hl = types[i] == 44 ? 8 : types[i] == 51 ? 16 + 8 * below(2) :
				  (below(3) + 1) * 8;

		memset(h, 0, hl);
		h[0] = i + 1 < n ? types[i + 1] : last_type;
		if (types[i] == 51) {
			h[1] = (uint8_t)(hl / 4 - 2);
			rand_bytes(h + 4, hl - 4);
		} else if (types[i] == 44) {
			uint16_t fo = chance(50) ? 0 : chance(50) ? 1 :
				      (uint16_t)(rnd() & 0xfff9);   /* atomic, first, later */

			put16(h + 2, fo);
			put32(h + 4, (uint32_t)rnd());
		} else {
			h[1] = (uint8_t)(hl / 8 - 1);
			if (types[i] == 43) {
				h[2] = (uint8_t)below(5);       /* routing type */
				h[3] = chance(85) ? 0 : (uint8_t)(1 + below(3));
			} else if (chance(80)) {
				h[2] = 1;                       /* PadN */
				h[3] = (uint8_t)(hl - 4);
			}
		}
		len += hl;
	}
	return len;
}

/* The TCP/UDP/ICMPv6 checksum of the len bytes at l4 (its field at
 * sum_at) under the IPv6 header ip. */
static void sum6(const uint8_t *ip, uint8_t *l4, unsigned int len, uint8_t proto,
		 unsigned int sum_at)
{
	uint16_t v;

	put16(l4 + sum_at, 0);
	v = csum_fold(csum_add(csum_add(0, ip + 8, 32) + len + proto, l4, len));
	if (proto == IPPROTO_UDP && !v)
		v = 0xffff;
	put16(l4 + sum_at, v);
}

static unsigned int sum_at(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 2;
}

/* The IPv6 header at ip: payload plen, first next header nh. */
static void ip6_hdr(uint8_t *ip, const struct m6 *m, unsigned int plen, uint8_t nh)
{
	put32(ip, 0x60000000u | (uint32_t)m->tc << 20 | (chance(50) ? 0 : (uint32_t)rnd() & 0xfffff));
	put16(ip + 4, (uint16_t)plen);
	ip[6] = nh;
	ip[7] = m->hlim;
	memcpy(ip + 8, m->saddr, 16);
	memcpy(ip + 24, m->daddr, 16);
}

/* A whole TCP/UDP frame; its length, the transport header's offset from
 * the IPv6 header in *l4. */
static size_t frame6(uint8_t *f, const struct m6 *m, unsigned int *l4)
{
	uint8_t *ip = f + ETH_HLEN, nh, segb[1600];
	struct l4 s = { .proto = m->proto, .sport = m->sport, .dport = m->dport,
			.flags = m->flags, .payload = m->payload };
	unsigned int ext = ext_chain(ip + IP6_HLEN, m->proto, &nh), len;

	eth6(f, m->saddr);
	len = seg(segb, &s);
	if (ETH_HLEN + IP6_HLEN + ext + len > XO_FRAME_LIMIT)
		len = XO_FRAME_LIMIT - ETH_HLEN - IP6_HLEN - ext;
	*l4 = IP6_HLEN + ext;
	memcpy(ip + *l4, segb, len);
	if (m->proto == IPPROTO_UDP)
		put16(ip + *l4 + 4, (uint16_t)len);
	ip6_hdr(ip, m, ext + len, nh);
	if (m->proto != IPPROTO_UDP || chance(95))
		sum6(ip, ip + *l4, len, m->proto, sum_at(m->proto));
	return ETH_HLEN + *l4 + len;
}

/* ---- flows learnt from what the program forwarded ---- */

static const struct flow6 *flow6_any(void)
{
	return nflows6 ? &flows6[below(nflows6 < FLOWS6 ? nflows6 : FLOWS6)] : NULL;
}

void learn6(const uint8_t *out, uint32_t len)
{
	const uint8_t *o = out + ETH_HLEN;
	struct flow6 *fl;

	/* Direct routing and NAT; a tunnel's outer header hides the flow. */
	if (len < ETH_HLEN + last_l4 + 4 || get16(out + 12) != 0x86dd ||
	    memcmp(o + 8, last.saddr, 16))
		return;
	fl = &flows6[nflows6++ % FLOWS6];
	*fl = (struct flow6){
		.proto = last.proto, .cport = last.sport, .vport = last.dport,
		.rport = last.dport,
	};
	memcpy(fl->caddr, last.saddr, 16);
	memcpy(fl->vip, last.daddr, 16);
	xo_addr6(fl->raddr, 0, out[5]);
	if (memcmp(o + 24, last.daddr, 16)) {
		fl->nat = true;
		memcpy(fl->raddr, o + 24, 16);
		fl->rport = get16(o + last_l4 + 2);
	}
}

/* ---- what to send ---- */

static const uint16_t rs_ports6[] = { 9000, 9001, 53, 5300, 8083, 5600, 7000, 8443, 80 };

static void gen_request6(struct m6 *m)
{
	const struct xo_svc6 *s = &xo_svcs6[below((uint32_t)xo_nsvcs6)];

	*m = (struct m6){
		.proto = s->proto, .sport = client_port(),
		.dport = s->port ? s->port : (uint16_t)rnd(), .flags = tcp_flags_any(true),
		.hlim = hlim_any(), .tc = chance(80) ? 0 : (uint8_t)rnd(),
		.payload = payload_any(),
	};
	client6(m->saddr);
	xo_addr6(m->daddr, 0, s->vip);
	if (chance(10))
		m->dport += (uint16_t)(below(3) - 1);
	if (chance(3))
		m->proto = m->proto == IPPROTO_TCP ? IPPROTO_UDP : IPPROTO_TCP;
	if (chance(3))
		m->daddr[15] = (uint8_t)(XO_VIP6 - 1 + below(5));
	if (!s->port && chance(30))
		m->dport = chance(50) ? 20 : 21;
}

static void gen_more6(struct m6 *m, const struct flow6 *fl)
{
	*m = (struct m6){
		.proto = fl->proto, .sport = fl->cport, .dport = fl->vport,
		.flags = tcp_flags_any(false), .hlim = hlim_any(), .payload = payload_any(),
	};
	memcpy(m->saddr, fl->caddr, 16);
	memcpy(m->daddr, fl->vip, 16);
}

static void gen_reply6(struct m6 *m, const struct flow6 *fl)
{
	static const uint8_t f[] = { 0x12, 0x10, 0x18, 0x11, 0x04, 0x14 };

	*m = (struct m6){
		.proto = fl->proto, .sport = fl->rport, .dport = fl->cport,
		.flags = chance(90) ? f[below(sizeof(f))] : (uint8_t)rnd(),
		.hlim = hlim_any(), .payload = payload_any(),
	};
	memcpy(m->saddr, fl->raddr, 16);
	memcpy(m->daddr, fl->caddr, 16);
	if (chance(20)) {
		switch (below(6)) {
		case 0: m->sport += 1; break;
		case 5: m->sport = fl->vport; break;
		case 1: m->dport += 1; break;
		case 2: xo_addr6(m->saddr, 0, HOST_RS1 + below(6)); break;
		case 3: client6(m->daddr); break;
		default: m->proto ^= IPPROTO_TCP ^ IPPROTO_UDP;
		}
	}
}

static void gen_unasked6(struct m6 *m)
{
	*m = (struct m6){
		.proto = chance(50) ? IPPROTO_TCP : IPPROTO_UDP,
		.sport = rs_ports6[below(sizeof(rs_ports6) / sizeof(rs_ports6[0]))],
		.dport = client_port(), .flags = tcp_flags_any(false), .hlim = hlim_any(),
		.payload = payload_any(),
	};
	xo_addr6(m->saddr, 0, HOST_RS1 + below(6));
	client6(m->daddr);
}

/* An ICMPv6 message's type, code and 4 bytes: errors mostly. */
static void icmp6_kind(uint8_t *type, uint8_t *code, uint32_t *rest)
{
	static const uint8_t info[] = { 128, 129, 133, 134, 135, 136, 137, 143, 5, 100 };

	*rest = 0;
	switch (below(8)) {
	case 0: case 1:
		*type = 1;
		*code = chance(50) ? 4 : (uint8_t)below(8);
		break;
	case 2: case 3:
		*type = 2;
		*code = 0;
		*rest = 1200 + below(320);
		break;
	case 4:
		*type = 3;
		*code = (uint8_t)below(2);
		break;
	case 5:
		*type = 4;
		*code = (uint8_t)below(3);
		*rest = below(60);
		break;
	default:
		*type = info[below(sizeof(info))];
		*code = 0;
		*rest = (uint32_t)rnd();
	}
}

/* An ICMPv6 error from saddr to daddr quoting the packet q as sent: part
 * of it, or all, or cut short. */
static size_t icmp6_frame(uint8_t *f, const uint8_t *saddr, const uint8_t *daddr,
			  const struct m6 *q)
{
	uint8_t qf[1600], *ip = f + ETH_HLEN, *ic, nh;
	struct m6 o = { .proto = IPPROTO_ICMPV6, .hlim = hlim_any() };
	unsigned int ql4, ext, keep;
	size_t qlen = frame6(qf, q, &ql4) - ETH_HLEN;
	uint32_t rest;
	uint8_t type, code;

	memcpy(o.saddr, saddr, 16);
	memcpy(o.daddr, daddr, 16);
	icmp6_kind(&type, &code, &rest);
	keep = chance(60) ? ql4 + 8 : chance(50) ? (unsigned int)qlen : ql4 - 8 + below(20);
	if (keep > qlen)
		keep = (unsigned int)qlen;
	if (keep > 1232)
		keep = 1232;
	eth6(f, saddr);
	ext = chance(90) ? 0 : ext_chain(ip + IP6_HLEN, IPPROTO_ICMPV6, &nh);
	if (!ext)
		nh = IPPROTO_ICMPV6;
	if (ETH_HLEN + IP6_HLEN + ext + 8 + keep > XO_FRAME_LIMIT)
		keep = XO_FRAME_LIMIT - ETH_HLEN - IP6_HLEN - ext - 8;
	ic = ip + IP6_HLEN + ext;
	ic[0] = type;
	ic[1] = code;
	put32(ic + 4, rest);
	memcpy(ic + 8, qf + ETH_HLEN, keep);
	ip6_hdr(ip, &o, ext + 8 + keep, nh);
	sum6(ip, ic, 8 + keep, IPPROTO_ICMPV6, 2);
	return ETH_HLEN + IP6_HLEN + ext + 8 + keep;
}

/* An ICMPv6 error about a flow: to the VIP about a packet it sent the
 * client (in), or to the client about the packet the director sent on to
 * the server (out). */
static size_t gen_icmp6(uint8_t *f, const struct flow6 *fl)
{
	struct m6 q = { .proto = fl->proto, .flags = 0x12, .hlim = 63,
			.payload = (uint16_t)below(100) };
	uint8_t from[16], to[16];

	if (chance(50)) {
		memcpy(q.saddr, fl->vip, 16);
		memcpy(q.daddr, fl->caddr, 16);
		q.sport = fl->vport;
		q.dport = fl->cport;
		if (chance(50))
			memcpy(from, fl->caddr, 16);
		else
			xo_addr6(from, 1, 0xfe);
		if (chance(90))
			memcpy(to, fl->vip, 16);
		else
			client6(to);
	} else {
		memcpy(q.saddr, fl->caddr, 16);
		memcpy(q.daddr, fl->raddr, 16);
		q.sport = fl->cport;
		q.dport = fl->rport;
		if (chance(60))
			memcpy(from, fl->raddr, 16);
		else
			xo_addr6(from, 0, 0xfd);
		if (chance(90))
			memcpy(to, fl->caddr, 16);
		else
			client6(to);
	}
	return icmp6_frame(f, from, to, &q);
}

/* ICMPv6 that is no error about a flow: echo, neighbour discovery, MLD,
 * to a VIP, the director or all nodes. */
static size_t gen_info6(uint8_t *f)
{
	static const uint8_t types[] = { 128, 129, 133, 134, 135, 136, 143, 1, 3 };
	struct m6 o = { .proto = IPPROTO_ICMPV6, .hlim = chance(50) ? 255 : 64 };
	uint8_t *ip = f + ETH_HLEN, *ic = ip + IP6_HLEN;
	unsigned int n = 8 + below(64);

	client6(o.saddr);
	xo_addr6(o.daddr, 0, chance(20) ? 1 : XO_VIP6 + below(3));
	if (chance(20)) {
		memset(o.daddr, 0, 16);
		o.daddr[0] = 0xff;
		o.daddr[1] = 0x02;
		o.daddr[15] = 1;
	}
	eth6(f, o.saddr);
	rand_bytes(ic, n);
	ic[0] = types[below(sizeof(types))];
	ip6_hdr(ip, &o, n, IPPROTO_ICMPV6);
	sum6(ip, ic, n, IPPROTO_ICMPV6, 2);
	return ETH_HLEN + IP6_HLEN + n;
}

/* The upper-layer header: after the chain frame6 or icmp6_frame built. */
static unsigned int upper(const uint8_t *ip, size_t avail, uint8_t *proto)
{
	uint8_t nh = ip[6];
	unsigned int at = IP6_HLEN;

	for (int n = 0; n < 6 && (nh == 0 || nh == 43 || nh == 60 || nh == 44) &&
	     at + 8 <= avail; n++) {
		uint8_t next = ip[at];

		at += nh == 44 ? 8 : (ip[at + 1] + 1) * 8u;
		nh = next;
	}
	*proto = nh;
	return at;
}

/* Damage of every kind to a well-formed frame. */
static size_t damage6(uint8_t *f, size_t len)
{
	uint8_t *ip = f + ETH_HLEN, proto;
	unsigned int plen = get16(ip + 4), l4 = upper(ip, len - ETH_HLEN, &proto);

	switch (below(10)) {
	case 0:                 /* a bad TCP/UDP/ICMPv6 checksum */
		if (ETH_HLEN + l4 + sum_at(proto) + 2 <= len)
			f[ETH_HLEN + l4 + sum_at(proto)] ^= (uint8_t)(1 + below(255));
		break;
	case 1:                 /* cut short */
		len = ETH_HLEN + below((uint32_t)(len - ETH_HLEN)) + 1;
		break;
	case 2:                 /* payload_len lies */
		put16(ip + 4, chance(20) ? 0 : chance(20) ? (uint16_t)rnd() :
			      (uint16_t)(plen + below(41) - 20));
		break;
	case 3:                 /* the version */
		ip[0] = (uint8_t)((ip[0] & 0x0f) | below(16) << 4);
		break;
	case 4:                 /* an extension header's length past the payload */
		if (l4 > IP6_HLEN)
			ip[IP6_HLEN + 1] = (uint8_t)(ip[IP6_HLEN + 1] + 1 + below(200));
		else
			ip[6] = chance(50) ? 44 : chance(50) ? 50 : 59;
		break;
	case 5:                 /* a martian source */
		martian6(ip + 8);
		break;
	case 6:                 /* padding past the packet */
		if (len + 20 <= XO_FRAME_LIMIT) {
			memset(f + len, 0, 20);
			len += 1 + below(20);
		}
		break;
	case 7:                 /* a TCP data offset off */
		if (proto == IPPROTO_TCP && ETH_HLEN + l4 + 13 < len)
			f[ETH_HLEN + l4 + 12] = (uint8_t)(below(16) << 4);
		break;
	case 8:                 /* another next header */
		ip[6] = (uint8_t)(chance(50) ? rnd() : chance(50) ? 0 : 43);
		break;
	default:                /* a few bytes anywhere */
		for (unsigned int n = 1 + below(4); n--;)
			f[below((uint32_t)len)] ^= (uint8_t)(1 + below(255));
	}
	return len;
}

/*
 * A datagram whose UDP checksum the translation to addr:port (as the
 * source when src, else the destination) makes 0: it must leave as
 * 0xffff.  Two payload bytes are chosen so that the translated sum is -0.
 */
static void csum_to_zero6(uint8_t *f, size_t len, unsigned int l4, bool src,
			  const uint8_t *addr, uint16_t port)
{
	uint8_t *ip = f + ETH_HLEN, segc[1600], pseudo[32];
	unsigned int ulen = get16(ip + 4) + IP6_HLEN - l4;
	uint16_t folded;

	if (ip[6] != IPPROTO_UDP || ulen < 10 || ETH_HLEN + l4 + ulen > len)
		return;
	memcpy(segc, ip + l4, ulen);
	memcpy(pseudo, ip + 8, 32);
	memcpy(pseudo + (src ? 0 : 16), addr, 16);
	put16(segc + (src ? 0 : 2), port);
	put16(segc + 6, 0);
	put16(segc + 8, 0);
	folded = (uint16_t)~csum_fold(csum_add(csum_add(0, pseudo, 32) + IPPROTO_UDP + ulen,
					       segc, ulen));
	put16(ip + l4 + 8, (uint16_t)(0xffff - folded));
	sum6(ip, ip + l4, ulen, IPPROTO_UDP, 6);
}

size_t gen6(uint8_t *f, bool *request)
{
	const struct flow6 *fl = flow6_any();
	unsigned int k = below(100), l4;
	struct m6 m;
	size_t len;

	*request = false;
	if (k < 3) {                    /* random bytes, as IPv6 */
		len = ETH_HLEN + below(chance(50) ? 100 : XO_FRAME_LIMIT - ETH_HLEN + 1);
		rand_bytes(f, (unsigned int)len);
		put16(f + 12, 0x86dd);
		if (len >= ETH_HLEN + IP6_HLEN && chance(50)) {
			f[ETH_HLEN] = (uint8_t)(0x60 | (f[ETH_HLEN] & 0x0f));
			put16(f + ETH_HLEN + 4, (uint16_t)(len - ETH_HLEN - IP6_HLEN));
		}
		return len;
	}
	if (k < 7)
		return gen_info6(f);
	if (k < 35 || !fl) {
		gen_request6(&m);
		*request = true;
	} else if (k < 50) {
		gen_more6(&m, fl);
		*request = true;
	} else if (k < 72) {
		gen_reply6(&m, fl);
	} else if (k < 77) {
		gen_unasked6(&m);
	} else {
		len = gen_icmp6(f, fl);
		return chance(15) ? damage6(f, len) : len;
	}
	if (fl && fl->nat && m.proto == IPPROTO_UDP && k >= 35 && k < 72 && chance(20)) {
		m.payload = (uint16_t)(2 + below(40));
		len = frame6(f, &m, &l4);
		if (k < 50)
			csum_to_zero6(f, len, l4, false, fl->raddr, fl->rport);
		else
			csum_to_zero6(f, len, l4, true, fl->vip, fl->vport);
	} else {
		len = frame6(f, &m, &l4);
	}
	last = m;
	last_l4 = l4;
	return chance(15) ? damage6(f, len) : len;
}
