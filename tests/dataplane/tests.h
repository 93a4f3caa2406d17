/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Each test file appends its cmocka tests to main.c's single group, so the
 * whole suite runs in one namespace with one table and ends with one
 * cmocka summary.  Each returns how many tests it appended (at most room).
 */
#ifndef XLVS_TEST_TESTS_H
#define XLVS_TEST_TESTS_H

#include <stddef.h>

struct CMUnitTest;

/* Appends the n tests of t to out, which has room for that many; returns
 * how many it appended. */
size_t tests_append(struct CMUnitTest *out, size_t room,
		    const struct CMUnitTest *t, size_t n);

size_t dr_tests(struct CMUnitTest *out, size_t room);
size_t malformed_tests(struct CMUnitTest *out, size_t room);
size_t sched_tests(struct CMUnitTest *out, size_t room);
size_t conn_tests(struct CMUnitTest *out, size_t room);
size_t copy_tests(struct CMUnitTest *out, size_t room);
size_t conn_cache_tests(struct CMUnitTest *out, size_t room);
size_t neigh_tests(struct CMUnitTest *out, size_t room);
size_t sched_model_tests(struct CMUnitTest *out, size_t room);
size_t sched_wide_tests(struct CMUnitTest *out, size_t room);
size_t overload_tests(struct CMUnitTest *out, size_t room);
size_t evict_tests(struct CMUnitTest *out, size_t room);
size_t sched_hash_tests(struct CMUnitTest *out, size_t room);
size_t persist_tests(struct CMUnitTest *out, size_t room);
size_t sched_maglev_tests(struct CMUnitTest *out, size_t room);
size_t stats_cpus_tests(struct CMUnitTest *out, size_t room);
size_t conf_check_tests(struct CMUnitTest *out, size_t room);
size_t thresholds_tests(struct CMUnitTest *out, size_t room);
size_t sched_cycle_tests(struct CMUnitTest *out, size_t room);
size_t sched_lblc_tests(struct CMUnitTest *out, size_t room);
size_t recount_tests(struct CMUnitTest *out, size_t room);
size_t expire_cap_tests(struct CMUnitTest *out, size_t room);
size_t stress_tests(struct CMUnitTest *out, size_t room);
size_t fold_tests(struct CMUnitTest *out, size_t room);
size_t sync_tests(struct CMUnitTest *out, size_t room);
size_t tunnel_tests(struct CMUnitTest *out, size_t room);
size_t tunnel6_tests(struct CMUnitTest *out, size_t room);
size_t nat_tests(struct CMUnitTest *out, size_t room);
size_t icmp_tests(struct CMUnitTest *out, size_t room);
size_t ipv6_dr_tests(struct CMUnitTest *out, size_t room);
size_t ipv6_malformed_tests(struct CMUnitTest *out, size_t room);
size_t ipv6_nat_tests(struct CMUnitTest *out, size_t room);
size_t ipv6_nat_states_tests(struct CMUnitTest *out, size_t room);
size_t ipv6_tunnel_tests(struct CMUnitTest *out, size_t room);
size_t ipv6_icmp_tests(struct CMUnitTest *out, size_t room);
size_t ipv6_sched_tests(struct CMUnitTest *out, size_t room);

#endif
