// SPDX-License-Identifier: GPL-2.0
/* xlvs-healthd's pid and status files, found and read (hdstat.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdstat.h"
#include "pidfile.h"

#define HD_PREFIX "xlvs-healthd."
#define HD_STATUS_MAX (4u << 20)   /* a status file larger is not ours */

/* The last occurrence of needle in [s, end), or NULL. */
static const char *last_of(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	const char *p;

	if ((size_t)(end - s) < n)
		return NULL;
	for (p = end - n; p >= s; p--)
		if (!memcmp(p, needle, n))
			return p;
	return NULL;
}

static void copy_span(char *dst, size_t cap, const char *s, const char *end)
{
	size_t n = (size_t)(end - s);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "virtual ID: N of M real servers up, check CHECK, fallback F" */
static int parse_virtual(const char *s, const char *end, struct hdstat_virtual *v)
{
	const char *colon, *p, *fb;
	unsigned nup, nreals;
	int used = 0;

	s += strlen("virtual ");
	/* The id has no ": " in it; the counts' part has none either. */
	colon = memmem(s, (size_t)(end - s), ": ", 2);
	if (!colon)
		return -1;
	copy_span(v->service, sizeof(v->service), s, colon);
	p = colon + 2;
	if (sscanf(p, "%u of %u real servers up, check %n", &nup, &nreals, &used) != 2 ||
	    !used)
		return -1;
	p += used;
	fb = last_of(p, end, ", fallback ");
	if (!fb)
		return -1;
	copy_span(v->check, sizeof(v->check), p, fb);
	copy_span(v->fallback, sizeof(v->fallback), fb + strlen(", fallback "), end);
	v->nup = nup;
	v->nreals = nreals;
	return 0;
}

/* The tail " (check took X ms)", taken off *end. */
static double parse_took(const char *s, const char **end)
{
	const char *t = last_of(s, *end, " (check took ");
	double ms;
	char unit[4];

	if (!t || sscanf(t, " (check took %lf %3[a-z])", &ms, unit) != 2 ||
	    strcmp(unit, "ms") || (*end)[-1] != ')')
		return -1;
	*end = t;
	return ms / 1000.0;
}

/* "  real RS FWD weight W: up|down since WHEN, last check passed|failed:
 * WHY|, not checked yet[ (failure a/b)][ (check took X ms)]" */
static int parse_real(const char *s, const char *end, struct hdstat_real *r)
{
	char state[8];
	const char *p, *comma, *f;
	int used = 0;

	memset(r, 0, sizeof(*r));
	r->took_s = -1;
	if (sscanf(s, "  real %63s %7s weight %u: %7[a-z] since %n", r->real, r->fwd,
		   &r->weight, state, &used) != 4 || !used)
		return -1;
	r->up = !strcmp(state, "up");
	if (!r->up && strcmp(state, "down"))
		return -1;
	p = s + used;
	r->took_s = parse_took(p, &end);
	/* WHEN ("start", or a date and "(Ns ago)") has no ", " in it. */
	comma = memmem(p, (size_t)(end - p), ", ", 2);
	if (!comma)
		return -1;
	p = comma + 2;
	if (!strncmp(p, "not checked yet", 15)) {
		r->last_ok = -1;
	} else if (!strncmp(p, "last check passed", 17)) {
		r->last_ok = 1;
	} else if (!strncmp(p, "last check failed: ", 19)) {
		r->last_ok = 0;
		p += 19;
		f = last_of(p, end, " (failure ");
		if (f && end[-1] == ')')
			end = f;
		copy_span(r->why, sizeof(r->why), p, end);
	} else {
		return -1;
	}
	return 0;
}

static int add_virtual(struct hdstat_instance *inst, const struct hdstat_virtual *v)
{
	struct hdstat_virtual *nv = realloc(inst->v, (inst->nv + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	inst->v = nv;
	nv[inst->nv++] = *v;
	return 0;
}

static int add_real(struct hdstat_virtual *v, const struct hdstat_real *r)
{
	struct hdstat_real *nr = realloc(v->reals, (v->n + 1) * sizeof(*nr));

	if (!nr)
		return -ENOMEM;
	v->reals = nr;
	nr[v->n++] = *r;
	return 0;
}

int hdstat_parse(const char *text, size_t len, struct hdstat_instance *inst)
{
	const char *s = text, *stop = text + len;

	while (s < stop) {
		const char *end = memchr(s, '\n', (size_t)(stop - s));
		struct hdstat_virtual v = { 0 };
		struct hdstat_real r;
		char line[1024];

		if (!end)
			end = stop;
		/* sscanf needs a terminated string: one line at a time. */
		copy_span(line, sizeof(line), s, end);
		if (!strncmp(line, "virtual ", 8) &&
		    !parse_virtual(line, line + strlen(line), &v)) {
			if (add_virtual(inst, &v))
				return -ENOMEM;
		} else if (inst->nv && !strncmp(line, "  real ", 7) &&
			   !parse_real(line, line + strlen(line), &r)) {
			if (add_real(&inst->v[inst->nv - 1], &r))
				return -ENOMEM;
		}
		s = end + 1;
	}
	return 0;
}

void hdstat_instance_free(struct hdstat_instance *inst)
{
	for (size_t i = 0; i < inst->nv; i++)
		free(inst->v[i].reals);
	free(inst->v);
	inst->v = NULL;
	inst->nv = 0;
}

void hdstat_free(struct hdstat_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		hdstat_instance_free(&set->i[i]);
	free(set->i);
	set->i = NULL;
	set->n = 0;
}

/* The whole file (the daemon renames a new one over it: one version). */
static char *read_small(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *nb = cap < HD_STATUS_MAX ? realloc(buf, cap ? cap * 2 : 8192) : NULL;

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		if (!r)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void instance_read(const char *rundir, struct hdstat_instance *inst)
{
	char path[4096];
	pid_t filepid;
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/" HD_PREFIX "%s.pid", rundir, inst->config);
	inst->running = xlvs_pid_live(path, "xlvs-healthd", &inst->pid, &filepid) == 1;
	if (!inst->running)
		return;
	snprintf(path, sizeof(path), "%s/" HD_PREFIX "%s.status", rundir, inst->config);
	text = read_small(path, &len);
	if (!text)
		return;
	inst->have_status = hdstat_parse(text, len, inst) == 0;
	free(text);
}

/* CONFIG of "xlvs-healthd.CONFIG.pid" or ".status", into cfg; 0 or -1. */
static int config_of(const char *name, char *cfg, size_t cap)
{
	static const char *const sfx[] = { ".pid", ".status" };
	size_t n = strlen(name), p = strlen(HD_PREFIX);

	if (strncmp(name, HD_PREFIX, p))
		return -1;
	for (size_t i = 0; i < 2; i++) {
		size_t sl = strlen(sfx[i]);

		if (n > p + sl && !strcmp(name + n - sl, sfx[i]) && n - p - sl < cap) {
			memcpy(cfg, name + p, n - p - sl);
			cfg[n - p - sl] = '\0';
			return 0;
		}
	}
	return -1;
}

static int cmp_config(const void *a, const void *b)
{
	return strcmp(((const struct hdstat_instance *)a)->config,
		      ((const struct hdstat_instance *)b)->config);
}

int hdstat_scan(const char *rundir, struct hdstat_set *set)
{
	DIR *d = opendir(rundir);
	struct dirent *e;
	char cfg[256];

	set->i = NULL;
	set->n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		struct hdstat_instance *ni;
		size_t k;

		if (config_of(e->d_name, cfg, sizeof(cfg)))
			continue;
		for (k = 0; k < set->n && strcmp(set->i[k].config, cfg); k++)
			;
		if (k < set->n)
			continue;       /* its other file */
		ni = realloc(set->i, (set->n + 1) * sizeof(*ni));
		if (!ni) {
			closedir(d);
			hdstat_free(set);
			return -ENOMEM;
		}
		set->i = ni;
		memset(&ni[set->n], 0, sizeof(*ni));
		memcpy(ni[set->n].config, cfg, sizeof(cfg));
		set->n++;
	}
	closedir(d);
	qsort(set->i, set->n, sizeof(*set->i), cmp_config);
	for (size_t k = 0; k < set->n; k++)
		instance_read(rundir, &set->i[k]);
	return 0;
}
