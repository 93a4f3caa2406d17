// SPDX-License-Identifier: GPL-2.0
/* bench/healthd/floor: the least a connect checker can do, as a peer for
 * the health-check benchmark's CPU figures (what the kernel's TCP costs on
 * this machine, both ends of it on loopback, with nothing of a checker's
 * own).  N servers BASE+1 .. BASE+N on PORT, each connected to once every
 * INTERVAL ms at its own phase, due ones started together on TICK ms
 * ticks (in index order: the phases go round); a connection that completes (EPOLLOUT, SO_ERROR read) is closed
 * by a reset (SO_LINGER 0), as xlvs-healthd closes its checks; one that
 * has not answered in 3 s is closed.  No configuration, no state machine,
 * no timers but the tick, no allocation per check: one epoll_wait a tick.
 * With -r PATH (an http negotiate's floor): once connected it writes
 * "GET PATH HTTP/1.0" with a Host header, reads the answer to its end (the
 * server closes, HTTP/1.0) and closes, as xlvs-healthd's http check does;
 * the answer is not parsed.
 * Runs until SIGTERM or SIGINT.
 *
 * floor -b 10.201.0.0 -n 5000 [-p 80] [-i 1000] [-t 5] [-r /index.html] */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct fl_srv {
	int fd;                 /* -1 when idle */
	bool sent;              /* -r: the request is written */
	uint64_t next_us;       /* next check's due time */
	uint64_t started_us;
};

static volatile sig_atomic_t fl_stop;

static void fl_on_signal(int sig)
{
	(void)sig;
	fl_stop = 1;
}

static uint64_t fl_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void fl_close(int ep, struct fl_srv *s, bool reset)
{
	static const struct linger lg = { 1, 0 };

	if (reset)
		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
	s->sent = false;
}

/* -r: the request out, then wait for the answer. */
static void fl_send(int ep, struct fl_srv *s, uint32_t idx, const char *req)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = idx };

	if (write(s->fd, req, strlen(req)) < 0) {
		fl_close(ep, s, false);
		return;
	}
	s->sent = true;
	epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
}

/* The answer read to its end, then closed. */
static void fl_read(int ep, struct fl_srv *s)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(s->fd, buf, sizeof(buf))) > 0)
		;
	if (n == 0 || errno != EAGAIN)
		fl_close(ep, s, false);
}

static void fl_start(int ep, struct fl_srv *s, uint32_t idx, uint32_t base,
		     uint16_t port, uint64_t now)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(base + idx + 1) };
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = idx };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return;
	}
	s->fd = fd;
	s->started_us = now;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int main(int argc, char **argv)
{
	uint32_t n = 0, base = 0, interval_ms = 1000, tick_ms = 5;
	uint16_t port = 80;
	struct epoll_event evs[1024];
	struct in_addr a;
	struct fl_srv *srv;
	uint64_t t0;
	uint32_t cur = 0;
	static char reqbuf[512];
	const char *req = NULL;
	int opt, ep;

	while ((opt = getopt(argc, argv, "b:n:p:i:t:r:")) != -1) {
		switch (opt) {
		case 'b': if (inet_pton(AF_INET, optarg, &a) != 1) return 2;
			  base = ntohl(a.s_addr); break;
		case 'n': n = (uint32_t)atoi(optarg); break;
		case 'p': port = (uint16_t)atoi(optarg); break;
		case 'i': interval_ms = (uint32_t)atoi(optarg); break;
		case 't': tick_ms = (uint32_t)atoi(optarg); break;
		case 'r': snprintf(reqbuf, sizeof(reqbuf),
				   "GET %s HTTP/1.0\r\nHost: floor\r\n\r\n", optarg);
			  req = reqbuf; break;
		default: return 2;
		}
	}
	if (!n || !base || !interval_ms || !tick_ms) {
		fprintf(stderr, "usage: floor -b BASE -n N [-p PORT] [-i MS] [-t MS] [-r PATH]\n");
		return 2;
	}
	signal(SIGTERM, fl_on_signal);
	signal(SIGINT, fl_on_signal);
	srv = calloc(n, sizeof(*srv));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!srv || ep < 0)
		return 1;
	t0 = fl_now_us();
	for (uint32_t i = 0; i < n; i++) {
		srv[i].fd = -1;
		srv[i].next_us = t0 + (uint64_t)i * interval_ms * 1000u / n;
	}
	while (!fl_stop) {
		uint64_t now = fl_now_us();
		int k = epoll_wait(ep, evs, 1024, (int)tick_ms);

		for (int i = 0; i < k; i++) {
			struct fl_srv *s = &srv[evs[i].data.u32];
			int err = 0;
			socklen_t len = sizeof(err);

			if (req && s->sent) {
				fl_read(ep, s);
				continue;
			}
			getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (!req || err) {
				fl_close(ep, s, !err && !req);
				continue;
			}
			fl_send(ep, s, evs[i].data.u32, req);
		}
		/* The phases go round in index order: the next due is cur. */
		now = fl_now_us();
		while (srv[cur].next_us <= now) {
			struct fl_srv *s = &srv[cur];

			if (s->fd >= 0 && now - s->started_us > 3000000u)
				fl_close(ep, s, false);
			s->next_us += (uint64_t)interval_ms * 1000u;
			if (s->fd < 0)
				fl_start(ep, s, cur, base, port, now);
			cur = cur + 1 == n ? 0 : cur + 1;
		}
	}
	return 0;
}
