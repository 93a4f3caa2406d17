// SPDX-License-Identifier: GPL-2.0
/*
 * The radius negotiate check, as ldirectord 4.12's check_radius, which is
 * Authen::Radius's check_pwd(login, passwd) with the secret: one
 * Access-Request (RFC 2865) carrying User-Name, User-Password and
 * NAS-IP-Address (the check socket's own address), sent once, never
 * retransmitted; the first datagram that comes back decides.  It passes
 * only when that is an Access-Accept whose Response Authenticator (and
 * Message-Authenticator, when it has one) is right for the secret; a
 * reject, a challenge, a wrong authenticator (a wrong secret), an ICMP
 * refusal or no answer fail it.  Over IPv6, which Authen::Radius cannot
 * reach, NAS-IPv6-Address stands in for NAS-IP-Address.
 *
 * Written here on a non-blocking UDP socket with OpenSSL's MD5 rather
 * than through libradcli: radcli's rc_auth blocks (a thread per running
 * check, and one cannot be cancelled), takes its timeout in whole
 * seconds, retransmits, and adds a NAS-Port that Authen::Radius never
 * sends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "check_int.h"
#include "check_proto2.h"

enum {
	RAD_ACCESS_REQUEST = 1, RAD_ACCESS_ACCEPT = 2, RAD_ACCESS_REJECT = 3,
	RAD_ACCESS_CHALLENGE = 11,
	RAD_USER_NAME = 1, RAD_USER_PASSWORD = 2, RAD_NAS_IP = 4,
	RAD_MSG_AUTH = 80, RAD_NAS_IPV6 = 95,
	RAD_HDR = 20, RAD_MAX = 4096, RAD_PW_MAX = 128,
};

struct radck_chk {
	struct hd_check *c;
	int fd;
	struct event *ev;
	uint8_t auth[16];       /* the request's authenticator */
};

struct radck_part {
	const void *p;
	size_t len;
};

/* MD5 of the parts one after another. */
static void radck_md5(const struct radck_part *part, int n, uint8_t out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned len = 16;

	memset(out, 0, 16);     /* no context: a digest nothing matches */
	if (!ctx)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1) {
		for (int i = 0; i < n; i++)
			EVP_DigestUpdate(ctx, part[i].p, part[i].len);
		EVP_DigestFinal_ex(ctx, out, &len);
	}
	EVP_MD_CTX_free(ctx);
}

static const char *radck_secret(const struct hd_check_target *t)
{
	return t->secret ? t->secret : "";
}

static size_t radck_attr(uint8_t *p, size_t off, uint8_t type,
			 const void *val, size_t len)
{
	p[off] = type;
	p[off + 1] = (uint8_t)(len + 2);
	memcpy(p + off + 2, val, len);
	return off + 2 + len;
}

/* User-Password, RFC 2865 5.2: padded to 16 bytes, each block XORed with
 * MD5(secret + the previous cipher block, the authenticator first). */
static size_t radck_password(struct radck_chk *r, uint8_t *p, size_t off)
{
	const char *pw = r->c->t.passwd ? r->c->t.passwd : "";
	const char *secret = radck_secret(&r->c->t);
	uint8_t buf[RAD_PW_MAX] = { 0 };
	size_t len = strlen(pw), i, j;
	const uint8_t *prev = r->auth;
	uint8_t md[16];

	if (len > RAD_PW_MAX)
		len = RAD_PW_MAX;
	memcpy(buf, pw, len);
	len = (len + 15) & ~(size_t)15;
	for (i = 0; i < len; i += 16) {
		struct radck_part part[] = { { secret, strlen(secret) },
					   { prev, 16 } };

		radck_md5(part, 2, md);
		for (j = 0; j < 16; j++)
			buf[i + j] ^= md[j];
		prev = buf + i;
	}
	return radck_attr(p, off, RAD_USER_PASSWORD, buf, len);
}

/* The Access-Request into p: its length. */
static size_t radck_request(struct radck_chk *r, uint8_t *p)
{
	static uint8_t id;      /* Authen::Radius counts from 1 too */
	const char *user = r->c->t.login ? r->c->t.login : "";
	struct sockaddr_storage me;
	socklen_t melen = sizeof(me);
	size_t off = RAD_HDR, ulen = strlen(user);

	p[0] = RAD_ACCESS_REQUEST;
	p[1] = ++id;
	memcpy(p + 4, r->auth, 16);
	off = radck_attr(p, off, RAD_USER_NAME, user, ulen > 253 ? 253 : ulen);
	off = radck_password(r, p, off);
	memset(&me, 0, sizeof(me));
	getsockname(r->fd, (struct sockaddr *)&me, &melen);
	if (me.ss_family == AF_INET6)
		off = radck_attr(p, off, RAD_NAS_IPV6,
				 &((struct sockaddr_in6 *)&me)->sin6_addr, 16);
	else
		off = radck_attr(p, off, RAD_NAS_IP,
				 &((struct sockaddr_in *)&me)->sin_addr, 4);
	p[2] = (uint8_t)(off >> 8);
	p[3] = (uint8_t)off;
	return off;
}

