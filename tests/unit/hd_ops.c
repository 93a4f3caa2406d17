// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's side jobs against ldirectord 4.12's code: the alert mail as
 * ld_emailalert_mail_send writes it (Mail::Send's To/From/Subject, then
 * "ldirectord host", "Log-Message", "Daemon-Status", and the servicename /
 * comment details), which log lines mail (those _remove_service,
 * _restore_service and purge_untracked_service pass to
 * ld_emailalert_send), ld_emailalert_resend's repeats every
 * emailalertfreq until a restore clears them, emailalertstatus's filter;
 * check_cfgfile's mtime-then-MD5 test; the status text.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "email.h"
#include "ops.h"
#include "status.h"

static char dir[64];

static void noerr(void *arg, const char *msg)
{
	(void)arg;
	fail_msg("config: %s", msg);
}

static void format(void **state)
{
	char buf[2048];
	int n;

	(void)state;
	n = hd_email_format(buf, sizeof(buf), "a@example.com", NULL,
			    "Deleted real server: 10.0.0.3:80 (10.0.0.1:80)",
			    NULL, NULL, "ha1", HD_EMAIL_RUNNING);
	assert_true(n > 0);
	assert_string_equal(buf,
		"To: a@example.com\n"
		"Subject: Deleted real server: 10.0.0.3:80 (10.0.0.1:80)\n"
		"\n"
		"ldirectord host: ha1\n"
		"Log-Message: Deleted real server: 10.0.0.3:80 (10.0.0.1:80)\n"
		"Daemon-Status: running\n");
	n = hd_email_format(buf, sizeof(buf), "a@example.com", "\"LD\" <ld@x>",
			    "Added real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 2)",
			    "web", "the shop", "ha1", HD_EMAIL_STOPPING);
	assert_true(n > 0);
	assert_string_equal(buf,
		"To: a@example.com\n"
		"From: \"LD\" <ld@x>\n"
		"Subject: [web] Added real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 2)\n"
		"\n"
		"ldirectord host: ha1\n"
		"Log-Message: [web] Added real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 2)\n"
		"Daemon-Status: stopping\n"
		"\n"
		"Service name: web\n"
		"Comment: the shop\n"
		"\n");
	assert_int_equal(hd_email_format(buf, 40, "a@example.com", NULL, "x",
					 NULL, NULL, "h", 0), -ENOSPC);
}

/* The subjects of the mails our fake sendmail got since the last call,
 * in a sorted, ';'-joined string (waits up to 2 s for want of them). */
static void mails(char *out, size_t len, int want)
{
	char path[400], line[512];
	struct dirent **ents;
	int n = 0;

	/* The mail goes out from a grandchild: give one that should not
	 * exist time to show up. */
	if (!want)
		usleep(200000);
	for (int i = 0; i < 200; i++) {
		n = scandir(dir, &ents, NULL, alphasort);
		int mailsn = 0;

		for (int k = 0; k < n; k++)
			if (strstr(ents[k]->d_name, ".mail"))
				mailsn++;
		if (mailsn >= want)
			break;
		for (int k = 0; k < n; k++)
			free(ents[k]);
		free(ents);
		n = 0;
		usleep(10000);
	}
	if (!n)
		n = scandir(dir, &ents, NULL, alphasort);
	out[0] = '\0';
	for (int k = 0; k < n; k++) {
		FILE *f;

		if (!strstr(ents[k]->d_name, ".mail")) {
			free(ents[k]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, ents[k]->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "Subject: ", 9)) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(out + strlen(out), len - strlen(out), "%s%s",
					 out[0] ? ";" : "", line + 9);
			}
		if (f)
			fclose(f);
		unlink(path);
		free(ents[k]);
	}
	free(ents);
}

