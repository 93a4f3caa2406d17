// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence against IPVS's rules (ip_vs_core.c ip_vs_sched_persist,
 * ip_vs_conn.c): a client's new connections go where its template -- keyed
 * by the client address masked with the service's netmask -- says, for as
 * long as the template lives and its real server exists, whatever that
 * server's weight; only a client without a template is scheduled, and the
 * template remembers the pick.  The model below keeps its own templates and
 * its own rr position, written from those rules, not from bpf/persist.h.
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "expect.h"
#include "testbed.h"
#include "svc.h"
#include "tests.h"

#define P_PORT      9960        /* each test its own service port */
#define P_NETS      4           /* client networks 10.7.<n>.0/24 */
#define P_HOSTS     4           /* addresses per network */

static uint32_t client(int net, int host)
{
	return IP4(10, 7, 1 + net, 10 + host);
}

/* A persistent rr service on the VIP's port with real server RS1 and, for
 * two, RS2 (added after it, so first in IPVS's list). */
static void persist_rr(uint8_t proto, uint16_t port, uint32_t flags,
		       uint32_t timeout, uint32_t mask, int servers)
{
	struct xlvs_service_conf c = {
		.proto = proto, .flags = XLVS_SVC_F_PERSISTENT | flags,
		.timeout = timeout, .netmask = htonl(mask),
		.vip = { .af = 4, .port = port }, .sched = "rr",
	};
	uint32_t vip = htonl(NET_VIP);

	memcpy(c.vip.addr, &vip, 4);
	assert_int_equal(xlvs_service_add(&dp.t, &c), 0);
	rs_add(proto, port, HOST_RS1, 1);
	if (servers == 2)
		rs_add(proto, port, HOST_RS2, 1);
}

/* One packet from saddr:sport to the VIP; returns the host it went to, or
 * -1 when it was not forwarded. */
static int send_from(uint32_t saddr, uint8_t proto, uint16_t sport,
		     uint16_t dport, uint8_t flags)
{
	struct pkt_spec s = {
		.proto = proto, .saddr = saddr, .sport = sport, .dport = dport,
		.tcp_flags = flags, .payload = proto == IPPROTO_UDP ? 16 : 0,
	};
	struct dp_result r;
	struct frame f;

	pkt_build(&f, &s);
	dp_run(&f, &r);
	assert_int_equal(r.rc, 0);
	return chosen(&r);
}

/* The key of the template for client saddr on the service (proto, vport). */
static void tpl_key(struct xlvs_conn_key *k, uint8_t proto, uint32_t saddr,
		    uint16_t vport)
{
	tb_conn_key(k, proto, saddr, NET_VIP, 0, vport);
	k->kind = XLVS_KIND_TEMPLATE;
}

/* The template for saddr on the service (proto, vport), read straight from
 * its shard; false when there is none. */
static bool tpl_read(uint8_t proto, uint32_t saddr, uint32_t mask,
		     uint16_t vport, struct xlvs_conn *out)
{
	struct xlvs_conn_key k;
	int fd, rc;

	tpl_key(&k, proto, saddr & mask, vport);
	fd = xlvs_conn_shard_fd(&dp.t, xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max)));
	assert_true(fd >= 0);
	rc = bpf_map_lookup_elem(fd, &k, out);
	close(fd);
	return rc == 0;
}

