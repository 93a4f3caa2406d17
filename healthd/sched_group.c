// SPDX-License-Identifier: GPL-2.0
/*
 * Every real server on the scheduler, one check for the servers of several
 * virtuals whose checks are the same (hd_sched.h).  ldirectord's single
 * process does the same: _ld_main_check_all checks each real server id
 * (get_real_id_str: check, protocol, server, port, virtualhost, checkport,
 * weight, forwarding, request, receive) once a round, and service_set
 * applies the result to every virtual holding that id.  Here "the same" is
 * stricter where the check's bytes could differ (login, passwd, database,
 * secret, httpmethod, timeouts, the virtual's address for an external
 * command's arguments) and looser where they cannot (weight and forwarding
 * are the table's business, not the check's).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hd_log.h"
#include "hd_sched.h"
#include "table_apply.h"

static bool group_str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Checktypes that run a check at all (on and off do not). */
static bool group_checks(enum hd_checktype ct)
{
	return ct != HD_CT_ON && ct != HD_CT_OFF;
}

/* The port the check connects to (check.h: checkport, 0 for the real
 * server's). */
static uint16_t group_port(const struct hd_check_target *t)
{
	return t->checkport ? t->checkport : t->rip.port;
}

/* What only a negotiate check sends or expects. */
static bool group_same_negotiate(const struct hd_check_target *ta,
				 const struct hd_check_target *tb)
{
	return ta->service == tb->service &&
	       group_str_eq(ta->request, tb->request) &&
	       group_str_eq(ta->receive, tb->receive) &&
	       group_str_eq(ta->httpmethod, tb->httpmethod) &&
	       group_str_eq(ta->virtualhost, tb->virtualhost) &&
	       group_str_eq(ta->login, tb->login) &&
	       group_str_eq(ta->passwd, tb->passwd) &&
	       group_str_eq(ta->database, tb->database) &&
	       group_str_eq(ta->secret, tb->secret);
}

bool hd_sched_same_check(const struct hd_rs *a, const struct hd_rs *b)
{
	const struct hd_vs *va = a->v, *vb = b->v;
	const struct hd_check_target *ta = &a->target, *tb = &b->target;

	if (va->checktype != vb->checktype || !group_checks(va->checktype) ||
	    va->checkinterval_ms != vb->checkinterval_ms ||
	    va->checktimeout_ms != vb->checktimeout_ms ||
	    va->negotiatetimeout_ms != vb->negotiatetimeout_ms ||
	    ta->proto != tb->proto || !hd_ep_eq(&ta->rip, &tb->rip) ||
	    group_port(ta) != group_port(tb) || ta->checkcount != tb->checkcount)
		return false;
	switch (va->checktype) {
	case HD_CT_EXTERNAL:
	case HD_CT_EXTERNAL_PERL:
		/* Its arguments name the virtual. */
		return group_str_eq(ta->checkcommand, tb->checkcommand) &&
		       hd_ep_eq(&ta->vip, &tb->vip);
	case HD_CT_COMBINED:
		return va->num_connects == vb->num_connects &&
		       group_same_negotiate(ta, tb);
	case HD_CT_NEGOTIATE:
		return group_same_negotiate(ta, tb);
	default:                        /* connect, ping */
		return true;
	}
}

struct group_ent {
	struct hd_rs *r;
	size_t pos;                     /* in the file's order */
};

/* By address and port, then by place in the file: the same checks are
 * neighbours, the first of them in the file first. */
static int group_cmp(const void *pa, const void *pb)
{
	const struct group_ent *ea = pa, *eb = pb;
	const struct xlvs_endpoint *a = &ea->r->target.rip, *b = &eb->r->target.rip;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return ea->pos < eb->pos ? -1 : ea->pos > eb->pos;
}

/* lead[pos]: the server whose check the server at pos shares, NULL for
 * its own: the first in the file of those with the same check. */
static void group_find(const struct group_ent *e, size_t n, struct hd_rs **lead)
{
	for (size_t i = 0; i < n; i++) {
		lead[e[i].pos] = NULL;
		for (size_t j = i; j-- > 0;) {
			if (!hd_ep_eq(&e[j].r->target.rip, &e[i].r->target.rip))
				break;
			if (!lead[e[j].pos] && hd_sched_same_check(e[j].r, e[i].r)) {
				lead[e[i].pos] = e[j].r;
				break;
			}
		}
	}
}

/* The servers in the file's order into all[], each with the server whose
 * check it shares in lead[] (NULL: its own); how many checks there are,
 * or 0 without memory. */
static size_t group_plan(struct hd_vs *vs, size_t nvs, struct hd_rs **all,
			 struct hd_rs **lead)
{
	struct group_ent *e;
	size_t n = 0, nchecks = 0;

	for (size_t i = 0; i < nvs; i++)
		for (size_t j = 0; j < vs[i].nreals; j++, n++)
			all[n] = &vs[i].reals[j];
	e = malloc(n * sizeof(*e) + 1);
	if (!e)
		return 0;
	for (size_t i = 0; i < n; i++)
		e[i] = (struct group_ent){ all[i], i };
	qsort(e, n, sizeof(*e), group_cmp);
	group_find(e, n, lead);
	free(e);
	for (size_t i = 0; i < n; i++)
		nchecks += !lead[i];
	return nchecks;
}

int hd_sched_all(struct hd_sched *s, struct hd_vs *vs, size_t nvs)
{
	struct hd_rs **all, **lead;
	size_t total = 0, nchecks, k = 0;
	int rc = 0;

	for (size_t i = 0; i < nvs; i++)
		total += vs[i].nreals;
	all = malloc(total * sizeof(*all) + 1);
	lead = malloc(total * sizeof(*lead) + 1);
	if (!all || !lead) {
		free(all);
		free(lead);
		return -ENOMEM;
	}
	nchecks = group_plan(vs, nvs, all, lead);
	if (!nchecks && total)
		rc = -ENOMEM;
	for (size_t i = 0; i < total && rc == 0; i++) {
		struct hd_rs *r = all[i];
		unsigned iv = r->v->checkinterval_ms;

		if (lead[i]) {
			char rs[64];

			hd_rs_str(r, rs, sizeof(rs));
			hd_debug(2, "Checked with virtual %s's check: real "
				 "server=%s (virtual=%s)", lead[i]->v->id, rs,
				 r->v->id);
			rc = hd_sched_join(s, r, lead[i]);
			continue;
		}
		rc = hd_sched_add(s, r, iv,
				  (unsigned)((unsigned long long)k++ * iv / nchecks));
	}
	free(all);
	free(lead);
	return rc;
}
