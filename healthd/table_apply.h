/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table edits ldirectord makes with ipvsadm, through libxlvs.  The
 * table is opened for writing (its writers' lock, shared with xlvsadm)
 * only around a batch of edits: hd_tbl_begin() before, hd_tbl_end() after,
 * and never across a wait on the network.  Every edit looks at the table as
 * it is now (another writer may have changed it), as ldirectord re-reads
 * ipvsadm -L before each one.  The low-level calls go through ops, so a
 * test can run the same logic over a fake table.
 */
#ifndef XLVS_HEALTHD_TABLE_APPLY_H
#define XLVS_HEALTHD_TABLE_APPLY_H

#include <stdbool.h>
#include <xlvs/libxlvs.h>

#include "hd_model.h"

struct hd_table_ops {
	int (*open)(void *ctx);         /* take the writers' lock */
	void (*close)(void *ctx);
	int (*snapshot)(void *ctx, struct xlvs_snapshot *s);
	void (*snapshot_free)(void *ctx, struct xlvs_snapshot *s);
	int (*service_add)(void *ctx, const struct xlvs_service_conf *c);
	int (*service_edit)(void *ctx, const struct xlvs_service_conf *c);
	int (*service_del)(void *ctx, uint8_t proto,
			   const struct xlvs_endpoint *vip);
	int (*dest_add)(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			const struct xlvs_dest_conf *d);
	int (*dest_edit)(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			 const struct xlvs_dest_conf *d);
	int (*dest_del)(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			const struct xlvs_endpoint *rip);
	/* Several of one service at once (libxlvs waits for the data plane
	 * once for all): 0 with rcs[i] each one's, or -errno for all. */
	int (*dest_del_many)(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			     const struct xlvs_endpoint *rips, size_t n, int *rcs);
	/* Several adds to one service in one edit of its list. */
	int (*dest_add_many)(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			     const struct xlvs_dest_conf *ds, size_t n, int *rcs);
};

/* An entry this batch added, beside the batch's copy of the table. */
struct hd_tbl_added {
	uint8_t proto;
	struct xlvs_endpoint vip;
	struct xlvs_dest_conf d;        /* addr.af 0: deleted again */
};

/* A restore, remove or log line waiting for the next flush (deferred
 * mode). */
enum hd_tbl_op_kind { HD_TBL_REMOVE, HD_TBL_RESTORE, HD_TBL_LOG, HD_TBL_RUN };

struct hd_tbl_op {
	enum hd_tbl_op_kind kind;
	char *msg;                      /* LOG, RUN: malloc'd */
	void (*run)(void *arg, const char *msg);    /* RUN: run(arg, msg) */
	void *run_arg;
	const struct hd_vs *v;
	struct xlvs_dest_conf d;
	const char *tag;
	bool quiescent, readd;
	bool done;                      /* REMOVE, RESTORE: applied by a batch
					 * already; msg (may be NULL) its log
					 * line */
};

struct hd_table {
	const struct hd_table_ops *ops;
	void *ctx;
	int depth;                      /* nested begin/end */
	bool snap_ok;                   /* snap is the table as it is now */
	struct xlvs_snapshot snap;
	struct hd_tbl_added *added;     /* kept with snap, gone with it */
	size_t nadded, added_cap;
	bool defer;                     /* restores and removes queue up */
	struct hd_tbl_op *q;
	size_t nq, qcap;
	void (*kick)(void *arg);        /* called when the queue starts */
	void *kick_arg;
	int last_err;                   /* the last failed call's -errno */
};

/* Over libxlvs: the table of this network namespace, created if there is
 * none (xlvs_table_open(XLVS_OPEN_WRITE | XLVS_OPEN_CREATE)). */
void hd_table_init_xlvs(struct hd_table *t);
void hd_table_init(struct hd_table *t, const struct hd_table_ops *ops, void *ctx);

int hd_tbl_begin(struct hd_table *t);
void hd_tbl_end(struct hd_table *t);

/* Deferred mode (the daemon's, once started): hd_tbl_restore and
 * hd_tbl_remove only queue their edit, and kick(arg) asks for a flush;
 * hd_tbl_flush applies the queue in order in one batch (one open, one read
 * of the table however many servers changed), logging as it goes.  Off:
 * queued edits are flushed first. */
void hd_tbl_defer(struct hd_table *t, bool on, void (*kick)(void *arg), void *arg);
void hd_tbl_flush(struct hd_table *t);
/* A log line in order with the edits around it: queued in deferred mode,
 * else logged now. */
void hd_tbl_log(struct hd_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* run(arg, cmd) in order with the edits (fallbackcommand after the
 * fallback's edit, as ldirectord runs it): queued, or called now. */
void hd_tbl_run(struct hd_table *t, void (*run)(void *arg, const char *cmd),
		void *arg, const char *cmd);
/* Deferred mode's flush, at queue entry i (a REMOVE that deletes): it and
 * the later deletions of the same virtual's servers that no other edit of
 * that virtual comes between are applied in one dest_del_many (a thousand
 * servers failing at once leave the table in one wait of the data plane,
 * not a thousand); each is marked done with its log line, which the flush
 * writes when it reaches it, so the log keeps its order.  Fewer than two:
 * nothing is done here. */
void hd_tbl_remove_batch(struct hd_table *t, size_t i);
/* The same for a RESTORE that adds: it and the later adds of the same
 * virtual's servers up to another edit of that virtual, in one
 * dest_add_many (one schedule built for all: five thousand servers
 * coming up at start-up). */
void hd_tbl_restore_batch(struct hd_table *t, size_t i);
/* Deferred mode's queue helper (table_defer.c): true if op was queued. */
bool hd_tbl_queue(struct hd_table *t, const struct hd_tbl_op *op);

/* The entry of rip in v's service now: 0 with *out, -ENOENT (no such
 * real server) or -ESRCH (no such service). */
int hd_tbl_dest_get(struct hd_table *t, const struct hd_vs *v,
		    const struct xlvs_endpoint *rip, struct xlvs_dest_conf *out);

/* ldirectord's _restore_service: rip at weight (and thresholds, fwd)
 * edited if it differs ("Restored <tag> server: ... (Weight set to W)"),
 * added if absent ("Added ..."); tag is "real" or "fallback". */
void hd_tbl_restore(struct hd_table *t, const struct hd_vs *v,
		    const struct xlvs_dest_conf *d, const char *tag);
/* ldirectord's _remove_service: weight 0 when quiescent ("Quiescent ...
 * (Weight set to 0)"; readd: re-added at weight 0 if absent), else
 * deleted ("Deleted ..."). */
void hd_tbl_remove(struct hd_table *t, const struct hd_vs *v,
		   const struct xlvs_dest_conf *d, const char *tag,
		   bool quiescent, bool readd);
/* purge_untracked_service: "Purged real server (<why>): rip (vip)". */
void hd_tbl_purge_dest(struct hd_table *t, const struct hd_vs *v,
		       const struct xlvs_endpoint *rip, const char *why);
/* ld_start's first step: -E if v's service exists ("Changed virtual
 * server: vip"), else -A ("Added virtual server: vip"); if_changed: no -E
 * when the table's already has v's scheduler, flags and persistence. */
void hd_tbl_service_set(struct hd_table *t, const struct hd_vs *v, bool if_changed);
/* purge_virtual: -D ("Purged virtual server (<why>): vip"). */
void hd_tbl_service_purge(struct hd_table *t, const struct hd_vs *v,
			  const char *why);

/* ld_stop's purge of v's servers rips[0..n) one by one and then of v
 * (cleanstop), done as one deletion of the service, which takes its
 * servers with it as ipvsadm -D does: libxlvs's -d waits for the data
 * plane to let go of each server (an RCU grace period, about 10 ms), and a
 * stop of 5,000 servers took over a minute.  Logged line for line as
 * ldirectord's purges.  0 (also when the service was gone already), or
 * -errno with nothing changed or logged. */
int hd_tbl_purge_all(struct hd_table *t, const struct hd_vs *v,
		     const struct xlvs_endpoint *rips, size_t n, const char *why);

/* The address an entry for d has in v's service: ipvsadm gives a
 * direct-routing or tunnel server the service's port. */
struct xlvs_endpoint hd_tbl_entry_addr(const struct hd_vs *v,
				       const struct xlvs_dest_conf *d);


/* The addresses of v's entries now, a malloc'd array the caller frees
 * (*n = 0 and NULL when the service has none or is absent); -errno. */
int hd_tbl_dest_list(struct hd_table *t, const struct hd_vs *v,
		     struct xlvs_endpoint **out, size_t *n);

/* Same family, address and port. */
bool hd_ep_eq(const struct xlvs_endpoint *a, const struct xlvs_endpoint *b);

#endif
