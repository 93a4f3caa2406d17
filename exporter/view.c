// SPDX-License-Identifier: GPL-2.0
/* Taking one view of the table and the daemons (view.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "view.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int table_read(struct view *v)
{
	struct xlvs_table t;
	int rc;

	/* Read-only: every map fd is BPF_F_RDONLY, so nothing the exporter
	 * runs could change the table (lib/table.c). */
	rc = xlvs_table_open(&t, XLVS_OPEN_READONLY, 0);
	if (rc)
		return rc;
	rc = xlvs_snapshot_take(&t, &v->snap);
	if (!rc)
		rc = xlvs_usage_read(&t, &v->usage);
	if (!rc)
		rc = xlvs_counters_read(&t, v->counters);
	if (!rc)
		xlvs_timeouts_get(&t, &v->timeout_tcp, &v->timeout_tcpfin,
				  &v->timeout_udp);
	xlvs_table_close(&t);
	return rc;
}

void view_take(struct view *v, const struct view_conf *c)
{
	double t0;

	memset(v, 0, sizeof(*v));
	v->now = clock_s(CLOCK_REALTIME);
	t0 = clock_s(CLOCK_MONOTONIC);
	v->table_err = table_read(v);
	v->table_up = v->table_err == 0;
	if (!v->table_up)
		xlvs_snapshot_free(&v->snap);
	v->read_s = clock_s(CLOCK_MONOTONIC) - t0;
	v->health_err = hdstat_scan(c->healthd_rundir, &v->health);
	if (c->failoverd_sock && *c->failoverd_sock)
		fostat_ask(c->failoverd_sock, c->failoverd_timeout_ms, &v->fo);
	else
		snprintf(v->fo.error, sizeof(v->fo.error), "no control socket given");
}

void view_free(struct view *v)
{
	xlvs_snapshot_free(&v->snap);
	hdstat_free(&v->health);
}

void view_service_id(const struct xlvs_service_info *s, char *buf, size_t len)
{
	char ep[64];

	xlvs_endpoint_format(&s->conf.vip, ep, sizeof(ep));
	snprintf(buf, len, "%s:%s", s->conf.proto == IPPROTO_UDP ? "udp" : "tcp", ep);
}

void view_real_id(const struct xlvs_dest_info *d, char *buf, size_t len)
{
	xlvs_endpoint_format(&d->conf.addr, buf, len);
}

const struct hdstat_virtual *view_health_virtual(const struct view *v,
						 const char *service)
{
	for (size_t i = 0; i < v->health.n; i++) {
		const struct hdstat_instance *in = &v->health.i[i];

		for (size_t j = 0; in->have_status && j < in->nv; j++)
			if (!strcmp(in->v[j].service, service))
				return &in->v[j];
	}
	return NULL;
}

const struct hdstat_real *view_health_of(const struct view *v, const char *service,
					 const char *real)
{
	const struct hdstat_virtual *hv = view_health_virtual(v, service);

	for (size_t k = 0; hv && k < hv->n; k++)
		if (!strcmp(hv->reals[k].real, real))
			return &hv->reals[k];
	return NULL;
}
