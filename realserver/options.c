// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-realserver up [--tunnel[=ipip|gue|gre]] [--tun-port PORT]
 *                    [--dev IF]... [--persist] [--state FILE]
 *                    [--config FILE] VIP...
 * xlvs-realserver down [--persist] [--state FILE] [--config FILE]
 * xlvs-realserver status [--state FILE]
 *
 * Every value is checked here, before anything is changed; an error names
 * the option and the value.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "options.h"

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *const tunnel_names[] = { "ipip", "gue", "gre" };

const char *rs_tunnel_name(uint32_t kind)
{
	switch (kind) {
	case DECAP_KIND_IPIP: return "ipip";
	case DECAP_KIND_GUE: return "gue";
	case DECAP_KIND_GRE: return "gre";
	default: return "none";
	}
}

uint32_t rs_tunnel_kind(const char *name)
{
	for (unsigned int i = 0; i < 3; i++)
		if (!strcmp(name, tunnel_names[i]))
			return 1u << i;
	return 0;
}

/* A VIP must be an address a client can send to: not unspecified,
 * multicast, broadcast or loopback. */
int rs_vip_parse(const char *s, struct decap_vip *v)
{
	struct in6_addr a6;
	struct in_addr a4;

	memset(v, 0, sizeof(*v));
	if (inet_pton(AF_INET, s, &a4) == 1) {
		uint32_t h = ntohl(a4.s_addr);

		if (h == 0 || h == UINT32_MAX || (h >> 24) == 127 ||
		    (h >> 28) == 14)
			return -EINVAL;
		v->family = 4;
		memcpy(v->addr, &a4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_LOOPBACK(&a6) ||
		    IN6_IS_ADDR_MULTICAST(&a6) || IN6_IS_ADDR_V4MAPPED(&a6))
			return -EINVAL;
		v->family = 6;
		memcpy(v->addr, &a6, 16);
		return 0;
	}
	return -EINVAL;
}

