// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd [-d|--debug] [--supervised] [--] [configfile]
 *     start|stop|restart|try-restart|reload|force-reload|status
 * xlvs-healthd -t FILE | check FILE;  -h/--help;  -v/--version
 *
 * As ldirectord 4.12's ld_init (cli.h, ctl.h): the configuration looked up
 * in /etc/ha.d, /etc/ha.d/conf, then as given; a pid file per
 * configuration (/run/xlvs-healthd.CFGNAME.pid); start daemonises unless
 * -d or supervised=yes (--supervised: whatever the file says, for a
 * service manager: xlvs-healthd@.service).  --confdir DIR / XLVS_HEALTHD_CONFDIR and
 * --rundir DIR / XLVS_HEALTHD_RUNDIR replace /etc/ha.d and /run (tests);
 * execute='s instances inherit them through the environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "ctl.h"
#include "daemon.h"
#include "email.h"
#include "hd_log.h"
#include "internal.h"
#include "ops.h"
#include "pidfile.h"

static void main_usage(FILE *f)
{
	fprintf(f,
		"Usage: xlvs-healthd [-d|--debug] [--supervised] [--] [configfile] "
		"{start|stop|restart|try-restart|reload|force-reload|status}\n"
		"       xlvs-healthd -t configfile | check configfile\n"
		"       xlvs-healthd -h|-?|--help | -v|--version\n"
		"Options (before the configfile):\n"
		"  -d, --debug     start stays in the foreground, debug log on stderr\n"
		"  --supervised    start stays in the foreground, log on stdout (supervised=yes)\n"
		"  -t FILE         check FILE, errors as FILE:LINE; exit 0 or 1 (check FILE)\n"
		"  --confdir DIR   look configurations up in DIR, not /etc/ha.d\n"
		"  --rundir DIR    pid and status files in DIR, not /run\n"
		"  -h, -?, --help  this help\n"
		"  -v, --version   the version\n");
}

static void main_err(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static int main_check(const char *path)
{
	struct hd_config *c = NULL;
	int rc = hd_config_load(path, &c, main_err, NULL);

	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		return 1;
	}
	hd_config_free(c);
	return 0;
}

static void main_self(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
}

static int main_start(const struct hd_cli *cli, const char *found,
		      const char *pidfile, const char *statusfile)
{
	static char path[PATH_MAX], self[PATH_MAX];
	struct hd_daemon_opts o = { 0 };
	struct hd_config *c = NULL;
	struct hd_ops_conf oc = { 0 };
	int rc, ready = -1;

	if (!realpath(found, path))
		snprintf(path, sizeof(path), "%s", found);
	rc = hd_config_load(path, &c, main_err, NULL);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "Config file %s: %s\n", path, strerror(-rc));
		return 1;
	}
	/* supervised= is read at start only (daemonising, the log's
	 * destination), so a reload cannot undo --supervised. */
	if (cli->supervised)
		c->supervised = true;
	if (!cli->debug && !c->supervised && xlvs_daemonise(&ready, 30000) < 0) {
		fprintf(stderr, "ld_daemon: cannot fork: %s\n", strerror(errno));
		hd_config_free(c);
		return 1;
	}
	/* ldirectord writes it only as a daemon; xlvs-healthd always, so stop
	 * and status work with -d and supervised=yes too. */
	rc = hd_pid_write(pidfile, getpid());
	if (rc < 0) {
		fprintf(stderr, "Can not open %s: %s\n", pidfile, strerror(-rc));
		hd_config_free(c);
		return 1;
	}
	/* ldirectord's ld_daemon: the first process returns once the pid
	 * file is there, so a status right after start finds it. */
	xlvs_daemon_ready(ready, true);
	main_self(self, sizeof(self));
	oc.statusfile = statusfile;
	oc.self = self;
	hd_ops_configure(&oc);
	o.foreground = cli->debug;
	o.path = path;
	o.cfgname = cli->cfgname;
	if (cli->debug)
		hd_log_set_debug(3);
	rc = hd_daemon_run(c, &o);
	{
		pid_t p, fp;

		/* Ours still (a restart may have put another's there). */
		if (hd_pid_live(pidfile, &p, &fp) && p == getpid())
			unlink(pidfile);
		else if (fp == getpid())
			unlink(pidfile);
	}
	return rc;
}

/* --confdir / --rundir win over the environment, and go into it for
 * execute='s instances. */
static const char *main_dir(const char *opt, const char *env)
{
	if (opt) {
		setenv(env, opt, 1);
		return opt;
	}
	opt = getenv(env);
	return opt && *opt ? opt : NULL;
}

int main(int argc, char **argv)
{
	char found[PATH_MAX], pidfile[PATH_MAX], statusfile[PATH_MAX];
	struct hd_cli cli;
	struct hd_ctl ctl;
	const char *confdir, *rundir;
	int rc;

	if (hd_cli_parse(argc, argv, &cli) < 0) {
		main_usage(stderr);
		return 1;
	}
	switch (cli.cmd) {
	case HD_CMD_HELP:
		main_usage(stdout);
		return 0;
	case HD_CMD_VERSION:
		printf("xlvs-healthd (Linux Director v1.186-ha compatible)\n");
		return 0;
	case HD_CMD_CHECK:
		return main_check(cli.config);
	default:
		break;
	}
	confdir = main_dir(cli.confdir, "XLVS_HEALTHD_CONFDIR");
	rundir = main_dir(cli.rundir, "XLVS_HEALTHD_RUNDIR");
	if (hd_cli_find_config(cli.config, confdir, found, sizeof(found)) < 0) {
		fprintf(stderr, "Config file %s not found\n", cli.config);
		return 1;
	}
	if (hd_cli_run_file(rundir, cli.cfgname, "pid", pidfile, sizeof(pidfile)) < 0 ||
	    hd_cli_run_file(rundir, cli.cfgname, "status", statusfile,
			    sizeof(statusfile)) < 0) {
		fprintf(stderr, "%s: name too long\n", cli.cfgname);
		return 1;
	}
	/* As ld_init, which reads the file before it looks at the pid file: a
	 * broken file stops nothing on a restart. */
	if ((cli.cmd == HD_CMD_RESTART || cli.cmd == HD_CMD_TRY_RESTART) &&
	    main_check(found) != 0)
		return 1;
	ctl.cli = &cli;
	ctl.config = found;
	ctl.pidfile = pidfile;
	ctl.statusfile = statusfile;
	rc = hd_ctl_run(&ctl);
	if (rc >= 0)
		return rc;
	return main_start(&cli, found, pidfile, statusfile);
}
