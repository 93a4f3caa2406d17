// SPDX-License-Identifier: GPL-2.0
/*
 * The test's own servers, each run in a forked process by t_server: an
 * HTTP/1.1 server (also behind TLS, tls_peer.c) whose paths give the
 * answers the http checks must judge, and simpletcp's peer.
 */
#include <strings.h>
#include <sys/socket.h>
#include <openssl/ssl.h>

#include "hd_check_test.h"
#include "servers.h"

ssize_t t_io_read(struct t_io *io, void *buf, size_t len)
{
	return io->ssl ? SSL_read(io->ssl, buf, len) : read(io->fd, buf, len);
}

void t_io_write(struct t_io *io, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = io->ssl ? SSL_write(io->ssl, p, len) :
				      write(io->fd, p, len);

		if (n <= 0)
			return;
		p += n;
		len -= n;
	}
}

static void t_io_printf(struct t_io *io, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t_io_write(io, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void answer(struct t_io *io, bool head, const char *status,
		   const char *extra, const char *body)
{
	t_io_printf(io, "HTTP/1.1 %s\r\nContent-Length: %zu\r\n%s"
		    "Connection: close\r\n\r\n", status, strlen(body), extra);
	if (!head)
		t_io_write(io, body, strlen(body));
}

static void answer_big(struct t_io *io, bool head)
{
	enum { SIZE = 3 << 20 };
	static char body[SIZE];

	memset(body, 'x', SIZE);
	memcpy(body, "START", 5);
	memcpy(body + SIZE - 7, "ENDMARK", 7);
	t_io_printf(io, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", SIZE);
	if (!head)
		t_io_write(io, body, SIZE);
}

/* The request as it came, and the TLS name it asked for. */
static const char *echo(const char *req)
{
	static char buf[9000];

	snprintf(buf, sizeof(buf), "%sSNI=%s\n", req, t_tls_sni);
	return buf;
}

/* The request's path picks the answer. */
static void http_route(struct t_io *io, const char *req, bool head,
		       const char *path)
{
	if (!strcmp(path, "/") || !strcmp(path, "/ok"))
		answer(io, head, "200 OK", "", "<html>hello OK page</html>\n");
	else if (!strcmp(path, "/echo"))
		answer(io, head, "200 OK", "", echo(req));
	else if (!strcmp(path, "/header-only"))
		answer(io, head, "200 OK", "X-Text: MARK\r\n", "nothing here\n");
	else if (!strcmp(path, "/redirect"))
		answer(io, head, "302 Found", "Location: /ok\r\n", "moved\n");
	else if (!strcmp(path, "/loop"))
		answer(io, head, "302 Found", "Location: loop\r\n", "again\n");
	else if (!strcmp(path, "/error"))
		answer(io, head, "500 Internal Server Error", "", "MARK\n");
	else if (!strcmp(path, "/big"))
		answer_big(io, head);
	else if (!strcmp(path, "/chunked"))
		t_io_printf(io, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
			    "\r\n\r\nb\r\nfirst part\n\r\n11;ext=1\r\n"
			    "second MARK part\n\r\n0\r\nX-Trailer: y\r\n\r\n");
	else if (!strcmp(path, "/close"))
		t_io_printf(io, "HTTP/1.0 200 OK\r\n\r\nclosed body MARK\n");
	else if (!strcmp(path, "/garbage"))
		t_io_printf(io, "SSH-2.0-OpenSSH\r\n\r\n");
	else
		answer(io, head, "404 Not Found", "", "no such page MARK\n");
}

void t_http_io(struct t_io *io)
{
	char req[8192] = "", method[16], path[4096];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
		r = t_io_read(io, req + n, sizeof(req) - 1 - n);
		if (r <= 0)
			return;
		n += r;
		req[n] = 0;
	}
	if (sscanf(req, "%15s %4095s", method, path) != 2)
		return;
	/* A proxied request names the whole URL: route by its path. */
	char *p = path;

	if (!strncmp(p, "http://", 7))
		p = strchr(p + 7, '/') ? strchr(p + 7, '/') : "/";
	http_route(io, req, !strcmp(method, "HEAD"), p);
}

void t_http_serve(int fd, void *arg)
{
	struct t_io io = { .fd = fd };

	(void)arg;
	t_http_io(&io);
	shutdown(fd, SHUT_WR);
	close(fd);
}

void t_simpletcp_serve(int fd, void *arg)
{
	char req[4096], out[4200];
	size_t n = 0;
	ssize_t r;

	(void)arg;
	while (n < sizeof(req) - 1 && (r = read(fd, req + n,
						sizeof(req) - 1 - n)) > 0)
		n += r;
	req[n] = 0;
	for (char *p = req; *p; p++)
		if (*p == '\n')
			*p = '|';
	n = snprintf(out, sizeof(out), "hello\ngot:%s\nEND\n", req);
	if (write(fd, out, n) < 0)
		return;
	close(fd);
}

/* Writes arg (a string) at once and closes, reading nothing. */
void t_banner_serve(int fd, void *arg)
{
	const char *s = arg;

	if (write(fd, s, strlen(s)) < 0)
		return;
	close(fd);
}

/* An answer that never ends: a header byte every 50 ms, for 10 s. */
void t_trickle_serve(int fd, void *arg)
{
	(void)arg;
	if (write(fd, "HTTP/1.1 200 OK\r\nX-Slow: ", 26) < 0)
		return;
	for (int i = 0; i < 200 && write(fd, "x", 1) == 1; i++)
		usleep(50000);
	close(fd);
}
