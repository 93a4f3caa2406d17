// SPDX-License-Identifier: GPL-2.0
/*
 * receive= as ldirectord uses it: a Perl regular expression matched
 * unanchored (=~ /$receive/, no flags), here through PCRE2, whose defaults
 * are Perl's ("." stops at a newline, "^" and "$" at the text's ends).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcre2.h>

#include "check_int.h"

bool hd_receive_set(const char *receive)
{
	/* ldirectord: !($recstr =~ /.+/), one character other than "\n". */
	for (const char *p = receive; p && *p; p++)
		if (*p != '\n')
			return true;
	return false;
}

/* Compiled patterns by their text, so that a pattern is compiled once and
 * not on every check (simpletcp: every line).  A check's target is a copy
 * of the configuration's strings, which a reload frees under running
 * checks, so the key is the text, not a pointer into the configuration.
 * A configuration has a few distinct receive strings; past HD_RE_CACHE
 * the oldest entry makes room. */
#define HD_RE_CACHE 64

static struct hd_re {
	char *text;
	pcre2_code *re;
	pcre2_match_data *md;
} re_cache[HD_RE_CACHE];
static unsigned re_next;        /* the slot to replace next */

static struct hd_re *re_get(const char *receive, char *err, size_t errlen)
{
	struct hd_re *e;
	int code;
	PCRE2_SIZE off;

	for (unsigned i = 0; i < HD_RE_CACHE; i++)
		if (re_cache[i].text && !strcmp(re_cache[i].text, receive))
			return &re_cache[i];
	e = &re_cache[re_next];
	re_next = (re_next + 1) % HD_RE_CACHE;
	free(e->text);
	pcre2_match_data_free(e->md);
	pcre2_code_free(e->re);
	*e = (struct hd_re){ 0 };
	e->re = pcre2_compile((PCRE2_SPTR)receive, PCRE2_ZERO_TERMINATED, 0,
			      &code, &off, NULL);
	if (!e->re) {
		char msg[120];

		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		snprintf(err, errlen, "bad receive regex at %zu: %s",
			 (size_t)off, msg);
		errno = EINVAL;
		return NULL;
	}
	e->md = pcre2_match_data_create_from_pattern(e->re, NULL);
	e->text = strdup(receive);
	if (!e->md || !e->text) {
		free(e->text);
		pcre2_match_data_free(e->md);
		pcre2_code_free(e->re);
		*e = (struct hd_re){ 0 };
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

int hd_match(const char *receive, const char *text, size_t len,
	     char *err, size_t errlen)
{
	struct hd_re *e = re_get(receive, err, errlen);
	int rc;

	if (!e)
		return -errno;
	rc = pcre2_match(e->re, (PCRE2_SPTR)text, len, 0, 0, e->md, NULL);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	snprintf(err, errlen, "receive regex failed (%d)", rc);
	return -EINVAL;
}
