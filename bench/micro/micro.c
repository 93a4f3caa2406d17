// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs data-plane micro-benchmarks (bench/micro/run writes the report):
 *  1. ns per packet through the XDP program, by BPF_PROG_TEST_RUN: the pass
 *     path, an established TCP connection, a new TCP connection and a new
 *     UDP flow, for every scheduler (rr, wrr, lc, wlc, sed, nq, fo, ovf,
 *     sh, dh, mh) at 2, 64 and 1024 real servers;
 *  2. the same for NAT both ways, a new NAT connection, a tunnelled packet
 *     and relayed ICMP errors, beside direct routing (paths.c);
 *  3. kernel memory per tracked connection at one million (mem.c).
 * Every figure is the median of REPS repetitions.
 */
#include "micro.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "anatomy.skel.h"
#include "testbed.h"

#define REPEAT   500000   /* runs per repeated measurement */
#define REPS_BIG REPS     /* repetitions of the 1024-server rows (<= REPS) */
#define TH_SYN   0x02
#define TH_ACK   0x10

struct cfg {
	const char *sched;
	unsigned int n;
	uint16_t tport, uport;
};

/*
 * One TCP and one UDP service per size, each with its real servers; a row
 * sets their scheduler (xlvs_service_edit, as ipvsadm -E -s) and their
 * connection counts, then measures.  Editing the scheduler rather than
 * adding a service per scheduler keeps every scheduler's 1024 servers within
 * the table's XLVS_DEST_MAX.
 */
#define NSIZE 3
static struct size {
	unsigned int n;
	uint16_t tport, uport;
	unsigned int nids[2];               /* [tcp, udp] */
	uint32_t ids[2][RS_MAX];            /* their dest ids */
} sizes[NSIZE] = { { .n = 2 }, { .n = 64 }, { .n = 1024 } };

/* busy: every real server has one active connection (the state counts
 * are set to before each measurement); otherwise every one is idle. */
static const struct row {
	const char *sched, *label;
	bool busy;
	const char *scaling;
} rows[] = {
	{ "rr", "rr", true, "one atomic add, a binary search over the "
	  "schedule's bands and a walk down its rank index (10 steps each): "
	  "no pass over the servers" },
	{ "wrr", "wrr", true, "as rr: one atomic add and the two searches "
	  "over the bands of the precomputed weighted cycle" },
	{ "lc", "lc", true, "one pass over all n servers, 16 to a `bpf_loop` "
	  "step, a `dest_conns` lookup and a compare each, for every new "
	  "connection: O(n), as IPVS's (a step's own call costs about what a "
	  "few servers do: see the loop rows of the anatomy below)" },
	{ "wlc", "wlc", true, "as lc, the overheads compared by "
	  "cross-multiplication with the weights: O(n)" },
	{ "sed", "sed", true, "as wlc with (active + 1) as the overhead: O(n)" },
	{ "nq", "nq", true, "O(n) when no server is idle (these rows: every "
	  "server has one active connection); it stops at the first idle server "
	  "in list order, so with idle servers it costs the pass up to the first "
	  "of them (the table's \"nq, idle servers\" rows: the first server, "
	  "flat)" },
	{ "fo", "fo", true, "one pass over all n servers for the highest "
	  "weight, 16 to a step, where only a server whose weight beats the "
	  "best so far is looked up in `dest_conns`: O(n), each server little "
	  "more than a compare" },
	{ "ovf", "ovf", true, "as fo, for the highest weight whose active "
	  "connections do not exceed it: O(n)" },
	{ "nq", "nq, idle servers", false, NULL },
	{ "sh", "sh", true, "hash_32 of the client and one read of the "
	  "256-bucket table: O(1), whatever n" },
	{ "dh", "dh", true, "as sh, of the destination address (one VIP here, "
	  "so one server takes every flow): O(1)" },
	{ "mh", "mh", true, "one hsiphash (SipHash-1-3 of 4 bytes) of the "
	  "client and one read of the 4093-slot Maglev table: O(1); the table "
	  "is built in user space at each edit" },
};
#define NROW (sizeof(rows) / sizeof(rows[0]))
#define NCFG (NROW * NSIZE)            /* config c: row c / NSIZE, size c % NSIZE */

