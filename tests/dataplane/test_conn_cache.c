// SPDX-License-Identifier: GPL-2.0
/*
 * The connection cache (bpf/conn_cache.h): each CPU's copy of the entries
 * its packets hit serves the next packets of the same connections as the
 * table would, and is forgotten when its entry changes.  What IPVS would
 * do is written here from its rules (a connection follows its server; a
 * SYN on a TIME_WAIT entry starts a new connection, conn_reuse_mode 1; an
 * entry lives as long as packets keep coming within its timeout), not
 * from bpf/; the counter conn_cache_hits says which packets the copy
 * served.  Every test runs on one CPU (the copies are per CPU).
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "expect.h"
#include "msvc_expire.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

static uint8_t other(int host)
{
	return host == HOST_RS1 ? HOST_RS2 : HOST_RS1;
}

/* One packet of an existing connection to host: forwarded exactly as the
 * table forwards it, and served from the copy (cached) or not. */
static void follow_udp_via(uint16_t sport, uint16_t dport, uint8_t host, bool cached)
{
	struct dp_result r;
	struct frame f;

	send_udp(sport, dport, &f, &r);
	expect_forwarded(&f, &r, host);
	if (cached)
		expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONN_CACHE_HITS);
	else
		expect_counters(&r, XLVS_CNT_PKTS_FWD);
}

static void follow_tcp_via(uint16_t sport, uint16_t dport, uint8_t flags,
			   uint8_t host, bool cached)
{
	struct dp_result r;
	struct frame f;

	send_tcp(sport, dport, flags, 0, &f, &r);
	expect_forwarded(&f, &r, host);
	if (cached)
		expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONN_CACHE_HITS);
	else
		expect_counters(&r, XLVS_CNT_PKTS_FWD);
}

/* A connection's second packet is served by the table and copied; the
 * ones after it by the copy, to the same server, the frame as the table
 * makes it; the server's counters count each. */
