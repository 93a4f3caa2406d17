// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler (sched.c) on a real libevent loop with a fake check engine
 * whose checks end after a delay chosen per server (or never, until
 * cancelled): phases spread over the interval, every server checked every
 * interval on its own timer, a check still running not started twice, a
 * hanging server not delaying the others, the bound on concurrent checks,
 * a check that cannot start counted as failed, RLIMIT_NOFILE raised; and
 * one check for the servers of several virtuals whose checks are the same
 * (hd_sched_join, hd_sched_all), its result to each that was due.
 */
#include <errno.h>
#include <event2/event.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "hd_sched.h"

#define NR 100
#define MAXSTARTS 16

struct fake_check {
	struct event *ev;
	hd_check_done_fn done;
	void *arg;
};

static struct world {
	struct event_base *base;
	struct hd_sched *s;
	struct hd_vs v;
	struct hd_rs r[NR];
	int delay_ms[NR];              /* -1: hangs until cancelled */
	bool refuse[NR];               /* start returns NULL */
	bool not_due[NR];              /* due() says no (maintenance...) */
	struct hd_vs v2[2];
	long starts[NR][MAXSTARTS];    /* ms since t0 */
	int nstarts[NR], ndone[NR], nfailed[NR];
	unsigned max_concurrent, running;
	struct timespec t0;
} w;

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - w.t0.tv_sec) * 1000 + (t.tv_nsec - w.t0.tv_nsec) / 1000000;
}

static int index_of(const struct hd_check_target *t)
{
	const struct hd_rs *r = (const struct hd_rs *)((const char *)t -
						       offsetof(struct hd_rs, target));

	return (int)(r - w.r);
}

static void fake_end(evutil_socket_t fd, short what, void *arg)
{
	struct fake_check *c = arg;

	(void)fd;
	(void)what;
	w.running--;
	event_free(c->ev);
	c->done(c->arg, true, "");
	free(c);
}

