// SPDX-License-Identifier: GPL-2.0
/*
 * -R's dry run: the commands are played against a model of the table (its
 * services and their real servers, from a snapshot) before any is carried
 * out, so a restore that would fail on line 40 changes nothing at all.  The
 * model checks what the table would refuse: a service that exists or does
 * not, a real server that exists or does not, an unknown scheduler.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "restore_check.h"

struct model_svc {
	uint8_t proto;
	struct xlvs_endpoint vip;
	uint32_t ndests;
	struct xlvs_endpoint *dests;
	bool gone;
};

struct model {
	uint32_t n, cap;
	struct model_svc *svcs;
};

static bool ep_eq(const struct xlvs_endpoint *a, const struct xlvs_endpoint *b)
{
	return !memcmp(a->addr, b->addr, sizeof(a->addr)) && a->port == b->port;
}

static struct model_svc *svc_find(struct model *m, uint8_t proto,
				  const struct xlvs_endpoint *vip)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (!m->svcs[i].gone && m->svcs[i].proto == proto &&
		    ep_eq(&m->svcs[i].vip, vip))
			return &m->svcs[i];
	return NULL;
}

static int svc_add(struct model *m, uint8_t proto, const struct xlvs_endpoint *vip)
{
	if (m->n == m->cap) {
		struct model_svc *g;

		m->cap = m->cap ? m->cap * 2 : 16;
		g = realloc(m->svcs, m->cap * sizeof(*g));
		if (!g)
			return -ENOMEM;
		m->svcs = g;
	}
	memset(&m->svcs[m->n], 0, sizeof(m->svcs[0]));
	m->svcs[m->n].proto = proto;
	m->svcs[m->n].vip = *vip;
	m->n++;
	return 0;
}

static int dest_find(const struct model_svc *s, const struct xlvs_endpoint *r)
{
	for (uint32_t i = 0; i < s->ndests; i++)
		if (ep_eq(&s->dests[i], r))
			return (int)i;
	return -1;
}

static int dest_add(struct model_svc *s, const struct xlvs_endpoint *r)
{
	struct xlvs_endpoint *g = realloc(s->dests, (s->ndests + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	s->dests = g;
	s->dests[s->ndests++] = *r;
	return 0;
}

/* The real server as the table keys it: direct routing uses the service's
 * port (lib/dest.c dest_port). */
static struct xlvs_endpoint dest_key(const struct cmd *c)
{
	struct xlvs_endpoint r = c->dest.addr;

	if (c->dest.fwd != XLVS_FWD_MASQ || !r.port)
		r.port = c->svc.vip.port;
	return r;
}

static int model_apply(struct model *m, const struct cmd *c)
{
	struct model_svc *s = svc_find(m, c->svc.proto, &c->svc.vip);
	struct xlvs_endpoint r = dest_key(c);
	int i;

	switch (c->kind) {
	case CMD_ADD_SVC:
		return s ? -EEXIST : svc_add(m, c->svc.proto, &c->svc.vip);
	case CMD_EDIT_SVC:
		return s ? 0 : -ESRCH;
	case CMD_DEL_SVC:
		if (!s)
			return -ESRCH;
		s->gone = true;
		return 0;
	case CMD_CLEAR:
		for (uint32_t k = 0; k < m->n; k++)
			m->svcs[k].gone = true;
		return 0;
	case CMD_ADD_DEST:
		if (!s)
			return -ESRCH;
		return dest_find(s, &r) >= 0 ? -EEXIST : dest_add(s, &r);
	case CMD_EDIT_DEST:
		return !s ? -ESRCH : dest_find(s, &r) < 0 ? -ENOENT : 0;
	case CMD_DEL_DEST:
		if (!s)
			return -ESRCH;
		i = dest_find(s, &r);
		if (i < 0)
			return -ENOENT;
		s->dests[i] = s->dests[--s->ndests];
		return 0;
	default:
		return 0;
	}
}

static int model_load(struct model *m, const struct xlvs_snapshot *snap)
{
	for (uint32_t i = 0; i < snap->nservices; i++) {
		const struct xlvs_service_info *si = &snap->services[i];
		struct model_svc *s;
		int rc = svc_add(m, si->conf.proto, &si->conf.vip);

		s = &m->svcs[m->n - 1];
		for (uint32_t j = 0; !rc && j < si->ndests; j++)
			rc = dest_add(s, &si->dests[j].conf.addr);
		if (rc)
			return rc;
	}
	return 0;
}

static void model_free(struct model *m)
{
	for (uint32_t i = 0; i < m->n; i++)
		free(m->svcs[i].dests);
	free(m->svcs);
}

int restore_check(const struct xlvs_snapshot *snap,
		  const struct restore_line *lines, size_t n)
{
	struct model m = { 0 };
	int rc = model_load(&m, snap);

	for (size_t i = 0; !rc && i < n; i++) {
		if (cmd_conf_check(&lines[i].cmd)) {
			rc = 2;
		} else {
			int err = model_apply(&m, &lines[i].cmd);

			if (err)
				fprintf(stderr, "%s\n",
					cmd_error_message(lines[i].cmd.kind, -err));
			rc = err ? 2 : 0;
		}
		if (rc)
			fprintf(stderr, "xlvsadm: stdin:%u: this line would fail; "
				"nothing was restored\n", lines[i].lineno);
	}
	model_free(&m);
	return rc;
}
