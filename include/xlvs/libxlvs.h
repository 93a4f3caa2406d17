/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libxlvs: the table API over the pinned maps.  Functions return 0 or
 * -errno and never print; a caller that wants details installs a message
 * callback with xlvs_set_log().
 */
#ifndef XLVS_LIBXLVS_H
#define XLVS_LIBXLVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <xlvs/table.h>

/* ---- messages ---- */
typedef void (*xlvs_log_fn)(const char *msg);
xlvs_log_fn xlvs_set_log(xlvs_log_fn fn);   /* the previous one */

/* ---- addresses (addr.c) ---- */
struct xlvs_endpoint {
	uint8_t af;              /* 4 or 6 */
	uint8_t addr[16];
	uint16_t port;           /* host order; 0 = not given */
};

/* As ipvsadm takes a service or server: "a.b.c.d[:port]", "[v6addr][:port]"
 * or a bare v6 address (one with more than one colon: no port), or a host
 * name (IPv4) when resolve is true.  0 or -EINVAL. */
int xlvs_endpoint_parse(const char *s, bool resolve, struct xlvs_endpoint *ep);
/* "a.b.c.d:port" or "[v6addr]:port" into buf (at least 64 bytes). */
void xlvs_endpoint_format(const struct xlvs_endpoint *ep, char *buf, size_t len);

/* ---- opening the table (table.c, nsroot.c) ---- */
struct xlvs_table {
	int dir_fd;              /* locked with flock() while open */
	int meta_fd, svc_fd, dest_fd, sched_fd, conn_fd, stats_fd;
	int svc_stats_fd, dest_stats_fd, rates_fd, dest_conns_fd;
	int timers_fd;           /* the sweeper's pass time (xlvs_sweep_pass_ms) */
	struct xlvs_meta meta;
	char path[256];          /* the table's directory in the host's bpffs */
	bool writer;             /* opened with XLVS_OPEN_WRITE */
	bool readonly;           /* opened with XLVS_OPEN_READONLY */
	struct xlvs_dest *dest_cache;  /* the real servers' records, as read
					* (lib/dest_cache.c) */
	/* A writer's other pins (the fold journal, the programs it runs),
	 * each opened once and kept until close (lib/table.c). */
	const char *obj_name[8];
	int obj_fd[8];
};

enum {
	XLVS_OPEN_WRITE = 1,     /* take the writers' lock */
	XLVS_OPEN_CREATE = 2,    /* load and pin the table if there is none */
	/* Every map opened read-only (BPF_F_RDONLY, for pins and for maps
	 * got by id): the kernel refuses any update or delete through these
	 * fds with -EPERM, so a reader opened so cannot change the table
	 * whatever it calls; nothing is created (not even the table's
	 * directory).  Not with WRITE or CREATE (-EINVAL). */
	XLVS_OPEN_READONLY = 4,
};

/* conn_max: capacity used when the table is created (0 = default); one
 * outside XLVS_CONN_MIN..XLVS_CONN_LIMIT is refused with -ERANGE. */
int xlvs_table_open(struct xlvs_table *t, int flags, uint32_t conn_max);
void xlvs_table_close(struct xlvs_table *t);
/* Where this network namespace's table lives; -errno if it cannot tell. */
int xlvs_table_path(char *buf, size_t len);

/* ---- the data plane on interfaces (xdp_attach.c: through libxdp) ---- */
/* AUTO (0, what an unspecified mode means) is resolved by xlvs_xdp_choose
 * before attaching; xlvs_attach takes NATIVE or GENERIC. */
enum xlvs_xdp_mode { XLVS_XDP_AUTO, XLVS_XDP_NATIVE, XLVS_XDP_GENERIC };
int xlvs_attach(struct xlvs_table *t, const char *ifname, enum xlvs_xdp_mode mode);
/* A second copy of the data plane's XDP program over every map of t's
 * (what libxdp's dispatcher runs as its component, and what an upgrade
 * puts in place of a running program), loaded as a plain XDP program: a
 * program fd (the caller closes it) or -errno. */
