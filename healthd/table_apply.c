// SPDX-License-Identifier: GPL-2.0
/*
 * ldirectord's ipvsadm edits (_restore_service, _remove_service,
 * purge_*, ld_start's -A/-E) over libxlvs; see table_apply.h.  Within one
 * batch the table is read once and the copy kept true to our own edits, so
 * a thousand servers failing at once cost one read, not a thousand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_log.h"
#include "table_apply.h"

void hd_table_init(struct hd_table *t, const struct hd_table_ops *ops, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->ctx = ctx;
}

int hd_tbl_begin(struct hd_table *t)
{
	if (t->defer)
		return 0;               /* the flush opens it */
	if (t->depth++ > 0)
		return 0;
	int rc = t->ops->open(t->ctx);

	if (rc < 0) {
		t->depth = 0;
		t->last_err = rc;
		hd_log("Cannot open the xlvs table for writing: %s", strerror(-rc));
	}
	return rc;
}

static void tbl_snap_drop(struct hd_table *t)
{
	if (t->snap_ok)
		t->ops->snapshot_free(t->ctx, &t->snap);
	t->snap_ok = false;
	free(t->added);
	t->added = NULL;
	t->nadded = t->added_cap = 0;
}

/* Our own add, kept in the batch's copy (a thousand servers added at
 * start-up cost one read of the table, not a thousand). */
static void tbl_added_push(struct hd_table *t, const struct hd_vs *v,
			   const struct xlvs_dest_conf *d)
{
	if (!t->snap_ok)
		return;
	if (t->nadded == t->added_cap) {
		size_t cap = t->added_cap ? 2 * t->added_cap : 64;
		struct hd_tbl_added *n = realloc(t->added, cap * sizeof(*n));

		if (!n) {
			tbl_snap_drop(t);
			return;
		}
		t->added = n;
		t->added_cap = cap;
	}
	t->added[t->nadded].proto = v->svc.proto;
	t->added[t->nadded].vip = v->svc.vip;
	t->added[t->nadded].d = *d;
	t->added[t->nadded++].d.fwd = xlvs_dest_fwd_of(d);
}

void hd_tbl_end(struct hd_table *t)
{
	if (t->defer || t->depth == 0 || --t->depth > 0)
		return;
	tbl_snap_drop(t);
	t->ops->close(t->ctx);
}

bool hd_ep_eq(const struct xlvs_endpoint *a, const struct xlvs_endpoint *b)
{
	size_t n = a->af == 6 ? 16 : 4;

	return a->af == b->af && a->port == b->port && !memcmp(a->addr, b->addr, n);
}

static struct xlvs_service_info *tbl_service(struct hd_table *t,
					     const struct hd_vs *v)
{
	if (!t->snap_ok) {
		int rc = t->ops->snapshot(t->ctx, &t->snap);

		if (rc < 0) {
			t->last_err = rc;
			return NULL;
		}
		t->snap_ok = true;
	}
	for (uint32_t i = 0; i < t->snap.nservices; i++) {
		struct xlvs_service_info *s = &t->snap.services[i];

		if (s->conf.proto == v->svc.proto && hd_ep_eq(&s->conf.vip, &v->svc.vip))
			return s;
	}
	return NULL;
}

static struct xlvs_dest_conf *tbl_dest(struct hd_table *t,
				       const struct hd_vs *v,
				       const struct xlvs_endpoint *rip)
{
	struct xlvs_service_info *s = tbl_service(t, v);

	if (!s)
		return NULL;
	for (uint32_t i = 0; i < s->ndests; i++)
		if (hd_ep_eq(&s->dests[i].conf.addr, rip))
			return &s->dests[i].conf;
	for (size_t i = 0; i < t->nadded; i++)
		if (t->added[i].proto == v->svc.proto &&
		    hd_ep_eq(&t->added[i].vip, &v->svc.vip) &&
		    hd_ep_eq(&t->added[i].d.addr, rip))
			return &t->added[i].d;
	return NULL;
}

int hd_tbl_dest_get(struct hd_table *t, const struct hd_vs *v,
		    const struct xlvs_endpoint *rip, struct xlvs_dest_conf *out)
{
	if (!tbl_service(t, v))
		return -ESRCH;
	struct xlvs_dest_conf *d = tbl_dest(t, v, rip);

	if (!d)
		return -ENOENT;
	*out = *d;
	return 0;
}

struct xlvs_endpoint hd_tbl_entry_addr(const struct hd_vs *v,
				       const struct xlvs_dest_conf *d)
{
	struct xlvs_endpoint a = d->addr;

	if (d->fwd != XLVS_FWD_MASQ && v->svc.vip.port)
		a.port = v->svc.vip.port;
	return a;
}

