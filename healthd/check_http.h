/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The http family's pieces (check_http*.c): a response read from an
 * evbuffer as it arrives, and the URL a check requests.
 */
#ifndef XLVS_HEALTHD_CHECK_HTTP_H
#define XLVS_HEALTHD_CHECK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;

#define HD_HTTP_BODY_MAX (1u << 20)     /* what is read and matched */
#define HD_HTTP_HEAD_MAX (64u << 10)    /* status line and headers */

enum hd_http_phase {
	HD_HTTP_STATUS, HD_HTTP_HEADERS, HD_HTTP_BODY_LEN, HD_HTTP_BODY_EOF,
	HD_HTTP_CHUNK_SIZE, HD_HTTP_CHUNK_DATA, HD_HTTP_CHUNK_END,
	HD_HTTP_TRAILER, HD_HTTP_DONE,
};

struct hd_http_resp {
	enum hd_http_phase phase;
	bool head;                      /* the request was HEAD: no body */
	int status;
	char status_line[128];          /* "404 Not Found" */
	char location[1024];            /* a redirect's Location */
	bool chunked, has_len;
	uint64_t left;                  /* of the length, or of the chunk */
	size_t head_bytes;
	struct evbuffer *body;          /* at most HD_HTTP_BODY_MAX */
	char err[96];
};

/* Consumes what it can of in; eof: the peer closed.  1 when the response
 * is complete (a body cut short by the peer's close or by the bound counts
 * as complete: it is judged on what arrived), 0 for more, -1 on a malformed
 * response (err says why). */
int hd_http_parse(struct hd_http_resp *r, struct evbuffer *in, bool eof);

struct hd_url {
	bool tls;
	char host[256];                 /* as written: name, a.b.c.d, [v6] */
	uint16_t port;
	char path[2048];                /* from its first "/"; "/" if none */
};

/* "http[s]://host[:port][/path]": 0, or -1 when it is not one. */
int hd_url_parse(const char *s, struct hd_url *u);
/* A redirect's Location against the URL it came from, into u. */
int hd_url_resolve(struct hd_url *u, const char *location);

#endif