static struct cfg cfg_of(size_t c)
{
	const struct size *z = &sizes[c % NSIZE];

	return (struct cfg){ rows[c / NSIZE].sched, z->n, z->tport, z->uport };
}

/* Per repetition. */
static double pass_floor[REPS];            /* pass, repeat = REPEAT */
static double hit[NCFG][REPS];             /* TCP ACK, existing connection */
static double new_k[NCFG][2][REPS];        /* new flow, kernel-timed: [tcp, udp] */
static double new_w[NCFG][2][REPS];        /* new flow, wall-clock batch */
static double pass1_k[REPS], pass1_w[REPS];/* pass with repeat = 1 */
#define NANAT 10
#define LOOP_STEPS 1024   /* anatomy.bpf.c's loops */
#define LOOP_REPEAT 5000  /* their repeat: a run is some microseconds */
static double anat[NANAT][REPS];           /* anatomy.bpf.c, see below */
static const char *const anat_name[NANAT] = {
	"empty XDP program (the test loop itself)",
	"*alternative:* `bpf_ktime_get_ns()` (the packet path's clock before)",
	"conn shard lookup (40-byte key, hit, one of the table's 1024-entry LRU hashes)",
	"`bpf_fib_lookup()` to a real server, flags 0 (as xlvs on a next-hop cache miss)",
	"`bpf_ktime_get_coarse_ns()` (as xlvs)",
	"*alternative:* `bpf_fib_lookup()` with `BPF_FIB_LOOKUP_DIRECT`",
	"conn shard insert (`bpf_map_update_elem`, LRU hash)",
	"conn lookup as xlvs: `xlvs_conn_shard()` + shard array + shard lookup",
	"`bpf_loop`, 1024 steps, empty step (the scanning schedulers' loop, one step per 16 servers): **per step**",
	"`bpf_loop`, 1024 steps, a `dest_conns` lookup each (the scan's one lookup per server): **per step**",
};
/* The loops' rows: ns per step, the empty program (row 0) taken off. */
static const bool anat_per_step[NANAT] = { [8] = true, [9] = true };
static char warnings[4096];
static uint64_t next_flow;
static int paths_reps;                     /* repetitions paths.c has */

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn(const char *fmt, ...)
{
	size_t used = strlen(warnings);
	va_list ap;

	if (used + 2 >= sizeof(warnings))
		return;
	va_start(ap, fmt);
	vsnprintf(warnings + used, sizeof(warnings) - used - 1, fmt, ap);
	va_end(ap);
	strncat(warnings, "\n", sizeof(warnings) - strlen(warnings) - 1);
	fprintf(stderr, "micro: warning: %s", warnings + used);
}

static void on_signal(int sig)
{
	/* exit() runs table_remove (atexit); the private bpffs would drop the
	 * pins anyway when this process, its only user, is gone. */
	exit(128 + sig);
}

/* The services of every size, rr to start with; weights W+1, W+2, ...
 * W+5, W+1, ... with W = NEW_N (rr and lc ignore them): every server can
 * take a whole batch of new flows without ovf passing it over, now that a
 * new SYN counts as active (SYN_RECV, Linux 4.8+).  Then the dest ids of each service's servers,
 * found by their port (every service has its own). */
