/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xlvs table: every struct and constant that both the XDP program and
 * user space see.  The pinned maps built from these structs *are* the IPVS
 * table; tools only edit them.  Change a layout here and bump
 * XLVS_ABI_VERSION: a tool built for another layout refuses to touch a table,
 * but for xlvsadm --upgrade, which migrates it into its own (lib/migrate.c).
 *
 * Addresses are stored as 16 bytes so IPv6 can use the same maps; an IPv4
 * address lives in the first 4 bytes, network order, the rest zero.
 * Ports are network order everywhere.
 */
#ifndef XLVS_TABLE_H
#define XLVS_TABLE_H

#ifdef __BPF__
/* vmlinux.h already provides the __u8 ... __u64 and __be types. */
#else
#include <linux/types.h>
#include <linux/bpf.h>          /* struct bpf_timer */
#endif

#ifndef XLVS_ABI_NEXT
#define XLVS_ABI_VERSION 20
#else
/* The upgrade test's build of "the next layout" (Makefile: upgrade-builds):
 * the same structs under the next version number (one up: bump both), which
 * a table of this one is migrated to (lib/migrate.c), as it would be to a
 * real next layout. */
#define XLVS_ABI_VERSION 21
#endif

#define XLVS_SVC_MAX        1024   /* virtual services per table */
#define XLVS_DEST_MAX       16384  /* real servers per table, all services */
#define XLVS_SVC_DESTS_MAX  1024   /* real servers per service */
#define XLVS_BANDS_MAX      1024   /* schedule bands: one per distinct weight */
#define XLVS_LIST_MAX       16384  /* schedule list entries */
#define XLVS_CONN_DEFAULT   1048576
#define XLVS_CONN_SHARDS    2048   /* the connection table's parts, at most */
#define XLVS_DEV_MAC_MAX    4096   /* interfaces by index whose MAC is known */

