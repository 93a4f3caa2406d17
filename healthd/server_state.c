// SPDX-License-Identifier: GPL-2.0
/* The real servers' state machine (server_state.h), from ldirectord 4.12's
 * service_set, _service_up, _service_down, _check_real, ld_start and
 * ld_stop. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "fallback.h"
#include "hd_log.h"
#include "maintenance.h"
#include "monitor.h"
#include "server_state.h"

void hd_vs_names(struct hd_vs *v)
{
	xlvs_endpoint_format(&v->svc.vip, v->vstr, sizeof(v->vstr));
	snprintf(v->id, sizeof(v->id), "%s:%s",
		 v->svc.proto == IPPROTO_UDP ? "udp" : "tcp", v->vstr);
}

void hd_rs_str(const struct hd_rs *r, char *buf, size_t len)
{
	xlvs_endpoint_format(&r->conf.addr, buf, len);
}

/* _service_up: failcount reset (logged), then, if it was down or forced,
 * restored and the fallback turned off. */
static void state_up(struct hd_state *st, struct hd_rs *r, bool force)
{
	struct hd_vs *v = r->v;
	char rs[64];

	hd_rs_str(r, rs, sizeof(rs));
	if (r->failcount > 0)
		hd_tbl_log(st->tbl, "Resetting soft failure count: %s (%s)", rs, v->id);
	r->failcount = 0;
	if (!r->up) {
		r->up = true;
		v->nup++;
		r->since = time(NULL);
		st->changes++;
	} else if (!force) {
		return;
	}
	hd_tbl_restore(st->tbl, v, &r->conf, "real");
	hd_fallback_off(st, v);
}

/* _service_down: a failure counted while up; below failurecount only a
 * soft failure, at it (or forced) down, removed, and the fallback on. */
static void state_down(struct hd_state *st, struct hd_rs *r, bool force)
{
	struct hd_vs *v = r->v;
	char rs[64];

	if (!r->up && !force)
		return;
	r->failcount++;
	if (!force && r->up && r->failcount < v->failurecount) {
		hd_rs_str(r, rs, sizeof(rs));
		hd_tbl_log(st->tbl, "Soft failure real server: %s (%s) failure %u/%u",
			   rs, v->id, r->failcount, v->failurecount);
		return;
	}
	if (r->up) {
		r->up = false;
		v->nup--;
		r->since = time(NULL);
		st->changes++;
	}
	hd_tbl_remove(st->tbl, v, &r->conf, "real", v->quiescent,
		      st->g->readdquiescent);
	hd_fallback_on(st, v);
}

void hd_state_set(struct hd_state *st, struct hd_rs *r, bool up, bool force)
{
	hd_tbl_begin(st->tbl);
	if (up)
		state_up(st, r, force);
	else
		state_down(st, r, force);
	hd_tbl_end(st->tbl);
}

void hd_state_check_name(const struct hd_vs *v, char *buf, size_t len)
{
	static const char *const names[] = {
		[HD_CT_CONNECT] = "connect", [HD_CT_NEGOTIATE] = "negotiate",
		[HD_CT_PING] = "ping", [HD_CT_EXTERNAL] = "external",
		[HD_CT_EXTERNAL_PERL] = "external-perl", [HD_CT_OFF] = "off",
		[HD_CT_ON] = "on", [HD_CT_COMBINED] = "combined",
	};
	const char *svc = NULL;

	if (v->checktype == HD_CT_NEGOTIATE || v->checktype == HD_CT_COMBINED)
		svc = v->nreals ? hd_service_name(v->reals[0].target.service) : NULL;
	else if (v->checktype == HD_CT_EXTERNAL || v->checktype == HD_CT_EXTERNAL_PERL)
		svc = v->nreals ? v->reals[0].target.checkcommand : NULL;
	snprintf(buf, len, "%s%s%s", names[v->checktype], svc ? ":" : "",
		 svc ? svc : "");
}

