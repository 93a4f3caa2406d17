/* The command line:
 *   xlvs-failoverd [-c DIR] [-n NODE] [--statedir DIR] [--rundir DIR]
 *                  start|stop|restart|reload|force-reload|status
 *   xlvs-failoverd [...] -d        run in the foreground (as today)
 *   xlvs-failoverd [...] -t        check DIR and exit
 * and where a running daemon's files are: RUNDIR (/run, or --rundir, or
 * XLVS_FAILOVERD_RUNDIR) holds xlvs-failoverd[.TAG].pid and .sock, TAG
 * naming the configuration directory when it is not /etc/ha.d (its real
 * path, '/' as '_') and the node when -n gives one, so several daemons
 * (tests: one per namespace, one ha.d) each have their own.  Nothing
 * here prints. */
#ifndef XLVS_FO_CLI_H
#define XLVS_FO_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum fo_cmd {
	FO_CMD_NONE, FO_CMD_START, FO_CMD_STOP, FO_CMD_RESTART, FO_CMD_RELOAD,
	FO_CMD_FORCE_RELOAD, FO_CMD_STATUS, FO_CMD_RUN, FO_CMD_CHECK, FO_CMD_HELP,
};

struct fo_cli {
	enum fo_cmd cmd;
	bool foreground;		/* -d: with start too, no fork */
	const char *confdir, *node, *statedir, *rundir;
};

/* 0, or -EINVAL naming the bad word in *bad. */
int fo_cli_parse(int argc, char **argv, struct fo_cli *o, const char **bad);
/* RUNDIR/xlvs-failoverd[.DIRTAG][.NODE].SUFFIX; -ENAMETOOLONG. */
int fo_cli_run_file(const struct fo_cli *o, const char *suffix, char *buf, size_t len);

#endif
