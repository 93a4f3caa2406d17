// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the data plane: create and pin a table, open further copies of
 * its XDP program over the same maps (what libxdp attaches to interfaces,
 * xdp_attach.c), and remove it all again.  The program and maps stay
 * pinned, so forwarding and expiry go on with no process of ours running.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xlvs.skel.h"
#include "internal.h"
#include <xlvs/sync.h>

static int pin_map(struct bpf_map *m, const char *dir, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return bpf_map__pin(m, p);
}

/* The maps a table pins, in the order it pins them. */
struct pin {
	struct bpf_map *map;
	const char *name;
};
#define PINS_MAX 24

static size_t pin_list(struct xlvs_bpf *skel, struct pin out[PINS_MAX])
{
	const struct pin pins[] = {
		{ skel->maps.svc, PIN_SVC }, { skel->maps.dest, PIN_DEST },
		{ skel->maps.sched, PIN_SCHED }, { skel->maps.conn, PIN_CONN },
		{ skel->maps.stats, PIN_STATS }, { skel->maps.timers, PIN_TIMERS },
		{ skel->maps.svc_stats, PIN_SVC_STATS },
		{ skel->maps.dest_stats, PIN_DEST_STATS },
		{ skel->maps.svc_fold, PIN_SVC_FOLD },
		{ skel->maps.fold_log, PIN_FOLD_LOG },
		{ skel->maps.rates, PIN_RATES },
		{ skel->maps.dest_conns, PIN_DEST_CONNS },
		{ skel->maps.lblc, PIN_LBLC },
		{ skel->maps.nat_reply, PIN_NAT_REPLY },
		{ skel->maps.dev_mac, PIN_DEV_MAC },
		{ skel->maps.svc_acc, PIN_SVC_ACC },
		{ skel->maps.sync_ctl, PIN_SYNC_CTL },
		{ skel->maps.sync_ring, PIN_SYNC_RING },
		{ skel->maps.meta, PIN_META },  /* last: its pin means "whole" */
	};
	size_t n = sizeof(pins) / sizeof(pins[0]);

	_Static_assert(sizeof(pins) / sizeof(pins[0]) <= PINS_MAX, "PINS_MAX");
	memcpy(out, pins, sizeof(pins));
	return n;
}

static int pin_maps(struct xlvs_bpf *skel, const char *path)
{
	struct pin pins[PINS_MAX];
	size_t n = pin_list(skel, pins);
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++)
		rc = pin_map(pins[i].map, path, pins[i].name);
	return rc;
}

/* Whether this build pins map: state a table must have, not a cache. */
static bool map_pinned(struct xlvs_bpf *skel, const struct bpf_map *map)
{
	struct pin pins[PINS_MAX];
	size_t n = pin_list(skel, pins);

	for (size_t i = 0; i < n; i++)
		if (pins[i].map == map)
			return true;
	return false;
}

/* A connection-keyed shard of type and value size, as an fd (or -errno). */
static int shard_create(enum bpf_map_type type, const char *name,
			uint32_t value_size, uint32_t max, uint32_t map_flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = map_flags);
	int fd = bpf_map_create(type, name, sizeof(struct xlvs_conn_key),
				value_size, max, &opts);

	return fd < 0 ? -errno : fd;
}

/*
 * Shards go into their array of maps a batch at a time: every update of an
 * array of maps by syscall waits for an RCU grace period (kernel/bpf/
 * syscall.c, maybe_wait_bpf_programs), a batch update only once.  One at a
 * time, the 2 x 2048 shards of the default capacity took a minute (15 ms a
 * grace period on a 2-CPU guest).  A batch's fds stay open until it is in.
 */
#define SHARD_BATCH 256

/* Shards first..first+n-1 of outer: created, then put in with one update. */
static int shard_batch(int outer, uint32_t first, uint32_t n,
		       enum bpf_map_type type, const char *name,
		       uint32_t value_size, uint32_t max, uint32_t map_flags)
{
	uint32_t keys[SHARD_BATCH], count = n, made = 0;
	int fds[SHARD_BATCH], rc = 0;

	for (; made < n; made++) {
		keys[made] = first + made;
		fds[made] = shard_create(type, name, value_size, max, map_flags);
		if (fds[made] < 0) {
			rc = fds[made];
			break;
		}
	}
	if (!rc && bpf_map_update_batch(outer, keys, fds, &count, NULL))
		rc = -errno;
	while (made > 0)
		close(fds[--made]);     /* the outer map holds them now */
	return rc;
}

