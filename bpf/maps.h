/* SPDX-License-Identifier: GPL-2.0 */
/* The table's maps.  Every map is pinned by name under the namespace's table
 * directory; the loader sets max_entries of conn from --conn-max. */
#ifndef XLVS_BPF_MAPS_H
#define XLVS_BPF_MAPS_H

#include "pkt.h"        /* struct pkt, in the scratch */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xlvs_meta);
} meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XLVS_SVC_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xlvs_svc_key);
	__type(value, struct xlvs_svc);
} svc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_dest);
} dest SEC(".maps");

/* Two schedules per service (key 2*id and 2*id+1): one live, one being built. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * XLVS_SVC_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct xlvs_sched);
} sched SEC(".maps");

/* The loader creates the shards (max_entries: XLVS_CONN_HEADROOM of the
 * share) and puts them in conn; this is their template (an inner map's type
 * and flags must be its template's).  Hashes, not preallocated: see
 * xlvs_conn_shard_bits in table.h.  Sizes, not BTF types: clang emits
 * the key struct only as a forward declaration here. */
struct conn_shard {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XLVS_CONN_DEFAULT / XLVS_CONN_SHARDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct xlvs_conn_key));
	__uint(value_size, sizeof(struct xlvs_conn));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XLVS_CONN_SHARDS);
	__type(key, __u32);
	__array(values, struct conn_shard);
} conn SEC(".maps");

/* The MAC of each interface the program is attached to, by ifindex, as
 * libxlvs wrote it at --attach (1 << 48 | the MAC, in memory order in the
 * low six bytes); 0 where none is known, and nothing is checked there. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_DEV_MAC_MAX);
	__type(key, __u32);
	__type(value, __u64);
} dev_mac SEC(".maps");

/* NAT connections' reply sides (bpf/nat.h), in shards as the connection
 * table's (a reply key's shard is xlvs_conn_shard of it), each as big as
 * a connection shard: the loader creates them.  Sharded so that the
 * sweeper's pass walks them a shard a tick, as it walks the connections,
 * and removes the entries whose connection has gone without them.  Not
 * preallocated, as the connections' shards are not. */
struct nat_reply_shard {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XLVS_CONN_DEFAULT / XLVS_CONN_SHARDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct xlvs_conn_key));
	__uint(value_size, sizeof(struct xlvs_nat_reply));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XLVS_CONN_SHARDS);
	__type(key, __u32);
	__array(values, struct nat_reply_shard);
} nat_reply SEC(".maps");

/* Not pinned: a cache, rebuilt by the program as it goes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_nh_cache);
} nh_cache SEC(".maps");

/* sched_twos.h's running sums and choices. */
struct twos_sums {
	__s32 c1, c2;           /* indexes into the schedule's dests, -1: none */
	__s64 total, r1, r2;
	__s64 w1, w2, oh1, oh2;
};

#define TUN_CSUM_CHUNK 256

/* The way to a client, as the FIB said it for replies from vaddr coming
 * in on ifindex: kept per CPU for XLVS_NH_CACHE_NS, as direct routing keeps
 * its real servers' (a lookup costs more than the rest of the reply). */
struct reply_hop_key {
	__be32 daddr[4], vaddr[4];      /* 16 bytes, IPv4's in the first word */
	__u32 ifindex;
	__u32 af;
};

struct reply_hop {
	__u64 expires_ns;
	__u32 out_ifindex;
	__u32 mtu;
	__u8 dmac[6];
	__u8 smac[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct reply_hop_key);
	__type(value, struct reply_hop);
} reply_hops SEC(".maps");

/* Not pinned: room for the packet path's larger temporaries, per CPU (an
 * XDP run is never interleaved with another on its CPU).  The BPF stack is
 * 512 bytes for the whole chain of calls, the schedulers' loops included,
 * and the packet path's own frame would take most of it. */
