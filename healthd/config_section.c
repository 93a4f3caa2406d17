// SPDX-License-Identifier: GPL-2.0
/*
 * The lines of a virtual section, as read_config()'s inner loop takes
 * them, with its messages (the directive's name leads each, so where
 * ldirectord's message starts with the name it is not said twice).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config_int.h"

typedef void (*section_fn)(struct hd_cf *p, struct hd_virtual *v,
			   const char *val);

/* A string directive: quotes per q, empty refused with msg (NULL: taken). */
static void s_string(struct hd_cf *p, const char *val, enum hd_cf_quote q,
		     char **dst, const char *msg)
{
	char *s = hd_cf_value(p, val, q);

	if (!s)
		return;
	if (!*s && msg) {
		hd_cf_error(p, "%s", msg);
		free(s);
		return;
	}
	free(*dst);
	*dst = s;
}

static void s_real(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	bool v6 = !strcmp(p->directive, "real6");

	if (v6 != v->virtual6) {
		hd_cf_error(p, "cannot specify \"%s\" here.  please use \"real%s\" "
			    "instead", p->directive, v->virtual6 ? "6" : "");
		return;
	}
	hd_cf_real(p, val, v6);
}

/* ldirectord keeps a request with a '/' in front. */
static void s_request(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	char *s = NULL, *r;

	s_string(p, val, HD_CF_QUOTED, &s, "no request string specified");
	if (!s)
		return;
	if (s[0] != '/') {
		if (asprintf(&r, "/%s", s) < 0) {
			p->nomem = true;
			r = NULL;
		}
		free(s);
		s = r;
	}
	if (s) {
		free(v->request);
		v->request = s;
	}
}

static void s_receive(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_QUOTED, &v->receive, "invalid receive string");
	hd_cf_regex_ok(p, v->receive);
}

static const struct {
	const char *name;
	enum hd_checktype type;
} checktypes[] = {
	{ "connect", HD_CT_CONNECT }, { "negotiate", HD_CT_NEGOTIATE },
	{ "ping", HD_CT_PING }, { "off", HD_CT_OFF }, { "on", HD_CT_ON },
	{ "external", HD_CT_EXTERNAL }, { "external-perl", HD_CT_EXTERNAL_PERL },
};

static void s_checktype(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	unsigned long n;

	if (hd_cf_uint(val, HD_CF_MAX_SECONDS, &n)) {
		v->checktype = HD_CT_COMBINED;
		v->num_connects = (unsigned)n;
		return;
	}
	for (size_t i = 0; i < sizeof(checktypes) / sizeof(checktypes[0]); i++) {
		if (!strcmp(val, checktypes[i].name)) {
			v->checktype = checktypes[i].type;
			return;
		}
	}
	hd_cf_error(p, "must be \"connect\", \"negotiate\", \"on\", \"off\", "
		    "\"ping\", \"external\", \"external-perl\" or a positive "
		    "number");
}

static void s_checkcommand(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_UNQUOTE, &v->checkcommand, "invalid check command");
}

static void s_checktimeout(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	hd_cf_count(p, val, &v->checktimeout, "invalid check timeout");
}

static void s_negotiatetimeout(struct hd_cf *p, struct hd_virtual *v,
			       const char *val)
{
	hd_cf_count(p, val, &v->negotiatetimeout, "invalid negotiate timeout");
}

static void s_deprecated(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	(void)v, (void)val;
	hd_cf_deprecated(p);
}

static void s_checkcount(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	if (hd_cf_count(p, val, &v->checkcount, "invalid check count"))
		hd_cf_warn(p, "checkcount option is deprecated and slated for "
			   "removal.  please see 'failurecount'");
}

static void s_failurecount(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	hd_cf_count(p, val, &v->failurecount, "invalid failure count");
}

static void s_checkinterval(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	hd_cf_count(p, val, &v->checkinterval, "invalid checkinterval");
}

static void s_checkport(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	unsigned long n;

	if (!hd_cf_uint(val, ~0ul, &n))
		hd_cf_error(p, "invalid port");
	else if (n < 1 || n > 65535)
		hd_cf_error(p, "must be in range 1..65535");
	else
		v->checkport = (uint16_t)n;
}

static void s_login(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_QUOTED, &v->login, "invalid login string");
}

static void s_passwd(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_QUOTED, &v->passwd, "invalid password");
}

static void s_database(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_QUOTED, &v->database, "invalid database");
}

static void s_secret(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_QUOTED, &v->secret, "invalid secret");
}

static bool all_of(const char *s, int (*cls)(int))
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!cls((unsigned char)*s))
			return false;
	return true;
}

/* Perl's \w, in the C locale. */
static int is_word(int c)
{
	return isalnum(c) || c == '_';
}

