// SPDX-License-Identifier: GPL-2.0
/*
 * -R's reading: the lines of a restore file into parsed commands, and the
 * check that each is an edit of the table.  Nothing here opens the table,
 * so the parser can be tested and fuzzed alone (fuzz/restore.c); applying
 * is restore.c's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
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

/* A line the reader takes whole: not longer than LINE_MAX_LEN - 1 with
 * its newline, and text (a NUL would end it early for strtok, and fgets
 * once handed a longer line's tail over as a line of its own: the last
 * words of a long comment as a command).  0, or 2 after a message. */
static int line_check(const char *line, size_t len, unsigned int lineno)
{
	if (len >= LINE_MAX_LEN) {
		fprintf(stderr, "xlvsadm: stdin:%u: line longer than %d characters; "
			"nothing was restored\n", lineno, LINE_MAX_LEN - 2);
		return 2;
	}
	if (memchr(line, 0, len)) {
		fprintf(stderr, "xlvsadm: stdin:%u: a NUL byte in the line; "
			"nothing was restored\n", lineno);
		return 2;
	}
	return 0;
}

int restore_parse(FILE *in, struct restore_line **out, size_t *n)
{
	char *line = NULL, *argv[WORDS_MAX];
	unsigned int lineno = 0;
	size_t cap = 0, line_cap = 0;
	ssize_t len;
	int argc, rc = 0;

	*out = NULL;
	*n = 0;
	while (!rc && (len = getline(&line, &line_cap, in)) >= 0) {
		struct restore_line *grown;

		lineno++;
		rc = line_check(line, (size_t)len, lineno);
		if (rc)
			break;
		argc = split_words(line, argv);
		if (argc == 1 || argv[1][0] == '#')
			continue;
		if (argc < 0) {
			fprintf(stderr, "xlvsadm: stdin:%u: too many words\n", lineno);
			rc = 2;
			break;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(*out, cap * sizeof(**out));
			if (!grown) {
				rc = 1;
				break;
			}
			*out = grown;
		}
		/* cmd_parse copies what it keeps: argv may point into line. */
		if (cmd_parse(argc, argv, &(*out)[*n].cmd)) {
			fprintf(stderr, "xlvsadm: stdin:%u: the line above is not a valid "
				"command; nothing was restored\n", lineno);
			rc = 2;
			break;
		}
		(*out)[*n].lineno = lineno;
		(*n)++;
	}
	free(line);
	return rc;
}

/* The commands a restore file may hold: edits of the table. */
static bool restorable(enum cmd_kind k)
{
	return k == CMD_ADD_SVC || k == CMD_EDIT_SVC || k == CMD_DEL_SVC ||
	       k == CMD_CLEAR || k == CMD_ADD_DEST || k == CMD_EDIT_DEST ||
	       k == CMD_DEL_DEST || k == CMD_SET_TIMEOUT;
}

int restore_kinds_check(const struct restore_line *lines, size_t n)
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
