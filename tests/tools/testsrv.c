// SPDX-License-Identifier: GPL-2.0
/*
 * testsrv: the real server of the end-to-end tests and the demo.
 *
 *   testsrv --name NAME [--http-port P] [--udp-port P] [--bind ADDR]
 *
 * ADDR is IPv4 (default 0.0.0.0) or IPv6; an IPv6 one ("::" for any) takes
 * IPv6 only (IPV6_V6ONLY), so an IPv4 testsrv can share the ports.
 * TCP: any GET gets "200 OK" with the body "Test Page of NAME\n" (the string
 * the seed's health check looks for), HTTP/1.0, Connection: close.
 * UDP: every datagram is answered with "NAME\n".
 *
 * One thread, one poll() loop; clients are served one after another, which
 * is all the tests need.  SIGTERM or SIGINT ends it cleanly (exit 0).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct srv_opts {
	const char *name;
	const char *bind_addr;
	int http_port;
	int udp_port;
};

static void usage(void)
{
	fprintf(stderr, "usage: testsrv --name NAME [--http-port P] "
			"[--udp-port P] [--bind ADDR]\n");
	exit(2);
}

static int parse_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 65535)
		usage();
	return (int)v;
}

static void parse_opts(int argc, char **argv, struct srv_opts *o)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "http-port", required_argument, NULL, 'h' },
		{ "udp-port", required_argument, NULL, 'u' },
		{ "bind", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct srv_opts){ .bind_addr = "0.0.0.0", .http_port = 80,
				.udp_port = 53 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': o->name = optarg; break;
		case 'h': o->http_port = parse_port(optarg); break;
		case 'u': o->udp_port = parse_port(optarg); break;
		case 'b': o->bind_addr = optarg; break;
		default: usage();
		}
	}
	if (!o->name || optind != argc)
		usage();
}

/* addr as a socket address of its own family, or -1. */
static int parse_addr(const char *addr, int port, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

/* Returns a bound socket, or exits: a test server that cannot listen is
 * useless, and the harness sees the exit status and stderr. */
static int open_socket(int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd = -1;

	if (parse_addr(addr, port, &ss, &len) == 0)
		fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "testsrv: bad address or socket: %s\n", addr);
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* With IP_PKTINFO (IPV6_RECVPKTINFO) we learn which local address a
	 * datagram was sent to and answer from it: a direct-routing real
	 * server must reply from the VIP, not from its own address. */
	if (type == SOCK_DGRAM && ss.ss_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	if (type == SOCK_DGRAM && ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) < 0)) {
		fprintf(stderr, "testsrv: %s:%d: %s\n", addr, port,
			strerror(errno));
		exit(1);
	}
	return fd;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Reads the request head (bounded in size and, through SO_RCVTIMEO, in
 * time so one silent client cannot stall the others), then answers. */
static void serve_http(int lfd, const char *name)
{
	char req[4096], body[256], resp[512];
	struct timeval tv = { .tv_sec = 2 };
	size_t got = 0;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got < sizeof(req) - 1) {
		ssize_t n = read(fd, req + got, sizeof(req) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[got] = '\0';
	if (strncmp(req, "GET ", 4) == 0) {
		int blen = snprintf(body, sizeof(body), "Test Page of %s\n",
				    name);
		int rlen = snprintf(resp, sizeof(resp),
				    "HTTP/1.0 200 OK\r\n"
				    "Content-Type: text/plain\r\n"
				    "Content-Length: %d\r\n"
				    "Connection: close\r\n\r\n%s",
				    blen, body);
		write_all(fd, resp, (size_t)rlen);
	} else if (got > 0) {
		static const char bad[] = "HTTP/1.0 400 Bad Request\r\n"
					  "Content-Length: 0\r\n"
					  "Connection: close\r\n\r\n";
		write_all(fd, bad, sizeof(bad) - 1);
	}
	close(fd);
}

/* Answers one datagram from the address it was sent to (see IP_PKTINFO):
 * the pktinfo that came in goes back out with the interface cleared, so
 * routing picks the way and the source is the datagram's destination. */
static void serve_udp(int fd, const char *name)
{
	char buf[2048], reply[256];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_storage peer;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_name = &peer, .msg_namelen = sizeof(peer),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm;

	if (recvmsg(fd, &msg, MSG_DONTWAIT) < 0)
		return;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo *pi = (void *)CMSG_DATA(cm);

			pi->ipi_spec_dst = pi->ipi_addr;
			pi->ipi_ifindex = 0;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo *pi = (void *)CMSG_DATA(cm);

			pi->ipi6_ifindex = 0;
		}
	}
	iov.iov_base = reply;
	iov.iov_len = (size_t)snprintf(reply, sizeof(reply), "%s\n", name);
	msg.msg_flags = 0;
	sendmsg(fd, &msg, 0);
}

/* SIGTERM/SIGINT arrive through a signalfd, so the poll() loop sees them
 * without the race of a flag checked before a blocking call. */
static int open_signalfd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0) {
		perror("testsrv: signalfd");
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct srv_opts o;
	struct pollfd pfd[3];

	parse_opts(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);	/* a client that hangs up early */
	pfd[0] = (struct pollfd){ .fd = open_signalfd(), .events = POLLIN };
	pfd[1] = (struct pollfd){ .events = POLLIN,
		.fd = open_socket(SOCK_STREAM, o.bind_addr, o.http_port) };
	pfd[2] = (struct pollfd){ .events = POLLIN,
		.fd = open_socket(SOCK_DGRAM, o.bind_addr, o.udp_port) };
	for (;;) {
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("testsrv: poll");
			return 1;
		}
		if (pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN)
			serve_http(pfd[1].fd, o.name);
		if (pfd[2].revents & POLLIN)
			serve_udp(pfd[2].fd, o.name);
	}
	close(pfd[1].fd);
	close(pfd[2].fd);
	return 0;
}
