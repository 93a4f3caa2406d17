/* stop, reload, status, restart against a running daemon (ctl.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "pidfile.h"

int fo_ctl_ask(const char *sock, const char *req, FILE *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tmo = { 30, 0 };
	char buf[4096], line[64];
	ssize_t n;
	int fd;

	if (strlen(sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	/* One send, the line whole: the daemon answers as soon as it has read
	 * it and closes, and a second write would then meet a closed socket. */
	snprintf(line, sizeof(line), "%s\n", req);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, line, strlen(line), MSG_NOSIGNAL) != (ssize_t)strlen(line)) {
		int e = -errno;

		close(fd);
		return e;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	close(fd);
	return n < 0 ? -errno : 0;
}

static int stop(pid_t pid)
{
	if (kill(pid, SIGTERM) < 0 && errno != ESRCH)
		return fprintf(stderr, "xlvs-failoverd: kill %ld: %s\n", (long)pid,
			       strerror(errno)), 1;
	if (xlvs_pid_wait_gone(pid, FO_STOP_WAIT_MS) < 0)
		return fprintf(stderr, "xlvs-failoverd (pid %ld) did not stop\n", (long)pid), 1;
	return 0;
}

/* The daemon's reload answer ends in "ok" or "refused...". */
static int reload(const struct fo_ctl *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int r, rc;

	if (!m)
		return 1;
	r = fo_ctl_ask(c->sock, "reload", m);
	fclose(m);
	if (r < 0) {
		fprintf(stderr, "xlvs-failoverd: %s: %s\n", c->sock, strerror(-r));
		free(text);
		return 1;
	}
	rc = len >= 3 && strcmp(text + len - 3, "ok\n") == 0 ? 0 : FO_EXIT_NOTCONFIGURED;
	fputs(text, rc ? stderr : stdout);
	free(text);
	return rc;
}

int fo_ctl_run(const struct fo_ctl *c)
{
	pid_t pid, filepid;
	int r;

	if (xlvs_pid_live(c->pidfile, "xlvs-failoverd", &pid, &filepid) && pid != getpid()) {
		switch (c->cli->cmd) {
		case FO_CMD_START:
			printf("xlvs-failoverd is already running (pid %ld)\n", (long)pid);
			return 0;
		case FO_CMD_STOP:
			return stop(pid);
		case FO_CMD_RESTART:
			return stop(pid) ? 1 : -1;
		case FO_CMD_RELOAD:
		case FO_CMD_FORCE_RELOAD:
			return reload(c);
		case FO_CMD_STATUS:
			printf("xlvs-failoverd is running (pid %ld)\n", (long)pid);
			fflush(stdout);
			if ((r = fo_ctl_ask(c->sock, "status", stdout)) < 0) {
				fprintf(stderr, "xlvs-failoverd: %s: %s\n", c->sock, strerror(-r));
				return 4;	/* LSB: status unknown */
			}
			return 0;
		default:
			return 1;
		}
	}
	switch (c->cli->cmd) {
	case FO_CMD_START:
	case FO_CMD_RESTART:
		return -1;
	case FO_CMD_STOP:
		printf("xlvs-failoverd is not running\n");
		return 0;
	case FO_CMD_STATUS:
		if (filepid && filepid != getpid()) {
			printf("xlvs-failoverd is dead, but its pid file %s remains\n", c->pidfile);
			return 1;
		}
		printf("xlvs-failoverd is stopped\n");
		return 3;
	default:
		fprintf(stderr, "xlvs-failoverd is not running\n");
		return FO_EXIT_NOTRUNNING;
	}
}
