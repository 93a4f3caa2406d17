// SPDX-License-Identifier: GPL-2.0
/*
 * lc, wlc, sed, nq, fo and ovf against a model.  For each scheduler a seeded
 * random sequence of events (new TCP connections left in SYN_RECV or
 * established by their ACK, UDP flows, FINs, RSTs, SYNs on old connections,
 * expiry, weight changes including 0, real servers added and deleted) goes
 * through the loaded XDP program, and after every step
 *   - every new connection must have gone where the model says IPVS sends it
 *     (the destination MAC of the frame that came back), or been passed with
 *     pkts_no_dest when the model finds no server;
 *   - every real server's active/inactive counts in the pinned dest_conns map
 *     must equal the model's;
 *   - after every table edit, the live schedule's list must be the model's
 *     list (newest first) with the model's weights.
 *
 * The model is written from lvs.md §1.2/§1.3 and the kernel's ip_vs_lc.c,
 * ip_vs_wlc.c, ip_vs_sed.c, ip_vs_nq.c, ip_vs_fo.c, ip_vs_ovf.c: it keeps
 * the connections themselves (tuple, real server, TCP state by IPVS's
 * INPUT-ONLY table) and derives the counts from them, so the counts are not
 * kept the way the program keeps them.
 *
 * XLVS_SCHED_SEED=<n> replays another sequence; XLVS_MODEL_MUTATE=<k> breaks
 * the model on purpose to show the tests can fail: 1 ties go to the later
 * server, 2 lc/wlc overhead active<<5 (the stale kernel comment), 3 nq
 * without its idle shortcut, 4 ovf with active < weight, 5 FIN leaves an
 * ESTABLISHED connection active, 6 weight 0 counted as 1, 7 expiry forgets
 * FIN_WAIT.  Every one of them must make some test fail.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "svc.h"
#include "tests.h"

/* Real servers 10.0.0.<host>; .9 is the client, so it is not in the pool. */
#define POOL 8
static const uint8_t pool[POOL] = { 3, 4, 5, 6, 7, 8, 10, 11 };

#define BIG_TIMEOUT 100000u     /* nothing expires unless a step wants it */
#define MAX_CONNS   1024
#define STEPS       300

static int mutate;              /* XLVS_MODEL_MUTATE */
static bool tie_later;          /* m_pick with ties to the later server */

/* ---------------------------------------------------------------- model */

struct mdest {
	uint8_t host;
	int32_t weight;
	uint32_t inst;              /* this incarnation of the real server */
	uint32_t id;                /* its id in the table (read back) */
};

struct mconn {
	uint16_t sport;
	uint8_t state;              /* XLVS_TCP_* or XLVS_UDP_STATE */
	uint32_t inst;              /* the real server incarnation it went to */
	uint8_t host;
};

struct msvc {
	uint8_t proto;
	uint16_t port;
	int kind;
	struct mdest d[POOL];       /* IPVS list order: d[0] the newest */
	int nd;
	struct mconn c[MAX_CONNS];
	int nc;
};

static uint32_t next_inst = 1;

/* What a run went through, printed at its end. */
static struct {
	int news, nodest, ties, replaced, reused, gone, adds, dels, w0, expired;
	int max_inact;
	double sweep_s;
} st;

/* IPVS's tcp_states[] INPUT-ONLY rows (ip_vs_proto_tcp.c), used for direct
 * routing.  Index: tcp_state_idx (rst first, then syn, fin, ack). */
static uint8_t m_tcp_next(uint8_t st, uint8_t flags)
{
	enum { NO = XLVS_TCP_NONE, ES = XLVS_TCP_ESTABLISHED,
	       SS = XLVS_TCP_SYN_SENT, SR = XLVS_TCP_SYN_RECV,
	       FW = XLVS_TCP_FIN_WAIT, TW = XLVS_TCP_TIME_WAIT,
	       CL = XLVS_TCP_CLOSE, CW = XLVS_TCP_CLOSE_WAIT,
	       LA = XLVS_TCP_LAST_ACK, LI = XLVS_TCP_LISTEN,
	       SA = XLVS_TCP_SYNACK };
	static const uint8_t syn[] = { SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR };
	static const uint8_t fin[] = { CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW };
	static const uint8_t ack[] = { CL, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES };
	static const uint8_t rst[] = { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL };

	if (mutate == 5 && st == ES && (flags & TH_FIN))
		return ES;               /* broken: FIN leaves it active */
	if (flags & TH_RST)
		return rst[st];
	if (flags & TH_SYN)
		return syn[st];
	if (flags & TH_FIN)
		return fin[st];
	if (flags & TH_ACK)
		return ack[st];
	return st;
}

/* Counts of real server incarnation inst, as IPVS keeps them: active is the
 * TCP connections in ESTABLISHED, inactive every other one.  skip (may be
 * NULL) leaves some connections out. */
