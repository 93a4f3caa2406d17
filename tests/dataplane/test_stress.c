// SPDX-License-Identifier: GPL-2.0
/*
 * Two CPUs and the sweeper on the same connections (issue: "the table under
 * real operations", item 4: state updates that race between CPUs or with
 * the sweeper must not double-count).
 *
 * Two threads, pinned to CPU 0 and CPU 1, run TCP segments through the XDP
 * program (BPF_PROG_TEST_RUN runs it on the calling CPU) for ST_SECONDS:
 *  - hot keys: ST_HOT connections both threads hit all the time with
 *    random SYN, ACK, FIN and RST segments, half the time both on the key
 *    the clock names (a new one every ST_SLOT_NS), so the same entry
 *    changes state on two CPUs at once (SYN_RECV -> ESTABLISHED ->
 *    FIN_WAIT -> TIME_WAIT, a SYN reusing a CLOSE or TIME_WAIT entry, ...);
 *  - cold keys, for the first ST_COLD_SECONDS only: ST_COLD connections in
 *    four quarters, one quarter busy at a time for ST_QUARTER_MS, so each
 *    goes idle a little longer than the 1 s every TCP state is given here:
 *    the sweeper expires entries while packets come back to them (and
 *    replace them), and the table holds about three times its 4096, so
 *    the sweeper evicts at the same time.
 * Then the cold keys stop long enough for the sweeper to clear what they
 * left, the threads stop, the timeouts go back, and nothing changes the
 * table any more: each real server's active and inactive counts must
 * equal a recount of the table's entries by IPVS's rule (model.c,
 * m_tcp_active) -- at once and for a whole sweep after, so a count the
 * races got wrong is not excused by a sweeper that recounts it later.
 * The sweeper must have expired, evicted and the SYNs reused entries
 * meanwhile, or the test proved nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "harness.h"
#include "model.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define ST_PORT 9970
#define ST_HOT 16
#define ST_SLOT_NS 20000        /* both threads on the same hot key for 20 us */
#define ST_COLD 16384
#define ST_KEYS (ST_HOT + ST_COLD)
#define ST_SECONDS 6.0
#define ST_COLD_SECONDS 3.5     /* then 2.5 s for the sweeper to clear them */
#define ST_QUARTER_MS 400       /* each quarter idle 1.2 s of every 1.6 s */
#define ST_FRAME 64
#define ST_KINDS 4              /* SYN, ACK, FIN|ACK, RST */
#define ST_SPORT 40000

/* Every key's four segments, built once: the threads only send. */
static uint8_t (*st_frames)[ST_KINDS][ST_FRAME];
static uint32_t st_len;
static atomic_int st_stop;

struct st_worker {
	pthread_t th;
	int cpu;
	uint64_t runs, errors, pinned;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double now_s(void)
{
	return (double)now_ns() / 1e9;
}

/* Key k's client: 10.9.x.y, port ST_SPORT (no other test uses 10.9/16). */
static uint32_t st_client(unsigned int k)
{
	return IP4(10, 9, k >> 8, k & 0xff);
}

static void st_build(void)
{
	static const uint8_t flags[ST_KINDS] = {
		TH_SYN, TH_ACK, TH_FIN | TH_ACK, TH_RST,
	};

	st_frames = calloc(ST_KEYS, sizeof(*st_frames));
	assert_non_null(st_frames);
	for (unsigned int k = 0; k < ST_KEYS; k++)
		for (int f = 0; f < ST_KINDS; f++) {
			struct pkt_spec s = {
				.proto = IPPROTO_TCP, .saddr = st_client(k),
				.sport = ST_SPORT, .dport = ST_PORT,
				.tcp_flags = flags[f],
			};
			struct frame fr;

			pkt_build(&fr, &s);
			assert_true(fr.len <= ST_FRAME);
			memcpy(st_frames[k][f], fr.b, fr.len);
			st_len = (uint32_t)fr.len;
		}
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *st_work(void *arg)
{
	struct st_worker *w = arg;
	uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(w->cpu + 1);
	double start = now_s();
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	w->pinned = pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
	while (!atomic_load(&st_stop)) {
		uint64_t r = xorshift(&seed), ns = now_ns();
		double t = (double)ns / 1e9 - start;
		unsigned int k, kind, which = (unsigned int)(r >> 8) % 4;
		/* SYN 30 %, ACK 40 %, FIN 15 %, RST 15 %. */
		unsigned int p = (unsigned int)(r % 100);

		kind = p < 30 ? 0 : p < 70 ? 1 : p < 85 ? 2 : 3;
		if (which < 2) {
			k = (unsigned int)(ns / ST_SLOT_NS % ST_HOT);
		} else if (which == 2 || t >= ST_COLD_SECONDS) {
			k = (unsigned int)((r >> 16) % ST_HOT);
		} else {
			unsigned int q = (unsigned int)(t * 1000 / ST_QUARTER_MS) % 4;

			k = ST_HOT + q * (ST_COLD / 4) +
			    (unsigned int)((r >> 24) % (ST_COLD / 4));
		}
		if (tb_xdp_run(dp.prog_fd, dp.ifindex, st_frames[k][kind], st_len,
			       NULL, 0, 1, NULL))
			w->errors++;
		w->runs++;
	}
	return NULL;
}

/* Sum of the data-plane counters whose names start with prefix (the
 * eviction and expiry counters may be split by cause). */
static uint64_t counters_named(const uint64_t v[XLVS_CNT_MAX], const char *prefix)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < XLVS_CNT_MAX; i++) {
		const char *n = xlvs_counter_name(i);

		if (n && strncmp(n, prefix, strlen(prefix)) == 0)
			sum += v[i];
	}
	return sum;
}

