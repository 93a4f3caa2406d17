// SPDX-License-Identifier: GPL-2.0
/* xlvs-exporter's options (cli.h). */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define REFRESH_MAX 3600

void cli_usage(FILE *f)
{
	fputs("Usage: xlvs-exporter [-l ADDR:PORT]... [--healthd-rundir DIR]\n"
	      "                     [--failoverd-socket PATH] [--refresh SECONDS]\n"
	      "Serves this network namespace's xlvs table, xlvs-healthd's and\n"
	      "xlvs-failoverd's state read-only over HTTP: /metrics (Prometheus's\n"
	      "text format) and / (a status page).\n"
	      "  -l, --listen ADDR:PORT    where to listen (repeatable, up to 4;\n"
	      "                            default " CLI_DEFAULT_LISTEN ", IPv6 as [::1]:9780)\n"
	      "      --healthd-rundir DIR  xlvs-healthd's pid and status files\n"
	      "                            (default $XLVS_HEALTHD_RUNDIR or /run)\n"
	      "      --failoverd-socket PATH  xlvs-failoverd's control socket, \"\" for none\n"
	      "                            (default $XLVS_FAILOVERD_RUNDIR/xlvs-failoverd.sock\n"
	      "                            or /run/xlvs-failoverd.sock)\n"
	      "      --refresh SECONDS     the status page reloads itself this often\n"
	      "                            (default 5; 0 never; at most 3600)\n"
	      "  -h, --help                this text\n", f);
}

static int listen_add(struct cli *o, const char *arg, FILE *err)
{
	struct xlvs_endpoint ep;

	if (o->nlisten >= CLI_LISTEN_MAX) {
		fprintf(err, "xlvs-exporter: --listen: at most %d addresses\n", CLI_LISTEN_MAX);
		return 2;
	}
	if (xlvs_endpoint_parse(arg, false, &ep) || !ep.port) {
		fprintf(err, "xlvs-exporter: --listen '%s': not ADDR:PORT (an IPv4 address, "
			"or an IPv6 one in brackets, and a port 1-65535)\n", arg);
		return 2;
	}
	o->listen[o->nlisten++] = ep;
	return 0;
}

static int refresh_set(struct cli *o, const char *arg, FILE *err)
{
	char *end;
	long v;

	v = strtol(arg, &end, 10);
	if (!*arg || *end || v < 0 || v > REFRESH_MAX) {
		fprintf(err, "xlvs-exporter: --refresh '%s': not a number of seconds 0-%d\n",
			arg, REFRESH_MAX);
		return 2;
	}
	o->refresh = (unsigned)v;
	return 0;
}

static void defaults(struct cli *o)
{
	const char *hd = getenv("XLVS_HEALTHD_RUNDIR"), *fo = getenv("XLVS_FAILOVERD_RUNDIR");

	memset(o, 0, sizeof(*o));
	o->healthd_rundir = hd && *hd ? hd : "/run";
	snprintf(o->failoverd_sock, sizeof(o->failoverd_sock), "%s/xlvs-failoverd.sock",
		 fo && *fo ? fo : "/run");
	o->refresh = 5;
}

int cli_parse(int argc, char **argv, struct cli *o, FILE *err)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "healthd-rundir", required_argument, NULL, 'H' },
		{ "failoverd-socket", required_argument, NULL, 'F' },
		{ "refresh", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, rc = 0;

	defaults(o);
	opterr = 0;
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, ":l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': rc = listen_add(o, optarg, err); break;
		case 'H':
			if (!*optarg) {
				fprintf(err, "xlvs-exporter: --healthd-rundir: empty\n");
				rc = 2;
			}
			o->healthd_rundir = optarg;
			break;
		case 'F':
			if (strlen(optarg) >= 108) {  /* sun_path */
				fprintf(err, "xlvs-exporter: --failoverd-socket '%s': longer than a "
					"unix socket's path may be (107)\n", optarg);
				rc = 2;
			}
			snprintf(o->failoverd_sock, sizeof(o->failoverd_sock), "%s", optarg);
			break;
		case 'r': rc = refresh_set(o, optarg, err); break;
		case 'h': cli_usage(stdout); return 1;
		case ':':
			fprintf(err, "xlvs-exporter: %s needs a value\n", argv[optind - 1]);
			rc = 2;
			break;
		default:
			fprintf(err, "xlvs-exporter: unknown option %s\n", argv[optind - 1]);
			rc = 2;
		}
	}
	if (!rc && optind < argc) {
		fprintf(err, "xlvs-exporter: unexpected argument '%s'\n", argv[optind]);
		rc = 2;
	}
	if (!rc && !o->nlisten)
		rc = listen_add(o, CLI_DEFAULT_LISTEN, err);
	return rc;
}
