// SPDX-License-Identifier: GPL-2.0
/*
 * ipvsadm's listings, byte for byte (ipvsadm.c print_title,
 * print_service_entry, list_all; shared/reference/lvs.md §2.5): scripts
 * parse these, so every width and trailing space is kept.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "cmd.h"

#define IPVS_VERSION "1.2.1"

const char *list_proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "TCP" : "UDP";
}

const char *list_fwd_name(uint8_t fwd)
{
	switch (fwd) {
	case XLVS_FWD_MASQ: return "Masq";
	case XLVS_FWD_LOCAL: return "Local";
	case XLVS_FWD_TUNNEL: return "Tunnel";
	default: return "Route";
	}
}

static const char *fwd_flag(uint8_t fwd)
{
	switch (fwd) {
	case XLVS_FWD_MASQ: return "-m";
	case XLVS_FWD_TUNNEL: return "-i";
	default: return "-g";   /* Local is saved as -g, as ipvsadm does */
	}
}

/* ipvsadm's addrport_to_anyname: addr:port, or host:service when names
 * were asked for (no -n); an IPv6 address in brackets, [addr]:port. */
void addrport(const struct xlvs_endpoint *ep, uint8_t proto,
		     bool numeric, char *buf, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6 };
	bool v6 = ep->af == 6;
	char host[NI_MAXHOST], a[INET6_ADDRSTRLEN];
	const char *open = v6 ? "[" : "", *close = v6 ? "]" : "";
	struct servent *se;
	int rc;

	inet_ntop(v6 ? AF_INET6 : AF_INET, ep->addr, a, sizeof(a));
	if (numeric) {
		snprintf(buf, len, "%s%s%s:%u", open, a, close, ep->port);
		return;
	}
	memcpy(&sa.sin_addr, ep->addr, 4);
	memcpy(&sa6.sin6_addr, ep->addr, 16);
	rc = v6 ? getnameinfo((struct sockaddr *)&sa6, sizeof(sa6), host,
			      sizeof(host), NULL, 0, NI_NAMEREQD)
		: getnameinfo((struct sockaddr *)&sa, sizeof(sa), host,
			      sizeof(host), NULL, 0, NI_NAMEREQD);
	if (rc)
		snprintf(host, sizeof(host), "%s", a);
	se = getservbyport(htons(ep->port), proto == IPPROTO_TCP ? "tcp" : "udp");
	if (se)
		snprintf(buf, len, "%s%s%s:%s", open, host, close, se->s_name);
	else
		snprintf(buf, len, "%s%s%s:%u", open, host, close, ep->port);
}

/* The name -b and -L give one scheduler flag of c's scheduler (sh and mh
 * name only their two: ipvsadm never shows flag-3 beside them), or NULL. */
const char *list_sched_flag_name(const struct xlvs_service_conf *c, uint32_t flag)
{
	bool sh = !strcmp(c->sched, "sh"), mh = !strcmp(c->sched, "mh");

	switch (flag) {
	case XLVS_SVC_F_SCHED1: return sh ? "sh-fallback" : mh ? "mh-fallback" : "flag-1";
	case XLVS_SVC_F_SCHED2: return sh ? "sh-port" : mh ? "mh-port" : "flag-2";
	case XLVS_SVC_F_SCHED3: return sh || mh ? NULL : "flag-3";
	default: return NULL;
	}
}

const uint32_t list_sched_flags[3] = {
	XLVS_SVC_F_SCHED1, XLVS_SVC_F_SCHED2, XLVS_SVC_F_SCHED3,
};

/* ipvsadm's print_sched_flags: the flags by their scheduler's names,
 * comma-separated between pre and post, or "" when there are none. */
static const char *sched_flags_text(const struct xlvs_service_conf *c,
				    const char *pre, const char *post)
{
	static char buf[96];
	const char *sep = "";
	size_t len;

	len = (size_t)snprintf(buf, sizeof(buf), "%s", pre);
	for (size_t i = 0; i < 3; i++) {
		const char *name = list_sched_flag_name(c, list_sched_flags[i]);

		if (!(c->flags & list_sched_flags[i]) || !name)
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", sep, name);
		sep = ",";
	}
	if (!*sep)
		return "";
	snprintf(buf + len, sizeof(buf) - len, "%s", post);
	return buf;
}

/* " persistent 360 mask 255.255.255.0" in a listing (words "persistent"
 * and "mask"), " -p 360 -M 255.255.255.0" in a save ("-p", "-M"); the mask
 * only when it is not the default /32.  An IPv6 service's is its prefix
 * length, shown when not 128: " mask 64", " -M 64". */