static int services_setup(void)
{
	uint16_t port = 8000;
	struct xlvs_dest d;

	for (int z = 0; z < NSIZE; z++) {
		sizes[z].tport = port++;
		sizes[z].uport = port++;
		for (int u = 0; u < 2; u++) {
			uint8_t proto = u ? IPPROTO_UDP : IPPROTO_TCP;
			uint16_t p = u ? sizes[z].uport : sizes[z].tport;
			struct xlvs_service_conf sc = { .proto = proto,
							.vip = tb_ep(NET_VIP, p),
							.sched = "rr" };
			struct xlvs_endpoint vip = sc.vip;
			int rc;

			rc = xlvs_service_add(&env.t, &sc);
			if (rc) {
				fprintf(stderr, "micro: service_add: %s\n", strerror(-rc));
				return rc;
			}
			for (unsigned int i = 0; i < sizes[z].n; i++) {
				struct xlvs_dest_conf dc = {
					.addr = tb_ep(rs_addr(i), p),
					.fwd = XLVS_FWD_DROUTE,
					.weight = NEW_N + 1 + (int32_t)(i % 5),
				};

				rc = xlvs_dest_add(&env.t, proto, &vip, &dc);
				if (rc) {
					fprintf(stderr, "micro: dest_add %u: %s\n",
						i, strerror(-rc));
					return rc;
				}
			}
		}
	}
	for (uint32_t id = 0; id < XLVS_DEST_MAX; id++) {
		if (bpf_map_lookup_elem(env.t.dest_fd, &id, &d) || !d.gen)
			continue;
		for (int z = 0; z < NSIZE; z++)
			for (int u = 0; u < 2; u++)
				if (ntohs(d.port) == (u ? sizes[z].uport : sizes[z].tport) &&
				    sizes[z].nids[u] < RS_MAX)
					sizes[z].ids[u][sizes[z].nids[u]++] = id;
	}
	for (int z = 0; z < NSIZE; z++)
		for (int u = 0; u < 2; u++)
			if (sizes[z].nids[u] != sizes[z].n) {
				fprintf(stderr, "micro: %u dest ids found for a "
					"service of %u\n", sizes[z].nids[u], sizes[z].n);
				return -1;
			}
	return 0;
}

/* Every service's scheduler, as ipvsadm -E -s does it. */
static int sched_set(const char *name)
{
	for (int z = 0; z < NSIZE; z++)
		for (int u = 0; u < 2; u++) {
			struct xlvs_service_conf sc = {
				.proto = u ? IPPROTO_UDP : IPPROTO_TCP,
				.vip = tb_ep(NET_VIP, u ? sizes[z].uport : sizes[z].tport),
			};
			int rc;

			strncpy(sc.sched, name, sizeof(sc.sched) - 1);
			rc = xlvs_service_edit(&env.t, &sc);
			if (rc) {
				fprintf(stderr, "micro: service_edit %s: %s\n",
					name, strerror(-rc));
				return rc;
			}
		}
	return 0;
}

/* The connection counts of one service's servers: one active connection
 * each (busy) or none, no inactive ones, not overloaded.  The measured flows
 * are deleted from user space, which does not count them down, so each
 * measurement starts from this state again. */
static int counts_set(int z, int u, bool busy)
{
	struct xlvs_dest_conns dc = { .active = busy ? 1 : 0 };

	for (unsigned int i = 0; i < sizes[z].nids[u]; i++)
		if (bpf_map_update_elem(env.t.dest_conns_fd, &sizes[z].ids[u][i],
					&dc, BPF_ANY)) {
			fprintf(stderr, "micro: dest_conns: %s\n", strerror(errno));
			return -1;
		}
	return 0;
}

static int counters(uint64_t out[XLVS_CNT_MAX])
{
	int rc = xlvs_counters_read(&env.t, out);

	if (rc)
		fprintf(stderr, "micro: counters: %s\n", strerror(-rc));
	return rc;
}

/* N runs of the pass frame with repeat 1: kernel ns per run and wall ns
 * per system call, the overheads the new-flow figures are corrected by. */
static void pass_batch(const struct bench_frame *pass, double *k, double *w)
{
	batch_run(pass, NEW_N, XDP_PASS, k, w);
}

/*
 * NEW_N distinct new flows, each frame run once (repeat 1): the kernel's
 * duration of each run is the time of that one first packet.  Then NEW_N
 * pass runs the same way, for the correction.  The flows are deleted after,
 * so every measurement starts from the same table.
 */