/* Does template t still control a live connection, by its stamp? */
static bool tpl_controls(const struct xlvs_conn *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return xlvs_tpl_controls(t->ctl_stamp,
				 (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec,
				 xlvs_sweep_pass_ms(&dp.t));
}

/* The connection counts -L shows for real server host of service port. */
static struct xlvs_dest_info dest_info(uint8_t proto, uint16_t port, uint8_t host)
{
	struct xlvs_dest_info out = { 0 };
	struct xlvs_snapshot snap;

	assert_int_equal(xlvs_snapshot_take(&dp.t, &snap), 0);
	for (uint32_t i = 0; i < snap.nservices; i++) {
		struct xlvs_service_info *s = &snap.services[i];

		if (s->conf.proto != proto || s->conf.vip.port != port)
			continue;
		for (uint32_t j = 0; j < s->ndests; j++)
			if (s->dests[j].conf.addr.addr[3] == host)
				out = s->dests[j];
	}
	xlvs_snapshot_free(&snap);
	return out;
}

/* ---- the model ---- */

struct p_model {
	uint8_t host[2];            /* IPVS list order: newest first */
	int32_t weight[2];
	int last;                   /* rr: the index picked last, -1 at start */
	int tpl[P_NETS * P_HOSTS];  /* per template key: index or -1 */
	uint32_t mask;
};

/* rr: the next server after the last pick with weight > 0. */
static int m_rr(struct p_model *m)
{
	for (int i = 1; i <= 2; i++) {
		int d = (m->last + i + 2) % 2;

		if (m->weight[d] > 0) {
			m->last = d;
			return d;
		}
	}
	return -1;
}

/* Templates are keyed by masked address: with a /24 every host of a net
 * shares its net's slot. */
static int m_slot(const struct p_model *m, int net, int host)
{
	return m->mask == 0xffffffff ? net * P_HOSTS + host : net * P_HOSTS;
}

static int m_choice(struct p_model *m, int net, int host)
{
	int *t = &m->tpl[m_slot(m, net, host)];

	if (*t < 0)
		*t = m_rr(m);
	return *t < 0 ? -1 : m->host[*t];
}

/* Random new connections from clients in P_NETS networks, random weight
 * changes (0 included: quiesced servers keep their clients), each choice
 * and the template counts compared with the model. */
static void persist_run(uint32_t mask, uint16_t port, unsigned int seed)
{
	struct p_model m = {
		.host = { HOST_RS2, HOST_RS1 }, .weight = { 1, 1 }, .last = -1,
		.mask = mask,
	};
	int ntpl[2] = { 0, 0 };

	srand(seed);
	for (int i = 0; i < P_NETS * P_HOSTS; i++)
		m.tpl[i] = -1;
	persist_rr(IPPROTO_TCP, port, 0, 600, mask, 2);
	for (int step = 0; step < 300; step++) {
		int net = rand() % P_NETS, host = rand() % P_HOSTS, want, got;
		int *t = &m.tpl[m_slot(&m, net, host)];
		int had = *t >= 0;

		if (rand() % 10 == 0) {
			int d = rand() % 2;

			m.weight[d] = rand() % 2;
			rs_weight(IPPROTO_TCP, port, m.host[d], m.weight[d]);
			continue;
		}
		want = m_choice(&m, net, host);
		got = send_from(client(net, host), IPPROTO_TCP, dp_port(), port,
				TH_SYN);
		if (got != want)
			fail_msg("step %d, client 10.7.%d.%d: went to %d, model says %d",
				 step, 1 + net, 10 + host, got, want);
		if (!had && *t >= 0)
			ntpl[*t]++;
	}
	for (int d = 0; d < 2; d++) {
		struct xlvs_dest_info di = dest_info(IPPROTO_TCP, port, m.host[d]);

		assert_int_equal(di.persist, ntpl[d]);
	}
}

static void persist_per_client_matches_model(void **state)
{
	(void)state;
	persist_run(0xffffffff, P_PORT, 7);
}

static void persist_per_network_matches_model(void **state)
{
	(void)state;
	persist_run(0xffffff00, P_PORT + 1, 11);
}

/* The template IPVS makes: masked client, port 0, the VIP and port, the
 * server; NONE until a connection it placed is ESTABLISHED, then ASSURED;
 * counted in persistconns, not in the active or inactive counts.  Its
 * count of controlled connections follows them in and out. */
static void persist_template_entry(void **state)
{
	uint16_t port = P_PORT + 2, sp1 = dp_port(), sp2 = dp_port();
	uint32_t c = client(0, 1), mask = 0xffffff00;
	struct xlvs_conn t;
	int host;

	(void)state;
	persist_rr(IPPROTO_TCP, port, 0, 300, mask, 1);
	host = send_from(c, IPPROTO_TCP, sp1, port, TH_SYN);
	assert_int_equal(host, HOST_RS1);
	assert_true(tpl_read(IPPROTO_TCP, c, mask, port, &t));
	assert_int_equal(t.state, XLVS_TPL_NONE);
	assert_int_equal(t.timeout, 300);
	assert_true(tpl_controls(&t));
	assert_int_equal(dest_info(IPPROTO_TCP, port, HOST_RS1).persist, 1);
	/* SYN_RECV is active (tcp_state_active, Linux 4.8+). */
	assert_int_equal(dest_info(IPPROTO_TCP, port, HOST_RS1).active, 1);
	assert_int_equal(dest_info(IPPROTO_TCP, port, HOST_RS1).inactive, 0);

	assert_int_equal(send_from(c, IPPROTO_TCP, sp1, port, TH_ACK), HOST_RS1);
	assert_true(tpl_read(IPPROTO_TCP, c, mask, port, &t));
	assert_int_equal(t.state, XLVS_TPL_ASSURED);
	assert_int_equal(dest_info(IPPROTO_TCP, port, HOST_RS1).active, 1);

	/* Another host of the same /24: the same template, one more. */
	assert_int_equal(send_from(c + 1, IPPROTO_TCP, sp2, port, TH_SYN), HOST_RS1);
	assert_true(tpl_read(IPPROTO_TCP, c + 1, mask, port, &t));
	assert_true(tpl_controls(&t));
	assert_int_equal(dest_info(IPPROTO_TCP, port, HOST_RS1).persist, 1);
}

/* A deleted real server's template is dropped: its client is scheduled
 * anew and gets a new template; the counts follow. */
static void persist_deleted_server_reschedules(void **state)
{
	uint16_t port = P_PORT + 3;
	uint32_t c = client(1, 2);
	struct xlvs_conn t;

	(void)state;
	persist_rr(IPPROTO_TCP, port, 0, 300, 0xffffffff, 1);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), port, TH_SYN), HOST_RS1);
	rs_add(IPPROTO_TCP, port, HOST_RS2, 1);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), port, TH_SYN), HOST_RS1);
	rs_del(IPPROTO_TCP, port, HOST_RS1);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), port, TH_SYN), HOST_RS2);
	assert_true(tpl_read(IPPROTO_TCP, c, 0xffffffff, port, &t));
	assert_true(tpl_controls(&t));
	assert_int_equal(dest_info(IPPROTO_TCP, port, HOST_RS2).persist, 1);
	rs_add(IPPROTO_TCP, port, HOST_RS1, 1);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), port, TH_SYN), HOST_RS2);
}

