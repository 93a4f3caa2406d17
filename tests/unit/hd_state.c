// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd's state machine (server_state, server_start, fallback,
 * table_apply) over an in-memory table, against a model of ldirectord
 * 4.12 written from its perl source (hd_state/model.c): random check
 * results, maintenance and outside deletions must give the same table,
 * the same log lines and the same fallbackcommand runs; and cases with
 * ldirectord's exact wording spelt out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_table.h"
#include "fallback.h"
#include "hd_log.h"
#include "maintenance.h"
#include "model.h"
#include "monitor.h"
#include "reload.h"
#include "server_state.h"

struct ours {
	struct fake_table ft;
	struct hd_table tbl;
	struct hd_globals g;
	struct hd_vs v;
	struct hd_rs reals[M_REALS];
	struct hd_state st;
	char log[256][256];
	int nlog;
	char cmds[64][256];
	int ncmds;
};

static void sink(void *arg, const char *msg)
{
	struct ours *o = arg;

	/* Our own check-result lines are not ldirectord's. */
	if (!strncmp(msg, "Check ", 6) || o->nlog >= 256)
		return;
	snprintf(o->log[o->nlog++], sizeof(o->log[0]), "%s", msg);
}

static void spawn(void *arg, const char *cmd)
{
	struct ours *o = arg;

	if (o->ncmds < 64)
		snprintf(o->cmds[o->ncmds++], sizeof(o->cmds[0]), "%s", cmd);
}

static const struct { const char *ip; int port, weight; const char *fwd; } reals[] = {
	{ "10.0.0.3", 80, 3, "gate" },
	{ "10.0.0.4", 80, 2, "gate" },
	{ "10.0.0.5", 8080, 1, "masq" },
};
#define NREALS 3

struct params {
	bool quiescent, readd, fallback;
	unsigned failurecount;
	enum hd_checktype ct;
};

static void ep(const char *ip, int port, struct xlvs_endpoint *e)
{
	assert_int_equal(xlvs_endpoint_parse(ip, false, e), 0);
	e->port = (uint16_t)port;
}

static void ours_init(struct ours *o, const struct params *p)
{
	memset(o, 0, sizeof(*o));
	hd_table_init(&o->tbl, &fake_table_ops, &o->ft);
	o->g.readdquiescent = p->readd;
	struct hd_vs *v = &o->v;

	v->svc.proto = IPPROTO_TCP;
	ep("10.0.0.1", 80, &v->svc.vip);
	snprintf(v->svc.sched, sizeof(v->svc.sched), "wrr");
	v->svc.netmask = 0xffffffff;
	hd_vs_names(v);
	v->checktype = p->ct;
	v->num_connects = 2;
	v->failurecount = p->failurecount;
	v->checkinterval_ms = v->checktimeout_ms = v->negotiatetimeout_ms = 1000;
	v->quiescent = p->quiescent;
	v->cleanstop = true;
	v->has_fallback = p->fallback;
	ep("10.0.0.9", 80, &v->fallback.addr);
	v->fallback.fwd = XLVS_FWD_DROUTE;
	v->fallback.weight = 1;
	v->fallbackcommand = "/bin/fb";
	v->reals = o->reals;
	v->nreals = NREALS;
	for (int i = 0; i < NREALS; i++) {
		struct hd_rs *r = &o->reals[i];

		r->v = v;
		ep(reals[i].ip, reals[i].port, &r->conf.addr);
		r->conf.weight = reals[i].weight;
		r->conf.fwd = strcmp(reals[i].fwd, "masq") ? XLVS_FWD_DROUTE
							   : XLVS_FWD_MASQ;
		r->target.service = HD_SVC_HTTP;
	}
	o->st.tbl = &o->tbl;
	o->st.g = &o->g;
	o->st.virtuals = v;
	o->st.nvirtuals = 1;
	o->st.spawn = spawn;
	o->st.spawn_arg = o;
	hd_log_set_sink(sink, o, true);
}

