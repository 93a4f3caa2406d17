// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs data-plane tests: crafted frames through the loaded XDP program with
 * BPF_PROG_TEST_RUN.  Run as root: the group setup enters a private network
 * namespace, so nothing here touches the host's interfaces or its table.
 */
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"
#include "tests.h"

#define MAX_TESTS 512         /* 247 registered with the IPv6 groups: room to grow */

size_t tests_append(struct CMUnitTest *out, size_t room,
		    const struct CMUnitTest *t, size_t n)
{
	if (n > room)
		n = room;
	for (size_t i = 0; i < n; i++)
		out[i] = t[i];
	return n;
}

int main(void)
{
	static struct CMUnitTest tests[MAX_TESTS];
	size_t n = 0;

	n += dr_tests(tests + n, MAX_TESTS - n);
	n += malformed_tests(tests + n, MAX_TESTS - n);
	n += sched_tests(tests + n, MAX_TESTS - n);
	n += conn_tests(tests + n, MAX_TESTS - n);
	n += copy_tests(tests + n, MAX_TESTS - n);
	n += neigh_tests(tests + n, MAX_TESTS - n);
	n += sched_model_tests(tests + n, MAX_TESTS - n);
	/* Before the persistence tests: their templates outlive a flush. */
	n += sched_lblc_tests(tests + n, MAX_TESTS - n);
	n += sched_wide_tests(tests + n, MAX_TESTS - n);
	n += overload_tests(tests + n, MAX_TESTS - n);
	n += sched_hash_tests(tests + n, MAX_TESTS - n);
	n += sched_maglev_tests(tests + n, MAX_TESTS - n);
	/* Before the eviction tests fill the table: a NAT test lists the
	 * half-open entry it just made, which a full shard evicts first. */
	n += nat_tests(tests + n, MAX_TESTS - n);
	/* IPv6's, before the eviction tests too (their NAT and ICMP tests
	 * list and relate fresh entries). */
	n += ipv6_dr_tests(tests + n, MAX_TESTS - n);
	n += ipv6_malformed_tests(tests + n, MAX_TESTS - n);
	n += ipv6_nat_tests(tests + n, MAX_TESTS - n);
	n += ipv6_nat_states_tests(tests + n, MAX_TESTS - n);
	n += ipv6_tunnel_tests(tests + n, MAX_TESTS - n);
	n += ipv6_icmp_tests(tests + n, MAX_TESTS - n);
	/* Before the eviction tests: a full shard refuses their entries. */
	n += sync_tests(tests + n, MAX_TESTS - n);
	n += evict_tests(tests + n, MAX_TESTS - n);
	n += thresholds_tests(tests + n, MAX_TESTS - n);
	/* Flush the table first: before the persistence tests too. */
	n += sched_cycle_tests(tests + n, MAX_TESTS - n);
	/* It flushes the table too. */
	n += expire_cap_tests(tests + n, MAX_TESTS - n);
	n += persist_tests(tests + n, MAX_TESTS - n);
	n += stats_cpus_tests(tests + n, MAX_TESTS - n);
	n += fold_tests(tests + n, MAX_TESTS - n);
	n += conf_check_tests(tests + n, MAX_TESTS - n);
	n += tunnel_tests(tests + n, MAX_TESTS - n);
	n += tunnel6_tests(tests + n, MAX_TESTS - n);
	n += icmp_tests(tests + n, MAX_TESTS - n);
	n += recount_tests(tests + n, MAX_TESTS - n);
	n += stress_tests(tests + n, MAX_TESTS - n);
	/* Last: IPv6 persistence templates outlive a flush. */
	n += ipv6_sched_tests(tests + n, MAX_TESTS - n);
	/* XLVS_TEST_FILTER=<glob>: only the tests whose names match. */
	if (getenv("XLVS_TEST_FILTER"))
		cmocka_set_test_filter(getenv("XLVS_TEST_FILTER"));
	/* One group, so one namespace, one table and one summary; the group
	 * is built at run time because the case tables name their tests. */
	return _cmocka_run_group_tests("dataplane", tests, n,
				       dp_group_setup, dp_group_teardown);
}
