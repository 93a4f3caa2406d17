// SPDX-License-Identifier: GPL-2.0
/*
 * A move of counts between a service's base and one of its servers (-d, a
 * revival, -Z; lib/stats_fold.c) is journalled, so a tool killed half-way
 * leaves nothing frozen or wrong: the journal (struct xlvs_fold_log) is
 * written before the service's fold sequence goes odd and cleared after it
 * is even again, and the next writer to open the table (it holds the
 * writers' lock: no other move can be under way) finishes or undoes the
 * move from it.  Each step is written so that doing it again gives the
 * same result: the base is set to a value computed from the journal, never
 * added to, and a trashed server's counters do not change (the data plane
 * counts only on available servers, and progs_sync() waits out a packet
 * that saw it available).  So either outcome is exact.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "internal.h"

static void (*fold_hook)(void *arg);
static void *fold_hook_arg;

void xlvs_set_fold_hook(void (*fn)(void *arg), void *arg)
{
	fold_hook = fn;
	fold_hook_arg = arg;
}

void fold_step(void)
{
	if (fold_hook)
		fold_hook(fold_hook_arg);
}

/*
 * Returns once every XDP program and timer callback that was running has
 * finished, so none still counts on what it looked up before: an update of
 * an array of maps waits for an RCU grace period (the kernel's
 * maybe_wait_bpf_programs, there so that user space can rely on it).
 */
static int progs_sync(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);
	int inner, outer = -1, rc = 0;
	uint32_t k = 0;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xlvs_sync", 4, 4, 1, NULL);
	if (inner < 0)
		return -errno;
	o.inner_map_fd = inner;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "xlvs_sync", 4, 4, 1, &o);
	if (outer < 0 || bpf_map_update_elem(outer, &k, &inner, BPF_ANY))
		rc = -errno;
	if (outer >= 0)
		close(outer);
	close(inner);
	return rc;
}

static void stats_sub(struct xlvs_stats *to, const struct xlvs_stats *from)
{
	to->conns -= from->conns;
	to->inpkts -= from->inpkts;
	to->outpkts -= from->outpkts;
	to->inbytes -= from->inbytes;
	to->outbytes -= from->outbytes;
}

/* A move starts: the journal, then the sequence odd. */
int fold_begin(struct xlvs_table *t, struct fold_move *mv, uint32_t op,
	       const struct xlvs_svc_key *k, uint32_t svc_id, uint32_t dest_id)
{
	struct xlvs_fold_log *l = &mv->log;
	uint32_t zero = 0;
	int rc = 0;

	memset(mv, 0, sizeof(*mv));
	mv->seq_fd = -1;
	mv->log_fd = table_obj_get(t, PIN_FOLD_LOG);
	mv->seq_fd = fold_open(t);
	if (mv->log_fd < 0 || mv->seq_fd < 0) {
		rc = mv->log_fd < 0 ? mv->log_fd : mv->seq_fd;
		goto fail;
	}
	*l = (struct xlvs_fold_log){ .op = op, .svc_id = svc_id,
				     .dest_id = dest_id, .svc = *k };
	if (op == XLVS_FOLD_DEL || op == XLVS_FOLD_REVIVE)
		rc = base0_read(t, svc_id, &l->base0);
	if (!rc && op == XLVS_FOLD_REVIVE) {
		rc = stats_read(t->dest_stats_fd, dest_id, &l->dest0);
		if (!rc)
			rc = dest_get(t, dest_id, &l->old);
	}
	if (!rc && bpf_map_update_elem(mv->log_fd, &zero, l, BPF_ANY))
		rc = -errno;
	if (rc)
		goto fail;
	fold_step();
	fold_mark(mv->seq_fd, svc_id, true);
	fold_step();
	return 0;
fail:
	fold_end(mv);
	return rc;
}

/* ... and ends: the sequence even, then the journal cleared. */
void fold_end(struct fold_move *mv)
{
	struct xlvs_fold_log none = { .op = XLVS_FOLD_NONE };
	uint32_t zero = 0;

	if (mv->seq_fd >= 0 && mv->log_fd >= 0 && mv->log.op != XLVS_FOLD_NONE) {
		fold_mark(mv->seq_fd, mv->log.svc_id, false);
		fold_step();
		bpf_map_update_elem(mv->log_fd, &zero, &none, BPF_ANY);
	}
	if (mv->seq_fd >= 0)
		close(mv->seq_fd);
	if (mv->log_fd >= 0)
		close(mv->log_fd);
	mv->seq_fd = mv->log_fd = -1;
	mv->log.op = XLVS_FOLD_NONE;
}

