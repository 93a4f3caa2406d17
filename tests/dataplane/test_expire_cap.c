// SPDX-License-Identifier: GPL-2.0
/*
 * Many entries of one shard expiring at the same moment.  The sweeper's
 * walk takes out at most half a shard's share (bpf/expiry.h, walk_cap), so
 * that a mass expiry does not hold a CPU for a whole shard's removals; the
 * rest is taken out by walks of the same shard in the ticks after.  What
 * must hold, whatever the walks' split:
 *   - every expired entry is removed, within the pass that finds them
 *     (not one cap a pass, which would keep dead entries for passes);
 *   - each is unbound exactly once: the real servers' counts equal a
 *     recount of the table the moment the entries are gone, and the
 *     sweeper's own recount finds nothing to heal (the walk that stopped
 *     at its cap counts the entries it left, the one that takes them out
 *     notes the change as after the walk).
 * The test bed's table holds 4096: 64 shards of a share of 64, so a walk
 * takes out 32 at most, and a shard holds 72 before it is evicted from.
 * The expected counts are IPVS's: a removed connection counts nowhere,
 * an ESTABLISHED one as active.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "msvc_expire.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define EC_PORT 9930
#define EC_SPORT0 50000         /* clients' ports searched from here */
#define EC_MAX 128

static uint32_t ec_shard(uint16_t sport)
{
	struct xlvs_conn_key k;

	tb_conn_key(&k, IPPROTO_TCP, NET_CLIENT, NET_VIP, sport, EC_PORT);
	return xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max));
}

/* How many of ports[0..n) are in shard fd (as ESTABLISHED, with live
 * set), and how many entries it holds in all. */
static unsigned int ec_scan(int fd, const uint16_t *ports, int n,
			    unsigned int *ours)
{
	struct xlvs_conn_key k, next;
	struct xlvs_conn c;
	unsigned int total = 0;
	void *prev = NULL;

	*ours = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0 && total < 100000) {
		total++;
		if (next.dport == htons(EC_PORT) && !bpf_map_lookup_elem(fd, &next, &c))
			for (int i = 0; i < n; i++)
				if (next.sport == htons(ports[i]))
					(*ours)++;
		k = next;
		prev = &k;
	}
	return total;
}

static struct xlvs_dest_conns ec_counts(uint32_t id)
{
	struct xlvs_dest_conns dc;

	assert_int_equal(bpf_map_lookup_elem(dp.t.dest_conns_fd, &id, &dc), 0);
	return dc;
}