struct st_counts {
	int64_t active[2], inactive[2];
};

/* The states of the entries a recount found, per server (diagnostics). */
static unsigned int st_states[2][256];

static void st_listed(const uint32_t ids[2], struct st_counts *c)
{
	for (int i = 0; i < 2; i++) {
		struct xlvs_dest_conns dc;

		assert_int_equal(bpf_map_lookup_elem(dp.t.dest_conns_fd, &ids[i], &dc), 0);
		c->active[i] = dc.active;
		c->inactive[i] = dc.inactive;
	}
}

/* Every entry of the table that belongs to one of the two servers,
 * counted by IPVS's rule. */
static void st_recount(const uint32_t ids[2], const uint32_t gens[2],
		       struct st_counts *c)
{
	uint32_t shards = xlvs_conn_shards(dp.t.meta.conn_max);

	memset(c, 0, sizeof(*c));
	memset(st_states, 0, sizeof(st_states));
	for (uint32_t shard = 0; shard < shards; shard++) {
		int fd = xlvs_conn_shard_fd(&dp.t, shard);
		struct xlvs_conn_key k, next;
		void *prev = NULL;

		assert_true(fd >= 0);
		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			struct xlvs_conn v;

			k = next;
			prev = &k;
			if (bpf_map_lookup_elem(fd, &k, &v) ||
			    k.kind != XLVS_KIND_CONN)
				continue;
			for (int i = 0; i < 2; i++) {
				if (v.dest_id != ids[i] || v.dest_gen != gens[i])
					continue;
				st_states[i][v.state]++;
				if (k.proto == IPPROTO_TCP && m_tcp_active(v.state))
					c->active[i]++;
				else
					c->inactive[i]++;
			}
		}
		close(fd);
	}
}

/* A sample taken while nothing changed the counts: 1 when it was. */
static int st_sample(const uint32_t ids[2], const uint32_t gens[2],
		     struct st_counts *listed, struct st_counts *table)
{
	struct st_counts again;

	st_listed(ids, listed);
	st_recount(ids, gens, table);
	st_listed(ids, &again);
	return memcmp(listed, &again, sizeof(again)) == 0;
}

static void st_print(const char *what, const struct st_counts *l,
		     const struct st_counts *t)
{
	for (int i = 0; i < 2; i++) {
		print_message("server %d entries by state:", i + 1);
		for (int st = 0; st < 256; st++)
			if (st_states[i][st])
				print_message(" %s=%u", st < XLVS_STATE_MAX ?
					      xlvs_state_name((uint8_t)st) : "other",
					      st_states[i][st]);
		print_message("\n");
	}
	print_message("%s: server 1 listed %lld/%lld recounted %lld/%lld, "
		      "server 2 listed %lld/%lld recounted %lld/%lld (active/inactive)\n",
		      what, (long long)l->active[0], (long long)l->inactive[0],
		      (long long)t->active[0], (long long)t->inactive[0],
		      (long long)l->active[1], (long long)l->inactive[1],
		      (long long)t->active[1], (long long)t->inactive[1]);
}

