// SPDX-License-Identifier: GPL-2.0
/*
 * Whether native XDP delivers the frames the program sends, and the mode
 * --attach chooses from that (xdp_probe.c gathers the facts).
 *
 * A driver's native XDP_TX and redirect are its own business, except on a
 * veth, where the frames go into the peer's ring and the peer's NAPI must
 * take them out (drivers/net/veth.c):
 *  - veth_xdp_xmit() puts frames into the peer's ring only if the peer has
 *    NAPI, which it has while it runs an XDP program or has GRO on (GRO is
 *    off on a new veth); else -ENXIO and the frames are dropped.  The
 *    kernel tells which in the netdev family's xdp-features of our end:
 *    veth_set_xdp_features() sets NETDEV_XDP_ACT_NDO_XMIT exactly then.
 *  - A redirect ends with XDP_XMIT_FLUSH, and veth_xdp_xmit() then
 *    schedules the peer's NAPI: a peer with GRO on gets them at once.
 *  - XDP_TX frames are sent without that flag; veth_xdp_flush() schedules
 *    the peer's NAPI afterwards only if the peer's queue has an XDP
 *    program.  With GRO alone they sit in the ring until some other
 *    frame schedules it (a SYN seen 8.5 s late on a plain veth bridge).
 * Generic (skb) mode sends through the stack and works on any device.
 */
#include <stdio.h>
#include <xlvs/libxlvs.h>

static enum xlvs_xdp_verdict tx_verdict(const struct xlvs_xdp_link *l)
{
	if (!l->veth)
		return XLVS_XDP_DELIVERS;
	if (l->peer_prog == 1)
		return XLVS_XDP_DELIVERS;
	if (l->peer_prog < 0)
		return XLVS_XDP_UNKNOWN;
	return l->ndo_xmit == 0 ? XLVS_XDP_DROPPED : XLVS_XDP_HELD;
}

static enum xlvs_xdp_verdict redirect_verdict(const struct xlvs_xdp_link *l)
{
	if (l->ndo_xmit == 0)
		return XLVS_XDP_DROPPED;
	if (l->ndo_xmit == 1 || !l->veth || l->peer_prog == 1)
		return XLVS_XDP_DELIVERS;
	return XLVS_XDP_UNKNOWN;
}

enum xlvs_xdp_verdict xlvs_xdp_verdict_of(const struct xlvs_xdp_link *l)
{
	if (l->attach && l->native == 0)
		return XLVS_XDP_NO_NATIVE;
	if (l->tx)
		return tx_verdict(l);
	if (l->attach)
		return XLVS_XDP_DELIVERS;   /* nothing leaves by it */
	return redirect_verdict(l);
}

/* A link that cannot deliver decides before one the probe is unsure of:
 * it is what the user must hear about. */
void xlvs_xdp_choose(enum xlvs_xdp_mode want, const struct xlvs_xdp_link *l,
		     size_t n, struct xlvs_xdp_choice *c)
{
	*c = (struct xlvs_xdp_choice){ .mode = XLVS_XDP_NATIVE, .link = -1,
				       .verdict = XLVS_XDP_DELIVERS };
	if (want == XLVS_XDP_GENERIC) {
		c->mode = XLVS_XDP_GENERIC;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		enum xlvs_xdp_verdict v = xlvs_xdp_verdict_of(&l[i]);

		if (v == XLVS_XDP_DELIVERS ||
		    (v == XLVS_XDP_UNKNOWN && c->link >= 0))
			continue;
		c->link = (int)i;
		c->verdict = v;
		if (v != XLVS_XDP_UNKNOWN)
			break;
	}
	if (c->link < 0)
		return;
	if (want == XLVS_XDP_AUTO)
		c->mode = XLVS_XDP_GENERIC;
	/* Asked for native: refuse what cannot deliver, warn if unsure. */
	c->refused = want != XLVS_XDP_AUTO && c->verdict != XLVS_XDP_UNKNOWN;
	c->warn = !c->refused;
}

static const char *peer_of(const struct xlvs_xdp_link *l)
{
	return l->peer[0] ? l->peer : "(in another namespace)";
}

void xlvs_xdp_explain(const struct xlvs_xdp_link *l, enum xlvs_xdp_verdict v,
		      char *cause, size_t clen, char *fix, size_t flen)
{
	const char *peer = peer_of(l);

	snprintf(fix, flen, "attach an XDP program to the veth peer %s (one "
		 "that returns XDP_PASS will do), or use --xdp-mode generic",
		 peer);
	switch (v) {
	case XLVS_XDP_NO_NATIVE:
		snprintf(cause, clen, "the driver of %s has no native XDP", l->name);
		snprintf(fix, flen, "use --xdp-mode generic");
		break;
	case XLVS_XDP_HELD:
		snprintf(cause, clen, "frames sent back out of %s (XDP_TX) wait in "
			 "the queue of its veth peer %s, which has no XDP program "
			 "to flush them, until other traffic does (seconds)",
			 l->name, peer);
		break;
	case XLVS_XDP_DROPPED:
		if (!l->veth) {
			snprintf(cause, clen, "frames redirected out of %s are "
				 "dropped: its driver cannot send XDP frames "
				 "(no ndo_xdp_xmit)", l->name);
			snprintf(fix, flen, "use --xdp-mode generic");
		} else {
			snprintf(cause, clen, "frames %s %s are dropped: its veth "
				 "peer %s has neither an XDP program nor GRO, so "
				 "it takes no XDP frames",
				 l->tx ? "sent back out of" : "redirected out of",
				 l->name, peer);
		}
		if (l->veth && !l->tx)
			snprintf(fix, flen, "attach an XDP program to the veth "
				 "peer %s or turn GRO on there (ethtool -K %s gro "
				 "on), or use --xdp-mode generic", peer, peer);
		break;
	case XLVS_XDP_UNKNOWN:
		snprintf(cause, clen, "cannot tell whether native XDP frames out "
			 "of %s reach its veth peer %s", l->name, peer);
		snprintf(fix, flen, "--xdp-mode native attaches unchecked, "
			 "--xdp-mode generic works on any device");
		break;
	default:
		snprintf(cause, clen, "native XDP delivers on %s", l->name);
		fix[0] = 0;
	}
}
