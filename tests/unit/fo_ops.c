/* xlvs-failoverd's operation: the command line and its run files, the
 * resource retry backoff, the log's destinations and format, and the
 * IP resources' announcement settings (the agents' defaults, their
 * OCF_RESKEY_ variables, refused by name when malformed). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "daemon.h"
#include "log.h"

static int parse(struct fo_cli *o, const char **bad, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = "xlvs-failoverd";
	va_start(ap, bad);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return fo_cli_parse(argc, argv, o, bad);
}

static void test_cli(void **s)
{
	struct fo_cli o;
	const char *bad;

	(void)s;
	unsetenv("XLVS_FAILOVERD_RUNDIR");
	assert_int_equal(parse(&o, &bad, "start", NULL), 0);
	assert_int_equal(o.cmd, FO_CMD_START);
	assert_string_equal(o.confdir, "/etc/ha.d");
	assert_string_equal(o.rundir, "/run");
	assert_false(o.foreground);
	assert_int_equal(parse(&o, &bad, "-c", "/x", "-n", "ha1", "--rundir", "/r", "status", NULL), 0);
	assert_int_equal(o.cmd, FO_CMD_STATUS);
	assert_string_equal(o.node, "ha1");
	assert_int_equal(parse(&o, &bad, "-d", NULL), 0);
	assert_int_equal(o.cmd, FO_CMD_RUN);
	assert_int_equal(parse(&o, &bad, "-d", "start", NULL), 0);
	assert_int_equal(o.cmd, FO_CMD_START);
	assert_true(o.foreground);
	assert_int_equal(parse(&o, &bad, "-t", NULL), 0);
	assert_int_equal(o.cmd, FO_CMD_CHECK);
	assert_int_equal(parse(&o, &bad, "force-reload", NULL), 0);
	assert_int_equal(o.cmd, FO_CMD_FORCE_RELOAD);
	/* what is refused names the word */
	assert_int_equal(parse(&o, &bad, "frobnicate", NULL), -EINVAL);
	assert_string_equal(bad, "frobnicate");
	assert_int_equal(parse(&o, &bad, "stop", "now", NULL), -EINVAL);
	assert_string_equal(bad, "now");
	assert_int_equal(parse(&o, &bad, "-t", "start", NULL), -EINVAL);
	assert_int_equal(parse(&o, &bad, "-x", NULL), -EINVAL);
	assert_string_equal(bad, "-x");
	assert_int_equal(parse(&o, &bad, NULL), -EINVAL);
	assert_int_equal(parse(&o, &bad, "-c", "", "start", NULL), -EINVAL);
	setenv("XLVS_FAILOVERD_RUNDIR", "/tmp/rd", 1);
	assert_int_equal(parse(&o, &bad, "start", NULL), 0);
	assert_string_equal(o.rundir, "/tmp/rd");
	unsetenv("XLVS_FAILOVERD_RUNDIR");
}

