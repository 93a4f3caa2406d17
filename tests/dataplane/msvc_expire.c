// SPDX-License-Identifier: GPL-2.0
/*
 * Expiry for the model tests: the timeouts of some states set to 0, the
 * kernel's sweeper left to free those connections (about a second), the
 * model told.  The sweeper unbinds connections in its own order and at its
 * own time, so where that can change what the program did, every order the
 * sweeper could have taken is tried on a copy of the model.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "expect.h"
#include "harness.h"
#include "msvc.h"
#include "msvc_expire.h"

#define BIG_TIMEOUT 100000u     /* nothing expires unless a step wants it */
#define REPLACE_MAX 10          /* 2^10 sweeper orders to try at most */

void timeouts_write(const bool zero[XLVS_STATE_MAX])
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

void timeouts_default(void)
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

	for (uint32_t sh = 0; sh < xlvs_conn_shards(dp.t.meta.conn_max); sh++) {
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

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait until the sweeper has freed every entry in a state of S (whose
 * timeouts are 0); then give the timeouts back. */
static void sweep_wait(const bool S[XLVS_STATE_MAX])
{
	double t0 = now_s();
	int left;

	mst.sweep_s -= t0;
	while ((left = k_entries_in(S)) > 0) {
		if (now_s() - t0 > 4)
			bad("%d connections still in the table 4 s after their "
			    "timeout", left);
		usleep(20000);
	}
	timeouts_write(NULL);
	mst.sweep_s += now_s();
}

/* Does the model expire connection c?  (Mutation 7 forgets FIN_WAIT.) */
static bool expires(const struct mconn *c, const bool S[XLVS_STATE_MAX])
{
	return S[c->state] && !(m_mutate == 7 && c->state == XLVS_TCP_FIN_WAIT);
}

/* Unbinds every connection of s in a state of S: how many. */
static int expire_all(struct msvc *s, const bool S[XLVS_STATE_MAX])
{
	int n = 0;

	for (int i = s->nc - 1; i >= 0; i--)
		if (expires(&s->c[i], S)) {
			m_unbind(s, i);
			n++;
		}
	return n;
}

/*
 * The program's view of a new packet on expiring connection rsport while
 * the sweeper frees cand[] (n sports): the ones in mask were freed before
 * the packet, which schedules with the rest still counted, forgets its own
 * old entry if it is still there (before binding: in IPVS that connection
 * expired earlier), binds the new one; then the sweeper frees the rest,
 * and the new one too if its state is in S.  Plays this on t and returns
 * the model's choice.
 */
static int replay(struct msvc *t, const bool S[XLVS_STATE_MAX],
		  const uint16_t *cand, int n, uint32_t mask, uint16_t rsport,
		  uint8_t flags)
{
	int pick;

	for (int j = 0; j < n; j++)
		if (mask >> j & 1)
			m_unbind(t, m_find_sport(t, cand[j]));
	pick = m_pick(t, rsport, false, &t->rr);
	if (m_find_sport(t, rsport) >= 0)
		m_unbind(t, m_find_sport(t, rsport));
	if (pick >= 0)
		m_bind(t, (struct mconn){
			.sport = rsport, .inst = t->d[pick].inst,
			.host = t->d[pick].host,
			.state = t->proto == IPPROTO_TCP ?
				 m_tcp_next(XLVS_TCP_NONE, flags) : XLVS_UDP_STATE,
		});
	expire_all(t, S);
	return pick;
}

/* A new packet on one of the expiring tuples of s (if there are some, and
 * at most REPLACE_MAX): it replaces the expired entry if the sweeper has
 * not freed it yet.  Waits for the sweep; the model takes whichever sweeper
 * order gives the program's choice and the table's flags once all are
 * swept.  Returns false, having only waited, when it sent nothing. */
static bool replace_one(struct msvc *s, const bool S[XLVS_STATE_MAX])
{
	static struct msvc t;
	uint16_t cand[REPLACE_MAX], rsport;
	uint8_t flags = s->proto == IPPROTO_TCP ? TH_SYN : 0;
	struct dp_result r;
	struct frame f;
	int n = 0, got;

	for (int i = 0; i < s->nc && n <= REPLACE_MAX; i++)
		if (expires(&s->c[i], S) && n++ < REPLACE_MAX)
			cand[n - 1] = s->c[i].sport;
	if (n == 0 || n > REPLACE_MAX) {
		sweep_wait(S);
		return false;
	}
	rsport = cand[rnd(n)];
	msvc_send(s, rsport, flags, &f, &r);
	got = chosen(&r);
	elog("  new packet on expired :%u (was .%u) -> %d", rsport,
	     s->c[m_find_sport(s, rsport)].host, got);
	sweep_wait(S);
	for (uint32_t mask = 0; mask < (1u << n); mask++) {
		int p;

		t = *s;
		p = replay(&t, S, cand, n, mask, rsport, flags);
		if ((p < 0 ? got < 0 : t.d[p].host == got) && k_flags_match(&t)) {
			mst.replaced++;
			mst.expired += s->nc - t.nc + (p >= 0);
			*s = t;
			return true;
		}
	}
	msvc_dump(s);
	bad("replacing expired :%u went to %d: no sweeper order gives that "
	    "and the table's overloaded flags", rsport, got);
	return false;
}

void expire(struct msvc *svcs, int nsvc, const bool S[XLVS_STATE_MAX],
	    bool replace)
{
	char names[128] = "";
	bool replaced = false;

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
	if (replace)
		replaced = replace_one(&svcs[0], S);
	else
		sweep_wait(S);
	for (int v = replaced ? 1 : 0; v < nsvc; v++)
		mst.expired += expire_all(&svcs[v], S);
}

void flush_all(struct msvc *svcs, int nsvc)
{
	bool all[XLVS_STATE_MAX];

	for (int st = 0; st < XLVS_STATE_MAX; st++)
		all[st] = true;
	if (svcs) {
		expire(svcs, nsvc, all, false);
	} else {
		timeouts_write(all);
		sweep_wait(all);
	}
}
