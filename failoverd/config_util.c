/* Diagnostics, line and word splitting, times and addresses for the
 * config parsers. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"

void fo_diag_init(struct fo_diag *d)
{
	d->len = 0;
	d->text[0] = '\0';
	d->nerr = d->nwarn = 0;
}

static void diag_add(struct fo_diag *d, const char *kind, const char *file, unsigned line,
		     const char *fmt, va_list ap)
{
	size_t room = sizeof(d->text) - d->len;
	int n;

	if (room <= 1)
		return;
	if (line)
		n = snprintf(d->text + d->len, room, "%s:%u: %s", file, line, kind);
	else
		n = snprintf(d->text + d->len, room, "%s: %s", file, kind);
	if (n < 0 || (size_t)n >= room)
		goto full;
	d->len += (size_t)n;
	room -= (size_t)n;
	n = vsnprintf(d->text + d->len, room, fmt, ap);
	if (n < 0 || (size_t)n + 1 >= room)
		goto full;
	d->len += (size_t)n;
	d->text[d->len++] = '\n';
	d->text[d->len] = '\0';
	return;
full:
	d->len = sizeof(d->text) - 1;
	d->text[d->len] = '\0';
}

void fo_diag_err(struct fo_diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	d->nerr++;
	va_start(ap, fmt);
	diag_add(d, "", file, line, fmt, ap);
	va_end(ap);
}

void fo_diag_warn(struct fo_diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	d->nwarn++;
	va_start(ap, fmt);
	diag_add(d, "warning: ", file, line, fmt, ap);
	va_end(ap);
}

void fo_lines_init(struct fo_lines *it, const char *file, const char *buf, size_t len)
{
	it->file = file;
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->lineno = 0;
}

bool fo_lines_next(struct fo_lines *it, struct fo_diag *d)
{
	while (it->pos < it->len) {
		const char *s = it->buf + it->pos;
		const char *nl = memchr(s, '\n', it->len - it->pos);
		size_t n = nl ? (size_t)(nl - s) : it->len - it->pos;

		it->pos += n + (nl ? 1 : 0);
		it->lineno++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (memchr(s, '\0', n)) {
			fo_diag_err(d, it->file, it->lineno, "NUL byte in line");
			continue;
		}
		if (n >= sizeof(it->line)) {
			fo_diag_err(d, it->file, it->lineno, "line longer than %d bytes",
				    FO_MAXLINE - 1);
			continue;
		}
		memcpy(it->line, s, n);
		it->line[n] = '\0';
		return true;
	}
	return false;
}

char *fo_word(char **p)
{
	char *s = *p + strspn(*p, " \t"), *e;

	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	e = s + strcspn(s, " \t");
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

bool fo_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

bool fo_parse_ipv4(const char *s, struct in_addr *a)
{
	return inet_pton(AF_INET, s, a) == 1;
}

long fo_parse_msec(const char *s)
{
	unsigned long long whole = 0, frac = 0, mul = 1000, div = 1, scale = 1000000;
	size_t nd = strspn(s, "0123456789"), nf = 0;
	const char *u = s + nd;

	if (nd > 9)
		return -1;
	for (size_t i = 0; i < nd; i++)
		whole = whole * 10 + (unsigned long long)(s[i] - '0');
	/* cl_get_msec takes decimals too: "0.1" is 100 ms. */
	if (*u == '.') {
		nf = strspn(++u, "0123456789");
		for (size_t i = 0; i < nf && i < 6; i++, scale /= 10)
			frac = frac * 10 + (unsigned long long)(u[i] - '0');
		frac *= scale;
		u += nf;
	}
	if (nd + nf == 0)
		return -1;
	if (strcasecmp(u, "ms") == 0 || strcasecmp(u, "msec") == 0)
		mul = 1;
	else if (strcasecmp(u, "us") == 0 || strcasecmp(u, "usec") == 0)
		mul = 1, div = 1000;
	else if (*u)
		return -1;
	/* In millionths of the unit, rounded to the nearest ms as it does. */
	return (long)(((whole * 1000000 + frac) * mul / div + 500000) / 1000000);
}
