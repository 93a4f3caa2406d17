// SPDX-License-Identifier: GPL-2.0
/*
 * The check engine's core: a check's life (start, its one timer bounding the
 * whole check, the result delivered once from the loop, cancel) and the
 * dispatch from a target's kind and service to the family that runs it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <event2/event.h>
#include <event2/dns.h>

#include "check_int.h"

static const char *const svc_names[HD_SVC_COUNT] = {
	[HD_SVC_NONE] = "none",
	[HD_SVC_DNS] = "dns",
	[HD_SVC_FTP] = "ftp",
	[HD_SVC_HTTP] = "http",
	[HD_SVC_HTTPS] = "https",
	[HD_SVC_HTTP_PROXY] = "http_proxy",
	[HD_SVC_IMAP] = "imap",
	[HD_SVC_IMAPS] = "imaps",
	[HD_SVC_LDAP] = "ldap",
	[HD_SVC_LDAPS] = "ldaps",
	[HD_SVC_MYSQL] = "mysql",
	[HD_SVC_NNTP] = "nntp",
	[HD_SVC_ORACLE] = "oracle",
	[HD_SVC_PGSQL] = "pgsql",
	[HD_SVC_POP] = "pop",
	[HD_SVC_POPS] = "pops",
	[HD_SVC_RADIUS] = "radius",
	[HD_SVC_SIMPLETCP] = "simpletcp",
	[HD_SVC_SIP] = "sip",
	[HD_SVC_SMTP] = "smtp",
	[HD_SVC_SUBMISSION] = "submission",
};

const char *hd_service_name(enum hd_service s)
{
	return (unsigned)s < HD_SVC_COUNT ? svc_names[s] : "?";
}

int hd_service_by_name(const char *name)
{
	for (int s = 0; s < HD_SVC_COUNT; s++)
		if (name && !strcmp(name, svc_names[s]))
			return s;
	return -1;
}

/* Each negotiate service's family, by service.  Weak: a service whose
 * check_<name>.c is not in the build has a NULL entry and fails its checks
 * as "not supported" instead of failing the link. */
#define HD_SVC_OPS(n) extern const struct hd_check_ops hd_svc_##n##_ops \
	__attribute__((weak))
HD_SVC_OPS(none); HD_SVC_OPS(dns); HD_SVC_OPS(ftp); HD_SVC_OPS(http);
HD_SVC_OPS(https); HD_SVC_OPS(http_proxy); HD_SVC_OPS(imap);
HD_SVC_OPS(imaps); HD_SVC_OPS(ldap); HD_SVC_OPS(ldaps); HD_SVC_OPS(mysql);
HD_SVC_OPS(nntp); HD_SVC_OPS(oracle); HD_SVC_OPS(pgsql); HD_SVC_OPS(pop);
HD_SVC_OPS(pops); HD_SVC_OPS(radius); HD_SVC_OPS(simpletcp); HD_SVC_OPS(sip);
HD_SVC_OPS(smtp); HD_SVC_OPS(submission);

static const struct hd_check_ops *const svc_ops[HD_SVC_COUNT] = {
	[HD_SVC_NONE] = &hd_svc_none_ops,
	[HD_SVC_DNS] = &hd_svc_dns_ops,
	[HD_SVC_FTP] = &hd_svc_ftp_ops,
	[HD_SVC_HTTP] = &hd_svc_http_ops,
	[HD_SVC_HTTPS] = &hd_svc_https_ops,
	[HD_SVC_HTTP_PROXY] = &hd_svc_http_proxy_ops,
	[HD_SVC_IMAP] = &hd_svc_imap_ops,
	[HD_SVC_IMAPS] = &hd_svc_imaps_ops,
	[HD_SVC_LDAP] = &hd_svc_ldap_ops,
	[HD_SVC_LDAPS] = &hd_svc_ldaps_ops,
	[HD_SVC_MYSQL] = &hd_svc_mysql_ops,
	[HD_SVC_NNTP] = &hd_svc_nntp_ops,
	[HD_SVC_ORACLE] = &hd_svc_oracle_ops,
	[HD_SVC_PGSQL] = &hd_svc_pgsql_ops,
	[HD_SVC_POP] = &hd_svc_pop_ops,
	[HD_SVC_POPS] = &hd_svc_pops_ops,
	[HD_SVC_RADIUS] = &hd_svc_radius_ops,
	[HD_SVC_SIMPLETCP] = &hd_svc_simpletcp_ops,
	[HD_SVC_SIP] = &hd_svc_sip_ops,
	[HD_SVC_SMTP] = &hd_svc_smtp_ops,
	[HD_SVC_SUBMISSION] = &hd_svc_submission_ops,
};

/* ldirectord's check_none: no check, the server is up. */
static int none_start(struct hd_check *c)
{
	hd_check_finish(c, true, "%s", "");
	return 0;
}

const struct hd_check_ops hd_svc_none_ops = { "none", none_start, NULL };

bool hd_start_errno(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM ||
	       err == ENOBUFS || err == EAFNOSUPPORT;
}

