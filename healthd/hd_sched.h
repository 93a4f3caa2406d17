/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When each real server is checked: each on its own timer every
 * checkinterval, the first at its phase (the daemon spreads the phases
 * over the interval, so a thousand servers are not all checked in the
 * same millisecond).  A check still running when the next is due is not
 * started twice (the due time is skipped); at most max_running checks run
 * at once (the descriptors they hold are bounded), the rest wait in a
 * queue in the order they fell due.  A check that hangs holds only its own
 * server: its timeout is the engine's, and the others' timers go on.
 */
#ifndef XLVS_HEALTHD_HD_SCHED_H
#define XLVS_HEALTHD_HD_SCHED_H

#include <stdbool.h>

#include "check.h"
#include "hd_model.h"

struct event_base;
struct hd_sched;

/* due: whether to check r now (r->target filled); done: its result. */
typedef bool (*hd_sched_due_fn)(void *arg, struct hd_rs *r);
typedef void (*hd_sched_done_fn)(void *arg, struct hd_rs *r, bool ok,
				 const char *why);

/* The engine's calls; tests put their own in. */
struct hd_sched_check_ops {
	struct hd_check *(*start)(struct hd_checker *ck,
				  const struct hd_check_target *t,
				  hd_check_done_fn done, void *arg);
	void (*cancel)(struct hd_check *c);
};

struct hd_sched *hd_sched_new(struct event_base *base, struct hd_checker *ck,
			      unsigned max_running, hd_sched_due_fn due,
			      hd_sched_done_fn done, void *arg);
void hd_sched_set_check_ops(struct hd_sched *s, const struct hd_sched_check_ops *ops);
/* Cancels every running check and timer. */
void hd_sched_free(struct hd_sched *s);

/* r checked every interval_ms, the first time phase_ms from now. */
int hd_sched_add(struct hd_sched *s, struct hd_rs *r, unsigned interval_ms,
		 unsigned phase_ms);
/* Its timer stopped, its check cancelled, out of the queue. */
void hd_sched_del(struct hd_sched *s, struct hd_rs *r);

unsigned hd_sched_running(const struct hd_sched *s);
unsigned hd_sched_queued(const struct hd_sched *s);
/* Due times skipped because r's previous check was still running. */
unsigned long hd_sched_skipped(const struct hd_sched *s);

/* Raises RLIMIT_NOFILE's soft limit to the hard one and returns how many
 * checks may run at once within it (a few descriptors each, some kept for
 * the daemon). */
unsigned hd_sched_limit_nofile(void);

#endif
