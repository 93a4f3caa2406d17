// SPDX-License-Identifier: GPL-2.0
/* Addresses as ipvsadm takes them: host[:port] (a dotted quad or a name),
 * [v6addr]:port or a bare IPv6 address. */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "internal.h"

static int port_parse(const char *s, uint16_t *port)
{
	char *end;
	long v;

	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 65535) {
		struct servent *se = getservbyname(s, NULL);

		if (!se)
			return -EINVAL;
		v = ntohs(se->s_port);
	}
	*port = (uint16_t)v;
	return 0;
}

static int host_parse(const char *s, bool resolve, struct xlvs_endpoint *ep)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res;
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) == 1) {
		memcpy(ep->addr, &in, 4);
		return 0;
	}
	if (!resolve || getaddrinfo(s, NULL, &hints, &res))
		return -EINVAL;
	memcpy(ep->addr, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
	freeaddrinfo(res);
	return 0;
}

/* "[v6addr]:port" or "[v6addr]": the address between the brackets must be
 * IPv6 (ipvsadm would take "[a.b.c.d]:port" and drop the port). */
static int bracket_parse(const char *s, struct xlvs_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN];
	const char *close = strchr(s, ']');
	size_t hlen = close ? (size_t)(close - s - 1) : 0;

	if (!hlen || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s + 1, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET6, host, ep->addr) != 1)
		return -EINVAL;
	ep->af = 6;
	if (!close[1])
		return 0;
	if (close[1] != ':' || port_parse(close + 2, &ep->port))
		return -EINVAL;
	return 0;
}

/*
 * ipvsadm's parse_service: "[v6addr]:port"; a bare IPv6 address (which
 * takes no port: "fd00::1:80" is an address); else host[:port], IPv4.
 */
int xlvs_endpoint_parse(const char *s, bool resolve, struct xlvs_endpoint *ep)
{
	char host[256];
	const char *colon = strrchr(s, ':');
	size_t hlen = colon ? (size_t)(colon - s) : strlen(s);

	memset(ep, 0, sizeof(*ep));
	if (s[0] == '[') {
		int rc = bracket_parse(s, ep);

		if (rc)
			memset(ep, 0, sizeof(*ep));
		return rc;
	}
	if (inet_pton(AF_INET6, s, ep->addr) == 1) {
		ep->af = 6;
		return 0;
	}
	ep->af = 4;
	if (!hlen || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (host_parse(host, resolve, ep))
		return -EINVAL;
	if (colon && port_parse(colon + 1, &ep->port))
		return -EINVAL;
	return 0;
}

/* ipvsadm prints an IPv6 service or server as "[addr]:port". */
void xlvs_endpoint_format(const struct xlvs_endpoint *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ep->af == 6) {
		inet_ntop(AF_INET6, ep->addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ep->port);
		return;
	}
	inet_ntop(AF_INET, ep->addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, ep->port);
}

int xlvs_netmask_plen(uint32_t netmask)
{
	uint32_t m = ntohl(netmask);
	int plen = __builtin_popcount(m);

	/* Contiguous: the ones are the top plen bits. */
	if (plen && m != ~0u << (32 - plen))
		return -EINVAL;
	return plen;
}
