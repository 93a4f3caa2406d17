// SPDX-License-Identifier: GPL-2.0
/* ldirectord 4.12's state machine, from its perl source (model.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

static void m_log(struct m_world *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (w->nlog < M_LOG)
		vsnprintf(w->log[w->nlog++], sizeof(w->log[0]), fmt, ap);
	va_end(ap);
}

struct m_entry *m_entry_find(struct m_virtual *v, const char *key)
{
	for (int i = 0; i < M_ENTRIES; i++)
		if (v->table[i].used && !strcmp(v->table[i].key, key))
			return &v->table[i];
	return NULL;
}

void m_entry_del(struct m_virtual *v, const char *key)
{
	struct m_entry *e = m_entry_find(v, key);

	if (e)
		e->used = false;
}

/* ipvsadm -a / -e / -d -r rservice [-g|-m] -w: -g and -i take the
 * service's port. */
static void ipvsadm_key(struct m_virtual *v, const char *rservice,
			const char *forward, char *key)
{
	char host[40];
	const char *colon = strrchr(rservice, ':');

	snprintf(host, sizeof(host), "%.*s", (int)(colon - rservice), rservice);
	if (!strcmp(forward, "masq"))
		snprintf(key, 48, "%s", rservice);
	else
		snprintf(key, 48, "%.38s:%d", host, v->port % 100000);
}

static void ipvsadm_a(struct m_virtual *v, const char *rservice,
		      const char *forward, int weight)
{
	char key[48];

	ipvsadm_key(v, rservice, forward, key);
	if (m_entry_find(v, key))
		return;         /* "Destination already exists" */
	for (int i = 0; i < M_ENTRIES; i++)
		if (!v->table[i].used) {
			v->table[i].used = true;
			snprintf(v->table[i].key, sizeof(v->table[i].key), "%s", key);
			v->table[i].forward = forward;
			v->table[i].weight = weight;
			return;
		}
}

static void ipvsadm_e(struct m_virtual *v, const char *rservice,
		      const char *forward, int weight)
{
	char key[48];
	struct m_entry *e;

	ipvsadm_key(v, rservice, forward, key);
	e = m_entry_find(v, key);
	if (e) {
		e->forward = forward;
		e->weight = weight;
	}
}

static bool real_status_defined(const struct m_virtual *v)
{
	for (int i = 0; i < v->nreal; i++)
		if (v->real_status[i])
			return true;
	return false;
}

/* r < 0: the fallback. */
static bool status_check(struct m_virtual *v, int r)
{
	if (r < 0)
		return real_status_defined(v) || v->fallback_status;
	return v->real_status[r];
}

static bool status_up(struct m_virtual *v, int r)
{
	if (status_check(v, r))
		return false;
	if (r < 0)
		v->fallback_status = true;
	else
		v->real_status[r] = true;
	return true;
}

static bool status_down(struct m_virtual *v, int r)
{
	if (!status_check(v, r))
		return false;
	if (r < 0)
		v->fallback_status = false;
	else
		v->real_status[r] = false;
	return true;
}

static void restore_service(struct m_world *w, const char *rservice,
			    const char *rforw, int rwght, const char *tag)
{
	struct m_virtual *v = &w->v;
	struct m_entry *o = v->service_exists ? m_entry_find(v, rservice) : NULL;

	if (o) {
		if (!(o->weight == rwght && !strcmp(o->forward, rforw))) {
			ipvsadm_e(v, rservice, rforw, rwght);
			m_log(w, "Restored %s server: %s (%s:%d) (Weight set to %d)",
			      tag, rservice, v->server, v->port, rwght);
		}
	} else {
		ipvsadm_a(v, rservice, rforw, rwght);
		m_log(w, "Added %s server: %s (%s:%d) (Weight set to %d)", tag,
		      rservice, v->server, v->port, rwght);
	}
}

