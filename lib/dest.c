// SPDX-License-Identifier: GPL-2.0
/*
 * Real servers: ipvsadm's -a -e -d.  A real server is a record in the dest
 * array plus its place in the service's list; IPVS puts a new server at the
 * head of that list, and so does this.  A deleted server's record stays in
 * the "trash" (struct xlvs_dest explains) and comes back, connections and
 * all, when the same server is added to the same service again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "internal.h"

/* Everything an edit of one service's real servers works on. */
struct dest_edit {
	struct xlvs_svc_key key;
	struct xlvs_svc svc;
	struct xlvs_sched *sched;   /* a copy of the live schedule, edited */
	int32_t w[XLVS_SVC_DESTS_MAX];
	struct sched_state st;      /* IPVS's state before the change */
	struct sched_carry carry;   /* what the flip carries over */
};

static int edit_begin(struct xlvs_table *t, uint8_t proto,
		      const struct xlvs_endpoint *vip, struct dest_edit *e)
{
	struct xlvs_dest d;
	uint32_t key;

	memset(&e->key, 0, sizeof(e->key));
	memcpy(e->key.addr, vip->addr, sizeof(e->key.addr));
	e->key.port = htons(vip->port);
	e->key.proto = proto;
	e->key.af = vip->af;
	if (bpf_map_lookup_elem(t->svc_fd, &e->key, &e->svc))
		return errno == ENOENT ? -ESRCH : -errno;
	e->sched = calloc(1, sizeof(*e->sched));
	if (!e->sched)
		return -ENOMEM;
	key = e->svc.id * 2 + (e->svc.sched_slot & 1);
	if (bpf_map_lookup_elem(t->sched_fd, &key, e->sched))
		return -errno;
	for (uint32_t i = 0; i < e->sched->ndests; i++) {
		int rc = dest_get(t, e->sched->dests[i], &d);

		if (rc)
			return rc;
		e->w[i] = d.weight;
	}
	e->st = sched_state_now(e->sched, e->svc.sched_kind, e->w);
	e->carry = (struct sched_carry){
		.old_key = key, .new_key = key ^ 1, .kind = e->svc.sched_kind,
		.mark = sched_mark_of(e->sched),
		.del_id = SCHED_HEAD, .del_prev = SCHED_HEAD,
	};
	return 0;
}

int dest_sched_build(struct xlvs_table *t, struct xlvs_sched *s, int kind,
		     const int32_t *weights, struct sched_state st)
{
	struct xlvs_dest *d;
	int rc = sched_build(s, kind, weights, st);

	if (rc || kind != XLVS_SCHED_MH)
		return rc;
	d = calloc(s->ndests + 1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->ndests && !rc; i++)
		rc = dest_get(t, s->dests[i], &d[i]);
	if (!rc)
		rc = sched_maglev_fill(s, d);
	free(d);
	return rc;
}

/* Build the edited schedule into the idle slot and flip to it, then carry
 * over the picks the old one made meanwhile.  The real servers' records
 * are written first: mh builds from them. */
static int edit_commit(struct xlvs_table *t, struct dest_edit *e)
{
	int kind = e->svc.sched_kind;
	struct sched_state st;
	int rc;

	/* Several adds in one edit (xlvs_dest_add_many) leave the state as
	 * that many edits in a row would: wrr's is all that changes, and
	 * adding only raises its max weight and lowers its gcd, where cw,
	 * 1 modulo the old gcd, is 1 modulo the new one and never above the
	 * new max, so each step but the last keeps it. */
	st = sched_edit_state(&e->carry, e->st);
	st = sched_after_change(kind, st, e->w, e->sched->ndests);
	rc = dest_sched_build(t, e->sched, kind, e->w, st);
	if (rc)
		return rc;
	if (bpf_map_update_elem(t->sched_fd, &e->carry.new_key, e->sched, BPF_ANY))
		return -errno;
	if (sched_edit_hook && (kind == XLVS_SCHED_RR || kind == XLVS_SCHED_WRR))
		sched_edit_hook(sched_edit_hook_arg);
	e->svc.sched_slot = (e->svc.sched_slot & 1) ^ 1;
	if (bpf_map_update_elem(t->svc_fd, &e->key, &e->svc, BPF_EXIST))
		return -errno;
	if (kind != XLVS_SCHED_RR && kind != XLVS_SCHED_WRR)
		return 0;
	/* The edit is live now: a failure here only costs positions. */
	rc = sched_carry(t, &e->carry, e->sched, e->w);
	if (rc)
		xlvs_logf("warning: rr/wrr positions taken during the edit "
			  "may be taken again: %s", strerror(-rc));
	return 0;
}