static const char *persistence_text(const struct xlvs_service_conf *c,
				    const char *pword, const char *mword)
{
	static char buf[64];
	char mask[INET_ADDRSTRLEN];
	int len;

	if (!(c->flags & XLVS_SVC_F_PERSISTENT))
		return "";
	len = snprintf(buf, sizeof(buf), " %s %u", pword, c->timeout);
	if (c->vip.af == 6) {
		if (c->netmask != 128)
			snprintf(buf + len, sizeof(buf) - (size_t)len, " %s %u",
				 mword, c->netmask);
	} else if (c->netmask != 0xffffffff) {
		inet_ntop(AF_INET, &c->netmask, mask, sizeof(mask));
		snprintf(buf + len, sizeof(buf) - (size_t)len, " %s %s", mword, mask);
	}
	return buf;
}

static void print_service(FILE *f, const struct xlvs_service_info *s,
			  unsigned int opts)
{
	char ap[NI_MAXHOST + 40], name[NI_MAXHOST + 48];

	addrport(&s->conf.vip, s->conf.proto, opts & OPT_NUMERIC, ap, sizeof(ap));
	snprintf(name, sizeof(name), "%-4s %s", list_proto_name(s->conf.proto), ap);
	/* ipvsadm cuts an IPv4 service's name to 33 characters (a long host
	 * name), never an IPv6 one's. */
	if (s->conf.vip.af != 6)
		name[33] = '\0';
	if (opts & (OPT_STATS | OPT_RATE)) {
		stats_line(f, name, &s->stats, &s->rates, opts, false);
		return;
	}
	fprintf(f, "%s %s", name, s->conf.sched);
	fprintf(f, "%s", sched_flags_text(&s->conf, " (", ")"));
	fprintf(f, "%s", persistence_text(&s->conf, "persistent", "mask"));
	fprintf(f, "%s\n", (s->conf.flags & XLVS_SVC_F_ONEPACKET) ? " ops" : "");
}

/* ipvsadm's fwd_tun_info: "ipip", "gue:PORT:FLAGS", "gre:FLAGS"; n/a for
 * other methods. */
static const char *tun_info(const struct xlvs_dest_conf *d, char *buf, size_t len)
{
	const char *flags = cmd_tun_flag_names[d->tun_flags & XLVS_TUN_F_REMCSUM ? 2 :
					       d->tun_flags & XLVS_TUN_F_CSUM ? 1 : 0];

	if (d->fwd != XLVS_FWD_TUNNEL || d->tun_type >= XLVS_TUN_TYPE_MAX)
		return "n/a";
	if (d->tun_type == XLVS_TUN_GUE)
		snprintf(buf, len, "gue:%u:%s", d->tun_port, flags);
	else if (d->tun_type == XLVS_TUN_GRE)
		snprintf(buf, len, "gre:%s", flags);
	else
		snprintf(buf, len, "ipip");
	return buf;
}

/* ipvsadm's print_tunnel_rule: the options that make the same tunnel. */
static void save_tunnel(FILE *f, const struct xlvs_dest_conf *d)
{
	const char *flags = cmd_tun_flag_opts[d->tun_flags & XLVS_TUN_F_REMCSUM ? 2 :
					      d->tun_flags & XLVS_TUN_F_CSUM ? 1 : 0];

	if (d->tun_type == XLVS_TUN_GUE)
		fprintf(f, " --tun-type gue --tun-port %u %s", d->tun_port, flags);
	else if (d->tun_type == XLVS_TUN_GRE)
		fprintf(f, " --tun-type gre %s", flags);
	else if (d->tun_type == XLVS_TUN_IPIP)
		fprintf(f, " --tun-type ipip");
}

static void print_dest(FILE *f, const struct xlvs_service_info *s,
		       const struct xlvs_dest_info *d, unsigned int opts)
{
	char ap[NI_MAXHOST + 40], name[NI_MAXHOST + 48];

	addrport(&d->conf.addr, s->conf.proto, opts & OPT_NUMERIC, ap, sizeof(ap));
	/* ... and an IPv4 real server's to 28. */
	if (d->conf.addr.af != 6)
		ap[28] = '\0';
	if (opts & (OPT_STATS | OPT_RATE)) {
		snprintf(name, sizeof(name), "  -> %s", ap);
		stats_line(f, name, &d->stats, &d->rates, opts, true);
		return;
	}
	if (opts & OPT_THRESHOLDS) {
		fprintf(f, "  -> %-28s %-10u %-10u %-10u %-10u\n", ap,
			d->conf.u_threshold, d->conf.l_threshold, d->active,
			d->inactive);
		return;
	}
	if (opts & OPT_PERSISTENT_CONN) {
		fprintf(f, "  -> %-28s %-9d %-11u %-10u %-10u\n", ap,
			d->conf.weight, d->persist, d->active, d->inactive);
		return;
	}
	if (opts & OPT_TUN_INFO) {
		char ti[32];

		fprintf(f, "  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", ap,
			list_fwd_name(d->conf.fwd), tun_info(&d->conf, ti, sizeof(ti)),
			d->conf.weight, d->active, d->inactive);
		return;
	}
	fprintf(f, "  -> %-28s %-7s %-6d %-10u %-10u\n", ap, list_fwd_name(d->conf.fwd),
	       d->conf.weight, d->active, d->inactive);
}

