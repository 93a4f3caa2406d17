// SPDX-License-Identifier: GPL-2.0
/*
 * The ldap and ldaps negotiate checks, as ldirectord 4.12's check_ldap:
 * bind (simple, as login with passwd when both are set, else anonymous),
 * search the base object named by the request (its leading "/" dropped)
 * for (objectClass=*), and pass when exactly one entry comes back whose DN
 * matches receive (when receive is set).  Its log reasons are ldirectord's:
 * "Connection failed", "Bind failed", "No answer received", "Response
 * mismatch".
 *
 * libldap (OpenLDAP) speaks the protocol; we own the socket.  Our
 * non-blocking connect, then ldap_init_fd() on the connected descriptor,
 * so libldap never connects (or resolves) by itself.  For ldaps we do the
 * TLS handshake with OpenSSL on the loop and push a small Sockbuf layer
 * that reads and writes through our SSL: libldap's own TLS start polls
 * for the handshake with a timeout and would stall the loop.  Every
 * ldap_result() is called with a zero timeout when the descriptor is
 * readable.  Like Net::LDAP's default (verify => 'none'), ldaps does not
 * verify the server's certificate.
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <event2/event.h>
#include <ldap.h>
#include <openldap.h>     /* ldap_init_fd */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "check_int.h"
#include "check_proto2.h"

enum ldapck_step { LDAPCK_CONNECT, LDAPCK_TLS, LDAPCK_BIND, LDAPCK_SEARCH };

struct ldapck_chk {
	struct hd_check *c;
	int fd;                 /* ours until ldap_init_fd, then libldap's */
	SSL *ssl;               /* ldaps */
	LDAP *ld;
	struct event *ev;
	enum ldapck_step step;
	int msgid;
};

static void ldapck_on_event(evutil_socket_t fd, short what, void *arg);

/* Waits for the descriptor to be readable (persist) or writable (once). */
static int ldapck_wait(struct ldapck_chk *l, short what)
{
	struct event_base *base = l->c->ck->base;

	if (l->ev)
		event_free(l->ev);
	l->ev = event_new(base, l->fd, what, ldapck_on_event, l);
	if (!l->ev || event_add(l->ev, NULL) < 0) {
		hd_check_finish(l->c, false,
				"Connection failed: out of memory");
		return -1;
	}
	return 0;
}

static void ldapck_finish(struct ldapck_chk *l, bool up, const char *why,
			  const char *detail)
{
	if (detail && *detail)
		hd_check_finish(l->c, up, "%s: %s", why, detail);
	else
		hd_check_finish(l->c, up, "%s", why);
}

static int ldapck_bind(struct ldapck_chk *l)
{
	const struct hd_check_target *t = &l->c->t;
	bool login = hd_perl_true(t->login) && hd_perl_true(t->passwd);
	struct berval cred = { 0, NULL };
	int rc;

	if (login) {
		cred.bv_val = (char *)t->passwd;
		cred.bv_len = strlen(t->passwd);
	}
	rc = ldap_sasl_bind(l->ld, login ? t->login : NULL, LDAP_SASL_SIMPLE,
			    &cred, NULL, NULL, &l->msgid);
	if (rc != LDAP_SUCCESS) {
		ldapck_finish(l, false, "Bind failed", ldap_err2string(rc));
		return -1;
	}
	l->step = LDAPCK_BIND;
	return ldapck_wait(l, EV_READ | EV_PERSIST);
}

/* The socket is connected (and TLS is up for ldaps): libldap takes it. */
static void ldapck_attach(struct ldapck_chk *l)
{
	int v3 = LDAP_VERSION3;
	int rc = ldap_init_fd(l->fd, LDAP_PROTO_TCP, NULL, &l->ld);

	if (rc != LDAP_SUCCESS) {
		ldapck_finish(l, false, "Connection failed",
			      ldap_err2string(rc));
		return;
	}
	ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	if (l->ssl && hd_ldap_push_tls(l->ld, l->ssl) < 0) {
		ldapck_finish(l, false, "Connection failed", "TLS layer");
		return;
	}
	ldapck_bind(l);
}

static void ldapck_tls_step(struct ldapck_chk *l)
{
	int n;

	ERR_clear_error();
	n = SSL_do_handshake(l->ssl);
	if (n == 1) {
		ldapck_attach(l);
		return;
	}
	switch (SSL_get_error(l->ssl, n)) {
	case SSL_ERROR_WANT_READ:
		ldapck_wait(l, EV_READ);
		return;
	case SSL_ERROR_WANT_WRITE:
		ldapck_wait(l, EV_WRITE);
		return;
	default:
		ldapck_finish(l, false, "Connection failed",
			      "TLS handshake failed");
	}
}

static void ldapck_connected(struct ldapck_chk *l)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		ldapck_finish(l, false, "Connection failed", strerror(err));
		return;
	}
	if (l->c->t.service != HD_SVC_LDAPS) {
		ldapck_attach(l);
		return;
	}
	l->ssl = hd_ldap_ssl_new(l->c->ck, l->fd);
	if (!l->ssl) {
		ldapck_finish(l, false, "Connection failed", "TLS setup");
		return;
	}
	l->step = LDAPCK_TLS;
	ldapck_tls_step(l);
}


