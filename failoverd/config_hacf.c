/* ha.cf, read as heartbeat 3.0.6's parse_config reads it: '#' starts a
 * comment anywhere, the first word names the directive, and an ordinary
 * directive takes each further word as a separate value ("node a b" is
 * two nodes); media and a few others take the whole line.  Unlike
 * heartbeat, a directive we do not implement is refused, a value-less
 * directive is an error, and udpport after a bcast/ucast line (which
 * heartbeat would silently not apply to it) is an error. */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_hacf_int.h"

void hacf_store(struct hacf_ctx *c, const char *name, const char *value)
{
	struct fo_option *o;

	if (c->cf->nopt >= FO_MAXOPTS) {
		HACF_ERR(c, "too many directives (more than %d)", FO_MAXOPTS);
		return;
	}
	o = &c->cf->opt[c->cf->nopt];
	if (!fo_copy(o->name, sizeof(o->name), name) || !fo_copy(o->value, sizeof(o->value), value)) {
		HACF_ERR(c, "%s: value too long", name);
		return;
	}
	o->line = c->line;
	c->cf->nopt++;
}

static bool set_time(struct hacf_ctx *c, const char *w, long *dst, long min, unsigned *line)
{
	long v = fo_parse_msec(w);

	if (v < min) {
		HACF_ERR(c, "%s: invalid time [%s] (seconds, or a number with ms)", c->dir, w);
		return false;
	}
	if (line && *line)
		HACF_WARN(c, "%s given again (line %u): the last value counts", c->dir, *line);
	*dst = v;
	if (line)
		*line = c->line;
	return true;
}

static void d_keepalive(struct hacf_ctx *c, const char *w)
{
	set_time(c, w, &c->cf->keepalive_ms, 1, &c->keepalive_line);
}

static void d_deadtime(struct hacf_ctx *c, const char *w)
{
	set_time(c, w, &c->cf->deadtime_ms, 0, &c->deadtime_line);
}

static void d_warntime(struct hacf_ctx *c, const char *w)
{
	if (set_time(c, w, &c->cf->warntime_ms, 1, &c->warntime_line))
		c->warntime_set = true;
}

static void d_initdead(struct hacf_ctx *c, const char *w)
{
	if (set_time(c, w, &c->cf->initdead_ms, 0, &c->initdead_line))
		c->initdead_set = true;
}

static void d_deadping(struct hacf_ctx *c, const char *w)
{
	if (set_time(c, w, &c->cf->deadping_ms, 0, &c->deadping_line))
		c->deadping_set = true;
}

static void d_udpport(struct hacf_ctx *c, const char *w)
{
	long p = strspn(w, "0123456789") == strlen(w) && strlen(w) <= 5 ? atol(w) : 0;

	if (p <= 0 || p > 65535) {
		HACF_ERR(c, "invalid port [%s] specified.", w);
		return;
	}
	/* heartbeat's bcast/ucast read udpport when their line is read. */
	if (c->media_line) {
		HACF_ERR(c, "udpport setting must precede media statements (line %u)",
			 c->media_line);
		return;
	}
	c->cf->udpport = (uint16_t)p;
	c->udpport_set = true;
}

static void d_node(struct hacf_ctx *c, const char *w)
{
	if (strlen(w) >= FO_NAMELEN) {
		HACF_ERR(c, "node name [%s] too long", w);
		return;
	}
	for (unsigned i = 0; i < c->cf->nnodes; i++)
		if (strcasecmp(c->cf->nodes[i], w) == 0) {
			HACF_ERR(c, "node [%s] listed twice", w);
			return;
		}
	if (c->cf->nnodes >= FO_MAXNODES) {
		HACF_ERR(c, "more than %d nodes", FO_MAXNODES);
		return;
	}
	/* heartbeat keeps node names in lower case and matches src= so. */
	char *n = c->cf->nodes[c->cf->nnodes++];
	for (size_t i = 0; i <= strlen(w); i++)
		n[i] = (char)tolower((unsigned char)w[i]);
}

static void d_auto_failback(struct hacf_ctx *c, const char *w)
{
	int b = hacf_bool(w);

	if (b < 0 && strcasecmp(w, "legacy") != 0) {
		HACF_ERR(c, "auto_failback: [%s] is not on, off or legacy", w);
		return;
	}
	c->cf->auto_failback = b < 0 ? FO_FAILBACK_LEGACY : b ? FO_FAILBACK_ON : FO_FAILBACK_OFF;
}

