// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd's ldap, ldaps, mysql, pgsql and radius checks against the
 * real Debian servers (slapd, mariadbd, postgres, freeradius): the binary
 * first moves into a network namespace of its own (unshare), then
 * hd_proto2_srv.sh starts the four there on 127.0.0.1, once for all the
 * cases.  Each check passes against the right answer and fails against a
 * wrong password, an empty result, a DN that does not match, a wrong
 * secret; a server that never answers ends the check by its timeout, on
 * time, and does not hold up another check.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <sys/wait.h>

#include "check.h"

enum {
	P_LDAP = 389, P_LDAPS = 636, P_MYSQL = 3306, P_PGSQL = 5432,
	P_RADIUS = 1812,
	P_HANG = 7001,          /* TCP: listens, never accepts or answers */
	P_HANG_UDP = 7002,      /* UDP: bound, never answers */
	P_CLOSED = 7003,        /* nothing there */
	P_FAKE_RAD = 7004,      /* UDP: the test's own RADIUS server */
	P_FAKE_LDAP = 7005,     /* the test's own LDAP server, plain */
	P_FAKE_LDAPS = 7006,    /* and over TLS */
};

static struct event_base *base;
static struct hd_checker *ck;
static char srv_dir[] = "/tmp/hd_proto2.XXXXXX";
static char srv_script[PATH_MAX];
static int hang_tcp = -1, hang_udp = -1;

static int bound(int type, uint16_t port);

struct result {
	bool done, up;
	char why[160];
	long ms;
	struct timespec t0;
};

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void on_done(void *arg, bool up, const char *why)
{
	struct result *r = arg;

	r->done = true;
	r->up = up;
	snprintf(r->why, sizeof(r->why), "%s", why);
	r->ms = ms_since(&r->t0);
}

static struct hd_check_target target(enum hd_service s, uint16_t port)
{
	struct hd_check_target t = {
		.kind = HD_CHECK_NEGOTIATE, .service = s, .proto = IPPROTO_TCP,
		.timeout_ms = 3000,
	};

	t.rip.af = 4;
	inet_pton(AF_INET, "127.0.0.1", t.rip.addr);
	t.rip.port = port;
	return t;
}

/* Starts the checks at once and runs the loop until all have ended (or
 * their timeout and two seconds have passed: then the case fails). */
static void run_n(struct hd_check_target *t, struct result *r, int n)
{
	struct hd_check *c[4];
	unsigned longest = 0;
	int left = n;

	assert_true(n <= 4);
	for (int i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		clock_gettime(CLOCK_MONOTONIC, &r[i].t0);
		c[i] = hd_check_start(ck, &t[i], on_done, &r[i]);
		assert_non_null(c[i]);
		if (t[i].timeout_ms > longest)
			longest = t[i].timeout_ms;
	}
	while (left && ms_since(&r[0].t0) < (long)longest + 2000) {
		event_base_loop(base, EVLOOP_ONCE);
		left = 0;
		for (int i = 0; i < n; i++)
			left += !r[i].done;
	}
	for (int i = 0; i < n; i++) {
		if (!r[i].done)
			hd_check_cancel(c[i]);
		assert_true(r[i].done);
		print_message("    %s: %s \"%s\" in %ld ms\n",
			      hd_service_name(t[i].service),
			      r[i].up ? "up" : "down", r[i].why, r[i].ms);
	}
}

static struct result run1(struct hd_check_target t)
{
	struct result r;

	run_n(&t, &r, 1);
	return r;
}

static void assert_down(struct result r, const char *why_prefix)
{
	assert_false(r.up);
	if (strncmp(r.why, why_prefix, strlen(why_prefix)))
		fail_msg("why \"%s\", not \"%s...\"", r.why, why_prefix);
}

/* Ended by its own timeout: no sooner, and not much later. */
static void assert_timed_out(struct result r, unsigned ms)
{
	assert_down(r, "timed out");
	assert_true(r.ms >= (long)ms - 5);
	assert_true(r.ms < (long)ms + 150);
}

/* ---- ldap, ldaps ---- */

