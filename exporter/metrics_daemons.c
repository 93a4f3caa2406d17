// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd's and xlvs-failoverd's part of /metrics.  A daemon that
 * is not running shows as its _up series at 0 and nothing else: a
 * status file a killed healthd left, or failoverd's last answer, is not
 * taken for the present.
 */
#include <string.h>

#include "metrics_int.h"
#include "prom.h"

static void hd_labels(struct prom_labels *l, const struct hdstat_instance *in,
		      const struct hdstat_virtual *hv, const struct hdstat_real *r)
{
	prom_labels_init(l);
	prom_labels_add(l, "config", in->config);
	if (hv)
		prom_labels_add(l, "service", hv->service);
	if (r)
		prom_labels_add(l, "real", r->real);
}

/* What a real server's family shows of it; false: no sample. */
typedef bool (*hd_real_fn)(const struct hdstat_real *r, double *val);

static bool real_up(const struct hdstat_real *r, double *val)
{
	*val = r->up;
	return true;
}

static bool real_checked_ok(const struct hdstat_real *r, double *val)
{
	*val = r->last_ok == 1;
	return r->last_ok >= 0;
}

static bool real_took(const struct hdstat_real *r, double *val)
{
	*val = r->took_s;
	return r->last_ok >= 0 && r->took_s >= 0;
}

static void hd_real_family(FILE *f, const struct view *v, const char *name, const char *help,
			   hd_real_fn get)
{
	struct prom_labels l;
	double val;

	prom_family(f, name, "gauge", help);
	for (size_t i = 0; i < v->health.n; i++) {
		const struct hdstat_instance *in = &v->health.i[i];

		for (size_t j = 0; in->have_status && j < in->nv; j++)
			for (size_t k = 0; k < in->v[j].n; k++) {
				if (!get(&in->v[j].reals[k], &val))
					continue;
				hd_labels(&l, in, &in->v[j], &in->v[j].reals[k]);
				prom_sample(f, name, &l, val);
			}
	}
}

static void hd_virtual_families(FILE *f, const struct view *v)
{
	struct prom_labels l;

	prom_family(f, "xlvs_healthd_real_servers_up", "gauge",
		    "Real servers of the virtual service that xlvs-healthd counts as up.");
	for (size_t i = 0; i < v->health.n; i++)
		for (size_t j = 0; v->health.i[i].have_status && j < v->health.i[i].nv; j++) {
			hd_labels(&l, &v->health.i[i], &v->health.i[i].v[j], NULL);
			prom_sample_u64(f, "xlvs_healthd_real_servers_up", &l,
					v->health.i[i].v[j].nup);
		}
	prom_family(f, "xlvs_healthd_fallback_active", "gauge",
		    "1 when the virtual service's fallback server is in the table (all real servers down).");
	for (size_t i = 0; i < v->health.n; i++)
		for (size_t j = 0; v->health.i[i].have_status && j < v->health.i[i].nv; j++) {
			const struct hdstat_virtual *hv = &v->health.i[i].v[j];

			if (!strcmp(hv->fallback, "none"))
				continue;
			hd_labels(&l, &v->health.i[i], hv, NULL);
			prom_sample_u64(f, "xlvs_healthd_fallback_active", &l,
					!strcmp(hv->fallback, "on"));
		}
}

void metrics_healthd(FILE *f, const struct view *v)
{
	struct prom_labels l;

	prom_family(f, "xlvs_healthd_up", "gauge",
		    "1 when the xlvs-healthd of this configuration runs (its pid file names a live process).");
	for (size_t i = 0; i < v->health.n; i++) {
		hd_labels(&l, &v->health.i[i], NULL, NULL);
		prom_sample_u64(f, "xlvs_healthd_up", &l, v->health.i[i].running);
	}
	hd_real_family(f, v, "xlvs_healthd_real_up",
		       "1 when xlvs-healthd counts the real server up (in the table), 0 when down.",
		       real_up);
	hd_real_family(f, v, "xlvs_healthd_check_success",
		       "1 when the real server's last check passed, 0 when it failed (absent before the first).",
		       real_checked_ok);
	hd_real_family(f, v, "xlvs_healthd_check_duration_seconds",
		       "How long the real server's last check took, from its start to its answer or timeout.",
		       real_took);
	hd_virtual_families(f, v);
}

