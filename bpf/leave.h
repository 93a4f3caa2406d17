/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A new connection no real server can take: IPVS's ip_vs_leave.  The
 * packet is the director's to refuse, not its local stack's (which would
 * hand it to whatever listens on the VIP's port): the client gets an ICMP
 * port unreachable and the packet is dropped.  An FTP service passes
 * packets for the VIP's other ports on, as IPVS does: they are not IPVS's
 * to refuse.
 *
 * The answer is built as icmp_reply.h says, and rate-limited there.
 */
#ifndef XLVS_BPF_LEAVE_H
#define XLVS_BPF_LEAVE_H

#include "icmp_reply.h"
#include "icmp6_reply.h"

/* ip_vs_leave for service port svc_port (network order). */
static __always_inline int leave(struct xdp_md *ctx, const struct pkt *p,
				 __be16 svc_port, __u64 now)
{
	struct ethhdr *eth;

	if (svc_port == bpf_htons(XLVS_FTP_PORT) && p->dport != svc_port) {
		count(XLVS_CNT_PKTS_FTP_PASS);
		return XDP_PASS;
	}
	if (p->af == 6)
		return icmp6_refuse(ctx, XLVS_CNT_PKTS_NO_DEST, ICMPV6_DEST_UNREACH,
				    ICMPV6_PORT_UNREACH, 0, 1, now);
	count(XLVS_CNT_PKTS_NO_DEST);
	eth = pkt_eth(ctx);
	if (!eth || !mac_unicast(eth->h_source) || !mac_unicast(eth->h_dest))
		return XDP_DROP;
	if (!icmp_allowed(now)) {
		count(XLVS_CNT_ICMP_LIMITED);
		return XDP_DROP;
	}
	if (icmp_reply_build(ctx, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0))
		return XDP_DROP;
	count(XLVS_CNT_ICMP_SENT);
	return XDP_TX;
}

#endif
