/* Loading /etc/ha.d (or -c DIR): the three files, then the checks that
 * need more than one of them.  What `-t` runs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config_int.h"

#define FO_MAXFILE (1024 * 1024)

/* Reads a whole file; *mode gets its permissions. */
static char *read_file(const char *path, size_t *len, unsigned *mode, struct fo_diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fo_diag_err(d, path, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > FO_MAXFILE) {
		fo_diag_err(d, path, 0, "not a regular file of at most %d bytes", FO_MAXFILE);
		goto out;
	}
	*mode = st.st_mode;
	if (!(buf = malloc((size_t)st.st_size + 1)))
		goto out;
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		fo_diag_err(d, path, 0, "short read");
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)n;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static bool is_node(const struct fo_hacf *cf, const char *name)
{
	for (unsigned i = 0; i < cf->nnodes; i++)
		if (strcasecmp(cf->nodes[i], name) == 0)
			return true;
	return false;
}

static void cross_check(const struct fo_config *c, const char *self, const char *hacf,
			const char *hres, struct fo_diag *d)
{
	struct utsname u;

	if (!self && uname(&u) == 0)
		self = u.nodename;
	if (self && !is_node(&c->hacf, self))
		fo_diag_err(d, hacf, 0, "Current node [%s] not in configuration!", self);
	for (unsigned i = 0; i < c->hr.ngroups; i++)
		if (!is_node(&c->hacf, c->hr.g[i].node))
			fo_diag_err(d, hres, c->hr.g[i].line, "Bad nodename in %s [%s]", hres,
				    c->hr.g[i].node);
}

typedef int (*parse_fn)(const char *, const char *, size_t, unsigned, void *, struct fo_diag *);

static int load_one(const char *dir, const char *name, char *path, size_t cap,
		    parse_fn fn, void *out, struct fo_diag *d)
{
	size_t len = 0;
	unsigned mode = 0;
	char *buf;
	int r;

	snprintf(path, cap, "%s/%s", dir, name);
	if (!(buf = read_file(path, &len, &mode, d)))
		return -ENOENT;
	r = fn(path, buf, len, mode, out, d);
	free(buf);
	return r;
}

static int p_hacf(const char *f, const char *b, size_t l, unsigned m, void *o, struct fo_diag *d)
{
	(void)m;
	return fo_hacf_parse(f, b, l, o, d);
}

static int p_hres(const char *f, const char *b, size_t l, unsigned m, void *o, struct fo_diag *d)
{
	(void)m;
	return fo_haresources_parse(f, b, l, o, d);
}

static int p_keys(const char *f, const char *b, size_t l, unsigned m, void *o, struct fo_diag *d)
{
	return fo_authkeys_parse(f, b, l, m, o, d);
}

/* heartbeat's wrappers pass no ARP parameters; the OCF agents read them
 * from the environment heartbeat was started with.  So do we, each
 * checked: "OCF_RESKEY_arp_count: ..." names the variable. */
static void arp_env(struct fo_config *c, struct fo_diag *d)
{
	static const struct { const char *rsc, *count, *interval; } v[] = {
		{ "IPaddr", "OCF_RESKEY_ARP_REPEAT", "OCF_RESKEY_ARP_INTERVAL_MS" },
		{ "IPaddr2", "OCF_RESKEY_arp_count", "OCF_RESKEY_arp_interval" },
		{ "IPv6addr", "OCF_RESKEY_arp_count", "OCF_RESKEY_arp_interval" },
	};

	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		const char *cs = getenv(v[k].count), *is = getenv(v[k].interval);
		long cnt = -1, iv = -1;
		char *end;

		if (cs && *cs) {
			cnt = strtol(cs, &end, 10);
			if (*end || cnt < 1 || cnt > 100) {
				fo_diag_err(d, v[k].count, 0, "[%s] is not a count of 1 to 100", cs);
				cnt = -1;
			}
		}
		if (is && *is) {
			iv = strtol(is, &end, 10);
			if (*end || iv < 2 || iv > 60000) {
				fo_diag_err(d, v[k].interval, 0, "[%s] is not 2 to 60000 ms", is);
				iv = -1;
			}
		}
		for (unsigned g = 0; g < c->hr.ngroups; g++)
			for (unsigned i = 0; i < c->hr.g[g].nrsc; i++) {
				struct fo_rsc *r = &c->hr.g[g].rsc[i];

				if (r->kind != FO_RSC_IP || strcmp(r->name, v[k].rsc) != 0)
					continue;
				if (cnt > 0)
					r->arp_count = (unsigned)cnt;
				if (iv > 0)
					r->arp_interval_ms = iv;
			}
	}
}

int fo_config_load(const char *dir, const char *self, struct fo_config *c, struct fo_diag *d)
{
	char hacf[FO_PATHLEN + 16], hres[FO_PATHLEN + 16], keys[FO_PATHLEN + 16];
	unsigned nerr = d->nerr;
	int r1, r2;

	memset(c, 0, sizeof(*c));
	r1 = load_one(dir, "ha.cf", hacf, sizeof(hacf), p_hacf, &c->hacf, d);
	r2 = load_one(dir, "haresources", hres, sizeof(hres), p_hres, &c->hr, d);
	load_one(dir, "authkeys", keys, sizeof(keys), p_keys, &c->keys, d);
	if (r1 == 0 && r2 == 0)
		cross_check(c, self, hacf, hres, d);
	if (r2 == 0)
		arp_env(c, d);
	return d->nerr > nerr ? -EINVAL : 0;
}
