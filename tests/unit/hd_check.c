// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd's check engine on a real libevent loop against real servers:
 * the binary first moves into a network namespace of its own (unshare),
 * brings its loopback up and adds a dummy link whose far address never
 * answers; every server is started here, on 127.0.0.1 / ::1.  Each check is
 * run passing and failing, and a check facing a server that never answers
 * ends by its timeout on time without holding up another.
 */
#include "hd_check_test.h"

/* ---- connect ---- */

static void connect_up(void **state)
{
	(void)state;
	int port4, port6;
	int l4 = t_listen(AF_INET, &port4), l6 = t_listen(AF_INET6, &port6);
	struct hd_check_target t = t_target(HD_CHECK_CONNECT, "127.0.0.1", port4);
	struct t_result r4, r6;

	t_run1(&t, &r4);
	assert_true(r4.up);
	assert_string_equal(r4.why, "");
	t = t_target(HD_CHECK_CONNECT, "::1", port6);
	t_run1(&t, &r6);
	assert_true(r6.up);
	close(l4);
	close(l6);
}

static void connect_refused(void **state)
{
	(void)state;
	int port;
	int l = t_listen(AF_INET, &port);
	struct hd_check_target t;
	struct t_result r;

	close(l);       /* nothing listens there any more */
	t = t_target(HD_CHECK_CONNECT, "127.0.0.1", port);
	t_run1(&t, &r);
	assert_false(r.up);
	assert_string_equal(r.why, "Connection refused");
	assert_true(r.ms < 200);
}

static void connect_checkport(void **state)
{
	(void)state;
	int port;
	int l = t_listen(AF_INET, &port);
	struct hd_check_target t = t_target(HD_CHECK_CONNECT, "127.0.0.1", 1);
	struct t_result r;

	t.checkport = port;     /* rip's own port 1 is closed */
	t_run1(&t, &r);
	assert_true(r.up);
	close(l);
}

/* A silent server (its SYNs vanish into the dummy link) ends by the
 * timeout, on time, while a connect to a live one beside it passes at
 * once. */
static void connect_timeout_alone(void **state)
{
	(void)state;
	int port;
	int l = t_listen(AF_INET, &port);
	struct hd_check_target dead = t_target(HD_CHECK_CONNECT, T_SILENT4, 80);
	struct hd_check_target live = t_target(HD_CHECK_CONNECT, "127.0.0.1", port);

	dead.timeout_ms = 400;
	t_hang_beside(&dead, &live, 400, "timed out after 400 ms");
	dead = t_target(HD_CHECK_CONNECT, T_SILENT6, 80);
	dead.timeout_ms = 1000;         /* whole seconds read "s" */
	t_hang_beside(&dead, &live, 1000, "timed out after 1 s");
	close(l);
}

/* The result comes from the loop, never from inside hd_check_start, even
 * for a check that fails before it begins. */
static void result_from_loop(void **state)
{
	(void)state;
	struct hd_check_target t = t_target(HD_CHECK_NEGOTIATE, "127.0.0.1", 1);
	struct t_result r = { 0 };
	struct hd_check *c;

	t.service = HD_SVC_ORACLE;      /* not in the build */
	c = hd_check_start(t_ck, &t, t_done, &r);
	assert_non_null(c);
	assert_int_equal(r.calls, 0);
	assert_int_equal(hd_checker_running(t_ck), 1);
	t_wait(&r, 1, 1000);
	assert_int_equal(r.calls, 1);
	assert_false(r.up);
	assert_string_equal(r.why, "service oracle is not supported");
	assert_int_equal(hd_checker_running(t_ck), 0);
}

/* service=none: ldirectord's check_none, up without a check. */
static void negotiate_none(void **state)
{
	(void)state;
	struct hd_check_target t = t_target(HD_CHECK_NEGOTIATE, T_SILENT4, 1);
	struct t_result r;

	t.service = HD_SVC_NONE;
	t_run1(&t, &r);
	assert_true(r.up);
	assert_true(r.ms < 50);
}

