// SPDX-License-Identifier: GPL-2.0
/* maintenancedir (maintenance.h). */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "maintenance.h"

void hd_maint_shortname(const char *fqdn, char *buf, size_t len)
{
	size_t i = 0;

	buf[0] = '\0';
	if (!(fqdn[0] >= 'a' && fqdn[0] <= 'z'))
		return;
	for (i = 1; fqdn[i] && fqdn[i] != '.'; i++) {
		char c = fqdn[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return;
	}
	/* [a-z0-9-]+ needs one character after the first, then a dot. */
	if (i < 2 || fqdn[i] != '.' || i >= len)
		return;
	memcpy(buf, fqdn, i);
	buf[i] = '\0';
}

void hd_maint_resolve(struct hd_rs *r)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;

	r->maint_names[0][0] = r->maint_names[1][0] = '\0';
	if (r->conf.addr.af == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, r->conf.addr.addr, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, r->conf.addr.addr, 4);
		sl = sizeof(*s4);
	}
	if (getnameinfo((struct sockaddr *)&ss, sl, r->maint_names[0],
			sizeof(r->maint_names[0]), NULL, 0, NI_NAMEREQD))
		r->maint_names[0][0] = '\0';
	hd_maint_shortname(r->maint_names[0], r->maint_names[1],
			   sizeof(r->maint_names[1]));
}

static bool maint_exists(const char *dir, const char *name, const char *port)
{
	char path[4096];

	if (!name[0])
		return false;
	snprintf(path, sizeof(path), "%s/%s%s%s", dir, name, port ? ":" : "",
		 port ? port : "");
	return access(path, F_OK) == 0;
}

bool hd_maint_active(const struct hd_globals *g, const struct hd_rs *r)
{
	char ep[64], ip[64], port[8];
	char *colon;

	if (!g->maintenancedir || !g->maintenancedir[0])
		return false;
	/* ldirectord's $$r{server}:$$r{port}: the address as written. */
	xlvs_endpoint_format(&r->conf.addr, ep, sizeof(ep));
	colon = strrchr(ep, ':');
	snprintf(port, sizeof(port), "%s", colon ? colon + 1 : "0");
	if (colon)
		*colon = '\0';
	snprintf(ip, sizeof(ip), "%s", ep);
	for (int i = 0; i < 3; i++) {
		const char *n = i == 0 ? ip : r->maint_names[i - 1];

		if (maint_exists(g->maintenancedir, n, port) ||
		    maint_exists(g->maintenancedir, n, NULL))
			return true;
	}
	return false;
}