static int is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static void s_load(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	char *s = hd_cf_value(p, val, HD_CF_QUOTED);

	if (s && !all_of(s, is_word)) {
		hd_cf_error(p, "invalid string for load testing");
		free(s);
		s = NULL;
	}
	if (s) {
		free(v->load);
		v->load = s;
	}
}

static void s_scheduler(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	if (!all_of(val, is_lower))
		hd_cf_error(p, "invalid scheduler, should be only lowercase "
			    "letters (a-z)");
	else if (!xlvs_sched_known(val))
		hd_cf_error(p, "unknown scheduler \"%s\" (xlvs has those of "
			    "ipvsadm -s)", val);
	else
		hd_cf_set_str(p, &v->scheduler, val);
}

static void s_persistent(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	unsigned long n;

	if (!hd_cf_uint(val, UINT32_MAX, &n)) {
		hd_cf_error(p, "invalid persistent timeout");
		return;
	}
	v->persistent = (uint32_t)n;
	v->persistent_set = true;
}

static void s_schedflags(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	if (!*val || strpbrk(val, " \t"))
		hd_cf_error(p, "invalid sched-flags");
	else
		hd_cf_set_str(p, &v->schedflags, val);
}

static bool netmask_v4(const char *s, uint32_t *out)
{
	unsigned long o[4];
	char part[4][8];
	int n = 0;

	if (strlen(s) > 15 || sscanf(s, "%7[0-9].%7[0-9].%7[0-9].%7[0-9]%n",
				     part[0], part[1], part[2], part[3], &n) != 4 ||
	    s[n])
		return false;
	for (int i = 0; i < 4; i++)
		if (!hd_cf_uint(part[i], 255, &o[i]))
			return false;
	*out = htonl((uint32_t)(o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]));
	return true;
}

static void s_netmask(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	unsigned long n;

	if (v->virtual6) {
		if (!hd_cf_uint(val, 128, &n) || !n) {
			hd_cf_error(p, "invalid netmask: a prefix length between "
				    "1 and 128 is required");
			return;
		}
		v->netmask = (uint32_t)n;
	} else if (!netmask_v4(val, &v->netmask)) {
		hd_cf_error(p, "invalid netmask: dotted quad notation is required");
		return;
	}
	v->netmask_set = true;
}

static void s_protocol(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	if (!all_of(val, is_word))
		hd_cf_error(p, "invalid protocol");
	else if (p->sec.fwmark && strcmp(val, "fwm"))
		hd_cf_error(p, "protocol must be fwm if the virtual service is "
			    "a fwmark (a number)");
	else if (p->sec.fwmark)
		;       /* the virtual= line is refused already */
	else if (!strcmp(val, "tcp"))
		v->proto = IPPROTO_TCP;
	else if (!strcmp(val, "udp"))
		v->proto = IPPROTO_UDP;
	else
		hd_cf_error(p, "protocol must be tcp or udp if the virtual service "
			    "is an address and port");
}

static void s_ops(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	hd_cf_yesno(p, val, &v->ops);
}

/* As read_config at a service= line naming ftp or sip (not when the port
 * picks the service, as its manual has it): a login not given yet is
 * anonymous for ftp and ldirectord@HOSTNAME for sip, an ftp password
 * ldirectord@HOSTNAME.  One given later replaces it. */
static void s_logins(struct hd_cf *p, struct hd_virtual *v)
{
	char host[256], who[300];
	const char *h = getenv("HOSTNAME");

	if (v->service != HD_SVC_FTP && v->service != HD_SVC_SIP)
		return;
	if (!h || !*h) {
		if (gethostname(host, sizeof(host)))
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = 0;
		h = host;
	}
	snprintf(who, sizeof(who), "ldirectord@%s", h);
	if (!v->login)
		v->login = hd_cf_strdup(p, v->service == HD_SVC_FTP ?
					"anonymous" : who);
	if (v->service == HD_SVC_FTP && !v->passwd)
		v->passwd = hd_cf_strdup(p, who);
}

static void s_service(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	int s = hd_cf_service_by_name(val);

	if (s < 0) {
		hd_cf_error(p, "service must be dns, ftp, http, https, http_proxy, "
			    "imap, imaps, ldap, ldaps, mysql, nntp, none, oracle, "
			    "pop, pops, radius, pgsql, simpletcp, sip, smtp or "
			    "submission");
		return;
	}
	v->service = (enum hd_service)s;
	p->sec.service_set = true;
	s_logins(p, v);
}

static void s_httpmethod(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	if (strcasecmp(val, "GET") && strcasecmp(val, "HEAD"))
		hd_cf_error(p, "must be GET or HEAD");
	else
		hd_cf_set_str(p, &v->httpmethod, strcasecmp(val, "GET") ? "HEAD" : "GET");
}

