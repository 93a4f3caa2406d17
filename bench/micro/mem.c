// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel memory per tracked connection at one million connections.  A
 * table is created with conn_max 1048576, its connection shards (2048
 * hashes, not preallocated) filled from user space with one million
 * connections (bpf_map_update_batch, one batch per shard), and the
 * kernel's memory is read three ways: what the maps say they use (fdinfo
 * memlock, which bpftool shows too), and the system's own counters
 * (/proc/meminfo) before and after.  While the table is full, the time the
 * expiry sweeper takes (one shard a tick) is measured as the stalls
 * it causes on the CPU it runs on.
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
#define SPIN_NS   1500000000ull    /* more than one round of the shards (1 s) */

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

/* CPU 0's softirq time so far, in ms (/proc/stat, USER_HZ ticks). */
static double cpu0_softirq_ms(void)
{
	unsigned long long v[7] = { 0 };
	char line[512];
	FILE *f = fopen("/proc/stat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu0 %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) == 7)
			break;
	if (f)
		fclose(f);
	return (double)v[6] * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

#define GAP_NS    100000ull        /* a gap in the spin longer than this is a stall */
#define GAPS_MAX  8192

struct stalls {
	double worst;         /* the longest, ns */
	double n;             /* how many over GAP_NS */
	double median;        /* their median, ns */
	double p90;           /* their 90th percentile, ns */
	double ms_per_s;      /* their sum, ms per second */
};

/* Spin for SPIN_NS reading the clock: every gap longer than GAP_NS is time
 * this CPU was taken from us (the sweeper's walks among them). */
static void stalls_measure(struct stalls *st)
{
	static double gaps[GAPS_MAX];
	uint64_t start = now_ns(), prev = start, t, worst = 0, sum = 0;
	int n = 0;

	do {
		t = now_ns();
		if (t - prev > worst)
			worst = t - prev;
		if (t - prev > GAP_NS) {
			sum += t - prev;
			if (n < GAPS_MAX)
				gaps[n++] = (double)(t - prev);
		}
		prev = t;
	} while (t - start < SPIN_NS);
	qsort(gaps, (size_t)n, sizeof(double), cmp_double);
	st->worst = (double)worst;
	st->n = n;
	st->median = n ? (n % 2 ? gaps[n / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2) : 0;
	st->p90 = n ? gaps[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1] : 0;
	st->ms_per_s = (double)sum / 1e6 / ((double)(t - start) / 1e9);
	if (getenv("MICRO_GAPS")) {
		fprintf(stderr, "micro: %d gaps over %llu us, longest:", n,
			GAP_NS / 1000);
		for (int i = n - 1; i >= 0 && i >= n - 12; i--)
			fprintf(stderr, " %.2f", gaps[i] / 1e6);
		fprintf(stderr, " ms; median %.3f ms, p90 %.3f ms\n",
			st->median / 1e6, st->p90 / 1e6);
	}
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
	double entries, fill_s, stall_empty, stall_full, released;
	double gaps_empty, gaps_full;       /* stalls over GAP_NS */
	double gmed_empty, gmed_full, gp90_empty, gp90_full;   /* ns */
	double lost_empty, lost_full;       /* ms per second in those stalls */
	double shard_most, shard_least;     /* entries in the fullest/emptiest shard */
	double sirq_empty, sirq_full;       /* CPU 0 softirq, ms per second */
	double sw_pass_ms, sw_tick_us, sw_share; /* the sweeper's own figures */
	double sw_passes;                   /* passes over the measure */
	double sw_ticks, sw_long;           /* ticks, and those over 0.5 ms */
	double sw_hist[6];                  /* ticks by hold (sweep_hold_*) */
	double sw0_tick_us, sw0_ticks, sw0_long, sw0_share; /* ... table empty */
};

/* The sweeper's own account over two full passes: the time its ticks
 * took (counter sweep_ns) over the wall time, its longest tick in the
 * last pass and the pass's length (the timers map).  False if two passes
 * did not come within 60 s. */
static bool sweep_measure(struct rep *p)
{
	uint64_t v0[XLVS_CNT_MAX], v1[XLVS_CNT_MAX], t0, t1;
	struct xlvs_timer tm;
	uint32_t k = XLVS_TIMER_SWEEP;

	/* Start at a pass's end, so the window holds whole passes. */
	if (xlvs_counters_read(&env.t, v0))
		return false;
	do {
		usleep(2000);
		if (xlvs_counters_read(&env.t, v1))
			return false;
	} while (v1[XLVS_CNT_SWEEP_PASSES] == v0[XLVS_CNT_SWEEP_PASSES]);
	t0 = now_ns();
	memcpy(v0, v1, sizeof(v0));
	do {
		usleep(5000);
		if (xlvs_counters_read(&env.t, v1))
			return false;
	} while (v1[XLVS_CNT_SWEEP_PASSES] < v0[XLVS_CNT_SWEEP_PASSES] + 2 &&
		 now_ns() - t0 < 60000000000ull);
	t1 = now_ns();
	if (v1[XLVS_CNT_SWEEP_PASSES] < v0[XLVS_CNT_SWEEP_PASSES] + 2 ||
	    bpf_map_lookup_elem(env.t.timers_fd, &k, &tm))
		return false;
	p->sw_passes = (double)(v1[XLVS_CNT_SWEEP_PASSES] - v0[XLVS_CNT_SWEEP_PASSES]);
	p->sw_share = (double)(v1[XLVS_CNT_SWEEP_NS] - v0[XLVS_CNT_SWEEP_NS]) /
		      (double)(t1 - t0);
	p->sw_ticks = (double)(v1[XLVS_CNT_SWEEP_TICKS] - v0[XLVS_CNT_SWEEP_TICKS]);
	p->sw_long = (double)(v1[XLVS_CNT_SWEEP_TICKS_LONG] -
			      v0[XLVS_CNT_SWEEP_TICKS_LONG]);
	for (int i = 0; i < 6; i++)
		p->sw_hist[i] = (double)(v1[XLVS_CNT_SWEEP_HOLD_100US + i] -
					 v0[XLVS_CNT_SWEEP_HOLD_100US + i]);
	p->sw_pass_ms = tm.pass_ms;
	p->sw_tick_us = tm.tick_max_us;
	return true;
}

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
	struct stalls st;
	struct meminfo m0, m1, m2, m3;
	double per, sirq;
	size_t used;
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
		sirq = cpu0_softirq_ms();
		stalls_measure(&st);
		p->stall_empty = st.worst;
		p->gaps_empty = st.n;
		p->gmed_empty = st.median;
		p->gp90_empty = st.p90;
		p->lost_empty = st.ms_per_s;
		p->sirq_empty = (cpu0_softirq_ms() - sirq) / (SPIN_NS / 1e9);
		/* The sweeper over an empty table: the floor of its figures
		 * (the timer's own cost, and the machine's stalls). */
		if (sweep_measure(p)) {
			p->sw0_tick_us = p->sw_tick_us;
			p->sw0_ticks = p->sw_ticks;
			p->sw0_long = p->sw_long;
			p->sw0_share = p->sw_share;
		}
		t = now_ns();
		if (fill(keys, vals, gkeys, gvals))
			return -1;
		p->fill_s = (now_ns() - t) / 1e9;
		meminfo_read(&m2);
		p->conn_memlock_full = (double)conn_memlock();
		p->entries = (double)count_entries(keys, vals, &most, &least);
		p->shard_most = (double)most;
		p->shard_least = (double)least;
		sirq = cpu0_softirq_ms();
		stalls_measure(&st);
		p->stall_full = st.worst;
		p->gaps_full = st.n;
		p->gmed_full = st.median;
		p->gp90_full = st.p90;
		p->lost_full = st.ms_per_s;
		p->sirq_full = (cpu0_softirq_ms() - sirq) / (SPIN_NS / 1e9);
		if (!sweep_measure(p))
			fprintf(stderr, "micro: the sweeper's figures could not be read\n");
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
			"MemAvailable -%.0f kB, VmallocUsed +%.0f kB, %.0f entries, "
			"sweep stall %.1f ms (empty %.1f), p90 %.2f ms, %.0f ms/s\n",
			r + 1, p->conn_memlock, p->d_avail, p->d_vmalloc,
			p->entries, p->stall_full / 1e6, p->stall_empty / 1e6,
			p->gp90_full / 1e6, p->lost_full);
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
"Expiry sweeper at one million, by its own account (counter `sweep_ns`, "
"the `timers` map), over %.0f whole passes: **longest tick %.0f us**, "
"%.0f of %.0f ticks over 0.5 ms (a tick's own clock counts any time the "
"hypervisor took the CPU meanwhile), "
"**%.2f %% of a CPU**, a pass over the table every %.2f s (%u shards).  "
"With the table empty: longest tick %.0f us, %.0f of %.0f ticks over "
"0.5 ms, %.2f %% of a CPU (the timer's own cost and the machine's "
"stalls).\n\n"
"Connections that fit: %.0f of %u written (conn_max %u); the fullest "
"shard held %.0f and the emptiest %.0f (of %u each).  Filling took "
"%.2f s.  VmallocUsed and Slab fell by %.1f MiB when the table was removed.\n\n"
"Expiry sweeper: a thread on the sweeper's CPU reads the clock in a loop "
"for %.1f s (%d shards); every gap is time "
"the CPU was taken from it.  The longest stall was %.2f ms with the table "
"empty and **%.2f ms with one million connections**.  Stalls over %.1f ms: "
"%.0f empty and %.0f full, 90th percentile %.2f ms empty and %.2f ms full, "
"%.0f and %.0f ms per second in all.  CPU 0's softirq time (`/proc/stat`, "
"tick-sampled, so rough) was %.0f ms per second empty and %.0f ms per "
"second full.  The bpf_timer callback walks one shard (of %d) with "
"bpf_for_each_map_elem in softirq context a tick, so a CPU is held for one "
"shard's walk (1/%d of the table) at a time, and the next tick waits 40 "
"times as long as this one took, so the sweeper takes at most 1/41 of a "
"CPU and a big table's pass takes longer than a second.  Nothing else runs on that CPU during a walk (packets "
"there included).  Other stalls (interrupts, other tasks, the "
"hypervisor) are in these figures too: the empty column is their floor.\n\n"
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
		MED(sw_passes), MED(sw_tick_us), MED(sw_long), MED(sw_ticks),
		MED(sw_share) * 100.0,
		MED(sw_pass_ms) / 1000.0, xlvs_conn_shards(CONN_MAX),
		MED(sw0_tick_us), MED(sw0_long), MED(sw0_ticks),
		MED(sw0_share) * 100.0,
		MED(entries), FILL, CONN_MAX, MED(shard_most), MED(shard_least),
		(CONN_MAX + XLVS_CONN_SHARDS - 1) / XLVS_CONN_SHARDS,
		MED(fill_s), MED(released) / 1024.0,
		SPIN_NS / 1e9, XLVS_CONN_SHARDS, MED(stall_empty) / 1e6,
		MED(stall_full) / 1e6, GAP_NS / 1e6, MED(gaps_empty),
		MED(gaps_full), MED(gp90_empty) / 1e6, MED(gp90_full) / 1e6,
		MED(lost_empty), MED(lost_full), MED(sirq_empty), MED(sirq_full),
		XLVS_CONN_SHARDS, XLVS_CONN_SHARDS, XLVS_CONN_SHARDS);
	used = strlen(out);
	snprintf(out + used, len - used, "\nThe sweeper's ticks at one million by how long each held "
		"its CPU (counters `sweep_hold_*`, medians over the repetitions):\n\n"
		"| up to 0.1 ms | 0.1-0.2 ms | 0.2-0.5 ms | 0.5-1 ms | 1-2 ms | over 2 ms |\n"
		"|---:|---:|---:|---:|---:|---:|\n"
		"| %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n",
		MED(sw_hist[0]), MED(sw_hist[1]), MED(sw_hist[2]),
		MED(sw_hist[3]), MED(sw_hist[4]), MED(sw_hist[5]));
	return 0;
}
