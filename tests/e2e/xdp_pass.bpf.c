// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_pass: an XDP program that passes every frame, for the bridge-side
 * veth peers of the end-to-end namespaces (netns.sh compiles and attaches
 * it).
 *
 * Why: a frame the director XDP_TXes out of its veth lands in the peer's
 * XDP ring, and veth kicks the peer's NAPI to drain that ring only when
 * the peer has an XDP program of its own (veth_xdp_flush); with GRO alone
 * the frame waits there until unrelated traffic arrives.  A physical NIC
 * has no such quirk, so the test network gives every port this program.
 *
 * No kernel headers: only the verdict's value is needed.
 */
struct xdp_md;

#define XDP_PASS 2	/* enum xdp_action in <linux/bpf.h> */

__attribute__((section("xdp"), used))
int xdp_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
