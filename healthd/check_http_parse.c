// SPDX-License-Identifier: GPL-2.0
/*
 * An HTTP/1.x response as it arrives (status line, headers, a body by
 * Content-Length, chunks or the connection's end), and the URLs the http
 * checks request and are redirected to.  No socket here: the parser only
 * reads an evbuffer, so it can be fed anything.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <event2/buffer.h>

#include "check_http.h"

static int resp_fail(struct hd_http_resp *r, const char *why)
{
	snprintf(r->err, sizeof(r->err), "%s", why);
	return -1;
}

/* A line without its CRLF (or LF), NULL while incomplete. */
static char *resp_line(struct hd_http_resp *r, struct evbuffer *in,
		       size_t *n)
{
	char *line = evbuffer_readln(in, n, EVBUFFER_EOL_CRLF);

	if (line)
		r->head_bytes += *n + 2;
	return line;
}

static int resp_status(struct hd_http_resp *r, const char *line)
{
	int major, minor, code, off = 0;

	if (sscanf(line, "HTTP/%d.%d %3d%n", &major, &minor, &code, &off) < 3 ||
	    major != 1 || code < 100 || code > 999)
		return resp_fail(r, "bad status line");
	r->status = code;
	while (line[off] == ' ')
		off++;
	snprintf(r->status_line, sizeof(r->status_line), "%d%s%s", code,
		 line[off] ? " " : "", line + off);
	r->phase = HD_HTTP_HEADERS;
	return 0;
}

static int resp_header(struct hd_http_resp *r, char *line)
{
	char *v = strchr(line, ':');

	if (!v)
		return resp_fail(r, "bad header line");
	*v++ = 0;
	v += strspn(v, " \t");
	for (char *e = v + strlen(v); e > v && isspace((unsigned char)e[-1]);)
		*--e = 0;
	if (!strcasecmp(line, "Transfer-Encoding")) {
		r->chunked = strcasestr(v, "chunked") != NULL;
	} else if (!strcasecmp(line, "Content-Length")) {
		char *end;

		errno = 0;
		r->left = strtoull(v, &end, 10);
		if (errno || end == v || *end || *v == '-')
			return resp_fail(r, "bad Content-Length");
		r->has_len = true;
	} else if (!strcasecmp(line, "Location")) {
		snprintf(r->location, sizeof(r->location), "%s", v);
	}
	return 0;
}

/* After the blank line: how the body is delimited (RFC 9112 §6.3). */
static void resp_body_start(struct hd_http_resp *r)
{
	if (r->head || r->status == 204 || r->status == 304)
		r->phase = HD_HTTP_DONE;
	else if (r->chunked)
		r->phase = HD_HTTP_CHUNK_SIZE;
	else if (r->has_len)
		r->phase = r->left ? HD_HTTP_BODY_LEN : HD_HTTP_DONE;
	else
		r->phase = HD_HTTP_BODY_EOF;
}

static int resp_head(struct hd_http_resp *r, struct evbuffer *in)
{
	size_t n;
	char *line;
	int rc = 0;

	while (rc == 0 && (r->phase == HD_HTTP_STATUS ||
			   r->phase == HD_HTTP_HEADERS)) {
		line = resp_line(r, in, &n);
		if (!line) {
			if (r->head_bytes + evbuffer_get_length(in) >
			    HD_HTTP_HEAD_MAX)
				return resp_fail(r, "response headers too long");
			return 0;
		}
		if (r->head_bytes > HD_HTTP_HEAD_MAX)
			rc = resp_fail(r, "response headers too long");
		else if (r->phase == HD_HTTP_STATUS)
			rc = resp_status(r, line);
		else if (n)
			rc = resp_header(r, line);
		else if (r->status < 200)       /* 100 Continue: another head */
			*r = (struct hd_http_resp){ .head = r->head,
				.body = r->body, .head_bytes = r->head_bytes };
		else
			resp_body_start(r);
		free(line);
	}
	return rc;
}

/* Moves up to want bytes of in into the body, keeping HD_HTTP_BODY_MAX. */
static size_t resp_take(struct hd_http_resp *r, struct evbuffer *in,
			size_t want)
{
	size_t have = evbuffer_get_length(in), room;

	if (want > have)
		want = have;
	room = HD_HTTP_BODY_MAX - evbuffer_get_length(r->body);
	if (want <= room) {
		evbuffer_remove_buffer(in, r->body, want);
	} else {
		evbuffer_remove_buffer(in, r->body, room);
		evbuffer_drain(in, want - room);
	}
	return want;
}

