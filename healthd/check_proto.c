// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's side of the text protocols and dns: each service's
 * hd_svc_<name>_ops (check.c finds them by name) runs its conversation
 * (check_conv.c) and hands its one result to hd_check_finish.  The
 * engine's timer bounds the check, so the conversation has none of its
 * own; TLS (pops, imaps) is check_tls.c's bufferevent, unverified as in
 * ldirectord.
 */
#include "check_proto.h"
#include "check_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <event2/bufferevent.h>

static const struct hd_conv_ops *proto_ops(enum hd_service s, bool *tls)
{
	*tls = s == HD_SVC_POPS || s == HD_SVC_IMAPS;
	switch (s) {
	case HD_SVC_DNS: return &hd_dns_ops;
	case HD_SVC_FTP: return &hd_ftp_ops;
	case HD_SVC_IMAP: case HD_SVC_IMAPS: return &hd_imap_ops;
	case HD_SVC_NNTP: return &hd_nntp_ops;
	case HD_SVC_POP: case HD_SVC_POPS: return &hd_pop_ops;
	case HD_SVC_SIP: return &hd_sip_ops;
	case HD_SVC_SMTP: case HD_SVC_SUBMISSION: return &hd_smtp_ops;
	default: return NULL;
	}
}

static int proto_socktype(const struct hd_check_target *t)
{
	/* dns and sip speak the virtual service's protocol. */
	if ((t->service == HD_SVC_DNS || t->service == HD_SVC_SIP) &&
	    t->proto != IPPROTO_TCP)
		return SOCK_DGRAM;
	return SOCK_STREAM;
}

struct hd_conv *hd_proto_start(struct event_base *base,
			       struct bufferevent *tls_bev,
			       const struct hd_check_target *t,
			       hd_check_done_fn done, void *arg)
{
	bool need_tls;
	const struct hd_conv_ops *ops = proto_ops(t->service, &need_tls);

	if (!ops || need_tls != (tls_bev != NULL)) {
		if (tls_bev)
			bufferevent_free(tls_bev);
		errno = EINVAL;
		return NULL;
	}
	return hd_conv_start(base, tls_bev, t, proto_socktype(t), ops,
			     done, arg);
}

static void proto_done(void *arg, bool up, const char *why)
{
	struct hd_check *c = arg;

	c->priv = NULL;         /* the conversation frees itself */
	hd_check_finish(c, up, "%s", why);
}

static int proto_start(struct hd_check *c)
{
	struct bufferevent *tls = NULL;

	/* No name to send by SNI: ldirectord's Net:: clients connect to
	 * the address. */
	if (c->t.service == HD_SVC_POPS || c->t.service == HD_SVC_IMAPS) {
		tls = hd_tls_bufferevent(c, true, NULL, NULL);
		if (!tls)
			return -errno;
	}
	c->priv = hd_proto_start(c->ck->base, tls, &c->t, proto_done, c);
	if (c->priv)
		return 0;
	if (hd_start_errno(errno))
		return -errno;
	hd_check_finish(c, false, "%s: %s", hd_service_name(c->t.service),
			strerror(errno));
	return 0;
}

static void proto_stop(struct hd_check *c)
{
	hd_conv_cancel(c->priv);
	c->priv = NULL;
}

#define PROTO_OPS(n) \
	const struct hd_check_ops hd_svc_##n##_ops = { #n, proto_start, \
						       proto_stop }
PROTO_OPS(dns);
PROTO_OPS(ftp);
PROTO_OPS(imap);
PROTO_OPS(imaps);
PROTO_OPS(nntp);
PROTO_OPS(pop);
PROTO_OPS(pops);
PROTO_OPS(sip);
PROTO_OPS(smtp);
PROTO_OPS(submission);
