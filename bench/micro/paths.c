// SPDX-License-Identifier: GPL-2.0
/*
 * The forwarding paths beside direct routing, by BPF_PROG_TEST_RUN: NAT
 * (-m) both ways on an existing connection and a new NAT connection, a
 * tunnelled (ipip) packet of an existing connection, and ICMP errors about
 * tracked connections (bpf/icmp_conn.h: to the VIP quoting a reply, on to
 * the real server, DR or NAT; quoting a NAT packet to the server, on to
 * the client), each beside direct routing measured the same way.
 *
 * A NAT or tunnel run changes its frame (addresses, an outer header), and
 * BPF_PROG_TEST_RUN's repeat runs the program again on the frame as the
 * last run left it.  So every row here is timed as micro.c times new
 * flows: NEW_N runs of repeat 1, each on a fresh copy, the kernel's mean
 * less a pass frame's run the same way, plus the floor; and the same for
 * the wall clock.  The DR rows are measured that way too, so the rows
 * compare like for like (micro.c's "est. TCP" column is timed so too, since
 * direct routing lowers the TTL).
 */
#include "micro.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "csum.h"
#include "testbed.h"
#include "bytes.h"

#define TH_SYN 0x02
#define TH_ACK 0x10
#define ETH_HLEN 14
#define IP_HLEN 20
#define ICMP_OFF (ETH_HLEN + IP_HLEN)
#define QUOTE_OFF (ICMP_OFF + 8)
#define ROUTER IP4(10, 0, 0, 50)    /* a router on the way, in no table */
#define CLIENT_GW IP4(10, 0, 0, 9)  /* where the clients' 172.16/12 is */
#define RPORT 8080                  /* the NAT servers' port */

enum method { M_DR, M_NAT, M_TUN, NMETHOD };

static const struct {
	const char *name;
	uint8_t fwd;
	uint16_t port;
} methods[NMETHOD] = {
	[M_DR] = { "DR", XLVS_FWD_DROUTE, 8100 },
	[M_NAT] = { "NAT", XLVS_FWD_MASQ, 8101 },
	[M_TUN] = { "tunnel (ipip)", XLVS_FWD_TUNNEL, 8102 },
};

enum prow {
	P_DR_EST, P_NAT_EST, P_NAT_REPLY, P_TUN_EST,
	P_DR_NEW, P_NAT_NEW,
	P_ICMP_DR, P_ICMP_NAT_IN, P_ICMP_NAT_OUT,
	NPROW
};

static const char *const prow_name[NPROW] = {
	[P_DR_EST] = "DR, existing connection: client → server (ACK)",
	[P_NAT_EST] = "**NAT, existing connection: client → server** (ACK; "
		      "destination to the server's address and port, checksums "
		      "mended)",
	[P_NAT_REPLY] = "**NAT reply: server → client** (ACK; `nat_reply` and "
			"connection lookups, the FIB to the client, source to "
			"VIP:vport, TTL − 1)",
	[P_TUN_EST] = "**tunnel (ipip), existing connection: client → server** "
		      "(ACK; outer IPv4 header added)",
	[P_DR_NEW] = "DR, new connection (SYN, rr over 2)",
	[P_NAT_NEW] = "**NAT, new connection** (SYN, rr over 2; its reply "
		      "entry made too)",
	[P_ICMP_DR] = "ICMP error to the VIP about a DR connection, on to the "
		      "real server (as it is)",
	[P_ICMP_NAT_IN] = "**ICMP error to the VIP about a NAT connection, on "
			  "to the real server** (outer destination and the "
			  "quote's source rewritten)",
	[P_ICMP_NAT_OUT] = "**ICMP error about a NAT connection's packet to "
			   "its server, on to the client** (outer source and "
			   "the quote's destination to VIP:vport, TTL − 1)",
};

static double pk[NPROW][REPS], pw[NPROW][REPS];
/* Removes NAT reply entry k from its shard, if it is there. */
static void nat_reply_delete(const struct xlvs_conn_key *k)
{
	int fd = xlvs_nat_reply_shard_fd(&env.t, env_shard(k));

	if (fd >= 0) {
		bpf_map_delete_elem(fd, k);
		close(fd);
	}
}
static char perr[1024];

