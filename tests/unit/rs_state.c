// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-realserver's state file (realserver/state.c): a record survives
 * format and parse exactly; a broken file is refused with its line, never
 * half-read; save replaces the file whole; and undo (realserver/undo.c)
 * of sysctl records puts back only values still as up set them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd.h"
#include "options.h"
#include "state.h"

static struct rs_state s, t;
static char err[512];

static int parse(const char *text)
{
	err[0] = 0;
	return rs_state_parse(text, strlen(text), &s, err, sizeof(err));
}

static void assert_refused(const char *text, const char *msg)
{
	assert_int_equal(parse(text), -1);
	assert_string_equal(err, msg);
	/* Nothing half-read. */
	assert_int_equal(s.nvips + s.nsysctls + s.nxdp + s.nlinks + s.tunnel, 0);
}

static const char full[] =
	"# What xlvs-realserver up changed; down undoes it.\n"
	"xlvs-realserver-state 1\n"
	"tunnel gue 6080\n"
	"vip 10.0.0.100 added\n"
	"vip 2001:db8::1 present\n"
	"sysctl net/ipv4/conf/all/arp_ignore 0 1\n"
	"sysctl net/ipv4/conf/eth0.5/rp_filter 1 2\n"
	"xdp eth0 2 42\n"
	"xdp eth1 3 42\n"
	"link tunl0 up\n"
	"link gre0 present\n";

static void round_trip(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(parse(full), 0);
	assert_int_equal(s.tunnel, DECAP_KIND_GUE);
	assert_int_equal(s.tun_port, 6080);
	assert_int_equal(s.nvips, 2);
	assert_true(s.vips[0].added);
	assert_false(s.vips[1].added);
	assert_int_equal(s.vips[1].vip.family, 6);
	assert_int_equal(s.nsysctls, 2);
	assert_string_equal(s.sysctls[1].name, "net/ipv4/conf/eth0.5/rp_filter");
	assert_string_equal(s.sysctls[1].old, "1");
	assert_string_equal(s.sysctls[1].set, "2");
	assert_int_equal(s.nxdp, 2);
	assert_int_equal(s.xdp[1].ifindex, 3);
	assert_int_equal(s.xdp[1].prog_id, 42);
	assert_int_equal(s.nlinks, 2);
	assert_string_equal(s.links[0].dev, "tunl0");
	assert_true(s.links[0].set_up);
	assert_false(s.links[1].set_up);
	f = open_memstream(&text, &len);
	rs_state_format(&s, f);
	fclose(f);
	assert_string_equal(text, full);
	free(text);
}