/* RFC 3579 3.2: the HMAC-MD5 of the reply with the request's
 * authenticator in its place and the attribute's value zeroed. */
static bool radck_msg_auth_ok(struct radck_chk *r, uint8_t *p, size_t len,
			      size_t at)
{
	const char *secret = radck_secret(&r->c->t);
	uint8_t given[16], calc[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	memcpy(given, p + at + 2, 16);
	memset(p + at + 2, 0, 16);
	memcpy(p + 4, r->auth, 16);
	if (!HMAC(EVP_md5(), secret, (int)strlen(secret), p, len, calc, &n))
		return false;
	return n == 16 && !memcmp(given, calc, 16);
}

/* Is the reply the server's, for this request, under our secret?  Its
 * authenticator is MD5(code id length request-authenticator attributes
 * secret). */
static bool radck_reply_ok(struct radck_chk *r, uint8_t *p, size_t len)
{
	const char *secret = radck_secret(&r->c->t);
	struct radck_part part[] = {
		{ p, 4 }, { r->auth, 16 }, { p + RAD_HDR, len - RAD_HDR },
		{ secret, strlen(secret) },
	};
	uint8_t md[16];
	size_t at;

	radck_md5(part, 4, md);
	if (memcmp(md, p + 4, 16))
		return false;
	for (at = RAD_HDR; at + 2 <= len && p[at + 1] >= 2; at += p[at + 1])
		if (p[at] == RAD_MSG_AUTH && p[at + 1] == 18 && at + 18 <= len)
			return radck_msg_auth_ok(r, p, len, at);
	return true;
}

static const char *radck_code_name(uint8_t code)
{
	switch (code) {
	case RAD_ACCESS_REJECT:
		return "Access-Reject";
	case RAD_ACCESS_CHALLENGE:
		return "Access-Challenge";
	default:
		return NULL;
	}
}

static void radck_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct radck_chk *r = arg;
	uint8_t p[RAD_MAX];
	ssize_t n = recv(fd, p, sizeof(p), 0);
	size_t len;
	const char *name;

	(void)what;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		hd_check_finish(r->c, false, "%s", strerror(errno));
		return;
	}
	len = n >= RAD_HDR ? (size_t)(p[2] << 8 | p[3]) : 0;
	if (len < RAD_HDR || len > (size_t)n) {
		hd_check_finish(r->c, false, "malformed RADIUS reply");
		return;
	}
	if (!radck_reply_ok(r, p, len)) {
		hd_check_finish(r->c, false,
				"bad reply authenticator (wrong secret?)");
		return;
	}
	if (p[0] == RAD_ACCESS_ACCEPT) {
		hd_check_finish(r->c, true, "%s", "");
		return;
	}
	name = radck_code_name(p[0]);
	if (name)
		hd_check_finish(r->c, false, "%s", name);
	else
		hd_check_finish(r->c, false, "RADIUS reply code %u", p[0]);
}

/* A connected UDP socket: only the server's replies reach it, and an ICMP
 * refusal comes back as ECONNREFUSED, as to Authen::Radius's. */
static int radck_socket(const struct hd_check_target *t)
{
	struct sockaddr_storage ss;
	socklen_t len = hd_sockaddr(&t->rip, hd_check_port(t), &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_UDP);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

static int radck_start(struct hd_check *c)
{
	struct radck_chk *r = calloc(1, sizeof(*r));
	uint8_t p[RAD_MAX];
	size_t len;
	int fd;

	if (!r)
		return -ENOMEM;
	fd = radck_socket(&c->t);
	if (fd < 0) {
		free(r);
		if (hd_start_errno(-fd))
			return fd;
		hd_check_finish(c, false, "%s", strerror(-fd));
		return 0;
	}
	r->c = c;
	r->fd = fd;
	c->priv = r;
	if (RAND_bytes(r->auth, sizeof(r->auth)) != 1) {
		hd_check_finish(c, false, "no random bytes for the request");
		return 0;
	}
	len = radck_request(r, p);
	if (send(fd, p, len, 0) < 0) {
		hd_check_finish(c, false, "%s", strerror(errno));
		return 0;
	}
	r->ev = event_new(c->ck->base, fd, EV_READ | EV_PERSIST, radck_on_read,
			  r);
	if (!r->ev || event_add(r->ev, NULL) < 0)
		hd_check_finish(c, false, "out of memory");
	return 0;
}

static void radck_stop(struct hd_check *c)
{
	struct radck_chk *r = c->priv;

	if (!r)
		return;
	if (r->ev)
		event_free(r->ev);
	close(r->fd);
	free(r);
	c->priv = NULL;
}

const struct hd_check_ops hd_svc_radius_ops = {
	.name = "radius", .start = radck_start, .stop = radck_stop,
};
