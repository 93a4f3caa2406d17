// SPDX-License-Identifier: GPL-2.0
/* Messages: stderr until the daemon detaches, syslog after. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>
#include "syncd.h"

static bool to_syslog;

void syncd_log_daemon(void)
{
	openlog("xlvs-syncd", LOG_PID, LOG_DAEMON);
	to_syslog = true;
}

void syncd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fputs("xlvs-syncd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* Set by the signal handlers main.c installs; the loops end on it.  Here
 * so that the modules the tests link need no main. */
volatile sig_atomic_t syncd_stop;
