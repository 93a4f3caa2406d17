// SPDX-License-Identifier: GPL-2.0
/* Start-up, the loop of checks, and the stop (daemon.h). */
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "daemon.h"
#include "fallback.h"
#include "hd_log.h"
#include "hd_sched.h"
#include "ops.h"
#include "reload.h"

static bool daemon_due(void *arg, struct hd_rs *r)
{
	struct hd_daemon *d = arg;

	return hd_state_due(&d->st, r);
}

static void daemon_done(void *arg, struct hd_rs *r, bool ok, const char *why)
{
	struct hd_daemon *d = arg;

	hd_state_result(&d->st, r, ok, why);
}

static void daemon_signal(evutil_socket_t sig, short what, void *arg)
{
	struct hd_daemon *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		hd_log("Reloading Linux Director Daemon config on signal");
		hd_ops_set_status(HD_EMAIL_RELOADING);
		daemon_reread(d);
		hd_ops_set_status(HD_EMAIL_RUNNING);
		return;
	}
	d->stop_signal = (int)sig;
	event_base_loopbreak(d->base);
}

static int daemon_schedule(struct hd_daemon *d)
{
	return hd_sched_all(d->sched, d->vs, d->nvs);
}

static void daemon_unschedule(struct hd_daemon *d)
{
	for (size_t i = 0; i < d->nvs; i++)
		for (size_t j = 0; j < d->vs[i].nreals; j++)
			hd_sched_del(d->sched, &d->vs[i].reals[j]);
}

static void daemon_flush(evutil_socket_t fd, short what, void *arg)
{
	struct hd_daemon *d = arg;
	struct timeval t0, t1;

	(void)fd;
	(void)what;
	evutil_gettimeofday(&t0, NULL);
	hd_tbl_flush(&d->tbl);
	evutil_gettimeofday(&t1, NULL);
	d->flush_ms = (unsigned)((t1.tv_sec - t0.tv_sec) * 1000 +
				 (t1.tv_usec - t0.tv_usec) / 1000);
}

/* The first edit of a batch: the batch goes to the table after a wait
 * twice as long as the last flush took (10..200 ms), so a big table's
 * reads are spread over many changes and a small one's changes go at once. */
static void daemon_kick(void *arg)
{
	struct hd_daemon *d = arg;
	unsigned ms = d->flush_ms * 2;
	struct timeval tv;

	ms = ms < 10 ? 10 : ms > 200 ? 200 : ms;
	tv.tv_sec = 0;
	tv.tv_usec = ms * 1000;
	if (!evtimer_pending(d->flush_ev, NULL))
		evtimer_add(d->flush_ev, &tv);
}

static void daemon_xlvs_log(const char *msg)
{
	hd_log("%s", msg);
}

static void daemon_config_err(void *arg, const char *msg)
{
	(void)arg;
	hd_log("%s", msg);
}

void daemon_reread(struct hd_daemon *d)
{
	struct hd_config *c = NULL;
	int rc = hd_config_load(d->path, &c, daemon_config_err, NULL);

	if (rc != 0) {
		if (rc < 0)
			hd_log("%s: %s", d->path, strerror(-rc));
		hd_log("Reload failed: the running configuration stays");
		return;
	}
	daemon_reload(d, c);
}

int daemon_reload(struct hd_daemon *d, struct hd_config *new_config)
{
	struct hd_daemon nd = { 0 };
	int rc = hd_daemon_build(&nd, new_config);

	if (rc < 0) {
		hd_daemon_unbuild(&nd);
		hd_log("Reload failed: %s; the running configuration stays",
		       strerror(-rc));
		return rc;
	}
	hd_tbl_defer(&d->tbl, false, NULL, NULL);   /* the old queue goes */
	daemon_unschedule(d);
	d->g = nd.g;
	d->st.fallbackcommand = new_config->fallbackcommand;
	hd_reload_apply(&d->st, nd.vs, nd.nvs);
	d->st.changes++;
	/* nd takes the old picture away to be freed. */
	nd.vs = d->vs;
	nd.nvs = d->nvs;
	nd.cfg = d->cfg;
	d->vs = d->st.virtuals;
	d->nvs = d->st.nvirtuals;
	d->cfg = new_config;
	hd_daemon_unbuild(&nd);
	rc = daemon_schedule(d);
	if (rc < 0)
		hd_log("Cannot schedule the checks: %s", strerror(-rc));
	hd_tbl_defer(&d->tbl, true, daemon_kick, d);
	return rc;
}

