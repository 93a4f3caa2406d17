// SPDX-License-Identifier: GPL-2.0
/*
 * A service in the model and in the table at once (see msvc.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "msvc.h"
#include "testbed.h"

struct msvc_stats mst;
int elog_step;
double msvc_clock;
double msvc_lblc_exp = 24 * 60 * 60, msvc_lblcr_exp = 24 * 60 * 60;

static char logbuf[64][160];
static unsigned int nlog;
static uint32_t log_seed;
static uint32_t next_inst = 1;

static uint32_t rng_state = 1;

void rnd_seed(uint32_t seed)
{
	rng_state = seed ? seed : 1;
}

uint32_t rnd_swap(uint32_t state)
{
	uint32_t old = rng_state;

	rng_state = state ? state : 1;
	return old;
}

uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return n ? rng_state % n : 0;
}

int msvc_pick_conn(const struct msvc *s, uint32_t states)
{
	int idx[MSVC_CONNS], n = 0;

	for (int i = 0; i < s->nc; i++)
		if (states & (1u << s->c[i].state))
			idx[n++] = i;
	if (n)
		return idx[rnd(n)];
	return s->nc ? (int)rnd(s->nc) : -1;
}

uint8_t msvc_free_host(const struct msvc *s, const uint8_t *pool, int n)
{
	uint8_t h;

	do
		h = pool[rnd((uint32_t)n)];
	while (m_find_host(s, h) >= 0);
	return h;
}

void elog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(logbuf[nlog % 64], sizeof(logbuf[0]), fmt, ap);
	va_end(ap);
	nlog++;
}

void elog_reset(uint32_t seed)
{
	nlog = 0;
	log_seed = seed;
	elog_step = -1;
}

void elog_dump(void)
{
	unsigned int from = nlog > 64 ? nlog - 64 : 0;

	print_error("seed %u, step %d; the last events:\n", log_seed, elog_step);
	for (unsigned int i = from; i < nlog; i++)
		print_error("  %s\n", logbuf[i % 64]);
}

const char *msvc_name(const struct msvc *s)
{
	return s->proto == IPPROTO_TCP ? "tcp" : "udp";
}

void m_counts(const struct msvc *s, uint32_t inst, int64_t *act, int64_t *inact)
{
	*act = *inact = 0;
	for (int i = 0; i < s->nc; i++) {
		if (s->c[i].inst != inst)
			continue;
		if (s->proto == IPPROTO_TCP && m_tcp_active(s->c[i].state))
			(*act)++;
		else
			(*inact)++;
	}
}

void msvc_dump(const struct msvc *s)
{
	for (int i = 0; i < s->nd; i++) {
		int64_t a, in;

		m_counts(s, s->d[i].inst, &a, &in);
		print_error("  %s [%d] .%u w=%d u=%u l=%u%s model a=%lld i=%lld\n",
			    msvc_name(s), i, s->d[i].host, s->d[i].weight,
			    s->d[i].u, s->d[i].l, s->d[i].over ? " overloaded" : "",
			    (long long)a, (long long)in);
	}
}

int m_find_host(const struct msvc *s, uint8_t host)
{
	for (int i = 0; i < s->nd; i++)
		if (s->d[i].host == host)
			return i;
	return -1;
}

int m_find_inst(const struct msvc *s, uint32_t inst)
{
	for (int i = 0; i < s->nd; i++)
		if (s->d[i].inst == inst)
			return i;
	return -1;
}

int m_find_sport(const struct msvc *s, uint16_t sport)
{
	for (int i = 0; i < s->nc; i++)
		if (s->c[i].sport == sport)
			return i;
	return -1;
}

/* The servers as the schedulers see them, and their keys for rr and wrr. */
static void m_servers(const struct msvc *s, struct m_server *sv, uint32_t *keys)
{
	for (int i = 0; i < s->nd; i++) {
		sv[i] = (struct m_server){ .weight = s->d[i].weight,
					   .over = s->d[i].over };
		m_counts(s, s->d[i].inst, &sv[i].active, &sv[i].inactive);
		keys[i] = s->d[i].inst;
	}
}

