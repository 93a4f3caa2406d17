/* The daemon's log (log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

static struct {
	bool foreground, syslog;
	char logfile[FO_PATHLEN], debugfile[FO_PATHLEN];
	fo_log_sink_fn sink;
	void *sink_arg;
} lg = { .foreground = true };

/* cl_log's names, and syslog's levels for them. */
static const char *const prio_name[] = { "debug", "info", "WARN", "ERROR", "CRIT" };
static const int prio_level[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR, LOG_CRIT };

/* heartbeat's facility names (cl_syslogfac_str2int): syslog's. */
static int facility(const char *name)
{
	static const struct { const char *name; int fac; } f[] = {
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
		{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP }, { "kern", LOG_KERN },
		{ "lpr", LOG_LPR }, { "mail", LOG_MAIL }, { "news", LOG_NEWS },
		{ "syslog", LOG_SYSLOG }, { "user", LOG_USER }, { "uucp", LOG_UUCP },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcasecmp(name, f[i].name) == 0)
			return f[i].fac;
	return -1;
}

static int appendable(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int fo_log_open(const struct fo_hacf *cf, bool foreground, const char **bad)
{
	const char *fac = cf->logfacility;
	int r, f = -1;

	*bad = NULL;
	if (cf->logfile[0] && (r = appendable(cf->logfile)))
		return *bad = cf->logfile, r;
	if (cf->debugfile[0] && (r = appendable(cf->debugfile)))
		return *bad = cf->debugfile, r;
	if (!fac[0] && !cf->logfile[0] && !cf->debugfile[0])
		fac = "daemon";
	if (fac[0] && strcasecmp(fac, "none") != 0 && (f = facility(fac)) < 0)
		return *bad = "logfacility", -EINVAL;
	lg.foreground = foreground;
	snprintf(lg.logfile, sizeof(lg.logfile), "%s", cf->logfile);
	snprintf(lg.debugfile, sizeof(lg.debugfile), "%s", cf->debugfile);
	if (lg.syslog)
		closelog();
	lg.syslog = !foreground && f >= 0;
	if (lg.syslog)
		openlog("xlvs-failoverd", LOG_PID | LOG_NDELAY, f);
	return 0;
}

void fo_log_set_sink(fo_log_sink_fn fn, void *arg)
{
	lg.sink = fn;
	lg.sink_arg = arg;
}

static void to_file(const char *path, const char *stamp, enum fo_prio p, const char *msg)
{
	FILE *f = fopen(path, "ae");

	if (!f)
		return;
	fprintf(f, "xlvs-failoverd[%d]: %s %s: %s\n", (int)getpid(), stamp, prio_name[p], msg);
	fclose(f);
}

static void emit(enum fo_prio p, const char *msg)
{
	struct timespec ts;
	char stamp[32];
	struct tm tm;

	if (lg.sink)
		lg.sink(lg.sink_arg, p, msg);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (lg.foreground) {
		fprintf(stderr, "xlvs-failoverd[%d]: %ld.%03ld: %s%s%s\n", (int)getpid(),
			(long)ts.tv_sec, ts.tv_nsec / 1000000,
			p == FO_PRIO_INFO ? "" : prio_name[p], p == FO_PRIO_INFO ? "" : ": ", msg);
	}
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y/%m/%d_%H:%M:%S", &tm);
	if (lg.logfile[0] && p != FO_PRIO_DEBUG)
		to_file(lg.logfile, stamp, p, msg);
	if (lg.debugfile[0])
		to_file(lg.debugfile, stamp, p, msg);
	if (lg.syslog && p != FO_PRIO_DEBUG)
		syslog(prio_level[p], "%s: %s", prio_name[p], msg);
}

static void vlog(enum fo_prio p, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(p, msg);
}

void fo_logp(enum fo_prio prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

void fo_log(const char *fmt, ...)
{
	static const struct { const char *word; enum fo_prio p; } w[] = {
		{ "WARN: ", FO_PRIO_WARN }, { "WARNING: ", FO_PRIO_WARN },
		{ "ERROR: ", FO_PRIO_ERR }, { "CRIT: ", FO_PRIO_CRIT },
		{ "info: ", FO_PRIO_INFO }, { "debug: ", FO_PRIO_DEBUG },
	};
	char msg[1024];
	enum fo_prio p = FO_PRIO_INFO;
	const char *m = msg;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strncmp(msg, w[i].word, strlen(w[i].word)) == 0) {
			p = w[i].p;
			m = msg + strlen(w[i].word);
			break;
		}
	emit(p, m);
}
