// SPDX-License-Identifier: GPL-2.0
/* /metrics and / over evhttp (http.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "metrics.h"
#include "page.h"
#include "view.h"

/* How long failoverd may take to answer one request's status. */
#define HTTP_FAILOVERD_WAIT_MS 1000

struct http {
	struct evhttp *ev;
	const struct cli *o;
};

static void headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	/* Nothing to load, nothing to run: the style is the page's own. */
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
}

/* The rendered document, or a 500 when memory ran out. */
static void answer(struct evhttp_request *req, const struct http *h, bool page)
{
	struct view_conf vc = {
		.healthd_rundir = h->o->healthd_rundir,
		.failoverd_sock = h->o->failoverd_sock,
		.failoverd_timeout_ms = HTTP_FAILOVERD_WAIT_MS,
	};
	struct evbuffer *body;
	struct view v;
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	view_take(&v, &vc);
	m = open_memstream(&text, &len);
	if (m) {
		if (page)
			page_write(m, &v, h->o->refresh);
		else
			metrics_write(m, &v);
		if (fclose(m))
			len = 0, free(text), text = NULL;
	}
	view_free(&v);
	body = evbuffer_new();
	if (!text || !body || evbuffer_add(body, text, len)) {
		evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
	} else {
		headers(req, page ? "text/html; charset=utf-8" :
			"text/plain; version=0.0.4; charset=utf-8");
		evhttp_send_reply(req, HTTP_OK, "OK", body);
	}
	if (body)
		evbuffer_free(body);
	free(text);
}

static bool method_ok(struct evhttp_request *req)
{
	enum evhttp_cmd_type t = evhttp_request_get_command(req);

	if (t == EVHTTP_REQ_GET || t == EVHTTP_REQ_HEAD)
		return true;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
	evhttp_send_error(req, 405, "Method Not Allowed");
	return false;
}

static void on_metrics(struct evhttp_request *req, void *arg)
{
	if (method_ok(req))
		answer(req, arg, false);
}

static void on_page(struct evhttp_request *req, void *arg)
{
	if (method_ok(req))
		answer(req, arg, true);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (method_ok(req))
		evhttp_send_error(req, HTTP_NOTFOUND, "Not Found: /metrics or /");
}

static int bind_one(struct evhttp *ev, const struct xlvs_endpoint *ep)
{
	char a[INET6_ADDRSTRLEN], shown[80];

	inet_ntop(ep->af == 6 ? AF_INET6 : AF_INET, ep->addr, a, sizeof(a));
	if (evhttp_bind_socket(ev, a, ep->port) == 0)
		return 0;
	xlvs_endpoint_format(ep, shown, sizeof(shown));
	fprintf(stderr, "xlvs-exporter: --listen %s: cannot listen there: %s\n", shown,
		strerror(errno));
	return -1;
}

struct http *http_start(struct event_base *base, const struct cli *o)
{
	struct http *h = calloc(1, sizeof(*h));

	if (!h || !(h->ev = evhttp_new(base))) {
		fprintf(stderr, "xlvs-exporter: out of memory\n");
		free(h);
		return NULL;
	}
	h->o = o;
	/* Others get 405 from method_ok; evhttp would answer them 501. */
	evhttp_set_allowed_methods(h->ev, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
				   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
				   EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(h->ev, 16384);
	evhttp_set_max_body_size(h->ev, 4096);
	evhttp_set_timeout(h->ev, 10);
	evhttp_set_cb(h->ev, "/metrics", on_metrics, h);
	evhttp_set_cb(h->ev, "/", on_page, h);
	evhttp_set_gencb(h->ev, on_other, h);
	for (size_t i = 0; i < o->nlisten; i++)
		if (bind_one(h->ev, &o->listen[i])) {
			http_free(h);
			return NULL;
		}
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	if (h->ev)
		evhttp_free(h->ev);
	free(h);
}