static void save_and_load(void **state)
{
	char dir[] = "/tmp/rs_state_XXXXXX", path[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* The state's directory is made when missing. */
	snprintf(path, sizeof(path), "%s/sub/state", dir);
	assert_int_equal(rs_state_load(path, &t, err, sizeof(err)), -ENOENT);
	assert_int_equal(parse(full), 0);
	assert_int_equal(rs_state_save(path, &s), 0);
	assert_int_equal(rs_state_load(path, &t, err, sizeof(err)), 0);
	assert_memory_equal(&s, &t, sizeof(s));
	/* A broken file: refused with its name and line. */
	FILE *f = fopen(path, "w");
	fputs("xlvs-realserver-state 1\nvip 10.0.0.1 maybe\n", f);
	fclose(f);
	assert_int_equal(rs_state_load(path, &t, err, sizeof(err)), -EINVAL);
	char want[400];
	snprintf(want, sizeof(want), "%s: line 2: vip: want ADDR added|present", path);
	assert_string_equal(err, want);
	assert_int_equal(t.nvips, 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static void refused(void **state)
{
	(void)state;
	assert_refused("", "line 0: empty (no xlvs-realserver-state line)");
	assert_refused("# only a comment\n", "line 1: empty (no xlvs-realserver-state line)");
	assert_refused("xlvs-realserver-state 2\n",
		       "line 1: not an xlvs-realserver state file of version 1");
	assert_refused("vip 10.0.0.1 added\n",
		       "line 1: not an xlvs-realserver state file of version 1");
	assert_refused("xlvs-realserver-state 1\nvip 10.0.0.1 added",
		       "line 2: no newline at the end (a file cut short?)");
	assert_refused("xlvs-realserver-state 1\nvip 10.0.0.1\n",
		       "line 2: vip: want ADDR added|present");
	assert_refused("xlvs-realserver-state 1\nvip 10.0.0.1 added\nvip 10.0.0.1 present\n",
		       "line 3: vip 10.0.0.1: recorded twice");
	assert_refused("xlvs-realserver-state 1\nvip 127.0.0.1 added\n",
		       "line 2: vip: want ADDR added|present");
	assert_refused("xlvs-realserver-state 1\ntunnel gue 0\n", "line 2: tunnel: want KIND PORT");
	assert_refused("xlvs-realserver-state 1\ntunnel ipip 80\n", "line 2: tunnel: want KIND PORT");
	assert_refused("xlvs-realserver-state 1\ntunnel vxlan 0\n", "line 2: tunnel: want KIND PORT");
	assert_refused("xlvs-realserver-state 1\ntunnel ipip 0\ntunnel gre 0\n",
		       "line 3: a second tunnel record");
	assert_refused("xlvs-realserver-state 1\nsysctl ../../etc/passwd 0 1\n",
		       "line 2: sysctl: want NAME OLD NEW");
	assert_refused("xlvs-realserver-state 1\nsysctl /net/ipv4/x 0 1\n",
		       "line 2: sysctl: want NAME OLD NEW");
	assert_refused("xlvs-realserver-state 1\nsysctl net/ipv4/x 0 one\n",
		       "line 2: sysctl: want NAME OLD NEW");
	assert_refused("xlvs-realserver-state 1\nsysctl net/a 0 1\nsysctl net/a 1 2\n",
		       "line 3: sysctl net/a: recorded twice");
	assert_refused("xlvs-realserver-state 1\nxdp eth0 0 42\n",
		       "line 2: xdp: want DEV IFINDEX PROG_ID");
	assert_refused("xlvs-realserver-state 1\nxdp eth0 2 -1\n",
		       "line 2: xdp: want DEV IFINDEX PROG_ID");
	assert_refused("xlvs-realserver-state 1\nxdp eth0 2 99999999999\n",
		       "line 2: xdp: want DEV IFINDEX PROG_ID");
	assert_refused("xlvs-realserver-state 1\nxdp eth0 2 4\nxdp eth0 2 4\n",
		       "line 3: xdp eth0: recorded twice");
	assert_refused("xlvs-realserver-state 1\nlink\n", "line 2: link: want DEV up|present");
	assert_refused("xlvs-realserver-state 1\nlink tunl0\n", "line 2: link: want DEV up|present");
	assert_refused("xlvs-realserver-state 1\nrm -rf /\n", "line 2: unknown record \"rm\"");
	assert_int_equal(rs_state_parse("xlvs-realserver-state 1\nvip 10.0.0.1\0 added\n", 42,
					&s, err, sizeof(err)), -1);
	assert_string_equal(err, "line 2: a NUL byte");
}

/* undo of sysctl records, in the test's own network namespace (setup),
 * whose conf/lo values are private to it. */
static void undo_sysctls(void **state)
{
	static struct rs_state none;
	char now[32];
	FILE *f;

	(void)state;
	f = fopen("/proc/sys/net/ipv4/conf/lo/arp_announce", "w");
	assert_non_null(f);
	fputs("2", f);
	fclose(f);
	assert_int_equal(parse("xlvs-realserver-state 1\n"
			       "sysctl net/ipv4/conf/lo/arp_announce 1 2\n"
			       "sysctl net/ipv4/conf/lo/arp_ignore 0 1\n"), 0);
	/* arp_ignore is not 1 any more: someone changed it; left alone. */
	f = fopen("/proc/sys/net/ipv4/conf/lo/arp_ignore", "w");
	fputs("2", f);
	fclose(f);
	assert_int_equal(rs_undo(&s, &none), 0);
	assert_int_equal(s.nsysctls, 0);
	f = fopen("/proc/sys/net/ipv4/conf/lo/arp_announce", "r");
	assert_non_null(fgets(now, sizeof(now), f));
	fclose(f);
	assert_string_equal(now, "1\n");
	f = fopen("/proc/sys/net/ipv4/conf/lo/arp_ignore", "r");
	assert_non_null(fgets(now, sizeof(now), f));
	fclose(f);
	assert_string_equal(now, "2\n");
}

static int setup(void **state)
{
	(void)state;
	/* A network namespace of our own: its sysctls are ours to change. */
	return unshare(CLONE_NEWNET) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(save_and_load),
		cmocka_unit_test(refused),
		cmocka_unit_test(undo_sysctls),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
