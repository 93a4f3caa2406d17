/* The init-script commands, run against a daemon through its pid file
 * and control socket (cli.h names them), with LSB's exit codes: start
 * 0 (also when running already), 1 failure, 6 not configured; stop 0
 * (also when stopped) once the daemon, and so its resources and VIP,
 * are gone; reload 0, 6 with the errors of a broken configuration (the
 * daemon keeps the running one), 7 not running; status 0 running (its
 * report on stdout), 1 dead with a pid file left, 3 stopped. */
#ifndef XLVS_FO_CTL_H
#define XLVS_FO_CTL_H

#include "cli.h"

#define FO_EXIT_NOTCONFIGURED 6
#define FO_EXIT_NOTRUNNING 7
/* stop's bound: every resource script's (10 s each) and a margin. */
#define FO_STOP_WAIT_MS 120000

struct fo_ctl {
	const struct fo_cli *cli;
	char pidfile[4096], sock[4096];
};

/* The exit status, or -1 when the caller is to start the daemon. */
int fo_ctl_run(const struct fo_ctl *c);
/* One request on the socket, the answer copied to out: 0 or -errno. */
int fo_ctl_ask(const char *sock, const char *req, FILE *out);

#endif
