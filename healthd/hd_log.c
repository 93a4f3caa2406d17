// SPDX-License-Identifier: GPL-2.0
/* The daemon's log (hd_log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "hd_log.h"

static struct {
	enum hd_log_to to;
	char path[4096];
	char cfgname[256];
	int debug;
	hd_log_sink_fn sink;
	void *sink_arg;
	bool sink_only;
} lg = { .to = HD_LOG_STDERR };

static const struct { const char *name; int fac; } facilities[] = {
	{ "auth", LOG_AUTH },       { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON },       { "daemon", LOG_DAEMON },
	{ "ftp", LOG_FTP },         { "kern", LOG_KERN },
	{ "lpr", LOG_LPR },         { "mail", LOG_MAIL },
	{ "news", LOG_NEWS },       { "syslog", LOG_SYSLOG },
	{ "user", LOG_USER },       { "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 },   { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 },   { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 },   { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 },   { "local7", LOG_LOCAL7 },
};

int hd_log_facility(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcasecmp(name, facilities[i].name))
			return facilities[i].fac;
	return -1;
}

int hd_log_open(const char *dest, const char *cfgname, bool foreground,
		bool supervised)
{
	snprintf(lg.cfgname, sizeof(lg.cfgname), "%s", cfgname ? cfgname : "");
	if (foreground || supervised) {
		lg.to = foreground ? HD_LOG_STDERR : HD_LOG_STDOUT;
		return 0;
	}
	if (dest && dest[0] == '/') {
		/* ldirectord's test open: the file must take appends. */
		int fd = open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return -errno;
		close(fd);
		snprintf(lg.path, sizeof(lg.path), "%s", dest);
		lg.to = HD_LOG_FILE;
		return 0;
	}
	int fac = hd_log_facility(dest && *dest ? dest : "daemon");

	if (fac < 0)
		return -EINVAL;
	openlog("xlvs-healthd", LOG_PID, fac);
	lg.to = HD_LOG_SYSLOG;
	return 0;
}

void hd_log_set_debug(int level)
{
	lg.debug = level;
}

void hd_log_set_sink(hd_log_sink_fn fn, void *arg, bool only)
{
	lg.sink = fn;
	lg.sink_arg = arg;
	lg.sink_only = fn && only;
}

/* perl's scalar localtime(): "Mon Dec  7 02:57:58 2026". */
static void log_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
}

static void log_write(const char *msg)
{
	char now[64];
	FILE *f;

	if (lg.sink)
		lg.sink(lg.sink_arg, msg);
	if (lg.sink_only)
		return;
	switch (lg.to) {
	case HD_LOG_STDERR:
		fprintf(stderr, "%s\n", msg);
		break;
	case HD_LOG_STDOUT:
		log_now(now, sizeof(now));
		printf("[%s] %s\n", now, msg);
		fflush(stdout);
		break;
	case HD_LOG_FILE:
		log_now(now, sizeof(now));
		f = fopen(lg.path, "ae");
		if (!f || fprintf(f, "[%s|%s|%d] %s\n", now, lg.cfgname,
				  (int)getpid(), msg) < 0)
			fprintf(stderr, "%s\n", msg);   /* as ld_log does */
		if (f)
			fclose(f);
		break;
	case HD_LOG_SYSLOG:
		syslog(LOG_INFO, "%s", msg);
		break;
	}
}

void hd_log(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_write(msg);
}

void hd_debug(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level > lg.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lg.sink)
		lg.sink(lg.sink_arg, msg);
	if (!lg.sink_only)
		fprintf(stderr, "%s\n", msg);
}