static void model_init(struct m_world *w, const struct params *p)
{
	memset(w, 0, sizeof(*w));
	w->readdquiescent = p->readd;
	struct m_virtual *v = &w->v;

	snprintf(v->server, sizeof(v->server), "10.0.0.1");
	v->port = 80;
	v->protocol = "tcp";
	v->quiescent = p->quiescent;
	v->failurecount = (int)p->failurecount;
	v->nreal = NREALS;
	for (int i = 0; i < NREALS; i++) {
		snprintf(v->real[i].server, sizeof(v->real[i].server), "%s", reals[i].ip);
		v->real[i].port = reals[i].port;
		v->real[i].weight = reals[i].weight;
		v->real[i].forward = reals[i].fwd;
	}
	v->has_fallback = p->fallback;
	snprintf(v->fallback.server, sizeof(v->fallback.server), "10.0.0.9");
	v->fallback.port = 80;
	v->fallback.forward = "gate";
	v->fallbackcommand = "/bin/fb";
}

/* The two tables hold the same entries at the same weights. */
static void tables_equal(struct ours *o, struct m_world *w, const char *when)
{
	struct ft_service *s = ft_find(&o->ft, IPPROTO_TCP, &o->v.svc.vip);
	unsigned n = 0;
	char key[64];

	assert_non_null(s);
	for (int i = 0; i < M_ENTRIES; i++) {
		struct m_entry *e = &w->v.table[i];
		struct xlvs_endpoint a;
		struct xlvs_dest_conf *d;

		if (!e->used)
			continue;
		n++;
		snprintf(key, sizeof(key), "%s", e->key);
		*strrchr(key, ':') = '\0';
		ep(key, atoi(strrchr(e->key, ':') + 1), &a);
		d = ft_dest(s, &a);
		if (!d || d->weight != e->weight)
			fail_msg("%s: %s weight %d in the model, %d here", when,
				 e->key, e->weight, d ? d->weight : -1);
	}
	if (n != s->ndests)
		fail_msg("%s: %u entries in the model, %u here", when, n, s->ndests);
}

static void logs_equal(struct ours *o, struct m_world *w, const char *when)
{
	for (int i = 0; i < w->nlog || i < o->nlog; i++) {
		const char *m = i < w->nlog ? w->log[i] : "(none)";
		const char *u = i < o->nlog ? o->log[i] : "(none)";

		if (strcmp(m, u))
			fail_msg("%s: log line %d: model \"%s\", ours \"%s\"", when,
				 i, m, u);
	}
	for (int i = 0; i < w->ncmds || i < o->ncmds; i++)
		if (i >= w->ncmds || i >= o->ncmds || strcmp(w->cmds[i], o->cmds[i]))
			fail_msg("%s: fallbackcommand %d: model \"%s\", ours \"%s\"",
				 when, i, i < w->ncmds ? w->cmds[i] : "(none)",
				 i < o->ncmds ? o->cmds[i] : "(none)");
	o->nlog = w->nlog = 0;
	o->ncmds = w->ncmds = 0;
}

static void states_equal(struct ours *o, struct m_world *w, const char *when)
{
	for (int i = 0; i < NREALS; i++) {
		if (o->reals[i].up != w->v.real_status[i])
			fail_msg("%s: real %d up %d in the model, %d here", when, i,
				 w->v.real_status[i], o->reals[i].up);
		if ((int)o->reals[i].failcount != w->v.real[i].failcount)
			fail_msg("%s: real %d failcount %d in the model, %u here",
				 when, i, w->v.real[i].failcount,
				 o->reals[i].failcount);
	}
	assert_int_equal(o->v.fallback_up, w->v.fallback_status);
	assert_string_equal(o->v.fallbackcommand_status == 1 ? "start" :
			    o->v.fallbackcommand_status == 2 ? "stop" : "-",
			    w->v.fallbackcommand_status ? w->v.fallbackcommand_status : "-");
}

