/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection synchronisation's part of the data plane (include/xlvs/sync.h,
 * docs/sync.md): the master's events, on the rules of the kernel's
 * ip_vs_sync_conn_needed, and the backup's install program (ip_vs_proc_conn).
 */
#ifndef XLVS_BPF_SYNC_H
#define XLVS_BPF_SYNC_H

#include <xlvs/sync.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xlvs_sync_ctl);
} sync_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XLVS_SYNC_RING_BYTES);
} sync_ring SEC(".maps");

/*
 * ip_vs_sync_conn_needed with sync_refresh_period 0 (the default; xlvs has
 * no per-connection sync_endtime): TCP only in ESTABLISHED, FIN_WAIT,
 * CLOSE, CLOSE_WAIT and TIME_WAIT; a change into one of them other than
 * ESTABLISHED at once; otherwise (and UDP) on the packet counts threshold,
 * threshold + period, ... (period 0: at the threshold only).  old is the
 * state before this packet (the kernel's old_state is the state last
 * synced; they differ only where a synced state is left and re-entered
 * between two syncs).
 */
static __always_inline int sync_needed(const struct xlvs_sync_ctl *sc,
				       __u8 proto, __u8 old, __u8 st, __u32 pkts)
{
	if (proto == IPPROTO_TCP) {
		if (st != XLVS_TCP_ESTABLISHED && st != XLVS_TCP_FIN_WAIT &&
		    st != XLVS_TCP_CLOSE && st != XLVS_TCP_CLOSE_WAIT &&
		    st != XLVS_TCP_TIME_WAIT)
			return 0;
		if (st != old && st != XLVS_TCP_ESTABLISHED)
			return 1;
	}
	if (sc->period)
		return pkts % sc->period == sc->threshold;
	return pkts == sc->threshold;
}

/* The packet of connection c (key k) that moved it from old to st: counted,
 * and written to the ring if the kernel would sync it now.  Not inlined:
 * the packet path pays for it only while a master runs. */
static __noinline void sync_send(const struct xlvs_conn_key *k,
				 struct xlvs_conn *c, __u8 old, __u8 st)
{
	__u32 zero = 0, pkts;
	struct xlvs_sync_ctl *sc = bpf_map_lookup_elem(&sync_ctl, &zero);
	struct xlvs_sync_event *ev;

	if (!sc || !k || !c)
		return;
	pkts = __sync_fetch_and_add(&c->sync_pkts, 1) + 1;
	if (!sync_needed(sc, k->proto, old, st, pkts))
		return;
	ev = bpf_ringbuf_reserve(&sync_ring, sizeof(*ev), 0);
	if (!ev) {
		__sync_fetch_and_add(&sc->lost, 1);
		return;
	}
	__builtin_memcpy(&ev->key, k, sizeof(ev->key));
	ev->dest_id = c->dest_id;
	ev->dest_gen = c->dest_gen;
	ev->state = st;
	ev->conn_flags = c->flags;
	ev->tpl_plen = c->tpl_plen;
	ev->flags = c->flags & XLVS_CONN_F_CONTROLLED ? XLVS_SYNC_EV_CONTROLLED : 0;
	ev->timeout = c->timeout;
	ev->pad[0] = ev->pad[1] = 0;
	bpf_ringbuf_submit(ev, 0);
}

/* On the packet path: one inlined array lookup and a test when no master
 * runs. */
static __always_inline void sync_note(const struct xlvs_conn_key *k,
				      struct xlvs_conn *c, __u8 old, __u8 st)
{
	__u32 zero = 0;
	struct xlvs_sync_ctl *sc = bpf_map_lookup_elem(&sync_ctl, &zero);

	if (sc && sc->master)
		sync_send(k, c, old, st);
}

/* A connection just made in shard from a packet that put it in state st:
 * its first packet, counted on the entry itself. */
static __always_inline void sync_note_new(void *shard,
					  const struct xlvs_conn_key *k, __u8 st)
{
	__u32 zero = 0;
	struct xlvs_sync_ctl *sc = bpf_map_lookup_elem(&sync_ctl, &zero);
	struct xlvs_conn *c;

	if (!sc || !sc->master)
		return;
	c = bpf_map_lookup_elem(shard, k);
	if (c)
		sync_send(k, c, XLVS_TCP_NONE, st);
}

