// SPDX-License-Identifier: GPL-2.0
/*
 * checktype=ping, and connect on a UDP service (ldirectord's check_ping,
 * Net::Ping "icmp"): ICMP or ICMPv6 echo requests to the real server, up at
 * the first echo reply from it.  ldirectord sends checkcount pings each
 * waiting checktimeout (so a dead server costs checkcount x checktimeout);
 * here the checkcount tries are spread over the check's one timeout, so
 * the bound stays the one the daemon gave.
 *
 * All ping checks of a family share one socket in the checker: a datagram
 * ICMP socket where net.ipv4.ping_group_range allows it (the kernel then
 * sets the echo id and hands us only our replies), else a raw one (root or
 * CAP_NET_RAW) filtered to echo replies.  A check owns one sequence number
 * for its life, and a reply counts only when its sequence number and its
 * source are the check's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <event2/event.h>

#include "check_int.h"

#define PING_SLOTS 65536        /* one per sequence number */

struct hd_ping_sock {
	int fd, af;
	bool raw;
	uint16_t id;            /* raw only: ours; a datagram's is the kernel's */
	uint16_t next_seq;
	struct event *ev;
	struct hd_check **slot;
};

struct ping_state {
	struct hd_ping_sock *ps;
	uint16_t seq;
	unsigned sent, tries;
	struct event *retry;
	struct sockaddr_storage dst;
	socklen_t dlen;
};

void hd_ping_sock_free(struct hd_ping_sock *ps)
{
	if (!ps)
		return;
	if (ps->ev)
		event_free(ps->ev);
	if (ps->fd >= 0)
		close(ps->fd);
	free(ps->slot);
	free(ps);
}

static uint16_t ping_csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum);
}

/* The reply's source is the check's server. */
static bool ping_from(const struct ping_state *s,
		      const struct sockaddr_storage *from)
{
	if (from->ss_family == AF_INET)
		return !memcmp(&((struct sockaddr_in *)from)->sin_addr,
			       &((struct sockaddr_in *)&s->dst)->sin_addr, 4);
	return !memcmp(&((struct sockaddr_in6 *)from)->sin6_addr,
		       &((struct sockaddr_in6 *)&s->dst)->sin6_addr, 16);
}

/* One datagram: an echo reply for one of our checks? */
static void ping_reply(struct hd_ping_sock *ps, const uint8_t *p, size_t n,
		       const struct sockaddr_storage *from)
{
	uint8_t reply = ps->af == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;
	struct hd_check *c;

	if (ps->raw && ps->af == AF_INET) {     /* behind its IP header */
		size_t ihl = n ? (p[0] & 0x0f) * 4u : 0;

		if (ihl < 20 || n < ihl)
			return;
		p += ihl;
		n -= ihl;
	}
	if (n < 8 || p[0] != reply || p[1] != 0)
		return;
	if (ps->raw && ((p[4] << 8) | p[5]) != ps->id)
		return;
	c = ps->slot[(p[6] << 8) | p[7]];
	if (c && ping_from(c->priv, from))
		hd_check_finish(c, true, "%s", "");
}

static void ping_readable(evutil_socket_t fd, short what, void *arg)
{
	struct hd_ping_sock *ps = arg;
	uint8_t buf[1500];

	(void)what;
	for (int i = 0; i < 256; i++) {         /* then let others run */
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0)
			return;
		ping_reply(ps, buf, n, &from);
	}
}

