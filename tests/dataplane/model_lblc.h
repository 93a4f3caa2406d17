/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lblc, lblcr and twos as the tests expect them, written from the kernel's
 * ip_vs_lblc.c, ip_vs_lblcr.c and ip_vs_twos.c (see model.h for the rest
 * of the model and its mutations; these add 14 to 19 and 23):
 * 14 the cached server kept though is_overloaded says it is, 15
 * is_overloaded without its "some server below half its weight", 16 an
 * lblcr set never loses its most loaded member, 17 the cached lblc server
 * kept at weight 0, 18 twos gives the pair to the higher load, 19 the
 * collector removes nothing, 23 a scheduler change keeps the table.
 *
 * A server is named by its incarnation (msvc's inst): the table entries
 * hold the kernel's dest pointers, which a server in the trash keeps.
 * Time is the tests' own clock in seconds.
 */
#ifndef XLVS_TEST_MODEL_LBLC_H
#define XLVS_TEST_MODEL_LBLC_H

#include <stdbool.h>
#include <stdint.h>
#include <xlvs/table.h>

#include "model.h"

/* A server as lblc and lblcr see it. */
struct m_lserver {
	uint32_t inst;
	struct m_server s;          /* weight, overloaded flag, counts */
	bool avail;                 /* IP_VS_DEST_F_AVAILABLE: not in the trash */
};

/* One service's entry for its one destination address (the VIP). */
struct m_lblc {
	bool has;
	int kind;                   /* XLVS_SCHED_LBLC or XLVS_SCHED_LBLCR */
	uint32_t set[XLVS_LBLCR_SET_MAX];  /* insts, newest first */
	int n;
	double lastuse, lastmod;
};

/*
 * The server chosen (its inst), or 0 for none.  all[0..nlist) is the
 * service's list in IPVS order, then the servers in the trash; exp_s is
 * lblcr_expiration.
 */
uint32_t m_lblc_pick(struct m_lblc *e, int kind, const struct m_lserver *all,
		     int nlist, int nall, double now, double exp_s);

/* The collector's full check: is the entry gone at now? */
bool m_lblc_expired(const struct m_lblc *e, double now, double lblc_exp_s,
		    double lblcr_exp_s);

/* twos: the probability that each of s[0..n) is chosen (p[i]), over
 * every pair of the kernel's two draws. */
void m_twos_probs(const struct m_server *s, int n, double *p);

#endif