/* -d's part after the server left the list: it is trashed, counts no more
 * once the programs that saw it available are done, and its counters go
 * into the base (base0 + its counters, however often this is done). */
int fold_del_finish(struct xlvs_table *t, const struct xlvs_fold_log *l)
{
	struct xlvs_stats d, v = l->base0;
	struct xlvs_dest r;
	int rc;

	dest_trash(t, l->dest_id);
	fold_step();
	rc = progs_sync();
	if (!rc)
		rc = stats_read(t->dest_stats_fd, l->dest_id, &d);
	if (rc)
		return rc;
	stats_add(&v, &d);
	rc = base0_set(t, l->svc_id, &v);
	fold_step();
	if (!rc)
		rc = dest_get(t, l->dest_id, &r);
	if (rc)
		return rc;
	r.flags |= XLVS_DEST_F_FOLDED;
	rc = dest_write(t, l->dest_id, &r);
	fold_step();
	return rc;
}

/* A revival that went live: the counters it had in the trash (dest0, read
 * while it counted nothing) leave the base. */
int fold_revive_finish(struct xlvs_table *t, const struct xlvs_fold_log *l)
{
	struct xlvs_stats v = l->base0;
	int rc;

	stats_sub(&v, &l->dest0);
	rc = base0_set(t, l->svc_id, &v);
	fold_step();
	return rc;
}

/* A revival that did not: back to the trash; what it counted while it was
 * available but not listed goes to the base, as a deleted server's does. */
int fold_revive_undo(struct xlvs_table *t, const struct xlvs_fold_log *l)
{
	struct xlvs_stats d, v = l->base0;
	int rc;

	rc = dest_write(t, l->dest_id, &l->old);
	if (!rc)
		rc = progs_sync();
	if (!rc)
		rc = stats_read(t->dest_stats_fd, l->dest_id, &d);
	if (rc)
		return rc;
	stats_add(&v, &d);
	stats_sub(&v, &l->dest0);
	return base0_set(t, l->svc_id, &v);
}

/*
 * A batched -d (xlvs_dest_del_many, lib/dest.c): the journal says PENDING
 * for the service while its servers leave the list, each flagged
 * XLVS_DEST_F_FOLD_PENDING before it does and trashed after; one wait for
 * the data plane then serves them all, and each one's counters go into the
 * base as a -d's last part does, journalled as a DEL of a batch (base0
 * before it, so doing it again gives the same base), its flag then
 * cleared.  The fold sequence stays odd from the first server to the last.
 */
int fold_batch_begin(struct xlvs_table *t, struct fold_move *mv,
		     const struct xlvs_svc_key *k, uint32_t svc_id)
{
	uint32_t zero = 0;
	int rc = 0;

	memset(mv, 0, sizeof(*mv));
	mv->log_fd = table_obj_get(t, PIN_FOLD_LOG);
	mv->seq_fd = fold_open(t);
	if (mv->log_fd < 0 || mv->seq_fd < 0) {
		rc = mv->log_fd < 0 ? mv->log_fd : mv->seq_fd;
		goto fail;
	}
	mv->log = (struct xlvs_fold_log){ .op = XLVS_FOLD_PENDING,
					  .svc_id = svc_id, .svc = *k };
	if (bpf_map_update_elem(mv->log_fd, &zero, &mv->log, BPF_ANY)) {
		rc = -errno;
		goto fail;
	}
	fold_step();
	fold_mark(mv->seq_fd, svc_id, true);
	fold_step();
	return 0;
fail:
	fold_end(mv);
	return rc;
}

/* One flagged, trashed server's counters into the base (the data plane
 * let go of it already). */
