/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sh and dh, IPVS's hashing schedulers (ip_vs_sh.c, ip_vs_dh.c): a
 * 256-bucket table built by user space (lib/sched_build.c hash_fill) and a
 * bucket chosen by hash_32 of the client's address (plus its port with
 * sh-port) or, for dh, of the packet's destination.  A bucket whose server
 * has weight 0 or is overloaded gives no server, unless sh-fallback lets
 * sh try other buckets as ip_vs_sh_get_fallback does.
 */
#ifndef XLVS_BPF_SCHED_HASH_H
#define XLVS_BPF_SCHED_HASH_H

struct hash_probe {
	struct xlvs_sched *sc;
	__u32 ihash;            /* hash_32 of the key, before any offset */
	__s64 found;
};

/* The server of a filled list entry (a bucket here, a slot of mh's table
 * in sched_maglev.h), or -1 when it has weight 0 or is overloaded. */
static __always_inline __s64 list_dest(struct xlvs_sched *sc, __u32 pos)
{
	__u32 idx, id;

	/* Keep the mask where the compiler knows pos is in range (mh's
	 * slot is a remainder): the verifier does not know it. */
	barrier_var(pos);
	idx = sc->list[pos & (XLVS_LIST_MAX - 1)] & (XLVS_SVC_DESTS_MAX - 1);
	id = sc->dests[idx];

	if (sc->weights[idx] <= 0 || dest_overloaded(id))
		return -1;
	return id;
}

/* ip_vs_sh_get_fallback probes bucket ((offset + ihash) % 256 + ihash) &
 * 255, that is offset + 2 * ihash: kept as it is, for the same answers. */
static long hash_probe_one(__u32 offset, struct hash_probe *h)
{
	__s64 id = list_dest(h->sc, (offset + 2 * h->ihash) & (XLVS_HASH_SIZE - 1));

	if (id < 0)
		return 0;
	h->found = id;
	return 1;
}

static __always_inline __s64 sched_hash(struct xlvs_sched *sc, __u32 kind,
					__u32 flags, __u32 saddr, __u16 sport,
					__u32 daddr)
{
	struct hash_probe h = { .sc = sc, .found = -1 };

	if (!sc->nbands || !sc->ndests)
		return -1;
	if (kind == XLVS_SCHED_DH) {
		h.ihash = xlvs_hash_32(bpf_ntohl(daddr), XLVS_HASH_BITS);
	} else {
		__u32 port = (flags & XLVS_SVC_F_SCHED2) ? bpf_ntohs(sport) : 0;

		h.ihash = xlvs_hash_32(port + bpf_ntohl(saddr), XLVS_HASH_BITS);
	}
	h.found = list_dest(sc, h.ihash);
	if (h.found < 0 && kind == XLVS_SCHED_SH && (flags & XLVS_SVC_F_SCHED1))
		bpf_loop(XLVS_HASH_SIZE, hash_probe_one, &h, 0);
	return h.found;
}

#endif
