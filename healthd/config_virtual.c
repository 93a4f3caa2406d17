// SPDX-License-Identifier: GPL-2.0
/*
 * virtual= / virtual6= and the end of their section, as read_config()
 * opens a section and _ld_read_config_virtual_resolve settles it: the port
 * (a number, or a name looked up for the virtual's protocol, which the
 * section may still change) and what follows from it (the default service,
 * a fallback without a port) wait for the section's end.  fwmark services
 * are refused until the data plane has them; their lines are still read,
 * so every error comes out at once.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config_int.h"

static struct hd_virtual *virtual_new(struct hd_cf *p, const char *val, bool v6)
{
	struct hd_virtual *v = calloc(1, sizeof(*v));

	if (!v) {
		p->nomem = true;
		return NULL;
	}
	v->line = p->line;
	v->virtual6 = v6;
	v->proto = IPPROTO_TCP;
	v->vip.af = v6 ? 6 : 4;
	v->checktype = HD_CT_NEGOTIATE;
	v->quiescent = v->cleanstop = HD_UNSET;
	v->emailalertfreq = -1;
	v->emailalertstatus = -1;
	v->text = hd_cf_strdup(p, val);
	v->scheduler = hd_cf_strdup(p, "wrr");
	v->checkcommand = hd_cf_strdup(p, "/bin/true");
	v->request = hd_cf_strdup(p, "/");
	v->httpmethod = hd_cf_strdup(p, "GET");
	return v;
}

/* "host:port" or "[v6]:port" into host and port text; false if neither. */
static bool virtual_split(const char *val, bool v6, char *host, size_t hlen,
			  char *port, size_t plen)
{
	const char *colon, *h = val;
	size_t n;

	if (v6 && *val == '[') {
		const char *e = strchr(val, ']');

		if (!e || e[1] != ':')
			return false;
		h = val + 1;
		n = (size_t)(e - h);
		colon = e + 1;
	} else {
		colon = strchr(val, ':');
		if (!colon)
			return false;
		n = (size_t)(colon - val);
		if (!hd_cf_is_hostname(val, n, true))
			return false;
	}
	if (!n || n >= hlen || strlen(colon + 1) >= plen ||
	    !hd_cf_is_portname(colon + 1, strlen(colon + 1)))
		return false;
	memcpy(host, h, n);
	host[n] = 0;
	strcpy(port, colon + 1);
	return true;
}

/* The address now; the port at the section's end.  false: refused. */
static bool virtual_addr(struct hd_cf *p, struct hd_virtual *v, const char *val)
{
	struct hd_cf_vsec *sec = &p->sec;
	char host[256];
	int af = v->virtual6 ? AF_INET6 : AF_INET;

	if (*val && val[strspn(val, "0123456789")] == 0) {
		sec->fwmark = true;
		hd_cf_error(p, "fwmark services are not supported yet "
			    "(%s=%s)", p->directive, val);
		return false;
	}
	if (!v->virtual6 && *val == '[') {
		hd_cf_error(p, "cannot specify an IPv6 address here. please "
			    "use \"virtual6\" instead.");
		return false;
	}
	if (!virtual_split(val, v->virtual6, host, sizeof(host),
			   sec->port_text, sizeof(sec->port_text))) {
		hd_cf_error(p, "invalid address for virtual server");
		return false;
	}
	if (v->virtual6 && *val == '[') {
		if (inet_pton(AF_INET6, host, v->vip.addr) != 1) {
			hd_cf_error(p, "invalid ipv6 address for virtual server");
			return false;
		}
	} else if (hd_cf_resolve(p, host, af, &v->vip)) {
		hd_cf_error(p, "invalid address for virtual service (could not "
			    "resolve host %s)", host);
		return false;
	}
	/* ldirectord: udp when the port is written 53 or domain. */
	if (!strcmp(sec->port_text, "53") || !strcmp(sec->port_text, "domain"))
		v->proto = IPPROTO_UDP;
	return true;
}

void hd_cf_virtual_open(struct hd_cf *p, const char *val, bool v6)
{
	struct hd_cf_vsec *sec = &p->sec;

	memset(sec, 0, sizeof(*sec));
	sec->v = virtual_new(p, val, v6);
	if (!sec->v)
		return;
	p->in_section = true;
	sec->refused = !virtual_addr(p, sec->v, val);
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static bool virtual_same(const struct hd_virtual *a, const struct hd_virtual *b)
{
	return a->proto == b->proto && a->vip.af == b->vip.af &&
	       a->vip.port == b->vip.port &&
	       !memcmp(a->vip.addr, b->vip.addr, sizeof(a->vip.addr));
}

/* The port, and what waits for it; false when it does not resolve. */
static bool virtual_settle(struct hd_cf *p, struct hd_virtual *v)
{
	struct hd_cf_vsec *sec = &p->sec;
	const char *dname = v->virtual6 ? "virtual6" : "virtual";
	unsigned line = p->line;
	const char *directive = p->directive;
	bool ok = true;

	if (hd_cf_port(sec->port_text, proto_name(v->proto), &v->vip.port)) {
		hd_cf_error_at(p, v->line, dname, "invalid port %s for virtual "
			       "service (could not resolve port)", sec->port_text);
		ok = false;
	}
	if (!sec->service_set)
		v->service = hd_cf_service_by_port(v->vip.port);
	if (sec->fallback_text) {
		p->line = sec->fallback_line;
		p->directive = sec->fallback_name;
		hd_cf_fallback(p, sec->fallback_text, v->virtual6 ? AF_INET6 : AF_INET,
			       sec->port_text, proto_name(v->proto), &v->fallback);
		p->line = line;
		p->directive = directive;
	}
	if (!hd_cf_reals_check(p, v))
		ok = false;
	for (size_t i = 0; ok && i < p->c->nvirtuals; i++) {
		if (virtual_same(&p->c->virtuals[i], v)) {
			hd_cf_error_at(p, v->line, dname, "duplicate virtual server "
				       "(as at line %u)", p->c->virtuals[i].line);
			ok = false;
		}
	}
	return ok;
}

void hd_cf_virtual_close(struct hd_cf *p)
{
	struct hd_cf_vsec *sec = &p->sec;
	struct hd_config *c = p->c;
	struct hd_virtual *v = sec->v, *a;
	bool kept = false;

	p->in_section = false;
	if (v && !sec->refused && virtual_settle(p, v)) {
		a = hd_cf_grow(p, c->virtuals, &p->virtuals_cap, c->nvirtuals,
			       sizeof(*a));
		if (a) {
			c->virtuals = a;
			c->virtuals[c->nvirtuals++] = *v;   /* its strings move */
			kept = true;
		}
	}
	if (v && !kept)
		hd_cf_virtual_free(v);
	free(v);
	free(sec->fallback_text);
	memset(sec, 0, sizeof(*sec));
}
