// SPDX-License-Identifier: GPL-2.0
/* Per-server check timers with a bound on concurrent checks; one check
 * for the servers of several virtuals that share it (hd_sched.h). */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "hd_log.h"
#include "hd_sched.h"

struct hd_sched_slot {
	struct hd_sched *s;
	struct hd_rs *members;          /* chained by slot_next; the first's
					 * timer and phase */
	enum hd_check_kind kind;        /* of the running round's check */
	struct event *timer;
	struct timeval interval;
	uint64_t due_us;                /* CLOCK_MONOTONIC: this run's due time */
	uint64_t started_us;            /* ... and when its check started */
	struct hd_check *check;         /* running, or NULL */
	bool queued;
	struct hd_sched_slot *qnext;
};

struct hd_sched {
	struct event_base *base;
	struct hd_checker *ck;
	struct hd_sched_check_ops ops;
	unsigned max_running, running, queued;
	unsigned long skipped;
	hd_sched_due_fn due;
	hd_sched_done_fn done;
	void *arg;
	struct hd_sched_slot *qhead, *qtail;
};

struct hd_sched *hd_sched_new(struct event_base *base, struct hd_checker *ck,
			      unsigned max_running, hd_sched_due_fn due,
			      hd_sched_done_fn done, void *arg)
{
	struct hd_sched *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base = base;
	s->ck = ck;
	s->ops.start = hd_check_start;
	s->ops.cancel = hd_check_cancel;
	s->max_running = max_running ? max_running : 1;
	s->due = due;
	s->done = done;
	s->arg = arg;
	return s;
}

void hd_sched_set_check_ops(struct hd_sched *s, const struct hd_sched_check_ops *ops)
{
	s->ops = *ops;
}

static void sched_start(struct hd_sched_slot *sl);
static uint64_t sched_now_us(void);

static void sched_pump(struct hd_sched *s)
{
	while (s->qhead && s->running < s->max_running) {
		struct hd_sched_slot *sl = s->qhead;

		s->qhead = sl->qnext;
		if (!s->qhead)
			s->qtail = NULL;
		sl->qnext = NULL;
		sl->queued = false;
		s->queued--;
		sched_start(sl);
	}
}

/* The round's result to every server that was due in it.  A member's
 * check kind is the one that ran (combined checks count on it), and so is
 * its time (status shows it). */
static void sched_deliver(struct hd_sched_slot *sl, bool up, const char *why,
			  uint64_t took_us)
{
	struct hd_sched *s = sl->s;
	struct hd_rs *r, *next;

	for (r = sl->members; r; r = next) {
		next = r->slot_next;
		if (!r->slot_due)
			continue;
		r->slot_due = false;
		r->target.kind = sl->kind;
		r->last_took_us = took_us;
		s->done(s->arg, r, up, why);
	}
}

static void sched_check_done(void *arg, bool up, const char *why)
{
	struct hd_sched_slot *sl = arg;
	struct hd_sched *s = sl->s;

	sl->check = NULL;
	s->running--;
	/* From its start to its answer, queueing not included: what the
	 * server (or its timeout) took. */
	sched_deliver(sl, up, why, sched_now_us() - sl->started_us);
	sched_pump(s);
}

/* The round's check, with the target of its first due member. */
static void sched_start(struct hd_sched_slot *sl)
{
	struct hd_sched *s = sl->s;
	struct hd_rs *r = sl->members;
	char why[128];

	while (r && !r->slot_due)
		r = r->slot_next;
	if (!r)
		return;
	sl->kind = r->target.kind;
	sl->started_us = sched_now_us();
	sl->check = s->ops.start(s->ck, &r->target, sched_check_done, sl);
	if (sl->check) {
		s->running++;
		return;
	}
	snprintf(why, sizeof(why), "cannot start the check: %s", strerror(errno));
	sched_deliver(sl, false, why, 0);
}

static void sched_enqueue(struct hd_sched_slot *sl)
{
	struct hd_sched *s = sl->s;

	sl->queued = true;
	sl->qnext = NULL;
	if (s->qtail)
		s->qtail->qnext = sl;
	else
		s->qhead = sl;
	s->qtail = sl;
	s->queued++;
}

#define SCHED_TICK_US 5000u

static uint64_t sched_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The next run at the server's own phase.  Not EV_PERSIST: libevent
 * reschedules a persistent timer that fired late from "now", so one stall of
 * the loop longer than the interval (a big table batch at start-up) moved
 * every server that was due during it to the same instant, and the spread
 * never came back.  Runs missed in a stall are skipped, the phase kept. */
