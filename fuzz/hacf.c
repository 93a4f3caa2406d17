// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-failoverd's three config parsers (ha.cf,
 * haresources, authkeys: failoverd/config_*.c), from memory, all three on
 * each input.  Invariants: a parser succeeds exactly when it reported no
 * error; the diagnostics stay NUL-terminated inside their buffer, one
 * "FILE:" line per message; every count stays within its array; a
 * successful authkeys has its signing index configured, a successful
 * ha.cf has a node, a medium and deadtime > 2 * keepalive.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* By path: healthd/ has a config.h too, and both are on the fuzzers' -I. */
#include "../failoverd/config.h"
#include "fence.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	return 0;
}

static void invariant(int ok)
{
	if (!ok)
		abort();
}

static void check_diag(const struct fo_diag *d, int r)
{
	invariant(d->len < sizeof(d->text) && d->text[d->len] == '\0');
	invariant(strlen(d->text) == d->len);
	invariant((r == 0) == (d->nerr == 0));
	invariant(d->len == 0 || strncmp(d->text, "f:", 2) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fo_hacf cf;
	static struct fo_haresources hr;
	static struct hb_authkeys ak;
	static struct fo_diag d;
	int r;

	fo_diag_init(&d);
	r = fo_hacf_parse("f", (const char *)data, size, &cf, &d);
	check_diag(&d, r);
	invariant(cf.nmedia <= FO_MAXMEDIA && cf.nnodes <= FO_MAXNODES && cf.nping <= FO_MAXPING);
	invariant(cf.npgroups <= FO_MAXPGROUPS && cf.nrespawn <= FO_MAXRESPAWN);
	invariant(cf.nopt <= FO_MAXOPTS);
	if (r == 0)
		invariant(cf.nnodes && cf.nmedia && cf.deadtime_ms > 2 * cf.keepalive_ms &&
			  cf.initdead_ms >= cf.deadtime_ms);

	fo_diag_init(&d);
	r = fo_haresources_parse("f", (const char *)data, size, &hr, &d);
	check_diag(&d, r);
	invariant(hr.ngroups <= FO_MAXGROUPS);
	for (unsigned i = 0; i < hr.ngroups; i++) {
		invariant(hr.g[i].nrsc > 0 && hr.g[i].nrsc <= FO_MAXRSC);
		for (unsigned j = 0; j < hr.g[i].nrsc; j++)
			invariant(hr.g[i].rsc[j].nargs <= FO_MAXARGS &&
				  hr.g[i].rsc[j].prefix <=
					  (hr.g[i].rsc[j].family == AF_INET6 ? 128 : 32));
	}

	fo_diag_init(&d);
	r = fo_authkeys_parse("f", (const char *)data, size, 0600, &ak, &d);
	check_diag(&d, r);
	if (r == 0)
		invariant(ak.active >= 0 && ak.active < HB_AUTH_MAXIDX &&
			  ak.k[ak.active].method != HB_AUTH_NONE);
	return 0;
}
