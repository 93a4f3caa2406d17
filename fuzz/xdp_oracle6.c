// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle's IPv6 half (xdp_oracle.c runs each frame and says what the
 * oracle is): what an IPv6 frame through the XDP program may become,
 * written from the IPv6 spec (notes/ipv6-spec.md) and the kernel it
 * follows -- ipv6_rcv/ip6_rcv_core, ipv6_find_hdr as ip_vs_fill_iph_skb
 * walks it, ip_vs_in/ip_vs_out, ip_vs_in_icmp_v6/ip_vs_out_icmp_v6,
 * ip_vs_nat_icmp_v6, __ip_vs_get_out_rt_v6 with decrement_ttl and
 * ensure_mtu_is_adequate, ip_vs_tunnel_xmit_v6, icmp6_send -- not from
 * bpf/.  Passed frames are checked by xo_one (unchanged); a drop is
 * always allowed.  A frame sent on (TX, REDIRECT) is one of:
 *   - a TCP or UDP packet IPVS takes: a unicast Ethernet frame to the
 *     director's MAC, version 6, payload_len not 0 and within the frame,
 *     a source that is not multicast or ::1; only Hop-by-Hop, Destination
 *     Options, Routing and AH headers before it (ipv6_find_hdr), none
 *     past the payload, no Fragment header; the TCP (data offset 5 or
 *     more) or UDP header within the payload -- to a virtual service
 *     (ip_vs_service_find: exact, FTP's data ports, port zero), and then
 *       direct routing: to one of its servers' MACs from the director's,
 *       the frame as it came but for the MACs and a hop limit one lower
 *       (it was 2 or more), no longer than the route's MTU;
 *       NAT: the same but for the destination address and port (the
 *       server's, or the client's port for a server of port 0) and the
 *       TCP/UDP checksum, computed from scratch before and after: right
 *       if it was, off by as much if it was not (an incremental update),
 *       a UDP checksum never made 0 (CSUM_MANGLED_0), one of 0 made
 *       right (udp_dnat_handler's full calculation);
 *       tunnels: the packet one hop on inside ip_vs_tunnel_xmit_v6's
 *       outer IPv6 header (traffic class the inner's as INET_ECN_encapsulate
 *       makes it, flow label 0, hop
 *       limit the inner's after the decrement, from fd00::1 to the
 *       server, next header 41, 17 or 47) or, to an IPv4 server,
 *       ip_vs_tunnel_xmit's IPv4 one (protocol 41, no DF, TOS the traffic
 *       class, TTL the hop limit), GUE's or GRE's header as for IPv4
 *       (GRE's protocol 0x86dd), within the room the route leaves (for an
 *       IPv6 server 1280 or more, else nothing goes);
 *     a TCP segment without SYN only on a connection a SYN made;
 *   - a tracked NAT connection's reply from its server's address and port
 *     on to the client from VIP:vport, one hop on, checksum as above;
 *   - an ICMPv6 error (any type below 128, its checksum unchecked, as
 *     ip_vs_in_icmp_v6 takes it) quoting a packet from
 *     a VIP of a tracked connection (the quote's tuple reversed), sent on
 *     to that connection's server one hop on: as it is (direct routing),
 *     tunnelled, or for NAT with the server's address as the outer
 *     destination and the quote's source, its port the quote's source
 *     port and the ICMPv6 checksum right (ip_vs_nat_icmp_v6, inout 0);
 *     or quoting a NAT connection's packet to its server, on to the
 *     client from the VIP with VIP:vport in the quote (inout 1);
 *   - or the director's own ICMPv6 answer to a packet of a service: time
 *     exceeded (hop limit 1 or 0) quoting it as it came, packet too big
 *     (over the route's MTU, or the room a tunnel leaves; hop limit 2 or
 *     more) with that MTU quoting it one hop on, or port unreachable for
 *     a service without servers (ip_vs_leave) -- back between the frame's
 *     MACs, from its destination to its source, hop limit 64, traffic
 *     class and flow label 0, checksum right, the quote at least the IPv6
 *     header, the extension headers and 8 bytes of the transport header
 *     (the spec) and at most what fits in 1280 bytes (icmp6_send); never
 *     an answer to an ICMPv6 error, nor to the unspecified address
 *     (icmp6_send's addr_any rule).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <xlvs/libxlvs.h>

#include "xdp_oracle_int.h"
#include "pkt.h"
#include "testbed.h"
#include "csum.h"

#define ETH_HLEN XO_ETH_HLEN
#define TUN_OF XO_TUN_OF
#define PERSIST XLVS_SVC_F_PERSISTENT
#define MIN_MTU6 1280           /* IPV6_MIN_MTU */
#define ICMP6_QUOTE_MAX (MIN_MTU6 - 40 - 8)

/* As the IPv4 table (xdp_oracle.c), in IPv6: every lookup, schedulers,
 * persistence by prefix, one-packet scheduling, services without
 * servers, tunnels of each type to IPv6 and IPv4 servers (one whose route
 * leaves too little room: all dropped), NAT with other real ports. */
const struct xo_svc6 xo_svcs6[] = {
	{ IPPROTO_TCP, 0x64, 80, "rr", 0, 0, { HOST_RS1, HOST_RS2 }, 0, 0, 0, 0, { 0 }, 0 },
	{ IPPROTO_TCP, 0x64, 81, "rr", 0, 0, { 0 }, 0, 0, 0, 0, { 0 }, 0 },
	{ IPPROTO_TCP, 0x64, 21, "wlc", PERSIST, 64, { 0x06 }, 0, 0, 0, 0, { 0 }, 0 },
	{ IPPROTO_TCP, 0x65, 0, "sh", PERSIST, 128, { XO_MTU6_HOST, 0x05 }, 0, 0, 0, 0, { 0 }, 0 },
	{ IPPROTO_UDP, 0x64, 53, "wrr", 0, 0, { HOST_RS1, 0x05 }, 0, 0, 0, 0, { 0 }, 0 },
	{ IPPROTO_UDP, 0x64, 54, "lc", XLVS_SVC_F_ONEPACKET, 0, { XO_MTU6_TINY_HOST }, 0, 0, 0, 0,
	  { 0 }, 0 },
	{ IPPROTO_UDP, 0x65, 53, "mh", 0, 0, { HOST_RS1, HOST_RS2, 0x05 }, 0, 0, 0, 0, { 0 }, 0 },
	{ IPPROTO_UDP, 0x65, 54, "rr", 0, 0, { 0 }, 0, 0, 0, 0, { 0 }, 0 },
	/* tunnels */
	{ IPPROTO_TCP, 0x64, 90, "rr", 0, 0, { HOST_RS1, XO_MTU6_HOST }, TUN_OF(XLVS_TUN_IPIP),
	  0, 0, 0, { 0 }, 0 },
	{ IPPROTO_UDP, 0x64, 90, "wrr", 0, 0, { HOST_RS2, XO_MTU6_HOST }, TUN_OF(XLVS_TUN_GUE),
	  XLVS_TUN_F_CSUM, 6080, 0, { 0 }, 0 },
	{ IPPROTO_TCP, 0x64, 91, "wlc", PERSIST, 96, { XO_MTU6_HOST }, TUN_OF(XLVS_TUN_GRE),
	  XLVS_TUN_F_CSUM, 0, 0, { 0 }, 0 },
	{ IPPROTO_UDP, 0x64, 91, "rr", 0, 0, { 0x05 }, TUN_OF(XLVS_TUN_GUE), 0, 5555, 0, { 0 }, 1 },
	{ IPPROTO_TCP, 0x64, 92, "sh", 0, 0, { 0x05, 0x07 }, TUN_OF(XLVS_TUN_GRE), 0, 0, 0,
	  { 0 }, 2 },
	{ IPPROTO_UDP, 0x64, 92, "rr", 0, 0, { XO_MTU6_TINY_HOST }, TUN_OF(XLVS_TUN_GUE),
	  XLVS_TUN_F_REMCSUM, 1, 0, { 0 }, 0 },
	{ IPPROTO_TCP, 0x64, 93, "rr", 0, 0, { HOST_RS2 }, TUN_OF(XLVS_TUN_IPIP), 0, 0, 0,
	  { 0 }, 1 },
	/* NAT */
	{ IPPROTO_TCP, 0x64, 8000, "rr", 0, 0, { 0x05, 0x06 }, 0, 0, 0, 3, { 9000, 9001 }, 0 },
	{ IPPROTO_UDP, 0x64, 5353, "wrr", 0, 0, { 0x05, XO_MTU6_HOST }, 0, 0, 0, 3, { 53, 5300 },
	  0 },
	{ IPPROTO_TCP, 0x64, 83, "wlc", 0, 0, { HOST_RS1, 0x05 }, 0, 0, 0, 2, { 0, 8083 }, 0 },
	{ IPPROTO_UDP, 0x64, 56, "rr", XLVS_SVC_F_ONEPACKET, 0, { 0x06 }, 0, 0, 0, 1, { 5600 }, 0 },
	{ IPPROTO_TCP, 0x66, 0, "sh", PERSIST, 128, { XO_MTU6_TINY_HOST, 0x06 }, 0, 0, 0, 3,
	  { 0, 7000 }, 0 },
	{ IPPROTO_TCP, 0x65, 443, "lc", PERSIST, 48, { XO_MTU6_HOST }, 0, 0, 0, 1, { 8443 }, 0 },
};
const size_t xo_nsvcs6 = sizeof(xo_svcs6) / sizeof(xo_svcs6[0]);

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

void xo_addr6(uint8_t a[16], uint16_t net, uint32_t low)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[2] = (uint8_t)(net >> 8);
	a[3] = (uint8_t)net;
	for (int i = 0; i < 4; i++)
		a[12 + i] = (uint8_t)(low >> (24 - 8 * i));
}

struct xlvs_endpoint xo_ep6(uint8_t host, uint16_t port)
{
	struct xlvs_endpoint ep = { .af = 6, .port = port };

	xo_addr6(ep.addr, 0, host);
	return ep;
}

unsigned int xo_mtu6(uint8_t host)
{
	return host == XO_MTU6_HOST ? XO_MTU6_SMALL :
	       host == XO_MTU6_TINY_HOST ? XO_MTU6_TINY : XO_MTU_DEV;
}

static unsigned int mtu4(uint8_t host)
{
	return host == XO_MTU_HOST ? XO_MTU_SMALL : XO_MTU_DEV;
}

/* a is fd00::<host>: on the director's link, named by its last byte. */
static bool is_host6(const uint8_t *a, uint8_t host)
{
	static const uint8_t pre[15] = { 0xfd };

	return !memcmp(a, pre, 15) && a[15] == host;
}

/* On the link (fd00::/64) a neighbour named by the last byte, else the
 * router's. */
static uint8_t next_hop6(const uint8_t *a)
{
	static const uint8_t link[8] = { 0xfd };

	return memcmp(a, link, 8) ? XO_GW_HOST : a[15];
}

int xo6_net(const char *dev)
{
	if (tb_sh("ip -6 addr add fd00::1/64 dev %s nodad", dev) ||
	    tb_write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1") ||
	    tb_sh("ip -6 route replace default via fd00::%x dev %s", XO_GW_HOST, dev) ||
	    tb_sh("ip -6 route replace fd00::%x/128 dev %s mtu lock %d", XO_MTU6_HOST, dev,
		  XO_MTU6_SMALL) ||
	    tb_sh("ip -6 route replace fd00::%x/128 dev %s mtu lock %d", XO_MTU6_TINY_HOST,
		  dev, XO_MTU6_TINY))
		return -1;
	return 0;
}

int xo6_pin(const char *dev)
{
	for (int h = HOST_RS1; h <= HOST_RS_LAST + 1; h++)
		if (tb_sh("ip -6 neigh replace fd00::%x lladdr 02:00:00:00:00:%02x dev %s "
			  "nud permanent", h, h, dev))
			return -1;
	return tb_sh("ip -6 neigh replace fd00::%x lladdr 02:00:00:00:00:%02x dev %s "
		     "nud permanent", XO_GW_HOST, XO_GW_HOST, dev) ? -1 : 0;
}

int xo6_load(const char *who)
{
	for (size_t i = 0; i < xo_nsvcs6; i++) {
		const struct xo_svc6 *s = &xo_svcs6[i];
		struct xlvs_service_conf c = {
			.proto = s->proto, .vip = xo_ep6(s->vip, s->port), .flags = s->flags,
			.timeout = 60, .netmask = s->plen ? s->plen : 128,
		};
		int rc;

		snprintf(c.sched, sizeof(c.sched), "%s", s->sched);
		rc = xlvs_service_add(xo_table(), &c);
		for (int j = 0; !rc && j < 3 && s->hosts[j]; j++) {
			uint16_t port = s->masq >> j & 1 ? s->rport[j] : s->port;
			struct xlvs_dest_conf d = {
				.addr = s->v4 >> j & 1 ? tb_ep(IP4(10, 0, 0, s->hosts[j]), port) :
					xo_ep6(s->hosts[j], port),
				.fwd = s->tun ? XLVS_FWD_TUNNEL :
				       s->masq >> j & 1 ? XLVS_FWD_MASQ : XLVS_FWD_DROUTE,
				.weight = j + 1,
				.tun_type = s->tun ? s->tun - 1 : 0,
				.tun_flags = s->tun_flags, .tun_port = s->tun_port,
			};

			rc = xlvs_dest_add(xo_table(), s->proto, &c.vip, &d);
		}
		if (rc) {
			fprintf(stderr, "%s: IPv6 service %zu: %s\n", who, i, strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* ---- the independent reading of an IPv6 frame ---- */

struct p6 {
	bool ok;                /* TCP/UDP that IPVS takes */
	bool icmp_err;          /* an ICMPv6 error quoting TCP/UDP with its ports */
	uint8_t proto, flags, hlim, tc;
	unsigned int tot;       /* 40 + payload_len */
	unsigned int l4;        /* the upper-layer header's offset in the packet */
	const uint8_t *ip, *saddr, *daddr;
	uint16_t sport, dport;
	struct {                /* the quoted packet (an ICMPv6 error's) */
		uint8_t proto;
		const uint8_t *saddr, *daddr;
		uint16_t sport, dport;
		unsigned int off, l4;   /* its header's, its transport's offsets */
	} q;
};

/* ip6_rcv_core's refused sources: multicast and loopback.  (IPv4-mapped
 * ones it takes since "ipv6: weaken the v4mapped source check", which
 * left that check to TCP's socket lookup; :: it never refused.) */
static bool bad_source6(const uint8_t *a)
{
	static const uint8_t zero[16];

	return a[0] == 0xff || (!memcmp(a, zero, 15) && a[15] == 1);
}

static bool is_any6(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

/*
 * ipv6_find_hdr's walk (target -1) over len bytes of the packet at ip, as
 * ip_vs_fill_iph_skb runs it before the kernel acts on any extension
 * header (IPVS's LOCAL_IN hook comes first): past Hop-by-Hop, Routing
 * (whatever its segments left), Destination Options and AH headers,
 * however many and wherever, and in a quote a Fragment header of offset
 * 0; the first other header's type in *proto, its offset in *off.  False
 * when IPVS sees no upper-layer header: one past len, a Fragment header
 * outside a quote (the spec passes fragments), a later fragment.
 */
static bool walk6(const uint8_t *ip, unsigned int len, bool quote, uint8_t *proto,
		  unsigned int *off)
{
	uint8_t nh = ip[6];
	unsigned int at = 40;

	for (;;) {
		unsigned int hl;

		if (nh != 0 && nh != 43 && nh != 60 && nh != 51 && nh != 44) {
			*proto = nh;
			*off = at;
			return true;
		}
		if (at + 8 > len || (nh == 44 && (!quote || (be16(ip + at + 2) & 0xfff8))))
			return false;
		/* ipv6_authlen, ipv6_optlen */
		hl = nh == 44 ? 8 : nh == 51 ? (ip[at + 1] + 2) * 4u : (ip[at + 1] + 1) * 8u;
		if (at + hl > len)
			return false;
		nh = ip[at];
		at += hl;
	}
}

/* The folded sum over len bytes at ip + at with the IPv6 pseudo-header
 * (next header nh): 0 when the checksum in them is right. */
static uint16_t sum6(const uint8_t *ip, unsigned int at, unsigned int len, uint8_t nh)
{
	uint32_t s = csum_add(0, ip + 8, 32) + (len >> 16) + (len & 0xffff) + nh;

	return csum_fold(csum_add(s, ip + at, len));
}

/* A TCP/UDP checksum as a receiver sees it: 0 when right, else how far
 * off (the one's complement's two zeros made one). */
static uint16_t l4_error6(const uint8_t *ip, unsigned int l4, unsigned int tot, uint8_t proto)
{
	uint16_t e = sum6(ip, l4, tot - l4, proto);

	return e == 0xffff ? 0 : e;
}

static void read_icmp6(struct p6 *p)
{
	const uint8_t *ic = p->ip + p->l4, *q = ic + 8;
	unsigned int len = p->tot - p->l4, qlen, ql4;
	uint8_t qp;

	/* ip_vs_in_icmp_v6: every error type (no ICMPV6_INFOMSG_MASK). */
	if (len < 8 + 40 || (ic[0] & 0x80))
		return;
	qlen = len - 8;
	if (q[0] >> 4 != 6 || !walk6(q, qlen, true, &qp, &ql4) ||
	    (qp != IPPROTO_TCP && qp != IPPROTO_UDP) || qlen < ql4 + 4)
		return;
	p->icmp_err = true;
	p->q.proto = qp;
	p->q.saddr = q + 8;
	p->q.daddr = q + 24;
	p->q.sport = be16(q + ql4);
	p->q.dport = be16(q + ql4 + 2);
	p->q.off = p->l4 + 8;
	p->q.l4 = p->l4 + 8 + ql4;
}

static void read6(const uint8_t *f, size_t len, struct p6 *p)
{
	const uint8_t *ip = f + ETH_HLEN;
	unsigned int plen, l4len;

	memset(p, 0, sizeof(*p));
	if (len < ETH_HLEN + 40)
		return;
	plen = be16(ip + 4);
	if (ip[0] >> 4 != 6 || !plen || ETH_HLEN + 40 + plen > len)
		return;
	p->ip = ip;
	p->tot = 40 + plen;
	p->hlim = ip[7];
	p->tc = (uint8_t)(be16(ip) >> 4);
	p->saddr = ip + 8;
	p->daddr = ip + 24;
	if (bad_source6(p->saddr) || !walk6(ip, p->tot, false, &p->proto, &p->l4))
		return;
	l4len = p->tot - p->l4;
	if (p->proto == IPPROTO_ICMPV6) {
		read_icmp6(p);
		return;
	}
	if (p->proto == IPPROTO_TCP) {
		const uint8_t *th = ip + p->l4;

		if (l4len < 20 || (th[12] >> 4) < 5 || l4len < (th[12] >> 4) * 4u)
			return;
		p->flags = th[13];
	} else if (p->proto != IPPROTO_UDP || l4len < 8) {
		return;
	}
	p->sport = be16(ip + p->l4);
	p->dport = be16(ip + p->l4 + 2);
	p->ok = true;
}

/* ---- the table, looked up as IPVS does ---- */

static const struct xo_svc6 *exact6(uint8_t proto, const uint8_t *vip, uint16_t port)
{
	for (size_t i = 0; i < xo_nsvcs6; i++)
		if (xo_svcs6[i].proto == proto && xo_svcs6[i].port == port &&
		    is_host6(vip, xo_svcs6[i].vip))
			return &xo_svcs6[i];
	return NULL;
}

/* ip_vs_service_find: exact, then a persistent FTP service's data ports,
 * then port zero. */
static const struct xo_svc6 *service6(uint8_t proto, const uint8_t *vip, uint16_t port)
{
	const struct xo_svc6 *s = exact6(proto, vip, port);

	if (!s && proto == IPPROTO_TCP && (port == 20 || port >= 1024))
		s = exact6(IPPROTO_TCP, vip, 21);
	if (!s)
		s = exact6(proto, vip, 0);
	return s;
}

/* The index of host among s's servers of family af, -1 if none. */
static int index6(const struct xo_svc6 *s, uint8_t host, int af)
{
	for (int j = 0; j < 3 && s->hosts[j]; j++)
		if (s->hosts[j] == host && (s->v4 >> j & 1) == (af == 4))
			return j;
	return -1;
}

static bool masq6(const struct xo_svc6 *s, int j)
{
	return s->masq >> j & 1;
}

static uint16_t rport6(const struct xo_svc6 *s, int j, uint16_t vport)
{
	return s->rport[j] ? s->rport[j] : vport;
}

/* The room the route to s's server j leaves a packet in s's tunnel: 0
 * when none goes (an IPv6 outer header and less than 1280 left). */
static unsigned int room6(const struct xo_svc6 *s, int j)
{
	unsigned int extra = xo_tun_extra(s->tun, s->tun_flags), room;

	if (s->v4 >> j & 1)
		return mtu4(s->hosts[j]) - 20 - extra;
	room = xo_mtu6(s->hosts[j]) - 40 - extra;
	return room < MIN_MTU6 ? 0 : room;
}

/* A connection's key: client, VIP, their ports. */
static uint64_t key6(uint8_t proto, const uint8_t *c, const uint8_t *v, uint16_t cport,
		     uint16_t vport)
{
	uint64_t h = 0x6a09e667f3bcc909ull;

	for (int i = 0; i < 16; i++) {
		h = (h ^ c[i]) * 0x100000001b3ull;
		h = (h ^ v[i]) * 0x100000001b3ull;
	}
	h ^= ((uint64_t)cport << 24 | (uint64_t)vport << 8 | proto) * 0xc2b2ae3d27d4eb4full;
	h ^= h >> 29;
	return h | 1;
}

static uint64_t pkt_key6(const struct p6 *p)
{
	return key6(p->proto, p->saddr, p->daddr, p->sport, p->dport);
}

/* ---- the checks ---- */

static const uint8_t *in6;      /* the frame as it came */
static size_t in6_len;

/* out equals the frame but in the byte ranges [skip[2i], skip[2i+1]) of
 * the frames' IPv6 packets, and the MACs. */
static bool same_but6(const uint8_t *out, size_t out_len, const unsigned int *skip, int nskip)
{
	unsigned int at = 0, len = (unsigned int)in6_len - ETH_HLEN;
	const uint8_t *o = out + ETH_HLEN, *ip = in6 + ETH_HLEN;

	if (out_len != in6_len || memcmp(out + 12, in6 + 12, 2))
		return false;
	for (int i = 0; i <= nskip; i++) {
		unsigned int to = i < nskip ? skip[2 * i] : len;

		if (to > at && memcmp(o + at, ip + at, to - at))
			return false;
		if (i < nskip)
			at = skip[2 * i + 1];
	}
	return true;
}

/* One hop on (decrement_ttl): hop limit 2 or more, made one lower. */
static void check_hop(const struct p6 *p, const uint8_t *out, const char *what)
{
	if (p->hlim < 2 || out[ETH_HLEN + 7] != p->hlim - 1)
		xo_broken("%s with hop limit %u, came with %u", what, out[ETH_HLEN + 7], p->hlim);
}

/* The GUE or GRE header at x (len bytes from it on) around an inner
 * packet of family af; pseudo: the outer UDP pseudo-header's sum. */
static void check_encap(uint8_t tun, uint8_t flags, uint16_t port, int af, const uint8_t *x,
			unsigned int len, uint32_t pseudo)
{
	if (tun == TUN_OF(XLVS_TUN_GUE)) {
		bool want = flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM);
		const uint8_t gue[4] = { 0, af == 6 ? IPPROTO_IPV6 : IPPROTO_IPIP, 0, 0 };

		if (be16(x + 2) != port || be16(x + 4) != len || be16(x) < xo_sport_lo ||
		    be16(x) >= xo_sport_hi || memcmp(x + 8, gue, 4) ||
		    (want ? !csum_ok(csum_add(pseudo + len + IPPROTO_UDP, x, len)) :
		     be16(x + 6) != 0))
			xo_broken("a GUE header that is not ipvs_gue_encap's");
	} else if (tun == TUN_OF(XLVS_TUN_GRE)) {
		bool want = flags & XLVS_TUN_F_CSUM;

		if (be16(x) != (want ? 0x8000 : 0) || be16(x + 2) != (af == 6 ? 0x86dd : 0x0800) ||
		    (want && !csum_ok(csum_add(0, x, len))))
			xo_broken("a GRE header that is not ipvs_gre_encap's");
	}
}

/* ip_vs_prepare_tunneled_skb's INET_ECN_encapsulate(ds, ds): the inner's
 * DSCP and ECN, but ECT(0) for CE. */
static uint8_t ecn_encap(uint8_t ds)
{
	return (ds & 3) == 3 ? (uint8_t)((ds & ~3) | 2) : ds;
}

static uint8_t tun_proto(uint8_t tun, int inner_af)
{
	if (tun == TUN_OF(XLVS_TUN_GUE))
		return IPPROTO_UDP;
	if (tun == TUN_OF(XLVS_TUN_GRE))
		return IPPROTO_GRE;
	return inner_af == 6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
}

unsigned int xo6_outer(uint8_t tun, uint8_t tun_flags, uint16_t tun_port, int inner_af,
		       const uint8_t *in_ip, unsigned int tot, const uint8_t *out,
		       size_t out_len, uint8_t *host)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int extra = xo_tun_extra(tun, tun_flags);
	uint8_t ttl = inner_af == 6 ? in_ip[7] : in_ip[8];
	uint8_t ds = ecn_encap(inner_af == 6 ? (uint8_t)(be16(in_ip) >> 4) : in_ip[1]);
	uint8_t dev[16];

	xo_addr6(dev, 0, 1);
	if (out_len != ETH_HLEN + 40 + extra + tot)
		xo_broken("a frame tunnelled in IPv6 of %zu bytes, not %u", out_len,
			  ETH_HLEN + 40 + extra + tot);
	if (be32(o) != (0x60000000u | (uint32_t)ds << 20))
		xo_broken("an outer IPv6 header %08x: not traffic class %02x, flow label 0",
			  be32(o), ds);
	if (be16(o + 4) != extra + tot || o[6] != tun_proto(tun, inner_af))
		xo_broken("an outer IPv6 header of payload length %u, next header %u",
			  be16(o + 4), o[6]);
	if (ttl < 2 || o[7] != ttl - 1)
		xo_broken("an outer IPv6 header of hop limit %u for an inner %u", o[7], ttl);
	if (memcmp(o + 8, dev, 16) || memcmp(o + 24, dev, 15))
		xo_broken("an outer IPv6 header not from fd00::1 to a server on its link");
	*host = o[39];
	check_encap(tun, tun_flags, tun_port, inner_af, o + 40, extra + tot,
		    csum_add(0, o + 8, 32));
	return ETH_HLEN + 40 + extra;
}

/* ip_vs_tunnel_xmit to an IPv4 server: the outer IPv4 header; returns the
 * inner packet's offset. */
static unsigned int outer4(const struct xo_svc6 *s, const struct p6 *p, const uint8_t *out,
			   size_t out_len, uint8_t *host)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int extra = xo_tun_extra(s->tun, s->tun_flags);

	if (out_len != ETH_HLEN + 20 + extra + p->tot)
		xo_broken("a frame tunnelled in IPv4 of %zu bytes, not %u", out_len,
			  ETH_HLEN + 20 + extra + p->tot);
	if (o[0] != 0x45 || be16(o + 2) != 20 + extra + p->tot || csum_of(o, 20) ||
	    o[9] != tun_proto(s->tun, 6) || be32(o + 12) != NET_DEV_IP ||
	    (be32(o + 16) & 0xffffff00) != IP4(10, 0, 0, 0))
		xo_broken("an IPv6 packet tunnelled in a wrong outer IPv4 header");
	/* ip_vs_prepare_tunneled_skb: no DF for IPv6 inside, the TOS its
	 * traffic class (INET_ECN_encapsulate'd), the TTL its hop limit (one
	 * lower already). */
	if (be16(o + 6) || o[1] != ecn_encap(p->tc) || p->hlim < 2 ||
	    o[8] != p->hlim - 1)
		xo_broken("an IPv6 packet tunnelled in IPv4 with DF or offset %04x, TOS %02x "
			  "(traffic class %02x), TTL %u (hop limit %u)", be16(o + 6), o[1],
			  p->tc, o[8], p->hlim);
	*host = o[19];
	check_encap(s->tun, s->tun_flags, s->tun_port, 6, o + 20, extra + p->tot,
		    csum_add(0, o + 12, 8));
	return ETH_HLEN + 20 + extra;
}

/* ip_vs_tunnel_xmit(_v6) for the IPv6 packet p of tunnelled service s. */
static void check_tunnel6(const struct p6 *p, const struct xo_svc6 *s, const uint8_t *out,
			  size_t out_len)
{
	bool v6 = out_len >= ETH_HLEN && be16(out + 12) == 0x86dd;
	uint8_t host;
	unsigned int at, room;
	const uint8_t *q;
	int j;

	if (!v6 && (out_len < ETH_HLEN + 20 || be16(out + 12) != 0x0800))
		xo_broken("a tunnelled frame neither IPv6 nor IPv4");
	at = v6 ? xo6_outer(s->tun, s->tun_flags, s->tun_port, 6, p->ip, p->tot, out, out_len,
			    &host) : outer4(s, p, out, out_len, &host);
	j = index6(s, host, v6 ? 6 : 4);
	if (j < 0)
		xo_broken("tunnelled to %s host %02x, none of the service's", v6 ? "IPv6" : "IPv4",
			  host);
	room = room6(s, j);
	if (p->tot > room)
		xo_broken("a tunnelled packet of %u bytes where the route leaves %u", p->tot, room);
	xo_check_macs(out, host, "a tunnelled frame");
	q = out + at;
	if (memcmp(q, p->ip, 7) || q[7] != p->hlim - 1 ||
	    memcmp(q + 8, p->ip + 8, p->tot - 8))
		xo_broken("the tunnelled IPv6 packet changed beyond its hop limit");
}

/* TCP/UDP checksum at l4 of the packet o against the frame's: as the
 * spec and udp/tcp_*nat_handler leave it. */
static void check_l4_sum6(const struct p6 *p, const uint8_t *o, const char *what)
{
	unsigned int at = p->l4 + (p->proto == IPPROTO_TCP ? 16 : 6);
	uint16_t was = be16(p->ip + at), now = be16(o + at);
	uint16_t e_in = l4_error6(p->ip, p->l4, p->tot, p->proto);
	uint16_t e_out = l4_error6(o, p->l4, p->tot, p->proto);

	if (p->proto == IPPROTO_UDP && !now && was)
		xo_broken("%s: a UDP checksum made 0, not 0xffff", what);
	if (p->proto == IPPROTO_UDP && !was) {
		if (!now || e_out)
			xo_broken("%s: a UDP datagram without a checksum left with %04x, "
				  "not its full sum", what, now);
		return;
	}
	if (e_in != e_out)
		xo_broken("%s with a %s %s checksum (%04x; off by %04x, came off by %04x)",
			  what, e_in ? "differently wrong" : "wrong",
			  p->proto == IPPROTO_TCP ? "TCP" : "UDP", now, e_out, e_in);
}

/* ip_vs_nat_xmit_v6 with the dnat handler: to server j of s. */
static void check_nat6(const struct p6 *p, const struct xo_svc6 *s, int j, const uint8_t *out,
		       size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int l4 = p->l4, sum = l4 + (p->proto == IPPROTO_TCP ? 16 : 6);
	const unsigned int skip[] = { 7, 8, 24, 40, l4 + 2, l4 + 4, sum, sum + 2 };
	uint16_t rport = rport6(s, j, p->dport);

	check_hop(p, out, "a NAT packet");
	if (!is_host6(o + 24, s->hosts[j]) || be16(o + l4 + 2) != rport)
		xo_broken("a NAT packet sent to ..:%02x port %u, not fd00::%x port %u", o[39],
			  be16(o + l4 + 2), s->hosts[j], rport);
	if (!same_but6(out, out_len, skip, 4))
		xo_broken("a NAT packet changed beyond its destination and hop limit");
	check_l4_sum6(p, o, "a NAT packet");
	if (p->tot > xo_mtu6(s->hosts[j]))
		xo_broken("a NAT packet of %u bytes over the route's MTU", p->tot);
}

/* handle_response: a tracked NAT connection's reply from VIP:vport. */
static void check_reply6(const struct p6 *p, const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int l4 = p->l4, sum = l4 + (p->proto == IPPROTO_TCP ? 16 : 6);
	const unsigned int skip[] = { 7, 8, 8, 24, l4, l4 + 2, sum, sum + 2 };
	uint16_t vport = be16(o + l4);
	const struct xo_svc6 *s = service6(p->proto, o + 8, vport);
	int j = s && is_host6(p->saddr, p->saddr[15]) ? index6(s, p->saddr[15], 6) : -1;
	struct seen_ent e = xo_seen_get(key6(p->proto, p->daddr, o + 8, p->dport, vport));

	if (!s || s->tun || j < 0 || !masq6(s, j) || rport6(s, j, vport) != p->sport)
		xo_broken("an IPv6 reply from ..:%02x port %u rewritten to come from ..:%02x "
			  "port %u, of no NAT service with that real server", p->saddr[15],
			  p->sport, o[23], vport);
	if (!xo_seen_full() && !e.host)
		xo_broken("an IPv6 reply translated for no connection forwarded to its server");
	if (e.host && !seen_is(e, p->saddr[15], p->sport))
		xo_broken("an IPv6 reply translated from %02x:%u, whose connection went to "
			  "%02x:%u", p->saddr[15], p->sport, e.host, e.rport);
	check_hop(p, out, "an IPv6 reply");
	if (!same_but6(out, out_len, skip, 4))
		xo_broken("an IPv6 reply changed beyond its source");
	check_l4_sum6(p, o, "an IPv6 reply");
	xo_check_macs(out, next_hop6(p->daddr), "an IPv6 reply");
	xo_kinds[XO_NAT_REPLY6]++;
}

/* ip_vs_nat_icmp_v6's ICMPv6 checksum over the message, recomputed. */
static void check_icmp_sum6(const struct p6 *p, const uint8_t *o, const char *what)
{
	if (sum6(o, p->l4, p->tot - p->l4, IPPROTO_ICMPV6))
		xo_broken("%s with a wrong ICMPv6 checksum", what);
}

/* ip_vs_nat_icmp_v6, inout 0: on to server j with its address in the
 * outer destination and the quote's source, its port in the quote's. */
static void check_icmp_in_nat6(const struct p6 *p, const struct xo_svc6 *s, int j,
			       uint16_t vport, const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int ic = p->l4, qo = p->q.off, ql4 = p->q.l4;
	const unsigned int skip[] = { 7, 8, 24, 40, ic + 2, ic + 4, qo + 8, qo + 24,
				      ql4, ql4 + 2 };
	uint16_t rport = rport6(s, j, vport);

	check_hop(p, out, "an ICMPv6 error relayed to its NAT server");
	if (!is_host6(o + 24, s->hosts[j]) || !is_host6(o + qo + 8, s->hosts[j]) ||
	    be16(o + ql4) != rport)
		xo_broken("an ICMPv6 error relayed to its NAT server with ..:%02x / ..:%02x "
			  "port %u, not fd00::%x port %u", o[39], o[qo + 23], be16(o + ql4),
			  s->hosts[j], rport);
	if (!same_but6(out, out_len, skip, 5))
		xo_broken("an ICMPv6 error relayed to its NAT server changed beyond its "
			  "addresses, port and hop limit");
	check_icmp_sum6(p, o, "an ICMPv6 error relayed to its NAT server");
}

/* ip_vs_out_icmp_v6, handle_response_icmp, ip_vs_nat_icmp_v6 inout 1:
 * about a NAT connection's packet to its server, on to the client. */
static void check_icmp_out_nat6(const struct p6 *p, const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int ic = p->l4, qo = p->q.off, ql4 = p->q.l4;
	const unsigned int skip[] = { 7, 8, 8, 24, ic + 2, ic + 4, qo + 24, qo + 40,
				      ql4 + 2, ql4 + 4 };
	uint16_t vport = be16(o + ql4 + 2);
	const struct xo_svc6 *s = service6(p->q.proto, o + 8, vport);
	uint8_t host = p->q.daddr[15];
	int j = s && is_host6(p->q.daddr, host) ? index6(s, host, 6) : -1;
	struct seen_ent e = xo_seen_get(key6(p->q.proto, p->q.saddr, o + 8, p->q.sport, vport));

	if (memcmp(o + qo + 24, o + 8, 16))
		xo_broken("an ICMPv6 error relayed to a client from ..:%02x, quoting ..:%02x",
			  o[23], o[qo + 39]);
	if (!s || s->tun || j < 0 || !masq6(s, j) || rport6(s, j, vport) != p->q.dport)
		xo_broken("an ICMPv6 error quoting a packet to ..:%02x port %u relayed as from "
			  "..:%02x port %u, of no NAT service with that server", host,
			  p->q.dport, o[23], vport);
	if (!xo_seen_full() && !e.host)
		xo_broken("an ICMPv6 error relayed to a client for no NAT connection");
	if (e.host && !seen_is(e, host, p->q.dport))
		xo_broken("an ICMPv6 error quoting %02x:%u relayed for a connection to %02x:%u",
			  host, p->q.dport, e.host, e.rport);
	check_hop(p, out, "an ICMPv6 error relayed to a client");
	if (!same_but6(out, out_len, skip, 5))
		xo_broken("an ICMPv6 error relayed to a client changed beyond its addresses, "
			  "port and hop limit");
	check_icmp_sum6(p, o, "an ICMPv6 error relayed to a client");
	xo_check_macs(out, next_hop6(p->daddr), "an ICMPv6 error relayed to a client");
	xo_kinds[XO_ICMP_OUT_NAT6]++;
}

/* Direct routing's: the frame one hop on, nothing else changed. */
static void check_dr6(const struct p6 *p, uint8_t host, const uint8_t *out, size_t out_len,
		      const char *what)
{
	const unsigned int skip[] = { 7, 8 };

	check_hop(p, out, what);
	if (!same_but6(out, out_len, skip, 1))
		xo_broken("%s changed beyond its hop limit", what);
	if (p->tot > xo_mtu6(host))
		xo_broken("%s of %u bytes over the route's MTU %u", what, p->tot, xo_mtu6(host));
}

/* ip_vs_in_icmp_v6 (or, from the VIP, ip_vs_out_icmp_v6's NAT). */
static void check_relayed6(const struct p6 *p, const uint8_t *out, size_t out_len)
{
	const struct xo_svc6 *s = service6(p->q.proto, p->q.saddr, p->q.sport);
	struct seen_ent e = xo_seen_get(key6(p->q.proto, p->q.daddr, p->q.saddr, p->q.dport,
					     p->q.sport));
	bool v6out = out_len >= ETH_HLEN + 40 && be16(out + 12) == 0x86dd;
	uint8_t host = out[5];
	int j = -1;

	/* ip_vs_in_icmp_v6 checks no checksum: a wrong one may be relayed
	 * (as it came for direct routing, summed anew for NAT). */
	if (!(s && s->tun) && v6out && memcmp(out + ETH_HLEN + 8, p->saddr, 16)) {
		check_icmp_out_nat6(p, out, out_len);
		return;
	}
	if (memcmp(p->daddr, p->q.saddr, 16))
		xo_broken("an ICMPv6 error relayed that is not to its quote's source");
	if (!s)
		xo_broken("an ICMPv6 error relayed for no virtual service");
	if (s->tun) {
		check_tunnel6(p, s, out, out_len);
	} else {
		j = index6(s, host, 6);
		if (j < 0)
			xo_broken("an ICMPv6 error relayed to no real server of the service");
		if (masq6(s, j))
			check_icmp_in_nat6(p, s, j, p->q.sport, out, out_len);
		else
			check_dr6(p, host, out, out_len, "a relayed ICMPv6 error");
		xo_check_macs(out, host, "an ICMPv6 error relayed");
	}
	if (!e.host && !xo_seen_full())
		xo_broken("an ICMPv6 error relayed for no connection");
	if (e.host && e.host != host && e.host != SEEN_ANY)
		xo_broken("an ICMPv6 error relayed to another server than its connection's "
			  "(%02x, not %02x)", host, e.host);
	xo_kinds[j >= 0 && masq6(s, j) ? XO_ICMP_IN_NAT6 : XO_ICMP_IN6]++;
}

static void check_forwarded6(const struct p6 *p, const uint8_t *out, size_t out_len)
{
	const struct xo_svc6 *s;
	uint16_t rport;
	int j;

	xo_check_to_host(in6);
	if (!p->ok && p->icmp_err) {
		check_relayed6(p, out, out_len);
		return;
	}
	if (!p->ok)
		xo_broken("an IPv6 frame IPVS would never see was forwarded");
	s = service6(p->proto, p->daddr, p->dport);
	rport = p->dport;
	if (!(s && s->tun) && out_len >= ETH_HLEN + 40 && be16(out + 12) == 0x86dd &&
	    memcmp(out + ETH_HLEN + 8, p->saddr, 16)) {
		check_reply6(p, out, out_len);
		return;
	}
	if (!s)
		xo_broken("an IPv6 packet forwarded to no virtual service");
	if (s->tun) {
		check_tunnel6(p, s, out, out_len);
		xo_kinds[XO_TUNNEL6]++;
	} else {
		j = index6(s, out[5], 6);
		if (j < 0)
			xo_broken("sent to a MAC that is none of the service's real servers");
		xo_check_macs(out, out[5], "an IPv6 packet forwarded");
		if (masq6(s, j)) {
			check_nat6(p, s, j, out, out_len);
			rport = rport6(s, j, p->dport);
			xo_kinds[XO_NAT_FWD6]++;
		} else {
			check_dr6(p, out[5], out, out_len, "a directly routed IPv6 packet");
			xo_kinds[XO_DR6]++;
		}
	}
	if (p->proto == IPPROTO_UDP) {
		if (!(s->flags & XLVS_SVC_F_ONEPACKET))
			xo_seen_put(pkt_key6(p), out[5], rport);
	} else if (p->flags & 0x02) {
		xo_seen_put(pkt_key6(p), out[5], rport);
	} else {
		struct seen_ent e = xo_seen_get(pkt_key6(p));

		if (!e.host && !xo_seen_full())
			xo_broken("an IPv6 TCP segment without SYN forwarded with no connection");
		if (e.host && e.host != out[5] && e.host != SEEN_ANY)
			xo_broken("an IPv6 TCP segment without SYN forwarded to another server "
				  "than its connection's (%02x, not %02x)", out[5], e.host);
		if (e.host == SEEN_ANY)
			xo_seen_put(pkt_key6(p), out[5], rport);
	}
}

/* The MTU a packet too big for s may carry: a route's to one of its
 * servers, or the room a tunnel to one leaves. */
static bool too_big_mtu(const struct xo_svc6 *s, uint32_t mtu)
{
	for (int j = 0; j < 3 && s->hosts[j]; j++)
		if (s->tun ? room6(s, j) && mtu == room6(s, j) : mtu == xo_mtu6(s->hosts[j]))
			return true;
	return false;
}

/* icmp6_send's answer to the packet p (from __ip_vs_get_out_rt_v6 or
 * ip_vs_leave). */
static void check_answer6(const struct p6 *p, const uint8_t *out, size_t out_len)
{
	const struct xo_svc6 *s = p->ok ? service6(p->proto, p->daddr, p->dport) : NULL;
	const uint8_t *o = out + ETH_HLEN, *ic = o + 40, *q = ic + 8;
	unsigned int qlen, least = p->l4 + 8 < p->tot ? p->l4 + 8 : p->tot;
	unsigned int most = p->tot < ICMP6_QUOTE_MAX ? p->tot : ICMP6_QUOTE_MAX;
	bool hop = false;

	if (!s)
		xo_broken("an ICMPv6 answer for a packet of no virtual service");
	if (is_any6(p->saddr))
		xo_broken("an ICMPv6 answer to the unspecified address");
	if (out_len < ETH_HLEN + 48 || be16(o + 4) != out_len - ETH_HLEN - 40)
		xo_broken("an ICMPv6 answer of %zu bytes, payload length %u", out_len,
			  be16(o + 4));
	if (memcmp(out, in6 + 6, 6) || memcmp(out + 6, in6, 6))
		xo_broken("an ICMPv6 answer not sent back where the frame came from");
	if (!xo_mac_valid(out) || !xo_mac_valid(out + 6))
		xo_broken("an ICMPv6 answer from or to a MAC no station has");
	if (be32(o) != 0x60000000u || o[6] != IPPROTO_ICMPV6 || o[7] != 64 ||
	    memcmp(o + 8, p->daddr, 16) || memcmp(o + 24, p->saddr, 16))
		xo_broken("an ICMPv6 answer with a wrong IPv6 header");
	if (sum6(o, 40, be16(o + 4), IPPROTO_ICMPV6))
		xo_broken("an ICMPv6 answer with a wrong checksum");
	qlen = be16(o + 4) - 8u;
	if (ic[0] == 3 && ic[1] == 0) {
		if (!s->hosts[0] || p->hlim > 1 || be32(ic + 4))
			xo_broken("time exceeded for a hop limit of %u", p->hlim);
	} else if (ic[0] == 2 && ic[1] == 0) {
		if (!s->hosts[0] || !too_big_mtu(s, be32(ic + 4)) || p->tot <= be32(ic + 4) ||
		    p->hlim < 2)
			xo_broken("packet too big (MTU %u) for %u bytes, hop limit %u",
				  be32(ic + 4), p->tot, p->hlim);
		hop = true;
	} else if (ic[0] == 1 && ic[1] == 4) {
		if (s->hosts[0] || be32(ic + 4))
			xo_broken("port unreachable for a service with servers");
		if (p->proto == IPPROTO_TCP && (!(p->flags & 0x02) || (p->flags & 0x04)))
			xo_broken("port unreachable for a TCP segment that opens nothing");
	} else {
		xo_broken("an ICMPv6 answer %u/%u", ic[0], ic[1]);
	}
	if (qlen < least || qlen > most)
		xo_broken("an ICMPv6 answer quoting %u bytes, not %u to %u", qlen, least, most);
	if (memcmp(q, p->ip, 7) || q[7] != (uint8_t)(p->hlim - hop) ||
	    memcmp(q + 8, p->ip + 8, qlen - 8))
		xo_broken("an ICMPv6 answer that does not quote the packet%s",
			  hop ? " one hop on" : " as it came");
	xo_kinds[XO_ICMP_ANSWER6]++;
}

/* A packet of a service with servers answered or dropped may have made a
 * connection (IPVS schedules before it sends). */
static void seen_answered6(const struct p6 *p)
{
	const struct xo_svc6 *s = p->ok ? service6(p->proto, p->daddr, p->dport) : NULL;

	if (!s || !s->hosts[0])
		return;
	if (p->proto == IPPROTO_UDP ? !(s->flags & XLVS_SVC_F_ONEPACKET) : (p->flags & 0x02))
		xo_seen_put(pkt_key6(p), SEEN_ANY, 0);
}

void xo6_check(uint32_t verdict, const uint8_t *in, size_t in_len, const uint8_t *out,
	       size_t out_len)
{
	struct p6 p;

	in6 = in;
	in6_len = in_len;
	read6(in, in_len, &p);
	switch (verdict) {
	case XDP_DROP:
		seen_answered6(&p);
		xo_kinds[XO_DROP6]++;
		return;
	case XDP_TX:
		/* The director's own ICMPv6 (never to an ICMPv6 error). */
		if (!p.icmp_err && out_len >= ETH_HLEN + 40 && be16(out + 12) == 0x86dd &&
		    out[ETH_HLEN + 6] == IPPROTO_ICMPV6) {
			check_answer6(&p, out, out_len);
			seen_answered6(&p);
			return;
		}
		/* fall through */
	case XDP_REDIRECT:
		check_forwarded6(&p, out, out_len);
		return;
	default:
		xo_broken("verdict %u", verdict);
	}
}
