// SPDX-License-Identifier: GPL-2.0
/* service=http, https and http_proxy against servers.c's HTTP server. */
#include <sys/socket.h>

#include "hd_check_test.h"

static int port4, port6, tport, fd4, fd6, tfd;
static pid_t srv4, srv6, tsrv;

static int http_setup(void **state)
{
	(void)state;
	t_tls_init();
	fd4 = t_listen(AF_INET, &port4);
	fd6 = t_listen(AF_INET6, &port6);
	tfd = t_listen(AF_INET, &tport);
	srv4 = t_server(fd4, t_http_serve, NULL);
	srv6 = t_server(fd6, t_http_serve, NULL);
	tsrv = t_server(tfd, t_https_serve, NULL);
	return t_group_setup(state);
}

static int http_teardown(void **state)
{
	t_server_stop(srv4);
	t_server_stop(srv6);
	t_server_stop(tsrv);
	close(fd4);
	close(fd6);
	close(tfd);
	return t_group_teardown(state);
}

static struct t_result get(enum hd_service svc, const char *addr, int port,
			   const char *request, const char *receive)
{
	struct hd_check_target t = t_target(HD_CHECK_NEGOTIATE, addr, port);
	struct t_result r;

	t.service = svc;
	t.request = request;
	t.receive = receive;
	t_run1(&t, &r);
	return r;
}

#define assert_up(r) do { struct t_result r_ = (r); \
	if (!r_.up) fail_msg("down: %s", r_.why); } while (0)
#define assert_down(r, w) do { struct t_result r_ = (r); \
	assert_false(r_.up); assert_string_equal(r_.why, w); } while (0)

static void http_pass(void **state)
{
	(void)state;
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, NULL, NULL));
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, "/ok", "hello OK"));
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, "ok", "^<html>.*</html>$"));
	assert_up(get(HD_SVC_HTTP, "::1", port6, "/ok", "OK"));
	/* receive "\n" is no receive at all, as ldirectord's /.+/ test */
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, "/ok", "\n"));
}

/* Body delimited by chunks and by the connection's end; a redirect is
 * followed as LWP does. */
static void http_bodies(void **state)
{
	(void)state;
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, "/chunked",
		      "first part\nsecond MARK"));
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, "/close", "body MARK"));
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, "/redirect", "hello OK"));
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/loop", NULL),
		    "302 Found");
	/* Only the first MiB is read and matched. */
	assert_up(get(HD_SVC_HTTP, "127.0.0.1", port4, "/big", "^START"));
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/big", "ENDMARK"),
		    "receive string not found");
}

static void http_fail(void **state)
{
	(void)state;
	int p;
	int l = t_listen(AF_INET, &p);

	close(l);
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/missing", NULL),
		    "404 Not Found");
	/* a non-2xx page is down even when its body matches */
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/error", "MARK"),
		    "500 Internal Server Error");
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/ok", "goodbye"),
		    "receive string not found");
	/* the body is matched, never the headers */
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/header-only", "MARK"),
		    "receive string not found");
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", p, "/", NULL),
		    "Connection refused");
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/garbage", NULL),
		    "bad status line");
	assert_down(get(HD_SVC_HTTP, "127.0.0.1", port4, "/ok", "(unclosed"),
		    "bad receive regex at 9: missing closing parenthesis");
}

/* What the server is sent: the Host header, the method, the path. */
static void http_request_form(void **state)
{
	(void)state;
	struct hd_check_target t = t_target(HD_CHECK_NEGOTIATE, "127.0.0.1", 1);
	struct t_result r;
	char url[128];

	t.service = HD_SVC_HTTP;
	t.checkport = port4;
	t.request = "/echo";
	t.receive = "^GET /echo HTTP/1\\.1\r\nHost: 127\\.0\\.0\\.1\r\n";
	t_run1(&t, &r);
	assert_up(r);
	t.virtualhost = "www.example.test";
	t.receive = "\r\nHost: www\\.example\\.test\r\n";
	t_run1(&t, &r);
	assert_up(r);
	assert_up(get(HD_SVC_HTTP, "::1", port6, "/echo", "\r\nHost: \\[::1\\]\r\n"));
	/* A request that is a URL overrides address and port (the Host
	 * header stays the real server's, as LWP keeps the one it is given). */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", port4);
	assert_up(get(HD_SVC_HTTP, "127.0.0.2", 1, url, "^GET /echo "));
	/* HEAD: the answer has no body, so a receive text is never found */
	t.virtualhost = NULL;
	t.httpmethod = "HEAD";
	t.request = "/ok";
	t.receive = NULL;
	t_run1(&t, &r);
	assert_up(r);
	t.receive = "OK";
	t_run1(&t, &r);
	assert_down(r, "receive string not found");
}

/* A URL naming a host: resolved on the loop (evdns; "localhost" from
 * /etc/hosts), to whichever of its addresses comes first, so the server
 * listens on both on one port. */
