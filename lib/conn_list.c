// SPDX-License-Identifier: GPL-2.0
/* The connection entries as ipvsadm -L -c shows them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "internal.h"

struct conn_list {
	const struct xlvs_dest *dests;   /* the whole dest array */
	xlvs_conn_fn fn;
	void *arg;
};

const char *xlvs_state_name(uint8_t state)
{
	static const char *const names[XLVS_STATE_MAX] = {
		[XLVS_TCP_NONE] = "NONE",
		[XLVS_TCP_ESTABLISHED] = "ESTABLISHED",
		[XLVS_TCP_SYN_SENT] = "SYN_SENT",
		[XLVS_TCP_SYN_RECV] = "SYN_RECV",
		[XLVS_TCP_FIN_WAIT] = "FIN_WAIT",
		[XLVS_TCP_TIME_WAIT] = "TIME_WAIT",
		[XLVS_TCP_CLOSE] = "CLOSE",
		[XLVS_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
		[XLVS_TCP_LAST_ACK] = "LAST_ACK",
		[XLVS_TCP_LISTEN] = "LISTEN",
		[XLVS_TCP_SYNACK] = "SYNACK",
		[XLVS_UDP_STATE] = "UDP",
	};

	return state < XLVS_STATE_MAX ? names[state] : "ERR!";
}

/* IPVS's ip_vs_ctpl_state_name_table. */
static const char *tpl_state_name(uint8_t state)
{
	return state == XLVS_TPL_ASSURED ? "ASSURED" :
	       state == XLVS_TPL_NONE ? "NONE" : "ERR!";
}

static void endpoint_of(struct xlvs_endpoint *ep, uint8_t af,
			const uint8_t addr[16], uint16_t port_be)
{
	memset(ep, 0, sizeof(*ep));
	ep->af = af;
	memcpy(ep->addr, addr, sizeof(ep->addr));
	ep->port = ntohs(port_be);
}

static int list_one(const struct xlvs_conn_key *k, const struct xlvs_conn *c,
		    uint32_t expires_in, void *arg)
{
	struct conn_list *cl = arg;
	const struct xlvs_dest *d;
	bool tpl = k->kind == XLVS_KIND_TEMPLATE;
	struct xlvs_conn_info ci = {
		.proto = k->proto, .expires_in = expires_in,
		.state = tpl ? tpl_state_name(c->state) : xlvs_state_name(c->state),
	};
	uint16_t dport;

	if (c->dest_id >= XLVS_DEST_MAX)
		return 0;
	d = &cl->dests[c->dest_id];
	/* A freed record keeps its address until it is reused, as IPVS keeps
	 * a deleted server for the connections that still point at it. */
	if (d->gen != c->dest_gen && d->gen)
		return 0;
	endpoint_of(&ci.client, k->af, k->saddr, k->sport);
	endpoint_of(&ci.vip, k->af, k->daddr, k->dport);
	/* IPVS's dport: the real server's port for a connection to the
	 * service's own port, else the port it came to (port-zero and FTP
	 * data connections); direct routing forces the real server's port
	 * to the service's, so that is always the port it came to.  A
	 * template has the real server's port, or none if keyed without a
	 * vport.  NAT sends every connection to the server's own port, or
	 * to the one it came to when that is 0 (ip_vs_schedule's
	 * dest->port ?: vport), as bpf/nat.h does. */
	dport = k->dport;
	if (tpl)
		dport = k->dport ? d->port : 0;
	else if (c->flags & XLVS_CONN_F_MASQ)
		dport = d->port ? d->port : k->dport;
	endpoint_of(&ci.dest, d->af ? d->af : k->af, d->addr, dport);
	return cl->fn(&ci, cl->arg);
}

int xlvs_conns_list(struct xlvs_table *t, xlvs_conn_fn fn, void *arg)
{
	struct conn_list cl = { .fn = fn, .arg = arg };
	struct xlvs_dest *all = dest_read_all(t);
	int rc;

	if (!all)
		return -ENOMEM;
	cl.dests = all;
	rc = conn_walk(t, list_one, &cl);
	free(all);
	return rc;
}