static void test_run_files(void **s)
{
	struct fo_cli o = { .confdir = "/etc/ha.d", .rundir = "/run" };
	char buf[512], tiny[16];

	(void)s;
	assert_int_equal(fo_cli_run_file(&o, "pid", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/xlvs-failoverd.pid");
	o.node = "ha2";
	assert_int_equal(fo_cli_run_file(&o, "sock", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/xlvs-failoverd.ha2.sock");
	o.confdir = "/nonexistent/ha.d";
	o.node = NULL;
	assert_int_equal(fo_cli_run_file(&o, "pid", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/xlvs-failoverd.nonexistent_ha.d.pid");
	assert_int_equal(fo_cli_run_file(&o, "pid", tiny, sizeof(tiny)), -ENAMETOOLONG);
}

/* Bounded and growing: 1, 2, 4 ... s, then 60 s for ever. */
static void test_backoff(void **s)
{
	(void)s;
	assert_int_equal(fo_backoff_ms(0), 0);
	assert_int_equal(fo_backoff_ms(1), 1000);
	assert_int_equal(fo_backoff_ms(2), 2000);
	assert_int_equal(fo_backoff_ms(3), 4000);
	assert_int_equal(fo_backoff_ms(6), 32000);
	assert_int_equal(fo_backoff_ms(7), FO_BACKOFF_MAX_MS);
	assert_int_equal(fo_backoff_ms(1000), FO_BACKOFF_MAX_MS);
	for (unsigned k = 1; k < 50; k++)
		assert_true(fo_backoff_ms(k + 1) >= fo_backoff_ms(k));
}

static int count_lines(const char *path, const char *needle)
{
	char line[2048];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

/* logfile: all but debug; debugfile: all; heartbeat's line format; a
 * priority word at the start of a message is its priority. */
static void test_log_files(void **s)
{
	static struct fo_hacf cf;
	char dir[] = "/tmp/fo_ops.XXXXXX", line[512], want[64];
	const char *bad;
	FILE *f;

	(void)s;
	assert_non_null(mkdtemp(dir));
	snprintf(cf.logfile, sizeof(cf.logfile), "%s/log", dir);
	snprintf(cf.debugfile, sizeof(cf.debugfile), "%s/debug", dir);
	snprintf(cf.logfacility, sizeof(cf.logfacility), "none");
	assert_int_equal(fo_log_open(&cf, false, &bad), 0);
	fo_log("acquiring resources (peer dead)");
	fo_log("WARN: Late heartbeat: Node ha2: interval 1200 ms");
	fo_log("debug: a detail");
	fo_logp(FO_PRIO_CRIT, "Giving up resources due to failure of %s", "x");
	assert_int_equal(count_lines(cf.logfile, ": "), 3);
	assert_int_equal(count_lines(cf.debugfile, ": "), 4);
	assert_int_equal(count_lines(cf.logfile, " WARN: Late heartbeat: Node ha2"), 1);
	assert_int_equal(count_lines(cf.logfile, " CRIT: Giving up resources"), 1);
	assert_int_equal(count_lines(cf.logfile, "debug"), 0);
	assert_int_equal(count_lines(cf.debugfile, " debug: a detail"), 1);
	f = fopen(cf.logfile, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	snprintf(want, sizeof(want), "xlvs-failoverd[%d]: ", (int)getpid());
	assert_memory_equal(line, want, strlen(want));
	/* YYYY/MM/DD_HH:MM:SS info: */
	assert_int_equal(line[strlen(want) + 4], '/');
	assert_int_equal(line[strlen(want) + 10], '_');
	assert_memory_equal(line + strlen(want) + 19, " info: acquiring", 16);
	/* An unknown facility or a file that cannot take appends: refused,
	 * named, and the old destinations stay. */
	snprintf(cf.logfacility, sizeof(cf.logfacility), "local9");
	assert_int_equal(fo_log_open(&cf, false, &bad), -EINVAL);
	assert_string_equal(bad, "logfacility");
	snprintf(cf.logfacility, sizeof(cf.logfacility), "none");
	snprintf(cf.logfile, sizeof(cf.logfile), "%s/no/such/dir/log", dir);
	assert_int_equal(fo_log_open(&cf, false, &bad), -ENOENT);
	assert_string_equal(bad, cf.logfile);
	fo_log("still here");
	snprintf(line, sizeof(line), "%s/log", dir);
	assert_int_equal(count_lines(line, "still here"), 1);
	snprintf(line, sizeof(line), "rm -rf %s", dir);
	assert_int_equal(system(line), 0);
}

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
}

/* The agents' defaults, their variables, and a bad one refused by name. */
static void test_arp_settings(void **s)
{
	static struct fo_config c;
	static struct fo_diag d;
	char dir[] = "/tmp/fo_ops.XXXXXX", cmd[128], a[64];

	(void)s;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "ha.cf", "keepalive 200ms\ndeadtime 2\ninitdead 12\nucast eth0 10.0.0.2\n"
		   "node ha1\nnode ha2\nauto_failback on\nlogfacility none\n", 0644);
	write_file(dir, "authkeys", "auth 1\n1 sha1 k\n", 0600);
	write_file(dir, "haresources", "ha1 10.0.0.1/24/eth0 IPaddr2::10.0.0.2/24/eth0 "
		   "IPv6addr::2001:db8::100/64/eth0\n", 0644);
	unsetenv("OCF_RESKEY_arp_count");
	unsetenv("OCF_RESKEY_arp_interval");
	unsetenv("OCF_RESKEY_ARP_REPEAT");
	fo_diag_init(&d);
	assert_int_equal(fo_config_load(dir, "ha1", &c, &d), 0);
	assert_int_equal(c.hr.g[0].rsc[0].arp_count, 10);		/* IPaddr */
	assert_int_equal(c.hr.g[0].rsc[0].arp_interval_ms, 500);
	assert_int_equal(c.hr.g[0].rsc[1].arp_count, 5);		/* IPaddr2 */
	assert_int_equal(c.hr.g[0].rsc[1].arp_interval_ms, 200);
	assert_int_equal(c.hr.g[0].rsc[2].family, AF_INET6);
	assert_int_equal(c.hr.g[0].rsc[2].prefix, 64);
	assert_string_equal(c.hr.g[0].rsc[2].dev, "eth0");
	fo_vip_text(&c.hr.g[0].rsc[2], a, sizeof(a));
	assert_string_equal(a, "2001:db8::100");
	setenv("OCF_RESKEY_arp_count", "3", 1);
	setenv("OCF_RESKEY_arp_interval", "400", 1);
	setenv("OCF_RESKEY_ARP_REPEAT", "7", 1);
	fo_diag_init(&d);
	assert_int_equal(fo_config_load(dir, "ha1", &c, &d), 0);
	assert_int_equal(c.hr.g[0].rsc[0].arp_count, 7);
	assert_int_equal(c.hr.g[0].rsc[0].arp_interval_ms, 500);
	assert_int_equal(c.hr.g[0].rsc[1].arp_count, 3);
	assert_int_equal(c.hr.g[0].rsc[1].arp_interval_ms, 400);
	assert_int_equal(c.hr.g[0].rsc[2].arp_count, 3);
	setenv("OCF_RESKEY_arp_count", "0", 1);
	setenv("OCF_RESKEY_arp_interval", "10x", 1);
	fo_diag_init(&d);
	assert_int_equal(fo_config_load(dir, "ha1", &c, &d), -EINVAL);
	assert_non_null(strstr(d.text, "OCF_RESKEY_arp_count: [0] is not a count of 1 to 100\n"));
	assert_non_null(strstr(d.text, "OCF_RESKEY_arp_interval: [10x] is not 2 to 60000 ms\n"));
	unsetenv("OCF_RESKEY_arp_count");
	unsetenv("OCF_RESKEY_arp_interval");
	unsetenv("OCF_RESKEY_ARP_REPEAT");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_describe(void **s)
{
	struct fo_rsc r = { .name = "Filesystem", .nargs = 2, .args = { "/dev/sda1", "/data" } };
	char buf[128];

	(void)s;
	fo_rsc_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "Filesystem::/dev/sda1::/data");
	fo_rsc_describe(&r, buf, 12);
	assert_string_equal(buf, "Filesystem:");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_run_files),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_log_files),
		cmocka_unit_test(test_arp_settings),
		cmocka_unit_test(test_describe),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
