// SPDX-License-Identifier: GPL-2.0
/*
 * libxlvs refuses what the data plane cannot do (lib/conf_check.c), called
 * directly as any program would call it: every bad service and real-server
 * configuration, by add and by edit, returns its error and leaves the table
 * exactly as it was -- every service record, every real-server record, the
 * live and idle schedules, the counts -- and a bad --conn-max is refused
 * before the table is even opened.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "harness.h"
#include "svc.h"
#include "testbed.h"
#include "tests.h"

#define CC_PORT 8363

/* Everything an edit could change, byte for byte. */
struct table_image {
	struct xlvs_svc svc;
	struct xlvs_sched sched[2];
	struct xlvs_dest *dests;          /* XLVS_DEST_MAX */
	struct xlvs_dest_conns *conns;    /* XLVS_DEST_MAX */
	uint32_t nservices;
};

static void image_take(struct table_image *im)
{
	struct xlvs_svc_key k = { .port = htons(CC_PORT), .proto = IPPROTO_TCP, .af = 4 };
	uint32_t vip = htonl(NET_VIP), key;
	struct xlvs_svc_key a, b;
	void *prev = NULL;

	memset(im, 0, sizeof(*im));
	memcpy(k.addr, &vip, sizeof(vip));
	assert_int_equal(bpf_map_lookup_elem(dp.t.svc_fd, &k, &im->svc), 0);
	for (int i = 0; i < 2; i++) {
		key = im->svc.id * 2 + (uint32_t)i;
		bpf_map_lookup_elem(dp.t.sched_fd, &key, &im->sched[i]);
	}
	im->dests = calloc(XLVS_DEST_MAX, sizeof(*im->dests));
	im->conns = calloc(XLVS_DEST_MAX, sizeof(*im->conns));
	assert_non_null(im->dests);
	assert_non_null(im->conns);
	for (uint32_t id = 0; id < XLVS_DEST_MAX; id++) {
		bpf_map_lookup_elem(dp.t.dest_fd, &id, &im->dests[id]);
		bpf_map_lookup_elem(dp.t.dest_conns_fd, &id, &im->conns[id]);
	}
	while (bpf_map_get_next_key(dp.t.svc_fd, prev, &b) == 0) {
		im->nservices++;
		a = b;
		prev = &a;
	}
}

static void image_free(struct table_image *im)
{
	free(im->dests);
	free(im->conns);
}

static void expect_unchanged(const struct table_image *was, const char *what)
{
	struct table_image now;

	image_take(&now);
	if (now.nservices != was->nservices ||
	    memcmp(&now.svc, &was->svc, sizeof(now.svc)) ||
	    memcmp(now.sched, was->sched, sizeof(now.sched)) ||
	    memcmp(now.dests, was->dests, XLVS_DEST_MAX * sizeof(*now.dests)) ||
	    memcmp(now.conns, was->conns, XLVS_DEST_MAX * sizeof(*now.conns))) {
		image_free(&now);
		fail_msg("%s changed the table", what);
	}
	image_free(&now);
}

static struct xlvs_service_conf svc_conf(uint16_t port)
{
	struct xlvs_service_conf c = {
		.proto = IPPROTO_TCP, .vip = tb_ep(NET_VIP, port),
		.netmask = 0xffffffff,
	};

	strcpy(c.sched, "rr");
	return c;
}

/* fd00::1:port, persistence prefix length plen. */
static struct xlvs_service_conf svc6_conf(uint16_t port, uint32_t plen)
{
	struct xlvs_service_conf c = svc_conf(port);

	memset(&c.vip, 0, sizeof(c.vip));
	c.vip.af = 6;
	c.vip.addr[0] = 0xfd;
	c.vip.addr[15] = 1;
	c.vip.port = port;
	c.netmask = plen;
	return c;
}

static struct xlvs_dest_conf dest_conf(uint8_t host)
{
	struct xlvs_dest_conf d = {
		.addr = tb_ep(IP4(10, 0, 0, host), CC_PORT),
		.fwd = XLVS_FWD_DROUTE, .weight = 1,
	};
	return d;
}

