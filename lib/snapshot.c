// SPDX-License-Identifier: GPL-2.0
/*
 * A consistent copy of the table for listing (-L, -S): services and their
 * real servers, sorted exactly as ipvsadm sorts them, with the active and
 * inactive connection counts the kernel keeps (struct xlvs_dest_conns).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "internal.h"

/* ipvs_cmp_services / ipvs_cmp_dests, int overflow of the address
 * difference included, so the order is byte-for-byte ipvsadm's: an IPv4
 * address by its one word, an IPv6 one word by word. */
static int addr_cmp(const uint8_t *a, const uint8_t *b, int words)
{
	uint32_t x, y;
	int r = 0;

	for (int i = 0; !r && i < words; i++) {
		memcpy(&x, a + 4 * i, 4);
		memcpy(&y, b + 4 * i, 4);
		r = (int)(ntohl(x) - ntohl(y));
	}
	return r;
}

/* libipvs compares the families' AF_ numbers: IPv4 services first. */
static int af_num(uint8_t af)
{
	return af == 6 ? AF_INET6 : AF_INET;
}

static int svc_cmp(const void *pa, const void *pb)
{
	const struct xlvs_service_info *a = pa, *b = pb;
	int r = af_num(a->conf.vip.af) - af_num(b->conf.vip.af);

	if (!r)
		r = a->conf.proto - b->conf.proto;
	if (!r)
		r = addr_cmp(a->conf.vip.addr, b->conf.vip.addr,
			     a->conf.vip.af == 6 ? 4 : 1);
	return r ? r : a->conf.vip.port - b->conf.vip.port;
}

/* ipvs_cmp_dests looks at the first server's family alone (a service's
 * servers mix families only by tunnel): an IPv4 one compares first words,
 * an IPv6 one all four (an IPv4 address's others are zero).  qsort is
 * glibc's, as ipvsadm's, so even that order comes out the same, given the
 * kernel's list order (newest first), which the schedule keeps. */
static int dest_cmp(const void *pa, const void *pb)
{
	const struct xlvs_dest_info *a = pa, *b = pb;
	int r = addr_cmp(a->conf.addr.addr, b->conf.addr.addr,
			 a->conf.addr.af == 6 ? 4 : 1);

	return r ? r : a->conf.addr.port - b->conf.addr.port;
}

static int service_fill(const struct xlvs_table *t, int fold_fd,
			const struct xlvs_svc_key *k, const struct xlvs_svc *s,
			struct xlvs_service_info *si)
{
	uint32_t key = s->id * 2 + (s->sched_slot & 1);
	struct xlvs_sched *sc = calloc(1, sizeof(*sc));
	struct xlvs_dest_conns dc;
	struct xlvs_dest d;
	int rc = 0;

	if (!sc)
		return -ENOMEM;
	si->conf.proto = k->proto;
	si->conf.vip.af = k->af;
	memcpy(si->conf.vip.addr, k->addr, sizeof(k->addr));
	si->conf.vip.port = ntohs(k->port);
	memcpy(si->conf.sched, s->sched_name, sizeof(si->conf.sched));
	si->conf.flags = s->flags;
	si->conf.timeout = s->timeout;
	si->conf.netmask = s->netmask;
	/* Derived: its base and its servers' (bpf/stats.h). */
	stats_svc_read(t, fold_fd, k, s->id, &si->stats);
	rates_read(t, s->id, &si->rates);
	if (bpf_map_lookup_elem(t->sched_fd, &key, sc)) {
		rc = -errno;
		goto out;
	}
	si->dests = calloc(sc->ndests ? sc->ndests : 1, sizeof(*si->dests));
	if (!si->dests) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < sc->ndests; i++) {
		struct xlvs_dest_info *di = &si->dests[si->ndests];
		uint32_t id = sc->dests[i];

		if (bpf_map_lookup_elem(t->dest_fd, &id, &d) || !d.gen)
			continue;
		di->conf.addr.af = d.af;
		memcpy(di->conf.addr.addr, d.addr, sizeof(d.addr));
		di->conf.addr.port = ntohs(d.port);
		di->conf.fwd = d.fwd;
		if (d.fwd == XLVS_FWD_TUNNEL) {
			di->conf.tun_type = d.tun_type;
			di->conf.tun_flags = d.tun_flags;
			di->conf.tun_port = ntohs(d.tun_port);
		}
		di->conf.weight = d.weight;
		di->conf.u_threshold = d.u_threshold;
		di->conf.l_threshold = d.l_threshold;
		if (!bpf_map_lookup_elem(t->dest_conns_fd, &id, &dc)) {
			/* Counts are updated without a lock: never show < 0. */
			di->active = dc.active > 0 ? dc.active : 0;
			di->inactive = dc.inactive > 0 ? dc.inactive : 0;
			di->persist = dc.persist > 0 ? dc.persist : 0;
		}
		stats_read(t->dest_stats_fd, id, &di->stats);
		rates_read(t, XLVS_SVC_MAX + id, &di->rates);
		si->ndests++;
	}
	qsort(si->dests, si->ndests, sizeof(*si->dests), dest_cmp);
out:
	free(sc);
	return rc;
}

int xlvs_snapshot_take(struct xlvs_table *t, struct xlvs_snapshot *snap)
{
	struct xlvs_svc_key k, next;
	struct xlvs_svc s;
	void *prev = NULL;
	int rc, fold_fd;

	memset(snap, 0, sizeof(*snap));
	snap->conn_max = t->meta.conn_max;
	snap->services = calloc(XLVS_SVC_MAX, sizeof(*snap->services));
	if (!snap->services)
		return -ENOMEM;
	fold_fd = fold_open(t);
	rc = fold_fd < 0 ? fold_fd : 0;
	while (!rc && bpf_map_get_next_key(t->svc_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(t->svc_fd, &k, &s))
			continue;
		if (snap->nservices >= XLVS_SVC_MAX)
			break;
		rc = service_fill(t, fold_fd, &k, &s,
				  &snap->services[snap->nservices++]);
	}
	if (fold_fd >= 0)
		close(fold_fd);
	if (rc) {
		xlvs_snapshot_free(snap);
		return rc;
	}
	qsort(snap->services, snap->nservices, sizeof(*snap->services), svc_cmp);
	return 0;
}

void xlvs_snapshot_free(struct xlvs_snapshot *snap)
{
	for (uint32_t i = 0; snap->services && i < snap->nservices; i++)
		free(snap->services[i].dests);
	free(snap->services);
	memset(snap, 0, sizeof(*snap));
}