static void sched_rearm(struct hd_sched_slot *sl)
{
	uint64_t iv = (uint64_t)sl->interval.tv_sec * 1000000u +
		      (uint64_t)sl->interval.tv_usec;
	uint64_t now = sched_now_us(), wait;
	struct timeval tv;

	sl->due_us += iv;
	if (sl->due_us <= now)
		sl->due_us += ((now - sl->due_us) / iv + 1) * iv;
	/* Armed at the next SCHED_TICK_US boundary: the servers due within one
	 * tick run from one wake-up of the loop (5,000 servers a second would
	 * otherwise be 5,000 wake-ups), at most a tick late. */
	wait = (sl->due_us + SCHED_TICK_US - 1) / SCHED_TICK_US * SCHED_TICK_US - now;
	tv.tv_sec = (time_t)(wait / 1000000u);
	tv.tv_usec = (suseconds_t)(wait % 1000000u);
	event_add(sl->timer, &tv);
}

static void sched_timer(evutil_socket_t fd, short what, void *arg)
{
	struct hd_sched_slot *sl = arg;
	struct hd_sched *s = sl->s;
	bool any = false;

	(void)fd;
	(void)what;
	sched_rearm(sl);
	if (sl->check || sl->queued) {
		s->skipped++;
		hd_debug(3, "Check still running, not started again: %s",
			 sl->members->v->id);
		return;
	}
	for (struct hd_rs *r = sl->members, *next; r; r = next) {
		next = r->slot_next;
		r->slot_due = s->due(s->arg, r);
		any |= r->slot_due;
	}
	if (!any)
		return;
	if (s->running < s->max_running && !s->qhead)
		sched_start(sl);
	else
		sched_enqueue(sl);
}

int hd_sched_add(struct hd_sched *s, struct hd_rs *r, unsigned interval_ms,
		 unsigned phase_ms)
{
	struct hd_sched_slot *sl = calloc(1, sizeof(*sl));
	struct timeval phase = { phase_ms / 1000, (phase_ms % 1000) * 1000 };

	if (!sl)
		return -ENOMEM;
	sl->s = s;
	sl->members = r;
	r->slot_next = NULL;
	r->slot_due = false;
	sl->due_us = sched_now_us() + (uint64_t)phase_ms * 1000u;
	if (!interval_ms)
		interval_ms = 1000;
	sl->interval.tv_sec = interval_ms / 1000;
	sl->interval.tv_usec = (interval_ms % 1000) * 1000;
	sl->timer = event_new(s->base, -1, 0, sched_timer, sl);
	if (!sl->timer || event_add(sl->timer, &phase) < 0) {
		if (sl->timer)
			event_free(sl->timer);
		free(sl);
		return -ENOMEM;
	}
	r->slot = sl;
	return 0;
}

static void sched_unqueue(struct hd_sched *s, struct hd_sched_slot *sl)
{
	struct hd_sched_slot **pp = &s->qhead, *prev = NULL;

	while (*pp && *pp != sl) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (!*pp)
		return;
	*pp = sl->qnext;
	if (s->qtail == sl)
		s->qtail = prev;
	sl->queued = false;
	s->queued--;
}

int hd_sched_join(struct hd_sched *s, struct hd_rs *r, struct hd_rs *leader)
{
	struct hd_sched_slot *sl = leader->slot;
	struct hd_rs **pp;

	(void)s;
	if (!sl)
		return -EINVAL;
	for (pp = &sl->members; *pp; pp = &(*pp)->slot_next)
		;
	*pp = r;
	r->slot_next = NULL;
	r->slot_due = false;
	r->slot = sl;
	return 0;
}

/* r out of its slot's members; true if it was the last. */
static bool sched_leave(struct hd_sched_slot *sl, struct hd_rs *r)
{
	struct hd_rs **pp;

	for (pp = &sl->members; *pp && *pp != r; pp = &(*pp)->slot_next)
		;
	if (*pp)
		*pp = r->slot_next;
	r->slot_next = NULL;
	r->slot_due = false;
	r->slot = NULL;
	return !sl->members;
}

void hd_sched_del(struct hd_sched *s, struct hd_rs *r)
{
	struct hd_sched_slot *sl = r->slot;

	if (!sl || !sched_leave(sl, r))
		return;
	event_free(sl->timer);
	if (sl->check) {
		s->ops.cancel(sl->check);
		s->running--;
	}
	if (sl->queued)
		sched_unqueue(s, sl);
	free(sl);
	sched_pump(s);
}

void hd_sched_free(struct hd_sched *s)
{
	free(s);
}

unsigned hd_sched_running(const struct hd_sched *s)
{
	return s->running;
}

unsigned hd_sched_queued(const struct hd_sched *s)
{
	return s->queued;
}

unsigned long hd_sched_skipped(const struct hd_sched *s)
{
	return s->skipped;
}

unsigned hd_sched_limit_nofile(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 64;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	n = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : rl.rlim_cur;
	/* 64 kept for the daemon; a check holds up to 3 (socket, pipe). */
	n = n > 128 ? (n - 64) / 3 : 16;
	return n > 100000 ? 100000 : (unsigned)n;
}
