// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-syncd: IPVS's connection synchronisation daemon (docs/sync.md).
 * xlvsadm --start-daemon and --stop-daemon run it, with ipvsadm's options:
 *   xlvs-syncd --state master|backup [--mcast-interface IF] [--syncid N]
 *              [--sync-maxlen N] [--mcast-group A] [--mcast-port P]
 *              [--mcast-ttl T] [--flush-ms MS] [-f]
 *   xlvs-syncd --stop master|backup
 * It returns once the daemon runs (or with the reason it cannot), as the
 * kernel's start_sync_thread does.  The table stays the only truth: the
 * daemon keeps nothing the table needs, and a killed one loses no
 * connection (a killed master leaves its flag on, which only fills the
 * ring: the next master resets it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include "pidfile.h"
#include "syncd.h"



static void on_signal(int sig)
{
	(void)sig;
	syncd_stop = 1;
}

static int usage(const char *msg)
{
	fprintf(stderr, "xlvs-syncd: %s\n"
		"usage: xlvs-syncd --state master|backup [--mcast-interface IF] [--syncid N]\n"
		"         [--sync-maxlen N] [--mcast-group ADDR] [--mcast-port PORT]\n"
		"         [--mcast-ttl TTL] [--flush-ms MS] [-f]\n"
		"       xlvs-syncd --stop master|backup\n", msg);
	return 2;
}

static int role_of(const char *s)
{
	return !strcmp(s, "master") ? XLVS_SYNC_MASTER :
	       !strcmp(s, "backup") ? XLVS_SYNC_BACKUP : 0;
}

static bool number(const char *s, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s && !*end && !errno && *v >= lo && *v <= hi;
}

/* ipvsadm's messages for each option (parse_options, ipvsadm.c). */
static int conf_parse(int argc, char **argv, struct syncd_conf *c, int *stop, bool *fg)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "stop", required_argument, NULL, 'S' },
		{ "mcast-interface", required_argument, NULL, 'i' },
		{ "syncid", required_argument, NULL, 'I' },
		{ "sync-maxlen", required_argument, NULL, 'm' },
		{ "mcast-group", required_argument, NULL, 'g' },
		{ "mcast-port", required_argument, NULL, 'p' },
		{ "mcast-ttl", required_argument, NULL, 't' },
		{ "flush-ms", required_argument, NULL, 'F' },
		{ "foreground", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *group = SYNC_GROUP_DEFAULT;
	int opt;
	long v;

	memset(c, 0, sizeof(*c));
	strcpy(c->d.ifname, "eth0");            /* ipvsadm's DEF_MCAST_IFN */
	c->d.port = SYNC_PORT_DEFAULT;
	c->d.ttl = 1;
	c->flush_ms = SYNC_FLUSH_MS;
	*stop = 0;
	while ((opt = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
		case 'S':
			v = role_of(optarg);
			if (!v)
				return usage(opt == 's' ? "illegal start-daemon parameter specified" :
					     "illegal stop-daemon parameter specified");
			c->d.role = (int)v;
			*stop = opt == 'S';
			break;
		case 'i':
			if (strlen(optarg) >= sizeof(c->d.ifname))
				return usage("illegal mcast-interface specified");
			strcpy(c->d.ifname, optarg);
			break;
		case 'I':
			if (!number(optarg, 0, 255, &v))
				return usage("illegal syncid specified");
			c->d.syncid = (uint8_t)v;
			break;
		case 'm':
			if (!number(optarg, 1, 65535 - 20 - 8, &v))
				return usage("illegal sync-maxlen specified");
			c->d.maxlen = (uint32_t)v;
			break;
		case 'g':
			group = optarg;
			break;
		case 'p':
			if (!number(optarg, 1, 65535, &v))
				return usage("illegal mcast-port specified");
			c->d.port = (uint16_t)v;
			break;
		case 't':
			if (!number(optarg, 1, 255, &v))
				return usage("illegal mcast-ttl specified");
			c->d.ttl = (uint8_t)v;
			break;
		case 'F':
			if (!number(optarg, 1, 60000, &v))
				return usage("--flush-ms: expected 1..60000");
			c->flush_ms = (unsigned int)v;
			break;
		case 'f':
			*fg = true;
			break;
		default:
			return usage("invalid option");
		}
	}
	if (optind < argc || !c->d.role)
		return usage(optind < argc ? "unexpected argument" : "--state or --stop is needed");
	if (inet_pton(AF_INET, group, c->d.group) == 1 && IN_MULTICAST(ntohl(*(uint32_t *)c->d.group)))
		c->d.group_af = 4;
	else if (inet_pton(AF_INET6, group, c->d.group) == 1 && c->d.group[0] == 0xff)
		c->d.group_af = 6;
	else
		return usage("illegal multicast group specified");
	return 0;
}

/* start_sync_thread's sync_maxlen: the master's from an MTU of 1500, the
 * backup's from the interface's (1500..65535); one given is clamped to
 * 1 (backup: 1024) .. 65535 less the headers. */
