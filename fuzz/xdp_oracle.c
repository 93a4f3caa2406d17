// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle of what a frame through the whole XDP program may become,
 * shared by fuzz/xdp.c (libFuzzer) and fuzz/randpkt.c (random frames).
 * Runs as root: the test bed (tests/lib/testbed.c) gives it a private
 * network namespace and bpffs, where the table below is loaded once.
 *
 * Checked against an independent reading of each frame (written from the
 * kernel's ip_rcv_core, its martian source rules, IPVS's
 * ip_vs_service_find, ip_vs_in/ip_vs_out and ip_vs_xmit.c, not from bpf/):
 *   - the verdict is PASS, DROP, TX or REDIRECT;
 *   - PASS leaves the frame as it came;
 *   - a frame forwarded (TX, REDIRECT) is an IPv4 TCP or UDP packet the
 *     kernel would have accepted, to a virtual service of the table, and
 *     leaves with one of that service's real servers' MACs, from the
 *     director's; a TCP segment without SYN only on a connection a
 *     forwarded SYN made, to that SYN's real server;
 *   - for direct routing its IP packet leaves one hop on (TTL one lower,
 *     header checksum right: __ip_vs_get_out_rt's decrement_ttl) and
 *     otherwise unchanged;
 *   - for NAT (ip_vs_nat_xmit, tcp/udp_dnat_handler) its destination
 *     address and port are the real server's (the server's port, or the
 *     client's for a server of port 0), its TTL one lower, every other
 *     byte as it came, the IPv4 checksum right and the TCP/UDP one mended
 *     as tcp/udp_fast_csum_update mend it: right if it was, wrong by the
 *     same if it was not, a UDP datagram without one summed in full
 *     (udp_dnat_handler) and none made 0;
 *   - a real server's reply (ip_vs_out, handle_response) leaves from
 *     VIP:vport, TTL one lower (ip_forward ran before the FORWARD hook),
 *     checksums as above, to the client's neighbour -- only if that
 *     client's connection to VIP:vport was forwarded by NAT to that server
 *     and port before (a TCP connection by a SYN, a UDP flow by any
 *     datagram, never by a one-packet service's: ip_vs_conn_hash does not
 *     hash those);
 *   - or, for a tunnelled service, it is that packet in the outer headers
 *     ip_vs_tunnel_xmit puts around it (written from ip_vs_xmit.c): to one
 *     of the service's real servers from the director's address, TTL and
 *     DF the inner's, GUE's or GRE's header with its checksum when asked
 *     for, and inside it the packet as it came but for its TTL, one lower,
 *     and its header checksum;
 *   - or it is an ICMP error quoting a packet from a VIP of a tracked
 *     connection (ip_vs_in_icmp), sent on to that connection's real server
 *     one hop on, tunnelled as above, or for NAT (ip_vs_nat_icmp, inout 0)
 *     also with the server's address in the outer destination and the
 *     quote's source and its port in the quote's source port;
 *   - or an ICMP error quoting a NAT connection's packet to its server
 *     (ip_vs_out_icmp, handle_response_icmp, ip_vs_nat_icmp inout 1), on
 *     to the client from the VIP with VIP:vport as the quote's
 *     destination, TTL one lower; the relayed error's IP, quote and ICMP
 *     checksums right;
 *   - or it is the ICMP port unreachable ip_vs_leave answers for a
 *     service without servers, or for a tunnelled service the time
 *     exceeded (TTL 1 or 0) or fragmentation needed (DF, over the room
 *     the route leaves, that room in it) ip_vs_tunnel_xmit answers, or for
 *     direct routing and NAT the time exceeded and fragmentation needed
 *     __ip_vs_get_out_rt answers (TTL 1 or 0; DF, over the route's MTU),
 *     to the sender, quoting its packet, between MACs a station can have
 *     (unicast, not zero); never an answer to an ICMP error.
 * A broken invariant prints the frame and calls xo_fail.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <xlvs/libxlvs.h>

#include "xdp_oracle.h"
#include "pkt.h"
#include "testbed.h"
#include "csum.h"

#define DEV "xlvs0"
#define PEER "xlvs0p"
#define ETH_HLEN XO_ETH_HLEN
#define HOST_LOCAL HOST_DEV     /* a real server at the director's address */
#define TUN_OF XO_TUN_OF
#define MTU_HOST XO_MTU_HOST
#define MTU_SMALL XO_MTU_SMALL
#define MTU_DEV XO_MTU_DEV

_Static_assert(XO_VIP3 == IP4(10, 0, 0, 102), "the third VIP");

/* Every kind of service lookup (exact, FTP's data ports, port zero), the
 * schedulers of each family, persistence, one-packet scheduling, a
 * service with no server (ICMP answers), a Local real server, tunnelled
 * services of each type, and NAT services whose real ports differ from
 * the virtual one (one mixing NAT and direct routing, one of port zero,
 * one scheduling each datagram, one behind the small MTU). */
const struct xo_svc xo_svcs[] = {
	{ IPPROTO_TCP, NET_VIP, 80, "rr", 0, { HOST_RS1, HOST_RS2 }, 0, 0, 0, 0, { 0 } },
	{ IPPROTO_TCP, NET_VIP, 81, "rr", 0, { 0 }, 0, 0, 0, 0, { 0 } },
	{ IPPROTO_TCP, NET_VIP, 21, "wlc", XLVS_SVC_F_PERSISTENT, { 0x06 }, 0, 0, 0, 0, { 0 } },
	{ IPPROTO_TCP, NET_OTHER_IP, 0, "sh", XLVS_SVC_F_PERSISTENT, { 0x07, 0x05 },
	  0, 0, 0, 0, { 0 } },
	{ IPPROTO_UDP, NET_VIP, 53, "wrr", 0, { HOST_RS1, 0x05 }, 0, 0, 0, 0, { 0 } },
	{ IPPROTO_UDP, NET_VIP, 54, "lc", XLVS_SVC_F_ONEPACKET, { 0x08 }, 0, 0, 0, 0, { 0 } },
	{ IPPROTO_UDP, NET_VIP, 55, "rr", 0, { HOST_LOCAL }, 0, 0, 0, 0, { 0 } },
	{ IPPROTO_UDP, NET_OTHER_IP, 53, "mh", 0, { HOST_RS1, HOST_RS2, 0x05 }, 0, 0, 0, 0, { 0 } },
	{ IPPROTO_TCP, NET_VIP, 90, "rr", 0, { HOST_RS1, MTU_HOST },
	  TUN_OF(XLVS_TUN_IPIP), 0, 0, 0, { 0 } },
	{ IPPROTO_UDP, NET_VIP, 90, "wrr", 0, { HOST_RS2, MTU_HOST },
	  TUN_OF(XLVS_TUN_GUE), XLVS_TUN_F_CSUM, 6080, 0, { 0 } },
	{ IPPROTO_TCP, NET_VIP, 91, "wlc", XLVS_SVC_F_PERSISTENT, { MTU_HOST },
	  TUN_OF(XLVS_TUN_GRE), XLVS_TUN_F_CSUM, 0, 0, { 0 } },
	{ IPPROTO_UDP, NET_VIP, 91, "rr", 0, { 0x05 }, TUN_OF(XLVS_TUN_GUE), 0, 5555, 0, { 0 } },
	{ IPPROTO_TCP, NET_VIP, 92, "sh", 0, { 0x05, MTU_HOST }, TUN_OF(XLVS_TUN_GRE), 0, 0,
	  0, { 0 } },
	{ IPPROTO_UDP, NET_VIP, 92, "rr", 0, { MTU_HOST },
	  TUN_OF(XLVS_TUN_GUE), XLVS_TUN_F_REMCSUM, 1, 0, { 0 } },
	/* NAT (-m) */
	{ IPPROTO_TCP, NET_VIP, 8000, "rr", 0, { 0x05, 0x06 }, 0, 0, 0, 3, { 9000, 9001 } },
	{ IPPROTO_UDP, NET_VIP, 5353, "wrr", 0, { 0x05, MTU_HOST }, 0, 0, 0, 3, { 53, 5300 } },
	{ IPPROTO_TCP, NET_VIP, 83, "wlc", 0, { HOST_RS1, 0x05 }, 0, 0, 0, 2, { 0, 8083 } },
	{ IPPROTO_UDP, NET_VIP, 56, "rr", XLVS_SVC_F_ONEPACKET, { 0x06 }, 0, 0, 0, 1, { 5600 } },
	{ IPPROTO_TCP, XO_VIP3, 0, "sh", XLVS_SVC_F_PERSISTENT, { 0x08, 0x06 }, 0, 0, 0, 3,
	  { 0, 7000 } },
	{ IPPROTO_TCP, NET_OTHER_IP, 443, "lc", XLVS_SVC_F_PERSISTENT, { MTU_HOST }, 0, 0, 0, 1,
	  { 8443 } },
};
const size_t xo_nsvcs = sizeof(xo_svcs) / sizeof(xo_svcs[0]);

const char *const xo_kind_names[XO_KINDS] = {
	"passed", "dropped", "direct-routed", "tunnelled", "nat-forwarded",
	"nat-replies", "icmp-relayed", "icmp-relayed-nat-in", "icmp-relayed-nat-out",
	"icmp-answers",
};
uint64_t xo_kinds[XO_KINDS];

void (*xo_fail)(void) = abort;
bool xo_trace;

static struct xlvs_table table;
static unsigned int sport_lo = 32768, sport_hi = 60999;  /* GUE's: the local port range */
static int prog_fd = -1, ifindex;
static bool loaded;

struct xlvs_table *xo_table(void)
{
	return &table;
}

static void xo_unload(void)
{
	if (!loaded)
		return;
	loaded = false;
	close(prog_fd);
	xlvs_table_close(&table);
	xlvs_unload();
}

static bool is_masq(const struct xo_svc *s, int j)
{
	return s->masq >> j & 1;
}

static int xo_load_table(const char *who)
{
	for (size_t i = 0; i < xo_nsvcs; i++) {
		const struct xo_svc *s = &xo_svcs[i];
		struct xlvs_service_conf c = {
			.proto = s->proto, .vip = tb_ep(s->vip, s->port),
			.flags = s->flags, .timeout = 60, .netmask = 0xffffffff,
		};
		int rc;

		snprintf(c.sched, sizeof(c.sched), "%s", s->sched);
		rc = xlvs_service_add(&table, &c);
		for (int j = 0; !rc && j < 3 && s->hosts[j]; j++) {
			struct xlvs_dest_conf d = {
				.addr = tb_ep(IP4(10, 0, 0, s->hosts[j]),
					      is_masq(s, j) ? s->rport[j] : s->port),
				.fwd = s->tun ? XLVS_FWD_TUNNEL :
				       is_masq(s, j) ? XLVS_FWD_MASQ : XLVS_FWD_DROUTE,
				.weight = j + 1,
				.tun_type = s->tun ? s->tun - 1 : 0,
				.tun_flags = s->tun_flags, .tun_port = s->tun_port,
			};

			rc = xlvs_dest_add(&table, s->proto, &c.vip, &d);
		}
		if (rc) {
			fprintf(stderr, "%s: service %zu: %s\n", who, i, strerror(-rc));
			return -1;
		}
	}
	/* Nothing answers ARP here: the real servers', the client's and the
	 * router's MACs are pinned, after libxlvs made its managed entries. */
	for (int h = HOST_RS1; h <= HOST_RS_LAST + 1; h++)
		if (tb_sh("ip neigh replace 10.0.0.%d lladdr 02:00:00:00:00:%02x "
			  "dev %s nud permanent", h, h, DEV))
			return -1;
	if (tb_sh("ip neigh replace 10.0.0.%d lladdr 02:00:00:00:00:%02x dev %s "
		  "nud permanent", XO_GW_HOST, XO_GW_HOST, DEV) ||
	    tb_sh("ip route replace default via 10.0.0.%d dev %s", XO_GW_HOST, DEV))
		return -1;
	return tb_sh("ip route replace 10.0.0.%d/32 dev %s mtu lock %d", MTU_HOST,
		     DEV, MTU_SMALL) ? -1 : 0;
}

static const uint8_t dev_mac[6] = { 2, 0, 0, 0, 0, HOST_DEV };

void xo_init(const char *who)
{
	FILE *f;

	if (tb_enter())
		exit(1);
	ifindex = tb_veth(DEV, PEER, "10.0.0.1/24");
	if (ifindex < 0)
		exit(1);
	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (f && fscanf(f, "%u %u", &sport_lo, &sport_hi) != 2)
		exit(1);
	if (f)
		fclose(f);
	loaded = true;          /* a failed open may leave half a table */
	atexit(xo_unload);
	if (tb_table_open(&table, 4096, &prog_fd) || xo_load_table(who))
		exit(1);
	/* As xlvs_attach records it: frames to other MACs are the kernel's. */
	if (xlvs_dev_mac_set(&table, (unsigned int)ifindex, dev_mac))
		exit(1);
}

/* ---- the independent reading of a frame ---- */

struct fz_pkt {
	bool ok;                /* IPv4 TCP/UDP the kernel would take */
	uint8_t proto, flags;   /* TCP flags */
	uint8_t ttl;
	bool df;
	unsigned int tot;       /* IPv4 total length */
	uint32_t saddr, daddr;  /* host order */
	uint16_t sport, dport;
	unsigned int ihl;       /* bytes */
	/* An ICMP error IPVS relates to a connection (ip_vs_in_icmp: type 3,
	 * 4 or 11) quoting an unfragmented TCP or UDP packet with its ports:
	 * the quote's tuple.  The fields above are the ICMP packet's. */
	bool icmp_err;
	bool icmp_sum_ok;       /* the ICMP checksum over the whole message */
	struct fz_pkt_quote {
		uint8_t proto;
		uint32_t saddr, daddr;
		uint16_t sport, dport;
		unsigned int off, ihl;  /* the quoted header's offset in the frame */
		bool sum_ok;            /* its header checksum */
	} q;
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ip_route_input_slow's martian sources: never routed, never seen by IPVS. */
static bool martian_source(uint32_t a)
{
	return (a >> 28) == 0xe || a == 0xffffffff || (a >> 24) == 0 ||
	       (a >> 24) == 127;
}

static void fz_read_icmp(const uint8_t *ic, unsigned int len, struct fz_pkt *p)
{
	const uint8_t *q = ic + 8;
	unsigned int qihl;

	if (len < 8 + 20 || (ic[0] != 3 && ic[0] != 4 && ic[0] != 11))
		return;
	qihl = (q[0] & 0xf) * 4u;
	if (q[0] >> 4 != 4 || qihl < 20 || len < 8 + qihl + 4 ||
	    (be16(q + 6) & 0x1fff) || (q[9] != IPPROTO_TCP && q[9] != IPPROTO_UDP))
		return;
	p->icmp_err = true;
	p->icmp_sum_ok = !csum_of(ic, len);
	p->q.proto = q[9];
	p->q.saddr = be32(q + 12);
	p->q.daddr = be32(q + 16);
	p->q.sport = be16(q + qihl);
	p->q.dport = be16(q + qihl + 2);
	p->q.off = ETH_HLEN + p->ihl + 8;
	p->q.ihl = qihl;
	p->q.sum_ok = !csum_of(q, qihl);
}

static void fz_read(const uint8_t *f, size_t len, struct fz_pkt *p)
{
	const uint8_t *ip = f + ETH_HLEN, *l4;
	unsigned int tot, l4len;

	memset(p, 0, sizeof(*p));
	if (len < ETH_HLEN + 20 || be16(f + 12) != 0x0800)
		return;
	p->ihl = (ip[0] & 0xf) * 4u;
	tot = be16(ip + 2);
	/* ip_rcv_core: version, header length, total length, checksum. */
	if (ip[0] >> 4 != 4 || p->ihl < 20 || tot < p->ihl ||
	    ETH_HLEN + tot > len || csum_of(ip, p->ihl))
		return;
	if (be16(ip + 6) & 0x3fff)
		return;         /* a fragment: no ports to schedule by */
	p->proto = ip[9];
	p->ttl = ip[8];
	p->df = be16(ip + 6) & 0x4000;
	p->tot = tot;
	p->saddr = be32(ip + 12);
	p->daddr = be32(ip + 16);
	if (martian_source(p->saddr))
		return;
	l4 = ip + p->ihl;
	l4len = tot - p->ihl;
	if (p->proto == IPPROTO_TCP) {
		if (l4len < 20 || (l4[12] >> 4) < 5 || l4len < (l4[12] >> 4) * 4u)
			return;
		p->flags = l4[13];
	} else if (p->proto == IPPROTO_UDP) {
		if (l4len < 8)
			return;
	} else {
		if (p->proto == IPPROTO_ICMP)
			fz_read_icmp(l4, l4len, p);
		return;
	}
	p->sport = be16(l4);
	p->dport = be16(l4 + 2);
	p->ok = true;
}

/* IPVS's ip_vs_service_find over the table above. */
static const struct xo_svc *exact(uint8_t proto, uint32_t vip, uint16_t port)
{
	for (size_t i = 0; i < xo_nsvcs; i++)
		if (xo_svcs[i].proto == proto && xo_svcs[i].vip == vip && xo_svcs[i].port == port)
			return &xo_svcs[i];
	return NULL;
}

static const struct xo_svc *service_of(const struct fz_pkt *p)
{
	const struct xo_svc *s = exact(p->proto, p->daddr, p->dport);

	if (!s && p->proto == IPPROTO_TCP && (p->dport == 20 || p->dport >= 1024))
		s = exact(IPPROTO_TCP, p->daddr, 21);
	if (!s)
		s = exact(p->proto, p->daddr, 0);
	return s;
}

/* The index of host among s's real servers, -1 if none (or Local). */
static int host_index(const struct xo_svc *s, uint8_t host)
{
	for (int j = 0; j < 3 && s->hosts[j]; j++)
		if (s->hosts[j] == host && host != HOST_LOCAL)
			return j;
	return -1;
}

static bool serves(const struct xo_svc *s, uint8_t host)
{
	return host_index(s, host) >= 0;
}

/* The real port a NAT connection to vport on s's server j gets
 * (ip_vs_schedule: dest->port ?: vport). */
static uint16_t rport_of(const struct xo_svc *s, int j, uint16_t vport)
{
	return s->rport[j] ? s->rport[j] : vport;
}

/* ---- connections forwarded packets may have made ---- */

/* 5-tuple -> the real server (last MAC byte) and port its last forwarded
 * SYN (TCP) or datagram (UDP, not of a one-packet service) went to.  A
 * segment without SYN creates no connection, and an entry once made names
 * its server until it goes, so a segment without SYN that is forwarded
 * goes where its tuple's last SYN went.  When the table is half full the
 * checks that need it only fail open. */
#define SEEN_SLOTS (1u << 22)
static uint64_t seen[SEEN_SLOTS];
static uint8_t seen_host[SEEN_SLOTS];
static uint16_t seen_rport[SEEN_SLOTS];
static uint32_t nseen;

struct seen_ent {
	uint8_t host;           /* 0: none; SEEN_ANY: some server of its service */
	uint16_t rport;
};

/* IPVS makes a connection before it sends (ip_vs_schedule, then the
 * method's xmit), so a packet answered with time exceeded or
 * fragmentation needed may have made one, to a server the answer does not
 * name. */
#define SEEN_ANY 0xff

/* e names host (and port) as its connection's server, or may. */
static bool seen_is(struct seen_ent e, uint8_t host, uint16_t rport)
{
	return e.host == SEEN_ANY || (e.host == host && e.rport == rport);
}

static bool seen_full(void)
{
	return nseen >= SEEN_SLOTS / 2;
}

static uint64_t tuple(const struct fz_pkt *p)
{
	uint64_t h = ((uint64_t)p->saddr << 32 | p->daddr) * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)p->sport << 24 | (uint64_t)p->dport << 8 | p->proto) *
	     0xc2b2ae3d27d4eb4full;
	return h | 1;       /* 0 marks a free slot */
}

/* The slot of k, or of the free slot where it would go; -1 if full. */
static int64_t seen_slot(uint64_t k)
{
	for (uint32_t i = (uint32_t)k & (SEEN_SLOTS - 1), n = 0; n < SEEN_SLOTS;
	     i = (i + 1) & (SEEN_SLOTS - 1), n++)
		if (seen[i] == k || !seen[i])
			return i;
	return -1;
}

static struct seen_ent seen_get(const struct fz_pkt *p)
{
	uint64_t k = tuple(p);
	int64_t i = seen_slot(k);

	if (i >= 0 && seen[i] == k)
		return (struct seen_ent){ seen_host[i], seen_rport[i] };
	return (struct seen_ent){ 0, 0 };
}

uint32_t xo_tracked(uint32_t *room)
{
	*room = SEEN_SLOTS / 2;
	return nseen;
}

static void seen_put(const struct fz_pkt *p, uint8_t host, uint16_t rport)
{
	uint64_t k = tuple(p);
	int64_t i = seen_slot(k);

	if (i < 0 || (!seen[i] && seen_full()))
		return;         /* full: the checks below then only fail open */
	if (!seen[i])
		nseen++;
	seen[i] = k;
	seen_host[i] = host;
	seen_rport[i] = rport;
}

/* ---- the invariants ---- */

static const uint8_t *fz_in;
static size_t fz_in_len;
static uint32_t fz_verdict;

static void dump(const char *what, const uint8_t *f, size_t len)
{
	fprintf(stderr, "%s%s:", *what ? " " : "", what);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", f[i]);
	fprintf(stderr, "\n");
}

static uint8_t out_buf[4096];
static uint32_t out_len;

__attribute__((noreturn, format(printf, 1, 2)))
static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdp oracle: invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (verdict %u) for the frame", fz_verdict);
	dump("", fz_in, fz_in_len);
	if (fz_verdict == XDP_TX || fz_verdict == XDP_REDIRECT)
		dump("which left as", out_buf, out_len);
	xo_fail();
	abort();
}

