/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forwarding by direct routing: only the Ethernet addresses change.  The
 * kernel's FIB and neighbour table say which interface reaches the real
 * server and what its MAC is, so a MAC that changes is followed at once;
 * libxlvs keeps a managed neighbour entry for every real server so the MAC
 * is known before the first packet (neigh.c).
 */
#ifndef XLVS_BPF_FORWARD_H
#define XLVS_BPF_FORWARD_H

#define AF_INET 2

static __always_inline int forward_dr(struct xdp_md *ctx, struct pkt *p,
				      const struct xlvs_dest *d)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	fib.family = AF_INET;
	fib.l4_protocol = p->proto;
	fib.tot_len = p->ip_len;
	fib.tos = p->ip->tos;
	fib.ipv4_src = p->saddr;
	__builtin_memcpy(&fib.ipv4_dst, d->addr, 4);
	fib.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		count(XLVS_CNT_PKTS_NO_NEIGH);
		return XDP_DROP;
	}
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED) {
		count(XLVS_CNT_PKTS_FWD_DISABLED);
		return XDP_DROP;
	}
	if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
		count(XLVS_CNT_PKTS_NO_ROUTE);
		return XDP_DROP;
	}
	__builtin_memcpy(p->eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(p->eth->h_source, fib.smac, ETH_ALEN);
	count(XLVS_CNT_PKTS_FWD);
	if (fib.ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	rc = bpf_redirect(fib.ifindex, 0);
	if (rc != XDP_REDIRECT)
		count(XLVS_CNT_PKTS_TX_FAILED);
	return rc;
}

#endif
