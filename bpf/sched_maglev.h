/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mh, IPVS's Maglev hashing (ip_vs_mh.c): a 4093-slot table built by user
 * space (lib/sched_maglev.c) in the schedule's list, and the slot of a new
 * connection chosen by hsiphash of the client's address (plus its port with
 * mh-port), as ip_vs_mh_get does.  A slot whose server has weight 0 or is
 * overloaded gives no server, unless mh-fallback probes on as
 * ip_vs_mh_get_fallback does.  Uses list_dest from sched_hash.h.
 */
#ifndef XLVS_BPF_SCHED_MAGLEV_H
#define XLVS_BPF_SCHED_MAGLEV_H

#include <xlvs/maglev.h>

struct mh_probe {
	struct xlvs_sched *sc;
	__u32 addr;             /* the client's, host order */
	__u32 ihash;            /* its slot */
	__u16 port;             /* host order; 0 without mh-port */
	__s64 found;
};

static __always_inline __u32 mh_slot(__u32 addr, __u16 port, __u32 offset)
{
	return xlvs_mh_hash(addr, port, offset, XLVS_MH_KEY1) % XLVS_MH_TAB_SIZE;
}

/* The fallback's probe number `offset` rehashes the client with offset
 * (offset + ihash) % M added to the key: not a walk along the table. */
static long mh_probe_one(__u32 offset, struct mh_probe *m)
{
	__u32 roffset = (offset + m->ihash) % XLVS_MH_TAB_SIZE;
	__s64 id = list_dest(m->sc, mh_slot(m->addr, m->port, roffset));

	if (id < 0)
		return 0;
	m->found = id;
	return 1;
}

static __always_inline __s64 sched_maglev(struct xlvs_sched *sc, __u32 flags,
					  __u32 saddr, __u16 sport)
{
	struct mh_probe m = { .sc = sc, .found = -1 };

	/* An empty table (no server with a weight ever) has no slot. */
	if (!sc->nbands || !sc->ndests)
		return -1;
	m.addr = bpf_ntohl(saddr);
	m.port = (flags & XLVS_SVC_F_SCHED2) ? bpf_ntohs(sport) : 0;
	m.ihash = mh_slot(m.addr, m.port, 0);
	m.found = list_dest(sc, m.ihash);
	if (m.found < 0 && (flags & XLVS_SVC_F_SCHED1))
		bpf_loop(XLVS_MH_TAB_SIZE, mh_probe_one, &m, 0);
	return m.found;
}

#endif
