// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd's command line and configuration lookup against ldirectord
 * 4.12's ld_init: GetOptions("debug|d", "help|h|?", "version|v") with
 * bundling and require_order; "CONFIG CMD" or "CMD" (then ldirectord.cf
 * and CFGNAME "ldirectord"); the seven commands; /etc/ha.d/$CONFIG, then
 * /etc/ha.d/conf/$CONFIG, then $CONFIG, each -f; the pid file named after
 * CFGNAME; and the pid-file commands' exit codes (status 0 running, 1
 * stale pid file, 3 stopped; stop / try-restart of a stopped daemon 0;
 * reload of one 1).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "ctl.h"

static int parse(struct hd_cli *o, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = "xlvs-healthd";
	va_start(ap, o);
	for (char *a; (a = va_arg(ap, char *)) && argc < 15;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return hd_cli_parse(argc, argv, o);
}

static void commands(void **state)
{
	static const struct { const char *w; enum hd_cmd c; } cmds[] = {
		{ "start", HD_CMD_START }, { "stop", HD_CMD_STOP },
		{ "restart", HD_CMD_RESTART }, { "try-restart", HD_CMD_TRY_RESTART },
		{ "reload", HD_CMD_RELOAD }, { "force-reload", HD_CMD_FORCE_RELOAD },
		{ "status", HD_CMD_STATUS },
	};
	struct hd_cli o;

	(void)state;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		assert_int_equal(parse(&o, cmds[i].w, NULL), 0);
		assert_int_equal(o.cmd, cmds[i].c);
		assert_string_equal(o.config, "ldirectord.cf");
		assert_string_equal(o.cfgname, "ldirectord");
		assert_false(o.debug);
		assert_int_equal(parse(&o, "/etc/ha.d/web.cf", cmds[i].w, NULL), 0);
		assert_int_equal(o.cmd, cmds[i].c);
		assert_string_equal(o.config, "/etc/ha.d/web.cf");
		assert_string_equal(o.cfgname, "web.cf");
	}
	/* Not a command, none, or a CONFIG without one. */
	assert_int_equal(parse(&o, "begin", NULL), -EINVAL);
	assert_int_equal(parse(&o, "web.cf", "Start", NULL), -EINVAL);
	assert_int_equal(parse(&o, NULL), -EINVAL);
	assert_int_equal(parse(&o, "start", "web.cf", NULL), -EINVAL);
	/* A trailing '/' leaves ldirectord's ([^/]+)$ without a match. */
	assert_int_equal(parse(&o, "conf/", "start", NULL), -EINVAL);
}