int m_pick(const struct msvc *s, uint16_t sport, bool tie_later, struct m_rr *rr)
{
	struct m_server sv[MSVC_DESTS];
	uint32_t keys[MSVC_DESTS];
	struct m_sh sh;

	m_servers(s, sv, keys);
	switch (s->kind) {
	case XLVS_SCHED_RR:
	case XLVS_SCHED_WRR:
		return m_rr_pick(rr, sv, keys, s->nd);
	case XLVS_SCHED_SH:
		m_sh_fill(&sh, sv, s->nd);
		return m_sh_pick(&sh, sv, NET_CLIENT,
				 s->flags & XLVS_SVC_F_SCHED2 ? sport : 0,
				 s->flags & XLVS_SVC_F_SCHED1);
	}
	return m_scan_pick(s->kind, sv, s->nd, tie_later);
}

static int64_t m_total(const struct msvc *s, uint32_t inst)
{
	int64_t a, in;

	m_counts(s, inst, &a, &in);
	return a + in;
}

void m_bind(struct msvc *s, struct mconn c)
{
	int d = m_find_inst(s, c.inst);

	if (s->nc == MSVC_CONNS)
		bad("model connection table full");
	s->c[s->nc++] = c;
	if (d >= 0) {
		bool was = s->d[d].over;

		s->d[d].over = m_over_bind(was, s->d[d].u, m_total(s, c.inst));
		mst.overloaded += s->d[d].over && !was;
	}
}

static struct mdest *m_trashed(struct msvc *s, uint32_t inst)
{
	for (int i = 0; i < s->ntrash; i++)
		if (s->trash[i].inst == inst)
			return &s->trash[i];
	return NULL;
}

/* ip_vs_unbind_dest: a server in the trash is unbound from as well. */
void m_unbind(struct msvc *s, int i)
{
	uint32_t inst = s->c[i].inst;
	struct mdest *d;
	int k;

	s->c[i] = s->c[--s->nc];
	k = m_find_inst(s, inst);
	d = k >= 0 ? &s->d[k] : m_trashed(s, inst);
	if (d)
		d->over = m_over_unbind(d->over, d->u, d->l, m_total(s, inst));
}

/* ------------------------------------------------------------- the table */

/* 10.0.0.<host>:port */
static struct xlvs_endpoint ep(uint8_t host, uint16_t port)
{
	return tb_ep(IP4(10, 0, 0, host), port);
}

/* libxlvs swaps a real server's neighbour entry for a managed one on add
 * and drops it on delete; nothing answers ARP here, so put ours back. */
static void pin_host(uint8_t host)
{
	if (tb_pin_hosts(DP_DEV, 0, host, host))
		fail_msg("cannot pin the neighbour 10.0.0.%u", host);
}

static void check(const char *what, int rc)
{
	if (rc)
		bad("%s: %s (%d)", what, strerror(-rc), rc);
}

void k_check_list(struct msvc *s)
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
		msvc_dump(s);
		bad("schedule has %u real servers, model %d", sc.ndests, s->nd);
	}
	for (int i = 0; i < s->nd; i++) {
		if (bpf_map_lookup_elem(dp.t.dest_fd, &sc.dests[i], &d))
			bad("dest %u missing", sc.dests[i]);
		if (d.addr[3] != s->d[i].host || sc.weights[i] != s->d[i].weight) {
			msvc_dump(s);
			bad("schedule position %d is .%u weight %d, model .%u weight %d",
			    i, d.addr[3], sc.weights[i], s->d[i].host,
			    s->d[i].weight);
		}
		s->d[i].id = sc.dests[i];
	}
}

static void k_dest_conns(const struct msvc *s, int i, struct xlvs_dest_conns *dc)
{
	if (bpf_map_lookup_elem(dp.t.dest_conns_fd, &s->d[i].id, dc))
		bad("dest_conns %u: %s", s->d[i].id, strerror(errno));
}

bool k_flags_match(const struct msvc *t)
{
	for (int i = 0; i < t->nd; i++) {
		struct xlvs_dest_conns dc;

		k_dest_conns(t, i, &dc);
		if (!(dc.flags & XLVS_DEST_F_OVERLOAD) != !t->d[i].over)
			return false;
	}
	return true;
}

