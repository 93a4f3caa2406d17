/* SPDX-License-Identifier: GPL-2.0 */
/* libxlvs internals shared between its modules; not installed. */
#ifndef XLVS_LIB_INTERNAL_H
#define XLVS_LIB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <xlvs/libxlvs.h>

void xlvs_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* nsroot.c: the host mount namespace, where the tables are pinned. */
struct nsroot_guard {
	int orig_mnt_fd;        /* -1 when no switch was needed */
	int cwd_fd;
};
int nsroot_enter(struct nsroot_guard *g);
void nsroot_leave(struct nsroot_guard *g);
/* The directory holding every namespace's table, e.g. /sys/fs/bpf/xlvs. */
int nsroot_tables_dir(char *buf, size_t len);
/* This network namespace's directory name. */
int nsroot_netns_name(char *buf, size_t len);

/* table_gc.c: remove the tables of namespaces that are gone. */
void tables_gc(const char *root);
/* The same for any directory of per-namespace entries named
 * netns-<inode>-<cookie>...: remove(path) for each whose namespace is gone
 * (xlvs-realserver's state files). */
void netns_gc(const char *root, void (*remove)(const char *path));

/* table.c: a pinned object of an open table, got from the host's mount
 * namespace; a new fd or -errno. */
int table_obj_get(const struct xlvs_table *t, const char *name);
/* The pins table_obj_get kept open, closed (an upgrade re-pins). */
void table_obj_forget(struct xlvs_table *t);
int dev_mac_read(const char *ifname, uint8_t mac[6]);
/* t->meta afresh from the table (an editor re-reads it under the writers'
 * lock: another tool may have changed it), and back after a change. */
int meta_reread(struct xlvs_table *t);
int meta_write(struct xlvs_table *t);

/* loader.c */
int loader_create(const char *path, uint32_t conn_max);
int loader_make(const char *path, uint32_t conn_max, bool arm);
/* The timers of a table made with arm false, armed by a copy of its
 * programs (which their callbacks then are). */
int loader_arm_later(const struct xlvs_table *t);
int loader_remove(const char *path);
struct xlvs_bpf;
/* Arms the table's timers from skel's program (or, armed already, makes
 * skel's callbacks theirs). */
int loader_arm_timers(struct xlvs_bpf *skel);
int loader_component_open(const struct xlvs_table *t, struct xlvs_bpf **out,
			  bool all);

/* xdp_attach.c: this build's program new_fd in place of the table's on
 * every interface of this namespace that runs it (atomically where it
 * runs alone; added, then the old removed, in libxdp's dispatcher); with
 * the host's mount namespace entered.  How many interfaces, or -errno. */
int xdp_replace_all(const struct xlvs_table *t, int new_fd);
/* The same for a migration: the table at path (meta_fd its meta) gives
 * way on its interfaces to table to's pinned program (or component). */
int xdp_move_all(const char *path, int meta_fd, const struct xlvs_table *to);

/* Names of the pinned objects inside a table directory. */
#define PIN_META    "meta"
#define PIN_SVC     "svc"
#define PIN_DEST    "dest"
#define PIN_SCHED   "sched"
#define PIN_CONN    "conn"
#define PIN_STATS   "stats"
#define PIN_TIMERS  "timers"
#define PIN_SVC_STATS  "svc_stats"
#define PIN_DEST_STATS "dest_stats"
#define PIN_SVC_FOLD "svc_fold"
#define PIN_FOLD_LOG "fold_log"
#define PIN_RATES   "rates"
#define PIN_DEST_CONNS "dest_conns"
#define PIN_PROG    "prog_xdp"
#define PIN_PROG_SET_THRESHOLDS "prog_set_thresholds"
#define PIN_PROG_SCHED_RESUME "prog_sched_resume"
#define PIN_LBLC    "lblc"
#define PIN_NAT_REPLY "nat_reply"
#define PIN_DEV_MAC "dev_mac"
#define PIN_PROG_LBLC_COLLECT "prog_lblc_collect"
#define PIN_SYNC_CTL "sync_ctl"   /* connection sync (include/xlvs/sync.h) */
#define PIN_SYNC_RING "sync_ring"
#define PIN_PROG_SYNC_INSTALL "prog_sync_install"
#define PIN_SVC_ACC "svc_acc"   /* the rate estimator's sums: an upgrade re-arms its timer over them */

/* lblc.c: forget service id's lblc/lblcr entries (the kernel's flush when
 * a service ends or its scheduler changes). */
int lblc_flush(const struct xlvs_table *t, uint32_t svc_id);