static void options(void **state)
{
	struct hd_cli o;

	(void)state;
	assert_int_equal(parse(&o, "-d", "web.cf", "start", NULL), 0);
	assert_true(o.debug);
	assert_int_equal(o.cmd, HD_CMD_START);
	assert_int_equal(parse(&o, "--debug", "stop", NULL), 0);
	assert_true(o.debug);
	assert_int_equal(o.cmd, HD_CMD_STOP);
	/* "--" ends the options: a file named like one. */
	assert_int_equal(parse(&o, "-d", "--", "-x.cf", "status", NULL), 0);
	assert_string_equal(o.config, "-x.cf");
	assert_string_equal(o.cfgname, "-x.cf");
	/* require_order: an option after an operand is an operand. */
	assert_int_equal(parse(&o, "web.cf", "-d", NULL), -EINVAL);
	/* help and version win over whatever follows. */
	assert_int_equal(parse(&o, "-h", NULL), 0);
	assert_int_equal(o.cmd, HD_CMD_HELP);
	assert_int_equal(parse(&o, "--help", "start", NULL), 0);
	assert_int_equal(o.cmd, HD_CMD_HELP);
	assert_int_equal(parse(&o, "-?", NULL), 0);
	assert_int_equal(o.cmd, HD_CMD_HELP);
	assert_int_equal(parse(&o, "-v", NULL), 0);
	assert_int_equal(o.cmd, HD_CMD_VERSION);
	assert_int_equal(parse(&o, "--version", NULL), 0);
	assert_int_equal(o.cmd, HD_CMD_VERSION);
	/* Bundling: -dv is -d -v. */
	assert_int_equal(parse(&o, "-dv", NULL), 0);
	assert_true(o.debug);
	assert_int_equal(o.cmd, HD_CMD_VERSION);
	/* Unknown options; no abbreviations (no_auto_abbrev). */
	assert_int_equal(parse(&o, "-x", "start", NULL), -EINVAL);
	assert_int_equal(parse(&o, "--deb", "start", NULL), -EINVAL);
	assert_int_equal(parse(&o, "--debugx", "start", NULL), -EINVAL);
	/* --supervised: the unit's foreground mode, whatever the file says. */
	assert_int_equal(parse(&o, "--supervised", "web.cf", "start", NULL), 0);
	assert_true(o.supervised);
	assert_false(o.debug);
	assert_int_equal(o.cmd, HD_CMD_START);
	assert_int_equal(parse(&o, "web.cf", "start", NULL), 0);
	assert_false(o.supervised);
	assert_int_equal(parse(&o, "--supervise", "start", NULL), -EINVAL);
	/* xlvs-healthd's own: -t FILE, check FILE, --confdir, --rundir. */
	assert_int_equal(parse(&o, "-t", "a.cf", NULL), 0);
	assert_int_equal(o.cmd, HD_CMD_CHECK);
	assert_string_equal(o.config, "a.cf");
	assert_int_equal(parse(&o, "-ta.cf", NULL), 0);
	assert_string_equal(o.config, "a.cf");
	assert_int_equal(parse(&o, "-t", NULL), -EINVAL);
	assert_int_equal(parse(&o, "check", "b.cf", NULL), 0);
	assert_int_equal(o.cmd, HD_CMD_CHECK);
	assert_string_equal(o.config, "b.cf");
	assert_int_equal(parse(&o, "--confdir", "/c", "--rundir=/r", "x.cf",
			       "status", NULL), 0);
	assert_string_equal(o.confdir, "/c");
	assert_string_equal(o.rundir, "/r");
	assert_int_equal(parse(&o, "--confdir", NULL), -EINVAL);
}

static char tmpdir[64];

static void touch(const char *rel)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("checkinterval=1\n", f);
	fclose(f);
}

