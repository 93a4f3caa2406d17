// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel memory per tracked connection at one million connections.  A
 * table is created with conn_max 1048576, its connection shards (2048
 * hashes, not preallocated) filled from user space with one million
 * connections (bpf_map_update_batch, one batch per shard), and the
 * kernel's memory is read three ways: what the maps say they use (fdinfo
 * memlock, which bpftool shows too), and the system's own counters
 * (/proc/meminfo) before and after.  The expiry sweeper at a million has
 * its own section (sweep.c).
 */
#include "micro.h"
#include "testbed.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#define CONN_MAX  1048576u
#define FILL      1000000u
#define CHUNK     65536u

/* Map ids already counted by table_memlock. */
struct idset {
	uint32_t id[256];
	int n;
};

static bool idset_add(struct idset *s, uint32_t id)
{
	for (int i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return false;
	if (s->n < 256)
		s->id[s->n++] = id;
	return true;
}

/* The memlock of one map fd, unless that map was counted already. */
static long long map_once(struct idset *seen, int fd)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	long long v;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !idset_add(seen, info.id))
		return 0;
	v = fd_memlock(fd);
	return v > 0 ? v : 0;
}

/* Every object of the table: each pinned map and program, every map the
 * program uses (some, like the next-hop cache, are not pinned) and the
 * connection shards (not pinned: the conn array holds them); each map once. */
static long long table_memlock(void)
{
	char path[sizeof(env.t.path) + 300];
	struct idset seen = { .n = 0 };
	uint32_t ids[64];
	struct bpf_prog_info pinfo;
	uint32_t plen = sizeof(pinfo);
	struct dirent *e;
	long long sum = 0, v;
	DIR *d = opendir(env.t.path);

	while (d && (e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "prog_xdp"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", env.t.path, e->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		sum += map_once(&seen, fd);
		close(fd);
	}
	if (d)
		closedir(d);
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	pinfo.map_ids = (uint64_t)(uintptr_t)ids;
	v = fd_memlock(env.prog_fd);
	if (v > 0)
		sum += v;
	if (!bpf_obj_get_info_by_fd(env.prog_fd, &pinfo, &plen))
		for (uint32_t i = 0; i < pinfo.nr_map_ids &&
		     i < sizeof(ids) / sizeof(ids[0]); i++) {
			int fd = bpf_map_get_fd_by_id(ids[i]);

			if (fd < 0)
				continue;
			sum += map_once(&seen, fd);
			close(fd);
		}
	for (uint32_t i = 0; i < env_nshards(); i++)
		sum += map_once(&seen, env.shard_fd[i]);
	return sum;
}

/* FILL connections, CHUNK at a time; each chunk grouped by shard and
 * written with one bpf_map_update_batch per shard. */
static int fill(struct xlvs_conn_key *keys, struct xlvs_conn *vals,
		struct xlvs_conn_key *gkeys, struct xlvs_conn *gvals)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	uint64_t now = now_ns();   /* CLOCK_MONOTONIC = bpf_ktime_get_ns() */
	uint32_t start[XLVS_CONN_SHARDS + 1];

	for (uint32_t base = 0; base < FILL; base += CHUNK) {
		uint32_t n = FILL - base < CHUNK ? FILL - base : CHUNK;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t sa;
			uint16_t sp;

			flow_client(base + i, &sa, &sp);
			tb_conn_key(&keys[i], IPPROTO_TCP, sa, NET_VIP, sp, 80);
			memset(&vals[i], 0, sizeof(vals[i]));
			vals[i].last_ns = now;
			vals[i].state = XLVS_TCP_ESTABLISHED;
		}
		conn_group(keys, vals, n, gkeys, gvals, start);
		for (int s = 0; s < XLVS_CONN_SHARDS; s++) {
			uint32_t cnt = start[s + 1] - start[s];

			if (cnt && bpf_map_update_batch(env.shard_fd[s],
							gkeys + start[s],
							gvals + start[s], &cnt, &o)) {
				fprintf(stderr, "micro: update_batch, shard %d: %s\n",
					s, strerror(errno));
				return -1;
			}
		}
	}
	return 0;
}

/* Entries actually in the shards, read back in batches; the fullest and
 * emptiest shard in *most and *least. */