void k_check_counts(const struct msvc *s)
{
	for (int i = 0; i < s->nd; i++) {
		struct xlvs_dest_conns dc;
		bool over;
		int64_t a, in;

		k_dest_conns(s, i, &dc);
		m_counts(s, s->d[i].inst, &a, &in);
		if (in > mst.max_inact)
			mst.max_inact = (int)in;
		over = dc.flags & XLVS_DEST_F_OVERLOAD;
		if (dc.active != a || dc.inactive != in || over != s->d[i].over) {
			msvc_dump(s);
			bad("%s svc %u: .%u (id %u) has active %d inactive %d%s; "
			    "model %lld/%lld%s", msvc_name(s), s->port, s->d[i].host,
			    s->d[i].id, dc.active, dc.inactive,
			    over ? " overloaded" : "", (long long)a,
			    (long long)in, s->d[i].over ? " overloaded" : "");
		}
	}
}

const char *kind_name(int kind)
{
	static const char *const names[XLVS_SCHED_KIND_MAX] = {
		[XLVS_SCHED_RR] = "rr", [XLVS_SCHED_WRR] = "wrr",
		[XLVS_SCHED_LC] = "lc", [XLVS_SCHED_WLC] = "wlc",
		[XLVS_SCHED_SED] = "sed", [XLVS_SCHED_NQ] = "nq",
		[XLVS_SCHED_FO] = "fo", [XLVS_SCHED_OVF] = "ovf",
		[XLVS_SCHED_SH] = "sh", [XLVS_SCHED_DH] = "dh",
		[XLVS_SCHED_MH] = "mh", [XLVS_SCHED_LBLC] = "lblc",
		[XLVS_SCHED_LBLCR] = "lblcr", [XLVS_SCHED_TWOS] = "twos",
	};

	return kind >= 0 && kind < XLVS_SCHED_KIND_MAX ? names[kind] : "?";
}

/* After any change to the list: wrr's dest_changed. */
static void m_changed(struct msvc *s)
{
	struct m_server sv[MSVC_DESTS];
	uint32_t keys[MSVC_DESTS];

	m_servers(s, sv, keys);
	m_rr_changed(&s->rr, sv, s->nd);
}

void msvc_new(struct msvc *s, uint8_t proto, uint16_t port, int kind,
	      uint32_t flags)
{
	struct xlvs_service_conf c = {
		.proto = proto, .vip = ep(100, port), .flags = flags,
	};

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->port = port;
	s->kind = kind;
	s->flags = flags;
	m_rr_init(&s->rr, kind);
	strncpy(c.sched, kind_name(kind), sizeof(c.sched) - 1);
	check("xlvs_service_add", xlvs_service_add(&dp.t, &c));
}


void msvc_sched_set(struct msvc *s, int kind)
{
	struct xlvs_service_conf c = {
		.proto = s->proto, .vip = ep(100, s->port), .flags = s->flags,
	};

	elog("%s: scheduler %s", msvc_name(s), kind_name(kind));
	strncpy(c.sched, kind_name(kind), sizeof(c.sched) - 1);
	check("xlvs_service_edit", xlvs_service_edit(&dp.t, &c));
	s->kind = kind;
	m_rr_init(&s->rr, kind);
	if (m_mutate != 23)
		s->lb.has = false;      /* done_service flushed the table */
	m_changed(s);
	k_check_list(s);
}

void rs_add_m(struct msvc *s, uint8_t host, int32_t w, uint32_t u, uint32_t l)
{
	struct xlvs_dest_conf c = {
		.addr = ep(host, s->port), .fwd = XLVS_FWD_DROUTE, .weight = w,
		.u_threshold = u, .l_threshold = l,
	};
	struct xlvs_endpoint vip = ep(100, s->port);

	struct mdest nd = { .host = host, .weight = w, .u = u, .l = l,
			    .inst = next_inst++ };

	elog("%s: add .%u weight %d thresholds %u/%u", msvc_name(s), host, w, u, l);
	check("xlvs_dest_add", xlvs_dest_add(&dp.t, s->proto, &vip, &c));
	pin_host(host);
	if (s->nd == MSVC_DESTS)
		bad("model list full");
	/* ip_vs_add_dest: the same server from the trash, updated as an
	 * edit would (__ip_vs_update_dest), its connections its own again. */
	for (int i = 0; i < s->ntrash && m_mutate != 12; i++) {
		if (s->trash[i].host != host)
			continue;
		nd.inst = s->trash[i].inst;
		nd.over = m_over_edit(s->trash[i].over, s->trash[i].u, u);
		s->trash[i] = s->trash[--s->ntrash];
		mst.revived++;
		elog("%s: .%u back from the trash", msvc_name(s), host);
		break;
	}
	memmove(&s->d[1], &s->d[0], s->nd * sizeof(s->d[0]));
	s->d[0] = nd;
	s->nd++;
	mst.adds++;
	m_changed(s);
	k_check_list(s);
}