static int find_dest(struct xlvs_table *t, const struct dest_edit *e,
		     const struct xlvs_endpoint *rip, uint16_t port)
{
	struct xlvs_dest d;

	for (uint32_t i = 0; i < e->sched->ndests; i++) {
		if (dest_get(t, e->sched->dests[i], &d))
			continue;
		/* ip_vs_lookup_dest: the family too (a mixed service's
		 * 10.0.0.1 is not its a00:1::). */
		if (d.af == rip->af && !memcmp(d.addr, rip->addr, sizeof(d.addr)) &&
		    d.port == htons(port))
			return i;
	}
	return -1;
}

/* Direct routing and tunnelling cannot change the port (ipvsadm forces it). */
static uint16_t dest_port(const struct dest_edit *e, const struct xlvs_dest_conf *c)
{
	if (c->fwd != XLVS_FWD_MASQ || !c->addr.port)
		return ntohs(e->key.port);
	return c->addr.port;
}

/* The list position of the server a -d names: by the virtual port, as
 * ipvsadm -d without a port means, else by the port given (a NAT server's
 * own); -1 when the service has no such server. */
static int find_deleted(struct xlvs_table *t, const struct dest_edit *e,
			const struct xlvs_endpoint *rip)
{
	struct xlvs_dest_conf c = { .addr = *rip, .fwd = XLVS_FWD_DROUTE };
	int i = find_dest(t, e, rip, dest_port(e, &c));

	if (i < 0 && rip->port)
		i = find_dest(t, e, rip, rip->port);
	return i;
}

/* Nothing counts on a trashed server any more: it may become another. */
static bool dest_unused(struct xlvs_table *t, uint32_t id)
{
	struct xlvs_dest_conns dc;

	if (bpf_map_lookup_elem(t->dest_conns_fd, &id, &dc))
		return false;
	return dc.active == 0 && dc.inactive == 0 && dc.persist == 0;
}

/* A free slot, else a trashed one nothing uses (IPVS frees those from its
 * trash once their last connection is gone). */