static long long count_entries(struct xlvs_conn_key *keys, struct xlvs_conn *vals,
			       long long *most, long long *least)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	long long total = 0;

	*most = 0;
	*least = -1;
	for (int s = 0; s < XLVS_CONN_SHARDS; s++) {
		uint32_t out_batch = 0, n;
		long long in_shard = 0;
		void *in = NULL;
		int rc;

		do {
			n = CHUNK;
			rc = bpf_map_lookup_batch(env.shard_fd[s], in, &out_batch,
						  keys, vals, &n, &o);
			if (rc && errno != ENOENT)
				return -1;
			in_shard += n;
			in = &out_batch;
		} while (!rc);
		total += in_shard;
		if (in_shard > *most)
			*most = in_shard;
		if (*least < 0 || in_shard < *least)
			*least = in_shard;
	}
	return total;
}

struct rep {
	double conn_memlock, table_memlock, conn_memlock_full;
	double d_avail, d_slab, d_vmalloc, d_percpu;      /* create, kB */
	double f_avail, f_slab, f_vmalloc, f_percpu;      /* fill, kB */
	double entries, fill_s, released;
	double shard_most, shard_least;     /* entries in the fullest/emptiest shard */
};

static double med(const struct rep *r, size_t off)
{
	double v[REPS];

	for (int i = 0; i < REPS; i++)
		v[i] = *(const double *)((const char *)&r[i] + off);
	return median(v, REPS);
}
#define MED(field) med(reps, offsetof(struct rep, field))

