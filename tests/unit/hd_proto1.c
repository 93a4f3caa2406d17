// SPDX-License-Identifier: GPL-2.0
/*
 * The negotiate checks of dns, smtp, submission, pop, pops, imap, imaps,
 * ftp, nntp, sip, http, https and http_proxy through hd_check_start on a
 * real loop, against real Debian servers (dnsmasq, OpenSMTPD, dovecot,
 * vsftpd, kamailio, nginx) and the
 * test's own wrongly answering or silent servers, all inside a network
 * namespace of the test's own.  What must pass and fail is ldirectord
 * 4.12's check_<service> (see healthd/check_proto.h and each file).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "hd_proto1.h"

/* A check that hangs ends by its timeout, on time. */
static void expect_timeout(struct hd_check_target *t)
{
	double ms;

	t->timeout_ms = 250;
	ms = p_expect(t, false, "timed out");
	assert_true(ms >= 245 && ms < 400);     /* with the harness's 30 ms */
}

/* dns: dnsmasq has www.example.test = 10.1.2.3 and its PTR. */
static struct hd_check_target dns_target(const char *req, const char *recv)
{
	struct hd_check_target t = p_target(HD_SVC_DNS, P_DNS_PORT);

	t.proto = IPPROTO_UDP;
	t.request = req;
	t.receive = recv;
	return t;
}

static void dns_udp_a(void **state)
{
	struct hd_check_target t = dns_target("www.example.test",
					      "^10\\.1\\.2\\.3$");

	(void)state;
	p_expect(&t, true, "");
	t.request = "/www.example.test";        /* ldirectord drops the / */
	p_expect(&t, true, "");
}

static void dns_tcp_a(void **state)
{
	struct hd_check_target t = dns_target("www.example.test", "10\\.1\\.2");

	(void)state;
	t.proto = IPPROTO_TCP;
	p_expect(&t, true, "");
}

static void dns_ptr(void **state)
{
	struct hd_check_target t = dns_target("10.1.2.3",
					      "^www\\.example\\.test$");

	(void)state;
	p_expect(&t, true, "");
	t.proto = IPPROTO_TCP;
	p_expect(&t, true, "");
}

static void dns_mismatch(void **state)
{
	struct hd_check_target t = dns_target("www.example.test",
					      "10\\.9\\.9\\.9");

	(void)state;
	p_expect(&t, false, "Response mismatch");
	t.receive = NULL;       /* ldirectord: an empty receive never matches */
	p_expect(&t, false, "Response mismatch");
	t.receive = "10";
	t.request = "nowhere.example.test";
	p_expect(&t, false, "no answer");
}

/* A truncated UDP answer is asked again over TCP (Net::DNS's send). */
static void dns_truncated(void **state)
{
	struct hd_check_target t = dns_target("big.example.test",
					      "^10\\.9\\.0\\.40$");

	(void)state;
	p_expect(&t, true, "");
	t.receive = "^10\\.9\\.0\\.41$";
	p_expect(&t, false, "Response mismatch");
}

/* dns is one of the services ldirectord checks over IPv6. */
static void dns_ipv6(void **state)
{
	struct hd_check_target t = p_target6(HD_SVC_DNS, P_DNS_PORT);

	(void)state;
	t.proto = IPPROTO_UDP;
	t.request = "www.example.test";
	t.receive = "^10\\.1\\.2\\.3$";
	p_expect(&t, true, "");
	t.proto = IPPROTO_TCP;
	p_expect(&t, true, "");
	t.receive = "^10\\.1\\.2\\.4$";
	p_expect(&t, false, "Response mismatch");
}

static void dns_silent_refused(void **state)
{
	struct hd_check_target t = dns_target("www.example.test", "10");

	(void)state;
	t.rip.port = p_udp_silent();
	expect_timeout(&t);
	t.proto = IPPROTO_TCP;
	t.rip.port = p_canned(NULL, NULL);
	expect_timeout(&t);
	t.proto = IPPROTO_UDP;
	t.rip.port = p_closed_port();
	t.timeout_ms = 2000;
	assert_true(p_expect(&t, false, "refused") < 500);
}

/* smtp and submission: OpenSMTPD; wrong and silent servers of ours. */
static void smtp_pass(void **state)
{
	struct hd_check_target t = p_target(HD_SVC_SMTP, P_SMTP_PORT);

	(void)state;
	p_expect(&t, true, "");
	t.service = HD_SVC_SUBMISSION;
	p_expect(&t, true, "");
}

