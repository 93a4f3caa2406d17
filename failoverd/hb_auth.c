/* The HBauth methods, over exactly the bytes the caller passes (for a
 * packet: "###\n" through "%%%\n").  HMACs come from OpenSSL. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hb_auth.h"

static const char *const method_names[] = {
	[HB_AUTH_NONE] = "none", [HB_AUTH_CRC] = "crc",
	[HB_AUTH_MD5] = "md5", [HB_AUTH_SHA1] = "sha1",
};

const char *hb_auth_method_name(enum hb_auth_method m)
{
	if ((unsigned)m > HB_AUTH_SHA1)
		return "?";
	return method_names[m];
}

int hb_auth_method_parse(const char *s, enum hb_auth_method *m)
{
	for (int i = HB_AUTH_CRC; i <= HB_AUTH_SHA1; i++)
		if (strcmp(s, method_names[i]) == 0) {
			*m = (enum hb_auth_method)i;
			return 0;
		}
	return -ENOENT;
}

/* heartbeat's crc.so: the CRC-32 of POSIX cksum without the length
 * augmentation: MSB first, init 0, result inverted. */
static uint32_t hb_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < len; i++) {
		crc ^= (uint32_t)p[i] << 24;
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
	}
	return ~crc;
}

static int hex_of(const unsigned char *d, unsigned n, char tok[HB_AUTH_TOKMAX])
{
	static const char hx[] = "0123456789abcdef";

	for (unsigned i = 0; i < n; i++) {
		tok[2 * i] = hx[d[i] >> 4];
		tok[2 * i + 1] = hx[d[i] & 15];
	}
	tok[2 * n] = '\0';
	return (int)(2 * n);
}

int hb_auth_token(const struct hb_auth_key *k, const uint8_t *data, size_t len,
		  char tok[HB_AUTH_TOKMAX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	const EVP_MD *md;

	switch (k->method) {
	case HB_AUTH_CRC:
		return snprintf(tok, HB_AUTH_TOKMAX, "%lx", (unsigned long)hb_crc32(data, len));
	case HB_AUTH_MD5:
		md = EVP_md5();
		break;
	case HB_AUTH_SHA1:
		md = EVP_sha1();
		break;
	default:
		return -ENOKEY;
	}
	if (k->keylen == 0 || k->keylen > sizeof(k->key))
		return -ENOKEY;
	if (!HMAC(md, k->key, (int)k->keylen, data, len, d, &dlen) || dlen > 20)
		return -EIO;
	return hex_of(d, dlen, tok);
}

int hb_auth_verify(const struct hb_authkeys *keys, int idx, const uint8_t *data,
		   size_t len, const char *tok, size_t toklen)
{
	char want[HB_AUTH_TOKMAX];
	int n;

	if (idx < 0 || idx >= HB_AUTH_MAXIDX || keys->k[idx].method == HB_AUTH_NONE)
		return -ENOKEY;
	n = hb_auth_token(&keys->k[idx], data, len, want);
	if (n < 0)
		return n;
	/* The length is public (it is fixed by the method); the digits are not. */
	if ((size_t)n != toklen || CRYPTO_memcmp(want, tok, toklen) != 0)
		return -EACCES;
	return 0;
}
