/* The haresources groups of a set (daemon.h: ours, the peer's) as one
 * unit: started in file order, stopped in reverse.  IP resources through vip.c, then announced (vip.c) from the
 * loop, so heartbeats keep going; ldirectord::FILE as `xlvs-healthd FILE
 * start|stop`; any other NAME as CONFDIR/resource.d/NAME (heartbeat's
 * /etc/ha.d/resource.d) or /etc/init.d/NAME with its arguments and
 * start|stop, at most FO_SCRIPT_MS each.  The sequence runs in a child
 * process polled from the loop, so our heartbeats go on meanwhile and a
 * slow script does not make the peer declare us dead; the child reports
 * each resource's outcome through a pipe.
 *
 * As heartbeat's ResourceManager (acquireresourcegroup): a resource that
 * fails to start makes us give the whole set up ("CRIT: Giving up
 * resources due to failure of X"), the VIP included, in reverse order
 * (ResourceManager gives up the group; its hb_standby then hands over
 * the set);
 * a stop that fails is retried (HA_STOPRETRYMAX 10, 1 s apart). */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

#define FO_SCRIPT_MS 10000
#define FO_RSC_POLL_MS 20
#define FO_STOP_RETRIES 10

/* What the child says about one resource. */
struct rsc_report {
	uint8_t g, i;
	uint8_t state;			/* enum fo_rsc_state */
	uint8_t pad;
};

long fo_backoff_ms(unsigned failures)
{
	long ms = FO_BACKOFF_MIN_MS;

	if (failures == 0)
		return 0;
	for (unsigned k = 1; k < failures && ms < FO_BACKOFF_MAX_MS; k++)
		ms *= 2;
	return ms < FO_BACKOFF_MAX_MS ? ms : FO_BACKOFF_MAX_MS;
}

bool fo_rsc_backing_off(const struct fo_daemon *dm)
{
	return dm->run.failures && fo_now_ms() < dm->run.retry_ms;
}

void fo_rsc_describe(const struct fo_rsc *r, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "%s", r->name);

	for (unsigned k = 0; k < r->nargs && n < cap; k++)
		n += (size_t)snprintf(buf + n, cap - n, "::%s", r->args[k]);
}

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
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 :
			       WIFEXITED(st) ? -(1000 + WEXITSTATUS(st)) : -ECHILD;
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

static const char *why(int rc, char *buf, size_t cap)
{
	if (rc <= -1000)
		snprintf(buf, cap, "Return code %d", -rc - 1000);
	else
		snprintf(buf, cap, "%s", strerror(-rc));
	return buf;
}

static int rsc_op(const struct fo_daemon *dm, const struct fo_rsc *r, bool start)
{
	char d[FO_PATHLEN + 80], a[64], e[64];
	int rc;

	fo_rsc_describe(r, d, sizeof(d));
	if (r->kind != FO_RSC_IP) {
		fo_log("info: Running %s %s", d, start ? "start" : "stop");
		rc = script(dm, r, start ? "start" : "stop");
		if (rc)
			fo_log("ERROR: %s %s: %s", d, start ? "start" : "stop", why(rc, e, sizeof(e)));
		return rc;
	}
	fo_vip_text(r, a, sizeof(a));
	rc = start ? fo_vip_add(r) : fo_vip_del(r);
	if (rc < 0)
		fo_log("ERROR: %s %s: %s", start ? "taking" : "releasing", a, strerror(-rc));
	else
		fo_log("%s %s: %s", start ? "taking" : "releasing", a, rc ? "already so" : "ok");
	return rc < 0 ? rc : 0;
}

static void report(int fd, unsigned g, unsigned i, enum fo_rsc_state st)
{
	struct rsc_report rp = { (uint8_t)g, (uint8_t)i, (uint8_t)st, 0 };

	if (fd >= 0)
		(void)!write(fd, &rp, sizeof(rp));
}