static void fo_state_set(FILE *f, const char *name, const char *label,
			 const char *const *states, size_t n, const char *now,
			 struct prom_labels *base)
{
	for (size_t i = 0; i < n; i++) {
		struct prom_labels l = *base;

		prom_labels_add(&l, label, states[i]);
		prom_sample_u64(f, name, &l, !strcmp(states[i], now));
	}
}

static void fo_resources(FILE *f, const struct fostat *st)
{
	static const char *const states[] = {
		"stopped", "starting", "up", "stopping", "failed", "stop failed",
	};
	struct prom_labels l;

	prom_family(f, "xlvs_failoverd_resource_state", "gauge",
		    "The state of each haresources resource: 1 for the state it is in.");
	for (size_t i = 0; i < st->nrsc; i++) {
		prom_labels_init(&l);
		prom_labels_add(&l, "resource", st->rsc[i].name);
		fo_state_set(f, "xlvs_failoverd_resource_state", "state", states,
			     sizeof(states) / sizeof(states[0]), st->rsc[i].state, &l);
	}
	prom_family(f, "xlvs_failoverd_resource_failures", "gauge",
		    "Times in a row a resource failed to start (0: none failed).");
	prom_labels_init(&l);
	if (st->failed)
		prom_labels_add(&l, "resource", st->failed_rsc);
	prom_sample_u64(f, "xlvs_failoverd_resource_failures", st->failed ? &l : NULL,
			st->failed ? st->failures : 0);
}

static void fo_peer(FILE *f, const struct view *v)
{
	const struct fostat *st = &v->fo;
	double last = v->now - (double)st->peer_last_ms / 1000.0;
	struct prom_labels l;

	prom_family(f, "xlvs_failoverd_peer_heard", "gauge",
		    "1 once a heartbeat from the peer director has been heard.");
	prom_sample_u64(f, "xlvs_failoverd_peer_heard", NULL, st->peer_heard);
	if (!st->peer_heard)
		return;
	prom_labels_init(&l);
	prom_labels_add(&l, "peer", st->peer);
	prom_family(f, "xlvs_failoverd_peer_alive", "gauge",
		    "1 while the peer is alive (heard within deadtime), 0 once declared dead.");
	prom_sample_u64(f, "xlvs_failoverd_peer_alive", &l, st->peer_alive);
	prom_family(f, "xlvs_failoverd_peer_holds_resources", "gauge",
		    "1 when the peer says it holds the resources.");
	prom_sample_u64(f, "xlvs_failoverd_peer_holds_resources", &l, st->peer_holds);
	prom_family(f, "xlvs_failoverd_peer_last_heartbeat_timestamp_seconds", "gauge",
		    "When the peer's last heartbeat came, Unix time.");
	prom_sample(f, "xlvs_failoverd_peer_last_heartbeat_timestamp_seconds", &l,
		    (double)(long long)(last * 1000.0) / 1000.0);
	prom_family(f, "xlvs_failoverd_peer_last_heartbeat_age_seconds", "gauge",
		    "How long ago the peer's last heartbeat came.");
	prom_sample(f, "xlvs_failoverd_peer_last_heartbeat_age_seconds", &l,
		    (double)st->peer_last_ms / 1000.0);
}

void metrics_failoverd(FILE *f, const struct view *v)
{
	const struct fostat *st = &v->fo;
	struct prom_labels l;

	prom_family(f, "xlvs_failoverd_up", "gauge",
		    "1 when xlvs-failoverd answered on its control socket.");
	prom_sample_u64(f, "xlvs_failoverd_up", NULL, st->up);
	if (!st->up)
		return;
	prom_family(f, "xlvs_failoverd_info", "gauge",
		    "This director's failover node (1): its name, and whether it is haresources' owner.");
	prom_labels_init(&l);
	prom_labels_add(&l, "node", st->node);
	prom_labels_add(&l, "haresources_owner", st->owner ? "yes" : "no");
	prom_sample_u64(f, "xlvs_failoverd_info", &l, 1);
	prom_family(f, "xlvs_failoverd_role", "gauge",
		    "This director's failover role: 1 for the role it is in (active holds the resources).");
	prom_labels_init(&l);
	fo_state_set(f, "xlvs_failoverd_role", "role", fostat_roles, fostat_nroles, st->role, &l);
	prom_family(f, "xlvs_failoverd_role_changed_timestamp_seconds", "gauge",
		    "When this director took its present role, Unix time.");
	prom_sample(f, "xlvs_failoverd_role_changed_timestamp_seconds", NULL,
		    (double)((long long)v->now - st->role_secs));
	fo_resources(f, st);
	fo_peer(f, v);
}