/* A refused edit: our copy may be wrong now, so it goes. */
static void tbl_failed(struct hd_table *t, int rc, const char *what,
		       const char *tag, const char *rs, const struct hd_vs *v)
{
	tbl_snap_drop(t);
	t->last_err = rc;
	hd_log("Failed to %s %s server: %s (%s): %s", what, tag, rs, v->vstr,
	       strerror(-rc));
}

void hd_tbl_restore(struct hd_table *t, const struct hd_vs *v,
		    const struct xlvs_dest_conf *d, const char *tag)
{
	char rs[64];
	struct xlvs_dest_conf want = *d;
	struct xlvs_dest_conf *cur;
	int rc;

	if (t->defer && hd_tbl_queue(t, &(struct hd_tbl_op){
			.kind = HD_TBL_RESTORE, .v = v, .d = *d, .tag = tag }))
		return;
	xlvs_endpoint_format(&d->addr, rs, sizeof(rs));
	want.addr = hd_tbl_entry_addr(v, d);
	if (hd_tbl_begin(t) < 0)
		return;
	cur = tbl_dest(t, v, &want.addr);
	if (cur) {
		if (cur->weight == want.weight &&
		    cur->u_threshold == want.u_threshold &&
		    cur->l_threshold == want.l_threshold &&
		    cur->fwd == xlvs_dest_fwd_of(&want))
			goto out;
		rc = t->ops->dest_edit(t->ctx, v->svc.proto, &v->svc.vip, &want);
		if (rc < 0) {
			tbl_failed(t, rc, "restore", tag, rs, v);
			goto out;
		}
		*cur = want;
		cur->fwd = xlvs_dest_fwd_of(&want);
		hd_log("Restored %s server: %s (%s) (Weight set to %d)", tag, rs,
		       v->vstr, want.weight);
	} else {
		rc = t->ops->dest_add(t->ctx, v->svc.proto, &v->svc.vip, &want);
		if (rc < 0) {
			tbl_failed(t, rc, "add", tag, rs, v);
			goto out;
		}
		tbl_added_push(t, v, &want);
		hd_log("Added %s server: %s (%s) (Weight set to %d)", tag, rs,
		       v->vstr, want.weight);
	}
out:
	hd_tbl_end(t);
}

/* The entry _remove_service acts on: rip:rport, else rip at the service's
 * port (where ipvsadm put a direct-routing server: "mapped from"). */
static struct xlvs_dest_conf *tbl_remove_find(struct hd_table *t,
					      const struct hd_vs *v,
					      const struct xlvs_dest_conf *d,
					      bool *mapped)
{
	struct xlvs_endpoint a = d->addr;
	struct xlvs_dest_conf *cur = tbl_dest(t, v, &a);

	*mapped = false;
	if (cur || a.port == v->svc.vip.port)
		return cur;
	a.port = v->svc.vip.port;
	cur = tbl_dest(t, v, &a);
	*mapped = cur != NULL;
	return cur;
}

static void tbl_remove_do(struct hd_table *t, const struct hd_vs *v,
			  const struct xlvs_dest_conf *d, const char *tag,
			  bool quiescent, bool readd)
{
	char rs[64], orig[64], args[256];
	bool mapped;
	struct xlvs_dest_conf *cur = tbl_remove_find(t, v, d, &mapped);
	struct xlvs_dest_conf z;
	int rc;

	if (!cur && !quiescent)
		return;
	if (quiescent && cur && cur->weight == 0 && cur->fwd == xlvs_dest_fwd_of(d))
		return;
	xlvs_endpoint_format(&d->addr, orig, sizeof(orig));
	if (mapped)
		xlvs_endpoint_format(&cur->addr, rs, sizeof(rs));
	else
		memcpy(rs, orig, sizeof(rs));
	snprintf(args, sizeof(args), "%s server: %s %s%s%s(%s)", tag, rs,
		 mapped ? "mapped from " : "", mapped ? orig : "",
		 mapped ? " " : "", v->vstr);
	if (quiescent && (cur || readd)) {
		z = cur ? *cur : *d;
		z.weight = 0;
		z.fwd = d->fwd;
		if (!cur)
			z.addr = hd_tbl_entry_addr(v, d);
		rc = cur ? t->ops->dest_edit(t->ctx, v->svc.proto, &v->svc.vip, &z)
			 : t->ops->dest_add(t->ctx, v->svc.proto, &v->svc.vip, &z);
		if (rc < 0) {
			tbl_failed(t, rc, "quiesce", tag, rs, v);
			return;
		}
		if (cur) {
			cur->weight = 0;
			cur->fwd = xlvs_dest_fwd_of(&z);
		} else {
			tbl_added_push(t, v, &z);
		}
		hd_log("%s %s (Weight set to 0)", cur ? "Quiescent" : "Readd Quiescent",
		       args);
	} else if (!quiescent) {
		rc = t->ops->dest_del(t->ctx, v->svc.proto, &v->svc.vip, &cur->addr);
		if (rc < 0) {
			tbl_failed(t, rc, "delete", tag, rs, v);
			return;
		}
		memset(&cur->addr, 0, sizeof(cur->addr));   /* gone from the copy */
		hd_log("Deleted %s", args);
	}
}

