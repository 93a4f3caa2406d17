// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-realserver's state-file parser and its --persist
 * configuration parser (realserver/state.c, realserver/conf.c) on any
 * bytes.  Besides never crashing: a refused state leaves nothing half-read
 * (all counts zero), and an accepted one formats to text that parses back
 * to the same records (what down reads is what up wrote).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rs_state s, back;
static struct rs_opts o;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(&o, 0, sizeof(o));
	(void)rs_conf_parse((const char *)data, size, &o, err, sizeof(err));
	if (o.nvips > DECAP_VIPS_MAX || o.ndevs > RS_DEVS_MAX)
		abort();
	if (rs_state_parse((const char *)data, size, &s, err, sizeof(err))) {
		if (s.nvips || s.nsysctls || s.nxdp || s.nlinks || s.tunnel) {
			fprintf(stderr, "fuzz_rs_state: invariant broken: a refused "
				"state was half-read (%s)\n", err);
			abort();
		}
		return 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	rs_state_format(&s, f);
	fclose(f);
	if (rs_state_parse(text, len, &back, err, sizeof(err)) ||
	    memcmp(&s, &back, sizeof(s))) {
		fprintf(stderr, "fuzz_rs_state: invariant broken: the formatted "
			"state does not parse back the same (%s):\n%s\n", err, text);
		abort();
	}
	free(text);
	return 0;
}
