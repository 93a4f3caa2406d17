// SPDX-License-Identifier: GPL-2.0
/*
 * hd_config_load / hd_config_parse: the whole file into a new
 * configuration, or nothing but messages.  The messages are kept with
 * their line and given out sorted by it (stable: one line's in the order
 * found).  And the values a virtual runs with, its own else the global.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config_int.h"

#define HD_CF_MAX_FILE (64u << 20)

void *hd_cf_grow(struct hd_cf *p, void *arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *a;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 8;
	a = reallocarray(arr, ncap, size);
	if (!a) {
		p->nomem = true;
		return NULL;
	}
	memset((char *)a + *cap * size, 0, (ncap - *cap) * size);
	*cap = ncap;
	return a;
}

static void cf_msg(struct hd_cf *p, unsigned line, const char *directive,
		   bool warn, const char *fmt, va_list ap)
{
	char body[512], head[320];
	struct hd_cf_msg *m;
	char *text;

	vsnprintf(body, sizeof(body), fmt, ap);
	if (line)
		snprintf(head, sizeof(head), "%s:%u: ", p->name, line);
	else
		snprintf(head, sizeof(head), "%s: ", p->name);
	if (directive)
		snprintf(head + strlen(head), sizeof(head) - strlen(head),
			 "%.40s: ", directive);
	if (!warn)
		p->nerr++;
	m = hd_cf_grow(p, p->msgs, &p->msgs_cap, p->nmsgs, sizeof(*p->msgs));
	if (!m || asprintf(&text, "%s%s%s", head, warn ? "warning: " : "",
			   body) < 0) {
		p->nomem = true;
		return;
	}
	p->msgs = m;
	m[p->nmsgs].line = line;
	m[p->nmsgs++].text = text;
}

void hd_cf_error(struct hd_cf *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cf_msg(p, p->line, p->directive, false, fmt, ap);
	va_end(ap);
}

void hd_cf_warn(struct hd_cf *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cf_msg(p, p->line, p->directive, true, fmt, ap);
	va_end(ap);
}

void hd_cf_error_at(struct hd_cf *p, unsigned line, const char *directive,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cf_msg(p, line, directive, false, fmt, ap);
	va_end(ap);
}

void hd_cf_warn_at(struct hd_cf *p, unsigned line, const char *directive,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cf_msg(p, line, directive, true, fmt, ap);
	va_end(ap);
}

char *hd_cf_strndup(struct hd_cf *p, const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		p->nomem = true;
	return d;
}

char *hd_cf_strdup(struct hd_cf *p, const char *s)
{
	return hd_cf_strndup(p, s, strlen(s));
}

void hd_cf_set_str(struct hd_cf *p, char **dst, const char *s)
{
	char *d = hd_cf_strdup(p, s);

	if (d) {
		free(*dst);
		*dst = d;
	}
}

/* set_defaults(): what a file without the directive gets. */
static struct hd_config *cf_new(struct hd_cf *p, const char *name)
{
	struct hd_config *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->checkinterval = 10;
	c->checkcount = 1;
	c->failurecount = 1;
	c->cleanstop = true;
	c->emailalertstatus = HD_EMAIL_ALL;
	c->path = hd_cf_strdup(p, name);
	c->logfile = hd_cf_strdup(p, "/var/log/ldirectord.log");
	return c;
}

/* Out in line order, a line's in the order found: an insertion sort,
 * stable, and the list is nearly sorted already. */
static void cf_flush(struct hd_cf *p, hd_config_err_fn err, void *arg)
{
	for (size_t i = 1; i < p->nmsgs; i++) {
		struct hd_cf_msg m = p->msgs[i];
		size_t j = i;

		for (; j > 0 && p->msgs[j - 1].line > m.line; j--)
			p->msgs[j] = p->msgs[j - 1];
		p->msgs[j] = m;
	}
	for (size_t i = 0; i < p->nmsgs; i++) {
		if (err)
			err(arg, p->msgs[i].text);
		free(p->msgs[i].text);
	}
	free(p->msgs);
}

int hd_config_parse(const char *name, const char *text, size_t len,
		    unsigned flags, struct hd_config **out,
		    hd_config_err_fn err, void *arg)
{
	struct hd_cf p = { .name = name, .flags = flags };
	int rc;

	*out = NULL;
	p.c = cf_new(&p, name);
	if (p.c && !p.nomem) {
		hd_cf_read(&p, text, len);
		if (!p.nomem)
			hd_cf_settle(&p);
	}
	if (!p.c || p.nomem) {
		p.directive = NULL;
		hd_cf_error_at(&p, 0, NULL, "out of memory");
		rc = -ENOMEM;
	} else {
		rc = p.nerr;
	}
	cf_flush(&p, err, arg);
	if (rc)
		hd_config_free(p.c);
	else
		*out = p.c;
	return rc;
}

/* The whole file (a pipe too: -t /dev/stdin), at most HD_CF_MAX_FILE. */
static int cf_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 0, off = 0;
	struct stat st;
	char *b = NULL, *nb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || S_ISDIR(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -errno;
		goto out;
	}
	for (;;) {
		if (off == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > HD_CF_MAX_FILE) {
				rc = -EFBIG;
				goto out;
			}
			nb = realloc(b, cap + 1);
			if (!nb) {
				rc = -ENOMEM;
				goto out;
			}
			b = nb;
		}
		n = read(fd, b + off, cap - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		if (!n)
			break;
		off += (size_t)n;
	}
	*buf = b;
	*len = off;
	b = NULL;
out:
	free(b);
	close(fd);
	return rc;
}

int hd_config_load(const char *path, struct hd_config **out,
		   hd_config_err_fn err, void *arg)
{
	char *buf = NULL, msg[512];
	size_t len = 0;
	int rc = cf_read_file(path, &buf, &len);

	*out = NULL;
	if (rc) {
		snprintf(msg, sizeof(msg), "%s: can not open file: %s", path,
			 strerror(-rc));
		if (err)
			err(arg, msg);
		return rc;
	}
	rc = hd_config_parse(path, buf, len, 0, out, err, arg);
	free(buf);
	return rc;
}

static void cf_fallback_free(struct hd_fallback *fb)
{
	free(fb->text);
}

void hd_cf_virtual_free(struct hd_virtual *v)
{
	char **s[] = { &v->text, &v->checkcommand, &v->request, &v->receive,
		&v->httpmethod, &v->virtualhost, &v->login, &v->passwd,
		&v->database, &v->secret, &v->load, &v->scheduler,
		&v->schedflags, &v->monitorfile, &v->comment, &v->servicename,
		&v->fallbackcommand, &v->emailalert, &v->smtp };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(*s[i]);
	for (size_t i = 0; i < v->nreals; i++) {
		free(v->reals[i].request);
		free(v->reals[i].receive);
	}
	free(v->reals);
	cf_fallback_free(&v->fallback);
}

void hd_config_free(struct hd_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nvirtuals; i++)
		hd_cf_virtual_free(&c->virtuals[i]);
	free(c->virtuals);
	for (size_t i = 0; i < c->nexecute; i++)
		free(c->execute[i]);
	free(c->execute);
	cf_fallback_free(&c->fallback);
	cf_fallback_free(&c->fallback6);
	free(c->path);
	free(c->callback);
	free(c->fallbackcommand);
	free(c->logfile);
	free(c->maintenancedir);
	free(c->emailalert);
	free(c->emailalertfrom);
	free(c->smtp);
	free(c);
}
