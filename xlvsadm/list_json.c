// SPDX-License-Identifier: GPL-2.0
/*
 * -L --json: what -L, -L -c and -L --timeout show, as one JSON document
 * for programs (jq, Python's json) instead of ipvsadm's columns, which
 * stay as they are for the scripts that parse them.  Written through
 * Jansson, so every string is escaped and every number exact (no K/M/G,
 * no column cut short).  Addresses are always numeric, an IPv6 one without
 * brackets; the document's shape is in xlvsadm(8).  -c streams its
 * entries, one object a line, since a table may hold millions.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include "cmd.h"

/* Builders return NULL when Jansson cannot allocate; jset and jpush take
 * a NULL value as a failure and keep going, so a function builds all it
 * can and reports once. */
static bool jset(json_t *o, const char *key, json_t *v)
{
	return o && v && json_object_set_new(o, key, v) == 0;
}

static bool jpush(json_t *a, json_t *v)
{
	return a && v && json_array_append_new(a, v) == 0;
}

static json_t *jnum(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *jaddr(const struct xlvs_endpoint *ep)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(ep->af == 6 ? AF_INET6 : AF_INET, ep->addr, a, sizeof(a)))
		return NULL;
	return json_string(a);
}

/* {"address": ..., "port": ...} into o. */
static bool jendpoint(json_t *o, const struct xlvs_endpoint *ep)
{
	bool ok = jset(o, "address", jaddr(ep));

	return jset(o, "port", json_integer(ep->port)) && ok;
}

static json_t *jstats(const struct xlvs_stats *st)
{
	json_t *o = json_object();
	bool ok = jset(o, "conns", jnum(st->conns));

	ok = jset(o, "inpkts", jnum(st->inpkts)) && ok;
	ok = jset(o, "outpkts", jnum(st->outpkts)) && ok;
	ok = jset(o, "inbytes", jnum(st->inbytes)) && ok;
	ok = jset(o, "outbytes", jnum(st->outbytes)) && ok;
	return ok ? o : (json_decref(o), NULL);
}

static json_t *jrates(const struct xlvs_rates *r)
{
	json_t *o = json_object();
	bool ok = jset(o, "cps", jnum(r->cps));

	ok = jset(o, "inpps", jnum(r->inpps)) && ok;
	ok = jset(o, "outpps", jnum(r->outpps)) && ok;
	ok = jset(o, "inbps", jnum(r->inbps)) && ok;
	ok = jset(o, "outbps", jnum(r->outbps)) && ok;
	return ok ? o : (json_decref(o), NULL);
}

/* --stats and --rate add their objects to a service's or server's. */
static bool jcounters(json_t *o, const struct xlvs_stats *st,
		      const struct xlvs_rates *r, unsigned int opts)
{
	bool ok = true;

	if (opts & OPT_STATS)
		ok = jset(o, "stats", jstats(st));
	if (opts & OPT_RATE)
		ok = jset(o, "rates", jrates(r)) && ok;
	return ok;
}

/* A tunnel as -L --tun-info shows it, by the options that make it:
 * {"type": "gue", "port": 6080, "checksum": "csum"}; null for the other
 * methods. */
static json_t *jtunnel(const struct xlvs_dest_conf *d)
{
	static const char *const csum[3] = { "nocsum", "csum", "remcsum" };
	json_t *o;
	bool ok;

	if (d->fwd != XLVS_FWD_TUNNEL || d->tun_type >= XLVS_TUN_TYPE_MAX)
		return json_null();
	o = json_object();
	ok = jset(o, "type", json_string(cmd_tun_names[d->tun_type]));
	if (d->tun_type == XLVS_TUN_GUE)
		ok = jset(o, "port", json_integer(d->tun_port)) && ok;
	if (d->tun_type != XLVS_TUN_IPIP)
		ok = jset(o, "checksum", json_string(csum[d->tun_flags & XLVS_TUN_F_REMCSUM ? 2 :
					d->tun_flags & XLVS_TUN_F_CSUM ? 1 : 0])) && ok;
	return ok ? o : (json_decref(o), NULL);
}

