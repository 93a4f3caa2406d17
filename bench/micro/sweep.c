// SPDX-License-Identifier: GPL-2.0
/*
 * The expiry sweeper at one million connections, by its own account: how
 * long each tick held its CPU (counters sweep_hold_*, and the longest tick
 * of each pass in the timers map) and what share of a CPU its ticks took
 * (counter sweep_ns over the wall time), the recount's correction ticks
 * included.  Four cases, one table a repetition:
 *   - empty: the timer's own cost and the machine's stalls (the floor);
 *   - steady: FILL established connections bound to SWEEP_RS real
 *     servers, their counts written to match, nothing expiring;
 *   - over-full: OVER more on top, so every shard is past its limit and
 *     the sweeper evicts it down (by class: all are ESTABLISHED here);
 *   - mass expiry: the TCP timeout set to 1 s, so every entry left
 *     expires at the same moment and the sweeper takes them all out.
 * Entries are written from user space (bpf_map_update_batch, one batch per
 * shard), as mem.c does.  A tick's clock counts any time the hypervisor
 * or an interrupt took the CPU meanwhile, so the empty case shows what the
 * machine adds.
 */
#include "micro.h"
#include "testbed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#define SWEEP_CONN_MAX 1048576u
#define SWEEP_FILL     1000000u
#define SWEEP_OVER     400000u
#define SWEEP_CHUNK    65536u
#define SWEEP_RS       64
#define SWEEP_REPS     3
#define SWEEP_PORT     80
#define SWEEP_WAIT_NS  300000000000ull   /* a case's window at most */

enum sweep_case { SC_EMPTY, SC_STEADY, SC_OVER, SC_EXPIRE, SC_N };

static const char *const case_name[SC_N] = {
	"empty table (the floor)",
	"1M established, steady",
	"over-full (1M + 0.4M), evicting",
	"mass expiry (all at once)",
};

/* One case's window, by the sweeper's counters. */
struct sweep_fig {
	double secs;            /* the window */
	double passes;
	double share;           /* sweep_ns / wall */
	double tick_max_us;     /* the longest tick of the passes that ended in it */
	double ticks, ticks_long;
	double hist[6];         /* sweep_hold_* */
	double expired, evicted, healed, capped;
	double pass_s;          /* the last pass's length */
	double stall_max_ms;    /* a spinning thread's longest gap */
	double stall_ms_s;      /* ... its gaps over STALL_GAP_NS, ms a second */
};

#define STALL_SPIN_NS 1500000000ull
#define STALL_GAP_NS  100000ull

/* A thread on the sweeper's CPU (the benchmark is pinned to CPU 0, where
 * the loader armed the timer) reads the clock for STALL_SPIN_NS: every
 * gap is time the CPU was taken from it -- by the sweeper's ticks, and by
 * everything else the machine runs, which the empty case shows. */
static void stalls_measure(struct sweep_fig *f)
{
	uint64_t start = now_ns(), prev = start, t, worst = 0, sum = 0;

	do {
		t = now_ns();
		if (t - prev > worst)
			worst = t - prev;
		if (t - prev > STALL_GAP_NS)
			sum += t - prev;
		prev = t;
	} while (t - start < STALL_SPIN_NS);
	f->stall_max_ms = (double)worst / 1e6;
	f->stall_ms_s = (double)sum / 1e6 / ((double)(t - start) / 1e9);
}

struct sweep_rs {
	uint32_t id[SWEEP_RS], gen[SWEEP_RS];
	int32_t active[SWEEP_RS];
};

static int sweep_service(struct sweep_rs *rs)
{
	struct xlvs_service_conf sc = { .proto = IPPROTO_TCP,
					.vip = tb_ep(NET_VIP, SWEEP_PORT),
					.sched = "rr" };
	struct xlvs_dest d;
	int rc = xlvs_service_add(&env.t, &sc), n = 0;

	for (unsigned int i = 0; !rc && i < SWEEP_RS; i++) {
		struct xlvs_dest_conf dc = { .addr = tb_ep(rs_addr(i), SWEEP_PORT),
					     .fwd = XLVS_FWD_DROUTE, .weight = 1 };

		rc = xlvs_dest_add(&env.t, IPPROTO_TCP, &sc.vip, &dc);
	}
	if (rc) {
		fprintf(stderr, "micro: sweep service: %s\n", strerror(-rc));
		return rc;
	}
	for (uint32_t id = 0; id < XLVS_DEST_MAX && n < SWEEP_RS; id++)
		if (!bpf_map_lookup_elem(env.t.dest_fd, &id, &d) && d.gen &&
		    ntohs(d.port) == SWEEP_PORT) {
			rs->id[n] = id;
			rs->gen[n] = d.gen;
			rs->active[n++] = 0;
		}
	return n == SWEEP_RS ? 0 : -1;
}

