// SPDX-License-Identifier: GPL-2.0
/*
 * The master: the data plane's events (bpf/sync.h) into IPVS's version 1
 * messages, multicast as the kernel's master thread sends them: a message
 * goes when the next entry would not fit in sync_maxlen, and one partly
 * filled waits at most IPVS_SYNC_FLUSH_TIME (2 s) for more.  A template
 * that controls a synced connection is sent with it, as ip_vs_sync_conn
 * follows cp->control.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sync_msg.h"
#include "syncd.h"

struct master {
	struct xlvs_table *t;
	const struct syncd_conf *c;
	int sock;
	struct sync_msg m;
	uint8_t buf[65535];
	uint64_t first_ms;          /* when the message's first entry came */
	uint64_t sent, msgs, dropped;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void master_send(struct master *ms)
{
	if (!ms->m.nr_conns)
		return;
	/* MSG_DONTWAIT: a full socket buffer loses the message, as the
	 * kernel's ip_vs_send_async does not block the packet path. */
	if (send(ms->sock, ms->buf, ms->m.len, MSG_DONTWAIT) < 0)
		ms->dropped += ms->m.nr_conns;
	else
		ms->msgs++;
	ms->sent += ms->m.nr_conns;
	sync_msg_init(&ms->m, ms->buf, ms->c->d.maxlen, ms->c->d.syncid);
}

static void master_add(struct master *ms, const struct sync_conn *sc)
{
	if (sync_msg_add(&ms->m, sc)) {
		master_send(ms);
		if (sync_msg_add(&ms->m, sc))
			return;     /* larger than sync_maxlen: never sent */
	}
	if (ms->m.nr_conns == 1)
		ms->first_ms = now_ms();
}

static int tcp_active(uint8_t st)
{
	return st == XLVS_TCP_ESTABLISHED || st == XLVS_TCP_SYN_SENT ||
	       st == XLVS_TCP_SYN_RECV || st == XLVS_TCP_SYNACK;
}

/* An entry of the table as ip_vs_sync_conn writes cp: flags as IPVS keeps
 * them (the method, NOOUTPUT where there is no output direction, INACTIVE
 * outside the active states, TEMPLATE), the timeout in seconds. */
static int conn_of(struct master *ms, const struct xlvs_conn_key *k, uint32_t id,
		   uint32_t gen, uint8_t state, uint8_t conn_flags, uint32_t timeout,
		   struct sync_conn *sc)
{
	struct xlvs_dest d;
	uint32_t fwd;

	if (bpf_map_lookup_elem(ms->t->dest_fd, &id, &d) || d.gen != gen)
		return -ENOENT;
	memset(sc, 0, sizeof(*sc));
	sc->af = k->af;
	sc->protocol = k->proto;
	fwd = conn_flags & XLVS_CONN_F_MASQ ? SYNC_F_MASQ :
	      d.fwd == XLVS_FWD_MASQ ? SYNC_F_DROUTE : d.fwd;
	sc->flags = fwd | (fwd != SYNC_F_MASQ ? SYNC_F_NOOUTPUT : 0);
	if (k->kind == XLVS_KIND_TEMPLATE) {
		sc->flags |= SYNC_F_TEMPLATE;
		sc->state = state;
		sc->timeout = timeout;
	} else {
		if (k->proto != IPPROTO_TCP || !tcp_active(state))
			sc->flags |= SYNC_F_INACTIVE;
		sc->state = k->proto == IPPROTO_TCP ? state : 0;
		sc->timeout = state < XLVS_STATE_MAX ? ms->t->meta.timeout[state] : 0;
	}
	memcpy(sc->caddr, k->saddr, 16);
	memcpy(sc->vaddr, k->daddr, 16);
	memcpy(sc->daddr, d.addr, 16);
	sc->cport = k->sport;
	sc->vport = k->dport;
	sc->dport = d.port;
	return 0;
}

/* The template of a controlled connection: the client masked to its
 * length, port 0, the service's port or 0 (bpf/template.h tpl_key_of). */
static void tpl_key(const struct xlvs_sync_event *ev, struct xlvs_conn_key *tk)
{
	unsigned int plen = ev->tpl_plen;

	*tk = ev->key;
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = plen > 8 * i ? plen - 8 * i : 0;

		if (bits < 8)
			tk->saddr[i] &= (uint8_t)(0xff00u >> bits);
	}
	tk->sport = 0;
	if (ev->conn_flags & XLVS_CONN_F_TPL_NOPORT)
		tk->dport = 0;
	tk->kind = XLVS_KIND_TEMPLATE;
}

static int master_event(void *ctx, void *data, size_t len)
{
	const struct xlvs_sync_event *ev = data;
	struct master *ms = ctx;
	struct sync_conn sc;

	if (len < sizeof(*ev))
		return 0;
	if (!conn_of(ms, &ev->key, ev->dest_id, ev->dest_gen, ev->state,
		     ev->conn_flags, ev->timeout, &sc))
		master_add(ms, &sc);
	if (ev->flags & XLVS_SYNC_EV_CONTROLLED) {
		struct xlvs_conn_key tk;
		struct xlvs_conn tc;

		tpl_key(ev, &tk);
		if (!xlvs_conn_get(ms->t, &tk, &tc) && tc.dest_id == ev->dest_id &&
		    tc.dest_gen == ev->dest_gen &&
		    !conn_of(ms, &tk, tc.dest_id, tc.dest_gen, tc.state, tc.flags,
			     tc.timeout, &sc))
			master_add(ms, &sc);
	}
	return 0;
}

int master_run(struct xlvs_table *t, const struct syncd_conf *c, int sock)
{
	static struct master ms;
	struct ring_buffer *rb;
	int fd = xlvs_sync_ring_fd(t), rc = 0;

	if (fd < 0)
		return fd;
	ms.t = t;
	ms.c = c;
	ms.sock = sock;
	sync_msg_init(&ms.m, ms.buf, c->d.maxlen, c->d.syncid);
	rb = ring_buffer__new(fd, master_event, &ms, NULL);
	close(fd);
	if (!rb)
		return -errno;
	while (!syncd_stop) {
		int n = ring_buffer__poll(rb, 100);

		if (n < 0 && n != -EINTR) {
			rc = n;
			break;
		}
		if (ms.m.nr_conns && now_ms() - ms.first_ms >= c->flush_ms)
			master_send(&ms);
	}
	ring_buffer__consume(rb);
	master_send(&ms);
	ring_buffer__free(rb);
	syncd_log(LOG_INFO, "master stopped: %llu entries in %llu messages sent, %llu lost",
		  (unsigned long long)ms.sent, (unsigned long long)ms.msgs,
		  (unsigned long long)ms.dropped);
	return rc;
}