static bool stop_one(const struct fo_daemon *dm, unsigned g, unsigned i, int fd)
{
	const struct fo_rsc *r = &dm->cfg.hr.g[g].rsc[i];
	char d[FO_PATHLEN + 80];
	struct timespec sec = { 1, 0 };

	report(fd, g, i, FO_RS_STOPPING);
	for (unsigned k = 0; k <= FO_STOP_RETRIES; k++) {
		if (rsc_op(dm, r, false) == 0) {
			report(fd, g, i, FO_RS_STOPPED);
			return true;
		}
		if (k < FO_STOP_RETRIES) {
			fo_rsc_describe(r, d, sizeof(d));
			fo_log("info: Retrying failed stop operation [%s]", d);
			nanosleep(&sec, NULL);
		}
	}
	fo_rsc_describe(r, d, sizeof(d));
	fo_log("CRIT: Resource STOP failure: %s stays up", d);
	report(fd, g, i, FO_RS_STOP_FAILED);
	return false;
}

unsigned fo_group_set(const struct fo_daemon *dm, unsigned g)
{
	return strcasecmp(dm->cfg.hr.g[g].node, dm->self) == 0 ? FO_SET_MINE : FO_SET_THEIRS;
}

/* The set's resources up to (g0, i0), that one included, stopped in
 * reverse. */
static bool stop_from(const struct fo_daemon *dm, unsigned set, unsigned g0, unsigned i0, int fd)
{
	const struct fo_haresources *hr = &dm->cfg.hr;
	bool ok = true;

	for (unsigned g = g0 + 1; g-- > 0;) {
		if (!(fo_group_set(dm, g) & set))
			continue;
		for (unsigned i = (g == g0 ? i0 + 1 : hr->g[g].nrsc); i-- > 0;)
			ok &= stop_one(dm, g, i, fd);
	}
	return ok;
}

/* Every resource of the set in haresources order, or stopped in
 * reverse: 0, 1 if a start failed (the set given up), 2 if a stop
 * failed. */
static int rsc_seq(const struct fo_daemon *dm, bool start, unsigned set, int fd)
{
	const struct fo_haresources *hr = &dm->cfg.hr;
	char d[FO_PATHLEN + 80];

	if (!start) {
		if (!hr->ngroups)
			return 0;
		return stop_from(dm, set, hr->ngroups - 1, hr->g[hr->ngroups - 1].nrsc - 1, fd) ? 0 : 2;
	}
	for (unsigned g = 0; g < hr->ngroups; g++) {
		if (!(fo_group_set(dm, g) & set))
			continue;
		for (unsigned i = 0; i < hr->g[g].nrsc; i++) {
			report(fd, g, i, FO_RS_STARTING);
			if (rsc_op(dm, &hr->g[g].rsc[i], true) == 0) {
				report(fd, g, i, FO_RS_UP);
				continue;
			}
			report(fd, g, i, FO_RS_FAILED);
			fo_rsc_describe(&hr->g[g].rsc[i], d, sizeof(d));
			fo_log("CRIT: Giving up resources due to failure of %s", d);
			/* the failed one too: a half-started script may need it */
			stop_from(dm, set, g, i, fd);
			report(fd, g, i, FO_RS_FAILED);
			return 1;
		}
	}
	return 0;
}

