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
		cmocka_unit_test_setup(conn_max_refused, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
