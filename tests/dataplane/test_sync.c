// SPDX-License-Identifier: GPL-2.0
/*
 * Connection synchronisation in the data plane (bpf/sync.h): the events a
 * master gets, on the kernel's rules (ip_vs_sync_conn_needed with its
 * defaults sync_threshold 3 50 and sync_refresh_period 0: TCP's third
 * packet once ESTABLISHED, then every 50th; a change into FIN_WAIT, CLOSE,
 * CLOSE_WAIT or TIME_WAIT at once; UDP's 3rd, 53rd, ...), none while no
 * master runs; and the backup's install (ip_vs_proc_conn): an entry made
 * and counted, its state moved with its counts, one of another server
 * replaced, a real server that is not there refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>
#include <xlvs/sync.h>

#include "expect.h"
#include "harness.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define SY_PORT 8371

static struct xlvs_sync_event sy_ev[256];
static int sy_n;

static int sy_take(void *ctx, void *data, size_t len)
{
	(void)ctx;
	if (len == sizeof(sy_ev[0]) && sy_n < 256)
		memcpy(&sy_ev[sy_n++], data, len);
	return 0;
}

static struct ring_buffer *sy_ring(void)
{
	int fd = xlvs_sync_ring_fd(&dp.t);
	struct ring_buffer *rb;

	assert_true(fd >= 0);
	rb = ring_buffer__new(fd, sy_take, NULL, NULL);
	close(fd);
	assert_non_null(rb);
	ring_buffer__consume(rb);       /* what earlier tests left */
	sy_n = 0;
	return rb;
}

static void sy_master(int on)
{
	struct xlvs_sync_ctl sc;

	assert_int_equal(xlvs_sync_ctl_read(&dp.t, &sc), 0);
	sc.master = on;
	assert_int_equal(sc.threshold, XLVS_SYNC_THRESHOLD_DEFAULT);
	assert_int_equal(sc.period, XLVS_SYNC_PERIOD_DEFAULT);
	assert_int_equal(xlvs_sync_ctl_write(&dp.t, &sc), 0);
}

static void sy_send(uint8_t proto, uint16_t sport, uint8_t flags)
{
	struct pkt_spec s = { .proto = proto, .sport = sport, .dport = SY_PORT,
			      .tcp_flags = flags, .payload = flags & TH_PUSH ? 10 : 0 };
	struct frame f;
	struct dp_result r;

	pkt_build(&f, &s);
	dp_run(&f, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.verdict, XDP_TX);
}

static void sy_setup(uint8_t proto)
{
	svc_add(proto, SY_PORT, "rr");
	rs_add(proto, SY_PORT, HOST_RS1, 1);
}

/* TCP: nothing for the SYN (SYN_RECV) and the ACK (ESTABLISHED, packet
 * 2), the third packet's event in ESTABLISHED, then the 53rd; a FIN
 * (FIN_WAIT) at once. */
static void sync_tcp_events(void **state)
{
	struct ring_buffer *rb;
	uint16_t a = dp_port();

	(void)state;
	sy_setup(IPPROTO_TCP);
	rb = sy_ring();
	sy_master(1);
	sy_send(IPPROTO_TCP, a, TH_SYN);
	sy_send(IPPROTO_TCP, a, TH_ACK);
	ring_buffer__consume(rb);
	assert_int_equal(sy_n, 0);
	sy_send(IPPROTO_TCP, a, TH_ACK | TH_PUSH);
	ring_buffer__consume(rb);
	assert_int_equal(sy_n, 1);
	assert_int_equal(sy_ev[0].state, XLVS_TCP_ESTABLISHED);
	assert_int_equal(sy_ev[0].key.proto, IPPROTO_TCP);
	assert_int_equal(ntohs(sy_ev[0].key.sport), a);
	assert_int_equal(ntohs(sy_ev[0].key.dport), SY_PORT);
	assert_int_equal(sy_ev[0].key.kind, XLVS_KIND_CONN);
	assert_int_equal(rs_host(sy_ev[0].dest_id), HOST_RS1);
	for (int i = 4; i <= 52; i++)
		sy_send(IPPROTO_TCP, a, TH_ACK);
	ring_buffer__consume(rb);
	assert_int_equal(sy_n, 1);
	sy_send(IPPROTO_TCP, a, TH_ACK);        /* the 53rd */
	ring_buffer__consume(rb);
	assert_int_equal(sy_n, 2);
	sy_send(IPPROTO_TCP, a, TH_FIN | TH_ACK);
	ring_buffer__consume(rb);
	assert_int_equal(sy_n, 3);
	assert_int_equal(sy_ev[2].state, XLVS_TCP_FIN_WAIT);
	sy_master(0);
	ring_buffer__free(rb);
}

