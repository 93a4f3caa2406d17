// SPDX-License-Identifier: GPL-2.0
/*
 * Counts that never drift.  IPVS moves a real server's ActiveConn and
 * InActConn exactly once per state change (set_tcp_state under the
 * connection's lock, ip_vs_conn_expire once per entry); here:
 *   - a drift (the LRU's silent eviction, a lost race: injected by writing
 *     the counts) heals within one pass of the sweeper's recount, and the
 *     overload flag follows the healed counts;
 *   - two CPUs driving the same connection through the same state changes
 *     at the same time count each change once (the compare-and-exchange
 *     claim on the entry's state word), with no recount needed;
 *   - two CPUs replacing the same expired entry at the same moment (a
 *     SYN_RECV timeout of 0: each clock tick expires it for both at once,
 *     and the sweeper takes such entries too) unbind it once: only the
 *     claim's winner counts.
 * The expected counts come from the states of the entries (IPVS's
 * tcp_state_active since 4.8: ESTABLISHED, SYN_SENT, SYN_RECV and SYNACK
 * active, the rest and UDP inactive).  Mutations: 32 expects the injected
 * counts to stay, 33 counts each CPU's change (as without the claim).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "model.h"
#include "msvc_expire.h"
#include "testbed.h"
#include "svc.h"
#include "tests.h"

#define RC_PORT 9910
#define RC_RACE_PORT 9911
#define RC_RACE_S 3.0           /* how long the two CPUs race */

static uint32_t dest_of(uint16_t port)
{
	struct xlvs_sched sc;

	sched_live(NET_VIP, IPPROTO_TCP, port, &sc);
	assert_true(sc.ndests >= 1);
	return sc.dests[0];
}

static struct xlvs_dest_conns dc_read(uint32_t id)
{
	struct xlvs_dest_conns dc;

	assert_int_equal(bpf_map_lookup_elem(dp.t.dest_conns_fd, &id, &dc), 0);
	return dc;
}

/* The counts the entries of dest id say it has, by IPVS's rule. */
static void table_counts(uint32_t id, int *active, int *inactive)
{
	struct xlvs_dest d;

	*active = *inactive = 0;
	assert_int_equal(bpf_map_lookup_elem(dp.t.dest_fd, &id, &d), 0);
	for (uint32_t sh = 0; sh < xlvs_conn_shards(dp.t.meta.conn_max); sh++) {
		struct xlvs_conn_key k, next, *prev = NULL;
		struct xlvs_conn c;
		int fd = xlvs_conn_shard_fd(&dp.t, sh), guard = 0;

		assert_true(fd >= 0);
		while (!bpf_map_get_next_key(fd, prev, &next) && guard++ < 100000) {
			if (!bpf_map_lookup_elem(fd, &next, &c) &&
			    next.kind == XLVS_KIND_CONN && c.dest_id == id &&
			    c.dest_gen == d.gen && c.state != XLVS_STATE_DEAD) {
				bool act = c.state == XLVS_TCP_ESTABLISHED ||
					   c.state == XLVS_TCP_SYN_SENT ||
					   c.state == XLVS_TCP_SYN_RECV ||
					   c.state == XLVS_TCP_SYNACK;

				*active += act;
				*inactive += !act;
			}
			k = next;
			prev = &k;
		}
		close(fd);
	}
}