static void lookup(void **state)
{
	char buf[512], want[512], cwd[512];

	(void)state;
	strcpy(tmpdir, "/tmp/hd_cli_XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(buf, sizeof(buf), "%s/conf", tmpdir);
	assert_int_equal(mkdir(buf, 0755), 0);
	snprintf(buf, sizeof(buf), "%s/local", tmpdir);
	assert_int_equal(mkdir(buf, 0755), 0);
	assert_int_equal(chdir(buf), 0);

	/* Only in the working directory: as given. */
	touch("local/a.cf");
	assert_int_equal(hd_cli_find_config("a.cf", tmpdir, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a.cf");
	/* In conf/ too: conf/ wins over the working directory. */
	touch("conf/a.cf");
	snprintf(want, sizeof(want), "%s/conf/a.cf", tmpdir);
	assert_int_equal(hd_cli_find_config("a.cf", tmpdir, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	/* In the directory itself: it wins over conf/. */
	touch("a.cf");
	snprintf(want, sizeof(want), "%s/a.cf", tmpdir);
	assert_int_equal(hd_cli_find_config("a.cf", tmpdir, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	/* A directory of that name is no configuration (-f). */
	snprintf(buf, sizeof(buf), "%s/b.cf", tmpdir);
	assert_int_equal(mkdir(buf, 0755), 0);
	touch("conf/b.cf");
	snprintf(want, sizeof(want), "%s/conf/b.cf", tmpdir);
	assert_int_equal(hd_cli_find_config("b.cf", tmpdir, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	/* An absolute path found as given (DIR//abs does not exist). */
	snprintf(want, sizeof(want), "%s/local/a.cf", tmpdir);
	assert_int_equal(hd_cli_find_config(want, tmpdir, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	/* Nowhere. */
	assert_int_equal(hd_cli_find_config("none.cf", tmpdir, buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(chdir(cwd), 0);
}

static void run_files(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(hd_cli_run_file(NULL, "ldirectord.cf", "pid", buf,
					 sizeof(buf)), 0);
	assert_string_equal(buf, "/run/xlvs-healthd.ldirectord.cf.pid");
	assert_int_equal(hd_cli_run_file("/tmp/r", "ldirectord", "status", buf,
					 sizeof(buf)), 0);
	assert_string_equal(buf, "/tmp/r/xlvs-healthd.ldirectord.status");
	assert_int_equal(hd_cli_run_file("/tmp/r", "x", "pid", buf, 10),
			 -ENAMETOOLONG);
}

static int ctl(enum hd_cmd cmd, const char *pidfile)
{
	struct hd_cli cli = { .cmd = cmd, .config = "x.cf", .cfgname = "x.cf" };
	struct hd_ctl c = { .cli = &cli, .config = "/etc/ha.d/x.cf",
			    .pidfile = pidfile, .statusfile = "/nonexistent" };
	int rc;

	fflush(stdout);
	rc = hd_ctl_run(&c);
	fflush(stdout);
	return rc;
}

static void pid_commands(void **state)
{
	char pidfile[128];
	pid_t pid, fp, child;
	int st;

	(void)state;
	snprintf(pidfile, sizeof(pidfile), "%s/xlvs-healthd.x.cf.pid", tmpdir);
	unlink(pidfile);
	/* No pid file. */
	assert_int_equal(ctl(HD_CMD_STATUS, pidfile), 3);
	assert_int_equal(ctl(HD_CMD_STOP, pidfile), 0);
	assert_int_equal(ctl(HD_CMD_TRY_RESTART, pidfile), 0);
	assert_int_equal(ctl(HD_CMD_RELOAD, pidfile), 1);
	assert_int_equal(ctl(HD_CMD_FORCE_RELOAD, pidfile), 1);
	assert_int_equal(ctl(HD_CMD_START, pidfile), -1);
	assert_int_equal(ctl(HD_CMD_RESTART, pidfile), -1);
	/* Stale: our own pid is no xlvs-healthd (our cmdline is unit_hd_cli). */
	assert_int_equal(hd_pid_write(pidfile, getpid()), 0);
	assert_int_equal(hd_pid_live(pidfile, &pid, &fp), 0);
	assert_int_equal(fp, getpid());
	assert_int_equal(ctl(HD_CMD_STATUS, pidfile), 1);
	assert_int_equal(ctl(HD_CMD_START, pidfile), -1);
	/* Live: a process whose argv[0] is xlvs-healthd. */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		execl("/bin/sleep", "xlvs-healthd", "20", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(hd_pid_write(pidfile, child), 0);
	for (int i = 0; i < 100 && !hd_pid_live(pidfile, &pid, &fp); i++)
		usleep(10000);
	assert_int_equal(hd_pid_live(pidfile, &pid, &fp), 1);
	assert_int_equal(pid, child);
	assert_int_equal(ctl(HD_CMD_STATUS, pidfile), 0);
	assert_int_equal(ctl(HD_CMD_START, pidfile), 0);
	/* stop: TERM, then waits until the process is gone (here: reaped by
	 * us, the parent, while a child of ours runs the stop). */
	{
		pid_t w = fork();

		if (w == 0)
			_exit(ctl(HD_CMD_STOP, pidfile) == 0 ? 0 : 1);
		assert_int_equal(waitpid(child, &st, 0), child);
		assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
		assert_int_equal(waitpid(w, &st, 0), w);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	unlink(pidfile);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commands),
		cmocka_unit_test(options),
		cmocka_unit_test(lookup),
		cmocka_unit_test(run_files),
		cmocka_unit_test(pid_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
