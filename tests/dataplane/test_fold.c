// SPDX-License-Identifier: GPL-2.0
/*
 * A service's counters across moves of counts between its base and its
 * servers (lib/stats_fold.c, lib/fold_log.c), where IPVS keeps one set of
 * counters per service and per server and a deleted server's packets stay
 * counted in its service:
 *  - a tool killed at any step of -d, of a batched -d of two servers
 *    (xlvs_dest_del_many), of a revival (the same server added
 *    back) or of -Z: the next writer's open finishes or undoes the move, so
 *    the fold sequence is even again, the journal empty, and the service's
 *    sums are what they were (or zero, for -Z, which it finishes);
 *  - two CPUs sending while the server is deleted and added back again and
 *    again: every packet that went to a server is in its service's sums,
 *    once.
 */
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <cmocka.h>

#include "harness.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define FD_CLIENTS 24
#define FD_STEPS_MAX 40

static struct xlvs_endpoint fd_vip(uint16_t port)
{
	struct xlvs_endpoint e = { .af = 4, .port = port };
	uint32_t a = htonl(NET_VIP);

	memcpy(e.addr, &a, 4);
	return e;
}

static void fd_frame(struct frame *f, uint16_t port, unsigned int client)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP, .saddr = IP4(10, 8, 1, client + 1),
		.sport = 5000, .dport = port, .payload = 10 + client,
	};

	pkt_build(f, &s);
}

/* The service on port's counters as -L --stats shows them. */
static struct xlvs_stats fd_sum(uint16_t port)
{
	struct xlvs_snapshot snap;
	struct xlvs_stats st = { 0 };
	bool found = false;

	assert_int_equal(xlvs_snapshot_take(&dp.t, &snap), 0);
	for (uint32_t i = 0; i < snap.nservices; i++)
		if (snap.services[i].conf.vip.port == port) {
			st = snap.services[i].stats;
			found = true;
		}
	xlvs_snapshot_free(&snap);
	assert_true(found);
	return st;
}

static uint32_t fd_svc_id(uint16_t port)
{
	struct xlvs_svc_key k = { .port = htons(port), .proto = IPPROTO_UDP, .af = 4 };
	uint32_t a = htonl(NET_VIP);
	struct xlvs_svc s;

	memcpy(k.addr, &a, 4);
	assert_int_equal(bpf_map_lookup_elem(dp.t.svc_fd, &k, &s), 0);
	return s.id;
}

static int fd_pin(const char *name)
{
	char p[sizeof(dp.t.path) + 32];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dp.t.path, name);
	fd = bpf_obj_get(p);
	assert_true(fd >= 0);
	return fd;
}

static void fd_traffic(uint16_t port, int rounds)
{
	for (int r = 0; r < rounds; r++)
		for (unsigned int c = 0; c < FD_CLIENTS; c++) {
			struct dp_result res;
			struct frame f;

			fd_frame(&f, port, c);
			dp_run(&f, &res);
		}
}

static void fd_expect_equal(const char *what, int step,
			    const struct xlvs_stats *got, const struct xlvs_stats *want)
{
	if (memcmp(got, want, sizeof(*got)))
		fail_msg("%s killed at step %d: conns %llu pkts %llu bytes %llu, "
			 "expected %llu %llu %llu", what, step,
			 (unsigned long long)got->conns, (unsigned long long)got->inpkts,
			 (unsigned long long)got->inbytes,
			 (unsigned long long)want->conns,
			 (unsigned long long)want->inpkts,
			 (unsigned long long)want->inbytes);
}

enum fd_op { FD_DEL, FD_DEL_MANY, FD_REVIVE, FD_ZERO };

static int fd_kill_at, fd_steps;

static void fd_hook(void *arg)
{
	(void)arg;
	if (++fd_steps == fd_kill_at)
		_exit(3);   /* as a kill would: nothing after this runs */
}