static void ldapck_search(struct ldapck_chk *l)
{
	static char *no_attrs[] = { LDAP_NO_ATTRS, NULL };  /* the DN will do */
	const char *base = hd_request_body(l->c->t.request);
	int rc;

	rc = ldap_search_ext(l->ld, base, LDAP_SCOPE_BASE, "(objectClass=*)",
			     no_attrs, 0, NULL, NULL, NULL, 0, &l->msgid);
	if (rc != LDAP_SUCCESS) {
		ldapck_finish(l, false, "No answer received",
			      ldap_err2string(rc));
		return;
	}
	l->step = LDAPCK_SEARCH;
}

static void ldapck_bound(struct ldapck_chk *l, LDAPMessage *msg)
{
	int err = LDAP_OTHER;
	int rc = ldap_parse_result(l->ld, msg, &err, NULL, NULL, NULL, NULL, 1);

	if (rc != LDAP_SUCCESS)
		err = rc;
	if (err != LDAP_SUCCESS) {
		ldapck_finish(l, false, "Bind failed", ldap_err2string(err));
		return;
	}
	ldapck_search(l);
}

/* The search's whole answer: exactly one entry, whose DN matches receive.
 * Like ldirectord, the search's result code is not looked at. */
static void ldapck_found(struct ldapck_chk *l, LDAPMessage *msg)
{
	const char *receive = l->c->t.receive;
	int n = ldap_count_entries(l->ld, msg);
	char *dn, err[128];
	int m = 1;

	if (n != 1) {
		ldap_msgfree(msg);
		hd_check_finish(l->c, false,
				"No answer received: %d entries", n);
		return;
	}
	dn = ldap_get_dn(l->ld, ldap_first_entry(l->ld, msg));
	ldap_msgfree(msg);
	if (hd_receive_set(receive))
		m = hd_match(receive, dn ? dn : "", dn ? strlen(dn) : 0,
			     err, sizeof(err));
	if (m > 0)
		hd_check_finish(l->c, true, "%s", "");
	else if (m == 0)
		hd_check_finish(l->c, false, "Response mismatch: %s",
				dn ? dn : "");
	else
		hd_check_finish(l->c, false, "Response mismatch: %s", err);
	ldap_memfree(dn);
}

static void ldapck_read(struct ldapck_chk *l)
{
	struct timeval zero = { 0, 0 };
	LDAPMessage *msg = NULL;
	int rc = ldap_result(l->ld, l->msgid, LDAP_MSG_ALL, &zero, &msg);
	int err = LDAP_SERVER_DOWN;

	if (rc == 0)
		return;                 /* not all of it yet */
	if (rc < 0) {
		ldap_get_option(l->ld, LDAP_OPT_RESULT_CODE, &err);
		ldapck_finish(l, false, l->step == LDAPCK_BIND ? "Bind failed" :
			    "No answer received", ldap_err2string(err));
		return;
	}
	if (l->step == LDAPCK_BIND)
		ldapck_bound(l, msg);
	else
		ldapck_found(l, msg);
}

static void ldapck_on_event(evutil_socket_t fd, short what, void *arg)
{
	struct ldapck_chk *l = arg;

	(void)fd, (void)what;
	switch (l->step) {
	case LDAPCK_CONNECT:
		ldapck_connected(l);
		break;
	case LDAPCK_TLS:
		ldapck_tls_step(l);
		break;
	default:
		ldapck_read(l);
	}
}

static int ldapck_start(struct hd_check *c)
{
	struct ldapck_chk *l = calloc(1, sizeof(*l));
	int fd;

	if (!l)
		return -ENOMEM;
	fd = hd_tcp_connect(&c->t.rip, hd_check_port(&c->t));
	if (fd < 0) {
		free(l);
		if (hd_start_errno(-fd))
			return fd;
		hd_check_finish(c, false, "Connection failed: %s",
				strerror(-fd));
		return 0;
	}
	l->c = c;
	l->fd = fd;
	l->msgid = -1;
	l->step = LDAPCK_CONNECT;
	c->priv = l;
	ldapck_wait(l, EV_WRITE);
	return 0;
}

static void ldapck_stop(struct hd_check *c)
{
	struct ldapck_chk *l = c->priv;

	if (!l)
		return;
	if (l->ev)
		event_free(l->ev);
	if (l->ld)
		ldap_unbind_ext(l->ld, NULL, NULL);     /* closes the socket */
	else if (l->fd >= 0)
		close(l->fd);
	SSL_free(l->ssl);       /* after the unbind, which went through it */
	free(l);
	c->priv = NULL;
}

const struct hd_check_ops hd_svc_ldap_ops = {
	.name = "ldap", .start = ldapck_start, .stop = ldapck_stop,
};
const struct hd_check_ops hd_svc_ldaps_ops = {
	.name = "ldaps", .start = ldapck_start, .stop = ldapck_stop,
};
