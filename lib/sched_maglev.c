// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's mh lookup table (ip_vs_mh.c), built in user space for the XDP
 * program (bpf/sched_maglev.h).  Each real server has a Maglev permutation
 * of the 4093 slots (a start and a stride from hsiphash of its address and
 * port); walking the list in IPVS order, round after round, each server
 * takes the next free slots of its permutation, as many per round as its
 * turns, until every slot is taken (ip_vs_mh_permutate, _populate).
 *
 * Turns come from last_weight, not the weight: a server set to weight 0
 * keeps its slots, so quiescing one does not move anyone else's clients;
 * the lookup finds it unavailable instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <xlvs/maglev.h>
#include "internal.h"

_Static_assert(XLVS_MH_TAB_SIZE <= XLVS_LIST_MAX, "the mh table fits the list");

struct mh_setup {
	uint32_t offset;        /* the permutation's first slot */
	uint32_t skip;          /* its stride, 1..M-1: M is prime */
	uint32_t perm;          /* the next slot to try */
	int32_t turns;          /* slots taken per round */
};

/* ip_vs_mh_hashkey folds an IPv6 address by XOR of its four words; an IPv4
 * address is stored with three zero words after it, so folding gives it
 * back unchanged and one rule serves both. */
static uint32_t addr_fold(const uint8_t addr[16])
{
	uint32_t w, fold = 0;

	for (int i = 0; i < 16; i += 4) {
		memcpy(&w, addr + i, sizeof(w));
		fold ^= w;
	}
	return ntohl(fold);
}

static int fls32(uint32_t x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* ip_vs_mh_permutate with ip_vs_mh_gcd_weight and _shift_weight: false
 * when no server has a last weight (IPVS's gcd < 1), the table empty. */
static bool mh_permutate(const struct xlvs_dest *d, uint32_t n,
			 struct mh_setup *ds)
{
	int32_t lw[XLVS_SVC_DESTS_MAX], g, mw;
	int shift;

	for (uint32_t i = 0; i < n; i++)
		lw[i] = d[i].last_weight;
	mw = sched_wrr_max(lw, n);
	if (mw <= 0)
		return false;
	g = sched_wrr_gcd(lw, n);
	shift = fls32((uint32_t)(mw / g)) - XLVS_MH_TAB_BITS;
	if (shift < 0)
		shift = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t addr = addr_fold(d[i].addr);
		uint16_t port = ntohs(d[i].port);
		int32_t t = (lw[i] / g) >> shift;

		ds[i].offset = xlvs_mh_hash(addr, port, 0, XLVS_MH_KEY1) %
			       XLVS_MH_TAB_SIZE;
		ds[i].skip = xlvs_mh_hash(addr, port, 0, XLVS_MH_KEY2) %
			     (XLVS_MH_TAB_SIZE - 1) + 1;
		ds[i].perm = ds[i].offset;
		/* A weight shifted to nothing still gets one turn. */
		ds[i].turns = t ? t : lw[i] != 0;
	}
	return true;
}

/* ip_vs_mh_populate: the rounds over the list until all slots are taken.
 * Every round takes at least one slot (some server has turns), and a
 * server's permutation reaches every slot, so both loops end. */
static void mh_populate(struct xlvs_sched *s, struct mh_setup *ds)
{
	uint8_t taken[XLVS_MH_TAB_SIZE] = { 0 };
	uint32_t filled = 0;
	int32_t dt = 0;

	while (filled < XLVS_MH_TAB_SIZE) {
		for (uint32_t i = 0; i < s->ndests;) {
			uint32_t c = ds[i].perm;

			if (ds[i].turns < 1) {
				i++;
				continue;
			}
			while (taken[c]) {
				ds[i].perm += ds[i].skip;
				if (ds[i].perm >= XLVS_MH_TAB_SIZE)
					ds[i].perm -= XLVS_MH_TAB_SIZE;
				c = ds[i].perm;
			}
			taken[c] = 1;
			s->list[c] = (uint16_t)i;
			if (++filled == XLVS_MH_TAB_SIZE)
				return;
			if (++dt >= ds[i].turns) {
				dt = 0;
				i++;
			}
		}
	}
}

int sched_maglev_fill(struct xlvs_sched *s, const struct xlvs_dest *d)
{
	struct mh_setup *ds;

	/* nbands says whether the slots are filled: all or none. */
	s->nbands = 0;
	if (!s->ndests)
		return 0;
	ds = calloc(s->ndests, sizeof(*ds));
	if (!ds)
		return -ENOMEM;
	if (mh_permutate(d, s->ndests, ds)) {
		mh_populate(s, ds);
		s->nbands = XLVS_MH_TAB_SIZE;
	}
	free(ds);
	return 0;
}