/* dest_cache.c: every real-server record, read now (the caller frees it);
 * or as this handle knows them (a writer reads once; the pointer lives
 * until the next call for a reader, until close for a writer); one
 * record; and a write that keeps the copy true (every write of a record
 * goes through it).  NULL (no memory) or 0 / -errno. */
struct xlvs_dest *dest_read_all(const struct xlvs_table *t);
const struct xlvs_dest *dest_all(struct xlvs_table *t);
int dest_get(struct xlvs_table *t, uint32_t id, struct xlvs_dest *d);
int dest_write(struct xlvs_table *t, uint32_t id, const struct xlvs_dest *d);
void dest_reread(struct xlvs_table *t, uint32_t id);
/* A server leaves its service for the trash (struct xlvs_dest): its record
 * and gen stay for the connections that still use it. */
void dest_trash(struct xlvs_table *t, uint32_t id);

/* conn_walk.c: every live connection, with the seconds it has left; fn
 * returning non-zero stops the walk with that value. */
typedef int (*conn_walk_fn)(const struct xlvs_conn_key *k,
			    const struct xlvs_conn *c, uint32_t expires_in,
			    void *arg);
int conn_walk(const struct xlvs_table *t, conn_walk_fn fn, void *arg);

/* stats.c; stats_add: to += from, field by field. */
void stats_add(struct xlvs_stats *to, const struct xlvs_stats *from);
int stats_read(int fd, uint32_t id, struct xlvs_stats *sum);
int rates_read(const struct xlvs_table *t, uint32_t slot, struct xlvs_rates *out);
int stats_reset(const struct xlvs_table *t, int fd, uint32_t id,
		uint32_t rate_slot);

/* stats_fold.c: a service's derived counters (bpf/stats.h). */
int fold_open(const struct xlvs_table *t);
void fold_mark(int fd, uint32_t svc_id, bool begin);
int base0_read(const struct xlvs_table *t, uint32_t svc_id, struct xlvs_stats *out);
int base0_set(const struct xlvs_table *t, uint32_t svc_id, const struct xlvs_stats *v);
int stats_svc_read(const struct xlvs_table *t, int fold_fd,
		   const struct xlvs_svc_key *k, uint32_t svc_id,
		   struct xlvs_stats *sum);

/* fold_log.c: a move of counts, journalled (struct xlvs_fold_log). */
struct fold_move {
	int seq_fd, log_fd;
	struct xlvs_fold_log log;
};
int fold_begin(struct xlvs_table *t, struct fold_move *mv, uint32_t op,
	       const struct xlvs_svc_key *k, uint32_t svc_id, uint32_t dest_id);
void fold_end(struct fold_move *mv);
int fold_del_finish(struct xlvs_table *t, const struct xlvs_fold_log *l);
int fold_revive_finish(struct xlvs_table *t, const struct xlvs_fold_log *l);
int fold_revive_undo(struct xlvs_table *t, const struct xlvs_fold_log *l);
int fold_repair(struct xlvs_table *t);
/* A batched -d (lib/dest.c): begin (journal PENDING, sequence odd), then
 * finish with the ids of the servers flagged, listed out and trashed: one
 * wait, each folded, the sequence even. */
int fold_batch_begin(struct xlvs_table *t, struct fold_move *mv,
		     const struct xlvs_svc_key *k, uint32_t svc_id);
int fold_batch_finish(struct xlvs_table *t, struct fold_move *mv,
		      const uint32_t *ids, size_t n);
void fold_step(void);       /* the test hook, xlvs_set_fold_hook */
/* stats.c: service s's base and listed servers' counters zeroed. */
int stats_zero_counts(struct xlvs_table *t, const struct xlvs_svc *s);

/* conf_check.c: the prefix length persistence keys by (c checked), or
 * -EINVAL. */
int svc_tpl_plen(const struct xlvs_service_conf *c);

/* neigh.c: managed neighbour entries so real servers' MACs are resolved
 * (ARP for IPv4, NDP for IPv6); addresses of family af (4 or 6), 4 or 16
 * bytes. */
int neigh_keep_resolved(uint8_t af, const uint8_t *addr);
/* The same for a neighbour on interface oif (a link-local gateway names
 * no interface by itself). */
int neigh_keep_on(uint8_t af, const uint8_t *addr, uint32_t oif);
/* neigh_gw.c: ... and for the gateways of the main table's routes out of
 * interface ifindex; 0 or -errno. */
int neigh_keep_gateways(uint32_t ifindex);
/* 1 if addr is the gateway of a main-table route out of ifindex, 0 if
 * not, or -errno. */
int neigh_is_gateway(uint8_t af, const uint8_t *addr, uint32_t ifindex);
int neigh_forget(uint8_t af, const uint8_t *addr);
/* 1 if addr is one of this host's (a route of type RTN_LOCAL), 0 if not,
 * or -errno. */