static struct hd_check_target ldap_target(enum hd_service s)
{
	struct hd_check_target t =
		target(s, s == HD_SVC_LDAPS ? P_LDAPS : P_LDAP);

	t.request = "/dc=example,dc=com";
	return t;
}

static void ldap_anonymous(void **state)
{
	(void)state;
	struct hd_check_target t = ldap_target(HD_SVC_LDAP);
	struct result r = run1(t);

	assert_true(r.up);
	assert_string_equal(r.why, "");
	t.receive = "^dc=example,dc=com$";
	assert_true(run1(t).up);
	/* a login without a passwd binds anonymously, as ldirectord */
	t.login = "cn=nobody,dc=example,dc=com";
	assert_true(run1(t).up);
}

static void ldap_login(void **state)
{
	(void)state;
	struct hd_check_target t = ldap_target(HD_SVC_LDAP);

	t.login = "cn=admin,dc=example,dc=com";
	t.passwd = "secret";
	assert_true(run1(t).up);
	t.passwd = "wrong";
	assert_down(run1(t), "Bind failed: Invalid credentials");
}

static void ldap_wrong_answer(void **state)
{
	(void)state;
	struct hd_check_target t = ldap_target(HD_SVC_LDAP);

	t.receive = "dc=other";
	assert_down(run1(t), "Response mismatch: dc=example,dc=com");
	t.receive = NULL;
	t.request = "/ou=none,dc=example,dc=com";   /* no such entry */
	assert_down(run1(t), "No answer received");
	/* the root DSE, whose DN "" matches no receive */
	t.request = "/";
	assert_true(run1(t).up);
	t.receive = "example";
	assert_down(run1(t), "Response mismatch");
}

static void ldaps_up_and_down(void **state)
{
	(void)state;
	struct hd_check_target t = ldap_target(HD_SVC_LDAPS);

	t.receive = "example";
	assert_true(run1(t).up);
	t.login = "cn=admin,dc=example,dc=com";
	t.passwd = "secret";
	assert_true(run1(t).up);
	t.passwd = "wrong";
	assert_down(run1(t), "Bind failed: Invalid credentials");
	t.rip.port = P_LDAP;    /* plain LDAP does not speak TLS */
	assert_down(run1(t), "Connection failed: TLS handshake failed");
}

static void ldap_no_server(void **state)
{
	(void)state;
	struct hd_check_target t = ldap_target(HD_SVC_LDAP);
	struct result r;

	t.rip.port = P_CLOSED;
	r = run1(t);
	assert_down(r, "Connection failed: Connection refused");
	assert_true(r.ms < 200);
	t.rip.port = P_HANG;
	t.timeout_ms = 400;
	assert_timed_out(run1(t), 400);
	t.service = HD_SVC_LDAPS;       /* hangs in the TLS handshake */
	assert_timed_out(run1(t), 400);
}

/* The test's own LDAP server, in a child process: it answers a bind and
 * then a search with the entry dc=fake and the search's end in one write
 * (over TLS: in one record), so the second message is already read off
 * the socket when the first is taken. */
static int ber_msgid(const uint8_t *p, ssize_t n)
{
	ssize_t i = 2;

	if (n < 7 || p[0] != 0x30)
		return -1;
	if (p[1] & 0x80)
		i += p[1] & 0x7f;       /* lber's long-form lengths */
	if (i + 3 > n || p[i] != 0x02 || p[i + 1] != 1)
		return -1;
	return p[i + 2];
}

static ssize_t fake_io(SSL *ssl, int fd, void *buf, size_t len, bool wr)
{
	if (ssl)
		return wr ? SSL_write(ssl, buf, (int)len) :
			    SSL_read(ssl, buf, (int)len);
	return wr ? write(fd, buf, len) : read(fd, buf, len);
}

