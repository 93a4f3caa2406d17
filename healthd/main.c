// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-healthd [-d] [configfile] start | -t FILE | check FILE
 *
 * As ldirectord: the configuration is looked up as given, then in
 * /etc/ha.d and /etc/ha.d/conf; "ldirectord.cf" when none is named.  -d
 * stays in the foreground and logs to stderr.  -t / check validate a file:
 * every error on stderr, exit 0 or 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "hd_log.h"

static void main_usage(void)
{
	fprintf(stderr,
		"Usage: xlvs-healthd [-d] [configfile] start\n"
		"       xlvs-healthd -t configfile | check configfile\n");
}

static void main_err(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

/* ldirectord's lookup: /etc/ha.d/NAME, /etc/ha.d/conf/NAME, else NAME. */
static const char *main_find(const char *name, char *buf, size_t len)
{
	const char *dirs[] = { "/etc/ha.d/", "/etc/ha.d/conf/" };

	if (name[0] == '/')
		return name;
	for (int i = 0; i < 2; i++) {
		snprintf(buf, len, "%s%s", dirs[i], name);
		if (access(buf, F_OK) == 0)
			return buf;
	}
	return name;
}

static int main_check(const char *path)
{
	struct hd_config *c = NULL;
	int rc = hd_config_load(path, &c, main_err, NULL);

	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", path, strerror(-rc));
		return 1;
	}
	hd_config_free(c);
	return 0;
}

int main(int argc, char **argv)
{
	struct hd_daemon_opts o = { 0 };
	struct hd_config *c = NULL;
	const char *name = "ldirectord.cf", *path, *slash;
	char buf[4096];
	int opt, rc;

	while ((opt = getopt(argc, argv, "dht:")) != -1) {
		switch (opt) {
		case 'd': o.foreground = true; break;
		case 't': return main_check(optarg);
		default: main_usage(); return opt == 'h' ? 0 : 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 2 && !strcmp(argv[0], "check"))
		return main_check(argv[1]);
	if (argc == 2)
		name = argv[0];
	if (argc < 1 || argc > 2 || strcmp(argv[argc - 1], "start")) {
		main_usage();
		return 1;
	}
	path = main_find(name, buf, sizeof(buf));
	rc = hd_config_load(path, &c, main_err, NULL);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "Config file %s: %s\n", path, strerror(-rc));
		return 1;
	}
	o.path = path;
	slash = strrchr(path, '/');
	o.cfgname = slash ? slash + 1 : path;
	if (o.foreground)
		hd_log_set_debug(1);
	return hd_daemon_run(c, &o);
}
