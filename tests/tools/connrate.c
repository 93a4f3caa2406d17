// SPDX-License-Identifier: GPL-2.0
/*
 * connrate: new TCP connections at a steady pace, as real clients keep
 * arriving during a flood, and how many of them got through.
 *
 *   connrate HOST PORT INTERVAL_MS STOPFILE MAX_S
 *
 * Every INTERVAL_MS (or as soon as the previous one is done, if it took
 * longer) opens a new connection to HOST:PORT (echosrv), sends one line
 * and waits for its answer line, then closes.  An attempt succeeds when
 * the answer came within 3 s of the connect() call: time for the kernel's
 * one SYN retransmission (after 1 s), as a real client would wait.  Runs
 * until the file STOPFILE exists or MAX_S seconds have passed, then prints
 * "tried N ok M" and one line "fail WHY" per failed attempt before it.
 * Exit status: 0 (the test judges the counts), 2 on bad usage.
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

#define ATTEMPT_MS 3000

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until deadline: 1 when they came, 0 if not. */
static int wait_for(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left = deadline - now_ms();

	return left > 0 && poll(&p, 1, (int)left) == 1;
}

/* One connection; NULL when it got its answer, else why not. */
static const char *attempt(const struct sockaddr_in *dst)
{
	long long deadline = now_ms() + ATTEMPT_MS;
	const char *why = NULL;
	socklen_t elen = sizeof(int);
	char c = 0;
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return "socket";
	if (connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) &&
	    errno != EINPROGRESS) {
		why = "connect refused at once";
		goto out;
	}
	if (!wait_for(fd, POLLOUT, deadline)) {
		why = "connect timed out";
		goto out;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	if (err) {
		why = err == ECONNREFUSED ? "connect reset" : "connect failed";
		goto out;
	}
	if (send(fd, "new\n", 4, MSG_NOSIGNAL) != 4) {
		why = "send failed";
		goto out;
	}
	while (c != '\n') {
		ssize_t n;

		if (!wait_for(fd, POLLIN, deadline)) {
			why = "no answer in time";
			goto out;
		}
		n = recv(fd, &c, 1, 0);
		if (n <= 0) {
			why = n == 0 ? "closed before the answer" : "reset before the answer";
			goto out;
		}
	}
out:
	close(fd);
	return why;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	static const char *fails[4096];
	long port, interval, tried = 0, ok = 0, nfail = 0;
	long long start, end_ms, next;
	char *end;

	if (argc != 6) {
		fprintf(stderr, "usage: connrate HOST PORT INTERVAL_MS STOPFILE MAX_S\n");
		return 2;
	}
	port = strtol(argv[2], &end, 10);
	interval = strtol(argv[3], NULL, 10);
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 || *end ||
	    port < 1 || port > 65535 || interval < 1) {
		fprintf(stderr, "connrate: bad arguments\n");
		return 2;
	}
	dst.sin_port = htons((uint16_t)port);
	start = now_ms();
	end_ms = start + (long long)(atof(argv[5]) * 1000);
	next = start;
	while (access(argv[4], F_OK) != 0 && now_ms() < end_ms) {
		const char *why;
		long long t = now_ms();

		if (t < next) {
			usleep((useconds_t)(next - t) * 1000);
			continue;
		}
		next += interval;
		why = attempt(&dst);
		tried++;
		if (!why)
			ok++;
		else if (nfail < (long)(sizeof(fails) / sizeof(fails[0])))
			fails[nfail++] = why;
		/* A slow attempt delays the next; no burst to catch up. */
		if (next < now_ms())
			next = now_ms();
	}
	printf("tried %ld ok %ld\n", tried, ok);
	for (long i = 0; i < nfail; i++)
		printf("fail %s\n", fails[i]);
	return 0;
}
