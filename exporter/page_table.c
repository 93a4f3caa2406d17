// SPDX-License-Identifier: GPL-2.0
/*
 * The status page's table parts: the services and real servers (with
 * their health), the table's use, the exact `xlvsadm -L -n --stats`
 * listing (xlvsadm's own code: the same bytes), the data-plane counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "page.h"
#include "page_int.h"

static const char *fwd_name(uint8_t fwd)
{
	switch (fwd) {
	case XLVS_FWD_MASQ: return "Masq";
	case XLVS_FWD_LOCAL: return "Local";
	case XLVS_FWD_TUNNEL: return "Tunnel";
	default: return "Route";
	}
}

static void cells_stats(FILE *f, const struct xlvs_stats *s, const struct xlvs_rates *r)
{
	fprintf(f, "<td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>"
		"<td>%llu</td><td>%llu</td><td>%llu</td>",
		(unsigned long long)s->conns, (unsigned long long)s->inpkts,
		(unsigned long long)s->outpkts, (unsigned long long)s->inbytes,
		(unsigned long long)s->outbytes, (unsigned long long)r->cps,
		(unsigned long long)r->inbps, (unsigned long long)r->outbps);
}

static void row_service(FILE *f, const struct view *v, const struct xlvs_service_info *s)
{
	const struct hdstat_virtual *hv;
	char id[96], ep[64];
	uint64_t act = 0, inact = 0;

	for (uint32_t j = 0; j < s->ndests; j++) {
		act += s->dests[j].active;
		inact += s->dests[j].inactive;
	}
	view_service_id(s, id, sizeof(id));
	xlvs_endpoint_format(&s->conf.vip, ep, sizeof(ep));
	fprintf(f, "<tr class=\"svc\"><td class=\"l\">%s %s</td><td class=\"l\">",
		s->conf.proto == IPPROTO_UDP ? "UDP" : "TCP", ep);
	page_esc(f, s->conf.sched);
	if (s->conf.flags & XLVS_SVC_F_PERSISTENT)
		fprintf(f, " persistent %u", s->conf.timeout);
	fprintf(f, "</td><td></td><td>%llu</td><td>%llu</td>", (unsigned long long)act,
		(unsigned long long)inact);
	cells_stats(f, &s->stats, &s->rates);
	hv = view_health_virtual(v, id);
	if (hv)
		fprintf(f, "<td class=\"l\">%u of %u up</td><td class=\"l\">", hv->nup, hv->nreals);
	else
		fputs("<td class=\"l\">not checked</td><td class=\"l\">", f);
	if (hv) {
		fputs("check ", f);
		page_esc(f, hv->check);
	}
	fputs("</td></tr>\n", f);
}

static void row_real(FILE *f, const struct view *v, const struct xlvs_service_info *s,
		     const struct xlvs_dest_info *d)
{
	const struct hdstat_real *h;
	char id[96], rid[64];

	view_service_id(s, id, sizeof(id));
	view_real_id(d, rid, sizeof(rid));
	h = view_health_of(v, id, rid);
	fprintf(f, "<tr class=\"%s\"><td class=\"l\">&nbsp;&nbsp;-&gt; %s</td>"
		"<td class=\"l\">%s</td><td>%d</td><td>%u</td><td>%u</td>",
		!h ? "unchecked" : h->up ? "up" : "down", rid, fwd_name(d->conf.fwd),
		d->conf.weight, d->active, d->inactive);
	cells_stats(f, &d->stats, &d->rates);
	if (!h) {
		fputs("<td class=\"l h\">not checked</td><td class=\"l\"></td></tr>\n", f);
		return;
	}
	fprintf(f, "<td class=\"l h\">%s</td><td class=\"l\">", h->up ? "up" : "down");
	if (h->last_ok < 0)
		fputs("not checked yet", f);
	else if (h->last_ok)
		fputs("passed", f);
	else {
		fputs("failed: ", f);
		page_esc(f, h->why);
	}
	if (h->last_ok >= 0 && h->took_s >= 0)
		fprintf(f, " in %.3f ms", h->took_s * 1000.0);
	fputs("</td></tr>\n", f);
}

void page_table(FILE *f, const struct view *v)
{
	fputs("<h2 id=\"services\">Virtual services</h2>\n", f);
	if (!v->table_up) {
		fprintf(f, "<p><span class=\"err\">No table read: %s</span>%s</p>\n",
			strerror(-v->table_err), v->table_err == -ENOENT ?
			" (none in this network namespace yet: <code>xlvsadm --attach DEV</code> makes one)" : "");
		return;
	}
	fprintf(f, "<p>IP Virtual Server version 1.2.1 (size=%u)</p>\n", v->snap.conn_max);
	fputs("<table class=\"lvs\"><thead><tr><th class=\"l\">Prot LocalAddress:Port<br>"
	      "&nbsp;&nbsp;-&gt; RemoteAddress:Port</th><th class=\"l\">Scheduler<br>Forward</th>"
	      "<th>Weight</th><th>ActiveConn</th><th>InActConn</th><th>Conns</th><th>InPkts</th>"
	      "<th>OutPkts</th><th>InBytes</th><th>OutBytes</th><th>CPS</th><th>InBPS</th>"
	      "<th>OutBPS</th><th class=\"l\">Health</th><th class=\"l\">Last check</th></tr>"
	      "</thead>\n<tbody>\n", f);
	for (uint32_t i = 0; i < v->snap.nservices; i++) {
		const struct xlvs_service_info *s = &v->snap.services[i];

		row_service(f, v, s);
		for (uint32_t j = 0; j < s->ndests; j++)
			row_real(f, v, s, &s->dests[j]);
	}
	fputs("</tbody></table>\n", f);
}

void page_usage(FILE *f, const struct view *v)
{
	const struct xlvs_usage *u = &v->usage;

	if (!v->table_up)
		return;
	fputs("<h2 id=\"table\">Table</h2>\n<table>", f);
	fprintf(f, "<tr><th class=\"l\">connections</th><td>%llu of %u</td></tr>\n"
		"<tr><th class=\"l\">persistence templates</th><td>%llu</td></tr>\n"
		"<tr><th class=\"l\">virtual services</th><td>%u of %u</td></tr>\n"
		"<tr><th class=\"l\">real servers</th><td>%u of %u (%u deleted, kept for their connections)</td></tr>\n"
		"<tr><th class=\"l\">timeouts (tcp tcpfin udp)</th><td>%u %u %u</td></tr>\n",
		(unsigned long long)u->conns, u->conn_max, (unsigned long long)u->templates,
		u->services, XLVS_SVC_MAX, u->dests, XLVS_DEST_MAX, u->dests_trash,
		v->timeout_tcp, v->timeout_tcpfin, v->timeout_udp);
	fputs("</table>\n", f);
}

void page_listing(FILE *f, const struct view *v)
{
	struct cmd c = { .kind = CMD_LIST, .opts = OPT_NUMERIC | OPT_STATS };
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (!v->table_up || !(m = open_memstream(&text, &len)))
		return;
	list_snapshot(m, &v->snap, &c);
	fclose(m);
	fputs("<h2 id=\"listing\">xlvsadm -L -n --stats</h2>\n<pre>", f);
	page_esc(f, text ? text : "");
	fputs("</pre>\n", f);
	free(text);
}

void page_counters(FILE *f, const struct view *v)
{
	if (!v->table_up)
		return;
	fputs("<h2 id=\"counters\">Data plane counters (xlvsadm --counters)</h2>\n<table>", f);
	for (unsigned c = 0; c < XLVS_CNT_MAX; c++)
		fprintf(f, "%s<th class=\"l\">%s</th><td>%llu</td>%s", c % 4 ? "" : "<tr>",
			xlvs_counter_name(c), (unsigned long long)v->counters[c],
			c % 4 == 3 || c + 1 == XLVS_CNT_MAX ? "</tr>\n" : "");
	fputs("</table>\n", f);
}
