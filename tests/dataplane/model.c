// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's rules for the data-plane tests (see model.h): each function
 * follows its kernel function loop for loop, with the kernel's list walks
 * turned into index walks (-1 standing for the list head).
 */
#include <stdlib.h>
#include <xlvs/table.h>
#include <netinet/tcp.h>

#include "model.h"

int m_mutate;

void m_mutate_from_env(void)
{
	const char *m = getenv("XLVS_MODEL_MUTATE");

	m_mutate = m ? atoi(m) : 0;
}

/* tcp_states[] INPUT-ONLY rows, as in current kernels (an ACK moves NONE
 * to ESTABLISHED: a connection sloppy_tcp schedules mid-stream);
 * tcp_state_idx: rst first, then syn, fin, ack; set_tcp_state: a segment
 * with none of them moves to CLOSE (new_state's first value). */
uint8_t m_tcp_next(uint8_t st, uint8_t flags)
{
	enum { NO = XLVS_TCP_NONE, ES = XLVS_TCP_ESTABLISHED,
	       SS = XLVS_TCP_SYN_SENT, SR = XLVS_TCP_SYN_RECV,
	       FW = XLVS_TCP_FIN_WAIT, TW = XLVS_TCP_TIME_WAIT,
	       CL = XLVS_TCP_CLOSE, CW = XLVS_TCP_CLOSE_WAIT,
	       LA = XLVS_TCP_LAST_ACK, LI = XLVS_TCP_LISTEN,
	       SA = XLVS_TCP_SYNACK };
	static const uint8_t syn[] = { SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR };
	static const uint8_t fin[] = { CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW };
	static const uint8_t ack[] = { ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES };
	static const uint8_t rst[] = { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL };

	if (m_mutate == 5 && st == ES && (flags & TH_FIN))
		return ES;
	if (flags & TH_RST)
		return rst[st];
	if (flags & TH_SYN)
		return syn[st];
	if (flags & TH_FIN)
		return fin[st];
	if (flags & TH_ACK)
		return ack[st];
	return CL;
}

/* tcp_state_active_table[] (ip_vs_proto_tcp.c, Linux 4.8+). */
bool m_tcp_active(uint8_t st)
{
	static const bool active[XLVS_TCP_SYNACK + 1] = {
		[XLVS_TCP_ESTABLISHED] = true, [XLVS_TCP_SYN_SENT] = true,
		[XLVS_TCP_SYN_RECV] = true, [XLVS_TCP_SYNACK] = true,
	};

	if (m_mutate == 11)     /* the rule before 4.8 */
		return st == XLVS_TCP_ESTABLISHED;
	return st <= XLVS_TCP_SYNACK && active[st];
}

/* ip_vs_dest_conn_overhead (lc, wlc) and ip_vs_sed/nq_dest_overhead. */
static int64_t overhead(int kind, const struct m_server *d)
{
	if (kind == XLVS_SCHED_SED || kind == XLVS_SCHED_NQ)
		return d->active + 1;
	if (m_mutate == 2)
		return (d->active << 5) + d->inactive;
	return (d->active << 8) + d->inactive;
}

static int32_t weight(const struct m_server *d)
{
	return m_mutate == 6 && d->weight == 0 ? 1 : d->weight;
}

/* ip_vs_lc_schedule */
static int pick_lc(const struct m_server *s, int n, bool later)
{
	int least = -1;
	int64_t loh = 0;

	for (int i = 0; i < n; i++) {
		int64_t doh;

		if (s[i].over || weight(&s[i]) == 0)
			continue;
		doh = overhead(XLVS_SCHED_LC, &s[i]);
		if (least < 0 || doh < loh || (later && doh == loh)) {
			least = i;
			loh = doh;
		}
	}
	return least;
}

/* ip_vs_wlc_schedule and ip_vs_sed_schedule: the first usable server, then
 * every later one that is not overloaded, cross-multiplied. */
static int pick_wlc(int kind, const struct m_server *s, int n, bool later)
{
	int least, i;
	int64_t loh;

	for (i = 0; i < n; i++)
		if (!s[i].over && weight(&s[i]) > 0)
			break;
	if (i == n)
		return -1;
	least = i;
	loh = overhead(kind, &s[i]);
	for (i++; i < n; i++) {
		int64_t doh, l, r;

		if (s[i].over)
			continue;
		doh = overhead(kind, &s[i]);
		l = loh * weight(&s[i]);
		r = doh * weight(&s[least]);
		if (l > r || (later && l == r && weight(&s[i]) > 0)) {
			least = i;
			loh = doh;
		}
	}
	return least;
}

