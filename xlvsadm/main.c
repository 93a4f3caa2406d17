// SPDX-License-Identifier: GPL-2.0
/* xlvsadm: ipvsadm for the xlvs table. */
#include <stdio.h>
#include "cmd.h"

static void log_stderr(const char *msg)
{
	fprintf(stderr, "xlvsadm: %s\n", msg);
}

static void usage(void)
{
	printf("xlvsadm: ipvsadm for the xlvs XDP director\n"
	       "Usage:\n"
	       "  xlvsadm -A|E -t|u service-address [-s scheduler] [-p [timeout]] [-M netmask]\n"
	       "              [-o] [-b sched-flags]\n"
	       "  xlvsadm -D -t|u service-address\n"
	       "  xlvsadm -C\n"
	       "  xlvsadm -R\n"
	       "  xlvsadm -S [-n]\n"
	       "  xlvsadm -a|e -t|u service-address -r server-address [-g|-i] [-w weight]\n"
	       "              [-x upper-threshold] [-y lower-threshold]\n"
	       "              [--tun-type ipip|gue|gre] [--tun-port port]\n"
	       "              [--tun-nocsum|--tun-csum|--tun-remcsum]\n"
	       "  xlvsadm -d -t|u service-address -r server-address\n"
	       "  xlvsadm -L|l [-n] [-t|u service-address]\n"
	       "  xlvsadm -L --timeout\n"
	       "  xlvsadm -L|l [-n] --stats|--rate [--exact]\n"
	       "  xlvsadm -L|l [-n] --thresholds|--persistent-conn|--tun-info\n"
	       "  xlvsadm -L -c [-n] [--persistent-conn]\n"
	       "  xlvsadm -Z [-t|u service-address]\n"
	       "  xlvsadm --set tcp tcpfin udp\n"
	       "  xlvsadm --attach DEV [--xdp-mode auto|native|generic] [--conn-max N]\n"
	       "  xlvsadm --detach DEV\n"
	       "  xlvsadm --unload\n"
	       "  xlvsadm --upgrade\n"
	       "  xlvsadm --counters\n"
	       "  xlvsadm -h | -v\n"
	       "Schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos.\n"
	       "Forwarding: -g (direct routing), -i (tunnelling; ipip by default).\n");
}

int main(int argc, char **argv)
{
	struct cmd c;
	int rc;

	xlvs_set_log(log_stderr);
	rc = cmd_parse(argc, argv, &c);
	if (rc)
		return rc;
	switch (c.kind) {
	case CMD_HELP:
		usage();
		return 0;
	case CMD_VERSION:
		printf("xlvsadm v0.1 (ipvsadm v1.31 compatible, IPVS v1.2.1 table)\n");
		return 0;
	case CMD_RESTORE:
		return cmd_restore();
	default:
		return cmd_run(&c);
	}
}
