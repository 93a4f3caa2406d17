// SPDX-License-Identifier: GPL-2.0
/* checktype=external and external-perl against scripts written here. */
#include <signal.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include "hd_check_test.h"

static char dir[64];

static const char *script(const char *name, const char *text, bool exec)
{
	static char path[128];
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/hd_check.XXXXXX");
		assert_non_null(mkdtemp(dir));
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, exec ? 0755 : 0644);
	return path;
}

static void slurp(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

static struct hd_check_target ext_target(const char *cmd, bool perl)
{
	struct hd_check_target t = t_target(perl ? HD_CHECK_EXTERNAL_PERL :
					    HD_CHECK_EXTERNAL, "127.0.0.1", 8080);

	t.vip.af = 4;
	inet_pton(AF_INET, "10.0.0.1", t.vip.addr);
	t.vip.port = 80;
	t.checkcommand = cmd;
	return t;
}

/* ldirectord's four arguments, IPv6 addresses in brackets. */
static void external_args(void **state)
{
	(void)state;
	char got[256];
	struct hd_check_target t = ext_target(script("args.sh",
		"#!/bin/sh\necho \"$# $1 $2 $3 $4\" > \"$(dirname $0)/args\"\n", true),
		false);
	struct t_result r;

	t_run1(&t, &r);
	assert_true(r.up);
	slurp("args", got, sizeof(got));
	assert_string_equal(got, "4 10.0.0.1 80 127.0.0.1 8080\n");
	t.vip.af = 6;
	inet_pton(AF_INET6, "fd00::1", t.vip.addr);
	t.rip.af = 6;
	inet_pton(AF_INET6, "::1", t.rip.addr);
	t_run1(&t, &r);
	assert_true(r.up);
	slurp("args", got, sizeof(got));
	assert_string_equal(got, "4 [fd00::1] 80 [::1] 8080\n");
}

static void external_fails(void **state)
{
	(void)state;
	const char *cmd = script("three.sh", "#!/bin/sh\nexit 3\n", true);
	struct hd_check_target t = ext_target(cmd, false);
	struct t_result r;
	char want[256];

	t_run1(&t, &r);
	assert_false(r.up);
	snprintf(want, sizeof(want), "%s exited with status 3", cmd);
	assert_string_equal(r.why, want);
	t.checkcommand = "/nonexistent/check";
	t_run1(&t, &r);
	assert_false(r.up);
	assert_string_equal(r.why,
		"cannot run /nonexistent/check: No such file or directory");
	t.checkcommand = script("selfkill.sh", "#!/bin/sh\nkill -9 $$\n", true);
	t_run1(&t, &r);
	assert_false(r.up);
	assert_non_null(strstr(r.why, "killed by signal 9"));
}

static bool proc_alive(pid_t pid)
{
	char path[64], st[256];
	FILE *f;
	bool alive = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(st, sizeof(st), f)) {
		char *p = strrchr(st, ')');

		alive = p && p[1] == ' ' && p[2] != 'Z';
	}
	fclose(f);
	return alive;
}

/* A hanging command is killed with everything it started, on time, and a
 * check beside it is not held up. */
static void external_timeout_kills_group(void **state)
{
	(void)state;
	int port;
	int l = t_listen(AF_INET, &port);
	struct hd_check_target hang = ext_target(script("hang.sh",
		"#!/bin/sh\nsleep 30 &\necho $! > \"$(dirname $0)/bg\"\nsleep 30\n",
		true), false);
	struct hd_check_target live = t_target(HD_CHECK_CONNECT, "127.0.0.1", port);
	char bg[32];
	pid_t pid;

	hang.timeout_ms = 600;
	t_hang_beside(&hang, &live, 600, "timed out after 600 ms");
	slurp("bg", bg, sizeof(bg));
	pid = atoi(bg);
	assert_true(pid > 1);
	for (int i = 0; i < 100 && proc_alive(pid); i++)
		usleep(10000);
	assert_false(proc_alive(pid));
	t_loop_ms(50);          /* the group's leader is reaped */
	close(l);
}

static void external_perl(void **state)
{
	(void)state;
	struct hd_check_target t = ext_target(script("check.pl",
		"exit(($ARGV[0] eq '10.0.0.1' && $ARGV[3] == 8080) ? 0 : 1);\n",
		false), true);
	struct t_result r;

	t_run1(&t, &r);
	assert_true(r.up);
	t.rip.port = 8081;
	t_run1(&t, &r);
	assert_false(r.up);
	assert_non_null(strstr(r.why, "exited with status 1"));
}

/* Last: the scripts' folder goes. */
static void external_cleanup(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (dir[0])
		assert_int_equal(system(cmd), 0);
}

const struct CMUnitTest t_external_tests[] = {
	cmocka_unit_test(external_args),
	cmocka_unit_test(external_fails),
	cmocka_unit_test(external_timeout_kills_group),
	cmocka_unit_test(external_perl),
	cmocka_unit_test(external_cleanup),
};
const size_t t_external_ntests = sizeof(t_external_tests) /
				 sizeof(t_external_tests[0]);
