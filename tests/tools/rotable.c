// SPDX-License-Identifier: GPL-2.0
/*
 * rotable: a table opened as xlvs-exporter opens it (XLVS_OPEN_READONLY)
 * cannot be changed through it, whatever libxlvs call is made.
 *
 *   rotable VIP:PORT RIP:PORT
 *
 * With the table of this namespace holding the TCP service VIP:PORT and
 * its real server RIP:PORT: opens it read-only and tries an add of a
 * service, an edit of the real server's weight, its delete, a zero of
 * the counters and a clear, printing "NAME: RESULT" (the error's name) for
 * each; then that read-only with write or create is refused.  Exit 0 when
 * every change was refused with EPERM (the kernel's answer to an update
 * through a read-only map fd) and the bad flags with EINVAL, 1 otherwise.
 * The caller compares the table before and after (xlvsadm -S, --stats).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xlvs/libxlvs.h>

static int tried(const char *what, int rc, int want)
{
	printf("%s: %s\n", what, rc ? strerror(-rc) : "done");
	return rc == want ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct xlvs_service_conf sc = { .proto = IPPROTO_TCP, .sched = "rr" };
	struct xlvs_dest_conf dc = { .fwd = XLVS_FWD_DROUTE, .weight = 9 };
	struct xlvs_endpoint vip;
	struct xlvs_table t;
	int bad = 0, rc;

	if (argc != 3 || xlvs_endpoint_parse(argv[1], false, &vip) ||
	    xlvs_endpoint_parse(argv[2], false, &dc.addr)) {
		fprintf(stderr, "usage: rotable VIP:PORT RIP:PORT\n");
		return 2;
	}
	rc = xlvs_table_open(&t, XLVS_OPEN_READONLY, 0);
	if (rc) {
		fprintf(stderr, "rotable: open: %s\n", strerror(-rc));
		return 1;
	}
	sc.vip = vip;
	sc.vip.port = vip.port + 1;
	bad |= tried("service add", xlvs_service_add(&t, &sc), -EPERM);
	bad |= tried("real server edit", xlvs_dest_edit(&t, IPPROTO_TCP, &vip, &dc), -EPERM);
	bad |= tried("real server delete", xlvs_dest_del(&t, IPPROTO_TCP, &vip, &dc.addr),
		     -EPERM);
	bad |= tried("zero", xlvs_stats_zero(&t, IPPROTO_TCP, &vip), -EPERM);
	bad |= tried("clear", xlvs_table_clear(&t), -EPERM);
	bad |= tried("timeouts", xlvs_timeouts_set(&t, 10, 10, 10), -EPERM);
	xlvs_table_close(&t);
	bad |= tried("read-only and write", xlvs_table_open(&t, XLVS_OPEN_READONLY | XLVS_OPEN_WRITE, 0),
		     -EINVAL);
	bad |= tried("read-only and create",
		     xlvs_table_open(&t, XLVS_OPEN_READONLY | XLVS_OPEN_CREATE, 0), -EINVAL);
	return bad;
}
