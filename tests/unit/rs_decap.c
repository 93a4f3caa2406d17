// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-realserver's decapsulation program (realserver/decap.bpf.c) on
 * crafted frames through BPF_PROG_TEST_RUN, IPv4 and IPv6 outside and in.
 * The frames are built here,
 * their checksums by RFC 1071, the tunnel headers as the kernel's senders
 * build them (ipip: an outer IPv4 header, protocol 4; GUE: UDP to the
 * tunnel port and a 4-byte version-0 header whose proto is 4, as IPVS's
 * ipvs_gue_encap writes it; GRE: RFC 2784's 4 bytes, 8 with the checksum,
 * protocol 0x0800, as gre_build_header).  A packet for a VIP must come out
 * as its Ethernet header and the inner packet, byte for byte; anything
 * else (another VIP, cut short, a bad checksum, a fragment, flags we do
 * not strip) exactly as it went in.  Needs root (loads BPF).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <cmocka.h>

#include "xdp.h"
#include "../lib/csum.h"

#define VIP    0x0a000064u      /* 10.0.0.100 */
#define OTHER  0x0a000065u      /* 10.0.0.101: not a VIP */
#define CLIENT 0xc0a80a0au
#define DIRECTOR 0x0a000001u
#define RS     0x0a000067u
#define GUE_PORT 6080

static struct rs_decap progs[3];        /* ipip, gue, gre */
enum { P_IPIP, P_GUE, P_GRE };

struct frame {
	uint8_t b[1600];
	size_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* An IPv4 header of ihl words at p for payload bytes; checksum set. */
static size_t put_ip(uint8_t *p, unsigned int ihl, uint8_t proto, uint32_t src,
		     uint32_t dst, size_t payload)
{
	memset(p, 0, ihl * 4);
	p[0] = (uint8_t)(0x40 | ihl);
	put16(p + 2, (uint16_t)(ihl * 4 + payload));
	put16(p + 4, 0x1234);
	p[6] = 0x40;            /* DF */
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	for (unsigned int i = 20; i < ihl * 4; i++)
		p[i] = 1;       /* NOP options */
	put16(p + 10, csum_of(p, ihl * 4));
	return ihl * 4;
}

/* The client's packet: IPv4 UDP 40000 -> dst:80 with a payload. */
static size_t put_inner(uint8_t *p, uint32_t dst)
{
	static const char msg[] = "GET / from the client";
	size_t n = 8 + sizeof(msg);

	put_ip(p, 5, 17, CLIENT, dst, n);
	put16(p + 20, 40000);
	put16(p + 22, 80);
	put16(p + 24, (uint16_t)n);
	put16(p + 26, 0);       /* no UDP checksum */
	memcpy(p + 28, msg, sizeof(msg));
	return 20 + n;
}

enum kind { K_IPIP, K_GUE, K_GRE, K_GRE_CSUM };

static size_t put_eth(uint8_t *p)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 0x67, 2, 0, 0, 0, 0, 1 };

	memcpy(p, macs, 12);
	put16(p + 12, 0x0800);
	return 14;
}

/* 2001:db8::<last>, the IPv6 addresses of these tests. */
static void addr6(uint8_t *p, uint8_t last)
{
	static const uint8_t net[15] = { 0x20, 0x01, 0x0d, 0xb8 };

	memcpy(p, net, 15);
	p[15] = last;
}
#define VIP6 0x64               /* 2001:db8::64 */
#define OTHER6 0x65

static size_t put_ip6(uint8_t *p, uint8_t nh, uint8_t src, uint8_t dst,
		      size_t payload)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)payload);
	p[6] = nh;
	p[7] = 64;
	addr6(p + 8, src);
	addr6(p + 24, dst);
	return 40;
}

/* The client's packet over IPv6: UDP 40000 -> [dst]:80. */
static size_t put_inner6(uint8_t *p, uint8_t dst)
{
	static const char msg[] = "GET / from the v6 client";
	size_t n = 8 + sizeof(msg);

	put_ip6(p, 17, 0x0a, dst, n);
	put16(p + 40, 40000);
	put16(p + 42, 80);
	put16(p + 44, (uint16_t)n);
	put16(p + 46, 0x1234);  /* not checked here */
	memcpy(p + 48, msg, sizeof(msg));
	return 40 + n;
}

