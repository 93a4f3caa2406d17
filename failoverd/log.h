/* xlvs-failoverd's log, as heartbeat's (cluster-glue cl_log): ha.cf's
 * logfile gets every message but debug ones, debugfile every message,
 * each line "xlvs-failoverd[PID]: YYYY/MM/DD_HH:MM:SS PRIO: message"
 * (the file opened, appended and closed per message, so logrotate needs
 * no signal); logfacility sends them to syslog ("none": not at all).
 * With none of the three, heartbeat uses logd, which we have not:
 * syslog's daemon facility then.  In the foreground (-d) messages also
 * go to stderr, and not to syslog.  A message may start with heartbeat's
 * priority word ("WARN: ", "ERROR: ", "CRIT: ", "info: ", "debug: "):
 * fo_log takes its priority from it. */
#ifndef XLVS_FO_LOG_H
#define XLVS_FO_LOG_H

#include <stdbool.h>

struct fo_hacf;

enum fo_prio { FO_PRIO_DEBUG, FO_PRIO_INFO, FO_PRIO_WARN, FO_PRIO_ERR, FO_PRIO_CRIT };

/* From now on, where cf says; 0, or -errno with *bad the file that
 * cannot take appends (the old destinations stay then). */
int fo_log_open(const struct fo_hacf *cf, bool foreground, const char **bad);
void fo_logp(enum fo_prio prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For tests: every formatted message (without its prefix) also goes to fn. */
typedef void (*fo_log_sink_fn)(void *arg, enum fo_prio prio, const char *msg);
void fo_log_set_sink(fo_log_sink_fn fn, void *arg);

#endif
