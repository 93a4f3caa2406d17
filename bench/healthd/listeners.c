// SPDX-License-Identifier: GPL-2.0
/* bench/healthd/listeners: N real servers for the health-check benchmark,
 * in one epoll process.  Server i (0-based) listens on BASE + i + 1, port
 * PORT (the namespace routes BASE/16 to lo as local, so no address needs
 * adding).  Every accept is logged as "A idx sec.nsec" (CLOCK_BOOTTIME: /proc/uptime's clock; this VM's wall clock jumps) so
 * each server's real check interval can be computed; a connection that sends
 * a request gets an HTTP page (negotiate checks), one that closes is closed.
 * SIGUSR1 reads CTLFILE (one index a line) and closes those listeners, so
 * their next SYN is answered by a RST; each is logged "C idx sec.nsec".
 * SIGTERM / SIGINT flush the log and exit.
 *
 * listeners -b 10.201.0.0 -n 5000 [-p 80] -o accept.log [-c ctlfile] */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LS_MAX 65000
#define LS_TAG_CONN 0x80000000u	/* epoll data: a connection's fd */
#define LS_TAG_SIG 0x40000000u

static const char ls_page[] =
	"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 22\r\n"
	"Connection: close\r\n\r\n<html>Test Page</html>";

static int ls_fd[LS_MAX];
static FILE *ls_log;

static void ls_stamp(char kind, unsigned idx)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	fprintf(ls_log, "%c %u %lld.%09ld\n", kind, idx, (long long)ts.tv_sec, ts.tv_nsec);
}

static int ls_listen(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 64)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A connection became readable: answer a request once its head is in, close
 * on EOF or error.  The request is small; one read is enough for the checks. */
static void ls_conn(int ep, int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		buf[n] = 0;
		if (!strstr(buf, "\r\n\r\n") && !strstr(buf, "\n\n"))
			return;
		if (write(fd, ls_page, sizeof(ls_page) - 1) < 0)
			(void)0;
	}
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

static void ls_accept(int ep, unsigned idx)
{
	for (;;) {
		int c = accept4(ls_fd[idx], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };

		if (c < 0)
			return;
		ls_stamp('A', idx);
		ev.data.u32 = LS_TAG_CONN | (uint32_t)c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev))
			close(c);
	}
}

static void ls_close_listed(int ep, const char *ctl, unsigned n)
{
	FILE *f = ctl ? fopen(ctl, "r") : NULL;
	unsigned idx;

	if (!f)
		return;
	while (fscanf(f, "%u", &idx) == 1) {
		if (idx >= n || ls_fd[idx] < 0)
			continue;
		epoll_ctl(ep, EPOLL_CTL_DEL, ls_fd[idx], NULL);
		close(ls_fd[idx]);
		ls_fd[idx] = -1;
		ls_stamp('C', idx);
	}
	fclose(f);
	fflush(ls_log);
}

/* The loop; returns when told to stop. */
static void ls_run(int ep, int sfd, const char *ctl, unsigned n)
{
	struct epoll_event evs[256];
	struct timespec last = { 0 }, now;

	for (;;) {
		int k = epoll_wait(ep, evs, 256, 100);

		/* The run script reads the log while the run goes on. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - last.tv_sec) * 1000000000L + now.tv_nsec - last.tv_nsec > 100000000L) {
			fflush(ls_log);
			last = now;
		}

		for (int i = 0; i < k; i++) {
			uint32_t d = evs[i].data.u32;

			if (d & LS_TAG_CONN) {
				ls_conn(ep, (int)(d & ~LS_TAG_CONN));
			} else if (d & LS_TAG_SIG) {
				struct signalfd_siginfo si;

				if (read(sfd, &si, sizeof(si)) != sizeof(si))
					continue;
				if (si.ssi_signo == SIGUSR1)
					ls_close_listed(ep, ctl, n);
				else
					return;
			} else {
				ls_accept(ep, d);
			}
		}
	}
}

int main(int argc, char **argv)
{
	const char *base = "10.201.0.0", *out = NULL, *ctl = NULL;
	unsigned n = 0, port = 80;
	struct in_addr b;
	struct rlimit rl;
	sigset_t ss;
	int o, ep, sfd;

	while ((o = getopt(argc, argv, "b:n:p:o:c:")) != -1) {
		switch (o) {
		case 'b': base = optarg; break;
		case 'n': n = (unsigned)atoi(optarg); break;
		case 'p': port = (unsigned)atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'c': ctl = optarg; break;
		default: return 2;
		}
	}
	if (!n || n >= LS_MAX || !out || inet_pton(AF_INET, base, &b) != 1) {
		fprintf(stderr, "usage: listeners -b BASE -n N [-p PORT] -o LOG [-c CTL]\n");
		return 2;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	ls_log = fopen(out, "w");
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!ls_log || ep < 0)
		return 1;
	setvbuf(ls_log, NULL, _IOFBF, 1 << 20);
	for (unsigned i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		ls_fd[i] = ls_listen(ntohl(b.s_addr) + i + 1, (uint16_t)port);
		if (ls_fd[i] < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ls_fd[i], &ev)) {
			fprintf(stderr, "listeners: server %u: %s\n", i, strerror(errno));
			return 1;
		}
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = LS_TAG_SIG };

		epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	}
	fprintf(stderr, "listeners: %u servers ready\n", n);
	ls_run(ep, sfd, ctl, n);
	fclose(ls_log);
	return 0;
}