static void alerts(void **state)
{
	static const char cf[] =
		"emailalert=g@example.com\n"
		"emailalertfreq=5\n"
		"emailalertstatus=running\n"
		"virtual=10.0.0.1:80\n"
		"\treal=10.0.0.3:80 gate\n"
		"virtual=10.0.0.2:80\n"
		"\treal=10.0.0.4:80 gate\n"
		"\temailalertfreq=0\n";
	struct hd_config *c = NULL;
	struct hd_vs vs[2];
	char sm[160], got[2048];
	FILE *f;
	time_t now = time(NULL);

	(void)state;
	snprintf(sm, sizeof(sm), "%s/sendmail", dir);
	f = fopen(sm, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\nf=$(mktemp %s/m.XXXXXX)\ncat >\"$f.tmp\"\n"
		"mv \"$f.tmp\" \"$f.mail\"\nrm -f \"$f\"\n", dir);
	fclose(f);
	assert_int_equal(chmod(sm, 0755), 0);
	setenv("XLVS_HEALTHD_SENDMAIL", sm, 1);
	assert_int_equal(hd_config_parse("t.cf", cf, sizeof(cf) - 1,
					 HD_CF_NO_RESOLVE, &c, noerr, NULL), 0);
	memset(vs, 0, sizeof(vs));
	strcpy(vs[0].vstr, "10.0.0.1:80");
	strcpy(vs[1].vstr, "10.0.0.2:80");

	hd_email_set_status(HD_EMAIL_RUNNING);
	/* Not a table change: no mail. */
	hd_email_observe(c, vs, 2, "Check connect failed: real server=10.0.0.3:80 (virtual=tcp:10.0.0.1:80): refused");
	hd_email_observe(c, vs, 2, "Quiescent real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 0)");
	mails(got, sizeof(got), 1);
	assert_string_equal(got, "Quiescent real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 0)");
	/* Within emailalertfreq: nothing again; after it, the repeat. */
	hd_email_resend(c, vs, 2, now + 2);
	mails(got, sizeof(got), 0);
	assert_string_equal(got, "");
	hd_email_resend(c, vs, 2, now + 6);
	mails(got, sizeof(got), 1);
	assert_string_equal(got, "Inaccessible real server: 10.0.0.3:80 (10.0.0.1:80)");
	/* The repeat's time is the next base. */
	hd_email_resend(c, vs, 2, now + 8);
	mails(got, sizeof(got), 0);
	assert_string_equal(got, "");
	/* Restored: mailed, and the repeats end. */
	hd_email_observe(c, vs, 2, "Restored real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 1)");
	mails(got, sizeof(got), 1);
	assert_string_equal(got, "Restored real server: 10.0.0.3:80 (10.0.0.1:80) (Weight set to 1)");
	hd_email_resend(c, vs, 2, now + 100);
	mails(got, sizeof(got), 0);
	assert_string_equal(got, "");
	/* emailalertfreq=0 on the second virtual: no repeats; a readd is
	 * mailed as "Quiescent". */
	hd_email_observe(c, vs, 2, "Readd Quiescent real server: 10.0.0.4:80 (10.0.0.2:80) (Weight set to 0)");
	mails(got, sizeof(got), 1);
	assert_string_equal(got, "Quiescent real server: 10.0.0.4:80 (10.0.0.2:80) (Weight set to 0)");
	hd_email_resend(c, vs, 2, now + 100);
	mails(got, sizeof(got), 0);
	assert_string_equal(got, "");
	/* Starting is filtered out, but the server is tracked: the repeat
	 * comes once running. */
	hd_email_set_status(HD_EMAIL_STARTING);
	hd_email_observe(c, vs, 2, "Deleted real server: 10.0.0.3:80 (10.0.0.1:80)");
	hd_email_observe(c, vs, 2, "Purged real server (start): 10.0.0.9:80 (10.0.0.1:80)");
	mails(got, sizeof(got), 0);
	assert_string_equal(got, "");
	hd_email_set_status(HD_EMAIL_RUNNING);
	hd_email_resend(c, vs, 2, time(NULL) + 6);
	mails(got, sizeof(got), 1);
	assert_string_equal(got, "Inaccessible real server: 10.0.0.3:80 (10.0.0.1:80)");
	/* A deleted fallback is not repeated (currenttime 0). */
	hd_email_reset();
	hd_email_observe(c, vs, 2, "Deleted fallback server: 127.0.0.1:80 (10.0.0.1:80)");
	mails(got, sizeof(got), 1);
	assert_string_equal(got, "Deleted fallback server: 127.0.0.1:80 (10.0.0.1:80)");
	hd_email_resend(c, vs, 2, now + 100);
	mails(got, sizeof(got), 0);
	assert_string_equal(got, "");
	hd_email_reset();
	hd_config_free(c);
	unlink(sm);
}