static void pwarn(const char *what)
{
	size_t used = strlen(perr);

	snprintf(perr + used, sizeof(perr) - used, "%s\n", what);
	fprintf(stderr, "micro: paths: %s\n", what);
}

/* An ICMP error (type 3 code 4, fragmentation needed) from src to dst
 * quoting q's IP header and 20 bytes after it, every checksum right. */
static void icmp_error(struct bench_frame *f, uint32_t src, uint32_t dst,
		       const struct bench_frame *q)
{
	size_t qlen = IP_HLEN + 20;
	uint8_t *ip = f->b + ETH_HLEN, *ic = f->b + ICMP_OFF;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, q->b, ETH_HLEN);
	f->len = (uint32_t)(QUOTE_OFF + qlen);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(f->len - ETH_HLEN));
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum_of(ip, IP_HLEN));
	ic[0] = 3;
	ic[1] = 4;
	put32(ic + 4, 1400);
	memcpy(f->b + QUOTE_OFF, q->b + ETH_HLEN, qlen);
	put16(ic + 2, csum_of(ic, f->len - ICMP_OFF));
}

/* One TCP service per method on its own port, rr over real servers 0 and
 * 1 (NAT: to their port RPORT); the clients (172.16/12) routed by a
 * neighbour on the link, as a NAT reply and an ICMP error to a client need. */
int paths_setup(void)
{

	for (int m = 0; m < NMETHOD; m++) {
		struct xlvs_service_conf sc = { .proto = IPPROTO_TCP,
						.vip = tb_ep(NET_VIP, methods[m].port),
						.sched = "rr" };
		int rc = xlvs_service_add(&env.t, &sc);

		for (unsigned int i = 0; !rc && i < 2; i++) {
			struct xlvs_dest_conf dc = {
				.addr = tb_ep(rs_addr(i), m == M_NAT ? RPORT :
					      methods[m].port),
				.fwd = methods[m].fwd,
				.weight = 1,
			};

			rc = xlvs_dest_add(&env.t, IPPROTO_TCP, &sc.vip, &dc);
		}
		if (rc) {
			fprintf(stderr, "micro: paths: %s service: %s\n",
				methods[m].name, strerror(-rc));
			return rc;
		}
	}
	return tb_sh("ip neigh replace 10.0.0.9 lladdr 02:00:00:00:00:09 dev "
		     BENCH_DEV " nud permanent") ||
	       tb_sh("ip route replace 172.16.0.0/12 via 10.0.0.9 dev " BENCH_DEV);
}

/* The real server (host-order address) connection k went to. */
static int conn_server(const struct xlvs_conn_key *k, uint32_t *addr)
{
	struct xlvs_conn c;
	struct xlvs_dest d;

	if (bpf_map_lookup_elem(conn_fd_of(k), k, &c) ||
	    bpf_map_lookup_elem(env.t.dest_fd, &c.dest_id, &d))
		return -1;
	*addr = (uint32_t)d.addr[0] << 24 | (uint32_t)d.addr[1] << 16 |
		(uint32_t)d.addr[2] << 8 | d.addr[3];
	return 0;
}

/* Row r, repetition rep: f timed by batch_timed, every run XDP_TX. */
static void timed(int r, int rep, const struct bench_frame *f,
		  const struct bench_frame *pass, double floor)
{
	int bad;

	pk[r][rep] = batch_timed(f, XDP_TX, pass, floor, &pw[r][rep], &bad);
	if (bad) {
		char m[160];

		snprintf(m, sizeof(m), "%s: %d of %d runs not XDP_TX",
			 prow_name[r], bad, NEW_N);
		pwarn(m);
	}
}

static int run1(const struct bench_frame *f, uint32_t want)
{
	uint32_t rv = 0, d;

	return prog_run(f, 1, &rv, &d) || rv != want ? -1 : 0;
}