static void maxlen_set(struct syncd_conf *c, int mtu)
{
	unsigned int hlen = c->d.group_af == 6 ? 40 + 8 : 20 + 8;
	unsigned int lo = c->d.role == XLVS_SYNC_BACKUP ? 1024 : 1, hi = 65535 - hlen;

	if (c->d.role == XLVS_SYNC_BACKUP)
		mtu = mtu < 1500 ? 1500 : mtu > 65535 ? 65535 : mtu;
	else
		mtu = 1500;
	if (!c->d.maxlen)
		c->d.maxlen = (uint32_t)mtu - hlen;
	else if (c->d.maxlen < lo)
		c->d.maxlen = lo;
	else if (c->d.maxlen > hi)
		c->d.maxlen = hi;
}

static int stop_daemon(int role)
{
	struct xlvs_sync_daemon d;
	int rc = xlvs_sync_daemon_get(role, &d);

	if (rc <= 0) {
		fprintf(stderr, "%s\n", rc ? strerror(-rc) : "No daemon is running");
		return 1;
	}
	if (kill(d.pid, SIGTERM) || xlvs_pid_wait_gone(d.pid, 5000)) {
		fprintf(stderr, "xlvs-syncd: the %s daemon (pid %d) did not stop\n",
			role == XLVS_SYNC_MASTER ? "master" : "backup", d.pid);
		return 1;
	}
	return 0;
}

/* The table's note that this daemon runs (the master's flag feeds the
 * ring), or that it has stopped. */
static int ctl_mark(struct xlvs_table *t, int role, bool on)
{
	struct xlvs_sync_ctl sc;
	int rc = xlvs_sync_ctl_read(t, &sc);

	if (rc)
		return rc;
	if (role == XLVS_SYNC_MASTER) {
		sc.master = on;
		sc.master_pid = on ? (uint32_t)getpid() : 0;
		if (!sc.threshold && !sc.period) {      /* maps an upgrade added */
			sc.threshold = XLVS_SYNC_THRESHOLD_DEFAULT;
			sc.period = XLVS_SYNC_PERIOD_DEFAULT;
		}
	} else {
		sc.backup_pid = on ? (uint32_t)getpid() : 0;
	}
	return xlvs_sync_ctl_write(t, &sc);
}

static int start(struct syncd_conf *c, bool fg)
{
	struct xlvs_sync_daemon old;
	struct xlvs_table t;
	int rc, sock, ready = -1, mtu;

	if (xlvs_sync_daemon_get(c->d.role, &old) > 0) {
		fprintf(stderr, "Daemon has already run\n");   /* libipvs's EEXIST */
		return 1;
	}
	c->ifindex = if_nametoindex(c->d.ifname);
	if (!c->ifindex) {
		fprintf(stderr, "%s: %s\n", c->d.ifname, strerror(ENODEV));
		return 1;
	}
	mtu = sock_mtu(c->d.ifname);
	maxlen_set(c, mtu > 0 ? mtu : 1500);
	rc = xlvs_table_open(&t, 0, 0);
	if (rc) {
		fprintf(stderr, "xlvs-syncd: no xlvs table here (%s): xlvsadm --attach first\n",
			strerror(-rc));
		return 1;
	}
	sock = c->d.role == XLVS_SYNC_MASTER ? sock_master(c) : sock_backup(c);
	if (sock < 0) {
		fprintf(stderr, "xlvs-syncd: the multicast socket on %s: %s\n",
			c->d.ifname, strerror(-sock));
		return 1;
	}
	if (!fg && xlvs_daemonise(&ready, 5000))
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	c->d.pid = (int)getpid();
	rc = ctl_mark(&t, c->d.role, true);
	if (!rc)
		rc = xlvs_sync_daemon_put(&c->d);
	if (rc) {
		fprintf(stderr, "xlvs-syncd: %s\n", rc == -ENOENT ?
			"the table has no sync maps (made before connection sync): "
			"xlvsadm --upgrade adds them" : strerror(-rc));
		if (ready >= 0)
			xlvs_daemon_ready(ready, false);
		return 1;
	}
	if (ready >= 0) {
		syncd_log_daemon();
		xlvs_daemon_ready(ready, true);
	}
	syncd_log(LOG_INFO, "sync daemon started: state = %s, mcast_ifn = %s, syncid = %u, "
		  "maxlen = %u", c->d.role == XLVS_SYNC_MASTER ? "MASTER" : "BACKUP",
		  c->d.ifname, c->d.syncid, c->d.maxlen);
	rc = c->d.role == XLVS_SYNC_MASTER ? master_run(&t, c, sock) : backup_run(&t, c, sock);
	if (rc)
		syncd_log(LOG_ERR, "stopped on an error: %s", strerror(-rc));
	ctl_mark(&t, c->d.role, false);
	xlvs_sync_daemon_clear(c->d.role);
	close(sock);
	xlvs_table_close(&t);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct syncd_conf c;
	bool fg = false;
	int stop, rc = conf_parse(argc, argv, &c, &stop, &fg);

	if (rc)
		return rc;
	return stop ? stop_daemon(c.d.role) : start(&c, fg);
}
