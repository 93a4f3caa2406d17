// SPDX-License-Identifier: GPL-2.0
/*
 * flowprobe: one long-lived flow, probed at a steady rate, for the
 * end-to-end tests of table edits that must not break connections.
 *
 *   flowprobe tcp|udp HOST PORT COUNT INTERVAL_MS
 *
 * udp: one socket (one flow) sends a datagram every INTERVAL_MS and prints,
 * per probe, the reply ("NAME" from testsrv) or "none" when none came
 * before the next probe is due.  tcp: one connection (to echosrv) sends a
 * line every INTERVAL_MS and prints each answer, "none" for a probe whose
 * answer was not in by the next one (TCP retransmits it; the answer then
 * shows up late, under a later probe), and "reset" when the connection
 * broke, after which it stops.  Output is flushed line by line so a test
 * can read it while it runs.  Exit status: 0 when the flow lasted, 1 when
 * the connection failed or broke, 2 on bad usage.
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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Reads what arrives until deadline; prints each whole answer.  Returns
 * answers seen, or -1 when the connection broke. */
static int collect(int fd, int tcp, long long deadline, char *acc, size_t *len)
{
	int got = 0;

	for (long long left; (left = deadline - now_ms()) > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[256];
		ssize_t n;

		if (poll(&p, 1, (int)left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return tcp ? -1 : got;
		if (!tcp) {
			buf[n] = 0;
			buf[strcspn(buf, "\n")] = 0;
			printf("%s\n", buf);
			got++;
			continue;
		}
		for (ssize_t i = 0; i < n && *len < 255; i++) {
			if (buf[i] != '\n') {
				acc[(*len)++] = buf[i];
				continue;
			}
			acc[*len] = 0;
			printf("%s\n", acc);
			*len = 0;
			got++;
		}
	}
	return got;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int tcp, fd, count, interval;
	char acc[256];
	size_t len = 0;

	if (argc != 6 || (strcmp(argv[1], "tcp") && strcmp(argv[1], "udp")) ||
	    inet_pton(AF_INET, argv[2], &a.sin_addr) != 1 ||
	    (count = atoi(argv[4])) <= 0 || count > 100000 ||
	    (interval = atoi(argv[5])) <= 0 || interval > 60000) {
		fprintf(stderr, "usage: flowprobe tcp|udp HOST PORT COUNT INTERVAL_MS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	tcp = !strcmp(argv[1], "tcp");
	a.sin_port = htons((uint16_t)atoi(argv[3]));
	fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("flowprobe: connect");
		return 1;
	}
	for (int i = 0; i < count; i++) {
		long long due = now_ms() + interval;
		int got;

		if (send(fd, "probe\n", 6, MSG_NOSIGNAL) != 6 && tcp) {
			printf("reset\n");
			return 1;
		}
		got = collect(fd, tcp, due, acc, &len);
		if (got < 0) {
			printf("reset\n");
			return 1;
		}
		if (got == 0)
			printf("none\n");
	}
	return 0;
}
