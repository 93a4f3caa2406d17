// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the data plane: create and pin a table, attach its XDP program to
 * interfaces, and remove it all again.  The program and maps stay pinned, so
 * forwarding and expiry go on with no process of ours running.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xlvs.skel.h"
#include "internal.h"

static int pin_map(struct bpf_map *m, const char *dir, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return bpf_map__pin(m, p);
}

static int pin_maps(struct xlvs_bpf *skel, const char *path)
{
	const struct { struct bpf_map *map; const char *name; } pins[] = {
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
		{ skel->maps.meta, PIN_META },  /* last: its pin means "whole" */
	};
	int rc = 0;

	for (size_t i = 0; !rc && i < sizeof(pins) / sizeof(pins[0]); i++)
		rc = pin_map(pins[i].map, path, pins[i].name);
	return rc;
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

static int arm_timers(struct xlvs_bpf *skel)
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
	struct xlvs_meta m;
	uint32_t zero = 0;

	xlvs_meta_defaults(&m, conn_max);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.meta), &zero, &m, 0))
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

int loader_create(const char *path, uint32_t conn_max)
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
	/* The estimator sums the counters of this many CPUs: all possible. */
	skel->rodata->nr_cpus = ncpu;
	skel->rodata->shard_bits = xlvs_conn_shard_bits(conn_max);
	port_range_read(&skel->rodata->tun_sport_min, &skel->rodata->tun_sport_max);
	rc = xlvs_bpf__load(skel);
	if (rc) {
		xlvs_logf("cannot load the XDP program: %s", strerror(-rc));
		goto out;
	}
	rc = write_meta(skel, conn_max);
	if (!rc)
		rc = conn_shards_create(skel, conn_max);
	if (!rc)
		rc = arm_timers(skel);
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
	if (!rc)
		rc = pin_maps(skel, path);
	if (rc)
		loader_remove(path);
out:
	xlvs_bpf__destroy(skel);
	return rc;
}

/* Unpin everything in the table directory and remove it. */
int loader_remove(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[512];
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (unlink(p) && !rc)
			rc = -errno;
	}
	closedir(d);
	if (rmdir(path) && !rc)
		rc = -errno;
	return rc;
}

static uint32_t prog_id_of_fd(int fd)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

/* The id of the table's XDP program, 0 if none; path is in the host ns. */
uint32_t loader_prog_id(const char *path)
{
	char p[512];
	uint32_t id;
	int fd;

	snprintf(p, sizeof(p), "%s/" PIN_PROG, path);
	fd = bpf_obj_get(p);
	if (fd < 0)
		return 0;
	id = prog_id_of_fd(fd);
	close(fd);
	return id;
}

/* Frames to this interface's MAC are the program's, others the kernel's
 * (lib/dev_mac.c); an interface without an Ethernet MAC takes any. */
static int dev_mac_note(struct xlvs_table *t, const char *ifname,
			unsigned int ifindex)
{
	uint8_t mac[6];
	int rc = dev_mac_read(ifname, mac);

	return xlvs_dev_mac_set(t, ifindex, rc ? NULL : mac);
}

int xlvs_attach(struct xlvs_table *t, const char *ifname, enum xlvs_xdp_mode mode)
{
	unsigned int ifindex = if_nametoindex(ifname);
	uint32_t cur = 0, ours;
	int fd, rc, flags;

	if (!ifindex)
		return -ENODEV;
	fd = table_obj_get(t, PIN_PROG);
	if (fd < 0)
		return fd;
	ours = prog_id_of_fd(fd);
	flags = mode == XLVS_XDP_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	if (bpf_xdp_query_id(ifindex, 0, &cur) == 0 && cur && cur != ours) {
		xlvs_logf("%s already runs another XDP program (id %u)", ifname, cur);
		close(fd);
		return -EBUSY;
	}
	/* Ours already, in the other mode: the kernel keeps one at a time. */
	if (cur == ours && bpf_xdp_query_id(ifindex, flags, &cur) == 0 &&
	    cur != ours) {
		close(fd);
		return -EEXIST;
	}
	rc = cur == ours ? 0 : bpf_xdp_attach(ifindex, fd, flags, NULL);
	close(fd);
	if (!rc)
		rc = dev_mac_note(t, ifname, ifindex);
	if (!rc) {
		int e = neigh_keep_gateways(ifindex);

		if (e)
			xlvs_logf("%s: cannot keep its routes' gateways resolved: %s",
				  ifname, strerror(-e));
	}
	return rc;
}

static int detach_if_ours(unsigned int ifindex, uint32_t ours)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int flags;

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	if (q.attach_mode == XDP_ATTACHED_SKB && q.skb_prog_id == ours)
		flags = XDP_FLAGS_SKB_MODE;
	else if (q.attach_mode == XDP_ATTACHED_DRV && q.drv_prog_id == ours)
		flags = XDP_FLAGS_DRV_MODE;
	else
		return -ENOENT;
	return bpf_xdp_detach(ifindex, flags, NULL);
}

int xlvs_detach(struct xlvs_table *t, const char *ifname)
{
	unsigned int ifindex = if_nametoindex(ifname);
	uint32_t ours;
	int fd;

	if (!ifindex)
		return -ENODEV;
	fd = table_obj_get(t, PIN_PROG);
	if (fd < 0)
		return fd;
	ours = prog_id_of_fd(fd);
	close(fd);
	xlvs_dev_mac_set(t, ifindex, NULL);
	return detach_if_ours(ifindex, ours);
}

int xlvs_unload(void)
{
	struct if_nameindex *ifs, *i;
	struct nsroot_guard g;
	char path[256];
	uint32_t ours;
	int rc;

	rc = xlvs_table_path(path, sizeof(path));
	if (rc)
		return rc;
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	ours = loader_prog_id(path);
	nsroot_leave(&g);
	ifs = if_nameindex();
	for (i = ifs; ours && i && i->if_index; i++)
		detach_if_ours(i->if_index, ours);
	if (ifs)
		if_freenameindex(ifs);
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	rc = loader_remove(path);
	nsroot_leave(&g);
	return rc;
}
