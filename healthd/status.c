// SPDX-License-Identifier: GPL-2.0
/* The status text and its file (status.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_state.h"
#include "status.h"

static const char *status_fwd(unsigned f)
{
	switch (f) {
	case XLVS_FWD_MASQ: return "masq";
	case XLVS_FWD_TUNNEL: return "ipip";
	default: return "gate";
	}
}

static void status_since(FILE *f, time_t since, time_t now)
{
	struct tm tm;
	char when[32];

	if (!since) {
		fputs("start", f);
		return;
	}
	localtime_r(&since, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s (%lds ago)", when, (long)(now - since));
}

static void status_real(FILE *f, const struct hd_vs *v, const struct hd_rs *r,
			time_t now)
{
	char rs[64];

	hd_rs_str(r, rs, sizeof(rs));
	fprintf(f, "  real %s %s weight %u: %s since ", rs,
		status_fwd(r->conf.fwd), (unsigned)r->conf.weight,
		r->up ? "up" : "down");
	status_since(f, r->since, now);
	if (r->last_ok < 0)
		fputs(", not checked yet", f);
	else if (r->last_ok)
		fputs(", last check passed", f);
	else
		fprintf(f, ", last check failed: %s",
			r->last_why[0] ? r->last_why : "-");
	if (!r->up && r->failcount)
		fprintf(f, " (failure %u/%u)", r->failcount, v->failurecount);
	/* Last on the line, after a reason that may hold anything, so a
	 * reader (xlvs-exporter) finds it from the end. */
	if (r->last_ok >= 0)
		fprintf(f, " (check took %llu.%03llu ms)",
			(unsigned long long)(r->last_took_us / 1000),
			(unsigned long long)(r->last_took_us % 1000));
	fputc('\n', f);
}

long hd_status_render(const struct hd_vs *vs, size_t n, time_t now,
		      char **out)
{
	char *buf = NULL, check[300];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct hd_vs *v = &vs[i];

		hd_state_check_name(v, check, sizeof(check));
		fprintf(f, "virtual %s: %u of %zu real servers up, check %s, "
			"fallback %s\n", v->id, v->nup, v->nreals, check,
			!v->has_fallback ? "none" : v->fallback_up ? "on" : "off");
		for (size_t j = 0; j < v->nreals; j++)
			status_real(f, v, &v->reals[j], now);
	}
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	return (long)len;
}

int hd_status_write(const char *path, const char *text, size_t len)
{
	char tmp[4200];
	FILE *f;
	int e = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fwrite(text, 1, len, f) != len)
		e = errno ? errno : EIO;
	if (fclose(f) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (e)
		unlink(tmp);
	return -e;
}