/* is_valid_ether_addr: neither multicast (broadcast included) nor zero. */
static bool mac_valid(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

static const uint8_t mac_prefix[5] = { 2, 0, 0, 0, 0 };

/* A frame sent on by the director: from its MAC to 02:00:00:00:00:host. */
static void check_macs(const uint8_t *out, uint8_t host, const char *what)
{
	if (memcmp(out, mac_prefix, 5) || out[5] != host ||
	    memcmp(out + 6, mac_prefix, 5) || out[11] != HOST_DEV)
		broken("%s sent to %02x:..:%02x from %02x:..:%02x, not to ..:%02x "
		       "from the director's", what, out[0], out[5], out[6], out[11], host);
}

/* The neighbour a packet to addr leaves for: on the director's subnet the
 * host itself, else the router. */
static uint8_t next_hop(uint32_t addr)
{
	return (addr & 0xffffff00) == IP4(10, 0, 0, 0) ? (uint8_t)addr : XO_GW_HOST;
}

/*
 * The TCP/UDP checksum of the IP packet at ip, as a receiver sees it: 0
 * when right, else how far off.  IPVS mends it incrementally
 * (tcp_fast_csum_update, udp_fast_csum_update: RFC 1624's update of the
 * sum), which keeps that difference, modulo the one's complement's two
 * zeros.
 */
static uint16_t l4_error(const uint8_t *ip, unsigned int ihl, unsigned int tot)
{
	uint32_t sum = csum_add(0, ip + 12, 8) + ip[9] + (tot - ihl);
	uint16_t e = csum_fold(csum_add(sum, ip + ihl, tot - ihl));

	return e == 0xffff ? 0 : e;
}

static void check_l4_sum(const struct fz_pkt *p, const uint8_t *in, const uint8_t *o,
			 const char *what)
{
	unsigned int sum_at = p->ihl + (p->proto == IPPROTO_TCP ? 16 : 6);
	uint16_t was = be16(in + sum_at), now = be16(o + sum_at);

	if (csum_of(o, p->ihl))
		broken("%s with a wrong IPv4 header checksum", what);
	/* udp_dnat_handler and udp_snat_handler sum a datagram that came
	 * without a checksum in full. */
	if (p->proto == IPPROTO_UDP && !was) {
		if (!now || l4_error(o, p->ihl, p->tot))
			broken("%s: a UDP datagram without a checksum left with %04x, "
			       "not its full sum", what, now);
		return;
	}
	if (p->proto == IPPROTO_UDP && !now)
		broken("%s: a UDP checksum made 0 (none), not 0xffff", what);
	if (l4_error(o, p->ihl, p->tot) != l4_error(in, p->ihl, p->tot))
		broken("%s with a %s %s checksum (%04x; off by %04x, came off by %04x)",
		       what, l4_error(in, p->ihl, p->tot) ? "differently wrong" : "wrong",
		       p->proto == IPPROTO_TCP ? "TCP" : "UDP", now,
		       l4_error(o, p->ihl, p->tot), l4_error(in, p->ihl, p->tot));
}

/* o (len bytes) equals the frame's IP packet but at the byte ranges
 * [skip[2i], skip[2i+1]). */
static bool same_but(const uint8_t *o, size_t len, const unsigned int *skip, int nskip)
{
	const uint8_t *ip = fz_in + ETH_HLEN;
	unsigned int at = 0;

	if (len != fz_in_len - ETH_HLEN)
		return false;
	for (int i = 0; i <= nskip; i++) {
		unsigned int to = i < nskip ? skip[2 * i] : (unsigned int)len;

		if (to > at && memcmp(o + at, ip + at, to - at))
			return false;
		if (i < nskip)
			at = skip[2 * i + 1];
	}
	return true;
}

/* decrement_ttl: the frame's IP packet one hop on -- its TTL one lower,
 * its header checksum right -- and otherwise as it came. */
static bool hop_same(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN, *ip = fz_in + ETH_HLEN;

	return out_len == fz_in_len && !memcmp(out + 12, fz_in + 12, 2) &&
	       !memcmp(o, ip, 8) && o[8] == ip[8] - 1 && p->ttl > 1 &&
	       o[9] == ip[9] && !csum_of(o, p->ihl) &&
	       !memcmp(o + 12, ip + 12, fz_in_len - ETH_HLEN - 12);
}

/* ip_vs_nat_xmit with tcp/udp_dnat_handler: to server j of s, its address
 * and port in the destination, one hop on. */
static void check_nat_fwd(const struct fz_pkt *p, const struct xo_svc *s, int j,
			  const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN, *ip = fz_in + ETH_HLEN;
	unsigned int l4 = p->ihl, sum = l4 + (p->proto == IPPROTO_TCP ? 16 : 6);
	const unsigned int skip[] = { 8, 9, 10, 12, 16, 20, l4 + 2, l4 + 4, sum, sum + 2 };

	if (p->ttl < 2 || o[8] != p->ttl - 1)
		broken("a NAT packet of TTL %u sent on with TTL %u", p->ttl, o[8]);
	if (be32(o + 16) != IP4(10, 0, 0, s->hosts[j]) ||
	    be16(o + l4 + 2) != rport_of(s, j, p->dport))
		broken("a NAT packet sent to %08x:%u, not its real server's %08x:%u",
		       be32(o + 16), be16(o + l4 + 2), IP4(10, 0, 0, s->hosts[j]),
		       rport_of(s, j, p->dport));
	if (!same_but(o, out_len - ETH_HLEN, skip, 5) || be16(out + 12) != 0x0800)
		broken("a NAT packet changed beyond its destination and TTL");
	check_l4_sum(p, ip, o, "a NAT packet");
}

/* handle_response with tcp/udp_snat_handler after ip_forward: a tracked
 * NAT connection's reply from VIP:vport, one hop on. */
static void check_reply(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN, *ip = fz_in + ETH_HLEN;
	unsigned int l4 = p->ihl, sum = l4 + (p->proto == IPPROTO_TCP ? 16 : 6);
	const unsigned int skip[] = { 8, 9, 10, 16, l4, l4 + 2, sum, sum + 2 };
	struct fz_pkt c = {
		.proto = p->proto, .saddr = p->daddr, .daddr = be32(o + 12),
		.sport = p->dport, .dport = be16(o + l4),
	};
	const struct xo_svc *s = service_of(&c);
	struct seen_ent e = seen_get(&c);
	int j = s ? host_index(s, (uint8_t)p->saddr) : -1;

	if (out_len != fz_in_len || be16(out + 12) != 0x0800)
		broken("a reply that changed its length or kind");
	if (!s || s->tun || j < 0 || !is_masq(s, j) ||
	    (p->saddr & 0xffffff00) != IP4(10, 0, 0, 0) ||
	    rport_of(s, j, c.dport) != p->sport)
		broken("a reply from %08x:%u rewritten to come from %08x:%u, of no NAT "
		       "service with that real server", p->saddr, p->sport, c.daddr, c.dport);
	if (!seen_full() && !e.host)
		broken("a reply translated for no connection forwarded to its server");
	if (e.host && !seen_is(e, (uint8_t)p->saddr, p->sport))
		broken("a reply translated from %02x:%u, whose connection went to "
		       "%02x:%u", (uint8_t)p->saddr, p->sport, e.host, e.rport);
	if (p->ttl < 2)
		broken("a reply of TTL %u translated (ip_forward drops it first)", p->ttl);
	if (o[8] != p->ttl - 1)
		broken("a reply's TTL %u made %u, not one lower", p->ttl, o[8]);
	if (!same_but(o, out_len - ETH_HLEN, skip, 4) || o[9] != ip[9])
		broken("a reply changed beyond its source");
	check_l4_sum(p, ip, o, "a reply");
	check_macs(out, next_hop(p->daddr), "a reply");
	xo_kinds[XO_NAT_REPLY]++;
}

/* The outer headers after the outer IPv4 one (ip_vs_tunnel_xmit's
 * max_headroom less the IPv4 header). */
static unsigned int tun_extra(const struct xo_svc *s)
{
	if (s->tun == TUN_OF(XLVS_TUN_GUE))
		return 8 + 4;
	if (s->tun == TUN_OF(XLVS_TUN_GRE))
		return s->tun_flags & XLVS_TUN_F_CSUM ? 8 : 4;
	return 0;
}

/* The room the route to host leaves a packet in s's tunnel. */
static unsigned int tun_room(const struct xo_svc *s, uint8_t host)
{
	return (host == MTU_HOST ? MTU_SMALL : MTU_DEV) - 20 - tun_extra(s);
}

/* The inner packet q (len bytes) is the frame's IP packet but for a TTL
 * one lower and a right header checksum. */
static bool inner_same(const uint8_t *q, const struct fz_pkt *p, size_t len)
{
	const uint8_t *ip = fz_in + ETH_HLEN;

	return len == p->tot && q[8] == ip[8] - 1 && !memcmp(q, ip, 8) &&
	       q[9] == ip[9] && !memcmp(q + 12, ip + 12, len - 12) &&
	       !csum_of(q, p->ihl);
}

static void check_tunnelled(const struct fz_pkt *p, const struct xo_svc *s,
			    const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN, *x = o + 20;
	unsigned int extra = tun_extra(s);
	uint8_t host = o[19], proto = s->tun == TUN_OF(XLVS_TUN_GUE) ? 17 :
				       s->tun == TUN_OF(XLVS_TUN_GRE) ? 47 : 4;

	if (out_len < ETH_HLEN + 20 + extra + 20 || be16(out + 12) != 0x0800)
		broken("a tunnelled frame too short or not IPv4");
	if (o[0] != 0x45 || be16(o + 2) != out_len - ETH_HLEN || csum_of(o, 20) ||
	    o[9] != proto || be32(o + 12) != NET_DEV_IP ||
	    (be32(o + 16) & 0xffffff00) != IP4(10, 0, 0, 0) || !serves(s, host) ||
	    out[5] != host)
		broken("a tunnelled frame with a wrong outer header");
	if (o[8] != p->ttl - 1 || p->ttl < 2 ||
	    (be16(o + 6) != (p->df ? 0x4000 : 0)) || (p->df && be16(o + 4)))
		broken("a tunnelled frame with the wrong TTL, DF or ID");
	if (p->tot > tun_room(s, host))
		broken("a tunnelled frame over the route's MTU");
	if (s->tun == TUN_OF(XLVS_TUN_GUE)) {
		bool want = s->tun_flags & (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM);
		uint32_t ps = csum_add(0, o + 12, 8) + 17 + be16(x + 4);

		if (be16(x + 2) != s->tun_port || be16(x + 4) != out_len - ETH_HLEN - 20 ||
		    be16(x) < sport_lo || be16(x) >= sport_hi ||
		    memcmp(x + 8, "\0\4\0\0", 4) ||
		    (want ? !csum_ok(csum_add(ps, x, be16(x + 4))) : be16(x + 6) != 0))
			broken("a GUE header that is not ipvs_gue_encap's");
	} else if (s->tun == TUN_OF(XLVS_TUN_GRE)) {
		bool want = s->tun_flags & XLVS_TUN_F_CSUM;

		if (be16(x) != (want ? 0x8000 : 0) || be16(x + 2) != 0x0800 ||
		    (want && !csum_ok(csum_add(0, x, out_len - ETH_HLEN - 20))))
			broken("a GRE header that is not ipvs_gre_encap's");
	}
	if (!inner_same(x + extra, p, out_len - ETH_HLEN - 20 - extra))
		broken("the tunnelled packet changed on its way");
}

/* The ICMP checksum of a relayed error (ip_vs_nat_icmp computes it anew,
 * after ip_vs_in_icmp or handle_response_icmp dropped one that was wrong),
 * and its quote's IP header checksum (ip_send_check). */
static void check_icmp_sums(const struct fz_pkt *p, const uint8_t *o, const char *what)
{
	const uint8_t *q = o - ETH_HLEN + p->q.off;

	if (csum_of(o, p->ihl))
		broken("%s with a wrong IPv4 header checksum", what);
	if (csum_of(o + p->ihl, p->tot - p->ihl) && p->icmp_sum_ok)
		broken("%s with a wrong ICMP checksum", what);
	/* ip_vs_nat_icmp's ip_send_check: right, whatever it came with. */
	if (csum_of(q, p->q.ihl))
		broken("%s with a wrong checksum in the quote", what);
}

/* ip_vs_nat_icmp, inout 0: about NAT connection c, on to its server j of
 * s with the server's address in the outer destination and the quote's
 * source, its port in the quote's source port. */
static void check_icmp_in_nat(const struct fz_pkt *p, const struct fz_pkt *c,
			      const struct xo_svc *s, int j, const uint8_t *out,
			      size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int qo = p->q.off - ETH_HLEN, ic = p->ihl;
	const unsigned int skip[] = { 8, 9, 10, 12, 16, 20, ic + 2, ic + 4, qo + 10,
				      qo + 16, qo + p->q.ihl, qo + p->q.ihl + 2 };
	uint32_t rip = IP4(10, 0, 0, s->hosts[j]);

	if (p->ttl < 2 || o[8] != p->ttl - 1)
		broken("an ICMP error of TTL %u relayed to its NAT server with TTL %u",
		       p->ttl, o[8]);
	if (be32(o + 16) != rip || be32(o + qo + 12) != rip ||
	    be16(o + qo + p->q.ihl) != rport_of(s, j, c->dport))
		broken("an ICMP error relayed to its NAT server with %08x / %08x:%u, "
		       "not %08x:%u", be32(o + 16), be32(o + qo + 12),
		       be16(o + qo + p->q.ihl), rip, rport_of(s, j, c->dport));
	if (!same_but(o, out_len - ETH_HLEN, skip, 6))
		broken("an ICMP error relayed to its NAT server changed beyond its "
		       "addresses, port and TTL");
	check_icmp_sums(p, o, "an ICMP error relayed to its NAT server");
}

/* ip_vs_out_icmp, handle_response_icmp, ip_vs_nat_icmp inout 1: about a
 * NAT connection's packet to its server, on to the client from the VIP,
 * VIP:vport the quote's destination, one hop on (ip_forward). */
static void check_icmp_out_nat(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	const uint8_t *o = out + ETH_HLEN;
	unsigned int qo = p->q.off - ETH_HLEN, ic = p->ihl;
	const unsigned int skip[] = { 8, 9, 10, 16, ic + 2, ic + 4, qo + 10, qo + 12,
				      qo + 16, qo + 20, qo + p->q.ihl + 2,
				      qo + p->q.ihl + 4 };
	struct fz_pkt c = {
		.proto = p->q.proto, .saddr = p->q.saddr, .daddr = be32(o + 12),
		.sport = p->q.sport, .dport = be16(o + qo + p->q.ihl + 2),
	};
	const struct xo_svc *s = service_of(&c);
	struct seen_ent e = seen_get(&c);
	int j = s ? host_index(s, (uint8_t)p->q.daddr) : -1;

	if (be32(o + qo + 16) != c.daddr)
		broken("an ICMP error relayed to a client from %08x, quoting %08x",
		       c.daddr, be32(o + qo + 16));
	if (!s || s->tun || j < 0 || !is_masq(s, j) ||
	    (p->q.daddr & 0xffffff00) != IP4(10, 0, 0, 0) ||
	    rport_of(s, j, c.dport) != p->q.dport)
		broken("an ICMP error quoting a packet to %08x:%u relayed as from "
		       "%08x:%u, of no NAT service with that server", p->q.daddr,
		       p->q.dport, c.daddr, c.dport);
	if (!seen_full() && !e.host)
		broken("an ICMP error relayed to a client for no NAT connection");
	if (e.host && !seen_is(e, (uint8_t)p->q.daddr, p->q.dport))
		broken("an ICMP error quoting %02x:%u relayed for a connection to "
		       "%02x:%u", (uint8_t)p->q.daddr, p->q.dport, e.host, e.rport);
	if (p->ttl < 2)
		broken("an ICMP error of TTL %u relayed to a client (ip_forward drops "
		       "it first)", p->ttl);
	if (o[8] != p->ttl - 1)
		broken("an ICMP error relayed to a client with TTL %u, was %u",
		       o[8], p->ttl);
	if (!same_but(o, out_len - ETH_HLEN, skip, 6) || o[9] != IPPROTO_ICMP)
		broken("an ICMP error relayed to a client changed beyond its "
		       "addresses and port");
	check_icmp_sums(p, o, "an ICMP error relayed to a client");
	check_macs(out, next_hop(p->daddr), "an ICMP error relayed to a client");
	xo_kinds[XO_ICMP_OUT_NAT]++;
}

/*
 * ip_vs_in_icmp: an ICMP error to the VIP quoting a packet from it is sent
 * on to the real server of the connection it quotes -- the quote's tuple
 * reversed, a packet of the service -- by that server's method: as it is
 * for direct routing, tunnelled for tunnels, translated for NAT.  Or,
 * from the VIP, it is ip_vs_out_icmp's about a NAT connection.
 */
static void check_relayed(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	struct fz_pkt c = {
		.proto = p->q.proto, .saddr = p->q.daddr, .daddr = p->q.saddr,
		.sport = p->q.dport, .dport = p->q.sport,
	};
	const struct xo_svc *s = service_of(&c);
	struct seen_ent e = seen_get(&c);
	int j;

	/* ip_vs_in_icmp / handle_response_icmp: ip_vs_checksum_complete,
	 * NF_DROP. */
	if (!p->icmp_sum_ok)
		broken("an ICMP error with a wrong checksum relayed");
	if (out_len != fz_in_len && !(s && s->tun))
		broken("a relayed ICMP error of another length");
	if (!(s && s->tun) && be32(out + ETH_HLEN + 12) != p->saddr) {
		check_icmp_out_nat(p, out, out_len);
		return;
	}
	if (p->daddr != p->q.saddr)
		broken("an ICMP error relayed that is not to its quote's source");
	if (!s)
		broken("an ICMP error relayed for no virtual service");
	j = host_index(s, out[5]);
	if (j < 0)
		broken("an ICMP error relayed to no real server of the service");
	if (s->tun)
		check_tunnelled(p, s, out, out_len);
	else if (is_masq(s, j))
		check_icmp_in_nat(p, &c, s, j, out, out_len);
	else if (!hop_same(p, out, out_len))
		broken("a relayed ICMP error changed on its way");
	check_macs(out, out[5], "an ICMP error relayed");
	if (!e.host && !seen_full())
		broken("an ICMP error relayed for no connection");
	if (e.host && e.host != out[5] && e.host != SEEN_ANY)
		broken("an ICMP error relayed to another server than its "
		       "connection's (%02x, not %02x)", out[5], e.host);
	xo_kinds[is_masq(s, j) ? XO_ICMP_IN_NAT : XO_ICMP_IN]++;
}

static void check_forwarded(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	const struct xo_svc *s = service_of(p);
	uint16_t rport = p->dport;
	int j;

	/* ip_vs_in takes only PACKET_HOST: a group address's is never its. */
	if (fz_in[0] & 1)
		broken("a frame sent to a group MAC was sent on");
	/* The device's MAC is known (xo_init): ip_rcv_core drops
	 * PACKET_OTHERHOST. */
	if (memcmp(fz_in, mac_prefix, 5) || fz_in[5] != HOST_DEV)
		broken("a frame to another host's MAC was sent on");
	if (!p->ok && p->icmp_err) {
		check_relayed(p, out, out_len);
		return;
	}
	if (!p->ok)
		broken("a frame the kernel would drop was forwarded");
	if (!(s && s->tun) && out_len >= ETH_HLEN + 20 &&
	    be32(out + ETH_HLEN + 12) != p->saddr) {
		check_reply(p, out, out_len);
		return;
	}
	if (!s)
		broken("forwarded to no virtual service");
	j = host_index(s, out[5]);
	if (j < 0 || memcmp(out, mac_prefix, 5))
		broken("sent to a MAC that is none of the service's real servers");
	if (memcmp(out + 6, mac_prefix, 5) || out[11] != HOST_DEV)
		broken("sent from a MAC that is not the director's");
	if (s->tun) {
		check_tunnelled(p, s, out, out_len);
		xo_kinds[XO_TUNNEL]++;
	} else if (is_masq(s, j)) {
		check_nat_fwd(p, s, j, out, out_len);
		rport = rport_of(s, j, p->dport);
		xo_kinds[XO_NAT_FWD]++;
	} else {
		if (!hop_same(p, out, out_len))
			broken("the IP packet changed on its way");
		xo_kinds[XO_DR]++;
	}
	if (p->proto == IPPROTO_UDP) {
		if (!(s->flags & XLVS_SVC_F_ONEPACKET))
			seen_put(p, out[5], rport);
		return;
	}
	if (p->flags & 0x02) {
		seen_put(p, out[5], rport);
	} else {
		struct seen_ent e = seen_get(p);

		if (!e.host && !seen_full())
			broken("a TCP segment without SYN forwarded with no connection");
		if (e.host && e.host != out[5] && e.host != SEEN_ANY)
			broken("a TCP segment without SYN forwarded to another server "
			       "than its connection's (%02x, not %02x)", out[5], e.host);
		if (e.host == SEEN_ANY)
			seen_put(p, out[5], rport);
	}
}

/* The part of an ICMP answer every kind shares: back where the frame came
 * from, between unicast MACs, an IPv4 header from the packet's destination
 * to its source, quote bytes of quote after the 8-byte ICMP header. */
static void check_icmp_frame(const struct fz_pkt *p, const uint8_t *out,
			     size_t out_len, size_t quote)
{
	const uint8_t *ip = out + ETH_HLEN;

	if (out_len != ETH_HLEN + 28 + quote)
		broken("an ICMP answer of %zu bytes", out_len);
	if (memcmp(out, fz_in + 6, 6) || memcmp(out + 6, fz_in, 6))
		broken("an ICMP answer not sent back where the frame came from");
	if (!mac_valid(out) || !mac_valid(out + 6))
		broken("an ICMP answer from or to a MAC no station has");
	if (ip[0] != 0x45 || be16(ip + 2) != 28 + quote || be16(ip + 6) & 0x3fff ||
	    csum_of(ip, 20) || be32(ip + 12) != p->daddr || be32(ip + 16) != p->saddr)
		broken("an ICMP answer with a wrong IPv4 header");
	if (csum_of(ip + 20, 8 + quote))
		broken("an ICMP answer with a wrong checksum");
}

/* ip_vs_tunnel_xmit's answers: time exceeded (decrement_ttl) quoting the
 * packet as it came; fragmentation needed (ensure_mtu_is_adequate) for a
 * DF packet over the room a real server's route leaves, that room as the
 * MTU, quoting the packet with its TTL already one lower. */
static bool check_tunnel_icmp(const struct fz_pkt *p, const struct xo_svc *s,
			      const uint8_t *out, size_t out_len)
{
	const uint8_t *icmp = out + ETH_HLEN + 20, *q = icmp + 8;
	const uint8_t *ip = fz_in + ETH_HLEN;
	size_t quote = p->ihl + 8;
	bool room = false;

	check_icmp_frame(p, out, out_len, quote);
	if (icmp[0] == 11 && icmp[1] == 0) {
		if (p->ttl > 1 || be32(icmp + 4))
			broken("time exceeded for a TTL of %u", p->ttl);
		if (memcmp(q, ip, quote))
			broken("time exceeded that does not quote the packet");
		return true;
	}
	if (icmp[0] != 3 || icmp[1] != 4)
		broken("an ICMP answer %u/%u for a tunnelled service", icmp[0], icmp[1]);
	for (int j = 0; j < 3 && s->hosts[j]; j++)
		room |= be32(icmp + 4) == tun_room(s, s->hosts[j]);
	if (!room || !p->df || p->tot <= be32(icmp + 4) || p->ttl < 2)
		broken("fragmentation needed (MTU %u) for %u bytes, DF %d, TTL %u",
		       be32(icmp + 4), p->tot, p->df, p->ttl);
	if (q[8] != ip[8] - 1 || memcmp(q, ip, 8) || q[9] != ip[9] ||
	    memcmp(q + 12, ip + 12, quote - 12) || csum_of(q, p->ihl))
		broken("fragmentation needed that does not quote the packet");
	return true;
}

/* __ip_vs_get_out_rt for direct routing and NAT: time exceeded for TTL 1
 * or 0 (decrement_ttl) quoting the packet as it came; fragmentation needed
 * for a DF packet over the MTU of the route to one of the service's
 * servers, that MTU in it, quoting the packet one hop on. */
static bool check_too_big(const struct fz_pkt *p, const struct xo_svc *s,
			  const uint8_t *out, size_t out_len)
{
	const uint8_t *icmp = out + ETH_HLEN + 20, *q = icmp + 8;
	const uint8_t *ip = fz_in + ETH_HLEN;
	size_t quote = p->ihl + 8;
	bool mtu = false;

	check_icmp_frame(p, out, out_len, quote);
	if (icmp[0] == 11 && icmp[1] == 0) {
		if (p->ttl > 1 || be32(icmp + 4) || memcmp(q, ip, quote))
			broken("time exceeded for a TTL of %u, or not quoting "
			       "the packet", p->ttl);
		return true;
	}
	if (icmp[0] != 3 || icmp[1] != 4)
		broken("an ICMP answer %u/%u for a direct-routing or NAT service",
		       icmp[0], icmp[1]);
	for (int j = 0; j < 3 && s->hosts[j]; j++)
		mtu |= be32(icmp + 4) == (s->hosts[j] == MTU_HOST ? MTU_SMALL : MTU_DEV);
	if (!mtu || !p->df || p->tot <= be32(icmp + 4) || p->ttl < 2)
		broken("fragmentation needed (MTU %u) for %u bytes, DF %d, TTL %u",
		       be32(icmp + 4), p->tot, p->df, p->ttl);
	if (q[8] != ip[8] - 1 || memcmp(q, ip, 8) || q[9] != ip[9] ||
	    memcmp(q + 12, ip + 12, quote - 12) || csum_of(q, p->ihl))
		broken("fragmentation needed that does not quote the packet");
	return true;
}

/* ip_vs_leave's answer (bpf/leave.h): the frame turned around, an IPv4
 * header from the VIP and an ICMP port unreachable quoting the packet's
 * IP header and 8 bytes. */
static bool check_icmp(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	const uint8_t *ip = out + ETH_HLEN, *icmp = ip + 20;
	size_t quote = p->ihl + 8;
	const struct xo_svc *s;

	if (out_len < ETH_HLEN + 28 || be16(out + 12) != 0x0800 || ip[9] != 1)
		return false;
	s = service_of(p);
	if (p->ok && s && s->tun && !(icmp[0] == 3 && icmp[1] == 3))
		return check_tunnel_icmp(p, s, out, out_len);
	if (p->ok && s && s->hosts[0])
		return check_too_big(p, s, out, out_len);
	if (!p->ok || !s || s->hosts[0])
		broken("an ICMP answer for a packet of no service without servers");
	if (p->proto == IPPROTO_TCP && (!(p->flags & 0x02) || (p->flags & 0x04)))
		broken("an ICMP answer to a TCP segment that opens nothing");
	check_icmp_frame(p, out, out_len, quote);
	if (icmp[0] != 3 || icmp[1] != 3)
		broken("an ICMP answer that is not a right port unreachable");
	if (memcmp(icmp + 8, fz_in + ETH_HLEN, quote))
		broken("an ICMP answer that does not quote the packet");
	return true;
}

/* An ICMP answer for a packet of a service with servers, or a drop (the
 * kernel would have fragmented where XDP cannot): it may have made a
 * connection (SEEN_ANY). */
static void seen_answered(const struct fz_pkt *p)
{
	const struct xo_svc *s = service_of(p);

	if (!p->ok || !s || !s->hosts[0])
		return;
	if (p->proto == IPPROTO_UDP ? !(s->flags & XLVS_SVC_F_ONEPACKET) :
	    (p->flags & 0x02) != 0)
		seen_put(p, SEEN_ANY, 0);
}

const uint8_t *xo_out(uint32_t *len)
{
	*len = out_len;
	return out_buf;
}

uint32_t xo_one(const uint8_t *data, size_t size)
{
	struct tb_run r;
	struct fz_pkt p;
	int rc;

	fz_in = data;
	fz_in_len = size;
	rc = tb_xdp_run(prog_fd, ifindex, data, (uint32_t)size, out_buf, sizeof(out_buf),
			1, &r);
	fz_verdict = r.retval;
	out_len = r.out_len;
	if (rc)
		broken("BPF_PROG_TEST_RUN failed: %s", strerror(-rc));
	fz_read(data, size, &p);
	if (xo_trace)
		fprintf(stderr, "xdp oracle: %zu bytes: verdict %u, %u bytes out%s\n",
			size, r.retval, r.out_len, p.ok ? "" : " (not for IPVS)");
	switch (r.retval) {
	case XDP_DROP:
		seen_answered(&p);
		xo_kinds[XO_DROP]++;
		break;
	case XDP_PASS:
		if (r.out_len != size || memcmp(out_buf, data, size))
			broken("a frame passed to the kernel was changed");
		xo_kinds[XO_PASS]++;
		break;
	case XDP_TX:
		/* An ICMP error is relayed, never answered (RFC 1122 3.2.2). */
		if (!p.icmp_err && check_icmp(&p, out_buf, r.out_len)) {
			seen_answered(&p);
			xo_kinds[XO_ICMP_ANSWER]++;
			break;
		}
		/* fall through */
	case XDP_REDIRECT:
		check_forwarded(&p, out_buf, r.out_len);
		break;
	default:
		broken("verdict %u", r.retval);
	}
	return r.retval;
}
