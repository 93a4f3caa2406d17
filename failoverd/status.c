/* The role and the text `xlvs-failoverd status` prints (run.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

static const char *const rs_name[] = {
	[FO_RS_STOPPED] = "stopped", [FO_RS_STARTING] = "starting", [FO_RS_UP] = "up",
	[FO_RS_STOPPING] = "stopping", [FO_RS_FAILED] = "failed",
	[FO_RS_STOP_FAILED] = "stop failed",
};

const char *fo_run_role(const struct fo_daemon *dm)
{
	if (dm->stopping)
		return "stopping";
	if (dm->rsc_pid)
		return dm->rsc_starting ? "acquiring" : "releasing";
	if (dm->held)
		return "active";
	if (dm->run.failures)
		return "failed";
	if (!dm->peer.heard && fo_now_ms() - dm->start_ms < dm->cfg.hacf.initdead_ms)
		return "waiting";
	return "standby";
}

void fo_run_mark(struct fo_daemon *dm)
{
	const char *r = fo_run_role(dm);

	if (!dm->run.role || strcmp(r, dm->run.role) != 0) {
		dm->run.role = r;
		dm->run.role_since = time(NULL);
	}
}

static size_t add(char *buf, size_t cap, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t add(char *buf, size_t cap, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (n >= cap)
		return n;
	va_start(ap, fmt);
	w = vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
	return w < 0 ? n : n + (size_t)w;
}

void fo_status_text(const struct fo_daemon *dm, char *buf, size_t cap)
{
	const struct fo_haresources *hr = &dm->cfg.hr;
	const struct fo_peer *p = &dm->peer;
	char since[32], d[FO_PATHLEN + 80];
	int64_t now = fo_now_ms();
	time_t t = dm->run.role_since;
	struct tm tm;
	size_t n = 0;

	localtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y/%m/%d_%H:%M:%S", &tm);
	n = add(buf, cap, n, "node %s (%s), pid %d, generation %lu\n", dm->self,
		dm->owner ? "haresources owner" : "standby node", (int)getpid(), dm->hg);
	n = add(buf, cap, n, "role: %s since %s (%ld s)\n", dm->run.role ? dm->run.role : "?",
		since, (long)(time(NULL) - t));
	if (dm->run.failures)
		n = add(buf, cap, n, "failed: %s, %u time(s); next attempt %s%ld ms\n",
			dm->run.failed_rsc, dm->run.failures,
			now < dm->run.retry_ms ? "in " : "allowed, ",
			(long)(now < dm->run.retry_ms ? dm->run.retry_ms - now : 0));
	for (unsigned g = 0; g < hr->ngroups; g++)
		for (unsigned i = 0; i < hr->g[g].nrsc; i++) {
			fo_rsc_describe(&hr->g[g].rsc[i], d, sizeof(d));
			n = add(buf, cap, n, "resource %s: %s\n", d, rs_name[dm->run.rs[g][i]]);
		}
	if (!p->heard)
		n = add(buf, cap, n, "peer: never heard (%ld ms since start)\n",
			(long)(now - dm->start_ms));
	else
		n = add(buf, cap, n, "peer %s: %s, status %s, %s%s, last heartbeat %ld ms ago\n",
			p->name, p->dead ? "dead" : "alive", p->status,
			p->held & dm->sets ? "holds the resources" : "holds nothing",
			!p->known ? " (not reported yet)" : p->stable ? "" : " (in transition)",
			(long)(now - p->last_ms));
}
