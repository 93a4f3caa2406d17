// SPDX-License-Identifier: GPL-2.0
/*
 * A service's counters are derived (bpf/stats.h): its base in svc_stats
 * plus the counters of the servers it lists.  A server deleted with -d has
 * its counters moved into the base, as IPVS's service keeps counting what
 * that server had counted; a revival by a re-add moves them out again.
 * The arithmetic is modulo 2^64, so a base zeroed by -Z while a server was
 * in the trash goes "below zero" at its revival and the sum stays what
 * IPVS would show.  Each move, and -Z, is bracketed by the service's fold
 * sequence (odd while under way): a sum taken across one, here or by the
 * estimator, is known to be torn and taken again.  Each is journalled
 * (lib/fold_log.c), so a tool killed mid-move leaves no sequence odd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "internal.h"

int fold_open(const struct xlvs_table *t)
{
	return table_obj_get(t, PIN_SVC_FOLD);
}

static uint32_t fold_seq(int fd, uint32_t svc_id)
{
	uint32_t seq = 1;

	bpf_map_lookup_elem(fd, &svc_id, &seq);
	return seq;
}

/* Odd from begin to end; a begin after an end that never came (a killed
 * tool) still leaves the sequence odd, and the next end makes it even. */
void fold_mark(int fd, uint32_t svc_id, bool begin)
{
	uint32_t seq = fold_seq(fd, svc_id);

	seq = begin ? (seq + 1) | 1 : (seq | 1) + 1;
	bpf_map_update_elem(fd, &svc_id, &seq, BPF_ANY);
}

/* The base's CPU 0 copy, where libxlvs's moves go (the data plane never
 * writes a base; only a writer, under the lock, does): read into get,
 * then, if set, set to it (the other CPUs' copies as they are). */
static int base0_access(const struct xlvs_table *t, uint32_t svc_id,
			struct xlvs_stats *get, const struct xlvs_stats *set)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xlvs_stats *base;
	int rc = 0;

	if (ncpu <= 0)
		return -EINVAL;
	base = calloc(ncpu, sizeof(*base));
	if (!base)
		return -ENOMEM;
	if (bpf_map_lookup_elem(t->svc_stats_fd, &svc_id, base))
		rc = -errno;
	else if (get)
		*get = base[0];
	if (!rc && set) {
		base[0] = *set;
		if (bpf_map_update_elem(t->svc_stats_fd, &svc_id, base, BPF_ANY))
			rc = -errno;
	}
	free(base);
	return rc;
}

int base0_read(const struct xlvs_table *t, uint32_t svc_id, struct xlvs_stats *out)
{
	return base0_access(t, svc_id, out, NULL);
}

/* ... set to v: a value the journal can compute again (lib/fold_log.c). */
int base0_set(const struct xlvs_table *t, uint32_t svc_id, const struct xlvs_stats *v)
{
	return base0_access(t, svc_id, NULL, v);
}

static int svc_sum(const struct xlvs_table *t, const struct xlvs_svc_key *k,
		   struct xlvs_sched *sc, struct xlvs_stats *sum)
{
	struct xlvs_stats one;
	struct xlvs_svc s;
	struct xlvs_dest d;
	uint32_t key;
	int rc;

	if (bpf_map_lookup_elem(t->svc_fd, k, &s))
		return -errno;
	rc = stats_read(t->svc_stats_fd, s.id, sum);
	key = s.id * 2 + (s.sched_slot & 1);
	if (!rc && bpf_map_lookup_elem(t->sched_fd, &key, sc))
		rc = -errno;
	for (uint32_t i = 0; !rc && i < sc->ndests && i < XLVS_SVC_DESTS_MAX; i++) {
		uint32_t id = sc->dests[i];

		if (bpf_map_lookup_elem(t->dest_fd, &id, &d) || !d.gen ||
		    !(d.flags & XLVS_DEST_F_AVAILABLE))
			continue;
		rc = stats_read(t->dest_stats_fd, id, &one);
		if (!rc)
			stats_add(sum, &one);
	}
	return rc;
}

/* The service's counters, its base plus its listed servers', taken while
 * no move was under way (a few tries; a tool killed mid-move leaves the
 * sequence odd, and then the last sum is given as it is). */
int stats_svc_read(const struct xlvs_table *t, int fold_fd,
		   const struct xlvs_svc_key *k, uint32_t svc_id,
		   struct xlvs_stats *sum)
{
	struct xlvs_sched *sc = calloc(1, sizeof(*sc));
	int rc = -ENOMEM;

	for (int tries = 0; sc && tries < 20; tries++) {
		uint32_t seq = fold_seq(fold_fd, svc_id);

		memset(sum, 0, sizeof(*sum));
		rc = svc_sum(t, k, sc, sum);
		if (rc || (!(seq & 1) && fold_seq(fold_fd, svc_id) == seq))
			break;
		usleep(1000);
	}
	free(sc);
	return rc;
}
