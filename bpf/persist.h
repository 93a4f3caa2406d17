/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistence, as IPVS's ip_vs_sched_persist: a new connection on a
 * persistent service goes to the real server its client's template names
 * while that template is good; otherwise the scheduler picks and a new
 * template remembers the pick for the service's persistence timeout.
 */
#ifndef XLVS_BPF_PERSIST_H
#define XLVS_BPF_PERSIST_H

/* The real server of a template IPVS would still use (ip_vs_check_template):
 * the server not deleted -- weight 0 and overload do not matter, persistent
 * clients stay, unless expire_quiescent_template says weight 0 does -- and
 * the template not expired, or expired while it still
 * controls connections, which IPVS re-arms for 60 s.  Using a template
 * restarts its timer.  (A sweeper on another CPU may free a template this
 * finds expired at the same moment; the connection then goes where the
 * template said, and the client's next one makes a new template.) */
static __always_inline struct xlvs_dest *tpl_dest(struct xlvs_conn *t,
						  const struct xlvs_meta *m,
						  __u64 now)
{
	__u32 id = t->dest_id;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);

	if (!d || d->gen != t->dest_gen || !(d->flags & XLVS_DEST_F_AVAILABLE))
		return NULL;
	if (m->sysctl.expire_quiescent_template && d->weight == 0)
		return NULL;
	if (conn_expired(t, m, now)) {
		if (t->state == XLVS_STATE_DEAD ||
		    !xlvs_tpl_controls(t->ctl_stamp, now, sweep_pass_ms()))
			return NULL;
		t->timeout = XLVS_TPL_REARM_S;
	}
	t->last_ns = now;
	return d;
}

/* The real server for a new connection (key) on persistent service s, or
 * NULL; *tplp is the template that will control the connection, if any. */
static __always_inline struct xlvs_dest *
persist_pick(const struct xlvs_svc *s, const struct pkt *p,
	     const struct xlvs_conn_key *key, const struct xlvs_meta *m,
	     __u64 now, __u32 *id, struct xlvs_conn **tplp)
{
	struct scratch *sc = scratch_get();
	struct xlvs_conn *t, *nt;
	struct xlvs_conn_key *tk;
	struct xlvs_dest *d;
	struct chg g;
	__u32 tsidx;
	void *shard;
	int ok;

	*tplp = NULL;
	if (!sc)
		return NULL;
	tk = &sc->tpl_key;
	nt = &sc->tpl;
	tpl_key_of(tk, key, s->tpl_plen, s->tpl_noport);
	tsidx = conn_shard_of(tk);
	shard = bpf_map_lookup_elem(&conn, &tsidx);
	if (!shard)
		return NULL;
	t = bpf_map_lookup_elem(shard, tk);
	if (t) {
		d = tpl_dest(t, m, now);
		if (d) {
			*id = t->dest_id;
			*tplp = t;
			return d;
		}
		/* One IPVS would not use leaves the table at once (IPVS
		 * unhashes it; either way no client finds it again). */
		conn_take(shard, tk, t, tsidx, nt, V_AUTO);
	}
	d = pick_dest(s, p, id);
	if (!d)
		return NULL;
	__builtin_memset(nt, 0, sizeof(*nt));
	nt->last_ns = now;
	nt->dest_id = *id;
	nt->dest_gen = d->gen;
	nt->timeout = s->timeout;
	nt->tag = bpf_get_prandom_u32();
	nt->state = XLVS_TPL_NONE;
	/* Another CPU may have made this client's template meanwhile: its
	 * pick stands, as if it had come first. */
	chg_begin(&g, *id);
	ok = !bpf_map_update_elem(shard, tk, nt, BPF_NOEXIST);
	conn_bind(&g, d, tsidx, CNT_PERSIST, ok);
	if (!ok) {
		struct xlvs_dest *won;

		t = bpf_map_lookup_elem(shard, tk);
		won = t ? tpl_dest(t, m, now) : NULL;
		if (!won)
			return d;
		*id = t->dest_id;
		*tplp = t;
		return won;
	}
	*tplp = bpf_map_lookup_elem(shard, tk);
	return d;
}

#endif