/* "real server: rip:port [mapped from ...](vip:port)", as tbl_remove_do
 * words it. */
static void tbl_remove_args(const struct hd_vs *v, const struct xlvs_dest_conf *d,
			    const struct xlvs_dest_conf *cur, bool mapped,
			    const char *tag, char *buf, size_t len)
{
	char rs[64], orig[64];

	xlvs_endpoint_format(&d->addr, orig, sizeof(orig));
	xlvs_endpoint_format(mapped ? &cur->addr : &d->addr, rs, sizeof(rs));
	snprintf(buf, len, "%s server: %s %s%s%s(%s)", tag, rs,
		 mapped ? "mapped from " : "", mapped ? orig : "",
		 mapped ? " " : "", v->vstr);
}

/* The batch's candidates from queue entry i: deletions of v's servers up
 * to another edit of v's, each entry in the table once; their entries in
 * the copy into cur[], their queue places into at[]. */
static size_t tbl_batch_collect(struct hd_table *t, size_t i, size_t *at,
				struct xlvs_dest_conf **cur, bool *mapped)
{
	const struct hd_vs *v = t->q[i].v;
	size_t n = 0;

	for (size_t j = i; j < t->nq; j++) {
		struct hd_tbl_op *op = &t->q[j];
		struct xlvs_dest_conf *c;
		bool m, dup = false;

		if (op->kind == HD_TBL_LOG || op->kind == HD_TBL_RUN || op->v != v)
			continue;
		if (op->kind != HD_TBL_REMOVE || op->quiescent)
			break;
		c = tbl_remove_find(t, v, &op->d, &m);
		for (size_t k = 0; c && k < n; k++)
			dup |= cur[k] == c;
		if (!c || dup)          /* nothing to delete: left to the */
			continue;       /* usual way, which finds nothing */
		at[n] = j;
		cur[n] = c;
		mapped[n++] = m;
	}
	return n;
}

void hd_tbl_remove_batch(struct hd_table *t, size_t i)
{
	const struct hd_vs *v = t->q[i].v;
	size_t n, nq = t->nq;
	size_t *at = calloc(nq, sizeof(*at));
	struct xlvs_dest_conf **cur = calloc(nq, sizeof(*cur));
	struct xlvs_endpoint *rips = calloc(nq, sizeof(*rips));
	bool *mapped = calloc(nq, sizeof(*mapped));
	int *rcs = calloc(nq, sizeof(*rcs)), rc;
	char args[256], line[400];

	if (!t->ops->dest_del_many || !at || !cur || !rips || !mapped || !rcs ||
	    !tbl_service(t, v))
		goto out;
	n = tbl_batch_collect(t, i, at, cur, mapped);
	if (n < 2)                      /* one: the usual way */
		goto out;
	for (size_t k = 0; k < n; k++)
		rips[k] = cur[k]->addr;
	rc = t->ops->dest_del_many(t->ctx, v->svc.proto, &v->svc.vip, rips, n, rcs);
	for (size_t k = 0; k < n; k++) {
		struct hd_tbl_op *op = &t->q[at[k]];
		int r = rc < 0 ? rc : rcs[k];

		tbl_remove_args(v, &op->d, cur[k], mapped[k], op->tag, args,
				sizeof(args));
		if (r < 0) {
			snprintf(line, sizeof(line), "Failed to delete %s: %s", args,
				 strerror(-r));
			t->last_err = r;
		} else {
			snprintf(line, sizeof(line), "Deleted %s", args);
		}
		op->done = true;
		op->msg = strdup(line);
	}
	/* The deleted ones are gone from the copy; a refused one leaves it
	 * unsure, and it goes. */
	for (size_t k = 0; k < n; k++)
		if (rc == 0 && rcs[k] == 0)
			memset(&cur[k]->addr, 0, sizeof(cur[k]->addr));
	for (size_t k = 0; k < n; k++)
		if (rc < 0 || rcs[k] < 0) {
			tbl_snap_drop(t);
			break;
		}
out:
	free(at);
	free(cur);
	free(rips);
	free(mapped);
	free(rcs);
}

