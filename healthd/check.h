/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The check engine: one check of one real server at a time, non-blocking,
 * on the daemon's libevent loop.  A started check ends by calling its
 * callback exactly once, always from the loop (never from inside
 * hd_check_start), unless it is cancelled first; after the callback the
 * check is gone.  A check that hangs ends by its own timeout and never holds
 * up another.  What to check comes in hd_check_target, filled by the daemon
 * from the configuration (the engine does not know ldirectord.cf); its
 * strings belong to the caller and must outlive the check.
 */
#ifndef XLVS_HEALTHD_CHECK_H
#define XLVS_HEALTHD_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <xlvs/libxlvs.h>

struct event_base;

/* How a server is checked.  ldirectord's "off", "on" and "N" (combined)
 * are the daemon's business: it runs CONNECT or NEGOTIATE for them, or
 * nothing. */
enum hd_check_kind {
	HD_CHECK_CONNECT,        /* TCP connect; on a UDP service, a ping */
	HD_CHECK_NEGOTIATE,      /* the service's own exchange */
	HD_CHECK_PING,           /* ICMP / ICMPv6 echo, checkcount tries */
	HD_CHECK_EXTERNAL,       /* checkcommand vip vport rip rport */
	HD_CHECK_EXTERNAL_PERL,  /* the same, run through perl */
};

/* ldirectord's service= values, in its manual's order. */
enum hd_service {
	HD_SVC_NONE,
	HD_SVC_DNS,
	HD_SVC_FTP,
	HD_SVC_HTTP,
	HD_SVC_HTTPS,
	HD_SVC_HTTP_PROXY,
	HD_SVC_IMAP,
	HD_SVC_IMAPS,
	HD_SVC_LDAP,
	HD_SVC_LDAPS,
	HD_SVC_MYSQL,
	HD_SVC_NNTP,
	HD_SVC_ORACLE,
	HD_SVC_PGSQL,
	HD_SVC_POP,
	HD_SVC_POPS,
	HD_SVC_RADIUS,
	HD_SVC_SIMPLETCP,
	HD_SVC_SIP,
	HD_SVC_SMTP,
	HD_SVC_SUBMISSION,
	HD_SVC_COUNT
};

/* Its name as ldirectord.cf spells it ("http_proxy"), and back (-1 if
 * unknown). */
const char *hd_service_name(enum hd_service s);
int hd_service_by_name(const char *name);

struct hd_check_target {
	enum hd_check_kind kind;
	enum hd_service service;        /* NEGOTIATE: which exchange */
	uint8_t proto;                  /* the virtual service's: IPPROTO_TCP
					 * or IPPROTO_UDP (CONNECT on UDP
					 * pings; dns asks over TCP on TCP) */
	struct xlvs_endpoint vip;       /* the virtual service (external's
					 * first two arguments) */
	struct xlvs_endpoint rip;       /* the real server, port = its port */
	uint16_t checkport;             /* 0: rip.port */
	const char *request;            /* NULL: the service's default */
	const char *receive;            /* a Perl-style regular expression;
					 * NULL or "": not checked */
	const char *httpmethod;         /* "GET" or "HEAD"; NULL: GET */
	const char *virtualhost;        /* Host: header; NULL: the address */
	const char *login, *passwd, *database, *secret;  /* NULL: unset */
	const char *checkcommand;       /* EXTERNAL(_PERL): the program */
	unsigned timeout_ms;            /* the whole check's bound: the daemon
					 * passes checktimeout or
					 * negotiatetimeout as ldirectord does */
	unsigned checkcount;            /* PING: tries (ldirectord's
					 * checkcount), at least 1 */
};

/* up: the server passed.  why: a short reason for the log when it did not
 * ("Connection refused", "timed out after 3 s", "receive string not
 * found"), "" when it did. */
typedef void (*hd_check_done_fn)(void *arg, bool up, const char *why);

/* What the checks share: the loop, ICMP sockets, TLS contexts. */
struct hd_checker;
struct hd_checker *hd_checker_new(struct event_base *base);
void hd_checker_free(struct hd_checker *ck);
/* Checks now running (each holds at most a few descriptors). */
unsigned hd_checker_running(const struct hd_checker *ck);

struct hd_check;
/* NULL with errno set when the check cannot start (EMFILE, ENOMEM,
 * EAFNOSUPPORT...): the caller counts that as a failed check. */
struct hd_check *hd_check_start(struct hd_checker *ck,
				const struct hd_check_target *t,
				hd_check_done_fn done, void *arg);
/* Stops it, frees it, and its callback is never called. */
void hd_check_cancel(struct hd_check *c);

#endif