/* ip_vs_nq_schedule */
static int pick_nq(const struct m_server *s, int n, bool later)
{
	int least = -1;
	int64_t loh = 0;

	for (int i = 0; i < n; i++) {
		int64_t doh, l, r;

		if (s[i].over || !weight(&s[i]))
			continue;
		doh = overhead(XLVS_SCHED_NQ, &s[i]);
		if (s[i].active == 0 && m_mutate != 3)
			return i;
		if (least < 0) {
			least = i;
			loh = doh;
			continue;
		}
		l = loh * weight(&s[i]);
		r = doh * weight(&s[least]);
		if (l > r || (later && l == r)) {
			least = i;
			loh = doh;
		}
	}
	return least;
}

/* ip_vs_fo_schedule */
static int pick_fo(const struct m_server *s, int n, bool later)
{
	int hweight = -1;
	int32_t hw = 0;

	for (int i = 0; i < n; i++)
		if (!s[i].over && (weight(&s[i]) > hw ||
				   (later && hweight >= 0 && weight(&s[i]) == hw))) {
			hweight = i;
			hw = weight(&s[i]);
		}
	return hweight;
}

/* ip_vs_ovf_schedule */
static int pick_ovf(const struct m_server *s, int n, bool later)
{
	int h = -1;
	int32_t hw = 0;

	for (int i = 0; i < n; i++) {
		int32_t w = weight(&s[i]);

		if (s[i].over || (m_mutate == 4 ? s[i].active >= w : s[i].active > w) ||
		    w == 0)
			continue;
		if (h < 0 || w > hw || (later && w == hw)) {
			h = i;
			hw = w;
		}
	}
	return h;
}

int m_scan_pick(int kind, const struct m_server *s, int n, bool tie_later)
{
	bool later = tie_later || m_mutate == 1;

	switch (kind) {
	case XLVS_SCHED_LC:
		return pick_lc(s, n, later);
	case XLVS_SCHED_WLC:
	case XLVS_SCHED_SED:
		return pick_wlc(kind, s, n, later);
	case XLVS_SCHED_NQ:
		return pick_nq(s, n, later);
	case XLVS_SCHED_FO:
		return pick_fo(s, n, later);
	case XLVS_SCHED_OVF:
		return pick_ovf(s, n, later);
	}
	return -1;
}

/* ip_vs_bind_dest */
bool m_over_bind(bool over, uint32_t u, int64_t total)
{
	if (m_mutate == 8)
		total--;
	return over || (u != 0 && total >= (int64_t)u);
}

/* ip_vs_unbind_dest */
bool m_over_unbind(bool over, uint32_t u, uint32_t l, int64_t total)
{
	if (l != 0 && m_mutate != 9)
		return over && !(total < (int64_t)l);
	if (u != 0)
		return over && !(total * 4 < (int64_t)u * 3);
	return false;
}

/* __ip_vs_update_dest */
bool m_over_edit(bool over, uint32_t old_u, uint32_t new_u)
{
	if (m_mutate == 10)
		return over && new_u != 0;
	return over && !(new_u == 0 || new_u > old_u);
}

/* ------------------------------------------------------------ rr, wrr */

static int32_t gcd(int32_t a, int32_t b)
{
	return b ? gcd(b, a % b) : a;
}

/* ip_vs_rr_init_svc, ip_vs_wrr_init_svc (with no server yet) */
void m_rr_init(struct m_rr *m, int kind)
{
	*m = (struct m_rr){ .kind = kind, .di = 1 };
}

/* ip_vs_wrr_dest_changed: ip_vs_wrr_gcd_weight, ip_vs_wrr_max_weight. */
void m_rr_changed(struct m_rr *m, const struct m_server *s, int n)
{
	int32_t g = 0, max = 0;

	if (m->kind != XLVS_SCHED_WRR)
		return;             /* ip_vs_rr has no add_dest / upd_dest */
	for (int i = 0; i < n; i++) {
		if (s[i].weight > 0)
			g = g ? gcd(s[i].weight, g) : s[i].weight;
		if (s[i].weight > max)
			max = s[i].weight;
	}
	m->last = 0;
	m->di = g ? g : 1;
	m->mw = max - (m->di - 1);
	if (m->cw > m->mw || !m->cw)
		m->cw = m->mw;
	else if (m->di > 1)
		m->cw = (m->cw / m->di) * m->di + 1;
}

