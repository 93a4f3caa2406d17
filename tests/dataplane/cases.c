// SPDX-License-Identifier: GPL-2.0
/* The case-table runner (see cases.h). */
#include "cases.h"

#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "svc.h"

static int cases_fixture(void **state)
{
	(void)state;
	svc_clear();
	svc_add(IPPROTO_TCP, CASE_TCP_PORT, "rr");
	rs_add(IPPROTO_TCP, CASE_TCP_PORT, HOST_RS1, 1);
	svc_add(IPPROTO_UDP, CASE_UDP_PORT, "rr");
	rs_add(IPPROTO_UDP, CASE_UDP_PORT, HOST_RS1, 1);
	return 0;
}

static void run_case(void **state)
{
	const struct dp_case *c = *state;
	struct pkt_spec spec = c->spec;
	struct dp_result r;
	struct frame in;

	if (!spec.sport)
		spec.sport = dp_port();
	pkt_build(&in, &spec);
	for (int i = 0; i < PKT_MUT_MAX; i++)
		pkt_mutate(&in, &c->mut[i]);
	dp_run(&in, &r);

	if (c->rejected) {
		assert_int_equal(r.rc, -EINVAL);
		for (int i = 0; i < XLVS_CNT_MAX; i++)
			if (!xlvs_counter_is_sweeper(i))
				assert_int_equal(r.delta[i], 0);
	} else if (c->to) {
		expect_forwarded(&in, &r, c->to);
		expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONNS_NEW);
	} else {
		expect_unchanged(&in, &r, c->verdict);
		expect_counters(&r, c->counter);
	}
}

size_t cases_register(struct CMUnitTest *out, size_t room,
		      const struct dp_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < room; i++) {
		out[i] = (struct CMUnitTest){
			.name = c[i].desc,
			.test_func = run_case,
			.setup_func = cases_fixture,
			/* cmocka hands initial_state to the test as *state. */
			.initial_state = (void *)&c[i],
		};
	}
	return i;
}
