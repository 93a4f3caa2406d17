// SPDX-License-Identifier: GPL-2.0
/*
 * lc, wlc, sed, nq, fo and ovf over lists longer than one step of the
 * data plane's scan (bpf/sched_scan.h looks at SCAN_BATCH = 16 servers a
 * bpf_loop step, their counts looked up 8 at a time), against the model
 * (model.h).  Lists of 17, 29 and 40 servers end one server into a step,
 * inside its second group and on a group's edge.  Each round writes
 * connection counts and overloaded flags straight into dest_conns (as
 * bench/micro does), shaped so that the best server lies anywhere: all
 * equal (the first usable one wins the tie), random small counts (ties
 * across steps), one server better than the rest, the last one better;
 * then one SYN must go where the model says.
 *
 * XLVS_SCHED_SEED=<n> replays another sequence.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "msvc.h"
#include "msvc_expire.h"
#include "svc.h"
#include "tests.h"

#define ROUNDS 60
#define FIRST_HOST 20           /* real servers 10.0.0.20 ... */

static const int sizes[] = { 17, 29, 40 };
#define NSIZES (int)(sizeof(sizes) / sizeof(sizes[0]))

/* Counts for one round, in one of four shapes; any server may be
 * overloaded. */
static void counts_random(struct m_server *sv, int n)
{
	uint32_t shape = rnd(4);
	int64_t a = rnd(3), in = rnd(4);
	int j = shape == 3 ? n - 1 : (int)rnd(n);

	for (int i = 0; i < n; i++) {
		sv[i].active = shape == 1 ? rnd(3) : a + 1;
		sv[i].inactive = shape == 1 ? rnd(4) : in;
		sv[i].over = rnd(5) == 0;
	}
	if (shape >= 2) {
		sv[j].active = a;
		sv[j].inactive = 0;
		sv[j].over = rnd(3) == 0;
	}
}

static void counts_write(const struct msvc *s, const struct m_server *sv)
{
	for (int i = 0; i < s->nd; i++) {
		struct xlvs_dest_conns dc = {
			.active = (int32_t)sv[i].active,
			.inactive = (int32_t)sv[i].inactive,
			.flags = sv[i].over ? XLVS_DEST_F_OVERLOAD : 0,
		};

		if (bpf_map_update_elem(dp.t.dest_conns_fd, &s->d[i].id, &dc,
					BPF_ANY))
			bad("dest_conns %u: %s", s->d[i].id, strerror(errno));
	}
}

static void dump_round(const struct msvc *s, const struct m_server *sv)
{
	for (int i = 0; i < s->nd; i++)
		print_error("  [%d] .%u w=%d a=%lld i=%lld%s\n", i, s->d[i].host,
			    sv[i].weight, (long long)sv[i].active,
			    (long long)sv[i].inactive, sv[i].over ? " overloaded" : "");
}

/* ROUNDS new connections to s, now scheduled by kind. */
static void rounds(struct msvc *s, int kind, int *ties, int *none)
{
	struct m_server sv[MSVC_DESTS];

	msvc_sched_set(s, kind);
	for (int r = 0; r < ROUNDS; r++) {
		uint16_t sport = dp_port();
		struct dp_result res;
		struct frame f;
		int want, got;

		for (int i = 0; i < s->nd; i++)
			sv[i].weight = s->d[i].weight;
		counts_random(sv, s->nd);
		counts_write(s, sv);
		want = m_scan_pick(kind, sv, s->nd, false);
		*ties += m_scan_pick(kind, sv, s->nd, true) != want;
		*none += want < 0;
		msvc_send(s, sport, TH_SYN, &f, &res);
		got = chosen(&res);
		if (want < 0 ? !dp_left(&f, &res) :
			       got != s->d[want].host) {
			dump_round(s, sv);
			bad("%d servers, round %d: the SYN went to %d, the model "
			    "picks [%d] .%d", s->nd, r, got, want,
			    want < 0 ? -1 : s->d[want].host);
		}
	}
}

static void scan_wide_lists(void **state)
{
	static struct msvc svcs[NSIZES];
	const char *e = getenv("XLVS_SCHED_SEED");
	uint32_t seed = (e ? (uint32_t)strtoul(e, NULL, 0) : 20240601u) * 7919u;
	int ties = 0, none = 0;

	(void)state;
	m_mutate_from_env();
	rnd_seed(seed);
	elog_reset(seed);
	for (int z = 0; z < NSIZES; z++) {
		msvc_new(&svcs[z], IPPROTO_TCP, 8330 + z, XLVS_SCHED_LC, 0);
		/* weights with repeats and zeros: ties for fo and ovf too */
		for (int i = 0; i < sizes[z]; i++)
			rs_add_m(&svcs[z], FIRST_HOST + i, (int32_t)rnd(5), 0, 0);
	}
	for (int kind = XLVS_SCHED_LC; kind <= XLVS_SCHED_OVF; kind++)
		for (int z = 0; z < NSIZES; z++)
			rounds(&svcs[z], kind, &ties, &none);
	/* The SYNs' connections count against servers whose counts were
	 * overwritten: free them before the next test. */
	flush_all(NULL, 0);
	timeouts_default();
	print_message("seed %u: %d rounds over 17, 29 and 40 servers, %d "
		      "decided by a tie, %d with no server\n", seed,
		      6 * NSIZES * ROUNDS, ties, none);
}

size_t sched_wide_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(scan_wide_lists, svc_fixture_empty),
	};
	return tests_append(out, room, t, sizeof(t) / sizeof(t[0]));
}