static void smtp_wrong(void **state)
{
	static const char *const ehlo_502[] = { "502 5.5.2 no EHLO\r\n",
		"250 hello\r\n", NULL };
	static const char *const both_502[] = { "502 no\r\n", "502 no\r\n",
		NULL };
	static const char *const ehlo_4xx[] = { "421 busy\r\n", NULL };
	struct hd_check_target t = p_target(HD_SVC_SMTP,
					    p_canned("554 5.3.2 go away\r\n",
						     NULL));

	(void)state;
	p_expect(&t, false, "greeting: 554");
	/* Net::SMTP's hello(): HELO after a 5xx to EHLO. */
	t.rip.port = p_canned("220-first\r\n220 ready\r\n", ehlo_502);
	p_expect(&t, true, "");
	t.rip.port = p_canned("220 ready\r\n", both_502);
	p_expect(&t, false, "HELO: 502");
	t.rip.port = p_canned("220 ready\r\n", ehlo_4xx);
	p_expect(&t, false, "EHLO: 421");
	t.rip.port = p_canned(NULL, NULL);
	expect_timeout(&t);
	t.rip.port = p_closed_port();
	t.timeout_ms = 2000;
	p_expect(&t, false, "refused");
}

/* pop, pops, imap, imaps: dovecot with alice/secret. */
static struct hd_check_target mail_target(enum hd_service s, int port,
					  const char *login, const char *pw)
{
	struct hd_check_target t = p_target(s, port);

	t.login = login;
	t.passwd = pw;
	return t;
}

static void pop_pass(void **state)
{
	struct hd_check_target t = mail_target(HD_SVC_POP, P_POP_PORT,
					       NULL, NULL);

	(void)state;
	p_expect(&t, true, "");
	t.login = "alice";
	t.passwd = "secret";
	p_expect(&t, true, "");
	t = mail_target(HD_SVC_POPS, P_POPS_PORT, "alice", "secret");
	p_expect(&t, true, "");
	t.login = "";           /* unset: no login */
	p_expect(&t, true, "");
	/* Mail::POP3Client's "BEST": CRAM-MD5 when CAPA offers it, APOP
	 * when the greeting has a <msg-id>; each refuses a wrong password. */
	t = mail_target(HD_SVC_POP, P_POP_CRAM_PORT, "alice", "secret");
	p_expect(&t, true, "");
	t.rip.port = P_POP_APOP_PORT;
	p_expect(&t, true, "");
}

static void pop_fail(void **state)
{
	/* CAPA refused, USER, PASS: in; no STAT needed. */
	static const char *const no_stat[] = { "-ERR\r\n", "+OK\r\n",
		"+OK in\r\n", NULL };
	/* CAPA offers CRAM-MD5, AUTH refused: USER/PASS after it. */
	static const char *const cram_no[] = {
		"+OK\r\nSASL PLAIN CRAM-MD5\r\n.\r\n", "-ERR no\r\n",
		"+OK\r\n", "-ERR bad password\r\n", NULL };
	/* APOP refused and the NOOP after it too: POP3Client gives up. */
	static const char *const apop_no[] = { "-ERR no\r\n",
		"-ERR not now\r\n", NULL };
	struct hd_check_target t = mail_target(HD_SVC_POP, P_POP_PORT,
					       "alice", "wrong");

	(void)state;
	p_expect(&t, false, "pop: login failed: -ERR");
	t = mail_target(HD_SVC_POPS, P_POP_PORT, NULL, NULL);
	p_expect(&t, false, "TLS");             /* TLS to a plain port */
	t = mail_target(HD_SVC_POP, p_canned("-ERR go away\r\n", NULL),
			NULL, NULL);
	p_expect(&t, false, "pop: greeting: -ERR");
	/* POP3Client's Login_Pass wants STAT's "+OK n m". */
	t = mail_target(HD_SVC_POP, p_canned("+OK hi\r\n", no_stat),
			"alice", "x");
	p_expect(&t, true, "");
	t.rip.port = p_canned("+OK hi\r\n", cram_no);
	p_expect(&t, false, "pop: login failed: -ERR bad password");
	t.rip.port = p_canned("+OK ready <1.2@example.test>\r\n", apop_no);
	p_expect(&t, false, "pop: login failed (APOP): -ERR not now");
	t = mail_target(HD_SVC_POP, P_POP_CRAM_PORT, "alice", "wrong");
	p_expect(&t, false, "pop: login failed: -ERR");
	t.rip.port = P_POP_APOP_PORT;
	p_expect(&t, false, "pop: login failed (APOP)");
	t.rip.port = p_canned(NULL, NULL);
	expect_timeout(&t);
}

