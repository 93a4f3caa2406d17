// SPDX-License-Identifier: GPL-2.0
/*
 * The data plane's named counters (xlvsadm --counters) as
 * xlvs_dataplane_NAME_total, NAME as --counters says it, with the
 * meaning include/xlvs/table.h gives; the sweeper's tick times as one
 * histogram (its hold buckets, their time in seconds) instead of
 * sweep_ns, sweep_ticks and sweep_hold_*.
 */
#include <stdio.h>

#include "metrics_int.h"
#include "prom.h"

static const char *const counter_help[XLVS_CNT_MAX] = {
	[XLVS_CNT_PKTS_IN] = "Every packet the XDP program saw.",
	[XLVS_CNT_PKTS_PASS] = "Packets not for a virtual service, passed to the kernel.",
	[XLVS_CNT_PKTS_FWD] = "Packets forwarded to a real server.",
	[XLVS_CNT_PKTS_MALFORMED] = "Packets with truncated or inconsistent headers, passed.",
	[XLVS_CNT_PKTS_FRAGMENT] = "IP fragments, passed to the kernel.",
	[XLVS_CNT_PKTS_NO_CONN] = "TCP packets other than a SYN without a connection, passed.",
	[XLVS_CNT_PKTS_NO_DEST] = "New connections with no real server available: ICMP port unreachable, dropped.",
	[XLVS_CNT_PKTS_DEST_GONE] = "Packets of a connection whose real server was deleted, dropped.",
	[XLVS_CNT_PKTS_NO_ROUTE] = "Packets with no route to their real server, dropped.",
	[XLVS_CNT_PKTS_NO_NEIGH] = "Packets whose real server's MAC was not resolved yet, dropped.",
	[XLVS_CNT_PKTS_FWD_DISABLED] = "Packets on an interface with forwarding off, dropped.",
	[XLVS_CNT_PKTS_TX_FAILED] = "Packets whose redirect was refused, dropped.",
	[XLVS_CNT_CONNS_NEW] = "Connections scheduled.",
	[XLVS_CNT_CONNS_EXPIRED] = "Connections removed by expiry.",
	[XLVS_CNT_CONNS_EVICTED] = "Entries evicted from a full shard (the sum of conns_evicted_*).",
	[XLVS_CNT_CONNS_INSERT_FAILED] = "Connections the table could not take.",
	[XLVS_CNT_PKTS_LOCAL] = "Packets to a Local real server, passed to this host.",
	[XLVS_CNT_PKTS_FTP_PASS] = "Packets to another port of an FTP service without servers, passed.",
	[XLVS_CNT_ICMP_SENT] = "ICMP answers sent (port unreachable, fragmentation needed, time exceeded).",
	[XLVS_CNT_ICMP_LIMITED] = "ICMP answers not sent: over the rate limit.",
	[XLVS_CNT_CONNS_RESCHEDULED] = "Entries a SYN or expire_nodest_conn replaced with a new connection.",
	[XLVS_CNT_EVICT_TEMPLATE] = "Persistence templates that controlled nothing, evicted.",
	[XLVS_CNT_EVICT_SYNRECV] = "Half-open entries evicted.",
	[XLVS_CNT_EVICT_CLOSE] = "CLOSE entries evicted.",
	[XLVS_CNT_EVICT_TIMEWAIT] = "TIME_WAIT entries evicted.",
	[XLVS_CNT_EVICT_FIN] = "FIN_WAIT, CLOSE_WAIT and LAST_ACK entries evicted.",
	[XLVS_CNT_EVICT_UDP] = "Idle UDP entries evicted.",
	[XLVS_CNT_EVICT_ESTABLISHED] = "ESTABLISHED entries evicted (last of all).",
	[XLVS_CNT_EXPIRED_SYNFLOOD] = "Half-open entries expired early by the SYN-flood timeout.",
	[XLVS_CNT_SYNFLOOD_ON] = "Times the SYN-flood defence switched on.",
	[XLVS_CNT_COUNTS_HEALED] = "Per-server connection counts corrected by a recount (the corrections' sizes).",
	[XLVS_CNT_SWEEP_PASSES] = "The sweeper's full passes over the table.",
	[XLVS_CNT_SWEEP_URGENT] = "Walks of a fast-filling shard out of turn.",
	[XLVS_CNT_SWEEP_TICKS_LONG] = "Sweeper ticks that held their CPU over 0.5 ms.",
	[XLVS_CNT_PKTS_FRAG_NEEDED] = "Packets too big for the route with DF set: ICMP fragmentation needed, dropped.",
	[XLVS_CNT_PKTS_TOO_BIG] = "Packets too big for the route without DF, dropped.",
	[XLVS_CNT_PKTS_TTL_EXCEEDED] = "Packets with TTL 1 or 0: ICMP time exceeded, dropped.",
	[XLVS_CNT_EST_TORN] = "Service rate estimates left for the next tick while counts moved.",
	[XLVS_CNT_PKTS_REPLY] = "NAT replies translated to come from the VIP, and forwarded.",
	[XLVS_CNT_PKTS_REPLY_STALE] = "Replies whose connection has gone, passed untouched.",
	[XLVS_CNT_NAT_REPLY_FULL] = "NAT connections whose reply entry found the reply map full.",
	[XLVS_CNT_ICMP_RELAYED] = "ICMP errors about a tracked connection relayed.",
	[XLVS_CNT_PKTS_NOT_HOST] = "Frames to another host's MAC, passed for the kernel to drop.",
	[XLVS_CNT_NAT_REPLY_ORPHANS] = "NAT reply entries found without their connection, removed.",
};

