/* The foreground daemon: the generation file, the loop, the signals. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

#define FO_TICK_MS 100

int64_t fo_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* As heartbeat's hb_generation: a decimal number, one more each start, so
 * a restarted node's packets (seq from 1 again) are not taken for replays.
 * Written through a temporary file so a crash never leaves it short. */
int fo_generation_next(const char *statedir, unsigned long *hg)
{
	char path[FO_PATHLEN + 32], tmp[FO_PATHLEN + 40];
	unsigned long g = 0;
	FILE *f;

	if (mkdir(statedir, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/hb_generation", statedir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%lu", &g) != 1)
			g = 0;
		fclose(f);
	}
	g++;
	if (!(f = fopen(tmp, "w")))
		return -errno;
	fprintf(f, "%lu\n", g);
	if (fflush(f) || fsync(fileno(f)) || fclose(f))
		return -EIO;
	if (rename(tmp, path) < 0)
		return -errno;
	*hg = g;
	return 0;
}

static void on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct fo_daemon *dm = arg;

	(void)ev;
	fo_log("signal %d: releasing resources and exiting", (int)sig);
	event_base_loopbreak(dm->base);
}

static void on_keepalive(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	fo_link_send_status(arg);
}

static void on_tick(evutil_socket_t fd, short ev, void *arg)
{
	static unsigned n;

	(void)fd;
	(void)ev;
	fo_role_eval(arg);
	fo_run_mark(arg);
	if (++n % 3 == 0)
		fo_tx_request_missing(arg);
}

static int add_timer(struct fo_daemon *dm, struct event **ev, long ms, event_callback_fn fn)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	*ev = event_new(dm->base, -1, EV_PERSIST, fn, dm);
	return *ev && event_add(*ev, &tv) == 0 ? 0 : -ENOMEM;
}

int fo_daemon_run(struct fo_daemon *dm)
{
	struct event *sigs[2];
	int r;

	if (dm->cfg.hacf.nnodes != 2 || dm->cfg.hr.ngroups == 0) {
		fo_log("need exactly two nodes in ha.cf and a haresources group "
		       "(haresources mode, one peer)");
		return -EINVAL;
	}
	if ((r = fo_generation_next(dm->statedir, &dm->hg))) {
		fo_log("%s/hb_generation: %s", dm->statedir, strerror(-r));
		return r;
	}
	signal(SIGPIPE, SIG_IGN);
	for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
		dm->sets |= fo_group_set(dm, g);
	dm->owner = dm->sets & FO_SET_MINE;
	dm->start_ms = fo_now_ms();
	if (!(dm->base = event_base_new()))
		return -ENOMEM;
	dm->run.ctl_fd = -1;
	fo_rsc_clear_stale(dm);
	if ((r = fo_link_open(dm)))
		goto out;
	if ((r = fo_ctl_open(dm))) {
		fo_log("ERROR: %s: %s", dm->run.sock_path, strerror(-r));
		goto out;
	}
	sigs[0] = evsignal_new(dm->base, SIGTERM, on_signal, dm);
	sigs[1] = evsignal_new(dm->base, SIGINT, on_signal, dm);
	event_add(sigs[0], NULL);
	event_add(sigs[1], NULL);
	if ((r = add_timer(dm, &dm->tx_timer, dm->cfg.hacf.keepalive_ms, on_keepalive)) ||
	    (r = add_timer(dm, &dm->tick, FO_TICK_MS, on_tick)))
		goto out;
	fo_log("node %s, generation %lu, %s; waiting up to %ld ms for the peer", dm->self,
	       dm->hg, dm->owner ? "resource owner" : "standby", dm->cfg.hacf.initdead_ms);
	fo_link_send_status(dm);
	fo_run_mark(dm);
	if (dm->run.on_ready)
		dm->run.on_ready(dm);
	event_base_dispatch(dm->base);
	fo_role_shutdown(dm);
	fo_log("info: stopped: resources released%s",
	       dm->run.reexec ? "; restarting for the new configuration" : "");
	event_free(sigs[0]);
	event_free(sigs[1]);
out:
	fo_ctl_close(dm);
	fo_link_close(dm);
	fo_tx_free(dm);
	if (dm->tx_timer)
		event_free(dm->tx_timer);
	if (dm->tick)
		event_free(dm->tick);
	event_base_free(dm->base);
	return r;
}
