// SPDX-License-Identifier: GPL-2.0
/*
 * smtp and submission: what ldirectord's check_smtp asks of Net::SMTP->new
 * before its quit: a 2xx greeting, then "EHLO localhost.localdomain"
 * answered 2xx, or (after a 5xx, Net::SMTP's hello) "HELO" answered 2xx.
 * The answer to QUIT does not matter.  Also the reply-line parser that ftp
 * shares (Net::Cmd's parse_response: three digits, '-' for more lines).
 */
#include "check_proto.h"

#include <ctype.h>

/* Net::SMTP's hello() with no domain given. */
#define SMTP_HELLO "localhost.localdomain"

enum smtp_state { SMTP_BANNER, SMTP_EHLO, SMTP_HELO };

struct smtp {
	enum smtp_state st;
};

int hd_reply_parse(const char *line, bool *more)
{
	if (!isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) ||
	    !isdigit((unsigned char)line[2]))
		return -1;
	*more = line[3] == '-';
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

static void smtp_quit(struct hd_conv *cv)
{
	hd_conv_printf(cv, "QUIT\r\n");
	hd_conv_finish_flushed(cv, true, "");
}

static void smtp_line(struct hd_conv *cv, char *line, size_t len)
{
	struct smtp *s = hd_conv_priv(cv);
	bool more;
	int code = hd_reply_parse(line, &more);

	(void)len;
	if (code < 0) {
		hd_conv_finish(cv, false, "smtp: not a reply: %.80s", line);
		return;
	}
	if (more)
		return;
	switch (s->st) {
	case SMTP_BANNER:
		if (code / 100 != 2)
			break;
		hd_conv_printf(cv, "EHLO " SMTP_HELLO "\r\n");
		s->st = SMTP_EHLO;
		return;
	case SMTP_EHLO:
		if (code / 100 == 5) {
			hd_conv_printf(cv, "HELO " SMTP_HELLO "\r\n");
			s->st = SMTP_HELO;
			return;
		}
		/* fall through */
	case SMTP_HELO:
		if (code / 100 == 2) {
			smtp_quit(cv);
			return;
		}
		break;
	}
	hd_conv_finish(cv, false, "smtp: %s: %.80s",
		       s->st == SMTP_BANNER ? "greeting" :
		       s->st == SMTP_EHLO ? "EHLO" : "HELO", line);
}

const struct hd_conv_ops hd_smtp_ops = {
	.name = "smtp",
	.priv_size = sizeof(struct smtp),
	.line = smtp_line,
};
