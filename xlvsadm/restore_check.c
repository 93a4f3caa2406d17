// SPDX-License-Identifier: GPL-2.0
/*
 * -R's dry run: the commands are played against a model of the table (its
 * services and their real servers with their settings, from a snapshot)
 * before any is carried out, so a restore that would fail on line 40
 * changes nothing at all.  The model checks what the table would refuse: a
 * service that exists or does not, a real server that exists or does not,
 * and what libxlvs refuses (cmd_conf_check: an unknown scheduler, a
 * forwarding method xlvs has not got, a value out of range).  Once every
 * line has passed, the model is the table the input describes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "restore_check.h"

static bool ep_eq(const struct xlvs_endpoint *a, const struct xlvs_endpoint *b)
{
	return a->af == b->af && !memcmp(a->addr, b->addr, sizeof(a->addr)) &&
	       a->port == b->port;
}

static struct model_svc *svc_find(struct restore_model *m, uint8_t proto,
				  const struct xlvs_endpoint *vip)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (!m->svcs[i].gone && m->svcs[i].conf.proto == proto &&
		    ep_eq(&m->svcs[i].conf.vip, vip))
			return &m->svcs[i];
	return NULL;
}

static int svc_add(struct restore_model *m, const struct xlvs_service_conf *c)
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
	m->svcs[m->n].conf = *c;
	m->n++;
	return 0;
}

static int dest_find(const struct model_svc *s, const struct xlvs_endpoint *r)
{
	for (uint32_t i = 0; i < s->ndests; i++)
		if (ep_eq(&s->dests[i].conf.addr, r))
			return (int)i;
	return -1;
}

static int dest_add(struct model_svc *s, const struct xlvs_dest_conf *c)
{
	struct model_dest *g = realloc(s->dests, (s->ndests + 1) * sizeof(*g));

	if (!g)
		return -ENOMEM;
	s->dests = g;
	s->dests[s->ndests++].conf = *c;
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

static int model_apply(struct restore_model *m, const struct cmd *c)
{
	struct model_svc *s = svc_find(m, c->svc.proto, &c->svc.vip);
	struct xlvs_dest_conf d = c->dest;
	int i;

	d.addr = dest_key(c);
	switch (c->kind) {
	case CMD_ADD_SVC:
		return s ? -EEXIST : svc_add(m, &c->svc);
	case CMD_EDIT_SVC:
		if (!s)
			return -ESRCH;
		s->conf = c->svc;
		return 0;
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
		return dest_find(s, &d.addr) >= 0 ? -EEXIST : dest_add(s, &d);
	case CMD_EDIT_DEST:
		if (!s)
			return -ESRCH;
		i = dest_find(s, &d.addr);
		if (i < 0)
			return -ENOENT;
		s->dests[i].conf = d;
		return 0;
	case CMD_DEL_DEST:
		if (!s)
			return -ESRCH;
		i = dest_find(s, &d.addr);
		/* lib/dest.c: -d also finds a server by the port given. */
		if (i < 0 && c->dest.addr.port)
			i = dest_find(s, &c->dest.addr);
		if (i < 0)
			return -ENOENT;
		memmove(&s->dests[i], &s->dests[i + 1],
			(s->ndests - i - 1) * sizeof(s->dests[0]));
		s->ndests--;
		return 0;
	default:
		return 0;
	}
}

static int model_load(struct restore_model *m, const struct xlvs_snapshot *snap)
{
	for (uint32_t i = 0; i < snap->nservices; i++) {
		const struct xlvs_service_info *si = &snap->services[i];
		struct model_svc *s;
		int rc = svc_add(m, &si->conf);

		s = &m->svcs[m->n - 1];
		for (uint32_t j = 0; !rc && j < si->ndests; j++)
			rc = dest_add(s, &si->dests[j].conf);
		if (rc)
			return rc;
	}
	return 0;
}

void restore_model_free(struct restore_model *m)
{
	for (uint32_t i = 0; i < m->n; i++)
		free(m->svcs[i].dests);
	free(m->svcs);
	memset(m, 0, sizeof(*m));
}

int restore_check(const struct xlvs_snapshot *snap,
		  const struct restore_line *lines, size_t n,
		  struct restore_model *out)
{
	struct restore_model m = { 0 };
	int rc = model_load(&m, snap);

	if (rc) {
		fprintf(stderr, "xlvsadm: -R: %s\n", strerror(-rc));
		rc = 1;
	}
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
	if (rc)
		restore_model_free(&m);
	*out = m;
	return rc;
}
