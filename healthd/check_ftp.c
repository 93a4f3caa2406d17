// SPDX-License-Identifier: GPL-2.0
/*
 * ftp as ldirectord's check_ftp through Net::FTP: a 2xx greeting, login
 * (USER, PASS on 3xx; login defaults to anonymous and the password to
 * ldirectord@<hostname> when unset), "CWD /", "TYPE I", PASV (EPSV on
 * IPv6, as Net::FTP's pasv), "RETR <request>", the data connection opened
 * after it, the file read to its end: the server is up when the file's
 * contents match receive.
 *
 * Differences, on purpose: ldirectord ignores a failed login or RETR and
 * matches receive against whatever was read, so a receive matching the
 * empty text (or none: Perl's empty pattern) passes a server that is down;
 * here every step must succeed, and with no receive the file must have
 * been read.
 */
#include "check_proto.h"
#include "check_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

/* The most of a file kept for matching. */
#define FTP_MAX_FILE (1u << 20)

enum ftp_state {
	FTP_GREETING, FTP_USER, FTP_PASS, FTP_CWD, FTP_TYPE, FTP_PASV,
	FTP_RETR,
};

struct ftp {
	enum ftp_state st;
	struct hd_conv *data;           /* the data connection, while open */
	struct hd_check_target dt;      /* its target */
	struct evbuffer *file;
	bool retr_ok;                   /* RETR answered 1xx (or 2xx) */
	bool data_done;                 /* the data connection ended */
	bool multi;                     /* inside a "123-" reply */
	struct hd_conv *cv;
};

static const char *const ftp_step[] = {
	[FTP_GREETING] = "greeting", [FTP_USER] = "USER",
	[FTP_PASS] = "login failed", [FTP_CWD] = "CWD", [FTP_TYPE] = "TYPE",
	[FTP_PASV] = "PASV", [FTP_RETR] = "RETR",
};

static void ftp_cleanup(struct hd_conv *cv)
{
	struct ftp *f = hd_conv_priv(cv);

	hd_conv_cancel(f->data);
	f->data = NULL;
	if (f->file)
		evbuffer_free(f->file);
}

/* Both the file and RETR's answer are in: match and quit. */
static void ftp_judge(struct hd_conv *cv, struct ftp *f)
{
	const struct hd_check_target *t = hd_conv_target(cv);
	size_t n = evbuffer_get_length(f->file);
	const char *text = (const char *)evbuffer_pullup(f->file, -1);
	int m = 1;

	if (!f->retr_ok || !f->data_done)
		return;
	if (hd_receive_set(t->receive))
		m = hd_conv_match(t->receive, text ? text : "", n);
	hd_conv_printf(cv, "QUIT\r\n");
	if (m == 1)
		hd_conv_finish_flushed(cv, true, "");
	else
		hd_conv_finish_flushed(cv, false, m == 0 ?
				       "ftp: receive string not found" :
				       "ftp: bad receive regular expression");
}

static void data_input(struct hd_conv *dc, struct evbuffer *in)
{
	struct ftp *f = *(struct ftp **)hd_conv_priv(dc);

	if (evbuffer_get_length(f->file) + evbuffer_get_length(in) >
	    FTP_MAX_FILE) {
		hd_conv_finish(dc, false, "file larger than %u bytes",
			       FTP_MAX_FILE);
		return;
	}
	evbuffer_remove_buffer(in, f->file, evbuffer_get_length(in));
}

static void data_eof(struct hd_conv *dc)
{
	hd_conv_finish(dc, true, "%s", "");
}

static const struct hd_conv_ops ftp_data_ops = {
	.name = "ftp data",
	.priv_size = sizeof(struct ftp *),
	.input = data_input,
	.eof = data_eof,
};

static void data_done(void *arg, bool up, const char *why)
{
	struct ftp *f = arg;

	f->data = NULL;          /* it frees itself */
	if (!up) {
		hd_conv_finish(f->cv, false, "ftp: data connection: %s", why);
		return;
	}
	f->data_done = true;
	ftp_judge(f->cv, f);
}

/* 227's "h1,h2,h3,h4,p1,p2" anywhere in the text, or EPSV's "(|||port|)"
 * on the control connection's address: the data connection's target. */
