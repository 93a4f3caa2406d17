// SPDX-License-Identifier: GPL-2.0
/*
 * `micro --flows`: the established-connection packet as the load benchmark
 * sends it -- many UDP flows, each packet of another flow -- through the
 * XDP program by BPF_PROG_TEST_RUN, in a table of the default capacity.
 * micro.c's rows run one connection again and again, so its entry is
 * always in the CPU's caches; here every packet's entry is one the cache
 * has not seen for FLOWS packets, as on a director, and what the table's
 * layout costs in cache and TLB misses shows.
 *
 *   micro --flows [FLOWS [ROUNDS [TOUCH]]]
 *
 * One UDP service per method (DR, NAT, ipip tunnel), rr over two real
 * servers; FLOWS clients (default 4096, as bench/run's UDP load) each
 * make a connection to each; then, method by method, a round unmeasured
 * and ROUNDS rounds (default 9) send every flow's next packet in a fixed
 * shuffled order, each run with repeat 1 on a fresh copy of its frame.
 * Between two runs the process writes TOUCH cache lines of a 16 MiB
 * buffer (default 32, about what a veth frame's skb, page and headers
 * take), so that, as on a director, other work goes through the caches
 * between one flow's packets.  Prints, per method, the kernel's mean ns
 * per packet of each round, their median, the quartile and median of
 * the runs' own times (robust to a run preempted), and the share of packets the
 * connection cache served (bpf/conn_cache.h); the same for a frame to no
 * service (the pass path, which looks the connection up too and finds
 * none) and a UDP packet of one flow repeated (micro.c's case: all in
 * cache).  MICRO_CONN_MAX sets another capacity.  Compare only figures of
 * one run, or of runs made side by side.
 */
#include "micro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/bpf.h>

#include "testbed.h"

enum { F_DR, F_NAT, F_TUN, F_PASS, F_NCASE };

static const struct {
	const char *name;
	uint8_t fwd;
	uint16_t port, rport;
} fcase[F_NCASE] = {
	[F_DR] = { "DR", XLVS_FWD_DROUTE, 8200, 8200 },
	[F_NAT] = { "NAT", XLVS_FWD_MASQ, 8201, 8080 },
	[F_TUN] = { "tunnel", XLVS_FWD_TUNNEL, 8202, 8202 },
	[F_PASS] = { "no service", 0, 8203, 0 },
};

#define TOUCH_BYTES (16u << 20)
#define MAX_ROUNDS 64

static volatile uint8_t *touch_buf;
static size_t touch_pos;

/* The other work between two packets: n cache lines written, in turn. */
static void touch(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		touch_buf[touch_pos]++;
		touch_pos = (touch_pos + 64) % TOUCH_BYTES;
	}
}

