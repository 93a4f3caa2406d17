/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running daemon does beside its checks, from ldirectord's
 * ld_main loop and ld_init: the status file (status.h) every second when
 * it changed, check_cfgfile every checkinterval (autoreload, callback),
 * the email alerts (email.h) and their repeats, execute= (another
 * xlvs-healthd started for each file, reloaded with ours, stopped at our
 * exit), and the daemon's status for the alerts.  daemon.c calls these at
 * its start, reload and stop; main.c sets the files first.
 */
#ifndef XLVS_HEALTHD_OPS_H
#define XLVS_HEALTHD_OPS_H

#include "daemon.h"

struct hd_ops_conf {
	const char *statusfile;         /* NULL: none */
	const char *self;               /* our executable, for execute= */
};

void hd_ops_configure(const struct hd_ops_conf *c);
/* After the loop's base exists, before start-up. */
int hd_ops_attach(struct hd_daemon *d);
/* HD_EMAIL_STARTING / RUNNING / STOPPING / RELOADING. */
void hd_ops_set_status(unsigned status);
/* Before the stop: execute='s instances stopped. */
void hd_ops_stopping(struct hd_daemon *d);
/* After the stop: timers freed, the status file removed. */
void hd_ops_detach(struct hd_daemon *d);

/* check_cfgfile: 1 when the file's contents changed since the last call
 * (mtime, then the MD5 of the contents), else 0; digest is the state. */
struct hd_cfgwatch {
	struct timespec mtime;
	long long size, ino;
	unsigned char md5[16];
	bool have;
};
int hd_cfgwatch_poll(struct hd_cfgwatch *w, const char *path);

#endif