static int ftp_passive(struct ftp *f, const struct hd_check_target *t,
		       const char *line)
{
	unsigned h[4], p[2];

	f->dt = *t;
	f->dt.checkport = 0;
	if (t->rip.af == 6) {
		const char *s = strstr(line, "(|||");

		if (!s || sscanf(s + 4, "%u", &p[0]) != 1 || !p[0] ||
		    p[0] > 65535)
			return -1;
		f->dt.rip.port = p[0];
		return 0;
	}
	for (const char *s = line; *s; s++) {
		if (*s < '0' || *s > '9' || (s > line && s[-1] >= '0' &&
					     s[-1] <= '9'))
			continue;
		if (sscanf(s, "%u,%u,%u,%u,%u,%u", &h[0], &h[1], &h[2], &h[3],
			   &p[0], &p[1]) != 6)
			continue;
		if ((h[0] | h[1] | h[2] | h[3] | p[0] | p[1]) > 255)
			return -1;
		f->dt.rip.af = 4;
		for (int i = 0; i < 4; i++)
			f->dt.rip.addr[i] = h[i];
		f->dt.rip.port = p[0] * 256 + p[1];
		return 0;
	}
	return -1;
}

static void ftp_retr(struct hd_conv *cv, struct ftp *f, const char *line)
{
	const struct hd_check_target *t = hd_conv_target(cv);

	if (ftp_passive(f, t, line) < 0) {
		hd_conv_finish(cv, false, "ftp: PASV: %.80s", line);
		return;
	}
	hd_conv_printf(cv, "RETR %s\r\n", t->request ? t->request : "/");
	f->data = hd_conv_start(hd_conv_base(cv), NULL, &f->dt, SOCK_STREAM,
				&ftp_data_ops, data_done, f);
	if (!f->data) {
		hd_conv_finish(cv, false, "ftp: data connection: %s",
			       strerror(errno));
		return;
	}
	*(struct ftp **)hd_conv_priv(f->data) = f;
	f->st = FTP_RETR;
}

static void ftp_login(struct hd_conv *cv, struct ftp *f)
{
	const struct hd_check_target *t = hd_conv_target(cv);

	f->cv = cv;
	f->file = evbuffer_new();
	if (!f->file) {
		hd_conv_finish(cv, false, "ftp: out of memory");
		return;
	}
	hd_conv_printf(cv, "USER %s\r\n",
		       t->login && t->login[0] ? t->login : "anonymous");
	f->st = FTP_USER;
}

static void ftp_pass(struct hd_conv *cv, struct ftp *f)
{
	const struct hd_check_target *t = hd_conv_target(cv);
	char host[256] = "localhost";

	if (t->passwd && t->passwd[0]) {
		hd_conv_printf(cv, "PASS %s\r\n", t->passwd);
	} else {
		if (gethostname(host, sizeof(host) - 1) < 0)
			snprintf(host, sizeof(host), "localhost");
		hd_conv_printf(cv, "PASS ldirectord@%s\r\n", host);
	}
	f->st = FTP_PASS;
}

/* One final reply (code) to the command of state f->st. */
static bool ftp_reply(struct hd_conv *cv, struct ftp *f, int code,
		      const char *line)
{
	switch (f->st) {
	case FTP_GREETING:
		if (code / 100 != 2)
			return false;
		ftp_login(cv, f);
		return true;
	case FTP_USER:
		if (code / 100 == 3) {
			ftp_pass(cv, f);
			return true;
		}
		/* fall through */
	case FTP_PASS:
		if (code / 100 != 2)
			return false;
		hd_conv_printf(cv, "CWD /\r\n");
		f->st = FTP_CWD;
		return true;
	case FTP_CWD:           /* their answers do not matter */
		hd_conv_printf(cv, "TYPE I\r\n");
		f->st = FTP_TYPE;
		return true;
	case FTP_TYPE:
		hd_conv_printf(cv, hd_conv_target(cv)->rip.af == 6 ?
			       "EPSV\r\n" : "PASV\r\n");
		f->st = FTP_PASV;
		return true;
	case FTP_PASV:
		if (code / 100 != 2)
			return false;
		ftp_retr(cv, f, line);
		return true;
	case FTP_RETR:
		if (code / 100 != 1 && code / 100 != 2)
			return false;
		f->retr_ok = true;
		ftp_judge(cv, f);
		return true;
	}
	return false;
}

static void ftp_line(struct hd_conv *cv, char *line, size_t len)
{
	struct ftp *f = hd_conv_priv(cv);
	bool more;
	int code = hd_reply_parse(line, &more);

	(void)len;
	if (code < 0) {
		/* Inside a multi-line reply any text may come. */
		if (!f->multi)
			hd_conv_finish(cv, false, "ftp: not a reply: %.80s",
				       line);
		return;
	}
	f->multi = more;
	if (more || (f->st == FTP_RETR && f->retr_ok))
		return;
	if (!ftp_reply(cv, f, code, line))
		hd_conv_finish(cv, false, "ftp: %s: %.80s", ftp_step[f->st],
			       line);
}

const struct hd_conv_ops hd_ftp_ops = {
	.name = "ftp",
	.priv_size = sizeof(struct ftp),
	.line = ftp_line,
	.cleanup = ftp_cleanup,
};
