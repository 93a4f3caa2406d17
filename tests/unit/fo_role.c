/* fo_role_decide against heartbeat 3.0.6's haresources rules (heartbeat.md
 * A.9, hb_resource.c) and issue 11's, checked as properties over every
 * combination, both nodes deciding from mirrored facts:
 *   - a dead peer: we take the resources (unless a failure's backoff runs);
 *   - both alive: never do both take; nobody holding them, the owner takes;
 *     both holding them, the non-owner releases and the owner keeps them;
 *     one holding them keeps them, but with auto_failback on a non-owner
 *     hands them to a stable owner (the standby exchange, never a take);
 *   - nothing is decided before the peer's holdings are known;
 *   - a failed owner lets a stable peer have them, retries once due;
 *   - legacy: the owner asks (ip-request), a non-owner holding releases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "daemon.h"

static struct fo_facts mk(bool owner, enum fo_failback fb, bool holds, bool peer_holds)
{
	return (struct fo_facts){ .owner = owner, .fb = fb, .alive = true, .known = true,
				  .peer_holds = peer_holds, .peer_stable = true, .holds = holds };
}

static void dead_peer(void **s)
{
	(void)s;
	for (int m = 0; m < 64; m++) {
		struct fo_facts f = { .owner = m & 1, .fb = (enum fo_failback)((m >> 1) % 3),
				      .holds = m & 8, .peer_holds = m & 16, .backing_off = m & 32 };
		enum fo_act a = fo_role_decide(&f);

		assert_int_equal(a, f.holds || f.backing_off ? FO_ACT_NONE : FO_ACT_TAKE);
	}
}

static void alive_pairs(void **s)
{
	(void)s;
	for (int m = 0; m < 8; m++) {
		enum fo_failback fb = m & 1 ? FO_FAILBACK_ON : FO_FAILBACK_OFF;
		bool h1 = m & 2, h2 = m & 4;
		struct fo_facts f1 = mk(true, fb, h1, h2), f2 = mk(false, fb, h2, h1);
		enum fo_act a1 = fo_role_decide(&f1);	/* the owner */
		enum fo_act a2 = fo_role_decide(&f2);	/* the standby */

		assert_false(a1 == FO_ACT_TAKE && a2 == FO_ACT_TAKE);
		assert_int_not_equal(a2, FO_ACT_TAKE);	/* the owner is alive */
		if (h1 && h2) {
			assert_int_equal(a1, FO_ACT_NONE);
			assert_int_equal(a2, FO_ACT_RELEASE);
		} else if (!h1 && !h2) {
			assert_int_equal(a1, FO_ACT_TAKE);
			assert_int_equal(a2, FO_ACT_NONE);
		} else if (h1) {
			assert_int_equal(a1, FO_ACT_NONE);	/* the holder keeps them */
			assert_int_equal(a2, FO_ACT_NONE);
		} else {
			assert_int_equal(a1, FO_ACT_NONE);	/* it waits to be handed them */
			assert_int_equal(a2, fb == FO_FAILBACK_ON ? FO_ACT_ASK : FO_ACT_NONE);
		}
	}
}

/* auto_failback on: the hand-back waits for the owner to be stable. */
static void failback_waits_for_stable_owner(void **s)
{
	struct fo_facts f = mk(false, FO_FAILBACK_ON, true, false);

	(void)s;
	f.peer_stable = false;
	assert_int_equal(fo_role_decide(&f), FO_ACT_NONE);
	f.peer_stable = true;
	assert_int_equal(fo_role_decide(&f), FO_ACT_ASK);
}

static void unknown_peer_waits(void **s)
{
	(void)s;
	for (int m = 0; m < 16; m++) {
		struct fo_facts f = mk(m & 1, m & 2 ? FO_FAILBACK_ON : FO_FAILBACK_OFF, m & 4, m & 8);

		f.known = false;
		assert_int_equal(fo_role_decide(&f), FO_ACT_NONE);
	}
}

static void failed_owner(void **s)
{
	struct fo_facts f = mk(true, FO_FAILBACK_ON, false, false);

	(void)s;
	f.failed = true;
	assert_int_equal(fo_role_decide(&f), FO_ACT_ASK);	/* hb_standby */
	f.peer_stable = false;				/* the peer cannot either */
	f.backing_off = true;
	assert_int_equal(fo_role_decide(&f), FO_ACT_NONE);
	f.backing_off = false;
	assert_int_equal(fo_role_decide(&f), FO_ACT_TAKE);
	f.peer_holds = true;				/* it took them: no retry */
	assert_int_equal(fo_role_decide(&f), FO_ACT_NONE);
}

static void legacy(void **s)
{
	(void)s;
	for (int m = 0; m < 4; m++) {
		struct fo_facts o = mk(true, FO_FAILBACK_LEGACY, m & 1, m & 2);
		struct fo_facts n = mk(false, FO_FAILBACK_LEGACY, m & 2, m & 1);

		o.known = n.known = false;	/* legacy has no reports */
		assert_int_equal(fo_role_decide(&o), o.holds ? FO_ACT_NONE : FO_ACT_IPREQ);
		assert_int_equal(fo_role_decide(&n), n.holds ? FO_ACT_RELEASE : FO_ACT_NONE);
	}
}

/* What our reports say we hold, in heartbeat's terms (hb_resource.c
 * rsc_msg): our own groups are local, the peer's foreign; holding the
 * peer's with none of our own is "all", as a heartbeat that took them
 * over says. */
static void reports(void **s)
{
	static struct fo_daemon dm;
	static const struct { unsigned sets, held; enum hb_rsc want; } c[] = {
		{ FO_SET_MINE, 0, HB_RSC_NONE },
		{ FO_SET_MINE, FO_SET_MINE, HB_RSC_LOCAL },
		{ FO_SET_THEIRS, 0, HB_RSC_NONE },
		{ FO_SET_THEIRS, FO_SET_THEIRS, HB_RSC_ALL },
		{ FO_SET_BOTH, 0, HB_RSC_NONE },
		{ FO_SET_BOTH, FO_SET_MINE, HB_RSC_LOCAL },
		{ FO_SET_BOTH, FO_SET_THEIRS, HB_RSC_FOREIGN },
		{ FO_SET_BOTH, FO_SET_BOTH, HB_RSC_ALL },
	};

	(void)s;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		dm.sets = c[i].sets;
		dm.held = c[i].held;
		assert_int_equal(fo_role_rsc(&dm), c[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(dead_peer),
		cmocka_unit_test(alive_pairs),
		cmocka_unit_test(failback_waits_for_stable_owner),
		cmocka_unit_test(unknown_peer_waits),
		cmocka_unit_test(failed_owner),
		cmocka_unit_test(legacy),
		cmocka_unit_test(reports),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
