// SPDX-License-Identifier: GPL-2.0
/* The status page's frame, the failover and health parts (page.h); the
 * table's part is page_table.c. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "page.h"
#include "page_int.h"

static const char page_style[] =
	"body{font:14px/1.4 sans-serif;margin:1em 2em;color:#222;background:#fafafa}"
	"h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}"
	"p.meta{color:#555;margin:0}"
	"table{border-collapse:collapse;background:#fff}"
	"th,td{border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:nowrap}"
	"th{background:#e8e8f0}td.l,th.l{text-align:left}"
	"tr.svc td{background:#dde4f4;font-weight:bold}"
	"tr.up td.h{background:#c8f0c8}tr.down td.h{background:#f4c0c0}"
	"tr.unchecked td.h{background:#eee}"
	"td.bad{background:#f4c0c0}td.good{background:#c8f0c8}"
	"pre{background:#fff;border:1px solid #ccc;padding:.5em;display:inline-block}"
	"span.err{color:#a00}";

void page_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void page_failover(FILE *f, const struct view *v)
{
	const struct fostat *st = &v->fo;

	fputs("<h2 id=\"failover\">Failover (xlvs-failoverd)</h2>\n", f);
	if (!st->up) {
		fputs("<p>xlvs-failoverd: <span class=\"err\">not answering</span> (", f);
		page_esc(f, st->error);
		fputs(")</p>\n", f);
		return;
	}
	fputs("<table><tr><th class=\"l\">node</th><th class=\"l\">role</th>"
	      "<th>for</th><th class=\"l\">peer</th><th class=\"l\">peer status</th>"
	      "<th>last heartbeat</th></tr>\n<tr><td class=\"l\">", f);
	page_esc(f, st->node);
	fprintf(f, "%s</td><td class=\"l %s\">", st->owner ? " (haresources owner)" : "",
		!strcmp(st->role, "active") ? "good" :
		!strcmp(st->role, "failed") ? "bad" : "l");
	page_esc(f, st->role);
	fprintf(f, "</td><td>%ld s</td><td class=\"l\">", st->role_secs);
	if (!st->peer_heard) {
		fprintf(f, "never heard</td><td class=\"l\">-</td><td>-</td></tr>\n</table>\n");
	} else {
		page_esc(f, st->peer);
		fprintf(f, "</td><td class=\"l %s\">%s, ", st->peer_alive ? "good" : "bad",
			st->peer_alive ? "alive" : "dead");
		page_esc(f, st->peer_status);
		fprintf(f, ", %s</td><td>%ld ms ago</td></tr>\n</table>\n",
			st->peer_holds ? "holds the resources" : "holds nothing", st->peer_last_ms);
	}
	if (st->failed) {
		fputs("<p><span class=\"err\">failed: ", f);
		page_esc(f, st->failed_rsc);
		fprintf(f, ", %u time(s)</span></p>\n", st->failures);
	}
	if (!st->nrsc)
		return;
	fputs("<table><tr><th class=\"l\">resource</th><th class=\"l\">state</th></tr>\n", f);
	for (size_t i = 0; i < st->nrsc; i++) {
		fputs("<tr><td class=\"l\">", f);
		page_esc(f, st->rsc[i].name);
		fprintf(f, "</td><td class=\"l %s\">", !strcmp(st->rsc[i].state, "up") ? "good" :
			strstr(st->rsc[i].state, "failed") ? "bad" : "l");
		page_esc(f, st->rsc[i].state);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void page_health(FILE *f, const struct view *v)
{
	fputs("<h2 id=\"health\">Health checks (xlvs-healthd)</h2>\n", f);
	if (!v->health.n) {
		fputs("<p>No xlvs-healthd instance (no pid or status file).</p>\n", f);
		return;
	}
	fputs("<table><tr><th class=\"l\">configuration</th><th class=\"l\">state</th>"
	      "<th class=\"l\">virtual services checked</th></tr>\n", f);
	for (size_t i = 0; i < v->health.n; i++) {
		const struct hdstat_instance *in = &v->health.i[i];

		fputs("<tr><td class=\"l\">", f);
		page_esc(f, in->config);
		if (in->running)
			fprintf(f, "</td><td class=\"l good\">running, pid %ld</td><td class=\"l\">",
				(long)in->pid);
		else
			fputs("</td><td class=\"l bad\">not running</td><td class=\"l\">", f);
		for (size_t j = 0; in->have_status && j < in->nv; j++) {
			page_esc(f, in->v[j].service);
			fprintf(f, " (%u of %u up, check ", in->v[j].nup, in->v[j].nreals);
			page_esc(f, in->v[j].check);
			fputs(")<br>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

void page_write(FILE *f, const struct view *v, unsigned refresh)
{
	char host[256] = "", when[64];
	time_t now = (time_t)v->now;
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n", f);
	if (refresh)
		fprintf(f, "<meta http-equiv=\"refresh\" content=\"%u\">\n", refresh);
	fputs("<title>xlvs on ", f);
	page_esc(f, host);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>xlvs on ", page_style);
	page_esc(f, host);
	fprintf(f, "</h1>\n<p class=\"meta\">Read at %s", when);
	if (refresh)
		fprintf(f, "; this page reloads itself every %u s", refresh);
	fputs(". Metrics for Prometheus: <a href=\"/metrics\">/metrics</a>.</p>\n", f);
	page_table(f, v);
	page_failover(f, v);
	page_health(f, v);
	page_usage(f, v);
	page_listing(f, v);
	page_counters(f, v);
	fputs("</body></html>\n", f);
}
