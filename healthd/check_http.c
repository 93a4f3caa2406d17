// SPDX-License-Identifier: GPL-2.0
/*
 * service=http, https and http_proxy (ldirectord's check_http, which asks
 * LWP): one request to the check's URL, following redirects as LWP does
 * for GET and HEAD (at most 7; the redirected request's Host comes from
 * its URL), within the check's one timeout.  The server is up on a 2xx
 * answer whose body, when receive is set, matches it (LWP's ->content:
 * the body only, never the headers; a HEAD answer has an empty body).
 *
 * The URL, as ldirectord's ld_setup builds it: a request containing
 * "<scheme>://" (scheme "http" for http_proxy) is the URL itself, else it
 * is <scheme>://<rip>:<checkport>/<request>.  (ldirectord only honours a URL
 * in a real server's own request string, and for http_proxy only a URL at
 * all; the daemon passes us one request, so a URL counts wherever it is.)
 * http and https send Host: virtualhost, or the real server's address
 * as ldirectord writes it; http_proxy sends the absolute URL to the real
 * server as its proxy, Host from the URL.  Certificates are not verified
 * (ldirectord: verify_hostname => 0).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>

#include "check_http.h"
#include "check_int.h"

#define HTTP_MAX_REDIRECT 7     /* LWP::UserAgent's max_redirect */

struct http_state {
	struct bufferevent *bev;
	struct hd_http_resp resp;
	struct hd_url url;
	int redirects;
	bool proxy;             /* this request goes through the real server */
	bool own_host;          /* Host: from the URL (proxy, redirects) */
};

static bool http_is_proxy(const struct hd_check *c)
{
	return c->t.service == HD_SVC_HTTP_PROXY;
}

static void http_close(struct http_state *s)
{
	if (s->bev)
		bufferevent_free(s->bev);
	s->bev = NULL;
}

static void http_stop(struct hd_check *c)
{
	struct http_state *s = c->priv;

	if (!s)
		return;
	http_close(s);
	if (s->resp.body)
		evbuffer_free(s->resp.body);
	free(s);
	c->priv = NULL;
}

/* The first URL, from the request as ld_setup builds it. */
static int http_first_url(struct hd_check *c, struct hd_url *u)
{
	const char *req = c->t.request && *c->t.request ? c->t.request : "/";
	const char *scheme = c->t.service == HD_SVC_HTTPS ? "https" : "http";
	struct xlvs_endpoint ep = c->t.rip;
	char mark[16], rip[64], url[sizeof(u->path) + 128];

	if (*req == '/')
		req++;
	snprintf(mark, sizeof(mark), "%s://", scheme);
	if (strstr(req, mark))
		return hd_url_parse(req, u);
	ep.port = hd_check_port(&c->t);
	xlvs_endpoint_format(&ep, rip, sizeof(rip));
	snprintf(url, sizeof(url), "%s%s/%s", mark, rip, req);
	return hd_url_parse(url, u);
}

static void http_send(struct hd_check *c, struct http_state *s)
{
	struct evbuffer *out = bufferevent_get_output(s->bev);
	const char *method = c->t.httpmethod ? c->t.httpmethod : "GET";
	bool dflt = s->url.port == (s->url.tls ? 443 : 80);
	char host[320], rip[64];

	if (s->own_host || !c->t.virtualhost) {
		hd_addr_str(&c->t.rip, rip, sizeof(rip));
		if (s->own_host && !dflt)
			snprintf(host, sizeof(host), "%s:%u", s->url.host,
				 s->url.port);
		else
			snprintf(host, sizeof(host), "%s",
				 s->own_host ? s->url.host : rip);
	} else {
		snprintf(host, sizeof(host), "%s", c->t.virtualhost);
	}
	if (s->proxy)
		evbuffer_add_printf(out, "%s http://%s:%u%s HTTP/1.1\r\n", method,
				    s->url.host, s->url.port, s->url.path);
	else
		evbuffer_add_printf(out, "%s %s HTTP/1.1\r\n", method,
				    s->url.path);
	evbuffer_add_printf(out, "Host: %s\r\nUser-Agent: xlvs-healthd\r\n"
			    "Connection: close\r\n\r\n", host);
}

static void http_request(struct hd_check *c, struct http_state *s);

/* The answer is whole: a redirect to follow, or the verdict. */
static void http_answer(struct hd_check *c, struct http_state *s)
{
	struct hd_http_resp *r = &s->resp;
	const char *rcv = c->t.receive;
	char err[128];
	size_t len;
	int m;

	if ((r->status == 301 || r->status == 302 || r->status == 303 ||
	     r->status == 307 || r->status == 308) && r->location[0] &&
	    s->redirects < HTTP_MAX_REDIRECT) {
		if (hd_url_resolve(&s->url, r->location) < 0) {
			hd_check_finish(c, false, "bad redirect to %s",
					r->location);
			return;
		}
		s->redirects++;
		s->own_host = true;
		http_close(s);
		http_request(c, s);
		return;
	}
	if (r->status < 200 || r->status > 299) {
		hd_check_finish(c, false, "%s", r->status_line);
		return;
	}
	if (!hd_receive_set(rcv)) {
		hd_check_finish(c, true, "%s", "");
		return;
	}
	len = evbuffer_get_length(r->body);
	m = hd_match(rcv, (const char *)evbuffer_pullup(r->body, -1), len,
		     err, sizeof(err));
	if (m > 0)
		hd_check_finish(c, true, "%s", "");
	else
		hd_check_finish(c, false, "%s", m < 0 ? err :
				"receive string not found");
}

