// SPDX-License-Identifier: GPL-2.0
/*
 * --attach: choosing the XDP mode before anything is created, then
 * attaching.  Without --xdp-mode the mode is native where native XDP
 * delivers what the program sends, else generic, said loudly; an explicit
 * native that could not deliver (frames held or dropped at a veth peer,
 * lib/xdp_mode.c) is refused with the cause and the fix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

/* The real servers of the table already in this namespace, if any: the
 * interfaces they are routed out of are where the program sends. */
static size_t servers_of_table(struct xlvs_endpoint **out)
{
	struct xlvs_snapshot snap;
	struct xlvs_table t;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (xlvs_table_open(&t, 0, 0))
		return 0;
	if (xlvs_snapshot_take(&t, &snap)) {
		xlvs_table_close(&t);
		return 0;
	}
	for (uint32_t i = 0; i < snap.nservices; i++)
		cap += snap.services[i].ndests;
	*out = cap ? calloc(cap, sizeof(**out)) : NULL;
	for (uint32_t i = 0; *out && i < snap.nservices; i++)
		for (uint32_t j = 0; j < snap.services[i].ndests; j++)
			(*out)[n++] = snap.services[i].dests[j].conf.addr;
	xlvs_snapshot_free(&snap);
	xlvs_table_close(&t);
	return n;
}

int attach_plan(const struct cmd *c, struct cmd *planned)
{
	struct xlvs_xdp_link links[XLVS_XDP_LINKS_MAX];
	struct xlvs_xdp_choice ch;
	struct xlvs_endpoint *servers;
	char cause[320], fix[256];
	size_t n = 0, nservers;
	int rc;

	*planned = *c;
	if (c->xdp_mode == XLVS_XDP_GENERIC)
		return 0;
	nservers = servers_of_table(&servers);
	rc = xlvs_xdp_probe(c->ifname, servers, nservers, links, &n);
	free(servers);
	if (rc == -ENODEV) {
		fprintf(stderr, "xlvsadm: %s: no such interface\n", c->ifname);
		return 1;
	}
	if (rc) {
		/* Unsure is not refused: an explicit native stays native,
		 * auto takes generic, which always delivers; either said. */
		fprintf(stderr, "xlvsadm: warning: %s: cannot check whether native "
			"XDP delivers (%s)%s\n", c->ifname, strerror(-rc),
			c->xdp_mode == XLVS_XDP_AUTO ? "; using generic mode" : "");
		planned->xdp_mode = c->xdp_mode == XLVS_XDP_AUTO ?
				    XLVS_XDP_GENERIC : XLVS_XDP_NATIVE;
		planned->xdp_said = true;
		return 0;
	}
	xlvs_xdp_choose(c->xdp_mode, links, n, &ch);
	planned->xdp_mode = ch.mode;
	if (ch.link < 0)
		return 0;
	xlvs_xdp_explain(&links[ch.link], ch.verdict, cause, sizeof(cause),
			 fix, sizeof(fix));
	if (ch.refused) {
		fprintf(stderr, "xlvsadm: --xdp-mode native on %s would not "
			"deliver: %s; %s\n", c->ifname, cause, fix);
		return 1;
	}
	if (ch.mode == XLVS_XDP_GENERIC)
		fprintf(stderr, "xlvsadm: WARNING: %s: native XDP would not "
			"deliver: %s; attaching in generic (skb) XDP mode instead, "
			"much slower than native (to run native, %s)\n",
			c->ifname, cause,
			ch.verdict == XLVS_XDP_NO_NATIVE ? "use another device" : fix);
	else
		fprintf(stderr, "xlvsadm: warning: %s: %s; attaching native "
			"unchecked\n", c->ifname, cause);
	planned->xdp_said = true;
	return 0;
}

/* Direct routing forwards frames the kernel's FIB allows to be forwarded. */
static void warn_no_forwarding(const char *ifname)
{
	char path[128], v = '1';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", ifname);
	f = fopen(path, "re");
	if (f && fread(&v, 1, 1, f) == 1 && v == '0')
		fprintf(stderr, "xlvsadm: warning: IPv4 forwarding is off on %s; "
			"direct routing drops every packet until it is on "
			"(sysctl -w net.ipv4.ip_forward=1)\n", ifname);
	if (f)
		fclose(f);
}

