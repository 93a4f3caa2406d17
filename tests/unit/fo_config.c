/* xlvs-failoverd's config parsers against the corpus tests/unit/fo_cf/:
 * every file in bad/ must fail and good/ must pass, each giving exactly
 * the diagnostics in its NAME.expect (none if there is no such file);
 * then whole directories through fo_config_load, and the values a good
 * configuration yields, written from heartbeat 3.0.6's documented
 * defaults (lvs.md §4, heartbeat.md C). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	static char buf[65536];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Parses one corpus file by its extension; returns the parser's result. */
static int parse_file(const char *path, const char *name, struct fo_diag *d)
{
	static struct fo_hacf cf;
	static struct fo_haresources hr;
	static struct hb_authkeys ak;
	static char copy[65536];
	size_t len = 0;
	char *buf = slurp(path, &len);

	assert_non_null(buf);
	memcpy(copy, buf, len);
	if (ends_with(name, ".hacf"))
		return fo_hacf_parse(name, copy, len, &cf, d);
	if (ends_with(name, ".haresources"))
		return fo_haresources_parse(name, copy, len, &hr, d);
	if (ends_with(name, ".authkeys"))
		return fo_authkeys_parse(name, copy, len, 0600, &ak, d);
	fail_msg("%s: unknown corpus file type", path);
	return 0;
}