void rs_edit_m(struct msvc *s, int i, int32_t w, uint32_t u, uint32_t l)
{
	struct xlvs_endpoint vip = ep(100, s->port);
	struct xlvs_dest_conf c = {
		.addr = ep(s->d[i].host, s->port), .fwd = XLVS_FWD_DROUTE,
		.weight = w, .u_threshold = u, .l_threshold = l,
	};
	struct mdest *d = &s->d[i];

	elog("%s: edit .%u weight %d -> %d, thresholds %u/%u -> %u/%u%s",
	     msvc_name(s), d->host, d->weight, w, d->u, d->l, u, l,
	     d->over ? " (overloaded)" : "");
	check("xlvs_dest_edit", xlvs_dest_edit(&dp.t, s->proto, &vip, &c));
	mst.w0 += w == 0;
	mst.thr_edits += u != d->u || l != d->l;
	d->over = m_over_edit(d->over, d->u, u);
	d->weight = w;
	d->u = u;
	d->l = l;
	m_changed(s);
	k_check_list(s);
}

void rs_del_m(struct msvc *s, int i)
{
	struct xlvs_endpoint vip = ep(100, s->port);
	struct xlvs_endpoint rip = ep(s->d[i].host, s->port);
	uint32_t keys[MSVC_DESTS];
	uint8_t host = s->d[i].host;

	elog("%s: delete .%u", msvc_name(s), host);
	check("xlvs_dest_del", xlvs_dest_del(&dp.t, s->proto, &vip, &rip));
	pin_host(host);
	for (int k = 0; k < s->nd; k++)
		keys[k] = s->d[k].inst;
	m_rr_deleting(&s->rr, keys, i);
	if (s->ntrash < MSVC_DESTS)
		s->trash[s->ntrash++] = s->d[i];
	memmove(&s->d[i], &s->d[i + 1], (s->nd - i - 1) * sizeof(s->d[0]));
	s->nd--;
	mst.dels++;
	m_changed(s);
	k_check_list(s);
}

/* --------------------------------------------------------------- packets */

void msvc_send(const struct msvc *s, uint16_t sport, uint8_t flags,
	       struct frame *f, struct dp_result *r)
{
	if (s->proto == IPPROTO_TCP)
		send_tcp(sport, s->port, flags, flags & TH_PUSH ? 100 : 0, f, r);
	else
		send_udp(sport, s->port, f, r);
}

static bool scans(int kind)
{
	return kind >= XLVS_SCHED_LC && kind <= XLVS_SCHED_OVF;
}

/* lblc, lblcr: the model's choice, an index into s->d or -1; *lb moves. */
static int m_pick_lblc(const struct msvc *s, struct m_lblc *lb)
{
	struct m_lserver all[2 * MSVC_DESTS];
	int n = 0;
	uint32_t inst;

	for (int i = 0; i < s->nd; i++, n++) {
		all[n] = (struct m_lserver){ .inst = s->d[i].inst, .avail = true,
			.s = { .weight = s->d[i].weight, .over = s->d[i].over } };
		m_counts(s, s->d[i].inst, &all[n].s.active, &all[n].s.inactive);
	}
	for (int i = 0; i < s->ntrash; i++, n++) {
		all[n] = (struct m_lserver){ .inst = s->trash[i].inst,
			.s = { .weight = s->trash[i].weight, .over = s->trash[i].over } };
		m_counts(s, s->trash[i].inst, &all[n].s.active, &all[n].s.inactive);
	}
	inst = m_lblc_pick(lb, s->kind, all, s->nd, n, msvc_clock, msvc_lblcr_exp);
	return inst ? m_find_inst(s, inst) : -1;
}

