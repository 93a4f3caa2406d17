// SPDX-License-Identifier: GPL-2.0
/*
 * The checks' connections as bufferevents, TLS through libevent's
 * bufferevent_openssl for https, pops and imaps, and the SSL ldaps
 * drives itself.  One client context in the checker; no certificate is verified, as
 * ldirectord's LWP (verify_hostname => 0) and its Net:: clients do.  The
 * name sent by SNI is the URL's host when it is a name (as IO::Socket::SSL
 * does), else the virtualhost, so that name-based TLS hosts answer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "check_int.h"

static SSL_CTX *tls_ctx(struct hd_checker *ck)
{
	if (!ck->tls) {
		ck->tls = SSL_CTX_new(TLS_client_method());
		if (ck->tls)
			SSL_CTX_set_verify(ck->tls, SSL_VERIFY_NONE, NULL);
	}
	return ck->tls;
}

SSL *hd_tls_ssl_new(struct hd_checker *ck)
{
	SSL_CTX *ctx = tls_ctx(ck);

	return ctx ? SSL_new(ctx) : NULL;
}

void hd_tls_free(struct hd_checker *ck)
{
	SSL_CTX_free(ck->tls);
	ck->tls = NULL;
}

static bool tls_is_name(const char *host)
{
	unsigned char a[16];

	return host && *host && host[0] != '[' &&
	       inet_pton(AF_INET, host, a) != 1 &&
	       inet_pton(AF_INET6, host, a) != 1;
}

struct bufferevent *hd_tls_bufferevent(struct hd_check *c, bool tls,
				       const char *host, const char *vhost)
{
	struct event_base *base = c->ck->base;
	SSL *ssl;
	struct bufferevent *bev;
	const char *sni = tls_is_name(host) ? host :
			  tls_is_name(vhost) ? vhost : NULL;

	if (!tls)
		return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!(ssl = hd_tls_ssl_new(c->ck))) {
		errno = ENOMEM;
		return NULL;
	}
	if (sni)
		SSL_set_tlsext_host_name(ssl, sni);
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
					     BUFFEREVENT_SSL_CONNECTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		SSL_free(ssl);
		errno = ENOMEM;
		return NULL;
	}
	/* A server that closes without close_notify has still answered. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

void hd_tls_error(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long e = bufferevent_get_openssl_error(bev);
	int err = EVUTIL_SOCKET_ERROR();

	if (e) {
		char s[120];

		ERR_error_string_n(e, s, sizeof(s));
		snprintf(buf, len, "TLS: %s", s);
		while (bufferevent_get_openssl_error(bev))
			;
	} else if (err) {
		snprintf(buf, len, "%s", strerror(err));
	} else {
		snprintf(buf, len, "connection failed");
	}
}