static void m_counts(const struct msvc *s, uint32_t inst, const bool *skip,
		     int64_t *act, int64_t *inact)
{
	*act = *inact = 0;
	for (int i = 0; i < s->nc; i++) {
		if (s->c[i].inst != inst || (skip && skip[i]))
			continue;
		if (s->proto == IPPROTO_TCP && s->c[i].state == XLVS_TCP_ESTABLISHED)
			(*act)++;
		else
			(*inact)++;
	}
}

/* The scheduler's choice: an index into s->d, or -1 (no destination). */
static int m_pick(const struct msvc *s, const bool *skip)
{
	int64_t a[POOL], in[POOL], oh[POOL];
	int least = -1, i;
	int64_t loh = 0;
	int32_t hw = 0;
	bool later_on_tie = mutate == 1 || tie_later;

	if (mutate == 6) {              /* broken: weight 0 counts as 1 */
		static struct msvc t;

		t = *s;
		for (i = 0; i < t.nd; i++)
			t.d[i].weight += t.d[i].weight == 0;
		mutate = 0;
		i = m_pick(&t, skip);
		mutate = 6;
		return i;
	}
	for (i = 0; i < s->nd; i++) {
		m_counts(s, s->d[i].inst, skip, &a[i], &in[i]);
		if (s->kind == XLVS_SCHED_SED || s->kind == XLVS_SCHED_NQ)
			oh[i] = a[i] + 1;
		else if (mutate == 2)
			oh[i] = (a[i] << 5) + in[i];   /* the stale comment's <<5 */
		else
			oh[i] = (a[i] << 8) + in[i];   /* ip_vs_dest_conn_overhead */
	}

	switch (s->kind) {
	case XLVS_SCHED_LC:                     /* ip_vs_lc.c */
		for (i = 0; i < s->nd; i++) {
			if (s->d[i].weight == 0)
				continue;
			if (least < 0 || oh[i] < loh ||
			    (later_on_tie && oh[i] == loh)) {
				least = i;
				loh = oh[i];
			}
		}
		return least;

	case XLVS_SCHED_WLC:                    /* ip_vs_wlc.c, ip_vs_sed.c */
	case XLVS_SCHED_SED:
		/* First stage: the first server with weight > 0. */
		for (i = 0; i < s->nd; i++)
			if (s->d[i].weight > 0)
				break;
		if (i == s->nd)
			return -1;
		least = i;
		loh = oh[i];
		/* Second stage: every later one, cross-multiplied. */
		for (i++; i < s->nd; i++) {
			int64_t l = loh * s->d[i].weight;
			int64_t r = oh[i] * s->d[least].weight;

			if (l > r || (later_on_tie && l == r && s->d[i].weight > 0)) {
				least = i;
				loh = oh[i];
			}
		}
		return least;

	case XLVS_SCHED_NQ:                     /* ip_vs_nq.c */
		for (i = 0; i < s->nd; i++) {
			if (s->d[i].weight == 0)
				continue;
			if (a[i] == 0 && mutate != 3)
				return i;                /* idle: at once */
			if (least < 0 ||
			    loh * s->d[i].weight > oh[i] * s->d[least].weight ||
			    (later_on_tie &&
			     loh * s->d[i].weight == oh[i] * s->d[least].weight)) {
				least = i;
				loh = oh[i];
			}
		}
		return least;

	case XLVS_SCHED_FO:                     /* ip_vs_fo.c */
		for (i = 0; i < s->nd; i++)
			if (s->d[i].weight > hw ||
			    (later_on_tie && least >= 0 && s->d[i].weight == hw)) {
				least = i;
				hw = s->d[i].weight;
			}
		return least;

	case XLVS_SCHED_OVF:                    /* ip_vs_ovf.c */
		for (i = 0; i < s->nd; i++) {
			int32_t w = s->d[i].weight;

			if (w == 0 || (mutate == 4 ? a[i] >= w : a[i] > w))
				continue;
			if (least < 0 || w > hw || (later_on_tie && w == hw)) {
				least = i;
				hw = w;
			}
		}
		return least;
	}
	return -1;
}

static int m_find_host(const struct msvc *s, uint8_t host)
{
	for (int i = 0; i < s->nd; i++)
		if (s->d[i].host == host)
			return i;
	return -1;
}

static bool m_inst_live(const struct msvc *s, uint32_t inst)
{
	for (int i = 0; i < s->nd; i++)
		if (s->d[i].inst == inst)
			return true;
	return false;
}

static void m_conn_del(struct msvc *s, int i)
{
	s->c[i] = s->c[--s->nc];
}

/* ------------------------------------------------------- the event log */

static char logbuf[64][160];
static unsigned int nlog;
static uint32_t cur_seed;
static int cur_step;

static void elog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logbuf[nlog % 64], sizeof(logbuf[0]), fmt, ap);
	va_end(ap);
	nlog++;
}

static void dump_log(void)
{
	unsigned int from = nlog > 64 ? nlog - 64 : 0;

	print_error("seed %u, step %d; the last events:\n", cur_seed, cur_step);
	for (unsigned int i = from; i < nlog; i++)
		print_error("  %s\n", logbuf[i % 64]);
}