static json_t *jdest(const struct xlvs_dest_info *d, unsigned int opts)
{
	json_t *o = json_object();
	bool ok = jendpoint(o, &d->conf.addr);

	ok = jset(o, "forward", json_string(list_fwd_name(d->conf.fwd))) && ok;
	ok = jset(o, "weight", json_integer(d->conf.weight)) && ok;
	ok = jset(o, "active_conns", json_integer(d->active)) && ok;
	ok = jset(o, "inactive_conns", json_integer(d->inactive)) && ok;
	ok = jset(o, "persistent_conns", json_integer(d->persist)) && ok;
	ok = jset(o, "u_threshold", json_integer(d->conf.u_threshold)) && ok;
	ok = jset(o, "l_threshold", json_integer(d->conf.l_threshold)) && ok;
	ok = jset(o, "tunnel", jtunnel(&d->conf)) && ok;
	ok = jcounters(o, &d->stats, &d->rates, opts) && ok;
	return ok ? o : (json_decref(o), NULL);
}

/* -b's names, as -L shows them. */
static json_t *jsched_flags(const struct xlvs_service_conf *c)
{
	json_t *a = json_array();
	bool ok = a != NULL;

	for (size_t i = 0; i < 3; i++) {
		const char *name = list_sched_flag_name(c, list_sched_flags[i]);

		if ((c->flags & list_sched_flags[i]) && name)
			ok = jpush(a, json_string(name)) && ok;
	}
	return ok ? a : (json_decref(a), NULL);
}

/* {"timeout": 360, "prefix_len": 24, "netmask": "255.255.255.0"} (no
 * netmask for IPv6, whose -M is the prefix length), or null. */
static json_t *jpersistence(const struct xlvs_service_conf *c)
{
	char mask[INET_ADDRSTRLEN];
	json_t *o;
	bool ok;

	if (!(c->flags & XLVS_SVC_F_PERSISTENT))
		return json_null();
	o = json_object();
	ok = jset(o, "timeout", json_integer(c->timeout));
	if (c->vip.af == 6) {
		ok = jset(o, "prefix_len", json_integer(c->netmask)) && ok;
	} else {
		inet_ntop(AF_INET, &c->netmask, mask, sizeof(mask));
		ok = jset(o, "prefix_len", json_integer(xlvs_netmask_plen(c->netmask))) && ok;
		ok = jset(o, "netmask", json_string(mask)) && ok;
	}
	return ok ? o : (json_decref(o), NULL);
}

static json_t *jservice(const struct xlvs_service_info *s, unsigned int opts)
{
	json_t *o = json_object(), *dests = json_array();
	bool ok = jset(o, "protocol", json_string(list_proto_name(s->conf.proto)));

	ok = jendpoint(o, &s->conf.vip) && ok;
	ok = jset(o, "scheduler", json_string(s->conf.sched)) && ok;
	ok = jset(o, "sched_flags", jsched_flags(&s->conf)) && ok;
	ok = jset(o, "persistent", jpersistence(&s->conf)) && ok;
	ok = jset(o, "ops", json_boolean(s->conf.flags & XLVS_SVC_F_ONEPACKET)) && ok;
	ok = jcounters(o, &s->stats, &s->rates, opts) && ok;
	for (uint32_t j = 0; j < s->ndests; j++)
		ok = jpush(dests, jdest(&s->dests[j], opts)) && ok;
	ok = jset(o, "servers", dests) && ok;
	return ok ? o : (json_decref(o), NULL);
}

/* doc, indented, and a newline on f; doc released. */
static int jprint(FILE *f, json_t *doc)
{
	int rc = json_dumpf(doc, f, JSON_INDENT(2)) == 0 ? 0 : -EIO;

	json_decref(doc);
	if (!rc && fputc('\n', f) == EOF)
		rc = -EIO;
	return rc;
}

