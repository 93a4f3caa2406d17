// SPDX-License-Identifier: GPL-2.0
/* unit_hd_proto1's own servers: scripted wrong answers, and silence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "hd_proto1.h"

struct canned {
	bool close;             /* once the request is in */
	const char *greeting;
	const char *const *replies;
};

struct canned_conn {
	const struct canned *srv;
	unsigned next;
};

static void canned_read(struct bufferevent *bev, void *arg)
{
	struct canned_conn *cc = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t n;

	if (cc->srv->close) {   /* the request read: close (FIN, not RST) */
		evbuffer_drain(in, evbuffer_get_length(in));
		bufferevent_free(bev);
		free(cc);
		return;
	}
	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF))) {
		const char *r = cc->srv->replies ?
				cc->srv->replies[cc->next] : NULL;

		free(line);
		if (!r)
			continue;
		cc->next++;
		bufferevent_write(bev, r, strlen(r));
	}
}

static void canned_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		bufferevent_free(bev);
		free(arg);
	}
}

static void canned_accept(struct evconnlistener *l, evutil_socket_t fd,
			  struct sockaddr *sa, int len, void *arg)
{
	const struct canned *srv = arg;
	struct canned_conn *cc = calloc(1, sizeof(*cc));
	struct bufferevent *bev = bufferevent_socket_new(
		evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);

	(void)sa;
	(void)len;
	cc->srv = srv;
	bufferevent_setcb(bev, canned_read, NULL, canned_event, cc);
	bufferevent_enable(bev, EV_READ);
	if (srv->greeting)
		bufferevent_write(bev, srv->greeting, strlen(srv->greeting));
}

static int p_bound_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	return ntohs(sin.sin_port);
}

static int p_bind_lo(int type)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static int canned_new(const char *greeting, const char *const *replies,
		      bool close)
{
	struct canned *srv = calloc(1, sizeof(*srv));
	int fd = p_bind_lo(SOCK_STREAM | SOCK_NONBLOCK);
	struct evconnlistener *l;

	srv->close = close;
	srv->greeting = greeting;
	srv->replies = replies;
	l = evconnlistener_new(p_base, canned_accept, srv,
			       LEV_OPT_CLOSE_ON_FREE, 16, fd);
	assert_non_null(l);
	return p_bound_port(fd);
}

int p_canned(const char *greeting, const char *const *replies)
{
	return canned_new(greeting, replies, false);
}

int p_canned_close(const char *greeting)
{
	return canned_new(greeting, NULL, true);
}

int p_udp_silent(void)
{
	return p_bound_port(p_bind_lo(SOCK_DGRAM));
}

int p_closed_port(void)
{
	int fd = p_bind_lo(SOCK_STREAM);
	int port = p_bound_port(fd);

	close(fd);
	return port;
}
