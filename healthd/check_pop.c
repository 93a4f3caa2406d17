// SPDX-License-Identifier: GPL-2.0
/*
 * pop and pops as ldirectord's check_pop sees them through
 * Mail::POP3Client: the greeting must start "+OK"; only when login is set,
 * a login in POP3Client's "BEST" order: APOP when the greeting carries a
 * <msg-id> (its answer "+OK" and a NOOP after it "+OK"; a failed NOOP is
 * final), else CRAM-MD5 when CAPA lists it ("AUTH CRAM-MD5", then the
 * HMAC-MD5 answer), else (or after a failed CRAM-MD5) USER ("+") and PASS
 * ("+OK").  The STAT POP3Client sends next cannot fail ldirectord's check
 * (its second login() sees the TRANSACTION state), so none is sent.  pops
 * is the same over TLS (check_proto gives it).
 *
 * One difference, on purpose: POP3Client's new() never fails, so
 * ldirectord passes a pop server that is down when login is unset; here
 * the greeting must come.
 */
#include "check_proto.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

enum pop_state {
	POP_GREETING, POP_APOP, POP_NOOP, POP_CAPA, POP_CAPA_LIST, POP_CRAM,
	POP_CRAM_ANSWER, POP_USER, POP_PASS,
};

struct pop {
	enum pop_state st;
	bool apop_ok;           /* APOP answered +OK */
	bool cram;              /* CAPA listed SASL ... CRAM-MD5 */
	char msgid[256];        /* the greeting's <...@...>, or "" */
};

static const char *const pop_step[] = {
	[POP_GREETING] = "greeting", [POP_APOP] = "APOP",
	[POP_NOOP] = "login failed (APOP)", [POP_CAPA] = "CAPA",
	[POP_CAPA_LIST] = "CAPA", [POP_CRAM] = "AUTH CRAM-MD5",
	[POP_CRAM_ANSWER] = "AUTH CRAM-MD5", [POP_USER] = "USER",
	[POP_PASS] = "login failed",
};

static const char *pop_pass_of(const struct hd_check_target *t)
{
	return t->passwd ? t->passwd : "";
}

