// SPDX-License-Identifier: GPL-2.0
/* xlvs-failoverd's status through its control socket (fostat.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fostat.h"

#define FOSTAT_TEXT_MAX 65536

/* fo_run_role's answers (failoverd/status.c). */
const char *const fostat_roles[] = {
	"active", "standby", "waiting", "acquiring", "releasing", "failed", "stopping",
};
const size_t fostat_nroles = sizeof(fostat_roles) / sizeof(fostat_roles[0]);

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void copy_span(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "resource DESC: STATE"; DESC may hold ": " (a path), STATE does not. */
static void parse_resource(const char *line, struct fostat *st)
{
	const char *s = line + strlen("resource "), *c = strrchr(s, ':');
	struct fostat_rsc *r;

	if (!c || c[1] != ' ' || st->nrsc >= FOSTAT_RSC_MAX)
		return;
	r = &st->rsc[st->nrsc++];
	copy_span(r->name, sizeof(r->name), s, (size_t)(c - s));
	copy_span(r->state, sizeof(r->state), c + 2, strlen(c + 2));
}

/* "peer NAME: alive|dead, status S, holds the resources|holds nothing
 * [ (not reported yet)| (in transition)], last heartbeat N ms ago".
 * Nothing says the peer's resources failed: heartbeat's messages carry
 * no such thing (its ResourceManager gives the group up and, 30 s later,
 * asks the peer to take it with hb_standby's ask_resources, which is
 * what an operator's hb_standby sends too), so neither does failoverd's
 * status; its own failures are the "failed:" line. */
static void parse_peer(const char *line, struct fostat *st)
{
	const char *s = line + strlen("peer "), *c = strstr(s, ": "), *h;
	char life[8];

	if (!c)
		return;
	copy_span(st->peer, sizeof(st->peer), s, (size_t)(c - s));
	if (sscanf(c + 2, "%7[a-z], status %31[^,],", life, st->peer_status) != 2)
		return;
	st->peer_heard = true;
	st->peer_alive = !strcmp(life, "alive");
	st->peer_holds = strstr(c, ", holds the resources") != NULL;
	h = strstr(c, ", last heartbeat ");
	if (h)
		sscanf(h, ", last heartbeat %ld ms ago", &st->peer_last_ms);
}

static void parse_line(const char *line, struct fostat *st, bool *node, bool *role)
{
	char kind[32];

	if (!strncmp(line, "node ", 5)) {
		if (sscanf(line, "node %63s (%31[a-z ]), pid %ld, generation %lu", st->node, kind,
			   &st->pid, &st->generation) >= 2) {
			st->owner = !strcmp(kind, "haresources owner");
			*node = true;
		}
	} else if (!strncmp(line, "role: ", 6)) {
		const char *p = strrchr(line, '(');

		if (sscanf(line, "role: %15s since", st->role) == 1) {
			*role = true;
			if (p)
				sscanf(p, "(%ld s)", &st->role_secs);
		}
	} else if (!strncmp(line, "failed: ", 8)) {
		/* "RSC, N time(s); next attempt ...": RSC up to the count. */
		st->failed = true;
		for (const char *p = line + 8; (p = strstr(p, ", ")); p += 2)
			if (sscanf(p, ", %u time(s)", &st->failures) == 1) {
				copy_span(st->failed_rsc, sizeof(st->failed_rsc), line + 8,
					  (size_t)(p - line - 8));
				break;
			}
	} else if (!strncmp(line, "resource ", 9)) {
		parse_resource(line, st);
	} else if (!strncmp(line, "peer: never heard", 17)) {
		st->peer_heard = false;
		sscanf(line, "peer: never heard (%ld ms since start)", &st->since_start_ms);
	} else if (!strncmp(line, "peer ", 5)) {
		parse_peer(line, st);
	}
}

void fostat_parse(const char *text, struct fostat *st)
{
	bool node = false, role = false;
	char line[1024];

	memset(st, 0, sizeof(*st));
	while (*text) {
		size_t n = strcspn(text, "\n");

		copy_span(line, sizeof(line), text, n);
		parse_line(line, st, &node, &role);
		text += n + (text[n] == '\n');
	}
	st->up = node && role;
	if (!st->up)
		snprintf(st->error, sizeof(st->error), "its answer is not a status");
}

static void fail(struct fostat *st, const char *what, int e)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->error, sizeof(st->error), "%s: %s", what, strerror(e));
}

/* The answer to EOF, by the deadline. */
static int read_answer(int fd, long deadline, char *buf, size_t cap, size_t *len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	*len = 0;
	for (;;) {
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!p.revents)
			return -ETIMEDOUT;
		n = read(fd, buf + *len, cap - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 || (*len += (size_t)n) >= cap - 1)
			break;
	}
	buf[*len] = '\0';
	return 0;
}

void fostat_ask(const char *sock, unsigned timeout_ms, struct fostat *st)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long deadline = now_ms() + (long)timeout_ms;
	char *buf = NULL;
	size_t len;
	int fd = -1, r;

	if (strlen(sock) >= sizeof(sa.sun_path)) {
		fail(st, sock, ENAMETOOLONG);
		return;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(st, "socket", errno);
		return;
	}
	/* A connect to a listening unix socket does not wait (a full
	 * backlog would: EAGAIN here, as a daemon too busy to answer). */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fail(st, sock, errno);
		goto out;
	}
	/* One send, the line whole (ctl.c's reason: the daemon answers and
	 * closes once it has read it). */
	if (send(fd, "status\n", 7, MSG_NOSIGNAL | MSG_DONTWAIT) != 7) {
		fail(st, sock, errno ? errno : EIO);
		goto out;
	}
	shutdown(fd, SHUT_WR);
	buf = malloc(FOSTAT_TEXT_MAX);
	if (!buf) {
		fail(st, "status", ENOMEM);
		goto out;
	}
	r = read_answer(fd, deadline, buf, FOSTAT_TEXT_MAX, &len);
	if (r < 0) {
		fail(st, sock, -r);
		goto out;
	}
	fostat_parse(buf, st);
out:
	free(buf);
	close(fd);
}
