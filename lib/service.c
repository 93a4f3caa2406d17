// SPDX-License-Identifier: GPL-2.0
/*
 * Editing virtual services and real servers, as ipvsadm's -A -E -D -C and
 * -a -e -d do.  Every change that touches the schedule builds the idle one
 * of the service's two schedules and then flips xlvs_svc.sched_slot with one
 * map update, so the XDP program sees the old table or the new, never half.
 * Callers hold the writers' lock (XLVS_OPEN_WRITE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "internal.h"

static void svc_key_of(struct xlvs_svc_key *k, uint8_t proto,
		       const struct xlvs_endpoint *vip)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->addr, vip->addr, sizeof(k->addr));
	k->port = htons(vip->port);
	k->proto = proto;
	k->af = vip->af;
}

static int svc_get(struct xlvs_table *t, uint8_t proto,
		   const struct xlvs_endpoint *vip, struct xlvs_svc_key *k,
		   struct xlvs_svc *s)
{
	svc_key_of(k, proto, vip);
	if (bpf_map_lookup_elem(t->svc_fd, k, s))
		return errno == ENOENT ? -ESRCH : -errno;
	return 0;
}

static struct xlvs_sched *sched_read(struct xlvs_table *t, uint32_t key)
{
	struct xlvs_sched *s = calloc(1, sizeof(*s));

	if (s && bpf_map_lookup_elem(t->sched_fd, &key, s)) {
		free(s);
		return NULL;
	}
	return s;
}

static uint32_t live_key(const struct xlvs_svc *s)
{
	return s->id * 2 + (s->sched_slot & 1);
}

static int weights_of(struct xlvs_table *t, const struct xlvs_sched *s,
		      int32_t *w)
{
	struct xlvs_dest d;

	for (uint32_t i = 0; i < s->ndests; i++) {
		int rc = dest_get(t, s->dests[i], &d);

		if (rc)
			return rc;
		w[i] = d.weight;
	}
	return 0;
}

/* Write the idle schedule, then make it live. */
static int sched_publish(struct xlvs_table *t, const struct xlvs_svc_key *k,
			 struct xlvs_svc *s, const struct xlvs_sched *next)
{
	uint32_t idle = s->id * 2 + ((s->sched_slot & 1) ^ 1);

	if (bpf_map_update_elem(t->sched_fd, &idle, next, BPF_ANY))
		return -errno;
	s->sched_slot = (s->sched_slot & 1) ^ 1;
	if (bpf_map_update_elem(t->svc_fd, k, s, BPF_EXIST))
		return -errno;
	return 0;
}

static int svc_id_alloc(struct xlvs_table *t, uint32_t *id)
{
	uint8_t used[XLVS_SVC_MAX] = { 0 };
	struct xlvs_svc_key k, next;
	struct xlvs_svc s;
	void *prev = NULL;

	while (bpf_map_get_next_key(t->svc_fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(t->svc_fd, &next, &s) == 0 &&
		    s.id < XLVS_SVC_MAX)
			used[s.id] = 1;
		k = next;
		prev = &k;
	}
	for (uint32_t i = 0; i < XLVS_SVC_MAX; i++) {
		if (!used[i]) {
			*id = i;
			return 0;
		}
	}
	return -ENOSPC;
}

bool xlvs_sched_known(const char *name)
{
	return sched_kind_of(name) >= 0;
}

/* lblc and lblcr keep a table (the pinned lblc map), flushed as the kernel
 * flushes it when its service starts or stops using one of them; a
 * service of another scheduler never reads it, so its flush waits. */
static bool sched_local(int kind)
{
	return kind == XLVS_SCHED_LBLC || kind == XLVS_SCHED_LBLCR;
}

/* IPVS keys the templates of port-zero and FTP services with vport 0. */
static void svc_fill(struct xlvs_svc *s, const struct xlvs_service_conf *c,
		     int kind)
{
	s->flags = c->flags;
	s->timeout = c->timeout;
	s->netmask = c->netmask;
	s->tpl_plen = (uint8_t)svc_tpl_plen(c);   /* v6: netmask is the plen */
	s->tpl_noport = c->vip.port == 0 || c->vip.port == XLVS_FTP_PORT;
	s->sched_kind = kind;
	memset(s->sched_name, 0, sizeof(s->sched_name));
	memcpy(s->sched_name, c->sched,
	       strnlen(c->sched, sizeof(s->sched_name) - 1));
}

/* meta's counts of port-zero and FTP services, which tell the XDP program
 * whether their fallback lookups can find anything (svc_find). */
static int svc_counts_add(struct xlvs_table *t, uint8_t proto, uint16_t port,
			  int delta)
{
	int rc = meta_reread(t);

	if (rc)
		return rc;
	if (port == 0)
		t->meta.null_svcs += delta;
	else if (port == XLVS_FTP_PORT && proto == IPPROTO_TCP)
		t->meta.ftp_svcs += delta;
	else
		return 0;
	return meta_write(t);
}