int addr_is_local(uint8_t af, const uint8_t *addr);
/* The interface addr is routed out of (0: one of our own), or -errno. */
int route_oif(uint8_t af, const uint8_t *addr, uint32_t *oif);

/* nl.c: one netlink request on bus, its answers read through cb (the
 * request asks for an ack, NLM_F_ACK, which ends the exchange). */
struct nlmsghdr;
int nl_talk(int bus, struct nlmsghdr *nlh,
	    int (*cb)(const struct nlmsghdr *nlh, void *data), void *data);
/* An address on interface ifindex, as `ip addr add|del` (scope global).
 * bcast (IPv4), label ("eth0:1") and flags (IFA_F_NODAD) only on add,
 * each left out when NULL or 0. */
struct nl_addr {
	uint8_t family;         /* AF_INET or AF_INET6 */
	uint8_t prefix;
	uint32_t ifindex;
	const void *addr;       /* 4 or 16 bytes */
	const void *bcast;
	const char *label;
	uint32_t flags;
};
/* 0, -EEXIST when it is there already, or -errno. */
int nl_addr_add(const struct nl_addr *a);
/* 0, -EADDRNOTAVAIL when it is not there, or -errno. */
int nl_addr_del(const struct nl_addr *a);

/* sched_build.c: IPVS rr/wrr state and its precomputed schedule. */
struct sched_state {
	uint32_t last_dest;     /* dest id of the last pick, UINT32_MAX = head */
	int32_t cw;             /* wrr current weight */
};
#define SCHED_HEAD UINT32_MAX

int sched_kind_of(const char *name);
/* Rebuild s (its dests[] and ndests already set) for weights[] given in the
 * same order, resuming from IPVS state st.  0 or -E2BIG. */
int sched_build(struct xlvs_sched *s, int kind, const int32_t *weights,
		struct sched_state st);
/* Where rr/wrr schedule s (built for weights[]) starts: IPVS's state st;
 * sets start, init_last and init_cw. */
void sched_resume(struct xlvs_sched *s, int kind, const int32_t *weights,
		  struct sched_state st);
/* The IPVS state after the schedule's picks so far. */
struct sched_state sched_state_now(const struct xlvs_sched *s, int kind,
				   const int32_t *weights);
/* The dest index (into dests[]) at position pos; -1 if none. */
int sched_pos_index(const struct xlvs_sched *s, uint32_t pos);
/* IPVS's reaction to a change of the destination list. */
struct sched_state sched_after_change(int kind, struct sched_state st,
				      const int32_t *weights, uint32_t n);
int32_t sched_wrr_gcd(const int32_t *weights, uint32_t n);
int32_t sched_wrr_max(const int32_t *weights, uint32_t n);

/* sched_maglev.c: mh's lookup table into s->list (s->nbands = the slots
 * filled, all or none) from d[i], the record of s->dests[i].  0 or -ENOMEM. */
int sched_maglev_fill(struct xlvs_sched *s, const struct xlvs_dest *d);

/* sched_carry.c: the picks traffic makes on the live rr/wrr schedule while
 * an edit builds the next one are carried over to it after the flip. */
struct sched_mark {
	uint64_t picks;
	uint32_t start;
	int32_t init_last, init_cw;
};

struct sched_carry {
	uint32_t old_key, new_key;  /* the schedules before and after the flip */
	int kind;
	struct sched_mark mark;     /* the old one's position when it was read */
	uint32_t del_id, del_prev;  /* a delete's server and the one before it
				     * (SCHED_HEAD, SCHED_HEAD: none) */
};

struct sched_mark sched_mark_of(const struct xlvs_sched *s);
/* The edit's own move of IPVS's state, before its dest_changed:
 * ip_vs_rr_del_dest moves a pointer at the deleted server back one. */
struct sched_state sched_edit_state(const struct sched_carry *c,
				    struct sched_state st);
/* After the flip to next (built for weights[]): if the old schedule has
 * moved since it was read, restart next from where IPVS would be now. */
int sched_carry(struct xlvs_table *t, const struct sched_carry *c,
		struct xlvs_sched *next, const int32_t *weights);
/* Tests: runs inside each rr/wrr edit between the build and the flip. */
extern void (*sched_edit_hook)(void *arg);
extern void *sched_edit_hook_arg;

/* dest.c: sched_build, and for mh the lookup table from the real servers'
 * records in the table: how every edit rebuilds a schedule. */
int dest_sched_build(struct xlvs_table *t, struct xlvs_sched *s, int kind,
		     const int32_t *weights, struct sched_state st);

#endif
