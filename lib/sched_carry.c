// SPDX-License-Identifier: GPL-2.0
/*
 * A change of schedule loses no rr/wrr position.  An edit reads the live
 * schedule, builds the next one from IPVS's state after the picks read,
 * writes it to the idle slot and flips; traffic keeps picking on the old
 * one until the flip (and CPUs already in it a moment after).  In IPVS
 * those picks come before the edit, so after the flip the old schedule is
 * read again and, if it moved, the new one's resume point (start and the
 * state behind it) is set to where IPVS would be: the old state after all
 * its picks, the edit's own move, dest_changed.  The kernel sets it in
 * place (xlvs_sched_resume): a whole-value update would lose the picks
 * made on the new schedule meanwhile, which then count from the new point.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "internal.h"

/* Rounds of re-reading: each catches picks made during the previous one,
 * so more than two find nothing but on a machine that stalls user space. */
#define CARRY_ROUNDS 4

void (*sched_edit_hook)(void *arg);
void *sched_edit_hook_arg;

void xlvs_set_sched_edit_hook(void (*fn)(void *arg), void *arg)
{
	sched_edit_hook = fn;
	sched_edit_hook_arg = arg;
}

struct sched_mark sched_mark_of(const struct xlvs_sched *s)
{
	struct sched_mark m = { s->picks, s->start, s->init_last, s->init_cw };

	return m;
}

static bool mark_same(struct sched_mark a, struct sched_mark b)
{
	return a.picks == b.picks && a.start == b.start &&
	       a.init_last == b.init_last && a.init_cw == b.init_cw;
}

struct sched_state sched_edit_state(const struct sched_carry *c,
				    struct sched_state st)
{
	if (c->del_id != SCHED_HEAD && st.last_dest == c->del_id)
		st.last_dest = c->del_prev;
	return st;
}

static int resume_run(struct xlvs_table *t, uint32_t key,
		      const struct xlvs_sched *next)
{
	struct xlvs_sched_resume r = {
		.key = key, .start = next->start,
		.init_last = next->init_last, .init_cw = next->init_cw,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &r, .ctx_size_in = sizeof(r));
	int fd = table_obj_get(t, PIN_PROG_SCHED_RESUME), rc = 0;

	if (fd < 0)
		return fd;
	if (bpf_prog_test_run_opts(fd, &opts) || opts.retval)
		rc = -EINVAL;
	close(fd);
	return rc;
}

int sched_carry(struct xlvs_table *t, const struct sched_carry *c,
		struct xlvs_sched *next, const int32_t *w)
{
	struct xlvs_sched *old = malloc(sizeof(*old));
	struct sched_mark mark = c->mark, now;
	int rc = 0;

	if (!old)
		return -ENOMEM;
	for (int round = 0; round < CARRY_ROUNDS && !rc; round++) {
		struct sched_state st;

		if (bpf_map_lookup_elem(t->sched_fd, &c->old_key, old)) {
			rc = -errno;
			break;
		}
		now = sched_mark_of(old);
		if (mark_same(now, mark))
			break;
		st = sched_state_now(old, c->kind, old->weights);
		st = sched_edit_state(c, st);
		st = sched_after_change(c->kind, st, w, next->ndests);
		sched_resume(next, c->kind, w, st);
		rc = resume_run(t, c->new_key, next);
		mark = now;
	}
	free(old);
	return rc;
}
