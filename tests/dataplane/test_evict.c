// SPDX-License-Identifier: GPL-2.0
/*
 * A full shard: the sweeper evicts by state class, as IPVS's
 * ip_vs_random_dropentry chooses what to drop (net/netfilter/ipvs/
 * ip_vs_conn.c: templates that control nothing, SYN_RECV and SYNACK
 * always; ESTABLISHED and UDP only when idle for a while; never a template
 * in use), so a flood of half-open entries cannot push out held
 * keep-alive connections, however long idle.  The test bed's table holds
 * 4096 connections: 64 shards, 64 per shard (its hash 576), evicted from
 * above 72 down to 68.  A hash that is full all the same refuses the new
 * connection, and drops its packet, as IPVS drops a packet whose
 * connection it cannot allocate: nothing held is pushed out for it.
 *
 * The model below is written from those rules, not from bpf/expiry.h: the
 * class order, oldest first within a class.  Mutations (XLVS_MODEL_MUTATE):
 * 30 evicts by idle time alone (the rule before), 31 counts an eviction of
 * a half-open entry as an ESTABLISHED one.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "model.h"
#include "msvc_expire.h"
#include "testbed.h"
#include "svc.h"
#include "tests.h"

#define EV_PORT 9900
#define EV_HELD 20              /* idle ESTABLISHED connections held */
#define EV_FLOOD 60             /* then half-open SYNs into the same shard */
#define EV_MAX (EV_HELD + EV_FLOOD)

static void key_of(struct xlvs_conn_key *k, uint16_t sport)
{
	tb_conn_key(k, IPPROTO_TCP, NET_CLIENT, NET_VIP, sport, EV_PORT);
}

static uint32_t shard_of(uint16_t sport)
{
	struct xlvs_conn_key k;

	key_of(&k, sport);
	return xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max));
}

static void counters_all(uint64_t v[XLVS_CNT_MAX])
{
	assert_int_equal(xlvs_counters_read(&dp.t, v), 0);
}

/* Entries of shard fd, and how many of them are ours in state st. */
static unsigned int shard_scan(int fd, const uint16_t *ports, int n, uint8_t st,
			       unsigned int *ours)
{
	struct xlvs_conn_key k, next;
	struct xlvs_conn c;
	unsigned int total = 0;
	void *prev = NULL;

	*ours = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0 && total < 100000) {
		total++;
		if (next.dport == htons(EV_PORT) &&
		    !bpf_map_lookup_elem(fd, &next, &c) && c.state == st)
			for (int i = 0; i < n; i++)
				if (next.sport == htons(ports[i]))
					(*ours)++;
		k = next;
		prev = &k;
	}
	return total;
}

/* The model: entries of class cls (0 first to go) idle idle_ms; which
 * `excess` of them does IPVS's order give up?  Marks gone[]. */
struct ment {
	int cls;
	double idle_ms;
};

static void model_evict(const struct ment *e, int n, int excess, bool *gone)
{
	for (int i = 0; i < n; i++)
		gone[i] = false;
	for (int k = 0; k < excess; k++) {
		int best = -1;

		for (int i = 0; i < n; i++) {
			if (gone[i])
				continue;
			if (best < 0)
				best = i;
			else if (m_mutate == 30 ? e[i].idle_ms > e[best].idle_ms :
				 (e[i].cls < e[best].cls ||
				  (e[i].cls == e[best].cls &&
				   e[i].idle_ms > e[best].idle_ms)))
				best = i;
		}
		if (best >= 0)
			gone[best] = true;
	}
}

#define CLS_HALFOPEN 1
#define CLS_ESTABLISHED 5

