/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit_hd_proto1's harness (harness.c), the Debian servers it starts
 * (servers.c) and the small servers of its own that answer wrongly or not
 * at all (canned.c).  Everything runs inside the network namespace
 * p_setup() makes, on its loopback only.
 */
#ifndef HD_PROTO1_TEST_H
#define HD_PROTO1_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <cmocka.h>

#include "check.h"

extern struct event_base *p_base;
extern struct hd_checker *p_ck;
extern char p_dir[];            /* the test's own temporary folder */

void p_setup(void);             /* namespace, loop, folder; once */

/* A negotiate check of service at 127.0.0.1:port (proto TCP unless
 * changed), with timeout_ms 2000. */
struct hd_check_target p_target(enum hd_service s, int port);
/* The same at ::1. */
struct hd_check_target p_target6(enum hd_service s, int port);
/* Runs it; asserts one callback, with up as expected and why containing
 * want (NULL: anything); returns the milliseconds it took. */
double p_expect(const struct hd_check_target *t, bool up, const char *want);

/* hang (silent) and live started together: live passes within 300 ms,
 * hang fails by its timeout, on time. */
void p_hang_beside(const struct hd_check_target *hang,
		   const struct hd_check_target *live);

/* A Debian server: argv run in its own process group (killed with this
 * process), output to p_dir/<name>.log; waits until 127.0.0.1:port
 * accepts TCP (2 s at most).  Its pid. */
pid_t p_spawn(const char *name, int port, char *const argv[]);
void p_kill(pid_t pid);
/* Writes p_dir/<name> from a format. */
void p_file(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* canned.c, on p_base: a TCP server that sends greeting on accept and
 * then, for each line received, the next of replies (NULL-ended; none
 * left: nothing); greeting NULL: it never says anything.  Its port. */
int p_canned(const char *greeting, const char *const *replies);
/* One that sends greeting and closes. */
int p_canned_close(const char *greeting);
/* A bound UDP socket that never answers; its port. */
int p_udp_silent(void);
/* A port where nothing listens (TCP and UDP). */
int p_closed_port(void);

/* servers.c: each group's server. */
int p_dnsmasq_start(void **state);
int p_smtpd_start(void **state);
int p_dovecot_start(void **state);
int p_vsftpd_start(void **state);
int p_kamailio_start(void **state);
int p_nginx_start(void **state);
int p_server_stop(void **state);
int p_dovecot_stop(void **state);
/* All of the above. */
int p_servers_start(void **state);
int p_servers_stop(void **state);

#define P_DNS_PORT   5353
#define P_SMTP_PORT  2525
#define P_IMAP_PORT  10143
#define P_IMAPS_PORT 10993
#define P_POP_PORT   10110
#define P_POPS_PORT  10995
#define P_POP_CRAM_PORT 10111   /* also in servers.c's P_POP3_LISTENER */
#define P_POP_APOP_PORT 10112
#define P_FTP_PORT   2121
#define P_SIP_PORT   5060
#define P_HTTP_PORT  18080
#define P_HTTPS_PORT 18443
#define P_PROXY_PORT 13128

#endif
