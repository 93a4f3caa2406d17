// SPDX-License-Identifier: GPL-2.0
/*
 * lblc, lblcr and twos for the tests (model_lblc.h), loop for loop as the
 * kernel's functions, list walks turned into index walks.
 */
#include <stddef.h>
#include <string.h>

#include "model_lblc.h"

static int64_t overhead(const struct m_server *d)
{
	return (d->active << 8) + d->inactive;  /* ip_vs_dest_conn_overhead */
}

static const struct m_lserver *find(const struct m_lserver *all, int nall,
				    uint32_t inst)
{
	for (int i = 0; i < nall; i++)
		if (all[i].inst == inst)
			return &all[i];
	return NULL;
}

/* is_overloaded(): only the service's list is walked. */
static bool is_overloaded(const struct m_lserver *d, const struct m_lserver *all,
			  int nlist)
{
	if (d->s.active <= d->s.weight)
		return false;
	if (m_mutate == 15)
		return true;
	for (int i = 0; i < nlist; i++)
		if (all[i].s.active * 2 < all[i].s.weight)
			return true;
	return false;
}

/* __ip_vs_lblc_schedule, __ip_vs_lblcr_schedule: wlc's loop, as written
 * there (the first usable server, then the cross-multiplication). */
static uint32_t least_loaded(const struct m_lserver *all, int nlist)
{
	int least, i;
	int64_t loh;

	for (i = 0; i < nlist; i++)
		if (!all[i].s.over && all[i].s.weight > 0)
			break;
	if (i == nlist)
		return 0;
	least = i;
	loh = overhead(&all[i].s);
	for (i++; i < nlist; i++) {
		int64_t doh;

		if (all[i].s.over)
			continue;
		doh = overhead(&all[i].s);
		if (loh * all[i].s.weight > doh * all[least].s.weight) {
			least = i;
			loh = doh;
		}
	}
	return all[least].inst;
}

static void entry_new(struct m_lblc *e, int kind, uint32_t inst, double now)
{
	memset(e, 0, sizeof(*e));
	e->has = true;
	e->kind = kind;
	e->set[0] = inst;
	e->n = 1;
	e->lastuse = e->lastmod = now;
}

/* ip_vs_lblc_schedule */
static uint32_t lblc_pick(struct m_lblc *e, const struct m_lserver *all,
			  int nlist, int nall, double now)
{
	uint32_t pick;

	if (e->has) {
		const struct m_lserver *d = find(all, nall, e->set[0]);

		e->lastuse = now;
		if (d && d->avail && (d->s.weight > 0 || m_mutate == 17) &&
		    (m_mutate == 14 || !is_overloaded(d, all, nlist)))
			return d->inst;
	}
	pick = least_loaded(all, nlist);
	if (!pick)
		return 0;
	if (!e->has || e->set[0] != pick)       /* ip_vs_lblc_new */
		entry_new(e, XLVS_SCHED_LBLC, pick, now);
	return pick;
}

/* ip_vs_dest_set_min */
static int set_min(const struct m_lblc *e, const struct m_lserver *all, int nall)
{
	int least = -1;
	int64_t loh = 0;

	for (int i = 0; i < e->n; i++) {
		const struct m_lserver *d = find(all, nall, e->set[i]);

		if (!d || d->s.over)
			continue;
		if (least < 0) {
			if (d->s.weight > 0 && d->avail) {
				least = i;
				loh = overhead(&d->s);
			}
			continue;
		}
		if (loh * d->s.weight >
		    overhead(&d->s) * find(all, nall, e->set[least])->s.weight &&
		    d->avail) {
			least = i;
			loh = overhead(&d->s);
		}
	}
	return least;
}

/* ip_vs_dest_set_max */
static int set_max(const struct m_lblc *e, const struct m_lserver *all, int nall)
{
	int most = -1;
	int64_t moh = 0;

	for (int i = 0; i < e->n; i++) {
		const struct m_lserver *d = find(all, nall, e->set[i]);

		if (!d || d->s.weight <= 0)
			continue;
		if (most < 0 ||
		    moh * d->s.weight <
		    overhead(&d->s) * find(all, nall, e->set[most])->s.weight) {
			most = i;
			moh = overhead(&d->s);
		}
	}
	return most;
}