static void http_read(struct bufferevent *bev, void *arg)
{
	struct hd_check *c = arg;
	struct http_state *s = c->priv;
	int rc = hd_http_parse(&s->resp, bufferevent_get_input(bev), false);

	if (rc < 0)
		hd_check_finish(c, false, "%s", s->resp.err);
	else if (rc > 0)
		http_answer(c, s);
}

static void http_event(struct bufferevent *bev, short what, void *arg)
{
	struct hd_check *c = arg;
	struct http_state *s = c->priv;
	int rc;

	if (what & BEV_EVENT_CONNECTED) {
		http_send(c, s);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		int dns = bufferevent_socket_get_dns_error(bev);
		char why[sizeof(s->url.host) + 64];

		if (dns)
			snprintf(why, sizeof(why), "%s: %s", s->url.host,
				 evutil_gai_strerror(dns));
		else
			hd_tls_error(bev, why, sizeof(why));
		hd_check_finish(c, false, "%s", why);
		return;
	}
	if (!(what & BEV_EVENT_EOF))
		return;
	rc = hd_http_parse(&s->resp, bufferevent_get_input(bev), true);
	if (rc < 0)
		hd_check_finish(c, false, "%s", s->resp.err);
	else
		http_answer(c, s);
}

/* Where this request's connection goes: the URL's host, or for a proxied
 * one the real server. */
static int http_connect(struct hd_check *c, struct http_state *s)
{
	struct sockaddr_storage ss;
	struct xlvs_endpoint ep = { 0 };
	char host[sizeof(s->url.host)];
	size_t hl = strlen(s->url.host);

	if (s->proxy)
		return bufferevent_socket_connect(s->bev, (struct sockaddr *)&ss,
			hd_sockaddr(&c->t.rip, hd_check_port(&c->t), &ss));
	snprintf(host, sizeof(host), "%s", s->url.host);
	if (host[0] == '[' && hl > 2) {
		host[hl - 1] = 0;
		memmove(host, host + 1, hl - 1);
	}
	if (inet_pton(AF_INET, host, ep.addr) == 1)
		ep.af = 4;
	else if (inet_pton(AF_INET6, host, ep.addr) == 1)
		ep.af = 6;
	if (ep.af)
		return bufferevent_socket_connect(s->bev, (struct sockaddr *)&ss,
			hd_sockaddr(&ep, s->url.port, &ss));
	if (!c->ck->dns)
		c->ck->dns = evdns_base_new(c->ck->base,
					    EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (!c->ck->dns)
		return -1;
	return bufferevent_socket_connect_hostname(s->bev, c->ck->dns,
		AF_UNSPEC, host, s->url.port);
}

static void http_request(struct hd_check *c, struct http_state *s)
{
	s->proxy = http_is_proxy(c) && !s->url.tls;
	s->resp = (struct hd_http_resp){ .body = s->resp.body,
		.head = c->t.httpmethod && !strcasecmp(c->t.httpmethod, "HEAD") };
	evbuffer_drain(s->resp.body, evbuffer_get_length(s->resp.body));
	s->bev = hd_tls_bufferevent(c, s->url.tls, s->url.host,
				    c->t.virtualhost);
	if (!s->bev) {
		hd_check_finish(c, false, "%s", strerror(errno));
		return;
	}
	bufferevent_setcb(s->bev, http_read, NULL, http_event, c);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	if (http_connect(c, s) < 0)
		hd_check_finish(c, false, "cannot connect to %s:%u", s->url.host,
				s->url.port);
}

static int http_start(struct hd_check *c)
{
	struct http_state *s = calloc(1, sizeof(*s));

	if (!s || !(s->resp.body = evbuffer_new())) {
		free(s);
		return -ENOMEM;
	}
	c->priv = s;
	s->own_host = http_is_proxy(c);
	if (http_first_url(c, &s->url) < 0) {
		hd_check_finish(c, false, "bad request URL");
		return 0;
	}
	http_request(c, s);
	return 0;
}

const struct hd_check_ops hd_svc_http_ops = { "http", http_start, http_stop };
const struct hd_check_ops hd_svc_https_ops = { "https", http_start,
					       http_stop };
const struct hd_check_ops hd_svc_http_proxy_ops = { "http_proxy", http_start,
						    http_stop };