static void cache_serves_as_table(void **state)
{
	uint16_t a = dp_port(), t = dp_port(), p = 8150;
	int x, y;

	(void)state;
	dp_pin_here();
	svc_add(IPPROTO_UDP, p, "rr");
	rs_add(IPPROTO_UDP, p, HOST_RS1, 1);
	rs_add(IPPROTO_UDP, p, HOST_RS2, 1);
	x = open_udp(a, p);
	follow_udp_via(a, p, (uint8_t)x, false);
	for (int i = 0; i < 3; i++)
		follow_udp_via(a, p, (uint8_t)x, true);
	/* A new connection meanwhile goes on by the scheduler. */
	assert_int_equal(open_udp(dp_port(), p), other(x));
	follow_udp_via(a, p, (uint8_t)x, true);
	/* TCP: an ACK that moves nothing is the copy's; a FIN is not. */
	svc_add(IPPROTO_TCP, p, "rr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	y = open_tcp(t, p);
	/* -> ESTABLISHED by the table, and copied as it is then. */
	follow_tcp_via(t, p, TH_ACK, (uint8_t)y, false);
	follow_tcp_via(t, p, TH_ACK, (uint8_t)y, true);
	follow_tcp_via(t, p, TH_ACK | TH_PUSH, (uint8_t)y, true);
	follow_tcp_via(t, p, TH_FIN | TH_ACK, (uint8_t)y, false);
	dp_unpin();
}

/* A SYN on a TIME_WAIT entry makes a new connection (conn_reuse_mode 1),
 * scheduled anew: the packets after it go to the new one's server, not
 * where the copy of the old entry said. */
static void cache_forgets_reused_entry(void **state)
{
	uint16_t a = dp_port(), p = 8151;
	int x;

	(void)state;
	dp_pin_here();
	svc_add(IPPROTO_TCP, p, "rr");
	rs_add(IPPROTO_TCP, p, HOST_RS1, 1);
	rs_add(IPPROTO_TCP, p, HOST_RS2, 1);
	x = open_tcp(a, p);
	/* INPUT-ONLY table: SYN_RECV + FIN -> TIME_WAIT, by the table; its
	 * ACKs move nothing, so they are the copy's. */
	follow_tcp_via(a, p, TH_FIN, (uint8_t)x, false);
	follow_tcp_via(a, p, TH_ACK, (uint8_t)x, true);
	follow_tcp_via(a, p, TH_ACK, (uint8_t)x, true);
	{
		struct dp_result r;
		struct frame f;

		send_tcp(a, p, TH_SYN, 0, &f, &r);
		expect_forwarded(&f, &r, other(x));
		expect_counters(&r, XLVS_CNT_PKTS_FWD, XLVS_CNT_CONNS_NEW,
				XLVS_CNT_CONNS_RESCHEDULED);
	}
	/* The new connection's ACK: by the table (-> ESTABLISHED), then
	 * by its own copy. */
	follow_tcp_via(a, p, TH_ACK, other(x), false);
	follow_tcp_via(a, p, TH_ACK, other(x), true);
	dp_unpin();
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A UDP flow whose packets come faster than its timeout lives on, though
 * the copy serves most of them: the entry's time is still written.  With a
 * 4 s timeout and a packet every 10 ms for 6 s, an entry left at its first
 * packet's time would expire (and its next packet be scheduled anew). */
static void cache_keeps_entry_time(void **state)
{
	uint16_t a = dp_port(), p = 8152;
	uint64_t new0, hits0, t0;
	unsigned int sent = 0;
	int x;

	(void)state;
	dp_pin_here();
	timeouts_default();
	assert_int_equal(xlvs_timeouts_set(&dp.t, 900, 120, 4), 0);
	svc_add(IPPROTO_UDP, p, "rr");
	rs_add(IPPROTO_UDP, p, HOST_RS1, 1);
	rs_add(IPPROTO_UDP, p, HOST_RS2, 1);
	x = open_udp(a, p);
	new0 = dp_counter(XLVS_CNT_CONNS_NEW);
	hits0 = dp_counter(XLVS_CNT_CONN_CACHE_HITS);
	t0 = now_ms();
	while (now_ms() - t0 < 6000 && sent < 1000) {
		struct dp_result r;
		struct frame f;

		send_udp(a, p, &f, &r);
		expect_forwarded(&f, &r, (uint8_t)x);
		sent++;
		usleep(10000);
	}
	print_message("%u packets in %llu ms, %llu from the copy, %llu new "
		      "connections\n", sent, (unsigned long long)(now_ms() - t0),
		      (unsigned long long)(dp_counter(XLVS_CNT_CONN_CACHE_HITS) - hits0),
		      (unsigned long long)(dp_counter(XLVS_CNT_CONNS_NEW) - new0));
	assert_int_equal(dp_counter(XLVS_CNT_CONNS_NEW) - new0, 0);
	assert_true(dp_counter(XLVS_CNT_CONN_CACHE_HITS) - hits0 > sent / 4);
	timeouts_default();
	dp_unpin();
}

/* The entry's own time, as the sweeper and -L -c read it. */
static uint64_t entry_last_ns(uint16_t sport, uint16_t dport)
{
	struct xlvs_conn_key k;
	struct xlvs_conn c;
	int fd, rc;

	tb_conn_key(&k, IPPROTO_UDP, NET_CLIENT, NET_VIP, sport, dport);
	fd = xlvs_conn_shard_fd(&dp.t, xlvs_conn_shard(&k,
				xlvs_conn_shard_bits(dp.t.meta.conn_max)));
	assert_true(fd >= 0);
	rc = bpf_map_lookup_elem(fd, &k, &c);
	close(fd);
	assert_int_equal(rc, 0);
	return c.last_ns;
}

/* With a long timeout (UDP's 300 s) the entry's time still trails the
 * flow's packets by about a second at most, though copies serve them. */
static void cache_entry_time_within_a_second(void **state)
{
	uint16_t a = dp_port(), p = 8153;
	uint64_t hits0, t0, lag_ms;
	struct timespec ts;

	(void)state;
	dp_pin_here();
	timeouts_default();
	svc_add(IPPROTO_UDP, p, "rr");
	rs_add(IPPROTO_UDP, p, HOST_RS1, 1);
	assert_int_equal(open_udp(a, p), HOST_RS1);
	hits0 = dp_counter(XLVS_CNT_CONN_CACHE_HITS);
	t0 = now_ms();
	while (now_ms() - t0 < 2500) {
		follow_udp(a, p, HOST_RS1);
		usleep(50000);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	lag_ms = ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec -
		  entry_last_ns(a, p)) / 1000000;
	print_message("the entry's time %llu ms behind, %llu packets from the copy\n",
		      (unsigned long long)lag_ms,
		      (unsigned long long)(dp_counter(XLVS_CNT_CONN_CACHE_HITS) - hits0));
	assert_true(dp_counter(XLVS_CNT_CONN_CACHE_HITS) > hits0);
	/* A second, the last packet's gap, and a loaded machine's slack. */
	assert_true(lag_ms < 1500);
	dp_unpin();
}

size_t conn_cache_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(cache_serves_as_table, svc_fixture_empty),
		cmocka_unit_test_setup(cache_forgets_reused_entry, svc_fixture_empty),
		cmocka_unit_test_setup(cache_keeps_entry_time, svc_fixture_empty),
		cmocka_unit_test_setup(cache_entry_time_within_a_second, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