/* Connections first .. first + n - 1, ESTABLISHED and fresh, bound round
 * robin; each chunk grouped by shard and written one batch per shard. */
static int sweep_fill(struct sweep_rs *rs, uint32_t first, uint32_t n,
		      struct xlvs_conn_key *keys, struct xlvs_conn *vals,
		      struct xlvs_conn_key *gkeys, struct xlvs_conn *gvals)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	static uint32_t start[XLVS_CONN_SHARDS + 1];

	for (uint32_t base = 0; base < n; base += SWEEP_CHUNK) {
		uint32_t m = n - base < SWEEP_CHUNK ? n - base : SWEEP_CHUNK;
		uint64_t now = now_ns();

		for (uint32_t i = 0; i < m; i++) {
			uint32_t f = first + base + i, sa;
			uint16_t sp;

			flow_client(f, &sa, &sp);
			tb_conn_key(&keys[i], IPPROTO_TCP, sa, NET_VIP, sp,
				    SWEEP_PORT);
			memset(&vals[i], 0, sizeof(vals[i]));
			vals[i].last_ns = now;
			vals[i].dest_id = rs->id[f % SWEEP_RS];
			vals[i].dest_gen = rs->gen[f % SWEEP_RS];
			vals[i].state = XLVS_TCP_ESTABLISHED;
			vals[i].tag = f * 2654435761u | 1;
		}
		conn_group(keys, vals, m, gkeys, gvals, start);
		for (uint32_t s = 0; s < env_nshards(); s++) {
			uint32_t cnt = start[s + 1] - start[s];

			if (cnt && bpf_map_update_batch(env.shard_fd[s],
							gkeys + start[s],
							gvals + start[s], &cnt, &o)) {
				fprintf(stderr, "micro: sweep fill, shard %u: %s\n",
					s, strerror(errno));
				return -1;
			}
		}
	}
	/* What the packet path would have counted (ESTABLISHED is active);
	 * anything the fill got wrong, the recount heals. */
	for (uint32_t f = first; f < first + n; f++)
		rs->active[f % SWEEP_RS]++;
	for (int i = 0; i < SWEEP_RS; i++) {
		struct xlvs_dest_conns dc = { .active = rs->active[i] };

		if (bpf_map_update_elem(env.t.dest_conns_fd, &rs->id[i], &dc,
					BPF_EXIST))
			return -1;
	}
	return 0;
}

static int counters(uint64_t v[XLVS_CNT_MAX])
{
	return xlvs_counters_read(&env.t, v);
}

/* The longest tick of the pass that ended last (the timers map). */
static double last_tick_max_us(void)
{
	uint32_t k = XLVS_TIMER_SWEEP;
	struct xlvs_timer tm;

	return bpf_map_lookup_elem(env.t.timers_fd, &k, &tm) ? -1.0 : (double)tm.tick_max_us;
}

/* Until the pass under way ends (at most 60 s). */
static int pass_end_wait(void)
{
	uint64_t v0[XLVS_CNT_MAX], v1[XLVS_CNT_MAX], t = now_ns();

	if (counters(v0))
		return -1;
	do {
		usleep(2000);
		if (counters(v1))
			return -1;
	} while (v1[XLVS_CNT_SWEEP_PASSES] == v0[XLVS_CNT_SWEEP_PASSES] &&
		 now_ns() - t < 60000000000ull);
	return v1[XLVS_CNT_SWEEP_PASSES] == v0[XLVS_CNT_SWEEP_PASSES] ? -1 : 0;
}

/* From now until `passes` passes have ended (and, with gone, until the
 * expired and evicted entries add up to gone, then one more pass): the
 * sweeper's figures over that window. */