static int new_flows(const struct cfg *c, int udp, const struct bench_frame *pass,
		     struct bench_frame *fr, struct xlvs_conn_key *keys,
		     double *k_out, double *w_out)
{
	uint8_t proto = udp ? IPPROTO_UDP : IPPROTO_TCP;
	uint16_t dport = udp ? c->uport : c->tport;
	uint64_t before[XLVS_CNT_MAX], after[XLVS_CNT_MAX], sum = 0, t0, t1;
	uint32_t d, rv, bad = 0;
	long long deleted;
	double pk, pw;

	for (int i = 0; i < NEW_N; i++) {
		uint32_t sa;
		uint16_t sp;

		flow_client(next_flow++, &sa, &sp);
		frame_build(&fr[i], proto, sa, NET_VIP, sp, dport, udp ? 0 : TH_SYN);
		tb_conn_key(&keys[i], proto, sa, NET_VIP, sp, dport);
	}
	if (counters(before))
		return -1;
	t0 = now_ns();
	for (int i = 0; i < NEW_N; i++) {
		if (prog_run(&fr[i], 1, &rv, &d) || rv != XDP_TX)
			bad++;
		sum += d;
	}
	t1 = now_ns();
	if (counters(after))
		return -1;
	pass_batch(pass, &pk, &pw);
	if (bad || after[XLVS_CNT_CONNS_NEW] - before[XLVS_CNT_CONNS_NEW] != NEW_N)
		warn("%s/%u %s: %u of %d new flows not forwarded, %llu scheduled",
		     c->sched, c->n, udp ? "udp" : "tcp", bad, NEW_N,
		     (unsigned long long)(after[XLVS_CNT_CONNS_NEW] -
					  before[XLVS_CNT_CONNS_NEW]));
	*k_out = (double)sum / NEW_N - pk;
	*w_out = (double)(t1 - t0) / NEW_N - pw;
	deleted = conn_delete(keys, NEW_N);
	if (deleted != NEW_N)
		warn("deleting the measured flows: %lld of %d deleted",
		     deleted, NEW_N);
	return 0;
}

/* An established connection: SYN once, then the ACK, timed as runs of
 * repeat 1 (batch_timed): direct routing lowers the TTL now, so `repeat`
 * would run the program again on the frame the last run left, and after
 * 63 runs on one whose TTL has run out. */
static int est_hit(const struct cfg *c, const struct bench_frame *pass,
		   double floor, double *out)
{
	struct bench_frame syn, ack;
	struct xlvs_conn_key key;
	uint32_t sa, rv, d;
	uint16_t sp;
	double w;
	int bad;

	flow_client(next_flow++, &sa, &sp);
	frame_build(&syn, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_SYN);
	frame_build(&ack, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_ACK);
	tb_conn_key(&key, IPPROTO_TCP, sa, NET_VIP, sp, c->tport);
	if (prog_run(&syn, 1, &rv, &d) || rv != XDP_TX) {
		warn("%s/%u: SYN not forwarded (verdict %u)", c->sched, c->n, rv);
		return -1;
	}
	*out = batch_timed(&ack, XDP_TX, pass, floor, &w, &bad);
	bpf_map_delete_elem(conn_fd_of(&key), &key);
	if (bad) {
		warn("%s/%u: %d established ACKs not forwarded", c->sched, c->n, bad);
		return -1;
	}
	return 0;
}

/*
 * Where an established connection's time goes: the fast path's pieces,
 * each alone in a program of its own (anatomy.bpf.c), timed the same way,
 * against the same connection shards and the same routes and neighbours.
 */
