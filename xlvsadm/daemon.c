// SPDX-License-Identifier: GPL-2.0
/*
 * ipvsadm's --start-daemon, --stop-daemon and -L --daemon.  IPVS runs its
 * sync threads in the kernel; xlvs runs xlvs-syncd (syncd/), which takes
 * the same options and returns once the daemon runs, with the kernel's
 * refusals (an interface that is not there, a daemon of the role running
 * already).  The listing is ipvsadm 1.31's list_daemon: master first.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include "cmd.h"

/* xlvs-syncd beside this xlvsadm (a build tree, an install), else on PATH. */
static void syncd_path(char *buf, size_t len)
{
	const char *env = getenv("XLVS_SYNCD");
	char self[PATH_MAX - 16];
	ssize_t n;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, len, "%s/xlvs-syncd", self);
			if (!access(buf, X_OK))
				return;
		}
	}
	snprintf(buf, len, "xlvs-syncd");
}

static int syncd_exec(char **argv)
{
	char path[PATH_MAX + 16];
	int status;
	pid_t pid;

	syncd_path(path, sizeof(path));
	argv[0] = path;
	pid = fork();
	if (pid < 0) {
		perror("xlvsadm: fork");
		return 1;
	}
	if (!pid) {
		execvp(path, argv);
		fprintf(stderr, "xlvsadm: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}

int daemon_start(const struct cmd *c)
{
	char *argv[4 + 2 * 6 + 1], opt[6][24];
	int n = 1;

	argv[n++] = "--state";
	argv[n++] = (char *)c->daemon_role;
	for (int i = 0; i < 6; i++) {
		if (!(c->dopts & (1u << i)))
			continue;
		snprintf(opt[i], sizeof(opt[i]), "--%s", cmd_daemon_opts[i]);
		argv[n++] = opt[i];
		argv[n++] = (char *)c->dvals[i];
	}
	argv[n] = NULL;
	return syncd_exec(argv);
}

int daemon_stop(const struct cmd *c)
{
	char *argv[] = { NULL, "--stop", (char *)c->daemon_role, NULL };

	return syncd_exec(argv);
}

int daemon_list(FILE *f)
{
	static const int roles[2] = { XLVS_SYNC_MASTER, XLVS_SYNC_BACKUP };

	for (int i = 0; i < 2; i++) {
		struct xlvs_sync_daemon d;
		char group[INET6_ADDRSTRLEN];
		int rc = xlvs_sync_daemon_get(roles[i], &d);

		if (rc < 0) {
			fprintf(stderr, "xlvsadm: %s\n", strerror(-rc));
			return 1;
		}
		if (!rc)
			continue;
		fprintf(f, "%s sync daemon (mcast=%s, syncid=%d",
			roles[i] == XLVS_SYNC_MASTER ? "master" : "backup", d.ifname, d.syncid);
		if (d.maxlen)
			fprintf(f, ", maxlen=%u", d.maxlen);
		if (inet_ntop(d.group_af == 6 ? AF_INET6 : AF_INET, d.group, group, sizeof(group)))
			fprintf(f, ", group=%s", group);
		if (d.port)
			fprintf(f, ", port=%u", d.port);
		if (d.ttl)
			fprintf(f, ", ttl=%u", d.ttl);
		fprintf(f, ")\n");
	}
	return 0;
}
