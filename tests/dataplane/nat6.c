// SPDX-License-Identifier: GPL-2.0
/* NAT over IPv6: frames and the from-scratch check (see nat6.h). */
#include "nat6.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>

#include "bytes.h"

char why6[256];

size_t nat6_l4_field(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 16 : 6;
}

const char *nat6_check(const struct frame *in, const struct dp_result *r,
		       const struct nat6_want *w)
{
	struct frame want = *in;
	uint8_t *wip = want.b + OFF_IP6, proto;
	const uint8_t *oip = r->out.b + OFF_IP6;
	size_t off = pkt6_l4_off(wip, &proto), ck = off + nat6_l4_field(proto);
	size_t l4len = IP6_HLEN + get16(wip + 4) - off;
	uint16_t got, exp;

	if (r->rc || (r->verdict != XDP_TX && r->verdict != XDP_REDIRECT)) {
		snprintf(why6, sizeof(why6), "rc %d verdict %u, expected XDP_TX",
			 r->rc, r->verdict);
		return why6;
	}
	pkt_mac(want.b, w->mac_to);
	pkt_mac(want.b + 6, HOST_DEV);
	wip[7]--;
	ip6_host(wip + 8, w->saddr);
	ip6_host(wip + 24, w->daddr);
	put16(wip + off, w->sport);
	put16(wip + off + 2, w->dport);
	if (r->out.len != want.len) {
		snprintf(why6, sizeof(why6), "%zu bytes back, expected %zu",
			 r->out.len, want.len);
		return why6;
	}
	memcpy(wip + ck, oip + ck, 2);
	for (size_t i = 0; i < want.len; i++)
		if (r->out.b[i] != want.b[i]) {
			snprintf(why6, sizeof(why6), "byte %zu (IPv6 %+ld): %02x, "
				 "expected %02x", i, (long)i - OFF_IP6, r->out.b[i],
				 want.b[i]);
			return why6;
		}
	got = get16(oip + ck);
	exp = pkt6_l4_csum(oip, oip + off, l4len, proto);
	if (got != exp && !(proto == IPPROTO_TCP && (got | exp) == 0xffff &&
			    (!got || !exp))) {
		snprintf(why6, sizeof(why6), "%s checksum %04x, from scratch %04x",
			 proto == IPPROTO_TCP ? "TCP" : "UDP", got, exp);
		return why6;
	}
	return NULL;
}


void client6(struct frame *f, uint8_t proto, uint16_t cport,
		    uint16_t vport, uint8_t flags, uint16_t payload)
{
	struct pkt6_spec s;

	pkt6_init(&s, proto, cport, vport, flags);
	s.payload = payload;
	pkt6_build(f, &s);
}

void reply6(struct frame *f, uint8_t proto, uint8_t host, uint16_t rport,
		   uint16_t cport, uint8_t flags, uint16_t payload)
{
	struct pkt6_spec s;

	pkt6_init(&s, proto, rport, cport, flags);
	ip6_host(s.saddr, host);
	ip6_host(s.daddr, HOST_CLIENT);
	s.payload = payload;
	s.src_mac = host;
	pkt6_build(f, &s);
}