/* A connection of method m from flow n: SYN, SYN-ACK (NAT: the server's,
 * through the director; else straight, unseen), ACK: established.  Its
 * client end and its server's address. */
static int open_conn(int m, uint64_t n, uint32_t *sa, uint16_t *sp, uint32_t *ra)
{
	struct bench_frame f;
	struct xlvs_conn_key k;
	uint16_t vport = methods[m].port;

	flow_client(n, sa, sp);
	tb_conn_key(&k, IPPROTO_TCP, *sa, NET_VIP, *sp, vport);
	frame_build(&f, IPPROTO_TCP, *sa, NET_VIP, *sp, vport, TH_SYN);
	if (run1(&f, XDP_TX) || conn_server(&k, ra))
		return -1;
	if (m == M_NAT) {
		frame_build(&f, IPPROTO_TCP, *ra, *sa, RPORT, *sp, TH_SYN | TH_ACK);
		if (run1(&f, XDP_TX))
			return -1;
	}
	frame_build(&f, IPPROTO_TCP, *sa, NET_VIP, *sp, vport, TH_ACK);
	return run1(&f, XDP_TX);
}

static void close_conn(int m, uint32_t sa, uint16_t sp, uint32_t ra)
{
	struct xlvs_conn_key k;

	tb_conn_key(&k, IPPROTO_TCP, sa, NET_VIP, sp, methods[m].port);
	bpf_map_delete_elem(conn_fd_of(&k), &k);
	if (m == M_NAT) {
		tb_conn_key(&k, IPPROTO_TCP, ra, sa, RPORT, sp);
		nat_reply_delete(&k);
	}
}

/* NEW_N new connections of method m from flows *next..., timed as row r,
 * then deleted (NAT: their reply entries too, under either server). */
static int new_conns(int m, int r, int rep, uint64_t *next, struct bench_frame *fr,
		     struct xlvs_conn_key *keys, const struct bench_frame *pass,
		     double floor)
{
	double k, w, kp, wp;
	uint64_t t0, t1, sum = 0;
	uint32_t rv, d;
	int bad = 0;

	for (int i = 0; i < NEW_N; i++) {
		uint32_t sa;
		uint16_t sp;

		flow_client((*next)++, &sa, &sp);
		frame_build(&fr[i], IPPROTO_TCP, sa, NET_VIP, sp, methods[m].port,
			    TH_SYN);
		tb_conn_key(&keys[i], IPPROTO_TCP, sa, NET_VIP, sp, methods[m].port);
	}
	t0 = now_ns();
	for (int i = 0; i < NEW_N; i++) {
		if (prog_run(&fr[i], 1, &rv, &d) || rv != XDP_TX)
			bad++;
		sum += d;
	}
	t1 = now_ns();
	k = (double)sum / NEW_N;
	w = (double)(t1 - t0) / NEW_N;
	batch_run(pass, NEW_N, XDP_PASS, &kp, &wp);
	pk[r][rep] = k - kp + floor;
	pw[r][rep] = w - wp + floor;
	if (bad) {
		char msg[160];

		snprintf(msg, sizeof(msg), "%s: %d of %d not XDP_TX",
			 prow_name[r], bad, NEW_N);
		pwarn(msg);
	}
	if (conn_delete(keys, NEW_N) != NEW_N)
		pwarn("new connections: not all deleted");
	for (int i = 0; m == M_NAT && i < NEW_N; i++)
		for (unsigned int s = 0; s < 2; s++) {
			struct xlvs_conn_key rk;
			uint32_t sa = (uint32_t)keys[i].saddr[0] << 24 |
				      (uint32_t)keys[i].saddr[1] << 16 |
				      (uint32_t)keys[i].saddr[2] << 8 |
				      keys[i].saddr[3];

			tb_conn_key(&rk, IPPROTO_TCP, rs_addr(s), sa, RPORT,
				    ntohs(keys[i].sport));
			nat_reply_delete(&rk);
		}
	return 0;
}

/* One repetition of every row.  flows: the caller's flow counter (every
 * connection here is new to the table). */