static void fake_ldap_serve(SSL *ssl, int fd)
{
	uint8_t req[1024], bind[] = { 0x30, 12, 2, 1, 0, 0x61, 7, 10, 1, 0,
				      4, 0, 4, 0 };
	uint8_t both[] = { 0x30, 16, 2, 1, 0, 0x64, 11, 4, 7, 'd', 'c', '=',
			   'f', 'a', 'k', 'e', 0x30, 0,
			   0x30, 12, 2, 1, 0, 0x65, 7, 10, 1, 0, 4, 0, 4, 0 };
	ssize_t n = fake_io(ssl, fd, req, sizeof(req), false);

	if ((bind[4] = (uint8_t)ber_msgid(req, n)) == 0xff ||
	    fake_io(ssl, fd, bind, sizeof(bind), true) <= 0)
		return;
	n = fake_io(ssl, fd, req, sizeof(req), false);
	both[4] = both[22] = (uint8_t)ber_msgid(req, n);
	if (fake_io(ssl, fd, both, sizeof(both), true) <= 0)
		return;
	while (fake_io(ssl, fd, req, sizeof(req), false) > 0)
		;               /* until the check's unbind and close */
}

static pid_t fake_ldap(uint16_t port, bool tls)
{
	char cert[sizeof(srv_dir) + 32], key[sizeof(srv_dir) + 32];
	int l = bound(SOCK_STREAM, port), fd;
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	pid_t pid;

	assert_true(l >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid) {
		close(l);
		return pid;
	}
	alarm(10);              /* never outlives the test by much */
	snprintf(cert, sizeof(cert), "%s/ldap/cert.pem", srv_dir);
	snprintf(key, sizeof(key), "%s/ldap/key.pem", srv_dir);
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		_exit(1);
	while ((fd = accept(l, NULL, NULL)) >= 0) {
		if (tls) {
			ssl = SSL_new(ctx);
			SSL_set_fd(ssl, fd);
			if (SSL_accept(ssl) != 1)
				_exit(1);
		}
		fake_ldap_serve(ssl, fd);
		SSL_free(ssl);
		close(fd);
	}
	_exit(0);
}

static void ldap_two_messages_at_once(void **state)
{
	(void)state;
	pid_t plain = fake_ldap(P_FAKE_LDAP, false);
	pid_t tls = fake_ldap(P_FAKE_LDAPS, true);
	struct hd_check_target t = ldap_target(HD_SVC_LDAP);
	struct result r;

	t.receive = "^dc=fake$";
	t.rip.port = P_FAKE_LDAP;
	r = run1(t);
	assert_true(r.up);
	assert_true(r.ms < 300);
	t.service = HD_SVC_LDAPS;
	t.rip.port = P_FAKE_LDAPS;
	r = run1(t);
	assert_true(r.up);
	assert_true(r.ms < 300);
	kill(plain, SIGKILL);
	kill(tls, SIGKILL);
	waitpid(plain, NULL, 0);
	waitpid(tls, NULL, 0);
}

/* ---- mysql, pgsql ---- */

static struct hd_check_target sql_target(enum hd_service s)
{
	struct hd_check_target t =
		target(s, s == HD_SVC_MYSQL ? P_MYSQL : P_PGSQL);

	t.login = "chk";
	t.passwd = "pw";
	t.database = "db";
	t.request = "/SELECT ok FROM t WHERE ok = 1";
	return t;
}

static void sql_up_and_down(enum hd_service s)
{
	struct hd_check_target t = sql_target(s);

	assert_true(run1(t).up);
	t.request = "SELECT ok FROM t";         /* without the "/" too */
	assert_true(run1(t).up);
	t.request = "/SELECT ok FROM t WHERE ok = 0";
	assert_down(run1(t), "no rows returned");
	t.request = "/SELECT nosuch FROM t";
	assert_down(run1(t), "Error executing statement: ");
	t.request = "/SELECT ok FROM t";
	t.passwd = "wrong";
	assert_down(run1(t), "Failed to bind: ");
	t.passwd = "pw";
	t.login = NULL;
	assert_down(run1(t), "Error: Must specify a login and request");
	t.login = "chk";
	t.request = "/";
	assert_down(run1(t), "Error: Must specify a login and request");
}

