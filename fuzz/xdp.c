// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the whole XDP program.  Runs as root: the test bed
 * (tests/lib/testbed.c) gives it a private network namespace and bpffs,
 * where a small table is loaded once; each input is one Ethernet frame
 * through BPF_PROG_TEST_RUN, as if it arrived on the director's veth.  The
 * connection table lives on from input to input, as on a real director.
 *
 * What a frame may become, checked against an independent reading of it
 * (written from the kernel's ip_rcv_core, its martian source rules and
 * IPVS's ip_vs_service_find, not from bpf/):
 *   - the verdict is PASS, DROP, TX or REDIRECT;
 *   - PASS leaves the frame as it came;
 *   - a frame forwarded (TX, REDIRECT) is an IPv4 TCP or UDP packet the
 *     kernel would have accepted, to a virtual service of the table, and
 *     leaves with one of that service's real servers' MACs, from the
 *     director's, its IP packet one hop on (TTL one lower, header checksum
 *     right: __ip_vs_get_out_rt's decrement_ttl) and otherwise unchanged; a TCP segment without SYN only
 *     on a connection a forwarded SYN made, to that SYN's real server;
 *   - or, for a tunnelled service, it is that packet in the outer headers
 *     ip_vs_tunnel_xmit puts around it (written from ip_vs_xmit.c): to one
 *     of the service's real servers from the director's address, TTL and
 *     DF the inner's, GUE's or GRE's header with its checksum when asked
 *     for, and inside it the packet as it came but for its TTL, one lower,
 *     and its header checksum;
 *   - or it is an ICMP error quoting a packet from a VIP of a tracked
 *     connection (ip_vs_in_icmp), sent on to that connection's real server
 *     as it is, or tunnelled as above;
 *   - or it is the ICMP port unreachable ip_vs_leave answers for a
 *     service without servers, or for a tunnelled service the time
 *     exceeded (TTL 1 or 0) or fragmentation needed (DF, over the room
 *     the route leaves, that room in it) ip_vs_tunnel_xmit answers, or for
 *     direct routing the time exceeded and fragmentation needed
 *     __ip_vs_get_out_rt answers (TTL 1 or 0; DF, over the route's MTU),
 *     to the sender, quoting its packet,
 *     between MACs a station can have (unicast, not zero); never an
 *     answer to an ICMP error.
 * A broken invariant prints the frame and aborts (libFuzzer keeps it).
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

#include "pkt.h"
#include "testbed.h"
#include "csum.h"

#define DEV "xlvs0"
#define PEER "xlvs0p"
#define ETH_HLEN 14
#define FRAME_MIN ETH_HLEN      /* BPF_PROG_TEST_RUN refuses less */
#define FRAME_LIMIT 1514
#define HOST_LOCAL HOST_DEV     /* a real server at the director's address */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The table: services on the VIP 10.0.0.100 and 10.0.0.101, real servers
 * named by their last octet (MAC 02:00:00:00:00:<octet>).  It covers
 * every kind of service lookup (exact, FTP's data ports, port zero), the
 * schedulers of each family, persistence, one-packet scheduling, a
 * service with no server (ICMP answers) and a Local real server. */
struct fz_svc {
	uint8_t proto;
	uint32_t vip;
	uint16_t port;
	const char *sched;
	uint32_t flags;
	uint8_t hosts[3];       /* 0 ends the list */
	uint8_t tun;            /* 0: direct routing; else TUN_OF(type) */
	uint8_t tun_flags;
	uint16_t tun_port;
};

#define TUN_OF(type) ((type) + 1)
/* 10.0.0.7's route has a locked MTU: tunnelled packets can outgrow it. */
#define MTU_HOST 0x07
#define MTU_SMALL 576
#define MTU_DEV 1500

static const struct fz_svc svcs[] = {
	{ IPPROTO_TCP, NET_VIP, 80, "rr", 0, { HOST_RS1, HOST_RS2 }, 0, 0, 0 },
	{ IPPROTO_TCP, NET_VIP, 81, "rr", 0, { 0 }, 0, 0, 0 },
	{ IPPROTO_TCP, NET_VIP, 21, "wlc", XLVS_SVC_F_PERSISTENT, { 0x06 }, 0, 0, 0 },
	{ IPPROTO_TCP, NET_OTHER_IP, 0, "sh", XLVS_SVC_F_PERSISTENT, { 0x07, 0x05 }, 0, 0, 0 },
	{ IPPROTO_UDP, NET_VIP, 53, "wrr", 0, { HOST_RS1, 0x05 }, 0, 0, 0 },
	{ IPPROTO_UDP, NET_VIP, 54, "lc", XLVS_SVC_F_ONEPACKET, { 0x08 }, 0, 0, 0 },
	{ IPPROTO_UDP, NET_VIP, 55, "rr", 0, { HOST_LOCAL }, 0, 0, 0 },
	{ IPPROTO_UDP, NET_OTHER_IP, 53, "mh", 0, { HOST_RS1, HOST_RS2, 0x05 }, 0, 0, 0 },
	{ IPPROTO_TCP, NET_VIP, 90, "rr", 0, { HOST_RS1, MTU_HOST },
	  TUN_OF(XLVS_TUN_IPIP), 0, 0 },
	{ IPPROTO_UDP, NET_VIP, 90, "wrr", 0, { HOST_RS2, MTU_HOST },
	  TUN_OF(XLVS_TUN_GUE), XLVS_TUN_F_CSUM, 6080 },
	{ IPPROTO_TCP, NET_VIP, 91, "wlc", XLVS_SVC_F_PERSISTENT, { MTU_HOST },
	  TUN_OF(XLVS_TUN_GRE), XLVS_TUN_F_CSUM, 0 },
	{ IPPROTO_UDP, NET_VIP, 91, "rr", 0, { 0x05 }, TUN_OF(XLVS_TUN_GUE), 0, 5555 },
	{ IPPROTO_TCP, NET_VIP, 92, "sh", 0, { 0x05, MTU_HOST }, TUN_OF(XLVS_TUN_GRE), 0, 0 },
	{ IPPROTO_UDP, NET_VIP, 92, "rr", 0, { MTU_HOST },
	  TUN_OF(XLVS_TUN_GUE), XLVS_TUN_F_REMCSUM, 1 },
};
#define NSVCS (sizeof(svcs) / sizeof(svcs[0]))

static struct xlvs_table table;
static unsigned int sport_lo = 32768, sport_hi = 60999;  /* GUE's: the local port range */
static bool trace;              /* FUZZ_XDP_TRACE=1: each frame's verdict */
static int prog_fd = -1, ifindex;
static bool loaded;

static void fz_unload(void)
{
	if (!loaded)
		return;
	loaded = false;
	close(prog_fd);
	xlvs_table_close(&table);
	xlvs_unload();
}

static int fz_table(void)
{
	for (size_t i = 0; i < NSVCS; i++) {
		const struct fz_svc *s = &svcs[i];
		struct xlvs_service_conf c = {
			.proto = s->proto, .vip = tb_ep(s->vip, s->port),
			.flags = s->flags, .timeout = 60, .netmask = 0xffffffff,
		};
		int rc;

		snprintf(c.sched, sizeof(c.sched), "%s", s->sched);
		rc = xlvs_service_add(&table, &c);
		for (int j = 0; !rc && j < 3 && s->hosts[j]; j++) {
			struct xlvs_dest_conf d = {
				.addr = tb_ep(IP4(10, 0, 0, s->hosts[j]), s->port),
				.fwd = s->tun ? XLVS_FWD_TUNNEL : XLVS_FWD_DROUTE,
				.weight = j + 1,
				.tun_type = s->tun ? s->tun - 1 : 0,
				.tun_flags = s->tun_flags, .tun_port = s->tun_port,
			};

			rc = xlvs_dest_add(&table, s->proto, &c.vip, &d);
		}
		if (rc) {
			fprintf(stderr, "fuzz_xdp: service %zu: %s\n", i, strerror(-rc));
			return -1;
		}
	}
	/* Nothing answers ARP here: the real servers' MACs are pinned, after
	 * libxlvs made its managed entries. */
	for (int h = HOST_RS1; h <= HOST_RS_LAST; h++)
		if (tb_sh("ip neigh replace 10.0.0.%d lladdr 02:00:00:00:00:%02x "
			  "dev %s nud permanent", h, h, DEV))
			return -1;
	return tb_sh("ip route replace 10.0.0.%d/32 dev %s mtu lock %d", MTU_HOST,
		     DEV, MTU_SMALL) ? -1 : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (tb_enter())
		exit(1);
	ifindex = tb_veth(DEV, PEER, "10.0.0.1/24");
	if (ifindex < 0)
		exit(1);
	trace = getenv("FUZZ_XDP_TRACE") != NULL;
	{
		FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

		if (f && fscanf(f, "%u %u", &sport_lo, &sport_hi) != 2)
			exit(1);
		if (f)
			fclose(f);
	}
	loaded = true;          /* a failed open may leave half a table */
	atexit(fz_unload);
	if (tb_table_open(&table, 4096, &prog_fd) || fz_table())
		exit(1);
	return 0;
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
	struct fz_pkt_quote {
		uint8_t proto;
		uint32_t saddr, daddr;
		uint16_t sport, dport;
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

/* The Internet checksum of len bytes: 0 when a header's own is right. */
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
	p->q.proto = q[9];
	p->q.saddr = be32(q + 12);
	p->q.daddr = be32(q + 16);
	p->q.sport = be16(q + qihl);
	p->q.dport = be16(q + qihl + 2);
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
static const struct fz_svc *exact(uint8_t proto, uint32_t vip, uint16_t port)
{
	for (size_t i = 0; i < NSVCS; i++)
		if (svcs[i].proto == proto && svcs[i].vip == vip && svcs[i].port == port)
			return &svcs[i];
	return NULL;
}

static const struct fz_svc *service_of(const struct fz_pkt *p)
{
	const struct fz_svc *s = exact(p->proto, p->daddr, p->dport);

	if (!s && p->proto == IPPROTO_TCP && (p->dport == 20 || p->dport >= 1024))
		s = exact(IPPROTO_TCP, p->daddr, 21);
	if (!s)
		s = exact(p->proto, p->daddr, 0);
	return s;
}

/* ---- connections a forwarded SYN may have made ---- */

/* 5-tuple -> the real server (last MAC byte) its last forwarded SYN went
 * to.  A segment without SYN creates no connection, and an entry once made
 * names its server until it goes, so a segment without SYN that is
 * forwarded goes where its tuple's last SYN went. */
#define SEEN_SLOTS (1u << 20)
static uint64_t seen[SEEN_SLOTS];
static uint8_t seen_host[SEEN_SLOTS];
static uint32_t nseen;

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

/* The host the tuple's last SYN went to, 0 if none did. */
static uint8_t seen_get(const struct fz_pkt *p)
{
	uint64_t k = tuple(p);
	int64_t i = seen_slot(k);

	return i >= 0 && seen[i] == k ? seen_host[i] : 0;
}

static void seen_put(const struct fz_pkt *p, uint8_t host)
{
	uint64_t k = tuple(p);
	int64_t i = seen_slot(k);

	if (i < 0 || (!seen[i] && nseen >= SEEN_SLOTS / 2))
		return;         /* full: the check below then only fails open */
	if (!seen[i])
		nseen++;
	seen[i] = k;
	seen_host[i] = host;
}

/*
 * libFuzzer sees the coverage of this process, not of the BPF program; the
 * program's named counters say which of its exits a frame took, so each
 * (verdict, counter moved) pair is handed to libFuzzer as a feature of its
 * own: frames that reach a new exit are kept and mutated further.
 */
#define FZ_COUNTERS 64
_Static_assert(XLVS_CNT_MAX <= FZ_COUNTERS, "features: 8 verdicts x the counters");
__attribute__((section("__libfuzzer_extra_counters")))
static uint8_t features[8 * FZ_COUNTERS];
static uint64_t counts[XLVS_CNT_MAX];

static void fz_features(uint32_t verdict)
{
	uint64_t now[XLVS_CNT_MAX];

	if (xlvs_counters_read(&table, now))
		return;
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		if (now[i] != counts[i] && i != XLVS_CNT_PKTS_IN &&
		    !xlvs_counter_is_sweeper((unsigned int)i))
			features[(verdict & 7) * FZ_COUNTERS + i] = 1;
	memcpy(counts, now, sizeof(now));
}

/* ---- the invariants ---- */

static const uint8_t *fz_in;
static size_t fz_in_len;
static uint32_t fz_verdict;

__attribute__((noreturn, format(printf, 1, 2)))
static void broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_xdp: invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (verdict %u) for the frame:", fz_verdict);
	for (size_t i = 0; i < fz_in_len; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", fz_in[i]);
	fprintf(stderr, "\n");
	abort();
}

/* is_valid_ether_addr: neither multicast (broadcast included) nor zero. */
static bool mac_valid(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

static bool serves(const struct fz_svc *s, uint8_t host)
{
	for (int j = 0; j < 3 && s->hosts[j]; j++)
		if (s->hosts[j] == host && host != HOST_LOCAL)
			return true;
	return false;
}

/* The outer headers after the outer IPv4 one (ip_vs_tunnel_xmit's
 * max_headroom less the IPv4 header). */
static unsigned int tun_extra(const struct fz_svc *s)
{
	if (s->tun == TUN_OF(XLVS_TUN_GUE))
		return 8 + 4;
	if (s->tun == TUN_OF(XLVS_TUN_GRE))
		return s->tun_flags & XLVS_TUN_F_CSUM ? 8 : 4;
	return 0;
}

/* The room the route to host leaves a packet in s's tunnel. */
static unsigned int tun_room(const struct fz_svc *s, uint8_t host)
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

static void check_tunnelled(const struct fz_pkt *p, const struct fz_svc *s,
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

static const uint8_t mac_prefix[5] = { 2, 0, 0, 0, 0 };

/*
 * ip_vs_in_icmp: an ICMP error to the VIP quoting a packet from it is sent
 * on to the real server of the connection it quotes -- the quote's tuple
 * reversed, a packet of the service -- by that server's method: as it is
 * for direct routing, tunnelled for tunnels (none of the table is NAT).
 */
static void check_relayed(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	struct fz_pkt c = {
		.proto = p->q.proto, .saddr = p->q.daddr, .daddr = p->q.saddr,
		.sport = p->q.dport, .dport = p->q.sport,
	};
	const struct fz_svc *s = service_of(&c);
	uint8_t host;

	if (p->daddr != p->q.saddr)
		broken("an ICMP error relayed that is not to its quote's source");
	if (!s)
		broken("an ICMP error relayed for no virtual service");
	if (s->tun)
		check_tunnelled(p, s, out, out_len);
	else if (!hop_same(p, out, out_len))
		broken("a relayed ICMP error changed on its way");
	if (memcmp(out, mac_prefix, 5) || !serves(s, out[5]) ||
	    memcmp(out + 6, mac_prefix, 5) || out[11] != HOST_DEV)
		broken("an ICMP error relayed to no real server of the service");
	host = c.proto == IPPROTO_TCP ? seen_get(&c) : 0;
	if (c.proto == IPPROTO_TCP && !host && nseen < SEEN_SLOTS / 2)
		broken("an ICMP error relayed for no connection");
	if (host && host != out[5])
		broken("an ICMP error relayed to another server than its "
		       "connection's (%02x, not %02x)", out[5], host);
}

static void check_forwarded(const struct fz_pkt *p, const uint8_t *out, size_t out_len)
{
	const struct fz_svc *s = service_of(p);

	if (!p->ok && p->icmp_err) {
		check_relayed(p, out, out_len);
		return;
	}
	if (!p->ok)
		broken("a frame the kernel would drop was forwarded");
	if (!s)
		broken("forwarded to no virtual service");
	if (s->tun)
		check_tunnelled(p, s, out, out_len);
	else if (!hop_same(p, out, out_len))
		broken("the IP packet changed on its way");
	if (memcmp(out, mac_prefix, 5) || !serves(s, out[5]))
		broken("sent to a MAC that is none of the service's real servers");
	if (memcmp(out + 6, mac_prefix, 5) || out[11] != HOST_DEV)
		broken("sent from a MAC that is not the director's");
	if (p->proto != IPPROTO_TCP)
		return;
	if (p->flags & 0x02)
		seen_put(p, out[5]);
	else if (!seen_get(p) && nseen < SEEN_SLOTS / 2)
		broken("a TCP segment without SYN forwarded with no connection");
	else if (seen_get(p) && seen_get(p) != out[5])
		broken("a TCP segment without SYN forwarded to another server "
		       "than its connection's (%02x, not %02x)", out[5], seen_get(p));
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
static bool check_tunnel_icmp(const struct fz_pkt *p, const struct fz_svc *s,
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

/* __ip_vs_get_out_rt for direct routing: time exceeded for TTL 1 or 0
 * (decrement_ttl) quoting the packet as it came; fragmentation needed for a
 * DF packet over the MTU of the route to one of the service's servers,
 * that MTU in it, quoting the packet one hop on. */
static bool check_too_big(const struct fz_pkt *p, const struct fz_svc *s,
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
		broken("an ICMP answer %u/%u for a direct-routing service",
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
	const struct fz_svc *s;

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

static void fz_one(const uint8_t *data, size_t size)
{
	static uint8_t out[4096];
	struct tb_run r;
	struct fz_pkt p;
	int rc;

	fz_in = data;
	fz_in_len = size;
	rc = tb_xdp_run(prog_fd, ifindex, data, (uint32_t)size, out, sizeof(out), 1, &r);
	fz_verdict = r.retval;
	if (rc)
		broken("BPF_PROG_TEST_RUN failed: %s", strerror(-rc));
	fz_features(r.retval);
	fz_read(data, size, &p);
	if (trace)
		fprintf(stderr, "fuzz_xdp: %zu bytes: verdict %u, %u bytes out%s\n",
			size, r.retval, r.out_len, p.ok ? "" : " (not for IPVS)");
	switch (r.retval) {
	case XDP_DROP:
		return;
	case XDP_PASS:
		if (r.out_len != size || memcmp(out, data, size))
			broken("a frame passed to the kernel was changed");
		return;
	case XDP_TX:
		/* An ICMP error is relayed, never answered (RFC 1122 3.2.2). */
		if (!p.icmp_err && check_icmp(&p, out, r.out_len))
			return;
		/* fall through */
	case XDP_REDIRECT:
		check_forwarded(&p, out, r.out_len);
		return;
	default:
		broken("verdict %u", r.retval);
	}
}

/*
 * Each frame goes through as it is, and again with its IPv4 header
 * checksum made right: a mutation of the header almost never keeps the
 * checksum, and the program rightly stops at a wrong one, so without the
 * second run the fuzzer would never get past it to what lies behind.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[FRAME_LIMIT];
	unsigned int ihl;
	uint16_t sum;

	if (size < FRAME_MIN || size > FRAME_LIMIT)
		return -1;
	fz_one(data, size);
	if (size < ETH_HLEN + 20 || be16(data + 12) != 0x0800)
		return 0;
	ihl = (data[ETH_HLEN] & 0xf) * 4u;
	if (ihl < 20 || ETH_HLEN + ihl > size || !csum_of(data + ETH_HLEN, ihl))
		return 0;
	memcpy(fixed, data, size);
	fixed[ETH_HLEN + 10] = fixed[ETH_HLEN + 11] = 0;
	sum = csum_of(fixed + ETH_HLEN, ihl);
	fixed[ETH_HLEN + 10] = (uint8_t)(sum >> 8);
	fixed[ETH_HLEN + 11] = (uint8_t)sum;
	fz_one(fixed, size);
	return 0;
}