/* UDP: the 3rd datagram; and with no master, nothing at all. */
static void sync_udp_events_and_off(void **state)
{
	struct ring_buffer *rb;
	uint16_t a = dp_port(), b = dp_port();

	(void)state;
	sy_setup(IPPROTO_UDP);
	rb = sy_ring();
	sy_master(1);
	for (int i = 0; i < 3; i++)
		sy_send(IPPROTO_UDP, a, 0);
	ring_buffer__consume(rb);
	assert_int_equal(sy_n, 1);
	assert_int_equal(sy_ev[0].state, XLVS_UDP_STATE);
	sy_master(0);
	for (int i = 0; i < 60; i++)
		sy_send(IPPROTO_UDP, b, 0);
	ring_buffer__consume(rb);
	assert_int_equal(sy_n, 1);
	ring_buffer__free(rb);
}

static struct xlvs_dest_conns sy_counts(uint32_t id)
{
	struct xlvs_dest_conns dc;

	assert_int_equal(bpf_map_lookup_elem(dp.t.dest_conns_fd, &id, &dc), 0);
	return dc;
}

/* The backup's install: made ESTABLISHED (active +1), moved to FIN_WAIT
 * (active -1, inactive +1), and then its packets follow it to its server
 * without a SYN. */
static void sync_install_counts(void **state)
{
	struct xlvs_sched sc;
	struct xlvs_sync_install in = { 0 };
	struct xlvs_dest d;
	struct xlvs_dest_conns c0, c1;
	struct xlvs_conn c;
	uint16_t a = dp_port();
	uint32_t id;
	int fd;

	(void)state;
	svc_add(IPPROTO_TCP, SY_PORT + 1, "rr");
	rs_add(IPPROTO_TCP, SY_PORT + 1, HOST_RS2, 1);
	sched_live(NET_VIP, IPPROTO_TCP, SY_PORT + 1, &sc);
	id = sc.dests[0];
	assert_int_equal(bpf_map_lookup_elem(dp.t.dest_fd, &id, &d), 0);
	fd = xlvs_sync_install_fd(&dp.t);
	assert_true(fd >= 0);
	tb_conn_key(&in.key, IPPROTO_TCP, NET_CLIENT, NET_VIP, a, SY_PORT + 1);
	in.dest_id = id;
	in.dest_gen = d.gen;
	in.state = XLVS_TCP_ESTABLISHED;
	c0 = sy_counts(id);
	assert_int_equal(xlvs_sync_install(fd, &in), XLVS_SYNC_CREATED);
	c1 = sy_counts(id);
	assert_int_equal(c1.active, c0.active + 1);
	assert_int_equal(c1.inactive, c0.inactive);
	assert_int_equal(xlvs_conn_get(&dp.t, &in.key, &c), 0);
	assert_true(c.flags & XLVS_CONN_F_SYNC);
	assert_int_equal(c.state, XLVS_TCP_ESTABLISHED);
	/* Again, unchanged: updated, counted once. */
	assert_int_equal(xlvs_sync_install(fd, &in), XLVS_SYNC_UPDATED);
	assert_int_equal(sy_counts(id).active, c0.active + 1);
	in.state = XLVS_TCP_FIN_WAIT;
	in.inactive = 1;
	assert_int_equal(xlvs_sync_install(fd, &in), XLVS_SYNC_UPDATED);
	c1 = sy_counts(id);
	assert_int_equal(c1.active, c0.active);
	assert_int_equal(c1.inactive, c0.inactive + 1);
	/* A mid-stream packet is forwarded to the synced server. */
	{
		struct pkt_spec s = { .proto = IPPROTO_TCP, .sport = a,
				      .dport = SY_PORT + 1, .tcp_flags = TH_ACK };
		struct frame f;
		struct dp_result r;

		pkt_build(&f, &s);
		dp_run(&f, &r);
		assert_int_equal(r.verdict, XDP_TX);
		assert_int_equal(chosen(&r), HOST_RS2);
	}
	/* A server not there (a wrong gen): refused, nothing changed. */
	in.dest_gen = d.gen + 1000;
	tb_conn_key(&in.key, IPPROTO_TCP, NET_CLIENT, NET_VIP, dp_port(), SY_PORT + 1);
	assert_int_equal(xlvs_sync_install(fd, &in), XLVS_SYNC_NO_DEST);
	assert_int_equal(xlvs_conn_get(&dp.t, &in.key, &c), -ENOENT);
	close(fd);
}

size_t sync_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(sync_tcp_events, svc_fixture_empty),
		cmocka_unit_test_setup(sync_udp_events_and_off, svc_fixture_empty),
		cmocka_unit_test_setup(sync_install_counts, svc_fixture_empty),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