static void sql_no_server(enum hd_service s)
{
	struct hd_check_target t = sql_target(s);
	struct result r;

	t.rip.port = P_CLOSED;
	r = run1(t);
	assert_down(r, "Failed to bind: ");
	assert_true(r.ms < 200);
	t.rip.port = P_HANG;
	t.timeout_ms = 400;
	assert_timed_out(run1(t), 400);
}

static void mysql_up_and_down(void **state)
{
	(void)state;
	sql_up_and_down(HD_SVC_MYSQL);
}

static void mysql_no_server(void **state)
{
	(void)state;
	sql_no_server(HD_SVC_MYSQL);
}

static void pgsql_up_and_down(void **state)
{
	(void)state;
	sql_up_and_down(HD_SVC_PGSQL);
}

static void pgsql_no_server(void **state)
{
	(void)state;
	sql_no_server(HD_SVC_PGSQL);
}

/* ---- radius, oracle ---- */

static struct hd_check_target radius_target(void)
{
	struct hd_check_target t = target(HD_SVC_RADIUS, P_RADIUS);

	t.proto = IPPROTO_UDP;
	t.login = "alice";
	t.passwd = "wonder";
	t.secret = "testing123";
	return t;
}

static void radius_up_and_down(void **state)
{
	(void)state;
	struct hd_check_target t = radius_target();

	assert_true(run1(t).up);
	t.passwd = "wrong";
	assert_down(run1(t), "Access-Reject");
	t.passwd = "wonder";
	t.login = "bob";
	assert_down(run1(t), "Access-Reject");
	t.login = "alice";
	t.secret = "wrongsecret";
	assert_down(run1(t), "bad reply authenticator");
}

/* carol's replies carry a Message-Authenticator: it is checked, and
 * right. */
static void radius_message_authenticator(void **state)
{
	(void)state;
	struct hd_check_target t = radius_target();

	t.login = "carol";
	t.passwd = "pw";
	assert_true(run1(t).up);
	t.passwd = "wrong";
	assert_down(run1(t), "Access-Reject");
}

/* The test's own RADIUS server, written from RFC 2865 (3, 4.2) and RFC
 * 3579 (3.2): it answers every request with code, signed with secret,
 * and with a Message-Authenticator when ma is set (a wrong one when
 * ma_bad). */
struct fake_rad {
	uint8_t code;
	bool ma, ma_bad;
	const char *secret;
};

static void fake_rad_answer(evutil_socket_t fd, short what, void *arg)
{
	const struct fake_rad *f = arg;
	uint8_t req[4096], rep[64] = { f->code };
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(fd, req, sizeof(req), 0,
			     (struct sockaddr *)&from, &flen);
	size_t len = 20, sl = strlen(f->secret);
	unsigned mdlen = 16;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	(void)what;
	if (n < 20 || !md)
		return;
	rep[1] = req[1];
	if (f->ma) {
		rep[20] = 80;
		rep[21] = 18;
		len += 18;
	}
	rep[3] = (uint8_t)len;
	memcpy(rep + 4, req + 4, 16);   /* the request's, for both digests */
	if (f->ma) {
		HMAC(EVP_md5(), f->secret, (int)sl, rep, len, rep + 22, &mdlen);
		rep[22] ^= f->ma_bad;
	}
	EVP_DigestInit_ex(md, EVP_md5(), NULL);
	EVP_DigestUpdate(md, rep, len);
	EVP_DigestUpdate(md, f->secret, sl);
	EVP_DigestFinal_ex(md, rep + 4, &mdlen);
	EVP_MD_CTX_free(md);
	sendto(fd, rep, len, 0, (struct sockaddr *)&from, flen);
}

static struct result fake_rad_run(struct fake_rad f)
{
	struct hd_check_target t = radius_target();
	int fd = bound(SOCK_DGRAM, P_FAKE_RAD);
	struct event *ev;
	struct result r;

	assert_true(fd >= 0);
	ev = event_new(base, fd, EV_READ | EV_PERSIST, fake_rad_answer, &f);
	assert_non_null(ev);
	event_add(ev, NULL);
	t.rip.port = P_FAKE_RAD;
	r = run1(t);
	event_free(ev);
	close(fd);
	return r;
}

