// SPDX-License-Identifier: GPL-2.0
/*
 * A second copy of the program over the table's maps (xlvs_prog_load_copy:
 * what libxdp's dispatcher runs, and what an upgrade swaps in) is the same
 * data plane as the pinned program: a connection one of them opened, the
 * other continues; the scheduler's turn, the counters and the connection
 * counts are one.  Every frame is checked byte for byte (expect.c).
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "svc.h"
#include "tests.h"

static uint8_t other(int host)
{
	return host == HOST_RS1 ? HOST_RS2 : HOST_RS1;
}

/* Runs the following frames through the copy, or back through the pin. */
static int pinned_fd = -1;

static void use_copy(int fd)
{
	pinned_fd = dp.prog_fd;
	dp.prog_fd = fd;
}

static void use_pinned(void)
{
	dp.prog_fd = pinned_fd;
}

static void copy_continues_tcp(void **state)
{
	uint16_t a = dp_port(), b = dp_port(), p = 8110;
	uint64_t conns = dp_counter(XLVS_CNT_CONNS_NEW);
	int fd, x;

	(void)state;
	svc_add(IPPROTO_TCP, p, "rr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 1);
	x = open_tcp(a, p);
	fd = xlvs_prog_load_copy(&dp.t);
	assert_true(fd >= 0);
	use_copy(fd);
	follow_tcp(a, p, TH_ACK, 0, (uint8_t)x);
	follow_tcp(a, p, TH_ACK | TH_PUSH, 100, (uint8_t)x);
	/* rr's turn is the table's: the copy's first pick is the next one. */
	assert_int_equal(open_tcp(b, p), other(x));
	use_pinned();
	follow_tcp(b, p, TH_ACK, 0, other(x));
	follow_tcp(a, p, TH_FIN | TH_ACK, 0, (uint8_t)x);
	close(fd);
	assert_int_equal(dp_counter(XLVS_CNT_CONNS_NEW) - conns, 2);
}

static void copy_continues_udp(void **state)
{
	uint16_t a = dp_port(), p = 8111;
	int fd, x;

	(void)state;
	svc_add(IPPROTO_UDP, p, "rr");
	rs_add(IPPROTO_UDP, p, HOST_RS1, 1);
	rs_add(IPPROTO_UDP, p, HOST_RS2, 1);
	fd = xlvs_prog_load_copy(&dp.t);
	assert_true(fd >= 0);
	use_copy(fd);
	x = open_udp(a, p);
	use_pinned();
	follow_udp(a, p, (uint8_t)x);
	assert_int_equal(open_udp(dp_port(), p), other(x));
	use_copy(fd);
	follow_udp(a, p, (uint8_t)x);
	use_pinned();
	close(fd);
}

size_t copy_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(copy_continues_tcp, svc_fixture_empty),
		cmocka_unit_test_setup(copy_continues_udp, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