/* RS1 and RS2 deleted in one batch; both must go. */
static void fd_del_many(uint16_t port)
{
	struct xlvs_endpoint vip = fd_vip(port), rips[2];
	int rcs[2] = { 1, 1 };

	for (int i = 0; i < 2; i++) {
		uint32_t a = htonl(IP4(10, 0, 0, i ? HOST_RS2 : HOST_RS1));

		rips[i] = (struct xlvs_endpoint){ .af = 4, .port = port };
		memcpy(rips[i].addr, &a, 4);
	}
	if (xlvs_dest_del_many(&dp.t, IPPROTO_UDP, &vip, rips, 2, rcs) ||
	    rcs[0] || rcs[1])
		_exit(4);
}

/* The operation in a child stopped at its step-th step: 1 if it was,
 * 0 if it finished first. */
static int fd_run_killed(enum fd_op op, uint16_t port, int step)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct xlvs_endpoint vip = fd_vip(port);

		fd_kill_at = step;
		fd_steps = 0;
		xlvs_set_fold_hook(fd_hook, NULL);
		if (op == FD_ZERO)
			xlvs_stats_zero(&dp.t, IPPROTO_UDP, &vip);
		else if (op == FD_DEL)
			rs_del_raw(IPPROTO_UDP, port, HOST_RS1);
		else if (op == FD_DEL_MANY)
			fd_del_many(port);
		else
			rs_add_raw(IPPROTO_UDP, port, HOST_RS1, 1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3);
	return WEXITSTATUS(status) == 3;
}

/* No server is left flagged as awaiting its fold. */
static void fd_no_pending(const char *what, int step)
{
	for (uint32_t i = 0; i < XLVS_DEST_MAX; i++) {
		struct xlvs_dest d;

		if (!bpf_map_lookup_elem(dp.t.dest_fd, &i, &d) &&
		    (d.flags & XLVS_DEST_F_FOLD_PENDING))
			fail_msg("%s killed at step %d: server %u still pending",
				 what, step, i);
	}
}

static void fd_one_op(enum fd_op op, const char *what)
{
	int killed = 0, step;

	for (step = 1; step < FD_STEPS_MAX; step++) {
		uint16_t port = dp_port();
		struct xlvs_stats before, after, zero = { 0 };
		struct xlvs_fold_log l;
		uint32_t id, seq, k0 = 0;
		int seq_fd, log_fd, was_killed;

		svc_clear();
		svc_add(IPPROTO_UDP, port, "rr");
		rs_add(IPPROTO_UDP, port, HOST_RS1, 1);
		rs_add(IPPROTO_UDP, port, HOST_RS2, 1);
		fd_traffic(port, 3);
		if (op == FD_REVIVE) {
			rs_del(IPPROTO_UDP, port, HOST_RS1);
			fd_traffic(port, 1);     /* RS1's clients dropped: not counted */
		}
		before = fd_sum(port);
		assert_true(before.inpkts > 0);
		id = fd_svc_id(port);
		was_killed = fd_run_killed(op, port, step);
		killed += was_killed;
		/* The next writer: the harness's own handle opened again. */
		xlvs_table_close(&dp.t);
		assert_int_equal(xlvs_table_open(&dp.t, XLVS_OPEN_WRITE, 0), 0);
		dp_pin_neighbours();
		seq_fd = fd_pin("svc_fold");
		log_fd = fd_pin("fold_log");
		assert_int_equal(bpf_map_lookup_elem(seq_fd, &id, &seq), 0);
		assert_int_equal(bpf_map_lookup_elem(log_fd, &k0, &l), 0);
		close(seq_fd);
		close(log_fd);
		if (seq & 1)
			fail_msg("%s killed at step %d: fold sequence %u still odd",
				 what, step, seq);
		assert_int_equal(l.op, XLVS_FOLD_NONE);
		after = fd_sum(port);
		/* -Z's first step comes after its journal is written, so a
		 * kill at any step leaves it for the next writer to finish. */
		fd_expect_equal(what, step, &after, op == FD_ZERO ? &zero : &before);
		if (op == FD_DEL_MANY)
			fd_no_pending(what, step);
		for (int h = 0; op != FD_ZERO && h < (op == FD_DEL_MANY ? 2 : 1); h++) {
			/* Whichever way it went, the next edit of the server
			 * keeps the sums exact too. */
			uint8_t host = h ? HOST_RS2 : HOST_RS1;
			struct xlvs_sched sc;
			bool listed = false;

			sched_live(NET_VIP, IPPROTO_UDP, port, &sc);
			for (uint32_t i = 0; i < sc.ndests; i++)
				listed |= rs_host(sc.dests[i]) == host;
			if (listed)
				rs_del(IPPROTO_UDP, port, host);
			else
				rs_add(IPPROTO_UDP, port, host, 1);
			after = fd_sum(port);
			fd_expect_equal(what, step, &after, &before);
		}
		if (!was_killed)
			break;
	}
	print_message("%s: killed at each of %d steps, then finished\n", what, killed);
	assert_true(killed >= 3);
	assert_true(step < FD_STEPS_MAX);
}