int attach_run(struct xlvs_table *t, const struct cmd *c)
{
	enum xlvs_xdp_mode mode = c->xdp_mode;
	int rc;

	if ((c->opts & OPT_CONN_MAX) && t->meta.conn_max != c->conn_max) {
		fprintf(stderr, "xlvsadm: the table exists with --conn-max %u; "
			"the size is set when it is created (--unload first)\n",
			t->meta.conn_max);
		return 1;
	}
	if (mode == XLVS_XDP_AUTO)      /* not planned: restore's own path */
		mode = XLVS_XDP_NATIVE;
	rc = xlvs_attach(t, c->ifname, mode);
	if (!rc)
		warn_no_forwarding(c->ifname);

	if (rc == -EOPNOTSUPP && mode == XLVS_XDP_NATIVE)
		fprintf(stderr, "xlvsadm: %s: its driver has no native XDP; "
			"use --xdp-mode generic\n", c->ifname);
	else if (rc == -EEXIST)
		fprintf(stderr, "xlvsadm: %s already runs the data plane in %s "
			"mode; to change it: --detach %s, then --attach %s\n",
			c->ifname, mode == XLVS_XDP_NATIVE ? "generic" : "native",
			c->ifname, c->ifname);
	else if (rc == -ENODEV)
		fprintf(stderr, "xlvsadm: %s: no such interface\n", c->ifname);
	else if (rc)
		fprintf(stderr, "xlvsadm: %s: cannot attach: %s\n", c->ifname,
			strerror(-rc));
	else if (mode == XLVS_XDP_GENERIC && !c->xdp_said)
		fprintf(stderr, "xlvsadm: warning: %s runs the data plane in "
			"generic (skb) XDP mode, much slower than native\n",
			c->ifname);
	return rc ? 1 : 0;
}

/* A real server added after --attach may be routed out of an interface
 * where the native data plane would not deliver: say so (the server is
 * added all the same, as ipvsadm adds it). */
void attach_check_server(struct xlvs_table *t, const struct xlvs_endpoint *rs)
{
	struct xlvs_xdp_link links[XLVS_XDP_LINKS_MAX];
	char names[XLVS_XDP_LINKS_MAX][16], cause[320], fix[256], addr[64];
	struct xlvs_xdp_choice ch;
	int nif = xlvs_native_ifaces(t, names, XLVS_XDP_LINKS_MAX);
	size_t n;

	for (int i = 0; i < nif; i++) {
		if (xlvs_xdp_probe(names[i], rs, 1, links, &n))
			continue;
		xlvs_xdp_choose(XLVS_XDP_NATIVE, links, n, &ch);
		if (!ch.refused)
			continue;
		xlvs_xdp_explain(&links[ch.link], ch.verdict, cause,
				 sizeof(cause), fix, sizeof(fix));
		xlvs_endpoint_format(rs, addr, sizeof(addr));
		fprintf(stderr, "xlvsadm: WARNING: real server %s: the native "
			"data plane on %s would not deliver to it: %s; %s (to "
			"change the mode: --detach %s, then --attach %s)\n", addr,
			names[i], cause, fix, names[i], names[i]);
	}
}

/* --upgrade: this xlvsadm's data plane in place of the running one, the
 * table kept (lib/upgrade.c); a table of another layout, or whose maps
 * this build's programs cannot take, migrated into one of this build's
 * (lib/migrate.c).  No table: nothing to do.  Silent when done, as
 * ipvsadm's edits are. */
static void quiet(const char *msg)
{
	(void)msg;
}

static int upgrade_fail(const char *what, int rc)
{
	fprintf(stderr, "xlvsadm: cannot %s: %s (the table runs on as it was)\n",
		what, strerror(-rc));
	return 1;
}

int upgrade_cmd(void)
{
	struct xlvs_table t;
	xlvs_log_fn log;
	int rc;

	log = xlvs_set_log(quiet);     /* a table of another layout is expected */
	rc = xlvs_table_open(&t, XLVS_OPEN_WRITE, 0);
	xlvs_set_log(log);
	if (rc == -ENOENT)
		return 0;
	if (rc && rc != -EPROTO)
		return upgrade_fail("open the table", rc);
	if (!rc) {
		rc = xlvs_upgrade(&t);
		xlvs_table_close(&t);
		if (rc != -EPROTO)
			return rc < 0 ? upgrade_fail("upgrade the data plane", rc) : 0;
	}
	rc = xlvs_migrate();
	return rc < 0 ? upgrade_fail("migrate the table to this build's layout", rc) : 0;
}
