// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-exporter's text format writer (exporter/prom.c) against
 * Prometheus's exposition format as its documentation states it (text
 * format 0.0.4, "label_value can be any sequence of UTF-8 characters, but
 * the backslash (\), double-quote ("), and line feed (\n) characters have
 * to be escaped as \\, \", and \n, respectively"; HELP escapes backslash
 * and line feed only).  The expected bytes are written here by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "prom.h"

static void escape_label_value(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(prom_escape_label("plain", out, sizeof(out)), 5);
	assert_string_equal(out, "plain");
	assert_int_equal(prom_escape_label("a\\b", out, sizeof(out)), 4);
	assert_string_equal(out, "a\\\\b");
	assert_int_equal(prom_escape_label("say \"hi\"", out, sizeof(out)), 10);
	assert_string_equal(out, "say \\\"hi\\\"");
	assert_int_equal(prom_escape_label("two\nlines", out, sizeof(out)), 10);
	assert_string_equal(out, "two\\nlines");
	/* Everything else as it is: tab, UTF-8, braces, commas, '='. */
	assert_int_equal(prom_escape_label("t\tü{a=b,c}", out, sizeof(out)), 11);
	assert_string_equal(out, "t\tü{a=b,c}");
}

static void escape_truncates_whole(void **state)
{
	char out[6];

	(void)state;
	/* Needs 8 bytes; only whole escapes are written, and it ends. */
	assert_int_equal(prom_escape_label("ab\"\"", out, sizeof(out)), 6);
	assert_string_equal(out, "ab\\\"");
	assert_int_equal(prom_escape_label("abcdefgh", out, 1), 8);
	assert_string_equal(out, "");
}

static char *render(void (*fn)(FILE *f))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fn(f);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void family_lines(FILE *f)
{
	struct prom_labels l;

	prom_family(f, "x_total", "counter", "back\\slash, \"quotes\",\nnewline");
	prom_labels_init(&l);
	prom_labels_add(&l, "config", "we\"ird\\na\nme");
	prom_labels_add(&l, "real", "10.0.0.3:80");
	prom_sample_u64(f, "x_total", &l, 18446744073709551615ull);
	prom_sample_u64(f, "x_total", NULL, 0);
	prom_sample(f, "y", NULL, 0.1);
	prom_sample(f, "y", NULL, 1765151234.125);
	prom_sample(f, "y", NULL, 1.0 / 0.0);
}

static void lines_as_the_format_says(void **state)
{
	char *text = render(family_lines);

	(void)state;
	assert_string_equal(text,
		"# HELP x_total back\\\\slash, \"quotes\",\\nnewline\n"
		"# TYPE x_total counter\n"
		"x_total{config=\"we\\\"ird\\\\na\\nme\",real=\"10.0.0.3:80\"} 18446744073709551615\n"
		"x_total 0\n"
		"y 0.1\n"
		"y 1765151234.125\n"
		"y +Inf\n");
	free(text);
}

static void long_labels(FILE *f)
{
	static char big[PROM_LABELS_MAX + 10];
	struct prom_labels l;

	memset(big, 'a', sizeof(big) - 1);
	prom_labels_init(&l);
	prom_labels_add(&l, "k", big);
	prom_sample_u64(f, "dropped", &l, 1);
	prom_labels_init(&l);
	prom_labels_add(&l, "k", "v");
	prom_sample_u64(f, "kept", &l, 2);
}

static void too_long_labels_leave_the_sample_out(void **state)
{
	char *text = render(long_labels);

	(void)state;
	assert_string_equal(text, "kept{k=\"v\"} 2\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_label_value),
		cmocka_unit_test(escape_truncates_whole),
		cmocka_unit_test(lines_as_the_format_says),
		cmocka_unit_test(too_long_labels_leave_the_sample_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
