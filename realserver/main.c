// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-realserver: prepares a real server of an LVS (or xlvs) director for
 * direct routing or tunnelling, records what it changed, and undoes
 * exactly that.  See options.c for the command line.
 */
#include <stdio.h>
#include <string.h>
#include "cmd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xlvs-realserver up [--tunnel[=ipip|gue|gre]] [--tun-port PORT]\n"
		"                          [--dev IF]... [--persist] [--config FILE]\n"
		"                          [--state FILE] VIP...\n"
		"       xlvs-realserver down [--persist] [--config FILE] [--state FILE]\n"
		"       xlvs-realserver status [--state FILE]\n"
		"       xlvs-realserver -h|--help\n"
		"Options:\n"
		"  --tunnel[=ipip|gue|gre]  decapsulate the director's tunnel (ipip if no type)\n"
		"  --tun-port PORT          gue: the director's --tun-port\n"
		"  --dev IF                 decapsulate on IF only (repeatable; default every link up)\n"
		"  --persist                up: also write --config's file and enable the unit;\n"
		"                           down: remove the file and disable the unit\n"
		"  --config FILE            up: read VIPs and settings from FILE; with --persist:\n"
		"                           the file written or removed (default\n"
		"                           /etc/xlvs/realserver.conf)\n"
		"  --state FILE             the record of changes (default /run/xlvs-realserver/state)\n"
		"  -h, --help               this help\n");
}

int main(int argc, char **argv)
{
	static struct rs_opts o;
	char err[512], path[256];
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (rs_opts_parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "xlvs-realserver: %s\n", err);
		usage(stderr);
		return 2;
	}
	if (o.state_path) {
		snprintf(path, sizeof(path), "%s", o.state_path);
	} else if ((rc = rs_state_path(path, sizeof(path)))) {
		fprintf(stderr, "xlvs-realserver: cannot name the state file: %s\n",
			strerror(-rc));
		return 1;
	} else if (o.cmd == RS_UP) {
		rs_state_gc();
	}
	switch (o.cmd) {
	case RS_UP:
		return cmd_up(&o, path);
	case RS_DOWN:
		return cmd_down(&o, path);
	default:
		return cmd_status(path);
	}
}