static void on_garp(evutil_socket_t fd, short ev, void *arg)
{
	struct fo_daemon *dm = arg;
	const struct fo_haresources *hr = &dm->cfg.hr;
	int64_t el = fo_now_ms() - dm->run.garp_start_ms, next = -1;

	(void)fd;
	(void)ev;
	if (!dm->held || dm->rsc_pid)
		return;
	for (unsigned g = 0; g < hr->ngroups; g++)
		for (unsigned i = 0; i < hr->g[g].nrsc && (fo_group_set(dm, g) & dm->held); i++) {
			const struct fo_rsc *r = &hr->g[g].rsc[i];
			unsigned *sent = &dm->run.garp_sent[g][i];
			long half = r->arp_interval_ms / 2;

			if (r->kind != FO_RSC_IP)
				continue;
			while (*sent < 2 * r->arp_count && (int64_t)*sent * half <= el) {
				int rc = fo_vip_announce(r, *sent);

				if (rc && *sent == 0) {
					char a[64];

					fo_vip_text(r, a, sizeof(a));
					fo_log("ERROR: announcing %s: %s", a, strerror(-rc));
				}
				(*sent)++;
			}
			if (*sent < 2 * r->arp_count) {
				int64_t due = (int64_t)*sent * half - el;

				if (next < 0 || due < next)
					next = due;
			}
		}
	if (next >= 0) {
		struct timeval tv = { (long)(next / 1000), (long)(next % 1000) * 1000 };

		event_add(dm->garp_timer, &tv);
	}
}

/* Always re-announced: a neighbour may still point at the peer.  The
 * set just taken from its first frame; another set's announcement, if
 * under way, goes on from where it was. */
static void garp_begin(struct fo_daemon *dm, unsigned set)
{
	if (!dm->garp_timer)
		dm->garp_timer = evtimer_new(dm->base, on_garp, dm);
	for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
		if (fo_group_set(dm, g) & set)
			memset(dm->run.garp_sent[g], 0, sizeof(dm->run.garp_sent[g]));
	dm->run.garp_start_ms = fo_now_ms();
	if (dm->garp_timer)
		on_garp(-1, 0, dm);
}

static void rsc_failed(struct fo_daemon *dm)
{
	const struct fo_haresources *hr = &dm->cfg.hr;
	long wait;

	dm->run.failures++;
	wait = fo_backoff_ms(dm->run.failures);
	dm->run.retry_ms = fo_now_ms() + wait;
	dm->run.failed_rsc[0] = 0;
	for (unsigned g = 0; g < hr->ngroups; g++)
		for (unsigned i = 0; i < hr->g[g].nrsc; i++)
			if (dm->run.rs[g][i] == FO_RS_FAILED)
				fo_rsc_describe(&hr->g[g].rsc[i], dm->run.failed_rsc,
						sizeof(dm->run.failed_rsc));
	fo_log("ERROR: resource %s failed to start (failure %u): resources released; "
	       "next attempt in %ld ms, and only while the peer holds nothing",
	       dm->run.failed_rsc, dm->run.failures, wait);
}

static void rsc_done(struct fo_daemon *dm, bool start, unsigned set, int code)
{
	if (!start || code == 1) {
		/* A stop that failed leaves something up: we keep saying we
		 * hold it, so the peer does not put the address on both. */
		if (code != 2)
			dm->held &= ~set;
		if (start)
			rsc_failed(dm);
		fo_run_mark(dm);
		fo_role_rsc_done(dm, start);
		return;
	}
	if (dm->run.failures)
		fo_log("resources started after %u failure(s)", dm->run.failures);
	dm->run.failures = 0;
	fo_run_mark(dm);
	garp_begin(dm, set);
	fo_role_rsc_done(dm, start);
}

static void read_reports(struct fo_daemon *dm)
{
	struct rsc_report rp;

	while (dm->run.rsc_fd >= 0 && read(dm->run.rsc_fd, &rp, sizeof(rp)) == sizeof(rp))
		if (rp.g < FO_MAXGROUPS && rp.i < FO_MAXRSC && rp.state <= FO_RS_STOP_FAILED)
			dm->run.rs[rp.g][rp.i] = (enum fo_rsc_state)rp.state;
}