static int daemon_loop(struct hd_daemon *d)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };
	struct event *sev[4] = { 0 };
	int rc = 0;

	for (int i = 0; i < 4; i++) {
		sev[i] = evsignal_new(d->base, sigs[i], daemon_signal, d);
		if (!sev[i] || evsignal_add(sev[i], NULL) < 0)
			rc = -ENOMEM;
	}
	d->flush_ev = evtimer_new(d->base, daemon_flush, d);
	if (!d->flush_ev)
		rc = -ENOMEM;
	if (rc == 0)
		rc = daemon_schedule(d);
	if (rc == 0) {
		hd_state_start(&d->st);
		hd_ops_set_status(HD_EMAIL_RUNNING);
		hd_tbl_defer(&d->tbl, true, daemon_kick, d);
		event_base_dispatch(d->base);
	}
	daemon_unschedule(d);
	hd_tbl_defer(&d->tbl, false, NULL, NULL);    /* what is queued goes */
	if (d->flush_ev)
		event_free(d->flush_ev);
	for (int i = 0; i < 4; i++)
		if (sev[i])
			event_free(sev[i]);
	return rc;
}

static const char *daemon_signame(int sig)
{
	switch (sig) {
	case SIGTERM: return "TERM";
	case SIGINT: return "INT";
	case SIGQUIT: return "QUIT";
	}
	return "?";
}

int hd_daemon_run(struct hd_config *cfg, const struct hd_daemon_opts *o)
{
	struct hd_daemon d = { 0 };
	int rc;

	signal(SIGPIPE, SIG_IGN);
	rc = hd_log_open(cfg->logfile, o->cfgname, o->foreground, cfg->supervised);
	if (rc < 0) {
		hd_log("Cannot open logfile %s: %s", cfg->logfile, strerror(-rc));
		hd_config_free(cfg);
		return 1;
	}
	xlvs_set_log(daemon_xlvs_log);
	hd_log("Starting xlvs-healthd with pid: %d", (int)getpid());
	rc = hd_daemon_build(&d, cfg);
	d.base = rc == 0 ? event_base_new() : NULL;
	d.ck = d.base ? hd_checker_new(d.base) : NULL;
	d.sched = d.ck ? hd_sched_new(d.base, d.ck, hd_sched_limit_nofile(),
				      daemon_due, daemon_done, &d) : NULL;
	if (!d.sched) {
		hd_log("Cannot start: %s", strerror(rc < 0 ? -rc : ENOMEM));
		rc = -ENOMEM;
	} else {
		hd_table_init_xlvs(&d.tbl);
		d.st.tbl = &d.tbl;
		d.st.spawn = hd_fallback_spawn_sh;
		d.path = o->path;
		rc = hd_ops_attach(&d);
		if (rc == 0)
			rc = daemon_loop(&d);
		hd_ops_stopping(&d);
		hd_state_stop(&d.st);
		hd_ops_detach(&d);
		hd_log("Linux Director Daemon terminated on signal: %s",
		       daemon_signame(d.stop_signal));
	}
	if (d.sched)
		hd_sched_free(d.sched);
	if (d.ck)
		hd_checker_free(d.ck);
	if (d.base)
		event_base_free(d.base);
	hd_daemon_unbuild(&d);
	return rc < 0 ? 1 : 0;
}
