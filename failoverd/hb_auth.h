/* heartbeat's authkeys methods (HBauth plugins sha1, md5, crc): the token
 * heartbeat puts after "N " in a packet's auth trailer.  sha1 and md5 are
 * HMACs keyed with the authkeys secret (40 and 32 lowercase hex digits);
 * crc is an unkeyed CRC-32 (poly 0x04C11DB7, MSB first, init 0, inverted,
 * "%lx" so without leading zeros) that authenticates nothing. */
#ifndef XLVS_HB_AUTH_H
#define XLVS_HB_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hb_auth_method { HB_AUTH_NONE = 0, HB_AUTH_CRC, HB_AUTH_MD5, HB_AUTH_SHA1 };

#define HB_AUTH_MAXIDX 16	/* heartbeat's MAXAUTH: indices 0..15 */
#define HB_AUTH_MAXKEY 256
#define HB_AUTH_TOKMAX 41	/* 40 hex digits and a NUL */

struct hb_auth_key {
	enum hb_auth_method method;	/* HB_AUTH_NONE: index not configured */
	size_t keylen;
	char key[HB_AUTH_MAXKEY];
};

struct hb_authkeys {
	int active;			/* the `auth N` index we sign with */
	struct hb_auth_key k[HB_AUTH_MAXIDX];
};

const char *hb_auth_method_name(enum hb_auth_method m);
int hb_auth_method_parse(const char *s, enum hb_auth_method *m);
/* Writes the token (NUL-terminated) into tok[HB_AUTH_TOKMAX]; returns its
 * length or -errno. */
int hb_auth_token(const struct hb_auth_key *k, const uint8_t *data, size_t len,
		  char tok[HB_AUTH_TOKMAX]);
/* 0 if tok is the token of key idx over data, compared in constant time;
 * -EACCES if not, -ENOKEY if idx is not configured. */
int hb_auth_verify(const struct hb_authkeys *keys, int idx, const uint8_t *data,
		   size_t len, const char *tok, size_t toklen);

#endif
