// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-realserver's decapsulation, for a real server whose kernel has no
 * ipip / ip6_tunnel / fou / ip_gre: a director forwarding by tunnel
 * (ipvsadm -i, --tun-type ipip|gue|gre) sends the client's packet inside
 * an outer IPv4 or IPv6 header to the real server's own address (ipip,
 * 6in4, 4in6, ip6ip6 as IPVS mixes the families for tunnels); this
 * program strips the outer headers when the inner packet, IPv4 or IPv6, is
 * to one of our VIPs, and the kernel then receives the client's packet as
 * if it had come straight, on the same interface.  Anything else (not a
 * tunnel, a kind we were not asked to strip, a header that fails a check,
 * an inner packet to another address) passes untouched: the kernel
 * decides, as without us.
 *
 * The outer parse (outer_parse: outer4, outer6) says where the inner
 * packet starts and its protocol (4 = IPv4, 41 = IPv6); the inner check
 * (inner_is_vip) and the strip take it from there.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "decap.h"

#define ETH_HLEN_      14
#define ETH_P_IP_      0x0800
#define ETH_P_IPV6_    0x86dd
#define IP_MF_OFFSET   0x3fff   /* more-fragments flag and offset */
#define PROTO_IPIP     4
#define PROTO_IPV6     41
#define PROTO_UDP      17
#define PROTO_GRE      47

/* GRE (RFC 2784, 2890): flags in the first 16 bits. */
#define GRE_CSUM       0x8000
#define GRE_ROUTING    0x4000
#define GRE_KEY        0x2000
#define GRE_SEQ        0x1000
#define GRE_VERSION    0x0007
#define GRE_RESERVED   0x0ff8
/* The longest packet whose GRE checksum we verify (a bounded loop). */
#define GRE_CSUM_MAX   1500

const volatile __u32 kinds = DECAP_KIND_IPIP;
const volatile __u16 tun_port = 0;      /* GUE's UDP port, host order */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DECAP_VIPS_MAX);
	__type(key, struct decap_vip);
	__type(value, __u8);
} vips SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DECAP_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline int count(__u32 c, int verdict)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &c);

	if (v)
		*v += 1;
	return verdict;
}

/* Where the tunnel's payload starts, from the frame's start, and what it
 * is.  kind is one of DECAP_IPIP.. (the counter), or a pass counter. */
struct outer {
	__u32 inner_off;
	__u32 inner_len;        /* from the outer length fields */
	__u8 inner_proto;       /* 4 or 41 */
	__u32 kind;
};

/* The one's complement sum of len bytes from p (len <= max, a constant:
 * the loop's bound), folded; bounded by end too. */
static __always_inline __u32 csum_bytes(const __u8 *p, const void *end,
					__u32 len, const __u32 max)
{
	__u32 sum = 0, i;

	for (i = 0; i < max; i += 2) {
		if (i + 1 >= len || (const void *)(p + i + 2) > end)
			break;
		sum += ((__u32)p[i] << 8) | p[i + 1];
	}
	/* An odd last byte is the high half of a zero-padded word. */
	if (i < len && i < max && (const void *)(p + i + 1) <= end)
		sum += (__u32)p[i] << 8;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* ip_rcv_core's checks: a header the kernel would drop is not ours. */
static __always_inline int outer_ip_ok(const struct iphdr *ip,
				       const void *end, __u32 frame_len)
{
	__u32 ihl = ip->ihl * 4u, tot = bpf_ntohs(ip->tot_len);

	if (ip->version != 4 || ihl < sizeof(*ip) || tot < ihl ||
	    ETH_HLEN_ + tot > frame_len)
		return 0;
	if ((const void *)ip + ihl > end)
		return 0;
	if (ip->frag_off & bpf_htons(IP_MF_OFFSET))
		return 0;       /* fragments are the kernel's to reassemble */
	return csum_bytes((const __u8 *)ip, end, ihl, 60) == 0xffff;
}

static __always_inline int outer_gue(struct xdp_md *ctx, struct outer *o,
				     __u32 off, __u32 len)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct udphdr *uh = data + off;
	__u8 *gue = data + off + sizeof(*uh);

	if (!(kinds & DECAP_KIND_GUE) || !tun_port)
		return DECAP_PASS_NOT_TUNNEL;
	if ((void *)(uh + 1) > end || uh->dest != bpf_htons(tun_port))
		return DECAP_PASS_NOT_TUNNEL;
	/* The UDP length must be the IP payload's; a GUE header follows. */
	if (bpf_ntohs(uh->len) != len || len < sizeof(*uh) + 4 ||
	    (void *)(gue + 4) > end)
		return DECAP_PASS_MALFORMED;
	/* GUE version 0, a data message (C clear), no optional fields, no
	 * flags: what IPVS sends without --tun-remcsum.  Remote checksum
	 * offload leaves the inner checksum to the receiver: the kernel's. */
	if (gue[0] != 0 || gue[2] != 0 || gue[3] != 0)
		return DECAP_PASS_UNSUPPORTED;
	o->inner_proto = gue[1];        /* 4 or 41; anything else passes */
	o->inner_off = off + sizeof(*uh) + 4;
	o->inner_len = len - sizeof(*uh) - 4;
	return DECAP_GUE;
}

