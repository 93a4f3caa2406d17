// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's side of the text protocols and dns: each service's
 * hd_svc_<name>_ops (check.c finds them by name) runs its conversation
 * (check_conv.c) and hands its one result to hd_check_finish.  The
 * engine's timer bounds the check, so the conversation has none of its
 * own.
 */
#include "check_proto.h"
#include "check_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <openssl/ssl.h>

/* Until check_tls.c has one: the client context of pops and imaps.
 * ldirectord's IO::Socket::SSL under Net::IMAP::Simple and POP3Client is
 * given no CA, and this verifies nothing either. */
static SSL_CTX *proto_tls(struct hd_checker *ck)
{
	if (!ck->tls) {
		ck->tls = SSL_CTX_new(TLS_client_method());
		if (ck->tls)
			SSL_CTX_set_verify(ck->tls, SSL_VERIFY_NONE, NULL);
	}
	return ck->tls;
}

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

bool hd_proto_handles(enum hd_service s)
{
	bool tls;

	return proto_ops(s, &tls) != NULL;
}

static int proto_socktype(const struct hd_check_target *t)
{
	/* dns and sip speak the virtual service's protocol. */
	if ((t->service == HD_SVC_DNS || t->service == HD_SVC_SIP) &&
	    t->proto != IPPROTO_TCP)
		return SOCK_DGRAM;
	return SOCK_STREAM;
}

struct hd_conv *hd_proto_start(struct event_base *base, SSL_CTX *tls,
			       const struct hd_check_target *t,
			       hd_check_done_fn done, void *arg)
{
	bool need_tls;
	const struct hd_conv_ops *ops = proto_ops(t->service, &need_tls);

	if (!ops || (need_tls && !tls)) {
		errno = EINVAL;
		return NULL;
	}
	return hd_conv_start(base, need_tls ? tls : NULL, t,
			     proto_socktype(t), 0, ops, done, arg);
}

static void proto_done(void *arg, bool up, const char *why)
{
	struct hd_check *c = arg;

	c->priv = NULL;         /* the conversation frees itself */
	hd_check_finish(c, up, "%s", why);
}

static int proto_start(struct hd_check *c)
{
	SSL_CTX *tls = NULL;

	if (c->t.service == HD_SVC_POPS || c->t.service == HD_SVC_IMAPS) {
		tls = proto_tls(c->ck);
		if (!tls)
			return -ENOMEM;
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