/* Mixed families: eth | outer (IPv4 or IPv6) | tunnel header | inner
 * (IPv4 to dst4 or IPv6 to dst6). */
static void build_mixed(struct frame *f, enum kind k, int outer6, int inner6,
			uint32_t dst4, uint8_t dst6)
{
	uint8_t inner[200], t[16];
	size_t in = inner6 ? put_inner6(inner, dst6) : put_inner(inner, dst4);
	size_t th = 0, oh, l4;
	uint8_t proto = inner6 ? 41 : 4;

	switch (k) {
	case K_IPIP:
		break;
	case K_GUE:
		th = 12;
		put16(t, 45000);
		put16(t + 2, GUE_PORT);
		put16(t + 4, (uint16_t)(12 + in));
		put16(t + 6, 0);
		t[8] = 0;
		t[9] = proto;
		t[10] = t[11] = 0;
		break;
	case K_GRE:
	case K_GRE_CSUM:
		th = k == K_GRE ? 4 : 8;
		put16(t, k == K_GRE ? 0 : 0x8000);
		put16(t + 2, inner6 ? 0x86dd : 0x0800);
		put32(t + 4, 0);
		break;
	}
	l4 = th + in;
	put_eth(f->b);
	if (outer6) {
		put16(f->b + 12, 0x86dd);
		oh = put_ip6(f->b + 14, k == K_IPIP ? proto : k == K_GUE ? 17 : 47,
			     0x01, 0x67, l4);
	} else {
		oh = put_ip(f->b + 14, 5, k == K_IPIP ? proto : k == K_GUE ? 17 : 47,
			    DIRECTOR, RS, l4);
	}
	memcpy(f->b + 14 + oh, t, th);
	memcpy(f->b + 14 + oh + th, inner, in);
	if (k == K_GRE_CSUM)
		put16(f->b + 14 + oh + 4, csum_of(f->b + 14 + oh, l4));
	f->len = 14 + oh + l4;
}

static void expected_mixed(struct frame *want, int inner6, uint32_t dst4,
			   uint8_t dst6)
{
	want->len = put_eth(want->b);
	if (inner6) {
		put16(want->b + 12, 0x86dd);
		want->len += put_inner6(want->b + 14, dst6);
	} else {
		want->len += put_inner(want->b + 14, dst4);
	}
}

/* eth | outer IPv4 (ihl words) | tunnel header | inner to dst. */
static void build(struct frame *f, enum kind k, uint32_t dst, unsigned int ihl)
{
	uint8_t inner[200], *o = f->b + 14;
	size_t in = put_inner(inner, dst), th = 0, l4;

	put_eth(f->b);
	uint8_t *t = o + ihl * 4;
	switch (k) {
	case K_IPIP:
		break;
	case K_GUE:
		th = 12;
		put16(t, 45000);
		put16(t + 2, GUE_PORT);
		put16(t + 4, (uint16_t)(8 + 4 + in));
		put16(t + 6, 0);        /* --tun-nocsum */
		t[8] = 0;               /* version 0, C 0, hlen 0 */
		t[9] = 4;               /* IPPROTO_IPIP */
		t[10] = t[11] = 0;
		break;
	case K_GRE:
		th = 4;
		put16(t, 0);
		put16(t + 2, 0x0800);
		break;
	case K_GRE_CSUM:
		th = 8;
		put16(t, 0x8000);
		put16(t + 2, 0x0800);
		put32(t + 4, 0);
		break;
	}
	memcpy(t + th, inner, in);
	l4 = th + in;
	if (k == K_GRE_CSUM)
		put16(t + 4, csum_of(t, l4));
	put_ip(o, ihl, k == K_IPIP ? 4 : k == K_GUE ? 17 : 47, DIRECTOR, RS, l4);
	f->len = 14 + ihl * 4 + l4;
}

/* What a decapsulated frame must be: the same Ethernet header, then the
 * inner packet. */
static void expected(struct frame *want, uint32_t dst)
{
	want->len = put_eth(want->b);
	want->len += put_inner(want->b + 14, dst);
}

static int run(int prog, const struct frame *in, struct frame *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->b,
		    .data_size_in = (uint32_t)in->len, .data_out = out->b,
		    .data_size_out = sizeof(out->b), .repeat = 1);
	int rc = bpf_prog_test_run_opts(progs[prog].prog_fd, &o);

	assert_int_equal(rc, 0);
	out->len = o.data_size_out;
	return (int)o.retval;
}

