/* SPDX-License-Identifier: GPL-2.0 */
/*
 * twos, IPVS's power of two choices (ip_vs_twos.c, Linux 6.5): two random
 * numbers in [0, total weight] each pick a server, walking the list and
 * taking the first at which the running sum of weights reaches it; of the
 * two, the second wins only with a lower overhead per weight.  Weight 0
 * and overloaded servers are passed over.  The kernel multiplies in int;
 * here in 64 bits, which differs only where the kernel's would overflow.
 */
#ifndef XLVS_BPF_SCHED_TWOS_H
#define XLVS_BPF_SCHED_TWOS_H

/* The walks' sums live in the per-CPU scratch map, whose contents the
 * verifier does not follow: on the stack, each step's new range of a sum
 * would be one more state of the loop to check. */
struct twos {
	struct xlvs_sched *sc;
	struct twos_sums *t;
	__u32 n;
};

/* The server at i's weight if it can take a connection, else 0; *dcp its
 * counts. */
static __always_inline __s64 twos_weight(struct twos *w2, __u32 i,
					 struct xlvs_dest_conns **dcp)
{
	__u32 idx = i & (XLVS_SVC_DESTS_MAX - 1), id = w2->sc->dests[idx];
	__s64 w = w2->sc->weights[idx];
	struct xlvs_dest_conns *dc;

	if (w <= 0)
		return 0;
	dc = bpf_map_lookup_elem(&dest_conns, &id);
	if (!dc || (dc->flags & XLVS_DEST_F_OVERLOAD))
		return 0;
	*dcp = dc;
	return w;
}

static long twos_sum(__u32 i, struct twos *tw)
{
	struct xlvs_dest_conns *dc;

	if (i >= tw->n)
		return 1;
	tw->t->total += twos_weight(tw, i, &dc);
	return 0;
}

static long twos_walk(__u32 i, struct twos *tw)
{
	struct twos_sums *t = tw->t;
	struct xlvs_dest_conns *dc = NULL;
	__s64 w;

	if (i >= tw->n)
		return 1;
	w = twos_weight(tw, i, &dc);
	if (!w || !dc)
		return 0;
	t->r1 -= w;
	t->r2 -= w;
	if (t->r1 <= 0 && t->c1 < 0) {
		t->c1 = i;
		t->w1 = w;
		t->oh1 = ((__s64)dc->active << 8) + dc->inactive;
	}
	if (t->r2 <= 0 && t->c2 < 0) {
		t->c2 = i;
		t->w2 = w;
		t->oh2 = ((__s64)dc->active << 8) + dc->inactive;
	}
	return t->c1 >= 0 && t->c2 >= 0;
}

/* A global function, checked by the verifier on its own. */
__attribute__((noinline)) __s64 sched_twos(__u32 key)
{
	struct xlvs_sched *sc = bpf_map_lookup_elem(&sched, &key);
	struct scratch *x = scratch_get();
	struct twos tw = { .sc = sc };
	struct twos_sums *t;
	__s32 c;

	if (!sc || !x)
		return -1;
	t = &x->twos;
	__builtin_memset(t, 0, sizeof(*t));
	t->c1 = t->c2 = -1;
	tw.t = t;
	tw.n = sc->ndests < XLVS_SVC_DESTS_MAX ? sc->ndests : XLVS_SVC_DESTS_MAX;
	bpf_loop(tw.n, twos_sum, &tw, 0);
	if (t->total <= 0)
		return -1;
	/* total + 1: the draws take 0 to total inclusive, as the kernel's. */
	t->r1 = bpf_get_prandom_u32() % (__u64)(t->total + 1);
	t->r2 = bpf_get_prandom_u32() % (__u64)(t->total + 1);
	bpf_loop(tw.n, twos_walk, &tw, 0);
	c = t->c1;
	if (t->c2 >= 0 && t->w2 * t->oh1 > t->w1 * t->oh2)
		c = t->c2;
	if (c < 0)
		return -1;
	return sc->dests[c & (XLVS_SVC_DESTS_MAX - 1)];
}

#endif