#define XLVS_SCHED_NAME_LEN 16
#define XLVS_TIMEOUT_MAX    (31u * 24 * 3600)  /* ipvsadm's MAX_TIMEOUT */
#define XLVS_PERSISTENT_TIMEOUT 360            /* -p without a value */
#define XLVS_FTP_PORT       21  /* IPVS's FTPPORT: templates and lookups */
#define XLVS_SYNFLOOD_TIMEOUT 10  /* s: half-open entries under a SYN flood
				   * (secure_tcp's SYN_RECV timeout) */

/* Forwarding methods, numbered as IPVS numbers IP_VS_CONN_F_* (mask 7). */
enum xlvs_fwd {
	XLVS_FWD_MASQ = 0,
	XLVS_FWD_LOCAL = 1,
	XLVS_FWD_TUNNEL = 2,
	XLVS_FWD_DROUTE = 3,
};

/* Tunnel types (ipvsadm --tun-type), numbered as IPVS's
 * IP_VS_CONN_F_TUNNEL_TYPE_*, and flags (--tun-csum, --tun-remcsum) as its
 * IP_VS_TUNNEL_ENCAP_FLAG_*: none is --tun-nocsum. */
enum xlvs_tun_type {
	XLVS_TUN_IPIP = 0,
	XLVS_TUN_GUE = 1,           /* UDP to tun_port, a 4-byte GUE header */
	XLVS_TUN_GRE = 2,
	XLVS_TUN_TYPE_MAX,
};

#define XLVS_TUN_F_CSUM    0x1  /* GUE: UDP checksum; GRE: GRE checksum */
#define XLVS_TUN_F_REMCSUM 0x2  /* GUE: remote checksum offload */

/* rr and wrr run from a precomputed cycle; sh, dh and mh from a lookup
 * table user space builds; the others scan the real servers' weights and
 * connection counts as IPVS does. */
enum xlvs_sched_kind {
	XLVS_SCHED_RR = 0,
	XLVS_SCHED_WRR,
	XLVS_SCHED_LC,
	XLVS_SCHED_WLC,
	XLVS_SCHED_SED,
	XLVS_SCHED_NQ,
	XLVS_SCHED_FO,
	XLVS_SCHED_OVF,
	XLVS_SCHED_SH,              /* source hashing: a 256-bucket table */
	XLVS_SCHED_DH,              /* destination hashing: likewise */
	XLVS_SCHED_MH,              /* Maglev hashing: 4093 slots (maglev.h) */
	XLVS_SCHED_LBLC,            /* locality: the lblc map, then as wlc */
	XLVS_SCHED_LBLCR,           /* ... with a server set per address */
	XLVS_SCHED_TWOS,            /* two weighted random choices */
	XLVS_SCHED_KIND_MAX,
};

/* IPVS's TCP states, in IPVS's order (ip_vs_proto_tcp.c). */
enum xlvs_tcp_state {
	XLVS_TCP_NONE = 0,
	XLVS_TCP_ESTABLISHED,
	XLVS_TCP_SYN_SENT,
	XLVS_TCP_SYN_RECV,
	XLVS_TCP_FIN_WAIT,
	XLVS_TCP_TIME_WAIT,
	XLVS_TCP_CLOSE,
	XLVS_TCP_CLOSE_WAIT,
	XLVS_TCP_LAST_ACK,
	XLVS_TCP_LISTEN,
	XLVS_TCP_SYNACK,
	XLVS_UDP_STATE,          /* the single UDP state, "UDP" */
	XLVS_STATE_MAX,
};

/* Named data-plane counters (per-CPU array index). */
enum xlvs_counter {
	XLVS_CNT_PKTS_IN = 0,       /* every packet the program saw */
	XLVS_CNT_PKTS_PASS,         /* not for a virtual service */
	XLVS_CNT_PKTS_FWD,          /* forwarded to a real server */
	XLVS_CNT_PKTS_MALFORMED,    /* headers truncated or inconsistent: passed */
	XLVS_CNT_PKTS_FRAGMENT,     /* IPv4 fragments: passed to the kernel */
	XLVS_CNT_PKTS_NO_CONN,      /* TCP non-SYN without a connection: passed */
	XLVS_CNT_PKTS_NO_DEST,      /* no real server available: ICMP port
				     * unreachable to the client, dropped */
	XLVS_CNT_PKTS_DEST_GONE,    /* connection's real server deleted: dropped */
	XLVS_CNT_PKTS_NO_ROUTE,     /* no route to the real server: dropped */
	XLVS_CNT_PKTS_NO_NEIGH,     /* real server's MAC not resolved yet: dropped */
	XLVS_CNT_PKTS_FWD_DISABLED, /* forwarding off on the ingress device: dropped */
	XLVS_CNT_PKTS_TX_FAILED,    /* redirect refused: dropped */
	XLVS_CNT_CONNS_NEW,         /* connections scheduled */
	XLVS_CNT_CONNS_EXPIRED,     /* connections removed by expiry */
	XLVS_CNT_CONNS_EVICTED,     /* entries removed from a full shard: the
				     * sum of the conns_evicted_* below */
	XLVS_CNT_CONNS_INSERT_FAILED, /* a new connection its shard had no
				     * room for (or no memory): its packet
				     * dropped, nothing pushed out */
	XLVS_CNT_PKTS_LOCAL,        /* to a Local real server: passed to this host */
	XLVS_CNT_PKTS_FTP_PASS,     /* no server, FTP service, other port: passed */
	XLVS_CNT_ICMP_SENT,         /* ICMP answers sent: port unreachable,
				     * and tunnels' fragmentation needed and
				     * time exceeded */
	XLVS_CNT_ICMP_LIMITED,      /* ... not sent: over the rate limit */
	XLVS_CNT_CONNS_RESCHEDULED, /* entries a SYN or expire_nodest_conn
				     * replaced with a new connection */
	/* The sweeper's (bpf/expiry.h).  A full shard is evicted from by
	 * class, in this order (IPVS's ip_vs_random_dropentry rules): */
	XLVS_CNT_EVICT_TEMPLATE,    /* templates that control nothing */
	XLVS_CNT_EVICT_SYNRECV,     /* half-open: SYN_RECV, SYNACK, SYN_SENT */
	XLVS_CNT_EVICT_CLOSE,       /* CLOSE (and NONE, LISTEN) */
	XLVS_CNT_EVICT_TIMEWAIT,
	XLVS_CNT_EVICT_FIN,         /* FIN_WAIT, CLOSE_WAIT, LAST_ACK */
	XLVS_CNT_EVICT_UDP,         /* idle UDP (ranked with the FIN states) */
	XLVS_CNT_EVICT_ESTABLISHED, /* last of all */
	XLVS_CNT_EXPIRED_SYNFLOOD,  /* half-open entries expired early by the
				     * SYN-flood timeout (XLVS_SYNFLOOD_TIMEOUT) */
	XLVS_CNT_SYNFLOOD_ON,       /* times the SYN-flood defence switched on */
	XLVS_CNT_COUNTS_HEALED,     /* per-server counts corrected by a recount
				     * (the sum of the corrections' sizes) */
	XLVS_CNT_SWEEP_PASSES,      /* full passes over the table (recounts) */
	XLVS_CNT_SWEEP_URGENT,      /* walks of a fast-filling shard out of turn */
	XLVS_CNT_SWEEP_NS,          /* time the sweeper's ticks took, ns */
	XLVS_CNT_SWEEP_TICKS,       /* the sweeper's ticks */
	XLVS_CNT_SWEEP_TICKS_LONG,  /* ... that held their CPU over 0.5 ms */
	/* Tunnels (bpf/tunnel.h), as ip_vs_tunnel_xmit: */
	XLVS_CNT_PKTS_FRAG_NEEDED,  /* DF set, too big with the outer header:
				     * ICMP fragmentation needed, dropped */
	XLVS_CNT_PKTS_TOO_BIG,      /* DF clear, too big: dropped (the kernel
				     * would fragment the outer packet); or a
				     * route whose MTU leaves under 68 bytes */
	XLVS_CNT_PKTS_TTL_EXCEEDED, /* TTL 1 or 0: ICMP time exceeded, dropped */
	XLVS_CNT_EST_TORN,          /* service rates left for the next tick:
				     * libxlvs was moving its counts */
	/* The sweeper's ticks by how long each held its CPU (its own clock,
	 * hypervisor stalls included): a histogram. */
	XLVS_CNT_SWEEP_HOLD_100US,  /* up to 0.1 ms */
	XLVS_CNT_SWEEP_HOLD_200US,  /* 0.1 - 0.2 ms */
	XLVS_CNT_SWEEP_HOLD_500US,  /* 0.2 - 0.5 ms */
	XLVS_CNT_SWEEP_HOLD_1MS,    /* 0.5 - 1 ms */
	XLVS_CNT_SWEEP_HOLD_2MS,    /* 1 - 2 ms */
	XLVS_CNT_SWEEP_HOLD_MORE,   /* over 2 ms */
	/* NAT (bpf/nat.h, bpf/nat_reply.h): */
	XLVS_CNT_PKTS_REPLY,        /* real servers' replies translated to come
				     * from the VIP, and forwarded */
	XLVS_CNT_PKTS_REPLY_STALE,  /* replies whose connection has gone: their
				     * reply entry removed, passed untouched */
	XLVS_CNT_NAT_REPLY_FULL,    /* NAT connections whose reply entry found
				     * the reply map full (replies pass) */
	XLVS_CNT_ICMP_RELAYED,      /* ICMP errors about a tracked connection
				     * sent on to its real server or client
				     * (bpf/icmp_conn.h) */
	XLVS_CNT_PKTS_NOT_HOST,     /* frames to another host's MAC (a bridge
				     * flooding, promiscuous mode): passed, for
				     * the kernel to drop as PACKET_OTHERHOST */
	XLVS_CNT_NAT_REPLY_ORPHANS, /* reply entries the sweeper's pass found
				     * without their connection: removed */
	XLVS_CNT_SWEEP_CAPPED,      /* walks that stopped taking entries out
				     * at their cap (bpf/expiry.h), the rest
				     * left to a walk of the same shard next */
	XLVS_CNT_CONN_CACHE_HITS,   /* packets served from a CPU's copy of
				     * their connection (bpf/conn_cache.h) */
	XLVS_CNT_MAX,
};

/* Counters the timers (sweeper, estimator) move on their own schedule,
 * not with a packet. */
static inline int xlvs_counter_is_sweeper(unsigned int c)
{
	return c == XLVS_CNT_CONNS_EXPIRED || c == XLVS_CNT_CONNS_EVICTED ||
	       (c >= XLVS_CNT_EVICT_TEMPLATE && c <= XLVS_CNT_SWEEP_HOLD_MORE) ||
	       c == XLVS_CNT_NAT_REPLY_ORPHANS || c == XLVS_CNT_SWEEP_CAPPED;
}

/* Counters that say which way a packet took, not what became of it: a
 * packet served from a CPU's copy of its connection is served as the
 * table would serve it. */
static inline int xlvs_counter_is_path(unsigned int c)
{
	return c == XLVS_CNT_CONN_CACHE_HITS;
}

/*
 * IPVS's sysctls (/proc/sys/net/ipv4/vs/) that change how connections are
 * treated, with the kernel's meaning and defaults (ipvs-sysctl.rst):
 * expire_nodest_conn  0: a connection whose real server is gone drops its
 *                     packets until it expires; 1: it is expired at its
 *                     next packet, which is scheduled anew (TCP only if a
 *                     SYN, or with sloppy_tcp), and a SYN on a connection to
 *                     a weight-0 server is rescheduled.
 * expire_quiescent_template  1: a persistence template whose server has
 *                     weight 0 is not used (its client is rescheduled).
 * sloppy_tcp          1: a TCP packet without a connection is scheduled
 *                     even if it is not a SYN (a director taking over).
 * conn_reuse_mode     bit 0: a SYN on an entry in TIME_WAIT or CLOSE not
 *                     controlled by a template starts a new connection;
 *                     bit 1: in FIN_WAIT too (direct routing, tunnels).
 * schedule_icmp       1: ICMP errors for no connection are scheduled; kept
 *                     for the ICMP handling to come (the data plane passes
 *                     every ICMP packet today).
 * lblc_expiration     seconds an lblc entry lives unused (24 h);
 * lblcr_expiration    likewise for lblcr, and how long a server set stays
 *                     unchanged before its most loaded member leaves (24 h).
 */
struct xlvs_sysctl {
	__u32 expire_nodest_conn;
	__u32 expire_quiescent_template;
	__u32 sloppy_tcp;
	__u32 conn_reuse_mode;
	__u32 schedule_icmp;
	__u32 lblc_expiration;
	__u32 lblcr_expiration;
};

/* One table per network namespace; meta holds what a tool checks first. */
struct xlvs_meta {
	__u32 abi_version;
	__u32 conn_max;             /* connection table capacity */
	__u32 timeout[XLVS_STATE_MAX]; /* seconds per connection state */
	__u32 gen_seq;              /* last xlvs_dest.gen handed out */
	__u32 null_svcs;            /* services on port 0 */
	__u32 ftp_svcs;             /* TCP services on port 21 */
	struct xlvs_sysctl sysctl;
};

/* Service flags, numbered as IPVS's IP_VS_SVC_F_*. */
#define XLVS_SVC_F_PERSISTENT 0x1   /* -p: templates keep clients' servers */
#define XLVS_SVC_F_ONEPACKET 0x4    /* -o: schedule every UDP datagram */
#define XLVS_SVC_F_SCHED1    0x8    /* sh-fallback (mh-fallback) */
#define XLVS_SVC_F_SCHED2    0x10   /* sh-port (mh-port) */
#define XLVS_SVC_F_SCHED3    0x20

/* sh and dh: IPVS's 256-bucket tables, kept in xlvs_sched.list. */
#define XLVS_HASH_BITS 8
#define XLVS_HASH_SIZE (1 << XLVS_HASH_BITS)

/* The kernel's hash_32(): the golden-ratio multiply, top bits kept. */
static inline __u32 xlvs_hash_32(__u32 val, unsigned int bits)
{
	return (val * 0x61C88647u) >> (32 - bits);
}

struct xlvs_svc_key {
	__u8 addr[16];
	__be16 port;
	__u8 proto;                 /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 af;                    /* 4 or 6 */
};

struct xlvs_svc {
	__u32 id;                   /* index: its schedules are 2*id and 2*id+1 */
	__u32 sched_slot;           /* which of the two schedules is live */
	__u32 flags;                /* IPVS service flags (persistent, ...) */
	__u32 timeout;              /* persistence timeout, seconds */
	__u32 netmask;              /* persistence netmask, network order;
				     * contiguous (user space refuses others);
				     * IPv6: the prefix length, as IPVS */
	__u8 sched_kind;            /* enum xlvs_sched_kind */
	__u8 tpl_plen;              /* netmask's prefix length */
	__u8 tpl_noport;            /* templates key vport 0: IPVS does for
				     * port-zero and FTP (21) services */
	__u8 pad;
	char sched_name[XLVS_SCHED_NAME_LEN];
};

/*
 * A real server.  Indexed by id in the dest array; a connection names its
 * server by id and gen.  As in IPVS, a deleted server goes to the "trash"
 * (gen kept, XLVS_DEST_F_AVAILABLE cleared) while connections may still use
 * it: their packets are dropped (or rescheduled, expire_nodest_conn), and
 * when the same server is added to the same service again it comes back
 * with its id, gen, counts and counters, so they carry on
 * (ip_vs_trash_get_dest).  A trashed slot is reused for another server only
 * when nothing counts on it any more; gen then changes.
 */
#define XLVS_DEST_F_AVAILABLE 0x1   /* IPVS's IP_VS_DEST_F_AVAILABLE */
#define XLVS_DEST_F_FOLDED    0x4   /* trashed by -d: its counters are in its
				     * service's base (bpf/stats.h) */
#define XLVS_DEST_F_FOLD_PENDING 0x8 /* being deleted in a batch: its counters
				     * not in the base yet (lib/fold_log.c) */

struct xlvs_dest {
	__u8 addr[16];
	__be16 port;
	__u8 af;
	__u8 fwd;                   /* enum xlvs_fwd */
	__u32 gen;                  /* 0 = free slot */
	__u32 svc_id;               /* the service's id (its counters) */
	__s32 weight;
	__u32 u_threshold;
	__u32 l_threshold;
	__u32 flags;                /* XLVS_DEST_F_AVAILABLE */
	__s32 last_weight;          /* IPVS's: the weight given when added or
				     * last set non-zero; mh builds from it */
	struct xlvs_svc_key svc;    /* the service it belongs (belonged) to:
				     * what a re-add is matched by */
	__u8 tun_type;              /* Tunnel: enum xlvs_tun_type */
	__u8 tun_flags;             /* Tunnel: XLVS_TUN_F_* */
	__be16 tun_port;            /* Tunnel, GUE: the UDP destination port */
};

/*
 * A service's schedule: the destination list in IPVS order (newest first, as
 * list_add_rcu puts them) and the rr/wrr choice sequence precomputed from it.
 *
 * IPVS's wrr visits the list in passes at cw = mw, mw-di, ..., >0, taking in
 * each pass every server with weight >= cw; rr is one pass over the servers
 * with weight > 0.  Consecutive passes that take the same servers form a
 * band: band b covers positions [first_pos, next band's first_pos), and each
 * of its passes takes `width` servers.  The servers a pass takes are nested
 * by weight: they are the first `width` of the "weight order" (weight
 * descending, then list order), so a band needs no list of its own.  Its
 * k-th position names the (k % width)-th smallest list index among the
 * first `width` of the weight order, which a wavelet matrix over the weight
 * order answers in XLVS_RANK_LEVELS steps (include/xlvs/cycle.h): for
 * rr/wrr, list[] holds at XLVS_RANK_AT(l, i) how many of the first i
 * entries of level l have a 0 bit, and at XLVS_BAND_OF + i the band server
 * i first appears in (XLVS_BAND_NONE: weight 0).  So 1024 distinct weights
 * take 1024 bands and 22 KB of the list, not n(n+1)/2 list entries.
 *
 * A new connection takes position (start + picks++) % cycle, so choosing is
 * one atomic add and two searches, never a lock.  User space writes the idle
 * schedule whole and then flips xlvs_svc.sched_slot, so a change is seen
 * whole or not at all.
 */
struct xlvs_band {
	__u32 first_pos;
	__u16 width;                /* servers each of its passes takes */
	__u16 pad;
};

#define XLVS_RANK_LEVELS 10         /* bits of a list index < XLVS_SVC_DESTS_MAX */
#define XLVS_RANK_STRIDE (XLVS_SVC_DESTS_MAX + 1)
#define XLVS_RANK_AT(level, i) ((level) * XLVS_RANK_STRIDE + (i))
#define XLVS_BAND_OF     (XLVS_RANK_LEVELS * XLVS_RANK_STRIDE)
#define XLVS_BAND_NONE   0xffff

struct xlvs_sched {
	__u64 picks;                /* connections scheduled; atomic in BPF */
	__u32 start;                /* position of the first pick */
	__u32 cycle;                /* positions per cycle; 0: no server usable */
	__u32 nbands;
	__u32 ndests;
	__s32 init_last;            /* IPVS state at start: last index or -1 */
	__s32 init_cw;              /* and current weight (wrr) */
	__u32 dests[XLVS_SVC_DESTS_MAX]; /* dest ids in IPVS list order */
	__s32 weights[XLVS_SVC_DESTS_MAX]; /* their weights, for the scans */
	struct xlvs_band bands[XLVS_BANDS_MAX];
	__u16 list[XLVS_LIST_MAX];  /* sh, dh, mh: indexes into dests[];
				     * rr, wrr: the rank index (above) */
};

/* What libxlvs gives the kernel to set a live rr/wrr schedule's resume
 * point in place (xlvs_sched_resume, lib/sched_carry.c). */
struct xlvs_sched_resume {
	__u32 key;                  /* the schedule */
	__u32 start;
	__s32 init_last, init_cw;
};

/*
 * A connection, or a persistence template (IPVS's IP_VS_CONN_F_TEMPLATE):
 * the client's address masked with the service's netmask, port 0, the
 * virtual address and port (0 for port-zero and FTP services), so a
 * client's next connections find the real server its first one got.
 * Templates live in the same table, told apart by kind.
 */
enum xlvs_conn_kind {
	XLVS_KIND_CONN = 0,
	XLVS_KIND_TEMPLATE = 1,
};

struct xlvs_conn_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 af;
	__u8 kind;                  /* enum xlvs_conn_kind */
	__u8 pad;
};

