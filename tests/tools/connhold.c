// SPDX-License-Identifier: GPL-2.0
/*
 * connhold: idle established TCP connections (keep-alive clients between
 * requests) held across a flood, then asked once more each.
 *
 *   connhold HOST PORT N GOFILE MAX_S
 *
 * Opens N connections to HOST:PORT (echosrv, which answers every line
 * with its name), one after another, each asked one line and answered;
 * prints "held N".  Then sends nothing at all (no keepalive probes either)
 * until the file GOFILE exists, so the connections are as idle as a
 * director's table can see.  Then asks each once more and prints, per
 * connection, "ok PORT NAME" when the same server answered within 2 s, or
 * "lost PORT WHY" (reset, closed, silent, another server), and at the end
 * "answered M of N".  Exit status: 0 when all N answered, 1 otherwise
 * (also when a connection could not be set up, or GOFILE did not appear
 * within MAX_S seconds), 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HOLD_MAX 256
#define ANSWER_MS 2000

struct held {
	int fd;
	unsigned int port;
	char name[64];
	int failed;             /* the last ping could not be sent */
	const char *why;        /* why it was not answered */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int ping(int fd, const char **why)
{
	if (send(fd, "ping\n", 5, MSG_NOSIGNAL) == 5)
		return 0;
	*why = errno == ECONNRESET || errno == EPIPE ? "reset" : "send failed";
	return -1;
}

/* One line back by deadline: 0 and the line in name, or -1 and why. */
static int answer(int fd, long long deadline, char *name, size_t len,
		  const char **why)
{
	size_t got = 0;

	while (got < len - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			*why = "silent";
			return -1;
		}
		n = recv(fd, name + got, 1, 0);
		if (n < 0) {
			*why = errno == ECONNRESET ? "reset" : "recv failed";
			return -1;
		}
		if (n == 0) {
			*why = "closed";
			return -1;
		}
		if (name[got] == '\n')
			break;
		got++;
	}
	name[got] = '\0';
	return 0;
}

static int hold_one(const struct sockaddr_in *dst, struct held *h)
{
	struct sockaddr_in me;
	socklen_t mlen = sizeof(me);
	const char *why = "";

	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0 || connect(h->fd, (const struct sockaddr *)dst, sizeof(*dst))) {
		perror("connhold: connect");
		return -1;
	}
	getsockname(h->fd, (struct sockaddr *)&me, &mlen);
	h->port = ntohs(me.sin_port);
	if (ping(h->fd, &why) ||
	    answer(h->fd, now_ms() + ANSWER_MS, h->name, sizeof(h->name), &why)) {
		fprintf(stderr, "connhold: port %u: first answer: %s\n", h->port, why);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct held held[HOLD_MAX];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 3 };
	long port, n, answered = 0;
	long long deadline;
	char *end;

	if (argc != 6) {
		fprintf(stderr, "usage: connhold HOST PORT N GOFILE MAX_S\n");
		return 2;
	}
	port = strtol(argv[2], &end, 10);
	n = strtol(argv[3], NULL, 10);
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 || *end ||
	    port < 1 || port > 65535 || n < 1 || n > HOLD_MAX) {
		fprintf(stderr, "connhold: bad arguments\n");
		return 2;
	}
	dst.sin_port = htons((uint16_t)port);
	deadline = now_ms() + (long long)(atof(argv[5]) * 1000);
	for (long i = 0; i < n; i++) {
		if (hold_one(&dst, &held[i]))
			return 1;
		/* A bounded send, should the peer stop reading. */
		setsockopt(held[i].fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		printf("port %u %s\n", held[i].port, held[i].name);
	}
	printf("held %ld\n", n);
	fflush(stdout);
	while (access(argv[4], F_OK) != 0) {
		if (now_ms() > deadline) {
			fprintf(stderr, "connhold: %s did not appear in time\n", argv[4]);
			return 1;
		}
		usleep(100000);
	}
	/* Every connection asked at once, answers awaited together. */
	for (long i = 0; i < n; i++)
		held[i].failed = ping(held[i].fd, &held[i].why);
	deadline = now_ms() + ANSWER_MS;
	for (long i = 0; i < n; i++) {
		char name[64];

		if (!held[i].failed &&
		    answer(held[i].fd, deadline, name, sizeof(name), &held[i].why) == 0) {
			if (strcmp(name, held[i].name) == 0) {
				printf("ok %u %s\n", held[i].port, name);
				answered++;
			} else {
				printf("lost %u answered by %s, not %s\n",
				       held[i].port, name, held[i].name);
			}
		} else {
			printf("lost %u %s\n", held[i].port, held[i].why);
		}
		close(held[i].fd);
	}
	printf("answered %ld of %ld\n", answered, n);
	return answered == n ? 0 : 1;
}
