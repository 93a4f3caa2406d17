/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the library-driven negotiate checks (check_ldap.c, check_mysql.c,
 * check_pgsql.c, check_radius.c) share.
 */
#ifndef XLVS_HEALTHD_CHECK_PROTO2_H
#define XLVS_HEALTHD_CHECK_PROTO2_H

#include <stdbool.h>
#include <string.h>
#include "check_int.h"

struct ssl_st;
struct ldap;

/* Perl's truth, which ldirectord's "if ($$v{login} && $$v{passwd})" and
 * "unless ($$v{login} && $query)" use: set, not "" and not "0". */
static inline bool hd_perl_true(const char *s)
{
	return s && *s && strcmp(s, "0") != 0;
}

/* The request without its leading "/": ldirectord's configuration puts
 * one before every request and its ldap, mysql and pgsql checks take it
 * off again.  NULL (no request) is "/", ldirectord's default. */
static inline const char *hd_request_body(const char *request)
{
	if (!request)
		return "";
	return request[0] == '/' ? request + 1 : request;
}

/* ldirectord's check_mysql/check_pgsql refuse to run without a login
 * and a request: the check fails with its words.  True if c ended so. */
static inline bool hd_sql_unasked(struct hd_check *c)
{
	if (hd_perl_true(c->t.login) &&
	    hd_perl_true(hd_request_body(c->t.request)))
		return false;
	hd_check_finish(c, false, "Error: Must specify a login and request "
			"string for MySQL, Oracle and PostgreSQL checks");
	return true;
}

/* check_ldap_tls.c: a client SSL on the connected fd (the checker's
 * context, no certificate verification, as Net::LDAP's default), and the
 * lber layer that makes libldap read and write through it. */
struct ssl_st *hd_ldap_ssl_new(struct hd_checker *ck, int fd);
int hd_ldap_push_tls(struct ldap *ld, struct ssl_st *ssl);

#endif