static void s_virtualhost(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_UNQUOTE, &v->virtualhost, "invalid virtualhost");
}

/* Settled at the section's end (hd_cf_virtual_close). */
static void s_fallback(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	struct hd_cf_vsec *sec = &p->sec;
	bool v6 = !strcmp(p->directive, "fallback6");

	if (v6 != v->virtual6) {
		hd_cf_error(p, "cannot specify \"%s\" here.  please use "
			    "\"fallback%s\" instead", p->directive,
			    v->virtual6 ? "6" : "");
		return;
	}
	hd_cf_set_str(p, &sec->fallback_text, val);
	sec->fallback_line = p->line;
	sec->fallback_name = v6 ? "fallback6" : "fallback";
}

static void s_fallbackcommand(struct hd_cf *p, struct hd_virtual *v,
			      const char *val)
{
	s_string(p, val, HD_CF_UNQUOTE, &v->fallbackcommand,
		 "invalid fallback command");
}

static void s_tristate(struct hd_cf *p, const char *val, enum hd_tristate *t)
{
	bool b;

	if (hd_cf_yesno(p, val, &b))
		*t = b ? HD_YES : HD_NO;
}

static void s_quiescent(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_tristate(p, val, &v->quiescent);
}

static void s_cleanstop(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_tristate(p, val, &v->cleanstop);
}

static void s_emailalert(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	hd_cf_emailalert(p, val, &v->emailalert);
}

static void s_emailalertfreq(struct hd_cf *p, struct hd_virtual *v,
			     const char *val)
{
	unsigned long n;

	if (!hd_cf_uint(val, HD_CF_MAX_SECONDS, &n))
		hd_cf_error(p, "invalid email alert frequency");
	else
		v->emailalertfreq = (long)n;
}

static void s_emailalertstatus(struct hd_cf *p, struct hd_virtual *v,
			       const char *val)
{
	unsigned bits;

	if (hd_cf_emailstatus(p, val, &bits))
		v->emailalertstatus = (int)bits;
}

static void s_monitorfile(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_UNQUOTE, &v->monitorfile,
		 "unable to open monitorfile: no file given");
}

static void s_smtp(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	hd_cf_smtp(p, val, &v->smtp);
}

static void s_servicename(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_RAW, &v->servicename, NULL);
}

static void s_comment(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	s_string(p, val, HD_CF_RAW, &v->comment, NULL);
}

static const struct {
	const char *name;
	section_fn fn;
} section[] = {
	{ "real", s_real }, { "real6", s_real },
	{ "request", s_request }, { "receive", s_receive },
	{ "checktype", s_checktype }, { "checkcommand", s_checkcommand },
	{ "checktimeout", s_checktimeout }, { "connecttimeout", s_deprecated },
	{ "timeout", s_deprecated },
	{ "negotiatetimeout", s_negotiatetimeout },
	{ "checkcount", s_checkcount }, { "failurecount", s_failurecount },
	{ "checkinterval", s_checkinterval }, { "checkport", s_checkport },
	{ "login", s_login }, { "passwd", s_passwd },
	{ "database", s_database }, { "secret", s_secret },
	{ "load", s_load }, { "scheduler", s_scheduler },
	{ "persistent", s_persistent }, { "schedflags", s_schedflags },
	{ "netmask", s_netmask }, { "protocol", s_protocol },
	{ "ops", s_ops }, { "service", s_service },
	{ "httpmethod", s_httpmethod }, { "virtualhost", s_virtualhost },
	{ "fallback", s_fallback }, { "fallback6", s_fallback },
	{ "fallbackcommand", s_fallbackcommand },
	{ "quiescent", s_quiescent }, { "emailalert", s_emailalert },
	{ "emailalertfreq", s_emailalertfreq },
	{ "emailalertstatus", s_emailalertstatus },
	{ "monitorfile", s_monitorfile }, { "cleanstop", s_cleanstop },
	{ "smtp", s_smtp }, { "servicename", s_servicename },
	{ "comment", s_comment },
};

bool hd_cf_is_virtual(const char *name)
{
	for (size_t i = 0; i < sizeof(section) / sizeof(section[0]); i++)
		if (!strcmp(section[i].name, name))
			return true;
	return false;
}

void hd_cf_virtual_line(struct hd_cf *p, const char *name, const char *val)
{
	if (!p->sec.v)
		return;
	for (size_t i = 0; i < sizeof(section) / sizeof(section[0]); i++)
		if (!strcmp(section[i].name, name)) {
			section[i].fn(p, p->sec.v, val);
			return;
		}
}