/* A port-zero service takes every port of the VIP; one template, keyed
 * with vport 0, sends a client's connections to all ports to one server. */
static void persist_port_zero_service(void **state)
{
	uint32_t c = client(2, 0), c2 = client(2, 1);
	struct xlvs_conn t;
	int first, second;

	(void)state;
	persist_rr(IPPROTO_TCP, 0, 0, 300, 0xffffffff, 2);
	first = send_from(c, IPPROTO_TCP, dp_port(), 8001, TH_SYN);
	assert_true(first == HOST_RS1 || first == HOST_RS2);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 8002, TH_SYN), first);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 443, TH_SYN), first);
	assert_true(tpl_read(IPPROTO_TCP, c, 0xffffffff, 0, &t));
	assert_true(tpl_controls(&t));
	second = send_from(c2, IPPROTO_TCP, dp_port(), 8001, TH_SYN);
	assert_int_not_equal(second, first);
	/* A service on the exact port still wins over the port-zero one. */
	svc_add(IPPROTO_TCP, 8003, "rr");
	rs_add(IPPROTO_TCP, 8003, HOST_RS2, 1);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 8003, TH_SYN), HOST_RS2);
}

/* IPVS's FTP rule: TCP to port 20 or an unprivileged port of the address
 * belongs to its port-21 service when there is one (passive FTP's data
 * connections), before any port-zero service; the template, keyed with
 * vport 0, keeps control and data connections on one server. */
