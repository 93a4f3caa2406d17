// SPDX-License-Identifier: GPL-2.0
/*
 * Upgrading to another layout: a table whose layout version (or whose
 * maps) this build does not share is migrated into a new table of this
 * build's, and the program swapped, with no connection lost.
 *
 *  1. the old table's writers' lock is taken and held to the end: no
 *     edit of services or real servers happens meanwhile;
 *  2. a new table is made beside it (loader_create: maps, programs,
 *     timers) with the old one's capacity;
 *  3. everything that is state is copied into it, map by map, entry by
 *     entry: services, real servers, schedules, lblc sets, the
 *     interfaces' MACs, the connection counts, the estimator's state, the
 *     connections and NAT's reply entries shard by shard (the same
 *     capacity, so a key keeps its shard); the new meta keeps the old
 *     timeouts, sysctls and counters of services but says the new
 *     version.  What is a cache or the sweeper's working state is left
 *     to be rebuilt (next hops, per-CPU scratch, the shards' fill notes);
 *  4. every interface that runs the old program gets the new one in one
 *     kernel step (as an in-place upgrade does);
 *  5. what the old program did between 3 and 4 is brought over: the
 *     connections it made (inserted where the new table has none yet),
 *     and the counters, added to the new table's (which counted from 4);
 *  6. the directories are swapped by rename() and the old table removed.
 *
 * Every entry is copied as it is, so this build migrates from layouts
 * whose records it shares (key and value sizes equal, map by map; the
 * map types may differ): anything else is refused before step 4, with
 * the map named, and the old table runs on untouched.  A layout whose
 * records change needs its converter here; the test build of the next
 * version (XLVS_ABI_NEXT) shares this one's records.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "internal.h"

enum copy_how {
	COPY_SKIP,      /* a cache, scratch or the sweeper's working state */
	COPY_STATE,     /* entry by entry, before the swap */
	COPY_SHARDS,    /* an array of maps: each shard's entries; again after */
	COPY_SUM,       /* counters: added after the swap */
};

static enum copy_how copy_how_of(const char *name)
{
	static const char *const skip[] = {
		"timers", "scratch", "nh_cache", "reply_hops", "tun_cache",
		"icmp_bucket", "sweep_st", "tally", "shard_fill", "meta",
	};
	static const char *const sum[] = { "stats", "svc_stats", "dest_stats" };

	if (strchr(name, '.'))
		return COPY_SKIP;       /* .rodata and the like */
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strcmp(name, skip[i]))
			return COPY_SKIP;
	for (size_t i = 0; i < sizeof(sum) / sizeof(sum[0]); i++)
		if (!strcmp(name, sum[i]))
			return COPY_SUM;
	if (!strcmp(name, "conn") || !strcmp(name, "nat_reply"))
		return COPY_SHARDS;
	return COPY_STATE;
}

struct map_fd {
	int fd;
	struct bpf_map_info info;
};

static int map_info(int fd, struct map_fd *m)
{
	uint32_t len = sizeof(m->info);

	m->fd = fd;
	memset(&m->info, 0, sizeof(m->info));
	return bpf_obj_get_info_by_fd(fd, &m->info, &len) ? -errno : 0;
}

static bool percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool array(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* The bytes one lookup of m fills (per-CPU: every CPU's, 8-aligned). */
static size_t value_bytes(const struct map_fd *m)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t v = m->info.value_size;

	if (!percpu(m->info.type))
		return v;
	return ((v + 7) / 8 * 8) * (size_t)(ncpu > 0 ? ncpu : 1);
}

/* Adds from's counters (u64 words) into to's, word by word. */
static void sum_into(uint64_t *to, const uint64_t *from, size_t bytes)
{
	for (size_t i = 0; i < bytes / 8; i++)
		to[i] += from[i];
}

/* Every entry of from into to; flags: BPF_ANY, or BPF_NOEXIST for the
 * second pass; sum: add to what to holds.  Arrays are walked by index,
 * hashes by their keys. */
static int entries_copy(const struct map_fd *from, const struct map_fd *to,
			uint64_t flags, bool sum)
{
	size_t vb = value_bytes(from);
	uint8_t *key = calloc(1, from->info.key_size + 8), *next = calloc(1, from->info.key_size + 8);
	uint64_t *val = calloc(1, vb + 8), *cur = calloc(1, vb + 8);
	bool first = true;
	int rc = 0;

	if (!key || !next || !val || !cur) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0;; i++) {
		if (array(from->info.type)) {
			if (i >= from->info.max_entries)
				break;
			memcpy(key, &i, sizeof(i));
		} else {
			if (bpf_map_get_next_key(from->fd, first ? NULL : key, next))
				break;
			memcpy(key, next, from->info.key_size);
			first = false;
		}
		if (bpf_map_lookup_elem(from->fd, key, val))
			continue;       /* gone meanwhile */
		if (sum && !bpf_map_lookup_elem(to->fd, key, cur)) {
			sum_into(cur, val, vb);
			memcpy(val, cur, vb);
		}
		if (bpf_map_update_elem(to->fd, key, val, flags) &&
		    !(flags == BPF_NOEXIST && errno == EEXIST)) {
			rc = -errno;
			break;
		}
	}
out:
	free(key);
	free(next);
	free(val);
	free(cur);
	return rc;
}

