// SPDX-License-Identifier: GPL-2.0
/* stop, reload, status, restart through the pid file (ctl.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "pidfile.h"

/* How long stop and restart wait for the daemon to go (its stop purges
 * the table; ldirectord's restart waits without a bound). */
#define CTL_STOP_WAIT_MS 60000

int hd_pid_live(const char *pidfile, pid_t *pid, pid_t *filepid)
{
	return xlvs_pid_live(pidfile, "xlvs-healthd", pid, filepid);
}

int hd_pid_write(const char *pidfile, pid_t pid)
{
	return xlvs_pid_write(pidfile, pid);
}

/* The daemon gone (ldirectord's restart waits for the pid file to go; the
 * file goes just before the process does): 0, or -ETIMEDOUT. */
static int ctl_wait_gone(pid_t pid)
{
	return xlvs_pid_wait_gone(pid, CTL_STOP_WAIT_MS);
}

static void ctl_print_status(const char *statusfile)
{
	char buf[4096];
	FILE *f;
	size_t n;

	/* The daemon rewrites the file whole (rename), so a read sees one
	 * version. */
	f = fopen(statusfile, "r");
	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
}

static int ctl_running(const struct hd_ctl *c, pid_t pid)
{
	switch (c->cli->cmd) {
	case HD_CMD_START:
		fprintf(stderr, "ldirectord for %s is running with pid: %ld\n",
			c->config, (long)pid);
		return 0;
	case HD_CMD_STOP:
		kill(pid, SIGTERM);
		if (ctl_wait_gone(pid) < 0) {
			fprintf(stderr, "xlvs-healthd (pid %ld) did not stop\n",
				(long)pid);
			return 1;
		}
		return 0;
	case HD_CMD_RESTART:
	case HD_CMD_TRY_RESTART:
		kill(pid, SIGTERM);
		if (ctl_wait_gone(pid) < 0) {
			fprintf(stderr, "xlvs-healthd (pid %ld) did not stop\n",
				(long)pid);
			return 1;
		}
		return -1;
	case HD_CMD_RELOAD:
	case HD_CMD_FORCE_RELOAD:
		return kill(pid, SIGHUP) == 0 ? 0 : 1;
	case HD_CMD_STATUS:
		fprintf(stderr, "ldirectord for %s is running with pid: %ld\n",
			c->config, (long)pid);
		fflush(stderr);
		ctl_print_status(c->statusfile);
		return 0;
	default:
		return 1;
	}
}

int hd_ctl_run(const struct hd_ctl *c)
{
	pid_t pid, filepid;

	if (hd_pid_live(c->pidfile, &pid, &filepid))
		return ctl_running(c, pid);
	switch (c->cli->cmd) {
	case HD_CMD_START:
	case HD_CMD_RESTART:
		return -1;
	case HD_CMD_STOP:
	case HD_CMD_TRY_RESTART:
		return 0;
	case HD_CMD_STATUS:
		if (filepid)
			fprintf(stderr, "ldirectord stale pid file %s for %s\n",
				c->pidfile, c->config);
		printf("ldirectord is stopped for %s\n", c->config);
		/* LSB: 1 dead with a pid file, 3 not running. */
		return filepid ? 1 : 3;
	default:
		/* reload, force-reload of a stopped daemon: ldirectord's 1. */
		fprintf(stderr, "ldirectord is stopped for %s\n", c->config);
		return 1;
	}
}
