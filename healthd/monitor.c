// SPDX-License-Identifier: GPL-2.0
/* monitorfile lines (monitor.h). */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hd_log.h"
#include "monitor.h"

/* perl's quotemeta: a backslash before every byte not [A-Za-z0-9_]. */
static size_t mon_quotemeta(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; s && *s && n + 2 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			out[n++] = '\\';
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

static const char *mon_check(const struct hd_virtual *v, char *buf, size_t len)
{
	static const char *const names[] = {
		[HD_CT_NEGOTIATE] = "negotiate", [HD_CT_CONNECT] = "connect",
		[HD_CT_PING] = "ping", [HD_CT_EXTERNAL] = "external",
		[HD_CT_EXTERNAL_PERL] = "external-perl", [HD_CT_OFF] = "off",
		[HD_CT_ON] = "on", [HD_CT_COMBINED] = "combined",
	};

	if (v->checktype == HD_CT_NEGOTIATE || v->checktype == HD_CT_COMBINED)
		snprintf(buf, len, "%s:%s", names[v->checktype],
			 v->service == HD_SVC_NONE ? "none" : hd_service_name(v->service));
	else if (v->checktype == HD_CT_EXTERNAL || v->checktype == HD_CT_EXTERNAL_PERL)
		snprintf(buf, len, "%s:%s", names[v->checktype],
			 v->checkcommand ? v->checkcommand : "");
	else
		snprintf(buf, len, "%s", names[v->checktype]);
	return buf;
}

void hd_monitor_id(const struct hd_virtual *v, const struct hd_real *r,
		   char *buf, size_t len)
{
	static const char *const fwd[] = { [XLVS_FWD_MASQ] = "masq",
		[XLVS_FWD_LOCAL] = "gate", [XLVS_FWD_TUNNEL] = "ipip",
		[XLVS_FWD_DROUTE] = "gate" };
	char check[300], ep[64], req[1024], rcv[1024], raw[3000], port[8] = "";
	const char *rq = r->request ? r->request : v->request;
	const char *rc = r->request ? r->receive : v->receive;
	char *colon;
	size_t n = 0;

	xlvs_endpoint_format(&r->addr, ep, sizeof(ep));
	colon = strrchr(ep, ':');
	if (colon)
		*colon = '\0';
	if (v->checkport)
		snprintf(port, sizeof(port), "%u", v->checkport);
	mon_quotemeta(rq, req, sizeof(req));
	mon_quotemeta(rc, rcv, sizeof(rcv));
	snprintf(raw, sizeof(raw), "%s:%s:%s:%u:%s:%s:%u:%s:%s:%s",
		 mon_check(v, check, sizeof(check)),
		 v->proto == IPPROTO_UDP ? "udp" : "tcp", ep,
		 r->addr.port ? r->addr.port : v->vip.port,
		 v->virtualhost ? v->virtualhost : "", port, r->weight,
		 fwd[r->fwd & 3], req, rcv);
	/* tr/:/ /s, then s/\\//g. */
	for (size_t i = 0; raw[i] && n + 1 < len; i++) {
		if (raw[i] == ':') {
			if (i == 0 || raw[i - 1] != ':')
				buf[n++] = ' ';
		} else if (raw[i] != '\\') {
			buf[n++] = raw[i];
		}
	}
	buf[n] = '\0';
}

void hd_monitor_write(const char *path, const char *id, bool up, const char *why)
{
	char now[64], msg[512];
	size_t n = 0;
	struct tm tm;
	time_t t = time(NULL);
	FILE *f;

	for (const char *p = why && *why ? why : "-"; *p && n + 4 < sizeof(msg); p++) {
		if (*p == '%' || *p == '|' || *p == '\r' || *p == '\n')
			n += (size_t)snprintf(msg + n, 4, "%%%.2x", (unsigned char)*p);
		else
			msg[n++] = *p;
	}
	msg[n] = '\0';
	localtime_r(&t, &tm);
	strftime(now, sizeof(now), "%a %b %e %H:%M:%S %Y", &tm);
	f = fopen(path, "ae");
	if (!f || fprintf(f, "[%s] [%d] %s [%s] %s\n", now, (int)getpid(), id,
			  up ? "up" : "down", msg) < 0)
		hd_log("Error writing to monitorfile '%s'", path);
	if (f)
		fclose(f);
}
