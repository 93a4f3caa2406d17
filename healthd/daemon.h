/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon: a parsed configuration turned into the runtime picture
 * (daemon_build.c), start-up on the table, one libevent loop of checks
 * until TERM (or INT), and the stop (cleanstop).  HUP calls
 * daemon_reload's seam; stop/restart/status/pid files and autoreload are
 * built on top of hd_daemon_run's pieces.
 */
#ifndef XLVS_HEALTHD_DAEMON_H
#define XLVS_HEALTHD_DAEMON_H

#include <stdbool.h>

#include "config.h"
#include "hd_model.h"
#include "server_state.h"
#include "table_apply.h"

struct event_base;
struct hd_checker;
struct hd_sched;

struct hd_daemon {
	struct hd_config *cfg;          /* owned */
	struct hd_globals g;
	struct hd_vs *vs;
	size_t nvs;
	struct hd_table tbl;
	struct hd_state st;
	struct event_base *base;
	struct hd_checker *ck;
	struct hd_sched *sched;
	struct event *flush_ev;         /* applies the queued table edits */
	unsigned flush_ms;              /* how long the last flush took */
	int stop_signal;                /* what ended the loop */
	const char *path;               /* the configuration file */
};

/* The runtime picture of cfg (which d then owns): -errno (ENOMEM). */
int hd_daemon_build(struct hd_daemon *d, struct hd_config *cfg);
void hd_daemon_unbuild(struct hd_daemon *d);

struct hd_daemon_opts {
	bool foreground;                /* -d */
	const char *path;               /* the file (HUP reads it again) */
	const char *cfgname;            /* the file's base name, for the log */
};

/* Start-up, the loop until TERM/INT, the stop; the exit status. */
int hd_daemon_run(struct hd_config *cfg, const struct hd_daemon_opts *o);

/* Applies new_config (owned by d from now on) in place of the running
 * one, changing only what differs (reload.h); the servers' timers start
 * again with the new intervals.  -ENOMEM keeps the running one. */
int daemon_reload(struct hd_daemon *d, struct hd_config *new_config);
/* HUP: reads d->path again; a file with errors keeps the running
 * configuration, each error logged. */
void daemon_reread(struct hd_daemon *d);

#endif
