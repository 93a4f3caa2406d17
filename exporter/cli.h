/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlvs-exporter's command line:
 *   xlvs-exporter [-l ADDR:PORT]... [--healthd-rundir DIR]
 *                 [--failoverd-socket PATH] [--refresh SECONDS]
 * ADDR:PORT is an IPv4 address or a bracketed IPv6 one, with a port
 * (127.0.0.1:9780 when none is given: the endpoint is this host's own
 * unless the admin says otherwise).
 */
#ifndef XLVS_EXPORTER_CLI_H
#define XLVS_EXPORTER_CLI_H

#include <stdio.h>
#include <xlvs/libxlvs.h>

#define CLI_LISTEN_MAX 4
#define CLI_DEFAULT_LISTEN "127.0.0.1:9780"

struct cli {
	struct xlvs_endpoint listen[CLI_LISTEN_MAX];
	size_t nlisten;
	const char *healthd_rundir;     /* xlvs-healthd's pid and status files */
	char failoverd_sock[4096];      /* "" for none */
	unsigned refresh;               /* the page's reload, s; 0 never */
};

/* 0 to run, 1 when help was printed (exit 0), 2 after a usage error
 * printed on err naming the option. */
int cli_parse(int argc, char **argv, struct cli *o, FILE *err);
void cli_usage(FILE *f);

#endif