static void d_logfile(struct hacf_ctx *c, const char *w)
{
	char *dst = strcmp(c->dir, "logfile") == 0 ? c->cf->logfile : c->cf->debugfile;

	if (!fo_copy(dst, FO_PATHLEN, w))
		HACF_ERR(c, "%s: path too long", c->dir);
	c->logging_set = true;
}

static void d_logfacility(struct hacf_ctx *c, const char *w)
{
	static const char *const fac[] = {
		"none", "auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail",
		"news", "syslog", "user", "uucp", "local0", "local1", "local2", "local3",
		"local4", "local5", "local6", "local7",
	};

	for (size_t i = 0; i < sizeof(fac) / sizeof(fac[0]); i++)
		if (strcmp(w, fac[i]) == 0) {
			memcpy(c->cf->logfacility, w, strlen(w) + 1);
			c->logging_set = true;
			return;
		}
	HACF_ERR(c, "Log facility(%s) not valid", w);
}

static void d_use_logd(struct hacf_ctx *c, const char *w)
{
	int b = hacf_bool(w);

	if (b < 0)
		HACF_ERR(c, "use_logd: [%s] is not a boolean", w);
	else
		c->cf->use_logd = b;
}

static const struct directive directives[] = {
	{ "keepalive", D_WORD, d_keepalive, NULL, NULL },
	{ "deadtime", D_WORD, d_deadtime, NULL, NULL },
	{ "warntime", D_WORD, d_warntime, NULL, NULL },
	{ "initdead", D_WORD, d_initdead, NULL, NULL },
	{ "deadping", D_WORD, d_deadping, NULL, NULL },
	{ "udpport", D_WORD, d_udpport, NULL, NULL },
	{ "node", D_WORD, d_node, NULL, NULL },
	{ "auto_failback", D_WORD, d_auto_failback, NULL, NULL },
	{ "logfile", D_WORD, d_logfile, NULL, NULL },
	{ "debugfile", D_WORD, d_logfile, NULL, NULL },
	{ "logfacility", D_WORD, d_logfacility, NULL, NULL },
	{ "use_logd", D_WORD, d_use_logd, NULL, NULL },
	{ "bcast", D_WORD, hacf_bcast, NULL, NULL },
	{ "ping", D_WORD, hacf_ping, NULL, NULL },
	{ "mcast", D_LINE, NULL, hacf_mcast, NULL },
	{ "ucast", D_LINE, NULL, hacf_ucast, NULL },
	{ "ping_group", D_LINE, NULL, hacf_ping_group, NULL },
	{ "respawn", D_LINE, NULL, hacf_respawn, NULL },
	{ "apiauth", D_LINE, NULL, hacf_apiauth, NULL },
};

static const struct directive *find_directive(const char *name)
{
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strcmp(directives[i].name, name) == 0)
			return &directives[i];
	return hacf_find_option(name);
}

static void parse_line(struct hacf_ctx *c, char *p)
{
	char *hash = strchr(p, '#'), *name, *w;
	const struct directive *dv;

	if (hash)
		*hash = '\0';
	if (!(name = fo_word(&p)))
		return;
	if (!(dv = find_directive(name))) {
		HACF_ERR(c, "Illegal directive [%s]", name);
		return;
	}
	c->dir = dv->name;
	if (dv->kind == D_REFUSE) {
		HACF_ERR(c, "%s: %s", name, dv->refusal);
		return;
	}
	p += strspn(p, " \t");
	if (!*p) {
		HACF_ERR(c, "%s needs a value", name);
		return;
	}
	if (dv->kind == D_LINE) {
		dv->line(c, p);
		return;
	}
	while ((w = fo_word(&p)))
		dv->word(c, w);
}

int fo_hacf_parse(const char *file, const char *buf, size_t len, struct fo_hacf *cf,
		  struct fo_diag *d)
{
	struct hacf_ctx c = { .cf = cf, .d = d, .file = file };
	struct fo_lines it;
	unsigned nerr = d->nerr;

	memset(cf, 0, sizeof(*cf));
	cf->keepalive_ms = 1000;
	cf->deadtime_ms = 30000;
	fo_lines_init(&it, file, buf, len);
	while (fo_lines_next(&it, d)) {
		c.line = it.lineno;
		parse_line(&c, it.line);
	}
	c.line = 0;
	hacf_finish(&c);
	return d->nerr > nerr ? -EINVAL : 0;
}
