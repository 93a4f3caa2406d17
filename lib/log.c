// SPDX-License-Identifier: GPL-2.0
/* Library messages go to a callback the program installs; by default none. */
#include <stdarg.h>
#include <stdio.h>
#include <xlvs/libxlvs.h>
#include "internal.h"

static xlvs_log_fn log_fn;

xlvs_log_fn xlvs_set_log(xlvs_log_fn fn)
{
	xlvs_log_fn old = log_fn;

	log_fn = fn;
	return old;
}

void xlvs_logf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_fn(buf);
}
