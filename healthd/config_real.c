// SPDX-License-Identifier: GPL-2.0
/*
 * real= / real6= lines, as _ld_read_config_real_resolve, add_real_server
 * and add_real_server_range take them:
 *   host[->host][:port] gate|masq|ipip [weight] ["request", "receive"]
 *       [l:N] [u:N]
 * with host an IPv4 address, a name, or [IPv6].  Stricter than ldirectord's
 * unanchored regexes (which read "192.168.6.2::5060 gate", in its own
 * example file, as the real server 0.0.19.196, i.e. "5060"), and the
 * thresholds also as the manual writes them, "<l:N>" / "<u:N>" (quoted
 * or not; ldirectord's code takes only bare l:N u:N, and reads the
 * manual's quoted form as a request/receive pair).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config_int.h"

/* One host of a real= line: "[v6]" or [A-Za-z0-9.-]+ up to "->" or ':'. */
static size_t real_host_len(const char *s)
{
	size_t n = 0;

	if (*s == '[') {
		const char *e = strchr(s, ']');

		return e && e > s + 1 ? (size_t)(e - s) + 1 : 0;
	}
	while (hd_cf_is_hostname(s + n, 1, false) && !(s[n] == '-' && s[n + 1] == '>'))
		n++;
	return n;
}

struct real_spec {
	char a1[256], a2[256], port[64];
	bool range;
};

/* The first word of the line; false: the wrong format. */
static bool real_spec_parse(const char *s, size_t len, struct real_spec *rs)
{
	size_t n = real_host_len(s), off;

	memset(rs, 0, sizeof(*rs));
	strcpy(rs->port, "0");
	if (!n || n >= sizeof(rs->a1))
		return false;
	memcpy(rs->a1, s, n);
	off = n;
	if (off + 1 < len && s[off] == '-' && s[off + 1] == '>') {
		off += 2;
		n = real_host_len(s + off);
		if (!n || n >= sizeof(rs->a2))
			return false;
		memcpy(rs->a2, s + off, n);
		rs->range = true;
		off += n;
	}
	if (off < len && s[off] == ':') {
		n = len - off - 1;
		if (n >= sizeof(rs->port) || !hd_cf_is_portname(s + off + 1, n))
			return false;
		memcpy(rs->port, s + off + 1, n);
		rs->port[n] = 0;
		off = len;
	}
	return off == len;
}

/* "[v6]" without its brackets. */
static const char *real_unbracket(char *h)
{
	size_t n = strlen(h);

	if (h[0] == '[' && n > 2 && h[n - 1] == ']') {
		h[n - 1] = 0;
		return h + 1;
	}
	return h;
}