static const char *entry_key(int i)
{
	static char key[48];

	snprintf(key, sizeof(key), "%s:%d", reals[i].ip,
		 strcmp(reals[i].fwd, "masq") ? 80 : reals[i].port);
	return key;
}

/* One run: start-up from an empty table, then steps random events. */
static void model_run(const struct params *p, unsigned seed, int steps)
{
	static struct ours o;
	static struct m_world w;
	char when[96];

	ours_init(&o, p);
	model_init(&w, p);
	hd_state_start(&o.st);
	m_ld_start(&w);
	snprintf(when, sizeof(when), "q%d r%d f%d fc%u: start", p->quiescent,
		 p->readd, p->fallback, p->failurecount);
	tables_equal(&o, &w, when);
	states_equal(&o, &w, when);
	o.nlog = w.nlog = o.ncmds = w.ncmds = 0;   /* start's wording differs */
	srand(seed);
	for (int s = 0; s < steps; s++) {
		int i = rand() % NREALS, op = rand() % 10;
		struct hd_rs *r = &o.reals[i];

		snprintf(when, sizeof(when), "q%d r%d f%d fc%u: step %d op %d real %d",
			 p->quiescent, p->readd, p->fallback, p->failurecount, s, op, i);
		if (op < 8) {
			bool ok = op < 4;

			assert_true(hd_state_due(&o.st, r));
			hd_state_result(&o.st, r, ok, ok ? "" : "Connection refused");
			m_service_set(&w, i, ok, false);
		} else if (op == 8) {
			hd_state_set(&o.st, r, false, true);   /* maintenance */
			m_service_set(&w, i, false, true);
		} else {
			struct xlvs_endpoint a;

			ep(reals[i].ip, strcmp(reals[i].fwd, "masq") ? 80 : reals[i].port, &a);
			ft_dest_remove(ft_find(&o.ft, IPPROTO_TCP, &o.v.svc.vip), &a);
			m_entry_del(&w.v, entry_key(i));
		}
		logs_equal(&o, &w, when);
		tables_equal(&o, &w, when);
		states_equal(&o, &w, when);
		assert_int_equal(o.ft.open, 0);     /* never left locked */
	}
	hd_log_set_sink(NULL, NULL, false);
}

static void model_random(void **state)
{
	(void)state;
	unsigned seed = 1;

	for (int q = 0; q < 2; q++)
		for (int rq = 0; rq < 2; rq++)
			for (int fb = 0; fb < 2; fb++)
				for (unsigned fc = 1; fc <= 3; fc++) {
					struct params p = { q, rq, fb, fc, HD_CT_CONNECT };

					model_run(&p, seed++, 400);
				}
}

#define LOG_IS(o, i, s) assert_string_equal((o)->log[i], s)

static void wording_soft_failure(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { true, false, true, 3, HD_CT_CONNECT };
	struct hd_rs *r = &o.reals[0];

	ours_init(&o, &p);
	hd_state_start(&o.st);
	o.nlog = o.ncmds = 0;
	hd_state_due(&o.st, r);
	hd_state_result(&o.st, r, true, "");
	LOG_IS(&o, 0, "Resetting soft failure count: 10.0.0.3:80 (tcp:10.0.0.1:80)");
	LOG_IS(&o, 1, "Restored real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 3)");
	LOG_IS(&o, 2, "Deleted fallback server: 10.0.0.9:80 (10.0.0.1:80)");
	assert_int_equal(o.nlog, 3);
	o.nlog = 0;
	for (int k = 0; k < 3; k++)
		hd_state_result(&o.st, r, false, "Connection refused");
	LOG_IS(&o, 0, "Soft failure real server: 10.0.0.3:80 (tcp:10.0.0.1:80) failure 1/3");
	LOG_IS(&o, 1, "Soft failure real server: 10.0.0.3:80 (tcp:10.0.0.1:80) failure 2/3");
	LOG_IS(&o, 2, "Quiescent real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 0)");
	LOG_IS(&o, 3, "Added fallback server: 10.0.0.9:80 (10.0.0.1:80) (Weight set to 1)");
	assert_int_equal(o.nlog, 4);
	assert_int_equal(o.ncmds, 2);
	assert_string_equal(o.cmds[0], "/bin/fb stop 10.0.0.1:80 tcp");
	assert_string_equal(o.cmds[1], "/bin/fb start 10.0.0.1:80 tcp");
	hd_log_set_sink(NULL, NULL, false);
}

