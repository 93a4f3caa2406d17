// SPDX-License-Identifier: GPL-2.0
/*
 * A writer's copy of every real-server record.  The writers' lock keeps
 * anyone else from writing one and the data plane only reads them (but
 * for the thresholds its xlvs_set_thresholds program stores on a writer's
 * behalf: dest_reread after it), so a copy read once stays true until the
 * table is closed, if every write goes through dest_write.  A whole read of the map costs about 2 ms:
 * once per add, starting 5,000 servers took half a minute.  A reader
 * (shared lock) may race a writer, so it reads anew each time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "internal.h"

struct xlvs_dest *dest_read_all(const struct xlvs_table *t)
{
	struct xlvs_dest *all = calloc(XLVS_DEST_MAX, sizeof(*all));
	uint32_t *keys = calloc(XLVS_DEST_MAX, sizeof(*keys));
	uint32_t out, n = XLVS_DEST_MAX;
	int err;

	if (!all || !keys)
		goto fail;
	err = bpf_map_lookup_batch(t->dest_fd, NULL, &out, keys, all, &n, NULL);
	if (err && errno != ENOENT)
		goto fail;
	free(keys);
	return all;
fail:
	free(all);
	free(keys);
	return NULL;
}

const struct xlvs_dest *dest_all(struct xlvs_table *t)
{
	if (t->dest_cache && t->writer)
		return t->dest_cache;
	free(t->dest_cache);
	t->dest_cache = dest_read_all(t);
	return t->dest_cache;
}

int dest_write(struct xlvs_table *t, uint32_t id, const struct xlvs_dest *d)
{
	if (id >= XLVS_DEST_MAX)
		return -EINVAL;
	if (bpf_map_update_elem(t->dest_fd, &id, d, BPF_ANY)) {
		/* Whether the kernel took it is unknown: read anew. */
		free(t->dest_cache);
		t->dest_cache = NULL;
		return -errno;
	}
	if (t->dest_cache)
		t->dest_cache[id] = *d;
	return 0;
}

/* One record: from the copy if there is one, else from the map (a
 * one-shot edit need not read all of them). */
int dest_get(struct xlvs_table *t, uint32_t id, struct xlvs_dest *d)
{
	if (id >= XLVS_DEST_MAX)
		return -EINVAL;
	if (t->writer && t->dest_cache) {
		*d = t->dest_cache[id];
		return 0;
	}
	return bpf_map_lookup_elem(t->dest_fd, &id, d) ? -errno : 0;
}

/* Record id as the map holds it now, after something other than
 * dest_write changed it. */
void dest_reread(struct xlvs_table *t, uint32_t id)
{
	if (!t->dest_cache || id >= XLVS_DEST_MAX)
		return;
	if (bpf_map_lookup_elem(t->dest_fd, &id, &t->dest_cache[id])) {
		free(t->dest_cache);
		t->dest_cache = NULL;
	}
}