static void fold_killed_mid_delete(void **state)
{
	(void)state;
	fd_one_op(FD_DEL, "-d");
}

static void fold_killed_mid_batch_delete(void **state)
{
	(void)state;
	fd_one_op(FD_DEL_MANY, "batched -d");
}

static void fold_killed_mid_revival(void **state)
{
	(void)state;
	fd_one_op(FD_REVIVE, "re-add");
}

static void fold_killed_mid_zero(void **state)
{
	(void)state;
	fd_one_op(FD_ZERO, "-Z");
}

/* ---- two CPUs sending while the server is deleted and added back ---- */

#define FR_SECONDS 3.0
#define FR_CYCLES 150

static struct frame fr_frames[FD_CLIENTS];
static atomic_int fr_stop;

struct fr_worker {
	pthread_t th;
	int cpu;
	uint64_t runs, counted, counted_bytes, errors, pinned;
};

static void *fr_work(void *arg)
{
	struct fr_worker *w = arg;
	unsigned int c = (unsigned int)w->cpu;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	w->pinned = pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
	/* Each CPU its own half of the clients: a client's first packet
	 * (its new connection) is then counted on one CPU only. */
	while (!atomic_load(&fr_stop)) {
		struct tb_run r;

		c = (c + 2) % FD_CLIENTS;
		if (tb_xdp_run(dp.prog_fd, dp.ifindex, fr_frames[c].b,
			       (uint32_t)fr_frames[c].len, NULL, 0, 1, &r)) {
			w->errors++;
			continue;
		}
		w->runs++;
		/* Forwarded: counted on its server (bpf/stats.h). */
		if (r.retval == XDP_TX || r.retval == XDP_REDIRECT) {
			w->counted++;
			w->counted_bytes += fr_frames[c].len - 14;
		}
	}
	return NULL;
}

static double fr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Entries in each shard now. */
static void shard_loads(uint32_t *n)
{
	for (uint32_t sh = 0; sh < xlvs_conn_shards(dp.t.meta.conn_max); sh++) {
		struct xlvs_conn_key k, next;
		int fd = xlvs_conn_shard_fd(&dp.t, sh);
		void *prev = NULL;

		n[sh] = 0;
		while (fd >= 0 && !bpf_map_get_next_key(fd, prev, &next) &&
		       n[sh] < 100000) {
			n[sh]++;
			k = next;
			prev = &k;
		}
		if (fd >= 0)
			close(fd);
	}
}

/* A service port for which no client's connection falls in a shard more
 * than half full: earlier tests' entries (persistence templates, which
 * nothing may evict) can crowd a shard past its share, and the sweeper
 * would then evict this test's connections, made anew by their next
 * packets, and the counts of new connections would be off. */
