// SPDX-License-Identifier: GPL-2.0
/*
 * nsdaemon [-u] OUT CMD...: become a daemon as ldirectord's ld_daemon does
 * (fork, setsid, fork; the parents exit), wait until our parents are gone,
 * then report libxlvs's table path and run CMD, its output and then
 * "rc=N" appended to OUT.  Linked with libxlvs so that, like xlvs-healthd,
 * it is a libxlvs program started (under `ip netns exec`) while its
 * parents still live; -u drops what libxlvs remembered of the host's mount
 * namespace before CMD runs, as a daemon that never used libxlvs would.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xlvs/libxlvs.h>

static void nd_orphaned(pid_t parent)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 500 && getppid() == parent; i++)
		nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	int forget = argc > 1 && !strcmp(argv[1], "-u"), fd, st = 0;
	char path[256];
	pid_t pid, parent;

	argv += forget;
	argc -= forget;
	if (argc < 3) {
		fprintf(stderr, "usage: nsdaemon [-u] OUT CMD...\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || (pid = fork()) < 0)
		return 1;
	if (pid > 0)
		return 0;
	setsid();
	parent = getpid();
	if ((pid = fork()) < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	nd_orphaned(parent);
	dprintf(fd, "ppid=%d\n", (int)getppid());
	if (xlvs_table_path(path, sizeof(path)) == 0)
		dprintf(fd, "path=%s\n", path);
	if (forget)
		unsetenv("XLVS_HOST_MNTNS");
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		st = 255 << 8;
	dprintf(fd, "rc=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	return 0;
}
