// SPDX-License-Identifier: GPL-2.0
/* stop, reload, status, restart through the pid file (ctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

/* How long stop and restart wait for the daemon to go (its stop purges
 * the table; ldirectord's restart waits without a bound). */
#define CTL_STOP_WAIT_MS 60000

int hd_pid_live(const char *pidfile, pid_t *pid, pid_t *filepid)
{
	char buf[4096], path[64];
	FILE *f = fopen(pidfile, "r");
	long v = 0;
	size_t n;
	int fd;

	*pid = 0;
	*filepid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &v) != 1 || v <= 0 || v > 0x3fffffff)
		v = 0;
	fclose(f);
	*filepid = (pid_t)v;
	if (!v)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", v);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	{
		ssize_t r = read(fd, buf, sizeof(buf) - 1);

		n = r > 0 ? (size_t)r : 0;
	}
	close(fd);
	buf[n] = '\0';
	/* cmdline's words are NUL-separated: search them all. */
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	if (!strstr(buf, "xlvs-healthd"))
		return 0;
	*pid = (pid_t)v;
	return 1;
}

int hd_pid_write(const char *pidfile, pid_t pid)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", pidfile, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)pid);
	if (fclose(f) != 0 || rename(tmp, pidfile) != 0) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

static void ctl_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Whether pid still runs: a zombie (its reaper is init, which may take
 * its time) has finished. */
static bool ctl_runs(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool runs = false;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		runs = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return runs;
}

/* The daemon gone (ldirectord's restart waits for the pid file to go; the
 * file goes just before the process does): 0, or -ETIMEDOUT. */
static int ctl_wait_gone(pid_t pid)
{
	for (unsigned t = 0; t < CTL_STOP_WAIT_MS; t += 50) {
		if (!ctl_runs(pid))
			return 0;
		ctl_sleep_ms(50);
	}
	return -ETIMEDOUT;
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
