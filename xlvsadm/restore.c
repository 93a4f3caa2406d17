// SPDX-License-Identifier: GPL-2.0
/*
 * -R: commands from stdin, one per line, as ipvsadm-save writes them; a
 * leading "ipvsadm" or "xlvsadm" is allowed.  Every line is parsed before
 * any is carried out, so a typo on line 40 leaves the table untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

#define LINE_MAX_LEN 4096
#define WORDS_MAX 64

struct restore_line {
	struct cmd cmd;
	unsigned int lineno;
};

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

int cmd_restore(void)
{
	struct restore_line *lines;
	size_t n;
	int rc = restore_parse(&lines, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		if (lines[i].cmd.kind == CMD_RESTORE) {
			fprintf(stderr, "xlvsadm: stdin:%u: -R inside -R\n", lines[i].lineno);
			rc = 2;
			break;
		}
		rc = cmd_run(&lines[i].cmd);
		if (rc)
			fprintf(stderr, "xlvsadm: stdin:%u: failed; the lines before it "
				"were applied\n", lines[i].lineno);
	}
	free(lines);
	return rc;
}
