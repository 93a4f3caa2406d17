// SPDX-License-Identifier: GPL-2.0
/*
 * The backup: each datagram read whole (sync_msg_decode refuses a faulty
 * one before anything changes), then each entry installed as the kernel's
 * ip_vs_proc_conn does, through the table's install program: its service
 * found as the packet path finds it, its real server among that service's
 * by address and port (ip_vs_find_dest).  An entry for a service or real
 * server this director has not is dropped (the kernel keeps it unbound,
 * forwarding to the address it names; xlvs's entries name their server).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/socket.h>
#include "sync_msg.h"
#include "syncd.h"

struct backup {
	struct xlvs_table *t;
	const struct syncd_conf *c;
	int prog_fd;
	struct xlvs_dest *dests;    /* the real servers, as last read */
	time_t dests_at;
	uint64_t msgs, bad, installed, updated, no_svc, no_dest, skipped, failed;
};

static void dests_refresh(struct backup *b)
{
	time_t now = time(NULL);
	struct xlvs_dest *d;

	if (b->dests && now == b->dests_at)
		return;
	d = xlvs_dests_read(b->t);
	if (!d)
		return;
	free(b->dests);
	b->dests = d;
	b->dests_at = now;
}

static int dest_find(struct backup *b, const struct xlvs_svc_key *sk,
		     const struct sync_conn *c, uint32_t *id, uint32_t *gen)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; b->dests && i < XLVS_DEST_MAX; i++) {
			const struct xlvs_dest *d = &b->dests[i];

			if (!d->gen || !(d->flags & XLVS_DEST_F_AVAILABLE) ||
			    memcmp(&d->svc, sk, sizeof(*sk)) ||
			    memcmp(d->addr, c->daddr, 16) ||
			    (d->port != c->dport && c->dport))
				continue;
			*id = i;
			*gen = d->gen;
			return 0;
		}
		if (pass == 0)
			dests_refresh(b);       /* added since: read anew */
	}
	return -ENOENT;
}

static void backup_one(struct backup *b, const struct sync_conn *c)
{
	struct xlvs_sync_install in;
	struct xlvs_svc_key sk;
	struct xlvs_svc s;
	int tpl = !!(c->flags & SYNC_F_TEMPLATE), rc;

	if (c->skip || (c->protocol != IPPROTO_TCP && c->protocol != IPPROTO_UDP)) {
		b->skipped++;
		return;
	}
	memset(&sk, 0, sizeof(sk));
	memcpy(sk.addr, c->vaddr, 16);
	sk.port = c->vport;
	sk.proto = c->protocol;
	sk.af = c->af;
	if (xlvs_svc_find(b->t, &sk, &s)) {
		b->no_svc++;
		return;
	}
	memset(&in, 0, sizeof(in));
	if (dest_find(b, &sk, c, &in.dest_id, &in.dest_gen)) {
		b->no_dest++;
		return;
	}
	memcpy(in.key.saddr, c->caddr, 16);
	memcpy(in.key.daddr, c->vaddr, 16);
	in.key.sport = c->cport;
	in.key.dport = c->vport;
	in.key.proto = c->protocol;
	in.key.af = c->af;
	in.key.kind = tpl ? XLVS_KIND_TEMPLATE : XLVS_KIND_CONN;
	in.state = tpl || c->protocol == IPPROTO_TCP ? (uint8_t)c->state : XLVS_UDP_STATE;
	in.timeout = tpl ? c->timeout : 0;
	in.inactive = !!(c->flags & SYNC_F_INACTIVE);
	if ((c->flags & SYNC_F_FWD_MASK) == SYNC_F_MASQ)
		in.conn_flags |= XLVS_CONN_F_MASQ;
	if (!tpl && (s.flags & XLVS_SVC_F_PERSISTENT)) {
		in.conn_flags |= XLVS_CONN_F_CONTROLLED |
				 (s.tpl_noport ? XLVS_CONN_F_TPL_NOPORT : 0);
		in.tpl_plen = s.tpl_plen;
	}
	rc = xlvs_sync_install(b->prog_fd, &in);
	if (rc == XLVS_SYNC_CREATED)
		b->installed++;
	else if (rc == XLVS_SYNC_UPDATED || rc == XLVS_SYNC_IGNORED)
		b->updated++;
	else if (rc == XLVS_SYNC_NO_DEST)
		b->no_dest++;
	else
		b->failed++;
}

static void backup_datagram(struct backup *b, const uint8_t *buf, size_t len)
{
	static struct sync_conn conns[SYNC_MAX_CONNS];
	int n = sync_msg_decode(buf, len, b->c->d.syncid, conns, SYNC_MAX_CONNS);

	if (n < 0) {
		/* A datagram of another syncid is the kernel's quiet drop. */
		if (n != -SYNC_E_SYNCID && !(b->bad++ % 100))
			syncd_log(LOG_WARNING, "a sync message refused (%s), %llu so far",
				  sync_err_name(n), (unsigned long long)b->bad);
		return;
	}
	b->msgs++;
	for (int i = 0; i < n; i++)
		backup_one(b, &conns[i]);
}

int backup_run(struct xlvs_table *t, const struct syncd_conf *c, int sock)
{
	static uint8_t buf[65536];
	static struct backup b;
	int rc = 0;

	b.t = t;
	b.c = c;
	b.prog_fd = xlvs_sync_install_fd(t);
	if (b.prog_fd < 0)
		return b.prog_fd;
	dests_refresh(&b);
	while (!syncd_stop) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		/* sync_maxlen is the most the kernel's backup reads of one. */
		n = recv(sock, buf, c->d.maxlen, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				rc = -errno;
				break;
			}
			continue;
		}
		if ((size_t)n > c->d.maxlen) {
			b.bad++;        /* truncated: its size will not match */
			continue;
		}
		backup_datagram(&b, buf, (size_t)n);
	}
	close(b.prog_fd);
	free(b.dests);
	syncd_log(LOG_INFO, "backup stopped: %llu messages (%llu refused), %llu made, "
		  "%llu updated, %llu without service, %llu without server, %llu skipped, "
		  "%llu failed", (unsigned long long)b.msgs, (unsigned long long)b.bad,
		  (unsigned long long)b.installed, (unsigned long long)b.updated,
		  (unsigned long long)b.no_svc, (unsigned long long)b.no_dest,
		  (unsigned long long)b.skipped, (unsigned long long)b.failed);
	return rc;
}