static int anatomy(void)
{
	const struct cfg c0 = cfg_of(0), *c = &c0;   /* rr, 2 */
	struct anatomy_bpf *sk;
	struct bench_frame syn, ack;
	struct xlvs_conn_key key;
	uint32_t sa, rv, d;
	uint16_t sp;
	struct xlvs_conn_key nkey;
	int fds[NANAT], rc;

	flow_client(next_flow++, &sa, &sp);
	frame_build(&syn, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_SYN);
	frame_build(&ack, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_ACK);
	tb_conn_key(&key, IPPROTO_TCP, sa, NET_VIP, sp, c->tport);
	if (prog_run(&syn, 1, &rv, &d) || rv != XDP_TX)
		return -1;
	sk = anatomy_bpf__open();
	if (!sk)
		return -1;
	sk->rodata->client_ip = htonl(sa);
	sk->rodata->rs_ip = htonl(rs_addr(0));
	/* The shard that holds the measured connection, and the array of all. */
	rc = bpf_map__reuse_fd(sk->maps.conn, conn_fd_of(&key));
	if (!rc)
		rc = bpf_map__reuse_fd(sk->maps.conn_shards, env.t.conn_fd);
	if (!rc)
		rc = bpf_map__reuse_fd(sk->maps.dest_conns, env.t.dest_conns_fd);
	if (!rc)
		rc = anatomy_bpf__load(sk);
	/* The insert's key: a new flow that belongs in the same shard. */
	do {
		flow_client(next_flow++, &sa, &sp);
		tb_conn_key(&nkey, IPPROTO_TCP, sa, NET_VIP, sp, c->tport);
	} while (env_shard(&nkey) != env_shard(&key));
	if (!rc) {
		memcpy(&sk->bss->conn_key, &key, sizeof(key));
		memcpy(&sk->bss->new_key, &nkey, sizeof(nkey));
	}
	if (rc) {
		fprintf(stderr, "micro: anatomy: %s\n", strerror(-rc));
		anatomy_bpf__destroy(sk);
		return -1;
	}
	fds[0] = bpf_program__fd(sk->progs.a_empty);
	fds[1] = bpf_program__fd(sk->progs.a_ktime);
	fds[2] = bpf_program__fd(sk->progs.a_conn_lookup);
	fds[3] = bpf_program__fd(sk->progs.a_fib_lookup);
	fds[4] = bpf_program__fd(sk->progs.a_ktime_coarse);
	fds[5] = bpf_program__fd(sk->progs.a_fib_lookup_direct);
	fds[6] = bpf_program__fd(sk->progs.a_conn_insert);
	fds[7] = bpf_program__fd(sk->progs.a_conn_lookup_sharded);
	fds[8] = bpf_program__fd(sk->progs.a_loop_empty);
	fds[9] = bpf_program__fd(sk->progs.a_loop_lookup);
	for (int r = 0; r < REPS && !rc; r++)
		for (int i = 0; i < NANAT; i++) {
			static const uint32_t want[NANAT] = { XDP_PASS, XDP_PASS,
				XDP_PASS, XDP_TX, XDP_PASS, XDP_TX, XDP_PASS,
				XDP_PASS, XDP_PASS, XDP_PASS };

			rc = prog_run_fd(fds[i], &ack, anat_per_step[i] ?
					 LOOP_REPEAT : REPEAT, &rv, &d);
			if (rc || rv != want[i]) {
				warn("anatomy: %s: verdict %u", anat_name[i], rv);
				rc = -1;
				break;
			}
			anat[i][r] = d;
		}
	/* per step: the loop program less the empty program, over the steps */
	for (int r = 0; r < REPS && !rc; r++)
		for (int i = 0; i < NANAT; i++)
			if (anat_per_step[i])
				anat[i][r] = (anat[i][r] - anat[0][r]) / LOOP_STEPS;
	anatomy_bpf__destroy(sk);
	bpf_map_delete_elem(conn_fd_of(&key), &key);
	bpf_map_delete_elem(conn_fd_of(&nkey), &nkey);
	return rc;
}

