// SPDX-License-Identifier: GPL-2.0
/* The command line and the configuration lookup (cli.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char *const cli_names[] = {
	[HD_CMD_START] = "start", [HD_CMD_STOP] = "stop",
	[HD_CMD_RESTART] = "restart", [HD_CMD_TRY_RESTART] = "try-restart",
	[HD_CMD_RELOAD] = "reload", [HD_CMD_FORCE_RELOAD] = "force-reload",
	[HD_CMD_STATUS] = "status", [HD_CMD_CHECK] = "check",
};

static enum hd_cmd cli_cmd(const char *s)
{
	for (size_t i = HD_CMD_START; i <= HD_CMD_STATUS; i++)
		if (!strcmp(s, cli_names[i]))
			return (enum hd_cmd)i;
	return HD_CMD_NONE;
}

/* A long option with its value inline (--confdir=D) or next (--confdir D). */
static int cli_value(int argc, char **argv, int *i, const char *name,
		     const char **out)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -EINVAL;
	*out = argv[++*i];
	return 1;
}

/* One option word (bundled short ones: -dv); the operand index after
 * options, or -EINVAL. */
static int cli_options(int argc, char **argv, struct hd_cli *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc;

		if (!strcmp(a, "--"))
			return i + 1;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (!strcmp(a, "--debug")) { o->debug = true; continue; }
		if (!strcmp(a, "--supervised")) { o->supervised = true; continue; }
		if (!strcmp(a, "--help")) { o->cmd = HD_CMD_HELP; continue; }
		if (!strcmp(a, "--version")) { o->cmd = HD_CMD_VERSION; continue; }
		if ((rc = cli_value(argc, argv, &i, "--confdir", &o->confdir)))
			{ if (rc < 0) return rc; continue; }
		if ((rc = cli_value(argc, argv, &i, "--rundir", &o->rundir)))
			{ if (rc < 0) return rc; continue; }
		if (a[1] == '-')
			return -EINVAL;
		for (const char *p = a + 1; *p; p++) {
			switch (*p) {
			case 'd': o->debug = true; break;
			case 'h': case '?': o->cmd = HD_CMD_HELP; break;
			case 'v': o->cmd = HD_CMD_VERSION; break;
			case 't':
				/* -t FILE / -tFILE: xlvs-healthd's own. */
				if (p[1])
					o->config = p + 1;
				else if (i + 1 < argc)
					o->config = argv[++i];
				else
					return -EINVAL;
				o->cmd = HD_CMD_CHECK;
				return i + 1;
			default: return -EINVAL;
			}
		}
	}
	return i;
}

static const char *cli_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int hd_cli_parse(int argc, char **argv, struct hd_cli *o)
{
	int i, n;

	memset(o, 0, sizeof(*o));
	i = cli_options(argc, argv, o);
	if (i < 0)
		return i;
	n = argc - i;
	if (o->cmd == HD_CMD_HELP || o->cmd == HD_CMD_VERSION)
		return 0;
	if (o->cmd == HD_CMD_CHECK)
		return n == 0 && o->config[0] ? 0 : -EINVAL;
	if (n == 2 && !strcmp(argv[i], "check")) {
		o->cmd = HD_CMD_CHECK;
		o->config = argv[i + 1];
		return 0;
	}
	/* ld_init: "CONFIG CMD", or "CMD" alone with ldirectord.cf; more
	 * words are ignored as ldirectord ignores them. */
	if (n < 1)
		return -EINVAL;
	if (n >= 2) {
		o->config = argv[i];
		o->cfgname = cli_base(argv[i]);
		o->cmd = cli_cmd(argv[i + 1]);
	} else {
		o->config = "ldirectord.cf";
		o->cfgname = "ldirectord";
		o->cmd = cli_cmd(argv[i]);
	}
	if (o->cmd == HD_CMD_NONE || !o->config[0] || !o->cfgname[0])
		return -EINVAL;
	return 0;
}

static bool cli_is_file(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int hd_cli_find_config(const char *name, const char *confdir, char *buf,
		       size_t len)
{
	const char *dir = confdir ? confdir : "/etc/ha.d";
	int n;

	/* ldirectord tries "/etc/ha.d/$CONFIG" even for an absolute name. */
	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n > 0 && (size_t)n < len && cli_is_file(buf))
		return 0;
	n = snprintf(buf, len, "%s/conf/%s", dir, name);
	if (n > 0 && (size_t)n < len && cli_is_file(buf))
		return 0;
	n = snprintf(buf, len, "%s", name);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return cli_is_file(buf) ? 0 : -ENOENT;
}

int hd_cli_run_file(const char *rundir, const char *cfgname,
		    const char *suffix, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/xlvs-healthd.%s.%s",
			 rundir ? rundir : "/run", cfgname, suffix);

	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}
