// SPDX-License-Identifier: GPL-2.0
/* The benchmark's test bed (see micro.h), on tests/lib's, as the data-plane
 * tests' is. */
#include "micro.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "testbed.h"

struct bench_env env = { .prog_fd = -1 };

uint32_t rs_addr(unsigned int i)
{
	return IP4(10, 0, 16 + i / 256, i % 256);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	double s[64];

	if (n <= 0 || n > 64)
		return 0;
	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* ---- frames ---- */

void frame_build(struct bench_frame *f, uint8_t proto, uint32_t saddr,
		 uint32_t daddr, uint16_t sport, uint16_t dport, uint8_t flags)
{
	const struct pkt_spec s = {
		.proto = proto, .saddr = saddr, .daddr = daddr,
		.sport = sport, .dport = dport, .tcp_flags = flags,
		.payload = proto == IPPROTO_UDP ? 32 : 0,
	};
	static struct frame full;

	pkt_build(&full, &s);
	memset(f, 0, sizeof(*f));
	memcpy(f->b, full.b, full.len);
	f->len = (uint32_t)full.len;
}

void flow_client(uint64_t n, uint32_t *saddr, uint16_t *sport)
{
	*saddr = NET_CLIENTS + (uint32_t)(n >> 14);
	*sport = (uint16_t)(1024 + (n & 0x3fff));
}

/* ---- namespaces and the network ---- */

/* Permanent neighbour entries for every real server, in one `ip -batch`:
 * libxlvs leaves permanent entries alone, so bpf_fib_lookup always finds
 * the MAC and the whole forwarding path runs. */
static int neighbours(void)
{
	FILE *p = popen("ip -batch -", "w");

	if (!p)
		return -1;
	for (unsigned int i = 0; i < RS_MAX; i++)
		fprintf(p, "neigh replace 10.0.%u.%u lladdr 02:00:00:00:%02x:%02x "
			"dev " BENCH_DEV " nud permanent\n",
			16 + i / 256, i % 256, 16 + i / 256, i % 256);
	return pclose(p) ? -1 : 0;
}

int env_setup(void)
{
	cpu_set_t cpus;

	/* One CPU for everything: BPF_PROG_TEST_RUN runs on the caller's CPU,
	 * and the expiry timer is armed (and stays) where the table is made. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		fprintf(stderr, "micro: sched_setaffinity: %s\n", strerror(errno));
	if (tb_enter())
		return -1;
	env.ifindex = tb_veth(BENCH_DEV, BENCH_PEER, "10.0.0.1/16");
	return env.ifindex > 0 && !neighbours() ? 0 : -1;
}

int meminfo_read(struct meminfo *m)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");
	long long v;

	memset(m, 0, sizeof(*m));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemAvailable: %lld", &v) == 1)
			m->avail = v;
		else if (sscanf(line, "Slab: %lld", &v) == 1)
			m->slab = v;
		else if (sscanf(line, "VmallocUsed: %lld", &v) == 1)
			m->vmalloc = v;
		else if (sscanf(line, "Percpu: %lld", &v) == 1)
			m->percpu = v;
	}
	fclose(f);
	return 0;
}

/* "memlock:" of a BPF fd: since Linux 6.4 the map's own estimate of the
 * memory it uses (map_mem_usage), before that a page-rounded size. */
long long fd_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1, x;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &x) == 1)
			v = x;
	fclose(f);
	return v;
}

/* ---- the table ---- */

static void shards_close(void)
{
	for (int i = 0; i < XLVS_CONN_SHARDS; i++) {
		if (env.shard_fd[i] >= 0)
			close(env.shard_fd[i]);
		env.shard_fd[i] = -1;
	}
}

int table_create(uint32_t conn_max)
{
	int rc;

	table_remove();
	for (int i = 0; i < XLVS_CONN_SHARDS; i++)
		env.shard_fd[i] = -1;
	/* Marked open first: a failed create may have pinned half a table. */
	env.open = true;
	rc = tb_table_open(&env.t, conn_max, &env.prog_fd);
	if (rc)
		return rc;
	for (uint32_t i = 0; i < env_nshards(); i++) {
		rc = xlvs_conn_shard_fd(&env.t, i);
		if (rc < 0) {
			fprintf(stderr, "micro: conn shard %u: %s\n", i, strerror(-rc));
			return rc;
		}
		env.shard_fd[i] = rc;
	}
	return 0;
}

void table_remove(void)
{
	int rc;

	if (!env.open)
		return;
	env.open = false;
	/* Shard fds first: an open fd would keep its shard alive. */
	shards_close();
	if (env.prog_fd >= 0)
		close(env.prog_fd);
	env.prog_fd = -1;
	xlvs_table_close(&env.t);
	rc = xlvs_unload();
	if (rc)
		fprintf(stderr, "micro: xlvs_unload: %s\n", strerror(-rc));
}