/*
 * The backup's ip_vs_proc_conn, for one connection user space received
 * and found the real server of (a): an entry of the same key to another
 * server is replaced (unless a says the connection is no longer active:
 * the expiry note of one replaced already), one to the same server takes
 * the state (its counts moved as the packet path moves them) and is
 * refreshed, and a missing (or expired) one is made and bound.  Templates
 * take their timeout.  enum xlvs_sync_install_rc.
 */
static __always_inline int sync_install(const struct xlvs_sync_install *a,
					struct xlvs_conn_key *k,
					struct xlvs_conn *fresh,
					struct xlvs_conn *old)
{
	struct xlvs_meta *m = meta_get();
	/* The packet path's clock is the coarse one, which a syscall program
	 * cannot read; this one is at most a tick ahead of it. */
	__u64 now = bpf_ktime_get_ns();
	__u32 id = a->dest_id, sidx;
	struct xlvs_dest *d;
	struct xlvs_conn *c;
	struct chg g;
	void *shard;
	long rc;

	__builtin_memcpy(k, &a->key, sizeof(*k));
	k->pad = 0;
	d = bpf_map_lookup_elem(&dest, &id);
	if (!m || !d || d->gen != a->dest_gen || !(d->flags & XLVS_DEST_F_AVAILABLE))
		return XLVS_SYNC_NO_DEST;
	sidx = conn_shard_of(k);
	shard = bpf_map_lookup_elem(&conn, &sidx);
	if (!shard)
		return XLVS_SYNC_FULL;
	c = bpf_map_lookup_elem(shard, k);
	if (c && !conn_expired(c, m, now) && k->kind == XLVS_KIND_CONN &&
	    (c->dest_id != id || c->dest_gen != a->dest_gen)) {
		if (a->inactive)
			return XLVS_SYNC_IGNORED;
		if (conn_take(shard, k, c, sidx, old, V_AUTO))
			return XLVS_SYNC_BUSY;
		c = NULL;
	}
	if (c && conn_expired(c, m, now)) {
		if (conn_take(shard, k, c, sidx, old, V_AUTO))
			return XLVS_SYNC_BUSY;
		c = NULL;
	}
	if (c) {
		union sword sw = sword_get(c);

		if (sw.state == XLVS_STATE_DEAD)
			return XLVS_SYNC_BUSY;
		if (sw.state != a->state) {
			if (k->kind == XLVS_KIND_TEMPLATE ?
			    !conn_claim_state(c, sw, a->state) :
			    !conn_set_state(c, sidx, sw.w, a->state))
				return XLVS_SYNC_BUSY;
		}
		if (k->kind == XLVS_KIND_TEMPLATE && a->timeout)
			c->timeout = a->timeout;
		c->last_ns = now;
		return XLVS_SYNC_UPDATED;
	}
	__builtin_memset(fresh, 0, sizeof(*fresh));
	fresh->last_ns = now;
	fresh->dest_id = id;
	fresh->dest_gen = a->dest_gen;
	fresh->tag = bpf_get_prandom_u32();
	fresh->state = a->state;
	fresh->flags = (a->conn_flags & (XLVS_CONN_F_CONTROLLED |
		       XLVS_CONN_F_TPL_NOPORT | XLVS_CONN_F_MASQ)) | XLVS_CONN_F_SYNC;
	fresh->tpl_plen = a->tpl_plen;
	if (k->kind == XLVS_KIND_TEMPLATE)
		fresh->timeout = a->timeout ? a->timeout : XLVS_PERSISTENT_TIMEOUT;
	chg_begin(&g, id);
	rc = bpf_map_update_elem(shard, k, fresh, BPF_NOEXIST);
	conn_bind(&g, d, sidx, cnt_of(k->kind, fresh->state), !rc);
	if (rc)
		return rc == -EEXIST ? XLVS_SYNC_BUSY : XLVS_SYNC_FULL;
	if (fresh->flags & XLVS_CONN_F_MASQ)
		nat_remember(k, d, fresh->tag);
	return XLVS_SYNC_CREATED;
}

#endif