static int sweep_window(struct sweep_fig *f, int passes, double gone)
{
	uint64_t v0[XLVS_CNT_MAX], v1[XLVS_CNT_MAX], t0 = now_ns(), t1;
	uint64_t seen, target;
	double tmax = 0;

	if (counters(v0))
		return -1;
	seen = v0[XLVS_CNT_SWEEP_PASSES];
	target = seen + (uint64_t)passes;
	for (;;) {
		usleep(2000);
		if (counters(v1))
			return -1;
		t1 = now_ns();
		if (v1[XLVS_CNT_SWEEP_PASSES] != seen) {
			double m = last_tick_max_us();

			seen = v1[XLVS_CNT_SWEEP_PASSES];
			if (m > tmax)
				tmax = m;
			/* Not all gone yet: the window goes on a pass. */
			if (gone > 0 && seen >= target &&
			    (double)(v1[XLVS_CNT_CONNS_EXPIRED] - v0[XLVS_CNT_CONNS_EXPIRED] +
				     v1[XLVS_CNT_CONNS_EVICTED] - v0[XLVS_CNT_CONNS_EVICTED]) <
			    gone)
				target = seen + 1;
		}
		if (seen >= target)
			break;
		if (t1 - t0 > SWEEP_WAIT_NS) {
			fprintf(stderr, "micro: sweep window: %llu passes in %.0f s, "
				"%llu expired and %llu evicted of %.0f\n",
				(unsigned long long)(seen - v0[XLVS_CNT_SWEEP_PASSES]),
				SWEEP_WAIT_NS / 1e9,
				(unsigned long long)(v1[XLVS_CNT_CONNS_EXPIRED] -
						     v0[XLVS_CNT_CONNS_EXPIRED]),
				(unsigned long long)(v1[XLVS_CNT_CONNS_EVICTED] -
						     v0[XLVS_CNT_CONNS_EVICTED]), gone);
			return -1;
		}
	}
#define D(c) ((double)(v1[c] - v0[c]))
	f->secs = (double)(t1 - t0) / 1e9;
	f->passes = D(XLVS_CNT_SWEEP_PASSES);
	f->share = D(XLVS_CNT_SWEEP_NS) / (double)(t1 - t0);
	f->tick_max_us = tmax;
	f->ticks = D(XLVS_CNT_SWEEP_TICKS);
	f->ticks_long = D(XLVS_CNT_SWEEP_TICKS_LONG);
	for (int i = 0; i < 6; i++)
		f->hist[i] = D(XLVS_CNT_SWEEP_HOLD_100US + i);
	f->expired = D(XLVS_CNT_CONNS_EXPIRED);
	f->evicted = D(XLVS_CNT_CONNS_EVICTED);
	f->healed = D(XLVS_CNT_COUNTS_HEALED);
	f->capped = D(XLVS_CNT_SWEEP_CAPPED);
#undef D
	{
		uint32_t k = XLVS_TIMER_SWEEP;
		struct xlvs_timer tm;

		f->pass_s = bpf_map_lookup_elem(env.t.timers_fd, &k, &tm) ? 0 :
			    tm.pass_ms / 1000.0;
	}
	return 0;
}

static void case_note(const struct sweep_fig f[SC_N], int c)
{
	fprintf(stderr, "micro: sweeper, %s: %.1f s, %.0f passes, longest tick "
		"%.0f us, %.0f of %.0f ticks over 0.5 ms, %.2f %% of a CPU, "
		"%.0f expired, %.0f evicted, %.0f healed, %.0f capped\n",
		case_name[c], f[c].secs, f[c].passes, f[c].tick_max_us,
		f[c].ticks_long, f[c].ticks, f[c].share * 100, f[c].expired,
		f[c].evicted, f[c].healed, f[c].capped);
}

/* The entries in the shards now, read back in batches. */
static long long shard_entries(struct xlvs_conn_key *keys, struct xlvs_conn *vals)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	long long total = 0;

	for (uint32_t s = 0; s < env_nshards(); s++) {
		uint32_t out_batch = 0, n;
		void *in = NULL;
		int rc;

		do {
			n = SWEEP_CHUNK;
			rc = bpf_map_lookup_batch(env.shard_fd[s], in, &out_batch,
						  keys, vals, &n, &o);
			if (rc && errno != ENOENT)
				return -1;
			total += n;
			in = &out_batch;
		} while (!rc);
	}
	return total;
}