static __always_inline int outer_gre(struct xdp_md *ctx, struct outer *o,
				     __u32 off, __u32 len)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 *g = data + off;
	__u16 flags;
	__u32 hlen = 4;

	if (!(kinds & DECAP_KIND_GRE))
		return DECAP_PASS_NOT_TUNNEL;
	if ((void *)(g + 4) > end || len < 4)
		return DECAP_PASS_MALFORMED;
	flags = ((__u16)g[0] << 8) | g[1];
	/* gre_parse_header refuses a version or routing; so do we, and
	 * reserved bits besides. */
	if (flags & (GRE_VERSION | GRE_ROUTING | GRE_RESERVED))
		return DECAP_PASS_MALFORMED;
	if (flags & GRE_CSUM)
		hlen += 4;
	if (flags & GRE_KEY)
		hlen += 4;
	if (flags & GRE_SEQ)
		hlen += 4;
	if (len < hlen || (void *)(g + hlen) > end)
		return DECAP_PASS_MALFORMED;
	/* The checksum covers the GRE header and its payload. */
	if ((flags & GRE_CSUM) &&
	    (len > GRE_CSUM_MAX || csum_bytes(g, end, len, GRE_CSUM_MAX) != 0xffff))
		return DECAP_PASS_MALFORMED;
	if (g[2] == 0x08 && g[3] == 0x00)
		o->inner_proto = PROTO_IPIP;
	else if (g[2] == 0x86 && g[3] == 0xdd)
		o->inner_proto = PROTO_IPV6;
	else
		return DECAP_PASS_NOT_TUNNEL;
	o->inner_off = off + hlen;
	o->inner_len = len - hlen;
	return DECAP_GRE;
}

/* The tunnel's own header after an outer IP header: off and len are where
 * the outer header's payload starts and its length by that header. */
static __always_inline int outer_payload(struct xdp_md *ctx, struct outer *o,
					 __u8 proto, __u32 off, __u32 len)
{
	switch (proto) {
	case PROTO_IPIP:
	case PROTO_IPV6:
		if (!(kinds & DECAP_KIND_IPIP))
			return DECAP_PASS_NOT_TUNNEL;
		o->inner_proto = proto;
		o->inner_off = off;
		o->inner_len = len;
		return DECAP_IPIP;
	case PROTO_UDP:
		return outer_gue(ctx, o, off, len);
	case PROTO_GRE:
		return outer_gre(ctx, o, off, len);
	default:
		return DECAP_PASS_NOT_TUNNEL;
	}
}

static __always_inline int is_tunnel_proto(__u8 proto)
{
	return proto == PROTO_IPIP || proto == PROTO_IPV6 ||
	       proto == PROTO_UDP || proto == PROTO_GRE;
}

/* Where an outer IP header's payload is: its protocol, offset in the
 * frame and length by that header. */
struct outer_ip {
	__u32 off, len;
	__u8 proto;
};
#define OUTER_OK DECAP_COUNTERS         /* not a pass counter */

static __always_inline int outer4(struct xdp_md *ctx, struct outer_ip *oi)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + ETH_HLEN_;
	__u32 ihl;

	if ((void *)(ip + 1) > end || !is_tunnel_proto(ip->protocol))
		return DECAP_PASS_NOT_TUNNEL;
	if (!outer_ip_ok(ip, end, (__u32)(end - data)))
		return DECAP_PASS_MALFORMED;
	ihl = ip->ihl * 4u;
	oi->proto = ip->protocol;
	oi->off = ETH_HLEN_ + ihl;
	oi->len = bpf_ntohs(ip->tot_len) - ihl;
	return OUTER_OK;
}

/* An outer IPv6 header whose next header is the tunnel's (extension
 * headers are not walked: such a packet passes, for the kernel). */