static void recount_heals_drift(void **state)
{
	struct xlvs_dest_conns dc;
	struct xlvs_dest d;
	uint64_t healed0;
	int act, inact, want_a, want_i;
	uint32_t id;

	(void)state;
	m_mutate_from_env();
	svc_add(IPPROTO_TCP, RC_PORT, "rr");
	rs_add(IPPROTO_TCP, RC_PORT, HOST_RS1, 1);
	timeouts_default();
	id = dest_of(RC_PORT);
	for (int i = 0; i < 5; i++) {
		uint16_t p = dp_port();

		assert_int_equal(open_tcp(p, RC_PORT), HOST_RS1);
		if (i < 3)
			follow_tcp(p, RC_PORT, TH_ACK, 0, HOST_RS1);
		if (i == 0)
			follow_tcp(p, RC_PORT, TH_FIN | TH_ACK, 0, HOST_RS1);
	}
	table_counts(id, &want_a, &want_i);
	dc = dc_read(id);
	assert_int_equal(dc.active, want_a);
	assert_int_equal(dc.inactive, want_i);
	/* An upper threshold of 20, and a drift that says 40: overloaded. */
	assert_int_equal(bpf_map_lookup_elem(dp.t.dest_fd, &id, &d), 0);
	d.u_threshold = 20;
	assert_int_equal(bpf_map_update_elem(dp.t.dest_fd, &id, &d, BPF_EXIST), 0);
	dc.active += 30;
	dc.inactive -= 3;
	dc.persist += 2;
	dc.flags |= XLVS_DEST_F_OVERLOAD;
	assert_int_equal(bpf_map_update_elem(dp.t.dest_conns_fd, &id, &dc, BPF_EXIST), 0);
	healed0 = dp_counter(XLVS_CNT_COUNTS_HEALED);
	/* The pass under way may have counted before the write: two. */
	dp_passes_wait(2);
	table_counts(id, &act, &inact);
	dc = dc_read(id);
	if (m_mutate == 32) {
		act += 30;
		inact -= 3;
	}
	print_message("dest %u: counts %d/%d/%d (table %d/%d), flags %#x, healed %llu\n",
		      id, dc.active, dc.inactive, dc.persist, act, inact, dc.flags,
		      (unsigned long long)(dp_counter(XLVS_CNT_COUNTS_HEALED) - healed0));
	assert_int_equal(dc.active, act);
	assert_int_equal(dc.inactive, inact);
	assert_int_equal(dc.persist, 0);
	assert_true(dp_counter(XLVS_CNT_COUNTS_HEALED) - healed0 >= 35);
	/* 5 connections, under 3/4 of 20: the overload ends with the drift. */
	assert_int_equal(dc.flags & XLVS_DEST_F_OVERLOAD, 0);
	d.u_threshold = 0;
	assert_int_equal(bpf_map_update_elem(dp.t.dest_fd, &id, &d, BPF_EXIST), 0);
}

/* Two CPUs, one connection: each sends the same sequence of segments that
 * moves it between active and inactive states, as fast as it can. */
struct racer {
	int cpu;
	uint16_t sport;
	bool syn_only;          /* SYNs alone (the replacement race) */
	long runs;
	int err;
};

/* Both racers run each segment at the same moment: a spin barrier before
 * every run (so their runs overlap often enough to collide), bounded by a
 * five seconds' wait for the other (one second was once too short on a
 * loaded two-CPU machine). */
static _Atomic unsigned int bar_count, bar_gen;
static _Atomic bool race_stop;

static bool barrier(void)
{
	unsigned int gen = bar_gen;
	double t0 = now_s();

	if (++bar_count == 2) {
		bar_count = 0;
		bar_gen++;
		return true;
	}
	while (bar_gen == gen)
		if (now_s() - t0 > 5.0)
			return false;
	return true;
}

static void *race(void *arg)
{
	static const uint8_t seq[] = { TH_FIN | TH_ACK, TH_SYN, TH_ACK };
	struct racer *rc = arg;
	struct frame f[sizeof(seq)];
	cpu_set_t set;
	double t0 = now_s();

	CPU_ZERO(&set);
	CPU_SET(rc->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		rc->err = errno;
		race_stop = true;
	}
	for (size_t i = 0; i < sizeof(seq); i++) {
		struct pkt_spec sp = {
			.proto = IPPROTO_TCP, .saddr = NET_CLIENT,
			.daddr = NET_VIP, .sport = rc->sport,
			.dport = RC_RACE_PORT,
			.tcp_flags = rc->syn_only ? TH_SYN : seq[i],
		};

		pkt_build(&f[i], &sp);
	}
	for (;;) {
		for (size_t i = 0; i < sizeof(seq); i++) {
			uint8_t out[256];
			struct tb_run r;

			if (!barrier()) {
				rc->err = ETIMEDOUT;
				race_stop = true;
				return NULL;
			}
			/* Only at a round's start: cpu 0 decides at a round's
			 * end, after the other may have passed the last
			 * barrier but not yet looked; looking there, the other
			 * would leave a segment early and cpu 0 would wait at
			 * the next barrier for a thread that has gone. */
			if (i == 0 && race_stop)
				return NULL;
			if (tb_xdp_run(dp.prog_fd, dp.ifindex, f[i].b,
				       (uint32_t)f[i].len, out, sizeof(out), 1,
				       &r)) {
				rc->err = EIO;
				race_stop = true;
			}
		}
		rc->runs++;
		/* One thread decides, both see it at the next barrier. */
		if (rc->cpu == 0 && now_s() - t0 >= RC_RACE_S)
			race_stop = true;
	}
}