static void imap_pass(void **state)
{
	struct hd_check_target t = mail_target(HD_SVC_IMAP, P_IMAP_PORT,
					       NULL, NULL);

	(void)state;
	p_expect(&t, true, "");
	t.login = "alice";
	t.passwd = "secret";
	p_expect(&t, true, "");
	t = mail_target(HD_SVC_IMAPS, P_IMAPS_PORT, "alice", "secret");
	p_expect(&t, true, "");
	t.login = NULL;
	p_expect(&t, true, "");
}

static void imap_fail(void **state)
{
	static const char *const untagged[] = {
		"* CAPABILITY IMAP4rev1\r\n0 NO [AUTHENTICATIONFAILED]\r\n",
		NULL };
	struct hd_check_target t = mail_target(HD_SVC_IMAP, P_IMAP_PORT,
					       "alice", "wrong");

	(void)state;
	p_expect(&t, false, "imap: login failed: 0 NO");
	t = mail_target(HD_SVC_IMAP, p_canned("* BYE too busy\r\n", NULL),
			NULL, NULL);
	p_expect(&t, false, "imap: greeting: * BYE");
	t = mail_target(HD_SVC_IMAP, p_canned("* PREAUTH hi\r\n", untagged),
			"bob", "x\"y");
	p_expect(&t, false, "imap: login failed: 0 NO");
	t = mail_target(HD_SVC_IMAPS, P_IMAP_PORT, NULL, NULL);
	p_expect(&t, false, "TLS");
	t.rip.port = p_canned(NULL, NULL);
	expect_timeout(&t);
}

/* ftp: vsftpd, anonymous, check.txt = "hello from vsftpd". */
static struct hd_check_target ftp_target(const char *req, const char *recv)
{
	struct hd_check_target t = p_target(HD_SVC_FTP, P_FTP_PORT);

	t.request = req;
	t.receive = recv;
	return t;
}

static void ftp_pass(void **state)
{
	struct hd_check_target t = ftp_target("check.txt", "^hello from");

	(void)state;
	p_expect(&t, true, "");
	t.request = "/check.txt";
	t.receive = NULL;
	p_expect(&t, true, "");
}

static void ftp_fail(void **state)
{
	struct hd_check_target t = ftp_target("check.txt", "goodbye");

	(void)state;
	p_expect(&t, false, "receive string not found");
	t = ftp_target("missing.txt", NULL);
	p_expect(&t, false, "ftp: RETR: 550");
	t = ftp_target("check.txt", "hello");
	t.login = "bob";        /* vsftpd here is anonymous only */
	t.passwd = "pw";
	p_expect(&t, false, "ftp: USER: 530");
	t = ftp_target("check.txt", "hello");
	t.rip.port = p_canned("421 too many users\r\n", NULL);
	p_expect(&t, false, "ftp: greeting: 421");
	t.rip.port = p_canned(NULL, NULL);
	expect_timeout(&t);
}

/* nntp: ldirectord reads the greeting only; our own banner servers. */
static void nntp_all(void **state)
{
	struct hd_check_target t = p_target(HD_SVC_NNTP,
		p_canned("200 news.example.test InterNetNews ready\r\n",
			 NULL));

	(void)state;
	p_expect(&t, true, "");
	t.rip.port = p_canned("201 no posting\r\n", NULL);
	p_expect(&t, true, "");
	t.rip.port = p_canned("502 you have no permission\r\n", NULL);
	p_expect(&t, false, "nntp: banner: 502");
	t.rip.port = p_canned(NULL, NULL);
	expect_timeout(&t);
	t.rip.port = p_closed_port();
	t.timeout_ms = 2000;
	p_expect(&t, false, "refused");
}

/* sip: kamailio answers OPTIONS 200, or 503 for the user "down". */
static void sip_pass(void **state)
{
	struct hd_check_target t = p_target(HD_SVC_SIP, P_SIP_PORT);

	(void)state;
	t.proto = IPPROTO_UDP;
	p_expect(&t, true, "");         /* login: ldirectord@<hostname> */
	t.login = "alice@example.test";
	p_expect(&t, true, "");
	t.proto = IPPROTO_TCP;
	p_expect(&t, true, "");
	/* Over IPv6 (the Via address bracketed), UDP and TCP. */
	t = p_target6(HD_SVC_SIP, P_SIP_PORT);
	t.proto = IPPROTO_UDP;
	p_expect(&t, true, "");
	t.proto = IPPROTO_TCP;
	p_expect(&t, true, "");
	t.login = "down@example.test";
	p_expect(&t, false, "sip: SIP/2.0 503");
}