/* A soft failure followed by a success resets the count: the next
 * failure is 1/N again, not the last straw. */
static void wording_reset(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { false, false, false, 2, HD_CT_CONNECT };
	struct hd_rs *r = &o.reals[1];

	ours_init(&o, &p);
	hd_state_start(&o.st);
	hd_state_result(&o.st, r, true, "");
	o.nlog = 0;
	hd_state_result(&o.st, r, false, "x");
	hd_state_result(&o.st, r, true, "");
	hd_state_result(&o.st, r, false, "x");
	LOG_IS(&o, 0, "Soft failure real server: 10.0.0.4:80 (tcp:10.0.0.1:80) failure 1/2");
	LOG_IS(&o, 1, "Resetting soft failure count: 10.0.0.4:80 (tcp:10.0.0.1:80)");
	LOG_IS(&o, 2, "Soft failure real server: 10.0.0.4:80 (tcp:10.0.0.1:80) failure 1/2");
	assert_int_equal(o.nlog, 3);
	hd_state_result(&o.st, r, false, "x");
	LOG_IS(&o, 3, "Deleted real server: 10.0.0.4:80 (10.0.0.1:80)");
	hd_log_set_sink(NULL, NULL, false);
}

/* checktype=N: a negotiate first (ld_setup's 999999), then N connects, a
 * negotiate, ...; a failed connect forces a negotiate next. */
static void combined_sequence(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { true, false, false, 1, HD_CT_COMBINED };
	struct hd_rs *r = &o.reals[0];
	const enum hd_check_kind N = HD_CHECK_NEGOTIATE, C = HD_CHECK_CONNECT;
	const enum hd_check_kind want[] = { N, C, C, N, C, N, C, C, N };
	const bool ok[] = { 1, 1, 1, 1, 0, 1, 1, 1, 1 };

	ours_init(&o, &p);
	hd_state_start(&o.st);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_true(hd_state_due(&o.st, r));
		if (r->target.kind != want[i])
			fail_msg("check %zu: kind %d, want %d", i, r->target.kind, want[i]);
		hd_state_result(&o.st, r, ok[i], ok[i] ? "" : "refused");
	}
	hd_log_set_sink(NULL, NULL, false);
}

/* A failed negotiate of a combined check is retried as a negotiate. */
static void combined_negotiate_fails(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { true, false, false, 1, HD_CT_COMBINED };
	struct hd_rs *r = &o.reals[0];

	ours_init(&o, &p);
	hd_state_start(&o.st);
	for (int i = 0; i < 3; i++) {
		assert_true(hd_state_due(&o.st, r));
		assert_int_equal(r->target.kind, HD_CHECK_NEGOTIATE);
		hd_state_result(&o.st, r, false, "receive string not found");
	}
	hd_log_set_sink(NULL, NULL, false);
}

/* A service already in the table is changed, not re-created; a server
 * already in it at its weight is left alone (its connections stay); one
 * the file does not name is purged; the fallback stays out while one is up. */
