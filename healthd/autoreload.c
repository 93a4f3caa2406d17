// SPDX-License-Identifier: GPL-2.0
/* check_cfgfile's test: the file's stat, then the MD5 of its contents
 * (ops.h).  ldirectord compares mtime seconds only; a nanosecond mtime,
 * the size and the inode also catch two edits within one second. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ops.h"

static int cfgwatch_md5(const char *path, unsigned char out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[8192];
	unsigned len = 0;
	FILE *f = fopen(path, "r");
	size_t n;
	int ok;

	if (!f || !ctx) {
		if (f)
			fclose(f);
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	while (ok && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		ok = EVP_DigestUpdate(ctx, buf, n);
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, out, &len) && len == 16;
	fclose(f);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int hd_cfgwatch_poll(struct hd_cfgwatch *w, const char *path)
{
	unsigned char md5[16];
	struct stat sb;
	bool changed;

	if (stat(path, &sb) < 0)
		return 0;
	if (w->have && sb.st_mtim.tv_sec == w->mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == w->mtime.tv_nsec &&
	    (long long)sb.st_size == w->size && (long long)sb.st_ino == w->ino)
		return 0;
	if (cfgwatch_md5(path, md5) < 0)
		return 0;       /* ldirectord: "can not open file ... for checking" */
	w->mtime = sb.st_mtim;
	w->size = (long long)sb.st_size;
	w->ino = (long long)sb.st_ino;
	changed = w->have && memcmp(md5, w->md5, sizeof(md5)) != 0;
	memcpy(w->md5, md5, sizeof(md5));
	w->have = true;
	return changed;
}
