// SPDX-License-Identifier: GPL-2.0
/* The fallback server and fallbackcommand (fallback.h), as ldirectord's
 * fallback_on, fallback_off and do_fallback_command. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fallback.h"
#include "hd_log.h"

void hd_fallback_command(struct hd_state *st, struct hd_vs *v, bool start)
{
	const char *cmd = v->fallbackcommand ? v->fallbackcommand
					     : st->fallbackcommand;
	int want = start ? 1 : 2;
	char line[4096];

	if (v->fallbackcommand_status == want)
		return;
	v->fallbackcommand_status = want;
	if (!cmd || !st->spawn)
		return;
	snprintf(line, sizeof(line), "%s %s %s %s", cmd, start ? "start" : "stop",
		 v->vstr, v->svc.proto == IPPROTO_UDP ? "udp" : "tcp");
	hd_tbl_run(st->tbl, st->spawn, st->spawn_arg, line);
}

/* _status_up(v, fallback): only when no real server is up and the
 * fallback is not on yet. */
void hd_fallback_on(struct hd_state *st, struct hd_vs *v)
{
	if (v->has_fallback && v->nup == 0 && !v->fallback_up) {
		v->fallback_up = true;
		hd_tbl_restore(st->tbl, v, &v->fallback, "fallback");
	}
	if (v->nup == 0)
		hd_fallback_command(st, v, true);
}

/* _status_down(v, fallback) succeeds whenever a real server is up, so
 * the fallback's entry is removed (never made quiescent) if it is there. */
void hd_fallback_off(struct hd_state *st, struct hd_vs *v)
{
	if (v->has_fallback && (v->nup > 0 || v->fallback_up)) {
		v->fallback_up = false;
		hd_tbl_remove(st->tbl, v, &v->fallback, "fallback", false, false);
	}
	if (v->nup > 0)
		hd_fallback_command(st, v, false);
}

void hd_fallback_spawn_sh(void *arg, const char *cmdline)
{
	pid_t pid, gpid;
	int status;

	(void)arg;
	hd_debug(2, "Running system(%s)", cmdline);
	pid = fork();
	if (pid < 0) {
		hd_log("Cannot run \"%s\": fork failed", cmdline);
		return;
	}
	if (pid == 0) {
		/* The grandchild is init's to reap, not ours. */
		gpid = fork();
		if (gpid == 0) {
			signal(SIGPIPE, SIG_DFL);
			setsid();
			execl("/bin/sh", "sh", "-c", cmdline, (char *)NULL);
			_exit(127);
		}
		_exit(gpid < 0);
	}
	/* The child only forks: a moment.  ECHILD: reaped elsewhere. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}