static unsigned run_corpus(const char *sub, bool bad)
{
	char path[PATH_MAX], exp_path[PATH_MAX + 8];
	unsigned count = 0;
	struct dirent *e;
	DIR *dir = opendir(sub);

	assert_non_null(dir);
	while ((e = readdir(dir))) {
		static struct fo_diag d;
		const char *want;
		size_t wlen = 0;
		int r;

		if (e->d_name[0] == '.' || ends_with(e->d_name, ".expect"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", sub, e->d_name);
		snprintf(exp_path, sizeof(exp_path), "%s.expect", path);
		fo_diag_init(&d);
		r = parse_file(path, e->d_name, &d);
		/* FO_CF_WRITE=1 rewrites the .expect files: review every diff. */
		if (getenv("FO_CF_WRITE") && d.len) {
			FILE *f = fopen(exp_path, "w");
			assert_non_null(f);
			fputs(d.text, f);
			fclose(f);
		}
		want = slurp(exp_path, &wlen);
		if (!want)
			want = "";
		if (strcmp(d.text, want) != 0)
			fail_msg("%s: diagnostics differ.\n-- got:\n%s-- want:\n%s", path, d.text, want);
		if (bad ? r != -EINVAL && r != -EACCES : r != 0)
			fail_msg("%s: returned %d", path, r);
		count++;
	}
	closedir(dir);
	return count;
}

static void test_bad_corpus(void **state)
{
	(void)state;
	assert_true(run_corpus("bad", true) >= 10);
}

static void test_good_corpus(void **state)
{
	(void)state;
	assert_true(run_corpus("good", false) >= 4);
}

static char *corpus_copy(const char *path, size_t *len)
{
	static char copy[65536];
	char *b = slurp(path, len);

	if (!b)
		*len = 0;

	assert_non_null(b);
	memcpy(copy, b, *len);
	return copy;
}

static void test_hacf_values(void **state)
{
	static struct fo_hacf cf;
	struct fo_diag d;
	size_t len;
	char *b = corpus_copy("good/full.hacf", &len);

	(void)state;
	fo_diag_init(&d);
	assert_int_equal(fo_hacf_parse("full", b, len, &cf, &d), 0);
	assert_int_equal(cf.keepalive_ms, 200);
	assert_int_equal(cf.deadtime_ms, 2000);
	assert_int_equal(cf.warntime_ms, 1500);
	assert_int_equal(cf.initdead_ms, 12000);
	assert_int_equal(cf.deadping_ms, 2000);
	assert_int_equal(cf.udpport, 695);
	assert_int_equal(cf.auto_failback, FO_FAILBACK_OFF);
	assert_string_equal(cf.logfile, "/var/log/ha-log");
	assert_string_equal(cf.debugfile, "/var/log/ha-debug");
	assert_string_equal(cf.logfacility, "local0");
	assert_int_equal(cf.nnodes, 2);
	assert_string_equal(cf.nodes[1], "ha2");
	/* "bcast eth0 eth1" is two media; bcast/ucast take udpport, mcast its own. */
	assert_int_equal(cf.nmedia, 4);
	assert_int_equal(cf.media[0].kind, FO_MEDIA_BCAST);
	assert_string_equal(cf.media[1].dev, "eth1");
	assert_int_equal(cf.media[1].port, 695);
	assert_int_equal(cf.media[2].kind, FO_MEDIA_MCAST);
	assert_int_equal(cf.media[2].port, 694);
	assert_int_equal(cf.media[2].ttl, 1);
	assert_int_equal(cf.media[3].kind, FO_MEDIA_UCAST);
	assert_int_equal(cf.media[3].addr.s_addr, htonl(0xc0a80002));
	assert_int_equal(cf.media[3].port, 695);
	assert_int_equal(cf.nping, 1);
	assert_int_equal(cf.npgroups, 1);
	assert_int_equal(cf.pgroup[0].naddr, 2);
	assert_int_equal(cf.nrespawn, 1);
	assert_string_equal(cf.respawn[0].cmd, "/usr/lib/heartbeat/ipfail -x");
	assert_true(cf.nopt >= 10);
	assert_string_equal(cf.opt[0].name, "apiauth");
}

/* heartbeat's defaults: deadtime 30 s, warntime deadtime/2, initdead =
 * deadtime when deadtime > 10 s, udpport 694 (no ha-cluster service). */
static void test_hacf_defaults(void **state)
{
	static struct fo_hacf cf;
	struct fo_diag d;
	size_t len;
	char *b = corpus_copy("good/defaults.hacf", &len);
	char small[] = "ucast eth0 10.0.0.2\nnode a\ndeadtime 5\nlogfile /x\n";
	char mid[] = "ucast eth0 10.0.0.2\nnode a\ndeadtime 8\nlogfile /x\n";

	(void)state;
	fo_diag_init(&d);
	assert_int_equal(fo_hacf_parse("defaults", b, len, &cf, &d), 0);
	assert_int_equal(cf.keepalive_ms, 2000);
	assert_int_equal(cf.deadtime_ms, 30000);
	assert_int_equal(cf.warntime_ms, 15000);
	assert_int_equal(cf.initdead_ms, 30000);
	assert_int_equal(cf.udpport, 694);
	assert_int_equal(cf.auto_failback, FO_FAILBACK_LEGACY);
	assert_true(cf.use_logd);
	assert_int_equal(fo_hacf_parse("s", small, strlen(small), &cf, &d), 0);
	assert_int_equal(cf.initdead_ms, 12000);
	assert_int_equal(fo_hacf_parse("m", mid, strlen(mid), &cf, &d), 0);
	assert_int_equal(cf.initdead_ms, 16000);
	assert_int_equal(cf.deadping_ms, 8000);
	/* Node names are kept in lower case, as heartbeat's add_node does. */
	char upper[] = "ucast eth0 10.0.0.2\nnode HA1 Ha2\nlogfile /x\n";
	assert_int_equal(fo_hacf_parse("u", upper, strlen(upper), &cf, &d), 0);
	assert_string_equal(cf.nodes[0], "ha1");
	assert_string_equal(cf.nodes[1], "ha2");
}

static void test_haresources_values(void **state)
{
	static struct fo_haresources hr;
	struct fo_diag d;
	size_t len;
	char *b = corpus_copy("good/lvs.haresources", &len);
	const struct fo_rsc *r;

	(void)state;
	fo_diag_init(&d);
	assert_int_equal(fo_haresources_parse("lvs", b, len, &hr, &d), 0);
	assert_int_equal(hr.ngroups, 2);
	assert_string_equal(hr.g[0].node, "ha1");
	r = &hr.g[0].rsc[0];
	assert_int_equal(r->kind, FO_RSC_IP);
	assert_int_equal(r->ip.s_addr, htonl(0xc0a80064));
	assert_int_equal(r->prefix, 24);
	assert_string_equal(r->dev, "eth0");
	assert_false(r->has_bcast);
	assert_int_equal(hr.g[0].rsc[1].kind, FO_RSC_LDIRECTORD);
	assert_string_equal(hr.g[0].rsc[1].args[0], "ldirectord.cf");
	/* The continued group starts on line 3 and has five resources. */
	assert_int_equal(hr.g[1].line, 3);
	assert_int_equal(hr.g[1].nrsc, 5);
	r = &hr.g[1].rsc[0];
	assert_string_equal(r->name, "IPaddr");
	assert_int_equal(r->prefix, -1);
	r = &hr.g[1].rsc[1];
	assert_string_equal(r->name, "IPaddr2");
	assert_string_equal(r->dev, "eth0:vip");
	assert_true(r->has_bcast);
	assert_int_equal(r->bcast.s_addr, htonl(0xc0a800ff));
	r = &hr.g[1].rsc[2];
	assert_string_equal(r->dev, "");
	assert_true(r->has_bcast);
	r = &hr.g[1].rsc[3];
	assert_int_equal(r->kind, FO_RSC_SCRIPT);
	assert_int_equal(r->nargs, 3);
	assert_string_equal(r->args[2], "ext4");
	assert_string_equal(hr.g[1].rsc[4].name, "httpd");
	assert_int_equal(hr.g[1].rsc[4].nargs, 0);
}

static void test_authkeys_values(void **state)
{
	struct hb_authkeys ak;
	struct fo_diag d;
	size_t len;
	char *b = corpus_copy("good/sha1.authkeys", &len);

	(void)state;
	fo_diag_init(&d);
	assert_int_equal(fo_authkeys_parse("k", b, len, 0600, &ak, &d), 0);
	assert_int_equal(ak.active, 2);
	assert_int_equal(ak.k[2].method, HB_AUTH_SHA1);
	assert_int_equal(ak.k[2].keylen, 10);
	assert_memory_equal(ak.k[2].key, "new-secret", 10);
	assert_int_equal(ak.k[1].method, HB_AUTH_MD5);
	assert_int_equal(ak.k[0].method, HB_AUTH_NONE);
}

/* Only the read bits count, as in heartbeat: 0620 passes. */
static void test_authkeys_permissions(void **state)
{
	static const unsigned bad[] = { 0640, 0604, 0644, 0700 | 040 };
	char keys[] = "auth 1\n1 sha1 s\n";
	struct hb_authkeys ak;
	struct fo_diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fo_diag_init(&d);
		assert_int_equal(fo_authkeys_parse("/etc/ha.d/authkeys", keys, strlen(keys),
						   bad[i], &ak, &d), -EACCES);
		assert_string_equal(d.text, "/etc/ha.d/authkeys: Bad permissions on keyfile "
				    "[/etc/ha.d/authkeys], 600 recommended.\n");
	}
	fo_diag_init(&d);
	assert_int_equal(fo_authkeys_parse("k", keys, strlen(keys), 0620, &ak, &d), 0);
	assert_int_equal(fo_authkeys_parse("k", keys, strlen(keys), 0400, &ak, &d), 0);
}

static void test_msec(void **state)
{
	(void)state;
	assert_int_equal(fo_parse_msec("2"), 2000);
	assert_int_equal(fo_parse_msec("200ms"), 200);
	assert_int_equal(fo_parse_msec("200MS"), 200);
	assert_int_equal(fo_parse_msec("1500us"), 2);
	assert_int_equal(fo_parse_msec("0"), 0);
	assert_int_equal(fo_parse_msec("2s"), -1);
	/* cl_get_msec's own examples. */
	assert_int_equal(fo_parse_msec("0.1"), 100);
	assert_int_equal(fo_parse_msec("0.001"), 1);
	assert_int_equal(fo_parse_msec("1000000us"), 1000);
	assert_int_equal(fo_parse_msec("499us"), 0);
	assert_int_equal(fo_parse_msec("501us"), 1);
	assert_int_equal(fo_parse_msec("1.5"), 1500);
	assert_int_equal(fo_parse_msec(".5"), 500);
	assert_int_equal(fo_parse_msec("1.5ms"), 2);
	assert_int_equal(fo_parse_msec("."), -1);
	assert_int_equal(fo_parse_msec("1.5.5"), -1);
	assert_int_equal(fo_parse_msec("2msx"), -1);
	assert_int_equal(fo_parse_msec(""), -1);
	assert_int_equal(fo_parse_msec("ms"), -1);
	assert_int_equal(fo_parse_msec("9999999999"), -1);
}

static void test_load_dir(void **state)
{
	static struct fo_config c;
	struct fo_diag d;

	(void)state;
	chmod("dir_ok/authkeys", 0600);
	chmod("dir_bad/authkeys", 0644);
	fo_diag_init(&d);
	assert_int_equal(fo_config_load("dir_ok", "HA2", &c, &d), 0);
	assert_string_equal(d.text, "");
	assert_int_equal(c.keys.active, 1);
	assert_int_equal(c.hr.ngroups, 1);
	fo_diag_init(&d);
	assert_int_equal(fo_config_load("dir_ok", "ha3", &c, &d), -EINVAL);
	assert_string_equal(d.text, "dir_ok/ha.cf: Current node [ha3] not in configuration!\n");
	fo_diag_init(&d);
	assert_int_equal(fo_config_load("dir_bad", "ha1", &c, &d), -EINVAL);
	assert_string_equal(d.text,
		"dir_bad/authkeys: Bad permissions on keyfile [dir_bad/authkeys], 600 recommended.\n"
		"dir_bad/haresources:2: Bad nodename in dir_bad/haresources [ha9]\n");
	fo_diag_init(&d);
	assert_int_equal(fo_config_load("no_such_dir", "ha1", &c, &d), -EINVAL);
	assert_int_equal(d.nerr, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_corpus),
		cmocka_unit_test(test_good_corpus),
		cmocka_unit_test(test_hacf_values),
		cmocka_unit_test(test_hacf_defaults),
		cmocka_unit_test(test_haresources_values),
		cmocka_unit_test(test_authkeys_values),
		cmocka_unit_test(test_authkeys_permissions),
		cmocka_unit_test(test_msec),
		cmocka_unit_test(test_load_dir),
	};
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	/* Run from the corpus so that messages name files as the .expect do. */
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		strncat(exe, "/../../tests/unit/fo_cf", sizeof(exe) - strlen(exe) - 1);
		if (chdir(exe) != 0 && chdir("tests/unit/fo_cf") != 0)
			return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
