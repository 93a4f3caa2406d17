// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-realserver's decapsulation program
 * (realserver/decap.bpf.c).  Each input is one Ethernet frame, run through
 * three loads of the program (ipip; GUE on port 6080; GRE), each with the
 * VIP 10.0.0.100, by BPF_PROG_TEST_RUN.  Needs root (loads BPF).
 *
 * What may happen to a frame, checked against a reading of it written
 * from the tunnel formats (RFC 2003 ipip, RFC 4213 6in4, RFC 2473 IPv6
 * tunnels, RFC 2784/2890 GRE, the GUE draft as IPVS sends it) and
 * ip_rcv_core's and ip6_rcv_core's header checks, not from the program:
 *   - the verdict is XDP_PASS;
 *   - the frame comes out unchanged, or
 *   - it comes out as its own first 12 bytes, the inner packet's type
 *     (0x0800 or 0x86dd), then the frame's tail from some offset, where
 *     the bytes stripped are an outer IPv4 header the kernel would accept
 *     (version 4, ihl >= 5, a right checksum, not a fragment, its total
 *     length within the frame) or an outer IPv6 header (version 6, a
 *     payload length neither 0 nor past the frame), whose next protocol is
 *     4 or 41 (on the ipip load), 17 (to port 6080 on the GUE load) or 47
 *     (on the GRE load), plus exactly that tunnel's header, and what
 *     remains is of the family the tunnel says and to its VIP.
 * A broken invariant prints the frame and aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "xdp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GUE_PORT 6080
static const uint8_t vip[4] = { 10, 0, 0, 100 };
static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x64 };
static struct rs_decap progs[3];
static const uint32_t kinds[3] = { DECAP_KIND_IPIP, DECAP_KIND_GUE,
				   DECAP_KIND_GRE };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct decap_vip v = { .family = 4 };

	(void)argc;
	(void)argv;
	struct decap_vip v6 = { .family = 6 };

	memcpy(v.addr, vip, 4);
	memcpy(v6.addr, vip6, 16);
	for (int i = 0; i < 3; i++)
		if (rs_decap_load(&progs[i], kinds[i],
				  kinds[i] == DECAP_KIND_GUE ? GUE_PORT : 0) ||
		    rs_decap_vip_add(&progs[i], &v) ||
		    rs_decap_vip_add(&progs[i], &v6)) {
			fprintf(stderr, "fuzz_decap: cannot load the program\n");
			exit(1);
		}
	return 0;
}

static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static int ip_csum_ok(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void broken(const char *why, int prog, const uint8_t *in, size_t len)
{
	fprintf(stderr, "fuzz_decap: invariant broken (load %d): %s; frame:", prog, why);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", in[i]);
	fprintf(stderr, "\n");
	abort();
}

/* The tunnel header's length at t (avail bytes) after an outer header of
 * next protocol proto, for the kind of load prog, and the inner family it
 * declares (4 or 6) in *fam; -1 when it cannot be one we strip. */
static long tunnel_hlen(int prog, unsigned int proto, const uint8_t *t,
			size_t avail, int *fam)
{
	unsigned int flags;
	long h = 4;

	switch (proto) {
	case 4:
	case 41:
		*fam = proto == 4 ? 4 : 6;
		return kinds[prog] == DECAP_KIND_IPIP ? 0 : -1;
	case 17:
		if (kinds[prog] != DECAP_KIND_GUE || avail < 12 ||
		    be16(t + 2) != GUE_PORT)
			return -1;
		/* Version 0 data, no options or flags, carrying IP. */
		*fam = t[9] == 4 ? 4 : 6;
		return t[8] == 0 && (t[9] == 4 || t[9] == 41) && !t[10] &&
		       !t[11] ? 12 : -1;
	case 47:
		if (kinds[prog] != DECAP_KIND_GRE || avail < 4)
			return -1;
		flags = be16(t);
		if (flags & 0x4fff)
			return -1;      /* routing, reserved bits, a version */
		h += (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) +
		     (flags & 0x1000 ? 4 : 0);
		*fam = be16(t + 2) == 0x0800 ? 4 : 6;
		return be16(t + 2) == 0x0800 || be16(t + 2) == 0x86dd ? h : -1;
	default:
		return -1;
	}
}

/* The outer IP header at in+14: its length into *hlen and its next
 * protocol, or -1 if the kernel would not take it as one. */
static int outer_ok(const uint8_t *in, size_t len, size_t *hlen)
{
	size_t ihl;

	if (be16(in + 12) == 0x0800) {
		if (len < 14 + 20 || in[14] >> 4 != 4)
			return -1;
		ihl = (in[14] & 0xf) * 4u;
		if (ihl < 20 || len < 14 + ihl || !ip_csum_ok(in + 14, ihl) ||
		    (be16(in + 14 + 6) & 0x3fff) || be16(in + 14 + 2) < ihl ||
		    14 + be16(in + 14 + 2) > len)
			return -1;
		*hlen = ihl;
		return in[14 + 9];
	}
	if (be16(in + 12) == 0x86dd) {
		if (len < 14 + 40 || in[14] >> 4 != 6 || !be16(in + 14 + 4) ||
		    14 + 40 + be16(in + 14 + 4) > len)
			return -1;
		*hlen = 40;
		return in[14 + 6];
	}
	return -1;
}

static void check(int prog, const uint8_t *in, size_t len, const uint8_t *out,
		  size_t olen, uint32_t verdict)
{
	size_t hlen = 0, strip;
	int proto, fam = 0;
	long th;

	if (verdict != XDP_PASS)
		broken("a verdict other than XDP_PASS", prog, in, len);
	if (olen == len && !memcmp(in, out, len))
		return;
	if (olen >= len || olen < 14 + 20)
		broken("changed, and not shorter by a header", prog, in, len);
	strip = len - olen;
	if (memcmp(out, in, 12) || memcmp(out + 14, in + 14 + strip, olen - 14))
		broken("not the frame less its outer headers", prog, in, len);
	proto = outer_ok(in, len, &hlen);
	if (proto < 0)
		broken("stripped an outer header the kernel drops", prog, in, len);
	th = tunnel_hlen(prog, (unsigned int)proto, in + 14 + hlen,
			 len - 14 - hlen, &fam);
	if (th < 0 || strip != hlen + (size_t)th)
		broken("stripped what is not exactly this load's tunnel header",
		       prog, in, len);
	if (fam == 4 && (be16(out + 12) != 0x0800 || out[14] >> 4 != 4 ||
			 memcmp(out + 14 + 16, vip, 4)))
		broken("the inner packet is not IPv4 to the VIP", prog, in, len);
	if (fam == 6 && (be16(out + 12) != 0x86dd || olen < 14 + 40 ||
			 out[14] >> 4 != 6 || memcmp(out + 14 + 24, vip6, 16)))
		broken("the inner packet is not IPv6 to the VIP", prog, in, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[2048];

	if (size < 14 || size > 1514)
		return 0;       /* BPF_PROG_TEST_RUN wants an Ethernet frame */
	for (int i = 0; i < 3; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data,
			    .data_size_in = (uint32_t)size, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = 1);

		if (bpf_prog_test_run_opts(progs[i].prog_fd, &o)) {
			perror("fuzz_decap: BPF_PROG_TEST_RUN");
			abort();
		}
		check(i, data, size, out, o.data_size_out, o.retval);
	}
	return 0;
}
