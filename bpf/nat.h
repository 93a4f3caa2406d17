/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAT (IPVS's masquerading, ip_vs_nat_xmit and its dnat/snat handlers):
 * the client's packets leave for the real server's address and port, the
 * real server's replies come back through the director and leave from the
 * virtual address and port.  Both halves rewrite the frame in place and
 * mend the IPv4 and TCP/UDP checksums incrementally; then the FIB says
 * where the packet goes, as for direct routing.
 *
 * The checksums in the frame must be whole: a real NIC's are; a veth's
 * locally sent ones are partial unless its tx offload is off (the tests
 * turn it off).
 *
 * A connection's reply side is an entry of nat_reply (struct
 * xlvs_nat_reply), made with the connection and removed with it.
 */
#ifndef XLVS_BPF_NAT_H
#define XLVS_BPF_NAT_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xlvs/table.h>
#include "csum.h"
#include "maps.h"
#include "parse.h"
#include "frame_csum.h"

#define NAT_DST 0
#define NAT_SRC 1

/* The real port: a port-zero service's server of port 0 keeps the
 * client's destination port (IPVS: cp->dport = dest->port ?: vport). */
static __always_inline __be16 nat_rport(const struct xlvs_dest *d, __be16 vport)
{
	return d->port ? d->port : vport;
}

/* The transport header's checksum and the port to rewrite (which), at
 * off in the frame: 0, or -1 if the header is not there.  *sum is NULL for
 * a UDP datagram sent without a checksum (0), which nat_udp_csum sums
 * in full instead (IPVS mends only a checksum that is there). */
static __always_inline int nat_l4(void *data, void *end, const struct pkt *p,
				  __u32 off, int which, __u16 **sum, __be16 **pp)
{
	*sum = NULL;
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = data + off;

		if ((void *)(th + 1) > end)
			return -1;
		*sum = &th->check;
		*pp = which == NAT_SRC ? &th->source : &th->dest;
		return 0;
	}
	struct udphdr *uh = data + off;

	if ((void *)(uh + 1) > end)
		return -1;
	if (uh->check)
		*sum = &uh->check;
	*pp = which == NAT_SRC ? &uh->source : &uh->dest;
	return 0;
}

/* The port, and the checksum with it: one that comes out 0 is sent as
 * 0xffff for UDP (CSUM_MANGLED_0). */
static __always_inline void nat_port(const struct pkt *p, __u16 *sum, __be16 *pp,
				     __be16 port)
{
	if (sum) {
		csum_replace2(sum, *pp, port);
		if (p->proto == IPPROTO_UDP && !*sum)
			*sum = 0xffff;
	}
	*pp = port;
}

/*
 * A UDP datagram sent without a checksum (0): IPVS's handlers take their
 * full-checksum branch for it (udp_dnat_handler, udp_snat_handler: the
 * fast update is only for a checksum that is there), so it leaves with
 * one, summed over the datagram with the rewritten pseudo-header (0 sent
 * as 0xffff).  Over IPv6, where 0 is no checksum at all, the real server
 * would drop it otherwise.
 */
static __always_inline int nat_udp_csum(struct xdp_md *ctx, const struct pkt *p)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 off = p->l4_off & 0xff, len = p->ip_len + sizeof(struct ethhdr) - off;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct iphdr *ip = (void *)ip6;
	__s64 sum;

	if (p->af == 6) {
		if ((void *)(ip6 + 1) > end)
			return -1;
		sum = bpf_csum_diff(NULL, 0, (void *)&ip6->saddr, 32, 0);
	} else {
		if ((void *)(ip + 1) > end)
			return -1;
		sum = bpf_csum_diff(NULL, 0, (void *)&ip->saddr, 8, 0);
	}
	if (sum < 0)
		return -1;
	sum += (__u64)bpf_htonl(len) + bpf_htonl(IPPROTO_UDP);
	sum = (__u16)~csum_fold32(sum);     /* folded: a 32-bit seed */
	return csum_fill(ctx, off, len, sum, offsetof(struct udphdr, check));
}

