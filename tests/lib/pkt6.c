// SPDX-License-Identifier: GPL-2.0
/* IPv6 test frames (see pkt6.h), written byte by byte so the layout on the
 * wire is explicit. */
#include "pkt6.h"

#include <assert.h>
#include <string.h>
#include <netinet/in.h>

#include "bytes.h"
#include "csum.h"

#define ETH_HLEN 14

void ip6_host(uint8_t a[16], uint8_t host)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[15] = host;
}

void pkt6_init(struct pkt6_spec *s, uint8_t proto, uint16_t sport,
	       uint16_t dport, uint8_t tcp_flags)
{
	memset(s, 0, sizeof(*s));
	s->proto = proto;
	ip6_host(s->saddr, HOST_CLIENT);
	ip6_host(s->daddr, NET6_VIP);
	s->sport = sport;
	s->dport = dport;
	s->tcp_flags = tcp_flags;
	s->hop_limit = 64;
	if (proto == IPPROTO_UDP)
		s->payload = 32;
}

void pkt6_ext_add(struct pkt6_spec *s, uint8_t type, uint8_t len8,
		  uint8_t segleft, uint16_t frag)
{
	assert(s->n_ext < PKT6_EXT_MAX);
	s->ext[s->n_ext++] = (struct pkt6_ext){ .type = type, .len8 = len8,
						.segleft = segleft, .frag = frag };
}

static size_t ext_len(const struct pkt6_ext *e)
{
	return e->type == IPPROTO_FRAGMENT ? 8 : (e->len8 + 1u) * 8;
}

/* One extension header at p, carrying next as its next header. */
static void put_ext(uint8_t *p, const struct pkt6_ext *e, uint8_t next)
{
	size_t n = ext_len(e);

	memset(p, 0, n);
	p[0] = e->type_next ? e->type_next : next;
	if (e->type == IPPROTO_FRAGMENT) {
		put16(p + 2, e->frag);
		put32(p + 4, 0x01020304);
		return;
	}
	p[1] = e->len8;
	if (e->type == IPPROTO_ROUTING) {
		p[2] = 4;               /* SRv6 */
		p[3] = e->segleft;
		p[4] = e->len8 / 2 ? (uint8_t)(e->len8 / 2 - 1) : 0;
		for (size_t i = 8; i + 16 <= n; i += 16)
			ip6_host(p + i, NET6_OTHER);
		return;
	}
	/* Hop-by-Hop and Destination Options: one PadN over the rest. */
	p[2] = 1;
	p[3] = (uint8_t)(n - 4);
}

static size_t l4_hlen(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 20 : 8;
}

size_t pkt6_l4_off(const uint8_t *ip6, uint8_t *proto)
{
	uint8_t next = ip6[6];
	size_t off = IP6_HLEN;

	for (int i = 0; i < PKT6_EXT_MAX + 2; i++) {
		if (next != IPPROTO_HOPOPTS && next != IPPROTO_DSTOPTS &&
		    next != IPPROTO_ROUTING && next != IPPROTO_FRAGMENT)
			break;
		uint8_t n = ip6[off];

		off += next == IPPROTO_FRAGMENT ? 8 : (ip6[off + 1] + 1u) * 8;
		next = n;
	}
	*proto = next;
	return off;
}

static size_t csum_field(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 2;
}

uint16_t pkt6_l4_csum(const uint8_t *ip6, const uint8_t *l4, size_t l4len,
		      uint8_t proto)
{
	uint8_t pseudo[40] = { 0 };
	size_t ck = csum_field(proto);
	uint32_t sum;
	uint16_t c;

	memcpy(pseudo, ip6 + 8, 32);
	put32(pseudo + 32, (uint32_t)l4len);
	pseudo[39] = proto;
	sum = csum_add(0, pseudo, 40);
	sum = csum_add(sum, l4, ck);
	/* The words after the field start on an even offset. */
	sum = csum_add(sum, l4 + ck + 2, l4len - ck - 2);
	c = csum_fold(sum);
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	return c;
}

void pkt6_l4_refresh(uint8_t *ip6, bool keep_zero)
{
	uint8_t proto;
	size_t off = pkt6_l4_off(ip6, &proto);
	size_t len = IP6_HLEN + get16(ip6 + 4) - off;
	uint8_t *ck = ip6 + off + csum_field(proto);

	if (proto == IPPROTO_UDP && keep_zero && !get16(ck))
		return;
	put16(ck, pkt6_l4_csum(ip6, ip6 + off, len, proto));
}

static void fill_payload(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 0x5a);
}

/* The upper-layer header and what follows it at l4; its length. */
static size_t put_l4(uint8_t *l4, const struct pkt6_spec *s)
{
	size_t len;

	if (s->proto == IPPROTO_ICMPV6) {
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		put32(l4 + 4, s->icmp_info);
		if (s->body) {
			memcpy(l4 + 8, s->body, s->body_len);
			return 8 + s->body_len;
		}
		if (s->icmp_type == 128 && !s->icmp_info)
			put32(l4 + 4, (uint32_t)s->sport << 16 | 1);
		fill_payload(l4 + 8, s->payload);
		return 8u + s->payload;
	}
	len = l4_hlen(s->proto) + s->payload;
	put16(l4, s->sport);
	put16(l4 + 2, s->dport);
	if (s->proto == IPPROTO_TCP) {
		put32(l4 + 4, 0x01000000u + s->sport);          /* seq */
		put32(l4 + 8, (s->tcp_flags & 0x10) ? 0x02000000u : 0);
		l4[12] = 5 << 4;
		l4[13] = s->tcp_flags;
		put16(l4 + 14, 65535);
	} else {
		put16(l4 + 4, (uint16_t)len);
	}
	fill_payload(l4 + l4_hlen(s->proto), s->payload);
	return len;
}

void pkt6_build(struct frame *f, const struct pkt6_spec *s)
{
	uint8_t *ip6 = f->b + ETH_HLEN, *p;
	size_t l4len, ext = 0;
	uint8_t first = s->n_ext ? s->ext[0].type : s->proto;

	memset(f, 0, sizeof(*f));
	pkt_mac(f->b, s->dst_mac ? s->dst_mac : HOST_DEV);
	pkt_mac(f->b + 6, s->src_mac ? s->src_mac : HOST_CLIENT);
	put16(f->b + 12, 0x86dd);
	put32(ip6, 6u << 28 | (uint32_t)s->tclass << 20 | (s->flow & 0xfffff));
	ip6[6] = first;
	ip6[7] = s->hop_limit;
	memcpy(ip6 + 8, s->saddr, 16);
	memcpy(ip6 + 24, s->daddr, 16);
	p = ip6 + IP6_HLEN;
	for (int i = 0; i < s->n_ext; i++) {
		uint8_t next = i + 1 < s->n_ext ? s->ext[i + 1].type : s->proto;

		put_ext(p, &s->ext[i], next);
		p += ext_len(&s->ext[i]);
		ext += ext_len(&s->ext[i]);
	}
	assert(ETH_HLEN + IP6_HLEN + ext + 8 + s->payload + s->body_len +
	       20 <= FRAME_MAX);
	l4len = put_l4(p, s);
	put16(ip6 + 4, (uint16_t)(ext + l4len));
	put16(p + csum_field(s->proto), 0);
	put16(p + csum_field(s->proto), pkt6_l4_csum(ip6, p, l4len, s->proto));
	f->len = ETH_HLEN + IP6_HLEN + ext + l4len;
	if (s->pad_to > f->len) {
		assert(s->pad_to <= FRAME_MAX);
		f->len = s->pad_to;
	}
}