static void radius_wrong_answers(void **state)
{
	(void)state;
	struct fake_rad f = { .code = 2, .secret = "testing123" };

	assert_true(fake_rad_run(f).up);
	f.ma = true;
	assert_true(fake_rad_run(f).up);
	f.ma_bad = true;
	assert_down(fake_rad_run(f), "bad reply authenticator");
	f.ma = f.ma_bad = false;
	f.secret = "other";
	assert_down(fake_rad_run(f), "bad reply authenticator");
	f.secret = "testing123";
	f.code = 11;
	assert_down(fake_rad_run(f), "Access-Challenge");
	f.code = 5;     /* an Accounting-Response is no answer to this */
	assert_down(fake_rad_run(f), "RADIUS reply code 5");
}

static void radius_no_server(void **state)
{
	(void)state;
	struct hd_check_target t = radius_target();
	struct result r;

	t.rip.port = P_CLOSED;
	r = run1(t);
	assert_down(r, "Connection refused");
	assert_true(r.ms < 200);
	t.rip.port = P_HANG_UDP;
	t.timeout_ms = 400;
	assert_timed_out(run1(t), 400);
}

static void oracle_refused(void **state)
{
	(void)state;
	assert_down(run1(target(HD_SVC_ORACLE, 1521)),
		    "service oracle is not supported");
}

/* Hanging checks of every kind at once do not hold up good ones. */
static void hang_holds_up_nothing(void **state)
{
	(void)state;
	struct hd_check_target t[4] = {
		ldap_target(HD_SVC_LDAP), sql_target(HD_SVC_MYSQL),
		sql_target(HD_SVC_PGSQL), radius_target(),
	};
	struct result r[4];

	t[1].rip.port = P_HANG;
	t[2].rip.port = P_HANG;
	t[3].rip.port = P_HANG_UDP;
	for (int i = 1; i < 4; i++)
		t[i].timeout_ms = 600;
	run_n(t, r, 4);
	assert_true(r[0].up);
	assert_true(r[0].ms < 300);
	for (int i = 1; i < 4; i++)
		assert_timed_out(r[i], 600);
	t[0] = sql_target(HD_SVC_PGSQL);
	t[1] = ldap_target(HD_SVC_LDAPS);
	t[1].rip.port = P_HANG;
	t[1].timeout_ms = 600;
	run_n(t, r, 2);
	assert_true(r[0].up);
	assert_true(r[0].ms < 300);
	assert_timed_out(r[1], 600);
}

/* Each over IPv6 (radius with NAS-IPv6-Address, as Authen::Radius
 * cannot). */
static void ipv6_up(void **state)
{
	(void)state;
	struct hd_check_target t[4] = {
		ldap_target(HD_SVC_LDAP), sql_target(HD_SVC_MYSQL),
		sql_target(HD_SVC_PGSQL), radius_target(),
	};
	struct result r[4];

	for (int i = 0; i < 4; i++) {
		t[i].rip.af = 6;
		inet_pton(AF_INET6, "::1", t[i].rip.addr);
	}
	run_n(t, r, 4);
	for (int i = 0; i < 4; i++)
		assert_true(r[i].up);
	t[3].passwd = "wrong";
	assert_down(run1(t[3]), "Access-Reject");
}

/* A server whose address never answers (the SYN is lost): each check ends
 * by its timeout, on time, however far its library had got. */
static void black_hole(void **state)
{
	(void)state;
	struct hd_check_target t[4] = {
		ldap_target(HD_SVC_LDAPS), sql_target(HD_SVC_MYSQL),
		sql_target(HD_SVC_PGSQL), radius_target(),
	};
	struct result r[4];

	for (int i = 0; i < 4; i++) {
		inet_pton(AF_INET, "10.99.0.2", t[i].rip.addr);
		t[i].timeout_ms = 400;
	}
	run_n(t, r, 4);
	for (int i = 0; i < 4; i++)
		assert_timed_out(r[i], 400);
}

static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* 40 checks of each service at once: all pass, none waits for another
 * longer than the servers take, and every descriptor is given back. */