static int resp_chunks(struct hd_http_resp *r, struct evbuffer *in)
{
	size_t n;
	char *line, *end;

	for (;;) {
		switch (r->phase) {
		case HD_HTTP_CHUNK_SIZE:
			if (!(line = resp_line(r, in, &n)))
				return 0;
			errno = 0;
			r->left = strtoull(line, &end, 16);
			n = end == line || errno ||
			    (*end && *end != ';' && *end != ' ');
			free(line);
			if (n)
				return resp_fail(r, "bad chunk size");
			r->phase = r->left ? HD_HTTP_CHUNK_DATA : HD_HTTP_TRAILER;
			break;
		case HD_HTTP_CHUNK_DATA:
			r->left -= resp_take(r, in, r->left);
			if (r->left)
				return 0;
			r->phase = HD_HTTP_CHUNK_END;
			break;
		case HD_HTTP_CHUNK_END:
		case HD_HTTP_TRAILER:
			if (!(line = resp_line(r, in, &n)))
				return 0;
			free(line);
			if (r->phase == HD_HTTP_CHUNK_END)
				r->phase = HD_HTTP_CHUNK_SIZE;
			else if (!n)
				r->phase = HD_HTTP_DONE;
			break;
		default:
			return 0;
		}
	}
}

int hd_http_parse(struct hd_http_resp *r, struct evbuffer *in, bool eof)
{
	if (resp_head(r, in) < 0)
		return -1;
	if (r->phase == HD_HTTP_STATUS || r->phase == HD_HTTP_HEADERS) {
		if (eof)
			return resp_fail(r, r->phase == HD_HTTP_STATUS &&
					 !r->head_bytes && !evbuffer_get_length(in) ?
					 "closed without a response" :
					 "closed inside the response headers");
		return 0;
	}
	if (r->phase == HD_HTTP_BODY_LEN) {
		r->left -= resp_take(r, in, r->left);
		if (!r->left)
			r->phase = HD_HTTP_DONE;
	} else if (r->phase == HD_HTTP_BODY_EOF) {
		resp_take(r, in, evbuffer_get_length(in));
	} else if (r->phase != HD_HTTP_DONE && resp_chunks(r, in) < 0) {
		return -1;
	}
	if (evbuffer_get_length(r->body) >= HD_HTTP_BODY_MAX)
		r->phase = HD_HTTP_DONE;
	return r->phase == HD_HTTP_DONE || eof;
}

int hd_url_parse(const char *s, struct hd_url *u)
{
	const char *h, *p, *colon;
	size_t hl;

	memset(u, 0, sizeof(*u));
	if (!strncasecmp(s, "http://", 7)) {
		h = s + 7;
	} else if (!strncasecmp(s, "https://", 8)) {
		h = s + 8;
		u->tls = true;
	} else {
		return -1;
	}
	u->port = u->tls ? 443 : 80;
	p = h + strcspn(h, "/?#");
	colon = NULL;
	if (*h == '[') {
		const char *close = memchr(h, ']', p - h);

		if (!close)
			return -1;
		if (close + 1 < p)
			colon = close + 1;
	} else {
		colon = memchr(h, ':', p - h);
	}
	hl = (colon ? colon : p) - h;
	if (!hl || hl >= sizeof(u->host))
		return -1;
	memcpy(u->host, h, hl);
	if (colon) {
		char *end;
		unsigned long port = strtoul(colon + 1, &end, 10);

		if (*colon != ':' || end != p || !port || port > 65535)
			return -1;
		u->port = port;
	}
	snprintf(u->path, sizeof(u->path), "%s%s", *p == '/' ? "" : "/", p);
	return 0;
}

int hd_url_resolve(struct hd_url *u, const char *loc)
{
	char path[sizeof(u->path)];

	if (!strncasecmp(loc, "http://", 7) || !strncasecmp(loc, "https://", 8))
		return hd_url_parse(loc, u);
	if (loc[0] == '/' && loc[1] == '/') {
		char abs[sizeof(u->path) + 8];

		snprintf(abs, sizeof(abs), "%s:%s", u->tls ? "https" : "http", loc);
		return hd_url_parse(abs, u);
	}
	if (loc[0] == '/') {
		snprintf(u->path, sizeof(u->path), "%s", loc);
		return 0;
	}
	/* Relative to the current path's folder. */
	snprintf(path, sizeof(path), "%s", u->path);
	path[strcspn(path, "?#")] = 0;
	*(strrchr(path, '/') + 1) = 0;
	snprintf(u->path, sizeof(u->path), "%.1023s%.1023s", path, loc);
	return 0;
}
