// SPDX-License-Identifier: GPL-2.0
/*
 * -R carried out as one change: the table the input describes (the model
 * restore_check.c built: with a -C, exactly the input's table; without,
 * the input's commands applied to the running one) against the running
 * table, and only the difference made.  A service or real server whose
 * settings are the same is not touched at all -- no schedule rebuilt, no rr
 * or wrr position reset, no counters zeroed, no trip through the trash --
 * so a reload that repeats the running table changes nothing traffic sees.
 * One that differs is edited in place (-E, -e), one that is gone deleted,
 * one that is new added.
 *
 * The order: services that are gone go first (their slots may be needed);
 * then each service in turn, its new real servers before its edited ones
 * and those before the removed ones, so a service whose servers are all
 * replaced is never left without one; new real servers in the order the
 * input adds them, so the list is the one IPVS would build from it.  An
 * unchanged server keeps its place in the list, where -C and -R would move
 * it (each re-add goes to the list's head).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "restore_check.h"

static bool ep_eq(const struct xlvs_endpoint *a, const struct xlvs_endpoint *b)
{
	return a->af == b->af && !memcmp(a->addr, b->addr, sizeof(a->addr)) &&
	       a->port == b->port;
}

static bool svc_same(const struct xlvs_service_conf *a,
		     const struct xlvs_service_conf *b)
{
	return !strncmp(a->sched, b->sched, sizeof(a->sched)) &&
	       a->flags == b->flags && a->timeout == b->timeout &&
	       a->netmask == b->netmask;
}

/* want is the input's (the method asked for), have the table's (Local for
 * an address of this host's own): compared as the table would record want. */
static bool dest_same(const struct xlvs_dest_conf *want,
		      const struct xlvs_dest_conf *have)
{
	uint8_t fwd = xlvs_dest_fwd_of(want);

	return want->weight == have->weight &&
	       want->u_threshold == have->u_threshold &&
	       want->l_threshold == have->l_threshold &&
	       fwd == have->fwd &&
	       (fwd != XLVS_FWD_TUNNEL ||
		(want->tun_type == have->tun_type &&
		 want->tun_flags == have->tun_flags &&
		 want->tun_port == have->tun_port));
}

static const struct model_svc *model_find(const struct restore_model *m,
					  const struct xlvs_service_conf *c)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (!m->svcs[i].gone && m->svcs[i].conf.proto == c->proto &&
		    ep_eq(&m->svcs[i].conf.vip, &c->vip))
			return &m->svcs[i];
	return NULL;
}

static const struct xlvs_service_info *snap_find(const struct xlvs_snapshot *snap,
						 const struct xlvs_service_conf *c)
{
	for (uint32_t i = 0; i < snap->nservices; i++)
		if (snap->services[i].conf.proto == c->proto &&
		    ep_eq(&snap->services[i].conf.vip, &c->vip))
			return &snap->services[i];
	return NULL;
}

static const struct model_dest *mdest_find(const struct model_svc *s,
					   const struct xlvs_endpoint *a)
{
	for (uint32_t i = 0; i < s->ndests; i++)
		if (ep_eq(&s->dests[i].conf.addr, a))
			return &s->dests[i];
	return NULL;
}

static const struct xlvs_dest_info *sdest_find(const struct xlvs_service_info *si,
					       const struct xlvs_endpoint *a)
{
	for (uint32_t i = 0; i < si->ndests; i++)
		if (ep_eq(&si->dests[i].conf.addr, a))
			return &si->dests[i];
	return NULL;
}