int mem_bench(char *out, size_t len)
{
	struct xlvs_conn_key *keys = calloc(CHUNK, sizeof(*keys));
	struct xlvs_conn *vals = calloc(CHUNK, sizeof(*vals));
	struct xlvs_conn_key *gkeys = calloc(CHUNK, sizeof(*gkeys));
	struct xlvs_conn *gvals = calloc(CHUNK, sizeof(*gvals));
	struct rep reps[REPS];
	long long most, least;
	struct meminfo m0, m1, m2, m3;
	double per;
	uint64_t t;

	if (!keys || !vals || !gkeys || !gvals)
		return -1;
	/* Touch the buffers now so their pages are not counted below. */
	memset(keys, 1, CHUNK * sizeof(*keys));
	memset(vals, 1, CHUNK * sizeof(*vals));
	memset(gkeys, 1, CHUNK * sizeof(*gkeys));
	memset(gvals, 1, CHUNK * sizeof(*gvals));
	for (int r = 0; r < REPS; r++) {
		struct rep *p = &reps[r];

		meminfo_read(&m0);
		if (table_create(CONN_MAX))
			return -1;
		meminfo_read(&m1);
		p->conn_memlock = (double)conn_memlock();
		p->table_memlock = (double)table_memlock();
		t = now_ns();
		if (fill(keys, vals, gkeys, gvals))
			return -1;
		p->fill_s = (now_ns() - t) / 1e9;
		meminfo_read(&m2);
		p->conn_memlock_full = (double)conn_memlock();
		p->entries = (double)count_entries(keys, vals, &most, &least);
		p->shard_most = (double)most;
		p->shard_least = (double)least;
		table_remove_wait();
		meminfo_read(&m3);
		p->released = (double)(m2.vmalloc + m2.slab - m3.vmalloc - m3.slab);
		p->d_avail = (double)(m0.avail - m1.avail);
		p->d_slab = (double)(m1.slab - m0.slab);
		p->d_vmalloc = (double)(m1.vmalloc - m0.vmalloc);
		p->d_percpu = (double)(m1.percpu - m0.percpu);
		p->f_avail = (double)(m1.avail - m2.avail);
		p->f_slab = (double)(m2.slab - m1.slab);
		p->f_vmalloc = (double)(m2.vmalloc - m1.vmalloc);
		p->f_percpu = (double)(m2.percpu - m1.percpu);
		fprintf(stderr, "micro: memory repetition %d: conn memlock %.0f B, "
			"MemAvailable -%.0f kB, VmallocUsed +%.0f kB, %.0f entries\n",
			r + 1, p->conn_memlock, p->d_avail, p->d_vmalloc,
			p->entries);
	}
	free(keys);
	free(vals);
	free(gkeys);
	free(gvals);

	per = MED(entries) > 0 ? MED(entries) : FILL;
	(void)snprintf(out, len,
"## Kernel memory per connection at one million\n\n"
"Table created with conn_max %u (the connection table: %d hashes, "
"\"shards\", of a share of %u entries each, not preallocated, in the pinned "
"array `conn`), then %u "
"connections written into the shards with `bpf_map_update_batch`, each "
"chunk grouped by `xlvs_conn_shard()` and written one batch per shard; "
"median of %d repetitions.  Per-connection figures divide by the %.0f "
"entries read back from the shards.\n\n"
"| measure | at creation (empty) | added by the fill | bytes/conn, creation | bytes/conn, creation + fill |\n"
"|---|---:|---:|---:|---:|\n"
"| conn table `memlock`, %d shards + their array (fdinfo / bpftool) | %.1f MiB | %.1f MiB | %.0f | **%.0f** |\n"
"| whole table `memlock` (every map, shards and program) | %.1f MiB | - | %.0f | - |\n"
"| `VmallocUsed` rise | %.1f MiB | %.1f MiB | %.0f | %.0f |\n"
"| `MemAvailable` drop | %.1f MiB | %.1f MiB | %.0f | **%.0f** |\n"
"| `Slab` rise | %.1f MiB | %.1f MiB | %.1f | %.1f |\n"
"| `Percpu` rise | %.2f MiB | %.2f MiB | %.1f | %.1f |\n\n"
"Connections that fit: %.0f of %u written (conn_max %u); the fullest "
"shard held %.0f and the emptiest %.0f (of %u each).  Filling took "
"%.2f s.  VmallocUsed and Slab fell by %.1f MiB when the table was removed.\n\n"
"### Method\n\n"
"* `memlock` in `/proc/<pid>/fdinfo/<map fd>` (the same number `bpftool "
"map show` prints) is, on Linux 6.4 and later, the map's own account of "
"its memory (`map_mem_usage`): for a hash that is not preallocated, its "
"buckets and the entries it holds now, each the size of its allocator's "
"object.  The row sums it over the %d shards (each opened by id from the "
"array, `xlvs_conn_shard_fd()`) and the array itself.\n"
"* `/proc/meminfo` is read before creating the table, after creating it "
"and after the fill.  The shards' buckets and every other map are taken "
"at creation (large ones vmalloc'ed, so `VmallocUsed`); an entry's memory "
"is taken when it is made, from the slab (`Slab`).  `MemAvailable` is the "
"whole machine's figure and moves with everything else running, hence "
"the medians.\n"
"* The honest number is the system's: the `MemAvailable` drop over "
"creation and fill (what the kernel took, page-rounded, all maps and the "
"JIT image included), divided by the connections held, cross-checked by "
"the `VmallocUsed` and `Slab` rises.  The `memlock` figure is an "
"estimate computed from the map's geometry; it agrees when the two are "
"close.  For IPVS, about 300 bytes per connection (an `ip_vs_conn` slab "
"object plus its hash chain).\n",
		CONN_MAX, XLVS_CONN_SHARDS,
		(CONN_MAX + XLVS_CONN_SHARDS - 1) / XLVS_CONN_SHARDS, FILL, REPS,
		per, XLVS_CONN_SHARDS, MED(conn_memlock) / 1048576.0,
		(MED(conn_memlock_full) - MED(conn_memlock)) / 1048576.0,
		MED(conn_memlock) / per, MED(conn_memlock_full) / per,
		MED(table_memlock) / 1048576.0, MED(table_memlock) / per,
		MED(d_vmalloc) / 1024.0, MED(f_vmalloc) / 1024.0,
		MED(d_vmalloc) * 1024.0 / per,
		(MED(d_vmalloc) + MED(f_vmalloc)) * 1024.0 / per,
		MED(d_avail) / 1024.0, MED(f_avail) / 1024.0,
		MED(d_avail) * 1024.0 / per,
		(MED(d_avail) + MED(f_avail)) * 1024.0 / per,
		MED(d_slab) / 1024.0, MED(f_slab) / 1024.0,
		MED(d_slab) * 1024.0 / per,
		(MED(d_slab) + MED(f_slab)) * 1024.0 / per,
		MED(d_percpu) / 1024.0, MED(f_percpu) / 1024.0,
		MED(d_percpu) * 1024.0 / per,
		(MED(d_percpu) + MED(f_percpu)) * 1024.0 / per,
		MED(entries), FILL, CONN_MAX, MED(shard_most), MED(shard_least),
		(CONN_MAX + XLVS_CONN_SHARDS - 1) / XLVS_CONN_SHARDS,
		MED(fill_s), MED(released) / 1024.0, XLVS_CONN_SHARDS);
	return 0;
}
