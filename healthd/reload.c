// SPDX-License-Identifier: GPL-2.0
/* Reload: the new configuration applied over the running one (reload.h). */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "reload.h"
#include "table_apply.h"

static struct hd_vs *reload_find_vs(struct hd_vs *vs, size_t n,
				    const struct hd_vs *v)
{
	for (size_t i = 0; i < n; i++)
		if (vs[i].svc.proto == v->svc.proto &&
		    hd_ep_eq(&vs[i].svc.vip, &v->svc.vip))
			return &vs[i];
	return NULL;
}

static struct hd_rs *reload_find_rs(struct hd_vs *v, const struct hd_rs *r)
{
	for (size_t i = 0; v && i < v->nreals; i++)
		if (hd_ep_eq(&v->reals[i].conf.addr, &r->conf.addr))
			return &v->reals[i];
	return NULL;
}

/* What status shows (since when, the last check) stays for a server
 * whose state the reload did not change. */
static void reload_carry(struct hd_vs *v, struct hd_vs *ov)
{
	for (size_t i = 0; i < v->nreals; i++) {
		struct hd_rs *r = &v->reals[i];
		struct hd_rs *or = reload_find_rs(ov, r);

		if (!or || or->up != r->up)
			continue;
		r->since = or->since;
		r->last_ok = or->last_ok;
		r->last_took_us = or->last_took_us;
		memcpy(r->last_why, or->last_why, sizeof(r->last_why));
		if (!r->up)
			r->failcount = or->failcount;
	}
}

void hd_reload_apply(struct hd_state *st, struct hd_vs *nv, size_t nnv)
{
	struct hd_vs *old = st->virtuals;
	size_t nold = st->nvirtuals;

	if (hd_tbl_begin(st->tbl) < 0) {
		/* The new picture stands; its servers start down, unchecked. */
		st->virtuals = nv;
		st->nvirtuals = nnv;
		return;
	}
	st->virtuals = nv;
	st->nvirtuals = nnv;
	for (size_t i = 0; i < nnv; i++) {
		struct hd_vs *ov = reload_find_vs(old, nold, &nv[i]);

		/* fallbackcommand is not run again for the same state. */
		if (ov)
			nv[i].fallbackcommand_status = ov->fallbackcommand_status;
		hd_tbl_service_set(st->tbl, &nv[i], true);
	}
	for (size_t i = 0; i < nnv; i++) {
		hd_state_start_virtual(st, &nv[i]);
		reload_carry(&nv[i], reload_find_vs(old, nold, &nv[i]));
	}
	for (size_t i = 0; i < nold; i++)
		if (!reload_find_vs(nv, nnv, &old[i]))
			hd_tbl_service_purge(st->tbl, &old[i], "start");
	hd_tbl_end(st->tbl);
}
