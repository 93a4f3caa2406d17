/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus's text exposition format (version 0.0.4), written to a FILE:
 * a family's HELP and TYPE lines, then its samples, each a name, labels
 * and a value.  Label values are escaped as the format requires
 * (backslash, double quote and newline as \\, \" and \n), HELP text as
 * it requires (backslash and newline); anything else is written as it is
 * (the format is UTF-8).  Every sample of a family must follow its TYPE
 * line before another family starts: callers loop per family.
 */
#ifndef XLVS_EXPORTER_PROM_H
#define XLVS_EXPORTER_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* in escaped as a label value into out (cap bytes, always terminated when
 * cap > 0); returns the length the whole escape needs, as snprintf. */
size_t prom_escape_label(const char *in, char *out, size_t cap);

/* A sample's labels, built up escaped: name="value",... */
#define PROM_LABELS_MAX 2048
struct prom_labels {
	char s[PROM_LABELS_MAX];
	size_t len;
	bool overflow;          /* a sample with these is left out */
};

void prom_labels_init(struct prom_labels *l);
/* Adds name="value" (value escaped; NULL is ""). */
void prom_labels_add(struct prom_labels *l, const char *name, const char *value);

/* type: "counter", "gauge", "histogram", "untyped". */
void prom_family(FILE *f, const char *name, const char *type, const char *help);
/* name{labels} value; labels NULL or empty for none. */
void prom_sample(FILE *f, const char *name, const struct prom_labels *l, double v);
void prom_sample_u64(FILE *f, const char *name, const struct prom_labels *l, uint64_t v);

#endif
