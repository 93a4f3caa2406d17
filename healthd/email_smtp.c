// SPDX-License-Identifier: GPL-2.0
/*
 * smtp=HOST: the alert handed to HOST's port 25 as ldirectord's Net::SMTP
 * session does (greeting, EHLO else HELO, MAIL FROM:<user@host>, RCPT TO
 * per address, DATA, the message dot-stuffed with CRLF, QUIT).  It runs in
 * a grandchild of the daemon (email.c), which SIGALRM ends after
 * HD_EMAIL_TIMEOUT_S: the blocking calls here never hold the loop.
 */
#include <netdb.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_proto.h"
#include "email.h"

/* The reply's code (its last line's), or -1. */
static int smtp_reply(FILE *in)
{
	char line[1024];
	bool more;

	while (fgets(line, sizeof(line), in)) {
		int code = hd_reply_parse(line, &more);

		if (code < 0 || !more)
			return code;
	}
	return -1;
}

static int smtp_cmd(FILE *in, int fd, const char *fmt, const char *arg)
{
	char buf[1200];
	int n = snprintf(buf, sizeof(buf), fmt, arg);

	if (n < 0 || (size_t)n >= sizeof(buf) || write(fd, buf, (size_t)n) != n)
		return -1;
	return smtp_reply(in);
}

static int smtp_connect(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *a;
	int fd = -1;

	if (getaddrinfo(host, "25", &hints, &res) != 0)
		return -1;
	for (a = res; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* The message, LF lines made CRLF, a leading '.' doubled. */
static int smtp_data(int fd, const char *msg)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0;
	int ok;

	f = open_memstream(&buf, &len);
	if (!f)
		return -1;
	for (const char *p = msg; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (*p == '.')
			fputc('.', f);
		fwrite(p, 1, n, f);
		fputs("\r\n", f);
		p += n + (e ? 1 : 0);
	}
	fputs(".\r\n", f);
	ok = fclose(f) == 0 && write(fd, buf, len) == (ssize_t)len;
	free(buf);
	return ok ? 0 : -1;
}

int hd_email_smtp_send(const char *host, const char *to, const char *from,
		       const char *msg)
{
	char rcpt[512];
	FILE *in;
	int fd = smtp_connect(host), rc = -1;

	if (fd < 0)
		return -1;
	in = fdopen(dup(fd), "r");
	if (!in)
		goto out;
	if (smtp_reply(in) != 220)
		goto out;
	if (smtp_cmd(in, fd, "EHLO %s\r\n", "localhost.localdomain") != 250 &&
	    smtp_cmd(in, fd, "HELO %s\r\n", "localhost.localdomain") != 250)
		goto out;
	if (smtp_cmd(in, fd, "MAIL FROM:<%s>\r\n", from) != 250)
		goto out;
	/* "a@b, c@d": one RCPT each (Net::SMTP got the list as one). */
	snprintf(rcpt, sizeof(rcpt), "%s", to);
	for (char *save = NULL, *t = strtok_r(rcpt, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save)) {
		int c = smtp_cmd(in, fd, "RCPT TO:<%s>\r\n", t);

		if (c != 250 && c != 251)
			goto out;
	}
	if (smtp_cmd(in, fd, "%sDATA\r\n", "") != 354)
		goto out;
	if (smtp_data(fd, msg) < 0 || smtp_reply(in) != 250)
		goto out;
	smtp_cmd(in, fd, "%sQUIT\r\n", "");
	rc = 0;
out:
	if (in)
		fclose(in);
	close(fd);
	return rc;
}

void hd_email_smtp_from(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(getuid());
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	snprintf(buf, len, "%s@%s", pw ? pw->pw_name : "root", host);
}
