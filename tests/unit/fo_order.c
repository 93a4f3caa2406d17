/* hb_order.c against heartbeat.md A.7 (heartbeat 3.0.6 should_drop_message):
 * a lower generation is a replay attempt, a higher one a restart (seq
 * tracking reset: seq 1 taken again), the same generation takes only a
 * higher seq (a gap is taken, its numbers remembered as missing and each
 * taken once if it comes later). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hb_order.h"

static void first_then_next(void **s)
{
	struct fo_seqstate st = { 0 };

	(void)s;
	assert_int_equal(fo_order_check(&st, 5, 7), FO_ORD_FIRST);
	assert_int_equal(fo_order_check(&st, 5, 8), FO_ORD_NEXT);
	assert_int_equal(fo_order_check(&st, 5, 8), FO_ORD_DUP);
	assert_int_equal(fo_order_check(&st, 5, 3), FO_ORD_DUP);
	assert_int_equal(fo_order_check(&st, 5, 12), FO_ORD_GAP);
	assert_int_equal(st.seq, 12);
}

static void generations(void **s)
{
	struct fo_seqstate st = { 0 };

	(void)s;
	fo_order_check(&st, 5, 100);
	/* A replay of an older run's packets: dropped, state untouched. */
	assert_int_equal(fo_order_check(&st, 4, 200), FO_ORD_REPLAY);
	assert_int_equal(st.hg, 5);
	assert_int_equal(st.seq, 100);
	/* The peer restarted: its seq starts again at 1. */
	assert_int_equal(fo_order_check(&st, 6, 1), FO_ORD_RESTART);
	assert_int_equal(fo_order_check(&st, 6, 2), FO_ORD_NEXT);
	assert_int_equal(fo_order_check(&st, 5, 101), FO_ORD_REPLAY);
	assert_true(fo_order_taken(FO_ORD_GAP));
	assert_false(fo_order_taken(FO_ORD_DUP));
	assert_false(fo_order_taken(FO_ORD_REPLAY));
}

/* What a gap skipped is taken once if it comes late (heartbeat sent an
 * ask_resources "done" after the report numbered after it). */
static void missing_taken_once(void **s)
{
	struct fo_seqstate st = { 0 };

	(void)s;
	fo_order_check(&st, 5, 10);
	assert_int_equal(fo_order_check(&st, 5, 14), FO_ORD_GAP);
	assert_int_equal(st.nmiss, 3);
	assert_int_equal(fo_order_check(&st, 5, 12), FO_ORD_LATE);
	assert_true(fo_order_taken(FO_ORD_LATE));
	assert_int_equal(fo_order_check(&st, 5, 12), FO_ORD_DUP);
	assert_int_equal(fo_order_check(&st, 5, 10), FO_ORD_DUP);
	assert_int_equal(st.nmiss, 2);
	assert_int_equal(st.seq, 14);
	fo_order_forget(&st, 0);
	assert_int_equal(st.nmiss, 1);
	/* A restart forgets them: the old run's numbers mean nothing now. */
	assert_int_equal(fo_order_check(&st, 6, 1), FO_ORD_RESTART);
	assert_int_equal(st.nmiss, 0);
	assert_int_equal(fo_order_check(&st, 6, 1), FO_ORD_DUP);
}

/* More missing than we would ask for (a long partition): nothing kept. */
static void long_gap_resets(void **s)
{
	struct fo_seqstate st = { 0 };

	(void)s;
	fo_order_check(&st, 5, 1);
	assert_int_equal(fo_order_check(&st, 5, 1 + FO_MISSMAX + 1), FO_ORD_GAP);
	assert_int_equal(st.nmiss, FO_MISSMAX);
	assert_int_equal(fo_order_check(&st, 5, 500), FO_ORD_GAP);
	assert_int_equal(st.nmiss, 0);
	assert_int_equal(fo_order_check(&st, 5, 300), FO_ORD_DUP);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(first_then_next),
		cmocka_unit_test(generations),
		cmocka_unit_test(missing_taken_once),
		cmocka_unit_test(long_gap_resets),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
