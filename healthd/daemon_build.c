// SPDX-License-Identifier: GPL-2.0
/* The runtime picture of a parsed ldirectord.cf (daemon.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "maintenance.h"
#include "monitor.h"

/* ipvsadm -b's names. */
static uint32_t build_schedflags(const char *s)
{
	uint32_t f = 0;
	char buf[256], *tok, *save = NULL;

	if (!s)
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "sh-fallback") || !strcmp(tok, "mh-fallback") ||
		    !strcmp(tok, "flag-1"))
			f |= XLVS_SVC_F_SCHED1;
		else if (!strcmp(tok, "sh-port") || !strcmp(tok, "mh-port") ||
			 !strcmp(tok, "flag-2"))
			f |= XLVS_SVC_F_SCHED2;
		else if (!strcmp(tok, "flag-3"))
			f |= XLVS_SVC_F_SCHED3;
	}
	return f;
}

/* ld_setup's "-A/-E" flags. */
static void build_service(const struct hd_virtual *cv, struct xlvs_service_conf *s)
{
	memset(s, 0, sizeof(*s));
	s->proto = cv->proto;
	s->vip = cv->vip;
	snprintf(s->sched, sizeof(s->sched), "%s", cv->scheduler ? cv->scheduler : "wrr");
	s->flags = build_schedflags(cv->schedflags);
	if (cv->proto == IPPROTO_UDP && cv->ops)
		s->flags |= XLVS_SVC_F_ONEPACKET;
	s->netmask = cv->vip.af == 6 ? 128 : 0xffffffff;
	if (cv->persistent_set) {
		s->flags |= XLVS_SVC_F_PERSISTENT;
		s->timeout = cv->persistent;
		if (cv->netmask_set)
			s->netmask = cv->netmask;
	}
}

static void build_target(const struct hd_config *c, const struct hd_virtual *cv,
			 const struct hd_real *cr, struct hd_rs *r)
{
	struct hd_check_target *t = &r->target;

	(void)c;
	t->service = cv->service;
	t->proto = cv->proto;
	t->vip = cv->vip;
	t->rip = r->conf.addr;
	t->checkport = hd_virtual_checkport(cv, cr);
	t->request = cr->request ? cr->request : cv->request;
	t->receive = cr->request ? cr->receive : cv->receive;
	t->httpmethod = cv->httpmethod;
	t->virtualhost = cv->virtualhost;
	t->login = cv->login;
	t->passwd = cv->passwd;
	t->database = cv->database;
	t->secret = cv->secret;
	t->checkcommand = cv->checkcommand;
	t->checkcount = cv->checkcount ? cv->checkcount : 1;
}

static void build_real(const struct hd_config *c, const struct hd_virtual *cv,
		       const struct hd_real *cr, struct hd_vs *v, struct hd_rs *r)
{
	r->v = v;
	r->conf.addr = cr->addr;
	if (!r->conf.addr.port)
		r->conf.addr.port = cv->vip.port;    /* as ipvsadm gives it */
	r->conf.fwd = cr->fwd;
	r->conf.weight = (int32_t)cr->weight;
	r->conf.u_threshold = cr->u_threshold;
	r->conf.l_threshold = cr->l_threshold;
	r->last_ok = -1;
	build_target(c, cv, cr, r);
	if (cv->monitorfile) {
		char id[4096];

		hd_monitor_id(cv, cr, id, sizeof(id));
		r->monitor_id = strdup(id);
	}
	hd_maint_resolve(r);
}

static int build_virtual(const struct hd_config *c, const struct hd_virtual *cv,
			 struct hd_vs *v)
{
	struct hd_fallback fb;

	build_service(cv, &v->svc);
	hd_vs_names(v);
	v->checktype = cv->checktype;
	v->num_connects = cv->num_connects;
	v->failurecount = cv->failurecount ? cv->failurecount : 1;
	/* ldirectord honours a virtual's own checkinterval only with
	 * fork=yes (run_child); one process sleeps the global one. */
	v->checkinterval_ms = (c->fork ? hd_virtual_checkinterval(c, cv)
				       : c->checkinterval) * 1000u;
	v->checktimeout_ms = cv->checktimeout * 1000u;
	v->negotiatetimeout_ms = cv->negotiatetimeout * 1000u;
	v->quiescent = hd_virtual_quiescent(c, cv);
	v->cleanstop = hd_virtual_cleanstop(c, cv);
	v->fallbackcommand = cv->fallbackcommand;
	v->monitorfile = cv->monitorfile;
	if (hd_virtual_fallback(c, cv, &fb)) {
		v->has_fallback = true;
		v->fallback.addr = fb.addr;
		v->fallback.fwd = fb.fwd;
		v->fallback.weight = 1;
	}
	v->reals = calloc(cv->nreals ? cv->nreals : 1, sizeof(*v->reals));
	if (!v->reals)
		return -ENOMEM;
	v->nreals = cv->nreals;
	for (size_t i = 0; i < cv->nreals; i++)
		build_real(c, cv, &cv->reals[i], v, &v->reals[i]);
	return 0;
}

int hd_daemon_build(struct hd_daemon *d, struct hd_config *cfg)
{
	d->cfg = cfg;
	d->g.readdquiescent = cfg->readdquiescent;
	d->g.maintenancedir = cfg->maintenancedir;
	d->vs = calloc(cfg->nvirtuals ? cfg->nvirtuals : 1, sizeof(*d->vs));
	if (!d->vs)
		return -ENOMEM;
	d->nvs = cfg->nvirtuals;
	for (size_t i = 0; i < cfg->nvirtuals; i++)
		if (build_virtual(cfg, &cfg->virtuals[i], &d->vs[i]) < 0)
			return -ENOMEM;
	d->st.g = &d->g;
	d->st.virtuals = d->vs;
	d->st.nvirtuals = d->nvs;
	d->st.fallbackcommand = cfg->fallbackcommand;
	return 0;
}

void hd_daemon_unbuild(struct hd_daemon *d)
{
	for (size_t i = 0; d->vs && i < d->nvs; i++) {
		for (size_t j = 0; d->vs[i].reals && j < d->vs[i].nreals; j++)
			free(d->vs[i].reals[j].monitor_id);
		free(d->vs[i].reals);
	}
	free(d->vs);
	d->vs = NULL;
	d->nvs = 0;
	hd_config_free(d->cfg);
	d->cfg = NULL;
}