static void remove_service(struct m_world *w, const char *rservice_in,
			   const char *rforw, const char *tag)
{
	struct m_virtual *v = &w->v;
	char rservice[48], old[48] = "", args[200];
	bool quiescent = strcmp(tag, "fallback") && v->quiescent;
	struct m_entry *o;

	if (!v->service_exists)
		return;
	snprintf(rservice, sizeof(rservice), "%s", rservice_in);
	o = m_entry_find(v, rservice);
	if (!o) {
		const char *colon = strrchr(rservice_in, ':');

		snprintf(old, sizeof(old), "%s", rservice_in);
		snprintf(rservice, sizeof(rservice), "%.*s:%d",
			 (int)(colon - rservice_in), rservice_in, v->port);
		o = m_entry_find(v, rservice);
		if (!o) {
			snprintf(rservice, sizeof(rservice), "%s", old);
			old[0] = '\0';
		}
	}
	if ((!o && !quiescent) ||
	    (quiescent && o && o->weight == 0 && !strcmp(o->forward, rforw)))
		return;
	snprintf(args, sizeof(args), "%s server: %s %s%s%s(%s:%d)", tag, rservice,
		 old[0] ? "mapped from " : "", old, old[0] ? " " : "",
		 v->server, v->port);
	if (quiescent) {
		if (o) {
			ipvsadm_e(v, rservice, rforw, 0);
			m_log(w, "Quiescent %s (Weight set to 0)", args);
		} else if (w->readdquiescent) {
			ipvsadm_a(v, rservice, rforw, 0);
			m_log(w, "Readd Quiescent %s (Weight set to 0)", args);
		}
	} else {
		m_entry_del(v, o ? o->key : rservice);
		m_log(w, "Deleted %s", args);
	}
}

static void do_fallback_command(struct m_world *w, const char *status)
{
	struct m_virtual *v = &w->v;

	if (v->fallbackcommand_status && !strcmp(v->fallbackcommand_status, status))
		return;
	v->fallbackcommand_status = status;
	if (v->fallbackcommand && w->ncmds < M_LOG)
		snprintf(w->cmds[w->ncmds++], sizeof(w->cmds[0]), "%s %s %s:%d %s",
			 v->fallbackcommand, status, v->server, v->port, v->protocol);
}

static void fallback_on(struct m_world *w)
{
	struct m_virtual *v = &w->v;
	char rs[48];

	if (v->has_fallback && status_up(v, -1)) {
		snprintf(rs, sizeof(rs), "%s:%d", v->fallback.server, v->fallback.port);
		restore_service(w, rs, v->fallback.forward, 1, "fallback");
	}
	if (!real_status_defined(v))
		do_fallback_command(w, "start");
}

static void fallback_off(struct m_world *w)
{
	struct m_virtual *v = &w->v;
	char rs[48];

	if (v->has_fallback && status_down(v, -1)) {
		snprintf(rs, sizeof(rs), "%s:%d", v->fallback.server, v->fallback.port);
		remove_service(w, rs, v->fallback.forward, "fallback");
	}
	if (real_status_defined(v))
		do_fallback_command(w, "stop");
}

static void service_up(struct m_world *w, int i, bool force)
{
	struct m_virtual *v = &w->v;
	struct m_real *r = &v->real[i];
	char rs[48];

	if (r->failcount > 0)
		m_log(w, "Resetting soft failure count: %s:%d (%s:%s:%d)", r->server,
		      r->port, v->protocol, v->server, v->port);
	r->failcount = 0;
	if (!status_up(v, i) && !force)
		return;
	snprintf(rs, sizeof(rs), "%s:%d", r->server, r->port);
	restore_service(w, rs, r->forward, r->weight, "real");
	fallback_off(w);
}

static void service_down(struct m_world *w, int i, bool force)
{
	struct m_virtual *v = &w->v;
	struct m_real *r = &v->real[i];
	char rs[48];

	if (!status_check(v, i) && !force)
		return;
	r->failcount++;
	if (!force && status_check(v, i) && r->failcount < v->failurecount) {
		m_log(w, "Soft failure real server: %s:%d (%s:%s:%d) failure %d/%d",
		      r->server, r->port, v->protocol, v->server, v->port,
		      r->failcount, v->failurecount);
		return;
	}
	status_down(v, i);
	snprintf(rs, sizeof(rs), "%s:%d", r->server, r->port);
	remove_service(w, rs, r->forward, "real");
	fallback_on(w);
}

void m_service_set(struct m_world *w, int r, bool up, bool force)
{
	if (up)
		service_up(w, r, force);
	else
		service_down(w, r, force);
}

/* ld_start's real-server part for one virtual whose service exists:
 * servers in the table with a weight up (forced), the others down after
 * the purge and fallback_on, as its server_down loop does. */
void m_ld_start(struct m_world *w)
{
	struct m_virtual *v = &w->v;
	bool down[M_REALS] = { 0 };
	char key[48];

	v->service_exists = true;
	for (int i = 0; i < v->nreal; i++) {
		struct m_real *r = &v->real[i];
		struct m_entry *o;

		snprintf(key, sizeof(key), "%s:%d", r->server, r->port);
		o = m_entry_find(v, key);
		if (!o || o->weight == 0)
			down[i] = true;
		else
			m_service_set(w, i, true, true);
	}
	fallback_on(w);
	for (int i = 0; i < v->nreal; i++) {
		if (!down[i])
			continue;
		if (!w->readdquiescent)
			m_service_set(w, i, true, true);
		m_service_set(w, i, false, true);
	}
}
