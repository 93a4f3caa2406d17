// SPDX-License-Identifier: GPL-2.0
/*
 * A full connection table: the expiry timer keeps head-room in each shard
 * by evicting the oldest idle entries itself (counted in conns_evicted), so
 * the real servers' connection counts stay exact, which the LRU's own
 * silent eviction would not keep.  The table here holds 4096 connections:
 * 64 per shard (its LRU hash 72), eviction above 64 down to 56.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "expect.h"
#include "testbed.h"
#include "svc.h"
#include "tests.h"

#define EV_PORT 9900
#define EV_FLOWS 70

static void key_of(struct xlvs_conn_key *k, uint16_t sport)
{
	tb_conn_key(k, IPPROTO_UDP, NET_CLIENT, NET_VIP, sport, EV_PORT);
}

/* Entries of shard fd (all of this test's flows live in it). */
static unsigned int shard_entries(int fd, unsigned int *ours)
{
	struct xlvs_conn_key k, next;
	unsigned int n = 0;
	void *prev = NULL;

	*ours = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		n++;
		*ours += next.dport == htons(EV_PORT);
		k = next;
		prev = &k;
	}
	return n;
}

static uint32_t inactive_of_service(void)
{
	struct xlvs_snapshot snap;
	uint32_t n = UINT32_MAX;

	assert_int_equal(xlvs_snapshot_take(&dp.t, &snap), 0);
	for (uint32_t i = 0; i < snap.nservices; i++)
		if (snap.services[i].conf.vip.port == EV_PORT &&
		    snap.services[i].ndests == 1)
			n = snap.services[i].dests[0].inactive;
	xlvs_snapshot_free(&snap);
	return n;
}

static uint64_t counter(unsigned int which)
{
	uint64_t v[XLVS_CNT_MAX];

	assert_int_equal(xlvs_counters_read(&dp.t, v), 0);
	return v[which];
}

static void full_shard_evicts_oldest(void **state)
{
	struct xlvs_conn_key k;
	uint16_t ports[EV_FLOWS];
	unsigned int n = 0, want, total = 0, ours = 0, shard;
	uint64_t evicted0;
	int fd;

	(void)state;
	svc_add(IPPROTO_UDP, EV_PORT, "rr");
	rs_add(IPPROTO_UDP, EV_PORT, HOST_RS1, 1);
	key_of(&k, dp_port());
	shard = xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max));
	fd = xlvs_conn_shard_fd(&dp.t, shard);
	assert_true(fd >= 0);
	/* Fill the shard to 70: past its share of 64, short of the LRU's own
	 * eviction at 72, whatever earlier tests left in it.  Earlier tests
	 * change timeouts: UDP's must be long enough not to expire here. */
	assert_int_equal(xlvs_timeouts_set(&dp.t, 900, 120, 300), 0);
	want = EV_FLOWS - shard_entries(fd, &ours);
	assert_true(want > 8 && want <= EV_FLOWS);
	for (unsigned int tries = 0; n < want && tries < 100000; tries++) {
		uint16_t p = dp_port();

		key_of(&k, p);
		if (xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max)) == shard)
			ports[n++] = p;
	}
	assert_int_equal(n, want);
	evicted0 = counter(XLVS_CNT_CONNS_EVICTED);
	/* Not open_udp: the sweeper may evict between two of these, which
	 * would move a counter open_udp does not expect. */
	for (unsigned int i = 0; i < want; i++) {
		struct dp_result r;
		struct frame f;

		send_udp(ports[i], EV_PORT, &f, &r);
		assert_int_equal(chosen(&r), HOST_RS1);
	}
	/* The sweeper comes to every shard once a second. */
	for (int wait = 0; wait < 30; wait++) {
		total = shard_entries(fd, &ours);
		if (total <= 56)
			break;
		usleep(100000);
	}
	close(fd);
	print_message("shard %u: added %u, now %u entries, %u ours, %llu evicted\n",
		      shard, want, total, ours,
		      (unsigned long long)(counter(XLVS_CNT_CONNS_EVICTED) - evicted0));
	assert_true(total <= 56);
	assert_true(counter(XLVS_CNT_CONNS_EVICTED) - evicted0 >= want - ours);
	/* The real server counts exactly the flows that are still there. */
	assert_int_equal(inactive_of_service(), ours);
}

size_t evict_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(full_shard_evicts_oldest, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
