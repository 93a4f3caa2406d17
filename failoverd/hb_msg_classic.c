/* heartbeat's classic-mode inner `auth` field.  With msgfmt classic (the
 * default) heartbeat adds "auth=N TOKEN" as the last field, TOKEN signing
 * cluster-glue's msg2string_buf(NOHEAD) of the fields before it: per
 * field "name=value\n", "(T)" before the name of a non-string field and a
 * binary value in base64.  Netstring receivers do not check it, but a
 * node that looks like heartbeat sends it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "hb_msg.h"

/* Classic text is at most this long for us (our messages are small). */
#define HB_CLASSIC_MAX 4096

static int append(char *buf, size_t *pos, const void *p, size_t n)
{
	if (n >= HB_CLASSIC_MAX - *pos)
		return -ENOSPC;
	memcpy(buf + *pos, p, n);
	*pos += n;
	return 0;
}

static int classic_field(char *buf, size_t *pos, const struct hb_field *f)
{
	unsigned char b64[4 * ((HB_MSG_ARENA + 2) / 3) + 1];
	char pre[4] = { '(', (char)('0' + f->type), ')', 0 };

	if (f->type == HB_FT_BINARY) {
		if (f->vlen > HB_MSG_ARENA)
			return -ENOSPC;
		int n = EVP_EncodeBlock(b64, f->val, (int)f->vlen);
		return append(buf, pos, pre, 3) || append(buf, pos, f->name, f->nlen) ||
		       append(buf, pos, "=", 1) || append(buf, pos, b64, (size_t)n) ||
		       append(buf, pos, "\n", 1) ? -ENOSPC : 0;
	}
	/* classic replaces newlines in values by a private symbol; we never
	 * sign such values rather than imitate it. */
	if (memchr(f->val, '\n', f->vlen))
		return -EINVAL;
	return append(buf, pos, f->name, f->nlen) || append(buf, pos, "=", 1) ||
	       append(buf, pos, f->val, f->vlen) || append(buf, pos, "\n", 1) ? -ENOSPC : 0;
}

int hb_msg_classic_text(const struct hb_msg *m, char *buf, size_t cap, size_t *len)
{
	char text[HB_CLASSIC_MAX];
	size_t pos = 0;
	int r;

	for (unsigned i = 0; i < m->nf; i++) {
		if (m->f[i].nlen == 4 && memcmp(m->f[i].name, "auth", 4) == 0)
			continue;
		if ((r = classic_field(text, &pos, &m->f[i])))
			return r;
	}
	if (pos > cap)
		return -ENOSPC;
	memcpy(buf, text, pos);
	*len = pos;
	return 0;
}

int hb_msg_add_inner_auth(struct hb_msg *m, const struct hb_authkeys *keys, int idx)
{
	char text[HB_CLASSIC_MAX], tok[HB_AUTH_TOKMAX], val[HB_AUTH_TOKMAX + 8];
	size_t len;
	int r;

	if (idx < 0 || idx >= HB_AUTH_MAXIDX)
		return -ENOKEY;
	if ((r = hb_msg_classic_text(m, text, sizeof(text), &len)))
		return r;
	if ((r = hb_auth_token(&keys->k[idx], (const uint8_t *)text, len, tok)) < 0)
		return r;
	snprintf(val, sizeof(val), "%d %s", idx, tok);
	return hb_msg_add_str(m, "auth", val);
}
