// SPDX-License-Identifier: GPL-2.0
/*
 * `micro --newconn`: a new connection's first packet alone, as micro.c's
 * "new TCP" column times it (NEW_N distinct SYNs, each run once, the
 * kernel's mean less the same mean for a pass frame, plus the pass floor),
 * for one rr service of two real servers by direct routing, in a table of
 * the default capacity -- round after round, so that two builds can be run
 * side by side (interleaved) and a profiler pointed at it.
 *
 *   micro --newconn [ROUNDS [SECONDS]]
 *
 * Each round times NEW_N new TCP connections and NEW_N new UDP flows, then
 * deletes them from user space (the counts are not told, as in micro.c).
 * With SECONDS, rounds go on until that long has passed, and only the new
 * flows run (no floor, no pass frames): for a profiler.
 * Prints each round's figures and the medians.
 */
#include "micro.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/bpf.h>

#include "testbed.h"

#define NC_PORT_TCP 8800
#define NC_PORT_UDP 8801
#define NC_ROUNDS_MAX 4096

static int nc_services(void)
{
	for (int u = 0; u < 2; u++) {
		uint8_t proto = u ? IPPROTO_UDP : IPPROTO_TCP;
		uint16_t port = u ? NC_PORT_UDP : NC_PORT_TCP;
		struct xlvs_service_conf sc = { .proto = proto,
						.vip = tb_ep(NET_VIP, port),
						.sched = "rr" };
		int rc = xlvs_service_add(&env.t, &sc);

		for (unsigned int i = 0; !rc && i < 2; i++) {
			struct xlvs_dest_conf dc = { .addr = tb_ep(rs_addr(i), port),
						     .fwd = XLVS_FWD_DROUTE,
						     .weight = 1 };

			rc = xlvs_dest_add(&env.t, proto, &sc.vip, &dc);
		}
		if (rc) {
			fprintf(stderr, "micro --newconn: services: %s\n", strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* NEW_N new flows of proto from flow *next on: kernel ns per run, less the
 * pass frame's mean, plus floor.  -1 if any was not forwarded. */
static double nc_batch(uint8_t proto, uint64_t *next, struct bench_frame *fr,
		       struct xlvs_conn_key *keys, const struct bench_frame *pass,
		       double floor, bool profile)
{
	uint16_t port = proto == IPPROTO_UDP ? NC_PORT_UDP : NC_PORT_TCP;
	uint64_t sum = 0;
	uint32_t rv, d;
	double pk, pw;
	int bad = 0;

	for (int i = 0; i < NEW_N; i++) {
		uint32_t sa;
		uint16_t sp;

		flow_client((*next)++, &sa, &sp);
		frame_build(&fr[i], proto, sa, NET_VIP, sp, port,
			    proto == IPPROTO_UDP ? 0 : TH_SYN);
		tb_conn_key(&keys[i], proto, sa, NET_VIP, sp, port);
	}
	for (int i = 0; i < NEW_N; i++) {
		if (prog_run(&fr[i], 1, &rv, &d) || rv != XDP_TX)
			bad++;
		sum += d;
	}
	if (profile)
		pk = 0;
	else
		batch_run(pass, NEW_N, XDP_PASS, &pk, &pw);
	if (conn_delete(keys, NEW_N) != NEW_N)
		bad++;
	return bad ? -1 : (double)sum / NEW_N - pk + floor;
}

int newconn_main(int argc, char **argv)
{
	int rounds = argc > 0 ? atoi(argv[0]) : 9;
	double secs = argc > 1 ? atof(argv[1]) : 0;
	static double tcp[NC_ROUNDS_MAX], udp[NC_ROUNDS_MAX], fl[NC_ROUNDS_MAX];
	struct bench_frame *fr = calloc(NEW_N, sizeof(*fr)), pass;
	struct xlvs_conn_key *keys = calloc(NEW_N, sizeof(*keys));
	uint64_t next = 0, t0;
	uint32_t rv, d;
	int n = 0;

	if (rounds < 1 || rounds > NC_ROUNDS_MAX) {
		fprintf(stderr, "micro --newconn: ROUNDS 1..%d\n", NC_ROUNDS_MAX);
		return 2;
	}
	if (!fr || !keys || env_setup() || table_create(0) || nc_services())
		return 1;
	frame_build(&pass, IPPROTO_TCP, NET_CLIENT, NET_OTHER_IP, 40000, 80, TH_SYN);
	t0 = now_ns();
	for (; n < NC_ROUNDS_MAX && (n < rounds || (now_ns() - t0) / 1e9 < secs); n++) {
		if (prog_run(&pass, secs ? 1 : 500000, &rv, &d) || rv != XDP_PASS)
			return 1;
		fl[n] = d;
		tcp[n] = nc_batch(IPPROTO_TCP, &next, fr, keys, &pass, fl[n], secs > 0);
		udp[n] = nc_batch(IPPROTO_UDP, &next, fr, keys, &pass, fl[n], secs > 0);
		if (tcp[n] < 0 || udp[n] < 0) {
			fprintf(stderr, "micro --newconn: round %d: a flow was not "
				"forwarded or not deleted\n", n + 1);
			return 1;
		}
		if (!secs)
			printf("round %d: floor %.0f ns, new TCP %.0f ns, new UDP %.0f ns\n",
			       n + 1, fl[n], tcp[n], udp[n]);
	}
	qsort(fl, (size_t)n, sizeof(double), cmp_double);
	qsort(tcp, (size_t)n, sizeof(double), cmp_double);
	qsort(udp, (size_t)n, sizeof(double), cmp_double);
	printf("median of %d rounds: floor %.0f ns, new TCP %.0f ns (%.0f-%.0f), "
	       "new UDP %.0f ns (%.0f-%.0f)\n", n, fl[n / 2], tcp[n / 2], tcp[0],
	       tcp[n - 1], udp[n / 2], udp[0], udp[n - 1]);
	free(fr);
	free(keys);
	return 0;
}
