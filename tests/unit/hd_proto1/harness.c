// SPDX-License-Identifier: GPL-2.0
/* unit_hd_proto1's harness: the namespace, the loop, results, processes. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <event2/event.h>

#include "hd_proto1.h"

struct event_base *p_base;
struct hd_checker *p_ck;
char p_dir[64];

#define P_MAX_PIDS 16
static pid_t p_pids[P_MAX_PIDS];

static void p_cleanup(void)
{
	char cmd[128];

	for (int i = 0; i < P_MAX_PIDS; i++)
		if (p_pids[i] > 0)
			p_kill(p_pids[i]);
	if (p_dir[0] && !getenv("HD_PROTO1_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "hd_proto1: could not remove %s\n",
				p_dir);
	}
}

/* lo up by ioctl: no ip(8) needed for a loopback-only namespace. */
static void p_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		goto fail;
	close(fd);
	return;
fail:
	perror("hd_proto1: lo up");
	exit(1);
}

void p_setup(void)
{
	if (unshare(CLONE_NEWNET) < 0) {
		perror("hd_proto1: unshare(CLONE_NEWNET) (run as root)");
		exit(1);
	}
	p_lo_up();
	signal(SIGPIPE, SIG_IGN);
	snprintf(p_dir, sizeof(p_dir), "/tmp/hd_proto1.XXXXXX");
	if (!mkdtemp(p_dir) || chmod(p_dir, 0755) < 0) {
		perror("hd_proto1: mkdtemp");
		exit(1);
	}
	atexit(p_cleanup);
	p_base = event_base_new();
	p_ck = p_base ? hd_checker_new(p_base) : NULL;
	if (!p_ck)
		exit(1);
}

struct hd_check_target p_target(enum hd_service s, int port)
{
	struct hd_check_target t = {
		.kind = HD_CHECK_NEGOTIATE, .service = s,
		.proto = IPPROTO_TCP, .timeout_ms = 2000, .checkcount = 1,
	};

	t.rip.af = 4;
	inet_pton(AF_INET, "127.0.0.1", t.rip.addr);
	t.rip.port = port;
	t.vip = t.rip;
	return t;
}

struct hd_check_target p_target6(enum hd_service s, int port)
{
	struct hd_check_target t = p_target(s, port);

	t.rip.af = 6;
	memset(t.rip.addr, 0, sizeof(t.rip.addr));
	t.rip.addr[15] = 1;
	t.vip = t.rip;
	return t;
}

struct p_result {
	int calls;
	bool up;
	char why[200];
};

static void p_done(void *arg, bool up, const char *why)
{
	struct p_result *r = arg;

	r->calls++;
	r->up = up;
	snprintf(r->why, sizeof(r->why), "%s", why);
}

static double p_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void p_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

double p_expect(const struct hd_check_target *t, bool up, const char *want)
{
	struct p_result r = { 0 };
	struct timeval tick = { 0, 20000 };
	struct event *ev = event_new(p_base, -1, EV_PERSIST, p_tick, NULL);
	double t0 = p_now_ms(), limit = t->timeout_ms + 1000.0;
	struct hd_check *c = hd_check_start(p_ck, t, p_done, &r);

	assert_non_null(c);
	event_add(ev, &tick);
	while (r.calls == 0 && p_now_ms() - t0 < limit)
		event_base_loop(p_base, EVLOOP_ONCE);
	/* A second callback would come soon after the first. */
	for (double t1 = p_now_ms(); p_now_ms() - t1 < 30;)
		event_base_loop(p_base, EVLOOP_ONCE);
	event_free(ev);
	if (r.calls == 0)
		hd_check_cancel(c);
	if (r.calls != 1 || r.up != up || (want && !strstr(r.why, want)))
		print_error("%s: calls %d up %d why '%s' (wanted up %d '%s')\n",
			    hd_service_name(t->service), r.calls, r.up, r.why,
			    up, want ? want : "");
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.up, up);
	if (want)
		assert_non_null(strstr(r.why, want));
	if (getenv("HD_PROTO1_TIMES"))
		print_message("%s %.0f ms: %s\n",
			      hd_service_name(t->service), p_now_ms() - t0,
			      r.why);
	return p_now_ms() - t0;
}

void p_file(const char *name, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", p_dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static bool p_port_open(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

pid_t p_spawn(const char *name, int port, char *const argv[])
{
	char log[256];
	pid_t pid;
	int i;

	snprintf(log, sizeof(log), "%s/%s.log", p_dir, name);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	for (i = 0; i < P_MAX_PIDS && p_pids[i] > 0; i++)
		;
	if (i < P_MAX_PIDS)
		p_pids[i] = pid;
	for (int n = 0; n < 200 && !p_port_open(port); n++) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			print_error("%s exited; see %s\n", name, log);
			p_pids[i] = 0;
			return -1;
		}
		usleep(10000);
	}
	if (!p_port_open(port)) {
		print_error("%s: port %d never opened; see %s\n", name, port,
			    log);
		return -1;
	}
	return pid;
}

void p_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	for (int n = 0; n < 200; n++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			goto gone;
		usleep(10000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
gone:
	kill(-pid, SIGKILL);    /* what is left of its group */
	for (int i = 0; i < P_MAX_PIDS; i++)
		if (p_pids[i] == pid)
			p_pids[i] = 0;
}

struct p_timed {
	struct p_result r;
	double t0, ms;
};

static void p_timed_done(void *arg, bool up, const char *why)
{
	struct p_timed *pt = arg;

	p_done(&pt->r, up, why);
	pt->ms = p_now_ms() - pt->t0;
}

void p_hang_beside(const struct hd_check_target *hang,
		   const struct hd_check_target *live)
{
	struct p_timed h = { .t0 = p_now_ms() }, l = { .t0 = h.t0 };
	struct hd_check *ch = hd_check_start(p_ck, hang, p_timed_done, &h);
	struct hd_check *cl = hd_check_start(p_ck, live, p_timed_done, &l);
	struct timeval tick = { 0, 20000 };
	struct event *ev = event_new(p_base, -1, EV_PERSIST, p_tick, NULL);

	assert_non_null(ch);
	assert_non_null(cl);
	event_add(ev, &tick);
	while ((h.r.calls == 0 || l.r.calls == 0) &&
	       p_now_ms() - h.t0 < hang->timeout_ms + 1000.0)
		event_base_loop(p_base, EVLOOP_ONCE);
	event_free(ev);
	if (h.r.calls == 0)
		hd_check_cancel(ch);
	if (l.r.calls == 0)
		hd_check_cancel(cl);
	print_message("hang %.0f ms (%s), live %.0f ms\n", h.ms, h.r.why,
		      l.ms);
	assert_int_equal(l.r.calls, 1);
	assert_true(l.r.up);
	assert_true(l.ms < 300);
	assert_int_equal(h.r.calls, 1);
	assert_false(h.r.up);
	assert_non_null(strstr(h.r.why, "timed out"));
	assert_true(h.ms >= hang->timeout_ms - 10 &&
		    h.ms < hang->timeout_ms + 150);
}
