/* Shared by the three config parsers: diagnostics, lines and words. */
#ifndef XLVS_FO_CONFIG_INT_H
#define XLVS_FO_CONFIG_INT_H

#include "config.h"

#define FO_MAXLINE 1024

/* Walks buf line by line; each line NUL-terminated in `line`, its '\r'
 * and '\n' gone.  A NUL byte or an over-long line is an error (reported,
 * and that line skipped). */
struct fo_lines {
	const char *file;
	const char *buf;
	size_t len, pos;
	unsigned lineno;
	char line[FO_MAXLINE];
};

void fo_lines_init(struct fo_lines *it, const char *file, const char *buf, size_t len);
bool fo_lines_next(struct fo_lines *it, struct fo_diag *d);
/* Next word split at spaces and tabs, NULL at the end; modifies *p. */
char *fo_word(char **p);
/* Copies a word into a bounded field; false if it does not fit. */
bool fo_copy(char *dst, size_t cap, const char *src);
bool fo_parse_ipv4(const char *s, struct in_addr *a);

#endif