int xlvs_prog_load_copy(const struct xlvs_table *t);
/* Upgrading in place (upgrade.c): this build's XDP program put in place of
 * the running one on every interface of this namespace that runs it (one
 * kernel step each: no packet meets no program), the table's helper
 * programs and its timers moved to this build's code, the table itself
 * (maps, connections, counters) kept as it is.  t: open with
 * XLVS_OPEN_WRITE, of this build's layout.  How many interfaces were
 * switched, or -errno. */
int xlvs_upgrade(struct xlvs_table *t);
/* Migrating (migrate.c): this namespace's table, of another layout (or
 * whose maps this build's programs cannot take: xlvs_upgrade's -EPROTO),
 * copied into a new table of this build's layout, services, real servers,
 * connections and counters, and the program swapped on its interfaces;
 * the old table removed.  Takes the writers' lock itself (no table may be
 * open).  How many interfaces were switched, or -errno (-EPROTO: a record
 * this build cannot convert; nothing changed). */
int xlvs_migrate(void);
/* The MAC the program takes frames to on interface ifindex (NULL: any, as
 * where none was ever set); xlvs_attach and xlvs_detach keep it. */
int xlvs_dev_mac_set(struct xlvs_table *t, unsigned int ifindex,
		     const uint8_t mac[6]);

/* ---- whether native XDP delivers (xdp_mode.c, xdp_probe.c) ---- */
/* One interface the program sends frames out of, as the probe found it;
 * tri-state facts are 1, 0 or -1 (could not tell). */
struct xlvs_xdp_link {
	char name[16], peer[16];  /* peer: a veth's other end, "" if unknown */
	uint32_t ifindex;
	bool attach;              /* the interface the program runs on */
	bool tx;                  /* XDP_TX leaves by it (the attach interface,
				   * servers reached by it); neither: a
				   * redirect target */
	bool veth;
	int8_t native;            /* NETDEV_XDP_ACT_BASIC: native XDP at all */
	int8_t ndo_xmit;          /* NETDEV_XDP_ACT_NDO_XMIT: takes redirected
				   * frames (a veth: its peer has NAPI) */
	int8_t peer_prog;         /* a veth's peer runs a native XDP program */
};

enum xlvs_xdp_verdict {
	XLVS_XDP_DELIVERS,        /* native XDP delivers what is sent */
	XLVS_XDP_HELD,            /* queued at the veth peer, unflushed */
	XLVS_XDP_DROPPED,         /* the device refuses XDP frames */
	XLVS_XDP_NO_NATIVE,       /* the driver has no native XDP */
	XLVS_XDP_UNKNOWN,         /* the probe could not tell */
};
enum xlvs_xdp_verdict xlvs_xdp_verdict_of(const struct xlvs_xdp_link *l);

struct xlvs_xdp_choice {
	enum xlvs_xdp_mode mode;  /* NATIVE or GENERIC */
	bool refused;             /* native was asked for and cannot deliver */
	bool warn;                /* auto fell back, or native is unchecked */
	int link;                 /* the link that decided, -1 if none */
	enum xlvs_xdp_verdict verdict;
};
void xlvs_xdp_choose(enum xlvs_xdp_mode want, const struct xlvs_xdp_link *l,
		     size_t n, struct xlvs_xdp_choice *c);
/* Why link l has verdict v, and what would make native work. */
void xlvs_xdp_explain(const struct xlvs_xdp_link *l, enum xlvs_xdp_verdict v,
		      char *cause, size_t clen, char *fix, size_t flen);

#define XLVS_XDP_LINKS_MAX 32     /* interfaces one probe looks at */
#define XLVS_XDP_SERVERS_MAX 1024 /* real servers' routes it asks for */
/* The interfaces the data plane on ifname would send out of: ifname when a
 * server is reached by it or none is given (the single-LAN layout), and the
 * interfaces the servers are routed out of.  Sets *n; 0 or -errno
 * (-ENODEV: no ifname). */