/* A quoted string at *s into out (its inside); false if none. */
static bool real_quoted(struct hd_cf *p, const char **s, char **out)
{
	size_t open = hd_cf_open_quote(*s), close = 0;
	const char *e;

	if (!open)
		return false;
	for (e = *s + open; *e && !(close = hd_cf_close_quote(e)); e++)
		;
	if (!*e)
		return false;
	*out = hd_cf_strndup(p, *s + open, (size_t)(e - *s - open));
	*s = e + close;
	return *out != NULL;
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "l:N", "<l:N>", "\"<l:N>\"" (or u): which one and N; false if not one. */
static bool real_threshold(const char **s, char *which, uint32_t *n)
{
	const char *t = *s, *e;
	size_t q = hd_cf_open_quote(t);
	bool angle;
	unsigned long v;
	char num[16];
	size_t k;

	t += q;
	angle = *t == '<';
	t += angle;
	if ((*t != 'l' && *t != 'u') || t[1] != ':')
		return false;
	*which = *t;
	t += 2;
	k = strspn(t, "0123456789");
	if (!k || k >= sizeof(num))
		return false;
	memcpy(num, t, k);
	num[k] = 0;
	e = t + k;
	if (angle && *e++ != '>')
		return false;
	if (q && !(k = hd_cf_close_quote(e)))
		return false;
	e += q ? k : 0;
	if (*e && *e != ' ' && *e != '\t')
		return false;
	if (!hd_cf_uint(num, UINT32_MAX, &v))
		return false;
	*n = (uint32_t)v;
	*s = e;
	return true;
}

/* What follows the address: into r; false after an error. */
static bool real_flags(struct hd_cf *p, const char *s, struct hd_real *r)
{
	const char *w = s;
	unsigned long weight;
	char num[16], which;
	uint32_t t;
	size_t n = strcspn(w, " \t");
	int seen_l = 0, seen_u = 0;

	if (!hd_cf_fwd(w, n, &r->fwd)) {
		hd_cf_error(p, "forward method must be gate, masq or ipip");
		return false;
	}
	s = skip_blank(w + n);
	r->weight = 1;
	n = strspn(s, "0123456789");
	if (n && (!s[n] || s[n] == ' ' || s[n] == '\t')) {
		snprintf(num, sizeof(num), "%.*s", (int)n, s);
		if (n >= sizeof(num) || !hd_cf_uint(num, HD_CF_MAX_WEIGHT, &weight)) {
			hd_cf_error(p, "invalid weight %.*s (0..%u)", (int)n, s,
				    HD_CF_MAX_WEIGHT);
			return false;
		}
		r->weight = (uint32_t)weight;
		s = skip_blank(s + n);
	}
	w = s;
	if (hd_cf_open_quote(s) && !real_threshold(&w, &which, &t)) {
		if (!real_quoted(p, &s, &r->request))
			goto junk;
		s = skip_blank(s);
		if (*s == ',')
			s = skip_blank(s + 1);
		if (!*s) {
			hd_cf_error(p, "the request string has no receive string "
				    "after it");
			return false;
		}
		if (!real_quoted(p, &s, &r->receive))
			goto junk;
		if (!hd_cf_regex_ok(p, r->receive))
			return false;
		s = skip_blank(s);
	}
	for (w = s; *s && real_threshold(&w, &which, &t); s = w = skip_blank(w)) {
		if (which == 'l' ? seen_l++ : seen_u++)
			goto junk;      /* each once, as ldirectord */
		*(which == 'l' ? &r->l_threshold : &r->u_threshold) = t;
	}
	if (!*s)
		return true;
junk:
	hd_cf_error(p, "Invalid real server line, around \"%s\"", s);
	return false;
}

/* ldirectord keeps a request with a '/' in front. */
static bool real_request_slash(struct hd_cf *p, struct hd_real *r)
{
	char *q;

	if (!r->request || r->request[0] == '/')
		return true;
	if (asprintf(&q, "/%s", r->request) < 0) {
		p->nomem = true;
		return false;
	}
	free(r->request);
	r->request = q;
	return true;
}

static void real_clear(struct hd_real *r)
{
	free(r->request);
	free(r->receive);
}

/* One real server more in the open section, a copy of tmpl at addr. */
static bool real_add(struct hd_cf *p, const struct hd_real *tmpl,
		     const struct xlvs_endpoint *addr)
{
	struct hd_virtual *v = p->sec.v;
	struct hd_real *a, *r;

	if (v->nreals >= HD_CF_MAX_RANGE) {
		hd_cf_error(p, "more than %u real servers in one virtual service",
			    HD_CF_MAX_RANGE);
		return false;
	}
	if (p->nreals >= HD_CF_MAX_REALS) {
		hd_cf_error(p, "more than %u real servers in all", HD_CF_MAX_REALS);
		return false;
	}
	a = hd_cf_grow(p, v->reals, &p->sec.reals_cap, v->nreals, sizeof(*a));
	if (!a)
		return false;
	v->reals = a;
	r = &a[v->nreals];
	*r = *tmpl;
	r->addr = *addr;
	r->request = tmpl->request ? hd_cf_strdup(p, tmpl->request) : NULL;
	r->receive = tmpl->receive ? hd_cf_strdup(p, tmpl->receive) : NULL;
	v->nreals++;
	p->nreals++;
	return !p->nomem;
}

/* a->b: one real server per IPv4 address from a to b. */
static void real_range(struct hd_cf *p, const struct hd_real *tmpl,
		       const struct real_spec *rs, struct xlvs_endpoint *a,
		       const struct xlvs_endpoint *b)
{
	uint32_t first, last, ip;

	if (a->af == 6) {
		hd_cf_error(p, "Address range for IPv6 is not supported yet");
		return;
	}
	memcpy(&first, a->addr, 4);
	memcpy(&last, b->addr, 4);
	first = ntohl(first);
	last = ntohl(last);
	if (first > last) {
		hd_cf_error(p, "invalid range %s->%s: the first address is above "
			    "the last", rs->a1, rs->a2);
		return;
	}
	if (last - first >= HD_CF_MAX_RANGE) {
		hd_cf_error(p, "range %s->%s has more than %u addresses",
			    rs->a1, rs->a2, HD_CF_MAX_RANGE);
		return;
	}
	for (uint64_t i = first; i <= last; i++) {
		ip = htonl((uint32_t)i);
		memcpy(a->addr, &ip, 4);
		if (!real_add(p, tmpl, a))
			return;
	}
}

void hd_cf_real(struct hd_cf *p, const char *val, bool v6)
{
	struct hd_real tmpl = { .line = p->line };
	struct xlvs_endpoint a, b;
	struct real_spec rs;
	size_t n = strcspn(val, " \t");
	int af = v6 ? AF_INET6 : AF_INET;
	char h1[256], h2[256];

	if (!real_spec_parse(val, n, &rs)) {
		hd_cf_error(p, "invalid address for real server (wrong format)");
		return;
	}
	strcpy(h1, rs.a1);
	strcpy(h2, rs.a2);
	if (hd_cf_resolve(p, real_unbracket(h1), af, &a)) {
		hd_cf_error(p, "invalid address (%s) for real server (could not "
			    "resolve host)", rs.a1);
		return;
	}
	if (hd_cf_port(rs.port, NULL, &a.port)) {
		hd_cf_error(p, "invalid port (%s) for real server (could not "
			    "resolve port)", rs.port);
		return;
	}
	if (rs.range && hd_cf_resolve(p, real_unbracket(h2), af, &b)) {
		hd_cf_error(p, "invalid address (%s) for real server (could not "
			    "resolve end host)", rs.a2);
		return;
	}
	if (real_flags(p, skip_blank(val + n), &tmpl) &&
	    real_request_slash(p, &tmpl)) {
		if (rs.range)
			real_range(p, &tmpl, &rs, &a, &b);
		else
			real_add(p, &tmpl, &a);
	}
	real_clear(&tmpl);
}

static int real_key_cmp(const struct hd_real *a, const struct hd_real *b)
{
	int c = memcmp(a->addr.addr, b->addr.addr, sizeof(a->addr.addr));

	if (c)
		return c;
	return a->addr.port < b->addr.port ? -1 : a->addr.port > b->addr.port;
}

static int real_cmp(const void *x, const void *y)
{
	const struct hd_real *a = *(const struct hd_real *const *)x;
	const struct hd_real *b = *(const struct hd_real *const *)y;
	int c = real_key_cmp(a, b);

	return c ? c : a < b ? -1 : a > b;      /* then file order */
}

/* A real server twice in one virtual: ipvsadm -a would refuse the second
 * (ldirectord reads it, and its ipvsadm fails at run time). */
bool hd_cf_reals_check(struct hd_cf *p, struct hd_virtual *v)
{
	const struct hd_real **s;
	char addr[64];
	bool ok = true;
	size_t i;

	if (v->nreals < 2)
		return true;
	/* Listed in order (a range, most files): no two alike, no sort. */
	for (i = 1; i < v->nreals; i++)
		if (real_key_cmp(&v->reals[i - 1], &v->reals[i]) >= 0)
			break;
	if (i == v->nreals)
		return true;
	s = calloc(v->nreals, sizeof(*s));
	if (!s) {
		p->nomem = true;
		return false;
	}
	for (i = 0; i < v->nreals; i++)
		s[i] = &v->reals[i];
	qsort(s, v->nreals, sizeof(*s), real_cmp);
	for (i = 1; i < v->nreals; i++) {
		if (real_key_cmp(s[i - 1], s[i]))
			continue;
		xlvs_endpoint_format(&s[i]->addr, addr, sizeof(addr));
		hd_cf_error_at(p, s[i]->line, v->virtual6 ? "real6" : "real",
			       "duplicate real server %s (as at line %u)", addr,
			       s[i - 1]->line);
		ok = false;
	}
	free(s);
	return ok;
}