bool list_selected(const struct cmd *c, const struct xlvs_service_info *s)
{
	if (!(c->opts & OPT_SERVICE))
		return true;
	return s->conf.proto == c->svc.proto && s->conf.vip.af == c->svc.vip.af &&
	       !memcmp(s->conf.vip.addr, c->svc.vip.addr, sizeof(c->svc.vip.addr)) &&
	       s->conf.vip.port == c->svc.vip.port;
}

int list_snapshot(FILE *f, const struct xlvs_snapshot *snap, const struct cmd *c)
{
	uint32_t shown = 0;

	for (uint32_t i = 0; i < snap->nservices; i++)
		shown += list_selected(c, &snap->services[i]);
	if ((c->opts & OPT_SERVICE) && !shown)
		return -ESRCH;
	/* ipvsadm prints the version line only when listing everything. */
	if (!(c->opts & OPT_SERVICE))
		fprintf(f, "IP Virtual Server version %s (size=%u)\n", IPVS_VERSION,
			snap->conn_max);
	if (c->opts & (OPT_STATS | OPT_RATE)) {
		stats_title(f, c->opts);
	} else if (c->opts & OPT_THRESHOLDS) {
		fprintf(f, "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port", "Uthreshold", "Lthreshold",
			"ActiveConn", "InActConn");
	} else if (c->opts & OPT_PERSISTENT_CONN) {
		fprintf(f, "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
			"Prot LocalAddress:Port", "Weight", "PersistConn",
			"ActiveConn", "InActConn");
	} else if (c->opts & OPT_TUN_INFO) {
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n");
		fprintf(f, "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
	} else {
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n");
		fprintf(f, "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
	}
	for (uint32_t i = 0; i < snap->nservices; i++) {
		const struct xlvs_service_info *s = &snap->services[i];

		if (!list_selected(c, s))
			continue;
		print_service(f, s, c->opts);
		for (uint32_t j = 0; j < s->ndests; j++)
			print_dest(f, s, &s->dests[j], c->opts);
	}
	return 0;
}

void save_snapshot(FILE *f, const struct xlvs_snapshot *snap, const struct cmd *c)
{
	bool numeric = c->opts & OPT_NUMERIC;
	char vap[NI_MAXHOST + 40], rap[NI_MAXHOST + 40];

	for (uint32_t i = 0; i < snap->nservices; i++) {
		const struct xlvs_service_info *s = &snap->services[i];
		const char *sel = s->conf.proto == IPPROTO_TCP ? "-t" : "-u";

		addrport(&s->conf.vip, s->conf.proto, numeric, vap, sizeof(vap));
		fprintf(f, "-A %s %s -s %s", sel, vap, s->conf.sched);
		fprintf(f, "%s", persistence_text(&s->conf, "-p", "-M"));
		fprintf(f, "%s%s\n", (s->conf.flags & XLVS_SVC_F_ONEPACKET) ? " -o" : "",
			sched_flags_text(&s->conf, " -b ", ""));
		for (uint32_t j = 0; j < s->ndests; j++) {
			const struct xlvs_dest_info *d = &s->dests[j];

			addrport(&d->conf.addr, s->conf.proto, numeric, rap, sizeof(rap));
			fprintf(f, "-a %s %s -r %s %s -w %d", sel, vap, rap,
				fwd_flag(d->conf.fwd), d->conf.weight);
			if (d->conf.fwd == XLVS_FWD_TUNNEL)
				save_tunnel(f, &d->conf);
			fputc('\n', f);
		}
	}
}

int list_table(struct xlvs_table *t, const struct cmd *c)
{
	struct xlvs_snapshot snap;
	int rc = xlvs_snapshot_take(t, &snap);

	if (rc)
		return rc;
	rc = list_snapshot(stdout, &snap, c);
	xlvs_snapshot_free(&snap);
	return rc;
}

int save_table(struct xlvs_table *t, const struct cmd *c)
{
	struct xlvs_snapshot snap;
	int rc = xlvs_snapshot_take(t, &snap);

	if (rc)
		return rc;
	save_snapshot(stdout, &snap, c);
	xlvs_snapshot_free(&snap);
	return 0;
}
