// SPDX-License-Identifier: GPL-2.0
/*
 * The global directives, as read_config()'s outer loop takes them, with
 * its messages.  Where ldirectord does something at parse time beyond
 * reading (logfile and monitorfile opened, maintenancedir stat'ed) only
 * the last, harmless one is done here; the daemon opens files.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <syslog.h>
#include "config_int.h"

static void g_checktimeout(struct hd_cf *p, const char *val)
{
	hd_cf_count(p, val, &p->c->checktimeout, "invalid check timeout value");
}

static void g_negotiatetimeout(struct hd_cf *p, const char *val)
{
	hd_cf_count(p, val, &p->c->negotiatetimeout,
		    "invalid negotiate timeout value");
}

static void g_checkinterval(struct hd_cf *p, const char *val)
{
	hd_cf_count(p, val, &p->c->checkinterval, "invalid check interval value");
}

static void g_checkcount(struct hd_cf *p, const char *val)
{
	if (hd_cf_count(p, val, &p->c->checkcount, "invalid check count value"))
		hd_cf_warn(p, "checkcount option is deprecated and slated for "
			   "removal.  please see 'failurecount'");
}

static void g_failurecount(struct hd_cf *p, const char *val)
{
	hd_cf_count(p, val, &p->c->failurecount, "invalid failure count value");
}

static void g_deprecated(struct hd_cf *p, const char *val)
{
	(void)val;
	hd_cf_deprecated(p);
}

static void g_fallback(struct hd_cf *p, const char *val)
{
	hd_cf_fallback(p, val, AF_INET, NULL, "tcp", &p->c->fallback);
}

static void g_fallback6(struct hd_cf *p, const char *val)
{
	hd_cf_fallback(p, val, AF_INET6, NULL, "tcp", &p->c->fallback6);
}

/* A string that must not be empty, quotes per q. */
static void g_string(struct hd_cf *p, const char *val, enum hd_cf_quote q,
		     char **dst, const char *empty_msg)
{
	char *s = hd_cf_value(p, val, q);

	if (!s)
		return;
	if (!*s && empty_msg) {
		hd_cf_error(p, "%s", empty_msg);
		free(s);
		return;
	}
	free(*dst);
	*dst = s;
}

static void g_fallbackcommand(struct hd_cf *p, const char *val)
{
	g_string(p, val, HD_CF_UNQUOTE, &p->c->fallbackcommand,
		 "invalid fallback command");
}

static void g_autoreload(struct hd_cf *p, const char *val)
{
	hd_cf_yesno(p, val, &p->c->autoreload);
}

static void g_callback(struct hd_cf *p, const char *val)
{
	g_string(p, val, HD_CF_QUOTED, &p->c->callback, "no callback given");
}

static const char *const facilities[] = {
	"auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail",
	"news", "syslog", "user", "uucp", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7",
};

static void g_logfile(struct hd_cf *p, const char *val)
{
	char *s = hd_cf_value(p, val, HD_CF_QUOTED);
	size_t i, n = sizeof(facilities) / sizeof(facilities[0]);

	if (!s)
		return;
	if (!*s) {
		hd_cf_error(p, "no log file or facility given");
		free(s);
		return;
	}
	for (i = 0; s[0] != '/' && i < n; i++)
		if (!strcmp(s, facilities[i]))
			break;
	if (s[0] != '/' && i == n) {
		/* ldirectord's openlog() refuses it when it starts. */
		hd_cf_error(p, "unable to open logfile: %s (neither a path "
			    "starting with / nor a syslog facility)", s);
		free(s);
		return;
	}
	free(p->c->logfile);
	p->c->logfile = s;
	p->c->logfile_syslog = s[0] != '/';
}

static void g_execute(struct hd_cf *p, const char *val)
{
	struct hd_config *c = p->c;
	char *s = NULL, **a;

	g_string(p, val, HD_CF_UNQUOTE, &s, "no configuration given");
	if (!s)
		return;
	for (size_t i = 0; i < c->nexecute; i++) {
		if (!strcmp(c->execute[i], s)) {   /* ldirectord's is a set */
			free(s);
			return;
		}
	}
	a = reallocarray(c->execute, c->nexecute + 1, sizeof(*a));
	if (!a) {
		p->nomem = true;
		free(s);
		return;
	}
	c->execute = a;
	c->execute[c->nexecute++] = s;
}

