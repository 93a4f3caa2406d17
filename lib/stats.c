// SPDX-License-Identifier: GPL-2.0
/*
 * Counters and rates of services and real servers: the per-CPU counters
 * added up, the kernel estimator's averages scaled back as IPVS reports
 * them (ip_vs_read_estimator), and zeroing for -Z and for a new id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "internal.h"

void stats_add(struct xlvs_stats *to, const struct xlvs_stats *from)
{
	to->conns += from->conns;
	to->inpkts += from->inpkts;
	to->outpkts += from->outpkts;
	to->inbytes += from->inbytes;
	to->outbytes += from->outbytes;
}

int stats_read(int fd, uint32_t id, struct xlvs_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xlvs_stats *per;

	memset(sum, 0, sizeof(*sum));
	if (ncpu <= 0)
		return -EINVAL;
	per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &id, per)) {
		free(per);
		return -errno;
	}
	for (int c = 0; c < ncpu; c++)
		stats_add(sum, &per[c]);
	free(per);
	return 0;
}

int rates_read(const struct xlvs_table *t, uint32_t slot, struct xlvs_rates *out)
{
	struct xlvs_rate r;

	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(t->rates_fd, &slot, &r))
		return -errno;
	out->cps = (r.cps + 0x1FF) >> 10;
	out->inpps = (r.inpps + 0x1FF) >> 10;
	out->outpps = (r.outpps + 0x1FF) >> 10;
	out->inbps = (r.inbps + 0xF) >> 5;
	out->outbps = (r.outbps + 0xF) >> 5;
	return 0;
}

/* Zero one id's counters on every CPU and its estimator state. */
int stats_reset(const struct xlvs_table *t, int fd, uint32_t id,
		uint32_t rate_slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xlvs_stats *zero = calloc(ncpu > 0 ? ncpu : 1, sizeof(*zero));
	struct xlvs_rate r = { 0 };
	int rc = 0;

	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &id, zero, BPF_ANY) ||
	    bpf_map_update_elem(t->rates_fd, &rate_slot, &r, BPF_ANY))
		rc = -errno;
	free(zero);
	return rc;
}

/* ip_vs_zero_service: the service's counters and its servers'; a server
 * in the trash keeps its own, as IPVS's does (its counts in the base go). */
int stats_zero_counts(struct xlvs_table *t, const struct xlvs_svc *s)
{
	uint32_t key = s->id * 2 + (s->sched_slot & 1);
	struct xlvs_sched *sc = calloc(1, sizeof(*sc));
	int rc = sc ? 0 : -ENOMEM;

	if (!rc)
		rc = stats_reset(t, t->svc_stats_fd, s->id, s->id);
	if (!rc && bpf_map_lookup_elem(t->sched_fd, &key, sc))
		rc = -errno;
	for (uint32_t i = 0; !rc && i < sc->ndests; i++) {
		rc = stats_reset(t, t->dest_stats_fd, sc->dests[i],
				 XLVS_SVC_MAX + sc->dests[i]);
		fold_step();
	}
	free(sc);
	return rc;
}

static int zero_service(struct xlvs_table *t, const struct xlvs_svc_key *k,
			const struct xlvs_svc *s)
{
	struct fold_move mv;
	int rc = fold_begin(t, &mv, XLVS_FOLD_ZERO, k, s->id, 0);

	if (!rc)
		rc = stats_zero_counts(t, s);
	fold_end(&mv);
	return rc;
}

int xlvs_stats_zero(struct xlvs_table *t, uint8_t proto,
		    const struct xlvs_endpoint *vip)
{
	struct xlvs_svc_key k, next;
	struct xlvs_svc s;
	void *prev = NULL;
	int rc = 0;

	if (vip) {
		memset(&k, 0, sizeof(k));
		memcpy(k.addr, vip->addr, sizeof(k.addr));
		k.port = htons(vip->port);
		k.proto = proto;
		k.af = vip->af;
		if (bpf_map_lookup_elem(t->svc_fd, &k, &s))
			return errno == ENOENT ? -ESRCH : -errno;
		return zero_service(t, &k, &s);
	}
	while (!rc && bpf_map_get_next_key(t->svc_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(t->svc_fd, &k, &s) == 0)
			rc = zero_service(t, &k, &s);
	}
	return rc;
}