/* The connection table's shards, each its share of the capacity, and as
 * many of NAT's reply sides (not preallocated: only NAT fills them). */
static int conn_shards_create(struct xlvs_bpf *skel, uint32_t conn_max)
{
	uint32_t per = XLVS_CONN_HEADROOM(xlvs_conn_share(conn_max));
	uint32_t shards = xlvs_conn_shards(conn_max), n;
	int rc = 0;

	for (uint32_t i = 0; !rc && i < shards; i += n) {
		n = shards - i < SHARD_BATCH ? shards - i : SHARD_BATCH;
		rc = shard_batch(bpf_map__fd(skel->maps.conn), i, n,
				 BPF_MAP_TYPE_HASH, "xlvs_conn",
				 sizeof(struct xlvs_conn), per, BPF_F_NO_PREALLOC);
		if (!rc)
			rc = shard_batch(bpf_map__fd(skel->maps.nat_reply), i, n,
					 BPF_MAP_TYPE_HASH, "xlvs_nat_reply",
					 sizeof(struct xlvs_nat_reply), per,
					 BPF_F_NO_PREALLOC);
	}
	return rc;
}

/* A failed bpf_timer_init leaves its timer unset (and the ones armed
 * before it say -EBUSY, taken as done), so arming again is safe.  It is
 * tried a few times: once in a test run on Linux 6.18 the first timer's
 * init failed where the same command then worked; the kernel allocates
 * the timer without sleeping, which may fail for a moment. */
#define ARM_TRIES 5

int loader_arm_timers(struct xlvs_bpf *skel)
{
	int fd = bpf_program__fd(skel->progs.xlvs_arm_timers);
	unsigned int step = 0, err = 0;

	for (int i = 0; i < ARM_TRIES; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts);
		int rc = bpf_prog_test_run_opts(fd, &opts);

		if (rc)
			return rc;
		if (!opts.retval)
			return 0;
		step = opts.retval & 0xff;
		err = opts.retval >> 8;
		usleep(20000);
	}
	xlvs_logf("the table's timers could not be armed (step %u: %s)", step,
		  err ? strerror((int)err) : "no map entry");
	return -EINVAL;
}

static int write_meta(struct xlvs_bpf *skel, uint32_t conn_max)
{
	struct xlvs_sync_ctl sc = {
		.threshold = XLVS_SYNC_THRESHOLD_DEFAULT,
		.period = XLVS_SYNC_PERIOD_DEFAULT,
	};
	struct xlvs_meta m;
	uint32_t zero = 0;

	xlvs_meta_defaults(&m, conn_max);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.meta), &zero, &m, 0) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.sync_ctl), &zero, &sc, 0))
		return -errno;
	return 0;
}

/* GUE's source ports come from the local port range, as the kernel's
 * udp_flow_src_port takes them; the program keeps the range it was loaded
 * with (the default when it cannot be read). */
static void port_range_read(uint32_t *lo, uint32_t *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned int a, b;

	if (!f)
		return;
	if (fscanf(f, "%u %u", &a, &b) == 2 && a < b && b < 65536) {
		*lo = a;
		*hi = b;
	}
	fclose(f);
}

/* The settings a program of the table is loaded with. */
static void rodata_set(struct xlvs_bpf *skel, int ncpu, uint32_t conn_max)
{
	/* The estimator sums the counters of this many CPUs: all possible. */
	skel->rodata->nr_cpus = ncpu;
	skel->rodata->shard_bits = xlvs_conn_shard_bits(conn_max);
	port_range_read(&skel->rodata->tun_sport_min, &skel->rodata->tun_sport_max);
}

int loader_create(const char *path, uint32_t conn_max)
{
	return loader_make(path, conn_max, true);
}

/* arm false: the timers are left unarmed, for a migration to fill the
 * table first (a sweeper that walked it while it filled would take the
 * connections it had not seen yet for drift, and "heal" the counts). */