uint32_t env_nshards(void)
{
	return xlvs_conn_shards(env.t.meta.conn_max);
}

uint32_t env_shard(const struct xlvs_conn_key *k)
{
	return xlvs_conn_shard(k, xlvs_conn_shard_bits(env.t.meta.conn_max));
}

int conn_fd_of(const struct xlvs_conn_key *k)
{
	return env.shard_fd[env_shard(k)];
}

long long conn_memlock(void)
{
	long long sum = 0, v;

	v = fd_memlock(env.t.conn_fd);
	if (v > 0)
		sum += v;
	for (uint32_t i = 0; i < env_nshards(); i++) {
		v = fd_memlock(env.shard_fd[i]);
		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

void conn_group(const struct xlvs_conn_key *keys, const struct xlvs_conn *vals,
		uint32_t n, struct xlvs_conn_key *okeys, struct xlvs_conn *ovals,
		uint32_t start[XLVS_CONN_SHARDS + 1])
{
	uint32_t pos[XLVS_CONN_SHARDS];

	memset(start, 0, sizeof(uint32_t) * (XLVS_CONN_SHARDS + 1));
	for (uint32_t i = 0; i < n; i++)
		start[env_shard(&keys[i]) + 1]++;
	for (int s = 0; s < XLVS_CONN_SHARDS; s++) {
		start[s + 1] += start[s];
		pos[s] = start[s];
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = pos[env_shard(&keys[i])]++;

		okeys[j] = keys[i];
		if (vals)
			ovals[j] = vals[i];
	}
}

long long conn_delete(const struct xlvs_conn_key *keys, uint32_t n)
{
	struct xlvs_conn_key *g = malloc((n ? n : 1) * sizeof(*g));
	uint32_t start[XLVS_CONN_SHARDS + 1];
	long long deleted = 0;

	if (!g)
		return -1;
	conn_group(keys, NULL, n, g, NULL, start);
	for (int s = 0; s < XLVS_CONN_SHARDS; s++) {
		uint32_t cnt = start[s + 1] - start[s];

		if (!cnt)
			continue;
		/* A missing key stops the batch (ENOENT); cnt says how far. */
		bpf_map_delete_batch(env.shard_fd[s], g + start[s], &cnt, NULL);
		deleted += cnt;
	}
	free(g);
	return deleted;
}

/* Maps are freed from a work queue after an RCU grace period: wait until
 * the connection shards' memory is back, so the next measurement does not
 * see the last table's memory leave. */
void table_remove_wait(void)
{
	struct meminfo before, now;
	long long expect;
	uint64_t t;

	if (!env.open)
		return;
	/* The shards' buckets are vmalloc'ed, their entries from the slab. */
	expect = conn_memlock() / 1024 * 9 / 10;
	meminfo_read(&before);
	table_remove();
	t = now_ns();
	do {
		usleep(20000);
		meminfo_read(&now);
	} while (before.vmalloc + before.slab - now.vmalloc - now.slab < expect &&
		 now_ns() - t < 10000000000ull);
	if (before.vmalloc + before.slab - now.vmalloc - now.slab < expect)
		fprintf(stderr, "micro: the removed table's memory has not come "
			"back after 10 s\n");
	usleep(100000);
}

int batch_run(const struct bench_frame *f, int n, uint32_t want, double *k,
	      double *w)
{
	uint64_t sum = 0, t0, t1;
	uint32_t d = 0, rv = 0;
	int bad = 0;

	t0 = now_ns();
	for (int i = 0; i < n; i++) {
		if (prog_run(f, 1, &rv, &d) || rv != want)
			bad++;
		sum += d;
	}
	t1 = now_ns();
	*k = (double)sum / n;
	*w = (double)(t1 - t0) / n;
	return bad;
}

double batch_timed(const struct bench_frame *f, uint32_t want,
		   const struct bench_frame *pass, double floor, double *wall,
		   int *bad)
{
	double k, w, kp, wp;

	*bad = batch_run(f, NEW_N, want, &k, &w);
	batch_run(pass, NEW_N, XDP_PASS, &kp, &wp);
	*wall = w - wp + floor;
	return k - kp + floor;
}

int prog_run(const struct bench_frame *f, uint32_t repeat, uint32_t *retval,
	     uint32_t *duration)
{
	return prog_run_fd(env.prog_fd, f, repeat, retval, duration);
}

int prog_run_fd(int fd, const struct bench_frame *f, uint32_t repeat,
		uint32_t *retval, uint32_t *duration)
{
	struct tb_run r;
	int rc = tb_xdp_run(fd, env.ifindex, f->b, f->len, NULL, 0, repeat, &r);

	if (retval)
		*retval = r.retval;
	if (duration)
		*duration = r.duration;
	return rc;
}