int xlvs_service_add(struct xlvs_table *t, const struct xlvs_service_conf *c)
{
	struct sched_state init = { SCHED_HEAD, 0 };
	struct xlvs_svc s = { 0 };
	int kind;
	struct xlvs_sched *sc;
	struct xlvs_svc_key k;
	uint32_t key;
	int rc;

	rc = xlvs_service_conf_check(c, NULL);
	if (rc)
		return rc;
	kind = sched_kind_of(c->sched);
	if (svc_get(t, c->proto, &c->vip, &k, &s) == 0)
		return -EEXIST;
	memset(&s, 0, sizeof(s));
	rc = svc_id_alloc(t, &s.id);
	if (rc)
		return rc;
	svc_fill(&s, c, kind);
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	/* An earlier service with this id may have left entries behind, made
	 * by a packet that raced its deletion. */
	rc = sched_local(kind) ? lblc_flush(t, s.id) : 0;
	if (!rc)
		rc = sched_build(sc, kind, NULL, init);
	key = s.id * 2;
	if (!rc)
		rc = stats_reset(t, t->svc_stats_fd, s.id, s.id);
	if (!rc && bpf_map_update_elem(t->sched_fd, &key, sc, BPF_ANY))
		rc = -errno;
	if (!rc && bpf_map_update_elem(t->svc_fd, &k, &s, BPF_NOEXIST))
		rc = -errno;
	if (!rc)
		rc = svc_counts_add(t, c->proto, c->vip.port, 1);
	free(sc);
	return rc;
}

int xlvs_service_edit(struct xlvs_table *t, const struct xlvs_service_conf *c)
{
	struct xlvs_sched *sc;
	struct xlvs_svc_key k;
	struct xlvs_svc s;
	int32_t *w;
	int kind, old_kind, rc;

	rc = xlvs_service_conf_check(c, NULL);
	if (!rc)
		rc = svc_get(t, c->proto, &c->vip, &k, &s);
	if (rc)
		return rc;
	kind = sched_kind_of(c->sched);
	old_kind = s.sched_kind;
	if (kind == s.sched_kind) {
		svc_fill(&s, c, kind);
		return bpf_map_update_elem(t->svc_fd, &k, &s, BPF_EXIST) ? -errno : 0;
	}
	/* A new scheduler starts from its own initial state, as IPVS binds it. */
	sc = sched_read(t, live_key(&s));
	w = calloc(XLVS_SVC_DESTS_MAX, sizeof(*w));
	rc = sc && w ? weights_of(t, sc, w) : -ENOMEM;
	if (!rc) {
		struct sched_state init = { SCHED_HEAD, 0 };

		if (kind == XLVS_SCHED_WRR)
			init = sched_after_change(kind, init, w, sc->ndests);
		svc_fill(&s, c, kind);
		rc = dest_sched_build(t, sc, kind, w, init);
	}
	if (!rc)
		rc = sched_publish(t, &k, &s, sc);
	/* The old scheduler's done_service: lblc and lblcr flush their table. */
	if (!rc && (sched_local(old_kind) || sched_local(kind)))
		rc = lblc_flush(t, s.id);
	free(sc);
	free(w);
	return rc;
}

/* The base the service's deleted servers' counters were moved into goes
 * with it: a revival into a new service must not take them out of that
 * one's (it zeroes the server's instead, lib/dest.c). */
static void dests_unfold(struct xlvs_table *t, uint32_t svc_id)
{
	const struct xlvs_dest *all = dest_all(t);

	for (uint32_t i = 0; all && i < XLVS_DEST_MAX; i++) {
		struct xlvs_dest d = all[i];

		if (!d.gen || d.svc_id != svc_id ||
		    !(d.flags & (XLVS_DEST_F_FOLDED | XLVS_DEST_F_FOLD_PENDING)))
			continue;
		d.flags &= ~(XLVS_DEST_F_FOLDED | XLVS_DEST_F_FOLD_PENDING);
		dest_write(t, i, &d);
	}
}

int xlvs_service_del(struct xlvs_table *t, uint8_t proto,
		     const struct xlvs_endpoint *vip)
{
	struct xlvs_sched *sc;
	struct xlvs_svc_key k;
	struct xlvs_svc s;
	uint32_t key;
	int rc;

	rc = svc_get(t, proto, vip, &k, &s);
	if (rc)
		return rc;
	/* Out of the packet path first, then free what it pointed at. */
	if (bpf_map_delete_elem(t->svc_fd, &k))
		return -errno;
	rc = svc_counts_add(t, proto, vip->port, -1);
	sc = sched_read(t, live_key(&s));
	for (uint32_t i = 0; sc && i < sc->ndests; i++)
		dest_trash(t, sc->dests[i]);
	free(sc);
	dests_unfold(t, s.id);
	for (key = s.id * 2; key <= s.id * 2 + 1; key++)
		bpf_map_delete_elem(t->sched_fd, &key);
	if (!rc && sched_local(s.sched_kind))
		rc = lblc_flush(t, s.id);
	return rc;
}

int xlvs_table_clear(struct xlvs_table *t)
{
	struct xlvs_svc_key k;
	struct xlvs_endpoint vip;
	int rc;

	while (bpf_map_get_next_key(t->svc_fd, NULL, &k) == 0) {
		memset(&vip, 0, sizeof(vip));
		vip.af = k.af;
		memcpy(vip.addr, k.addr, sizeof(vip.addr));
		vip.port = ntohs(k.port);
		rc = xlvs_service_del(t, k.proto, &vip);
		if (rc)
			return rc;
	}
	return 0;
}