static void persist_ftp_data_connections(void **state)
{
	uint32_t c = client(2, 3), c2 = client(2, 4);
	struct xlvs_endpoint vip = { .af = 4, .addr = { 10, 0, 0, 100 }, .port = 21 };
	int first;

	(void)state;
	persist_rr(IPPROTO_TCP, 21, 0, 300, 0xffffffff, 2);
	first = send_from(c, IPPROTO_TCP, dp_port(), 21, TH_SYN);
	assert_true(first == HOST_RS1 || first == HOST_RS2);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 50000, TH_SYN), first);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 20, TH_SYN), first);
	/* A privileged port other than 20 is not FTP's: no service. */
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 80, TH_SYN), -1);
	/* The FTP service wins over a port-zero one on the same address. */
	persist_rr(IPPROTO_TCP, 0, 0, 300, 0xffffffff, 1);
	assert_int_not_equal(send_from(c2, IPPROTO_TCP, dp_port(), 21, TH_SYN), -1);
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 50001, TH_SYN), first);
	/* Port 80 is the port-zero service's, but c's template (keyed vport
	 * 0, whatever the service, as IPVS keys it) still names its FTP
	 * server, which IPVS would use too. */
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 80, TH_SYN), first);
	/* Without the FTP service, unprivileged ports fall to port zero. */
	assert_int_equal(xlvs_service_del(&dp.t, IPPROTO_TCP, &vip), 0);
	assert_int_equal(send_from(c2, IPPROTO_TCP, dp_port(), 50002, TH_SYN), HOST_RS1);
	svc_clear();
	assert_int_equal(send_from(c, IPPROTO_TCP, dp_port(), 50003, TH_SYN), -1);
	assert_int_equal(dp.t.meta.ftp_svcs, 0);
	assert_int_equal(dp.t.meta.null_svcs, 0);
}

/* -o with -p: no connections, but the template still keeps the client;
 * with nothing to control it expires on its timeout, and the client is
 * scheduled anew (rr: the other server). */
static void persist_one_packet_template_expires(void **state)
{
	uint16_t port = P_PORT + 4;
	uint32_t c = client(3, 3);
	struct xlvs_conn t;
	int first;

	(void)state;
	persist_rr(IPPROTO_UDP, port, XLVS_SVC_F_ONEPACKET, 1, 0xffffffff, 2);
	first = send_from(c, IPPROTO_UDP, dp_port(), port, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(send_from(c, IPPROTO_UDP, dp_port(), port, 0), first);
	assert_true(tpl_read(IPPROTO_UDP, c, 0xffffffff, port, &t));
	assert_int_equal(t.ctl_stamp, 0);       /* controls nothing, ever */
	usleep(1600 * 1000);
	assert_int_not_equal(send_from(c, IPPROTO_UDP, dp_port(), port, 0), first);
}

/* A template past its timeout that still controls a connection lives on
 * (IPVS re-arms it for 60 s): the client keeps its server. */
static void persist_template_outlives_timeout_while_controlling(void **state)
{
	uint16_t port = P_PORT + 5;
	uint32_t c = client(3, 1);
	struct xlvs_conn t;
	int first;

	(void)state;
	persist_rr(IPPROTO_UDP, port, 0, 1, 0xffffffff, 2);
	first = send_from(c, IPPROTO_UDP, dp_port(), port, 0);
	/* Past its 1 s the sweeper (once a second) re-arms it: up to 4 s. */
	for (int i = 0; i < 40; i++) {
		assert_true(tpl_read(IPPROTO_UDP, c, 0xffffffff, port, &t));
		if (t.timeout == XLVS_TPL_REARM_S)
			break;
		usleep(100 * 1000);
	}
	assert_int_equal(t.timeout, XLVS_TPL_REARM_S);
	/* Past the window of the stamp its connection's creation left, the
	 * sweeper's passes over the live connection keep it controlling. */
	usleep(2200 * 1000);
	assert_true(tpl_read(IPPROTO_UDP, c, 0xffffffff, port, &t));
	assert_true(tpl_controls(&t));
	assert_int_equal(send_from(c, IPPROTO_UDP, dp_port(), port, 0), first);
}

/* Clients whose template keys fall in one shard, n of them. */
static int clients_in_one_shard(uint8_t proto, uint16_t port, uint32_t base,
				uint32_t *out, int n)
{
	int found = 0, shard = -1;

	for (uint32_t h = 1; found < n && h < 200000; h++) {
		struct xlvs_conn_key k;

		tpl_key(&k, proto, base + h, port);
		if (shard < 0)
			shard = xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max));
		if ((int)xlvs_conn_shard(&k, xlvs_conn_shard_bits(dp.t.meta.conn_max)) == shard)
			out[found++] = base + h;
	}
	return found;
}

