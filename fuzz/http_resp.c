// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-healthd's HTTP response parser and URL helpers
 * (healthd/check_http_parse.c), which read what any real server sends.
 * The input's first byte seeds the sizes of the pieces the rest arrives
 * in (a response comes in whatever segments TCP gives), the peer's close
 * after the last.  Invariants: the parser never keeps more than
 * HD_HTTP_BODY_MAX of body, never claims a complete response without a
 * status in 100..999, says done only in HD_HTTP_DONE or at the close, and
 * names why it refuses; a URL it accepts has a host, a port and a path
 * that starts with "/", and stays so after a redirect resolved on it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>

#include "check_http.h"
#include "fence.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	return 0;
}

static void check_url(const struct hd_url *u)
{
	if (!u->host[0] || !u->port || u->path[0] != '/')
		abort();
}

static void fuzz_urls(const uint8_t *data, size_t size)
{
	char s[2048], *loc;
	struct hd_url u;

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = 0;
	loc = memchr(s, '\n', size);
	if (loc)
		*loc++ = 0;
	if (hd_url_parse(s, &u) < 0)
		return;
	check_url(&u);
	if (loc && hd_url_resolve(&u, loc) == 0)
		check_url(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_http_resp r = { 0 };
	struct evbuffer *in = evbuffer_new();
	unsigned seed = size ? data[0] : 0;
	size_t off = size ? 1 : 0;
	int rc = 0;

	r.body = evbuffer_new();
	r.head = seed & 1;
	while (off < size && rc == 0) {
		size_t n = 1 + (seed = seed * 1103515245u + 12345u) % 97;

		if (n > size - off)
			n = size - off;
		evbuffer_add(in, data + off, n);
		off += n;
		rc = hd_http_parse(&r, in, false);
	}
	if (rc == 0)
		rc = hd_http_parse(&r, in, true);
	if (evbuffer_get_length(r.body) > HD_HTTP_BODY_MAX)
		abort();
	if (rc > 0 && (r.status < 100 || r.status > 999))
		abort();
	if (rc < 0 && !r.err[0])
		abort();
	evbuffer_free(in);
	evbuffer_free(r.body);
	fuzz_urls(data + (size ? 1 : 0), size ? size - 1 : 0);
	return 0;
}