int xlvs_xdp_probe(const char *ifname, const struct xlvs_endpoint *servers,
		   size_t nservers, struct xlvs_xdp_link *links, size_t *n);
/* The interfaces of this namespace that run t's program in native mode,
 * up to max names into names; their number or -errno. */
int xlvs_native_ifaces(struct xlvs_table *t, char (*names)[16], size_t max);
int xlvs_detach(struct xlvs_table *t, const char *ifname);
/* Detach from every interface in this namespace and remove the table. */
int xlvs_unload(void);

/* ---- services and real servers (service.c) ---- */
struct xlvs_service_conf {
	uint8_t proto;           /* IPPROTO_TCP / IPPROTO_UDP */
	struct xlvs_endpoint vip;
	char sched[XLVS_SCHED_NAME_LEN];
	uint32_t flags;
	uint32_t timeout;        /* persistence timeout (-p), seconds */
	uint32_t netmask;        /* persistence netmask (-M): IPv4 a mask, network
				  * order; IPv6 the prefix length 1..128 (as
				  * IPVS's ip_vs_service_user) */
};

/* The prefix length of a contiguous netmask (network order), or -EINVAL. */
int xlvs_netmask_plen(uint32_t netmask);

struct xlvs_dest_conf {
	struct xlvs_endpoint addr;
	uint8_t fwd;             /* enum xlvs_fwd */
	int32_t weight;
	uint32_t u_threshold, l_threshold;
	uint8_t tun_type;        /* Tunnel: enum xlvs_tun_type */
	uint8_t tun_flags;       /* Tunnel: XLVS_TUN_F_* */
	uint16_t tun_port;       /* Tunnel, GUE: host order, 1..65535 */
};

/*
 * What the data plane can do, checked before any change (conf_check.c):
 * every add and edit below refuses a configuration outside it, and leaves
 * the table as it was.  A caller may check first, with why filled in:
 *   -EPROTONOSUPPORT  proto other than TCP or UDP       (field "proto")
 *   -EAFNOSUPPORT     an address neither IPv4 nor IPv6  ("af")
 *   -ENOENT           an unknown scheduler              ("sched")
 *   -EINVAL           a name not terminated, unknown service flags, a
 *                     netmask with holes (IPv6: a prefix length outside
 *                     [lo, hi] = 1..128), port 0 without persistence, a
 *                     persistence timeout outside [lo, hi]
 *   -ERANGE           a value outside [lo, hi]: weight, u_threshold,
 *                     l_threshold (l above u: hi = u)
 *   -EINVAL           an IPv6 real server that is not unicast or is
 *                     link-local, unless it is this host's ("addr", as
 *                     the kernel's ip_vs_new_dest)
 *   -EINVAL           a tunnel type unknown ("tun_type"), GUE without a
 *                     port ("tun_port": ip_vs_add_dest's "tunnel port is
 *                     zero"), unknown or conflicting tunnel flags, flags
 *                     an IPIP tunnel cannot have or remcsum on GRE
 *                     ("tun_flags")
 */
#define XLVS_WEIGHT_MAX     65535           /* ipvsadm's -w range */
#define XLVS_THRESHOLD_MAX  2147483647u     /* ipvsadm's and IPVS's INT_MAX */
#define XLVS_CONN_MIN       1024u           /* --conn-max: a share of 16 a shard */
#define XLVS_CONN_LIMIT     (1u << 27)      /* no u32 overflow in the shards' sizes */

struct xlvs_conf_err {
	const char *field;      /* the struct field refused, NULL if none */
	int64_t lo, hi;         /* its range, for -ERANGE */
};

int xlvs_service_conf_check(const struct xlvs_service_conf *c,
			    struct xlvs_conf_err *why);
int xlvs_dest_conf_check(const struct xlvs_dest_conf *d,
			 struct xlvs_conf_err *why);
