// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP mode --attach chooses (lib/xdp_mode.c), case by case against
 * drivers/net/veth.c's rules as the kernel has them:
 *  - veth_xdp_xmit() returns -ENXIO (frames dropped) when the peer's queue
 *    has no NAPI, i.e. the peer has neither an XDP program nor GRO;
 *    veth_set_xdp_features() reports exactly that as NETDEV_XDP_ACT_NDO_XMIT
 *    on our end;
 *  - a redirect flushes (XDP_XMIT_FLUSH schedules the peer's NAPI), so a
 *    peer with GRO alone takes redirected frames at once;
 *  - XDP_TX frames are flushed by veth_xdp_flush(), which schedules the
 *    peer's NAPI only if the peer's queue has an XDP program: with GRO
 *    alone they are held.
 * Other drivers' XDP_TX is their own; a redirect needs ndo_xdp_xmit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <xlvs/libxlvs.h>

/* The attach interface, a veth whose peer br-ha1 is as given. */
static struct xlvs_xdp_link veth_attach(int peer_prog, int ndo_xmit, bool tx)
{
	struct xlvs_xdp_link l = { .ifindex = 2, .attach = true, .tx = tx,
				   .veth = true, .native = 1,
				   .ndo_xmit = (int8_t)ndo_xmit,
				   .peer_prog = (int8_t)peer_prog };

	strcpy(l.name, "eth0");
	strcpy(l.peer, "br-ha1");
	return l;
}

/* A redirect target (real servers routed out of it). */
static struct xlvs_xdp_link target(bool veth, int peer_prog, int ndo_xmit)
{
	struct xlvs_xdp_link l = { .ifindex = 3, .veth = veth, .native = 1,
				   .ndo_xmit = (int8_t)ndo_xmit,
				   .peer_prog = (int8_t)peer_prog };

	strcpy(l.name, "eth1");
	strcpy(l.peer, veth ? "br-eth1" : "");
	return l;
}

static void xdp_tx_out_of_a_veth(void **state)
{
	struct xlvs_xdp_link l;

	(void)state;
	l = veth_attach(1, 1, true);    /* peer has a program (and so NAPI) */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
	l = veth_attach(0, 1, true);    /* GRO alone: never flushed */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_HELD);
	l = veth_attach(0, 0, true);    /* no NAPI: -ENXIO */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DROPPED);
	l = veth_attach(0, -1, true);   /* no netdev family: not delivered */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_HELD);
	l = veth_attach(-1, 1, true);   /* the peer could not be asked */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_UNKNOWN);
}

static void attach_interface_without_tx(void **state)
{
	struct xlvs_xdp_link l;

	(void)state;
	/* Every server is reached by another interface: nothing leaves by
	 * the attach interface, whatever its peer. */
	l = veth_attach(0, 0, false);
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
	/* A driver without native XDP cannot run the program at all. */
	l.native = 0;
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_NO_NATIVE);
	l.veth = false;
	l.tx = true;
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_NO_NATIVE);
	l.native = 1;                   /* a NIC's own XDP_TX */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
	l.native = -1;                  /* unknown: the attach will tell */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
}

static void redirect_targets(void **state)
{
	struct xlvs_xdp_link l;

	(void)state;
	l = target(true, 0, 1);         /* GRO alone: the flush wakes it */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
	l = target(true, 1, 1);
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
	l = target(true, 0, 0);         /* no NAPI at the peer: -ENXIO */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DROPPED);
	l = target(true, 1, -1);        /* a program means NAPI */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
	l = target(true, 0, -1);        /* GRO unknown */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_UNKNOWN);
	l = target(false, -1, 0);       /* no ndo_xdp_xmit */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DROPPED);
	l = target(false, -1, 1);
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
	l = target(false, -1, -1);      /* an old kernel: as before, native */
	assert_int_equal(xlvs_xdp_verdict_of(&l), XLVS_XDP_DELIVERS);
}

