// SPDX-License-Identifier: GPL-2.0
/*
 * Start-up and stop, as ldirectord's ld_start and ld_stop.  ld_start
 * first adds a missing server at its full weight and then makes it
 * quiescent (readdquiescent=no); here it goes straight to where ldirectord
 * ends (quiescent: at weight 0; else absent), so no connection is sent to
 * a server nobody has checked yet.
 */
#include <stdlib.h>
#include <string.h>

#include "fallback.h"
#include "server_state.h"

static bool start_named(const struct hd_vs *v, const struct xlvs_endpoint *a)
{
	struct xlvs_endpoint e;

	for (size_t i = 0; i < v->nreals; i++) {
		e = hd_tbl_entry_addr(v, &v->reals[i].conf);
		if (hd_ep_eq(&e, a))
			return true;
	}
	if (!v->has_fallback)
		return false;
	e = hd_tbl_entry_addr(v, &v->fallback);
	return hd_ep_eq(&e, a) || hd_ep_eq(&v->fallback.addr, a);
}

/* Entries of v's service the file does not name go ("Purged real server
 * (start)"); the fallback's stays. */
static void start_purge(struct hd_state *st, struct hd_vs *v)
{
	struct xlvs_endpoint *have;
	size_t n;

	if (hd_tbl_dest_list(st->tbl, v, &have, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (!start_named(v, &have[i]))
			hd_tbl_purge_dest(st->tbl, v, &have[i], "start");
	free(have);
}

void hd_state_start_virtual(struct hd_state *st, struct hd_vs *v)
{
	struct xlvs_dest_conf cur;
	struct xlvs_endpoint e;

	for (size_t i = 0; i < v->nreals; i++) {
		struct hd_rs *r = &v->reals[i];

		r->last_ok = -1;
		r->since = time(NULL);
		r->num_connects = v->checktype == HD_CT_COMBINED ?
				  HD_COMBINED_NEGOTIATE : 0;
		e = hd_tbl_entry_addr(v, &r->conf);
		if (hd_tbl_dest_get(st->tbl, v, &e, &cur) == 0 && cur.weight > 0)
			hd_state_set(st, r, true, true);
	}
	start_purge(st, v);
	for (size_t i = 0; i < v->nreals; i++) {
		struct hd_rs *r = &v->reals[i];

		if (r->up)
			continue;
		/* ld_start's forced down: failcount 1, out of the table or
		 * at weight 0 (re-added at 0 if missing). */
		r->failcount++;
		hd_tbl_remove(st->tbl, v, &r->conf, "real", v->quiescent, true);
	}
	hd_fallback_on(st, v);
}

void hd_state_start(struct hd_state *st)
{
	st->changes++;
	/* Without the table nothing here can be done; the checks still run
	 * and their batches try again. */
	if (hd_tbl_begin(st->tbl) < 0)
		return;
	for (size_t i = 0; i < st->nvirtuals; i++)
		hd_tbl_service_set(st->tbl, &st->virtuals[i], false);
	for (size_t i = 0; i < st->nvirtuals; i++)
		hd_state_start_virtual(st, &st->virtuals[i]);
	hd_tbl_end(st->tbl);
}

/* ld_stop for one virtual with cleanstop: its servers that are up
 * purged, then the virtual; in one deletion of the service where the
 * table allows (hd_tbl_purge_all), else one by one. */
static void stop_virtual(struct hd_state *st, struct hd_vs *v)
{
	struct xlvs_endpoint *up = calloc(v->nreals ? v->nreals : 1, sizeof(*up));
	size_t n = 0;

	for (size_t j = 0; j < v->nreals; j++) {
		struct hd_rs *r = &v->reals[j];
		struct xlvs_endpoint e = hd_tbl_entry_addr(v, &r->conf);

		if (!r->up)
			continue;
		if (up)
			up[n++] = e;
		else            /* no memory: the slow way */
			hd_tbl_purge_dest(st->tbl, v, &e, "stop");
		r->up = false;
		v->nup--;
	}
	if (up && hd_tbl_purge_all(st->tbl, v, up, n, "stop") == 0) {
		free(up);
		return;
	}
	for (size_t j = 0; up && j < n; j++)
		hd_tbl_purge_dest(st->tbl, v, &up[j], "stop");
	hd_tbl_service_purge(st->tbl, v, "stop");
	free(up);
}

void hd_state_stop(struct hd_state *st)
{
	if (hd_tbl_begin(st->tbl) < 0)
		return;
	for (size_t i = 0; i < st->nvirtuals; i++)
		if (st->virtuals[i].cleanstop)
			stop_virtual(st, &st->virtuals[i]);
	hd_tbl_end(st->tbl);
}