static void cfgwatch(void **state)
{
	struct hd_cfgwatch w = { 0 };
	struct timespec ts[2];
	char path[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/w.cf", dir);
	f = fopen(path, "w");
	fputs("checkinterval=1\n", f);
	fclose(f);
	assert_int_equal(hd_cfgwatch_poll(&w, path), 0);        /* the first */
	assert_int_equal(hd_cfgwatch_poll(&w, path), 0);
	/* A new mtime, the same contents: no change. */
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec += 5;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_int_equal(hd_cfgwatch_poll(&w, path), 0);
	/* New contents of the same size within the same second. */
	f = fopen(path, "w");
	fputs("checkinterval=2\n", f);
	fclose(f);
	assert_int_equal(hd_cfgwatch_poll(&w, path), 1);
	assert_int_equal(hd_cfgwatch_poll(&w, path), 0);
	/* Gone: nothing (ldirectord's stat fails and it keeps going). */
	unlink(path);
	assert_int_equal(hd_cfgwatch_poll(&w, path), 0);
}

static void status_text(void **state)
{
	struct hd_vs v;
	struct hd_rs r[2];
	char *text = NULL;
	time_t now = 1765000000;

	(void)state;
	memset(&v, 0, sizeof(v));
	memset(r, 0, sizeof(r));
	v.checktype = HD_CT_CONNECT;
	v.failurecount = 3;
	v.reals = r;
	v.nreals = 2;
	v.nup = 1;
	strcpy(v.id, "tcp:10.0.0.1:80");
	for (int i = 0; i < 2; i++) {
		r[i].v = &v;
		r[i].conf.addr.af = 4;
		r[i].conf.addr.port = 80;
		memcpy(r[i].conf.addr.addr, (uint8_t[]){ 10, 0, 0, (uint8_t)(3 + i) }, 4);
		r[i].conf.fwd = XLVS_FWD_DROUTE;
		r[i].conf.weight = 2;
	}
	r[0].up = true;
	r[0].since = now - 10;
	r[0].last_ok = 1;
	r[0].last_took_us = 1234;
	r[1].since = now - 3;
	r[1].last_took_us = 2000007;
	r[1].last_ok = 0;
	strcpy(r[1].last_why, "Connection refused");
	assert_true(hd_status_render(&v, 1, now, &text) > 0);
	assert_non_null(strstr(text, "virtual tcp:10.0.0.1:80: 1 of 2 real servers up, check connect, fallback none\n"));
	assert_non_null(strstr(text, "  real 10.0.0.3:80 gate weight 2: up since "));
	assert_non_null(strstr(text, " (10s ago), last check passed (check took 1.234 ms)\n"));
	assert_non_null(strstr(text, "  real 10.0.0.4:80 gate weight 2: down since "));
	assert_non_null(strstr(text, " (3s ago), last check failed: Connection refused (check took 2000.007 ms)\n"));
	free(text);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/hd_ops_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format),
		cmocka_unit_test(alerts),
		cmocka_unit_test(cfgwatch),
		cmocka_unit_test(status_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
