/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTTP side (libevent's evhttp): GET or HEAD of /metrics and / only
 * (anything else 404, other methods 405), each answered from a view
 * taken for that request.  The answers say not to be cached and the page
 * may load nothing and run nothing (Content-Security-Policy).
 */
#ifndef XLVS_EXPORTER_HTTP_H
#define XLVS_EXPORTER_HTTP_H

#include "cli.h"

struct event_base;
struct http;

/* Listening on every address of o: NULL after a message on stderr. */
struct http *http_start(struct event_base *base, const struct cli *o);
void http_free(struct http *h);

#endif