/* A deletion that will find nothing to delete, before or after the
 * batch's adds (want[0..n)): the fallback's after every server that came
 * up once it is gone already. */
static bool tbl_remove_noop(struct hd_table *t, const struct hd_tbl_op *op,
			    const struct xlvs_dest_conf *want, size_t n)
{
	struct xlvs_endpoint a = hd_tbl_entry_addr(op->v, &op->d);
	bool mapped;

	if (op->quiescent || tbl_remove_find(t, op->v, &op->d, &mapped))
		return false;
	for (size_t k = 0; k < n; k++)
		if (hd_ep_eq(&want[k].addr, &a) || hd_ep_eq(&want[k].addr, &op->d.addr))
			return false;
	return true;
}

/* The adds of a batch from queue entry i: restores of v's servers that
 * are not in the table, up to another edit of v's, each once; the
 * entries to add into want[], their queue places into at[]. */
static size_t tbl_add_collect(struct hd_table *t, size_t i, size_t *at,
			      struct xlvs_dest_conf *want)
{
	const struct hd_vs *v = t->q[i].v;
	size_t n = 0;

	for (size_t j = i; j < t->nq; j++) {
		struct hd_tbl_op *op = &t->q[j];
		struct xlvs_dest_conf w = op->d;
		bool dup = false;

		if (op->kind == HD_TBL_LOG || op->kind == HD_TBL_RUN || op->v != v)
			continue;
		if (op->kind == HD_TBL_REMOVE && tbl_remove_noop(t, op, want, n))
			continue;       /* fallback_off after each server up */
		if (op->kind != HD_TBL_RESTORE)
			break;
		w.addr = hd_tbl_entry_addr(v, &op->d);
		if (tbl_dest(t, v, &w.addr))
			break;          /* an edit: the batch ends before it */
		for (size_t k = 0; k < n; k++)
			dup |= hd_ep_eq(&want[k].addr, &w.addr);
		if (dup)
			continue;       /* the usual way then finds it added */
		at[n] = j;
		want[n++] = w;
	}
	return n;
}

void hd_tbl_restore_batch(struct hd_table *t, size_t i)
{
	const struct hd_vs *v = t->q[i].v;
	size_t n, nq = t->nq;
	size_t *at = calloc(nq, sizeof(*at));
	struct xlvs_dest_conf *want = calloc(nq, sizeof(*want));
	int *rcs = calloc(nq, sizeof(*rcs)), rc;
	char rs[64], line[400];

	if (!t->ops->dest_add_many || !at || !want || !rcs || !tbl_service(t, v))
		goto out;
	n = tbl_add_collect(t, i, at, want);
	if (n < 2)                      /* one: the usual way */
		goto out;
	rc = t->ops->dest_add_many(t->ctx, v->svc.proto, &v->svc.vip, want, n, rcs);
	for (size_t k = 0; k < n; k++) {
		struct hd_tbl_op *op = &t->q[at[k]];
		int r = rc < 0 ? rc : rcs[k];

		xlvs_endpoint_format(&op->d.addr, rs, sizeof(rs));
		if (r < 0) {
			snprintf(line, sizeof(line), "Failed to add %s server: %s (%s): %s",
				 op->tag, rs, v->vstr, strerror(-r));
			t->last_err = r;
		} else {
			snprintf(line, sizeof(line), "Added %s server: %s (%s) (Weight set to %d)",
				 op->tag, rs, v->vstr, want[k].weight);
		}
		op->done = true;
		op->msg = strdup(line);
	}
	for (size_t k = 0; k < n; k++)
		if (rc == 0 && rcs[k] == 0)
			tbl_added_push(t, v, &want[k]);
	for (size_t k = 0; k < n; k++)
		if (rc < 0 || rcs[k] < 0) {
			tbl_snap_drop(t);
			break;
		}
out:
	free(at);
	free(want);
	free(rcs);
}

void hd_tbl_remove(struct hd_table *t, const struct hd_vs *v,
		   const struct xlvs_dest_conf *d, const char *tag,
		   bool quiescent, bool readd)
{
	if (t->defer && hd_tbl_queue(t, &(struct hd_tbl_op){
			.kind = HD_TBL_REMOVE, .v = v, .d = *d, .tag = tag, .quiescent = quiescent,
			.readd = readd }))
		return;
	if (hd_tbl_begin(t) < 0)
		return;
	if (tbl_service(t, v))
		tbl_remove_do(t, v, d, tag, quiescent, readd);
	hd_tbl_end(t);
}

