// SPDX-License-Identifier: GPL-2.0
/*
 * imap and imaps as ldirectord's check_imap / check_imaps see them through
 * Net::IMAP::Simple: the first line must be a greeting ("* OK" or
 * "* PREAUTH"), and only when login is set "0 LOGIN user "pass"" must be
 * answered "0 OK".  imaps is the same over TLS (check_proto gives it).
 */
#include "check_proto.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum imap_state { IMAP_GREETING, IMAP_LOGIN };

struct imap {
	enum imap_state st;
};

static void imap_quit(struct hd_conv *cv, const char *cmd)
{
	hd_conv_printf(cv, "%s\r\n", cmd);
	hd_conv_finish_flushed(cv, true, "");
}

/* Net::IMAP::Simple's _escape: the password quoted, \ and " escaped;
 * the command in one write, as its print. */
static void imap_login(struct hd_conv *cv, const struct hd_check_target *t)
{
	const char *p = t->passwd ? t->passwd : "";
	char *q = malloc(2 * strlen(p) + 1), *o = q;

	if (!q) {
		hd_conv_finish(cv, false, "imap: out of memory");
		return;
	}
	for (; *p; p++) {
		if (*p == '\\' || *p == '"')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	hd_conv_printf(cv, "0 LOGIN %s \"%s\"\r\n", t->login, q);
	free(q);
}

/* /^\*\s+(?:OK|PREAUTH)/i, or for the tag: /^0\s+OK/i (1), NO or BAD
 * (0), anything else (-1). */
static int imap_status(const char *line, char first)
{
	const char *p = line + 1;

	if (line[0] != first || (*p != ' ' && *p != '\t'))
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "OK", 2) == 0)
		return 1;
	if (first == '*' && strncasecmp(p, "PREAUTH", 7) == 0)
		return 1;
	if (strncasecmp(p, "NO", 2) == 0 || strncasecmp(p, "BAD", 3) == 0)
		return 0;
	return -1;
}

static void imap_line(struct hd_conv *cv, char *line, size_t len)
{
	struct imap *m = hd_conv_priv(cv);
	const struct hd_check_target *t = hd_conv_target(cv);

	(void)len;
	if (m->st == IMAP_GREETING) {
		if (imap_status(line, '*') != 1) {
			hd_conv_finish(cv, false, "imap: greeting: %.80s",
				       line);
		} else if (!t->login || !t->login[0]) {
			imap_quit(cv, "0 LOGOUT");
		} else {
			imap_login(cv, t);
			m->st = IMAP_LOGIN;
		}
		return;
	}
	switch (imap_status(line, '0')) {
	case 1:
		imap_quit(cv, "1 LOGOUT");
		break;
	case 0:
		hd_conv_finish(cv, false, "imap: login failed: %.80s", line);
		break;
	default:
		break;          /* untagged lines before the answer */
	}
}

const struct hd_conv_ops hd_imap_ops = {
	.name = "imap",
	.priv_size = sizeof(struct imap),
	.line = imap_line,
};
