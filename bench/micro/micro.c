// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs data-plane micro-benchmarks (bench/micro/run writes the report):
 *  1. ns per packet through the XDP program, by BPF_PROG_TEST_RUN: the pass
 *     path, an established TCP connection, a new TCP connection and a new
 *     UDP flow, for rr and wrr at 2, 64 and 1024 real servers;
 *  2. kernel memory per tracked connection at one million (mem.c).
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

#define REPEAT   500000   /* runs per repeated measurement */
#define NEW_N    8192     /* distinct new flows per new-flow measurement */
#define TH_SYN   0x02
#define TH_ACK   0x10

struct cfg {
	const char *sched;
	unsigned int n;
	uint16_t tport, uport;
};

static struct cfg cfgs[] = {
	{ "rr", 2, 0, 0 },  { "rr", 64, 0, 0 },  { "rr", 1024, 0, 0 },
	{ "wrr", 2, 0, 0 }, { "wrr", 64, 0, 0 }, { "wrr", 1024, 0, 0 },
};
#define NCFG (sizeof(cfgs) / sizeof(cfgs[0]))

/* Per repetition. */
static double pass_floor[REPS];            /* pass, repeat = REPEAT */
static double hit[NCFG][REPS];             /* TCP ACK, existing connection */
static double new_k[NCFG][2][REPS];        /* new flow, kernel-timed: [tcp, udp] */
static double new_w[NCFG][2][REPS];        /* new flow, wall-clock batch */
static double pass1_k[REPS], pass1_w[REPS];/* pass with repeat = 1 */
#define NANAT 8
static double anat[NANAT][REPS];           /* anatomy.bpf.c, see below */
static const char *const anat_name[NANAT] = {
	"empty XDP program (the test loop itself)",
	"*alternative:* `bpf_ktime_get_ns()` (the packet path's clock before)",
	"conn shard lookup (40-byte key, hit, one 16384-entry LRU hash)",
	"`bpf_fib_lookup()` to a real server, flags 0 (as xlvs on a next-hop cache miss)",
	"`bpf_ktime_get_coarse_ns()` (as xlvs)",
	"*alternative:* `bpf_fib_lookup()` with `BPF_FIB_LOOKUP_DIRECT`",
	"conn shard insert (`bpf_map_update_elem`, LRU hash)",
	"conn lookup as xlvs: `xlvs_conn_shard()` + shard array + shard lookup",
};
static char warnings[4096];
static uint64_t next_flow;

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

static struct xlvs_endpoint ep(uint32_t addr, uint16_t port)
{
	struct xlvs_endpoint e = { .af = 4, .port = port };

	e.addr[0] = addr >> 24;
	e.addr[1] = (addr >> 16) & 0xff;
	e.addr[2] = (addr >> 8) & 0xff;
	e.addr[3] = addr & 0xff;
	return e;
}

