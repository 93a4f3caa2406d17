// SPDX-License-Identifier: GPL-2.0
/*
 * Broken, partial and foreign frames aimed at the virtual services of
 * cases.h.  None may be forwarded or altered: each must come back XDP_PASS
 * byte for byte, with the counter that says why.  Offsets below are for a
 * plain TCP SYN: Ethernet 0..13, IPv4 14..33, TCP 34..53 (54 bytes; IPv4
 * total length 40).
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

#define SYN80 .proto = IPPROTO_TCP, .dport = 80, .tcp_flags = TH_SYN
#define UDP53 .proto = IPPROTO_UDP, .dport = 53
#define MALFORMED .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_MALFORMED
#define FRAGMENT  .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_FRAGMENT
#define OTHER     .verdict = XDP_PASS, .counter = XLVS_CNT_PKTS_PASS

static const struct dp_case bad_cases[] = {
	/* BPF_PROG_TEST_RUN itself refuses frames under ETH_HLEN (as drivers
	 * never deliver them), so the program's runt check cannot be reached
	 * from here; assert the refusal so a change in that is noticed. */
	{ "runt: 10-byte frame is refused before the program",
	  .spec = { SYN80 }, .mut = { { MUT_TRUNC, 10 } }, .rejected = true },
	{ "runt: Ethernet header only (IPv4 ethertype)",
	  .spec = { SYN80 }, .mut = { { MUT_TRUNC, 14 } }, MALFORMED },

	/* ---- IPv4 header ---- */
	{ "ip: header cut short (12 of 20 bytes)",
	  .spec = { SYN80 }, .mut = { { MUT_TRUNC, 26 } }, MALFORMED },
	{ "ip: header cut short by one byte",
	  .spec = { SYN80 }, .mut = { { MUT_TRUNC, 33 } }, MALFORMED },
	{ "ip: IHL 4 (< 5)",
	  .spec = { SYN80 }, .mut = { { MUT_IHL, 4 } }, MALFORMED },
	{ "ip: IHL 0",
	  .spec = { SYN80 }, .mut = { { MUT_IHL, 0 } }, MALFORMED },
	{ "ip: IHL 15 past the total length",
	  .spec = { SYN80 }, .mut = { { MUT_IHL, 15 } }, MALFORMED },
	{ "ip: IHL 15 past the end of the frame",
	  .spec = { SYN80 }, .mut = { { MUT_IHL, 15 }, { MUT_TOT_LEN, 60 } },
	  MALFORMED },
	{ "ip: version 6 under the IPv4 ethertype",
	  .spec = { SYN80 }, .mut = { { MUT_VERSION, 6 } }, MALFORMED },
	{ "ip: tot_len one byte larger than the frame",
	  .spec = { SYN80 }, .mut = { { MUT_TOT_LEN, 41 } }, MALFORMED },
	{ "ip: tot_len 65535",
	  .spec = { SYN80 }, .mut = { { MUT_TOT_LEN, 65535 } }, MALFORMED },
	{ "ip: tot_len smaller than the IP header (19)",
	  .spec = { SYN80 }, .mut = { { MUT_TOT_LEN, 19 } }, MALFORMED },
	{ "ip: tot_len 0",
	  .spec = { SYN80 }, .mut = { { MUT_TOT_LEN, 0 } }, MALFORMED },
	{ "ip: tot_len ends inside the TCP header (30)",
	  .spec = { SYN80 }, .mut = { { MUT_TOT_LEN, 30 } }, MALFORMED },
	{ "ip: options, tot_len ends inside the TCP header",
	  .spec = { SYN80, .ip_opt_len = 12 }, .mut = { { MUT_TOT_LEN, 40 } },
	  MALFORMED },

	/* ip_rcv_core drops a wrong header checksum: so must we (found by
	 * fuzz/xdp.c; fuzz/corpus/xdp/bug-ip-checksum). */
	{ "ip: header checksum wrong (TTL changed after it was made)",
	  .spec = { SYN80 }, .mut = { { MUT_IP_BYTE, 8 << 8 | 1 } }, MALFORMED },
	{ "ip: header checksum wrong (UDP, checksum byte changed)",
	  .spec = { UDP53 }, .mut = { { MUT_IP_BYTE, 11 << 8 | 0 } }, MALFORMED },
	{ "ip: header checksum wrong in the options (option byte changed)",
	  .spec = { SYN80, .ip_opt_len = 8 },
	  .mut = { { MUT_IP_BYTE, 25 << 8 | 0x55 } }, MALFORMED },

	/* Martian sources, which the kernel's routing drops before IPVS
	 * (found by fuzz/xdp.c; fuzz/corpus/xdp/bug-martian-source). */
	{ "ip: source in 0.0.0.0/8",
	  .spec = { SYN80, .saddr = IP4(0, 0, 0, 73) }, MALFORMED },
	{ "ip: loopback source",
	  .spec = { UDP53, .saddr = IP4(127, 0, 0, 1) }, MALFORMED },
	{ "ip: multicast source",
	  .spec = { SYN80, .saddr = IP4(224, 0, 0, 5) }, MALFORMED },
	{ "ip: limited broadcast source",
	  .spec = { UDP53, .saddr = IP4(255, 255, 255, 255) }, MALFORMED },

	/* ---- fragments: ports are not all there ---- */
	{ "frag: first fragment (MF, offset 0)",
	  .spec = { SYN80, .frag = 0x2000, .payload = 16 }, FRAGMENT },
	{ "frag: middle fragment (MF, offset 185)",
	  .spec = { SYN80, .frag = 0x2000 | 185, .payload = 16 }, FRAGMENT },
	{ "frag: last fragment (offset 185, no MF)",
	  .spec = { SYN80, .frag = 185, .payload = 16 }, FRAGMENT },
	{ "frag: UDP first fragment",
	  .spec = { UDP53, .frag = 0x2000, .payload = 64 }, FRAGMENT },

	/* ---- TCP header ---- */
	{ "tcp: header cut short (10 of 20 bytes), tot_len agrees",
	  .spec = { SYN80 }, .mut = { { MUT_TRUNC, 44 }, { MUT_TOT_LEN, 30 } },
	  MALFORMED },
	{ "tcp: header cut short (10 of 20 bytes), tot_len 40",
	  .spec = { SYN80 }, .mut = { { MUT_TRUNC, 44 } }, MALFORMED },
	{ "tcp: no TCP header at all, tot_len 20",
	  .spec = { SYN80 }, .mut = { { MUT_TRUNC, 34 }, { MUT_TOT_LEN, 20 } },
	  MALFORMED },
	{ "tcp: doff 4 (< 5)",
	  .spec = { SYN80 }, .mut = { { MUT_DOFF, 4 } }, MALFORMED },
	{ "tcp: doff 0",
	  .spec = { SYN80 }, .mut = { { MUT_DOFF, 0 } }, MALFORMED },
	{ "tcp: doff 15 past the total length",
	  .spec = { SYN80 }, .mut = { { MUT_DOFF, 15 } }, MALFORMED },
	{ "tcp: doff 6 past the total length, trailer present",
	  .spec = { SYN80, .pad_to = 60 }, .mut = { { MUT_DOFF, 6 } }, MALFORMED },

	/* ---- UDP header ---- */
	{ "udp: header cut short (4 of 8 bytes), tot_len agrees",
	  .spec = { UDP53 }, .mut = { { MUT_TRUNC, 38 }, { MUT_TOT_LEN, 24 } },
	  MALFORMED },
	{ "udp: header cut short (4 of 8 bytes), tot_len 28",
	  .spec = { UDP53 }, .mut = { { MUT_TRUNC, 38 } }, MALFORMED },
	{ "udp: tot_len ends inside the UDP header, trailer present",
	  .spec = { UDP53, .pad_to = 60 }, .mut = { { MUT_TOT_LEN, 24 } },
	  MALFORMED },

	/* ---- not IPv4 ---- */
	{ "other: ARP request for the VIP",
	  .spec = { .l3 = L3_ARP, .daddr = NET_VIP }, OTHER },
	{ "other: IPv6 TCP SYN to port 80",
	  .spec = { .l3 = L3_IPV6, SYN80 }, OTHER },
	/* ip6_rcv_core drops it: the kernel's to count. */
	{ "malformed: IPv6 header cut short",
	  .spec = { .l3 = L3_IPV6, SYN80 }, .mut = { { MUT_TRUNC, 30 } }, MALFORMED },
};

size_t malformed_tests(struct CMUnitTest *out, size_t room)
{
	return cases_register(out, room, bad_cases,
			      sizeof(bad_cases) / sizeof(bad_cases[0]));
}