static void assert_decapsulated(int prog, const struct frame *in, uint32_t dst)
{
	struct frame out, want;

	assert_int_equal(run(prog, in, &out), XDP_PASS);
	expected(&want, dst);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.b, want.b, want.len);
}

static void assert_untouched(int prog, const struct frame *in)
{
	struct frame out;

	assert_int_equal(run(prog, in, &out), XDP_PASS);
	assert_int_equal(out.len, in->len);
	assert_memory_equal(out.b, in->b, in->len);
}

static uint64_t counter(int prog, enum decap_counter c)
{
	uint64_t v[DECAP_COUNTERS];

	assert_int_equal(rs_decap_counters(&progs[prog], v), 0);
	return v[c];
}

static void ipip_to_vip_decapsulated(void **state)
{
	struct frame f;
	uint64_t before = counter(P_IPIP, DECAP_IPIP);

	(void)state;
	build(&f, K_IPIP, VIP, 5);
	assert_decapsulated(P_IPIP, &f, VIP);
	/* Outer options (ihl 6..15) are stripped with the header. */
	build(&f, K_IPIP, VIP, 6);
	assert_decapsulated(P_IPIP, &f, VIP);
	build(&f, K_IPIP, VIP, 15);
	assert_decapsulated(P_IPIP, &f, VIP);
	assert_int_equal(counter(P_IPIP, DECAP_IPIP), before + 3);
}

static void gue_to_vip_decapsulated(void **state)
{
	struct frame f;

	(void)state;
	build(&f, K_GUE, VIP, 5);
	assert_decapsulated(P_GUE, &f, VIP);
	build(&f, K_GUE, VIP, 7);
	assert_decapsulated(P_GUE, &f, VIP);
}

static void gre_to_vip_decapsulated(void **state)
{
	struct frame f;

	(void)state;
	build(&f, K_GRE, VIP, 5);
	assert_decapsulated(P_GRE, &f, VIP);
	build(&f, K_GRE_CSUM, VIP, 5);
	assert_decapsulated(P_GRE, &f, VIP);
	/* GRE with a key and a sequence number (RFC 2890): 12 more bytes. */
	uint8_t inner[200];
	size_t in = put_inner(inner, VIP);
	put_eth(f.b);
	put16(f.b + 34, 0x3000);
	put16(f.b + 36, 0x0800);
	put32(f.b + 38, 0xabcdef01);
	put32(f.b + 42, 7);
	memcpy(f.b + 46, inner, in);
	put_ip(f.b + 14, 5, 47, DIRECTOR, RS, 12 + in);
	f.len = 46 + in;
	assert_decapsulated(P_GRE, &f, VIP);
}

static void other_destination_untouched(void **state)
{
	struct frame f;
	uint64_t before = counter(P_IPIP, DECAP_PASS_NOT_VIP);

	(void)state;
	build(&f, K_IPIP, OTHER, 5);
	assert_untouched(P_IPIP, &f);
	build(&f, K_GUE, OTHER, 5);
	assert_untouched(P_GUE, &f);
	build(&f, K_GRE_CSUM, OTHER, 5);
	assert_untouched(P_GRE, &f);
	assert_int_equal(counter(P_IPIP, DECAP_PASS_NOT_VIP), before + 1);
}

/* A program strips only the kind it was loaded for. */
static void other_kinds_untouched(void **state)
{
	struct frame f;

	(void)state;
	build(&f, K_GUE, VIP, 5);
	assert_untouched(P_IPIP, &f);
	assert_untouched(P_GRE, &f);
	build(&f, K_GRE, VIP, 5);
	assert_untouched(P_IPIP, &f);
	assert_untouched(P_GUE, &f);
	build(&f, K_IPIP, VIP, 5);
	assert_untouched(P_GUE, &f);
	assert_untouched(P_GRE, &f);
	/* A plain packet to the VIP (direct routing) is not a tunnel. */
	f.len = put_eth(f.b);
	f.len += put_inner(f.b + 14, VIP);
	for (int p = 0; p < 3; p++)
		assert_untouched(p, &f);
}

/* Every cut of every tunnelled packet: the outer lengths no longer match
 * the frame, so none may be stripped. */