int loader_make(const char *path, uint32_t conn_max, bool arm)
{
	struct xlvs_bpf *skel;
	char p[512];
	int rc, ncpu;

	if (!conn_max)
		conn_max = XLVS_CONN_DEFAULT;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu < 1)
		return ncpu < 0 ? ncpu : -EINVAL;
	skel = xlvs_bpf__open();
	if (!skel)
		return -errno;
	rodata_set(skel, ncpu, conn_max);
	rc = xlvs_bpf__load(skel);
	if (rc) {
		xlvs_logf("cannot load the XDP program: %s", strerror(-rc));
		goto out;
	}
	rc = write_meta(skel, conn_max);
	if (!rc)
		rc = conn_shards_create(skel, conn_max);
	if (!rc && arm)
		rc = loader_arm_timers(skel);
	snprintf(p, sizeof(p), "%s/" PIN_PROG, path);
	if (!rc)
		rc = bpf_program__pin(skel->progs.xlvs_xdp, p);
	snprintf(p, sizeof(p), "%s/" PIN_PROG_SET_THRESHOLDS, path);
	if (!rc)
		rc = bpf_program__pin(skel->progs.xlvs_set_thresholds, p);
	snprintf(p, sizeof(p), "%s/" PIN_PROG_SCHED_RESUME, path);
	if (!rc)
		rc = bpf_program__pin(skel->progs.xlvs_sched_resume, p);
	snprintf(p, sizeof(p), "%s/" PIN_PROG_LBLC_COLLECT, path);
	if (!rc)
		rc = bpf_program__pin(skel->progs.xlvs_lblc_collect, p);
	snprintf(p, sizeof(p), "%s/" PIN_PROG_SYNC_INSTALL, path);
	if (!rc)
		rc = bpf_program__pin(skel->progs.xlvs_sync_install, p);
	if (!rc)
		rc = pin_maps(skel, path);
	if (rc)
		loader_remove(path);
out:
	xlvs_bpf__destroy(skel);
	return rc;
}

/* Unpin everything in dir, its subdirectories too (libxdp's state beside
 * a namespace's table, lib/xdp_attach.c), and remove it. */
static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			int r = remove_tree(p);

			if (r && !rc)
				rc = r;
		} else if (unlink(p) && !rc) {
			rc = -errno;
		}
	}
	closedir(d);
	if (rmdir(dir) && !rc)
		rc = -errno;
	return rc;
}

int loader_remove(const char *path)
{
	return remove_tree(path);
}

/* The maps of a table, by their kernel names, as fds (the caller closes
 * them), each once. */
struct map_set {
	int fd[64];
	uint32_t id[64];
	struct bpf_map_info info[64];
	char name[64][BPF_OBJ_NAME_LEN];
	int n;
};

static void map_set_close(struct map_set *ms)
{
	while (ms->n > 0)
		close(ms->fd[--ms->n]);
}

/* Takes fd (a map's) into ms unless ms has it already. */
static int map_set_add(struct map_set *ms, int fd)
{
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi);

	memset(&mi, 0, sizeof(mi));
	if (bpf_obj_get_info_by_fd(fd, &mi, &len)) {
		close(fd);
		return -errno;
	}
	for (int i = 0; i < ms->n; i++)
		if (ms->id[i] == mi.id) {
			close(fd);
			return 0;
		}
	if (ms->n == 64) {
		close(fd);
		return -E2BIG;
	}
	ms->fd[ms->n] = fd;
	ms->id[ms->n] = mi.id;
	ms->info[ms->n] = mi;
	memcpy(ms->name[ms->n++], mi.name, BPF_OBJ_NAME_LEN);
	return 0;
}

/* The maps a pinned program uses, by their ids. */
static int map_set_add_prog(struct map_set *ms, int prog_fd)
{
	uint32_t ids[64], len;
	struct bpf_prog_info info;
	int rc = 0;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (uintptr_t)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	for (uint32_t i = 0; !rc && i < info.nr_map_ids && i < 64; i++) {
		int fd = bpf_map_get_fd_by_id(ids[i]);

		rc = fd < 0 ? -errno : map_set_add(ms, fd);
	}
	return rc;
}

/* Every map of the table at path: its pins, and what its pinned programs
 * use (the maps only the packet path and the timers know: the sweeper's
 * notes of each shard's fill, the next-hop caches). */
static int map_set_read(const char *path, struct map_set *ms)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[512];
	int rc = 0;

	ms->n = 0;
	if (!d)
		return -errno;
	while (!rc && (e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.' || e->d_type == DT_DIR)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		fd = bpf_obj_get(p);
		if (fd < 0)
			continue;
		if (!strncmp(e->d_name, "prog_", 5)) {
			rc = map_set_add_prog(ms, fd);
			close(fd);
		} else {
			rc = map_set_add(ms, fd);
		}
	}
	closedir(d);
	if (rc)
		map_set_close(ms);
	return rc;
}

static int table_map_set(const struct xlvs_table *t, struct map_set *ms)
{
	struct nsroot_guard g;
	int rc = nsroot_enter(&g);

	if (rc)
		return rc;
	rc = map_set_read(t->path, ms);
	nsroot_leave(&g);
	return rc;
}

