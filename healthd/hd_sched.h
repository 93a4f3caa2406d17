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
/* r checked by leader's check (already added): at each of leader's due
 * times r is asked whether it is due too, one check runs with the target
 * of the first member that is, and its result goes to every member that
 * was.  For servers of several virtuals whose checks are the same
 * (hd_sched_all). */
int hd_sched_join(struct hd_sched *s, struct hd_rs *r, struct hd_rs *leader);
/* r unscheduled; with the last member of its check, the timer stopped,
 * the check cancelled, out of the queue. */
void hd_sched_del(struct hd_sched *s, struct hd_rs *r);

/* Every real server of vs[0..nvs) scheduled: servers whose checks are the
 * same (hd_sched_same_check) share one, as ldirectord's single process
 * checks a real server id once a round; the checks' phases spread evenly
 * over the interval in the order of the file.  -errno (ENOMEM). */
int hd_sched_all(struct hd_sched *s, struct hd_vs *vs, size_t nvs);
/* a's and b's checks are the same: the same server, port, check and
 * everything the check sends or expects, the same interval and timeouts
 * (so one result stands for both). */
bool hd_sched_same_check(const struct hd_rs *a, const struct hd_rs *b);

unsigned hd_sched_running(const struct hd_sched *s);
unsigned hd_sched_queued(const struct hd_sched *s);
/* Due times skipped because r's previous check was still running. */
unsigned long hd_sched_skipped(const struct hd_sched *s);

/* Raises RLIMIT_NOFILE's soft limit to the hard one and returns how many
 * checks may run at once within it (a few descriptors each, some kept for
 * the daemon). */
unsigned hd_sched_limit_nofile(void);

#endif
