/* The haresources groups as one unit: started in file order, stopped in
 * reverse.  IP resources through vip.c (then a gratuitous ARP burst, as
 * IPaddr2: FO_GARP_COUNT, FO_GARP_GAP_MS apart, from the loop so
 * heartbeats keep going); ldirectord::FILE as `xlvs-healthd FILE
 * start|stop`; any other NAME as CONFDIR/resource.d/NAME (heartbeat's
 * /etc/ha.d/resource.d) or /etc/init.d/NAME with its arguments and
 * start|stop, at most FO_SCRIPT_MS each.  The sequence runs in a child
 * process polled from the loop, so our heartbeats go on meanwhile and a
 * slow script does not make the peer declare us dead. */
#include <errno.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

#define FO_GARP_COUNT 5
#define FO_GARP_GAP_MS 100
#define FO_SCRIPT_MS 10000
#define FO_RSC_POLL_MS 20

/* xlvs-healthd next to our own binary, else from PATH. */
static void healthd_path(char *buf, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = 0;
		if ((slash = strrchr(self, '/'))) {
			*slash = 0;
			if ((size_t)snprintf(buf, cap, "%.*s/xlvs-healthd", (int)(cap - 16),
					     self) < cap && access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, cap, "xlvs-healthd");
}

/* Runs argv to completion, killed after FO_SCRIPT_MS (heartbeat waits
 * forever; we would rather the peer not declare us dead over a hang). */
static int run(char *const argv[])
{
	struct timespec gap = { 0, 20 * 1000000 };
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < FO_SCRIPT_MS / 20; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
		if (r < 0 && errno != EINTR)
			return -errno;
		nanosleep(&gap, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -ETIMEDOUT;
}

static int script(const struct fo_daemon *dm, const struct fo_rsc *r, const char *op)
{
	char path[PATH_MAX], *argv[FO_MAXARGS + 3];
	unsigned n = 0;

	if (r->kind == FO_RSC_LDIRECTORD) {
		healthd_path(path, sizeof(path));
	} else {
		snprintf(path, sizeof(path), "%s/resource.d/%s", dm->confdir, r->name);
		if (access(path, X_OK) != 0)
			snprintf(path, sizeof(path), "/etc/init.d/%s", r->name);
	}
	argv[n++] = path;
	for (unsigned i = 0; i < r->nargs && i < FO_MAXARGS; i++)
		argv[n++] = (char *)r->args[i];
	argv[n++] = (char *)op;
	argv[n] = NULL;
	return run(argv);
}

static int rsc_op(const struct fo_daemon *dm, const struct fo_rsc *r, bool start)
{
	char a[INET_ADDRSTRLEN];
	int rc;

	if (r->kind != FO_RSC_IP) {
		rc = script(dm, r, start ? "start" : "stop");
		fo_log("%s %s %s: %s", r->name, r->nargs ? r->args[0] : "",
		       start ? "start" : "stop", rc ? "FAILED" : "ok");
		return rc;
	}
	inet_ntop(AF_INET, &r->ip, a, sizeof(a));
	rc = start ? fo_vip_add(r) : fo_vip_del(r);
	fo_log("%s %s: %s", start ? "taking" : "releasing", a,
	       rc < 0 ? strerror(-rc) : rc ? "already so" : "ok");
	return rc < 0 ? rc : 0;
}

static void garp_all(struct fo_daemon *dm)
{
	for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
		for (unsigned i = 0; i < dm->cfg.hr.g[g].nrsc; i++)
			if (dm->cfg.hr.g[g].rsc[i].kind == FO_RSC_IP)
				fo_vip_garp(&dm->cfg.hr.g[g].rsc[i]);
}

static void on_garp(evutil_socket_t fd, short ev, void *arg)
{
	struct fo_daemon *dm = arg;

	(void)fd;
	(void)ev;
	if (!dm->holds || dm->garp_left == 0)
		return;
	garp_all(dm);
	if (--dm->garp_left) {
		struct timeval tv = { 0, FO_GARP_GAP_MS * 1000 };

		event_add(dm->garp_timer, &tv);
	}
}

/* Every resource in haresources order, or stopped in reverse. */
static void rsc_seq(const struct fo_daemon *dm, bool start)
{
	const struct fo_haresources *hr = &dm->cfg.hr;

	if (start) {
		for (unsigned g = 0; g < hr->ngroups; g++)
			for (unsigned i = 0; i < hr->g[g].nrsc; i++)
				rsc_op(dm, &hr->g[g].rsc[i], true);
		return;
	}
	for (unsigned g = hr->ngroups; g-- > 0;)
		for (unsigned i = hr->g[g].nrsc; i-- > 0;)
			rsc_op(dm, &hr->g[g].rsc[i], false);
}

static void rsc_done(struct fo_daemon *dm, bool start)
{
	if (!start) {
		dm->holds = false;
		fo_link_send_status(dm);
		return;
	}
	/* Always re-announced: a neighbour may still point at the peer. */
	if (!dm->garp_timer)
		dm->garp_timer = evtimer_new(dm->base, on_garp, dm);
	dm->garp_left = FO_GARP_COUNT;
	if (dm->garp_timer)
		on_garp(-1, 0, dm);
}

static void on_rsc_poll(evutil_socket_t fd, short ev, void *arg)
{
	struct timeval tv = { 0, FO_RSC_POLL_MS * 1000 };
	struct fo_daemon *dm = arg;
	pid_t r;
	int st;

	(void)fd;
	(void)ev;
	if (!dm->rsc_pid)
		return;
	r = waitpid(dm->rsc_pid, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR)) {
		event_add(dm->rsc_timer, &tv);
		return;
	}
	dm->rsc_pid = 0;
	rsc_done(dm, dm->rsc_starting);
}

/* The sequence in a child; in-process if there can be none. */
static void rsc_spawn(struct fo_daemon *dm, bool start)
{
	struct timeval tv = { 0, FO_RSC_POLL_MS * 1000 };
	pid_t pid = -1;

	if (!dm->rsc_timer)
		dm->rsc_timer = evtimer_new(dm->base, on_rsc_poll, dm);
	if (dm->rsc_timer)
		pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		rsc_seq(dm, start);
		_exit(0);
	}
	if (pid < 0) {
		rsc_seq(dm, start);
		rsc_done(dm, start);
		return;
	}
	dm->rsc_pid = pid;
	dm->rsc_starting = start;
	event_add(dm->rsc_timer, &tv);
}

