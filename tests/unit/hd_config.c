// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd's ldirectord.cf parser (healthd/config_*.c).  The expected
 * values come from ldirectord 4.12's read_config / ld_setup (Debian's
 * /usr/sbin/ldirectord), not from our parser.  The corpus under
 * tests/unit/hd_cf/: every good/NAME.cf parses with no message (or exactly
 * the warnings of its good/NAME.err), every bad/NAME.cf fails with exactly
 * its bad/NAME.err; each file found is a test of its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <dirent.h>
#include <libgen.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "config.h"

static char msgs[65536];

static void collect(void *arg, const char *m)
{
	size_t n = strlen(msgs);

	(void)arg;
	snprintf(msgs + n, sizeof(msgs) - n, "%s\n", m);
}

static int parse(const char *text, struct hd_config **c)
{
	msgs[0] = 0;
	return hd_config_parse("t.cf", text, strlen(text), HD_CF_NO_RESOLVE, c,
			       collect, NULL);
}

/* A file that must parse (warnings are in msgs). */
static struct hd_config *good(const char *text)
{
	struct hd_config *c = NULL;

	if (parse(text, &c))
		fail_msg("refused: %s", msgs);
	assert_non_null(c);
	return c;
}

static void assert_refused(const char *text, const char *expect)
{
	struct hd_config *c = (void *)1;

	assert_true(parse(text, &c) > 0);
	assert_null(c);
	assert_string_equal(msgs, expect);
}