static void reap(struct fo_daemon *dm, int st)
{
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;

	read_reports(dm);
	if (dm->run.rsc_fd >= 0)
		close(dm->run.rsc_fd);
	dm->run.rsc_fd = -1;
	dm->rsc_pid = 0;
	rsc_done(dm, dm->rsc_starting, dm->rsc_set, code);
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
	read_reports(dm);
	r = waitpid(dm->rsc_pid, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR)) {
		event_add(dm->rsc_timer, &tv);
		return;
	}
	reap(dm, r == dm->rsc_pid ? st : 0);
}

/* The sequence in a child; in-process if there can be none. */
static void rsc_spawn(struct fo_daemon *dm, bool start, unsigned set)
{
	struct timeval tv = { 0, FO_RSC_POLL_MS * 1000 };
	int p[2] = { -1, -1 };
	pid_t pid = -1, parent = getpid();

	if (!dm->rsc_timer)
		dm->rsc_timer = evtimer_new(dm->base, on_rsc_poll, dm);
	if (dm->rsc_timer && pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0)
		pid = fork();
	if (pid == 0) {
		/* Killed with us: a run killed with -9 must not leave a child
		 * adding the VIP after the next run has cleared it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(p[0]);
		fcntl(p[1], F_SETFL, 0);
		_exit(rsc_seq(dm, start, set, p[1]));
	}
	if (p[1] >= 0)
		close(p[1]);
	if (pid < 0) {
		if (p[0] >= 0)
			close(p[0]);
		dm->run.rsc_fd = -1;
		dm->rsc_set = set;
		rsc_done(dm, start, set, rsc_seq(dm, start, set, -1));
		return;
	}
	dm->run.rsc_fd = p[0];
	dm->rsc_pid = pid;
	dm->rsc_starting = start;
	dm->rsc_set = set;
	fo_run_mark(dm);
	event_add(dm->rsc_timer, &tv);
}

void fo_rsc_start(struct fo_daemon *dm, unsigned set)
{
	dm->held |= set;
	rsc_spawn(dm, true, set);
}

/* The set stays in held until the child is done: the peer takes it only
 * once our report says it is down.  A set still held keeps its
 * announcement going. */
void fo_rsc_stop(struct fo_daemon *dm, unsigned set)
{
	if (dm->garp_timer && !(dm->held & ~set))
		event_del(dm->garp_timer);
	rsc_spawn(dm, false, set);
}

void fo_rsc_stop_now(struct fo_daemon *dm)
{
	int st;

	if (dm->garp_timer)
		event_del(dm->garp_timer);
	if (dm->rsc_pid) {
		while (waitpid(dm->rsc_pid, &st, 0) < 0 && errno == EINTR)
			;
		read_reports(dm);
		if (dm->run.rsc_fd >= 0)
			close(dm->run.rsc_fd);
		dm->run.rsc_fd = -1;
		dm->rsc_pid = 0;
		if (!dm->rsc_starting || (WIFEXITED(st) && WEXITSTATUS(st) == 1))
			dm->held &= ~dm->rsc_set;
	}
	if (dm->held) {
		fo_log("info: stop: releasing resources");
		rsc_seq(dm, false, dm->held, -1);
	}
	dm->held = 0;
	if (dm->rsc_timer)
		event_free(dm->rsc_timer);
	dm->rsc_timer = NULL;
	if (dm->garp_timer)
		event_free(dm->garp_timer);
	dm->garp_timer = NULL;
}

/* At start we hold nothing: an address a killed earlier run left on this
 * host would sit on two directors once the peer takes over, so it goes. */
void fo_rsc_clear_stale(struct fo_daemon *dm)
{
	char a[64];

	dm->run.rsc_fd = -1;
	for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
		for (unsigned i = 0; i < dm->cfg.hr.g[g].nrsc; i++) {
			const struct fo_rsc *r = &dm->cfg.hr.g[g].rsc[i];

			if (r->kind == FO_RSC_IP && fo_vip_del(r) == 0) {
				fo_vip_text(r, a, sizeof(a));
				fo_log("removed %s, left behind by an earlier run", a);
			}
		}
}