static __always_inline int outer6(struct xdp_md *ctx, struct outer_ip *oi)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + ETH_HLEN_;
	__u32 len;

	if ((void *)(ip6 + 1) > end || !is_tunnel_proto(ip6->nexthdr))
		return DECAP_PASS_NOT_TUNNEL;
	len = bpf_ntohs(ip6->payload_len);
	/* ip6_rcv_core: version 6, the payload within the frame (a zero
	 * length is a jumbogram's, which has a hop-by-hop header first). */
	if (ip6->version != 6 || !len ||
	    ETH_HLEN_ + sizeof(*ip6) + len > (__u32)(end - data))
		return DECAP_PASS_MALFORMED;
	oi->proto = ip6->nexthdr;
	oi->off = ETH_HLEN_ + sizeof(*ip6);
	oi->len = len;
	return OUTER_OK;
}

/* The outer Ethernet and IP headers and the tunnel's own: sets *o and
 * returns its DECAP_IPIP.. kind, or the pass counter that says why not. */
static __always_inline int outer_parse(struct xdp_md *ctx, struct outer *o)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct outer_ip oi = {};
	int rc;

	if ((void *)(eth + 1) > end)
		return DECAP_PASS_NOT_TUNNEL;
	if (eth->h_proto == bpf_htons(ETH_P_IP_))
		rc = outer4(ctx, &oi);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6_))
		rc = outer6(ctx, &oi);
	else
		rc = DECAP_PASS_NOT_TUNNEL;
	if (rc != OUTER_OK)
		return rc;
	return outer_payload(ctx, o, oi.proto, oi.off, oi.len);
}

/* An inner packet whose IP header is all there, within what the outer
 * headers say they carry, and whose destination is a VIP.  (The kernel
 * checks the rest of it as for any packet.) */
static __always_inline int inner_is_vip(struct xdp_md *ctx,
					const struct outer *o)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct decap_vip key = {};
	__u32 off = o->inner_off;

	if (off > ETH_HLEN_ + 60 + 8 + 4 + 16)
		return DECAP_PASS_MALFORMED;
	if (o->inner_proto == PROTO_IPIP) {
		struct iphdr *in = data + off;

		if ((void *)(in + 1) > end)
			return DECAP_PASS_MALFORMED;
		if (in->version != 4 || in->ihl < 5 || o->inner_len < sizeof(*in) ||
		    bpf_ntohs(in->tot_len) > o->inner_len)
			return DECAP_PASS_MALFORMED;
		key.family = 4;
		__builtin_memcpy(key.addr, &in->daddr, 4);
	} else if (o->inner_proto == PROTO_IPV6) {
		struct ipv6hdr *in6 = data + off;

		if ((void *)(in6 + 1) > end)
			return DECAP_PASS_MALFORMED;
		if (in6->version != 6 || o->inner_len < sizeof(*in6) ||
		    bpf_ntohs(in6->payload_len) > o->inner_len - sizeof(*in6))
			return DECAP_PASS_MALFORMED;
		key.family = 6;
		__builtin_memcpy(key.addr, &in6->daddr, 16);
	} else {
		return DECAP_PASS_UNSUPPORTED;
	}
	if (!bpf_map_lookup_elem(&vips, &key))
		return DECAP_PASS_NOT_VIP;
	return 0;
}

/* The frame's Ethernet header moves up to just before the inner packet,
 * its type now the inner packet's, and the head past it: the outer
 * headers are gone. */
static __always_inline int strip(struct xdp_md *ctx, const struct outer *o)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr eth, *neth;

	if (data + sizeof(eth) > end)
		return -1;
	__builtin_memcpy(&eth, data, sizeof(eth));
	eth.h_proto = bpf_htons(o->inner_proto == PROTO_IPV6 ? ETH_P_IPV6_ :
				ETH_P_IP_);
	if (bpf_xdp_adjust_head(ctx, (int)(o->inner_off - ETH_HLEN_)))
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	neth = data;
	if ((void *)(neth + 1) > end)
		return -1;
	__builtin_memcpy(neth, &eth, sizeof(eth));
	return 0;
}

SEC("xdp")
int xlvs_decap(struct xdp_md *ctx)
{
	struct outer o = {};
	int kind, why;

	kind = outer_parse(ctx, &o);
	if (kind < DECAP_IPIP)
		return count(kind, XDP_PASS);
	why = inner_is_vip(ctx, &o);
	if (why)
		return count(why, XDP_PASS);
	if (strip(ctx, &o))
		return count(DECAP_PASS_MALFORMED, XDP_PASS);
	return count(kind, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
