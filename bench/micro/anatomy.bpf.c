// SPDX-License-Identifier: GPL-2.0
/*
 * Pieces of the xlvs fast path, each alone in its own XDP program, to see
 * where an established connection's time goes (micro.c runs them with
 * BPF_PROG_TEST_RUN like the real program).  Not part of the data plane.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <xlvs/table.h>

char LICENSE[] SEC("license") = "GPL";

/* Set by micro.c: a connection present in the table (in .bss, written
 * after loading, so the compiler cannot fold it) and the real server its
 * packets go to. */
struct xlvs_conn_key conn_key;
const volatile __u32 client_ip, rs_ip;   /* network order */

/* Reused from the table: the connection shard that holds conn_key (micro.c
 * reuses that shard's fd, so the definition only has to match its kind). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XLVS_CONN_DEFAULT / XLVS_CONN_SHARDS);
	__type(key, struct xlvs_conn_key);
	__type(value, struct xlvs_conn);
} conn SEC(".maps");

/* Reused from the table too: the array of all the shards (the pinned conn),
 * defined as bpf/maps.h defines it. */
struct conn_shard {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XLVS_CONN_DEFAULT / XLVS_CONN_SHARDS);
	__uint(key_size, sizeof(struct xlvs_conn_key));
	__uint(value_size, sizeof(struct xlvs_conn));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XLVS_CONN_SHARDS);
	__type(key, __u32);
	__array(values, struct conn_shard);
} conn_shards SEC(".maps");

SEC("xdp")
int a_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int a_ktime(struct xdp_md *ctx)
{
	return bpf_ktime_get_ns() ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int a_conn_lookup(struct xdp_md *ctx)
{
	struct xlvs_conn_key k;

	__builtin_memcpy(&k, &conn_key, sizeof(k));
	return bpf_map_lookup_elem(&conn, &k) ? XDP_PASS : XDP_DROP;
}

/* The lookup as xlvs does it: the shard's number, the shard, the entry. */
SEC("xdp")
int a_conn_lookup_sharded(struct xdp_md *ctx)
{
	struct xlvs_conn_key k;
	__u32 shard;
	void *m;

	__builtin_memcpy(&k, &conn_key, sizeof(k));
	shard = xlvs_conn_shard(&k, XLVS_CONN_SHARD_MAX_BITS);
	m = bpf_map_lookup_elem(&conn_shards, &shard);
	if (!m)
		return XDP_DROP;
	return bpf_map_lookup_elem(m, &k) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int a_fib_lookup(struct xdp_md *ctx)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 2;           /* AF_INET */
	fib.l4_protocol = 6;
	fib.tot_len = 40;
	fib.ipv4_src = client_ip;
	fib.ipv4_dst = rs_ip;
	fib.ifindex = ctx->ingress_ifindex;
	return bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) == 0 ? XDP_TX : XDP_DROP;
}

/* The clock xlvs uses on the packet path (the fine one is a_ktime), and
 * what a direct fib lookup would cost instead. */
SEC("xdp")
int a_ktime_coarse(struct xdp_md *ctx)
{
	return bpf_ktime_get_coarse_ns() ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int a_fib_lookup_direct(struct xdp_md *ctx)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 2;
	fib.l4_protocol = 6;
	fib.tot_len = 40;
	fib.ipv4_src = client_ip;
	fib.ipv4_dst = rs_ip;
	fib.ifindex = ctx->ingress_ifindex;
	return bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_DIRECT) == 0 ?
	       XDP_TX : XDP_DROP;
}

/* A new connection's insert (new_key is in conn_key's shard): with repeat
 * the same key is written again, which in an LRU hash still takes a fresh
 * element and frees the old. */
struct xlvs_conn_key new_key;

SEC("xdp")
int a_conn_insert(struct xdp_md *ctx)
{
	struct xlvs_conn_key k;
	struct xlvs_conn c = {};

	__builtin_memcpy(&k, &new_key, sizeof(k));
	c.last_ns = 1;
	return bpf_map_update_elem(&conn, &k, &c, 0) ? XDP_DROP : XDP_PASS;
}

/* The scanning schedulers' loop (bpf/sched_scan.h), in pieces: the cost of
 * a bpf_loop step with nothing in it (the scan makes one per 16 servers),
 * then with one dest_conns lookup (the scan's one per server; micro.c
 * reuses the table's dest_conns fd). */
#define LOOP_STEPS 1024

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XLVS_DEST_MAX);
	__type(key, __u32);
	__type(value, struct xlvs_dest_conns);
} dest_conns SEC(".maps");

static long step_empty(__u32 i, void *ctx)
{
	return 0;
}

static long step_lookup(__u32 i, __s64 *sum)
{
	struct xlvs_dest_conns *dc = bpf_map_lookup_elem(&dest_conns, &i);

	if (dc && !(dc->flags & XLVS_DEST_F_OVERLOAD))
		*sum += dc->active;
	return 0;
}

SEC("xdp")
int a_loop_empty(struct xdp_md *ctx)
{
	return bpf_loop(LOOP_STEPS, step_empty, NULL, 0) == LOOP_STEPS ?
	       XDP_PASS : XDP_DROP;
}

SEC("xdp")
int a_loop_lookup(struct xdp_md *ctx)
{
	__s64 sum = 0;

	return bpf_loop(LOOP_STEPS, step_lookup, &sum, 0) == LOOP_STEPS &&
	       sum >= 0 ? XDP_PASS : XDP_DROP;
}
