// SPDX-License-Identifier: GPL-2.0
/*
 * How full the table is (xlvs_usage_read): its services, its real-server
 * records, and the connection entries as the data plane counts them on
 * their servers.  Two batch reads of 16384-slot arrays and a walk of at
 * most 1024 service keys: cheap enough for every scrape, where a walk of
 * the connection table itself (a million entries, each shard by id, which
 * also needs CAP_SYS_ADMIN) would not be.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "internal.h"

static int usage_conns(const struct xlvs_table *t, const struct xlvs_dest *all,
		       struct xlvs_usage *u)
{
	struct xlvs_dest_conns *dc = calloc(XLVS_DEST_MAX, sizeof(*dc));
	uint32_t *keys = calloc(XLVS_DEST_MAX, sizeof(*keys));
	uint32_t out, n = XLVS_DEST_MAX;
	int rc = 0;

	if (!dc || !keys) {
		rc = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_batch(t->dest_conns_fd, NULL, &out, keys, dc, &n, NULL) &&
	    errno != ENOENT) {
		rc = -errno;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t id = keys[i];

		if (id >= XLVS_DEST_MAX || !all[id].gen)
			continue;
		/* Counts move without a lock: never add a negative one. */
		u->conns += (dc[i].active > 0 ? dc[i].active : 0) +
			    (dc[i].inactive > 0 ? dc[i].inactive : 0);
		u->templates += dc[i].persist > 0 ? dc[i].persist : 0;
	}
out:
	free(dc);
	free(keys);
	return rc;
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