/* Two CPUs race on one connection (syn_only: on replacing it); the counts
 * must be the table's, with nothing healed meanwhile. */
static void two_cpus(bool syn_only)
{
	struct racer r[2];
	pthread_t th[2];
	struct xlvs_dest_conns dc;
	uint64_t healed0, healed1, ins0;
	int act, inact, ncpu = libbpf_num_possible_cpus();
	uint16_t sport = dp_port();
	uint32_t id;

	m_mutate_from_env();
	if (ncpu < 2)
		skip();
	svc_add(IPPROTO_TCP, RC_RACE_PORT, "rr");
	rs_add(IPPROTO_TCP, RC_RACE_PORT, HOST_RS1, 1);
	timeouts_default();
	id = dest_of(RC_RACE_PORT);
	assert_int_equal(open_tcp(sport, RC_RACE_PORT), HOST_RS1);
	follow_tcp(sport, RC_RACE_PORT, TH_ACK, 0, HOST_RS1);
	if (syn_only) {
		bool zero[XLVS_STATE_MAX] = { [XLVS_TCP_SYN_RECV] = true };

		follow_tcp(sport, RC_RACE_PORT, TH_FIN | TH_ACK, 0, HOST_RS1);
		timeouts_write(zero);
	}
	healed0 = dp_counter(XLVS_CNT_COUNTS_HEALED);
	ins0 = dp_counter(XLVS_CNT_CONNS_NEW);
	bar_count = bar_gen = 0;
	race_stop = false;
	for (int i = 0; i < 2; i++) {
		r[i] = (struct racer){ .cpu = i, .sport = sport,
				       .syn_only = syn_only };
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	healed1 = dp_counter(XLVS_CNT_COUNTS_HEALED);
	if (syn_only) {
		/* The same tuple, so the same shard: no pass can have healed
		 * it between the race and this read either. */
		timeouts_default();
		print_message("%llu connections made anew on the one tuple\n",
			      (unsigned long long)(dp_counter(XLVS_CNT_CONNS_NEW) - ins0));
	}
	assert_int_equal(r[0].err, 0);
	assert_int_equal(r[1].err, 0);
	table_counts(id, &act, &inact);
	dc = dc_read(id);
	if (m_mutate == 33)     /* both CPUs' changes counted */
		act += 1;
	print_message("%ld + %ld rounds of 3 segments on two CPUs at once: counts "
		      "%d/%d, table %d/%d, healed meanwhile %llu\n",
		      r[0].runs, r[1].runs, dc.active, dc.inactive, act, inact,
		      (unsigned long long)(healed1 - healed0));
	/* Each entry (this tuple's, and any an earlier test left to the same
	 * server, revived from the trash) counted once, with nothing healed
	 * by the sweeper meanwhile. */
	assert_int_equal(dc.active, act);
	assert_int_equal(dc.inactive, inact);
	assert_int_equal(healed1 - healed0, 0);
}

static void two_cpus_count_once(void **state)
{
	(void)state;
	two_cpus(false);
}

static void two_cpus_unbind_once(void **state)
{
	(void)state;
	two_cpus(true);
}

size_t recount_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(recount_heals_drift, svc_fixture_empty),
		cmocka_unit_test_setup(two_cpus_count_once, svc_fixture_empty),
		cmocka_unit_test_setup(two_cpus_unbind_once, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