static void two_cpus_and_sweeper_keep_counts_exact(void **state)
{
	struct st_worker w[2] = { { .cpu = 0 }, { .cpu = 1 } };
	uint64_t c0[XLVS_CNT_MAX], c1[XLVS_CNT_MAX], at_stop[XLVS_CNT_MAX];
	struct st_counts listed, table;
	struct xlvs_meta saved, fast;
	struct xlvs_sched sc;
	uint32_t ids[2], gens[2], zero = 0;
	int stable = 0, bad = 0, healed = 0;
	uint64_t passes = 0, healed_by = 0;
	double start;

	(void)state;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	svc_add(IPPROTO_TCP, ST_PORT, "rr");
	rs_add(IPPROTO_TCP, ST_PORT, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, ST_PORT, HOST_RS2, 1);
	sched_live(NET_VIP, IPPROTO_TCP, ST_PORT, &sc);
	assert_int_equal(sc.ndests, 2);
	for (int i = 0; i < 2; i++) {
		struct xlvs_dest d;

		ids[i] = sc.dests[i];
		assert_int_equal(bpf_map_lookup_elem(dp.t.dest_fd, &ids[i], &d), 0);
		gens[i] = d.gen;
	}
	st_build();

	/* ipvsadm --set reaches three of the timeouts; the stress wants
	 * every TCP state to expire after a second. */
	assert_int_equal(bpf_map_lookup_elem(dp.t.meta_fd, &zero, &saved), 0);
	fast = saved;
	for (int s = XLVS_TCP_NONE; s <= XLVS_TCP_SYNACK; s++)
		fast.timeout[s] = 1;
	assert_int_equal(bpf_map_update_elem(dp.t.meta_fd, &zero, &fast, BPF_EXIST), 0);

	assert_int_equal(xlvs_counters_read(&dp.t, c0), 0);
	atomic_store(&st_stop, 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&w[i].th, NULL, st_work, &w[i]), 0);
	usleep((useconds_t)(ST_SECONDS * 1e6));
	atomic_store(&st_stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i].th, NULL);
	/* From here on no entry expires and none is over the capacity. */
	assert_int_equal(bpf_map_update_elem(dp.t.meta_fd, &zero, &saved, BPF_EXIST), 0);
	assert_int_equal(xlvs_counters_read(&dp.t, c1), 0);
	memcpy(at_stop, c1, sizeof(at_stop));
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		c1[i] -= c0[i];

	print_message("runs: cpu0 %llu, cpu1 %llu; new %llu, expired %llu, "
		      "evicted %llu, rescheduled %llu\n",
		      (unsigned long long)w[0].runs, (unsigned long long)w[1].runs,
		      (unsigned long long)c1[XLVS_CNT_CONNS_NEW],
		      (unsigned long long)counters_named(c1, "conns_expired"),
		      (unsigned long long)counters_named(c1, "conns_evict"),
		      (unsigned long long)counters_named(c1, "conns_resched"));
	free(st_frames);
	st_frames = NULL;
	for (int i = 0; i < 2; i++) {
		assert_true(w[i].pinned);
		assert_int_equal(w[i].errors, 0);
		assert_true(w[i].runs > 100000);
	}
	/* The races this test is about did happen. */
	assert_true(counters_named(c1, "conns_expired") > 0);
	assert_true(counters_named(c1, "conns_evict") > 0);
	assert_true(counters_named(c1, "conns_resched") > 0);

	/* At once, and until the sweeper has made two whole passes over the
	 * table (its recount heals a drift within one), at least 1.5 s and
	 * at most 10 s: a mismatch fails the test even if a later recount
	 * heals it, for the races must not miscount in the first place. */
	start = now_s();
	for (int tries = 0; tries < 4000; tries++) {
		uint64_t v[XLVS_CNT_MAX];
		double t = now_s() - start;

		assert_int_equal(xlvs_counters_read(&dp.t, v), 0);
		passes = v[XLVS_CNT_SWEEP_PASSES] - at_stop[XLVS_CNT_SWEEP_PASSES];
		healed_by = v[XLVS_CNT_COUNTS_HEALED] - at_stop[XLVS_CNT_COUNTS_HEALED];
		if (t > 10 || (t > 1.5 && passes >= 2))
			break;
		if (!st_sample(ids, gens, &listed, &table))
			continue;
		if (!stable)
			st_print("first stable sample", &listed, &table);
		stable++;
		if (memcmp(&listed, &table, sizeof(table)) != 0) {
			if (!bad) {
				st_print("mismatch", &listed, &table);
				print_message("(%.1f s after the stress, %llu passes, "
					      "counts healed by %llu since; during the "
					      "stress by %llu)\n", t,
					      (unsigned long long)passes,
					      (unsigned long long)healed_by,
					      (unsigned long long)c1[XLVS_CNT_COUNTS_HEALED]);
			}
			bad++;
		} else if (bad && !healed) {
			healed = stable;
			print_message("healed after %.1f s, %llu passes\n", t,
				      (unsigned long long)passes);
		}
		usleep(50000);
	}
	print_message("sampled %d times for %.1f s: %llu passes of the sweeper, "
		      "counts healed by %llu\n", stable, now_s() - start,
		      (unsigned long long)passes, (unsigned long long)healed_by);
	if (bad)
		fail_msg("the counts differed from the table in %d of %d stable samples%s",
			 bad, stable, healed ? " (a later recount healed them)" :
			 " (no recount healed them)");
	assert_true(stable >= 5);
	assert_true(table.active[0] + table.active[1] + table.inactive[0] +
		    table.inactive[1] > 0);
}

size_t stress_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(two_cpus_and_sweeper_keep_counts_exact,
				       svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
