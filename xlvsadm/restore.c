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

#define LINE_MAX_LEN 4096
#define WORDS_MAX 64

/* Splits buf in place into argv[1..]; argv[0] is the program name. */
static int split_words(char *buf, char **argv)
{
	int argc = 1;

	argv[0] = "xlvsadm";
	for (char *w = strtok(buf, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
		if (argc == 1 && (!strcmp(w, "ipvsadm") || !strcmp(w, "xlvsadm")))
			continue;
		if (argc >= WORDS_MAX - 1)
			return -1;
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	return argc;
}

static int restore_parse(struct restore_line **out, size_t *n)
{
	char buf[LINE_MAX_LEN], *argv[WORDS_MAX];
	unsigned int lineno = 0;
	size_t cap = 0;
	int argc;

	*out = NULL;
	*n = 0;
	while (fgets(buf, sizeof(buf), stdin)) {
		lineno++;
		argc = split_words(buf, argv);
		if (argc == 1 || argv[1][0] == '#')
			continue;
		if (argc < 0) {
			fprintf(stderr, "xlvsadm: stdin:%u: too many words\n", lineno);
			return 2;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = realloc(*out, cap * sizeof(**out));
			if (!*out)
				return 1;
		}
		if (cmd_parse(argc, argv, &(*out)[*n].cmd)) {
			fprintf(stderr, "xlvsadm: stdin:%u: the line above is not a valid "
				"command; nothing was restored\n", lineno);
			return 2;
		}
		(*out)[*n].lineno = lineno;
		(*n)++;
	}
	return 0;
}

/* The commands a restore file may hold: edits of the table. */
static bool restorable(enum cmd_kind k)
{
	return k == CMD_ADD_SVC || k == CMD_EDIT_SVC || k == CMD_DEL_SVC ||
	       k == CMD_CLEAR || k == CMD_ADD_DEST || k == CMD_EDIT_DEST ||
	       k == CMD_DEL_DEST || k == CMD_SET_TIMEOUT;
}

static int restore_kinds_check(const struct restore_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!restorable(lines[i].cmd.kind)) {
			fprintf(stderr, "xlvsadm: stdin:%u: only table edits can be "
				"restored; nothing was restored\n", lines[i].lineno);
			return 2;
		}
	}
	return 0;
}

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
	int rc = restore_parse(&lines, &n);

	if (!rc)
		rc = restore_kinds_check(lines, n);
	if (!rc && n)
		rc = restore_apply(lines, n);
	free(lines);
	return rc;
}