static void start_keeps_matching(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { true, false, true, 1, HD_CT_CONNECT };
	struct xlvs_dest_conf d = { .fwd = XLVS_FWD_DROUTE, .weight = 3 };
	struct ft_service *s;

	ours_init(&o, &p);
	o.ft.svc[0].used = true;
	o.ft.svc[0].conf = o.v.svc;
	snprintf(o.ft.svc[0].conf.sched, sizeof(o.ft.svc[0].conf.sched), "rr");
	s = &o.ft.svc[0];
	ep("10.0.0.3", 80, &d.addr);
	s->dests[s->ndests++] = d;
	ep("10.0.0.7", 80, &d.addr);
	s->dests[s->ndests++] = d;
	ep("10.0.0.9", 80, &d.addr);     /* the fallback, left by a last run */
	d.weight = 1;
	s->dests[s->ndests++] = d;
	hd_state_start(&o.st);
	LOG_IS(&o, 0, "Changed virtual server: 10.0.0.1:80");
	/* The server up: fallback_off deletes a fallback that is there. */
	LOG_IS(&o, 1, "Deleted fallback server: 10.0.0.9:80 (10.0.0.1:80)");
	LOG_IS(&o, 2, "Purged real server (start): 10.0.0.7:80 (10.0.0.1:80)");
	LOG_IS(&o, 3, "Readd Quiescent real server: 10.0.0.4:80 (10.0.0.1:80) (Weight set to 0)");
	LOG_IS(&o, 4, "Readd Quiescent real server: 10.0.0.5:8080 (10.0.0.1:80) (Weight set to 0)");
	assert_int_equal(o.nlog, 5);
	assert_string_equal(s->conf.sched, "wrr");
	assert_true(o.reals[0].up);
	assert_false(o.v.fallback_up);
	ep("10.0.0.3", 80, &d.addr);
	assert_int_equal(ft_dest(s, &d.addr)->weight, 3);
	ep("10.0.0.7", 80, &d.addr);
	assert_null(ft_dest(s, &d.addr));
	assert_int_equal(o.ncmds, 1);
	assert_string_equal(o.cmds[0], "/bin/fb stop 10.0.0.1:80 tcp");
	hd_log_set_sink(NULL, NULL, false);
}

/* cleanstop=yes: its servers and the service go; no: all stays. */
static void stop_cleanstop(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { true, false, true, 1, HD_CT_CONNECT };

	ours_init(&o, &p);
	unsigned edits;

	hd_state_start(&o.st);
	hd_state_result(&o.st, &o.reals[1], true, "");
	hd_state_result(&o.st, &o.reals[2], true, "");
	o.v.cleanstop = false;
	hd_state_stop(&o.st);
	assert_non_null(ft_find(&o.ft, IPPROTO_TCP, &o.v.svc.vip));
	o.v.cleanstop = true;
	o.nlog = 0;
	edits = o.ft.edits;
	hd_state_stop(&o.st);
	assert_null(ft_find(&o.ft, IPPROTO_TCP, &o.v.svc.vip));
	LOG_IS(&o, 0, "Purged real server (stop): 10.0.0.4:80 (10.0.0.1:80)");
	LOG_IS(&o, 1, "Purged real server (stop): 10.0.0.5:8080 (10.0.0.1:80)");
	LOG_IS(&o, 2, "Purged virtual server (stop): 10.0.0.1:80");
	assert_int_equal(o.nlog, 3);
	/* The service's deletion took its servers: none deleted one by one. */
	assert_int_equal(o.ft.edits - edits, 0);
	assert_int_equal(o.v.nup, 0);
	hd_log_set_sink(NULL, NULL, false);
}

/* One state change is one batch: the table is opened once for it, and
 * read once however many entries the batch adds. */
static void one_open_per_change(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { true, false, true, 1, HD_CT_CONNECT };
	unsigned before;

	ours_init(&o, &p);
	hd_state_start(&o.st);
	assert_int_equal(o.ft.opens, 1);
	/* One read after the service is added; our own adds kept in it. */
	assert_int_equal(o.ft.snapshots, 2);
	before = o.ft.opens;
	hd_state_result(&o.st, &o.reals[0], true, "");   /* restore + fallback off */
	assert_int_equal(o.ft.opens, before + 1);
	before = o.ft.opens;
	hd_state_result(&o.st, &o.reals[0], true, "");   /* no change: no edit */
	assert_int_equal(o.ft.opens, before + 1);
	hd_log_set_sink(NULL, NULL, false);
}

static void kick(void *arg)
{
	(*(int *)arg)++;
}

