// SPDX-License-Identifier: GPL-2.0
/* The table's part of /metrics: capacity and use, services and real
 * servers with their counters, rates and connection counts. */
#include <string.h>

#include "metrics_int.h"
#include "prom.h"

static uint64_t svc_conns(const struct xlvs_service_info *s) { return s->stats.conns; }
static uint64_t svc_inpkts(const struct xlvs_service_info *s) { return s->stats.inpkts; }
static uint64_t svc_outpkts(const struct xlvs_service_info *s) { return s->stats.outpkts; }
static uint64_t svc_inbytes(const struct xlvs_service_info *s) { return s->stats.inbytes; }
static uint64_t svc_outbytes(const struct xlvs_service_info *s) { return s->stats.outbytes; }
static uint64_t svc_cps(const struct xlvs_service_info *s) { return s->rates.cps; }
static uint64_t svc_inpps(const struct xlvs_service_info *s) { return s->rates.inpps; }
static uint64_t svc_outpps(const struct xlvs_service_info *s) { return s->rates.outpps; }
static uint64_t svc_inbps(const struct xlvs_service_info *s) { return s->rates.inbps; }
static uint64_t svc_outbps(const struct xlvs_service_info *s) { return s->rates.outbps; }
static uint64_t svc_ndests(const struct xlvs_service_info *s) { return s->ndests; }
static uint64_t svc_ptimeout(const struct xlvs_service_info *s)
{
	return (s->conf.flags & XLVS_SVC_F_PERSISTENT) ? s->conf.timeout : 0;
}

/* A service's series: name, type, help, value (the labels: service). */
static const struct svc_family {
	const char *name, *type, *help;
	uint64_t (*get)(const struct xlvs_service_info *s);
} svc_families[] = {
	{ "xlvs_service_connections_total", "counter",
	  "Connections scheduled to the virtual service (ipvsadm's Conns).", svc_conns },
	{ "xlvs_service_in_packets_total", "counter",
	  "Packets from clients to the virtual service (InPkts).", svc_inpkts },
	{ "xlvs_service_out_packets_total", "counter",
	  "Packets from its real servers to clients through the director, NAT's replies (OutPkts).",
	  svc_outpkts },
	{ "xlvs_service_in_bytes_total", "counter",
	  "Bytes from clients to the virtual service (InBytes).", svc_inbytes },
	{ "xlvs_service_out_bytes_total", "counter",
	  "Bytes from its real servers to clients through the director (OutBytes).", svc_outbytes },
	{ "xlvs_service_connections_per_second", "gauge",
	  "The kernel estimator's connection rate, as ipvsadm --rate's CPS.", svc_cps },
	{ "xlvs_service_in_packets_per_second", "gauge",
	  "The estimator's inbound packet rate (InPPS).", svc_inpps },
	{ "xlvs_service_out_packets_per_second", "gauge",
	  "The estimator's outbound packet rate (OutPPS).", svc_outpps },
	{ "xlvs_service_in_bytes_per_second", "gauge",
	  "The estimator's inbound byte rate (InBPS).", svc_inbps },
	{ "xlvs_service_out_bytes_per_second", "gauge",
	  "The estimator's outbound byte rate (OutBPS).", svc_outbps },
	{ "xlvs_service_real_servers", "gauge",
	  "Real servers of the virtual service.", svc_ndests },
	{ "xlvs_service_persistence_timeout_seconds", "gauge",
	  "Persistence timeout (-p), 0 when the service is not persistent.", svc_ptimeout },
};

static uint64_t rs_conns(const struct xlvs_dest_info *d) { return d->stats.conns; }
static uint64_t rs_inpkts(const struct xlvs_dest_info *d) { return d->stats.inpkts; }
static uint64_t rs_outpkts(const struct xlvs_dest_info *d) { return d->stats.outpkts; }
static uint64_t rs_inbytes(const struct xlvs_dest_info *d) { return d->stats.inbytes; }
static uint64_t rs_outbytes(const struct xlvs_dest_info *d) { return d->stats.outbytes; }
static uint64_t rs_cps(const struct xlvs_dest_info *d) { return d->rates.cps; }
static uint64_t rs_inpps(const struct xlvs_dest_info *d) { return d->rates.inpps; }
static uint64_t rs_outpps(const struct xlvs_dest_info *d) { return d->rates.outpps; }
static uint64_t rs_inbps(const struct xlvs_dest_info *d) { return d->rates.inbps; }
static uint64_t rs_outbps(const struct xlvs_dest_info *d) { return d->rates.outbps; }
static uint64_t rs_active(const struct xlvs_dest_info *d) { return d->active; }
static uint64_t rs_inactive(const struct xlvs_dest_info *d) { return d->inactive; }
static uint64_t rs_persist(const struct xlvs_dest_info *d) { return d->persist; }
static uint64_t rs_weight(const struct xlvs_dest_info *d)
{
	return d->conf.weight > 0 ? (uint64_t)d->conf.weight : 0;
}
static uint64_t rs_uthr(const struct xlvs_dest_info *d) { return d->conf.u_threshold; }
static uint64_t rs_lthr(const struct xlvs_dest_info *d) { return d->conf.l_threshold; }

