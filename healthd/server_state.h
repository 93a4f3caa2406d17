/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The real servers' state machine, as ldirectord's service_set,
 * _service_up and _service_down, ld_start and ld_stop: a check's result
 * moves a server up or down (failurecount consecutive failures; the ones
 * below it are logged "Soft failure"), which restores it, makes it
 * quiescent or deletes it in the table, and turns the virtual's fallback
 * on or off.  Everything here runs synchronously on the loop; table edits
 * open the table only for their own batch.
 */
#ifndef XLVS_HEALTHD_SERVER_STATE_H
#define XLVS_HEALTHD_SERVER_STATE_H

#include <stdbool.h>

#include "hd_model.h"
#include "table_apply.h"

/* Runs a shell command line without waiting for it (fallbackcommand). */
typedef void (*hd_spawn_fn)(void *arg, const char *cmdline);

struct hd_state {
	struct hd_table *tbl;
	const struct hd_globals *g;
	struct hd_vs *virtuals;
	size_t nvirtuals;
	const char *fallbackcommand;    /* the global one; NULL: none */
	hd_spawn_fn spawn;
	void *spawn_arg;
	unsigned long changes;          /* bumped by every change status shows
					 * but the time: up/down, a check's
					 * result or reason, start, reload */
};

/* service_set: up or down; force as ldirectord's {force => 1} (acts even
 * when the server is already in that state; a forced down skips the soft
 * failures). */
void hd_state_set(struct hd_state *st, struct hd_rs *r, bool up, bool force);

/* What the scheduler does when r is due: false when no check is to run
 * (checktype off; on, negotiate without a service and maintenance change
 * the state here), else true with r->target.kind and timeout_ms set. */
bool hd_state_due(struct hd_state *st, struct hd_rs *r);
/* A check of kind r->target.kind ended: the combined count, the log of a
 * changed result, and service_set. */
void hd_state_result(struct hd_state *st, struct hd_rs *r, bool ok,
		     const char *why);

/* ld_start: every virtual service added or changed, each real server that
 * is in the table with a weight set up (restored to its configured weight
 * and thresholds), the others down (quiescent: at weight 0; else absent),
 * entries the file does not name purged, and the fallback on where no
 * server is up.  Services the file does not name are left alone. */
void hd_state_start(struct hd_state *st);
/* ld_start's part for one virtual whose service is in the table. */
void hd_state_start_virtual(struct hd_state *st, struct hd_vs *v);
/* ld_stop: the virtuals with cleanstop lose their servers and go. */
void hd_state_stop(struct hd_state *st);

/* ldirectord's check name in get_real_id_str: "negotiate:http",
 * "connect", "external:/path"... */
void hd_state_check_name(const struct hd_vs *v, char *buf, size_t len);

#endif