/* A real server's family against its service's (svc_af): another family
 * only by tunnel, else -EINVAL ("af"), as the kernel's ip_vs_genl_set_cmd.
 * xlvs_dest_add and xlvs_dest_edit check it too. */
int xlvs_dest_af_check(uint8_t svc_af, const struct xlvs_dest_conf *d,
		       struct xlvs_conf_err *why);
/* The forwarding method the table records for d: Local for an address of
 * this host's own (IPVS's LOCALNODE), else the one asked for. */
uint8_t xlvs_dest_fwd_of(const struct xlvs_dest_conf *d);

/* -EEXIST, -ESRCH (no such service), -ENOENT (no such scheduler / dest);
 * the checks above. */
int xlvs_service_add(struct xlvs_table *t, const struct xlvs_service_conf *c);
int xlvs_service_edit(struct xlvs_table *t, const struct xlvs_service_conf *c);
int xlvs_service_del(struct xlvs_table *t, uint8_t proto, const struct xlvs_endpoint *vip);
int xlvs_table_clear(struct xlvs_table *t);
int xlvs_dest_add(struct xlvs_table *t, uint8_t proto, const struct xlvs_endpoint *vip,
		  const struct xlvs_dest_conf *d);
int xlvs_dest_edit(struct xlvs_table *t, uint8_t proto, const struct xlvs_endpoint *vip,
		   const struct xlvs_dest_conf *d);
int xlvs_dest_del(struct xlvs_table *t, uint8_t proto, const struct xlvs_endpoint *vip,
		  const struct xlvs_endpoint *rip);
/* -a of several servers of one service: as many xlvs_dest_add, in order
 * (each new one at the head of the list, as IPVS puts it), but the new
 * ones share one build and flip of the schedule instead of one each (a
 * thousand servers coming up at start-up); one whose record is in the
 * trash comes back on its own, counters and all, as xlvs_dest_add's.
 * rcs[i] is cs[i]'s result.  0, or -ESRCH (no such service). */
int xlvs_dest_add_many(struct xlvs_table *t, uint8_t proto,
		       const struct xlvs_endpoint *vip,
		       const struct xlvs_dest_conf *cs, size_t n, int *rcs);
/* -d of several servers of one service: as many xlvs_dest_del, but the
 * wait for the data plane to let go of a server (an RCU grace period, some
 * 10 ms) is one for them all, so a thousand servers failing at once leave
 * the table in a fraction of a second instead of ten or more.  rcs[i] is
 * rips[i]'s result (0, -ENOENT...).  0, or -ESRCH (no such service) or
 * -errno with nothing deleted. */
int xlvs_dest_del_many(struct xlvs_table *t, uint8_t proto,
		       const struct xlvs_endpoint *vip,
		       const struct xlvs_endpoint *rips, size_t n, int *rcs);
bool xlvs_sched_known(const char *name);
/* For tests: fn(arg) runs inside every rr/wrr real-server edit after the
 * new schedule is written and before it goes live, where traffic's picks
 * race the edit (lib/sched_carry.c).  NULL: none. */
void xlvs_set_sched_edit_hook(void (*fn)(void *arg), void *arg);
/* For tests: fn(arg) runs at each step of a journalled move of counters
 * (lib/fold_log.c), where a test can stop the tool as a kill would. */
void xlvs_set_fold_hook(void (*fn)(void *arg), void *arg);

/* Rates as ipvsadm --rate prints them: per second, IPVS's rounding. */
struct xlvs_rates {
	uint64_t cps, inpps, outpps, inbps, outbps;
};

/* A snapshot of the table for listing: services sorted as ipvsadm sorts them. */
struct xlvs_dest_info {
	struct xlvs_dest_conf conf;
	uint32_t active, inactive, persist;
	struct xlvs_stats stats;
	struct xlvs_rates rates;
};

struct xlvs_service_info {
	struct xlvs_service_conf conf;
	struct xlvs_stats stats;
	struct xlvs_rates rates;
	uint32_t ndests;
	struct xlvs_dest_info *dests;   /* sorted by address, then port */
};

