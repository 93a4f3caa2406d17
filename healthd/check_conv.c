// SPDX-License-Identifier: GPL-2.0
/*
 * The conversation under the text protocols' checks: one bufferevent (plain
 * TCP, OpenSSL over TCP, or a connected UDP socket read as a stream of
 * datagrams, as ldirectord's `<$sock>` does) and a line reader; the
 * engine's timer bounds the check.  A protocol may end the check from inside any callback: the
 * conversation is freed only when the outermost callback returns (depth).
 */
#include "check_conv.h"
#include "check_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

struct hd_conv {
	struct event_base *base;
	const struct hd_check_target *t;
	const struct hd_conv_ops *ops;
	hd_check_done_fn done;
	void *arg;
	struct bufferevent *bev;        /* TCP and TLS */
	int ufd;                        /* UDP: the socket, its events, */
	struct event *urd, *uwr;        /* and what was read */
	struct evbuffer *uin;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	int socktype;
	unsigned depth;          /* callbacks of ours now running */
	bool finished;           /* done called (or cancelled): free at depth 0 */
	bool flushing;           /* finish once the output is written */
	bool flush_up;
	char why[256];
	void *priv;
};

static void conv_free(struct hd_conv *cv)
{
	if (cv->ops->cleanup)
		cv->ops->cleanup(cv);
	if (cv->bev)
		bufferevent_free(cv->bev);
	if (cv->urd)
		event_free(cv->urd);
	if (cv->uwr)
		event_free(cv->uwr);
	if (cv->uin)
		evbuffer_free(cv->uin);
	if (cv->ufd >= 0)
		close(cv->ufd);
	free(cv->priv);
	free(cv);
}

static void conv_enter(struct hd_conv *cv)
{
	cv->depth++;
}

/* False when the conversation is gone and the caller must not touch it. */
static bool conv_leave(struct hd_conv *cv)
{
	if (--cv->depth == 0 && cv->finished) {
		conv_free(cv);
		return false;
	}
	return !cv->finished;
}

static void conv_vfinish(struct hd_conv *cv, bool up, const char *fmt,
			 va_list ap)
{
	if (cv->finished)
		return;
	cv->finished = true;
	if (cv->bev)
		bufferevent_disable(cv->bev, EV_READ | EV_WRITE);
	if (cv->urd)
		event_del(cv->urd);
	if (cv->uwr)
		event_del(cv->uwr);
	if (up || !fmt)
		cv->why[0] = '\0';
	else
		vsnprintf(cv->why, sizeof(cv->why), fmt, ap);
	conv_enter(cv);
	cv->done(cv->arg, up, cv->why);
	conv_leave(cv);
}

void hd_conv_finish(struct hd_conv *cv, bool up, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conv_vfinish(cv, up, fmt, ap);
	va_end(ap);
}

void hd_conv_finish_flushed(struct hd_conv *cv, bool up, const char *why)
{
	if (cv->finished || cv->flushing)
		return;
	if (!cv->bev ||         /* UDP: sent at once */
	    evbuffer_get_length(bufferevent_get_output(cv->bev)) == 0) {
		hd_conv_finish(cv, up, "%s", why);
		return;
	}
	cv->flushing = true;
	cv->flush_up = up;
	snprintf(cv->why, sizeof(cv->why), "%s", why);
	bufferevent_disable(cv->bev, EV_READ);
}

void hd_conv_cancel(struct hd_conv *cv)
{
	if (!cv || cv->finished)
		return;
	cv->finished = true;
	if (cv->depth == 0)
		conv_free(cv);
}

static void conv_error(struct hd_conv *cv)
{
	char why[160];

	hd_tls_error(cv->bev, why, sizeof(why));
	hd_conv_finish(cv, false, "%s: %s", cv->ops->name, why);
}

