// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's log (hd_log.c) as ldirectord's ld_log writes it: a file
 * path gets "[<perl localtime>|<cfgname>|<pid>] msg" lines, opened and
 * closed per message (a file moved away by logrotate is made again); an
 * unknown syslog facility and a file that cannot be opened are refused and
 * leave the destination as it was.
 */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hd_log.h"

static void file_lines(void **state)
{
	(void)state;
	char dir[] = "/tmp/hd_log_XXXXXX", path[128], moved[140], line[512], want[256];
	regex_t re;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ld.log", dir);
	assert_int_equal(hd_log_open(path, "ldirectord.cf", false, false), 0);
	hd_log("Quiescent real server: %s (%s) (Weight set to 0)", "10.0.0.3:80", "10.0.0.1:80");
	snprintf(moved, sizeof(moved), "%s.1", path);
	assert_int_equal(rename(path, moved), 0);
	hd_log("after rotation");
	f = fopen(moved, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	/* perl's scalar localtime: "Mon Dec  7 02:57:58 2026". */
	snprintf(want, sizeof(want), "^\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] "
		 "[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}\\|ldirectord\\.cf\\|%d\\] "
		 "Quiescent real server: 10\\.0\\.0\\.3:80 \\(10\\.0\\.0\\.1:80\\) "
		 "\\(Weight set to 0\\)\n$", (int)getpid());
	assert_int_equal(regcomp(&re, want, REG_EXTENDED), 0);
	if (regexec(&re, line, 0, NULL, 0))
		fail_msg("line \"%s\" is not ld_log's", line);
	regfree(&re);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strstr(line, "] after rotation\n"));
	unlink(moved);
	unlink(path);
	rmdir(dir);
}

static void refused(void **state)
{
	(void)state;
	assert_int_equal(hd_log_open("no-such-facility", "x", false, false), -EINVAL);
	assert_int_equal(hd_log_open("/nonexistent-dir/x.log", "x", false, false), -ENOENT);
	assert_int_equal(hd_log_facility("local7"), hd_log_facility("LOCAL7"));
	assert_true(hd_log_facility("daemon") >= 0);
	assert_int_equal(hd_log_facility("local8"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_lines),
		cmocka_unit_test(refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
