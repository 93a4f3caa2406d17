// SPDX-License-Identifier: GPL-2.0
/*
 * service=simpletcp (ldirectord's check_simpletcp): connect, send the
 * request (its leading "/" dropped, each two-character "\n" turned into a
 * newline, as ldirectord does), shut down the writing side, then read line
 * by line: up when a line (with its newline, or the last one cut by the
 * close) matches receive.  An unset receive is Perl's empty pattern, which
 * matches any line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "check_int.h"

#define STCP_LINE_MAX (64u << 10)   /* a longer line is matched in pieces */
#define STCP_READ_MAX (1u << 20)    /* then give up */

struct stcp_state {
	struct bufferevent *bev;
	size_t seen;
};

static void stcp_stop(struct hd_check *c)
{
	struct stcp_state *s = c->priv;

	if (!s)
		return;
	if (s->bev)
		bufferevent_free(s->bev);
	free(s);
	c->priv = NULL;
}

/* 1 when the line matches (or receive is unset), 0 not, -1 bad regex. */
static int stcp_line(struct hd_check *c, const char *line, size_t len)
{
	char err[128];
	int m;

	if (!c->t.receive || !*c->t.receive)
		return 1;
	m = hd_match(c->t.receive, line, len, err, sizeof(err));
	if (m < 0)
		hd_check_finish(c, false, "%s", err);
	return m;
}

/* Matches every whole line in; at eof the rest too.  True when done. */
static bool stcp_scan(struct hd_check *c, struct evbuffer *in, bool eof)
{
	struct stcp_state *s = c->priv;

	for (;;) {
		struct evbuffer_ptr nl = evbuffer_search(in, "\n", 1, NULL);
		size_t len = nl.pos >= 0 ? (size_t)nl.pos + 1 :
			     evbuffer_get_length(in);
		int m;

		if (!len || (nl.pos < 0 && !eof && len < STCP_LINE_MAX))
			return false;
		if (len > STCP_LINE_MAX)
			len = STCP_LINE_MAX;
		m = stcp_line(c, (const char *)evbuffer_pullup(in, len), len);
		if (m < 0)
			return true;
		if (m > 0) {
			hd_check_finish(c, true, "%s", "");
			return true;
		}
		evbuffer_drain(in, len);
		s->seen += len;
		if (s->seen >= STCP_READ_MAX) {
			hd_check_finish(c, false, "no line matched in %u bytes",
					STCP_READ_MAX);
			return true;
		}
	}
}

static void stcp_read(struct bufferevent *bev, void *arg)
{
	stcp_scan(arg, bufferevent_get_input(bev), false);
}

/* The request is out: the server now sees our end of it. */
static void stcp_written(struct bufferevent *bev, void *arg)
{
	(void)arg;
	shutdown(bufferevent_getfd(bev), SHUT_WR);
	bufferevent_disable(bev, EV_WRITE);
}

static void stcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct hd_check *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		if (!evbuffer_get_length(bufferevent_get_output(bev)))
			stcp_written(bev, c);   /* an empty request */
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		char why[128];

		hd_tls_error(bev, why, sizeof(why));
		hd_check_finish(c, false, "%s", why);
	} else if ((what & BEV_EVENT_EOF) &&
		   !stcp_scan(c, bufferevent_get_input(bev), true)) {
		hd_check_finish(c, false, "%s", "receive string not found");
	}
}

static void stcp_request(struct hd_check *c, struct evbuffer *out)
{
	const char *p = c->t.request ? c->t.request : "";

	if (*p == '/')
		p++;
	while (*p) {
		const char *bs = strstr(p, "\\n");
		size_t n = bs ? (size_t)(bs - p) : strlen(p);

		evbuffer_add(out, p, n);
		if (!bs)
			break;
		evbuffer_add(out, "\n", 1);
		p = bs + 2;
	}
}

static int stcp_start(struct hd_check *c)
{
	struct stcp_state *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t len = hd_sockaddr(&c->t.rip, hd_check_port(&c->t), &ss);

	if (!s || !(s->bev = hd_tls_bufferevent(c, false, NULL, NULL))) {
		free(s);
		return -ENOMEM;
	}
	c->priv = s;
	bufferevent_setcb(s->bev, stcp_read, stcp_written, stcp_event, c);
	bufferevent_setwatermark(s->bev, EV_WRITE, 0, 0);
	stcp_request(c, bufferevent_get_output(s->bev));
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(s->bev, (struct sockaddr *)&ss, len) < 0)
		hd_check_finish(c, false, "%s", strerror(errno));
	return 0;
}

const struct hd_check_ops hd_svc_simpletcp_ops = { "simpletcp", stcp_start,
						   stcp_stop };
