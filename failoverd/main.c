// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-failoverd [-c DIR] [-n NODE] [--statedir DIR] -d | -t
 *
 * -c: the heartbeat configuration directory (default /etc/ha.d);
 * -n: our node name (default uname -n; tests whose namespaces share one
 * UTS name need it); -d runs in the foreground; -t checks the
 * configuration and exits 0 or 1.  start/stop/status come later.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "daemon.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: xlvs-failoverd [-c DIR] [-n NODE] [--statedir DIR] -d | -t\n");
}

static int load(struct fo_daemon *dm, const char *dir, const char *node)
{
	static struct fo_diag d;
	struct utsname u;
	int r;

	fo_diag_init(&d);
	r = fo_config_load(dir, node, &dm->cfg, &d);
	if (d.len)
		fputs(d.text, stderr);
	if (r)
		return r;
	if (!node && uname(&u) == 0)
		node = u.nodename;
	if (!node || strlen(node) >= sizeof(dm->self))
		return -ENAMETOOLONG;
	memcpy(dm->self, node, strlen(node) + 1);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "statedir", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct fo_daemon dm;
	const char *dir = "/etc/ha.d", *node = NULL;
	bool test = false;
	int c;

	snprintf(dm.statedir, sizeof(dm.statedir), "/var/lib/xlvs-failoverd");
	while ((c = getopt_long(argc, argv, "c:n:dth", lo, NULL)) != -1) {
		switch (c) {
		case 'c': dir = optarg; break;
		case 'n': node = optarg; break;
		case 'd': dm.debug = true; break;
		case 't': test = true; break;
		case 'S': snprintf(dm.statedir, sizeof(dm.statedir), "%s", optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (!test && !dm.debug)) {
		usage(stderr);
		return 2;
	}
	if (load(&dm, dir, node))
		return 1;
	if (test)
		return 0;
	if (strlen(dir) >= sizeof(dm.confdir))
		return 1;
	memcpy(dm.confdir, dir, strlen(dir) + 1);
	return fo_daemon_run(&dm) ? 1 : 0;
}
