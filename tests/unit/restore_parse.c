// SPDX-License-Identifier: GPL-2.0
/*
 * -R's reading (xlvsadm/restore_parse.c): commands with the numbers of
 * their lines, comments and blank lines skipped, and a line too long for
 * the reader refused whole rather than split (its tail read as a line of
 * its own turned a long comment's last words into a command; found by
 * fuzz/restore.c, fuzz/corpus/restore/bug-long-line-split).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmd.h"
#include "restore_check.h"

/* restore_parse on text; *lines is the caller's to free. */
static int parse_text(const char *text, struct restore_line **lines, size_t *n)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(in);
	rc = restore_parse(in, lines, n);
	fclose(in);
	return rc;
}

static void lines_numbered(void **state)
{
	struct restore_line *l;
	size_t n;

	(void)state;
	assert_int_equal(parse_text("# saved\n\n-A -t 10.0.0.100:80 -s rr\n"
				    "ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.3\n", &l, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].lineno, 3);
	assert_int_equal(l[0].cmd.kind, CMD_ADD_SVC);
	assert_int_equal(l[1].lineno, 4);
	assert_int_equal(l[1].cmd.kind, CMD_ADD_DEST);
	free(l);
}

/* ipvsadm 1.31's -S lines for tunnels read back into the same settings;
 * a tunnel option ipvsadm would refuse refuses the file, naming its line. */
static void tunnel_lines(void **state)
{
	struct restore_line *l;
	size_t n;

	(void)state;
	assert_int_equal(parse_text(
		"-A -t 10.0.0.100:80 -s rr\n"
		"-a -t 10.0.0.100:80 -r 10.0.0.3:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum\n"
		"-a -t 10.0.0.100:80 -r 10.0.0.4:80 -i -w 2 --tun-type gre --tun-csum\n"
		"-a -t 10.0.0.100:80 -r 10.0.0.5:80 -i -w 3 --tun-type ipip\n", &l, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(l[1].cmd.dest.fwd, XLVS_FWD_TUNNEL);
	assert_int_equal(l[1].cmd.dest.tun_type, XLVS_TUN_GUE);
	assert_int_equal(l[1].cmd.dest.tun_port, 6080);
	assert_int_equal(l[1].cmd.dest.tun_flags, XLVS_TUN_F_REMCSUM);
	assert_int_equal(l[2].cmd.dest.tun_type, XLVS_TUN_GRE);
	assert_int_equal(l[2].cmd.dest.tun_flags, XLVS_TUN_F_CSUM);
	assert_int_equal(l[3].cmd.dest.tun_type, XLVS_TUN_IPIP);
	assert_int_equal(l[3].cmd.dest.tun_flags, 0);
	free(l);
	l = NULL;
	assert_int_not_equal(parse_text("-A -t 10.0.0.100:80 -s rr\n"
					"-a -t 10.0.0.100:80 -r 10.0.0.3 -i --tun-type gue\n",
					&l, &n), 0);
	free(l);
}

/* A line of text, then len - strlen(text) blanks, then "\n" and rest. */
static char *long_line(const char *text, size_t len, const char *rest)
{
	char *s = malloc(len + strlen(rest) + 2);

	assert_non_null(s);
	memset(s, ' ', len);
	memcpy(s, text, strlen(text));
	s[len] = '\n';
	strcpy(s + len + 1, rest);
	return s;
}

static void longest_line_read(void **state)
{
	char *text = long_line("-A -t 10.0.0.100:80", 4094, "");
	struct restore_line *l;
	size_t n;

	(void)state;
	assert_int_equal(parse_text(text, &l, &n), 0);
	assert_int_equal(n, 1);
	free(l);
	free(text);
}

static void long_comment_not_split(void **state)
{
	/* 4095 characters of comment, then " -C": fgets' first 4095 bytes
	 * end just before it. */
	char *text = long_line("#", 4095 + 3, "-A -t 10.0.0.100:81\n");
	struct restore_line *l;
	size_t n;

	(void)state;
	memset(text + 1, 'x', 4094);
	memcpy(text + 4095, " -C", 3);
	assert_int_equal(parse_text(text, &l, &n), 2);
	free(l);
	free(text);
}

/* The same with a NUL inside the comment, which once hid its length
 * (fuzz/corpus/restore/bug-long-line-nul), and a NUL in a short line. */
static void nul_refused(void **state)
{
	static const char text[] = "-A -t 10.0.0.100:80\0 -s rr\n";
	char *big = long_line("#", 4095 + 3, "-A -t 10.0.0.100:81\n");
	struct restore_line *l;
	size_t n;
	FILE *in;

	(void)state;
	memset(big + 1, 'x', 4094);
	big[100] = 0;
	memcpy(big + 4095, " -C", 3);
	in = fmemopen(big, 4095 + 3 + 1 + strlen("-A -t 10.0.0.100:81\n"), "r");
	assert_non_null(in);
	assert_int_equal(restore_parse(in, &l, &n), 2);
	fclose(in);
	free(l);
	free(big);
	in = fmemopen((void *)text, sizeof(text) - 1, "r");
	assert_non_null(in);
	assert_int_equal(restore_parse(in, &l, &n), 2);
	fclose(in);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_numbered),
		cmocka_unit_test(longest_line_read),
		cmocka_unit_test(long_comment_not_split),
		cmocka_unit_test(nul_refused),
		cmocka_unit_test(tunnel_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