static void choose_auto(void **state)
{
	struct xlvs_xdp_link l[2] = { veth_attach(1, 1, true), target(true, 0, 1) };
	struct xlvs_xdp_choice c;

	(void)state;
	xlvs_xdp_choose(XLVS_XDP_AUTO, l, 2, &c);
	assert_int_equal(c.mode, XLVS_XDP_NATIVE);
	assert_false(c.warn);
	assert_false(c.refused);
	assert_int_equal(c.link, -1);

	l[0] = veth_attach(0, 1, true);  /* the plain veth bridge */
	xlvs_xdp_choose(XLVS_XDP_AUTO, l, 2, &c);
	assert_int_equal(c.mode, XLVS_XDP_GENERIC);
	assert_true(c.warn);
	assert_false(c.refused);
	assert_int_equal(c.link, 0);
	assert_int_equal(c.verdict, XLVS_XDP_HELD);

	l[0] = veth_attach(1, 1, true);
	l[1] = target(true, 0, -1);       /* unsure: generic, said */
	xlvs_xdp_choose(XLVS_XDP_AUTO, l, 2, &c);
	assert_int_equal(c.mode, XLVS_XDP_GENERIC);
	assert_true(c.warn);
	assert_int_equal(c.verdict, XLVS_XDP_UNKNOWN);
}

static void choose_native(void **state)
{
	struct xlvs_xdp_link l[2] = { veth_attach(0, 0, true), target(true, 0, 1) };
	struct xlvs_xdp_choice c;

	(void)state;
	xlvs_xdp_choose(XLVS_XDP_NATIVE, l, 2, &c);
	assert_true(c.refused);
	assert_int_equal(c.link, 0);
	assert_int_equal(c.verdict, XLVS_XDP_DROPPED);

	/* Unsure is not refused, but said. */
	l[0] = veth_attach(-1, 1, true);
	xlvs_xdp_choose(XLVS_XDP_NATIVE, l, 2, &c);
	assert_false(c.refused);
	assert_true(c.warn);
	assert_int_equal(c.mode, XLVS_XDP_NATIVE);

	/* A link that cannot deliver outranks an earlier unsure one. */
	l[1] = target(true, 0, 0);
	xlvs_xdp_choose(XLVS_XDP_NATIVE, l, 2, &c);
	assert_true(c.refused);
	assert_int_equal(c.link, 1);
	assert_int_equal(c.verdict, XLVS_XDP_DROPPED);
}

static void choose_generic_checks_nothing(void **state)
{
	struct xlvs_xdp_link l[1] = { veth_attach(0, 0, true) };
	struct xlvs_xdp_choice c;

	(void)state;
	xlvs_xdp_choose(XLVS_XDP_GENERIC, l, 1, &c);
	assert_int_equal(c.mode, XLVS_XDP_GENERIC);
	assert_false(c.refused);
	assert_false(c.warn);
	assert_int_equal(c.link, -1);
}

static void explain_names_cause_and_fix(void **state)
{
	struct xlvs_xdp_link l = veth_attach(0, 1, true);
	char cause[320], fix[256];

	(void)state;
	xlvs_xdp_explain(&l, XLVS_XDP_HELD, cause, sizeof(cause), fix, sizeof(fix));
	assert_non_null(strstr(cause, "eth0"));
	assert_non_null(strstr(cause, "br-ha1"));
	assert_non_null(strstr(cause, "no XDP program"));
	assert_non_null(strstr(fix, "XDP program to the veth peer br-ha1"));
	assert_non_null(strstr(fix, "--xdp-mode generic"));

	l = target(true, 0, 0);
	xlvs_xdp_explain(&l, XLVS_XDP_DROPPED, cause, sizeof(cause), fix, sizeof(fix));
	assert_non_null(strstr(cause, "dropped"));
	assert_non_null(strstr(fix, "ethtool -K br-eth1 gro on"));

	l.native = 0;
	xlvs_xdp_explain(&l, XLVS_XDP_NO_NATIVE, cause, sizeof(cause), fix, sizeof(fix));
	assert_non_null(strstr(cause, "no native XDP"));
	assert_string_equal(fix, "use --xdp-mode generic");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xdp_tx_out_of_a_veth),
		cmocka_unit_test(attach_interface_without_tx),
		cmocka_unit_test(redirect_targets),
		cmocka_unit_test(choose_auto),
		cmocka_unit_test(choose_native),
		cmocka_unit_test(choose_generic_checks_nothing),
		cmocka_unit_test(explain_names_cause_and_fix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