static struct hd_check *fake_start(struct hd_checker *ck, const struct hd_check_target *t,
				   hd_check_done_fn done, void *arg)
{
	int i = index_of(t);
	struct fake_check *c;

	(void)ck;
	if (w.refuse[i]) {
		errno = EMFILE;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	c->done = done;
	c->arg = arg;
	c->ev = evtimer_new(w.base, fake_end, c);
	if (w.delay_ms[i] >= 0) {
		struct timeval tv = { 0, w.delay_ms[i] * 1000 };

		evtimer_add(c->ev, &tv);
	}
	if (w.nstarts[i] < MAXSTARTS)
		w.starts[i][w.nstarts[i]] = now_ms();
	w.nstarts[i]++;
	if (++w.running > w.max_concurrent)
		w.max_concurrent = w.running;
	return (struct hd_check *)c;
}

static void fake_cancel(struct hd_check *hc)
{
	struct fake_check *c = (struct fake_check *)hc;

	w.running--;
	event_free(c->ev);
	free(c);
}

static bool due(void *arg, struct hd_rs *r)
{
	(void)arg;
	return !w.not_due[r - w.r];
}

static void done(void *arg, struct hd_rs *r, bool ok, const char *why)
{
	(void)arg;
	(void)why;
	w.ndone[r - w.r]++;
	if (!ok)
		w.nfailed[r - w.r]++;
}

static void world_up(unsigned max_running, int n, unsigned interval, bool spread)
{
	static const struct hd_sched_check_ops ops = { fake_start, fake_cancel };

	memset(&w, 0, sizeof(w));
	clock_gettime(CLOCK_MONOTONIC, &w.t0);
	w.base = event_base_new();
	w.s = hd_sched_new(w.base, NULL, max_running, due, done, NULL);
	hd_sched_set_check_ops(w.s, &ops);
	snprintf(w.v.id, sizeof(w.v.id), "tcp:10.0.0.1:80");
	for (int i = 0; i < n; i++) {
		w.r[i].v = &w.v;
		w.delay_ms[i] = 20;
		assert_int_equal(hd_sched_add(w.s, &w.r[i], interval,
					      spread ? (unsigned)i * interval / (unsigned)n : 0), 0);
	}
}

static void world_run(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(w.base, &tv);
	event_base_dispatch(w.base);
}

static void world_down(int n)
{
	for (int i = 0; i < n; i++)
		hd_sched_del(w.s, &w.r[i]);
	assert_int_equal(hd_sched_running(w.s), 0);
	assert_int_equal(w.running, 0);
	hd_sched_free(w.s);
	event_base_free(w.base);
}

/* 100 servers on 500 ms: the first round's starts spread over the
 * interval (no 50 ms holds more than 25 of the 100, with room for a
 * loaded machine), and every server is checked every interval on its own
 * timer (3 or 4 starts in 1.75 s, 350..700 ms apart).  Load only makes a
 * timer late, so the bound that does not bend is the other one: server
 * i's k-th check never starts before its phase i * 5 ms plus k intervals
 * (EARLY_MS: libevent's coarse clock against CLOCK_MONOTONIC).  A herd, or
 * a period shorter than the interval, breaks it on any machine. */
#define EARLY_MS 15
static void spread_and_period(void **state)
{
	(void)state;
	int bucket[10] = { 0 };

	world_up(1000, NR, 500, true);
	world_run(1750);
	for (int i = 0; i < NR; i++) {
		assert_true(w.nstarts[i] >= 3 && w.nstarts[i] <= 4);
		bucket[(w.starts[i][0] / 50) % 10]++;
		for (int k = 0; k < w.nstarts[i] && k < MAXSTARTS; k++)
			if (w.starts[i][k] < i * 500 / NR + k * 500 - EARLY_MS)
				fail_msg("server %d: check %d at %ld ms, due at %d",
					 i, k, w.starts[i][k], i * 500 / NR + k * 500);
		for (int k = 1; k < w.nstarts[i]; k++) {
			long gap = w.starts[i][k] - w.starts[i][k - 1];

			if (gap < 350 || gap > 700)
				fail_msg("server %d: checks %ld ms apart", i, gap);
		}
	}
	for (int b = 0; b < 10; b++)
		if (bucket[b] > 25)     /* a herd would be all 100 */
			fail_msg("%d first checks in one 50 ms", bucket[b]);
	world_down(NR);
}

/* One server's check hangs: it is not started again while it runs (the
 * due times are skipped), and the others go on every second. */
static void hang_does_not_delay(void **state)
{
	(void)state;

	world_up(1000, 10, 250, true);
	w.delay_ms[0] = -1;
	world_run(1300);
	assert_int_equal(w.nstarts[0], 1);
	assert_int_equal(w.ndone[0], 0);
	assert_true(hd_sched_skipped(w.s) >= 4);
	for (int i = 1; i < 10; i++)
		assert_true(w.nstarts[i] >= 4);
	world_down(10);
}

/* 20 servers due at once, 5 checks at a time: never more than 5 run, and
 * the rest wait their turn instead of being dropped. */
static void bound_concurrent(void **state)
{
	(void)state;

	world_up(5, 20, 5000, false);
	for (int i = 0; i < 20; i++)
		w.delay_ms[i] = 100;
	world_run(700);
	assert_int_equal(w.max_concurrent, 5);
	for (int i = 0; i < 20; i++)
		assert_int_equal(w.ndone[i], 1);
	assert_int_equal(hd_sched_queued(w.s), 0);
	world_down(20);
}

/* A check that cannot start (EMFILE) is a failed check. */
static void start_failure_is_failed(void **state)
{
	(void)state;

	world_up(10, 2, 1000, false);
	w.refuse[1] = true;
	world_run(200);
	assert_int_equal(w.ndone[1], 1);
	assert_int_equal(w.nfailed[1], 1);
	assert_int_equal(w.nfailed[0], 0);
	world_down(2);
}

/* r[1] (another virtual) shares r[0]'s check: one check a round, both
 * told its result; r[2] keeps its own.  A member that is not due (in
 * maintenance) is not told; when the first member is not due the check
 * runs with the next one's target. */
static void shared_check_once(void **state)
{
	(void)state;
	int s0, s1, d0, d1;

	world_up(10, 1, 300, false);
	w.r[1].v = &w.v2[0];
	w.r[2].v = &w.v2[0];
	w.delay_ms[1] = w.delay_ms[2] = 20;
	assert_int_equal(hd_sched_join(w.s, &w.r[1], &w.r[0]), 0);
	assert_int_equal(hd_sched_add(w.s, &w.r[2], 300, 0), 0);
	world_run(750);                 /* rounds at 0, 300, 600 ms */
	assert_true(w.nstarts[0] >= 2);
	assert_int_equal(w.nstarts[1], 0);
	assert_int_equal(w.nstarts[2], w.nstarts[0]);
	assert_int_equal(w.ndone[0], w.nstarts[0]);
	assert_int_equal(w.ndone[1], w.nstarts[0]);
	s0 = w.nstarts[0], s1 = w.nstarts[1], d0 = w.ndone[0], d1 = w.ndone[1];
	w.not_due[0] = true;
	world_run(300);
	assert_int_equal(w.nstarts[0], s0);
	assert_true(w.nstarts[1] > s1);
	assert_int_equal(w.ndone[0], d0);
	assert_true(w.ndone[1] > d1);
	s0 = w.nstarts[0], d0 = w.ndone[0], d1 = w.ndone[1];
	w.not_due[0] = false;
	w.not_due[1] = true;
	world_run(300);
	assert_true(w.nstarts[0] > s0);
	assert_true(w.ndone[0] > d0);
	assert_int_equal(w.ndone[1], d1);
	/* The leader leaves: the member keeps the slot and its check. */
	w.not_due[1] = false;
	s1 = w.nstarts[1], d1 = w.ndone[1];
	hd_sched_del(w.s, &w.r[0]);
	world_run(300);
	assert_true(w.nstarts[1] > s1);
	assert_true(w.ndone[1] > d1);
	world_down(3);
}

static void sched_real(struct hd_vs *v, struct hd_rs *r, const char *ip,
		       int port, const char *receive)
{
	memset(r, 0, sizeof(*r));
	r->v = v;
	assert_int_equal(xlvs_endpoint_parse(ip, false, &r->conf.addr), 0);
	r->conf.addr.port = (uint16_t)port;
	r->target.rip = r->conf.addr;
	r->target.proto = IPPROTO_TCP;
	r->target.service = HD_SVC_HTTP;
	r->target.request = "/index.html";
	r->target.receive = receive;
}

static void sched_virtual(struct hd_vs *v, const char *id, enum hd_checktype ct,
			  struct hd_rs *reals, size_t n)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", id);
	v->checktype = ct;
	v->checkinterval_ms = 400;
	v->checktimeout_ms = v->negotiatetimeout_ms = 3000;
	v->reals = reals;
	v->nreals = n;
}