static void flood_keeps_established(void **state)
{
	uint16_t ports[EV_MAX];
	struct ment me[EV_MAX];
	bool gone[EV_MAX];
	uint64_t v0[XLVS_CNT_MAX], v1[XLVS_CNT_MAX];
	unsigned int n = 0, total = 0, held = 0, half = 0, shard, share;
	uint64_t ev_half, ev_est;
	int fd, want_held = 0;

	(void)state;
	m_mutate_from_env();
	svc_add(IPPROTO_TCP, EV_PORT, "rr");
	rs_add(IPPROTO_TCP, EV_PORT, HOST_RS1, 1);
	timeouts_default();
	assert_int_equal(xlvs_timeouts_set(&dp.t, 900, 120, 300), 0);
	shard = shard_of(dp_port());
	share = xlvs_conn_share(dp.t.meta.conn_max);
	fd = xlvs_conn_shard_fd(&dp.t, shard);
	assert_true(fd >= 0);
	for (unsigned int tries = 0; n < EV_MAX && tries < 200000; tries++) {
		uint16_t p = dp_port();

		if (shard_of(p) == shard)
			ports[n++] = p;
	}
	assert_int_equal(n, EV_MAX);
	counters_all(v0);
	/* The held connections first: they are the oldest, idle longest. */
	for (int i = 0; i < EV_HELD; i++) {
		struct dp_result r;
		struct frame f;

		send_tcp(ports[i], EV_PORT, TH_SYN, 0, &f, &r);
		assert_int_equal(chosen(&r), HOST_RS1);
		send_tcp(ports[i], EV_PORT, TH_ACK, 0, &f, &r);
		assert_int_equal(chosen(&r), HOST_RS1);
		me[i] = (struct ment){ .cls = CLS_ESTABLISHED, .idle_ms = 500 };
	}
	usleep(500000);
	for (int i = EV_HELD; i < EV_MAX; i++) {
		struct dp_result r;
		struct frame f;

		send_tcp(ports[i], EV_PORT, TH_SYN, 0, &f, &r);
		assert_int_equal(chosen(&r), HOST_RS1);
		me[i] = (struct ment){ .cls = CLS_HALFOPEN, .idle_ms = 1 };
	}
	/* Past its share, the shard is walked out of turn and evicted from
	 * within moments; allow a pass or two. */
	for (int wait = 0; wait < 60; wait++) {
		total = shard_scan(fd, ports, EV_HELD, XLVS_TCP_ESTABLISHED, &held);
		if (total <= share + share / 8)
			break;
		usleep(50000);
	}
	usleep(100000);
	counters_all(v1);
	total = shard_scan(fd, ports, EV_HELD, XLVS_TCP_ESTABLISHED, &held);
	shard_scan(fd, ports + EV_HELD, EV_FLOOD, XLVS_TCP_SYN_RECV, &half);
	ev_half = v1[XLVS_CNT_EVICT_SYNRECV] - v0[XLVS_CNT_EVICT_SYNRECV];
	ev_est = v1[XLVS_CNT_EVICT_ESTABLISHED] - v0[XLVS_CNT_EVICT_ESTABLISHED];
	if (m_mutate == 31) {
		ev_est += ev_half;
		ev_half = 0;
	}
	print_message("shard %u (share %u): %u entries, %u of %d held kept, %u of %d "
		      "half-open; evicted %llu half-open, %llu established, %llu in "
		      "all; urgent walks %llu, SYN-flood defence on %llu\n",
		      shard, share, total, held, EV_HELD, half, EV_FLOOD,
		      (unsigned long long)ev_half, (unsigned long long)ev_est,
		      (unsigned long long)(v1[XLVS_CNT_CONNS_EVICTED] -
					   v0[XLVS_CNT_CONNS_EVICTED]),
		      (unsigned long long)(v1[XLVS_CNT_SWEEP_URGENT] -
					   v0[XLVS_CNT_SWEEP_URGENT]),
		      (unsigned long long)(v1[XLVS_CNT_SYNFLOOD_ON] -
					   v0[XLVS_CNT_SYNFLOOD_ON]));
	close(fd);
	assert_true(total <= share + share / 8);
	/* The model, given how many of ours went: which. */
	model_evict(me, EV_MAX, (int)(EV_MAX - held - half), gone);
	for (int i = 0; i < EV_HELD; i++)
		want_held += !gone[i];
	assert_int_equal(held, want_held);
	assert_int_equal(held, EV_HELD);
	/* Every eviction is counted by its class, and the classes add up. */
	assert_true(ev_half >= EV_FLOOD - half);
	assert_int_equal(ev_est, 0);
	{
		uint64_t sum = 0;

		for (int c = XLVS_CNT_EVICT_TEMPLATE; c <= XLVS_CNT_EVICT_ESTABLISHED; c++)
			sum += v1[c] - v0[c];
		assert_int_equal(sum, v1[XLVS_CNT_CONNS_EVICTED] - v0[XLVS_CNT_CONNS_EVICTED]);
	}
	assert_true(v1[XLVS_CNT_SWEEP_URGENT] > v0[XLVS_CNT_SWEEP_URGENT]);
	/* Its full shard out of the way: later tests' half-open entries
	 * there would be evicted before these idle ones. */
	flush_all(NULL, 0);
	timeouts_default();
}