struct xlvs_snapshot {
	uint32_t nservices;
	struct xlvs_service_info *services;
	uint32_t conn_max;
};

int xlvs_snapshot_take(struct xlvs_table *t, struct xlvs_snapshot *snap);
void xlvs_snapshot_free(struct xlvs_snapshot *snap);

/* ---- timeouts (timeouts.c): ipvsadm --set, 0 keeps a value ---- */
/* What a new table starts with: IPVS's timeouts; conn_max 0 = default. */
void xlvs_meta_defaults(struct xlvs_meta *m, uint32_t conn_max);
int xlvs_timeouts_set(struct xlvs_table *t, uint32_t tcp, uint32_t tcpfin,
		      uint32_t udp);
void xlvs_timeouts_get(const struct xlvs_table *t, uint32_t *tcp,
		       uint32_t *tcpfin, uint32_t *udp);

/* ---- IPVS's connection sysctls (sysctl.c): struct xlvs_sysctl ---- */
/* The i-th sysctl's name (sorted), NULL past the last. */
const char *xlvs_sysctl_name(unsigned int i);
/* name as the kernel's (net.ipv4.vs. prefix optional).  -ENOENT for an
 * unknown name, -ERANGE for a value above *max. */
int xlvs_sysctl_check(const char *name, uint32_t value, uint32_t *max);
/* The name without its prefix, or NULL if there is no such sysctl. */
const char *xlvs_sysctl_canon(const char *name);
/* Its value in meta m (read it with xlvs_table_open, or the defaults). */
int xlvs_sysctl_value(const struct xlvs_meta *m, const char *name, uint32_t *value);
/* Sets it in the table (opened for writing). */
int xlvs_sysctl_set(struct xlvs_table *t, const char *name, uint32_t value);

/* ---- lblc and lblcr (lblc.c) ---- */
/* The collector's full check now: every lblc/lblcr entry unused for its
 * expiration sysctl goes (the kernel timer does this every 30 minutes). */
int xlvs_lblc_expire_now(struct xlvs_table *t);
/* The pinned lblc map (struct xlvs_lblc_key -> struct xlvs_lblc): a new
 * fd, or -errno. */
int xlvs_lblc_fd(const struct xlvs_table *t);

/* ---- connection entries (conn_list.c), as ipvsadm -L -c ---- */
struct xlvs_conn_info {
	uint8_t proto;
	const char *state;         /* IPVS's name: "ESTABLISHED", "UDP", and
				    * for templates "NONE" or "ASSURED" */
	uint32_t expires_in;       /* seconds */
	struct xlvs_endpoint client, vip, dest;
};
typedef int (*xlvs_conn_fn)(const struct xlvs_conn_info *ci, void *arg);
/* Calls fn for every live connection and template; fn returning non-zero
 * stops. */
int xlvs_conns_list(struct xlvs_table *t, xlvs_conn_fn fn, void *arg);
/* IPVS's name of a connection state: "ESTABLISHED", "UDP", ... */
const char *xlvs_state_name(uint8_t state);

/* How long the sweeper's last full pass over the table took, in ms (0 if
 * not known): what xlvs_tpl_controls() needs. */
uint32_t xlvs_sweep_pass_ms(const struct xlvs_table *t);

/* One shard of the connection table (xlvs_conn_shard() says which holds a
 * key); a new fd the caller closes, or -errno. */
int xlvs_conn_shard_fd(const struct xlvs_table *t, uint32_t shard);
/* The same shard of NAT's reply sides (keyed by a reply's tuple). */
int xlvs_nat_reply_shard_fd(const struct xlvs_table *t, uint32_t shard);

/* ---- connection synchronisation (sync.c, sync_state.c) ---- */
struct xlvs_sync_ctl;
struct xlvs_sync_install;
/* The sync control word (include/xlvs/sync.h), read and written whole:
 * -ENOENT for a table made before connection sync (xlvsadm --upgrade
 * adds its maps). */