static void truncated_untouched(void **state)
{
	static const enum kind kinds[] = { K_IPIP, K_GUE, K_GRE, K_GRE_CSUM };
	static const int prog[] = { P_IPIP, P_GUE, P_GRE, P_GRE };
	struct frame f;

	(void)state;
	for (unsigned int k = 0; k < 4; k++) {
		build(&f, kinds[k], VIP, 5);
		for (size_t len = 14; len < f.len; len++) {
			struct frame cut = f;

			cut.len = len;
			assert_untouched(prog[k], &cut);
		}
	}
}

/* Well-sized but wrong: each must pass as it came. */
static void malformed_untouched(void **state)
{
	struct frame f;
	uint64_t before = counter(P_GRE, DECAP_PASS_MALFORMED);

	(void)state;
	build(&f, K_IPIP, VIP, 5);
	f.b[14 + 10] ^= 1;                      /* outer header checksum */
	assert_untouched(P_IPIP, &f);
	build(&f, K_IPIP, VIP, 5);
	f.b[14 + 6] = 0x20;                     /* MF: a first fragment */
	f.b[14 + 10] = f.b[14 + 11] = 0;
	put16(f.b + 24, csum_of(f.b + 14, 20));
	assert_untouched(P_IPIP, &f);
	build(&f, K_IPIP, VIP, 5);
	f.b[14] = 0x44;                         /* ihl 4 */
	assert_untouched(P_IPIP, &f);
	build(&f, K_IPIP, VIP, 5);
	f.b[34] = 0x60;                         /* inner version 6 in a proto-4 */
	assert_untouched(P_IPIP, &f);
	build(&f, K_IPIP, VIP, 5);
	put16(f.b + 34 + 2, 2000);              /* inner longer than the outer */
	assert_untouched(P_IPIP, &f);
	build(&f, K_GRE_CSUM, VIP, 5);
	f.b[60] ^= 0x55;                        /* payload under the GRE checksum */
	assert_untouched(P_GRE, &f);
	build(&f, K_GRE, VIP, 5);
	f.b[35] = 1;                            /* GRE version 1 (PPTP) */
	assert_untouched(P_GRE, &f);
	build(&f, K_GRE, VIP, 5);
	f.b[34] = 0x40;                         /* routing present */
	assert_untouched(P_GRE, &f);
	build(&f, K_GRE, VIP, 5);
	put16(f.b + 36, 0x86dd);                /* says IPv6, carries IPv4 */
	assert_untouched(P_GRE, &f);
	build(&f, K_GUE, VIP, 5);
	put16(f.b + 34 + 2, GUE_PORT + 1);      /* another UDP port */
	assert_untouched(P_GUE, &f);
	build(&f, K_GUE, VIP, 5);
	f.b[34 + 8] = 0x01;                     /* GUE optional fields */
	assert_untouched(P_GUE, &f);
	build(&f, K_GUE, VIP, 5);
	f.b[34 + 8] = 0x20;                     /* GUE control message */
	assert_untouched(P_GUE, &f);
	build(&f, K_GUE, VIP, 5);
	put16(f.b + 34 + 4, 8);                 /* UDP length too short */
	assert_untouched(P_GUE, &f);
	build(&f, K_GUE, VIP, 5);
	f.b[34 + 9] = 41;                       /* says IPv6, carries IPv4 */
	assert_untouched(P_GUE, &f);
	build(&f, K_GUE, VIP, 5);
	f.b[34 + 9] = 17;                       /* GUE carrying UDP itself */
	assert_untouched(P_GUE, &f);
	/* Not IPv4 at all. */
	build(&f, K_IPIP, VIP, 5);
	put16(f.b + 12, 0x0806);
	assert_untouched(P_IPIP, &f);
	assert_true(counter(P_GRE, DECAP_PASS_MALFORMED) >= before + 3);
}

/* IPVS mixes the families for tunnels: ip6ip6, 4in6 and 6in4, and GUE
 * and GRE over either; each stripped to its inner packet, whose Ethernet
 * type becomes the inner family's. */
