/* Decoding heartbeat's netstring messages, strictly: every length is
 * checked against the buffer before it is used, and anything heartbeat's
 * own parser would misread or assert on is refused (-EBADMSG). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "hb_msg.h"

#define HB_MARKLEN 4
/* A field or trailer netstring this long is never legitimate for us. */
#define HB_NS_MAXDIGITS 6

/* Reads "LEN:" at buf[*pos], leaving *pos on the first content byte and
 * the content length in *n; the content and its ',' must fit in len.
 * Decimal, no sign, no leading zero (heartbeat writes "%d"). */
static int ns_open(const uint8_t *buf, size_t len, size_t *pos, size_t *n)
{
	size_t p = *pos, v = 0, digits = 0;

	while (p < len && buf[p] >= '0' && buf[p] <= '9') {
		if (++digits > HB_NS_MAXDIGITS || (digits == 2 && v == 0))
			return -EBADMSG;
		v = v * 10 + (size_t)(buf[p++] - '0');
	}
	if (digits == 0 || p >= len || buf[p] != ':')
		return -EBADMSG;
	p++;
	if (v >= len - p || buf[p + v] != ',')
		return -EBADMSG;
	*pos = p;
	*n = v;
	return 0;
}

/* "(T)NAME=VALUE" of n bytes at p. */
static int decode_field(const uint8_t *p, size_t n, struct hb_field *f)
{
	const uint8_t *eq;
	size_t nlen;

	if (n < 3 || p[0] != '(' || p[1] < '0' || p[1] > '9' || p[2] != ')')
		return -EBADMSG;
	if (p[1] - '0' > HB_FT_UNCOMPRESS)
		return -EBADMSG;
	if (p[1] != '0' + HB_FT_STRING && p[1] != '0' + HB_FT_BINARY)
		return -ENOTSUP;
	eq = memchr(p + 3, '=', n - 3);
	if (!eq)
		return -EBADMSG;
	nlen = (size_t)(eq - (p + 3));
	f->type = (enum hb_ftype)(p[1] - '0');
	f->name = (const char *)p + 3;
	f->nlen = nlen;
	f->val = eq + 1;
	f->vlen = n - 3 - nlen - 1;
	if (nlen == 0 || nlen > HB_MSG_MAXNAME || memchr(f->name, '\0', nlen) || f->vlen == 0)
		return -EBADMSG;
	if (f->type == HB_FT_STRING && memchr(f->val, '\0', f->vlen))
		return -EBADMSG;
	return 0;
}

static bool is_lhex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The trailer "LEN:N TOKEN," which must end the buffer exactly. */
static int decode_trailer(const uint8_t *buf, size_t len, size_t pos, struct hb_msg *m)
{
	size_t n, i = 0;
	int idx = 0;

	if (ns_open(buf, len, &pos, &n) || pos + n + 1 != len)
		return -EBADMSG;
	const uint8_t *p = buf + pos;
	while (i < n && i < 2 && p[i] >= '0' && p[i] <= '9')
		idx = idx * 10 + (p[i++] - '0');
	if (i == 0 || (i == 2 && p[0] == '0') || idx >= HB_AUTH_MAXIDX)
		return -EBADMSG;
	if (i >= n || p[i] != ' ' || n - i - 1 == 0 || n - i - 1 > HB_AUTH_TOKMAX - 1)
		return -EBADMSG;
	for (size_t j = i + 1; j < n; j++)
		if (!is_lhex(p[j]))
			return -EBADMSG;
	m->auth_idx = idx;
	m->auth_tok = (const char *)p + i + 1;
	m->auth_toklen = n - i - 1;
	return 0;
}

int hb_msg_decode(const uint8_t *buf, size_t len, struct hb_msg *m)
{
	size_t pos = HB_MARKLEN, n;
	int r;

	hb_msg_init(m);
	if (len > HB_MSG_MAXWIRE)
		return -EMSGSIZE;
	if (len < 2 * HB_MARKLEN || memcmp(buf, "###\n", HB_MARKLEN) != 0)
		return -EBADMSG;
	for (;;) {
		if (len - pos >= HB_MARKLEN && memcmp(buf + pos, "%%%\n", HB_MARKLEN) == 0)
			break;
		if (m->nf >= HB_MSG_MAXFIELDS) {
			hb_msg_init(m);
			return -E2BIG;
		}
		if ((r = ns_open(buf, len, &pos, &n)) ||
		    (r = decode_field(buf + pos, n, &m->f[m->nf]))) {
			hb_msg_init(m);
			return r;
		}
		m->nf++;
		pos += n + 1;
	}
	m->signed_len = pos + HB_MARKLEN;
	if ((r = decode_trailer(buf, len, m->signed_len, m))) {
		hb_msg_init(m);
		return r;
	}
	return 0;
}

int hb_msg_decode_verify(const uint8_t *buf, size_t len, const struct hb_authkeys *keys,
			 struct hb_msg *m)
{
	int r = hb_msg_decode(buf, len, m);

	if (r)
		return r;
	return hb_auth_verify(keys, m->auth_idx, buf, m->signed_len, m->auth_tok, m->auth_toklen);
}