/* The counters the histogram shows instead. */
static int in_histogram(unsigned c)
{
	return c == XLVS_CNT_SWEEP_NS || c == XLVS_CNT_SWEEP_TICKS ||
	       (c >= XLVS_CNT_SWEEP_HOLD_100US && c <= XLVS_CNT_SWEEP_HOLD_MORE);
}

static void sweep_histogram(FILE *f, const uint64_t *c)
{
	static const struct { const char *le; unsigned cnt; } b[] = {
		{ "0.0001", XLVS_CNT_SWEEP_HOLD_100US }, { "0.0002", XLVS_CNT_SWEEP_HOLD_200US },
		{ "0.0005", XLVS_CNT_SWEEP_HOLD_500US }, { "0.001", XLVS_CNT_SWEEP_HOLD_1MS },
		{ "0.002", XLVS_CNT_SWEEP_HOLD_2MS }, { "+Inf", XLVS_CNT_SWEEP_HOLD_MORE },
	};
	const char *name = "xlvs_dataplane_sweep_tick_seconds";
	struct prom_labels l;
	char fam[80];
	uint64_t sum = 0;

	prom_family(f, name, "histogram",
		    "How long each tick of the connection sweeper held its CPU.");
	snprintf(fam, sizeof(fam), "%s_bucket", name);
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		sum += c[b[i].cnt];
		prom_labels_init(&l);
		prom_labels_add(&l, "le", b[i].le);
		prom_sample_u64(f, fam, &l, sum);
	}
	snprintf(fam, sizeof(fam), "%s_sum", name);
	prom_sample(f, fam, NULL, (double)c[XLVS_CNT_SWEEP_NS] / 1e9);
	/* The buckets' own total: the ticks counter is read a moment apart. */
	snprintf(fam, sizeof(fam), "%s_count", name);
	prom_sample_u64(f, fam, NULL, sum);
}

void metrics_dataplane(FILE *f, const struct view *v)
{
	char name[96];

	if (!v->table_up)
		return;
	for (unsigned c = 0; c < XLVS_CNT_MAX; c++) {
		if (in_histogram(c))
			continue;
		snprintf(name, sizeof(name), "xlvs_dataplane_%s_total", xlvs_counter_name(c));
		prom_family(f, name, "counter", counter_help[c] ? counter_help[c] :
			    "A data-plane counter (xlvsadm --counters).");
		prom_sample_u64(f, name, NULL, v->counters[c]);
	}
	sweep_histogram(f, v->counters);
}