/* Shard i of outer (an array of maps), as a map. */
static int shard_get(int outer, uint32_t i, struct map_fd *m)
{
	uint32_t id;
	int fd, rc;

	if (bpf_map_lookup_elem(outer, &i, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	rc = map_info(fd, m);
	if (rc)
		close(fd);
	return rc;
}

/* Each shard's entries into the same shard of to (the same capacity: a
 * key's shard is the same in both). */
static int shards_copy(const struct map_fd *from, const struct map_fd *to,
		       uint64_t flags)
{
	int rc = 0;

	for (uint32_t i = 0; !rc && i < from->info.max_entries; i++) {
		struct map_fd a, b;

		if (shard_get(from->fd, i, &a))
			continue;       /* shards past the capacity's count */
		rc = shard_get(to->fd, i, &b);
		if (!rc) {
			rc = a.info.key_size != b.info.key_size ||
			     a.info.value_size != b.info.value_size ? -EPROTO :
			     entries_copy(&a, &b, flags, false);
			close(b.fd);
		}
		close(a.fd);
	}
	return rc;
}

/* One table's maps by name (its pins), for the copy. */
struct pinned_maps {
	char name[64][BPF_OBJ_NAME_LEN];
	struct map_fd m[64];
	int n;
};

static void pinned_close(struct pinned_maps *p)
{
	while (p->n > 0)
		close(p->m[--p->n].fd);
}

static int pinned_read(const char *path, struct pinned_maps *p)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char f[512];

	p->n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d)) && p->n < 64) {
		int fd;

		if (e->d_name[0] == '.' || e->d_type == DT_DIR ||
		    !strncmp(e->d_name, "prog_", 5))
			continue;
		snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
		fd = bpf_obj_get(f);
		if (fd < 0)
			continue;
		if (map_info(fd, &p->m[p->n])) {
			close(fd);
			continue;
		}
		snprintf(p->name[p->n++], BPF_OBJ_NAME_LEN, "%.15s", e->d_name);
	}
	closedir(d);
	return 0;
}

static const struct map_fd *pinned_find(const struct pinned_maps *p,
					const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->name[i], name))
			return &p->m[i];
	return NULL;
}

/* Every map both share, of how, copied.  Sizes checked first: a record
 * this build does not share refuses the migration (-EPROTO), naming it. */
static int maps_copy(const struct pinned_maps *old, const struct pinned_maps *new,
		     enum copy_how how, uint64_t flags, bool check_only)
{
	int rc = 0;

	for (int i = 0; !rc && i < new->n; i++) {
		const struct map_fd *to = &new->m[i];
		const struct map_fd *from = pinned_find(old, new->name[i]);
		enum copy_how h = copy_how_of(new->name[i]);

		if (!from || h == COPY_SKIP || (!check_only && h != how))
			continue;
		if (from->info.key_size != to->info.key_size ||
		    from->info.value_size != to->info.value_size) {
			xlvs_logf("map %s changed its records (key %u, value %u "
				  "bytes; this build's: %u, %u): this build has no "
				  "converter from the table's layout", new->name[i],
				  from->info.key_size, from->info.value_size,
				  to->info.key_size, to->info.value_size);
			return -EPROTO;
		}
		if (check_only)
			continue;
		rc = h == COPY_SHARDS ? shards_copy(from, to, flags) :
		     entries_copy(from, to, flags, h == COPY_SUM);
		if (rc)
			xlvs_logf("copying map %s: %s", new->name[i], strerror(-rc));
	}
	return rc;
}

/* The new meta: the old one's record (timeouts, sysctls, counts of port
 * zero and FTP services, the generation sequence) under this version. */
