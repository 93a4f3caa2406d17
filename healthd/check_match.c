// SPDX-License-Identifier: GPL-2.0
/*
 * receive= as ldirectord uses it: a Perl regular expression matched
 * unanchored (=~ /$receive/, no flags), here through PCRE2, whose defaults
 * are Perl's ("." stops at a newline, "^" and "$" at the text's ends).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <stdio.h>
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

int hd_match(const char *receive, const char *text, size_t len,
	     char *err, size_t errlen)
{
	int code, rc;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)receive, PCRE2_ZERO_TERMINATED,
				       0, &code, &off, NULL);
	pcre2_match_data *md;

	if (!re) {
		char msg[120];

		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		snprintf(err, errlen, "bad receive regex at %zu: %s",
			 (size_t)off, msg);
		return -EINVAL;
	}
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md) {
		pcre2_code_free(re);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	snprintf(err, errlen, "receive regex failed (%d)", rc);
	return -EINVAL;
}