/* ip_vs_dest_set_insert (check), bounded as the table's set is */
static void set_insert(struct m_lblc *e, uint32_t inst, double now)
{
	for (int i = 0; i < e->n; i++)
		if (e->set[i] == inst)
			return;
	if (e->n == XLVS_LBLCR_SET_MAX)
		return;
	memmove(&e->set[1], &e->set[0], e->n * sizeof(e->set[0]));
	e->set[0] = inst;
	e->n++;
	e->lastmod = now;
}

/* ip_vs_lblcr_schedule */
static uint32_t lblcr_pick(struct m_lblc *e, const struct m_lserver *all,
			   int nlist, int nall, double now, double exp_s)
{
	const struct m_lserver *d = NULL;
	uint32_t pick;
	int min;

	if (!e->has) {
		pick = least_loaded(all, nlist);
		if (pick)
			entry_new(e, XLVS_SCHED_LBLCR, pick, now);
		return pick;
	}
	e->lastuse = now;
	min = set_min(e, all, nall);
	if (min >= 0)
		d = find(all, nall, e->set[min]);
	if (e->n > 1 && now > e->lastmod + exp_s && m_mutate != 16) {
		int m = set_max(e, all, nall);

		if (m >= 0) {
			memmove(&e->set[m], &e->set[m + 1],
				(e->n - m - 1) * sizeof(e->set[0]));
			e->n--;
			e->lastmod = now;
		}
	}
	if (d && (m_mutate == 14 || !is_overloaded(d, all, nlist)))
		return d->inst;
	pick = least_loaded(all, nlist);
	if (pick)
		set_insert(e, pick, now);
	return pick;
}

uint32_t m_lblc_pick(struct m_lblc *e, int kind, const struct m_lserver *all,
		     int nlist, int nall, double now, double exp_s)
{
	if (e->has && e->kind != kind)
		e->has = false;
	if (kind == XLVS_SCHED_LBLC)
		return lblc_pick(e, all, nlist, nall, now);
	return lblcr_pick(e, all, nlist, nall, now, exp_s);
}

/* ip_vs_lblc_full_check, ip_vs_lblcr_full_check */
bool m_lblc_expired(const struct m_lblc *e, double now, double lblc_exp_s,
		    double lblcr_exp_s)
{
	double exp = e->kind == XLVS_SCHED_LBLCR ? lblcr_exp_s : lblc_exp_s;

	if (!e->has || m_mutate == 19)
		return false;
	return !(now < e->lastuse + exp);
}

/* ip_vs_twos_schedule for draws r1, r2: the index chosen. */
static int twos_pick(const struct m_server *s, int n, int64_t r1, int64_t r2)
{
	int c1 = -1, c2 = -1;
	int64_t w1 = -1, w2 = -1, oh1 = 0, oh2 = 0;

	for (int i = 0; i < n; i++) {
		int64_t w = s[i].weight;

		if (s[i].over || w <= 0)
			continue;
		r1 -= w;
		r2 -= w;
		if (r1 <= 0 && w1 == -1) {
			c1 = i;
			w1 = w;
			oh1 = overhead(&s[i]);
		}
		if (r2 <= 0 && w2 == -1) {
			c2 = i;
			w2 = w;
			oh2 = overhead(&s[i]);
		}
		if (w1 != -1 && w2 != -1)
			break;
	}
	if (m_mutate == 18 ? w2 * oh1 < w1 * oh2 : w2 * oh1 > w1 * oh2)
		c1 = c2;
	return c1;
}

void m_twos_probs(const struct m_server *s, int n, double *p)
{
	int64_t total = 0;

	for (int i = 0; i < n; i++) {
		p[i] = 0;
		if (!s[i].over && s[i].weight > 0)
			total += s[i].weight;
	}
	if (!total)
		return;
	total += 1;     /* the draws take 0 to total inclusive */
	for (int64_t r1 = 0; r1 < total; r1++)
		for (int64_t r2 = 0; r2 < total; r2++) {
			int c = twos_pick(s, n, r1, r2);

			if (c >= 0)
				p[c] += 1.0 / ((double)total * total);
		}
}