static void mixed_families_decapsulated(void **state)
{
	static const enum kind kinds[] = { K_IPIP, K_GUE, K_GRE, K_GRE_CSUM };
	static const int prog[] = { P_IPIP, P_GUE, P_GRE, P_GRE };
	struct frame f, out, want;

	(void)state;
	for (unsigned int k = 0; k < 4; k++)
		for (int o6 = 0; o6 < 2; o6++)
			for (int i6 = 0; i6 < 2; i6++) {
				build_mixed(&f, kinds[k], o6, i6, VIP, VIP6);
				assert_int_equal(run(prog[k], &f, &out), XDP_PASS);
				expected_mixed(&want, i6, VIP, VIP6);
				assert_int_equal(out.len, want.len);
				assert_memory_equal(out.b, want.b, want.len);
				/* To another address: untouched. */
				build_mixed(&f, kinds[k], o6, i6, OTHER, OTHER6);
				assert_untouched(prog[k], &f);
				/* Every cut: untouched. */
				build_mixed(&f, kinds[k], o6, i6, VIP, VIP6);
				for (size_t len = 14; len < f.len; len++) {
					struct frame cut = f;

					cut.len = len;
					assert_untouched(prog[k], &cut);
				}
			}
}

/* Outer IPv6 headers the kernel would not take, or that we do not walk. */
static void malformed_ipv6_untouched(void **state)
{
	struct frame f;

	(void)state;
	build_mixed(&f, K_IPIP, 1, 1, VIP, VIP6);
	f.b[14] = 0x40;                         /* version 4 in an IPv6 frame */
	assert_untouched(P_IPIP, &f);
	build_mixed(&f, K_IPIP, 1, 1, VIP, VIP6);
	put16(f.b + 14 + 4, 0);                 /* payload length 0 (jumbo) */
	assert_untouched(P_IPIP, &f);
	build_mixed(&f, K_IPIP, 1, 1, VIP, VIP6);
	put16(f.b + 14 + 4, 1400);              /* longer than the frame */
	assert_untouched(P_IPIP, &f);
	build_mixed(&f, K_IPIP, 1, 1, VIP, VIP6);
	f.b[14 + 6] = 0;                        /* a hop-by-hop header first */
	assert_untouched(P_IPIP, &f);
	build_mixed(&f, K_IPIP, 1, 1, VIP, VIP6);
	f.b[14 + 40] = 0x45;                    /* inner "IPv6" that says 4 */
	assert_untouched(P_IPIP, &f);
	build_mixed(&f, K_IPIP, 1, 1, VIP, VIP6);
	put16(f.b + 14 + 40 + 4, 1000);         /* inner longer than the outer */
	assert_untouched(P_IPIP, &f);
}

/* Ethernet padding after a short tunnelled packet stays after the inner
 * packet (the kernel trims it by the inner length). */
static void padding_kept(void **state)
{
	struct frame f, out, want;

	(void)state;
	build(&f, K_IPIP, VIP, 5);
	memset(f.b + f.len, 0, 6);
	f.len += 6;
	assert_int_equal(run(P_IPIP, &f, &out), XDP_PASS);
	expected(&want, VIP);
	assert_int_equal(out.len, want.len + 6);
	assert_memory_equal(out.b, want.b, want.len);
}

static int setup(void **state)
{
	struct decap_vip v = { .family = 4 };
	uint32_t be = htonl(VIP);

	(void)state;
	memcpy(v.addr, &be, 4);
	if (rs_decap_load(&progs[P_IPIP], DECAP_KIND_IPIP, 0) ||
	    rs_decap_load(&progs[P_GUE], DECAP_KIND_GUE, GUE_PORT) ||
	    rs_decap_load(&progs[P_GRE], DECAP_KIND_GRE, 0))
		return -1;
	for (int p = 0; p < 3; p++)
		if (rs_decap_vip_add(&progs[p], &v))
			return -1;
	memset(&v, 0, sizeof(v));
	v.family = 6;
	addr6(v.addr, VIP6);
	for (int p = 0; p < 3; p++)
		if (rs_decap_vip_add(&progs[p], &v))
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int p = 0; p < 3; p++)
		rs_decap_close(&progs[p]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipip_to_vip_decapsulated),
		cmocka_unit_test(gue_to_vip_decapsulated),
		cmocka_unit_test(gre_to_vip_decapsulated),
		cmocka_unit_test(other_destination_untouched),
		cmocka_unit_test(other_kinds_untouched),
		cmocka_unit_test(truncated_untouched),
		cmocka_unit_test(malformed_untouched),
		cmocka_unit_test(padding_kept),
		cmocka_unit_test(mixed_families_decapsulated),
		cmocka_unit_test(malformed_ipv6_untouched),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