static void sip_fail(void **state)
{
	struct hd_check_target t = p_target(HD_SVC_SIP, P_SIP_PORT);

	(void)state;
	t.proto = IPPROTO_UDP;
	t.login = "down@example.test";
	p_expect(&t, false, "sip: SIP/2.0 503");
	t.proto = IPPROTO_TCP;
	p_expect(&t, false, "sip: SIP/2.0 503");
	t.rip.port = p_canned_close("SIP/2.0 200 OK\r\nVia: x\r\n");
	p_expect(&t, true, "");         /* closed after the status: up */
	t.rip.port = p_canned("\r\n", NULL);
	p_expect(&t, false, "No OK");
	t.rip.port = p_canned_close("SIP/2.0 200 OK");   /* no line end */
	p_expect(&t, false, "No OK");
	t.proto = IPPROTO_UDP;
	t.rip.port = p_udp_silent();
	expect_timeout(&t);
	t.rip.port = p_closed_port();
	t.timeout_ms = 2000;
	assert_true(p_expect(&t, false, "refused") < 500);
}

/* A silent server holds up no other check. */
static void sip_hang_beside_live(void **state)
{
	struct hd_check_target hang = p_target(HD_SVC_SIP, p_udp_silent());
	struct hd_check_target live = p_target(HD_SVC_SIP, P_SIP_PORT);

	(void)state;
	hang.proto = live.proto = IPPROTO_UDP;
	hang.timeout_ms = 400;
	p_hang_beside(&hang, &live);
	hang = p_target(HD_SVC_IMAP, p_canned(NULL, NULL));
	hang.timeout_ms = 400;
	live.proto = IPPROTO_TCP;
	p_hang_beside(&hang, &live);
}

/* http: nginx's page (its text, another text, a page it has not, HEAD),
 * and its virtual host by the Host header virtualhost= sets. */
static void http_nginx(void **state)
{
	(void)state;
	struct hd_check_target t = p_target(HD_SVC_HTTP, P_HTTP_PORT);

	t.request = "/index.html";
	t.receive = "Test Page of nginx";
	p_expect(&t, true, NULL);
	t.receive = "Virtual Page";
	p_expect(&t, false, "receive string not found");
	t.virtualhost = "vhost.test";
	p_expect(&t, true, NULL);
	t.virtualhost = NULL;
	t.receive = NULL;
	t.request = "/missing.html";
	p_expect(&t, false, "404");
	t.request = "/index.html";
	t.httpmethod = "HEAD";
	p_expect(&t, true, NULL);
}

/* https: the same page over TLS; plain http to the TLS port is down. */
static void https_nginx(void **state)
{
	(void)state;
	struct hd_check_target t = p_target(HD_SVC_HTTPS, P_HTTPS_PORT);

	t.request = "/index.html";
	t.receive = "Test Page of nginx";
	p_expect(&t, true, NULL);
	t.receive = "Virtual Page";
	p_expect(&t, false, "receive string not found");
	t.service = HD_SVC_HTTP;
	t.receive = "Test Page of nginx";
	p_expect(&t, false, NULL);
}

/* http_proxy: the real server is nginx as a forward proxy; the URL's host
 * picks the page behind it. */
static void http_proxy_nginx(void **state)
{
	(void)state;
	struct hd_check_target t = p_target(HD_SVC_HTTP_PROXY, P_PROXY_PORT);

	t.request = "http://vhost.test/index.html";
	t.receive = "Virtual Page";
	p_expect(&t, true, NULL);
	t.request = "http://www.example.test/index.html";
	p_expect(&t, false, "receive string not found");
	t.request = "http://www.example.test/missing.html";
	t.receive = NULL;
	p_expect(&t, false, "404");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dns_udp_a), cmocka_unit_test(dns_tcp_a),
		cmocka_unit_test(dns_ptr), cmocka_unit_test(dns_mismatch),
		cmocka_unit_test(dns_ipv6), cmocka_unit_test(dns_truncated),
		cmocka_unit_test(dns_silent_refused),
		cmocka_unit_test(smtp_pass), cmocka_unit_test(smtp_wrong),
		cmocka_unit_test(pop_pass), cmocka_unit_test(pop_fail),
		cmocka_unit_test(imap_pass), cmocka_unit_test(imap_fail),
		cmocka_unit_test(ftp_pass), cmocka_unit_test(ftp_fail),
		cmocka_unit_test(nntp_all),
		cmocka_unit_test(sip_pass), cmocka_unit_test(sip_fail),
		cmocka_unit_test(sip_hang_beside_live),
		cmocka_unit_test(http_nginx), cmocka_unit_test(https_nginx),
		cmocka_unit_test(http_proxy_nginx),
	};

	p_setup();
	/* One group: each server started once, one summary. */
	return cmocka_run_group_tests_name("hd_proto1", tests,
					   p_servers_start, p_servers_stop);
}
