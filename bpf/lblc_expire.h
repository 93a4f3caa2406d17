/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lblc/lblcr table's collector, the kernel's periodic timer
 * (ip_vs_lblc_check_expire, ip_vs_lblcr_check_expire): every 60 s; every
 * 30th time a full check removes the entries unused for lblc_expiration
 * (lblcr_expiration); otherwise, when the table holds more than its size,
 * entries unused for 6 minutes go, up to 4/3 of the excess and at most
 * half the size.  The kernel keeps a table per service of 16 * 1024
 * entries' size; here one map serves every service, so its size is half
 * the map's capacity and the excess is counted over all services.
 */
#ifndef XLVS_BPF_LBLC_EXPIRE_H
#define XLVS_BPF_LBLC_EXPIRE_H

#define LBLC_CHECK_NS (60ull * 1000000000)          /* CHECK_EXPIRE_INTERVAL */
#define LBLC_ENTRY_TIMEOUT_NS (6ull * 60 * 1000000000) /* ENTRY_TIMEOUT */
#define LBLC_FULL_EVERY 30                      /* COUNT_FOR_FULL_EXPIRATION */
#define LBLC_SIZE (XLVS_LBLC_MAX / 2)

struct lblc_gc {
	__u64 now;
	__u64 lblc_ns, lblcr_ns;    /* the expirations */
	__u32 *work;                /* xlvs_timer.work */
};

/* ip_vs_lblc(r)_full_check: gone once now reaches lastuse + expiration. */
static long lblc_full_one(struct bpf_map *map, struct xlvs_lblc_key *key,
			  struct xlvs_lblc *v, struct lblc_gc *gc)
{
	__u64 exp = v->kind == XLVS_SCHED_LBLCR ? gc->lblcr_ns : gc->lblc_ns;

	if (gc->now >= v->lastuse_ns + exp)
		bpf_map_delete_elem(map, key);
	return 0;
}

static long lblc_count_one(struct bpf_map *map, struct xlvs_lblc_key *key,
			   struct xlvs_lblc *v, struct lblc_gc *gc)
{
	*gc->work += 1;
	return 0;
}

static long lblc_partial_one(struct bpf_map *map, struct xlvs_lblc_key *key,
			     struct xlvs_lblc *v, struct lblc_gc *gc)
{
	if (gc->now < v->lastuse_ns + LBLC_ENTRY_TIMEOUT_NS)
		return 0;
	bpf_map_delete_elem(map, key);
	*gc->work -= 1;
	return *gc->work == 0;
}

static __always_inline struct lblc_gc lblc_gc_now(void)
{
	struct xlvs_meta *m = meta_get();
	struct lblc_gc gc = { .now = bpf_ktime_get_ns() };
	__u64 a = 24 * 3600, b = 24 * 3600;

	if (m) {
		a = m->sysctl.lblc_expiration;
		b = m->sysctl.lblcr_expiration;
	}
	gc.lblc_ns = a * 1000000000ull;
	gc.lblcr_ns = b * 1000000000ull;
	return gc;
}

static __always_inline void lblc_full_check(void)
{
	struct lblc_gc gc = lblc_gc_now();

	bpf_for_each_map_elem(&lblc, lblc_full_one, &gc, 0);
}

static long svc_local_one(struct bpf_map *map, struct xlvs_svc_key *key,
			  struct xlvs_svc *s, int *found)
{
	*found = s->sched_kind == XLVS_SCHED_LBLC ||
		 s->sched_kind == XLVS_SCHED_LBLCR;
	return *found;
}

/* Whether any service uses lblc or lblcr: when none does the map is empty
 * (libxlvs flushes a service's entries when it stops), and its walk of
 * XLVS_LBLC_MAX buckets (1-2 ms of a CPU) is skipped.  The kernel has no
 * collector then either: its timer belongs to an lblc service. */
static __always_inline int lblc_in_use(void)
{
	int found = 0;

	bpf_for_each_map_elem(&svc, svc_local_one, &found, 0);
	return found;
}

/* t->next counts the checks since the last full one (the kernel's
 * counter, which starts at 1). */
static int lblc_check_expire(void *map, __u32 *key, struct xlvs_timer *t)
{
	__u32 counter = t->next ? t->next : 1, goal;
	struct lblc_gc gc;

	if (!lblc_in_use())
		goto out;
	if (counter % LBLC_FULL_EVERY == 0) {
		lblc_full_check();
		t->next = 1;
		goto out;
	}
	gc = lblc_gc_now();
	gc.work = &t->work;
	t->work = 0;
	bpf_for_each_map_elem(&lblc, lblc_count_one, &gc, 0);
	if (t->work <= LBLC_SIZE) {
		t->next = counter + 1;
		goto out;
	}
	goal = (t->work - LBLC_SIZE) * 4 / 3;
	t->work = goal < LBLC_SIZE / 2 ? goal : LBLC_SIZE / 2;
	bpf_for_each_map_elem(&lblc, lblc_partial_one, &gc, 0);
out:
	bpf_timer_start(&t->timer, LBLC_CHECK_NS, 0);
	return 0;
}

#endif