/* A real server's series (the labels: service, real). */
static const struct rs_family {
	const char *name, *type, *help;
	uint64_t (*get)(const struct xlvs_dest_info *d);
} rs_families[] = {
	{ "xlvs_real_connections_total", "counter",
	  "Connections scheduled to the real server.", rs_conns },
	{ "xlvs_real_in_packets_total", "counter",
	  "Packets from clients forwarded to the real server.", rs_inpkts },
	{ "xlvs_real_out_packets_total", "counter",
	  "Packets from the real server to clients through the director (NAT's replies).",
	  rs_outpkts },
	{ "xlvs_real_in_bytes_total", "counter",
	  "Bytes from clients forwarded to the real server.", rs_inbytes },
	{ "xlvs_real_out_bytes_total", "counter",
	  "Bytes from the real server to clients through the director.", rs_outbytes },
	{ "xlvs_real_connections_per_second", "gauge",
	  "The kernel estimator's connection rate (CPS).", rs_cps },
	{ "xlvs_real_in_packets_per_second", "gauge", "The estimator's inbound packet rate.",
	  rs_inpps },
	{ "xlvs_real_out_packets_per_second", "gauge", "The estimator's outbound packet rate.",
	  rs_outpps },
	{ "xlvs_real_in_bytes_per_second", "gauge", "The estimator's inbound byte rate.",
	  rs_inbps },
	{ "xlvs_real_out_bytes_per_second", "gauge", "The estimator's outbound byte rate.",
	  rs_outbps },
	{ "xlvs_real_active_connections", "gauge",
	  "ActiveConn: TCP connections in ESTABLISHED, SYN_SENT, SYN_RECV, SYNACK.", rs_active },
	{ "xlvs_real_inactive_connections", "gauge",
	  "InActConn: every other connection entry of the real server (UDP's too).",
	  rs_inactive },
	{ "xlvs_real_persistent_connections", "gauge",
	  "Persistence templates that name the real server (PersistConn).", rs_persist },
	{ "xlvs_real_weight", "gauge", "The real server's weight (-w); 0 takes no new connections.",
	  rs_weight },
	{ "xlvs_real_upper_threshold", "gauge",
	  "Upper connection threshold (-x), 0 for none.", rs_uthr },
	{ "xlvs_real_lower_threshold", "gauge",
	  "Lower connection threshold (-y), 0 for none.", rs_lthr },
};

void metrics_service_labels(struct prom_labels *l, const struct xlvs_service_info *s)
{
	char id[96];

	view_service_id(s, id, sizeof(id));
	prom_labels_init(l);
	prom_labels_add(l, "service", id);
}

static void real_labels(struct prom_labels *l, const struct xlvs_service_info *s,
			const struct xlvs_dest_info *d)
{
	char id[64];

	metrics_service_labels(l, s);
	view_real_id(d, id, sizeof(id));
	prom_labels_add(l, "real", id);
}

static const char *fwd_label(uint8_t fwd)
{
	switch (fwd) {
	case XLVS_FWD_MASQ: return "masq";
	case XLVS_FWD_LOCAL: return "local";
	case XLVS_FWD_TUNNEL: return "tunnel";
	default: return "route";
	}
}

