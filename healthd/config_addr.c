// SPDX-License-Identifier: GPL-2.0
/*
 * Hosts, ports, forwarding methods and fallback= values, as ldirectord's
 * ld_gethostbyname (getaddrinfo of the family asked, the first answer),
 * ld_getservbyname (a number 0..65535, else /etc/services) and
 * parse_fallback take them.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config_int.h"

bool hd_cf_is_hostname(const char *s, size_t n, bool plus)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      (plus && (c == '_' || c == '+'))))
			return false;
	}
	return true;
}

bool hd_cf_is_portname(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

int hd_cf_resolve(struct hd_cf *p, const char *host, int af,
		  struct xlvs_endpoint *ep)
{
	struct addrinfo hints = { .ai_family = af, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc = -1;

	memset(ep->addr, 0, sizeof(ep->addr));
	ep->af = af == AF_INET6 ? 6 : 4;
	if (inet_pton(af, host, ep->addr) == 1)
		return 0;
	if (p->flags & HD_CF_NO_RESOLVE)
		return -1;
	if (getaddrinfo(host, NULL, &hints, &res) || !res)
		return -1;
	if (res->ai_family == AF_INET && af == AF_INET) {
		memcpy(ep->addr, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
		rc = 0;
	} else if (res->ai_family == AF_INET6 && af == AF_INET6) {
		memcpy(ep->addr, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
		rc = 0;
	}
	freeaddrinfo(res);
	return rc;
}

int hd_cf_port(const char *s, const char *proto, uint16_t *out)
{
	unsigned long v;
	struct servent se, *r = NULL;
	char buf[1024];

	if (*s >= '0' && *s <= '9') {
		if (!hd_cf_uint(s, 65535, &v))
			return -1;
		*out = (uint16_t)v;
		return 0;
	}
	if (!hd_cf_is_portname(s, strlen(s)))
		return -1;
	if (getservbyname_r(s, proto, &se, buf, sizeof(buf), &r) || !r)
		return -1;
	*out = ntohs((uint16_t)r->s_port);
	return 0;
}

bool hd_cf_fwd(const char *s, size_t n, enum xlvs_fwd *out)
{
	if (n == 4 && !strncmp(s, "gate", 4))
		*out = XLVS_FWD_DROUTE;
	else if (n == 4 && !strncmp(s, "masq", 4))
		*out = XLVS_FWD_MASQ;
	else if (n == 4 && !strncmp(s, "ipip", 4))
		*out = XLVS_FWD_TUNNEL;
	else
		return false;
	return true;
}

/* "host[:port]" of fallback=: host a name or address, [v6] in brackets. */
static bool fallback_split(const char *s, char *host, size_t hlen,
			   const char **port)
{
	const char *colon;
	size_t n;

	*port = NULL;
	if (*s == '[') {
		const char *e = strchr(s, ']');

		if (!e || (e[1] && e[1] != ':'))
			return false;
		n = (size_t)(e - s - 1);
		s++;
		colon = e[1] ? e + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		n = colon ? (size_t)(colon - s) : strlen(s);
		if (!hd_cf_is_hostname(s, n, true))
			return false;
	}
	if (!n || n >= hlen)
		return false;
	memcpy(host, s, n);
	host[n] = 0;
	if (colon)
		*port = colon + 1;
	return !colon || hd_cf_is_portname(colon + 1, strlen(colon + 1));
}

/* A port like "80gate": the seed's "127.0.0.1:80gate", a space missing. */
static const char *fallback_hint(const char *port)
{
	size_t n = strspn(port, "0123456789");
	enum xlvs_fwd f;

	if (n && hd_cf_fwd(port + n, strlen(port + n), &f))
		return " (a space missing before the forwarding method?)";
	return "";
}

void hd_cf_fallback(struct hd_cf *p, const char *val, int af,
		    const char *port_default, const char *proto,
		    struct hd_fallback *fb)
{
	char text[256], host[256];
	const char *sp, *port, *fwd = NULL;

	if (!*val) {
		hd_cf_error(p, "no fallback server given");
		return;
	}
	snprintf(text, sizeof(text), "%s", val);
	sp = strpbrk(text, " \t");
	if (sp) {
		text[sp - text] = 0;
		for (fwd = sp + 1; *fwd == ' ' || *fwd == '\t'; fwd++)
			;
	}
	if (!*text || strlen(val) >= sizeof(text) ||
	    !fallback_split(text, host, sizeof(host), &port) ||
	    (fwd && strpbrk(fwd, " \t"))) {
		hd_cf_error(p, "invalid fallback server: %s", val);
		return;
	}
	fb->fwd = XLVS_FWD_DROUTE;
	if (fwd && !hd_cf_fwd(fwd, strlen(fwd), &fb->fwd)) {
		hd_cf_error(p, "forward method must be gate, masq or ipip");
		return;
	}
	if (hd_cf_resolve(p, host, af, &fb->addr)) {
		hd_cf_error(p, "invalid %s address or could not resolve for "
			    "fallback server: %s", af == AF_INET6 ? "IPv6" : "IPv4",
			    host);
		return;
	}
	if (!port)
		port = port_default;
	fb->addr.port = 0;
	if (port && hd_cf_port(port, proto, &fb->addr.port)) {
		hd_cf_error(p, "invalid port for fallback server: %s%s", port,
			    fallback_hint(port));
		return;
	}
	free(fb->text);
	fb->text = hd_cf_strdup(p, val);
	fb->line = p->line;
	fb->set = true;
}
