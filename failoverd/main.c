// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-failoverd [-c DIR] [-n NODE] [--statedir DIR] [--rundir DIR]
 *                start|stop|restart|reload|force-reload|status | -d | -t
 *
 * -c: the heartbeat configuration directory (default /etc/ha.d); -n: our
 * node name (default uname -n; tests whose namespaces share one UTS name
 * need it); -d runs in the foreground (with or without start); -t checks
 * the configuration and exits 0 or 1.  The commands are heartbeat's init
 * script's, with LSB exit codes (ctl.h); the pid file and control socket
 * are named in cli.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "pidfile.h"

static int ready_fd = -1;

static void usage(FILE *f)
{
	fprintf(f, "Usage: xlvs-failoverd [-c DIR] [-n NODE] [--statedir DIR] [--rundir DIR]\n"
		   "           start|stop|restart|reload|force-reload|status\n"
		   "       xlvs-failoverd [-c DIR] [-n NODE] [--statedir DIR] [--rundir DIR] -d\n"
		   "       xlvs-failoverd [-c DIR] [-n NODE] -t\n"
		   "       xlvs-failoverd -h|--help\n"
		   "Options:\n"
		   "  -c DIR           heartbeat's configuration directory (default /etc/ha.d)\n"
		   "  -n NODE          this node's name (default: uname -n)\n"
		   "  -d               run in the foreground, the log on stderr too\n"
		   "  -t               check ha.cf, haresources and authkeys; exit 0 or 1\n"
		   "  --statedir DIR   the generation file's directory (default /var/lib/xlvs-failoverd)\n"
		   "  --rundir DIR     pid file and control socket (default /run)\n"
		   "  -h, --help       this help\n");
}

static int load(struct fo_daemon *dm, const char *dir, const char *node)
{
	static struct fo_diag d;
	struct utsname u;
	int r;

	fo_diag_init(&d);
	r = fo_config_load(dir, node, &dm->cfg, &d);
	if (d.len)
		fputs(d.text, stderr);
	if (r)
		return r;
	if (!node && uname(&u) == 0)
		node = u.nodename;
	if (!node || strlen(node) >= sizeof(dm->self))
		return -ENAMETOOLONG;
	memcpy(dm->self, node, strlen(node) + 1);
	return 0;
}

static void on_ready(struct fo_daemon *dm)
{
	(void)dm;
	xlvs_daemon_ready(ready_fd, true);
	ready_fd = -1;
}

/* The daemon: in the foreground (-d) or detached (start). */
static int serve(struct fo_daemon *dm, const struct fo_cli *cli, const struct fo_ctl *ctl,
		 char **argv)
{
	const char *bad;
	pid_t p, fp;
	int r;

	if (load(dm, cli->confdir, cli->node))
		return cli->cmd == FO_CMD_RUN ? 1 : FO_EXIT_NOTCONFIGURED;
	if (strlen(cli->confdir) >= sizeof(dm->confdir) ||
	    strlen(cli->statedir) >= sizeof(dm->statedir) ||
	    strlen(ctl->sock) >= sizeof(dm->run.sock_path)) {
		fprintf(stderr, "xlvs-failoverd: a directory name is too long\n");
		return 1;
	}
	memcpy(dm->confdir, cli->confdir, strlen(cli->confdir) + 1);
	memcpy(dm->statedir, cli->statedir, strlen(cli->statedir) + 1);
	memcpy(dm->run.sock_path, ctl->sock, strlen(ctl->sock) + 1);
	dm->debug = cli->foreground;
	/* A reload's HUP before the loop handles it must not kill us. */
	signal(SIGHUP, SIG_IGN);
	if ((r = fo_log_open(&dm->cfg.hacf, dm->debug, &bad))) {
		fprintf(stderr, "xlvs-failoverd: %s: %s\n", bad, strerror(-r));
		return FO_EXIT_NOTCONFIGURED;
	}
	if (!cli->foreground && (r = xlvs_daemonise(&ready_fd, 30000)) < 0) {
		fprintf(stderr, "xlvs-failoverd: cannot fork: %s\n", strerror(-r));
		return 1;
	}
	if ((r = xlvs_pid_write(ctl->pidfile, getpid())) < 0) {
		fprintf(stderr, "xlvs-failoverd: %s: %s\n", ctl->pidfile, strerror(-r));
		if (!cli->foreground)
			return 1;
	}
	dm->run.on_ready = on_ready;
	r = fo_daemon_run(dm);
	xlvs_daemon_ready(ready_fd, false);
	if (dm->run.reexec) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
		fo_log("ERROR: cannot restart: exec: %s", strerror(errno));
	}
	/* Ours still (a restart may have put another's there). */
	if (xlvs_pid_live(ctl->pidfile, "xlvs-failoverd", &p, &fp) ? p == getpid() :
	    fp == getpid())
		unlink(ctl->pidfile);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct fo_daemon dm;
	static struct fo_ctl ctl;
	struct fo_cli cli;
	const char *bad;
	int r;

	if (fo_cli_parse(argc, argv, &cli, &bad)) {
		fprintf(stderr, "xlvs-failoverd: bad or missing argument: %s\n", bad);
		usage(stderr);
		return 2;
	}
	if (cli.cmd == FO_CMD_HELP) {
		usage(stdout);
		return 0;
	}
	if (cli.cmd == FO_CMD_CHECK)
		return load(&dm, cli.confdir, cli.node) ? 1 : 0;
	ctl.cli = &cli;
	if (fo_cli_run_file(&cli, "pid", ctl.pidfile, sizeof(ctl.pidfile)) ||
	    fo_cli_run_file(&cli, "sock", ctl.sock, sizeof(ctl.sock))) {
		fprintf(stderr, "xlvs-failoverd: --rundir: name too long\n");
		return 2;
	}
	if (cli.cmd != FO_CMD_RUN && (r = fo_ctl_run(&ctl)) >= 0)
		return r;
	return serve(&dm, &cli, &ctl, argv);
}
