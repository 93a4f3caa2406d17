/* heartbeat 3.0.6's message wire format (cluster-glue 1.0.12's netstring
 * encoding, which every heartbeat 3.0.6 UDP packet uses whatever msgfmt
 * says): "###\n", one netstring "LEN:(TYPE)NAME=VALUE," per field with no
 * separator, "%%%\n", then the auth trailer netstring "LEN:N TOKEN," whose
 * token signs every byte from the first '#' through the '\n' of "%%%\n".
 *
 * A decoded message's names and values point into the decoded buffer,
 * which must outlive it; values added with hb_msg_add* are copied into the
 * message's own arena.  Every function returns 0 or -errno and never
 * prints.  The decoder is strict: anything heartbeat's own parser would
 * misread or assert on (a field without its "(T)" prefix, a bad length, a
 * short buffer, trailing bytes, an empty value) is -EBADMSG. */
#ifndef XLVS_HB_MSG_H
#define XLVS_HB_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "hb_auth.h"

/* Field types, cluster-glue include/ha_msg.h FT_*.  Only string and binary
 * occur in haresources-mode traffic; the others are refused (-ENOTSUP). */
enum hb_ftype {
	HB_FT_STRING = 0,
	HB_FT_BINARY = 1,
	HB_FT_STRUCT = 2,
	HB_FT_LIST = 3,
	HB_FT_COMPRESS = 4,
	HB_FT_UNCOMPRESS = 5,
};

#define HB_MSG_MAXFIELDS 48
#define HB_MSG_ARENA 2048
#define HB_MSG_MAXNAME 64
/* heartbeat's receive buffer (MAXMSG, 256 KiB); we never need more than a
 * few hundred bytes, and refuse anything larger than this. */
#define HB_MSG_MAXWIRE (64 * 1024)

struct hb_field {
	const char *name;
	size_t nlen;
	const uint8_t *val;
	size_t vlen;
	enum hb_ftype type;
};

struct hb_msg {
	struct hb_field f[HB_MSG_MAXFIELDS];
	unsigned nf;
	size_t arena_used;
	char arena[HB_MSG_ARENA];
	/* Filled by hb_msg_decode: the trailer and how many bytes it signs. */
	int auth_idx;
	const char *auth_tok;
	size_t auth_toklen;
	size_t signed_len;
};

void hb_msg_init(struct hb_msg *m);
int hb_msg_add(struct hb_msg *m, const char *name, enum hb_ftype type,
	       const void *val, size_t vlen);
int hb_msg_add_str(struct hb_msg *m, const char *name, const char *val);
/* "%lx", as heartbeat writes seq, hg, ts, dt. */
int hb_msg_add_hex(struct hb_msg *m, const char *name, unsigned long v);
/* "%d"/"%lu" decimal, as it writes ttl, protocol and NS_rexmit's seqs. */
int hb_msg_add_dec(struct hb_msg *m, const char *name, unsigned long v);

const struct hb_field *hb_msg_get(const struct hb_msg *m, const char *name);
/* Copies a string field into buf (NUL-terminated); -ENOENT, -ENOSPC. */
int hb_msg_get_str(const struct hb_msg *m, const char *name, char *buf, size_t cap);
/* Parses a "%lx" field strictly (1-16 hex digits, nothing else). */
int hb_msg_get_hex(const struct hb_msg *m, const char *name, unsigned long *v);

/* Classic mode's inner "auth=N TOKEN" field (hb_msg_classic.c), signed
 * over hb_msg_classic_text: the fields so far minus any `auth`. */
int hb_msg_classic_text(const struct hb_msg *m, char *buf, size_t cap, size_t *len);
int hb_msg_add_inner_auth(struct hb_msg *m, const struct hb_authkeys *keys, int idx);

/* Encodes m and signs it with key number idx of keys; *len gets the
 * length written.  -ENOSPC if cap is too small, -EINVAL for a field
 * heartbeat could not take back (an empty value, a bad name). */
int hb_msg_encode(const struct hb_msg *m, const struct hb_authkeys *keys, int idx,
		  uint8_t *out, size_t cap, size_t *len);
/* Decodes without checking the token: decoding never needs the keys. */
int hb_msg_decode(const uint8_t *buf, size_t len, struct hb_msg *m);
/* Decode, then verify the trailer's token with keys (-EACCES if wrong). */
int hb_msg_decode_verify(const uint8_t *buf, size_t len, const struct hb_authkeys *keys,
			 struct hb_msg *m);

#endif