static void assert_ep(const struct xlvs_endpoint *ep, const char *want)
{
	char buf[80];

	xlvs_endpoint_format(ep, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* ---- the corpus ---- */

static char corpus[4096];

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* state: "good/x.cf" or "bad/x.cf" under the corpus. */
static void corpus_case(void **state)
{
	const char *rel = *state;
	char path[8192], errpath[8192], name[256];
	struct hd_config *c = NULL;
	size_t len, elen = 0;
	char *text, *want;
	bool bad = !strncmp(rel, "bad/", 4);
	int rc;

	if (!rel) {
		fail();
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", corpus, rel);
	snprintf(errpath, sizeof(errpath), "%.*s.err", (int)strlen(path) - 3, path);
	snprintf(name, sizeof(name), "%s", strrchr(rel, '/') + 1);
	text = slurp(path, &len);
	assert_non_null(text);
	want = slurp(errpath, &elen);
	if (bad && !want)
		fail_msg("%s has no .err", rel);
	msgs[0] = 0;
	/* Names are never looked up: the corpus is the same on any host. */
	rc = hd_config_parse(name, text, len, HD_CF_NO_RESOLVE, &c, collect, NULL);
	assert_string_equal(msgs, want ? want : "");
	if (bad) {
		assert_true(rc > 0);
		assert_null(c);
	} else {
		assert_int_equal(rc, 0);
		assert_non_null(c);
	}
	hd_config_free(c);
	free(text);
	free(want);
}

static void find_corpus(const char *argv0)
{
	const char *env = getenv("HD_CF_DIR");
	char self[4096];

	if (env) {
		snprintf(corpus, sizeof(corpus), "%s", env);
		return;
	}
	if (!access("tests/unit/hd_cf/good", R_OK)) {
		snprintf(corpus, sizeof(corpus), "tests/unit/hd_cf");
		return;
	}
	/* build/tests/unit_hd_config: the tree is two levels up. */
	snprintf(self, sizeof(self), "%s", argv0);
	snprintf(corpus, sizeof(corpus), "%s/../../tests/unit/hd_cf", dirname(self));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.cf of good/ and bad/, sorted. */
static size_t corpus_list(char ***out)
{
	const char *sub[] = { "good", "bad" };
	char dir[8192], **names = NULL;
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		struct dirent *e;
		DIR *d;

		snprintf(dir, sizeof(dir), "%s/%s", corpus, sub[i]);
		d = opendir(dir);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			if (l < 4 || strcmp(e->d_name + l - 3, ".cf"))
				continue;
			names = realloc(names, (n + 1) * sizeof(*names));
			if (!names || asprintf(&names[n++], "%s/%s", sub[i], e->d_name) < 0)
				abort();
		}
		closedir(d);
	}
	qsort(names, n, sizeof(*names), name_cmp);
	*out = names;
	return n;
}

static struct hd_config *corpus_good(const char *rel)
{
	char path[8192];
	struct hd_config *c = NULL;
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", corpus, rel);
	text = slurp(path, &len);
	assert_non_null(text);
	msgs[0] = 0;
	assert_int_equal(hd_config_parse(rel, text, len, HD_CF_NO_RESOLVE, &c,
					 collect, NULL), 0);
	free(text);
	return c;
}

/* ---- the seed's file, and Debian's examples ---- */

static void check_seed(const char *rel)
{
	struct hd_config *c = corpus_good(rel);
	struct hd_virtual *v;
	struct hd_fallback fb;

	assert_int_equal(c->checktimeout, 3);
	assert_int_equal(c->checkinterval, 1);
	assert_true(c->autoreload);
	assert_true(c->quiescent);
	assert_string_equal(c->logfile, "/var/log/ldirectord.log");
	assert_false(c->logfile_syslog);
	assert_true(c->fallback.set);
	assert_ep(&c->fallback.addr, "127.0.0.1:80");
	assert_int_equal(c->fallback.fwd, XLVS_FWD_DROUTE);
	assert_int_equal(c->nvirtuals, 1);
	v = &c->virtuals[0];
	assert_int_equal(v->line, 7);
	assert_ep(&v->vip, "10.0.0.100:80");
	assert_int_equal(v->proto, IPPROTO_TCP);
	assert_int_equal(v->nreals, 2);
	assert_ep(&v->reals[0].addr, "10.0.0.103:80");
	assert_int_equal(v->reals[0].weight, 3);
	assert_int_equal(v->reals[0].fwd, XLVS_FWD_DROUTE);
	assert_int_equal(v->reals[0].line, 8);
	assert_ep(&v->reals[1].addr, "10.0.0.104:80");
	assert_int_equal(v->reals[1].weight, 2);
	assert_int_equal(v->service, HD_SVC_HTTP);
	assert_int_equal(v->checkport, 80);
	assert_int_equal(v->checktype, HD_CT_CONNECT);
	assert_string_equal(v->request, "/index.html");
	assert_string_equal(v->receive, "Test Page");
	assert_string_equal(v->scheduler, "wlc");
	assert_false(v->persistent_set);
	/* ld_setup: no timeout of its own, the global checktimeout both. */
	assert_int_equal(v->checktimeout, 3);
	assert_int_equal(v->negotiatetimeout, 3);
	assert_int_equal(v->failurecount, 1);
	assert_true(hd_virtual_quiescent(c, v));
	assert_true(hd_virtual_fallback(c, v, &fb));
	assert_ep(&fb.addr, "127.0.0.1:80");
	hd_config_free(c);
}

static void seed_typographic(void **state)
{
	(void)state;
	check_seed("good/seed_typographic.cf");
}

static void seed_fixed(void **state)
{
	(void)state;
	check_seed("good/seed_fixed.cf");
}

static void debian_example(void **state)
{
	struct hd_config *c = corpus_good("good/debian_example.cf");
	struct hd_virtual *v = &c->virtuals[0];
	struct hd_fallback fb;

	(void)state;
	assert_false(c->quiescent);
	assert_false(c->fallback.set);
	assert_int_equal(c->nvirtuals, 1);
	assert_ep(&v->vip, "192.168.6.240:80");
	assert_string_equal(v->servicename, "Web Site");
	assert_string_equal(v->comment, "Test load balanced web site");
	assert_int_equal(v->nreals, 3);
	assert_ep(&v->reals[2].addr, "192.168.6.6:80");
	assert_int_equal(v->reals[2].weight, 1);
	assert_true(v->fallback.set);
	assert_true(hd_virtual_fallback(c, v, &fb));
	assert_ep(&fb.addr, "127.0.0.1:80");
	assert_string_equal(v->scheduler, "rr");
	assert_int_equal(v->checktype, HD_CT_NEGOTIATE);
	assert_string_equal(v->virtualhost, "www.x.y.z");
	assert_false(hd_virtual_quiescent(c, v));
	hd_config_free(c);
}

static void example_range(void **state)
{
	struct hd_config *c = corpus_good("good/example_range.cf");
	struct hd_virtual *v = &c->virtuals[0];

	(void)state;
	/* 192.168.6.2->192.168.6.7: six, then 192.168.6.32. */
	assert_int_equal(v->nreals, 7);
	assert_ep(&v->reals[0].addr, "192.168.6.2:80");
	assert_ep(&v->reals[5].addr, "192.168.6.7:80");
	assert_ep(&v->reals[6].addr, "192.168.6.32:80");
	assert_int_equal(v->reals[5].line, v->reals[0].line);
	hd_config_free(c);
}

static void example_services(void **state)
{
	struct hd_config *c;
	struct hd_virtual *v;
	struct hd_fallback fb;

	(void)state;
	c = corpus_good("good/example_dns_udp.cf");
	v = &c->virtuals[0];
	assert_int_equal(v->proto, IPPROTO_UDP);
	assert_int_equal(v->service, HD_SVC_DNS);
	assert_string_equal(v->request, "/x.y.z");
	assert_string_equal(v->receive, "127.0.0.1");
	assert_true(hd_virtual_fallback(c, v, &fb));
	assert_ep(&fb.addr, "127.0.0.1:53");
	assert_int_equal(v->reals[0].fwd, XLVS_FWD_MASQ);
	hd_config_free(c);

	c = corpus_good("good/example_ftp.cf");
	v = &c->virtuals[0];
	assert_int_equal(v->service, HD_SVC_FTP);
	assert_string_equal(v->scheduler, "rr");      /* wlc, then rr */
	assert_string_equal(v->login, "anonymous");
	assert_string_equal(v->passwd, "ldirectord@localhost");
	assert_string_equal(v->request, "/welcome.msg");
	hd_config_free(c);

	c = corpus_good("good/example_mysql.cf");
	v = &c->virtuals[0];
	assert_int_equal(v->service, HD_SVC_MYSQL);
	assert_int_equal(v->nreals, 3);
	assert_ep(&v->reals[2].addr, "10.0.0.3:3306");
	assert_int_equal(v->reals[2].weight, 10);
	assert_string_equal(v->login, "readuser");
	assert_string_equal(v->passwd, "genericpassword");
	assert_string_equal(v->database, "portal");
	assert_string_equal(v->request, "/SELECT * FROM link");
	hd_config_free(c);

	c = corpus_good("good/example_radius.cf");
	v = &c->virtuals[0];
	assert_int_equal(v->proto, IPPROTO_UDP);
	assert_int_equal(v->service, HD_SVC_RADIUS);
	assert_string_equal(v->secret, "somesecret");
	/* Its own checktimeout=1 is its negotiatetimeout too. */
	assert_int_equal(v->checktimeout, 1);
	assert_int_equal(v->negotiatetimeout, 1);
	hd_config_free(c);

	c = corpus_good("good/example_ping.cf");
	v = &c->virtuals[0];
	assert_int_equal(v->checktype, HD_CT_PING);
	assert_int_equal(v->failurecount, 3);
	assert_int_equal(v->proto, IPPROTO_UDP);
	assert_int_equal(v->service, HD_SVC_DNS);    /* by its port */
	hd_config_free(c);

	c = corpus_good("good/example_unsupported.cf");
	v = &c->virtuals[0];
	assert_int_equal(v->checktype, HD_CT_ON);
	assert_int_equal(v->service, HD_SVC_NONE);
	assert_true(v->persistent_set);
	assert_int_equal(v->persistent, 600);
	hd_config_free(c);

	c = corpus_good("good/example_ldap.cf");
	assert_string_equal(c->virtuals[0].request, "/dc=upmc, dc=fr");
	assert_string_equal(c->virtuals[0].receive, "dc=upmc, dc=fr");
	hd_config_free(c);

	c = corpus_good("good/example_sip.cf");
	v = &c->virtuals[0];
	assert_int_equal(v->service, HD_SVC_SIP);
	assert_string_equal(v->login, "ldirectord@localhost");
	assert_ep(&v->reals[0].addr, "192.168.6.2:5060");
	hd_config_free(c);
}

static void example_ipv6(void **state)
{
	struct hd_config *c = corpus_good("good/example_nntp6.cf");
	struct hd_virtual *v = &c->virtuals[0];
	struct hd_fallback fb;

	(void)state;
	assert_true(v->virtual6);
	assert_int_equal(v->vip.af, 6);
	assert_ep(&v->vip, "[2001:db8::5]:119");
	assert_int_equal(v->service, HD_SVC_NNTP);
	assert_int_equal(v->nreals, 2);
	assert_ep(&v->reals[1].addr, "[2001:db8:0:1::6]:119");
	assert_int_equal(v->reals[1].fwd, XLVS_FWD_MASQ);
	assert_true(hd_virtual_fallback(c, v, &fb));
	assert_ep(&fb.addr, "[::1]:119");
	hd_config_free(c);
}

static void man_syntax(void **state)
{
	struct hd_config *c = corpus_good("good/man_syntax.cf");
	struct hd_virtual *v = &c->virtuals[0], *w = &c->virtuals[1];
	struct hd_fallback fb;

	(void)state;
	assert_string_equal(msgs, "");
	assert_ep(&c->fallback.addr, "127.0.0.1:80");
	assert_ep(&c->fallback6.addr, "[::1]:80");
	assert_string_equal(c->logfile, "daemon");
	assert_true(c->logfile_syslog);
	assert_int_equal(c->emailalertstatus, HD_EMAIL_STARTING | HD_EMAIL_RUNNING);
	assert_string_equal(c->emailalertfrom, "\"ldirectord Alerts\" <alerts@example.com>");
	assert_ep(&v->vip, "10.0.0.100:80");           /* www */
	assert_int_equal(v->nreals, 4);
	assert_ep(&v->reals[0].addr, "10.0.0.103:80");
	assert_int_equal(v->reals[0].weight, 3);
	assert_string_equal(v->reals[0].request, "/index.html");
	assert_string_equal(v->reals[0].receive, "Test Page");
	assert_int_equal(v->reals[0].l_threshold, 2);
	assert_int_equal(v->reals[0].u_threshold, 50);
	assert_ep(&v->reals[3].addr, "10.0.0.106:80");
	assert_int_equal(v->reals[3].fwd, XLVS_FWD_MASQ);
	assert_int_equal(v->reals[3].weight, 2);
	assert_int_equal(v->checktimeout, 2);
	assert_int_equal(v->negotiatetimeout, 10);
	assert_int_equal(hd_virtual_checkinterval(c, v), 3);   /* fork=yes */
	assert_int_equal(v->checktype, HD_CT_COMBINED);
	assert_int_equal(v->num_connects, 5);
	assert_int_equal(v->emailalertstatus, 0);
	assert_true(hd_virtual_fallback(c, v, &fb));
	assert_ep(&fb.addr, "127.0.0.1:8080");  /* http-alt, /etc/services */
	assert_int_equal(w->checktype, HD_CT_EXTERNAL_PERL);
	assert_string_equal(w->checkcommand, "/usr/local/bin/check.pl");
	assert_int_equal(w->netmask, 64);
	assert_int_equal(w->proto, IPPROTO_UDP);
	assert_int_equal(w->service, HD_SVC_DNS);
	assert_int_equal(w->reals[1].addr.port, 0);
	assert_int_equal(w->reals[1].weight, 2);
	assert_true(hd_virtual_fallback(c, w, &fb));
	assert_ep(&fb.addr, "[::1]:80");
	assert_int_equal(fb.fwd, XLVS_FWD_MASQ);
	hd_config_free(c);
}

/* read_config sets ftp's and sip's logins at the service= line, for those
 * not given yet; not when the port picks the service. */
static void logins(void **state)
{
	struct hd_config *c = good(
		"virtual=10.0.0.1:21\n"
		"virtual=10.0.0.2:21\n\tlogin=\"me\"\n\tservice=ftp\n"
		"virtual=10.0.0.3:21\n\tservice=ftp\n\tpasswd=\"pw\"\n"
		"virtual=10.0.0.4:5060\n\tservice=sip\n"
		"virtual=10.0.0.5:5060\n");
	struct hd_virtual *v = c->virtuals;

	(void)state;
	assert_int_equal(v[0].service, HD_SVC_FTP);
	assert_null(v[0].login);
	assert_null(v[0].passwd);
	assert_string_equal(v[1].login, "me");
	assert_string_equal(v[1].passwd, "ldirectord@localhost");
	assert_string_equal(v[2].login, "anonymous");
	assert_string_equal(v[2].passwd, "pw");
	assert_string_equal(v[3].login, "ldirectord@localhost");
	assert_null(v[3].passwd);
	assert_int_equal(v[4].service, HD_SVC_SIP);
	assert_null(v[4].login);
	hd_config_free(c);
}

/* ---- defaults and settled values (set_defaults, read_config, ld_setup) ---- */

static void defaults(void **state)
{
	struct hd_config *c = good("");

	(void)state;
	assert_int_equal(c->checkinterval, 10);
	assert_int_equal(c->checkcount, 1);
	assert_int_equal(c->failurecount, 1);
	assert_int_equal(c->checktimeout, 0);
	assert_int_equal(c->negotiatetimeout, 0);
	assert_false(c->autoreload);
	assert_false(c->quiescent);            /* the code's; its manual says yes */
	assert_false(c->readdquiescent);
	assert_true(c->cleanstop);
	assert_false(c->supervised);
	assert_false(c->fork);
	assert_string_equal(c->logfile, "/var/log/ldirectord.log");
	assert_int_equal(c->emailalertstatus, HD_EMAIL_ALL);
	assert_int_equal(c->emailalertfreq, 0);
	assert_null(c->emailalert);
	assert_null(c->maintenancedir);
	assert_int_equal(c->nvirtuals, 0);
	hd_config_free(c);

	c = good("virtual=10.0.0.1:80\n\treal=10.0.0.2 gate\n"
		 "virtual=10.0.0.1:8080\n\treal=10.0.0.2:8080 masq\n"
		 "virtual=10.0.0.1:53\n\treal=10.0.0.2:53 gate\n"
		 "virtual=10.0.0.1:domain\n\tprotocol=tcp\n"
		 "virtual=10.0.0.2:domain\n");
	struct hd_virtual *v = &c->virtuals[0];
	assert_int_equal(c->nvirtuals, 5);
	assert_int_equal(v->checktype, HD_CT_NEGOTIATE);
	assert_int_equal(v->service, HD_SVC_HTTP);
	assert_int_equal(v->proto, IPPROTO_TCP);
	assert_string_equal(v->scheduler, "wrr");
	assert_string_equal(v->checkcommand, "/bin/true");
	assert_string_equal(v->request, "/");
	assert_null(v->receive);
	assert_string_equal(v->httpmethod, "GET");
	assert_int_equal(v->checktimeout, 5);
	assert_int_equal(v->negotiatetimeout, 30);
	assert_int_equal(v->checkcount, 1);
	assert_int_equal(v->failurecount, 1);
	assert_int_equal(v->quiescent, HD_UNSET);
	assert_false(v->ops);
	assert_null(v->login);
	/* No port: 0, and checks go to the service's port. */
	assert_int_equal(v->reals[0].addr.port, 0);
	assert_int_equal(v->reals[0].weight, 1);
	assert_int_equal(hd_virtual_checkport(v, &v->reals[0]), 80);
	assert_int_equal(c->virtuals[1].service, HD_SVC_NONE);
	assert_int_equal(hd_virtual_checkport(&c->virtuals[1], &c->virtuals[1].reals[0]),
			 8080);
	assert_int_equal(c->virtuals[2].proto, IPPROTO_UDP);
	assert_int_equal(c->virtuals[2].service, HD_SVC_DNS);
	assert_int_equal(c->virtuals[3].proto, IPPROTO_TCP);
	assert_int_equal(c->virtuals[3].vip.port, 53);
	assert_int_equal(c->virtuals[4].proto, IPPROTO_UDP);
	hd_config_free(c);
}

/* checktimeout and negotiatetimeout default to each other, the virtual's
 * first, then the globals (ld_setup). */
static void timeouts(void **state)
{
	static const struct {
		const char *globals, *section;
		unsigned ct, nt;
	} t[] = {
		{ "", "", 5, 30 },
		{ "checktimeout=3\n", "", 3, 3 },
		{ "negotiatetimeout=7\n", "", 7, 7 },
		{ "checktimeout=3\nnegotiatetimeout=7\n", "", 3, 7 },
		{ "negotiatetimeout=7\n", "\tchecktimeout=2\n", 2, 2 },
		{ "checktimeout=3\n", "\tnegotiatetimeout=9\n", 9, 9 },
		{ "checktimeout=3\nnegotiatetimeout=7\n",
		  "\tchecktimeout=1\n\tnegotiatetimeout=2\n", 1, 2 },
	};
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hd_config *c;

		snprintf(text, sizeof(text), "%svirtual=10.0.0.1:80\n%s",
			 t[i].globals, t[i].section);
		c = good(text);
		assert_int_equal(c->virtuals[0].checktimeout, t[i].ct);
		assert_int_equal(c->virtuals[0].negotiatetimeout, t[i].nt);
		hd_config_free(c);
		/* A global after the virtual counts as well. */
		snprintf(text, sizeof(text), "virtual=10.0.0.1:80\n%s%s",
			 t[i].section, t[i].globals);
		c = good(text);
		assert_int_equal(c->virtuals[0].checktimeout, t[i].ct);
		assert_int_equal(c->virtuals[0].negotiatetimeout, t[i].nt);
		hd_config_free(c);
	}
}

static void globals_all(void **state)
{
	struct hd_config *c = good(
		"checkinterval=2\ncheckcount=4\nfailurecount=3\n"
		"callback=\"/usr/local/bin/cb\"\n"
		"fallback6=[::1]:8080 masq\n"
		"fallbackcommand=\"/bin/fb\"\n"
		"logfile=\"local0\"\n"
		"execute=\"other.cf\"\nexecute=third.cf\nexecute=other.cf\n"
		"fork=yes\nsupervised=yes\nreaddquiescent=yes\ncleanstop=no\n"
		"maintenancedir=/\n"
		"emailalert=\"a@b, c@d\"\nemailalertfrom=\"LD\" <ld@x>\n"
		"emailalertfreq=3600\nemailalertstatus=starting, stopping\n"
		"smtp=mail.example.com\n");

	(void)state;
	assert_string_equal(msgs, "t.cf:2: checkcount: warning: checkcount option "
			    "is deprecated and slated for removal.  please see "
			    "'failurecount'\n");
	assert_int_equal(c->checkinterval, 2);
	assert_int_equal(c->checkcount, 4);
	assert_int_equal(c->failurecount, 3);
	assert_string_equal(c->callback, "/usr/local/bin/cb");
	assert_true(c->fallback6.set);
	assert_ep(&c->fallback6.addr, "[::1]:8080");
	assert_int_equal(c->fallback6.fwd, XLVS_FWD_MASQ);
	assert_string_equal(c->fallback6.text, "[::1]:8080 masq");
	assert_string_equal(c->fallbackcommand, "/bin/fb");
	assert_string_equal(c->logfile, "local0");
	assert_true(c->logfile_syslog);
	assert_int_equal(c->nexecute, 2);
	assert_string_equal(c->execute[0], "other.cf");
	assert_string_equal(c->execute[1], "third.cf");
	assert_true(c->fork);
	assert_true(c->supervised);
	assert_true(c->readdquiescent);
	assert_false(c->cleanstop);
	assert_string_equal(c->maintenancedir, "/");
	assert_string_equal(c->emailalert, "a@b, c@d");
	assert_string_equal(c->emailalertfrom, "\"LD\" <ld@x>");
	assert_int_equal(c->emailalertfreq, 3600);
	assert_int_equal(c->emailalertstatus, HD_EMAIL_STARTING | HD_EMAIL_STOPPING);
	assert_string_equal(c->smtp, "mail.example.com");
	hd_config_free(c);
}

static void virtual_all(void **state)
{
	struct hd_config *c = good(
		"quiescent=yes\nemailalert=ops@x\nsmtp=mx\nfallbackcommand=/g\n"
		"checkinterval=4\nfallback=10.9.9.9 ipip\n"
		"virtual=10.0.0.1:80\n"
		"\treal=10.0.0.2:80 gate\n"
		"\tchecktype=7\n\tservice=http_proxy\n\tcheckport=3128\n"
		"\tcheckcommand=\"/bin/check it\"\n\thttpmethod=head\n"
		"\tvirtualhost=\"www.example.com\"\n\tlogin=\"u\"\n"
		"\tpasswd=\"p w\"\n\tdatabase=\"db\"\n\tsecret=\"s\"\n"
		"\tload=\"cpu\"\n\tscheduler=sh\n\tschedflags=sh-port\n"
		"\tpersistent=0\n\tnetmask=255.255.255.0\n\tprotocol=udp\n"
		"\tops=yes\n\tfallback=10.0.0.9 masq\n"
		"\tfallbackcommand=\"/v start\"\n\tquiescent=no\n"
		"\temailalert=\"v@x\"\n\temailalertfreq=0\n"
		"\temailalertstatus=none\n\tmonitorfile=\"/tmp/m.log\"\n"
		"\tcleanstop=no\n\tsmtp=mx2\n\tservicename=web\n"
		"\tcomment=a comment\n\tfailurecount=2\n\tcheckcount=1\n"
		"virtual=10.0.0.1:81\n");
	struct hd_virtual *v = &c->virtuals[0], *w = &c->virtuals[1];
	struct hd_fallback fb;

	(void)state;
	assert_string_equal(msgs, "t.cf:38: checkcount: warning: checkcount option "
			    "is deprecated and slated for removal.  please see "
			    "'failurecount'\n");
	assert_int_equal(v->checktype, HD_CT_COMBINED);
	assert_int_equal(v->num_connects, 7);
	assert_int_equal(v->service, HD_SVC_HTTP_PROXY);
	assert_int_equal(v->checkport, 3128);
	assert_int_equal(hd_virtual_checkport(v, &v->reals[0]), 3128);
	assert_string_equal(v->checkcommand, "/bin/check it");
	assert_string_equal(v->httpmethod, "HEAD");
	assert_string_equal(v->virtualhost, "www.example.com");
	assert_string_equal(v->login, "u");
	assert_string_equal(v->passwd, "p w");
	assert_string_equal(v->database, "db");
	assert_string_equal(v->secret, "s");
	assert_string_equal(v->load, "cpu");
	assert_string_equal(v->scheduler, "sh");
	assert_string_equal(v->schedflags, "sh-port");
	assert_true(v->persistent_set);
	assert_int_equal(v->persistent, 0);
	assert_true(v->netmask_set);
	assert_int_equal(v->netmask, htonl(0xffffff00));
	assert_int_equal(v->proto, IPPROTO_UDP);
	assert_true(v->ops);
	assert_true(hd_virtual_fallback(c, v, &fb));
	assert_ep(&fb.addr, "10.0.0.9:80");       /* the virtual's port */
	assert_int_equal(fb.fwd, XLVS_FWD_MASQ);
	assert_string_equal(hd_virtual_fallbackcommand(c, v), "/v start");
	assert_false(hd_virtual_quiescent(c, v));
	assert_string_equal(hd_virtual_emailalert(c, v), "v@x");
	assert_int_equal(hd_virtual_emailalertfreq(c, v), 0);
	assert_int_equal(hd_virtual_emailalertstatus(c, v), 0);
	assert_string_equal(v->monitorfile, "/tmp/m.log");
	assert_false(hd_virtual_cleanstop(c, v));
	assert_string_equal(hd_virtual_smtp(c, v), "mx2");
	assert_string_equal(v->servicename, "web");
	assert_string_equal(v->comment, "a comment");
	assert_int_equal(v->failurecount, 2);
	/* fork=no: one loop, the global interval. */
	assert_int_equal(hd_virtual_checkinterval(c, v), 4);

	/* The second has none of its own: the globals. */
	assert_true(hd_virtual_quiescent(c, w));
	assert_true(hd_virtual_cleanstop(c, w));
	assert_string_equal(hd_virtual_emailalert(c, w), "ops@x");
	assert_int_equal(hd_virtual_emailalertstatus(c, w), HD_EMAIL_ALL);
	assert_string_equal(hd_virtual_smtp(c, w), "mx");
	assert_string_equal(hd_virtual_fallbackcommand(c, w), "/g");
	assert_true(hd_virtual_fallback(c, w, &fb));
	assert_ep(&fb.addr, "10.9.9.9:81");       /* the global's, its port */
	assert_int_equal(fb.fwd, XLVS_FWD_TUNNEL);
	assert_int_equal(w->failurecount, 1);
	hd_config_free(c);
}

/* A virtual's checkinterval counts with fork=yes only (ldirectord's
 * run_child; one loop for all otherwise). */
static void checkinterval_fork(void **state)
{
	struct hd_config *c = good("fork=yes\ncheckinterval=4\n"
				   "virtual=10.0.0.1:80\n\tcheckinterval=2\n"
				   "virtual=10.0.0.1:81\n");

	(void)state;
	assert_string_equal(msgs, "");
	assert_int_equal(hd_virtual_checkinterval(c, &c->virtuals[0]), 2);
	assert_int_equal(hd_virtual_checkinterval(c, &c->virtuals[1]), 4);
	hd_config_free(c);
}

static void reals(void **state)
{
	struct hd_config *c = good(
		"virtual=10.0.0.1:80\n"
		"\treal=10.0.0.2:8080 masq 5 \"index.html\", \"ok\" l:2 u:9\n"
		"\treal = 10.0.0.3 ipip 0 \"/a\" \"b c\" \"<u:7>\" \"<l:1>\"\n"
		"\treal=10.0.0.4:http gate <l:3>\n"
		"\treal=10.0.0.5:80 gate 2 “/x”, “y”\n"
		"\treal=10.0.0.254->10.0.1.1:80 gate 4\n");
	struct hd_real *r;

	(void)state;
	assert_int_equal(c->virtuals[0].nreals, 8);
	r = c->virtuals[0].reals;
	assert_ep(&r[0].addr, "10.0.0.2:8080");
	assert_int_equal(r[0].fwd, XLVS_FWD_MASQ);
	assert_int_equal(r[0].weight, 5);
	assert_string_equal(r[0].request, "/index.html");
	assert_string_equal(r[0].receive, "ok");
	assert_int_equal(r[0].l_threshold, 2);
	assert_int_equal(r[0].u_threshold, 9);
	assert_int_equal(r[1].addr.port, 0);
	assert_int_equal(r[1].fwd, XLVS_FWD_TUNNEL);
	assert_int_equal(r[1].weight, 0);
	assert_string_equal(r[1].request, "/a");
	assert_string_equal(r[1].receive, "b c");
	assert_int_equal(r[1].l_threshold, 1);
	assert_int_equal(r[1].u_threshold, 7);
	assert_ep(&r[2].addr, "10.0.0.4:80");
	assert_null(r[2].request);
	assert_int_equal(r[2].l_threshold, 3);
	assert_int_equal(r[2].u_threshold, 0);
	assert_string_equal(r[3].request, "/x");
	assert_string_equal(r[3].receive, "y");
	assert_ep(&r[4].addr, "10.0.0.254:80");
	assert_ep(&r[5].addr, "10.0.0.255:80");
	assert_ep(&r[6].addr, "10.0.1.0:80");
	assert_ep(&r[7].addr, "10.0.1.1:80");
	assert_int_equal(r[7].weight, 4);
	assert_int_equal(r[7].line, 6);
	hd_config_free(c);
}

/* Indentation as ldirectord counts it, comments, blank lines, CR LF. */
static void lines(void **state)
{
	struct hd_config *c = good(
		"# a comment\r\n"
		"checkinterval = 3   \r\n"
		"quiescent=yes # a comment after a value\n"
		"virtual=10.0.0.1:80\n"
		"    real=10.0.0.2:80 gate\n"
		"  \treal=10.0.0.3:80 gate\n"
		"\n"
		"   \n"
		"\treceive=\"a # not a comment\"\n"
		"  # an indented comment\n"
		"\trequest=\"x\"  # a comment\r\n"
		"virtual6=[2001:db8::1]:https\n"
		"\treal6=[2001:db8::2] gate\n");

	(void)state;
	assert_int_equal(c->checkinterval, 3);
	assert_true(c->quiescent);
	assert_int_equal(c->nvirtuals, 2);
	assert_int_equal(c->virtuals[0].nreals, 2);
	assert_string_equal(c->virtuals[0].receive, "a # not a comment");
	assert_string_equal(c->virtuals[0].request, "/x");
	assert_int_equal(c->virtuals[1].vip.port, 443);
	assert_int_equal(c->virtuals[1].service, HD_SVC_HTTPS);
	assert_int_equal(c->virtuals[1].line, 12);
	hd_config_free(c);
}

static void refused(void **state)
{
	(void)state;
	/* Every error, in line order, even those found at a section's end. */
	assert_refused("virtual=10.0.0.1:nosuchport\n"
		       "\treal=10.0.0.2:80 gate\n"
		       "\tchecktype=sometimes\n"
		       "\treal=10.0.0.2:80 gate\n"
		       "quiescent=perhaps\n",
		       "t.cf:1: virtual: invalid port nosuchport for virtual "
		       "service (could not resolve port)\n"
		       "t.cf:3: checktype: must be \"connect\", \"negotiate\", "
		       "\"on\", \"off\", \"ping\", \"external\", \"external-perl\" "
		       "or a positive number\n"
		       "t.cf:4: real: duplicate real server 10.0.0.2:80 (as at "
		       "line 2)\n"
		       "t.cf:5: quiescent: must be 'yes' or 'no'\n");
	/* A section settled as the next line starts: that line's directive
	 * still names its errors. */
	assert_refused("virtual=10.0.0.1:80\n\tfallback=10.0.0.9\n"
		       "quiescent=perhaps\nvirtual=\n",
		       "t.cf:3: quiescent: must be 'yes' or 'no'\n"
		       "t.cf:4: virtual: invalid address for virtual server\n");
	assert_refused("virtual=42\n\treal=10.0.0.2 gate\n",
		       "t.cf:1: virtual: fwmark services are not supported yet "
		       "(virtual=42)\n");
	assert_refused("virtual=www.example.com:80\n",
		       "t.cf:1: virtual: invalid address for virtual service "
		       "(could not resolve host www.example.com)\n");
}

static void nul_byte(void **state)
{
	static const char text[] = "checktimeout=3\nfoo\0=1\nquiescent=x\n";
	struct hd_config *c = (void *)1;

	(void)state;
	msgs[0] = 0;
	assert_int_equal(hd_config_parse("t.cf", text, sizeof(text) - 1, 0, &c,
					 collect, NULL), 2);
	assert_null(c);
	assert_string_equal(msgs, "t.cf:2: a NUL byte in the line\n"
			    "t.cf:3: quiescent: must be 'yes' or 'no'\n");
}

/* Names through getaddrinfo (localhost: /etc/hosts, no DNS), and not at
 * all with HD_CF_NO_RESOLVE. */
static void resolve(void **state)
{
	static const char text[] = "virtual=localhost:80\n"
				   "\treal=localhost->localhost:8080 gate\n";
	struct hd_config *c = NULL;

	(void)state;
	msgs[0] = 0;
	assert_int_equal(hd_config_parse("t.cf", text, strlen(text), 0, &c,
					 collect, NULL), 0);
	assert_ep(&c->virtuals[0].vip, "127.0.0.1:80");
	assert_int_equal(c->virtuals[0].nreals, 1);
	assert_ep(&c->virtuals[0].reals[0].addr, "127.0.0.1:8080");
	assert_string_equal(c->virtuals[0].text, "localhost:80");
	hd_config_free(c);
	assert_refused(text, "t.cf:1: virtual: invalid address for virtual "
		       "service (could not resolve host localhost)\n"
		       "t.cf:2: real: invalid address (localhost) for real "
		       "server (could not resolve host)\n");
}

static void load(void **state)
{
	char path[] = "/tmp/hd_config_XXXXXX";
	static const char text[] = "virtual=10.0.0.1:80\n\treal=10.0.0.2:80 gate\n";
	struct hd_config *c = (void *)1;
	char want[256];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	msgs[0] = 0;
	assert_int_equal(hd_config_load(path, &c, collect, NULL), 0);
	assert_string_equal(c->path, path);
	assert_int_equal(c->virtuals[0].nreals, 1);
	hd_config_free(c);
	unlink(path);
	assert_int_equal(hd_config_load(path, &c, collect, NULL), -ENOENT);
	assert_null(c);
	snprintf(want, sizeof(want), "%s: can not open file: %s\n", path,
		 strerror(ENOENT));
	assert_string_equal(msgs, want);
	msgs[0] = 0;
	assert_int_equal(hd_config_load("/", &c, collect, NULL), -EISDIR);
	/* No callback: nothing is printed, the result still says. */
	assert_int_equal(hd_config_parse("t.cf", "x=1\n", 4, 0, &c, NULL, NULL), 1);
	assert_null(c);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(seed_typographic),
		cmocka_unit_test(seed_fixed),
		cmocka_unit_test(debian_example),
		cmocka_unit_test(example_range),
		cmocka_unit_test(example_services),
		cmocka_unit_test(example_ipv6),
		cmocka_unit_test(man_syntax),
		cmocka_unit_test(defaults),
		cmocka_unit_test(logins),
		cmocka_unit_test(timeouts),
		cmocka_unit_test(globals_all),
		cmocka_unit_test(virtual_all),
		cmocka_unit_test(checkinterval_fork),
		cmocka_unit_test(reals),
		cmocka_unit_test(lines),
		cmocka_unit_test(refused),
		cmocka_unit_test(nul_byte),
		cmocka_unit_test(resolve),
		cmocka_unit_test(load),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), n;
	struct CMUnitTest *tests;
	char **files;
	int rc;

	(void)argc;
	/* ftp's and sip's default logins name the host. */
	setenv("HOSTNAME", "localhost", 1);
	find_corpus(argv[0]);
	n = corpus_list(&files);
	if (n < 2) {
		fprintf(stderr, "no corpus under %s\n", corpus);
		return 1;
	}
	tests = calloc(nfixed + n, sizeof(*tests));
	assert_non_null(tests);
	memcpy(tests, fixed, sizeof(fixed));
	for (size_t i = 0; i < n; i++) {
		tests[nfixed + i].name = files[i];
		tests[nfixed + i].test_func = corpus_case;
		tests[nfixed + i].initial_state = files[i];
	}
	rc = _cmocka_run_group_tests("hd_config", tests, nfixed + n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(tests);
	return rc;
}