#define bad(...) do { dump_log(); fail_msg(__VA_ARGS__); } while (0)

static void dump_model(const struct msvc *s)
{
	for (int i = 0; i < s->nd; i++) {
		int64_t a, in;

		m_counts(s, s->d[i].inst, NULL, &a, &in);
		print_error("  %s [%d] .%u w=%d model a=%lld i=%lld\n",
			    s->proto == IPPROTO_TCP ? "tcp" : "udp", i,
			    s->d[i].host, s->d[i].weight, (long long)a,
			    (long long)in);
	}
}

/* ------------------------------------------------------------- the table */

static uint32_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return n ? rng_state % n : 0;
}

static struct xlvs_endpoint ep(uint8_t host, uint16_t port)
{
	struct xlvs_endpoint e = { .af = 4, .port = port };

	e.addr[0] = 10;
	e.addr[3] = host;
	return e;
}

/* libxlvs swaps a real server's neighbour entry for a managed one on add
 * and drops it on delete; nothing answers ARP here, so put ours back. */
static void pin_host(uint8_t host)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd),
		 "ip neigh replace 10.0.0.%u lladdr 02:00:00:00:00:%02x dev %s "
		 "nud permanent", host, host, DP_DEV);
	if (system(cmd) != 0)
		fail_msg("'%s' failed", cmd);
}

static void check(const char *what, int rc)
{
	if (rc)
		bad("%s: %s (%d)", what, strerror(-rc), rc);
}

static const char *kind_name[] = {
	[XLVS_SCHED_LC] = "lc", [XLVS_SCHED_WLC] = "wlc",
	[XLVS_SCHED_SED] = "sed", [XLVS_SCHED_NQ] = "nq",
	[XLVS_SCHED_FO] = "fo", [XLVS_SCHED_OVF] = "ovf",
};

/* The live schedule must be the model's list, newest first, with the
 * model's weights; the ids found are kept for reading counts. */
static void k_check_list(struct msvc *s)
{
	static struct xlvs_sched sc;
	struct xlvs_svc_key k = { .port = htons(s->port), .proto = s->proto, .af = 4 };
	struct xlvs_svc sv;
	struct xlvs_dest d;
	uint32_t key;

	k.addr[0] = 10;
	k.addr[3] = 100;
	if (bpf_map_lookup_elem(dp.t.svc_fd, &k, &sv))
		bad("service %u not in the table", s->port);
	key = sv.id * 2 + (sv.sched_slot & 1);
	if (bpf_map_lookup_elem(dp.t.sched_fd, &key, &sc))
		bad("schedule %u not in the table", key);
	if (sc.ndests != (uint32_t)s->nd) {
		dump_model(s);
		bad("schedule has %u real servers, model %d", sc.ndests, s->nd);
	}
	for (int i = 0; i < s->nd; i++) {
		if (bpf_map_lookup_elem(dp.t.dest_fd, &sc.dests[i], &d))
			bad("dest %u missing", sc.dests[i]);
		if (d.addr[3] != s->d[i].host || sc.weights[i] != s->d[i].weight) {
			dump_model(s);
			bad("schedule position %d is .%u weight %d, model .%u weight %d",
			    i, d.addr[3], sc.weights[i], s->d[i].host,
			    s->d[i].weight);
		}
		s->d[i].id = sc.dests[i];
	}
}

/* Every live real server's dest_conns must be the model's counts. */
static void k_check_counts(const struct msvc *s)
{
	for (int i = 0; i < s->nd; i++) {
		struct xlvs_dest_conns dc;
		int64_t a, in;

		if (bpf_map_lookup_elem(dp.t.dest_conns_fd, &s->d[i].id, &dc))
			bad("dest_conns %u: %s", s->d[i].id, strerror(errno));
		m_counts(s, s->d[i].inst, NULL, &a, &in);
		if (in > st.max_inact)
			st.max_inact = (int)in;
		if (dc.active != a || dc.inactive != in) {
			dump_model(s);
			bad("%s svc %u: .%u (id %u) has active %d inactive %d; "
			    "model %lld/%lld", s->proto == IPPROTO_TCP ? "tcp" : "udp",
			    s->port, s->d[i].host, s->d[i].id, dc.active,
			    dc.inactive, (long long)a, (long long)in);
		}
	}
}

static void svc_new(struct msvc *s, uint8_t proto, uint16_t port, int kind)
{
	struct xlvs_service_conf c = { .proto = proto, .vip = ep(100, port) };

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->port = port;
	s->kind = kind;
	strncpy(c.sched, kind_name[kind], sizeof(c.sched) - 1);
	check("xlvs_service_add", xlvs_service_add(&dp.t, &c));
}