static int sweep_rep(struct sweep_fig f[SC_N], struct xlvs_conn_key *keys,
		     struct xlvs_conn *vals, struct xlvs_conn_key *gkeys,
		     struct xlvs_conn *gvals)
{
	static struct sweep_rs rs;
	uint32_t tcp, fin, udp;
	long long left;
	int rc;

	memset(&rs, 0, sizeof(rs));
	if (table_create(SWEEP_CONN_MAX) || sweep_service(&rs))
		return -1;
	xlvs_timeouts_get(&env.t, &tcp, &fin, &udp);
	stalls_measure(&f[SC_EMPTY]);
	if (pass_end_wait() || sweep_window(&f[SC_EMPTY], 2, 0))
		return -1;
	case_note(f, SC_EMPTY);
	/* The pass the fill fell in corrects the counts by what it saw of
	 * it; the next one finds them right again. */
	if (sweep_fill(&rs, 0, SWEEP_FILL, keys, vals, gkeys, gvals) ||
	    pass_end_wait() || pass_end_wait())
		return -1;
	stalls_measure(&f[SC_STEADY]);
	if (sweep_window(&f[SC_STEADY], 2, 0))
		return -1;
	case_note(f, SC_STEADY);
	/* Evicted down to the shards' limits: what is over them goes. */
	if (sweep_fill(&rs, SWEEP_FILL, SWEEP_OVER, keys, vals, gkeys, gvals) ||
	    sweep_window(&f[SC_OVER], 2, 0))
		return -1;
	case_note(f, SC_OVER);
	/* Every entry left has been idle longer than 1 s. */
	if (pass_end_wait())
		return -1;
	left = shard_entries(keys, vals);
	if (left < 0)
		return -1;
	rc = xlvs_timeouts_set(&env.t, 1, 0, 0);
	if (rc) {
		fprintf(stderr, "micro: timeouts: %s\n", strerror(-rc));
		return -1;
	}
	if (sweep_window(&f[SC_EXPIRE], 1, (double)left))
		return -1;
	case_note(f, SC_EXPIRE);
	(void)xlvs_timeouts_set(&env.t, tcp, 0, 0);
	table_remove_wait();
	return 0;
}

static double fig_med(const struct sweep_fig r[][SC_N], int reps, int c, size_t off)
{
	double v[SWEEP_REPS];

	for (int i = 0; i < reps; i++)
		v[i] = *(const double *)((const char *)&r[i][c] + off);
	return median(v, reps);
}

static double fig_max(const struct sweep_fig r[][SC_N], int reps, int c, size_t off)
{
	double m = 0;

	for (int i = 0; i < reps; i++) {
		double v = *(const double *)((const char *)&r[i][c] + off);

		if (v > m)
			m = v;
	}
	return m;
}

