/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's log, as ldirectord's ld_log: a file path (opened, appended
 * and closed per message, so logrotate needs no signal; lines
 * "[<localtime>|<cfgname>|<pid>] msg"), a syslog facility name, stderr in
 * the foreground (-d: the bare message), or stdout when supervised
 * ("[<localtime>] msg").  Messages whose wording ldirectord scripts grep
 * for are written by their callers exactly as ldirectord writes them.
 */
#ifndef XLVS_HEALTHD_HD_LOG_H
#define XLVS_HEALTHD_HD_LOG_H

#include <stdbool.h>

enum hd_log_to { HD_LOG_STDERR, HD_LOG_STDOUT, HD_LOG_FILE, HD_LOG_SYSLOG };

/* Where messages go from now on: dest is ldirectord's logfile value (a
 * path if it starts with '/', else a facility); foreground and supervised
 * override it as ldirectord's -d and supervised=yes do.  -EINVAL for an
 * unknown facility, -errno when the file cannot be opened for appending;
 * the previous destination stays then. */
int hd_log_open(const char *dest, const char *cfgname, bool foreground,
		bool supervised);
/* Debug messages (ldirectord's ld_debug) are written only with -d. */
void hd_log_set_debug(int level);
void hd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hd_debug(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For tests: every message also (or, with only true, only) goes to fn. */
typedef void (*hd_log_sink_fn)(void *arg, const char *msg);
void hd_log_set_sink(hd_log_sink_fn fn, void *arg, bool only);

/* The facility for a syslog name ("daemon", "local0".."local7", ...), or
 * -1. */
int hd_log_facility(const char *name);

#endif