int json_list_snapshot(FILE *f, const struct xlvs_snapshot *snap, const struct cmd *c)
{
	json_t *doc = json_object(), *svcs = json_array();
	uint32_t shown = 0;
	bool ok = jset(doc, "size", json_integer(snap->conn_max));

	for (uint32_t i = 0; i < snap->nservices; i++) {
		if (!list_selected(c, &snap->services[i]))
			continue;
		shown++;
		ok = jpush(svcs, jservice(&snap->services[i], c->opts)) && ok;
	}
	ok = jset(doc, "services", svcs) && ok;
	if (!ok) {
		json_decref(doc);
		return -ENOMEM;
	}
	if ((c->opts & OPT_SERVICE) && !shown) {
		json_decref(doc);
		return -ESRCH;
	}
	return jprint(f, doc);
}

int json_list_table(FILE *f, struct xlvs_table *t, const struct cmd *c)
{
	struct xlvs_snapshot snap;
	int rc = xlvs_snapshot_take(t, &snap);

	if (rc)
		return rc;
	rc = json_list_snapshot(f, &snap, c);
	xlvs_snapshot_free(&snap);
	return rc;
}

int json_list_timeouts(FILE *f, uint32_t tcp, uint32_t tcpfin, uint32_t udp)
{
	json_t *doc = json_object(), *t = json_object();
	bool ok = jset(t, "tcp", json_integer(tcp));

	ok = jset(t, "tcpfin", json_integer(tcpfin)) && ok;
	ok = jset(t, "udp", json_integer(udp)) && ok;
	ok = jset(doc, "timeout", t) && ok;
	if (!ok) {
		json_decref(doc);
		return -ENOMEM;
	}
	return jprint(f, doc);
}

struct conn_out {
	FILE *f;
	unsigned long n;
	int err;
};

static json_t *jconn(const struct xlvs_conn_info *ci)
{
	json_t *o = json_object(), *client = json_object(), *vip = json_object(),
	       *dest = json_object();
	bool ok = jset(o, "protocol", json_string(list_proto_name(ci->proto)));

	ok = jset(o, "state", json_string(ci->state)) && ok;
	ok = jset(o, "expires", json_integer(ci->expires_in)) && ok;
	ok = jendpoint(client, &ci->client) && ok;
	ok = jendpoint(vip, &ci->vip) && ok;
	ok = jendpoint(dest, &ci->dest) && ok;
	ok = jset(o, "client", client) && ok;
	ok = jset(o, "virtual", vip) && ok;
	ok = jset(o, "destination", dest) && ok;
	return ok ? o : (json_decref(o), NULL);
}

/* One entry, compact on its own line, as the table is read. */
static int conn_row(const struct xlvs_conn_info *ci, void *arg)
{
	struct conn_out *out = arg;
	json_t *o = jconn(ci);

	if (!o)
		return out->err = -ENOMEM;
	fputs(out->n++ ? ",\n    " : "\n    ", out->f);
	if (json_dumpf(o, out->f, JSON_COMPACT) != 0)
		out->err = -EIO;
	json_decref(o);
	return out->err;
}

/* {"connections": [...]}: the envelope by hand around Jansson's entries,
 * so the listing needs no more memory for a million entries than for
 * one.  t NULL: a namespace without a table, no entries. */
int json_list_conns(FILE *f, struct xlvs_table *t, const struct cmd *c)
{
	struct conn_out out = { .f = f };
	int rc = 0;

	(void)c;
	fputs("{\n  \"connections\": [", f);
	if (t)
		rc = xlvs_conns_list(t, conn_row, &out);
	fputs(out.n ? "\n  ]\n}\n" : "]\n}\n", f);
	if (out.err)
		return out.err;
	return rc ? rc : ferror(f) ? -EIO : 0;
}