static void mass_expiry_counts_exact(void **state)
{
	uint32_t share = xlvs_conn_share(dp.t.meta.conn_max), cap = share / 2;
	uint32_t limit = share + share / 8, sh, ids[2];
	uint64_t v0[XLVS_CNT_MAX], v1[XLVS_CNT_MAX];
	bool est[XLVS_STATE_MAX] = { [XLVS_TCP_ESTABLISHED] = true };
	uint16_t ports[EC_MAX] = { 0 };
	struct xlvs_sched sc;
	unsigned int ours, total;
	int n = 0, fd, act = 0;
	double t0;

	(void)state;
	/* More than two walks' worth, under the eviction limit. */
	assert_true(limit - 2 > 2 * cap && limit - 2 <= EC_MAX);
	/* Earlier tests' connections out (main.c runs this before the
	 * persistence tests, whose templates would outlive it). */
	flush_all(NULL, 0);
	timeouts_write(NULL);
	svc_add(IPPROTO_TCP, EC_PORT, "rr");
	rs_add(IPPROTO_TCP, EC_PORT, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, EC_PORT, HOST_RS2, 1);
	sched_live(NET_VIP, IPPROTO_TCP, EC_PORT, &sc);
	assert_int_equal(sc.ndests, 2);
	ids[0] = sc.dests[0];
	ids[1] = sc.dests[1];

	sh = ec_shard(EC_SPORT0);
	fd = xlvs_conn_shard_fd(&dp.t, sh);
	assert_true(fd >= 0);
	total = ec_scan(fd, ports, 0, &ours);
	assert_true(total <= 2);
	for (uint32_t p = EC_SPORT0; p < 65536 && n < (int)(limit - 2 - total); p++)
		if (ec_shard((uint16_t)p) == sh)
			ports[n++] = (uint16_t)p;
	assert_true(n > (int)(2 * cap));
	for (int i = 0; i < n; i++) {
		int host = open_tcp(ports[i], EC_PORT);

		follow_tcp(ports[i], EC_PORT, TH_ACK, 0, (uint8_t)host);
	}
	ec_scan(fd, ports, n, &ours);
	assert_int_equal(ours, n);
	for (int i = 0; i < 2; i++)
		act += ec_counts(ids[i]).active;
	assert_int_equal(act, n);

	/* A whole pass with no change to these servers' counts, so that the
	 * pass that finds the entries expired recounts them (a change whose
	 * order against a walk is unclear excuses a server from its pass's
	 * recount). */
	dp_passes_wait(2);
	/* All at once: ESTABLISHED's timeout 0. */
	assert_int_equal(xlvs_counters_read(&dp.t, v0), 0);
	timeouts_write(est);
	t0 = now_s();
	do {
		usleep(2000);
		ec_scan(fd, ports, n, &ours);
	} while (ours && now_s() - t0 < 10.0);
	/* Gone, and the counts with them: at once, before any recount. */
	for (int i = 0; i < 2; i++) {
		struct xlvs_dest_conns dc = ec_counts(ids[i]);

		print_message("server %u: %d active, %d inactive when the last "
			      "entry went\n", ids[i], dc.active, dc.inactive);
		assert_int_equal(dc.active, 0);
		assert_int_equal(dc.inactive, 0);
	}
	assert_int_equal(xlvs_counters_read(&dp.t, v1), 0);
	print_message("%d entries of shard %u (cap %u a walk) expired in %.2f s: "
		      "%llu walks capped, %llu passes\n", n, sh, cap, now_s() - t0,
		      (unsigned long long)(v1[XLVS_CNT_SWEEP_CAPPED] -
					   v0[XLVS_CNT_SWEEP_CAPPED]),
		      (unsigned long long)(v1[XLVS_CNT_SWEEP_PASSES] -
					   v0[XLVS_CNT_SWEEP_PASSES]));
	assert_int_equal(ours, 0);
	assert_true(v1[XLVS_CNT_CONNS_EXPIRED] - v0[XLVS_CNT_CONNS_EXPIRED] >=
		    (uint64_t)n);
	/* Over several walks, all in the pass that found them: the one
	 * under way when the timeout changed may have passed the shard, so
	 * one pass may end first; a cap a pass would take three. */
	assert_true(v1[XLVS_CNT_SWEEP_CAPPED] - v0[XLVS_CNT_SWEEP_CAPPED] >= 2);
	assert_true(v1[XLVS_CNT_SWEEP_PASSES] - v0[XLVS_CNT_SWEEP_PASSES] <= 1);

	/* The sweeper's recount agrees, for two whole passes. */
	dp_passes_wait(3);
	assert_int_equal(xlvs_counters_read(&dp.t, v1), 0);
	for (int i = 0; i < 2; i++) {
		struct xlvs_dest_conns dc = ec_counts(ids[i]);

		assert_int_equal(dc.active, 0);
		assert_int_equal(dc.inactive, 0);
	}
	print_message("counts healed meanwhile: %llu\n",
		      (unsigned long long)(v1[XLVS_CNT_COUNTS_HEALED] -
					   v0[XLVS_CNT_COUNTS_HEALED]));
	assert_int_equal(v1[XLVS_CNT_COUNTS_HEALED] - v0[XLVS_CNT_COUNTS_HEALED], 0);
	close(fd);
}

/* The timeouts back, however the test ended. */
static int ec_teardown(void **state)
{
	(void)state;
	timeouts_default();
	return 0;
}

size_t expire_cap_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(mass_expiry_counts_exact,
						svc_fixture_empty, ec_teardown),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