static void service_refused(void **state)
{
	static const struct {
		const char *what;
		int err;
	} tab[] = {
		{ "SCTP", -EPROTONOSUPPORT }, { "family 5", -EAFNOSUPPORT },
		{ "an unknown scheduler", -ENOENT },
		{ "a scheduler name without its NUL", -EINVAL },
		{ "unknown flags", -EINVAL },
		{ "persistence for 0 s", -EINVAL },
		{ "a netmask with holes", -EINVAL },
		{ "port 0, not persistent", -EINVAL },
		{ "IPv6 with prefix length 0", -EINVAL },
		{ "IPv6 with prefix length 129", -EINVAL },
		{ "IPv6 with an IPv4 netmask", -EINVAL },
	};
	struct table_image was;

	(void)state;
	svc_add(IPPROTO_TCP, CC_PORT, "rr");
	rs_add(IPPROTO_TCP, CC_PORT, HOST_RS1, 1);
	image_take(&was);
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		for (int edit = 0; edit < 2; edit++) {
			struct xlvs_service_conf c = svc_conf(edit ? CC_PORT : CC_PORT + 1);
			struct xlvs_conf_err why;
			int rc;

			switch (i) {
			case 0: c.proto = IPPROTO_SCTP; break;
			case 1: c.vip.af = 5; break;
			case 2: strcpy(c.sched, "nosuch"); break;
			case 3: memset(c.sched, 'r', sizeof(c.sched)); break;
			case 4: c.flags = 0x100; break;
			case 5: c.flags = XLVS_SVC_F_PERSISTENT; break;
			case 6: c.netmask = htonl(0xff00ff00); break;
			case 7: c.vip.port = 0; break;
			case 8: c = svc6_conf(edit ? CC_PORT : CC_PORT + 1, 0); break;
			case 9: c = svc6_conf(edit ? CC_PORT : CC_PORT + 1, 129); break;
			case 10: c = svc6_conf(edit ? CC_PORT : CC_PORT + 1, 0xffffffff); break;
			}
			assert_int_equal(xlvs_service_conf_check(&c, &why), tab[i].err);
			assert_non_null(why.field);
			if (i >= 8) {
				/* IPVS's ip_vs_add_service / ip_vs_edit_service. */
				assert_string_equal(why.field, "netmask");
				assert_int_equal(why.lo, 1);
				assert_int_equal(why.hi, 128);
			}
			rc = edit ? xlvs_service_edit(&dp.t, &c) : xlvs_service_add(&dp.t, &c);
			if (rc != tab[i].err)
				fail_msg("%s of %s: %d, want %d", edit ? "edit" : "add",
					 tab[i].what, rc, tab[i].err);
			expect_unchanged(&was, tab[i].what);
		}
	}
	image_free(&was);
}

/* fd00::2, port CC_PORT. */
static struct xlvs_endpoint dest6(void)
{
	struct xlvs_endpoint ep = { .af = 6, .port = CC_PORT };

	ep.addr[0] = 0xfd;
	ep.addr[15] = 2;
	return ep;
}

