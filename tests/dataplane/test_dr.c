// SPDX-License-Identifier: GPL-2.0
/*
 * Direct routing, one packet each: what is for a virtual service leaves by
 * XDP_TX with only the Ethernet addresses rewritten; what is not passes to
 * the kernel untouched.  The table is the one in cases.h.
 */
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "cases.h"
#include "tests.h"

#define TCP_TO(port, flags) \
	.proto = IPPROTO_TCP, .dport = (port), .tcp_flags = (flags)
#define UDP_TO(port) .proto = IPPROTO_UDP, .dport = (port), .payload = 32

static const struct dp_case dr_cases[] = {
	/* ---- forwarded: only the MACs change ---- */
	{ "dr: TCP SYN to VIP:80 goes to the real server's MAC",
	  .spec = { TCP_TO(80, TH_SYN) }, .to = HOST_RS1 },
	{ "dr: TCP SYN with 8 bytes of IP options keeps them",
	  .spec = { TCP_TO(80, TH_SYN), .ip_opt_len = 8 }, .to = HOST_RS1 },
	{ "dr: TCP SYN with 40 bytes of IP options (IHL 15) keeps them",
	  .spec = { TCP_TO(80, TH_SYN), .ip_opt_len = 40 }, .to = HOST_RS1 },
	{ "dr: TCP SYN padded to 60 bytes keeps its Ethernet trailer",
	  .spec = { TCP_TO(80, TH_SYN), .pad_to = 60 }, .to = HOST_RS1 },
	{ "dr: TCP SYN with DF set is not a fragment",
	  .spec = { TCP_TO(80, TH_SYN), .frag = 0x4000 }, .to = HOST_RS1 },
	{ "dr: TCP SYN carrying 1400 bytes of data",
	  .spec = { TCP_TO(80, TH_SYN), .payload = 1400 }, .to = HOST_RS1 },
	{ "dr: UDP datagram to VIP:53 goes to the real server's MAC",
	  .spec = { UDP_TO(53) }, .to = HOST_RS1 },
	{ "dr: UDP datagram with no payload",
	  .spec = { .proto = IPPROTO_UDP, .dport = 53 }, .to = HOST_RS1 },
	{ "dr: UDP datagram padded to 60 bytes keeps its trailer",
	  .spec = { .proto = IPPROTO_UDP, .dport = 53, .payload = 2, .pad_to = 60 },
	  .to = HOST_RS1 },

	/* ---- not a virtual service: the kernel's, untouched ---- */
	{ "pass: TCP SYN to another address, port 80",
	  .spec = { TCP_TO(80, TH_SYN), .daddr = NET_OTHER_IP },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS },
	{ "pass: TCP SYN to the director's own address",
	  .spec = { TCP_TO(80, TH_SYN), .daddr = NET_DEV_IP },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS },
	{ "pass: TCP SYN to VIP, another port (81)",
	  .spec = { TCP_TO(81, TH_SYN) },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS },
	{ "pass: UDP to VIP:80 (a TCP-only service)",
	  .spec = { UDP_TO(80) },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS },
	{ "pass: TCP SYN to VIP:53 (a UDP-only service)",
	  .spec = { TCP_TO(53, TH_SYN) },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS },
	{ "pass: ICMP echo to the VIP",
	  .spec = { .proto = IPPROTO_ICMP, .sport = 7, .payload = 56 },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS },
	{ "pass: TCP from VIP:80 to the client (reply direction)",
	  .spec = { .proto = IPPROTO_TCP, .saddr = NET_VIP, .sport = 80,
		    .daddr = NET_CLIENT, .dport = 40000, .tcp_flags = TH_SYN | TH_ACK },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS },

	/* ---- TCP that IPVS would not schedule: no connection, passed ---- */
	{ "no conn: TCP ACK without a connection passes",
	  .spec = { TCP_TO(80, TH_ACK), .payload = 10 },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_NO_CONN },
	{ "no conn: TCP FIN|ACK without a connection passes",
	  .spec = { TCP_TO(80, TH_FIN | TH_ACK) },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_NO_CONN },
	{ "no conn: TCP RST without a connection passes",
	  .spec = { TCP_TO(80, TH_RST) },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_NO_CONN },
	{ "no conn: TCP SYN|RST is not a new connection",
	  .spec = { TCP_TO(80, TH_SYN | TH_RST) },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_NO_CONN },
	{ "no conn: TCP with no flags at all passes",
	  .spec = { TCP_TO(80, 0) },
	  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_NO_CONN },
};

size_t dr_tests(struct CMUnitTest *out, size_t room)
{
	return cases_register(out, room, dr_cases,
			      sizeof(dr_cases) / sizeof(dr_cases[0]));
}
