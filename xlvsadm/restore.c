// SPDX-License-Identifier: GPL-2.0
/*
 * -R: commands from stdin, one per line, as ipvsadm-save writes them; a
 * leading "ipvsadm" or "xlvsadm" is allowed.  Every line is parsed and
 * checked against the table (restore_check.c) before any is carried out, so
 * a typo on line 40 leaves the table untouched; then only the difference
 * between the running table and the one the input describes is made
 * (restore_diff.c), so `-C` followed by the whole table, the usual reload,
 * is one change and leaves alone what it repeats.
 *
 * ipvsadm 1.31 carries out each line as it reads it, goes on after a line
 * the kernel refuses (printing its error) and stops at one it cannot parse,
 * the lines before applied; xlvs refuses the whole input instead, with the
 * same message and the line's number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "restore_check.h"

/* Under the writers' lock from the dry run to the last line, so no other
 * editor can make a checked line fail. */
static int restore_apply(const struct restore_line *lines, size_t n)
{
	struct xlvs_snapshot snap = { 0 };
	struct restore_model m = { 0 };
	struct restore_diff_stats st;
	struct xlvs_table t;
	int rc = xlvs_table_open(&t, XLVS_OPEN_WRITE | XLVS_OPEN_CREATE, 0);

	if (rc) {
		fprintf(stderr, "xlvsadm: cannot open the table: %s\n", strerror(-rc));
		return 1;
	}
	rc = xlvs_snapshot_take(&t, &snap);
	if (rc)
		fprintf(stderr, "xlvsadm: cannot read the table: %s\n", strerror(-rc));
	else
		rc = restore_check(&snap, lines, n, &m);
	if (!rc)
		rc = restore_diff_apply(&t, &snap, &m, &st);
	/* Timeouts are not in the model: set in the input's order. */
	for (size_t i = 0; !rc && i < n; i++) {
		if (lines[i].cmd.kind != CMD_SET_TIMEOUT)
			continue;
		rc = cmd_run_on(&t, &lines[i].cmd);
		if (rc)
			fprintf(stderr, "xlvsadm: stdin:%u: failed; the table's "
				"changes were made\n", lines[i].lineno);
	}
	if (!rc && getenv("XLVS_RESTORE_REPORT"))
		fprintf(stderr, "xlvsadm: -R: services %u added, %u edited, %u "
			"deleted, %u untouched; real servers %u added, %u edited, "
			"%u deleted, %u untouched\n", st.svc_added, st.svc_edited,
			st.svc_deleted, st.untouched_svcs, st.dest_added,
			st.dest_edited, st.dest_deleted, st.untouched_dests);
	restore_model_free(&m);
	xlvs_snapshot_free(&snap);
	xlvs_table_close(&t);
	return rc < 0 ? 1 : rc;
}

int cmd_restore(void)
{
	struct restore_line *lines;
	size_t n;
	int rc = restore_parse(stdin, &lines, &n);

	if (!rc)
		rc = restore_kinds_check(lines, n);
	if (!rc && n)
		rc = restore_apply(lines, n);
	free(lines);
	return rc;
}
