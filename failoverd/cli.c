/* The command line and the run files' names (cli.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const cmd_names[] = {
	[FO_CMD_START] = "start", [FO_CMD_STOP] = "stop", [FO_CMD_RESTART] = "restart",
	[FO_CMD_RELOAD] = "reload", [FO_CMD_FORCE_RELOAD] = "force-reload",
	[FO_CMD_STATUS] = "status",
};

int fo_cli_parse(int argc, char **argv, struct fo_cli *o, const char **bad)
{
	static const struct option lo[] = {
		{ "statedir", required_argument, NULL, 'S' },
		{ "rundir", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool test = false;
	int c;

	memset(o, 0, sizeof(*o));
	*bad = NULL;
	o->confdir = "/etc/ha.d";
	o->statedir = "/var/lib/xlvs-failoverd";
	o->rundir = getenv("XLVS_FAILOVERD_RUNDIR");
	if (!o->rundir || !*o->rundir)
		o->rundir = "/run";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:n:dth", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->confdir = optarg; break;
		case 'n': o->node = optarg; break;
		case 'd': o->foreground = true; break;
		case 't': test = true; break;
		case 'S': o->statedir = optarg; break;
		case 'R': o->rundir = optarg; break;
		case 'h': o->cmd = FO_CMD_HELP; return 0;
		default:
			*bad = argv[optind - 1];
			return -EINVAL;
		}
	}
	if (!*o->confdir || !*o->statedir || !*o->rundir)
		return *bad = "an empty directory", -EINVAL;
	if (optind < argc) {
		for (size_t i = FO_CMD_START; i <= FO_CMD_STATUS; i++)
			if (strcmp(argv[optind], cmd_names[i]) == 0)
				o->cmd = (enum fo_cmd)i;
		if (o->cmd == FO_CMD_NONE || optind + 1 < argc || test)
			return *bad = argv[o->cmd == FO_CMD_NONE || test ? optind : optind + 1],
			       -EINVAL;
		return 0;
	}
	if (test)
		o->cmd = FO_CMD_CHECK;
	else if (o->foreground)
		o->cmd = FO_CMD_RUN;
	else
		return *bad = "a command", -EINVAL;
	return 0;
}

int fo_cli_run_file(const struct fo_cli *o, const char *suffix, char *buf, size_t len)
{
	char tag[PATH_MAX + 80] = "", real[PATH_MAX];
	size_t n = 0;
	int w;

	if (strcmp(o->confdir, "/etc/ha.d") != 0) {
		const char *d = realpath(o->confdir, real) ? real : o->confdir;

		while (*d == '/')
			d++;
		n = (size_t)snprintf(tag, sizeof(tag), ".%s", d);
		for (size_t i = 1; i < n && i < sizeof(tag); i++)
			if (tag[i] == '/')
				tag[i] = '_';
	}
	if (o->node && n < sizeof(tag))
		snprintf(tag + n, sizeof(tag) - n, ".%s", o->node);
	w = snprintf(buf, len, "%s/xlvs-failoverd%s.%s", o->rundir, tag, suffix);
	return w > 0 && (size_t)w < len ? 0 : -ENAMETOOLONG;
}
