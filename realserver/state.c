// SPDX-License-Identifier: GPL-2.0
/*
 * The state file (state.h).  The parser takes any bytes: a file broken by
 * hand or by a crash is refused with its line, never half-read (`down`
 * must not undo a guess).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "internal.h"    /* nsroot_netns_name, netns_gc */
#include "options.h"
#include "state.h"

#define LINE_MAX_ 512

static int fail(char *err, size_t len, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t len, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, len, "line %u: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(err + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number 0..max, the whole word. */
static int num(const char *w, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!w || *w < '0' || *w > '9')
		return -1;
	errno = 0;
	v = strtoul(w, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A sysctl path under /proc/sys: no "..", no leading "/", plain chars. */
static int sysctl_name_ok(const char *w)
{
	if (!w || !*w || *w == '/' || strlen(w) >= RS_SYSCTL_NAME ||
	    strstr(w, ".."))
		return 0;
	for (; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') ||
		      (*w >= '0' && *w <= '9') || strchr("/_-.@", *w)))
			return 0;
	return 1;
}

static int value_ok(const char *w)
{
	if (!w || !*w || strlen(w) >= RS_SYSCTL_VALUE)
		return 0;
	for (; *w; w++)
		if (!((*w >= '0' && *w <= '9') || *w == '-'))
			return 0;
	return 1;
}

static int dev_ok(const char *w)
{
	return w && *w && strlen(w) < IF_NAMESIZE && !strchr(w, '/');
}

static int parse_line(char **w, unsigned int nw, struct rs_state *s,
		      unsigned int ln, char *err, size_t errlen)
{
	uint32_t a, b;

	if (!strcmp(w[0], "tunnel")) {
		if (nw != 3 || !(a = rs_tunnel_kind(w[1])) ||
		    num(w[2], 65535, &b) || (a == DECAP_KIND_GUE) != (b != 0))
			return fail(err, errlen, ln, "tunnel: want KIND PORT");
		if (s->tunnel)
			return fail(err, errlen, ln, "a second tunnel record");
		s->tunnel = a;
		s->tun_port = (uint16_t)b;
	} else if (!strcmp(w[0], "vip")) {
		struct rs_vip_rec r = {};

		if (nw != 3 || rs_vip_parse(w[1], &r.vip) ||
		    (strcmp(w[2], "added") && strcmp(w[2], "present")))
			return fail(err, errlen, ln, "vip: want ADDR added|present");
		r.added = !strcmp(w[2], "added");
		if (rs_state_vip(s, &r.vip))
			return fail(err, errlen, ln, "vip %s: recorded twice", w[1]);
		if (s->nvips == DECAP_VIPS_MAX)
			return fail(err, errlen, ln, "too many vip records");
		s->vips[s->nvips++] = r;
	} else if (!strcmp(w[0], "sysctl")) {
		struct rs_sysctl_rec *r;

		if (nw != 4 || !sysctl_name_ok(w[1]) || !value_ok(w[2]) ||
		    !value_ok(w[3]))
			return fail(err, errlen, ln, "sysctl: want NAME OLD NEW");
		if (rs_state_sysctl(s, w[1]))
			return fail(err, errlen, ln, "sysctl %s: recorded twice", w[1]);
		if (s->nsysctls == RS_SYSCTLS_MAX)
			return fail(err, errlen, ln, "too many sysctl records");
		r = &s->sysctls[s->nsysctls++];
		strcpy(r->name, w[1]);
		strcpy(r->old, w[2]);
		strcpy(r->set, w[3]);
	} else if (!strcmp(w[0], "xdp")) {
		struct rs_xdp_rec *r;

		if (nw != 4 || !dev_ok(w[1]) || num(w[2], INT32_MAX, &a) || !a ||
		    num(w[3], UINT32_MAX, &b) || !b)
			return fail(err, errlen, ln, "xdp: want DEV IFINDEX PROG_ID");
		for (unsigned int i = 0; i < s->nxdp; i++)
			if (s->xdp[i].ifindex == a)
				return fail(err, errlen, ln, "xdp %s: recorded twice", w[1]);
		if (s->nxdp == RS_XDP_MAX)
			return fail(err, errlen, ln, "too many xdp records");
		r = &s->xdp[s->nxdp++];
		strcpy(r->dev, w[1]);
		r->ifindex = a;
		r->prog_id = b;
	} else if (!strcmp(w[0], "link")) {
		if (nw != 3 || !dev_ok(w[1]) ||
		    (strcmp(w[2], "up") && strcmp(w[2], "present")))
			return fail(err, errlen, ln, "link: want DEV up|present");
		for (unsigned int i = 0; i < s->nlinks; i++)
			if (!strcmp(s->links[i].dev, w[1]))
				return fail(err, errlen, ln, "link %s: recorded twice", w[1]);
		if (s->nlinks == RS_XDP_MAX)
			return fail(err, errlen, ln, "too many link records");
		strcpy(s->links[s->nlinks].dev, w[1]);
		s->links[s->nlinks++].set_up = !strcmp(w[2], "up");
	} else {
		return fail(err, errlen, ln, "unknown record \"%.32s\"", w[0]);
	}
	return 0;
}

static int state_parse(const char *text, size_t len, struct rs_state *s,
		       char *err, size_t errlen)
{
	char line[LINE_MAX_];
	size_t pos = 0;
	unsigned int ln = 0;
	bool header = false;

	memset(s, 0, sizeof(*s));
	while (pos < len) {
		size_t n = 0;
		char *w[8], *save = NULL, *t;
		unsigned int nw = 0;

		ln++;
		while (pos < len && text[pos] != '\n') {
			if (text[pos] == 0 || n + 1 >= sizeof(line))
				return fail(err, errlen, ln, text[pos] ? "too long"
					    : "a NUL byte");
			line[n++] = text[pos++];
		}
		if (pos == len)
			return fail(err, errlen, ln, "no newline at the end "
				    "(a file cut short?)");
		pos++;
		line[n] = 0;
		for (t = strtok_r(line, " \t", &save); t;
		     t = strtok_r(NULL, " \t", &save)) {
			if (nw == 8)
				return fail(err, errlen, ln, "too many words");
			w[nw++] = t;
		}
		if (!nw || w[0][0] == '#')
			continue;
		if (!header) {
			if (nw != 2 || strcmp(w[0], "xlvs-realserver-state") ||
			    strcmp(w[1], "1"))
				return fail(err, errlen, ln, "not an xlvs-realserver "
					    "state file of version %d",
					    RS_STATE_VERSION);
			header = true;
			continue;
		}
		if (parse_line(w, nw, s, ln, err, errlen))
			return -1;
	}
	if (!header)
		return fail(err, errlen, ln, "empty (no xlvs-realserver-state line)");
	return 0;
}

int rs_state_parse(const char *text, size_t len, struct rs_state *s,
		   char *err, size_t errlen)
{
	int rc = state_parse(text, len, s, err, errlen);

	if (rc)
		memset(s, 0, sizeof(*s));
	return rc;
}

void rs_state_format(const struct rs_state *s, FILE *f)
{
	char buf[INET6_ADDRSTRLEN];

	fprintf(f, "# What xlvs-realserver up changed; down undoes it.\n");
	fprintf(f, "xlvs-realserver-state %d\n", RS_STATE_VERSION);
	if (s->tunnel)
		fprintf(f, "tunnel %s %u\n", rs_tunnel_name(s->tunnel), s->tun_port);
	for (unsigned int i = 0; i < s->nvips; i++)
		fprintf(f, "vip %s %s\n", rs_vip_str(&s->vips[i].vip, buf, sizeof(buf)),
			s->vips[i].added ? "added" : "present");
	for (unsigned int i = 0; i < s->nsysctls; i++)
		fprintf(f, "sysctl %s %s %s\n", s->sysctls[i].name,
			s->sysctls[i].old, s->sysctls[i].set);
	for (unsigned int i = 0; i < s->nxdp; i++)
		fprintf(f, "xdp %s %u %u\n", s->xdp[i].dev, s->xdp[i].ifindex,
			s->xdp[i].prog_id);
	for (unsigned int i = 0; i < s->nlinks; i++)
		fprintf(f, "link %s %s\n", s->links[i].dev,
			s->links[i].set_up ? "up" : "present");
}

int rs_state_load(const char *path, struct rs_state *s, char *err,
		  size_t errlen)
{
	char buf[65536], msg[256];
	size_t n;
	FILE *f = fopen(path, "r");
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f))
		rc = -EIO;
	else if (n == sizeof(buf) && fgetc(f) != EOF)
		rc = -EFBIG;
	fclose(f);
	if (rc)
		return rc;
	if (rs_state_parse(buf, n, s, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s: %s", path, msg);
		memset(s, 0, sizeof(*s));
		return -EINVAL;
	}
	return 0;
}