static int services_setup(void)
{
	uint16_t port = 8000;

	for (size_t c = 0; c < NCFG; c++) {
		cfgs[c].tport = port++;
		cfgs[c].uport = port++;
		for (int u = 0; u < 2; u++) {
			uint8_t proto = u ? IPPROTO_UDP : IPPROTO_TCP;
			uint16_t p = u ? cfgs[c].uport : cfgs[c].tport;
			struct xlvs_service_conf sc = { .proto = proto,
							.vip = ep(NET_VIP, p) };
			struct xlvs_endpoint vip = sc.vip;
			int rc;

			strncpy(sc.sched, cfgs[c].sched, sizeof(sc.sched) - 1);
			rc = xlvs_service_add(&env.t, &sc);
			if (rc) {
				fprintf(stderr, "micro: service_add: %s\n", strerror(-rc));
				return rc;
			}
			for (unsigned int i = 0; i < cfgs[c].n; i++) {
				bool wrr = !strcmp(cfgs[c].sched, "wrr");
				struct xlvs_dest_conf d = {
					.addr = ep(rs_addr(i), p),
					.fwd = XLVS_FWD_DROUTE,
					.weight = wrr ? 1 + (int32_t)(i % 5) : 1,
				};

				rc = xlvs_dest_add(&env.t, proto, &vip, &d);
				if (rc) {
					fprintf(stderr, "micro: dest_add %u: %s\n",
						i, strerror(-rc));
					return rc;
				}
			}
		}
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
static void pass_batch(const struct frame *pass, double *k, double *w)
{
	uint64_t sum = 0, t0, t1;
	uint32_t d, rv;

	t0 = now_ns();
	for (int i = 0; i < NEW_N; i++) {
		prog_run(pass, 1, &rv, &d);
		sum += d;
	}
	t1 = now_ns();
	*k = (double)sum / NEW_N;
	*w = (double)(t1 - t0) / NEW_N;
}

/*
 * NEW_N distinct new flows, each frame run once (repeat 1): the kernel's
 * duration of each run is the time of that one first packet.  Then NEW_N
 * pass runs the same way, for the correction.  The flows are deleted after,
 * so every measurement starts from the same table.
 */
static int new_flows(const struct cfg *c, int udp, const struct frame *pass,
		     struct frame *fr, struct xlvs_conn_key *keys,
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
		conn_key_build(&keys[i], proto, sa, NET_VIP, sp, dport);
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

/* An established connection: SYN once, then the ACK repeated. */
static int est_hit(const struct cfg *c, double *out)
{
	struct frame syn, ack;
	struct xlvs_conn_key key;
	uint32_t sa, rv, d;
	uint16_t sp;

	flow_client(next_flow++, &sa, &sp);
	frame_build(&syn, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_SYN);
	frame_build(&ack, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_ACK);
	conn_key_build(&key, IPPROTO_TCP, sa, NET_VIP, sp, c->tport);
	if (prog_run(&syn, 1, &rv, &d) || rv != XDP_TX ||
	    prog_run(&ack, REPEAT, &rv, &d) || rv != XDP_TX) {
		warn("%s/%u: established ACK not forwarded (verdict %u)",
		     c->sched, c->n, rv);
		return -1;
	}
	*out = d;
	bpf_map_delete_elem(conn_fd_of(&key), &key);
	return 0;
}

/*
 * Where an established connection's time goes: the fast path's pieces,
 * each alone in a program of its own (anatomy.bpf.c), timed the same way,
 * against the same connection shards and the same routes and neighbours.
 */
static int anatomy(void)
{
	const struct cfg *c = &cfgs[0];
	struct anatomy_bpf *sk;
	struct frame syn, ack;
	struct xlvs_conn_key key;
	uint32_t sa, rv, d;
	uint16_t sp;
	struct xlvs_conn_key nkey;
	int fds[NANAT], rc;

	flow_client(next_flow++, &sa, &sp);
	frame_build(&syn, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_SYN);
	frame_build(&ack, IPPROTO_TCP, sa, NET_VIP, sp, c->tport, TH_ACK);
	conn_key_build(&key, IPPROTO_TCP, sa, NET_VIP, sp, c->tport);
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
		rc = anatomy_bpf__load(sk);
	/* The insert's key: a new flow that belongs in the same shard. */
	do {
		flow_client(next_flow++, &sa, &sp);
		conn_key_build(&nkey, IPPROTO_TCP, sa, NET_VIP, sp, c->tport);
	} while (xlvs_conn_shard(&nkey) != xlvs_conn_shard(&key));
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
	for (int r = 0; r < REPS && !rc; r++)
		for (int i = 0; i < NANAT; i++) {
			static const uint32_t want[NANAT] = { XDP_PASS, XDP_PASS,
				XDP_PASS, XDP_TX, XDP_PASS, XDP_TX, XDP_PASS,
				XDP_PASS };

			rc = prog_run_fd(fds[i], &ack, REPEAT, &rv, &d);
			if (rc || rv != want[i]) {
				warn("anatomy: %s: verdict %u", anat_name[i], rv);
				rc = -1;
				break;
			}
			anat[i][r] = d;
		}
	anatomy_bpf__destroy(sk);
	bpf_map_delete_elem(conn_fd_of(&key), &key);
	bpf_map_delete_elem(conn_fd_of(&nkey), &nkey);
	return rc;
}

static void fmt(char *buf, size_t len, const double *v)
{
	double lo = v[0], hi = v[0];

	for (int i = 1; i < REPS; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	snprintf(buf, len, "%.0f (%.0f-%.0f)", median((double *)v, REPS), lo, hi);
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

static void report(FILE *o, const char *mem_md, double secs)
{
	char a[64], b[64], c2[64], d[64], e[64];

	fprintf(o, "# xlvs data-plane micro-benchmarks\n\n");
	machine(o);
	fprintf(o, "## Nanoseconds per packet\n\n"
		"Median of %d repetitions, (min-max) after it.  \"est. TCP\" is "
		"an ACK of an existing connection; \"new TCP\" a SYN of a "
		"connection the table has never seen; \"new UDP\" the first "
		"datagram of a flow.  The kernel-timed and wall-clock columns "
		"are two measurements of the same runs (method below).\n\n",
		REPS);
	fmt(a, sizeof(a), pass_floor);
	fprintf(o, "Floor, a TCP packet to an address with no service "
		"(XDP_PASS): **%s ns**.\n\n", a);
	fprintf(o, "| scheduler | real servers | est. TCP | new TCP (kernel) | "
		"new TCP (wall) | new UDP (kernel) | new UDP (wall) |\n"
		"|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t c = 0; c < NCFG; c++) {
		fmt(a, sizeof(a), hit[c]);
		fmt(b, sizeof(b), new_k[c][0]);
		fmt(c2, sizeof(c2), new_w[c][0]);
		fmt(d, sizeof(d), new_k[c][1]);
		fmt(e, sizeof(e), new_w[c][1]);
		fprintf(o, "| %s | %u | %s | %s | %s | %s | %s |\n",
			cfgs[c].sched, cfgs[c].n, a, b, c2, d, e);
	}
	fmt(a, sizeof(a), pass1_k);
	fmt(b, sizeof(b), pass1_w);
	fprintf(o, "\nCorrections subtracted (medians): one pass run with "
		"repeat=1 takes %s ns by the kernel's clock (the floor plus the "
		"timer's own cost when it times a single run) and %s ns of wall "
		"time per BPF_PROG_TEST_RUN system call.\n\n", a, b);
	fprintf(o, "\nWhere an established connection's time goes: the fast "
		"path's costly pieces, each alone in an XDP program of its own "
		"(`bench/micro/anatomy.bpf.c`), timed like the floor (repeat=%d), "
		"against the table's own connection shards and the same route and "
		"neighbour; medians in ns:\n\n| piece | ns |\n|---|---:|\n",
		REPEAT);
	for (int i = 0; i < NANAT; i++) {
		fmt(a, sizeof(a), anat[i]);
		fprintf(o, "| %s | %s |\n", anat_name[i], a);
	}
	fmt(a, sizeof(a), hit[0]);
	fprintf(o, "| the whole xlvs program, est. TCP (rr, 2) | %s |\n\n", a);
	fprintf(o,
"### Method\n\n"
"* The XDP program runs with `BPF_PROG_TEST_RUN` in a private network and "
"mount namespace with its own bpffs (`XLVS_PIN_ROOT`), as the data-plane "
"tests do.  The veth `" BENCH_DEV "` is 10.0.0.1/16; the 1024 real servers "
"10.0.16.0-10.0.19.255 have permanent neighbour entries, so every forwarded "
"packet takes the full path including `bpf_fib_lookup` and ends in "
"`XDP_TX` (checked for every run).  The table is created with the default "
"--conn-max (1048576: 64 shards of 16384).  One service per (scheduler, size, protocol) on "
"10.0.0.100; wrr weights are 1,2,3,4,5,1,2,...; rr weights all 1.\n"
"* Floor and est. TCP: one frame with `repeat`=%d; the kernel reports the "
"mean ns per run.  The ACK's connection was created by one SYN first.\n"
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
		REPEAT, NEW_N, NEW_N, NEW_N, NEW_N);
	fputs(mem_md, o);
	if (warnings[0])
		fprintf(o, "\n## Warnings\n\n```\n%s```\n", warnings);
	fprintf(o, "\nWhole run: %.0f s.\n", secs);
}

int main(int argc, char **argv)
{
	const char *out_path = argc > 1 ? argv[1] : NULL;
	static char mem_md[16384];
	struct frame pass, *fr;
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
	fr = calloc(NEW_N, sizeof(*fr));
	keys = calloc(NEW_N, sizeof(*keys));
	if (!fr || !keys || env_setup() || table_create(0) || services_setup())
		return 1;
	frame_build(&pass, IPPROTO_TCP, IP4(10, 0, 0, 9), NET_OTHER, 40000, 80,
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
			if (est_hit(&cfgs[c], &hit[c][r]))
				return 1;
			for (int u = 0; u < 2; u++)
				if (new_flows(&cfgs[c], u, &pass, fr, keys,
					      &new_k[c][u][r], &new_w[c][u][r]))
					return 1;
			/* both columns: the floor added back (see method) */
			for (int u = 0; u < 2; u++) {
				new_k[c][u][r] += pass_floor[r];
				new_w[c][u][r] += pass_floor[r];
			}
		}
		fprintf(stderr, "micro: speed repetition %d done\n", r + 1);
	}
	if (anatomy())
		warn("anatomy of the fast path could not be measured");
	table_remove_wait();
	if (getenv("MICRO_SKIP_MEM"))
		snprintf(mem_md, sizeof(mem_md), "(memory figure skipped)\n");
	else if (mem_bench(mem_md, sizeof(mem_md)))
		return 1;
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
