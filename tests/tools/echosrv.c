// SPDX-License-Identifier: GPL-2.0
/*
 * echosrv: a TCP server for long-lived connections in the end-to-end tests.
 *
 *   echosrv --name NAME --port P
 *
 * Every line a client sends is answered with "NAME\n" on the same
 * connection, for as long as the client keeps it open, so a test can tell
 * which real server a held connection reaches at every moment.  Up to 64
 * clients at once in one poll() loop; SIGTERM or SIGINT ends it (exit 0).
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
#include <unistd.h>

#define CLIENTS_MAX 64

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16)) {
		perror("echosrv: listen");
		exit(1);
	}
	return fd;
}

static int signals_fd(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	return signalfd(-1, &s, 0);
}

/* Answers every complete line in what arrived; 0, or -1 to close. */
static int serve(int fd, const char *name)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf));
	size_t len = strlen(name);

	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\n' && (write(fd, name, len) != (ssize_t)len ||
				       write(fd, "\n", 1) != 1))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct pollfd pfd[CLIENTS_MAX + 2];
	const char *name = NULL;
	int port = 0, opt, nfds = 2;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'n')
			name = optarg;
		else if (opt == 'p')
			port = atoi(optarg);
		else
			return 2;
	}
	if (!name || port <= 0 || port > 65535) {
		fprintf(stderr, "usage: echosrv --name NAME --port P\n");
		return 2;
	}
	pfd[0] = (struct pollfd){ .fd = signals_fd(), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = listen_on(port), .events = POLLIN };
	for (;;) {
		if (poll(pfd, (nfds_t)nfds, -1) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents)
			return 0;
		for (int i = nfds - 1; i >= 2; i--) {
			if (pfd[i].revents && serve(pfd[i].fd, name)) {
				close(pfd[i].fd);
				pfd[i] = pfd[--nfds];
			}
		}
		if ((pfd[1].revents & POLLIN) && nfds < CLIENTS_MAX + 2) {
			int c = accept(pfd[1].fd, NULL, NULL);

			if (c >= 0)
				pfd[nfds++] = (struct pollfd){ .fd = c, .events = POLLIN };
		}
	}
}
