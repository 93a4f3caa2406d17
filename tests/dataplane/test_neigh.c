// SPDX-License-Identifier: GPL-2.0
/*
 * The neighbour entries direct routing depends on, seen from the wire.
 * bpf_fib_lookup only reads the kernel's neighbour table, so whatever
 * libxlvs does to that table on a table edit decides whether the next
 * packet leaves or is dropped with pkts_no_neigh.  These tests use the
 * _raw helpers, which leave the neighbour table as libxlvs left it.
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "expect.h"
#include "svc.h"
#include "tests.h"

/* An administrator's static entry (or one already resolved) must still
 * give the MAC after its real server is added. */
static void static_neigh_survives_add(void **state)
{
	(void)state;
	dp_pin_neighbours();
	svc_add(IPPROTO_TCP, 8201, "rr");
	rs_add_raw(IPPROTO_TCP, 8201, HOST_RS1, 1);
	assert_int_equal(open_tcp(dp_port(), 8201), HOST_RS1);
}

/* One real server behind two services (port 80 and 443 on one machine is
 * the common case): removing it from one must not cut off the other. */
static void shared_server_survives_del(void **state)
{
	(void)state;
	svc_add(IPPROTO_TCP, 8202, "rr");
	svc_add(IPPROTO_TCP, 8203, "rr");
	rs_add(IPPROTO_TCP, 8202, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, 8203, HOST_RS1, 1);
	assert_int_equal(open_tcp(dp_port(), 8203), HOST_RS1);
	rs_del_raw(IPPROTO_TCP, 8202, HOST_RS1);
	assert_int_equal(open_tcp(dp_port(), 8203), HOST_RS1);
}

size_t neigh_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(static_neigh_survives_add, svc_fixture_empty),
		cmocka_unit_test_setup(shared_server_survives_del, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
