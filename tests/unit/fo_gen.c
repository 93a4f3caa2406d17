/* fo_generation_next: heartbeat's hb_generation (heartbeat.md A.5: a
 * decimal number in a file, one more each start) so a restarted node's
 * packets are not taken for replays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"

static void counts_up(void **s)
{
	char dir[] = "/tmp/fo_gen.XXXXXX", sub[64], path[96], buf[32] = "";
	unsigned long g1 = 0, g2 = 0;
	FILE *f;

	(void)s;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/state", dir);	/* created on demand */
	assert_int_equal(fo_generation_next(sub, &g1), 0);
	assert_int_equal(fo_generation_next(sub, &g2), 0);
	assert_int_equal(g1, 1);
	assert_int_equal(g2, 2);
	snprintf(path, sizeof(path), "%s/hb_generation", sub);
	assert_non_null(f = fopen(path, "w"));
	fputs("41\n", f);	/* as heartbeat leaves it: decimal */
	fclose(f);
	assert_int_equal(fo_generation_next(sub, &g1), 0);
	assert_int_equal(g1, 42);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "42\n");
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest t[] = { cmocka_unit_test(counts_up) };
	return cmocka_run_group_tests(t, NULL, NULL);
}
