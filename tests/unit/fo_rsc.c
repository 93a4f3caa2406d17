/* hb_rsc: heartbeat 3.0.6's resource messages.  Field names and order are
 * those real heartbeat puts on the wire (captured from Debian's heartbeat
 * 1:3.0.6-13 in namespaces: "t=resource rsc_hold=local rtype=full
 * isstable=1 info=req_our_resources() src=... seq=... hg=..."; hb_resource.c
 * hb_send_resources_held, send_standby_msg, req_resource, rc.d/ip-request),
 * and what a report means (HB_UPD_RSC). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hb_rsc.h"

static const struct hb_ctrl ctrl = { .src = "ha2", .seq = 0x4c, .hg = 1, .ts = 0x6b17438f,
				     .ttl = 3 };

/* "name=value name=value ..." of m, to compare with a capture. */
static void fields(const struct hb_msg *m, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < m->nf && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%.*s=%.*s", i ? " " : "",
				      (int)m->f[i].nlen, m->f[i].name, (int)m->f[i].vlen,
				      (const char *)m->f[i].val);
}

static void expect(const struct hb_msg *m, const char *want)
{
	char got[1024];

	fields(m, got, sizeof(got));
	assert_string_equal(got, want);
}

#define CTRL_TEXT "src=ha2 seq=4c hg=1 ts=6b17438f ttl=3"

static void builders(void **s)
{
	static struct hb_msg m;
	const char nodes[2][64] = { "ha1", "ha2" };

	(void)s;
	hb_msg_init(&m);
	assert_int_equal(hb_msg_resource(&m, HB_RSC_ALL, true, NULL, &ctrl), 0);
	expect(&m, "t=resource rsc_hold=all rtype=full isstable=1 " CTRL_TEXT);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_resource(&m, HB_RSC_NONE, false, "standby", &ctrl), 0);
	expect(&m, "t=resource rsc_hold=none rtype=full isstable=0 info=standby " CTRL_TEXT);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_starting(&m, &ctrl), 0);
	expect(&m, "t=starting " CTRL_TEXT);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_askresources(&m, "foreign", "me", &ctrl), 0);
	expect(&m, "t=ask_resources rsc_hold=foreign info=me " CTRL_TEXT);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_shutdone(&m, &ctrl), 0);
	expect(&m, "t=shutdone st=dead " CTRL_TEXT);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_iprequest(&m, "IPaddr2::10.77.0.100/24/eth0", &ctrl), 0);
	expect(&m, "t=ip-request ipaddr=IPaddr2::10.77.0.100/24/eth0 " CTRL_TEXT);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_ipresp(&m, "ha1", "IPaddr2::10.77.0.100/24/eth0", true, &ctrl), 0);
	expect(&m, "t=ip-request-resp dest=ha1 ipaddr=IPaddr2::10.77.0.100/24/eth0 weown=yes ok=OK "
		   CTRL_TEXT);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_repnodes(&m, "ha1", nodes, 2, &ctrl), 0);
	expect(&m, "dest=ha1 t=repnodes nodelist=ha1 ha2  delnodelist=  " CTRL_TEXT);
	/* The NS_ types carry no seq. */
	hb_msg_init(&m);
	assert_int_equal(hb_msg_rexmit(&m, "ha1", 19, &ctrl), 0);
	expect(&m, "t=NS_rexmit dest=ha1 firstseq=19 lastseq=19 src=ha2 hg=1 ts=6b17438f ttl=3");
	hb_msg_init(&m);
	assert_int_equal(hb_msg_nakrexmit(&m, "ha1", 0x1f, "seqno not found", &ctrl), 0);
	expect(&m, "t=NS_nak_rexmit firstseq=1f dest=ha1 info=seqno not found "
		   "src=ha2 hg=1 ts=6b17438f ttl=3");
}

static void names_and_updates(void **s)
{
	enum hb_rsc r;

	(void)s;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(hb_rsc_parse(hb_rsc_name((enum hb_rsc)i), &r), 0);
		assert_int_equal(r, i);
	}
	assert_int_equal(hb_rsc_parse("All", &r), -EINVAL);
	assert_int_equal(hb_rsc_parse("", &r), -EINVAL);
	/* A full report replaces; mach_down's partial one adds, unless none. */
	assert_int_equal(hb_rsc_update(HB_RSC_ALL, HB_RSC_LOCAL, true), HB_RSC_LOCAL);
	assert_int_equal(hb_rsc_update(HB_RSC_LOCAL, HB_RSC_FOREIGN, false), HB_RSC_ALL);
	assert_int_equal(hb_rsc_update(HB_RSC_ALL, HB_RSC_NONE, false), HB_RSC_NONE);
}

static void report_parse(void **s)
{
	static struct hb_msg m;
	struct hb_rsc_report rep;

	(void)s;
	/* mach_down's: no rtype, no isstable. */
	hb_msg_init(&m);
	hb_msg_add_str(&m, "t", "resource");
	hb_msg_add_str(&m, "rsc_hold", "foreign");
	hb_msg_add_str(&m, "info", "mach_down");
	assert_int_equal(hb_rsc_report_parse(&m, &rep), 0);
	assert_int_equal(rep.held, HB_RSC_FOREIGN);
	assert_false(rep.full);
	assert_false(rep.has_stable);
	assert_string_equal(rep.info, "mach_down");
	hb_msg_init(&m);
	assert_int_equal(hb_msg_resource(&m, HB_RSC_LOCAL, true, NULL, &ctrl), 0);
	assert_int_equal(hb_rsc_report_parse(&m, &rep), 0);
	assert_true(rep.full && rep.has_stable && rep.stable);
	hb_msg_init(&m);
	hb_msg_add_str(&m, "t", "resource");
	hb_msg_add_str(&m, "rsc_hold", "everything");
	assert_int_equal(hb_rsc_report_parse(&m, &rep), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(builders),
		cmocka_unit_test(names_and_updates),
		cmocka_unit_test(report_parse),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