static int fold_pending_one(struct xlvs_table *t, int log_fd,
			    const struct xlvs_fold_log *batch, uint32_t dest_id)
{
	struct xlvs_fold_log l = *batch;
	struct xlvs_stats d, v;
	struct xlvs_dest r;
	uint32_t zero = 0;
	int rc;

	l.op = XLVS_FOLD_DEL;
	l.dest_id = dest_id;
	l.flags = XLVS_FOLD_F_BATCH;
	rc = base0_read(t, l.svc_id, &l.base0);
	if (!rc && bpf_map_update_elem(log_fd, &zero, &l, BPF_ANY))
		rc = -errno;
	if (rc)
		return rc;
	fold_step();
	rc = stats_read(t->dest_stats_fd, dest_id, &d);
	v = l.base0;
	stats_add(&v, &d);
	if (!rc)
		rc = base0_set(t, l.svc_id, &v);
	fold_step();
	if (!rc)
		rc = dest_get(t, dest_id, &r);
	if (rc)
		return rc;
	r.flags = (r.flags | XLVS_DEST_F_FOLDED) & ~XLVS_DEST_F_FOLD_PENDING;
	rc = dest_write(t, dest_id, &r);
	fold_step();
	if (!rc && bpf_map_update_elem(log_fd, &zero, batch, BPF_ANY))
		rc = -errno;
	return rc;
}

static int fold_pending_all(struct xlvs_table *t, int log_fd,
			    const struct xlvs_fold_log *batch,
			    const uint32_t *ids, size_t n)
{
	int rc = n ? progs_sync() : 0;

	if (!rc)
		fold_step();
	for (size_t i = 0; !rc && i < n; i++)
		rc = fold_pending_one(t, log_fd, batch, ids[i]);
	return rc;
}

int fold_batch_finish(struct xlvs_table *t, struct fold_move *mv,
		      const uint32_t *ids, size_t n)
{
	int rc = fold_pending_all(t, mv->log_fd, &mv->log, ids, n);

	/* A failure leaves the journal and the flags for the next writer. */
	if (rc) {
		close(mv->seq_fd);
		close(mv->log_fd);
		mv->seq_fd = mv->log_fd = -1;
		return rc;
	}
	fold_end(mv);
	return 0;
}

/* 1 if the journal's server is in its service's live list, 0 if not, -1
 * if the service is gone (its base with it: nothing to repair). */
static int fold_listed(struct xlvs_table *t, const struct xlvs_fold_log *l,
		       struct xlvs_svc *s)
{
	struct xlvs_sched *sc;
	uint32_t key;
	int listed = 0;

	if (bpf_map_lookup_elem(t->svc_fd, &l->svc, s) || s->id != l->svc_id)
		return -1;
	sc = calloc(1, sizeof(*sc));
	key = s->id * 2 + (s->sched_slot & 1);
	if (!sc || bpf_map_lookup_elem(t->sched_fd, &key, sc)) {
		free(sc);
		return -1;
	}
	for (uint32_t i = 0; i < sc->ndests && i < XLVS_SVC_DESTS_MAX; i++)
		listed |= sc->dests[i] == l->dest_id;
	free(sc);
	return listed;
}

/* Whether server id is in service s's live list. */
static bool fold_in_list(struct xlvs_table *t, const struct xlvs_svc *s,
			 uint32_t id)
{
	struct xlvs_sched *sc = calloc(1, sizeof(*sc));
	uint32_t key = s->id * 2 + (s->sched_slot & 1);
	bool listed = false;

	if (!sc || bpf_map_lookup_elem(t->sched_fd, &key, sc)) {
		free(sc);
		return true;    /* when in doubt, it was not deleted */
	}
	for (uint32_t i = 0; i < sc->ndests && i < XLVS_SVC_DESTS_MAX; i++)
		listed |= sc->dests[i] == id;
	free(sc);
	return listed;
}

/* A batched -d a killed tool left: each server of the journal's service
 * still flagged is folded (or only unflagged, if it never left the list or
 * was folded already); with the service gone, only unflagged. */
