// SPDX-License-Identifier: GPL-2.0
/*
 * Counters and rates are sums over every possible CPU, not over the first
 * few: values written straight into the per-CPU maps at the last possible
 * CPU (and at CPU 0) must show in what -L --stats (the snapshot's
 * counters), --rate (the kernel estimator's averages) and --counters
 * (xlvs_counters_read) report.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "harness.h"
#include "svc.h"
#include "tests.h"

#define SC_PORT 8601

/* Adds add to the counters of id at cpu in a per-CPU stats map. */
static void stats_poke(int fd, uint32_t id, int cpu, const struct xlvs_stats *add)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xlvs_stats *v = calloc(ncpu, sizeof(*v));

	assert_non_null(v);
	assert_int_equal(bpf_map_lookup_elem(fd, &id, v), 0);
	v[cpu].conns += add->conns;
	v[cpu].inpkts += add->inpkts;
	v[cpu].inbytes += add->inbytes;
	assert_int_equal(bpf_map_update_elem(fd, &id, v, BPF_EXIST), 0);
	free(v);
}

/* The snapshot's service on SC_PORT and its one real server. */
static void sc_find(struct xlvs_snapshot *snap, struct xlvs_service_info **s)
{
	*s = NULL;
	assert_int_equal(xlvs_snapshot_take(&dp.t, snap), 0);
	for (uint32_t i = 0; i < snap->nservices; i++)
		if (snap->services[i].conf.vip.port == SC_PORT &&
		    snap->services[i].ndests == 1)
			*s = &snap->services[i];
	assert_non_null(*s);
}

static void stats_every_cpu(void **state)
{
	const struct xlvs_stats lo = { .conns = 1, .inpkts = 2, .inbytes = 100 };
	const struct xlvs_stats hi = { .conns = 1000, .inpkts = 3000, .inbytes = 90000 };
	int last = libbpf_num_possible_cpus() - 1;
	struct xlvs_service_info *s;
	struct xlvs_snapshot snap;
	struct xlvs_sched *sc = calloc(1, sizeof(*sc));
	uint32_t svc_id, dest_id, k = XLVS_CNT_PKTS_MALFORMED;
	uint64_t before[XLVS_CNT_MAX], after[XLVS_CNT_MAX];
	int ncpu = last + 1;
	uint64_t *cnt = calloc(ncpu, sizeof(*cnt));

	(void)state;
	assert_true(last >= 0 && sc && cnt);
	print_message("%d possible CPUs; poking CPU 0 and CPU %d\n", ncpu, last);
	svc_add(IPPROTO_UDP, SC_PORT, "wlc");
	rs_add(IPPROTO_UDP, SC_PORT, HOST_RS1, 1);
	sched_live(NET_VIP, IPPROTO_UDP, SC_PORT, sc);
	dest_id = sc->dests[0];
	{
		struct xlvs_svc_key key = { .port = htons(SC_PORT),
					    .proto = IPPROTO_UDP, .af = 4 };
		uint32_t a = htonl(NET_VIP);
		struct xlvs_svc sv;

		memcpy(key.addr, &a, 4);
		assert_int_equal(bpf_map_lookup_elem(dp.t.svc_fd, &key, &sv), 0);
		svc_id = sv.id;
	}
	/* Only the server's: a service's counters are derived from its
	 * servers' (bpf/stats.h), and its own base is 0. */
	(void)svc_id;
	stats_poke(dp.t.dest_stats_fd, dest_id, 0, &lo);
	stats_poke(dp.t.dest_stats_fd, dest_id, last, &hi);

	/* -L --stats: the counters, summed in user space. */
	sc_find(&snap, &s);
	assert_int_equal(s->stats.conns, lo.conns + hi.conns);
	assert_int_equal(s->stats.inpkts, lo.inpkts + hi.inpkts);
	assert_int_equal(s->stats.inbytes, lo.inbytes + hi.inbytes);
	assert_int_equal(s->dests[0].stats.conns, lo.conns + hi.conns);
	assert_int_equal(s->dests[0].stats.inbytes, lo.inbytes + hi.inbytes);
	xlvs_snapshot_free(&snap);

	/* --rate: summed by the estimator in the kernel, every 2 s.  From
	 * CPU 0 alone (1 conn) the first tick gives 0 cps after IPVS's
	 * rounding; with the last CPU's 1000 it gives 125, then 94. */
	for (int tries = 0; tries < 60; tries++) {
		uint64_t cps, dcps;

		usleep(100000);
		sc_find(&snap, &s);
		cps = s->rates.cps;
		dcps = s->dests[0].rates.cps;
		xlvs_snapshot_free(&snap);
		if (cps && dcps) {
			print_message("rates: service %llu cps, server %llu cps\n",
				      (unsigned long long)cps,
				      (unsigned long long)dcps);
			assert_true(cps >= 90 && cps <= 125);
			assert_true(dcps >= 90 && dcps <= 125);
			break;
		}
		if (tries == 59)
			fail_msg("no rate after 6 s: the estimator left out CPU %d", last);
	}

	/* --counters: the data plane's named counters. */
	assert_int_equal(xlvs_counters_read(&dp.t, before), 0);
	assert_int_equal(bpf_map_lookup_elem(dp.t.stats_fd, &k, cnt), 0);
	cnt[last] += 777;
	assert_int_equal(bpf_map_update_elem(dp.t.stats_fd, &k, cnt, BPF_EXIST), 0);
	assert_int_equal(xlvs_counters_read(&dp.t, after), 0);
	assert_int_equal(after[k] - before[k], 777);
	free(sc);
	free(cnt);
}

size_t stats_cpus_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(stats_every_cpu, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
