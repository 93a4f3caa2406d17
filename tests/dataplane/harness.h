/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test bed: a private network and mount namespace with one veth (the director's
 * interface, 10.0.0.1/24, MAC 02:00:00:00:00:01) and permanent neighbours
 * for the real servers 10.0.0.3 to 10.0.0.8, the namespace's own xlvs
 * table, and a way to run one frame through the XDP program with
 * BPF_PROG_TEST_RUN and see the verdict, the frame and the counters moved.
 */
#ifndef XLVS_TEST_HARNESS_H
#define XLVS_TEST_HARNESS_H

#include <stdint.h>
#include <xlvs/libxlvs.h>

#include "pkt.h"

#define DP_DEV  "xlvs0"
#define DP_PEER "xlvs0p"

struct dp_env {
	struct xlvs_table t;
	int prog_fd;
	int ifindex;
};

extern struct dp_env dp;

/* cmocka group fixtures: build / tear down the namespace and the table. */
int dp_group_setup(void **state);
int dp_group_teardown(void **state);

struct dp_result {
	int rc;                         /* BPF_PROG_TEST_RUN: 0 or -errno */
	uint32_t verdict;               /* XDP_PASS, XDP_TX, ... */
	struct frame out;               /* the frame as the program left it */
	uint64_t delta[XLVS_CNT_MAX];   /* how far each counter moved */
};

/* Run one frame through the program as if it arrived on DP_DEV. */
void dp_run(const struct frame *in, struct dp_result *r);

/* Put back the permanent neighbour entries for 10.0.0.3 to .8 with their
 * MACs.  libxlvs replaces a real server's neighbour entry when it is added
 * (a managed entry, resolved by ARP) and deletes it when it is removed;
 * nothing answers ARP here, so svc.c restores them after every edit. */
void dp_pin_neighbours(void);

/* A client source port no earlier test used: connections are never removed
 * between tests, so every new flow needs its own 5-tuple. */
uint16_t dp_port(void);

/* One of the table's counters, summed over the CPUs. */
uint64_t dp_counter(unsigned int which);
/* Waits for n more full passes of the sweeper (each at most a few s). */
void dp_passes_wait(int n);

/* The test's packets on the CPU it is on now, until dp_unpin: each CPU has
 * its own copies of connections (bpf/conn_cache.h). */
void dp_pin_here(void);
void dp_unpin(void);

#endif
