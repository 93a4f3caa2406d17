// SPDX-License-Identifier: GPL-2.0
/*
 * udpask: send COUNT datagrams to HOST:PORT, each as a new flow, and print
 * every reply on its own line (so `sort | uniq -c` counts the answers).
 *
 *   udpask HOST PORT COUNT [TIMEOUT_MS [one-flow]]
 *
 * HOST is an IPv4 or an IPv6 address.
 * Each datagram leaves from its own socket, and all sockets stay open until
 * the end, so every datagram has a source port no other one of this run
 * used: a load balancer sees COUNT distinct flows and schedules each anew.
 * With "one-flow" every datagram leaves from one socket instead: one flow,
 * which a load balancer keeps on one server unless it schedules each
 * datagram (IPVS's one-packet scheduling).
 * Exit status: 0 when every datagram got a reply within TIMEOUT_MS
 * (default 1000), 1 otherwise, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define UDPASK_MAX 10000	/* open sockets at once: bounded by RLIMIT_NOFILE */

static long parse_num(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "udpask: bad number: %s\n", s);
		exit(2);
	}
	return v;
}

/* Raises the descriptor limit so COUNT sockets can be open together. */
static void want_fds(long count)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)count + 16) {
		rl.rlim_cur = (rlim_t)count + 16;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* One request from the fresh socket FD, which the caller keeps open so its
 * port is not reused.  Returns 0, or -1 when no reply came in time (the
 * reason goes to stderr). */
static int ask_once(int fd, const struct sockaddr_storage *dst,
		    socklen_t dlen, int timeout_ms, int seq)
{
	char buf[2048];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int len;

	/* connect() makes the kernel drop answers from any other address, so
	 * a reply from a real server's own address would count as lost. */
	if (connect(fd, (const struct sockaddr *)dst, dlen) < 0) {
		perror("udpask: connect");
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "udpask %d\n", seq);
	if (send(fd, buf, (size_t)len, 0) < 0) {
		perror("udpask: send");
		return -1;
	}
	if (poll(&pfd, 1, timeout_ms) <= 0) {
		fprintf(stderr, "udpask: request %d: no reply in %d ms\n",
			seq, timeout_ms);
		return -1;
	}
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		fprintf(stderr, "udpask: request %d: %s\n", seq,
			strerror(errno));
		return -1;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	printf("%.*s\n", (int)n, buf);
	fflush(stdout);
	return 0;
}

/* HOST and PORT as a socket address of HOST's family; exits on a bad one. */
static socklen_t parse_dst(const char *host, const char *port,
			   struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	uint16_t p = htons((uint16_t)parse_num(port, 1, 65535));

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = p;
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = p;
		return sizeof(*sin6);
	}
	fprintf(stderr, "udpask: bad IPv4 or IPv6 address: %s\n", host);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst;
	socklen_t dlen;
	long count, timeout_ms = 1000;
	int *fds, failed = 0;

	bool one_flow = argc == 6 && !strcmp(argv[5], "one-flow");

	if (argc < 4 || argc > 6 || (argc == 6 && !one_flow)) {
		fprintf(stderr, "usage: udpask HOST PORT COUNT [TIMEOUT_MS [one-flow]]\n");
		return 2;
	}
	dlen = parse_dst(argv[1], argv[2], &dst);
	count = parse_num(argv[3], 1, UDPASK_MAX);
	if (argc >= 5)
		timeout_ms = parse_num(argv[4], 1, 600000);
	want_fds(count);
	fds = calloc((size_t)count, sizeof(*fds));
	if (!fds)
		return 1;
	for (long i = 0; i < count; i++) {
		fds[i] = one_flow && i ? -1 :
			socket(dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (one_flow && i) {
			if (ask_once(fds[0], &dst, dlen, (int)timeout_ms, (int)i) < 0)
				failed++;
		} else if (fds[i] < 0) {
			perror("udpask: socket");
			failed++;
		} else if (ask_once(fds[i], &dst, dlen, (int)timeout_ms, (int)i) < 0) {
			failed++;
		}
	}
	for (long i = 0; i < count; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return failed ? 1 : 0;
}