/* A template's states, as IPVS names them: ASSURED once a connection it
 * controls has reached ESTABLISHED (ip_vs_control_assure_ct). */
enum xlvs_tpl_state {
	XLVS_TPL_NONE = 0,
	XLVS_TPL_ASSURED = 1,
};

/* IPVS re-arms a template that still controls connections for 60 s when it
 * expires, and from then on each use re-arms it for 60 s (ip_vs_conn_expire
 * sets cp->timeout = 60*HZ). */
#define XLVS_TPL_REARM_S 60

/*
 * IPVS counts a template's connections (n_control).  A count here could
 * drift for good -- CPUs race the sweeper and each other -- so instead every live connection a
 * template controls stamps it each time the sweeper's pass comes by (once
 * a second, longer for a big table: xlvs_timer.pass_ms), and a template
 * stamped within two passes (XLVS_TPL_CTL_NS at least) still controls some.
 * Stamps are CLOCK_MONOTONIC >> XLVS_TPL_STAMP_SHIFT (about 1 ms), odd, so
 * 0 means never.
 */
#define XLVS_TPL_STAMP_SHIFT 20
#define XLVS_TPL_CTL_NS 2000000000ull

static inline __u32 xlvs_tpl_stamp(__u64 now_ns)
{
	return (__u32)(now_ns >> XLVS_TPL_STAMP_SHIFT) | 1;
}

