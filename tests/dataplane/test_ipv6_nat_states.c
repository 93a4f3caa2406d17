// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 NAT connections through IPVS's full TCP state table, random flags
 * both ways, judged after every segment against model_tcp_full.c (written
 * from ip_vs_proto_tcp.c, as for test_nat.c's IPv4 runs): the frame (NAT'd
 * with checksums from scratch, or passed untouched), the state -L -c lists
 * for the IPv6 client, and the server's ActiveConn / InActConn as -L lists
 * them.  Every other sequence runs with conn_reuse_mode 3.
 * XLVS_NAT6_SEED=<n> replays a run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "expect.h"
#include "expect6.h"
#include "model.h"
#include "model_tcp_full.h"
#include "nat6.h"
#include "svc.h"
#include "tests.h"

#define SEQS  24
#define STEPS 32
#define RPORT 8191

struct flow6 {
	uint16_t cport, vport;
	uint32_t reuse;
	struct mtf_conn c;
	struct mtf_dest *d;
};

static char why[256];

struct listed6 {
	uint16_t cport, vport;
	int n;
	char state[24];
};

static int listed6_cb(const struct xlvs_conn_info *ci, void *arg)
{
	struct listed6 *l = arg;
	uint8_t c[16];

	ip6_host(c, HOST_CLIENT);
	if (ci->client.af == 6 && !memcmp(ci->client.addr, c, 16) &&
	    ci->client.port == l->cport && ci->vip.port == l->vport &&
	    ci->proto == IPPROTO_TCP) {
		l->n++;
		snprintf(l->state, sizeof(l->state), "%s", ci->state);
	}
	return 0;
}

/* The server's ActiveConn and InActConn under vport, as -L lists them. */
static void counts6(uint16_t vport, int64_t *active, int64_t *inactive)
{
	struct xlvs_snapshot snap;
	uint8_t vip[16], rs[16];

	ip6_host(vip, NET6_VIP);
	ip6_host(rs, NAT6_RS);
	*active = *inactive = -1;
	assert_int_equal(xlvs_snapshot_take(&dp.t, &snap), 0);
	for (uint32_t i = 0; i < snap.nservices; i++) {
		const struct xlvs_service_info *s = &snap.services[i];

		if (s->conf.vip.af != 6 || memcmp(s->conf.vip.addr, vip, 16) ||
		    s->conf.vip.port != vport || s->conf.proto != IPPROTO_TCP)
			continue;
		for (uint32_t j = 0; j < s->ndests; j++)
			if (!memcmp(s->dests[j].conf.addr.addr, rs, 16)) {
				*active = s->dests[j].active;
				*inactive = s->dests[j].inactive;
			}
	}
	xlvs_snapshot_free(&snap);
}

static const char *step6(struct flow6 *fl, enum mtf_dir dir, uint8_t flags)
{
	uint16_t pay = flags & TH_PUSH ? 77 : 0;
	struct listed6 l = { .cport = fl->cport, .vport = fl->vport };
	struct nat6_want w;
	enum mtf_verdict v;
	struct dp_result r;
	struct frame f;
	int64_t act, inact;
	const char *e = NULL;

	if (dir == MTF_IN) {
		v = mtf_in(&fl->c, fl->d, true, flags, fl->reuse);
		client6(&f, IPPROTO_TCP, fl->cport, fl->vport, flags, pay);
	} else {
		v = mtf_out(&fl->c, fl->d, flags);
		reply6(&f, IPPROTO_TCP, NAT6_RS, RPORT, fl->cport, flags, pay);
	}
	dp_run(&f, &r);
	switch (v) {
	case MTF_FORWARDED:
	case MTF_NEW:
	case MTF_RESCHED:
		w = (struct nat6_want){ NAT6_RS, HOST_CLIENT, NAT6_RS, fl->cport, RPORT };
		e = nat6_check(&f, &r, &w);
		if (!e && r.delta[XLVS_CNT_CONNS_NEW] != (v != MTF_FORWARDED)) {
			snprintf(why, sizeof(why), "conns_new moved by %llu",
				 (unsigned long long)r.delta[XLVS_CNT_CONNS_NEW]);
			e = why;
		}
		break;
	case MTF_REPLIED:
		w = (struct nat6_want){ HOST_CLIENT, NET6_VIP, HOST_CLIENT, fl->vport,
					fl->cport };
		e = nat6_check(&f, &r, &w);
		break;
	default:
		if (r.rc || r.verdict != XDP_PASS || r.out.len != f.len ||
		    memcmp(r.out.b, f.b, f.len)) {
			snprintf(why, sizeof(why), "not passed untouched (verdict %u)",
				 r.verdict);
			e = why;
		}
		break;
	}
	if (e)
		return e;
	assert_int_equal(xlvs_conns_list(&dp.t, listed6_cb, &l), 0);
	if (fl->c.live ? l.n != 1 || strcmp(l.state, mtf_state_name(fl->c.state)) :
			 l.n != 0) {
		snprintf(why, sizeof(why), "listed %d entries, state %s; the model %s",
			 l.n, l.n ? l.state : "-",
			 fl->c.live ? mtf_state_name(fl->c.state) : "none");
		return why;
	}
	counts6(fl->vport, &act, &inact);
	if (act != fl->d->active || inact != fl->d->inactive) {
		snprintf(why, sizeof(why), "ActiveConn %lld InActConn %lld; the model "
			 "%lld %lld", (long long)act, (long long)inact,
			 (long long)fl->d->active, (long long)fl->d->inactive);
		return why;
	}
	return NULL;
}