static void conv_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct hd_conv *cv = arg;

	(void)bev;
	conv_enter(cv);
	if (cv->flushing && (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF))) {
		/* The result was decided; only the QUIT was still going. */
		char why[sizeof(cv->why)];

		memcpy(why, cv->why, sizeof(why));
		hd_conv_finish(cv, cv->flush_up, "%s", why);
	} else if (what & BEV_EVENT_CONNECTED) {
		bufferevent_enable(cv->bev, EV_READ);
		if (cv->ops->ready)
			cv->ops->ready(cv);
	} else if (what & BEV_EVENT_ERROR) {
		conv_error(cv);
	} else if (what & BEV_EVENT_EOF) {
		if (cv->ops->eof)
			cv->ops->eof(cv);
		else
			hd_conv_finish(cv, false, "%s: connection closed",
				       cv->ops->name);
	}
	conv_leave(cv);
}

static void conv_lines(struct hd_conv *cv, struct evbuffer *in)
{
	while (!cv->finished) {
		size_t n;
		char *line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);

		if (!line) {
			if (evbuffer_get_length(in) > HD_CONV_MAX_LINE)
				hd_conv_finish(cv, false, "%s: line too long",
					       cv->ops->name);
			return;
		}
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		cv->ops->line(cv, line, n);
		free(line);
	}
}

static void conv_input(struct hd_conv *cv, struct evbuffer *in)
{
	if (cv->ops->input)
		cv->ops->input(cv, in);
	else
		conv_lines(cv, in);
}

static void conv_read_cb(struct bufferevent *bev, void *arg)
{
	struct hd_conv *cv = arg;

	conv_enter(cv);
	conv_input(cv, bufferevent_get_input(bev));
	conv_leave(cv);
}

static void conv_write_cb(struct bufferevent *bev, void *arg)
{
	struct hd_conv *cv = arg;
	char why[sizeof(cv->why)];

	if (!cv->flushing || cv->finished ||
	    evbuffer_get_length(bufferevent_get_output(bev)))
		return;
	memcpy(why, cv->why, sizeof(why));
	conv_enter(cv);
	hd_conv_finish(cv, cv->flush_up, "%s", why);
	conv_leave(cv);
}

/* UDP without a bufferevent: libevent's reader takes a refusal (the ICMP
 * port unreachable a connected socket reports) for a failed connect and
 * says nothing, and each write must be one datagram. */
static void udp_ready_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hd_conv *cv = arg;

	(void)fd;
	(void)what;
	conv_enter(cv);
	event_add(cv->urd, NULL);
	if (cv->ops->ready)
		cv->ops->ready(cv);
	conv_leave(cv);
}

static void udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hd_conv *cv = arg;
	char buf[65536];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	(void)what;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	conv_enter(cv);
	if (n < 0) {
		hd_conv_finish(cv, false, "%s: %s", cv->ops->name,
			       strerror(errno));
	} else {
		evbuffer_add(cv->uin, buf, n);
		conv_input(cv, cv->uin);
	}
	conv_leave(cv);
}

/* A connected UDP socket; connect() does not wait, so "ready" comes from
 * the loop when it is writable, as for TCP. */
static int conv_udp(struct hd_conv *cv)
{
	cv->ufd = socket(cv->peer.ss_family,
			 SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cv->ufd < 0)
		return -errno;
	if (connect(cv->ufd, (struct sockaddr *)&cv->peer, cv->peerlen) < 0)
		return -errno;
	cv->uin = evbuffer_new();
	cv->urd = event_new(cv->base, cv->ufd, EV_READ | EV_PERSIST,
			    udp_read_cb, cv);
	cv->uwr = event_new(cv->base, cv->ufd, EV_WRITE, udp_ready_cb, cv);
	if (!cv->uin || !cv->urd || !cv->uwr || event_add(cv->uwr, NULL) < 0)
		return -ENOMEM;
	return 0;
}

/* bev: the caller's unconnected bufferevent (TLS: check_tls.c's), or
 * NULL for plain TCP.  It is ours from here on, even on failure. */
static struct bufferevent *conv_tcp(struct hd_conv *cv,
				    struct bufferevent *bev)
{
	if (!bev)
		bev = bufferevent_socket_new(cv->base, -1,
					     BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		errno = ENOMEM;
		return NULL;
	}
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&cv->peer,
				       cv->peerlen) < 0) {
		int e = EVUTIL_SOCKET_ERROR();

		bufferevent_free(bev);
		errno = e ? e : ECONNREFUSED;
		return NULL;
	}
	return bev;
}

