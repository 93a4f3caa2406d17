// SPDX-License-Identifier: GPL-2.0
/*
 * tcphold: one HTTP request on a TCP connection that is held open until the
 * test says so, for checking that an established connection stays with its
 * real server while the table changes.
 *
 *   tcphold HOST PORT GOFILE [MAX_S]
 *
 * Connects to HOST:PORT, prints "port N" (its local port) and sends
 * "GET / HTTP/1.0" and then, every 300 ms, one more header line, so the
 * connection carries packets all along and the server (testsrv, which gives
 * up on a client silent for 2 s) keeps waiting.  Once the file GOFILE exists
 * it ends the request and prints the first line of the reply's body
 * ("Test Page of NAME").
 *
 * A connection whose packets are lost rather than refused would still get
 * its answer (the server answers a request that went silent), so tcphold
 * also demands that no segment needed retransmitting after the connection
 * was set up (TCP_INFO) and that the reply came at once.  Exit status: 0
 * on a prompt "200" reply with no retransmission; 1 when the connection
 * failed or was reset, a segment was retransmitted, no reply came in time,
 * or GOFILE did not appear within MAX_S seconds (default 20); 2 on bad
 * usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int retrans_of(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	return ti.tcpi_total_retrans;
}

static int send_str(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "tcphold: send: %s\n", strerror(errno));
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Bytes or an error the peer sent before we asked for anything mean the
 * connection broke (a reset from a server that does not know it). */
static int check_alive(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	if (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && errno != EAGAIN) {
		fprintf(stderr, "tcphold: connection broke while held: %s\n",
			strerror(errno));
		return -1;
	}
	fprintf(stderr, "tcphold: the server spoke or closed while held\n");
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET }, me;
	socklen_t mlen = sizeof(me);
	struct timeval tv = { .tv_sec = 3 };
	char buf[8192], line[64], *body, *end;
	double deadline, max_s = 20, asked;
	unsigned int retrans0, retrans1;
	size_t got = 0;
	long port;
	int fd, seq = 0;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: tcphold HOST PORT GOFILE [MAX_S]\n");
		return 2;
	}
	port = strtol(argv[2], &end, 10);
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 || *end ||
	    port < 1 || port > 65535) {
		fprintf(stderr, "tcphold: bad address or port\n");
		return 2;
	}
	if (argc == 5)
		max_s = atof(argv[4]);
	dst.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("tcphold: socket");
		return 1;
	}
	/* Bounded connect and reads. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		perror("tcphold: connect");
		return 1;
	}
	retrans0 = retrans_of(fd);
	getsockname(fd, (struct sockaddr *)&me, &mlen);
	printf("port %u\n", ntohs(me.sin_port));
	fflush(stdout);
	if (send_str(fd, "GET / HTTP/1.0\r\n"))
		return 1;
	deadline = now_s() + max_s;
	while (access(argv[3], F_OK) != 0) {
		if (now_s() > deadline) {
			fprintf(stderr, "tcphold: %s did not appear in %.0f s\n",
				argv[3], max_s);
			return 1;
		}
		usleep(300000);
		if (check_alive(fd))
			return 1;
		snprintf(line, sizeof(line), "X-Hold: %d\r\n", ++seq);
		if (send_str(fd, line))
			return 1;
	}
	if (send_str(fd, "\r\n"))
		return 1;
	asked = now_s();
	while (got < sizeof(buf) - 1) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "tcphold: recv: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	asked = now_s() - asked;
	retrans1 = retrans_of(fd);
	close(fd);
	if (retrans1 != retrans0) {
		fprintf(stderr, "tcphold: %u segments were retransmitted while held\n",
			retrans1 - retrans0);
		return 1;
	}
	if (asked > 1.0) {
		fprintf(stderr, "tcphold: the reply took %.1f s after the request ended\n",
			asked);
		return 1;
	}
	if (strncmp(buf, "HTTP/1.0 200", 12) != 0 && strncmp(buf, "HTTP/1.1 200", 12) != 0) {
		fprintf(stderr, "tcphold: no 200 reply after %d held lines (got %zu bytes)\n",
			seq, got);
		return 1;
	}
	body = strstr(buf, "\r\n\r\n");
	if (!body)
		return 1;
	body += 4;
	end = strchr(body, '\n');
	if (end)
		*end = '\0';
	printf("%s\n", body);
	fprintf(stderr, "tcphold: %d header lines sent while held\n", seq);
	return 0;
}
