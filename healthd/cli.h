/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line as ldirectord 4.12's: "[-d|--debug] [--] [configfile]
 * start|stop|restart|try-restart|reload|force-reload|status", -h/--help,
 * -v/--version, and xlvs-healthd's own -t FILE / check FILE and
 * --supervised (supervised=yes whatever the file says: xlvs-healthd@.service).  Options stop
 * at the first operand (Getopt::Long's require_order).  The configuration
 * is found as ldirectord's ld_init finds it, and each configuration has a
 * pid file named after it.  Nothing here prints.
 */
#ifndef XLVS_HEALTHD_CLI_H
#define XLVS_HEALTHD_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum hd_cmd {
	HD_CMD_NONE, HD_CMD_START, HD_CMD_STOP, HD_CMD_RESTART,
	HD_CMD_TRY_RESTART, HD_CMD_RELOAD, HD_CMD_FORCE_RELOAD, HD_CMD_STATUS,
	HD_CMD_CHECK, HD_CMD_HELP, HD_CMD_VERSION,
};

struct hd_cli {
	enum hd_cmd cmd;
	bool debug;                     /* -d */
	bool supervised;                /* --supervised: as supervised=yes */
	const char *config;             /* as written; "ldirectord.cf" if none */
	const char *cfgname;            /* ldirectord's CFGNAME: the written
					 * name's last component, "ldirectord"
					 * when none was written */
	const char *confdir;            /* --confdir, else NULL */
	const char *rundir;             /* --rundir, else NULL */
};

/* 0, or -EINVAL for a command line ldirectord's usage() would reject. */
int hd_cli_parse(int argc, char **argv, struct hd_cli *out);

/* ld_init's lookup: CONFDIR/NAME, then CONFDIR/conf/NAME (CONFDIR
 * /etc/ha.d unless confdir), then NAME itself, each a regular file.  The
 * path into buf; -ENOENT when none is. */
int hd_cli_find_config(const char *name, const char *confdir, char *buf,
		       size_t len);

/* RUNDIR/xlvs-healthd.CFGNAME.pid (RUNDIR /run unless rundir; ldirectord's
 * /var/run/ldirectord.CFGNAME.pid); suffix "pid" or "status".
 * -ENAMETOOLONG. */
int hd_cli_run_file(const char *rundir, const char *cfgname,
		    const char *suffix, char *buf, size_t len);

#endif
