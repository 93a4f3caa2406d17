// SPDX-License-Identifier: GPL-2.0
/* service=simpletcp against servers.c's peer, which answers "hello\n",
 * "got:<the request, newlines as '|'>\n" and "END\n" once it has read to
 * our shutdown. */
#include <sys/socket.h>

#include "hd_check_test.h"

static int port, fd;
static pid_t srv;

static int stcp_setup(void **state)
{
	fd = t_listen(AF_INET6, &port);
	srv = t_server(fd, t_simpletcp_serve, NULL);
	return t_group_setup(state);
}

static int stcp_teardown(void **state)
{
	t_server_stop(srv);
	close(fd);
	return t_group_teardown(state);
}

static struct t_result stcp(int p, const char *request, const char *receive)
{
	struct hd_check_target t = t_target(HD_CHECK_NEGOTIATE, "::1", p);
	struct t_result r;

	t.service = HD_SVC_SIMPLETCP;
	t.request = request;
	t.receive = receive;
	t_run1(&t, &r);
	return r;
}

static void simpletcp_pass(void **state)
{
	(void)state;
	struct t_result r;

	/* "\n" in the request is a newline; "$" matches before a line's own */
	r = stcp(port, "PING\\nSECOND", "^got:PING\\|SECOND$");
	assert_true(r.up);
	/* the leading "/" ldirectord's parser adds is dropped */
	r = stcp(port, "/abc", "^got:abc$");
	assert_true(r.up);
	r = stcp(port, NULL, "^got:$");         /* nothing sent */
	assert_true(r.up);
	r = stcp(port, "x", NULL);              /* any line */
	assert_true(r.up);
}

static void simpletcp_fail(void **state)
{
	(void)state;
	int p, l = t_listen(AF_INET6, &p);
	struct t_result r;

	r = stcp(port, "PING", "PONG");
	assert_false(r.up);
	assert_string_equal(r.why, "receive string not found");
	/* lines are matched one at a time, never across */
	r = stcp(port, "PING", "hello\ngot");
	assert_false(r.up);
	close(l);
	r = stcp(p, "PING", "got");
	assert_false(r.up);
	assert_string_equal(r.why, "Connection refused");
}

/* The last line, cut by the close without a newline, is matched too. */
static void simpletcp_last_line(void **state)
{
	(void)state;
	int p, l = t_listen(AF_INET6, &p);
	pid_t b = t_server(l, t_banner_serve, "first\nlast words");
	struct t_result r = stcp(p, "", "^last words$");

	t_server_stop(b);
	close(l);
	assert_true(r.up);
}

static void simpletcp_hang(void **state)
{
	(void)state;
	int p, l = t_listen(AF_INET6, &p);
	struct hd_check_target hang = t_target(HD_CHECK_NEGOTIATE, "::1", p);
	struct hd_check_target live = t_target(HD_CHECK_NEGOTIATE, "::1", port);

	hang.service = live.service = HD_SVC_SIMPLETCP;
	live.receive = "END";
	hang.timeout_ms = 500;
	t_hang_beside(&hang, &live, 500, "timed out after 500 ms");
	close(l);
}

const struct CMUnitTest t_simpletcp_tests[] = {
	cmocka_unit_test(simpletcp_pass),
	cmocka_unit_test(simpletcp_fail),
	cmocka_unit_test(simpletcp_last_line),
	cmocka_unit_test(simpletcp_hang),
};
const size_t t_simpletcp_ntests = sizeof(t_simpletcp_tests) /
				  sizeof(t_simpletcp_tests[0]);
const struct t_group t_simpletcp_group = { stcp_setup, stcp_teardown };
