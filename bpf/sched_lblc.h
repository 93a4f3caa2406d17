/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lblc and lblcr, IPVS's locality-based schedulers (ip_vs_lblc.c,
 * ip_vs_lblcr.c): a destination address keeps going to the server (lblc)
 * or the least loaded of the server set (lblcr) it went to before, in the
 * pinned `lblc` map (struct xlvs_lblc), until that server is "overloaded"
 * in their sense -- more active connections than its weight while some
 * server of the service has fewer than half its own -- and then the
 * weighted least-connection server is taken (and, for lblcr, added to the
 * set).  An lblcr set unchanged for lblcr_expiration loses its most loaded
 * member at its next use.  Entries unused for lblc(r)_expiration are
 * collected by a kernel timer (bpf/lblc_expire.h).
 *
 * The kernel changes its table under the service's sched_lock; here an
 * entry is changed in place (its time) or replaced whole with one map
 * update, so CPUs racing on one address may lose one another's change to
 * a set: the last writer wins, and the next connection sees a whole set.
 */
#ifndef XLVS_BPF_SCHED_LBLC_H
#define XLVS_BPF_SCHED_LBLC_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XLVS_LBLC_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xlvs_lblc_key);
	__type(value, struct xlvs_lblc);
} lblc SEC(".maps");

struct half_scan {
	struct xlvs_sched *sc;
	__u32 n;
	int found;
};

static long half_one(__u32 i, struct half_scan *h)
{
	__u32 idx = i & (XLVS_SVC_DESTS_MAX - 1), id;
	struct xlvs_dest_conns *dc;

	if (i >= h->n)
		return 1;
	id = h->sc->dests[idx];
	dc = bpf_map_lookup_elem(&dest_conns, &id);
	if (dc && (__s64)dc->active * 2 < h->sc->weights[idx]) {
		h->found = 1;
		return 1;
	}
	return 0;
}

/* IPVS's is_overloaded(): more active connections than its weight, and
 * some server of the service below half of its own. */
static __always_inline int lblc_overloaded(struct xlvs_sched *sc, __u32 id,
					   __s32 weight)
{
	struct xlvs_dest_conns *dc = bpf_map_lookup_elem(&dest_conns, &id);
	struct half_scan h = { .sc = sc };

	if (!dc || dc->active <= weight)
		return 0;
	h.n = sc->ndests < XLVS_SVC_DESTS_MAX ? sc->ndests : XLVS_SVC_DESTS_MAX;
	bpf_loop(h.n, half_one, &h, 0);
	return h.found;
}

/* A member's server, or NULL when its slot went to another server. */
static __always_inline struct xlvs_dest *member_dest(const struct xlvs_lblc_member *m)
{
	__u32 id = m->id;
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);

	return d && d->gen && d->gen == m->gen ? d : NULL;
}

static __always_inline __s64 member_overhead(__u32 id, int *over)
{
	struct xlvs_dest_conns *dc = bpf_map_lookup_elem(&dest_conns, &id);

	if (!dc) {
		*over = 1;
		return 0;
	}
	*over = !!(dc->flags & XLVS_DEST_F_OVERLOAD);
	return ((__s64)dc->active << 8) + dc->inactive;
}

static __always_inline void member_of(struct xlvs_lblc_member *m, __u32 id)
{
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &id);

	m->id = id;
	m->gen = d ? d->gen : 0;
}

/* ip_vs_dest_set_min: the least weighted overhead of the available, not
 * overloaded members (the first with weight > 0 starts), or -1. */
static __always_inline int set_min(const struct xlvs_lblc *v)
{
	__s64 loh = 0, lw = 0;
	int least = -1;

	for (int i = 0; i < XLVS_LBLCR_SET_MAX; i++) {
		struct xlvs_dest *d;
		__s64 doh, w;
		int over, avail;

		if (i >= v->size)
			break;
		d = member_dest(&v->m[i]);
		if (!d)
			continue;       /* the kernel's dest would be in the trash */
		doh = member_overhead(v->m[i].id, &over);
		if (over)
			continue;
		w = d->weight;
		avail = d->flags & XLVS_DEST_F_AVAILABLE;
		if (least < 0) {
			if (w > 0 && avail) {
				least = i;
				loh = doh;
				lw = w;
			}
			continue;
		}
		if (loh * w > doh * lw && avail) {
			least = i;
			loh = doh;
			lw = w;
		}
	}
	return least;
}

