// SPDX-License-Identifier: GPL-2.0
/*
 * checktype=connect on a TCP service (ldirectord's check_connect): the
 * server is up when a TCP connection to rip:checkport is established; it is
 * closed at once.  (A UDP service's connect check is a ping: check.c.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <event2/event.h>

#include "check_int.h"

struct connect_state {
	int fd;
	struct event *ev;
};

static void connect_done(evutil_socket_t fd, short what, void *arg)
{
	struct hd_check *c = arg;
	static const struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int err = 0;
	socklen_t len = sizeof(err);

	(void)what;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		hd_check_finish(c, false, "%s", strerror(err));
		return;
	}
	/* Closed by a reset (SO_LINGER 0), not a FIN: the check has its
	 * answer, and a FIN exchange would cost both ends two more segments
	 * and leave this end a TIME_WAIT socket per check (5,000 checks a
	 * second would fill net.ipv4.tcp_max_tw_buckets).  HAProxy closes
	 * its connect checks the same way. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	hd_check_finish(c, true, "%s", "");
}

static void connect_stop(struct hd_check *c)
{
	struct connect_state *s = c->priv;

	if (!s)
		return;
	if (s->ev)
		event_free(s->ev);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	c->priv = NULL;
}

static int connect_start(struct hd_check *c)
{
	struct connect_state *s = calloc(1, sizeof(*s));
	int fd;

	if (!s)
		return -ENOMEM;
	fd = hd_tcp_connect(&c->t.rip, hd_check_port(&c->t));
	if (fd < 0 && hd_start_errno(-fd)) {
		free(s);
		return fd;
	}
	s->fd = fd;
	c->priv = s;
	if (fd < 0) {
		hd_check_finish(c, false, "%s", strerror(-fd));
		return 0;
	}
	s->ev = event_new(c->ck->base, fd, EV_WRITE, connect_done, c);
	if (!s->ev) {
		connect_stop(c);
		return -ENOMEM;
	}
	event_add(s->ev, NULL);
	return 0;
}

const struct hd_check_ops hd_connect_ops = { "connect", connect_start,
					     connect_stop };