static void hex(const unsigned char *md, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* POP3Client's MESG_ID: the first <atom(.atom)*@atom(.atom)*> in the
 * greeting, atom its RFC 822 characters. */
static void pop_msgid(struct pop *p, const char *line)
{
	static const char re[] = "<[-_\\w!#$%&'*+/=?^`{|}~]+"
		"(?:\\.[-_\\w!#$%&'*+/=?^`{|}~]+)*@[-_\\w!#$%&'*+/=?^`{|}~]+"
		"(?:\\.[-_\\w!#$%&'*+/=?^`{|}~]+)*>";
	int err;
	PCRE2_SIZE off, *ov;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
					 0, &err, &off, NULL);
	pcre2_match_data *md = code ?
		pcre2_match_data_create_from_pattern(code, NULL) : NULL;

	p->msgid[0] = '\0';
	if (md && pcre2_match(code, (PCRE2_SPTR)line, PCRE2_ZERO_TERMINATED, 0,
			      0, md, NULL) >= 1) {
		ov = pcre2_get_ovector_pointer(md);
		if (ov[1] - ov[0] < sizeof(p->msgid))
			snprintf(p->msgid, sizeof(p->msgid), "%.*s",
				 (int)(ov[1] - ov[0]), line + ov[0]);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(code);
}

static void pop_apop(struct hd_conv *cv, struct pop *p)
{
	const struct hd_check_target *t = hd_conv_target(cv);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	char h[2 * EVP_MAX_MD_SIZE + 1];
	const char *pw = pop_pass_of(t);

	if (!md || !EVP_DigestInit_ex(md, EVP_md5(), NULL) ||
	    !EVP_DigestUpdate(md, p->msgid, strlen(p->msgid)) ||
	    !EVP_DigestUpdate(md, pw, strlen(pw)) ||
	    !EVP_DigestFinal_ex(md, d, &n)) {
		EVP_MD_CTX_free(md);
		hd_conv_finish(cv, false, "pop: APOP: no MD5");
		return;
	}
	EVP_MD_CTX_free(md);
	hex(d, n, h);
	hd_conv_printf(cv, "APOP %s %s\r\n", t->login, h);
	p->st = POP_APOP;
}

static void pop_user(struct hd_conv *cv, struct pop *p)
{
	hd_conv_printf(cv, "USER %s\r\n", hd_conv_target(cv)->login);
	p->st = POP_USER;
}

/* RFC 2195: base64(user " " hex(HMAC-MD5(passwd, challenge))). */
static void pop_cram(struct hd_conv *cv, struct pop *p, const char *b64)
{
	const struct hd_check_target *t = hd_conv_target(cv);
	const char *pw = pop_pass_of(t);
	size_t bl = strlen(b64);
	unsigned char chal[768], d[EVP_MAX_MD_SIZE];
	unsigned char out[4 * ((sizeof(chal)) / 3) + 4];
	char resp[sizeof(chal)];
	unsigned n = 0;
	int cl;

	if (bl > 4 * (sizeof(chal) / 3) ||
	    (cl = EVP_DecodeBlock(chal, (const unsigned char *)b64, bl)) < 0) {
		pop_user(cv, p);        /* POP3Client: then USER/PASS */
		return;
	}
	while (bl && b64[bl - 1] == '=' && cl > 0) {
		bl--;
		cl--;                   /* DecodeBlock counts the padding */
	}
	if (!HMAC(EVP_md5(), pw, strlen(pw), chal, cl, d, &n) ||
	    strlen(t->login) + 2 + 2 * n > sizeof(resp)) {
		pop_user(cv, p);
		return;
	}
	cl = snprintf(resp, sizeof(resp), "%s ", t->login);
	hex(d, n, resp + cl);
	EVP_EncodeBlock(out, (const unsigned char *)resp, strlen(resp));
	hd_conv_printf(cv, "%s\r\n", (const char *)out);
	p->st = POP_CRAM_ANSWER;
}

static void pop_quit(struct hd_conv *cv)
{
	hd_conv_printf(cv, "QUIT\r\n");
	hd_conv_finish_flushed(cv, true, "");
}

/* The greeting; false: the check failed. */
static bool pop_greeting(struct hd_conv *cv, struct pop *p, const char *line)
{
	const struct hd_check_target *t = hd_conv_target(cv);

	if (strncasecmp(line, "+OK", 3) != 0)
		return false;
	if (!t->login || !t->login[0]) {
		pop_quit(cv);
		return true;
	}
	pop_msgid(p, line);
	if (p->msgid[0]) {
		pop_apop(cv, p);
	} else {
		hd_conv_printf(cv, "CAPA\r\n");
		p->st = POP_CAPA;
	}
	return true;
}

/* One line in state p->st; false: the check failed. */
static bool pop_step_line(struct hd_conv *cv, struct pop *p,
			  const char *line)
{
	bool ok = strncmp(line, "+OK", 3) == 0;

	switch (p->st) {
	case POP_GREETING:
		return pop_greeting(cv, p, line);
	case POP_APOP:
		p->apop_ok = ok;
		hd_conv_printf(cv, "NOOP\r\n");
		p->st = POP_NOOP;
		return true;
	case POP_NOOP:
		/* POP3Client gives up when its NOOP fails (as it does in
		 * the AUTHORIZATION state a failed APOP leaves), and goes
		 * on to CAPA when only the APOP did. */
		if (!ok)
			return false;
		if (p->apop_ok) {
			pop_quit(cv);
		} else {
			hd_conv_printf(cv, "CAPA\r\n");
			p->st = POP_CAPA;
		}
		return true;
	case POP_CAPA:
		if (ok)
			p->st = POP_CAPA_LIST;
		else
			pop_user(cv, p);
		return true;
	case POP_CAPA_LIST:
		if (hd_conv_match("^SASL.*?\\sCRAM-MD5\\b", line,
				  strlen(line)) == 1)
			p->cram = true;
		if (hd_conv_match("^\\.\\s*$", line, strlen(line)) != 1)
			return true;
		if (p->cram) {
			hd_conv_printf(cv, "AUTH CRAM-MD5\r\n");
			p->st = POP_CRAM;
		} else {
			pop_user(cv, p);
		}
		return true;
	case POP_CRAM:
		if (strncmp(line, "+ ", 2) == 0 && line[2])
			pop_cram(cv, p, line + 2);
		else
			pop_user(cv, p);
		return true;
	case POP_CRAM_ANSWER:
		if (ok)
			pop_quit(cv);
		else
			pop_user(cv, p);
		return true;
	case POP_USER:
		if (line[0] != '+')
			return false;
		hd_conv_printf(cv, "PASS %s\r\n",
			       pop_pass_of(hd_conv_target(cv)));
		p->st = POP_PASS;
		return true;
	case POP_PASS:
		if (!ok)
			return false;
		pop_quit(cv);
		return true;
	}
	return false;
}

static void pop_line(struct hd_conv *cv, char *line, size_t len)
{
	struct pop *p = hd_conv_priv(cv);

	(void)len;
	if (!pop_step_line(cv, p, line))
		hd_conv_finish(cv, false, "pop: %s: %.80s", pop_step[p->st],
			       line);
}

const struct hd_conv_ops hd_pop_ops = {
	.name = "pop",
	.priv_size = sizeof(struct pop),
	.line = pop_line,
};
