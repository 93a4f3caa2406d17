// SPDX-License-Identifier: GPL-2.0
/*
 * How full the table is (xlvs_usage_read): its services, its real-server
 * records, and the connection entries as the data plane counts them on
 * their servers.  One batch read of the 16384 real-server records, a
 * lookup of each one's counts, a walk of at most 1024 service keys: cheap
 * enough for every scrape, where a walk of
 * the connection table itself (a million entries, each shard by id, which
 * also needs CAP_SYS_ADMIN) would not be.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "internal.h"

/* Each record in use looked up alone: a batch read of the whole
 * 16384-slot array costs about 15 ms (a copy per slot, used or not),
 * a lookup about a microsecond. */
static int usage_conns(const struct xlvs_table *t, const struct xlvs_dest *all,
		       struct xlvs_usage *u)
{
	struct xlvs_dest_conns dc;

	for (uint32_t id = 0; id < XLVS_DEST_MAX; id++) {
		if (!all[id].gen)
			continue;
		if (bpf_map_lookup_elem(t->dest_conns_fd, &id, &dc))
			return -errno;
		/* Counts move without a lock: never add a negative one. */
		u->conns += (uint64_t)(dc.active > 0 ? dc.active : 0) +
			    (uint64_t)(dc.inactive > 0 ? dc.inactive : 0);
		u->templates += (uint64_t)(dc.persist > 0 ? dc.persist : 0);
	}
	return 0;
}

int xlvs_usage_read(struct xlvs_table *t, struct xlvs_usage *u)
{
	struct xlvs_svc_key k, next;
	struct xlvs_dest *all;
	void *prev = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
	u->conn_max = t->meta.conn_max;
	while (bpf_map_get_next_key(t->svc_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		u->services++;
	}
	all = dest_read_all(t);
	if (!all)
		return -ENOMEM;
	for (uint32_t id = 0; id < XLVS_DEST_MAX; id++) {
		if (!all[id].gen)
			continue;
		u->dests++;
		u->dests_trash += !(all[id].flags & XLVS_DEST_F_AVAILABLE);
	}
	rc = usage_conns(t, all, u);
	free(all);
	return rc;
}