int rs_state_save(const char *path, const struct rs_state *s)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	FILE *f;
	int fd, rc = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	rs_state_format(s, f);
	if (fflush(f) || fsync(fd))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int rs_state_path(char *buf, size_t len)
{
	struct stat self, init;
	char name[96];
	int n, rc;

	if (stat("/proc/self/ns/net", &self))
		return -errno;
	if (!stat("/proc/1/ns/net", &init) && init.st_ino == self.st_ino &&
	    init.st_dev == self.st_dev) {
		n = snprintf(buf, len, RS_STATE_DIR "/state");
	} else {
		/* The namespace's cookie is never reused while the system
		 * runs (an inode number is): a file left by a namespace that
		 * is gone is never read as another's. */
		rc = nsroot_netns_name(name, sizeof(name));
		if (rc)
			return rc;
		n = snprintf(buf, len, RS_STATE_DIR "/%s.state", name);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void stale_remove(const char *path)
{
	size_t n = strlen(path);

	if (n > 6 && !strcmp(path + n - 6, ".state"))
		unlink(path);
}

void rs_state_gc(void)
{
	unsigned long long ino, cookie, my_ino, my_cookie;
	char me[96], path[512];
	struct dirent *e;
	DIR *d;

	netns_gc(RS_STATE_DIR, stale_remove);
	/* netns_gc goes by inode, and a new namespace may have the inode of
	 * one that is gone: a file of our inode and another cookie is that
	 * one's. */
	if (nsroot_netns_name(me, sizeof(me)) ||
	    sscanf(me, "netns-%llu-%llu", &my_ino, &my_cookie) != 2)
		return;
	d = opendir(RS_STATE_DIR);
	while (d && (e = readdir(d))) {
		if (sscanf(e->d_name, "netns-%llu-%llu", &ino, &cookie) != 2 ||
		    ino != my_ino || cookie == my_cookie)
			continue;
		snprintf(path, sizeof(path), RS_STATE_DIR "/%s", e->d_name);
		stale_remove(path);
	}
	if (d)
		closedir(d);
}

const struct rs_sysctl_rec *rs_state_sysctl(const struct rs_state *s,
					    const char *name)
{
	for (unsigned int i = 0; i < s->nsysctls; i++)
		if (!strcmp(s->sysctls[i].name, name))
			return &s->sysctls[i];
	return NULL;
}

struct rs_vip_rec *rs_state_vip(struct rs_state *s, const struct decap_vip *v)
{
	for (unsigned int i = 0; i < s->nvips; i++)
		if (!memcmp(&s->vips[i].vip, v, sizeof(*v)))
			return &s->vips[i];
	return NULL;
}
