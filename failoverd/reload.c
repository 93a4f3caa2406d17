/* reload (SIGHUP, or the control socket): the configuration read again
 * into a new structure and swapped in only when whole, as heartbeat
 * re-reads authkeys on SIGHUP.  What can change in place: authkeys,
 * timings, auto_failback, logging, the ARP bursts.  A change to the
 * nodes, the media or haresources is what heartbeat restarts itself for:
 * we do too, releasing first (and telling the peer), then exec'ing
 * ourselves with the same command line. */
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

static bool media_same(const struct fo_hacf *a, const struct fo_hacf *b)
{
	if (a->nmedia != b->nmedia || a->nnodes != b->nnodes || a->udpport != b->udpport ||
	    memcmp(a->nodes, b->nodes, sizeof(a->nodes)) != 0)
		return false;
	for (unsigned i = 0; i < a->nmedia; i++) {
		struct fo_media x = a->media[i], y = b->media[i];

		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)) != 0)
			return false;
	}
	return true;
}

static bool hr_same(const struct fo_haresources *a, const struct fo_haresources *b)
{
	if (a->ngroups != b->ngroups)
		return false;
	for (unsigned g = 0; g < a->ngroups; g++) {
		struct fo_group x = a->g[g], y = b->g[g];

		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)) != 0)
			return false;
	}
	return true;
}

int fo_reload(struct fo_daemon *dm, struct fo_diag *d)
{
	static struct fo_config nc;
	struct timeval tv;
	const char *bad;
	int r;

	if (fo_config_load(dm->confdir, dm->self, &nc, d)) {
		for (char *l = d->text, *e; *l; l = e + 1) {
			if (!(e = strchr(l, '\n')))
				break;
			fo_log("ERROR: reload: %.*s", (int)(e - l), l);
		}
		fo_log("ERROR: reload refused: the running configuration is kept");
		return -EINVAL;
	}
	if (!media_same(&dm->cfg.hacf, &nc.hacf) || !hr_same(&dm->cfg.hr, &nc.hr)) {
		fo_log("info: reload: nodes, media or haresources changed: restarting "
		       "(resources released first)");
		dm->run.reexec = true;
		event_base_loopbreak(dm->base);
		return 0;
	}
	if ((r = fo_log_open(&nc.hacf, dm->debug, &bad))) {
		fo_diag_err(d, bad, 0, "%s", strerror(-r));
		fo_log("ERROR: reload: %s: %s; the running configuration is kept", bad,
		       strerror(-r));
		return -EINVAL;
	}
	dm->cfg = nc;
	/* The operator has had a chance to fix what failed. */
	if (dm->run.failures)
		fo_log("info: reload: resource failures forgotten; trying again");
	dm->run.failures = 0;
	dm->run.retry_ms = 0;
	tv.tv_sec = dm->cfg.hacf.keepalive_ms / 1000;
	tv.tv_usec = (dm->cfg.hacf.keepalive_ms % 1000) * 1000;
	if (dm->tx_timer)
		event_add(dm->tx_timer, &tv);
	fo_log("info: configuration reloaded from %s", dm->confdir);
	fo_run_mark(dm);
	fo_role_report(dm, false, NULL);
	fo_link_send_status(dm);
	return 0;
}