static void http_url_names(void **state)
{
	(void)state;
	int p, l = t_listen_dual(&p);
	pid_t srv = t_server(l, t_http_serve, NULL);
	char url[128];
	struct t_result r;

	snprintf(url, sizeof(url), "http://localhost:%d/echo", p);
	r = get(HD_SVC_HTTP, "127.0.0.2", 1, url, "^GET /echo ");
	snprintf(url, sizeof(url), "http://[::1]:%d/ok", p);
	assert_up(get(HD_SVC_HTTP, "127.0.0.2", 1, url, "hello"));
	t_server_stop(srv);
	close(l);
	assert_up(r);
}

static void http_proxy(void **state)
{
	(void)state;
	/* The URL goes whole to the real server, which is the proxy. */
	assert_up(get(HD_SVC_HTTP_PROXY, "127.0.0.1", port4,
		      "http://www.example.test/echo",
		      "^GET http://www\\.example\\.test:80/echo HTTP/1\\.1\r\n"
		      "Host: www\\.example\\.test\r\n"));
	assert_up(get(HD_SVC_HTTP_PROXY, "127.0.0.1", port4, "/ok", "hello"));
	assert_down(get(HD_SVC_HTTP_PROXY, "127.0.0.1", port4,
			"http://www.example.test/missing", NULL), "404 Not Found");
}

static void https_pass_fail(void **state)
{
	(void)state;
	struct hd_check_target t = t_target(HD_CHECK_NEGOTIATE, "127.0.0.1",
					    tport);
	struct t_result r;

	/* self-signed: not verified, as ldirectord */
	assert_up(get(HD_SVC_HTTPS, "127.0.0.1", tport, "/ok", "hello OK"));
	assert_down(get(HD_SVC_HTTPS, "127.0.0.1", tport, "/missing", NULL),
		    "404 Not Found");
	assert_up(get(HD_SVC_HTTPS, "127.0.0.1", tport, "/echo", "SNI=-\n"));
	t.service = HD_SVC_HTTPS;
	t.request = "/echo";
	t.virtualhost = "secure.example.test";
	t.receive = "(?s)Host: secure\\.example\\.test\r\n.*SNI=secure\\.example\\.test";
	t_run1(&t, &r);
	assert_up(r);
	/* https to a server that is not TLS: the handshake fails at once */
	int p, l = t_listen(AF_INET, &p);
	pid_t plain = t_server(l, t_banner_serve,
			       "HTTP/1.1 400 Bad Request\r\n\r\n");

	r = get(HD_SVC_HTTPS, "127.0.0.1", p, "/ok", NULL);
	t_server_stop(plain);
	close(l);
	assert_false(r.up);
	if (!strstr(r.why, "TLS"))
		fail_msg("why: %s", r.why);
	assert_true(r.ms < 500);
}

/* A server that accepts and never answers (nobody calls accept on this
 * listener; the kernel completes the handshake). */
static void http_hang(void **state)
{
	(void)state;
	int p;
	int l = t_listen(AF_INET, &p);
	struct hd_check_target hang = t_target(HD_CHECK_NEGOTIATE, "127.0.0.1", p);
	struct hd_check_target live = t_target(HD_CHECK_NEGOTIATE, "127.0.0.1",
					       port4);

	hang.service = live.service = HD_SVC_HTTP;
	hang.timeout_ms = 500;
	t_hang_beside(&hang, &live, 500, "timed out after 500 ms");
	hang.service = HD_SVC_HTTPS;
	t_hang_beside(&hang, &live, 500, "timed out after 500 ms");
	close(l);
}

/* The timeout bounds the whole check, not each read: a server that keeps
 * sending a byte at a time is cut off on time. */
static void http_trickle(void **state)
{
	(void)state;
	int p, l = t_listen(AF_INET, &p);
	pid_t slow = t_server(l, t_trickle_serve, NULL);
	struct hd_check_target hang = t_target(HD_CHECK_NEGOTIATE, "127.0.0.1", p);
	struct hd_check_target live = t_target(HD_CHECK_NEGOTIATE, "127.0.0.1",
					       port4);

	hang.service = live.service = HD_SVC_HTTP;
	hang.timeout_ms = 500;
	t_hang_beside(&hang, &live, 500, "timed out after 500 ms");
	t_server_stop(slow);
	close(l);
}

const struct CMUnitTest t_http_tests[] = {
	cmocka_unit_test(http_pass),
	cmocka_unit_test(http_bodies),
	cmocka_unit_test(http_fail),
	cmocka_unit_test(http_request_form),
	cmocka_unit_test(http_url_names),
	cmocka_unit_test(http_proxy),
	cmocka_unit_test(https_pass_fail),
	cmocka_unit_test(http_hang),
	cmocka_unit_test(http_trickle),
};
const size_t t_http_ntests = sizeof(t_http_tests) / sizeof(t_http_tests[0]);
const struct t_group t_http_group = { http_setup, http_teardown };