/* Deferred (the daemon's mode): changes queue, one kick asks for a flush,
 * and the flush applies them in order in one batch, logged as a direct
 * run logs them. */
/* results[i] for server i, in order, through hd_state_result (deferred
 * mode flushed at the end when defer); the log lines from the first. */
static void run_results(struct ours *o, const int *res, int n, bool defer)
{
	int kicks = 0;

	if (defer)
		hd_tbl_defer(&o->tbl, true, kick, &kicks);
	for (int k = 0; k < n; k++)
		hd_state_result(&o->st, &o->reals[res[k] & 0xff], res[k] >> 8, "x");
	if (defer) {
		hd_tbl_flush(&o->tbl);
		hd_tbl_defer(&o->tbl, false, NULL, NULL);
	}
}

/* quiescent=no, deferred: the deletions (adds) of one flush of a
 * virtual's servers go to the table in one dest_del_many (dest_add_many),
 * as far as the next other edit of that virtual (a restore, the
 * fallback's add or deletion), and the log is line for line what one
 * edit at a time writes. */
static void deferred_deletes_batched(void **state)
{
	(void)state;
	static struct ours o;
	static char direct[64][256];
	struct params p = { false, false, true, 1, HD_CT_CONNECT };
	/* server | up << 8 */
	static const int up_all[] = { 0x100, 0x101, 0x102 };
	static const int down_all[] = { 0, 1, 2 };
	static const int mixed[] = { 0, 0x102, 1 };
	/* The fallback's deletion after the first server up ends a batch of
	 * adds; a restore between two deletions ends theirs. */
	const struct { const int *r; int n; unsigned dels, adds; } steps[] = {
		{ up_all, 3, 0, 1 }, { down_all, 3, 1, 0 }, { up_all, 2, 0, 0 },
		{ mixed, 3, 0, 0 },
	};
	int n = 0;

	ours_init(&o, &p);
	hd_state_start(&o.st);
	o.nlog = 0;
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		run_results(&o, steps[s].r, steps[s].n, false);
	n = o.nlog;
	memcpy(direct, o.log, sizeof(direct));
	ours_init(&o, &p);
	hd_state_start(&o.st);
	o.nlog = 0;
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		unsigned dels = o.ft.del_many_calls, adds = o.ft.add_many_calls;

		run_results(&o, steps[s].r, steps[s].n, true);
		if (o.ft.del_many_calls - dels != steps[s].dels ||
		    o.ft.add_many_calls - adds != steps[s].adds)
			fail_msg("step %zu: %u deletion and %u add batches, not %u and %u",
				 s, o.ft.del_many_calls - dels, o.ft.add_many_calls - adds,
				 steps[s].dels, steps[s].adds);
	}
	assert_int_equal(o.nlog, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(o.log[i], direct[i]);
	/* The batch's lines are there, before the fallback's. */
	for (n = 0; n < o.nlog; n++)
		if (!strcmp(o.log[n], "Deleted real server: 10.0.0.5:8080 (10.0.0.1:80)"))
			break;
	assert_true(n >= 2 && n + 1 < o.nlog);
	assert_string_equal(o.log[n - 2], "Deleted real server: 10.0.0.3:80 (10.0.0.1:80)");
	assert_string_equal(o.log[n + 1], "Added fallback server: 10.0.0.9:80 (10.0.0.1:80) (Weight set to 1)");
	hd_log_set_sink(NULL, NULL, false);
}