int xlvs_sync_ctl_read(const struct xlvs_table *t, struct xlvs_sync_ctl *sc);
int xlvs_sync_ctl_write(const struct xlvs_table *t, const struct xlvs_sync_ctl *sc);
/* The master's ring of events, and the backup's install program: new fds. */
int xlvs_sync_ring_fd(const struct xlvs_table *t);
int xlvs_sync_install_fd(const struct xlvs_table *t);
/* Runs the install program (prog_fd from xlvs_sync_install_fd) on one
 * connection: enum xlvs_sync_install_rc, or -errno. */
int xlvs_sync_install(int prog_fd, const struct xlvs_sync_install *a);
/* One entry of the connection table, by key: 0, -ENOENT. */
int xlvs_conn_get(const struct xlvs_table *t, const struct xlvs_conn_key *k,
		  struct xlvs_conn *c);
/* The service the data plane takes a packet to k to (the exact port, the
 * FTP and port-zero fallbacks): 0 with k->port the found service's and
 * *s its record, or -ENOENT. */
int xlvs_svc_find(struct xlvs_table *t, struct xlvs_svc_key *k, struct xlvs_svc *s);
/* Every real-server record (XLVS_DEST_MAX of them, gen 0 where free), for
 * the caller to free; NULL with errno. */
struct xlvs_dest *xlvs_dests_read(const struct xlvs_table *t);

/* A sync daemon of this network namespace as ipvsadm --start-daemon
 * gives it and -L --daemon lists it (ipvs_daemon_t). */
enum xlvs_sync_role { XLVS_SYNC_MASTER = 1, XLVS_SYNC_BACKUP = 2 };
struct xlvs_sync_daemon {
	int role;                   /* enum xlvs_sync_role */
	char ifname[16];            /* --mcast-interface */
	uint8_t syncid;
	uint32_t maxlen;            /* --sync-maxlen (as clamped) */
	uint8_t group_af;           /* 4 or 6 */
	uint8_t group[16];          /* --mcast-group */
	uint16_t port;              /* --mcast-port */
	uint8_t ttl;                /* --mcast-ttl */
	int pid;
};
/* Where the daemon of role records itself (a file per namespace and role
 * under /run/xlvs/syncd/). */
int xlvs_sync_daemon_path(int role, char *buf, size_t len);
/* 1 with *d when a daemon of role runs here, 0 when none, or -errno. */
int xlvs_sync_daemon_get(int role, struct xlvs_sync_daemon *d);
/* The daemon's record, written whole (renamed into place); removed. */
int xlvs_sync_daemon_put(const struct xlvs_sync_daemon *d);
int xlvs_sync_daemon_clear(int role);

/* ---- counters and rates (stats.c) ---- */
/* ipvsadm -Z: zero the counters and rates of one service and its real
 * servers, or (vip NULL) of every one. */
int xlvs_stats_zero(struct xlvs_table *t, uint8_t proto,
		    const struct xlvs_endpoint *vip);

/* ---- how full the table is (usage.c) ---- */
struct xlvs_usage {
	uint32_t conn_max;       /* the connection table's capacity */
	uint64_t conns;          /* connections, as the data plane counts them
				  * on their real servers (ActiveConn +
				  * InActConn of every server, those in the
				  * trash too): what is in the table give or
				  * take the sweeper's next recount */
	uint64_t templates;      /* persistence templates, counted alike */
	uint32_t services;       /* of XLVS_SVC_MAX */
	uint32_t dests;          /* real-server records in use, of
				  * XLVS_DEST_MAX: listed and in the trash */
	uint32_t dests_trash;    /* ... of them deleted, kept for their
				  * connections (IPVS's trash) */
};
int xlvs_usage_read(struct xlvs_table *t, struct xlvs_usage *u);

/* Data-plane counters summed over CPUs (enum xlvs_counter). */
int xlvs_counters_read(struct xlvs_table *t, uint64_t out[XLVS_CNT_MAX]);
const char *xlvs_counter_name(unsigned int counter);

#endif