/* Does template stamp ctl say it still controls a connection at now, the
 * sweeper's last pass having taken pass_ms? */
static inline int xlvs_tpl_controls(__u32 ctl, __u64 now_ns, __u32 pass_ms)
{
	__u64 window = 2000000ull * pass_ms;

	if (window < XLVS_TPL_CTL_NS)
		window = XLVS_TPL_CTL_NS;

	return ctl && (__u32)(xlvs_tpl_stamp(now_ns) - ctl) <
		      (__u32)(window >> XLVS_TPL_STAMP_SHIFT);
}

/* xlvs_conn.flags */
#define XLVS_CONN_F_CONTROLLED 0x1  /* a template controls it (see below) */
#define XLVS_CONN_F_TPL_NOPORT 0x2  /* and that template's vport is 0 */
#define XLVS_CONN_F_SYNC       0x8  /* made by a backup sync daemon (IPVS's
				     * IP_VS_CONN_F_SYNC) */
#define XLVS_CONN_F_MASQ       0x4  /* NAT: its replies come back through
				     * the director (struct xlvs_nat_reply) */

/*
 * A NAT connection's reply side (IPVS hashes a connection under its output
 * tuple too, for ip_vs_out): keyed by the real server's reply as it arrives
 * -- saddr the real server, daddr the client, sport the real port, dport the
 * client's, kind XLVS_KIND_CONN -- it says what the reply's source becomes
 * and finds the connection again, whose key is the client's tuple with
 * vaddr:vport.  tag is the connection's: a reply entry left over from an
 * earlier connection on the same ports finds a different tag, and goes.
 */
