/* hb_order.c against heartbeat.md A.7 (heartbeat 3.0.6 should_drop_message):
 * a lower generation is a replay attempt, a higher one a restart (seq
 * tracking reset: seq 1 taken again), the same generation takes only a
 * higher seq (a gap is taken and counted as lost packets). */
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

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(first_then_next),
		cmocka_unit_test(generations),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