struct hd_conv *hd_conv_start(struct event_base *base,
			      struct bufferevent *bev,
			      const struct hd_check_target *t, int socktype,
			      const struct hd_conv_ops *ops,
			      hd_check_done_fn done, void *arg)
{
	struct hd_conv *cv = calloc(1, sizeof(*cv));
	int e;

	if (!cv) {
		if (bev)
			bufferevent_free(bev);
		return NULL;
	}
	*cv = (struct hd_conv){ .base = base, .t = t, .ops = ops,
				.done = done, .arg = arg,
				.socktype = socktype, .ufd = -1 };
	cv->peerlen = hd_sockaddr(&t->rip, hd_check_port(t), &cv->peer);
	cv->priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
	if (!cv->priv)
		goto fail;
	if (socktype == SOCK_DGRAM) {
		if (bev)
			bufferevent_free(bev);
		bev = NULL;
		e = conv_udp(cv);
		if (e < 0) {
			errno = -e;
			goto fail;
		}
	} else {
		cv->bev = conv_tcp(cv, bev);
		bev = NULL;
		if (!cv->bev)
			goto fail;
		bufferevent_setcb(cv->bev, conv_read_cb, conv_write_cb,
				  conv_event_cb, cv);
	}
	return cv;
fail:
	e = errno;
	if (bev)
		bufferevent_free(bev);
	conv_free(cv);
	errno = e;
	return NULL;
}

struct hd_conv *hd_conv_start_connected(struct event_base *base,
					struct bufferevent *bev,
					const struct hd_check_target *t,
					const struct hd_conv_ops *ops,
					hd_check_done_fn done, void *arg)
{
	struct hd_conv *cv = calloc(1, sizeof(*cv));

	if (!cv || !(cv->priv = calloc(1, ops->priv_size ?
					  ops->priv_size : 1))) {
		free(cv);
		bufferevent_free(bev);
		errno = ENOMEM;
		return NULL;
	}
	cv->base = base;
	cv->t = t;
	cv->ops = ops;
	cv->done = done;
	cv->arg = arg;
	cv->ufd = -1;
	cv->socktype = SOCK_STREAM;
	cv->peerlen = hd_sockaddr(&t->rip, hd_check_port(t), &cv->peer);
	cv->bev = bev;
	bufferevent_setcb(bev, conv_read_cb, conv_write_cb, conv_event_cb, cv);
	bufferevent_trigger_event(bev, BEV_EVENT_CONNECTED,
				  BEV_TRIG_DEFER_CALLBACKS);
	return cv;
}

void *hd_conv_priv(struct hd_conv *cv)
{
	return cv->priv;
}

const struct hd_check_target *hd_conv_target(const struct hd_conv *cv)
{
	return cv->t;
}

struct event_base *hd_conv_base(const struct hd_conv *cv)
{
	return cv->base;
}

int hd_conv_local(const struct hd_conv *cv, struct sockaddr_storage *ss,
		  socklen_t *len)
{
	int fd = cv->bev ? bufferevent_getfd(cv->bev) : cv->ufd;

	*len = sizeof(*ss);
	if (getsockname(fd, (struct sockaddr *)ss, len) < 0)
		return -errno;
	return 0;
}

void hd_conv_write(struct hd_conv *cv, const void *data, size_t len)
{
	if (cv->finished)
		return;
	if (cv->bev)
		bufferevent_write(cv->bev, data, len);
	else if (send(cv->ufd, data, len, 0) < 0)
		hd_conv_finish(cv, false, "%s: %s", cv->ops->name,
			       strerror(errno));
}

void hd_conv_printf(struct hd_conv *cv, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (cv->finished)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		hd_conv_finish(cv, false, "%s: out of memory", cv->ops->name);
		return;
	}
	hd_conv_write(cv, s, n);        /* one datagram over UDP */
	free(s);
}

int hd_conv_match(const char *re, const char *text, size_t len)
{
	char err[120];

	return hd_match(re, text, len, err, sizeof(err));
}