struct xlvs_nat_reply {
	__u8 vaddr[16];
	__be16 vport;
	__u16 pad;
	__u32 tag;
};

struct xlvs_conn {
	__u64 last_ns;              /* bpf_ktime_get_ns() of the last packet */
	__u32 dest_id;
	__u32 dest_gen;
	__u32 timeout;              /* templates: seconds; 0: the state's */
	union {
		__u32 ctl_stamp;    /* templates: a controlled connection was
				     * last seen alive (xlvs_tpl_stamp) */
		__u32 sync_pkts;    /* connections: packets counted while a
				     * master sync daemon runs (IPVS's
				     * in_pkts; include/xlvs/sync.h) */
	};
	/* The state word: a CPU changing the state (or taking the entry out)
	 * claims the change with a compare-and-exchange on sword, and only
	 * the CPU whose exchange succeeds moves the server's counts, so two
	 * CPUs, or a CPU and the sweeper, never count one change twice. */
	union {
		struct {
			__u8 state;         /* enum xlvs_tcp_state or xlvs_tpl_state;
					     * XLVS_STATE_DEAD: being taken out */
			__u8 flags;         /* XLVS_CONN_F_* */
			__u8 tpl_plen;      /* controlled: the template's mask
					     * length, to find the template */
			__u8 pad0;
			/* A random tag set at insertion.  The hash may reuse
			 * a deleted element's memory for another entry at
			 * once (its allocator does not wait for readers);
			 * with the tag in the exchanged word, a CPU still
			 * holding the old one fails its claim instead of
			 * changing (and counting) the new entry. */
			__u32 tag;
		};
		__u64 sword;
	};
};

