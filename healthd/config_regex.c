// SPDX-License-Identifier: GPL-2.0
/*
 * receive= is a Perl regular expression (ldirectord matches with =~): one
 * that does not compile is refused here, with its file and line, instead
 * of failing every check of its servers at run time (check_match.c
 * compiles it again, once, for matching).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "config_int.h"

bool hd_cf_regex_ok(struct hd_cf *p, const char *re)
{
	PCRE2_UCHAR msg[120];
	PCRE2_SIZE off;
	pcre2_code *code;
	int err;

	if (!re || !*re)
		return true;
	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &err,
			     &off, NULL);
	if (code) {
		pcre2_code_free(code);
		return true;
	}
	pcre2_get_error_message(err, msg, sizeof(msg));
	hd_cf_error(p, "invalid receive regular expression \"%s\": %s at "
		    "offset %zu", re, (const char *)msg, (size_t)off);
	return false;
}