void hd_tbl_purge_dest(struct hd_table *t, const struct hd_vs *v,
		       const struct xlvs_endpoint *rip, const char *why)
{
	char rs[64];
	struct xlvs_dest_conf *cur;
	int rc;

	xlvs_endpoint_format(rip, rs, sizeof(rs));
	if (hd_tbl_begin(t) < 0)
		return;
	rc = t->ops->dest_del(t->ctx, v->svc.proto, &v->svc.vip, rip);
	if (rc < 0 && rc != -ENOENT) {
		tbl_failed(t, rc, "purge", "real", rs, v);
	} else {
		cur = t->snap_ok ? tbl_dest(t, v, rip) : NULL;
		if (cur)
			memset(&cur->addr, 0, sizeof(cur->addr));
		hd_log("Purged real server (%s): %s (%s)", why, rs, v->vstr);
	}
	hd_tbl_end(t);
}

static bool tbl_service_same(const struct xlvs_service_conf *a,
			     const struct xlvs_service_conf *b)
{
	return !strcmp(a->sched, b->sched) && a->flags == b->flags &&
	       a->timeout == b->timeout && a->netmask == b->netmask;
}

void hd_tbl_service_set(struct hd_table *t, const struct hd_vs *v, bool if_changed)
{
	struct xlvs_service_info *s;
	bool exists;
	int rc;

	if (hd_tbl_begin(t) < 0)
		return;
	s = tbl_service(t, v);
	exists = s != NULL;
	if (exists && if_changed && tbl_service_same(&s->conf, &v->svc)) {
		hd_tbl_end(t);
		return;
	}
	rc = exists ? t->ops->service_edit(t->ctx, &v->svc)
		    : t->ops->service_add(t->ctx, &v->svc);
	tbl_snap_drop(t);
	if (rc < 0) {
		t->last_err = rc;
		hd_log("Failed to %s virtual server: %s: %s",
		       exists ? "change" : "add", v->vstr, strerror(-rc));
	} else {
		hd_log("%s virtual server: %s", exists ? "Changed" : "Added", v->vstr);
	}
	hd_tbl_end(t);
}

void hd_tbl_service_purge(struct hd_table *t, const struct hd_vs *v,
			  const char *why)
{
	int rc;

	if (hd_tbl_begin(t) < 0)
		return;
	rc = t->ops->service_del(t->ctx, v->svc.proto, &v->svc.vip);
	tbl_snap_drop(t);
	if (rc < 0 && rc != -ESRCH) {
		t->last_err = rc;
		hd_log("Failed to purge virtual server: %s: %s", v->vstr, strerror(-rc));
	} else {
		hd_log("Purged virtual server (%s): %s", why, v->vstr);
	}
	hd_tbl_end(t);
}

int hd_tbl_purge_all(struct hd_table *t, const struct hd_vs *v,
		     const struct xlvs_endpoint *rips, size_t n, const char *why)
{
	char rs[64];
	int rc;

	if (hd_tbl_begin(t) < 0)
		return t->last_err;
	rc = t->ops->service_del(t->ctx, v->svc.proto, &v->svc.vip);
	tbl_snap_drop(t);
	if (rc < 0 && rc != -ESRCH) {
		hd_tbl_end(t);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		xlvs_endpoint_format(&rips[i], rs, sizeof(rs));
		hd_log("Purged real server (%s): %s (%s)", why, rs, v->vstr);
	}
	hd_log("Purged virtual server (%s): %s", why, v->vstr);
	hd_tbl_end(t);
	return 0;
}

int hd_tbl_dest_list(struct hd_table *t, const struct hd_vs *v,
		     struct xlvs_endpoint **out, size_t *n)
{
	struct xlvs_service_info *s = tbl_service(t, v);

	*out = NULL;
	*n = 0;
	if (!s)
		return t->snap_ok ? 0 : t->last_err;
	if (!s->ndests && !t->nadded)
		return 0;
	*out = calloc(s->ndests + t->nadded, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->ndests; i++)
		if (s->dests[i].conf.addr.af)
			(*out)[(*n)++] = s->dests[i].conf.addr;
	for (size_t i = 0; i < t->nadded; i++)
		if (t->added[i].d.addr.af && t->added[i].proto == v->svc.proto &&
		    hd_ep_eq(&t->added[i].vip, &v->svc.vip))
			(*out)[(*n)++] = t->added[i].d.addr;
	return 0;
}
