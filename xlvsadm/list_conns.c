// SPDX-License-Identifier: GPL-2.0
/*
 * -L -c: the connection entries, as ipvsadm prints /proc/net/ip_vs_conn
 * (ipvsadm.c list_conn): protocol, expiry as MM:SS, state, and client,
 * virtual and real addresses.  Rows go out as the table is read.
 */
#include <netdb.h>
#include <stdio.h>
#include "cmd.h"

/* With --persistent-conn ipvsadm adds persistence-engine columns to the
 * title; rows have them only for entries with engine data, which xlvs's
 * entries (no --pe) never have. */
void conn_title(unsigned int opts)
{
	printf("IPVS connection entries\n");
	if (opts & OPT_PERSISTENT_CONN)
		printf("pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state",
		       "source", "virtual", "destination", "pe name", "pe_data");
	else
		printf("pro expire %-11s %-18s %-18s %s\n", "state", "source",
		       "virtual", "destination");
}

/* One entry as ipvsadm's print_conn prints it: an IPv6 entry's addresses
 * in brackets ([addr]:port), columns that a long one pushes right. */
void conn_line(FILE *f, const struct xlvs_conn_info *ci, bool numeric)
{
	char src[NI_MAXHOST + 40], vip[NI_MAXHOST + 40], dst[NI_MAXHOST + 40];
	char expire[16];

	addrport(&ci->client, ci->proto, numeric, src, sizeof(src));
	addrport(&ci->vip, ci->proto, numeric, vip, sizeof(vip));
	addrport(&ci->dest, ci->proto, numeric, dst, sizeof(dst));
	snprintf(expire, sizeof(expire), "%02u:%02u", ci->expires_in / 60,
		 ci->expires_in % 60);
	fprintf(f, "%-3s %-6s %-11s %-18s %-18s %s\n",
		ci->proto == IPPROTO_TCP ? "TCP" : "UDP", expire,
		ci->state, src, vip, dst);
}

static int conn_row(const struct xlvs_conn_info *ci, void *arg)
{
	conn_line(stdout, ci, *(const bool *)arg);
	return 0;
}

int list_conns(struct xlvs_table *t, const struct cmd *c)
{
	bool numeric = c->opts & OPT_NUMERIC;

	if (c->opts & OPT_JSON)
		return json_list_conns(stdout, t, c);
	conn_title(c->opts);
	return xlvs_conns_list(t, conn_row, &numeric);
}