static void dest_refused(void **state)
{
	static const struct {
		const char *what, *field;
		int err;
		int64_t hi;
	} tab[] = {
		{ "method 4", "fwd", -EINVAL, 0 },
		{ "gre with remcsum", "tun_flags", -EINVAL, 0 },
		{ "method 7", "fwd", -EINVAL, 0 },
		{ "weight -1", "weight", -ERANGE, XLVS_WEIGHT_MAX },
		{ "weight 65536", "weight", -ERANGE, XLVS_WEIGHT_MAX },
		{ "u_threshold 2^31", "u_threshold", -ERANGE, XLVS_THRESHOLD_MAX },
		{ "l_threshold 5 above u_threshold 4", "l_threshold", -ERANGE, 4 },
		{ "l_threshold 5 without u_threshold", "l_threshold", -ERANGE, 0 },
		{ "family 5", "af", -EAFNOSUPPORT, 0 },
		{ "gue without a port", "tun_port", -EINVAL, 0 },
		{ "ipip with a port", "tun_port", -EINVAL, 0 },
		{ "ipip with csum", "tun_flags", -EINVAL, 0 },
		{ "gue with csum and remcsum", "tun_flags", -EINVAL, 0 },
		{ "tunnel type 3", "tun_type", -EINVAL, 0 },
		{ "direct routing with a tunnel type", "tun_type", -EINVAL, 0 },
		/* ip_vs_genl_set_cmd: the other family only by tunnel. */
		{ "an IPv6 server by direct routing", "af", -EINVAL, 0 },
		{ "an IPv6 server by NAT", "af", -EINVAL, 0 },
		{ "an IPv6 server, Local", "af", -EINVAL, 0 },
		/* ip_vs_new_dest: IPv6 unicast, not link-local (not ours). */
		{ "a link-local IPv6 server", "addr", -EINVAL, 0 },
		{ "a multicast IPv6 server", "addr", -EINVAL, 0 },
		{ "the IPv6 server ::", "addr", -EINVAL, 0 },
		{ "an IPv4-mapped IPv6 server", "addr", -EINVAL, 0 },
	};
	struct xlvs_endpoint vip = tb_ep(NET_VIP, CC_PORT);
	struct table_image was;

	(void)state;
	svc_add(IPPROTO_TCP, CC_PORT, "wrr");
	rs_add(IPPROTO_TCP, CC_PORT, HOST_RS1, 2);
	image_take(&was);
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		for (int edit = 0; edit < 2; edit++) {
			struct xlvs_dest_conf d = dest_conf(edit ? HOST_RS1 : HOST_RS2);
			struct xlvs_conf_err why;
			int rc;

			switch (i) {
			case 0: d.fwd = XLVS_FWD_DROUTE + 1; break;
			case 1: d.fwd = XLVS_FWD_TUNNEL; d.tun_type = XLVS_TUN_GRE;
				d.tun_flags = XLVS_TUN_F_REMCSUM; break;
			case 2: d.fwd = 7; break;
			case 3: d.weight = -1; break;
			case 4: d.weight = 65536; break;
			case 5: d.u_threshold = 1u << 31; break;
			case 6: d.u_threshold = 4; d.l_threshold = 5; break;
			case 7: d.l_threshold = 5; break;
			case 8: d.addr.af = 5; break;
			case 9: d.fwd = XLVS_FWD_TUNNEL; d.tun_type = XLVS_TUN_GUE; break;
			case 10: d.fwd = XLVS_FWD_TUNNEL; d.tun_port = 6080; break;
			case 11: d.fwd = XLVS_FWD_TUNNEL; d.tun_flags = XLVS_TUN_F_CSUM; break;
			case 12: d.fwd = XLVS_FWD_TUNNEL; d.tun_type = XLVS_TUN_GUE;
				d.tun_port = 6080;
				d.tun_flags = XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM; break;
			case 13: d.fwd = XLVS_FWD_TUNNEL; d.tun_type = 3; break;
			case 14: d.tun_type = XLVS_TUN_GRE; break;
			case 15: d.addr = dest6(); break;
			case 16: d.addr = dest6(); d.fwd = XLVS_FWD_MASQ; break;
			case 17: d.addr = dest6(); d.fwd = XLVS_FWD_LOCAL; break;
			case 18: d.addr = dest6(); d.fwd = XLVS_FWD_TUNNEL;
				d.addr.addr[0] = 0xfe; d.addr.addr[1] = 0x80; break;
			case 19: d.addr = dest6(); d.fwd = XLVS_FWD_TUNNEL;
				d.addr.addr[0] = 0xff; d.addr.addr[1] = 0x02; break;
			case 20: d.addr = dest6(); d.fwd = XLVS_FWD_TUNNEL;
				memset(d.addr.addr, 0, 16); break;
			case 21: d.addr = dest6(); d.fwd = XLVS_FWD_TUNNEL;
				memset(d.addr.addr, 0, 16);
				d.addr.addr[10] = d.addr.addr[11] = 0xff;
				d.addr.addr[12] = 10; d.addr.addr[15] = 1; break;
			}
			rc = xlvs_dest_conf_check(&d, &why);
			if (!rc)
				rc = xlvs_dest_af_check(4, &d, &why);
			assert_int_equal(rc, tab[i].err);
			assert_string_equal(why.field, tab[i].field);
			if (tab[i].err == -ERANGE)
				assert_int_equal(why.hi, tab[i].hi);
			rc = edit ? xlvs_dest_edit(&dp.t, IPPROTO_TCP, &vip, &d)
				  : xlvs_dest_add(&dp.t, IPPROTO_TCP, &vip, &d);
			if (rc != tab[i].err)
				fail_msg("%s of %s: %d, want %d", edit ? "edit" : "add",
					 tab[i].what, rc, tab[i].err);
			expect_unchanged(&was, tab[i].what);
		}
	}
	image_free(&was);
	/* The edges are in range. */
	{
		struct xlvs_dest_conf d = dest_conf(HOST_RS2);

		d.weight = XLVS_WEIGHT_MAX;
		d.u_threshold = d.l_threshold = XLVS_THRESHOLD_MAX;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		d.fwd = XLVS_FWD_LOCAL;
		d.weight = 0;
		d.u_threshold = d.l_threshold = 0;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		/* Every tunnel ipvsadm 1.31 takes. */
		d.fwd = XLVS_FWD_TUNNEL;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		d.tun_type = XLVS_TUN_GRE;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		d.tun_flags = XLVS_TUN_F_CSUM;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		d.tun_type = XLVS_TUN_GUE;
		d.tun_port = 65535;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		d.tun_flags = XLVS_TUN_F_REMCSUM;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		d.tun_flags = 0;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		/* An IPv6 server of an IPv4 service by tunnel, and the
		 * other way round; a family's own by every method. */
		d = dest_conf(HOST_RS2);
		d.addr = dest6();
		d.fwd = XLVS_FWD_TUNNEL;
		assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
		assert_int_equal(xlvs_dest_af_check(4, &d, NULL), 0);
		d = dest_conf(HOST_RS2);
		d.fwd = XLVS_FWD_TUNNEL;
		assert_int_equal(xlvs_dest_af_check(6, &d, NULL), 0);
		for (uint8_t fwd = XLVS_FWD_MASQ; fwd <= XLVS_FWD_DROUTE; fwd++) {
			d = dest_conf(HOST_RS2);
			d.addr = dest6();
			d.fwd = fwd;
			assert_int_equal(xlvs_dest_conf_check(&d, NULL), 0);
			assert_int_equal(xlvs_dest_af_check(6, &d, NULL), 0);
			if (fwd != XLVS_FWD_TUNNEL)
				assert_int_equal(xlvs_dest_af_check(4, &d, NULL), -EINVAL);
		}
	}
}