static void deferred_batch(void **state)
{
	(void)state;
	static struct ours o;
	static char direct[16][256];
	struct params p = { true, false, true, 1, HD_CT_CONNECT };
	int kicks = 0, n;
	unsigned opens;

	ours_init(&o, &p);
	hd_state_start(&o.st);
	o.nlog = 0;
	for (int i = 0; i < NREALS; i++)
		hd_state_result(&o.st, &o.reals[i], true, "");
	n = o.nlog;
	memcpy(direct, o.log, sizeof(direct));
	ours_init(&o, &p);
	hd_state_start(&o.st);
	o.nlog = 0;
	hd_tbl_defer(&o.tbl, true, kick, &kicks);
	opens = o.ft.opens;
	for (int i = 0; i < NREALS; i++)
		hd_state_result(&o.st, &o.reals[i], true, "");
	assert_int_equal(o.ft.opens, opens);       /* nothing yet */
	assert_int_equal(kicks, 1);
	assert_int_equal(o.ft.svc[0].dests[0].weight, 0);
	hd_tbl_flush(&o.tbl);
	assert_int_equal(o.ft.opens, opens + 1);
	assert_int_equal(o.nlog, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(o.log[i], direct[i]);
	assert_true(o.ft.snapshots <= 4);
	hd_tbl_defer(&o.tbl, false, NULL, NULL);
	hd_log_set_sink(NULL, NULL, false);
}

/* Reload applies only what changed: the same server stays as it is
 * (no edit, its state and since kept), a new weight is restored, a server
 * no longer named is purged, a new one starts down at weight 0, the
 * service with the same scheduler is not edited. */
static void reload_only_changes(void **state)
{
	(void)state;
	static struct ours o;
	static struct hd_rs nr[3];
	struct params p = { true, false, true, 1, HD_CT_CONNECT };
	struct hd_vs nv;
	struct ft_service *s;
	struct xlvs_endpoint a;
	time_t since0;

	ours_init(&o, &p);
	hd_state_start(&o.st);
	for (int i = 0; i < NREALS; i++)
		hd_state_result(&o.st, &o.reals[i], true, "");
	o.reals[0].since = since0 = 12345;
	nv = o.v;
	nv.reals = nr;
	nv.nreals = 3;
	nv.nup = 0;
	nv.fallback_up = false;
	nv.fallbackcommand_status = 0;
	memset(nr, 0, sizeof(nr));
	for (int i = 0; i < 3; i++) {
		nr[i].v = &nv;
		nr[i].conf = o.reals[i].conf;
		nr[i].target = o.reals[i].target;
	}
	nr[1].conf.weight = 5;
	ep("10.0.0.6", 80, &nr[2].conf.addr);   /* 10.0.0.5:8080 no more */
	nr[2].conf.weight = 4;
	nr[2].conf.fwd = XLVS_FWD_DROUTE;
	o.nlog = o.ncmds = 0;
	hd_reload_apply(&o.st, &nv, 1);
	LOG_IS(&o, 0, "Restored real server: 10.0.0.4:80 (10.0.0.1:80) (Weight set to 5)");
	LOG_IS(&o, 1, "Purged real server (start): 10.0.0.5:8080 (10.0.0.1:80)");
	LOG_IS(&o, 2, "Readd Quiescent real server: 10.0.0.6:80 (10.0.0.1:80) (Weight set to 0)");
	assert_int_equal(o.nlog, 3);
	assert_int_equal(o.ncmds, 0);          /* still "stop": not run again */
	assert_true(nr[0].up && nr[1].up && !nr[2].up);
	assert_int_equal(nr[0].since, since0);
	assert_int_equal(nv.nup, 2);
	s = ft_find(&o.ft, IPPROTO_TCP, &nv.svc.vip);
	ep("10.0.0.3", 80, &a);
	assert_int_equal(ft_dest(s, &a)->weight, 3);
	assert_ptr_equal(o.st.virtuals, &nv);
	hd_log_set_sink(NULL, NULL, false);
}

static void cf_err(void *arg, const char *msg)
{
	(void)arg;
	fail_msg("config: %s", msg);
}

/* monitorfile's name of a server, worked out by hand from ldirectord's
 * get_real_id_str, tr/:/ /s and s/\\//g: "::" squeezed to one space, a
 * quotemeta'd colon a space of its own. */
static void monitor_id_as_ldirectord(void **state)
{
	(void)state;
	static const char cf[] =
		"virtual=10.77.0.100:80\n"
		"\treal=10.77.0.103:80 gate 3\n"
		"\tservice=http\n\tcheckport=80\n\tchecktype=connect\n"
		"\trequest=\"index.html\"\n\treceive=\"Test Page\"\n"
		"virtual=10.77.0.100:81\n"
		"\treal=10.77.0.104:81 masq 2\n"
		"\tchecktype=negotiate\n\tservice=http\n"
		"\treceive=\"a::b:c\"\n";
	struct hd_config *c = NULL;
	char id[512];

	assert_int_equal(hd_config_parse("t.cf", cf, sizeof(cf) - 1, HD_CF_NO_RESOLVE,
					 &c, cf_err, NULL), 0);
	hd_monitor_id(&c->virtuals[0], &c->virtuals[0].reals[0], id, sizeof(id));
	assert_string_equal(id, "connect tcp 10.77.0.103 80 80 3 gate /index.html Test Page");
	hd_monitor_id(&c->virtuals[1], &c->virtuals[1].reals[0], id, sizeof(id));
	assert_string_equal(id, "negotiate http tcp 10.77.0.104 81 2 masq / a  b c");
	hd_config_free(c);
}

static void maint_shortname(void **state)
{
	(void)state;
	char b[64];

	hd_maint_shortname("node1.example.com", b, sizeof(b));
	assert_string_equal(b, "node1");
	hd_maint_shortname("Node1.example.com", b, sizeof(b));
	assert_string_equal(b, "");          /* ldirectord's [a-z] first */
	hd_maint_shortname("node1", b, sizeof(b));
	assert_string_equal(b, "");          /* no dot */
	hd_maint_shortname("n.example.com", b, sizeof(b));
	assert_string_equal(b, "");          /* [a-z0-9-]+ needs one more */
	hd_maint_shortname("web_1.example.com", b, sizeof(b));
	assert_string_equal(b, "");
}

/* Each of ldirectord's six names forces the server down while it exists. */
static void maint_files(void **state)
{
	(void)state;
	static struct ours o;
	struct params p = { true, false, false, 1, HD_CT_CONNECT };
	const char *names[] = { "10.0.0.3:80", "10.0.0.3", "node1.example.com:80",
				"node1.example.com", "node1:80", "node1" };
	char dir[] = "/tmp/hd_maint_XXXXXX", path[128];
	struct hd_rs *r = &o.reals[0];

	assert_non_null(mkdtemp(dir));
	ours_init(&o, &p);
	o.g.maintenancedir = dir;
	snprintf(r->maint_names[0], sizeof(r->maint_names[0]), "node1.example.com");
	snprintf(r->maint_names[1], sizeof(r->maint_names[1]), "node1");
	hd_state_start(&o.st);
	for (int i = 0; i < 6; i++) {
		assert_true(hd_state_due(&o.st, r));
		hd_state_result(&o.st, r, true, "");
		assert_true(r->up);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fclose(fopen(path, "w"));
		assert_false(hd_state_due(&o.st, r));
		assert_false(r->up);
		assert_string_equal(r->last_why, "Server in maintenance");
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/10.0.0.3:81", dir);
	fclose(fopen(path, "w"));
	assert_true(hd_state_due(&o.st, r));     /* another port: not this one */
	unlink(path);
	rmdir(dir);
	hd_log_set_sink(NULL, NULL, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(model_random),
		cmocka_unit_test(wording_soft_failure),
		cmocka_unit_test(wording_reset),
		cmocka_unit_test(combined_sequence),
		cmocka_unit_test(combined_negotiate_fails),
		cmocka_unit_test(start_keeps_matching),
		cmocka_unit_test(stop_cleanstop),
		cmocka_unit_test(one_open_per_change),
		cmocka_unit_test(deferred_batch),
		cmocka_unit_test(deferred_deletes_batched),
		cmocka_unit_test(reload_only_changes),
		cmocka_unit_test(monitor_id_as_ldirectord),
		cmocka_unit_test(maint_shortname),
		cmocka_unit_test(maint_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
