// SPDX-License-Identifier: GPL-2.0
/*
 * table_apply's deferred mode (table_apply.h): while the daemon runs, the
 * edits its checks call for queue up and go to the table together.  Each
 * batch reads the whole table once (libxlvs lists it, it has no lookup of
 * one server), so five thousand servers coming up at start-up must not be
 * five thousand batches.  Nothing waits on the network with the lock held:
 * the queue is applied from the loop, in one go.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_log.h"

#include "table_apply.h"

bool hd_tbl_queue(struct hd_table *t, const struct hd_tbl_op *op)
{
	if (t->nq == t->qcap) {
		size_t cap = t->qcap ? 2 * t->qcap : 64;
		struct hd_tbl_op *n = realloc(t->q, cap * sizeof(*n));

		if (!n)
			return false;   /* the caller applies it now */
		t->q = n;
		t->qcap = cap;
	}
	t->q[t->nq++] = *op;
	if (t->nq == 1 && t->kick)
		t->kick(t->kick_arg);
	return true;
}

/* A REMOVE's or RESTORE's turn: a deletion or an add takes the later ones
 * of its virtual along (hd_tbl_remove_batch, hd_tbl_restore_batch); one a
 * batch did has only its line to write. */
static void defer_edit(struct hd_table *t, size_t i)
{
	struct hd_tbl_op *op = &t->q[i];

	if (!op->done && op->kind == HD_TBL_RESTORE)
		hd_tbl_restore_batch(t, i);
	else if (!op->done && !op->quiescent)
		hd_tbl_remove_batch(t, i);
	if (op->done) {
		if (op->msg)
			hd_log("%s", op->msg);
		free(op->msg);
	} else if (op->kind == HD_TBL_RESTORE) {
		hd_tbl_restore(t, op->v, &op->d, op->tag);
	} else {
		hd_tbl_remove(t, op->v, &op->d, op->tag, op->quiescent, op->readd);
	}
}

void hd_tbl_flush(struct hd_table *t)
{
	bool was = t->defer;

	if (t->nq == 0)
		return;
	t->defer = false;
	if (hd_tbl_begin(t) < 0) {
		/* Logged once; the edits are lost as a failed ipvsadm's. */
		for (size_t i = 0; i < t->nq; i++)
			if (t->q[i].kind == HD_TBL_LOG || t->q[i].kind == HD_TBL_RUN) {
				if (t->q[i].kind == HD_TBL_RUN)
					t->q[i].run(t->q[i].run_arg, t->q[i].msg);
				else
					hd_log("%s", t->q[i].msg);
				free(t->q[i].msg);
			}
		t->nq = 0;
		t->defer = was;
		return;
	}
	/* An edit logged here may queue nothing more: defer is off. */
	for (size_t i = 0; i < t->nq; i++) {
		struct hd_tbl_op *op = &t->q[i];

		if (op->kind == HD_TBL_RESTORE || op->kind == HD_TBL_REMOVE) {
			defer_edit(t, i);
		} else {
			if (op->kind == HD_TBL_RUN)
				op->run(op->run_arg, op->msg);
			else
				hd_log("%s", op->msg);
			free(op->msg);
		}
	}
	hd_tbl_end(t);
	t->nq = 0;
	t->defer = was;
}

void hd_tbl_defer(struct hd_table *t, bool on, void (*kick)(void *arg), void *arg)
{
	if (!on)
		hd_tbl_flush(t);
	t->defer = on;
	t->kick = kick;
	t->kick_arg = arg;
	if (!on) {
		free(t->q);
		t->q = NULL;
		t->nq = t->qcap = 0;
	}
}

void hd_tbl_log(struct hd_table *t, const char *fmt, ...)
{
	struct hd_tbl_op op = { .kind = HD_TBL_LOG };
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->defer) {
		op.msg = strdup(msg);
		if (op.msg && hd_tbl_queue(t, &op))
			return;
		free(op.msg);
	}
	hd_log("%s", msg);
}

void hd_tbl_run(struct hd_table *t, void (*run)(void *arg, const char *cmd),
		void *arg, const char *cmd)
{
	struct hd_tbl_op op = { .kind = HD_TBL_RUN, .run = run, .run_arg = arg };

	if (t->defer) {
		op.msg = strdup(cmd);
		if (op.msg && hd_tbl_queue(t, &op))
			return;
		free(op.msg);
	}
	run(arg, cmd);
}
