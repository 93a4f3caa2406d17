// SPDX-License-Identifier: GPL-2.0
/*
 * Directive values: quotes, numbers, yes/no, emailalertstatus, service
 * names.  A value is taken whole: ldirectord's unanchored regexes let
 * "checkinterval=5s" through as 5 and "checktype=connect2" as "2"; here
 * trailing text is an error.  Quotes are straight ("...") or typographic
 * (U+201C ... U+201D, as text pasted from a document has them).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "config_int.h"

size_t hd_cf_open_quote(const char *s)
{
	if (s[0] == '"')
		return 1;
	if (!strncmp(s, "\xe2\x80\x9c", 3))
		return 3;
	return 0;
}

size_t hd_cf_close_quote(const char *s)
{
	if (s[0] == '"')
		return 1;
	if (!strncmp(s, "\xe2\x80\x9d", 3))
		return 3;
	return 0;
}

/* The closing quote's length when s (of length n) ends in one after an
 * opening one of length open; 0 if not. */
static size_t value_close_len(const char *s, size_t n, size_t open)
{
	if (n >= open + 1 && s[n - 1] == '"')
		return 1;
	if (n >= open + 3 && !strcmp(s + n - 3, "\xe2\x80\x9d"))
		return 3;
	return 0;
}

char *hd_cf_value(struct hd_cf *p, const char *val, enum hd_cf_quote q)
{
	size_t n = strlen(val), open = hd_cf_open_quote(val), close;

	if (q == HD_CF_RAW)
		return hd_cf_strdup(p, val);
	if (!open) {
		if (q == HD_CF_QUOTED) {
			hd_cf_error(p, "the value must be in quotes (\"...\")");
			return NULL;
		}
		return hd_cf_strdup(p, val);
	}
	close = value_close_len(val, n, open);
	if (!close) {
		hd_cf_error(p, "no closing quote at the end of the value");
		return NULL;
	}
	return hd_cf_strndup(p, val + open, n - open - close);
}

bool hd_cf_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return true;
}

bool hd_cf_count(struct hd_cf *p, const char *val, unsigned *out,
		 const char *msg)
{
	unsigned long v;

	if (!hd_cf_uint(val, HD_CF_MAX_SECONDS, &v) || !v) {
		hd_cf_error(p, "%s (a number 1..%u)", msg, HD_CF_MAX_SECONDS);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

bool hd_cf_yesno(struct hd_cf *p, const char *val, bool *out)
{
	if (val && !strcmp(val, "yes")) {
		*out = true;
		return true;
	}
	if (val && !strcmp(val, "no")) {
		*out = false;
		return true;
	}
	hd_cf_error(p, "must be 'yes' or 'no'");
	return false;
}

void hd_cf_deprecated(struct hd_cf *p)
{
	if (!strcmp(p->directive, "connecttimeout"))
		hd_cf_error(p, "connecttimeout directive deprecated in favour "
			    "of negotiatetimeout");
	else
		hd_cf_error(p, "timeout directive deprecated in favour of "
			    "checktimeout and negotiatetimeout");
}

static const struct {
	const char *name;
	unsigned bits;
} email_status[] = {
	{ "all", HD_EMAIL_ALL },
	{ "starting", HD_EMAIL_STARTING },
	{ "running", HD_EMAIL_RUNNING },
	{ "stopping", HD_EMAIL_STOPPING },
	{ "reloading", HD_EMAIL_RELOADING },
};

/* As parse_emailalertstatus: a comma list; "none" alone means none. */
bool hd_cf_emailstatus(struct hd_cf *p, const char *val, unsigned *out)
{
	char item[64];
	bool none = false, ok = true;
	const char *s, *e;
	unsigned bits = 0;
	size_t i, n;

	for (int pass = 0; pass < 2; pass++) {
		for (s = val; *s; s = *e ? e + 1 : e) {
			while (*s == ' ' || *s == '\t')
				s++;
			e = strchr(s, ',');
			if (!e)
				e = s + strlen(s);
			n = (size_t)(e - s);
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
				n--;
			snprintf(item, sizeof(item), "%.*s", (int)n, s);
			if (!strcmp(item, "none")) {
				none = true;
				continue;
			}
			if (!pass)
				continue;
			for (i = 0; i < sizeof(email_status) / sizeof(email_status[0]); i++)
				if (!strcmp(item, email_status[i].name))
					break;
			if (i == sizeof(email_status) / sizeof(email_status[0])) {
				hd_cf_error(p, "invalid email alert status at: \"%s\"", item);
				ok = false;
			} else {
				bits |= email_status[i].bits;
			}
			if (none) {
				hd_cf_error(p, "invalid email alert status: \"%s\" "
					    "specified with \"none\"", item);
				ok = false;
			}
		}
	}
	*out = bits;
	return ok;
}

static const struct {
	const char *name;
	uint16_t port;                /* ld_service_to_port's; 0: none */
} services[HD_SVC_COUNT] = {
	[HD_SVC_NONE] = { "none", 0 },
	[HD_SVC_DNS] = { "dns", 53 },
	[HD_SVC_FTP] = { "ftp", 21 },
	[HD_SVC_HTTP] = { "http", 80 },
	[HD_SVC_HTTPS] = { "https", 443 },
	[HD_SVC_HTTP_PROXY] = { "http_proxy", 3128 },
	[HD_SVC_IMAP] = { "imap", 143 },
	[HD_SVC_IMAPS] = { "imaps", 993 },
	[HD_SVC_LDAP] = { "ldap", 389 },
	[HD_SVC_LDAPS] = { "ldaps", 636 },
	[HD_SVC_MYSQL] = { "mysql", 3306 },
	[HD_SVC_NNTP] = { "nntp", 119 },
	[HD_SVC_ORACLE] = { "oracle", 1521 },
	[HD_SVC_PGSQL] = { "pgsql", 5432 },
	[HD_SVC_POP] = { "pop", 110 },
	[HD_SVC_POPS] = { "pops", 995 },
	[HD_SVC_RADIUS] = { "radius", 1812 },
	[HD_SVC_SIMPLETCP] = { "simpletcp", 0 },
	[HD_SVC_SIP] = { "sip", 5060 },
	[HD_SVC_SMTP] = { "smtp", 25 },
	[HD_SVC_SUBMISSION] = { "submission", 587 },
};

int hd_cf_service_by_name(const char *name)
{
	for (int i = 0; i < HD_SVC_COUNT; i++)
		if (!strcmp(services[i].name, name))
			return i;
	return -1;
}

/* ld_port_to_service: the virtual's port decides; other ports none. */
enum hd_service hd_cf_service_by_port(unsigned port)
{
	for (int i = 0; i < HD_SVC_COUNT; i++)
		if (services[i].port && services[i].port == port)
			return (enum hd_service)i;
	return HD_SVC_NONE;
}

uint16_t hd_cf_service_port(enum hd_service s)
{
	return (unsigned)s < HD_SVC_COUNT ? services[s].port : 0;
}
