// SPDX-License-Identifier: GPL-2.0
/* The test bed (see harness.h). */
#include "harness.h"
#include "msvc_expire.h"    /* now_s */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testbed.h"

struct dp_env dp = { .prog_fd = -1 };
static bool table_loaded;

/* The real servers' MACs, and the client's (NAT's replies go to it). */
static int pin_neighbours(void)
{
	return tb_pin_hosts(DP_DEV, 0, HOST_RS1, HOST_CLIENT);
}

void dp_pin_neighbours(void)
{
	if (pin_neighbours())
		fail_msg("cannot restore the static neighbour entries");
}

/* Runs once whichever way the process ends: a test bed that leaves a pinned
 * table behind would make the next run start from stale state. */
static void unload_once(void)
{
	int rc;

	if (!table_loaded)
		return;
	table_loaded = false;
	if (dp.prog_fd >= 0)
		close(dp.prog_fd);
	dp.prog_fd = -1;
	xlvs_table_close(&dp.t);
	rc = xlvs_unload();
	if (rc)
		fprintf(stderr, "dataplane: xlvs_unload: %s\n", strerror(-rc));
}

static int table_setup(void)
{
	int rc = tb_table_open(&dp.t, 4096, &dp.prog_fd);

	/* Set before checking rc: a failed open may have pinned half a table. */
	table_loaded = true;
	atexit(unload_once);
	return rc;
}

int dp_group_setup(void **state)
{
	(void)state;
	if (tb_enter())
		return -1;
	dp.ifindex = tb_veth(DP_DEV, DP_PEER, "10.0.0.1/24");
	if (dp.ifindex < 0 || pin_neighbours() || table_setup()) {
		unload_once();  /* cmocka skips the group teardown after this */
		return -1;
	}
	return 0;
}

int dp_group_teardown(void **state)
{
	(void)state;
	unload_once();
	return 0;
}

uint16_t dp_port(void)
{
	static uint16_t next = 20000;

	return next++;
}

static void counters(uint64_t out[XLVS_CNT_MAX])
{
	int rc = xlvs_counters_read(&dp.t, out);

	if (rc)
		fail_msg("xlvs_counters_read: %s", strerror(-rc));
}

uint64_t dp_counter(unsigned int which)
{
	uint64_t v[XLVS_CNT_MAX];

	counters(v);
	return v[which];
}

void dp_passes_wait(int n)
{
	uint64_t p0 = dp_counter(XLVS_CNT_SWEEP_PASSES);
	double t0 = now_s();

	while (dp_counter(XLVS_CNT_SWEEP_PASSES) < p0 + (uint64_t)n) {
		if (now_s() - t0 > 5.0 * n)
			fail_msg("the sweeper did not finish %d passes in %.0f s",
				 n, 5.0 * n);
		usleep(20000);
	}
}

void dp_run(const struct frame *in, struct dp_result *r)
{
	uint64_t before[XLVS_CNT_MAX], after[XLVS_CNT_MAX];
	struct tb_run run;

	memset(r, 0, sizeof(*r));
	counters(before);
	r->rc = tb_xdp_run(dp.prog_fd, dp.ifindex, in->b, (uint32_t)in->len,
			   r->out.b, sizeof(r->out.b), 1, &run);
	r->verdict = run.retval;
	r->out.len = run.out_len;
	counters(after);
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		r->delta[i] = after[i] - before[i];
}
