/* heartbeat's netstring message encoding (see hb_msg.h), both ways. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hb_msg.h"

#define HB_HEAD "###\n"
#define HB_TAIL "%%%\n"
#define HB_MARKLEN 4

void hb_msg_init(struct hb_msg *m)
{
	m->nf = 0;
	m->arena_used = 0;
	m->auth_idx = -1;
	m->auth_tok = NULL;
	m->auth_toklen = 0;
	m->signed_len = 0;
}

/* A name heartbeat can carry: 1..HB_MSG_MAXNAME bytes, no '=' (the first
 * '=' ends it), no NUL (it becomes a C string). */
static bool name_ok(const char *n, size_t len)
{
	return len > 0 && len <= HB_MSG_MAXNAME && !memchr(n, '=', len) && !memchr(n, '\0', len);
}

/* Empty values come back as NULL in heartbeat and fail the message, and a
 * NUL inside a string value would cut it short there. */
static bool value_ok(enum hb_ftype t, const void *v, size_t len)
{
	if (len == 0)
		return false;
	return t != HB_FT_STRING || !memchr(v, '\0', len);
}

int hb_msg_add(struct hb_msg *m, const char *name, enum hb_ftype type,
	       const void *val, size_t vlen)
{
	size_t nlen = strlen(name);
	struct hb_field *f;
	char *p;

	if (type != HB_FT_STRING && type != HB_FT_BINARY)
		return -ENOTSUP;
	if (!name_ok(name, nlen) || !value_ok(type, val, vlen))
		return -EINVAL;
	if (m->nf >= HB_MSG_MAXFIELDS || nlen + vlen > HB_MSG_ARENA - m->arena_used)
		return -ENOSPC;
	p = m->arena + m->arena_used;
	memcpy(p, name, nlen);
	memcpy(p + nlen, val, vlen);
	m->arena_used += nlen + vlen;
	f = &m->f[m->nf++];
	*f = (struct hb_field){ .name = p, .nlen = nlen, .val = (const uint8_t *)p + nlen,
				.vlen = vlen, .type = type };
	return 0;
}

int hb_msg_add_str(struct hb_msg *m, const char *name, const char *val)
{
	return hb_msg_add(m, name, HB_FT_STRING, val, strlen(val));
}

int hb_msg_add_hex(struct hb_msg *m, const char *name, unsigned long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%lx", v);
	return hb_msg_add_str(m, name, b);
}

int hb_msg_add_dec(struct hb_msg *m, const char *name, unsigned long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%lu", v);
	return hb_msg_add_str(m, name, b);
}

const struct hb_field *hb_msg_get(const struct hb_msg *m, const char *name)
{
	size_t nlen = strlen(name);

	for (unsigned i = 0; i < m->nf; i++)
		if (m->f[i].nlen == nlen && memcmp(m->f[i].name, name, nlen) == 0)
			return &m->f[i];
	return NULL;
}

int hb_msg_get_str(const struct hb_msg *m, const char *name, char *buf, size_t cap)
{
	const struct hb_field *f = hb_msg_get(m, name);

	if (!f || f->type != HB_FT_STRING)
		return -ENOENT;
	if (f->vlen >= cap)
		return -ENOSPC;
	memcpy(buf, f->val, f->vlen);
	buf[f->vlen] = '\0';
	return 0;
}

int hb_msg_get_hex(const struct hb_msg *m, const char *name, unsigned long *v)
{
	const struct hb_field *f = hb_msg_get(m, name);
	unsigned long x = 0;

	if (!f || f->type != HB_FT_STRING)
		return -ENOENT;
	if (f->vlen == 0)
		return -EINVAL;
	if (f->vlen > 2 * sizeof(unsigned long))
		return -ERANGE;
	for (size_t i = 0; i < f->vlen; i++) {
		uint8_t c = f->val[i];
		int d = c >= '0' && c <= '9' ? c - '0'
		      : c >= 'a' && c <= 'f' ? c - 'a' + 10
		      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -EINVAL;
		x = x << 4 | (unsigned long)d;
	}
	*v = x;
	return 0;
}

/* out[*pos..] += bytes, bounded. */
static int put(uint8_t *out, size_t cap, size_t *pos, const void *p, size_t n)
{
	if (n > cap - *pos)
		return -ENOSPC;
	memcpy(out + *pos, p, n);
	*pos += n;
	return 0;
}

static int put_field(uint8_t *out, size_t cap, size_t *pos, const struct hb_field *f)
{
	char hdr[32];
	int h;

	if (!name_ok(f->name, f->nlen) || !value_ok(f->type, f->val, f->vlen))
		return -EINVAL;
	/* LEN counts "(T)" + name + "=" + value (cl_msg_types.c). */
	h = snprintf(hdr, sizeof(hdr), "%zu:(%d)", 3 + f->nlen + 1 + f->vlen, (int)f->type);
	if (put(out, cap, pos, hdr, (size_t)h) || put(out, cap, pos, f->name, f->nlen) ||
	    put(out, cap, pos, "=", 1) || put(out, cap, pos, f->val, f->vlen) ||
	    put(out, cap, pos, ",", 1))
		return -ENOSPC;
	return 0;
}

int hb_msg_encode(const struct hb_msg *m, const struct hb_authkeys *keys, int idx,
		  uint8_t *out, size_t cap, size_t *len)
{
	char tok[HB_AUTH_TOKMAX], trailer[64];
	size_t pos = 0;
	int r, n, t;

	if (idx < 0 || idx >= HB_AUTH_MAXIDX)
		return -ENOKEY;
	if (put(out, cap, &pos, HB_HEAD, HB_MARKLEN))
		return -ENOSPC;
	for (unsigned i = 0; i < m->nf; i++)
		if ((r = put_field(out, cap, &pos, &m->f[i])))
			return r;
	if (put(out, cap, &pos, HB_TAIL, HB_MARKLEN))
		return -ENOSPC;
	n = hb_auth_token(&keys->k[idx], out, pos, tok);
	if (n < 0)
		return n;
	/* The trailer is itself a netstring of "N TOKEN". */
	n += idx >= 10 ? 3 : 2;
	t = snprintf(trailer, sizeof(trailer), "%d:%d %s,", n, idx, tok);
	if (put(out, cap, &pos, trailer, (size_t)t))
		return -ENOSPC;
	*len = pos;
	return 0;
}