/* ip_vs_dest_set_max: the most weighted overhead of the members with
 * weight > 0 (overloaded and trashed ones too), or -1. */
static __always_inline int set_max(const struct xlvs_lblc *v)
{
	__s64 moh = 0, mw = 0;
	int most = -1;

	for (int i = 0; i < XLVS_LBLCR_SET_MAX; i++) {
		struct xlvs_dest *d;
		__s64 doh, w;
		int over;

		if (i >= v->size)
			break;
		d = member_dest(&v->m[i]);
		if (!d || d->weight <= 0)
			continue;
		w = d->weight;
		doh = member_overhead(v->m[i].id, &over);
		if (most < 0 || moh * w < doh * mw) {
			most = i;
			moh = doh;
			mw = w;
		}
	}
	return most;
}

/* ip_vs_dest_set_erase: member i leaves, the others keep their order. */
static __always_inline void set_erase(struct xlvs_lblc *v, int i, __u64 now)
{
	for (int k = 0; k < XLVS_LBLCR_SET_MAX - 1; k++)
		if (k >= i && k + 1 < v->size)
			v->m[k] = v->m[k + 1];
	v->size--;
	v->lastmod_ns = now;
}

/* ip_vs_dest_set_insert with check: at the head, unless it is a member
 * already or the set is full. */
static __always_inline int set_insert(struct xlvs_lblc *v, __u32 id, __u64 now)
{
	struct xlvs_lblc_member m;

	member_of(&m, id);
	for (int i = 0; i < XLVS_LBLCR_SET_MAX; i++) {
		if (i >= v->size)
			break;
		if (v->m[i].id == m.id && v->m[i].gen == m.gen)
			return 0;
	}
	if (v->size >= XLVS_LBLCR_SET_MAX)
		return 0;
	for (int k = XLVS_LBLCR_SET_MAX - 1; k > 0; k--)
		if (k <= v->size)
			v->m[k] = v->m[k - 1];
	v->m[0] = m;
	v->size++;
	v->lastmod_ns = now;
	return 1;
}

/* A fresh entry holding only server id (ip_vs_lblc_new, ip_vs_lblcr_new). */
static __always_inline void lblc_fresh(struct xlvs_lblc *v, __u32 kind,
				       __u32 id, __u64 now)
{
	__builtin_memset(v, 0, sizeof(*v));
	v->lastuse_ns = now;
	v->lastmod_ns = now;
	v->kind = kind;
	v->size = 1;
	member_of(&v->m[0], id);
}

/*
 * A locality pick is two global functions around one wlc scan
 * (sched_scan_slot), so the verifier checks the scan once, not in each
 * of the places lblc and lblcr need it: sched_locality answers from the
 * table, or returns LOCALITY_SCAN with what to do with the scan's pick in
 * the scratch (lblc_then, and for lblcr the set it has been working on);
 * sched_locality_done does it.
 */
#define LOCALITY_SCAN (-2)

enum lblc_then {
	LBLC_FRESH = 1,         /* lblc: the pick's entry, unless it is the same */
	LBLCR_FRESH,            /* lblcr: a set of the pick alone */
	LBLCR_ADD,              /* lblcr: the pick joins the set in the scratch */
};

/* ip_vs_lblc_schedule, up to its wlc scan */
static __always_inline __s64 sched_lblc(struct xlvs_sched *sc,
					struct scratch *x, __u64 now)
{
	struct xlvs_lblc *en = bpf_map_lookup_elem(&lblc, &x->lblc_key);
	struct xlvs_dest *d;

	if (en && en->kind == XLVS_SCHED_LBLC && en->size) {
		en->lastuse_ns = now;
		d = member_dest(&en->m[0]);
		if (d && (d->flags & XLVS_DEST_F_AVAILABLE) && d->weight > 0 &&
		    !lblc_overloaded(sc, en->m[0].id, d->weight))
			return en->m[0].id;
	}
	x->lblc_then = LBLC_FRESH;
	return LOCALITY_SCAN;
}

