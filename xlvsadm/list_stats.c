// SPDX-License-Identifier: GPL-2.0
/*
 * -L --stats and -L --rate, byte for byte as ipvsadm prints them
 * (print_title, print_service_entry, print_largenum): five right-aligned
 * columns, large numbers shortened to K/M/G/T unless --exact is given.
 */
#include <stdio.h>
#include "cmd.h"

static void print_largenum(FILE *f, unsigned long long i, bool exact)
{
	if (exact) {
		int len = snprintf(NULL, 0, "%llu", i);

		fprintf(f, "%*llu", len <= 8 ? 9 : len + 1, i);
	} else if (i < 100000000ULL) {
		fprintf(f, "%9llu", i);
	} else if (i < 1000000000ULL) {
		fprintf(f, "%8lluK", i / 1000);
	} else if (i < 100000000000ULL) {
		fprintf(f, "%8lluM", i / 1000000);
	} else if (i < 100000000000000ULL) {
		fprintf(f, "%8lluG", i / 1000000000ULL);
	} else {
		fprintf(f, "%8lluT", i / 1000000000000ULL);
	}
}

void stats_title(FILE *f, unsigned int opts)
{
	bool rate = opts & OPT_RATE;

	fprintf(f, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		"Prot LocalAddress:Port",
		rate ? "CPS" : "Conns", rate ? "InPPS" : "InPkts",
		rate ? "OutPPS" : "OutPkts", rate ? "InBPS" : "InBytes",
		rate ? "OutBPS" : "OutBytes");
}

void stats_line(FILE *f, const char *name, const struct xlvs_stats *st,
		const struct xlvs_rates *r, unsigned int opts, bool is_dest)
{
	bool exact = opts & OPT_EXACT;

	fprintf(f, "%-33s", name);
	if (opts & OPT_RATE) {
		/* ipvsadm prints a real server's CPS and PPS unshortened. */
		if (is_dest) {
			fprintf(f, " %8llu %8llu %8llu", (unsigned long long)r->cps,
				(unsigned long long)r->inpps,
				(unsigned long long)r->outpps);
		} else {
			print_largenum(f, r->cps, exact);
			print_largenum(f, r->inpps, exact);
			print_largenum(f, r->outpps, exact);
		}
		print_largenum(f, r->inbps, exact);
		print_largenum(f, r->outbps, exact);
	} else {
		print_largenum(f, st->conns, exact);
		print_largenum(f, st->inpkts, exact);
		print_largenum(f, st->outpkts, exact);
		print_largenum(f, st->inbytes, exact);
		print_largenum(f, st->outbytes, exact);
	}
	fputc('\n', f);
}
