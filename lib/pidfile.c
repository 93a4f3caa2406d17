// SPDX-License-Identifier: GPL-2.0
/* pid files and daemonising (pidfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pidfile.h"

int xlvs_pid_live(const char *pidfile, const char *prog, pid_t *pid, pid_t *filepid)
{
	char buf[4096], path[64];
	FILE *f = fopen(pidfile, "re");
	long v = 0;
	size_t n;
	ssize_t r;
	int fd;

	*pid = 0;
	*filepid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &v) != 1 || v <= 0 || v > 0x3fffffff)
		v = 0;
	fclose(f);
	*filepid = (pid_t)v;
	if (!v || !xlvs_pid_runs((pid_t)v))
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", v);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	n = r > 0 ? (size_t)r : 0;
	buf[n] = '\0';
	/* cmdline's words are NUL-separated: search them all. */
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	if (!strstr(buf, prog))
		return 0;
	*pid = (pid_t)v;
	return 1;
}

int xlvs_pid_write(const char *pidfile, pid_t pid)
{
	char tmp[4200];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", pidfile, (long)getpid()) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	if (!(f = fopen(tmp, "we")))
		return -errno;
	fprintf(f, "%ld\n", (long)pid);
	if (fclose(f) != 0 || rename(tmp, pidfile) != 0) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

bool xlvs_pid_runs(pid_t pid)
{
	char path[64], buf[256], *p;
	bool runs = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (!(f = fopen(path, "re")))
		return false;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		runs = p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	fclose(f);
	return runs;
}

int xlvs_pid_wait_gone(pid_t pid, unsigned ms)
{
	struct timespec gap = { 0, 50 * 1000000L };

	for (unsigned t = 0; t < ms; t += 50) {
		if (!xlvs_pid_runs(pid))
			return 0;
		nanosleep(&gap, NULL);
	}
	return xlvs_pid_runs(pid) ? -ETIMEDOUT : 0;
}

int xlvs_daemonise(int *ready_fd, unsigned wait_ms)
{
	int p[2], fd;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) < 0)
		return -errno;
	if (pid > 0) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		char c = 0;

		close(p[1]);
		if (poll(&pf, 1, (int)wait_ms) == 1 && read(p[0], &c, 1) == 1 && c == 'y')
			_exit(0);
		_exit(1);
	}
	close(p[0]);
	if (setsid() < 0)
		_exit(1);
	if ((pid = fork()) != 0)
		_exit(pid < 0);
	if (chdir("/") < 0)
		_exit(1);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	/* stderr stays until ready: a start that fails still says why. */
	*ready_fd = p[1];
	return 0;
}

void xlvs_daemon_ready(int ready_fd, bool ok)
{
	int fd;

	if (ready_fd < 0)
		return;
	if (ok && (fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	(void)!write(ready_fd, ok ? "y" : "n", 1);
	close(ready_fd);
}