void fo_rsc_start_all(struct fo_daemon *dm)
{
	dm->holds = true;
	rsc_spawn(dm, true);
}

/* holds stays true until the child is done: the peer takes them only
 * once our heartbeat says they are down. */
void fo_rsc_stop_all(struct fo_daemon *dm)
{
	dm->garp_left = 0;
	rsc_spawn(dm, false);
}

void fo_rsc_stop_now(struct fo_daemon *dm)
{
	int st;

	if (dm->rsc_pid) {
		while (waitpid(dm->rsc_pid, &st, 0) < 0 && errno == EINTR)
			;
		dm->rsc_pid = 0;
		if (!dm->rsc_starting)
			dm->holds = false;
	}
	if (dm->holds)
		rsc_seq(dm, false);
	dm->holds = false;
	dm->garp_left = 0;
	if (dm->rsc_timer)
		event_free(dm->rsc_timer);
	dm->rsc_timer = NULL;
}

/* At start we hold nothing: an address a killed earlier run left on this
 * host would sit on two directors once the peer takes over, so it goes. */
void fo_rsc_clear_stale(struct fo_daemon *dm)
{
	char a[INET_ADDRSTRLEN];

	for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
		for (unsigned i = 0; i < dm->cfg.hr.g[g].nrsc; i++) {
			const struct fo_rsc *r = &dm->cfg.hr.g[g].rsc[i];

			if (r->kind == FO_RSC_IP && fo_vip_del(r) == 0) {
				inet_ntop(AF_INET, &r->ip, a, sizeof(a));
				fo_log("removed %s, left behind by an earlier run", a);
			}
		}
}