static int flows_services(void)
{
	for (int m = F_DR; m <= F_TUN; m++) {
		struct xlvs_service_conf sc = { .proto = IPPROTO_UDP,
						.vip = tb_ep(NET_VIP, fcase[m].port),
						.sched = "rr" };
		int rc = xlvs_service_add(&env.t, &sc);

		for (unsigned int i = 0; !rc && i < 2; i++) {
			struct xlvs_dest_conf dc = {
				.addr = tb_ep(rs_addr(i), fcase[m].rport),
				.fwd = fcase[m].fwd,
				.weight = 1,
			};

			rc = xlvs_dest_add(&env.t, IPPROTO_UDP, &sc.vip, &dc);
		}
		if (rc) {
			fprintf(stderr, "micro --flows: %s service: %s\n",
				fcase[m].name, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t counter(unsigned int c)
{
	uint64_t v[XLVS_CNT_MAX];

	return xlvs_counters_read(&env.t, v) ? 0 : v[c];
}

int flows_main(int argc, char **argv)
{
	unsigned int nflows = argc > 0 ? (unsigned int)atoi(argv[0]) : 4096;
	int rounds = argc > 1 ? atoi(argv[1]) : 9;
	unsigned int ntouch = argc > 2 ? (unsigned int)atoi(argv[2]) : 32;
	static double res[F_NCASE + 1][MAX_ROUNDS], hits[F_NCASE + 1];
	uint32_t q1[F_NCASE + 1], q2[F_NCASE + 1], *durs;
	struct bench_frame *fr[F_NCASE], one;
	uint32_t *order, rv, d;
	int bad[F_NCASE] = { 0 };

	if (nflows < 1 || nflows > 1000000 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "micro --flows: FLOWS 1..1000000, ROUNDS 1..%d\n",
			MAX_ROUNDS);
		return 2;
	}
	touch_buf = calloc(1, TOUCH_BYTES);
	durs = calloc((size_t)nflows * rounds, sizeof(*durs));
	order = calloc(nflows, sizeof(*order));
	for (int m = 0; m < F_NCASE; m++)
		fr[m] = calloc(nflows, sizeof(**fr));
	if (!touch_buf || !durs || !order || !fr[0] || !fr[1] || !fr[2] || !fr[3])
		return 1;
	/* MICRO_CONN_MAX: another capacity (and so another shard count). */
	if (env_setup() ||
	    table_create(getenv("MICRO_CONN_MAX") ?
			 (uint32_t)strtoul(getenv("MICRO_CONN_MAX"), NULL, 0) : 0) ||
	    flows_services())
		return 1;
	if (tb_sh("ip neigh replace 10.0.0.9 lladdr 02:00:00:00:00:09 dev "
		  BENCH_DEV " nud permanent") ||
	    tb_sh("ip route replace 172.16.0.0/12 via 10.0.0.9 dev " BENCH_DEV))
		return 1;
	/* A fixed shuffle: the flows' order in a round owes nothing to the
	 * shards' or the buckets' order. */
	srandom(1);
	for (unsigned int i = 0; i < nflows; i++)
		order[i] = i;
	for (unsigned int i = nflows - 1; i > 0; i--) {
		unsigned int j = (unsigned int)random() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (int m = 0; m < F_NCASE; m++)
		for (unsigned int i = 0; i < nflows; i++) {
			uint32_t sa;
			uint16_t sp;

			flow_client(i, &sa, &sp);
			frame_build(&fr[m][i], IPPROTO_UDP, sa,
				    m == F_PASS ? NET_OTHER_IP : NET_VIP, sp,
				    fcase[m].port, 0);
			/* The first packet makes the connection. */
			if (m != F_PASS && (prog_run(&fr[m][i], 1, &rv, &d) ||
					    rv == XDP_PASS || rv == XDP_DROP)) {
				fprintf(stderr, "micro --flows: %s flow %u: "
					"verdict %u\n", fcase[m].name, i, rv);
				return 1;
			}
		}
	frame_build(&one, IPPROTO_UDP, NET_CLIENT, NET_VIP, 40000,
		    fcase[F_DR].port, 0);
	/* Case by case, so that only one case's flows go through the CPU's
	 * caches at a time; a round first, unmeasured, to warm them. */
	for (int m = 0; m <= F_NCASE; m++) {
		uint64_t h0 = counter(XLVS_CNT_CONN_CACHE_HITS), h1;

		size_t nd = 0;

		for (int r = -1; r < rounds; r++) {
			uint64_t sum = 0;

			if (r == 0)
				h0 = counter(XLVS_CNT_CONN_CACHE_HITS);
			for (unsigned int i = 0; i < nflows; i++) {
				const struct bench_frame *f =
					m < F_NCASE ? &fr[m][order[i]] : &one;

				touch(ntouch);
				if (prog_run(f, 1, &rv, &d) ||
				    (m == F_PASS) != (rv == XDP_PASS))
					bad[m < F_NCASE ? m : F_DR]++;
				sum += d;
				if (r >= 0)
					durs[nd++] = d;
			}
			if (r >= 0)
				res[m][r] = (double)sum / nflows;
		}
		/* Every run's own time: its quartiles say what a run costs
		 * when nothing else took the CPU meanwhile (a preempted run's
		 * time is in the mean). */
		qsort(durs, nd, sizeof(*durs), cmp_u32);
		q1[m] = durs[nd / 4];
		q2[m] = durs[nd / 2];
		h1 = counter(XLVS_CNT_CONN_CACHE_HITS);
		hits[m] = 100.0 * (double)(h1 - h0) / ((double)nflows * rounds);
	}
	printf("conn_max %u (%u shards), flows %u rounds %d touch %u lines; ns per packet (kernel's "
	       "mean per round, median last)\n", env.t.meta.conn_max,
	       env_nshards(), nflows, rounds, ntouch);
	for (int m = 0; m <= F_NCASE; m++) {
		printf("%-12s", m < F_NCASE ? fcase[m].name : "DR, 1 flow");
		for (int r = 0; r < rounds; r++)
			printf(" %6.1f", res[m][r]);
		printf("   median %6.1f   runs' p25 %4u p50 %4u   cache hits %5.1f %%",
		       median(res[m], rounds), q1[m], q2[m], hits[m]);
		if (m < F_NCASE && bad[m])
			printf("   (%d wrong verdicts)", bad[m]);
		printf("\n");
	}
	return 0;
}