static uint32_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void nat6_states_random(void **state)
{
	static const uint8_t in_flags[] = {
		TH_SYN, TH_SYN, TH_ACK, TH_ACK, TH_ACK | TH_PUSH, TH_FIN | TH_ACK,
		TH_FIN, TH_RST, TH_RST | TH_ACK, TH_SYN | TH_ACK, TH_SYN | TH_FIN,
		TH_SYN | TH_RST, TH_PUSH, 0,
	};
	static const uint8_t out_flags[] = {
		TH_SYN | TH_ACK, TH_SYN | TH_ACK, TH_ACK, TH_ACK, TH_ACK | TH_PUSH,
		TH_FIN | TH_ACK, TH_FIN, TH_RST, TH_RST | TH_ACK, TH_SYN, TH_PUSH, 0,
	};
	const char *env = getenv("XLVS_NAT6_SEED");
	uint32_t seed = env ? (uint32_t)strtoul(env, NULL, 0) : 0x6eed2026u;

	(void)state;
	m_mutate_from_env();
	print_message("nat6_states_random: seed %u (XLVS_NAT6_SEED)\n", seed);
	rng = seed ? seed : 1;
	for (int q = 0; q < SEQS; q++) {
		struct mtf_dest d = { 0 };
		struct flow6 fl[2];
		uint16_t vport = (uint16_t)(7200 + q);
		uint32_t reuse = q & 1 ? 3 : 1;

		/* A fresh service a sequence (see test_nat.c's states_random). */
		svc_clear();
		svc6_add(IPPROTO_TCP, vport, "rr");
		rs6_add_nat(IPPROTO_TCP, vport, NAT6_RS, RPORT);
		assert_int_equal(xlvs_sysctl_set(&dp.t, "conn_reuse_mode", reuse), 0);
		for (int k = 0; k < 2; k++) {
			const char *e;

			fl[k] = (struct flow6){ .cport = dp_port(), .vport = vport,
						.reuse = reuse, .d = &d };
			e = step6(&fl[k], MTF_IN, TH_SYN);
			if (e)
				fail_msg("seed %u seq %d: the opening SYN: %s", seed, q, e);
		}
		for (int i = 0; i < STEPS; i++) {
			int k = (int)(rnd() & 1);
			enum mtf_dir dir = rnd() & 1 ? MTF_OUT : MTF_IN;
			uint8_t fg = dir == MTF_IN ? in_flags[rnd() % sizeof(in_flags)] :
					out_flags[rnd() % sizeof(out_flags)];
			const char *before = fl[k].c.live ?
				mtf_state_name(fl[k].c.state) : "none";
			const char *e = step6(&fl[k], dir, fg);

			if (e)
				fail_msg("seed %u seq %d step %d: flow %d %s flags %02x "
					 "(model state before %s): %s", seed, q, i, k,
					 dir == MTF_IN ? "in" : "out", fg, before, e);
		}
	}
}

static int states6_teardown(void **state)
{
	xlvs_sysctl_set(&dp.t, "conn_reuse_mode", 1);
	return dp6_teardown(state);
}

size_t ipv6_nat_states_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(nat6_states_random, dp6_setup,
						states6_teardown),
	};

	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