static void fmtn(char *buf, size_t len, const double *v, int n)
{
	double lo = v[0], hi = v[0];

	for (int i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	snprintf(buf, len, "%.0f (%.0f-%.0f)", median((double *)v, n), lo, hi);
}

static void fmt(char *buf, size_t len, const double *v)
{
	fmtn(buf, len, v, REPS);
}

/* Repetitions of config c: fewer for the 1024-server rows. */
static int reps_of(size_t c)
{
	return sizes[c % NSIZE].n >= 1024 ? REPS_BIG : REPS;
}

static char jit[16] = "?";   /* read before leaving the host's netns */
static char srso[128] = "?";

static void machine(FILE *o)
{
	char line[256], model[256] = "?";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *p = strchr(line, ':');

			snprintf(model, sizeof(model), "%s", p ? p + 2 : line);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	fprintf(o, "Machine: %ld CPUs (`nproc`), %s, kernel %s %s, "
		"bpf_jit_enable=%s, SRSO mitigation: %s.  Runs pinned to CPU 0.\n\n",
		sysconf(_SC_NPROCESSORS_ONLN), model, u.release, u.machine, jit,
		srso);
}

/* How a new connection's cost grows with the servers, per scheduler: the
 * kernel-timed medians at each size and the rise per server from 2 to 1024. */
static void scaling(FILE *o)
{
	fprintf(o, "\nHow a new connection's cost scales with the number of real "
		"servers n (kernel-timed medians, 2 / 64 / 1024 servers, and the "
		"rise from 2 to 1024 divided by the 1022 servers added):\n\n");
	for (size_t w = 0; w < NROW; w++) {
		double m[2][NSIZE];

		if (!rows[w].scaling)
			continue;
		for (int u = 0; u < 2; u++)
			for (int z = 0; z < NSIZE; z++) {
				size_t c = w * NSIZE + (size_t)z;

				m[u][z] = median(new_k[c][u], reps_of(c));
			}
		fprintf(o, "* **%s**: %s.  New TCP %.0f / %.0f / %.0f ns "
			"(%+.1f ns per server), new UDP %.0f / %.0f / %.0f ns "
			"(%+.1f ns per server).\n", rows[w].label, rows[w].scaling,
			m[0][0], m[0][1], m[0][2], (m[0][2] - m[0][0]) / 1022,
			m[1][0], m[1][1], m[1][2], (m[1][2] - m[1][0]) / 1022);
	}
}

static void report(FILE *o, const char *mem_md, double secs)
{
	char a[64], b[64], c2[64], d[64], e[64], big[64] = "";

	if (REPS_BIG < REPS)
		snprintf(big, sizeof(big), " (%d for the 1024-server rows)",
			 REPS_BIG);
	fprintf(o, "# xlvs data-plane micro-benchmarks\n\n");
	machine(o);
	fprintf(o, "## Nanoseconds per packet\n\n"
		"Median of %d repetitions%s, "
		"(min-max) after it.  \"est. TCP\" is "
		"an ACK of an existing connection; \"new TCP\" a SYN of a "
		"connection the table has never seen; \"new UDP\" the first "
		"datagram of a flow.  The kernel-timed and wall-clock columns "
		"are two measurements of the same runs (method below).  Every "
		"server has one active connection when a row is measured, except "
		"in the \"idle servers\" rows, where none has any.\n\n",
		REPS, big);
	fmt(a, sizeof(a), pass_floor);
	fprintf(o, "Floor, a TCP packet to an address with no service "
		"(XDP_PASS): **%s ns**.\n\n", a);
	fprintf(o, "| scheduler | real servers | est. TCP | new TCP (kernel) | "
		"new TCP (wall) | new UDP (kernel) | new UDP (wall) |\n"
		"|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t c = 0; c < NCFG; c++) {
		int n = reps_of(c);

		fmtn(a, sizeof(a), hit[c], n);
		fmtn(b, sizeof(b), new_k[c][0], n);
		fmtn(c2, sizeof(c2), new_w[c][0], n);
		fmtn(d, sizeof(d), new_k[c][1], n);
		fmtn(e, sizeof(e), new_w[c][1], n);
		fprintf(o, "| %s | %u | %s | %s | %s | %s | %s |\n",
			rows[c / NSIZE].label, sizes[c % NSIZE].n, a, b, c2, d, e);
	}
	scaling(o);
	fmt(a, sizeof(a), pass1_k);
	fmt(b, sizeof(b), pass1_w);
	fprintf(o, "\nCorrections subtracted (medians): one pass run with "
		"repeat=1 takes %s ns by the kernel's clock (the floor plus the "
		"timer's own cost when it times a single run) and %s ns of wall "
		"time per BPF_PROG_TEST_RUN system call.\n\n", a, b);
	fprintf(o, "\nWhere an established connection's time goes: the fast "
		"path's costly pieces, each alone in an XDP program of its own "
		"(`bench/micro/anatomy.bpf.c`), timed like the floor (repeat=%d; "
		"the loops repeat=%d, and their rows are per step: the run less the "
		"empty program, over %d steps), against the table's own connection "
		"shards, `dest_conns` and the same route and neighbour; medians in "
		"ns:\n\n| piece | ns |\n|---|---:|\n",
		REPEAT, LOOP_REPEAT, LOOP_STEPS);
	for (int i = 0; i < NANAT; i++) {
		if (anat_per_step[i]) {
			double lo = anat[i][0], hi = anat[i][0];

			for (int r = 1; r < REPS; r++) {
				lo = anat[i][r] < lo ? anat[i][r] : lo;
				hi = anat[i][r] > hi ? anat[i][r] : hi;
			}
			snprintf(a, sizeof(a), "%.1f (%.1f-%.1f)",
				 median(anat[i], REPS), lo, hi);
		} else {
			fmt(a, sizeof(a), anat[i]);
		}
		fprintf(o, "| %s | %s |\n", anat_name[i], a);
	}
	fmt(a, sizeof(a), hit[0]);
	fprintf(o, "| the whole xlvs program, est. TCP (rr, 2; runs of repeat 1, see the method) | %s |\n\n", a);
	fprintf(o,
"### Method\n\n"
"* The XDP program runs with `BPF_PROG_TEST_RUN` in a private network and "
"mount namespace with its own bpffs (`XLVS_PIN_ROOT`), as the data-plane "
"tests do.  The veth `" BENCH_DEV "` is 10.0.0.1/16; the 1024 real servers "
"10.0.16.0-10.0.19.255 have permanent neighbour entries, so every forwarded "
"packet takes the full path including `bpf_fib_lookup` and ends in "
"`XDP_TX` (checked for every run).  The table is created with the default "
"--conn-max (1048576: 1024 shards of 1024 and their head-room).  One TCP and one UDP service per "
"size on 10.0.0.100, weights 8193, 8194, ... 8197, 8193, ... (8192, the "
"batch of new flows, plus 1 to 5; rr and lc ignore them); a "
"row sets their scheduler with `xlvs_service_edit` (as `ipvsadm -E -s`, "
"so all the schedulers' 1024-server services need not fit in the table's "
"16384 real servers at once).\n"
"* Connection counts: before each measurement every real server of the "
"service is set (in `dest_conns`) to one active connection, no inactive "
"one and no overload (\"idle servers\": no connection at all).  The "
"measured flows are deleted from user space, which does not count them "
"down, so this puts every measurement in the same state.  It matters only "
"to nq, which takes the first idle server it meets: with one active "
"connection each, nq passes over all n like lc, wlc, sed, fo and ovf; "
"ovf's weights exceed a whole batch plus its one active connection, so no "
"server is passed over for overflow.  A new UDP flow adds an inactive "
"connection; a new SYN an active one (SYN_RECV counts as active since "
"Linux 4.8), so in the TCP column of the \"idle servers\" rows only the "
"batch's first n flows find an idle server and the rest pass over all n "
"as sed does (the UDP column is the idle case).\n"
"* Repetitions: %d of everything, rows of 1024 servers included (a "
"1024-server scan's 8192 new flows still take under 0.2 s).\n"
"* Floor: one frame with `repeat`=%d; the kernel reports the mean ns per "
"run.  Est. TCP: the ACK of a connection one SYN created, timed as the new "
"flows below are (%d runs of `repeat`=1, less as many pass runs, plus the "
"floor; each run on a fresh copy), since direct routing lowers the TTL "
"and `repeat` would run again on the frame the last run left.\n"
"* New flows: `repeat` cannot measure them, because the frame's second run "
"already finds the connection.  So %d distinct frames (a new client "
"address/port each) are run once each (`repeat`=1), and every one of them "
"really is scheduled and inserted (the `conns_new` counter is checked):\n"
"  * *kernel*: the mean of the kernel's per-run duration over the %d runs, "
"minus the same mean for a pass frame run the same way right after, plus "
"the floor.  With repeat=1 the kernel's timer adds "
"its own clock reads to the one run; the pass runs carry the same "
"overhead, so it cancels.\n"
"  * *wall*: `clock_gettime` around the whole batch of %d system calls, "
"divided by %d, minus the wall time per call of the same number of pass "
"runs timed the same way, plus the floor: the system call's own cost "
"cancels out, its noise does not.\n"
"  * The flows of each measurement are deleted from the connection shards "
"(grouped by shard, one `bpf_map_delete_batch` per shard) afterwards, so every measurement starts from a nearly empty table.  Both "
"columns include the cold caches a first packet meets after a system "
"call; a tight `repeat` loop would not.\n\n",
		REPS, REPEAT, NEW_N, NEW_N, NEW_N, NEW_N, NEW_N);
	paths_report(o, paths_reps, paths_reps ? median(hit[0], paths_reps) : 0);
	fputs(mem_md, o);
	if (warnings[0])
		fprintf(o, "\n## Warnings\n\n```\n%s```\n", warnings);
	fprintf(o, "\nWhole run: %.0f s.\n", secs);
}

int main(int argc, char **argv)
{
	const char *out_path = argc > 1 ? argv[1] : NULL;
	static char mem_md[32768];
	struct bench_frame pass, *fr;
	struct xlvs_conn_key *keys;
	uint64_t t_start = now_ns();
	uint32_t rv, d;
	FILE *o;

	FILE *jf = fopen("/proc/sys/net/core/bpf_jit_enable", "r");

	if (jf && fgets(jit, sizeof(jit), jf))
		jit[strcspn(jit, "\n")] = 0;
	if (jf)
		fclose(jf);
	jf = fopen("/sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow", "r");
	if (jf && fgets(srso, sizeof(srso), jf))
		srso[strcspn(srso, "\n")] = 0;
	if (jf)
		fclose(jf);
	atexit(table_remove);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (out_path && !strcmp(out_path, "--flows"))
		return flows_main(argc - 2, argv + 2);
	if (out_path && !strcmp(out_path, "--newconn"))
		return newconn_main(argc - 2, argv + 2);
	fr = calloc(NEW_N, sizeof(*fr));
	keys = calloc(NEW_N, sizeof(*keys));
	if (!fr || !keys || env_setup() || table_create(0) || services_setup() ||
	    paths_setup())
		return 1;
	frame_build(&pass, IPPROTO_TCP, NET_CLIENT, NET_OTHER_IP, 40000, 80,
		    TH_SYN);
	if (prog_run(&pass, 1, &rv, &d) || rv != XDP_PASS) {
		fprintf(stderr, "micro: pass frame: verdict %u\n", rv);
		return 1;
	}
	fprintf(stderr, "micro: table ready after %.1f s\n",
		(now_ns() - t_start) / 1e9);
	for (int r = 0; r < (getenv("MICRO_SKIP_SPEED") ? 0 : REPS); r++) {
		if (prog_run(&pass, REPEAT, &rv, &d))
			return 1;
		pass_floor[r] = d;
		pass_batch(&pass, &pass1_k[r], &pass1_w[r]);
		for (size_t c = 0; c < NCFG; c++) {
			const struct row *w = &rows[c / NSIZE];
			const struct cfg cf = cfg_of(c);
			int z = (int)(c % NSIZE);

			if (z == 0 && sched_set(w->sched))
				return 1;
			if (r >= reps_of(c))
				continue;
			if (counts_set(z, 0, w->busy) || est_hit(&cf, &pass, pass_floor[r], &hit[c][r]))
				return 1;
			for (int u = 0; u < 2; u++)
				if (counts_set(z, u, w->busy) ||
				    new_flows(&cf, u, &pass, fr, keys,
					      &new_k[c][u][r], &new_w[c][u][r]))
					return 1;
			/* both columns: the floor added back (see method) */
			for (int u = 0; u < 2; u++) {
				new_k[c][u][r] += pass_floor[r];
				new_w[c][u][r] += pass_floor[r];
			}
		}
		if (paths_rep(r, &pass, pass_floor[r], &next_flow, fr, keys))
			return 1;
		paths_reps = r + 1;
		fprintf(stderr, "micro: speed repetition %d done\n", r + 1);
	}
	if (sched_set("rr") || anatomy())
		warn("anatomy of the fast path could not be measured");
	paths_close();
	table_remove_wait();
	if (getenv("MICRO_SKIP_MEM"))
		snprintf(mem_md, sizeof(mem_md), "(memory figure skipped)\n");
	else if (mem_bench(mem_md, sizeof(mem_md)))
		return 1;
	if (!getenv("MICRO_SKIP_SWEEP")) {
		size_t used = strlen(mem_md);

		snprintf(mem_md + used, sizeof(mem_md) - used, "\n");
		used = strlen(mem_md);
		if (sweep_bench(mem_md + used, sizeof(mem_md) - used))
			return 1;
	}
	o = out_path ? fopen(out_path, "w") : stdout;
	if (!o) {
		perror(out_path);
		return 1;
	}
	report(o, mem_md, (now_ns() - t_start) / 1e9);
	if (o != stdout)
		fclose(o);
	return 0;
}