/* ip_vs_lblcr_schedule, up to its wlc scan */
static __always_inline __s64 sched_lblcr(struct xlvs_sched *sc,
					 struct scratch *x, __u64 now,
					 __u32 expiration_s)
{
	struct xlvs_lblc *en = bpf_map_lookup_elem(&lblc, &x->lblc_key);
	struct xlvs_lblc *v = &x->lblc;
	int changed = 0, min;
	struct xlvs_dest *d;
	__s64 pick;

	if (!en || en->kind != XLVS_SCHED_LBLCR) {
		x->lblc_then = LBLCR_FRESH;
		return LOCALITY_SCAN;
	}
	en->lastuse_ns = now;
	__builtin_memcpy(v, en, sizeof(*v));
	if (v->size > XLVS_LBLCR_SET_MAX)
		v->size = XLVS_LBLCR_SET_MAX;
	min = set_min(v);
	if (min >= 0)
		pick = v->m[min & (XLVS_LBLCR_SET_MAX - 1)].id;
	else
		pick = -1;
	/* More than one member and unchanged for long: the most loaded one
	 * leaves (the least loaded may be it, and is still used). */
	if (v->size > 1 && now > v->lastmod_ns + expiration_s * 1000000000ull) {
		int most = set_max(v);

		if (most >= 0) {
			set_erase(v, most, now);
			changed = 1;
		}
	}
	if (pick >= 0) {
		d = bpf_map_lookup_elem(&dest, &(__u32){ pick });
		if (d && !lblc_overloaded(sc, pick, d->weight)) {
			if (changed)
				bpf_map_update_elem(&lblc, &x->lblc_key, v, 0);
			return pick;
		}
	}
	x->lblc_then = LBLCR_ADD;
	x->lblc_changed = changed;
	return LOCALITY_SCAN;
}

/* lblc and lblcr by the packet's destination address (the scratch's
 * packet's), from schedule key (service key / 2): a server, -1, or
 * LOCALITY_SCAN.  A global function, checked by the verifier on its own. */
__attribute__((noinline)) __s64 sched_locality(__u32 key, __u32 kind)
{
	struct xlvs_sched *sc = bpf_map_lookup_elem(&sched, &key);
	struct xlvs_meta *m = meta_get();
	struct scratch *x = scratch_get();
	__u64 now = bpf_ktime_get_coarse_ns();
	__u32 svc_id = key / 2;

	if (!sc || !x || !m)
		return -1;
	__builtin_memset(&x->lblc_key, 0, sizeof(x->lblc_key));
	x->lblc_key.svc_id = svc_id;
	__builtin_memcpy(x->lblc_key.addr, x->pkt.daddr6, 16);
	if (kind == XLVS_SCHED_LBLC)
		return sched_lblc(sc, x, now);
	return sched_lblcr(sc, x, now, m->sysctl.lblcr_expiration);
}

/* The rest of a locality pick once the wlc scan picked pick (or none). */
__attribute__((noinline)) __s64 sched_locality_done(__s64 pick)
{
	struct scratch *x = scratch_get();
	__u64 now = bpf_ktime_get_coarse_ns();
	struct xlvs_lblc *en;
	int changed;

	if (!x)
		return -1;
	if (x->lblc_then == LBLCR_ADD) {
		changed = x->lblc_changed;
		if (pick >= 0)
			changed |= set_insert(&x->lblc, pick, now);
		if (changed)
			bpf_map_update_elem(&lblc, &x->lblc_key, &x->lblc, 0);
		return pick;
	}
	if (pick < 0)
		return -1;
	if (x->lblc_then == LBLCR_FRESH) {
		lblc_fresh(&x->lblc, XLVS_SCHED_LBLCR, pick, now);
		bpf_map_update_elem(&lblc, &x->lblc_key, &x->lblc, 0);
		return pick;
	}
	en = bpf_map_lookup_elem(&lblc, &x->lblc_key);
	lblc_fresh(&x->lblc, XLVS_SCHED_LBLC, pick, now);
	/* The same server again keeps its entry (ip_vs_lblc_new). */
	if (!en || en->m[0].id != x->lblc.m[0].id || en->m[0].gen != x->lblc.m[0].gen)
		bpf_map_update_elem(&lblc, &x->lblc_key, &x->lblc, 0);
	return pick;
}

#endif