int paths_rep(int rep, const struct bench_frame *pass, double floor,
	      uint64_t *flows, struct bench_frame *fr, struct xlvs_conn_key *keys)
{
	struct bench_frame f, q;
	uint32_t sa, ra;
	uint16_t sp;

	for (int m = 0; m < NMETHOD; m++) {
		static const int est_row[NMETHOD] = { P_DR_EST, P_NAT_EST, P_TUN_EST };
		uint16_t vport = methods[m].port;

		if (open_conn(m, (*flows)++, &sa, &sp, &ra)) {
			pwarn("a connection could not be opened");
			return -1;
		}
		frame_build(&f, IPPROTO_TCP, sa, NET_VIP, sp, vport, TH_ACK);
		timed(est_row[m], rep, &f, pass, floor);
		if (m == M_NAT) {
			frame_build(&f, IPPROTO_TCP, ra, sa, RPORT, sp, TH_ACK);
			timed(P_NAT_REPLY, rep, &f, pass, floor);
			/* What it sent the server, quoted back to the client. */
			frame_build(&q, IPPROTO_TCP, sa, ra, sp, RPORT, TH_ACK);
			icmp_error(&f, ROUTER, sa, &q);
			timed(P_ICMP_NAT_OUT, rep, &f, pass, floor);
		}
		if (m != M_TUN) {
			/* A router on the client's side about a reply from VIP. */
			frame_build(&q, IPPROTO_TCP, NET_VIP, sa, vport, sp, TH_ACK);
			icmp_error(&f, ROUTER, NET_VIP, &q);
			timed(m == M_NAT ? P_ICMP_NAT_IN : P_ICMP_DR, rep, &f, pass,
			      floor);
		}
		close_conn(m, sa, sp, ra);
	}
	new_conns(M_DR, P_DR_NEW, rep, flows, fr, keys, pass, floor);
	new_conns(M_NAT, P_NAT_NEW, rep, flows, fr, keys, pass, floor);
	return 0;
}

static void cell(char *buf, size_t len, const double *v, int n)
{
	double lo = v[0], hi = v[0];

	for (int i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	snprintf(buf, len, "%.0f (%.0f-%.0f)", median((double *)v, n), lo, hi);
}

void paths_report(FILE *o, int reps, double est_dr)
{
	char a[64], b[64];

	if (reps <= 0)
		return;
	fprintf(o, "\n## NAT, tunnel and ICMP paths beside direct routing\n\n"
		"One TCP service per method on 10.0.0.100 (ports 8100 DR, 8101 "
		"NAT to the servers' port 8080, 8102 tunnel, ipip), rr over two "
		"real servers; each connection opened by SYN, SYN-ACK (NAT: "
		"through the director) and ACK first, then its packet timed.  A NAT "
		"or tunnel run rewrites its frame and `repeat` would run the "
		"program again on the rewritten one, so every row here is timed as "
		"the new flows are above: %d runs of `repeat`=1, each on a fresh "
		"copy of the frame, less a pass frame run the same way, plus the "
		"floor; the DR rows the same way, to compare like for like (est. TCP "
		"for rr/2 above, timed the same way: %.0f ns).  Median of %d "
		"repetitions in ns, (min-max) after it; every run's verdict is "
		"checked (XDP_TX).  The clients' 172.16/12 is routed through a "
		"permanent neighbour on the link, so a NAT reply's and an ICMP "
		"error's `bpf_fib_lookup` to the client finds it.\n\n"
		"| path | kernel | wall |\n|---|---:|---:|\n",
		NEW_N, est_dr, reps);
	for (int r = 0; r < NPROW; r++) {
		cell(a, sizeof(a), pk[r], reps);
		cell(b, sizeof(b), pw[r], reps);
		fprintf(o, "| %s | %s | %s |\n", prow_name[r], a, b);
	}
	if (perr[0])
		fprintf(o, "\nWarnings:\n\n```\n%s```\n", perr);
}

/* Before the table goes: an open fd would keep its reply map alive. */
void paths_close(void)
{
}