struct scratch {
	struct pkt pkt;                 /* xlvs_xdp: what parse_packet found */
	struct xlvs_conn_key key;       /* serve: the packet's connection */
	struct xlvs_conn_key nat_key;   /* nat_reply.h: a reply's connection */
	struct reply_hop reply_hop;     /* nat_reply.h: and its way out */
	struct reply_hop_key reply_hop_key;
	struct xlvs_conn_key tpl_key;   /* persist.h */
	struct xlvs_conn tpl;
	struct xlvs_svc_key svc_key;    /* serve_miss: the service looked up */
	struct xlvs_conn fresh;         /* serve_new: the entry it inserts */
	struct xlvs_conn old;           /* serve_new: the entry replaced */
	__u64 old_w1;                   /* and the pass cursor before it went */
	struct bpf_fib_lookup fib;      /* forward.h */
	__u8 icmp[8 + 68];              /* icmp_reply.h: ICMP header and quote */
	__u8 icmp6_addrs[32];           /* icmp6_reply.h: the packet's */
	__u8 icmp6_macs[12];
	struct xlvs_lblc_key lblc_key;  /* sched_lblc.h */
	struct xlvs_lblc lblc;
	__u32 lblc_then;                /* sched_lblc.h: after the wlc scan */
	__u32 lblc_changed;
	struct twos_sums twos;          /* sched_twos.h */
	__u8 csum_buf[TUN_CSUM_CHUNK + 4]; /* tunnel.h: the packet, a chunk
					    * at a time, for a full checksum */
	__u32 tun_dest_id, tun_ip_len;  /* tunnel.h: the packet to tunnel */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XLVS_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_TIMER_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_timer);
} timers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_dest_conns);
} dest_conns SEC(".maps");

/* Per service and per real server counters, per CPU: a packet never writes
 * a cache line another CPU writes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XLVS_SVC_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_stats);
} svc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_stats);
} dest_stats SEC(".maps");

/* A service's counters are derived (bpf/stats.h): svc_stats holds only its
 * base, what its deleted servers had counted.  svc_fold[id] is a sequence
 * count libxlvs makes odd while it moves counts between a service's base
 * and its servers (a delete, a revival, -Z), so a sum taken across one is
 * known to be torn. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_SVC_MAX);
	__type(key, __u32);
	__type(value, __u32);
} svc_fold SEC(".maps");

/* libxlvs's journal of a move of counts (struct xlvs_fold_log); the data
 * plane never reads it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xlvs_fold_log);
} fold_log SEC(".maps");

/* The estimator's own: each service's servers' counters summed in its
 * tick, and the fold sequence seen when the tick began. */
struct svc_acc {
	struct xlvs_stats sum;
	__u32 seq;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_SVC_MAX);
	__type(key, __u32);
	__type(value, struct svc_acc);
} svc_acc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_SVC_MAX + XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_rate);
} rates SEC(".maps");

/* Set by the loader: how many CPUs' counters the estimator adds up. */
const volatile __u32 nr_cpus = 1;
/* Set by the loader: the connection table has 2^shard_bits shards
 * (xlvs_conn_shard_bits of its capacity). */
const volatile __u32 shard_bits = XLVS_CONN_SHARD_MIN_BITS;

static __always_inline void count(__u32 counter)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &counter);

	if (v)
		*v += 1;
}

static __always_inline void *conn_shard_get(const struct xlvs_conn_key *k)
{
	__u32 shard = xlvs_conn_shard(k, shard_bits);

	return bpf_map_lookup_elem(&conn, &shard);
}

/* The nat_reply shard reply key k belongs in (NULL: none, a table being
 * built). */
static __always_inline void *nat_reply_shard_get(const struct xlvs_conn_key *k)
{
	__u32 shard = xlvs_conn_shard(k, shard_bits);

	return bpf_map_lookup_elem(&nat_reply, &shard);
}

static __always_inline struct xlvs_meta *meta_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&meta, &zero);
}

#endif