/* IPv6 services are taken, with the prefix length persistence keys by
 * in tpl_plen (as IPVS's netmask for AF_INET6), and removed again. */
static void service6_taken(void **state)
{
	static const uint32_t plens[] = { 1, 64, 128 };

	(void)state;
	for (size_t i = 0; i < sizeof(plens) / sizeof(plens[0]); i++) {
		struct xlvs_service_conf c = svc6_conf(CC_PORT, plens[i]);
		struct xlvs_svc_key k = { .port = htons(CC_PORT),
					  .proto = IPPROTO_TCP, .af = 6 };
		struct xlvs_svc s;

		c.flags = XLVS_SVC_F_PERSISTENT;
		c.timeout = 300;
		memcpy(k.addr, c.vip.addr, sizeof(k.addr));
		assert_int_equal(xlvs_service_conf_check(&c, NULL), 0);
		assert_int_equal(xlvs_service_add(&dp.t, &c), 0);
		assert_int_equal(bpf_map_lookup_elem(dp.t.svc_fd, &k, &s), 0);
		assert_int_equal(s.tpl_plen, plens[i]);
		assert_int_equal(s.netmask, plens[i]);
		c.netmask = 48;
		assert_int_equal(xlvs_service_edit(&dp.t, &c), 0);
		assert_int_equal(bpf_map_lookup_elem(dp.t.svc_fd, &k, &s), 0);
		assert_int_equal(s.tpl_plen, 48);
		assert_int_equal(xlvs_service_del(&dp.t, IPPROTO_TCP, &c.vip), 0);
	}
}

static struct xlvs_endpoint ep6_of(const char *a, uint16_t port)
{
	struct xlvs_endpoint ep = { .af = 6, .port = port };

	assert_int_equal(inet_pton(AF_INET6, a, ep.addr), 1);
	return ep;
}

/* The dest id of the available server ep of service id svc_id. */
static uint32_t dest_id_of(uint32_t svc_id, const struct xlvs_endpoint *ep)
{
	struct xlvs_dest d;

	for (uint32_t id = 0; id < XLVS_DEST_MAX; id++)
		if (!bpf_map_lookup_elem(dp.t.dest_fd, &id, &d) && d.gen &&
		    (d.flags & XLVS_DEST_F_AVAILABLE) && d.svc_id == svc_id &&
		    d.af == ep->af && !memcmp(d.addr, ep->addr, 16))
			return id;
	fail_msg("no such server");
	return 0;
}

