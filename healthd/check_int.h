/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What check.c shares with the check families (check_<what>.c).  A family
 * is a struct hd_check_ops: start() begins the exchange on the loop and
 * returns 0, or -errno when nothing could start (hd_check_start then
 * returns NULL); it ends the check by calling hd_check_finish() from any
 * of its callbacks, or even from start() itself, since the result is
 * always delivered later by a zero-delay event.  stop() releases the
 * family's state (c->priv) and is called exactly once: when the check
 * finishes, times out or is cancelled.
 */
#ifndef XLVS_HEALTHD_CHECK_INT_H
#define XLVS_HEALTHD_CHECK_INT_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "check.h"

struct event;
struct evdns_base;
struct hd_check;
struct hd_ping_sock;
struct ssl_ctx_st;

struct hd_check_ops {
	const char *name;
	int (*start)(struct hd_check *c);
	void (*stop)(struct hd_check *c);
};

struct hd_checker {
	struct event_base *base;
	unsigned running;
	struct hd_check *checks;        /* running, so that free can end them */
	struct hd_ping_sock *ping[2];   /* [0] ICMP, [1] ICMPv6; lazily */
	struct ssl_ctx_st *tls;         /* lazily, check_tls.c */
	struct evdns_base *dns;         /* lazily: names in request URLs */
	struct hd_reaper *reapers;      /* external commands killed on timeout,
					 * not yet reaped */
};

struct hd_check {
	struct hd_checker *ck;
	struct hd_check *next, **pprev;
	struct hd_check_target t;       /* a copy: the caller's strings */
	hd_check_done_fn done;
	void *arg;
	const struct hd_check_ops *ops;
	void *priv;                     /* the family's */
	struct event *timer;            /* the whole check's bound */
	struct event *deliver;          /* zero-delay: the result */
	bool finished, up;
	char why[160];
};

/* Records the result (the first call wins), releases the family's state
 * and schedules the callback. */
void hd_check_finish(struct hd_check *c, bool up, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The port checks connect to: checkport, else the real server's. */
uint16_t hd_check_port(const struct hd_check_target *t);
/* ep's address with port into ss; its length. */
socklen_t hd_sockaddr(const struct xlvs_endpoint *ep, uint16_t port,
		      struct sockaddr_storage *ss);
/* The address as ldirectord writes a server: "10.0.0.1", "[2001:db8::1]". */
void hd_addr_str(const struct xlvs_endpoint *ep, char *buf, size_t len);
/* A non-blocking, close-on-exec TCP socket whose connect() to the target's
 * address and port has begun: the descriptor, or -errno.  A refusal the
 * kernel knows at once is returned as -ECONNREFUSED too. */
int hd_tcp_connect(const struct xlvs_endpoint *ep, uint16_t port);

/* err (positive) means the check could not start at all (out of
 * descriptors or memory, no such family): the family returns it from
 * start() rather than failing the check. */
bool hd_start_errno(int err);

/* check_match.c: does receive (a Perl regular expression, unanchored as
 * ldirectord's =~ /$receive/) match text?  1 yes, 0 no, -EINVAL when it
 * does not compile (err says why). */
int hd_match(const char *receive, const char *text, size_t len,
	     char *err, size_t errlen);
/* receive is set: ldirectord checks only a receive matching /.+/. */
bool hd_receive_set(const char *receive);

/* The families (check_*.c).  A negotiate service's ops is named
 * hd_svc_<name>_ops; check.c refers to each weakly, so a service whose file
 * is not in the build fails its checks as "not supported". */
extern const struct hd_check_ops hd_connect_ops, hd_ping_ops,
	hd_external_ops, hd_external_perl_ops;

/* check_ping.c: the checker's shared ICMP sockets. */
void hd_ping_sock_free(struct hd_ping_sock *ps);
/* check_external.c: processes killed on timeout and not yet reaped. */
struct hd_reaper;
void hd_reapers_free(struct hd_checker *ck);
/* check_tls.c: an unconnected bufferevent for c, TLS when tls (host:
 * the name connected to, vhost: the virtualhost, for SNI); NULL with errno.
 * hd_tls_error: why its BEV_EVENT_ERROR came. */
struct bufferevent;
struct bufferevent *hd_tls_bufferevent(struct hd_check *c, bool tls,
				       const char *host, const char *vhost);
void hd_tls_error(struct bufferevent *bev, char *buf, size_t len);
/* A client SSL on the checker's one context (no verification); NULL. */
struct ssl_st *hd_tls_ssl_new(struct hd_checker *ck);
void hd_tls_free(struct hd_checker *ck);

#endif
