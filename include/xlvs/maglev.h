/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS's mh (Maglev hashing, ip_vs_mh.c) constants and its one hash, for
 * the table builder (lib/sched_maglev.c) and the lookup (bpf/sched_maglev.h).
 * The lookup table lives in xlvs_sched.list: XLVS_MH_TAB_SIZE slots, each
 * an index into xlvs_sched.dests.
 */
#ifndef XLVS_MAGLEV_H
#define XLVS_MAGLEV_H

#include "hsiphash.h"

/* primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] at the default index 12. */
#define XLVS_MH_TAB_SIZE 4093
/* CONFIG_IP_VS_MH_TAB_INDEX / 2: the turns a server takes per round are
 * its weight over the gcd, shifted down to at most this many bits. */
#define XLVS_MH_TAB_BITS 6

/* The fixed keys of generate_hash_secret(): both words of each key hold
 * the same number.  hash1 places a server (its offset) and a client, hash2
 * gives a server's skip. */
#define XLVS_MH_KEY1 2654435761ULL
#define XLVS_MH_KEY2 2654446892ULL

/*
 * ip_vs_mh_hashkey: offset + port + address summed in 32 bits, then
 * hsiphash'd as one 32-bit number.  addr and port are in host order; an
 * IPv6 address is first folded by XOR of its four 32-bit words.
 */
static inline __attribute__((always_inline)) __u32
xlvs_mh_hash(__u32 addr, __u16 port, __u32 offset, __u64 key)
{
	struct xlvs_hsiphash_key k = { key, key };

	return xlvs_hsiphash_short((__u32)(offset + port + addr), 4, &k);
}

#endif