/* A failed step: the ones before it stay made. */
static int step_failed(enum cmd_kind k, const struct xlvs_service_conf *svc,
		       const struct xlvs_endpoint *rip, int rc)
{
	char v[64], r[64] = "";

	xlvs_endpoint_format(&svc->vip, v, sizeof(v));
	if (rip)
		xlvs_endpoint_format(rip, r, sizeof(r));
	fprintf(stderr, "%s\n", cmd_error_message(k, -rc));
	fprintf(stderr, "xlvsadm: -R: changing %s %s%s%s failed; the changes "
		"before it were made\n", svc->proto == IPPROTO_UDP ? "UDP" : "TCP",
		v, rip ? " real server " : "", r);
	return 1;
}

static int dests_apply(struct xlvs_table *t, const struct model_svc *ms,
		       const struct xlvs_service_info *si,
		       struct restore_diff_stats *st)
{
	const struct xlvs_service_conf *sc = &ms->conf;
	uint32_t adds = 0;
	bool dels_first;
	int rc;

	for (uint32_t i = 0; i < ms->ndests; i++)
		adds += !si || !sdest_find(si, &ms->dests[i].conf.addr);
	/* Adding first would pass the per-service limit: make room first. */
	dels_first = si && si->ndests + adds > XLVS_SVC_DESTS_MAX;
	for (int pass = 0; pass < 3; pass++) {
		int what = dels_first ? (pass + 2) % 3 : pass;  /* 0 add 1 edit 2 del */

		if (what == 2) {
			for (uint32_t i = 0; si && i < si->ndests; i++) {
				const struct xlvs_endpoint *a = &si->dests[i].conf.addr;

				if (mdest_find(ms, a))
					continue;
				rc = xlvs_dest_del(t, sc->proto, &sc->vip, a);
				if (rc)
					return step_failed(CMD_DEL_DEST, sc, a, rc);
				st->dest_deleted++;
			}
			continue;
		}
		for (uint32_t i = 0; i < ms->ndests; i++) {
			const struct xlvs_dest_conf *want = &ms->dests[i].conf;
			const struct xlvs_dest_info *have = si ? sdest_find(si, &want->addr) : NULL;

			if (what == 0 && !have) {
				rc = xlvs_dest_add(t, sc->proto, &sc->vip, want);
				if (rc)
					return step_failed(CMD_ADD_DEST, sc, &want->addr, rc);
				st->dest_added++;
			} else if (what == 1 && have && !dest_same(want, &have->conf)) {
				rc = xlvs_dest_edit(t, sc->proto, &sc->vip, want);
				if (rc)
					return step_failed(CMD_EDIT_DEST, sc, &want->addr, rc);
				st->dest_edited++;
			} else if (what == 1 && have) {
				st->untouched_dests++;
			}
		}
	}
	return 0;
}

int restore_diff_apply(struct xlvs_table *t, const struct xlvs_snapshot *snap,
		       const struct restore_model *m,
		       struct restore_diff_stats *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	for (uint32_t i = 0; i < snap->nservices; i++) {
		const struct xlvs_service_conf *c = &snap->services[i].conf;

		if (model_find(m, c))
			continue;
		rc = xlvs_service_del(t, c->proto, &c->vip);
		if (rc)
			return step_failed(CMD_DEL_SVC, c, NULL, rc);
		st->svc_deleted++;
	}
	for (uint32_t i = 0; i < m->n; i++) {
		const struct model_svc *ms = &m->svcs[i];
		const struct xlvs_service_info *si;

		if (ms->gone)
			continue;
		si = snap_find(snap, &ms->conf);
		if (!si) {
			rc = xlvs_service_add(t, &ms->conf);
			if (rc)
				return step_failed(CMD_ADD_SVC, &ms->conf, NULL, rc);
			st->svc_added++;
		} else if (!svc_same(&ms->conf, &si->conf)) {
			rc = xlvs_service_edit(t, &ms->conf);
			if (rc)
				return step_failed(CMD_EDIT_SVC, &ms->conf, NULL, rc);
			st->svc_edited++;
		} else {
			st->untouched_svcs++;
		}
		rc = dests_apply(t, ms, si, st);
		if (rc)
			return rc;
	}
	return 0;
}