struct seen6 {
	int n;
	struct xlvs_conn_info ci;
};

static int conn6_cb(const struct xlvs_conn_info *ci, void *arg)
{
	struct seen6 *s = arg;

	if (ci->client.af == 6) {
		s->n++;
		s->ci = *ci;
	}
	return 0;
}

/*
 * IPv6 services and servers through libxlvs, as -L and -L -c see them:
 * services sorted as ipvs_cmp_services (IPv4 first: AF_INET < AF_INET6),
 * servers as ipvs_cmp_dests; an IPv4 tunnel server and the IPv6 one with
 * its bytes (a00:1::) are two servers (ip_vs_lookup_dest matches the
 * family); a connection entry of af 6 is listed with 16-byte addresses.
 */
static void service6_listed(void **state)
{
	struct xlvs_service_conf c6 = svc6_conf(80, 128), c6b = svc6_conf(80, 128);
	struct xlvs_service_conf c4 = svc_conf(80);
	struct xlvs_dest_conf d = { .fwd = XLVS_FWD_DROUTE, .weight = 1 };
	struct xlvs_endpoint v4tun = tb_ep(IP4(10, 0, 0, 1), 80), v6same;
	struct xlvs_snapshot snap;
	struct xlvs_conn_key k = { .proto = IPPROTO_TCP, .af = 6,
				   .sport = htons(40000), .dport = htons(80) };
	struct xlvs_conn conn = { .state = XLVS_TCP_ESTABLISHED };
	struct xlvs_svc_key sk = { .port = htons(80), .proto = IPPROTO_TCP, .af = 6 };
	struct xlvs_svc sv;
	struct xlvs_dest rec;
	struct timespec ts;
	struct seen6 seen = { 0 };
	int fd;

	(void)state;
	c6b.vip = ep6_of("fd00::1:0", 80);     /* above fd00::1 */
	assert_int_equal(xlvs_service_add(&dp.t, &c6b), 0);
	assert_int_equal(xlvs_service_add(&dp.t, &c6), 0);
	assert_int_equal(xlvs_service_add(&dp.t, &c4), 0);
	d.addr = ep6_of("fd00::20", 80);
	assert_int_equal(xlvs_dest_add(&dp.t, IPPROTO_TCP, &c6.vip, &d), 0);
	d.addr = ep6_of("fd00::10", 80);
	assert_int_equal(xlvs_dest_add(&dp.t, IPPROTO_TCP, &c6.vip, &d), 0);
	d.fwd = XLVS_FWD_TUNNEL;
	d.addr = v4tun;
	assert_int_equal(xlvs_dest_add(&dp.t, IPPROTO_TCP, &c6.vip, &d), 0);
	v6same = v4tun;
	v6same.af = 6;
	d.addr = v6same;
	assert_int_equal(xlvs_dest_add(&dp.t, IPPROTO_TCP, &c6.vip, &d), 0);
	assert_int_equal(xlvs_dest_add(&dp.t, IPPROTO_TCP, &c6.vip, &d), -EEXIST);
	d.fwd = XLVS_FWD_DROUTE;
	d.addr = v4tun;
	assert_int_equal(xlvs_dest_add(&dp.t, IPPROTO_TCP, &c6.vip, &d), -EINVAL);

	assert_int_equal(xlvs_snapshot_take(&dp.t, &snap), 0);
	assert_int_equal(snap.nservices, 3);
	assert_int_equal(snap.services[0].conf.vip.af, 4);
	assert_memory_equal(snap.services[1].conf.vip.addr, c6.vip.addr, 16);
	assert_memory_equal(snap.services[2].conf.vip.addr, c6b.vip.addr, 16);
	assert_int_equal(snap.services[1].conf.netmask, 128);
	assert_int_equal(snap.services[1].ndests, 4);
	/* fd00:: sorts before 10.0.0.1: libipvs's int difference of
	 * 0x0a000001 and 0xfd000000 is positive (its overflow kept, as
	 * ipvsadm shows it).  a00:1:: and 10.0.0.1 compare equal (IPv4 by
	 * its first word; the IPv6 one's others are 0 as the IPv4 one's
	 * are), so they stay in list order, newest (a00:1::) first. */
	assert_memory_equal(snap.services[1].dests[0].conf.addr.addr,
			    ep6_of("fd00::10", 0).addr, 16);
	assert_memory_equal(snap.services[1].dests[1].conf.addr.addr,
			    ep6_of("fd00::20", 0).addr, 16);
	assert_int_equal(snap.services[1].dests[2].conf.addr.af, 6);
	assert_memory_equal(snap.services[1].dests[2].conf.addr.addr, v6same.addr, 16);
	assert_int_equal(snap.services[1].dests[3].conf.addr.af, 4);
	xlvs_snapshot_free(&snap);

	/* A connection entry fd00::99:40000 -> [fd00::1]:80 -> fd00::10. */
	memcpy(k.saddr, ep6_of("fd00::99", 0).addr, 16);
	memcpy(k.daddr, c6.vip.addr, 16);
	memcpy(sk.addr, c6.vip.addr, 16);
	assert_int_equal(bpf_map_lookup_elem(dp.t.svc_fd, &sk, &sv), 0);
	d.addr = ep6_of("fd00::10", 80);
	conn.dest_id = dest_id_of(sv.id, &d.addr);
	assert_int_equal(bpf_map_lookup_elem(dp.t.dest_fd, &conn.dest_id, &rec), 0);
	conn.dest_gen = rec.gen;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	conn.last_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	fd = xlvs_conn_shard_fd(&dp.t, xlvs_conn_shard(&k,
				xlvs_conn_shard_bits(dp.t.meta.conn_max)));
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_update_elem(fd, &k, &conn, BPF_ANY), 0);
	assert_int_equal(xlvs_conns_list(&dp.t, conn6_cb, &seen), 0);
	bpf_map_delete_elem(fd, &k);
	close(fd);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.ci.state, "ESTABLISHED");
	assert_int_equal(seen.ci.client.af, 6);
	assert_memory_equal(seen.ci.client.addr, k.saddr, 16);
	assert_int_equal(seen.ci.client.port, 40000);
	assert_int_equal(seen.ci.vip.af, 6);
	assert_memory_equal(seen.ci.vip.addr, c6.vip.addr, 16);
	assert_int_equal(seen.ci.dest.af, 6);
	assert_memory_equal(seen.ci.dest.addr, d.addr.addr, 16);
	assert_int_equal(seen.ci.dest.port, 80);

	/* Deleting the IPv6 twin leaves the IPv4 server. */
	assert_int_equal(xlvs_dest_del(&dp.t, IPPROTO_TCP, &c6.vip, &v6same), 0);
	assert_int_equal(xlvs_dest_del(&dp.t, IPPROTO_TCP, &c6.vip, &v6same), -ENOENT);
	assert_int_equal(xlvs_snapshot_take(&dp.t, &snap), 0);
	assert_int_equal(snap.services[1].ndests, 3);
	assert_int_equal(snap.services[1].dests[2].conf.addr.af, 4);
	xlvs_snapshot_free(&snap);
	assert_int_equal(xlvs_table_clear(&dp.t), 0);
}

/* A capacity the sweeper cannot keep (under 16 a shard: it would evict
 * nearly everything) or that overflows the shards' sizes: -ERANGE, before
 * anything is opened or locked, the table as it was. */
static void conn_max_refused(void **state)
{
	static const uint32_t bad[] = {
		1, XLVS_CONN_MIN - 1, XLVS_CONN_LIMIT + 1, 0xffffffffu,
	};
	struct xlvs_meta m;
	uint32_t zero = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xlvs_table t;

		assert_int_equal(xlvs_table_open(&t, XLVS_OPEN_WRITE | XLVS_OPEN_CREATE,
						 bad[i]), -ERANGE);
	}
	assert_int_equal(bpf_map_lookup_elem(dp.t.meta_fd, &zero, &m), 0);
	assert_int_equal(m.conn_max, dp.t.meta.conn_max);
}

size_t conf_check_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(service_refused, svc_fixture_empty),
		cmocka_unit_test_setup(dest_refused, svc_fixture_empty),
		cmocka_unit_test_setup(service6_taken, svc_fixture_empty),
		cmocka_unit_test_setup(service6_listed, svc_fixture_empty),
		cmocka_unit_test_setup(conn_max_refused, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