/* The state an entry is claimed with while a CPU takes it out: lookups
 * treat it as gone. */
#define XLVS_STATE_DEAD 0xfe

/*
 * The connection table is 64 to XLVS_CONN_SHARDS hashes, each holding its
 * share of the capacity; a connection's shard is a hash of its key.  The
 * hashes are not preallocated (BPF_F_NO_PREALLOC): an entry's memory comes
 * from the slab when it is made, so the table takes memory by its use, and
 * the entries a director's traffic touches sit close together in the
 * kernel's direct map, not one to a page of a preallocated area (the TLB
 * misses of which were most of an established packet's cost).  A full
 * hash refuses a new entry; nothing but the sweeper ever removes one.
 * How many depends on the capacity (xlvs_conn_shard_bits): enough that a
 * shard holds at most about 512 entries, so the sweeper, which walks one
 * shard at a time, never holds a CPU for long (a walk of a million entries
 * takes about 200 ms; of 512, about 0.1 ms: the hold stays under 0.5 ms
 * with the hypervisor's stalls in it).
 */
#define XLVS_CONN_SHARD_MIN_BITS 6
#define XLVS_CONN_SHARD_MAX_BITS 11
#define XLVS_CONN_SHARD_TARGET 512

static inline __u32 xlvs_load32(const __u8 *p)
{
	__u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline __u32 xlvs_conn_shard_bits(__u32 conn_max)
{
	__u32 bits = XLVS_CONN_SHARD_MIN_BITS;

	for (int i = 0; i < XLVS_CONN_SHARD_MAX_BITS - XLVS_CONN_SHARD_MIN_BITS; i++)
		if ((conn_max >> bits) > XLVS_CONN_SHARD_TARGET)
			bits++;
	return bits;
}

static inline __u32 xlvs_conn_shards(__u32 conn_max)
{
	return 1u << xlvs_conn_shard_bits(conn_max);
}

/* Key k's hash: its top bits name its shard (xlvs_conn_shard) and its
 * slot in a CPU's connection cache (bpf/conn_cache.h). */
static inline __u32 xlvs_conn_hash(const struct xlvs_conn_key *k)
{
	__u32 h = ((__u32)k->sport << 16 | k->dport) ^ k->proto;

	for (int i = 0; i < 16; i += 4)
		h ^= xlvs_load32(k->saddr + i) ^ (xlvs_load32(k->daddr + i) * 0x85ebca6bu);
	return h * 0x9e3779b1u;
}

/* Each CPU's connection cache has 2^XLVS_CONN_CACHE_BITS slots; key k's is
 * the top bits of its hash (bpf/conn_cache.h). */
#define XLVS_CONN_CACHE_BITS 14

static inline __u32 xlvs_conn_cache_slot(const struct xlvs_conn_key *k)
{
	return xlvs_conn_hash(k) >> (32 - XLVS_CONN_CACHE_BITS);
}

/* The shard of key k in a table of 2^bits shards. */
static inline __u32 xlvs_conn_shard(const struct xlvs_conn_key *k, __u32 bits)
{
	return xlvs_conn_hash(k) >> (32 - (bits & 31));
}

/* A shard's share of the table's capacity, and what its hash holds: 1/4
 * more, room above the 1/8 the sweeper lets a shard grow past its share
 * before it evicts (bpf/recount.h, shard_limit), and at least 512 more, so
 * that a burst of new connections between two walks is taken in rather
 * than refused.  Room costs nothing until it is used. */
static inline __u32 xlvs_conn_share(__u32 conn_max)
{
	__u32 n = xlvs_conn_shards(conn_max);

	return (conn_max + n - 1) / n;
}

#define XLVS_CONN_HEADROOM(share) \
	((share) + ((share) / 4 > 512 ? (share) / 4 : 512))

/*
 * What the FIB said about a real server, per CPU: bpf_fib_lookup costs about
 * as much as the rest of the packet path together, so its answer is reused
 * for XLVS_NH_CACHE_NS.  A MAC change is therefore followed within that.
 */
#define XLVS_NH_CACHE_NS 100000000ull   /* 100 ms */

struct xlvs_nh_cache {
	__u64 expires_ns;
	__u32 dest_gen;             /* the real server it was looked up for */
	__u32 in_ifindex;           /* the interface the lookup was made from */
	__u32 out_ifindex;
	__u8 dmac[6];
	__u8 smac[6];
	__u32 mtu;                  /* the route's */
	__u32 pad;
};

/*
 * A real server's connections as IPVS counts them (ip_vs_conn.c,
 * ip_vs_proto_tcp.c set_tcp_state): a TCP connection in ESTABLISHED is
 * active, every other connection (UDP included) inactive.  Kept by the XDP
 * program and the expiry timer with atomic adds, each change claimed on
 * the entry first (xlvs_conn.sword), and recounted from the table by the
 * sweeper every pass (bpf/recount.h); read by lc/wlc and -L.
 */
struct xlvs_dest_conns {
	__s32 active;
	__s32 inactive;
	__s32 persist;              /* persistence templates */
	__u32 flags;                /* XLVS_DEST_F_OVERLOAD; bits 8..31 count
				     * threshold edits (bpf/conn.h) */
};

/* IPVS's IP_VS_DEST_F_OVERLOAD: set when a new connection brings the
 * server to its upper threshold, cleared as connections leave (see
 * conn_unbind in bpf/conn.h); overloaded servers take no new connections. */
#define XLVS_DEST_F_OVERLOAD 0x2

/* The context of the xlvs_set_thresholds program, which libxlvs runs to
 * change a real server's thresholds (bpf/conn.h says why a program). */
struct xlvs_thresholds_arg {
	__u32 dest_id;
	__u32 u_threshold;
	__u32 l_threshold;
	__u32 pad;
};

/* Counters of a service or real server, per CPU (IPVS's ip_vs_stats). */
struct xlvs_stats {
	__u64 conns;
	__u64 inpkts, outpkts;
	__u64 inbytes, outbytes;
};

/*
 * The journal of the one move of counters under way (lib/fold_log.c): a
 * writer holds the table's lock, so there is at most one.  Written before
 * the service's fold sequence goes odd and cleared after it is even again,
 * it tells the next writer how to finish or undo a move a killed tool left
 * half done, exactly: the base the move started from and, for a revival,
 * the counters the server had in the trash and its record there.
 */
enum xlvs_fold_op {
	XLVS_FOLD_NONE,
	XLVS_FOLD_PLAIN,            /* an add that moves no counts */
	XLVS_FOLD_DEL,              /* -d: the server's counts into the base */
	XLVS_FOLD_REVIVE,           /* a re-add: out of the base again */
	XLVS_FOLD_ZERO,             /* -Z of one service */
	XLVS_FOLD_PENDING,          /* a batched -d (xlvs_dest_del_many): the
				     * service's servers flagged
				     * XLVS_DEST_F_FOLD_PENDING await their
				     * fold */
};

#define XLVS_FOLD_F_BATCH 0x1       /* a DEL of a batch: others may be pending */

struct xlvs_fold_log {
	__u32 op;                   /* enum xlvs_fold_op */
	__u32 svc_id;
	__u32 dest_id;
	__u32 flags;                /* XLVS_FOLD_F_* */
	struct xlvs_svc_key svc;
	struct xlvs_stats base0;    /* the base's CPU 0 copy before the move */
	struct xlvs_stats dest0;    /* REVIVE: the server's counters in the trash */
	struct xlvs_dest old;       /* REVIVE: its record in the trash */
};

/*
 * IPVS's rate estimator (ip_vs_est.c), kept by a kernel timer every 2 s:
 * averages scaled as IPVS scales them (cps and pps by 2^10, bps by 2^5).
 * rates[] holds services at [id] and real servers at [XLVS_SVC_MAX + id].
 */
#define XLVS_EST_INTERVAL_NS 2000000000ull

struct xlvs_rate {
	struct xlvs_stats last;     /* the counters at the previous tick */
	__u64 cps, inpps, outpps, inbps, outbps;
};

/* The table's kernel timers, in the pinned `timers` array. */
enum xlvs_timer_id {
	XLVS_TIMER_SWEEP = 0,       /* connection expiry */
	XLVS_TIMER_EST,             /* rate estimation */
	XLVS_TIMER_LBLC,            /* lblc/lblcr collector: next counts ticks */
	XLVS_TIMER_MAX,
};

struct xlvs_timer {
	struct bpf_timer timer;
	union {
		struct {            /* the sweeper's */
			__u32 tick_max_us; /* its longest tick in the last full
					    * pass (a CPU held that long) */
			__u32 pass_ms;     /* how long its last full pass over
					    * the table took (xlvs_tpl_controls) */
		};
		struct {            /* the lblc collector's */
			__u32 next;        /* checks since the last full one */
			__u32 work;        /* entries counted, then to remove (in
					    * a map: the verifier need not
					    * follow it through the walks) */
		};
	};
};

_Static_assert(sizeof(struct xlvs_svc_key) == 20, "svc key layout");
_Static_assert(sizeof(struct xlvs_svc) == 40, "svc layout");
_Static_assert(sizeof(struct xlvs_dest) == 72, "dest layout");
_Static_assert(sizeof(struct xlvs_band) == 8, "band layout");
_Static_assert(sizeof(struct xlvs_sched_resume) == 16, "resume layout");
_Static_assert(1 << XLVS_RANK_LEVELS == XLVS_SVC_DESTS_MAX &&
	       XLVS_BANDS_MAX == XLVS_SVC_DESTS_MAX &&
	       XLVS_BAND_OF + XLVS_SVC_DESTS_MAX <= XLVS_LIST_MAX,
	       "the rank index fits the list");
_Static_assert(sizeof(struct xlvs_conn_key) == 40, "conn key layout");
_Static_assert(sizeof(struct xlvs_conn) == 32, "conn layout");
_Static_assert(XLVS_CONN_SHARDS == 1 << XLVS_CONN_SHARD_MAX_BITS, "shard count");
_Static_assert(sizeof(struct xlvs_nh_cache) == 40, "nh cache layout");
_Static_assert(sizeof(struct xlvs_stats) == 40, "stats layout");
_Static_assert(sizeof(struct xlvs_dest_conns) == 16, "dest conns layout");
_Static_assert(sizeof(struct xlvs_thresholds_arg) == 16, "thresholds arg layout");
_Static_assert(sizeof(struct xlvs_rate) == 80, "rate layout");
_Static_assert(sizeof(struct xlvs_sysctl) == 28, "sysctl layout");
_Static_assert(sizeof(struct xlvs_meta) == 4 * (5 + XLVS_STATE_MAX) + 28, "meta layout");

/*
 * lblc and lblcr (ip_vs_lblc.c, ip_vs_lblcr.c): per service, what each
 * destination address was last sent to, in the pinned `lblc` hash.  An
 * lblc entry has one member, an lblcr entry a server set, newest first as
 * the kernel's list_add_rcu puts them; the kernel's set has no bound, a
 * full one here takes no member more (as a failed allocation would).  A
 * member is named by id and gen, so a slot reused for another server is
 * not taken for it.  libxlvs removes a service's entries when it starts or
 * stops using lblc or lblcr (the kernel's flush).
 * Times are CLOCK_MONOTONIC ns.
 */
#define XLVS_LBLC_MAX       65536  /* entries, all services */
#define XLVS_LBLCR_SET_MAX  16     /* members of an lblcr set */

struct xlvs_lblc_key {
	__u32 svc_id;
	__u32 pad;
	__u8 addr[16];              /* the packet's destination address */
};

struct xlvs_lblc_member {
	__u32 id;
	__u32 gen;
};

struct xlvs_lblc {
	__u64 lastuse_ns;           /* last scheduled through */
	__u64 lastmod_ns;           /* lblcr: the set last changed */
	__u8 kind;                  /* XLVS_SCHED_LBLC or XLVS_SCHED_LBLCR */
	__u8 size;                  /* members */
	__u8 pad[6];
	struct xlvs_lblc_member m[XLVS_LBLCR_SET_MAX];
};

_Static_assert(sizeof(struct xlvs_lblc_key) == 24, "lblc key layout");
_Static_assert(sizeof(struct xlvs_lblc) == 24 + 8 * XLVS_LBLCR_SET_MAX, "lblc layout");

#endif