static const struct hd_check_ops *check_ops(const struct hd_check_target *t)
{
	switch (t->kind) {
	case HD_CHECK_CONNECT:
		/* ldirectord pings a UDP service's server instead. */
		return t->proto == IPPROTO_UDP ? &hd_ping_ops : &hd_connect_ops;
	case HD_CHECK_PING:
		return &hd_ping_ops;
	case HD_CHECK_EXTERNAL:
		return &hd_external_ops;
	case HD_CHECK_EXTERNAL_PERL:
		return &hd_external_perl_ops;
	case HD_CHECK_NEGOTIATE:
		if ((unsigned)t->service < HD_SVC_COUNT)
			return svc_ops[t->service];
	}
	return NULL;
}

struct hd_checker *hd_checker_new(struct event_base *base)
{
	struct hd_checker *ck = calloc(1, sizeof(*ck));

	if (ck)
		ck->base = base;
	return ck;
}

void hd_checker_free(struct hd_checker *ck)
{
	if (!ck)
		return;
	while (ck->checks)      /* their callbacks are never called */
		hd_check_cancel(ck->checks);
	hd_ping_sock_free(ck->ping[0]);
	hd_ping_sock_free(ck->ping[1]);
	hd_tls_free(ck);
	hd_reapers_free(ck);
	if (ck->dns)
		evdns_base_free(ck->dns, 1);
	free(ck);
}

unsigned hd_checker_running(const struct hd_checker *ck)
{
	return ck->running;
}

static void check_release(struct hd_check *c)
{
	if (!c->finished && c->ops && c->ops->stop)
		c->ops->stop(c);
	c->finished = true;
	if (c->timer)
		event_free(c->timer);
	if (c->deliver)
		event_free(c->deliver);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	c->ck->running--;
	free(c);
}

static void check_deliver(evutil_socket_t fd, short what, void *arg)
{
	struct hd_check *c = arg;
	hd_check_done_fn done = c->done;
	void *done_arg = c->arg;
	bool up = c->up;
	char why[sizeof(c->why)];

	(void)fd, (void)what;
	memcpy(why, c->why, sizeof(why));
	check_release(c);
	done(done_arg, up, why);
}

void hd_check_finish(struct hd_check *c, bool up, const char *fmt, ...)
{
	va_list ap;

	if (c->finished)
		return;
	c->finished = true;
	c->up = up;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	if (c->ops && c->ops->stop)
		c->ops->stop(c);
	c->priv = NULL;
	evtimer_del(c->timer);
	event_active(c->deliver, EV_TIMEOUT, 0);
}

static void check_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct hd_check *c = arg;
	unsigned ms = c->t.timeout_ms;

	(void)fd, (void)what;
	if (ms % 1000)
		hd_check_finish(c, false, "timed out after %u ms", ms);
	else
		hd_check_finish(c, false, "timed out after %u s", ms / 1000);
}

static struct hd_check *check_new(struct hd_checker *ck,
				  const struct hd_check_target *t,
				  hd_check_done_fn done, void *arg)
{
	struct hd_check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ck = ck;
	c->t = *t;
	c->done = done;
	c->arg = arg;
	c->timer = evtimer_new(ck->base, check_timeout, c);
	c->deliver = event_new(ck->base, -1, 0, check_deliver, c);
	if (!c->timer || !c->deliver) {
		if (c->timer)
			event_free(c->timer);
		if (c->deliver)
			event_free(c->deliver);
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->next = ck->checks;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &ck->checks;
	ck->checks = c;
	ck->running++;
	return c;
}

struct hd_check *hd_check_start(struct hd_checker *ck,
				const struct hd_check_target *t,
				hd_check_done_fn done, void *arg)
{
	struct timeval tv = { t->timeout_ms / 1000,
			      (t->timeout_ms % 1000) * 1000 };
	struct hd_check *c = check_new(ck, t, done, arg);
	int err;

	if (!c)
		return NULL;
	c->ops = check_ops(t);
	if (!c->ops) {
		hd_check_finish(c, false, "service %s is not supported",
				hd_service_name(t->service));
		return c;
	}
	evtimer_add(c->timer, &tv);
	err = c->ops->start(c);
	if (err < 0) {
		c->finished = true;      /* start() cleaned up after itself */
		check_release(c);
		errno = -err;
		return NULL;
	}
	return c;
}

void hd_check_cancel(struct hd_check *c)
{
	if (c)
		check_release(c);
}

uint16_t hd_check_port(const struct hd_check_target *t)
{
	return t->checkport ? t->checkport : t->rip.port;
}

socklen_t hd_sockaddr(const struct xlvs_endpoint *ep, uint16_t port,
		      struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ep->af == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, ep->addr, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	memcpy(&s4->sin_addr, ep->addr, 4);
	return sizeof(*s4);
}

void hd_addr_str(const struct xlvs_endpoint *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ep->af == 6) {
		inet_ntop(AF_INET6, ep->addr, a, sizeof(a));
		snprintf(buf, len, "[%s]", a);
	} else {
		inet_ntop(AF_INET, ep->addr, a, sizeof(a));
		snprintf(buf, len, "%s", a);
	}
}

int hd_tcp_connect(const struct xlvs_endpoint *ep, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = hd_sockaddr(ep, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_TCP);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 &&
	    errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}
