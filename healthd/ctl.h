/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands that talk to a running daemon through its pid file, as
 * ldirectord's ld_init: stop (TERM), reload / force-reload (HUP), status
 * (the pid, then the daemon's status file), restart / try-restart (TERM,
 * wait for the pid file to go, then start).  A pid file is live when
 * /proc/PID/cmdline names xlvs-healthd (ldirectord: "ldirectord").
 */
#ifndef XLVS_HEALTHD_CTL_H
#define XLVS_HEALTHD_CTL_H

#include <stdbool.h>
#include <sys/types.h>

#include "cli.h"

/* 1 with *pid when the file names a live xlvs-healthd, 0 when not
 * (*filepid: the pid it holds, 0 if none or unreadable). */
int hd_pid_live(const char *pidfile, pid_t *pid, pid_t *filepid);
/* The pid written atomically (a temporary file renamed): 0 or -errno. */
int hd_pid_write(const char *pidfile, pid_t pid);

struct hd_ctl {
	const struct hd_cli *cli;
	const char *config;             /* the path found */
	const char *pidfile, *statusfile;
};

/* Runs cli's command against the running daemon.  Returns the exit status,
 * or -1 when the caller is to start the daemon (start or restart). */
int hd_ctl_run(const struct hd_ctl *c);

#endif