static uint16_t fr_port(void)
{
	uint32_t bits = xlvs_conn_shard_bits(dp.t.meta.conn_max);
	uint32_t share = xlvs_conn_share(dp.t.meta.conn_max);
	static uint32_t load[XLVS_CONN_SHARDS];
	uint16_t port = dp_port();

	shard_loads(load);
	for (int tries = 0; tries < 1000; tries++, port = dp_port()) {
		bool roomy = true;

		for (unsigned int c = 0; c < FD_CLIENTS && roomy; c++) {
			struct xlvs_conn_key k;

			tb_conn_key(&k, IPPROTO_UDP, IP4(10, 8, 1, c + 1), NET_VIP,
				    5000, port);
			roomy = load[xlvs_conn_shard(&k, bits)] <= share / 2;
		}
		if (roomy)
			return port;
	}
	return port;
}

static void two_cpus_fold_sums_exact(void **state)
{
	struct fr_worker w[2] = { { .cpu = 0 }, { .cpu = 1 } };
	uint16_t port = fr_port();
	struct xlvs_stats got;
	uint64_t counted = 0, bytes = 0;
	double start;
	int cycles = 0;

	(void)state;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	svc_add(IPPROTO_UDP, port, "rr");
	rs_add(IPPROTO_UDP, port, HOST_RS1, 1);
	rs_add(IPPROTO_UDP, port, HOST_RS2, 1);
	/* Each client's connection first, half of them on each server. */
	for (unsigned int c = 0; c < FD_CLIENTS; c++) {
		struct tb_run r;

		fd_frame(&fr_frames[c], port, c);
		assert_int_equal(tb_xdp_run(dp.prog_fd, dp.ifindex, fr_frames[c].b,
					    (uint32_t)fr_frames[c].len, NULL, 0,
					    1, &r), 0);
		assert_true(r.retval == XDP_TX || r.retval == XDP_REDIRECT);
		counted++;
		bytes += fr_frames[c].len - 14;
	}
	atomic_store(&fr_stop, 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&w[i].th, NULL, fr_work, &w[i]), 0);
	start = fr_now();
	while (cycles < FR_CYCLES && fr_now() - start < FR_SECONDS) {
		rs_del(IPPROTO_UDP, port, HOST_RS1);
		if (cycles & 1)
			usleep(2000);   /* its clients' packets dropped meanwhile */
		rs_add(IPPROTO_UDP, port, HOST_RS1, 1);
		cycles++;
	}
	rs_del(IPPROTO_UDP, port, HOST_RS1);
	usleep(100000);     /* traffic with the server in the trash too */
	atomic_store(&fr_stop, 1);
	for (int i = 0; i < 2; i++) {
		pthread_join(w[i].th, NULL);
		assert_true(w[i].pinned);
		assert_int_equal(w[i].errors, 0);
		counted += w[i].counted;
		bytes += w[i].counted_bytes;
	}
	got = fd_sum(port);
	print_message("%d deletes and re-adds; runs cpu0 %llu cpu1 %llu, "
		      "forwarded %llu; service counted %llu packets, %llu conns\n",
		      cycles, (unsigned long long)w[0].runs,
		      (unsigned long long)w[1].runs, (unsigned long long)counted,
		      (unsigned long long)got.inpkts, (unsigned long long)got.conns);
	assert_true(cycles >= 5);
	assert_true(w[0].runs > 1000 && w[1].runs > 1000);
	assert_true(counted < w[0].runs + w[1].runs);   /* some were dropped */
	assert_int_equal(got.inpkts, counted);
	assert_int_equal(got.inbytes, bytes);
	assert_int_equal(got.conns, FD_CLIENTS);
	/* And back from the trash once more, quiet. */
	rs_add(IPPROTO_UDP, port, HOST_RS1, 1);
	got = fd_sum(port);
	assert_int_equal(got.inpkts, counted);
}

size_t fold_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(fold_killed_mid_delete, svc_fixture_empty),
		cmocka_unit_test_setup(fold_killed_mid_batch_delete, svc_fixture_empty),
		cmocka_unit_test_setup(fold_killed_mid_revival, svc_fixture_empty),
		cmocka_unit_test_setup(fold_killed_mid_zero, svc_fixture_empty),
		cmocka_unit_test_setup(two_cpus_fold_sums_exact,
				       svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
