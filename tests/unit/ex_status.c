// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-exporter's readers of the daemons' status texts (exporter/hdstat.c,
 * exporter/fostat.c), on texts in the daemons' formats as their docs show
 * them (docs/healthd-ops.md, docs/failoverd-ops.md); test_metrics.sh reads
 * the real daemons' own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fostat.h"
#include "hdstat.h"

static const char hd_text[] =
	"virtual tcp:10.77.0.100:80: 1 of 2 real servers up, check negotiate/http, fallback off\n"
	"  real 10.77.0.103:80 gate weight 3: down since 2026-12-07 04:15:31 (2s ago), "
	"last check failed: bad answer, see (failure 1/3) (failure 2/3) (check took 0.412 ms)\n"
	"  real 10.77.0.104:80 gate weight 2: up since 2026-12-07 04:15:23 (10s ago), "
	"last check passed (check took 1093.500 ms)\n"
	"garbage line\n"
	"virtual udp:[fd00:77::100]:53: 0 of 1 real servers up, check connect, fallback none\n"
	"  real [fd00:77::103]:53 masq weight 1: down since start, not checked yet\n";

static void healthd_status(void **state)
{
	struct hdstat_instance in = { 0 };
	const struct hdstat_real *r;

	(void)state;
	assert_int_equal(hdstat_parse(hd_text, strlen(hd_text), &in), 0);
	assert_int_equal(in.nv, 2);
	assert_string_equal(in.v[0].service, "tcp:10.77.0.100:80");
	assert_int_equal(in.v[0].nup, 1);
	assert_int_equal(in.v[0].nreals, 2);
	assert_string_equal(in.v[0].check, "negotiate/http");
	assert_string_equal(in.v[0].fallback, "off");
	assert_int_equal(in.v[0].n, 2);
	r = &in.v[0].reals[0];
	assert_string_equal(r->real, "10.77.0.103:80");
	assert_string_equal(r->fwd, "gate");
	assert_int_equal(r->weight, 3);
	assert_false(r->up);
	assert_int_equal(r->last_ok, 0);
	/* The reason keeps what looks like the tail but is not the last. */
	assert_string_equal(r->why, "bad answer, see (failure 1/3)");
	assert_true(r->took_s > 0.000411 && r->took_s < 0.000413);
	r = &in.v[0].reals[1];
	assert_true(r->up);
	assert_int_equal(r->last_ok, 1);
	assert_true(r->took_s > 1.0934 && r->took_s < 1.0936);
	assert_string_equal(in.v[1].service, "udp:[fd00:77::100]:53");
	assert_string_equal(in.v[1].fallback, "none");
	assert_int_equal(in.v[1].n, 1);
	r = &in.v[1].reals[0];
	assert_string_equal(r->real, "[fd00:77::103]:53");
	assert_int_equal(r->last_ok, -1);
	assert_true(r->took_s < 0);
	hdstat_instance_free(&in);
}

static const char fo_text[] =
	"node ha1 (haresources owner), pid 4242, generation 7\n"
	"role: active since 2026/12/07_04:15:23 (12 s)\n"
	"failed: ldirectord::ldirectord.cf, 2 time(s); next attempt in 800 ms\n"
	"resource IPaddr2::10.77.0.100/24/eth0: up\n"
	"resource ldirectord::ldirectord.cf: stop failed\n"
	"peer ha2: alive, status active, holds nothing, last heartbeat 153 ms ago\n";

static void failoverd_status(void **state)
{
	struct fostat st;

	(void)state;
	fostat_parse(fo_text, &st);
	assert_true(st.up);
	assert_string_equal(st.node, "ha1");
	assert_true(st.owner);
	assert_int_equal(st.pid, 4242);
	assert_string_equal(st.role, "active");
	assert_int_equal(st.role_secs, 12);
	assert_true(st.failed);
	assert_string_equal(st.failed_rsc, "ldirectord::ldirectord.cf");
	assert_int_equal(st.failures, 2);
	assert_int_equal(st.nrsc, 2);
	assert_string_equal(st.rsc[0].name, "IPaddr2::10.77.0.100/24/eth0");
	assert_string_equal(st.rsc[0].state, "up");
	assert_string_equal(st.rsc[1].state, "stop failed");
	assert_true(st.peer_heard);
	assert_string_equal(st.peer, "ha2");
	assert_true(st.peer_alive);
	assert_string_equal(st.peer_status, "active");
	assert_false(st.peer_holds);
	assert_int_equal(st.peer_last_ms, 153);

	fostat_parse("node ha2 (standby node), pid 1, generation 1\n"
		     "role: waiting since 2026/12/07_04:15:23 (1 s)\n"
		     "peer: never heard (1500 ms since start)\n", &st);
	assert_true(st.up);
	assert_false(st.owner);
	assert_false(st.peer_heard);
	assert_int_equal(st.since_start_ms, 1500);
	fostat_parse("unknown request [x]\n", &st);
	assert_false(st.up);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthd_status),
		cmocka_unit_test(failoverd_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