static void g_fork(struct hd_cf *p, const char *val)
{
	hd_cf_yesno(p, val, &p->c->fork);
}

static void g_supervised(struct hd_cf *p, const char *val)
{
	if (!val) {
		p->c->supervised = true;
		hd_cf_warn(p, "please update your config not to use a bare "
			   "supervised directive");
		return;
	}
	hd_cf_yesno(p, val, &p->c->supervised);
}

static void g_quiescent(struct hd_cf *p, const char *val)
{
	hd_cf_yesno(p, val, &p->c->quiescent);
}

static void g_readdquiescent(struct hd_cf *p, const char *val)
{
	hd_cf_yesno(p, val, &p->c->readdquiescent);
}

static void g_cleanstop(struct hd_cf *p, const char *val)
{
	hd_cf_yesno(p, val, &p->c->cleanstop);
}

void hd_cf_emailalert(struct hd_cf *p, const char *val, char **dst)
{
	g_string(p, val, HD_CF_UNQUOTE, dst, "no email address specified");
}

static void g_emailalert(struct hd_cf *p, const char *val)
{
	hd_cf_emailalert(p, val, &p->c->emailalert);
}

static void g_emailalertfreq(struct hd_cf *p, const char *val)
{
	unsigned long v;

	if (!hd_cf_uint(val, HD_CF_MAX_SECONDS, &v))
		hd_cf_error(p, "invalid email alert frequency");
	else
		p->c->emailalertfreq = (unsigned)v;
}

static void g_emailalertstatus(struct hd_cf *p, const char *val)
{
	hd_cf_emailstatus(p, val, &p->c->emailalertstatus);
}

static void g_emailalertfrom(struct hd_cf *p, const char *val)
{
	g_string(p, val, HD_CF_RAW, &p->c->emailalertfrom,
		 "no email from address specified");
}

void hd_cf_smtp(struct hd_cf *p, const char *val, char **dst)
{
	if (!hd_cf_is_hostname(val, strlen(val), true)) {
		hd_cf_error(p, "invalid SMTP server address");
		return;
	}
	hd_cf_set_str(p, dst, val);
}

static void g_smtp(struct hd_cf *p, const char *val)
{
	hd_cf_smtp(p, val, &p->c->smtp);
}

static void g_maintenancedir(struct hd_cf *p, const char *val)
{
	char *s = NULL;
	struct stat st;

	g_string(p, val, HD_CF_UNQUOTE, &s, "maintenance directory not specified");
	if (!s)
		return;
	free(p->c->maintenancedir);
	p->c->maintenancedir = s;
	if (stat(s, &st) || !S_ISDIR(st.st_mode))
		hd_cf_warn(p, "maintenance directory does not exist");
}

static const struct {
	const char *name;
	void (*fn)(struct hd_cf *p, const char *val);
} globals[] = {
	{ "checktimeout", g_checktimeout },
	{ "connecttimeout", g_deprecated },
	{ "negotiatetimeout", g_negotiatetimeout },
	{ "checkinterval", g_checkinterval },
	{ "checkcount", g_checkcount },
	{ "failurecount", g_failurecount },
	{ "fallback", g_fallback },
	{ "fallback6", g_fallback6 },
	{ "fallbackcommand", g_fallbackcommand },
	{ "autoreload", g_autoreload },
	{ "callback", g_callback },
	{ "logfile", g_logfile },
	{ "execute", g_execute },
	{ "fork", g_fork },
	{ "supervised", g_supervised },
	{ "quiescent", g_quiescent },
	{ "readdquiescent", g_readdquiescent },
	{ "emailalert", g_emailalert },
	{ "emailalertfreq", g_emailalertfreq },
	{ "emailalertstatus", g_emailalertstatus },
	{ "emailalertfrom", g_emailalertfrom },
	{ "cleanstop", g_cleanstop },
	{ "smtp", g_smtp },
	{ "maintenancedir", g_maintenancedir },
	{ "timeout", g_deprecated },
};

bool hd_cf_is_global(const char *name)
{
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
		if (!strcmp(globals[i].name, name))
			return true;
	return false;
}

void hd_cf_global(struct hd_cf *p, const char *name, const char *val)
{
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
		if (!strcmp(globals[i].name, name)) {
			globals[i].fn(p, val);
			return;
		}
}
