// SPDX-License-Identifier: GPL-2.0
/*
 * checktype=ping (and connect on UDP) against the namespace's own
 * addresses, which the kernel answers, and the silent link's, which nobody
 * does; once over raw sockets and once over datagram ICMP sockets (as
 * net.ipv4.ping_group_range decides), each mode seen in /proc/net.
 */
#include <arpa/inet.h>
#include <netinet/ip.h>

#include "hd_check_test.h"

static void set_ping_group(const char *range)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "w");

	assert_non_null(f);
	fputs(range, f);
	assert_int_equal(fclose(f), 0);
}

/* Sockets listed in /proc/net/FILE (after its header line). */
static int proc_net_count(const char *file)
{
	char path[64], line[512];
	FILE *f;
	int n = -1;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* Echo requests to T_SILENT4 that left on the silent link since the last
 * call. */
static int silent_echoes(void)
{
	uint8_t fr[2048];
	ssize_t n;
	int count = 0;
	in_addr_t dst = inet_addr(T_SILENT4);

	while ((n = read(t_tap_fd, fr, sizeof(fr))) > 0) {
		if (n >= 14 + 20 + 8 && fr[12] == 0x08 && fr[13] == 0x00 &&
		    fr[14 + 9] == IPPROTO_ICMP && !memcmp(fr + 14 + 16, &dst, 4) &&
		    fr[14 + (fr[14] & 15) * 4] == 8)
			count++;
	}
	return count;
}

static void ping_both_families(bool dgram)
{
	struct hd_check_target t = t_target(HD_CHECK_PING, "127.0.0.1", 0);
	struct hd_check_target live = t_target(HD_CHECK_PING, "::1", 0);
	struct t_result r;

	t_run1(&t, &r);
	if (!r.up)
		fail_msg("ping 127.0.0.1: %s", r.why);
	t_run1(&live, &r);
	if (!r.up)
		fail_msg("ping ::1: %s", r.why);
	/* the address on the silent link answers: it is ours */
	t = t_target(HD_CHECK_PING, "fd77::1", 0);
	t_run1(&t, &r);
	assert_true(r.up);
	assert_int_equal(proc_net_count("icmp"), dgram);
	assert_int_equal(proc_net_count("icmp6"), dgram);
	assert_int_equal(proc_net_count("raw"), !dgram);
	assert_int_equal(proc_net_count("raw6"), !dgram);
	/* silent: checkcount tries spread over the timeout, which ends it on
	 * time while a ping beside it passes */
	t = t_target(HD_CHECK_PING, T_SILENT4, 0);
	t.checkcount = 3;
	t.timeout_ms = 600;
	silent_echoes();
	t_hang_beside(&t, &live, 600, "timed out after 600 ms");
	assert_int_equal(silent_echoes(), 3);
	t = t_target(HD_CHECK_PING, T_SILENT6, 0);
	t.timeout_ms = 300;
	t_hang_beside(&t, &live, 300, "timed out after 300 ms");
}

static void ping_raw(void **state)
{
	(void)state;
	set_ping_group("1 0");  /* nobody: raw sockets */
	ping_both_families(false);
}

static void ping_dgram(void **state)
{
	(void)state;
	set_ping_group("0 2147483647");
	ping_both_families(true);
	set_ping_group("1 0");
}

/* ldirectord pings a UDP service's server for a connect check. */
static void connect_udp_pings(void **state)
{
	(void)state;
	struct hd_check_target t = t_target(HD_CHECK_CONNECT, "127.0.0.1", 53);
	struct t_result r;

	t.proto = IPPROTO_UDP;
	t_run1(&t, &r);
	assert_true(r.up);      /* nothing listens on 53: only a ping passes */
	t = t_target(HD_CHECK_CONNECT, T_SILENT4, 53);
	t.proto = IPPROTO_UDP;
	t.timeout_ms = 300;
	t_run1(&t, &r);
	assert_false(r.up);
	assert_string_equal(r.why, "timed out after 300 ms");
}

/* Many pings at once on the one socket each reach their own check. */
static void ping_many(void **state)
{
	(void)state;
	enum { N = 200 };
	static struct hd_check_target t[N];
	static struct t_result r[N];
	char a[32];
	int ups = 0;

	for (int i = 0; i < N; i++) {
		snprintf(a, sizeof(a), "%s", i % 2 ? "127.0.0.1" : T_SILENT4);
		t[i] = t_target(HD_CHECK_PING, a, 0);
		t[i].timeout_ms = 500;
		memset(&r[i], 0, sizeof(r[i]));
		assert_non_null(hd_check_start(t_ck, &t[i], t_done, &r[i]));
	}
	t_wait(r, N, 2000);
	for (int i = 0; i < N; i++) {
		assert_int_equal(r[i].calls, 1);
		assert_int_equal(r[i].up, i % 2);
		ups += r[i].up;
	}
	assert_int_equal(ups, N / 2);
}


/* Each test a new checker: its sockets open in the mode of the moment. */
const struct CMUnitTest t_ping_tests[] = {
	cmocka_unit_test_setup_teardown(ping_raw, t_group_setup, t_group_teardown),
	cmocka_unit_test_setup_teardown(ping_dgram, t_group_setup,
					t_group_teardown),
	cmocka_unit_test_setup_teardown(connect_udp_pings, t_group_setup,
					t_group_teardown),
	cmocka_unit_test_setup_teardown(ping_many, t_group_setup,
					t_group_teardown),
};
const size_t t_ping_ntests = sizeof(t_ping_tests) / sizeof(t_ping_tests[0]);
const struct t_group t_ping_group = { NULL, NULL };