/* Whether this build's map (its definition, not yet made) is the table's
 * existing one in kind and records, an array of maps' shards included:
 * a layout changed without XLVS_ABI_VERSION changing is still a changed
 * layout, for the migration (migrate.c) to handle; -EPROTO if not. */
static int map_same(struct bpf_map *map, int fd, const struct bpf_map_info *mi)
{
	struct bpf_map *inner = bpf_map__inner_map(map);
	struct bpf_map_info si;
	uint32_t zero = 0, id, len = sizeof(si);
	int sfd, rc = 0;

	if (bpf_map__type(map) != mi->type ||
	    bpf_map__key_size(map) != mi->key_size ||
	    (!inner && bpf_map__value_size(map) != mi->value_size))
		rc = -EPROTO;
	if (!rc && inner && !bpf_map_lookup_elem(fd, &zero, &id) &&
	    (sfd = bpf_map_get_fd_by_id(id)) >= 0) {
		memset(&si, 0, sizeof(si));
		if (!bpf_obj_get_info_by_fd(sfd, &si, &len) &&
		    (bpf_map__type(inner) != si.type ||
		     bpf_map__key_size(inner) != si.key_size ||
		     bpf_map__value_size(inner) != si.value_size))
			rc = -EPROTO;
		close(sfd);
	}
	if (rc)
		xlvs_logf("the table's map %s is not this build's (its kind or "
			  "records changed)", bpf_map__name(map));
	return rc;
}

/*
 * A second copy of the table's programs, opened and not yet loaded, every
 * map of it the very one of the table's, found by name: so both copies
 * are one data plane.  For libxdp to load as a component of its
 * dispatcher (an extension of the dispatcher's slot is a program of its
 * own; all false: only the XDP program, user space runs the table's
 * pinned helpers and the timers the callbacks they were armed with), or
 * for an upgrade to put in place of the running ones (all true).  A map
 * this build has and the table does not is made anew (a cache; a map of
 * state would have changed the layout, XLVS_ABI_VERSION).
 */
int loader_component_open(const struct xlvs_table *t, struct xlvs_bpf **out,
			  bool all)
{
	struct bpf_program *prog;
	struct xlvs_bpf *skel;
	struct bpf_map *map;
	struct map_set ms;
	int rc, ncpu;

	*out = NULL;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu < 1)
		return ncpu < 0 ? ncpu : -EINVAL;
	rc = table_map_set(t, &ms);
	if (rc)
		return rc;
	skel = xlvs_bpf__open();
	if (!skel) {
		rc = -errno;
		goto out;
	}
	rodata_set(skel, ncpu, t->meta.conn_max);
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, all || prog == skel->progs.xlvs_xdp);
	bpf_object__for_each_map(map, skel->obj) {
		bool found = false;

		if (bpf_map__is_internal(map))
			continue;       /* .rodata: set above, as at creation */
		for (int i = 0; !rc && i < ms.n; i++) {
			if (strncmp(ms.name[i], bpf_map__name(map),
				    BPF_OBJ_NAME_LEN - 1))
				continue;
			found = true;
			if (all)
				rc = map_same(map, ms.fd[i], &ms.info[i]);
			if (!rc)
				rc = bpf_map__reuse_fd(map, ms.fd[i]);
		}
		/* State this build keeps and the table has not: a table of
		 * another build's layout, whatever its version says. */
		if (!rc && !found && all && map_pinned(skel, map)) {
			xlvs_logf("the table has no map %s: not this build's layout",
				  bpf_map__name(map));
			rc = -EPROTO;
		}
	}
	if (rc)
		xlvs_bpf__destroy(skel);
	else
		*out = skel;
out:
	map_set_close(&ms);
	return rc;
}

int xlvs_prog_load_copy(const struct xlvs_table *t)
{
	struct xlvs_bpf *skel;
	int rc = loader_component_open(t, &skel, false);

	if (rc)
		return rc;
	rc = xlvs_bpf__load(skel);
	if (rc)
		xlvs_logf("cannot load a copy of the XDP program: %s", strerror(-rc));
	else if ((rc = dup(bpf_program__fd(skel->progs.xlvs_xdp))) < 0)
		rc = -errno;
	xlvs_bpf__destroy(skel);
	return rc;
}

int loader_arm_later(const struct xlvs_table *t)
{
	struct xlvs_bpf *skel;
	int rc = loader_component_open(t, &skel, true);

	if (rc)
		return rc;
	rc = xlvs_bpf__load(skel);
	if (!rc)
		rc = loader_arm_timers(skel);
	xlvs_bpf__destroy(skel);
	return rc;
}