static int fold_pending_repair(struct xlvs_table *t, int log_fd,
			       const struct xlvs_fold_log *l, bool svc_there)
{
	struct xlvs_fold_log batch = *l;
	const struct xlvs_dest *all = dest_all(t);
	uint32_t *ids = NULL;
	struct xlvs_svc s;
	size_t n = 0;
	int rc;

	if (!all)
		return -ENOMEM;
	svc_there = svc_there && !bpf_map_lookup_elem(t->svc_fd, &l->svc, &s) &&
		    s.id == l->svc_id;
	ids = calloc(XLVS_DEST_MAX, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (uint32_t i = 0; i < XLVS_DEST_MAX; i++) {
		struct xlvs_dest d = all[i];

		if (!d.gen || !(d.flags & XLVS_DEST_F_FOLD_PENDING) ||
		    d.svc_id != l->svc_id || memcmp(&d.svc, &l->svc, sizeof(d.svc)))
			continue;
		if (!svc_there || (d.flags & XLVS_DEST_F_FOLDED) ||
		    fold_in_list(t, &s, i)) {
			d.flags &= ~XLVS_DEST_F_FOLD_PENDING;
			dest_write(t, i, &d);
			continue;
		}
		dest_trash(t, i);
		ids[n++] = i;
	}
	batch.op = XLVS_FOLD_PENDING;
	batch.flags = 0;
	rc = fold_pending_all(t, log_fd, &batch, ids, n);
	free(ids);
	return rc;
}

static int fold_redo(struct xlvs_table *t, int log_fd, const struct xlvs_fold_log *l)
{
	struct xlvs_svc s;
	int listed = fold_listed(t, l, &s), rc;

	if (l->op == XLVS_FOLD_PENDING)
		return fold_pending_repair(t, log_fd, l, listed >= 0);
	if (listed < 0)
		return l->flags & XLVS_FOLD_F_BATCH ?
		       fold_pending_repair(t, log_fd, l, false) : 0;
	switch (l->op) {
	case XLVS_FOLD_DEL:     /* undone: the list never lost it */
		rc = listed ? 0 : fold_del_finish(t, l);
		if (!rc && (l->flags & XLVS_FOLD_F_BATCH))
			rc = fold_pending_repair(t, log_fd, l, true);
		return rc;
	case XLVS_FOLD_REVIVE:
		return listed ? fold_revive_finish(t, l) : fold_revive_undo(t, l);
	case XLVS_FOLD_ZERO:    /* finished: -Z asked for counting afresh */
		return stats_zero_counts(t, &s);
	default:
		return 0;
	}
}

/* Every odd sequence made even; a tool of this version leaves none
 * without a journal, an older one might have. */
static void fold_seq_even(int seq_fd)
{
	for (uint32_t i = 0; i < XLVS_SVC_MAX; i++) {
		uint32_t seq;

		if (bpf_map_lookup_elem(seq_fd, &i, &seq) || !(seq & 1))
			continue;
		fold_mark(seq_fd, i, false);
		xlvs_logf("warning: service %u's counters were left mid-move "
			  "with no journal; they may be off", i);
	}
}

/* At a writer's open (lib/table.c): finish or undo what a killed tool left. */
int fold_repair(struct xlvs_table *t)
{
	struct fold_move mv = { .seq_fd = -1, .log_fd = -1 };
	uint32_t zero = 0;
	int rc = 0;

	mv.log_fd = table_obj_get(t, PIN_FOLD_LOG);
	mv.seq_fd = fold_open(t);
	if (mv.log_fd < 0 || mv.seq_fd < 0) {
		rc = mv.log_fd < 0 ? mv.log_fd : mv.seq_fd;
		goto out;
	}
	if (bpf_map_lookup_elem(mv.log_fd, &zero, &mv.log)) {
		rc = -errno;
		goto out;
	}
	if (mv.log.op != XLVS_FOLD_NONE) {
		rc = fold_redo(t, mv.log_fd, &mv.log);
		if (rc)
			goto out;   /* the journal stays for the next writer */
		xlvs_logf("finished or undid a move of service %u's counters "
			  "that a killed tool had left", mv.log.svc_id);
		fold_mark(mv.seq_fd, mv.log.svc_id, false);
		mv.log = (struct xlvs_fold_log){ .op = XLVS_FOLD_NONE };
		if (bpf_map_update_elem(mv.log_fd, &zero, &mv.log, BPF_ANY))
			rc = -errno;
	}
	fold_seq_even(mv.seq_fd);
out:
	if (mv.seq_fd >= 0)
		close(mv.seq_fd);
	if (mv.log_fd >= 0)
		close(mv.log_fd);
	return rc;
}