static int meta_copy(const struct pinned_maps *old, const struct pinned_maps *new)
{
	const struct map_fd *from = pinned_find(old, PIN_META);
	const struct map_fd *to = pinned_find(new, PIN_META);
	struct xlvs_meta m;
	uint32_t zero = 0;

	if (!from || !to)
		return -ENOENT;
	if (from->info.value_size != sizeof(m))
		return -EPROTO;
	if (bpf_map_lookup_elem(from->fd, &zero, &m))
		return -errno;
	m.abi_version = XLVS_ABI_VERSION;
	return bpf_map_update_elem(to->fd, &zero, &m, BPF_EXIST) ? -errno : 0;
}

/* The migration proper, with the host's mount namespace entered and the
 * old table's lock held.  staging: the new table's directory. */
static int migrate_in_root(const char *path, const char *staging,
			   uint32_t conn_max, int old_meta_fd)
{
	struct pinned_maps old = { .n = 0 }, new = { .n = 0 };
	struct xlvs_table nt;
	char attic[300];
	int rc, n;

	loader_remove(staging);
	rc = loader_make(staging, conn_max, false);
	if (!rc)
		rc = pinned_read(path, &old);
	if (!rc)
		rc = pinned_read(staging, &new);
	if (!rc)
		rc = maps_copy(&old, &new, COPY_SKIP, 0, true);
	if (!rc)
		rc = meta_copy(&old, &new);
	if (!rc)
		rc = maps_copy(&old, &new, COPY_STATE, BPF_ANY, false);
	if (!rc)
		rc = maps_copy(&old, &new, COPY_SHARDS, BPF_ANY, false);
	if (rc)
		goto fail;
	memset(&nt, 0, sizeof(nt));
	snprintf(nt.path, sizeof(nt.path), "%s", staging);
	nt.meta_fd = pinned_find(&new, PIN_META)->fd;
	nt.meta.conn_max = conn_max;
	/* Filled: its sweeper may start (its first pass finds every entry). */
	rc = loader_arm_later(&nt);
	if (rc)
		goto fail;
	/* The swap: the new table's program on every interface of the old. */
	n = xdp_move_all(path, old_meta_fd, &nt);
	if (n < 0) {
		rc = n;
		goto fail;
	}
	usleep(50 * 1000);      /* the old program's last runs (RCU) */
	rc = maps_copy(&old, &new, COPY_SHARDS, BPF_NOEXIST, false);
	if (!rc)
		rc = maps_copy(&old, &new, COPY_SUM, BPF_ANY, false);
	if (rc)
		xlvs_logf("the connections or counters of the last moment were "
			  "not all brought over: %s", strerror(-rc));
	/* The directories swapped; libxdp's state beside the table moves too. */
	snprintf(attic, sizeof(attic), "%s-attic", path);
	loader_remove(attic);
	{
		char a[320], b[320];

		snprintf(a, sizeof(a), "%s/xdp", path);
		snprintf(b, sizeof(b), "%s/xdp", staging);
		if (rename(a, b) && errno != ENOENT)
			xlvs_logf("cannot move libxdp's state: %s", strerror(errno));
	}
	if (rename(path, attic) || rename(staging, path)) {
		rc = -errno;
		xlvs_logf("cannot put the new table in place: %s", strerror(-rc));
	}
	pinned_close(&old);
	pinned_close(&new);
	if (!rc)
		loader_remove(attic);
	return rc ? rc : n;
fail:
	pinned_close(&old);
	pinned_close(&new);
	loader_remove(staging);
	return rc;
}

int xlvs_migrate(void)
{
	char path[256], staging[300];
	struct nsroot_guard g;
	uint32_t zero = 0, conn_max;
	int rc, dir_fd = -1, meta_fd = -1;
	static uint8_t meta[4096];      /* any layout's meta record */

	rc = xlvs_table_path(path, sizeof(path));
	if (rc)
		return rc;
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	snprintf(staging, sizeof(staging), "%s-next", path);
	dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 || flock(dir_fd, LOCK_EX)) {
		rc = -errno;
		goto out;
	}
	{
		char p[300];

		snprintf(p, sizeof(p), "%s/" PIN_META, path);
		meta_fd = bpf_obj_get(p);
	}
	/* Every layout keeps abi_version and conn_max first in its meta. */
	if (meta_fd < 0 || bpf_map_lookup_elem(meta_fd, &zero, meta)) {
		rc = meta_fd < 0 ? -ENOENT : -errno;
		goto out;
	}
	memcpy(&conn_max, meta + sizeof(uint32_t), sizeof(conn_max));
	rc = migrate_in_root(path, staging, conn_max, meta_fd);
out:
	if (meta_fd >= 0)
		close(meta_fd);
	if (dir_fd >= 0)
		close(dir_fd);
	nsroot_leave(&g);
	return rc;
}