bool hd_state_due(struct hd_state *st, struct hd_rs *r)
{
	struct hd_vs *v = r->v;

	if (hd_maint_active(st->g, r)) {
		hd_debug(2, "Server maintenance: %s", v->id);
		snprintf(r->last_why, sizeof(r->last_why), "Server in maintenance");
		hd_state_set(st, r, false, true);
		if (v->monitorfile && r->monitor_id)
			hd_monitor_write(v->monitorfile, r->monitor_id, false,
					 "Server in maintenance");
		return false;
	}
	switch (v->checktype) {
	case HD_CT_OFF:
		return false;
	case HD_CT_ON:
		hd_state_set(st, r, true, false);
		return false;
	case HD_CT_NEGOTIATE:
		r->target.kind = HD_CHECK_NEGOTIATE;
		break;
	case HD_CT_COMBINED:
		r->target.kind = r->num_connects >= v->num_connects ?
				 HD_CHECK_NEGOTIATE : HD_CHECK_CONNECT;
		break;
	case HD_CT_CONNECT:
		r->target.kind = HD_CHECK_CONNECT;
		break;
	case HD_CT_PING:
		r->target.kind = HD_CHECK_PING;
		break;
	case HD_CT_EXTERNAL:
		r->target.kind = HD_CHECK_EXTERNAL;
		break;
	case HD_CT_EXTERNAL_PERL:
		r->target.kind = HD_CHECK_EXTERNAL_PERL;
		break;
	}
	if (r->target.kind == HD_CHECK_NEGOTIATE && r->target.service == HD_SVC_NONE) {
		/* check_none: a negotiate without a service passes. */
		hd_state_result(st, r, true, "");
		return false;
	}
	r->target.timeout_ms = r->target.kind == HD_CHECK_NEGOTIATE ?
			       v->negotiatetimeout_ms : v->checktimeout_ms;
	return true;
}

static const char *state_kind_name(enum hd_check_kind k)
{
	switch (k) {
	case HD_CHECK_CONNECT: return "connect";
	case HD_CHECK_NEGOTIATE: return "negotiate";
	case HD_CHECK_PING: return "ping";
	case HD_CHECK_EXTERNAL: return "external";
	case HD_CHECK_EXTERNAL_PERL: return "external-perl";
	}
	return "?";
}

/* The check and the reason, logged when a server's result changes (the
 * table's change, if any, follows in ldirectord's own words). */
static void state_log_result(struct hd_state *st, struct hd_rs *r, bool ok,
			     const char *why)
{
	char rs[64];

	if (r->last_ok == (int)ok && (ok || !strcmp(r->last_why, why)))
		return;
	st->changes++;
	hd_rs_str(r, rs, sizeof(rs));
	if (ok)
		hd_tbl_log(st->tbl, "Check %s passed: real server=%s (virtual=%s)",
			   state_kind_name(r->target.kind), rs, r->v->id);
	else
		hd_tbl_log(st->tbl, "Check %s failed: real server=%s (virtual=%s): %s",
			   state_kind_name(r->target.kind), rs, r->v->id,
			   why && *why ? why : "-");
}

void hd_state_result(struct hd_state *st, struct hd_rs *r, bool ok,
		     const char *why)
{
	struct hd_vs *v = r->v;

	state_log_result(st, r, ok, why);
	r->last_ok = ok;
	snprintf(r->last_why, sizeof(r->last_why), "%s", ok || !why ? "" : why);
	if (v->checktype == HD_CT_COMBINED) {
		if (r->target.kind == HD_CHECK_NEGOTIATE)
			r->num_connects = ok ? 0 : r->num_connects;
		else
			r->num_connects = ok ? r->num_connects + 1
					     : HD_COMBINED_NEGOTIATE;
	}
	hd_state_set(st, r, ok, false);
	if (v->monitorfile && r->monitor_id)
		hd_monitor_write(v->monitorfile, r->monitor_id, ok, ok ? NULL : why);
}