static int dest_id_alloc(struct xlvs_table *t, const struct xlvs_dest *all,
			 uint32_t *id)
{
	for (uint32_t i = 0; i < XLVS_DEST_MAX; i++) {
		if (!all[i].gen) {
			*id = i;
			return 0;
		}
	}
	for (uint32_t i = 0; i < XLVS_DEST_MAX; i++) {
		if (!(all[i].flags & XLVS_DEST_F_AVAILABLE) && dest_unused(t, i)) {
			*id = i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* ip_vs_trash_get_dest: the trashed record of this server of this service. */
static int dest_trash_find(const struct xlvs_dest *all, const struct xlvs_svc_key *svc,
			   const struct xlvs_endpoint *rip, uint16_t port)
{
	for (uint32_t i = 0; i < XLVS_DEST_MAX; i++) {
		const struct xlvs_dest *d = &all[i];

		if (d->gen && !(d->flags & XLVS_DEST_F_AVAILABLE) &&
		    !memcmp(&d->svc, svc, sizeof(*svc)) && d->af == rip->af &&
		    !memcmp(d->addr, rip->addr, sizeof(d->addr)) &&
		    d->port == htons(port))
			return (int)i;
	}
	return -1;
}

static uint32_t gen_next(struct xlvs_table *t)
{
	meta_reread(t);
	if (++t->meta.gen_seq == 0)
		t->meta.gen_seq = 1;
	meta_write(t);
	return t->meta.gen_seq;
}

/* __ip_vs_update_dest: last_weight follows the weight on add and on any
 * edit but one to weight 0.  The thresholds are not written here: a record
 * the data plane may be reading changes them with thresholds_set. */
static void dest_fill(struct xlvs_dest *d, const struct xlvs_dest_conf *c,
		      bool add)
{
	d->fwd = xlvs_dest_fwd_of(c);
	d->tun_type = c->tun_type;
	d->tun_flags = c->tun_flags;
	d->tun_port = htons(c->tun_port);
	d->weight = c->weight;
	if (add || c->weight)
		d->last_weight = c->weight;
}

static void edit_end(struct dest_edit *e)
{
	if (e)
		free(e->sched);
	free(e);
}

/* Allocates *out and reads the service's live schedule into it. */
static int edit_start(struct xlvs_table *t, uint8_t proto,
		      const struct xlvs_endpoint *vip, struct dest_edit **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	return edit_begin(t, proto, vip, *out);
}

/*
 * New thresholds for a record the data plane may be using: the
 * xlvs_set_thresholds program stores both at once and judges the overloaded
 * flag in the same step (bpf/conn.h), where two writes from here would let
 * a bind in between set the flag by the old limits.  The record itself is
 * written with the old thresholds' bytes, so that write changes neither.
 */
static int thresholds_set(struct xlvs_table *t, uint32_t id,
			  const struct xlvs_dest_conf *c)
{
	struct xlvs_thresholds_arg a = {
		.dest_id = id, .u_threshold = c->u_threshold,
		.l_threshold = c->l_threshold,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));
	int fd = table_obj_get(t, PIN_PROG_SET_THRESHOLDS), rc = 0;

	if (fd < 0)
		return fd;
	for (int i = 0; i < 8; i++) {
		if (bpf_prog_test_run_opts(fd, &opts)) {
			rc = -errno;
			break;
		}
		rc = opts.retval == 0 ? 0 : opts.retval == 2 ? -EAGAIN : -ENOENT;
		if (rc != -EAGAIN)
			break;
	}
	close(fd);
	dest_reread(t, id);
	return rc;
}

/* Whether an edit to c has work for thresholds_set: new thresholds, or
 * IPVS's rule clearing the flag of a server without an upper threshold
 * (__ip_vs_update_dest clears it at every edit with u_threshold 0). */
static bool thresholds_differ(struct xlvs_table *t, uint32_t id,
			      const struct xlvs_dest *d,
			      const struct xlvs_dest_conf *c)
{
	struct xlvs_dest_conns dc;

	if (d->u_threshold != c->u_threshold || d->l_threshold != c->l_threshold)
		return true;
	return !c->u_threshold &&
	       !bpf_map_lookup_elem(t->dest_conns_fd, &id, &dc) &&
	       (dc.flags & XLVS_DEST_F_OVERLOAD);
}

/* A new record in slot id, with fresh counts and counters. */
static int dest_new(struct xlvs_table *t, const struct dest_edit *e,
		    const struct xlvs_dest_conf *c, uint32_t id, struct xlvs_dest *d)
{
	struct xlvs_dest_conns fresh = { 0 };
	int rc;

	memset(d, 0, sizeof(*d));
	memcpy(d->addr, c->addr.addr, sizeof(d->addr));
	d->port = htons(dest_port(e, c));
	d->af = c->addr.af;
	d->svc = e->key;
	d->gen = gen_next(t);
	/* Not in any schedule yet, with fresh counts: written as it is. */
	d->u_threshold = c->u_threshold;
	d->l_threshold = c->l_threshold;
	rc = stats_reset(t, t->dest_stats_fd, id, XLVS_SVC_MAX + id);
	if (!rc && bpf_map_update_elem(t->dest_conns_fd, &id, &fresh, BPF_ANY))
		rc = -errno;
	return rc;
}

/* The slot and record for a server being added: its own from the trash,
 * keeping gen, counts and counters so its connections carry on (*revived),
 * or a new one.  *old is what the slot held, to put back if the add fails. */
static int dest_place(struct xlvs_table *t, const struct dest_edit *e,
		      const struct xlvs_dest_conf *c, uint32_t *id,
		      struct xlvs_dest *d, struct xlvs_dest *old, bool *revived)
{
	const struct xlvs_dest *all = dest_all(t);
	int i, rc = 0;

	if (!all)
		return -ENOMEM;
	i = dest_trash_find(all, &e->key, &c->addr, dest_port(e, c));
	*revived = i >= 0;
	if (i >= 0) {
		*id = (uint32_t)i;
		*d = all[i];
	} else {
		rc = dest_id_alloc(t, all, id);
		if (!rc)
			rc = dest_new(t, e, c, *id, d);
	}
	if (!rc)
		*old = all[*id];
	return rc;
}

/* A server's record back as it was before a failed add; a revival's
 * counters as well (lib/fold_log.c). */
static void dest_add_undo(struct xlvs_table *t, struct fold_move *mv,
			  uint32_t id, const struct xlvs_dest *old)
{
	if (mv->log.op != XLVS_FOLD_REVIVE)
		dest_write(t, id, old);
	else if (fold_revive_undo(t, &mv->log))
		xlvs_logf("warning: the service's counters may miss what the "
			  "server counted during the failed add");
}

int xlvs_dest_add(struct xlvs_table *t, uint8_t proto,
		  const struct xlvs_endpoint *vip, const struct xlvs_dest_conf *c)
{
	struct dest_edit *e = NULL;
	struct xlvs_dest d, old;
	struct fold_move mv = { .seq_fd = -1, .log_fd = -1 };
	bool revived = false, folded = false;
	uint32_t id, n;
	int rc;

	rc = xlvs_dest_conf_check(c, NULL);
	if (!rc)
		rc = xlvs_dest_af_check(vip->af, c, NULL);
	if (rc)
		return rc;
	rc = edit_start(t, proto, vip, &e);
	if (rc)
		goto out;
	n = e->sched->ndests;
	if (find_dest(t, e, &c->addr, dest_port(e, c)) >= 0) {
		rc = -EEXIST;
		goto out;
	}
	rc = n >= XLVS_SVC_DESTS_MAX ? -ENOSPC :
	     dest_place(t, e, c, &id, &d, &old, &revived);
	if (rc)
		goto out;
	/* A revival moves the server's counters out of its service's base
	 * (lib/stats_fold.c); one trashed by its service's deletion comes
	 * to a new service, and IPVS zeroes it then (__ip_vs_update_dest:
	 * old_svc != svc). */
	folded = revived && (d.flags & XLVS_DEST_F_FOLDED);
	if (revived && !folded)
		rc = stats_reset(t, t->dest_stats_fd, id, XLVS_SVC_MAX + id);
	if (!rc)
		rc = fold_begin(t, &mv, folded ? XLVS_FOLD_REVIVE : XLVS_FOLD_PLAIN,
				&e->key, e->svc.id, id);
	if (rc)
		goto out;
	d.svc_id = e->svc.id;
	d.flags = (d.flags | XLVS_DEST_F_AVAILABLE) &
		  ~(XLVS_DEST_F_FOLDED | XLVS_DEST_F_FOLD_PENDING);
	dest_fill(&d, c, true);
	rc = dest_write(t, id, &d);
	if (rc)
		goto out;
	fold_step();
	/* ip_vs_add_dest of a trashed server: __ip_vs_update_dest's rule for
	 * its thresholds, as for an edit. */
	if (revived && thresholds_differ(t, id, &d, c)) {
		rc = thresholds_set(t, id, c);
		if (rc) {
			dest_add_undo(t, &mv, id, &old);
			goto out;
		}
	}
	/* IPVS's list_add_rcu: the newest server goes first. */
	memmove(&e->sched->dests[1], &e->sched->dests[0], n * sizeof(uint32_t));
	memmove(&e->w[1], &e->w[0], n * sizeof(int32_t));
	e->sched->dests[0] = id;
	e->w[0] = c->weight;
	e->sched->ndests = n + 1;
	rc = edit_commit(t, e);
	if (rc) {
		dest_add_undo(t, &mv, id, &old);
		goto out;
	}
	fold_step();
	if (folded && fold_revive_finish(t, &mv.log))
		xlvs_logf("warning: the service's counters may count the revived "
			  "server's twice");
	/* A tunnel's outer packet, and NAT's rewritten one, go to the real
	 * server's address too. */
	if (d.fwd != XLVS_FWD_LOCAL &&
	    neigh_keep_resolved(c->addr.af, c->addr.addr)) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(c->addr.af == 6 ? AF_INET6 : AF_INET, c->addr.addr,
			  a, sizeof(a));
		xlvs_logf("warning: cannot resolve %s's link address yet", a);
	}
out:
	fold_end(&mv);
	edit_end(e);
	return rc;
}

/* One new server (none of its own in the trash) of an add_many into the
 * edit: placed, written, at the head of the list; old is what its slot
 * held.  Not committed. */
static int dest_batch_one(struct xlvs_table *t, struct dest_edit *e,
			  const struct xlvs_dest_conf *c, uint32_t *id,
			  struct xlvs_dest *old)
{
	const struct xlvs_dest *all = dest_all(t);
	uint32_t n = e->sched->ndests;
	struct xlvs_dest d;
	int rc;

	if (!all)
		return -ENOMEM;
	if (find_dest(t, e, &c->addr, dest_port(e, c)) >= 0)
		return -EEXIST;
	if (n >= XLVS_SVC_DESTS_MAX)
		return -ENOSPC;
	rc = dest_id_alloc(t, all, id);
	if (!rc) {
		*old = all[*id];
		rc = dest_new(t, e, c, *id, &d);
	}
	if (rc)
		return rc;
	d.svc_id = e->svc.id;
	d.flags = XLVS_DEST_F_AVAILABLE;
	dest_fill(&d, c, true);
	rc = dest_write(t, *id, &d);
	if (rc)
		return rc;
	memmove(&e->sched->dests[1], &e->sched->dests[0], n * sizeof(uint32_t));
	memmove(&e->w[1], &e->w[0], n * sizeof(int32_t));
	e->sched->dests[0] = *id;
	e->w[0] = c->weight;
	e->sched->ndests = n + 1;
	return 0;
}

/* New servers cs[i] (those of at[0..n)) in one edit of the service's
 * list: one schedule built and flipped for all. */
static int dest_add_batch(struct xlvs_table *t, uint8_t proto,
			  const struct xlvs_endpoint *vip,
			  const struct xlvs_dest_conf *cs, const size_t *at,
			  size_t n, int *rcs)
{
	struct fold_move mv = { .seq_fd = -1, .log_fd = -1 };
	struct xlvs_dest *old = calloc(n + 1, sizeof(*old));
	uint32_t *ids = calloc(n + 1, sizeof(*ids));
	struct dest_edit *e = NULL;
	size_t nok = 0;
	int rc;

	rc = !old || !ids ? -ENOMEM : edit_start(t, proto, vip, &e);
	if (!rc)
		rc = fold_begin(t, &mv, XLVS_FOLD_PLAIN, &e->key, e->svc.id, 0);
	for (size_t i = 0; !rc && i < n; i++) {
		rcs[at[i]] = dest_batch_one(t, e, &cs[at[i]], &ids[nok], &old[nok]);
		if (!rcs[at[i]])
			nok++;
	}
	if (!rc && nok) {
		fold_step();
		rc = edit_commit(t, e);
	}
	if (rc) {                       /* none of them went live */
		while (nok-- > 0)
			dest_write(t, ids[nok], &old[nok]);
		for (size_t i = 0; i < n; i++)
			rcs[at[i]] = rc;
	}
	for (size_t i = 0; !rc && i < nok; i++) {
		struct xlvs_dest d;

		if (dest_get(t, ids[i], &d) == 0 && d.fwd != XLVS_FWD_LOCAL)
			neigh_keep_resolved(d.af, d.addr);
	}
	fold_end(&mv);
	edit_end(e);
	free(old);
	free(ids);
	return rc;
}

int xlvs_dest_add_many(struct xlvs_table *t, uint8_t proto,
		       const struct xlvs_endpoint *vip,
		       const struct xlvs_dest_conf *cs, size_t n, int *rcs)
{
	struct xlvs_svc_key k = { .port = htons(vip->port), .proto = proto,
				  .af = vip->af };
	size_t *at = calloc(n + 1, sizeof(*at)), nb = 0;
	struct xlvs_svc s;
	int rc = 0;

	if (!at)
		return -ENOMEM;
	memcpy(k.addr, vip->addr, sizeof(k.addr));
	if (bpf_map_lookup_elem(t->svc_fd, &k, &s)) {
		free(at);
		return errno == ENOENT ? -ESRCH : -errno;
	}
	/* In order: new servers gather into one edit; a server of the
	 * trash (its counters journalled back, lib/fold_log.c) is added on
	 * its own, after the ones before it. */
	for (size_t i = 0; i < n; i++) {
		const struct xlvs_dest *all = dest_all(t);
		struct xlvs_dest_conf c = cs[i];
		uint16_t port = c.fwd != XLVS_FWD_MASQ || !c.addr.port ? vip->port
								       : c.addr.port;

		rcs[i] = xlvs_dest_conf_check(&c, NULL);
		if (!rcs[i])
			rcs[i] = xlvs_dest_af_check(vip->af, &c, NULL);
		if (rcs[i])
			continue;
		if (all && dest_trash_find(all, &k, &c.addr, port) < 0) {
			at[nb++] = i;
			continue;
		}
		if (nb)
			dest_add_batch(t, proto, vip, cs, at, nb, rcs);
		nb = 0;
		rcs[i] = xlvs_dest_add(t, proto, vip, &c);
	}
	if (nb)
		dest_add_batch(t, proto, vip, cs, at, nb, rcs);
	free(at);
	return rc;
}

int xlvs_dest_edit(struct xlvs_table *t, uint8_t proto,
		   const struct xlvs_endpoint *vip, const struct xlvs_dest_conf *c)
{
	struct dest_edit *e = NULL;
	struct xlvs_dest d;
	int rc, i;

	rc = xlvs_dest_conf_check(c, NULL);
	if (!rc)
		rc = xlvs_dest_af_check(vip->af, c, NULL);
	if (rc)
		return rc;
	rc = edit_start(t, proto, vip, &e);
	if (rc)
		goto out;
	i = find_dest(t, e, &c->addr, dest_port(e, c));
	if (i < 0) {
		rc = -ENOENT;
		goto out;
	}
	rc = dest_get(t, e->sched->dests[i], &d);
	if (rc)
		goto out;
	dest_fill(&d, c, false);
	e->w[i] = c->weight;
	/* The record first: until the flip, only listings see the new weight;
	 * then the thresholds, which __ip_vs_update_dest sets before its
	 * scheduler's upd_dest. */
	rc = dest_write(t, e->sched->dests[i], &d);
	if (!rc && thresholds_differ(t, e->sched->dests[i], &d, c))
		rc = thresholds_set(t, e->sched->dests[i], c);
	if (!rc)
		rc = edit_commit(t, e);
out:
	edit_end(e);
	return rc;
}

static bool addr_in_use(struct xlvs_table *t, uint8_t af, const uint8_t addr[16])
{
	const struct xlvs_dest *all = dest_all(t);
	bool used = !all;    /* when in doubt, keep the neighbour entry */

	for (uint32_t i = 0; all && !used && i < XLVS_DEST_MAX; i++)
		used = (all[i].flags & XLVS_DEST_F_AVAILABLE) && all[i].af == af &&
		       !memcmp(all[i].addr, addr, sizeof(all[i].addr));
	return used;
}

int xlvs_dest_del(struct xlvs_table *t, uint8_t proto,
		  const struct xlvs_endpoint *vip, const struct xlvs_endpoint *rip)
{
	struct dest_edit *e;
	struct fold_move mv = { .seq_fd = -1, .log_fd = -1 };
	uint32_t id, n;
	int rc, i;

	rc = edit_start(t, proto, vip, &e);
	if (rc)
		goto out;
	i = find_deleted(t, e, rip);
	if (i < 0) {
		rc = -ENOENT;
		goto out;
	}
	id = e->sched->dests[i];
	n = e->sched->ndests;
	/* ip_vs_rr_del_dest: a pointer at the deleted server moves back one
	 * (sched_edit_state, also for the picks the flip carries over). */
	e->carry.del_id = id;
	e->carry.del_prev = i > 0 ? e->sched->dests[i - 1] : SCHED_HEAD;
	memmove(&e->sched->dests[i], &e->sched->dests[i + 1],
		(n - i - 1) * sizeof(uint32_t));
	memmove(&e->w[i], &e->w[i + 1], (n - i - 1) * sizeof(int32_t));
	e->sched->ndests = n - 1;
	rc = fold_begin(t, &mv, XLVS_FOLD_DEL, &e->key, e->svc.id, id);
	if (rc)
		goto out;
	rc = edit_commit(t, e);
	if (rc)
		goto out;
	fold_step();
	/* Its counts stay in its service, as IPVS's service counted them too:
	 * moved into the base once it counts no more (trashed). */
	if (fold_del_finish(t, &mv.log))
		xlvs_logf("warning: the deleted server's counters may be missing "
			  "from its service's");
	if (!addr_in_use(t, rip->af, rip->addr))
		neigh_forget(rip->af, rip->addr);
out:
	fold_end(&mv);
	edit_end(e);
	return rc;
}

/* One server of a batched -d out of its service's list and trashed, its
 * record flagged XLVS_DEST_F_FOLD_PENDING before it leaves: its counters
 * go into the base after the batch's one wait (fold_batch_finish), and a
 * tool killed before then leaves the flag to the next writer. */
static int dest_unlist(struct xlvs_table *t, uint8_t proto,
		       const struct xlvs_endpoint *vip,
		       const struct xlvs_endpoint *rip, uint32_t *out)
{
	struct dest_edit *e;
	struct xlvs_dest d;
	uint32_t id, n;
	int rc, i;

	rc = edit_start(t, proto, vip, &e);
	if (rc)
		goto out;
	i = find_deleted(t, e, rip);
	if (i < 0) {
		rc = -ENOENT;
		goto out;
	}
	id = e->sched->dests[i];
	n = e->sched->ndests;
	rc = dest_get(t, id, &d);
	if (rc)
		goto out;
	d.flags |= XLVS_DEST_F_FOLD_PENDING;
	rc = dest_write(t, id, &d);
	if (rc)
		goto out;
	fold_step();
	e->carry.del_id = id;
	e->carry.del_prev = i > 0 ? e->sched->dests[i - 1] : SCHED_HEAD;
	memmove(&e->sched->dests[i], &e->sched->dests[i + 1],
		(n - i - 1) * sizeof(uint32_t));
	memmove(&e->w[i], &e->w[i + 1], (n - i - 1) * sizeof(int32_t));
	e->sched->ndests = n - 1;
	rc = edit_commit(t, e);
	if (rc) {
		d.flags &= ~XLVS_DEST_F_FOLD_PENDING;   /* still listed */
		dest_write(t, id, &d);
		goto out;
	}
	fold_step();
	dest_trash(t, id);
	fold_step();
	*out = id;
out:
	edit_end(e);
	return rc;
}

int xlvs_dest_del_many(struct xlvs_table *t, uint8_t proto,
		       const struct xlvs_endpoint *vip,
		       const struct xlvs_endpoint *rips, size_t n, int *rcs)
{
	struct fold_move mv = { .seq_fd = -1, .log_fd = -1 };
	struct xlvs_svc_key k = { .port = htons(vip->port), .proto = proto,
				  .af = vip->af };
	uint32_t *ids = calloc(n + 1, sizeof(*ids));
	struct xlvs_svc s;
	size_t nd = 0;
	int rc;

	if (!ids)
		return -ENOMEM;
	memcpy(k.addr, vip->addr, sizeof(k.addr));
	if (bpf_map_lookup_elem(t->svc_fd, &k, &s)) {
		rc = errno == ENOENT ? -ESRCH : -errno;
		goto out;
	}
	rc = fold_batch_begin(t, &mv, &k, s.id);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++) {
		rcs[i] = dest_unlist(t, proto, vip, &rips[i], &ids[nd]);
		nd += rcs[i] == 0;
	}
	rc = fold_batch_finish(t, &mv, ids, nd);
	if (rc)
		xlvs_logf("warning: the deleted servers' counters may be missing "
			  "from their service's until the next edit");
	for (size_t i = 0; i < n; i++)
		if (rcs[i] == 0 && !addr_in_use(t, rips[i].af, rips[i].addr))
			neigh_forget(rips[i].af, rips[i].addr);
	rc = 0;
out:
	free(ids);
	return rc;
}

void dest_trash(struct xlvs_table *t, uint32_t id)
{
	struct xlvs_dest d;

	if (dest_get(t, id, &d))
		return;
	d.flags &= ~XLVS_DEST_F_AVAILABLE;
	dest_write(t, id, &d);
}