/* Fills shard fd (of the flow's, sport) to its hash's capacity with TIME_WAIT
 * entries of another client (10.0.0.77), behind the program's back and of no server
 * (no count moves; the sweeper would give them up before anything held);
 * how many it put in. */
static unsigned int shard_fill_up(int fd, uint32_t shard, uint16_t *next_port)
{
	struct xlvs_conn c = { .state = XLVS_TCP_TIME_WAIT, .dest_gen = 0xfffffff0u };
	unsigned int put = 0;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	c.last_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	for (unsigned int tries = 0; tries < 400000; tries++) {
		struct xlvs_conn_key k;
		uint16_t p = (*next_port)++;

		tb_conn_key(&k, IPPROTO_TCP, IP4(10, 0, 0, 77), NET_VIP, p, EV_PORT);
		if (xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max)) != shard)
			continue;
		if (bpf_map_update_elem(fd, &k, &c, BPF_NOEXIST)) {
			if (errno == E2BIG)
				break;
			continue;
		}
		put++;
	}
	return put;
}

static void full_shard_refuses_newcomer(void **state)
{
	unsigned int share, cap, put = 0, held = 0, total;
	uint16_t held_port[4], new_port = 0, fill_port = 1024;
	uint64_t failed0, failed1 = 0;
	struct dp_result r;
	struct frame f;
	uint32_t shard;
	int fd, refused = 0;

	(void)state;
	svc_add(IPPROTO_TCP, EV_PORT, "rr");
	rs_add(IPPROTO_TCP, EV_PORT, HOST_RS1, 1);
	timeouts_default();
	share = xlvs_conn_share(dp.t.meta.conn_max);
	cap = XLVS_CONN_HEADROOM(share);
	shard = shard_of(dp_port());
	fd = xlvs_conn_shard_fd(&dp.t, shard);
	assert_true(fd >= 0);
	for (unsigned int n = 0, tries = 0; n < 5 && tries < 200000; tries++) {
		uint16_t p = dp_port();

		if (shard_of(p) != shard)
			continue;
		if (n < 4)
			held_port[n] = p;
		else
			new_port = p;
		n++;
	}
	assert_true(new_port != 0);
	for (int i = 0; i < 4; i++) {
		send_tcp(held_port[i], EV_PORT, TH_SYN, 0, &f, &r);
		send_tcp(held_port[i], EV_PORT, TH_ACK, 0, &f, &r);
		assert_int_equal(chosen(&r), HOST_RS1);
	}
	/* The sweeper may walk the shard between the fill and the SYN, and
	 * make room (its TIME_WAIT entries first): then fill it again. */
	for (int attempt = 0; attempt < 20 && !refused; attempt++) {
		put += shard_fill_up(fd, shard, &fill_port);
		failed0 = dp_counter(XLVS_CNT_CONNS_INSERT_FAILED);
		send_tcp(new_port, EV_PORT, TH_SYN, 0, &f, &r);
		failed1 = dp_counter(XLVS_CNT_CONNS_INSERT_FAILED);
		if (failed1 > failed0) {
			assert_int_equal(r.rc, 0);
			assert_int_equal(r.verdict, XDP_DROP);
			refused = 1;
		}
	}
	total = shard_scan(fd, held_port, 4, XLVS_TCP_ESTABLISHED, &held);
	print_message("shard %u: hash of %u, %u put in by hand, %u entries now, "
		      "%u of 4 held kept; the SYN %s\n", shard, cap, put, total,
		      held, refused ? "refused" : "taken in");
	assert_true(refused);
	assert_int_equal(failed1 - failed0, 1);
	/* Nothing held made room for it: each still goes to its server. */
	assert_int_equal(held, 4);
	for (int i = 0; i < 4; i++) {
		send_tcp(held_port[i], EV_PORT, TH_ACK, 0, &f, &r);
		assert_int_equal(chosen(&r), HOST_RS1);
	}
	close(fd);
	flush_all(NULL, 0);
	timeouts_default();
}

size_t evict_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(flood_keeps_established, svc_fixture_empty),
		cmocka_unit_test_setup(full_shard_refuses_newcomer, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