/* A shard past its share: the sweeper evicts idle entries, but never a
 * template that still controls connections (IPVS's dropentry spares them);
 * their clients keep their servers. */
static void persist_controlling_templates_not_evicted(void **state)
{
	enum { N = 70 };        /* the test table's share is 64 a shard */
	uint16_t port = P_PORT + 7, sp[N];
	uint32_t cl[N];
	int first[N];
	struct xlvs_conn t;

	(void)state;
	persist_rr(IPPROTO_UDP, port, 0, 600, 0xffffffff, 2);
	assert_int_equal(clients_in_one_shard(IPPROTO_UDP, port, IP4(10, 8, 0, 0),
					      cl, N), N);
	for (int i = 0; i < N; i++) {
		sp[i] = dp_port();
		first[i] = send_from(cl[i], IPPROTO_UDP, sp[i], port, 0);
	}
	for (int r = 0; r < 20; r++) {  /* 3 s: every sweeper round sees it */
		usleep(150 * 1000);
		for (int i = 0; i < N; i++)
			assert_int_equal(send_from(cl[i], IPPROTO_UDP, sp[i], port, 0),
					 first[i]);
	}
	for (int i = 0; i < N; i++) {
		if (!tpl_read(IPPROTO_UDP, cl[i], 0xffffffff, port, &t))
			fail_msg("client %d's template was evicted while it controlled "
				 "a live connection", i);
		assert_int_equal(send_from(cl[i], IPPROTO_UDP, dp_port(), port, 0),
				 first[i]);
	}
}

/* Bad persistence settings change nothing. */
static void persist_bad_settings_refused(void **state)
{
	struct xlvs_service_conf c = {
		.proto = IPPROTO_TCP, .flags = XLVS_SVC_F_PERSISTENT,
		.timeout = 300, .netmask = htonl(0xff00ff00),
		.vip = { .af = 4, .addr = { 10, 0, 0, 100 }, .port = P_PORT + 6 },
	};
	struct xlvs_snapshot snap;

	(void)state;
	strcpy(c.sched, "rr");
	assert_int_equal(xlvs_service_add(&dp.t, &c), -EINVAL);
	c.netmask = 0xffffffff;
	c.timeout = 0;
	assert_int_equal(xlvs_service_add(&dp.t, &c), -EINVAL);
	c.timeout = XLVS_TIMEOUT_MAX + 1;
	assert_int_equal(xlvs_service_add(&dp.t, &c), -EINVAL);
	c.flags = 0;
	c.vip.port = 0;
	assert_int_equal(xlvs_service_add(&dp.t, &c), -EINVAL);
	assert_int_equal(xlvs_snapshot_take(&dp.t, &snap), 0);
	assert_int_equal(snap.nservices, 0);
	xlvs_snapshot_free(&snap);
}

size_t persist_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(persist_per_client_matches_model, svc_fixture_empty),
		cmocka_unit_test_setup(persist_per_network_matches_model, svc_fixture_empty),
		cmocka_unit_test_setup(persist_template_entry, svc_fixture_empty),
		cmocka_unit_test_setup(persist_deleted_server_reschedules, svc_fixture_empty),
		cmocka_unit_test_setup(persist_port_zero_service, svc_fixture_empty),
		cmocka_unit_test_setup(persist_ftp_data_connections, svc_fixture_empty),
		cmocka_unit_test_setup(persist_one_packet_template_expires, svc_fixture_empty),
		cmocka_unit_test_setup(persist_template_outlives_timeout_while_controlling,
				       svc_fixture_empty),
		cmocka_unit_test_setup(persist_controlling_templates_not_evicted,
				       svc_fixture_empty),
		cmocka_unit_test_setup(persist_bad_settings_refused, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
