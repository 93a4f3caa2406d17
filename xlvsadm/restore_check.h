/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -R in three steps: the lines are played against a model of the table
 * (restore_check.c), which then is the table the input describes; the
 * difference between it and the running table is carried out
 * (restore_diff.c), so what the input only repeats is never touched.
 */
#ifndef XLVSADM_RESTORE_CHECK_H
#define XLVSADM_RESTORE_CHECK_H

#include <stddef.h>
#include "cmd.h"

struct restore_line {
	struct cmd cmd;
	unsigned int lineno;
};

/* A real server as the table keys it (addr.port: the service's for direct
 * routing) with the settings it is to have. */
struct model_dest {
	struct xlvs_dest_conf conf;
};

struct model_svc {
	struct xlvs_service_conf conf;
	uint32_t ndests;
	struct model_dest *dests;   /* in the order they were added */
	bool gone;                  /* deleted (or cleared) by the input */
};

struct restore_model {
	uint32_t n, cap;
	struct model_svc *svcs;
};

/* Plays the lines against the table snap describes, into *m (free it with
 * restore_model_free).  0 if every line would succeed; else prints the
 * first failure with its line number and returns 2. */
int restore_check(const struct xlvs_snapshot *snap,
		  const struct restore_line *lines, size_t n,
		  struct restore_model *m);
void restore_model_free(struct restore_model *m);

/* What restore_diff_apply did. */
struct restore_diff_stats {
	unsigned int svc_added, svc_edited, svc_deleted;
	unsigned int dest_added, dest_edited, dest_deleted;
	unsigned int untouched_svcs, untouched_dests;
};

/* Makes the table t (whose snapshot is snap) the table m describes: adds,
 * edits (-E, -e) and deletes only what differs.  0, or 1 after a message
 * (the changes before the failing one stay made). */
int restore_diff_apply(struct xlvs_table *t, const struct xlvs_snapshot *snap,
		       const struct restore_model *m,
		       struct restore_diff_stats *st);

#endif
