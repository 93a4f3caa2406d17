/* fo_role_want against the rules of issue 11, checked as properties over
 * every combination, both nodes computing from mirrored facts:
 *   - a dead peer: we take the resources;
 *   - both alive: never both want them; if anyone holds them or both do,
 *     exactly one keeps wanting them (no flapping to nobody);
 *   - auto_failback on: the haresources owner wants them;
 *   - off: a holder keeps them unless both hold (the owner keeps them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "daemon.h"

static void dead_peer(void **s)
{
	(void)s;
	for (int m = 0; m < 16; m++)
		assert_true(fo_role_want(m & 1, m & 2, false, m & 4, m & 8));
}

static void alive_pairs(void **s)
{
	(void)s;
	for (int m = 0; m < 8; m++) {
		bool fb = m & 1, h1 = m & 2, h2 = m & 4;
		bool w1 = fo_role_want(true, fb, true, h1, h2);	/* the owner */
		bool w2 = fo_role_want(false, fb, true, h2, h1);	/* the standby */

		assert_false(w1 && w2);
		assert_true(w1 || w2);		/* someone is to hold them */
		if (fb)
			assert_true(w1);
		else if (h1 != h2)
			assert_true(h1 ? w1 : w2);	/* the holder keeps them */
		else
			assert_true(w1);	/* both or neither: the owner */
	}
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(dead_peer),
		cmocka_unit_test(alive_pairs),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