int sweep_bench(char *out, size_t len)
{
	struct xlvs_conn_key *keys = calloc(SWEEP_CHUNK, sizeof(*keys));
	struct xlvs_conn *vals = calloc(SWEEP_CHUNK, sizeof(*vals));
	struct xlvs_conn_key *gkeys = calloc(SWEEP_CHUNK, sizeof(*gkeys));
	struct xlvs_conn *gvals = calloc(SWEEP_CHUNK, sizeof(*gvals));
	static struct sweep_fig r[SWEEP_REPS][SC_N];
	double load[3] = { 0 };
	size_t used;
	int reps = 0, want = SWEEP_REPS;

	if (!keys || !vals || !gkeys || !gvals)
		return -1;
	if (getloadavg(load, 3) < 0)
		load[0] = -1;
	/* MICRO_SWEEP_REPS: fewer, to interleave runs of two builds. */
	if (getenv("MICRO_SWEEP_REPS"))
		want = atoi(getenv("MICRO_SWEEP_REPS"));
	if (want < 1 || want > SWEEP_REPS)
		want = SWEEP_REPS;
	for (; reps < want; reps++) {
		if (sweep_rep(r[reps], keys, vals, gkeys, gvals))
			break;
		fprintf(stderr, "micro: sweeper repetition %d: longest tick %.0f / %.0f / "
			"%.0f / %.0f us, %.2f / %.2f / %.2f / %.2f %% of a CPU\n", reps + 1,
			r[reps][0].tick_max_us, r[reps][1].tick_max_us,
			r[reps][2].tick_max_us, r[reps][3].tick_max_us,
			r[reps][0].share * 100, r[reps][1].share * 100,
			r[reps][2].share * 100, r[reps][3].share * 100);
	}
	free(keys);
	free(vals);
	free(gkeys);
	free(gvals);
	if (!reps)
		return -1;
#define M(c, fld) fig_med(r, reps, c, offsetof(struct sweep_fig, fld))
#define X(c, fld) fig_max(r, reps, c, offsetof(struct sweep_fig, fld))
	used = (size_t)snprintf(out, len,
"## The expiry sweeper at one million connections\n\n"
"By its own account (counters `sweep_ns`, `sweep_ticks*`, `sweep_hold_*`; "
"the longest tick of each pass from the `timers` map), conn_max %u "
"(%u shards), connections written from user space bound round robin to "
"%d real servers with their counts; median of %d repetitions (the "
"longest tick: median, and the worst of all).  Load average %.1f when "
"the section began, on 2 CPUs shared with other work: a tick's own "
"clock counts the time the hypervisor or an interrupt took its CPU, so "
"the empty table's row is what the machine adds.\n\n"
"| case | window, s | passes | longest tick, us (worst) | ticks over 0.5 ms | share of a CPU | expired | evicted | healed | capped walks |\n"
"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
		SWEEP_CONN_MAX, xlvs_conn_shards(SWEEP_CONN_MAX), SWEEP_RS, reps,
		load[0]);
	for (int c = 0; c < SC_N && used < len; c++)
		used += (size_t)snprintf(out + used, len - used,
			"| %s | %.1f | %.0f | %.0f (%.0f) | %.0f of %.0f | %.2f %% | %.0f | %.0f | %.0f | %.0f |\n",
			case_name[c], M(c, secs), M(c, passes), M(c, tick_max_us),
			X(c, tick_max_us), M(c, ticks_long), M(c, ticks),
			M(c, share) * 100, M(c, expired), M(c, evicted),
			M(c, healed), M(c, capped));
	if (used < len)
		used += (size_t)snprintf(out + used, len - used,
			"\nTicks by how long each held its CPU (medians):\n\n"
			"| case | up to 0.1 ms | 0.1-0.2 ms | 0.2-0.5 ms | 0.5-1 ms | 1-2 ms | over 2 ms |\n"
			"|---|---:|---:|---:|---:|---:|---:|\n");
	for (int c = 0; c < SC_N && used < len; c++)
		used += (size_t)snprintf(out + used, len - used,
			"| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n",
			case_name[c], M(c, hist[0]), M(c, hist[1]), M(c, hist[2]),
			M(c, hist[3]), M(c, hist[4]), M(c, hist[5]));
	if (used < len)
		used += (size_t)snprintf(out + used, len - used,
"\nSeen from a thread that spins reading the clock on the sweeper's CPU "
"for %.1f s (the issue's measure): its longest gap %.2f ms empty and "
"%.2f ms steady at 1M (worst %.2f and %.2f), the gaps over %.1f ms "
"adding up to %.0f and %.0f ms a second -- on this busy machine mostly "
"other work's, as the empty table shows.\n",
			STALL_SPIN_NS / 1e9, M(SC_EMPTY, stall_max_ms),
			M(SC_STEADY, stall_max_ms), X(SC_EMPTY, stall_max_ms),
			X(SC_STEADY, stall_max_ms), STALL_GAP_NS / 1e6,
			M(SC_EMPTY, stall_ms_s), M(SC_STEADY, stall_ms_s));
	if (used < len)
		snprintf(out + used, len - used,
"\nA pass over the table took %.1f s steady.  Method: the window of the "
"empty and steady cases is two whole passes; the over-full case's runs "
"from the end of its fill (%u more connections, every shard past its "
"limit) to the end of the second pass after; the mass expiry's from "
"setting the TCP timeout to 1 s at a pass's end until the entries are "
"gone and a pass has ended.  The share is the ticks' time over the "
"window's wall time.  The over-full case's healed counts are the "
"user-space fill's: it writes the counts while a pass is under way, and "
"that pass corrects them by what it saw.  The same cases before and "
"after the walk cap, in interleaved runs: micro-sweep.md.\n",
			M(SC_STEADY, pass_s), SWEEP_OVER);
#undef M
#undef X
	return 0;
}