int new_conn(struct msvc *s, uint16_t sport, uint8_t flags, int replaced)
{
	struct m_rr rr = s->rr, alt_rr = s->rr;
	struct m_lblc lb = s->lb;
	bool local = s->kind == XLVS_SCHED_LBLC || s->kind == XLVS_SCHED_LBLCR;
	int want = local ? m_pick_lblc(s, &lb) : m_pick(s, sport, false, &rr), got;
	struct dp_result r;
	struct frame f;

	/* Would a tie given to the later server have chosen otherwise? */
	if (scans(s->kind))
		mst.ties += m_pick(s, sport, true, &alt_rr) != want;
	mst.news++;
	mst.nodest += want < 0;
	msvc_send(s, sport, flags, &f, &r);
	got = chosen(&r);
	elog("%s: new :%u -> model %s%d, program %s%d (verdict %u)",
	     s->proto == IPPROTO_TCP ? "syn" : "udp", sport,
	     want < 0 ? "none " : ".", want < 0 ? -1 : s->d[want].host,
	     got < 0 ? "none " : ".", got, r.verdict);
	s->rr = rr;             /* IPVS's state moves even when none is found */
	s->lb = lb;
	if (want < 0) {
		if (!dp_left(&f, &r) || r.delta[XLVS_CNT_CONNS_NEW] != 0) {
			msvc_dump(s);
			bad("no server usable, yet verdict %u, dest .%d", r.verdict, got);
		}
		if (replaced >= 0)
			m_unbind(s, replaced);
		return -1;
	}
	if (got != s->d[want].host || r.delta[XLVS_CNT_CONNS_NEW] != 1) {
		msvc_dump(s);
		bad("%s: new connection went to .%d (verdict %u, conns_new +%llu), "
		    "model picks .%u", kind_name(s->kind), got, r.verdict,
		    (unsigned long long)r.delta[XLVS_CNT_CONNS_NEW],
		    s->d[want].host);
	}
	m_bind(s, (struct mconn){
		.sport = sport, .inst = s->d[want].inst, .host = s->d[want].host,
		.state = s->proto == IPPROTO_TCP ? m_tcp_next(XLVS_TCP_NONE, flags)
						 : XLVS_UDP_STATE,
	});
	/* IPVS expires the reused connection with ip_vs_conn_expire_now: its
	 * timer unbinds it after the new one is bound. */
	if (replaced >= 0)
		m_unbind(s, replaced);
	return want;
}

void follow(struct msvc *s, int i, uint8_t flags)
{
	struct mconn *c = &s->c[i];
	bool live = m_find_inst(s, c->inst) >= 0;
	struct dp_result r;
	struct frame f;
	int got;

	/* ip_vs_in_hook, conn_reuse_mode 1 (is_new_conn_expected): any SYN
	 * on TIME_WAIT or CLOSE expires the entry and is scheduled anew,
	 * before the server's state is looked at; a SYN with RST is then not
	 * scheduled (tcp_conn_schedule) and goes to the stack. */
	if (s->proto == IPPROTO_TCP && (flags & TH_SYN) &&
	    (c->state == XLVS_TCP_TIME_WAIT ||
	     (c->state == XLVS_TCP_CLOSE && m_mutate != 13))) {
		elog("syn on %s :%u (was .%u)", c->state == XLVS_TCP_CLOSE ?
		     "CLOSE" : "TIME_WAIT", c->sport, c->host);
		mst.reused++;
		if (!(flags & TH_RST)) {
			new_conn(s, c->sport, flags, i);
			return;
		}
		msvc_send(s, c->sport, flags, &f, &r);
		if (r.verdict != XDP_PASS || r.delta[XLVS_CNT_PKTS_NO_CONN] != 1)
			bad("syn+rst on a reused entry: verdict %u", r.verdict);
		m_unbind(s, i);
		return;
	}
	msvc_send(s, c->sport, flags, &f, &r);
	got = chosen(&r);
	elog("%s :%u flags %02x (.%u, state %u%s) -> %d", msvc_name(s), c->sport,
	     flags, c->host, c->state, live ? "" : ", server deleted", got);
	if (!live) {
		mst.gone++;
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