static void many_at_once(void **state)
{
	(void)state;
	enum { EACH = 40, N = 5 * EACH };
	static struct result r[N];
	struct hd_check_target t[5] = {
		ldap_target(HD_SVC_LDAP), ldap_target(HD_SVC_LDAPS),
		sql_target(HD_SVC_MYSQL), sql_target(HD_SVC_PGSQL),
		radius_target(),
	};
	int fds = open_fds(), left = N, up = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < N; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].t0 = t0;
		assert_non_null(hd_check_start(ck, &t[i % 5], on_done, &r[i]));
	}
	while (left && ms_since(&t0) < 5000) {
		event_base_loop(base, EVLOOP_ONCE);
		left = 0;
		for (int i = 0; i < N; i++)
			left += !r[i].done;
	}
	for (int i = 0; i < N; i++)
		up += r[i].up;
	print_message("    %d of %d up in %ld ms\n", up, N, ms_since(&t0));
	assert_int_equal(left, 0);
	assert_int_equal(up, N);
	assert_int_equal(hd_checker_running(ck), 0);
	assert_int_equal(open_fds(), fds);
}

/* ---- the namespace and its servers ---- */

static int bound(int type, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int find_script(void)
{
	char exe[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		snprintf(srv_script, sizeof(srv_script),
			 "%s/../../tests/unit/hd_proto2_srv.sh", exe);
		if (!access(srv_script, R_OK))
			return 0;
	}
	snprintf(srv_script, sizeof(srv_script), "tests/unit/hd_proto2_srv.sh");
	return access(srv_script, R_OK);
}

static int srv(const char *what)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "bash %s %s %s %d", srv_script, what,
		 srv_dir, (int)getpid());
	return system(cmd) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
	(void)state;
	/* As the daemon: a peer that closes under a write is a failed check,
	 * not a dead process (OpenSSL and libldap write with plain write()). */
	signal(SIGPIPE, SIG_IGN);
	if (unshare(CLONE_NEWNET) < 0) {
		print_error("unshare(CLONE_NEWNET): %s (run as root)\n",
			    strerror(errno));
		return -1;
	}
	if (find_script() || !mkdtemp(srv_dir)) {
		print_error("no hd_proto2_srv.sh, or no temp dir\n");
		return -1;
	}
	if (srv("start")) {
		print_error("the servers did not start (scripts/install-deps "
			    "installs them); logs under %s\n", srv_dir);
		srv("stop");    /* those that did; the logs stay */
		return -1;
	}
	hang_tcp = bound(SOCK_STREAM, P_HANG);
	hang_udp = bound(SOCK_DGRAM, P_HANG_UDP);
	base = event_base_new();
	ck = base ? hd_checker_new(base) : NULL;
	return hang_tcp < 0 || hang_udp < 0 || !ck ? -1 : 0;
}

static int group_teardown(void **state)
{
	char cmd[sizeof(srv_dir) + 16];

	(void)state;
	hd_checker_free(ck);
	if (base)
		event_base_free(base);
	if (hang_tcp >= 0)
		close(hang_tcp);
	if (hang_udp >= 0)
		close(hang_udp);
	srv("stop");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", srv_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ldap_anonymous),
		cmocka_unit_test(ldap_login),
		cmocka_unit_test(ldap_wrong_answer),
		cmocka_unit_test(ldaps_up_and_down),
		cmocka_unit_test(ldap_no_server),
		cmocka_unit_test(ldap_two_messages_at_once),
		cmocka_unit_test(mysql_up_and_down),
		cmocka_unit_test(mysql_no_server),
		cmocka_unit_test(pgsql_up_and_down),
		cmocka_unit_test(pgsql_no_server),
		cmocka_unit_test(radius_up_and_down),
		cmocka_unit_test(radius_message_authenticator),
		cmocka_unit_test(radius_wrong_answers),
		cmocka_unit_test(radius_no_server),
		cmocka_unit_test(oracle_refused),
		cmocka_unit_test(hang_holds_up_nothing),
		cmocka_unit_test(ipv6_up),
		cmocka_unit_test(black_hole),
		cmocka_unit_test(many_at_once),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