static void rs_add_m(struct msvc *s, uint8_t host, int32_t w)
{
	struct xlvs_dest_conf c = {
		.addr = ep(host, s->port), .fwd = XLVS_FWD_DROUTE, .weight = w,
	};

	struct xlvs_endpoint vip = ep(100, s->port);

	elog("%s: add .%u weight %d", s->proto == IPPROTO_TCP ? "tcp" : "udp",
	     host, w);
	check("xlvs_dest_add", xlvs_dest_add(&dp.t, s->proto, &vip, &c));
	pin_host(host);
	memmove(&s->d[1], &s->d[0], s->nd * sizeof(s->d[0]));
	s->d[0] = (struct mdest){ .host = host, .weight = w, .inst = next_inst++ };
	st.adds++;
	s->nd++;
	k_check_list(s);
}

static void rs_edit_m(struct msvc *s, int i, int32_t w)
{
	struct xlvs_endpoint vip = ep(100, s->port);
	struct xlvs_dest_conf c = {
		.addr = ep(s->d[i].host, s->port), .fwd = XLVS_FWD_DROUTE, .weight = w,
	};

	elog("%s: weight .%u %d -> %d", s->proto == IPPROTO_TCP ? "tcp" : "udp",
	     s->d[i].host, s->d[i].weight, w);
	check("xlvs_dest_edit", xlvs_dest_edit(&dp.t, s->proto, &vip, &c));
	s->d[i].weight = w;
	st.w0 += w == 0;
	k_check_list(s);
}

static void rs_del_m(struct msvc *s, int i)
{
	struct xlvs_endpoint vip = ep(100, s->port);
	struct xlvs_endpoint rip = ep(s->d[i].host, s->port);
	uint8_t host = s->d[i].host;

	elog("%s: delete .%u", s->proto == IPPROTO_TCP ? "tcp" : "udp", host);
	check("xlvs_dest_del", xlvs_dest_del(&dp.t, s->proto, &vip, &rip));
	pin_host(host);
	memmove(&s->d[i], &s->d[i + 1], (s->nd - i - 1) * sizeof(s->d[0]));
	s->nd--;
	st.dels++;
	k_check_list(s);
}

/* --------------------------------------------------------------- packets */

static void pkt_send(const struct msvc *s, uint16_t sport, uint8_t flags,
		 struct frame *f, struct dp_result *r)
{
	if (s->proto == IPPROTO_TCP)
		send_tcp(sport, s->port, flags, flags & TH_PUSH ? 100 : 0, f, r);
	else
		send_udp(sport, s->port, f, r);
}

/* A packet that must be scheduled: the model's choice or no destination.
 * The model gets the new connection.  Returns the index in s->d or -1. */
static int new_conn(struct msvc *s, uint16_t sport, uint8_t flags,
		    int replaced)
{
	struct dp_result r;
	struct frame f;
	int want = m_pick(s, NULL), got, alt;

	tie_later = true;               /* would the other tie rule differ? */
	alt = m_pick(s, NULL);
	tie_later = false;
	st.ties += alt != want;
	st.news++;
	st.nodest += want < 0;
	pkt_send(s, sport, flags, &f, &r);
	got = chosen(&r);
	if (got < 0)
		elog("%s: new :%u -> model %s%d, program none (verdict %u)",
		     s->proto == IPPROTO_TCP ? "syn" : "udp", sport,
		     want < 0 ? "none " : ".", want < 0 ? -1 : s->d[want].host,
		     r.verdict);
	else
		elog("%s: new :%u -> model %s%d, program .%d",
		     s->proto == IPPROTO_TCP ? "syn" : "udp", sport,
		     want < 0 ? "none " : ".", want < 0 ? -1 : s->d[want].host,
		     got);
	if (want < 0) {
		if (r.verdict != XDP_PASS || r.delta[XLVS_CNT_PKTS_NO_DEST] != 1 ||
		    r.delta[XLVS_CNT_CONNS_NEW] != 0) {
			dump_model(s);
			bad("no server usable, yet verdict %u, dest .%d", r.verdict, got);
		}
		if (replaced >= 0)
			m_conn_del(s, replaced);
		return -1;
	}
	if (got != s->d[want].host || r.delta[XLVS_CNT_CONNS_NEW] != 1) {
		dump_model(s);
		bad("%s: new connection went to .%d (verdict %u, conns_new +%llu), "
		    "model picks .%u", kind_name[s->kind], got, r.verdict,
		    (unsigned long long)r.delta[XLVS_CNT_CONNS_NEW],
		    s->d[want].host);
	}
	if (replaced >= 0)
		m_conn_del(s, replaced);
	if (s->nc == MAX_CONNS)
		bad("model connection table full");
	s->c[s->nc++] = (struct mconn){
		.sport = sport, .inst = s->d[want].inst, .host = s->d[want].host,
		.state = s->proto == IPPROTO_TCP ? m_tcp_next(XLVS_TCP_NONE, flags)
						 : XLVS_UDP_STATE,
	};
	return want;
}

/* A packet of model connection i: it goes to its server and moves its
 * state, or is dropped if the server was deleted; a SYN on TIME_WAIT is a
 * new connection (IPVS conn_reuse_mode 1). */