static void info_families(FILE *f, const struct view *v)
{
	const struct xlvs_snapshot *sn = &v->snap;
	struct prom_labels l;

	prom_family(f, "xlvs_service_info", "gauge",
		    "A virtual service of the table (1), its scheduler as a label.");
	for (uint32_t i = 0; i < sn->nservices; i++) {
		metrics_service_labels(&l, &sn->services[i]);
		prom_labels_add(&l, "scheduler", sn->services[i].conf.sched);
		prom_sample_u64(f, "xlvs_service_info", &l, 1);
	}
	prom_family(f, "xlvs_real_info", "gauge",
		    "A real server of a virtual service (1), its forwarding method as a label.");
	for (uint32_t i = 0; i < sn->nservices; i++)
		for (uint32_t j = 0; j < sn->services[i].ndests; j++) {
			const struct xlvs_dest_info *d = &sn->services[i].dests[j];

			real_labels(&l, &sn->services[i], d);
			prom_labels_add(&l, "forward", fwd_label(d->conf.fwd));
			prom_sample_u64(f, "xlvs_real_info", &l, 1);
		}
}

static void table_usage(FILE *f, const struct view *v)
{
	const struct xlvs_usage *u = &v->usage;
	const struct { const char *name, *help; uint64_t val; } g[] = {
		{ "xlvs_table_connections_max",
		  "The connection table's capacity (--conn-max, -L's size=).", u->conn_max },
		{ "xlvs_table_connections",
		  "Connection entries in the table, as the data plane counts them on their real servers (deleted ones' too).",
		  u->conns },
		{ "xlvs_table_persistence_templates", "Persistence templates in the table.",
		  u->templates },
		{ "xlvs_table_services", "Virtual services in the table.", u->services },
		{ "xlvs_table_services_max", "Virtual services the table can hold.", XLVS_SVC_MAX },
		{ "xlvs_table_real_servers",
		  "Real-server records in use: listed, and deleted ones kept for their connections.",
		  u->dests },
		{ "xlvs_table_real_servers_deleted",
		  "Deleted real servers kept for their connections (IPVS's trash).",
		  u->dests_trash },
		{ "xlvs_table_real_servers_max", "Real-server records the table can hold.",
		  XLVS_DEST_MAX },
	};
	struct prom_labels l;

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		prom_family(f, g[i].name, "gauge", g[i].help);
		prom_sample_u64(f, g[i].name, NULL, g[i].val);
	}
	prom_family(f, "xlvs_table_timeout_seconds", "gauge",
		    "Connection timeouts, as ipvsadm --set (tcp, tcpfin, udp).");
	prom_labels_init(&l);
	prom_labels_add(&l, "timeout", "tcp");
	prom_sample_u64(f, "xlvs_table_timeout_seconds", &l, v->timeout_tcp);
	prom_labels_init(&l);
	prom_labels_add(&l, "timeout", "tcpfin");
	prom_sample_u64(f, "xlvs_table_timeout_seconds", &l, v->timeout_tcpfin);
	prom_labels_init(&l);
	prom_labels_add(&l, "timeout", "udp");
	prom_sample_u64(f, "xlvs_table_timeout_seconds", &l, v->timeout_udp);
}

void metrics_table(FILE *f, const struct view *v)
{
	const struct xlvs_snapshot *sn = &v->snap;
	struct prom_labels l;

	prom_family(f, "xlvs_table_up", "gauge",
		    "1 when this network namespace's xlvs table was read, 0 when there is none or it could not be read.");
	prom_sample_u64(f, "xlvs_table_up", NULL, v->table_up);
	prom_family(f, "xlvs_table_read_duration_seconds", "gauge",
		    "How long reading the table for this scrape took.");
	prom_sample(f, "xlvs_table_read_duration_seconds", NULL, v->read_s);
	if (!v->table_up)
		return;
	table_usage(f, v);
	info_families(f, v);
	for (size_t k = 0; k < sizeof(svc_families) / sizeof(svc_families[0]); k++) {
		prom_family(f, svc_families[k].name, svc_families[k].type, svc_families[k].help);
		for (uint32_t i = 0; i < sn->nservices; i++) {
			metrics_service_labels(&l, &sn->services[i]);
			prom_sample_u64(f, svc_families[k].name, &l,
					svc_families[k].get(&sn->services[i]));
		}
	}
	for (size_t k = 0; k < sizeof(rs_families) / sizeof(rs_families[0]); k++) {
		prom_family(f, rs_families[k].name, rs_families[k].type, rs_families[k].help);
		for (uint32_t i = 0; i < sn->nservices; i++)
			for (uint32_t j = 0; j < sn->services[i].ndests; j++) {
				real_labels(&l, &sn->services[i], &sn->services[i].dests[j]);
				prom_sample_u64(f, rs_families[k].name, &l,
						rs_families[k].get(&sn->services[i].dests[j]));
			}
	}
}