const char *rs_vip_str(const struct decap_vip *v, char *buf, size_t len)
{
	if (!inet_ntop(v->family == 6 ? AF_INET6 : AF_INET, v->addr, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

int rs_opt_tunnel(struct rs_opts *o, const char *type, char *err, size_t errlen)
{
	uint32_t kind = rs_tunnel_kind(type);

	if (!kind)
		return fail(err, errlen, "--tunnel=%s: unknown tunnel type "
			    "(ipip, gue or gre)", type);
	if (o->tunnel && o->tunnel != kind)
		return fail(err, errlen, "--tunnel=%s: --tunnel=%s given before",
			    type, rs_tunnel_name(o->tunnel));
	o->tunnel = kind;
	return 0;
}

int rs_opt_tun_port(struct rs_opts *o, const char *port, char *err,
		    size_t errlen)
{
	char *end;
	unsigned long p;

	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || p < 1 || p > 65535 || *port == '-' ||
	    *port == '+')
		return fail(err, errlen, "--tun-port %s: not a port (1-65535)",
			    port);
	o->tun_port = (uint16_t)p;
	return 0;
}

int rs_opt_dev(struct rs_opts *o, const char *dev, char *err, size_t errlen)
{
	if (!*dev || strlen(dev) >= IF_NAMESIZE || strchr(dev, '/') ||
	    strchr(dev, ' '))
		return fail(err, errlen, "--dev %s: not an interface name", dev);
	for (unsigned int i = 0; i < o->ndevs; i++)
		if (!strcmp(o->devs[i], dev))
			return 0;
	if (o->ndevs == RS_DEVS_MAX)
		return fail(err, errlen, "--dev %s: at most %d interfaces", dev,
			    RS_DEVS_MAX);
	strcpy(o->devs[o->ndevs++], dev);
	return 0;
}

int rs_opt_vip(struct rs_opts *o, const char *vip, char *err, size_t errlen)
{
	struct decap_vip v;

	if (rs_vip_parse(vip, &v))
		return fail(err, errlen, "VIP %s: not a unicast IPv4 or IPv6 "
			    "address", vip);
	for (unsigned int i = 0; i < o->nvips; i++)
		if (!memcmp(&o->vips[i], &v, sizeof(v)))
			return 0;       /* given twice: once is enough */
	if (o->nvips == DECAP_VIPS_MAX)
		return fail(err, errlen, "VIP %s: at most %d VIPs", vip,
			    DECAP_VIPS_MAX);
	o->vips[o->nvips++] = v;
	return 0;
}

int rs_opts_check(const struct rs_opts *o, char *err, size_t errlen)
{
	if (o->tun_port && o->tunnel != DECAP_KIND_GUE)
		return fail(err, errlen, "--tun-port: only with --tunnel=gue");
	if (o->tunnel == DECAP_KIND_GUE && !o->tun_port)
		return fail(err, errlen, "--tunnel=gue: needs --tun-port PORT "
			    "(the director's --tun-port)");
	if (o->ndevs && !o->tunnel)
		return fail(err, errlen, "--dev %s: only with --tunnel",
			    o->devs[0]);
	return 0;
}

/* "--name=value" or "--name value": the value, advancing *i; NULL and a
 * message if it is missing. */
static const char *value_of(int argc, char **argv, int *i, const char *name,
			    char *err, size_t errlen)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc) {
		fail(err, errlen, "%s: needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(a, name, n) && (a[n] == 0 || a[n] == '=');
}

/* Which options each command takes. */
static bool allowed(enum rs_cmd cmd, const char *name)
{
	if (!strcmp(name, "--state"))
		return true;
	if (!strcmp(name, "--persist") || !strcmp(name, "--config"))
		return cmd != RS_STATUS;
	return cmd == RS_UP;
}

int rs_opts_parse(int argc, char **argv, struct rs_opts *o, char *err,
		  size_t errlen)
{
	static const char *const names[] = { "--tunnel", "--tun-port", "--dev",
		"--persist", "--state", "--config" };
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *v;
	int i;

	memset(o, 0, sizeof(*o));
	if (!strcmp(cmd, "up"))
		o->cmd = RS_UP;
	else if (!strcmp(cmd, "down"))
		o->cmd = RS_DOWN;
	else if (!strcmp(cmd, "status"))
		o->cmd = RS_STATUS;
	else
		return fail(err, errlen, "%s%s: the command is up, down or status",
			    *cmd ? "unknown command " : "no command",
			    *cmd ? cmd : "");
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *name = NULL;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] == '-' && a[1] != '-')
			return fail(err, errlen, "%s: unknown option", a);
		if (strncmp(a, "--", 2)) {
			if (o->cmd != RS_UP)
				return fail(err, errlen, "%s: %s takes no VIP (it "
					    "works from what up recorded)",
					    argv[i], cmd);
			if (rs_opt_vip(o, argv[i], err, errlen))
				return -1;
			continue;
		}
		for (unsigned int k = 0; k < sizeof(names) / sizeof(*names); k++)
			if (is_opt(a, names[k]))
				name = names[k];
		if (!name)
			return fail(err, errlen, "%s: unknown option", a);
		if (!allowed(o->cmd, name))
			return fail(err, errlen, "%s: not an option of %s", name, cmd);
		if (!strcmp(name, "--persist") || (!strcmp(name, "--tunnel") &&
						   !strchr(a, '='))) {
			if (strchr(a, '='))
				return fail(err, errlen, "%s: takes no value", a);
			if (!strcmp(name, "--persist")) {
				o->persist = true;
				continue;
			}
			/* A bare --tunnel is ipip; "--tunnel gre" reads too. */
			v = "ipip";
			if (i + 1 < argc && rs_tunnel_kind(argv[i + 1]))
				v = argv[++i];
			if (rs_opt_tunnel(o, v, err, errlen))
				return -1;
			continue;
		}
		if (!(v = value_of(argc, argv, &i, name, err, errlen)))
			return -1;
		if (!strcmp(name, "--tunnel")) {
			if (rs_opt_tunnel(o, v, err, errlen))
				return -1;
		} else if (!strcmp(name, "--tun-port")) {
			if (rs_opt_tun_port(o, v, err, errlen))
				return -1;
		} else if (!strcmp(name, "--dev")) {
			if (rs_opt_dev(o, v, err, errlen))
				return -1;
		} else if (!*v) {
			return fail(err, errlen, "%s: an empty file name", name);
		} else if (!strcmp(name, "--state")) {
			o->state_path = v;
		} else {
			o->config_path = v;
		}
	}
	for (; i < argc; i++)
		if (o->cmd != RS_UP)
			return fail(err, errlen, "%s: %s takes no VIP", argv[i], cmd);
		else if (rs_opt_vip(o, argv[i], err, errlen))
			return -1;
	if (o->cmd == RS_UP && !o->nvips && !o->config_path)
		return fail(err, errlen, "up: no VIP given");
	return rs_opts_check(o, err, errlen);
}
