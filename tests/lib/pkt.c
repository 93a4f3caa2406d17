// SPDX-License-Identifier: GPL-2.0
/* Test frame builder (see pkt.h).  Written byte by byte rather than through
 * the kernel's header structs so the layout on the wire is explicit. */
#include "pkt.h"

#include <assert.h>
#include <string.h>
#include <netinet/in.h>
#include "csum.h"

#define ETH_HLEN  14
#define TCP_HLEN  20
#define UDP_HLEN  8
#define ICMP_HLEN 8
#define IP6_HLEN  40
#define ARP_LEN   28

void pkt_mac(uint8_t mac[6], uint8_t host)
{
	static const uint8_t base[6] = { 0x02, 0, 0, 0, 0, 0 };

	memcpy(mac, base, 6);
	mac[5] = host;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static size_t l4_hlen(uint8_t proto)
{
	return proto == IPPROTO_TCP ? TCP_HLEN :
	       proto == IPPROTO_UDP ? UDP_HLEN : ICMP_HLEN;
}

/* The L4 header at l4 (payload already in place); sum0 is the pseudo
 * header's partial sum, 0 for ICMP which has none. */
static void put_l4(uint8_t *l4, const struct pkt_spec *s, size_t l4_len,
		   uint32_t sum0)
{
	size_t ck;

	if (s->proto == IPPROTO_TCP) {
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, 0x01000000u + s->sport);   /* seq */
		put32(l4 + 8, (s->tcp_flags & 0x10) ? 0x02000000u : 0);
		l4[12] = 5 << 4;
		l4[13] = s->tcp_flags;
		put16(l4 + 14, 65535);                   /* window */
		ck = 16;
	} else if (s->proto == IPPROTO_UDP) {
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, (uint16_t)l4_len);
		ck = 6;
	} else {
		l4[0] = 8;                               /* ICMP echo request */
		put16(l4 + 4, s->sport);                 /* identifier */
		put16(l4 + 6, 1);                        /* sequence */
		ck = 2;
	}
	put16(l4 + ck, csum_fold(csum_add(sum0, l4, l4_len)));
}

static void fill_payload(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 0x5a);
}

static size_t build_ipv4(uint8_t *ip, const struct pkt_spec *s)
{
	size_t ihl = 20 + s->ip_opt_len, l4_len = l4_hlen(s->proto) + s->payload;
	uint8_t pseudo[12] = { 0 };

	assert(s->ip_opt_len % 4 == 0 && s->ip_opt_len <= 40);
	ip[0] = 0x40 | (uint8_t)(ihl / 4);
	put16(ip + 2, (uint16_t)(ihl + l4_len));
	put16(ip + 4, 0x1234);
	put16(ip + 6, s->frag);
	ip[8] = 64;
	ip[9] = s->proto;
	put32(ip + 12, s->saddr);
	put32(ip + 16, s->daddr);
	/* Options: Router Alert (RFC 2113) first, then NOPs: a real option a
	 * router must carry through, whose bytes a test can recognise. */
	memset(ip + 20, 1, s->ip_opt_len);
	if (s->ip_opt_len >= 4)
		memcpy(ip + 20, (const uint8_t[]){ 0x94, 0x04, 0, 0 }, 4);
	put16(ip + 10, csum_of(ip, ihl));

	memcpy(pseudo, ip + 12, 8);
	pseudo[9] = s->proto;
	put16(pseudo + 10, (uint16_t)l4_len);
	fill_payload(ip + ihl + l4_hlen(s->proto), s->payload);
	put_l4(ip + ihl, s, l4_len,
	       s->proto == IPPROTO_ICMP ? 0 : csum_add(0, pseudo, 12));
	return ihl + l4_len;
}

/* fd00::9 -> fd00::64 (the VIP's last octet): the VIP in IPv6 clothes. */
static size_t build_ipv6(uint8_t *ip6, const struct pkt_spec *s)
{
	size_t l4_len = l4_hlen(s->proto) + s->payload;
	uint8_t pseudo[40] = { 0 };

	ip6[0] = 0x60;
	put16(ip6 + 4, (uint16_t)l4_len);
	ip6[6] = s->proto;
	ip6[7] = 64;
	ip6[8] = 0xfd;
	ip6[23] = s->saddr & 0xff;
	ip6[24] = 0xfd;
	ip6[39] = s->daddr & 0xff;
	memcpy(pseudo, ip6 + 8, 32);
	put32(pseudo + 32, (uint32_t)l4_len);
	pseudo[39] = s->proto;
	fill_payload(ip6 + IP6_HLEN + l4_hlen(s->proto), s->payload);
	put_l4(ip6 + IP6_HLEN, s, l4_len, csum_add(0, pseudo, 40));
	return IP6_HLEN + l4_len;
}

/* An ARP request "who has daddr? tell saddr". */
static size_t build_arp(uint8_t *a, const struct pkt_spec *s)
{
	put16(a, 1);            /* Ethernet */
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);        /* request */
	pkt_mac(a + 8, HOST_CLIENT);
	put32(a + 14, s->saddr);
	put32(a + 24, s->daddr);
	return ARP_LEN;
}

void pkt_build(struct frame *f, const struct pkt_spec *spec)
{
	static const uint16_t ethertype[] = { 0x0800, 0x0806, 0x86dd };
	struct pkt_spec s = *spec;
	size_t l3;

	if (!s.saddr)
		s.saddr = NET_CLIENT;
	if (!s.daddr)
		s.daddr = NET_VIP;
	memset(f, 0, sizeof(*f));
	pkt_mac(f->b, HOST_DEV);
	pkt_mac(f->b + 6, HOST_CLIENT);
	put16(f->b + 12, ethertype[s.l3]);
	l3 = s.l3 == L3_ARP ? build_arp(f->b + ETH_HLEN, &s) :
	     s.l3 == L3_IPV6 ? build_ipv6(f->b + ETH_HLEN, &s) :
	     build_ipv4(f->b + ETH_HLEN, &s);
	f->len = ETH_HLEN + l3;
	/* The trailer is zeros the sender's NIC adds; it is not in tot_len. */
	if (s.pad_to > f->len) {
		assert(s.pad_to <= FRAME_MAX);
		f->len = s.pad_to;
	}
}

static void refresh_ip_csum(struct frame *f)
{
	uint8_t *ip = f->b + OFF_IP;

	if (f->len < OFF_IP + 20)
		return;
	put16(ip + 10, 0);
	put16(ip + 10, csum_of(ip, 20));
}

void pkt_mutate(struct frame *f, const struct pkt_mut *m)
{
	uint8_t *ip = f->b + OFF_IP;

	switch (m->kind) {
	case MUT_NONE:
		return;
	case MUT_TRUNC:
		assert(m->val <= f->len);
		f->len = m->val;
		return;
	case MUT_IHL:
		ip[0] = (ip[0] & 0xf0) | (m->val & 0x0f);
		break;
	case MUT_TOT_LEN:
		put16(ip + 2, (uint16_t)m->val);
		break;
	case MUT_VERSION:
		ip[0] = (uint8_t)(m->val << 4) | (ip[0] & 0x0f);
		break;
	case MUT_DOFF:
		/* The TCP header sits where the IHL byte says now: apply
		 * MUT_DOFF before any MUT_IHL. */
		ip[(ip[0] & 0x0f) * 4 + 12] = (uint8_t)(m->val << 4);
		return;
	case MUT_IP_BYTE:
		assert(OFF_IP + (m->val >> 8) < f->len);
		ip[m->val >> 8] = (uint8_t)m->val;
		return;
	}
	refresh_ip_csum(f);
}
