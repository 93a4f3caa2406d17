/* authkeys, as heartbeat 3.0.6's parse_authfile reads it: "auth N" picks
 * the signing index, "N METHOD [KEY]" lines define indices 0..15, and the
 * auth line must come before its key line (heartbeat only looks for the
 * signing key among the lines after it).  Its messages, each with
 * FILE:LINE; stricter where heartbeat would quietly take the last of two
 * definitions or ignore trailing words. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_int.h"

struct ak_ctx {
	const char *file;
	unsigned line;
	struct fo_diag *d;
	struct hb_authkeys *ak;
	int authnum;			/* -1 until an auth line */
	unsigned auth_line;
	bool found;			/* the auth index's key came after it */
};

#define AK_ERR(c, ...) fo_diag_err((c)->d, (c)->file, (c)->line, __VA_ARGS__)

/* A decimal int as sscanf("%d") would read it, without its slack. */
static bool parse_int(const char *w, int *v)
{
	size_t n = strspn(w + (w[0] == '-'), "0123456789");

	if (n == 0 || n > 6 || w[n + (w[0] == '-')])
		return false;
	*v = atoi(w);
	return true;
}

static void auth_line(struct ak_ctx *c, char *p)
{
	char *kw = fo_word(&p), *num = fo_word(&p);
	int n;

	if (strcmp(kw, "auth") != 0 || !num || !parse_int(num, &n) || fo_word(&p)) {
		AK_ERR(c, "Invalid auth line [%s%s%s] in %s", kw, num ? " " : "", num ? num : "",
		       c->file);
		return;
	}
	if (c->authnum >= 0) {
		AK_ERR(c, "a second auth line (the first is line %u)", c->auth_line);
		return;
	}
	c->authnum = n;
	c->auth_line = c->line;
}

static void key_line(struct ak_ctx *c, char *p)
{
	char *num = fo_word(&p), *meth = fo_word(&p), *key = fo_word(&p), *extra = fo_word(&p);
	enum hb_auth_method m;
	int i;

	if (!parse_int(num, &i) || !meth) {
		AK_ERR(c, "Auth line [%s%s%s] is invalid.", num, meth ? " " : "", meth ? meth : "");
		return;
	}
	if (extra && extra[0] != '#') {
		AK_ERR(c, "unexpected [%s] after the key", extra);
		return;
	}
	if (i < 0 || i >= HB_AUTH_MAXIDX) {
		AK_ERR(c, "Invalid authnum [%d] in %s", i, c->file);
		return;
	}
	if (hb_auth_method_parse(meth, &m)) {
		AK_ERR(c, "Invalid authtype [%s]", meth);
		return;
	}
	if (key && m == HB_AUTH_CRC) {
		AK_ERR(c, "Auth method [%s] doesn't use a key", meth);
		return;
	}
	if (!key && m != HB_AUTH_CRC) {
		AK_ERR(c, "Auth method [%s] requires a key", meth);
		return;
	}
	if (key && strlen(key) >= HB_AUTH_MAXKEY) {
		AK_ERR(c, "key longer than %d bytes", HB_AUTH_MAXKEY - 1);
		return;
	}
	if (c->ak->k[i].method != HB_AUTH_NONE) {
		AK_ERR(c, "key %d defined twice", i);
		return;
	}
	if (m == HB_AUTH_CRC)
		fo_diag_warn(c->d, c->file, c->line, "crc authenticates NOTHING: anyone on the "
			     "network can forge heartbeats and take the cluster's addresses; "
			     "use sha1");
	c->ak->k[i].method = m;
	c->ak->k[i].keylen = key ? strlen(key) : 0;
	if (key)
		memcpy(c->ak->k[i].key, key, strlen(key));
	if (i == c->authnum)
		c->found = true;
}

int fo_authkeys_parse(const char *file, const char *buf, size_t len, unsigned mode,
		      struct hb_authkeys *ak, struct fo_diag *d)
{
	struct ak_ctx c = { .file = file, .d = d, .ak = ak, .authnum = -1 };
	unsigned nerr = d->nerr;
	struct fo_lines it;

	memset(ak, 0, sizeof(*ak));
	ak->active = -1;
	if (mode & (S_IROTH | S_IRGRP)) {
		fo_diag_err(d, file, 0, "Bad permissions on keyfile [%s], 600 recommended.", file);
		return -EACCES;
	}
	fo_lines_init(&it, file, buf, len);
	while (fo_lines_next(&it, d)) {
		char *p = it.line + strspn(it.line, " \t");

		c.line = it.lineno;
		if (*p == '#' || *p == '\0')
			continue;
		if (*p == 'a')
			auth_line(&c, p);
		else
			key_line(&c, p);
	}
	c.line = 0;
	if (c.authnum < 0)
		fo_diag_err(d, file, 0, "Missing auth directive in keyfile [%s]", file);
	else if (!c.found)
		fo_diag_err(d, file, c.auth_line, "Auth Key [%d] not found in keyfile [%s]%s",
			    c.authnum, file, c.authnum < HB_AUTH_MAXIDX && ak->k[c.authnum].method
			    ? " (its key line must come after the auth line)" : "");
	else
		ak->active = c.authnum;
	return d->nerr > nerr ? -EINVAL : 0;
}