/* ip_vs_rr_del_dest: the unlinked server's next->prev is the one before. */
void m_rr_deleting(struct m_rr *m, const uint32_t *keys, int i)
{
	if (m->kind == XLVS_SCHED_RR && m->last == keys[i])
		m->last = i > 0 ? keys[i - 1] : 0;
}

static int index_of(const uint32_t *keys, int n, uint32_t key)
{
	for (int i = 0; i < n; i++)
		if (keys[i] == key)
			return i;
	return -1;
}

/* ip_vs_rr_schedule */
static int pick_rr(struct m_rr *m, const struct m_server *s, const uint32_t *keys,
		   int n)
{
	int p = m->last ? index_of(keys, n, m->last) : -1, last = p, d = p;
	int pass = 0;

	do {
		for (d = d + 1; d < n; d++) {
			if (!s[d].over && s[d].weight > 0) {
				m->last = keys[d];
				return d;
			}
			if (d == last)
				return -1;
		}
		d = -1;
		pass++;
	} while (pass < 2 && p != -1);
	return -1;
}

/* ip_vs_wrr_schedule */
static int pick_wrr(struct m_rr *m, const struct m_server *s, const uint32_t *keys,
		    int n)
{
	int d = m->last ? index_of(keys, n, m->last) : -1, last, stop = -2;
	bool last_pass = false, restarted = false;
	uint32_t tried = 0;

	if (m->mw == 0)
		return -1;          /* err_noavail: mark->cl stays */
	last = d;
	for (;;) {
		for (d = d + 1; d < n; d++) {
			/* mutation 21: give up after 65536 positions */
			if (m_mutate == 21 && s[d].weight >= m->cw &&
			    ++tried > 65536)
				goto err_over;
			if (!s[d].over && s[d].weight >= m->cw)
				goto found;
			if (d == stop)
				goto err_over;
		}
		d = -1;
		m->cw -= m->di;
		if (m->cw <= 0) {
			m->cw = m->mw;
			if (last_pass || last == -1)
				goto err_over;
			restarted = true;
		}
		last_pass = m->cw <= m->di;
		if (last_pass && restarted && last != -1)
			stop = last;
	}
found:
	m->last = keys[d];
	return d;
err_over:
	if (m_mutate == 22) {       /* always back at the head */
		m->cw = m->mw;
		d = -1;
	}
	m->last = d >= 0 ? keys[d] : 0;
	return -1;
}

int m_rr_pick(struct m_rr *m, const struct m_server *s, const uint32_t *keys,
	      int n)
{
	return m->kind == XLVS_SCHED_WRR ? pick_wrr(m, s, keys, n) :
					   pick_rr(m, s, keys, n);
}

/* ----------------------------------------------------------------- sh */

/* ip_vs_sh_reassign: each server takes as many consecutive buckets as its
 * weight (one at weight 0), round the list until all are filled. */
void m_sh_fill(struct m_sh *m, const struct m_server *s, int n)
{
	int d = 0, used = 0;

	for (int i = 0; i < 256; i++) {
		m->bucket[i] = n ? d : -1;
		if (n && ++used >= s[d].weight) {
			d = (d + 1) % n;
			used = 0;
		}
	}
}

/* ip_vs_sh_hashkey: hash_32(ntohs(port) + ntohl(addr), 8), offset added. */
static uint32_t sh_hash(uint32_t saddr, uint16_t sport, uint32_t offset)
{
	return (offset + (((sport + saddr) * 0x61C88647u) >> 24)) & 255;
}

/* is_unavailable */
static bool sh_unavailable(const struct m_server *d)
{
	return d->weight <= 0 || d->over;
}

/* ip_vs_sh_get, ip_vs_sh_get_fallback */
int m_sh_pick(const struct m_sh *m, const struct m_server *s, uint32_t saddr,
	      uint16_t sport, bool fallback)
{
	uint32_t ihash = sh_hash(saddr, sport, 0);
	int d = m->bucket[ihash];

	if (d < 0)
		return -1;
	if (!sh_unavailable(&s[d]))
		return d;
	for (uint32_t offset = 0; fallback && offset < 256; offset++) {
		uint32_t roffset = (offset + ihash) % 256;

		d = m->bucket[sh_hash(saddr, sport, roffset)];
		if (!sh_unavailable(&s[d]))
			return d;
	}
	return -1;
}
