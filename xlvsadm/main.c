// SPDX-License-Identifier: GPL-2.0
/* xlvsadm: ipvsadm for the xlvs table. */
#include <stdio.h>
#include "cmd.h"

static void log_stderr(const char *msg)
{
	fprintf(stderr, "xlvsadm: %s\n", msg);
}

/* ipvsadm -h's layout: the usage lines, then every command and option
 * with its long and short form (tests/e2e/test_manpages.sh compares the
 * options named here with the parser's and with xlvsadm(8)'s). */
static void usage(void)
{
	printf("xlvsadm v0.1: ipvsadm for the xlvs XDP director\n"
	       "Usage:\n"
	       "  xlvsadm -A|-E -t|-u service-address [-s scheduler] [-p [timeout]] [-M netmask]\n"
	       "              [-o] [-b sched-flags]\n"
	       "  xlvsadm -D -t|-u service-address\n"
	       "  xlvsadm -C\n"
	       "  xlvsadm -R\n"
	       "  xlvsadm -S [-n]\n"
	       "  xlvsadm -a|-e -t|-u service-address -r server-address [-g|-i|-m] [-w weight]\n"
	       "              [-x upper-threshold] [-y lower-threshold]\n"
	       "              [--tun-type ipip|gue|gre] [--tun-port port]\n"
	       "              [--tun-nocsum|--tun-csum|--tun-remcsum]\n"
	       "  xlvsadm -d -t|-u service-address -r server-address\n"
	       "  xlvsadm -L|-l [-n] [-t|-u service-address]\n"
	       "  xlvsadm -L --timeout\n"
	       "  xlvsadm -L|-l [-n] --stats|--rate [--exact]\n"
	       "  xlvsadm -L|-l [-n] --thresholds|--persistent-conn|--tun-info\n"
	       "  xlvsadm -L -c [-n] [--persistent-conn]\n"
	       "  xlvsadm -L|-l [-c|--timeout|--stats|--rate|...] --json\n"
	       "  xlvsadm -Z [-t|-u service-address]\n"
	       "  xlvsadm --set tcp tcpfin udp\n"
	       "  xlvsadm --attach DEV [--xdp-mode auto|native|generic] [--conn-max N]\n"
	       "  xlvsadm --detach DEV\n"
	       "  xlvsadm --unload\n"
	       "  xlvsadm --upgrade\n"
	       "  xlvsadm --counters\n"
	       "  xlvsadm --sysctl [NAME[=VALUE]]...\n"
	       "  xlvsadm --start-daemon {master|backup} [--mcast-interface interface]\n"
	       "          [--syncid sid] [--sync-maxlen length] [--mcast-group address]\n"
	       "          [--mcast-port port] [--mcast-ttl ttl]\n"
	       "  xlvsadm --stop-daemon {master|backup}\n"
	       "  xlvsadm -L --daemon\n"
	       "  xlvsadm -h | -v\n"
	       "\n"
	       "Commands:\n"
	       "Either long or short options are allowed.\n"
	       "  --add-service     -A        add virtual service with options\n"
	       "  --edit-service    -E        edit virtual service with options\n"
	       "  --delete-service  -D        delete virtual service\n"
	       "  --clear           -C        clear the whole table\n"
	       "  --restore         -R        restore rules from stdin\n"
	       "  --save            -S        save rules to stdout\n"
	       "  --add-server      -a        add real server with options\n"
	       "  --edit-server     -e        edit real server with options\n"
	       "  --delete-server   -d        delete real server\n"
	       "  --list            -L|-l     list the table\n"
	       "  --zero            -Z        zero counters in a service or all services\n"
	       "  --set tcp tcpfin udp        set connection timeout values\n"
	       "  --attach DEV                load the table if needed, attach the XDP program to DEV\n"
	       "  --detach DEV                take the XDP program off DEV (the table stays)\n"
	       "  --unload                    detach everywhere and remove the table\n"
	       "  --counters                  the data plane's named counters\n"
	       "  --sysctl [NAME[=VALUE]]...  IPVS's connection sysctls, kept in the table\n"
	       "  --start-daemon              start connection sync daemon (xlvs-syncd)\n"
	       "  --stop-daemon               stop connection sync daemon\n"
	       "  --help            -h        display this help message\n"
	       "  --version         -v        display the version\n"
	       "\n"
	       "virtual-service:\n"
	       "  --tcp-service|-t  service-address   service-address is host[:port]\n"
	       "  --udp-service|-u  service-address   service-address is host[:port]\n"
	       "\n"
	       "Options:\n"
	       "  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh|twos,\n"
	       "                                      the default scheduler is wlc.\n"
	       "  --persistent   -p [timeout]         persistent service\n"
	       "  --netmask      -M netmask           persistent granularity mask\n"
	       "  --real-server  -r server-address    server-address is host (and port)\n"
	       "  --gatewaying   -g                   gatewaying (direct routing) (default)\n"
	       "  --ipip         -i                   ipip encapsulation (tunneling)\n"
	       "  --masquerading -m                   masquerading (NAT)\n"
	       "  --tun-type      type                one of ipip|gue|gre,\n"
	       "                                      the default tunnel type is ipip.\n"
	       "  --tun-port      port                tunnel destination port\n"
	       "  --tun-nocsum                        tunnel encapsulation without checksum\n"
	       "  --tun-csum                          tunnel encapsulation with checksum\n"
	       "  --tun-remcsum                       tunnel encapsulation with remote checksum\n"
	       "  --weight       -w weight            capacity of real server\n"
	       "  --u-threshold  -x uthreshold        upper threshold of connections\n"
	       "  --l-threshold  -y lthreshold        lower threshold of connections\n"
	       "  --connection   -c                   output of current connections\n"
	       "  --timeout                           output of timeout (tcp tcpfin udp)\n"
	       "  --stats                             output of statistics information\n"
	       "  --rate                              output of rate information\n"
	       "  --exact        -X                   expand numbers (display exact values)\n"
	       "  --thresholds                        output of thresholds information\n"
	       "  --persistent-conn                   output of persistent connection info\n"
	       "  --tun-info                          output of tunnel information\n"
	       "  --sort                              does nothing, for backwards compatibility\n"
	       "  --json                              the listing as one JSON document\n"
	       "  --daemon                            output of daemon information\n"
	       "  --mcast-interface interface         multicast interface for connection sync\n"
	       "  --syncid sid                        syncID for connection sync (default=0)\n"
	       "  --sync-maxlen length                max sync message length (default=1472)\n"
	       "  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)\n"
	       "  --mcast-port port                   UDP port (default=8848)\n"
	       "  --mcast-ttl ttl                     multicast TTL (default=1)\n"
	       "  --ops          -o                   one-packet scheduling\n"
	       "  --numeric      -n                   numeric output of addresses and ports\n"
	       "  --sched-flags  -b flags             scheduler flags (comma-separated)\n"
	       "  --xdp-mode      mode                with --attach: auto|native|generic (default auto)\n"
	       "  --conn-max      N                   with --attach: the connection table's size\n");
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