static void follow(struct msvc *s, int i, uint8_t flags)
{
	struct mconn *c = &s->c[i];
	struct dp_result r;
	struct frame f;
	int got;

	if (s->proto == IPPROTO_TCP && c->state == XLVS_TCP_TIME_WAIT &&
	    (flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN) {
		elog("syn on TIME_WAIT :%u (was .%u)", c->sport, c->host);
		st.reused++;
		new_conn(s, c->sport, flags, i);
		return;
	}
	pkt_send(s, c->sport, flags, &f, &r);
	got = chosen(&r);
	elog("%s :%u flags %02x (.%u, state %u%s) -> %d",
	     s->proto == IPPROTO_TCP ? "tcp" : "udp", c->sport, flags, c->host,
	     c->state, m_inst_live(s, c->inst) ? "" : ", server deleted", got);
	if (!m_inst_live(s, c->inst)) {
		st.gone++;
		if (r.verdict != XDP_DROP || r.delta[XLVS_CNT_PKTS_DEST_GONE] != 1)
			bad("packet of a deleted server's connection: verdict %u",
			    r.verdict);
		return;
	}
	if (got != c->host || r.delta[XLVS_CNT_CONNS_NEW])
		bad("packet of :%u went to %d, its server is .%u", c->sport, got,
		    c->host);
	if (s->proto == IPPROTO_TCP)
		c->state = m_tcp_next(c->state, flags);
}

/* ---------------------------------------------------------------- expiry */

static void timeouts_write(const bool zero[XLVS_STATE_MAX])
{
	struct xlvs_meta m;
	uint32_t k = 0;

	if (bpf_map_lookup_elem(dp.t.meta_fd, &k, &m))
		bad("meta: %s", strerror(errno));
	for (int st = 0; st < XLVS_STATE_MAX; st++)
		m.timeout[st] = zero && zero[st] ? 0 : BIG_TIMEOUT;
	if (bpf_map_update_elem(dp.t.meta_fd, &k, &m, BPF_EXIST))
		bad("meta: %s", strerror(errno));
	dp.t.meta = m;  /* libxlvs writes its copy back when it adds a server */
}

static void timeouts_default(void)
{
	struct xlvs_meta d, m;
	uint32_t k = 0;

	xlvs_meta_defaults(&d, 0);
	if (bpf_map_lookup_elem(dp.t.meta_fd, &k, &m))
		return;
	memcpy(m.timeout, d.timeout, sizeof(m.timeout));
	if (!bpf_map_update_elem(dp.t.meta_fd, &k, &m, BPF_EXIST))
		dp.t.meta = m;
}

/* How many entries of the whole connection table are in a state of S. */
static int k_entries_in(const bool S[XLVS_STATE_MAX])
{
	int n = 0;

	for (uint32_t sh = 0; sh < XLVS_CONN_SHARDS; sh++) {
		struct xlvs_conn_key k, next, *prev = NULL;
		struct xlvs_conn c;
		int fd = xlvs_conn_shard_fd(&dp.t, sh), guard = 0;

		if (fd < 0)
			bad("shard %u: %s", sh, strerror(-fd));
		while (!bpf_map_get_next_key(fd, prev, &next) && guard++ < 100000) {
			if (!bpf_map_lookup_elem(fd, &next, &c) && c.state < XLVS_STATE_MAX &&
			    S[c.state])
				n++;
			k = next;
			prev = &k;
		}
		close(fd);
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Set S's timeouts to 0 and wait until the sweeper has freed every entry in
 * those states; then give the timeouts back. */
static void sweep_wait(const bool S[XLVS_STATE_MAX])
{
	double t0 = now_s();
	int left;

	st.sweep_s -= t0;
	while ((left = k_entries_in(S)) > 0) {
		if (now_s() - t0 > 4)
			bad("%d connections still in the table 4 s after their "
			    "timeout", left);
		usleep(20000);
	}
	timeouts_write(NULL);
	st.sweep_s += now_s();
}

/* Every subset of the connections in cand[] (n of them) may or may not have
 * been swept when the program scheduled: is got one of the model's picks? */
static bool pick_possible(const struct msvc *s, const int *cand, int n, int got)
{
	static bool skip[MAX_CONNS];
	bool ok = false;

	for (uint32_t mask = 0; mask < (1u << n) && !ok; mask++) {
		int p;

		memset(skip, 0, sizeof(skip));
		for (int j = 0; j < n; j++)
			skip[cand[j]] = mask >> j & 1;
		p = m_pick(s, skip);
		ok = p < 0 ? got < 0 : s->d[p].host == got;
	}
	return ok;
}

/* Expire every connection in a state of S (both services).  With replace,
 * a new packet on one of the expiring tuples of svcs[0] comes first: it
 * replaces the expired entry if the sweeper has not freed it yet. */
static void expire(struct msvc *svcs, int nsvc, const bool S[XLVS_STATE_MAX],
		   bool replace)
{
	char names[128] = "";

	for (int st = 0; st < XLVS_STATE_MAX; st++)
		if (S[st])
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 " %s", xlvs_state_name(st));
	elog("expire:%s%s", names, replace ? " (and replace one)" : "");
	timeouts_write(S);
	/* The program stamps packets with the coarse clock and an entry is
	 * expired only once now > last_ns: let a tick or two pass, or a
	 * connection touched in this very tick would live on. */
	usleep(20000);
	if (replace) {
		struct msvc *s = &svcs[0];
		int cand[MAX_CONNS], n = 0, i, got;
		uint16_t sport;
		struct dp_result r;
		struct frame f;
		uint8_t flags = s->proto == IPPROTO_TCP ? TH_SYN : 0;

		for (i = 0; i < s->nc; i++)
			if (S[s->c[i].state])
				cand[n++] = i;
		if (n > 0 && n <= 10) {
			i = cand[rnd(n)];
			sport = s->c[i].sport;
			pkt_send(s, sport, flags, &f, &r);
			got = chosen(&r);
			elog("  new packet on expired :%u (was .%u) -> %d",
			     sport, s->c[i].host, got);
			if (!pick_possible(s, cand, n, got)) {
				dump_model(s);
				bad("replacing expired :%u went to %d, no model pick",
				    sport, got);
			}
			m_conn_del(s, i);
			st.replaced++;
			if (got >= 0) {
				int d = m_find_host(s, (uint8_t)got);

				s->c[s->nc++] = (struct mconn){
					.sport = sport, .inst = s->d[d].inst,
					.host = (uint8_t)got,
					.state = s->proto == IPPROTO_TCP ?
						 m_tcp_next(XLVS_TCP_NONE, flags) :
						 XLVS_UDP_STATE,
				};
			}
		}
	}
	sweep_wait(S);
	for (int v = 0; v < nsvc; v++)
		for (int i = svcs[v].nc - 1; i >= 0; i--)
			if (S[svcs[v].c[i].state] &&
			    !(mutate == 7 && svcs[v].c[i].state == XLVS_TCP_FIN_WAIT)) {
				m_conn_del(&svcs[v], i);
				st.expired++;
			}
}

static void flush_all(struct msvc *svcs, int nsvc)
{
	bool all[XLVS_STATE_MAX];

	for (int st = 0; st < XLVS_STATE_MAX; st++)
		all[st] = true;
	if (svcs)
		expire(svcs, nsvc, all, false);
	else {
		timeouts_write(all);
		sweep_wait(all);
	}
}

/* ------------------------------------------------------------ the driver */

static int32_t rnd_weight(void)
{
	static const int32_t w[] = { 0, 1, 1, 2, 2, 3, 3, 4, 5, 7, 10, 20 };

	return w[rnd(sizeof(w) / sizeof(w[0]))];
}

static uint8_t free_host(const struct msvc *s)
{
	uint8_t h;

	do
		h = pool[rnd(POOL)];
	while (m_find_host(s, h) >= 0);
	return h;
}

/* A random connection of s in one of the states wanted (mask of states),
 * or any if none; -1 if s has none. */
static int pick_conn(const struct msvc *s, uint32_t states)
{
	int idx[MAX_CONNS], n = 0;

	for (int i = 0; i < s->nc; i++)
		if (states & (1u << s->c[i].state))
			idx[n++] = i;
	if (n)
		return idx[rnd(n)];
	return s->nc ? (int)rnd(s->nc) : -1;
}

static void step_table(struct msvc *s)
{
	uint32_t r = rnd(100);

	if (r < 60) {
		int32_t w = rnd(4) ? rnd_weight() : 0;

		rs_edit_m(s, (int)rnd(s->nd), w);
	} else if (r < 80 && s->nd < POOL) {
		rs_add_m(s, free_host(s), rnd_weight());
	} else if (s->nd > 2) {
		rs_del_m(s, (int)rnd(s->nd));
	}
}

static void step_tcp(struct msvc *s)
{
	uint32_t r = rnd(100);
	int i;

	if (r < 3) {                        /* a burst of SYNs, never ACKed */
		int n = 15 + (int)rnd(25);

		elog("burst of %d SYNs", n);
		for (int k = 0; k < n && s->nc < MAX_CONNS - 1; k++)
			new_conn(s, dp_port(), TH_SYN, -1);
	} else if (r < 40 || s->nc == 0) {
		i = new_conn(s, dp_port(), TH_SYN, -1);
		if (i >= 0 && rnd(100) < 65)    /* its ACK: ESTABLISHED */
			follow(s, s->nc - 1, TH_ACK);
	} else if (r < 50) {
		follow(s, pick_conn(s, 1u << XLVS_TCP_SYN_RECV), TH_ACK);
	} else if (r < 66) {
		follow(s, pick_conn(s, rnd(10) < 7 ? 1u << XLVS_TCP_ESTABLISHED :
					      1u << XLVS_TCP_SYN_RECV),
		       rnd(2) ? TH_FIN | TH_ACK : TH_FIN);
	} else if (r < 74) {
		follow(s, pick_conn(s, 1u << XLVS_TCP_ESTABLISHED |
				       1u << XLVS_TCP_FIN_WAIT), TH_RST);
	} else if (r < 80) {
		follow(s, pick_conn(s, 1u << XLVS_TCP_TIME_WAIT |
				       1u << XLVS_TCP_CLOSE |
				       1u << XLVS_TCP_FIN_WAIT), TH_SYN);
	} else if (r < 86) {
		follow(s, pick_conn(s, ~0u), TH_ACK | TH_PUSH);
	} else {
		step_table(s);
	}
}

static void step_udp(struct msvc *s)
{
	uint32_t r = rnd(100);

	if (r < 60 || s->nc == 0)
		new_conn(s, dp_port(), 0, -1);
	else if (r < 80)
		follow(s, pick_conn(s, ~0u), 0);
	else
		step_table(s);
}

static const uint8_t reachable[] = {
	XLVS_TCP_ESTABLISHED, XLVS_TCP_SYN_RECV, XLVS_TCP_FIN_WAIT,
	XLVS_TCP_TIME_WAIT, XLVS_TCP_CLOSE, XLVS_UDP_STATE,
};

static void states_random(bool S[XLVS_STATE_MAX])
{
	memset(S, 0, sizeof(bool) * XLVS_STATE_MAX);
	for (unsigned int k = 0; k < sizeof(reachable); k++)
		S[reachable[k]] = rnd(3) == 0;
	S[reachable[rnd(sizeof(reachable))]] = true;
}

/* For an expiry with a replacement: the TCP state with the fewest (but
 * some) connections of s, so that the subsets the sweeper may have freed
 * before the replacing SYN is scheduled are few; UDP may expire with it. */
static void states_for_replace(const struct msvc *s, bool S[XLVS_STATE_MAX])
{
	int best = -1, bestn = 0;

	memset(S, 0, sizeof(bool) * XLVS_STATE_MAX);
	for (unsigned int k = 0; k < sizeof(reachable); k++) {
		int n = 0;

		for (int i = 0; i < s->nc; i++)
			n += s->c[i].state == reachable[k];
		if (n && (best < 0 || n < bestn)) {
			best = reachable[k];
			bestn = n;
		}
	}
	if (best >= 0)
		S[best] = true;
	S[XLVS_UDP_STATE] = S[XLVS_UDP_STATE] || rnd(2);
}

static uint32_t seed_for(int kind)
{
	const char *e = getenv("XLVS_SCHED_SEED");

	return (e ? (uint32_t)strtoul(e, NULL, 0) : 20240601u) * 7919u + kind;
}

static void run_model(int kind, uint16_t port)
{
	static struct msvc svcs[2];
	struct msvc *tcp = &svcs[0], *udp = &svcs[1];
	const char *m = getenv("XLVS_MODEL_MUTATE");
	int nd;

	double t0 = now_s();

	mutate = m ? atoi(m) : 0;
	memset(&st, 0, sizeof(st));
	cur_seed = seed_for(kind);
	rng_state = cur_seed ? cur_seed : 1;
	nlog = 0;
	cur_step = -1;
	flush_all(NULL, 0);          /* earlier tests' connections */
	timeouts_write(NULL);

	svc_new(tcp, IPPROTO_TCP, port, kind);
	svc_new(udp, IPPROTO_UDP, port, kind);
	nd = 2 + (int)rnd(POOL - 1);
	for (int i = 0; i < nd; i++)
		rs_add_m(tcp, free_host(tcp), 1 + (int32_t)rnd(5));
	for (int i = 0; i < 3; i++)
		rs_add_m(udp, free_host(udp), 1 + (int32_t)rnd(3));

	for (cur_step = 0; cur_step < STEPS; cur_step++) {
		if (cur_step == STEPS / 2) {
			bool S[XLVS_STATE_MAX], R[XLVS_STATE_MAX];

			/* One expiry mid-way (each waits for a whole sweep,
			 * about a second): the fewest TCP state, and others
			 * at random. */
			states_for_replace(tcp, S);
			states_random(R);
			for (int k = 0; k < XLVS_STATE_MAX; k++)
				S[k] = S[k] || (R[k] && rnd(2));
			expire(svcs, 2, S, true);
		} else if (rnd(4)) {
			step_tcp(tcp);
		} else {
			step_udp(udp);
		}
		k_check_counts(tcp);
		k_check_counts(udp);
	}
	flush_all(svcs, 2);
	k_check_counts(tcp);
	k_check_counts(udp);
	timeouts_default();
	print_message("%s seed %u: %d new (%d tie-sensitive, %d no server), "
		      "%d TIME_WAIT reused, %d expired (%d replaced), %d to deleted "
		      "servers, %d adds, %d deletes, %d weights set to 0, max "
		      "inactive %d, %.1f s (%.1f s waiting for expiry)\n", kind_name[kind], cur_seed, st.news,
		      st.ties, st.nodest, st.reused, st.expired, st.replaced,
		      st.gone, st.adds, st.dels, st.w0, st.max_inact,
		      now_s() - t0, st.sweep_s);
}

static void model_lc(void **state)  { (void)state; run_model(XLVS_SCHED_LC, 8301); }
static void model_wlc(void **state) { (void)state; run_model(XLVS_SCHED_WLC, 8302); }
static void model_sed(void **state) { (void)state; run_model(XLVS_SCHED_SED, 8303); }
static void model_nq(void **state)  { (void)state; run_model(XLVS_SCHED_NQ, 8304); }
static void model_fo(void **state)  { (void)state; run_model(XLVS_SCHED_FO, 8305); }
static void model_ovf(void **state) { (void)state; run_model(XLVS_SCHED_OVF, 8306); }

/* Every weight 0: a new connection finds no server (-1) and is passed with
 * pkts_no_dest, for every scanning scheduler and both protocols, while the
 * existing connections still flow; one weight back and it is taken again. */
static void scan_all_weight_zero(void **state)
{
	static struct msvc s;
	const char *m = getenv("XLVS_MODEL_MUTATE");

	(void)state;
	mutate = m ? atoi(m) : 0;
	nlog = 0;
	cur_seed = 0;
	for (int kind = XLVS_SCHED_LC; kind <= XLVS_SCHED_OVF; kind++) {
		for (int p = 0; p < 2; p++) {
			uint8_t proto = p ? IPPROTO_UDP : IPPROTO_TCP;
			uint8_t syn = p ? 0 : TH_SYN;
			uint16_t port = 8310 + kind;
			struct dp_result r;
			struct frame f;

			svc_new(&s, proto, port, kind);
			rs_add_m(&s, 3, 2);
			rs_add_m(&s, 4, 1);
			rs_add_m(&s, 5, 3);
			if (new_conn(&s, dp_port(), syn, -1) < 0)
				bad("%s: no server with weights 2, 1, 3",
				    kind_name[kind]);
			for (int i = 0; i < 3; i++)
				rs_edit_m(&s, i, 0);
			for (int n = 0; n < 3; n++) {
				if (m_pick(&s, NULL) >= 0)
					bad("%s: the model finds a server with "
					    "every weight 0", kind_name[kind]);
				pkt_send(&s, dp_port(), syn, &f, &r);
				expect_unchanged(&f, &r, XDP_PASS);
				expect_counters(&r, XLVS_CNT_PKTS_NO_DEST);
			}
			follow(&s, 0, p ? 0 : TH_ACK);
			k_check_counts(&s);
			rs_edit_m(&s, 1, 4);
			if (new_conn(&s, dp_port(), syn, -1) != 1)
				bad("%s: the one server with a weight not taken",
				    kind_name[kind]);
			k_check_counts(&s);
		}
	}
}

/*
 * IPVS (ip_vs_in, conn_reuse_mode 1): a SYN on a TIME_WAIT connection
 * expires it at once (ip_vs_conn_expire_now) and then schedules; if no
 * server can take the new one, the old one is gone all the same, so its
 * server's inactive count drops (serve_new deletes and forgets it).
 */
static void tw_reuse_without_server(void **state)
{
	static struct msvc s;
	uint16_t a = dp_port();

	(void)state;
	mutate = 0;
	nlog = 0;
	cur_seed = 0;
	svc_new(&s, IPPROTO_TCP, 8320, XLVS_SCHED_WLC);
	rs_add_m(&s, 3, 1);
	new_conn(&s, a, TH_SYN, -1);          /* SYN_RECV on .3 */
	follow(&s, 0, TH_FIN);                /* SYN_RECV + fin: TIME_WAIT */
	k_check_counts(&s);                   /* .3: 0 active, 1 inactive */
	rs_edit_m(&s, 0, 0);
	follow(&s, 0, TH_SYN);                /* no server: passed */
	k_check_counts(&s);                   /* IPVS: 0/0; xlvs: 0/1 */
}

size_t sched_scan_tests(struct CMUnitTest *out, size_t room)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup(scan_all_weight_zero, svc_fixture_empty),
		cmocka_unit_test_setup(model_lc, svc_fixture_empty),
		cmocka_unit_test_setup(model_wlc, svc_fixture_empty),
		cmocka_unit_test_setup(model_sed, svc_fixture_empty),
		cmocka_unit_test_setup(model_nq, svc_fixture_empty),
		cmocka_unit_test_setup(model_fo, svc_fixture_empty),
		cmocka_unit_test_setup(model_ovf, svc_fixture_empty),
		cmocka_unit_test_setup(tw_reuse_without_server, svc_fixture_empty),
	};
	size_t n = sizeof(t) / sizeof(t[0]);

	for (size_t i = 0; i < n && i < room; i++)
		out[i] = t[i];
	return n < room ? n : room;
}