/*
 * Rewrites the frame's source (NAT_SRC) or destination (NAT_DST) address
 * (addr: 16 bytes, IPv4's in the first word) and port, the checksums with
 * them: IPv4's header checksum, and the transport checksum, whose
 * pseudo-header covers the addresses of both families.  -1 if the headers
 * parse_packet found are not there.
 */
static __always_inline int nat_rewrite(struct xdp_md *ctx, const struct pkt *p,
				       int which, const __be32 *addr, __be16 port)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct ipv6hdr *ip6 = (void *)ip;
	__u32 off = p->l4_off & 0xff;
	__u16 *sum;
	__be16 *pp;
	__be32 *ap;

	if (p->af == 6) {
		if ((void *)(ip6 + 1) > end || nat_l4(data, end, p, off, which, &sum, &pp))
			return -1;
		ap = which == NAT_SRC ? (__be32 *)&ip6->saddr : (__be32 *)&ip6->daddr;
		for (int i = 0; i < 4; i++) {
			if (sum)
				csum_replace4(sum, ap[i], addr[i]);
			ap[i] = addr[i];
		}
		nat_port(p, sum, pp, port);
		return sum ? 0 : nat_udp_csum(ctx, p);
	}
	if ((void *)(ip + 1) > end || off > sizeof(struct ethhdr) + 60 ||
	    nat_l4(data, end, p, off, which, &sum, &pp))
		return -1;
	ap = which == NAT_SRC ? &ip->saddr : &ip->daddr;
	csum_replace4(&ip->check, *ap, addr[0]);
	if (sum)
		csum_replace4(sum, *ap, addr[0]);
	*ap = addr[0];
	nat_port(p, sum, pp, port);
	return sum ? 0 : nat_udp_csum(ctx, p);
}

/* The key a connection's replies arrive with. */
static __always_inline void nat_reply_key_of(struct xlvs_conn_key *rk,
					     const struct xlvs_conn_key *ck,
					     const struct xlvs_dest *d)
{
	__builtin_memset(rk, 0, sizeof(*rk));
	__builtin_memcpy(rk->saddr, d->addr, 16);
	__builtin_memcpy(rk->daddr, ck->saddr, 16);
	rk->sport = nat_rport(d, ck->dport);
	rk->dport = ck->sport;
	rk->proto = ck->proto;
	rk->af = ck->af;
	rk->kind = XLVS_KIND_CONN;
}

/* A new NAT connection (key ck, tag) to server d: its replies' entry.  A
 * full map leaves the replies untranslated: counted, for the admin.  Not
 * inlined, here and below: the key and entry on the stack would otherwise
 * sit in the frames the schedulers' calls need. */
static __noinline void nat_remember(const struct xlvs_conn_key *ck,
				    const struct xlvs_dest *d, __u32 tag)
{
	struct xlvs_conn_key rk;
	struct xlvs_nat_reply r = {};
	void *shard;

	nat_reply_key_of(&rk, ck, d);
	__builtin_memcpy(r.vaddr, ck->daddr, 16);
	r.vport = ck->dport;
	r.tag = tag;
	shard = nat_reply_shard_get(&rk);
	if (!shard || bpf_map_update_elem(shard, &rk, &r, BPF_ANY))
		count(XLVS_CNT_NAT_REPLY_FULL);
}

/* Connection ck (tag, to server dest_id of generation gen) has left the
 * table: so does its reply entry, unless a newer connection owns it. */
static __noinline void nat_forget(const struct xlvs_conn_key *ck,
				  __u32 dest_id, __u32 gen, __u32 tag)
{
	struct xlvs_dest *d = bpf_map_lookup_elem(&dest, &dest_id);
	struct xlvs_nat_reply *r;
	struct xlvs_conn_key rk;
	void *shard;

	/* A server's slot is reused (a new gen) only when no connection
	 * counts on it; an entry left over goes with the sweeper's pass. */
	if (!d || d->gen != gen)
		return;
	nat_reply_key_of(&rk, ck, d);
	shard = nat_reply_shard_get(&rk);
	r = shard ? bpf_map_lookup_elem(shard, &rk) : NULL;
	if (r && r->tag == tag)
		bpf_map_delete_elem(shard, &rk);
}

#endif