/* hd_sched_all: the same server with the same check in two virtuals is
 * one check (receive given as another string of the same text too);
 * another receive, port, checktype or interval is a check of its own (but
 * what a connect check never sends does not count), and
 * checktype=on runs none to share.  The checks' phases spread over the
 * interval by their number, not the servers'. */
static void sched_all_groups(void **state)
{
	(void)state;
	static const struct hd_sched_check_ops ops = { fake_start, fake_cancel };
	char same[] = "Test Page";

	world_up(100, 0, 400, false);
	sched_real(&w.v2[0], &w.r[0], "10.0.0.3", 80, "Test Page");
	sched_real(&w.v2[0], &w.r[1], "10.0.0.4", 80, "Test Page");
	sched_real(&w.v2[0], &w.r[2], "10.0.0.5", 80, "Test Page");
	sched_real(&w.v2[1], &w.r[3], "10.0.0.3", 80, same);      /* = r0 */
	sched_real(&w.v2[1], &w.r[4], "10.0.0.4", 80, "Other");   /* own */
	sched_real(&w.v2[1], &w.r[5], "10.0.0.5", 8080, "Test Page"); /* own */
	sched_virtual(&w.v2[0], "tcp:10.0.0.1:80", HD_CT_NEGOTIATE, &w.r[0], 3);
	sched_virtual(&w.v2[1], "tcp:10.0.0.2:80", HD_CT_NEGOTIATE, &w.r[3], 3);
	hd_sched_set_check_ops(w.s, &ops);
	for (int i = 0; i < 6; i++)
		w.delay_ms[i] = 10;
	assert_true(hd_sched_same_check(&w.r[0], &w.r[3]));
	assert_false(hd_sched_same_check(&w.r[1], &w.r[4]));
	assert_false(hd_sched_same_check(&w.r[2], &w.r[5]));
	w.v2[1].checkinterval_ms = 800;
	assert_false(hd_sched_same_check(&w.r[0], &w.r[3]));
	w.v2[1].checkinterval_ms = 400;
	w.v2[1].checktype = HD_CT_CONNECT;
	assert_false(hd_sched_same_check(&w.r[0], &w.r[3]));
	/* A connect check sends nothing: another service or receive (set
	 * from the virtual's port) does not make it another check. */
	w.v2[0].checktype = HD_CT_CONNECT;
	w.r[4].target.service = HD_SVC_NONE;
	assert_true(hd_sched_same_check(&w.r[1], &w.r[4]));
	w.r[4].target.service = HD_SVC_HTTP;
	w.v2[0].checktype = w.v2[1].checktype = HD_CT_ON;
	assert_false(hd_sched_same_check(&w.r[0], &w.r[3]));
	w.v2[0].checktype = w.v2[1].checktype = HD_CT_NEGOTIATE;

	assert_int_equal(hd_sched_all(w.s, w.v2, 2), 0);
	assert_ptr_equal(w.r[3].slot, w.r[0].slot);
	for (int i = 1; i < 6; i++)
		for (int j = 0; j < i; j++)
			if (!(i == 3 && j == 0))
				assert_ptr_not_equal(w.r[i].slot, w.r[j].slot);
	world_run(350);                 /* the first round: 5 checks */
	assert_int_equal(w.nstarts[0] + w.nstarts[3], 1);
	assert_int_equal(w.nstarts[0], 1);
	assert_int_equal(w.ndone[3], 1);
	for (int i = 1; i < 6; i++)
		if (i != 3)
			assert_int_equal(w.nstarts[i], 1);
	/* 5 checks over 400 ms: 80 ms apart in the file's order. */
	assert_true(w.starts[5][0] >= 4 * 80 - EARLY_MS);
	assert_true(w.starts[4][0] >= 3 * 80 - EARLY_MS);
	world_down(6);
}

static void nofile_raised(void **state)
{
	(void)state;
	struct rlimit rl = { 256, 0 };
	unsigned n;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max > 512 ? 512 : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	n = hd_sched_limit_nofile();
	getrlimit(RLIMIT_NOFILE, &rl);
	assert_int_equal(rl.rlim_cur, rl.rlim_max);
	assert_true(n >= 1 && n * 3 + 64 <= (rl.rlim_cur == RLIM_INFINITY ? ~0u : rl.rlim_cur));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spread_and_period),
		cmocka_unit_test(hang_does_not_delay),
		cmocka_unit_test(bound_concurrent),
		cmocka_unit_test(start_failure_is_failed),
		cmocka_unit_test(nofile_raised),
		cmocka_unit_test(shared_check_once),
		cmocka_unit_test(sched_all_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
