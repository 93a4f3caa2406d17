// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-exporter's readers of the daemons' status texts
 * (exporter/hdstat.c: xlvs-healthd's status file; exporter/fostat.c:
 * xlvs-failoverd's status answer) and the text format's label escape
 * (exporter/prom.c), which gets whatever those texts and file names hold.
 * Invariants: every string the readers fill is terminated inside its
 * field, counts match what was filled; the escape of any string has no
 * raw newline and no unescaped quote, undoes to the string itself, and
 * its length is the one it said it needs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fence.h"
#include "fostat.h"
#include "hdstat.h"
#include "prom.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	return 0;
}

#define TERMINATED(field) (memchr((field), '\0', sizeof(field)) != NULL)

static void check_healthd(const char *text, size_t len)
{
	struct hdstat_instance in = { 0 };

	if (hdstat_parse(text, len, &in))
		abort();
	for (size_t i = 0; i < in.nv; i++) {
		const struct hdstat_virtual *v = &in.v[i];

		if (!TERMINATED(v->service) || !TERMINATED(v->check) || !TERMINATED(v->fallback) ||
		    (v->n && !v->reals))
			abort();
		for (size_t j = 0; j < v->n; j++) {
			const struct hdstat_real *r = &v->reals[j];

			if (!TERMINATED(r->real) || !TERMINATED(r->fwd) || !TERMINATED(r->why) ||
			    r->last_ok < -1 || r->last_ok > 1)
				abort();
		}
	}
	hdstat_instance_free(&in);
}

static void check_failoverd(const char *text)
{
	struct fostat st;

	fostat_parse(text, &st);
	if (!TERMINATED(st.node) || !TERMINATED(st.role) || !TERMINATED(st.peer) ||
	    !TERMINATED(st.peer_status) || !TERMINATED(st.failed_rsc) ||
	    !TERMINATED(st.error) || st.nrsc > FOSTAT_RSC_MAX)
		abort();
	for (size_t i = 0; i < st.nrsc; i++)
		if (!TERMINATED(st.rsc[i].name) || !TERMINATED(st.rsc[i].state))
			abort();
}

/* The text format's unescape, written from its rules. */
static void check_escape(const char *s)
{
	size_t need = prom_escape_label(s, NULL, 0), n;
	char *out = malloc(need + 1), *back = malloc(strlen(s) + 1), *b = back;

	if (!out || !back)
		abort();
	if (prom_escape_label(s, out, need + 1) != need || strlen(out) != need)
		abort();
	for (n = 0; n < need; n++) {
		if (out[n] == '\n' || out[n] == '"')
			abort();
		if (out[n] != '\\') {
			*b++ = out[n];
			continue;
		}
		switch (out[++n]) {
		case '\\': *b++ = '\\'; break;
		case '"': *b++ = '"'; break;
		case 'n': *b++ = '\n'; break;
		default: abort();
		}
	}
	*b = '\0';
	if (strcmp(back, s))
		abort();
	free(out);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_healthd(text, size);
	check_failoverd(text);      /* up to the first NUL, as read() text */
	check_escape(text);
	free(text);
	return 0;
}
