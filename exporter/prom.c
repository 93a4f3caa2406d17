// SPDX-License-Identifier: GPL-2.0
/* The text exposition format's lines and escapes (prom.h). */
#include <math.h>
#include <string.h>

#include "prom.h"

/* The escape of one character, or NULL when it stands as it is. */
static const char *label_escape_of(char c)
{
	switch (c) {
	case '\\': return "\\\\";
	case '"': return "\\\"";
	case '\n': return "\\n";
	default: return NULL;
	}
}

size_t prom_escape_label(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (; *in; in++) {
		const char *e = label_escape_of(*in);
		size_t el = e ? 2 : 1;

		if (cap && n + el < cap)
			memcpy(out + n, e ? e : in, el);
		else if (cap && n < cap)
			cap = n + 1;    /* full: stop writing, keep counting */
		n += el;
	}
	if (cap)
		out[n < cap ? n : cap - 1] = '\0';
	return n;
}

void prom_labels_init(struct prom_labels *l)
{
	l->len = 0;
	l->s[0] = '\0';
	l->overflow = false;
}

void prom_labels_add(struct prom_labels *l, const char *name, const char *value)
{
	size_t room, need;
	int w;

	if (l->overflow)
		return;
	room = sizeof(l->s) - l->len;
	w = snprintf(l->s + l->len, room, "%s%s=\"", l->len ? "," : "", name);
	if (w < 0 || (size_t)w >= room)
		goto full;
	l->len += (size_t)w;
	room -= (size_t)w;
	need = prom_escape_label(value ? value : "", l->s + l->len, room);
	if (need + 1 >= room)   /* the closing quote too */
		goto full;
	l->len += need;
	l->s[l->len++] = '"';
	l->s[l->len] = '\0';
	return;
full:
	l->overflow = true;
}

/* HELP text: backslash and newline escaped (quotes stand). */
static void help_write(FILE *f, const char *help)
{
	for (; *help; help++) {
		if (*help == '\\')
			fputs("\\\\", f);
		else if (*help == '\n')
			fputs("\\n", f);
		else
			fputc(*help, f);
	}
}

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s ", name);
	help_write(f, help);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

static void sample_head(FILE *f, const char *name, const struct prom_labels *l)
{
	if (l && l->len)
		fprintf(f, "%s{%s} ", name, l->s);
	else
		fprintf(f, "%s ", name);
}

void prom_sample(FILE *f, const char *name, const struct prom_labels *l, double v)
{
	if (l && l->overflow)
		return;
	sample_head(f, name, l);
	if (isnan(v))
		fputs("NaN\n", f);
	else if (isinf(v))
		fputs(v > 0 ? "+Inf\n" : "-Inf\n", f);
	else
		/* 15 digits: a Unix time with its milliseconds, and no
		 * binary noise (0.1 stays 0.1). */
		fprintf(f, "%.15g\n", v);
}

void prom_sample_u64(FILE *f, const char *name, const struct prom_labels *l, uint64_t v)
{
	if (l && l->overflow)
		return;
	sample_head(f, name, l);
	fprintf(f, "%llu\n", (unsigned long long)v);
}
