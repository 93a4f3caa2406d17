// SPDX-License-Identifier: GPL-2.0
/* The check engine's test harness: the namespace, the loop, results. */
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <event2/event.h>

#include "hd_check_test.h"

struct event_base *t_base;
int t_tap_fd;
struct hd_checker *t_ck;

static void t_sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "hd_check: '%s' failed\n", cmd);
		exit(1);
	}
}

/* A tap link held open by this process, so it has carrier, whose far
 * addresses have permanent neighbour entries: what is sent there leaves
 * and is never answered.  (No dummy or veth module on every machine.) */
static void t_silent_link(void)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "hdsilent");
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("hd_check: tap");
		exit(1);
	}
	t_tap_fd = fd;
	t_sh("ip link set hdsilent up");
	t_sh("ip addr add 10.77.0.1/24 dev hdsilent");
	t_sh("ip -6 addr add fd77::1/64 dev hdsilent nodad");
	t_sh("ip neigh add " T_SILENT4 " lladdr 02:00:00:00:77:02 dev hdsilent"
	     " nud permanent");
	t_sh("ip -6 neigh add " T_SILENT6 " lladdr 02:00:00:00:77:02"
	     " dev hdsilent nud permanent");
}

/* Everything this binary talks to lives in this namespace. */
void t_setup_netns(void)
{
	struct rlimit rl = { 8192, 8192 };

	if (unshare(CLONE_NEWNET) < 0) {
		perror("hd_check: unshare(CLONE_NEWNET)");
		exit(1);
	}
	t_sh("ip link set lo up");
	t_silent_link();
	setrlimit(RLIMIT_NOFILE, &rl);
	signal(SIGPIPE, SIG_IGN);
}

/* libevent's own warnings (evdns' nameservers, unreachable from here). */
static void t_event_log(int severity, const char *msg)
{
	(void)severity, (void)msg;
}

int t_group_setup(void **state)
{
	(void)state;
	event_set_log_callback(t_event_log);
	t_base = event_base_new();
	t_ck = t_base ? hd_checker_new(t_base) : NULL;
	return t_ck ? 0 : -1;
}

int t_group_teardown(void **state)
{
	(void)state;
	hd_checker_free(t_ck);
	event_base_free(t_base);
	return 0;
}

struct hd_check_target t_target(enum hd_check_kind kind, const char *addr,
				int port)
{
	struct hd_check_target t = { .kind = kind, .proto = IPPROTO_TCP,
				     .timeout_ms = 2000, .checkcount = 1 };

	if (strchr(addr, ':')) {
		t.rip.af = 6;
		inet_pton(AF_INET6, addr, t.rip.addr);
	} else {
		t.rip.af = 4;
		inet_pton(AF_INET, addr, t.rip.addr);
	}
	t.rip.port = port;
	t.vip = t.rip;
	return t;
}

double t_ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1e3 + (b->tv_nsec - a->tv_nsec) / 1e6;
}

void t_done(void *arg, bool up, const char *why)
{
	struct t_result *r = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	r->calls++;
	r->up = up;
	snprintf(r->why, sizeof(r->why), "%s", why);
	r->ms = t_ms(&r->start, &now);
}

static bool t_all_done(const struct t_result *r, int n)
{
	for (int i = 0; i < n; i++)
		if (!r[i].calls)
			return false;
	return true;
}

void t_wait(struct t_result *r, int n, int ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		event_base_loop(t_base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (t_all_done(r, n))
			break;
		usleep(200);
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while (t_ms(&a, &b) < ms);
}

void t_loop_ms(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(t_base, &tv);
	event_base_dispatch(t_base);
}

void t_run1(const struct hd_check_target *t, struct t_result *r)
{
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	assert_non_null(hd_check_start(t_ck, t, t_done, r));
	assert_int_equal(r->calls, 0);
	t_wait(r, 1, t->timeout_ms + 1000);
	assert_int_equal(r->calls, 1);
	t_loop_ms(20);
	assert_int_equal(r->calls, 1);      /* once */
	assert_int_equal(hd_checker_running(t_ck), 0);
}

void t_hang_beside(const struct hd_check_target *hang,
		   const struct hd_check_target *live, unsigned timeout_ms,
		   const char *why)
{
	struct t_result r[2];

	memset(r, 0, sizeof(r));
	clock_gettime(CLOCK_MONOTONIC, &r[0].start);
	r[1].start = r[0].start;
	assert_non_null(hd_check_start(t_ck, hang, t_done, &r[0]));
	assert_non_null(hd_check_start(t_ck, live, t_done, &r[1]));
	t_wait(r, 2, timeout_ms + 1000);
	assert_int_equal(r[1].calls, 1);
	assert_true(r[1].up);
	assert_true(r[1].ms < 300);
	assert_int_equal(r[0].calls, 1);
	assert_false(r[0].up);
	assert_string_equal(r[0].why, why);
	assert_true(r[0].ms >= timeout_ms - 5 && r[0].ms < timeout_ms + 100);
	assert_int_equal(hd_checker_running(t_ck), 0);
}

int t_listen(int af, int *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s4);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* Serves connections one at a time until killed; a connection left open
 * by fn (a server that never answers) is simply kept. */
pid_t t_server(int listen_fd, t_serve_fn fn, void *arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid)
		return pid;
	alarm(30);      /* never outlives a broken test */
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			continue;
		fn(fd, arg);
	}
}

void t_server_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int t_listen_dual(int *port)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_ANY_INIT };
	socklen_t len = sizeof(s6);
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), off = 0;

	assert_true(fd >= 0);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	assert_int_equal(bind(fd, (struct sockaddr *)&s6, len), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&s6, &len), 0);
	*port = ntohs(s6.sin6_port);
	return fd;
}
