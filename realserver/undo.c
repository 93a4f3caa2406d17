// SPDX-License-Identifier: GPL-2.0
/*
 * Undoing what up recorded, and nothing else: a sysctl goes back to its
 * old value only while it still holds the value up set (someone who has
 * changed it since meant it); an address is removed only if up added it;
 * the decapsulation program is detached only while it is still the one up
 * attached.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "cmd.h"
#include "link.h"
#include "sys.h"
#include "xdp.h"

void rs_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xlvs-realserver: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int undo_sysctl(const struct rs_sysctl_rec *r)
{
	char now[RS_SYSCTL_VALUE], dotted[RS_SYSCTL_NAME];
	int rc = rs_sysctl_get(r->name, now, sizeof(now));

	rs_sysctl_dotted(r->name, dotted, sizeof(dotted));
	if (rc == -ENOENT)
		return 0;               /* its interface is gone, and it too */
	if (rc) {
		rs_warn("sysctl %s: cannot read it: %s", dotted, strerror(-rc));
		return rc;
	}
	if (strcmp(now, r->set)) {
		rs_warn("sysctl %s: left at %s (up set %s, was %s: changed since)",
			dotted, now, r->set, r->old);
		return 0;
	}
	rc = rs_sysctl_set(r->name, r->old);
	if (rc)
		rs_warn("sysctl %s: cannot restore %s: %s", dotted, r->old,
			strerror(-rc));
	return rc;
}

static int undo_vip(const struct rs_vip_rec *r)
{
	char buf[INET6_ADDRSTRLEN];
	int rc;

	if (!r->added)
		return 0;
	rc = rs_lo_addr_del(&r->vip);
	if (rc == -EADDRNOTAVAIL || rc == -ENOENT)
		return 0;               /* removed by someone already */
	if (rc)
		rs_warn("VIP %s: cannot remove it from lo: %s",
			rs_vip_str(&r->vip, buf, sizeof(buf)), strerror(-rc));
	return rc;
}

static int undo_xdp(const struct rs_xdp_rec *r)
{
	char name[IF_NAMESIZE];
	int rc;

	/* The device is gone, or its index now names another one. */
	if (!if_indextoname(r->ifindex, name) || strcmp(name, r->dev))
		return 0;
	rc = rs_xdp_detach(r->ifindex, r->prog_id);
	if (rc)
		rs_warn("%s: cannot detach the decapsulation program: %s",
			r->dev, strerror(-rc));
	return rc;
}

static int undo_link(const struct rs_link_rec *r)
{
	int rc = r->set_up ? rs_link_set_up(r->dev, false) : 0;

	if (rc == -ENODEV)
		return 0;
	if (rc)
		rs_warn("%s: cannot set it down: %s", r->dev, strerror(-rc));
	return rc;
}

unsigned int rs_undo(struct rs_state *s, const struct rs_state *keep)
{
	unsigned int failed = 0, i, n;

	for (i = s->nxdp, n = s->nxdp; i-- > keep->nxdp;)
		if (undo_xdp(&s->xdp[i]))
			failed++;
		else
			memmove(&s->xdp[i], &s->xdp[i + 1],
				(--n - i) * sizeof(s->xdp[0]));
	s->nxdp = n;
	for (i = s->nlinks, n = s->nlinks; i-- > keep->nlinks;)
		if (undo_link(&s->links[i]))
			failed++;
		else
			memmove(&s->links[i], &s->links[i + 1],
				(--n - i) * sizeof(s->links[0]));
	s->nlinks = n;
	for (i = s->nvips, n = s->nvips; i-- > keep->nvips;)
		if (undo_vip(&s->vips[i]))
			failed++;
		else
			memmove(&s->vips[i], &s->vips[i + 1],
				(--n - i) * sizeof(s->vips[0]));
	s->nvips = n;
	for (i = s->nsysctls, n = s->nsysctls; i-- > keep->nsysctls;)
		if (undo_sysctl(&s->sysctls[i]))
			failed++;
		else
			memmove(&s->sysctls[i], &s->sysctls[i + 1],
				(--n - i) * sizeof(s->sysctls[0]));
	s->nsysctls = n;
	if (!keep->tunnel && !s->nxdp && !s->nlinks) {
		s->tunnel = 0;
		s->tun_port = 0;
	}
	return failed;
}