/* A cancelled check never calls back, even one whose result is due. */
static void cancel_silences(void **state)
{
	(void)state;
	int port;
	int l = t_listen(AF_INET, &port);
	struct hd_check_target t = t_target(HD_CHECK_CONNECT, "127.0.0.1", port);
	struct hd_check_target s = t_target(HD_CHECK_CONNECT, T_SILENT4, 80);
	struct t_result r = { 0 }, q = { 0 };
	struct hd_check *c = hd_check_start(t_ck, &t, t_done, &r);
	struct hd_check *d = hd_check_start(t_ck, &s, t_done, &q);

	assert_non_null(c);
	assert_non_null(d);
	t_loop_ms(100);         /* c's result is due (or delivered) by now */
	if (!r.calls)
		hd_check_cancel(c);
	hd_check_cancel(d);
	t_loop_ms(100);
	assert_true(r.calls <= 1);
	assert_int_equal(q.calls, 0);
	assert_int_equal(hd_checker_running(t_ck), 0);
	close(l);
}

/* Freeing the checker ends its running checks without calling back. */
static void free_ends_checks(void **state)
{
	(void)state;
	struct hd_checker *ck = hd_checker_new(t_base);
	struct hd_check_target s = t_target(HD_CHECK_CONNECT, T_SILENT4, 80);
	struct hd_check_target p = t_target(HD_CHECK_PING, T_SILENT6, 0);
	struct t_result r = { 0 };

	assert_non_null(hd_check_start(ck, &s, t_done, &r));
	assert_non_null(hd_check_start(ck, &p, t_done, &r));
	assert_int_equal(hd_checker_running(ck), 2);
	hd_checker_free(ck);
	t_loop_ms(50);
	assert_int_equal(r.calls, 0);
}

static void service_names(void **state)
{
	(void)state;
	assert_string_equal(hd_service_name(HD_SVC_HTTP_PROXY), "http_proxy");
	assert_int_equal(hd_service_by_name("http_proxy"), HD_SVC_HTTP_PROXY);
	assert_int_equal(hd_service_by_name("submission"), HD_SVC_SUBMISSION);
	assert_int_equal(hd_service_by_name("none"), HD_SVC_NONE);
	assert_int_equal(hd_service_by_name("gopher"), -1);
	assert_int_equal(hd_service_by_name("HTTP"), -1);
	for (int s = 0; s < HD_SVC_COUNT; s++)
		assert_int_equal(hd_service_by_name(hd_service_name(s)), s);
}

/* ---- scale: 1000 connect checks at once against 1000 listeners ---- */

static void connect_scale(void **state)
{
	(void)state;
	enum { N = 1000 };
	static int fds[N], ports[N];
	static struct t_result res[N];
	static struct hd_check_target t[N];
	struct timespec a, b;
	int ups = 0;

	for (int i = 0; i < N; i++) {
		fds[i] = t_listen(AF_INET, &ports[i]);
		t[i] = t_target(HD_CHECK_CONNECT, "127.0.0.1", ports[i]);
		memset(&res[i], 0, sizeof(res[i]));
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < N; i++)
		assert_non_null(hd_check_start(t_ck, &t[i], t_done, &res[i]));
	assert_int_equal(hd_checker_running(t_ck), N);
	t_wait(res, N, 5000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	for (int i = 0; i < N; i++) {
		assert_int_equal(res[i].calls, 1);
		ups += res[i].up;
		close(fds[i]);
	}
	assert_int_equal(ups, N);
	assert_true(t_ms(&a, &b) < 2000);
	assert_int_equal(hd_checker_running(t_ck), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_names),
		cmocka_unit_test(result_from_loop),
		cmocka_unit_test(cancel_silences),
		cmocka_unit_test(negotiate_none),
		cmocka_unit_test(free_ends_checks),
		cmocka_unit_test(connect_up),
		cmocka_unit_test(connect_refused),
		cmocka_unit_test(connect_checkport),
		cmocka_unit_test(connect_timeout_alone),
		cmocka_unit_test(connect_scale),
	};

	static const struct t_group dflt = { t_group_setup, t_group_teardown };
	struct { const char *name; const struct CMUnitTest *t; size_t n;
		 const struct t_group *g; }
	groups[] = {
		{ "external", t_external_tests, t_external_ntests, &dflt },
		{ "http", t_http_tests, t_http_ntests, &t_http_group },
		{ "simpletcp", t_simpletcp_tests, t_simpletcp_ntests,
		  &t_simpletcp_group },
		{ "ping", t_ping_tests, t_ping_ntests, &t_ping_group },
	};
	int failed;

	t_setup_netns();
	failed = cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		failed += _cmocka_run_group_tests(groups[i].name, groups[i].t,
						  groups[i].n, groups[i].g->setup,
						  groups[i].g->teardown);
	return failed;
}
