// SPDX-License-Identifier: GPL-2.0
/*
 * pop, pops, imap and imaps as ldirectord's check_pop / check_imap(s) see
 * them through Mail::POP3Client and Net::IMAP::Simple: the greeting
 * ("+OK", "* OK" or "* PREAUTH"), and only when login is set a login:
 * POP3Client's USER ("+"), PASS ("+OK") and the STAT its Login_Pass sends
 * ("+OK n m"), or IMAP's "0 LOGIN user "pass"" answered "0 OK".  pops and
 * imaps are the same over TLS (check_proto gives the context).
 *
 * Two differences, on purpose: POP3Client's new() never fails, so
 * ldirectord passes a pop server that is down when login is unset; here
 * the greeting must come.  And POP3Client tries APOP or CRAM-MD5 first when
 * the server offers them; here it is always USER/PASS.
 */
#include "check_proto.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum mail_state { MAIL_GREETING, MAIL_USER, MAIL_PASS, MAIL_STAT, MAIL_LOGIN };

struct mail {
	enum mail_state st;
};

static bool has_login(const struct hd_check_target *t)
{
	return t->login && t->login[0];
}

static void mail_quit(struct hd_conv *cv, const char *cmd)
{
	hd_conv_printf(cv, "%s\r\n", cmd);
	hd_conv_finish_flushed(cv, true, "");
}

/* "+OK 3 1200": Mail::POP3Client's POPStat() >= 0. */
static bool pop_stat_ok(const char *line)
{
	return hd_conv_match("^\\+OK (\\d+) (\\d+)", line, strlen(line)) == 1;
}

static void pop_line(struct hd_conv *cv, char *line, size_t len)
{
	struct mail *m = hd_conv_priv(cv);
	const struct hd_check_target *t = hd_conv_target(cv);

	(void)len;
	switch (m->st) {
	case MAIL_GREETING:
		if (strncasecmp(line, "+OK", 3) != 0)
			break;
		if (!has_login(t)) {
			mail_quit(cv, "QUIT");
			return;
		}
		hd_conv_printf(cv, "USER %s\r\n", t->login);
		m->st = MAIL_USER;
		return;
	case MAIL_USER:
		if (line[0] != '+')
			break;
		hd_conv_printf(cv, "PASS %s\r\n", t->passwd ? t->passwd : "");
		m->st = MAIL_PASS;
		return;
	case MAIL_PASS:
		if (strncmp(line, "+OK", 3) != 0)
			break;
		hd_conv_printf(cv, "STAT\r\n");
		m->st = MAIL_STAT;
		return;
	default:
		if (!pop_stat_ok(line))
			break;
		mail_quit(cv, "QUIT");
		return;
	}
	hd_conv_finish(cv, false, "pop: %s: %.80s",
		       m->st == MAIL_GREETING ? "greeting" :
		       m->st == MAIL_USER ? "USER" :
		       m->st == MAIL_PASS ? "login failed" : "STAT", line);
}

const struct hd_conv_ops hd_pop_ops = {
	.name = "pop",
	.priv_size = sizeof(struct mail),
	.line = pop_line,
};

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
	struct mail *m = hd_conv_priv(cv);
	const struct hd_check_target *t = hd_conv_target(cv);

	(void)len;
	if (m->st == MAIL_GREETING) {
		if (imap_status(line, '*') != 1) {
			hd_conv_finish(cv, false, "imap: greeting: %.80s",
				       line);
		} else if (!has_login(t)) {
			mail_quit(cv, "0 LOGOUT");
		} else {
			imap_login(cv, t);
			m->st = MAIL_LOGIN;
		}
		return;
	}
	switch (imap_status(line, '0')) {
	case 1:
		mail_quit(cv, "1 LOGOUT");
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
	.priv_size = sizeof(struct mail),
	.line = imap_line,
};
