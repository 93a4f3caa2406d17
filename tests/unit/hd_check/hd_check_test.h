/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The check engine's test harness (harness.c) and the test's own servers
 * (servers.c, tls_peer.c): everything runs inside the network namespace
 * t_setup_netns() makes, on its loopback and a dummy link.
 */
#ifndef HD_CHECK_TEST_H
#define HD_CHECK_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "check.h"

/* On the dummy link: routed, never answers (no ARP, frames dropped). */
#define T_SILENT4 "10.77.0.2"
#define T_SILENT6 "fd77::2"

extern struct event_base *t_base;
extern int t_tap_fd;            /* the silent link's frames, unread */
extern struct hd_checker *t_ck;

struct t_result {
	int calls;
	bool up;
	char why[160];
	double ms;              /* from the start to the callback */
	struct timespec start;
};

void t_setup_netns(void);
int t_group_setup(void **state);
int t_group_teardown(void **state);

struct hd_check_target t_target(enum hd_check_kind kind, const char *addr,
				int port);
void t_done(void *arg, bool up, const char *why);
/* Runs the loop until n results have each been called back, or ms pass. */
void t_wait(struct t_result *r, int n, int ms);
void t_loop_ms(int ms);
/* Starts one check and waits (timeout + 1 s at most) for its result. */
void t_run1(const struct hd_check_target *t, struct t_result *r);
double t_ms(const struct timespec *a, const struct timespec *b);
/* A check that hangs ends by its timeout within 100 ms of it, with why,
 * while a passing check started just after it is called back within
 * 300 ms. */
void t_hang_beside(const struct hd_check_target *hang,
		   const struct hd_check_target *live, unsigned timeout_ms,
		   const char *why);

/* A listening TCP socket on the family's loopback; *port its port. */
int t_listen(int af, int *port);
/* One listener for both families (every address of the namespace). */
int t_listen_dual(int *port);
/* A forked server (servers.c) that answers each connection with fn; its
 * pid for t_server_stop. */
typedef void (*t_serve_fn)(int fd, void *arg);
pid_t t_server(int listen_fd, t_serve_fn fn, void *arg);
void t_server_stop(pid_t pid);
/* servers.c: an HTTP server over fd (see its table of paths). */
void t_http_serve(int fd, void *arg);
/* servers.c: simpletcp's peer: reads to EOF, answers "got:<request>\n"
 * (each newline shown as '|') then "END\n". */
void t_simpletcp_serve(int fd, void *arg);
/* servers.c: writes arg (a string) at once and closes. */
void t_banner_serve(int fd, void *arg);
/* servers.c: a header byte every 50 ms, for 10 s. */
void t_trickle_serve(int fd, void *arg);
/* tls_peer.c: the HTTP server behind TLS with a fresh self-signed
 * certificate. */
void t_https_serve(int fd, void *arg);
void t_tls_init(void);

/* Each family's tests (their files), run by hd_check.c's main; a group
 * whose setup is NULL runs on t_group_setup/teardown. */
struct t_group {
	CMFixtureFunction setup, teardown;
};
extern const struct CMUnitTest t_http_tests[], t_simpletcp_tests[],
	t_external_tests[], t_ping_tests[];
extern const size_t t_http_ntests, t_simpletcp_ntests, t_external_ntests,
	t_ping_ntests;
extern const struct t_group t_http_group, t_simpletcp_group, t_ping_group;

#endif