static int ping_sock_open(struct hd_ping_sock *ps)
{
	int proto = ps->af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(ps->af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	if (fd < 0) {
		fd = socket(ps->af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		if (fd < 0)
			return -errno;
		ps->raw = true;
	}
	ps->fd = fd;
	if (ps->raw && ps->af == AF_INET) {
		struct icmp_filter f = { ~(1u << ICMP_ECHOREPLY) };

		setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	} else if (ps->raw) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	return 0;
}

/* The checker's socket for the family, opened on first use. */
static struct hd_ping_sock *ping_sock(struct hd_checker *ck, int af, int *err)
{
	struct hd_ping_sock **pps = &ck->ping[af == AF_INET6];
	struct hd_ping_sock *ps = *pps;

	if (ps)
		return ps;
	ps = calloc(1, sizeof(*ps));
	if (!ps || !(ps->slot = calloc(PING_SLOTS, sizeof(*ps->slot)))) {
		free(ps);
		*err = -ENOMEM;
		return NULL;
	}
	ps->fd = -1;
	ps->af = af;
	ps->id = (uint16_t)(getpid() ^ (uintptr_t)ps);
	*err = ping_sock_open(ps);
	if (!*err && !(ps->ev = event_new(ck->base, ps->fd, EV_READ | EV_PERSIST,
					  ping_readable, ps)))
		*err = -ENOMEM;
	if (*err) {
		hd_ping_sock_free(ps);
		return NULL;
	}
	event_add(ps->ev, NULL);
	return *pps = ps;
}

static void ping_send(struct hd_check *c, struct ping_state *s)
{
	struct hd_ping_sock *ps = s->ps;
	uint8_t pkt[24] = { ps->af == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST };

	pkt[4] = ps->id >> 8, pkt[5] = ps->id;
	pkt[6] = s->seq >> 8, pkt[7] = s->seq;
	memcpy(pkt + 8, "xlvs-healthd", 12);
	pkt[8 + 12] = s->sent;
	if (ps->af == AF_INET) {        /* ICMPv6's is the kernel's */
		uint16_t sum = ping_csum(pkt, sizeof(pkt));

		memcpy(pkt + 2, &sum, 2);
	}
	s->sent++;
	if (sendto(ps->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&s->dst,
		   s->dlen) < 0 && errno != EAGAIN && errno != ENOBUFS)
		hd_check_finish(c, false, "ping: %s", strerror(errno));
}

static void ping_retry(evutil_socket_t fd, short what, void *arg)
{
	struct hd_check *c = arg;
	struct ping_state *s = c->priv;

	(void)fd, (void)what;
	ping_send(c, s);
	if (!c->finished && s->sent < s->tries) {
		unsigned ms = c->t.timeout_ms / s->tries;
		struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

		evtimer_add(s->retry, &tv);
	}
}

static void ping_stop(struct hd_check *c)
{
	struct ping_state *s = c->priv;

	if (!s)
		return;
	if (s->retry)
		event_free(s->retry);
	if (s->ps && s->ps->slot[s->seq] == c)
		s->ps->slot[s->seq] = NULL;
	free(s);
	c->priv = NULL;
}

static int ping_start(struct hd_check *c)
{
	struct ping_state *s = calloc(1, sizeof(*s));
	int af = c->t.rip.af == 6 ? AF_INET6 : AF_INET, err = 0;
	struct hd_ping_sock *ps;

	if (!s)
		return -ENOMEM;
	c->priv = s;
	s->tries = c->t.checkcount ? c->t.checkcount : 1;
	s->dlen = hd_sockaddr(&c->t.rip, 0, &s->dst);
	s->ps = ps = ping_sock(c->ck, af, &err);
	if (!ps) {
		hd_check_finish(c, false, "ping: %s", strerror(-err));
		return 0;
	}
	for (unsigned i = 0; i < PING_SLOTS && ps->slot[ps->next_seq]; i++)
		ps->next_seq++;
	if (ps->slot[ps->next_seq]) {
		ping_stop(c);
		return -EMFILE;         /* 65536 pings running */
	}
	s->seq = ps->next_seq++;
	ps->slot[s->seq] = c;
	s->retry = evtimer_new(c->ck->base, ping_retry, c);
	if (!s->retry) {
		ping_stop(c);
		return -ENOMEM;
	}
	ping_retry(-1, 0, c);
	return 0;
}

const struct hd_check_ops hd_ping_ops = { "ping", ping_start, ping_stop };
