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
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* The listening socket made here, not by evhttp_bind_socket: its
 * getaddrinfo (AI_ADDRCONFIG) refuses 127.0.0.1 on a host whose only
 * IPv4 address is loopback's, and says no errno when it fails. */
static int listen_fd(const struct xlvs_endpoint *ep)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1, e;

	if (ep->af == 6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(ep->port);
		memcpy(&in6->sin6_addr, ep->addr, 16);
		len = sizeof(*in6);
	} else {
		in->sin_family = AF_INET;
		in->sin_port = htons(ep->port);
		memcpy(&in->sin_addr, ep->addr, 4);
		len = sizeof(*in);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ep->af == 6)	/* [::]:PORT is IPv6 only: IPv4 is listed apart */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 128)) {
		e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static int bind_one(struct evhttp *ev, const struct xlvs_endpoint *ep)
{
	char shown[80];
	int fd = listen_fd(ep);

	if (fd >= 0 && evhttp_accept_socket(ev, fd) == 0)
		return 0;
	xlvs_endpoint_format(ep, shown, sizeof(shown));
	fprintf(stderr, "xlvs-exporter: --listen %s: cannot listen there: %s\n", shown,
		strerror(fd < 0 ? -fd : ENOMEM));
	if (fd >= 0)
		close(fd);
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
