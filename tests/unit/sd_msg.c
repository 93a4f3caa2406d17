/*
 * syncd/sync_msg.c against the kernel's wire format.  The model is the
 * kernel's own structs, copied here from net/netfilter/ipvs/ip_vs_sync.c
 * (Linux 6.18) with their types, filled as ip_vs_sync_conn fills them, and
 * hand-written bytes; never our encoder.  The decoder's refusals are
 * ip_vs_process_message's and ip_vs_proc_sync_conn's cases, each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "sync_msg.h"

/* ---- the kernel's structs, as ip_vs_sync.c declares them ---- */
struct k_ip_vs_sync_mesg {
	uint8_t reserved;
	uint8_t syncid;
	uint16_t size;          /* __be16 */
	uint8_t nr_conns;
	int8_t version;
	uint16_t spare;
};

struct k_ip_vs_sync_v4 {
	uint8_t type;
	uint8_t protocol;
	uint16_t ver_size;      /* __be16 */
	uint32_t flags;         /* __be32 */
	uint16_t state;
	uint16_t cport, vport, dport;
	uint32_t fwmark;
	uint32_t timeout;
	uint32_t caddr, vaddr, daddr;
};

struct k_ip_vs_sync_v6 {
	uint8_t type;
	uint8_t protocol;
	uint16_t ver_size;
	uint32_t flags;
	uint16_t state;
	uint16_t cport, vport, dport;
	uint32_t fwmark;
	uint32_t timeout;
	struct in6_addr caddr, vaddr, daddr;
};

struct k_ip_vs_seq { uint32_t init_seq, delta, previous_delta; };

struct k_ip_vs_sync_conn_v0 {
	uint8_t reserved;
	uint8_t protocol;
	uint16_t cport, vport, dport;
	uint32_t caddr, vaddr, daddr;
	uint16_t flags, state;
};

_Static_assert(sizeof(struct k_ip_vs_sync_mesg) == SYNC_MESG_HDR_LEN, "kernel header");
_Static_assert(sizeof(struct k_ip_vs_sync_v4) == SYNC_V4_LEN, "kernel v4 entry");
_Static_assert(sizeof(struct k_ip_vs_sync_v6) == SYNC_V6_LEN, "kernel v6 entry");
_Static_assert(sizeof(struct k_ip_vs_sync_conn_v0) == SYNC_V0_LEN, "kernel v0 entry");

static struct sync_conn conn4(void)
{
	struct sync_conn c = { .af = 4, .protocol = IPPROTO_TCP, .state = 1,
		.flags = SYNC_F_DROUTE | SYNC_F_NOOUTPUT, .timeout = 900 };

	c.cport = htons(40000);
	c.vport = htons(80);
	c.dport = htons(80);
	inet_pton(AF_INET, "10.77.0.10", c.caddr);
	inet_pton(AF_INET, "10.77.0.100", c.vaddr);
	inet_pton(AF_INET, "10.77.0.103", c.daddr);
	return c;
}

/* A message of one IPv4 connection: the kernel's structs, byte for byte. */
static void encode_v4_as_kernel(void **s)
{
	uint8_t buf[1472], want[64];
	struct k_ip_vs_sync_mesg h = { 0, 7, htons(8 + 36), 1, 1, 0 };
	struct k_ip_vs_sync_v4 e = {
		.type = 0, .protocol = IPPROTO_TCP, .ver_size = htons(36),
		.flags = htonl(0x83), .state = htons(1), .cport = htons(40000),
		.vport = htons(80), .dport = htons(80), .fwmark = 0,
		.timeout = htonl(900),
	};
	struct sync_conn c = conn4();
	struct sync_msg m;

	(void)s;
	inet_pton(AF_INET, "10.77.0.10", &e.caddr);
	inet_pton(AF_INET, "10.77.0.100", &e.vaddr);
	inet_pton(AF_INET, "10.77.0.103", &e.daddr);
	memcpy(want, &h, 8);
	memcpy(want + 8, &e, 36);
	sync_msg_init(&m, buf, sizeof(buf), 7);
	assert_int_equal(sync_msg_add(&m, &c), 0);
	assert_int_equal(m.len, 44);
	assert_memory_equal(buf, want, 44);
}

/* The same, written out: what a capture of the kernel's master shows. */
static void encode_v4_hex(void **s)
{
	static const uint8_t want[44] = {
		0x00, 0x07, 0x00, 0x2c, 0x01, 0x01, 0x00, 0x00,  /* header */
		0x00, 0x06, 0x00, 0x24,                          /* type, TCP, size 36 */
		0x00, 0x00, 0x00, 0x83,                          /* DROUTE|NOOUTPUT */
		0x00, 0x01, 0x9c, 0x40, 0x00, 0x50, 0x00, 0x50,  /* ES, ports */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x84,  /* fwmark, 900 s */
		10, 77, 0, 10, 10, 77, 0, 100, 10, 77, 0, 103,
	};
	uint8_t buf[128];
	struct sync_conn c = conn4();
	struct sync_msg m;

	(void)s;
	sync_msg_init(&m, buf, sizeof(buf), 7);
	assert_int_equal(sync_msg_add(&m, &c), 0);
	assert_memory_equal(buf, want, sizeof(want));
}

/* IPv6 with sequence data, after an IPv4 entry: the kernel pads each
 * entry to 4 bytes (the IPv4 one ends aligned; a 98-byte IPv6 one with
 * options does not), the options as ip_vs_sync_conn writes them. */
static void encode_v6_seq_and_pad(void **s)
{
	uint8_t buf[1472], want[512];
	struct k_ip_vs_sync_mesg h = { 0, 0, 0, 3, 1, 0 };
	struct k_ip_vs_sync_v6 e = {
		.type = 1, .protocol = IPPROTO_UDP, .ver_size = htons(72 + 26),
		.flags = htonl(SYNC_F_MASQ | SYNC_F_INACTIVE | SYNC_F_IN_SEQ),
		.state = 0, .cport = htons(5353), .vport = htons(53), .dport = htons(5300),
		.fwmark = htonl(0), .timeout = htonl(300),
	};
	struct k_ip_vs_seq in = { htonl(1000), htonl(5), htonl(2) };
	struct k_ip_vs_seq out = { htonl(77), 0, 0 };
	struct sync_conn c6 = { .af = 6, .protocol = IPPROTO_UDP,
		.flags = SYNC_F_MASQ | SYNC_F_INACTIVE | SYNC_F_IN_SEQ, .timeout = 300,
		.in_seq = { 1000, 5, 2 }, .out_seq = { 77, 0, 0 } };
	struct sync_conn c4 = conn4();
	size_t off = 0;
	struct sync_msg m;

	(void)s;
	c6.cport = htons(5353);
	c6.vport = htons(53);
	c6.dport = htons(5300);
	inet_pton(AF_INET6, "fd00:77::10", c6.caddr);
	inet_pton(AF_INET6, "fd00:77::100", c6.vaddr);
	inet_pton(AF_INET6, "fd00:77::103", c6.daddr);
	inet_pton(AF_INET6, "fd00:77::10", &e.caddr);
	inet_pton(AF_INET6, "fd00:77::100", &e.vaddr);
	inet_pton(AF_INET6, "fd00:77::103", &e.daddr);
	sync_msg_init(&m, buf, sizeof(buf), 0);
	assert_int_equal(sync_msg_add(&m, &c6), 0);
	assert_int_equal(sync_msg_add(&m, &c6), 0);
	assert_int_equal(sync_msg_add(&m, &c4), 0);
	memset(want, 0, sizeof(want));
	off = 8;
	for (int i = 0; i < 2; i++) {
		off += (4 - off) & 3;
		memcpy(want + off, &e, 72);
		want[off + 72] = 1;             /* IPVS_OPT_SEQ_DATA */
		want[off + 73] = 24;
		memcpy(want + off + 74, &in, 12);
		memcpy(want + off + 86, &out, 12);
		off += 98;
	}
	off += (4 - off) & 3;               /* 2 bytes of padding */
	{
		struct k_ip_vs_sync_v4 e4 = { 0, IPPROTO_TCP, htons(36), htonl(0x83),
			htons(1), htons(40000), htons(80), htons(80), 0, htonl(900), 0, 0, 0 };

		inet_pton(AF_INET, "10.77.0.10", &e4.caddr);
		inet_pton(AF_INET, "10.77.0.100", &e4.vaddr);
		inet_pton(AF_INET, "10.77.0.103", &e4.daddr);
		memcpy(want + off, &e4, 36);
		off += 36;
	}
	h.size = htons((uint16_t)off);
	memcpy(want, &h, 8);
	assert_int_equal(off, 8 + 98 + 2 + 98 + 2 + 36);
	assert_int_equal(m.len, off);
	assert_memory_equal(buf, want, off);
}

/* A full message refuses the next entry (sync_maxlen bounds the whole
 * datagram, header included, as ip_vs_sync_buff_create sizes it). */
static void encode_full(void **s)
{
	uint8_t buf[1472];
	struct sync_conn c = conn4();
	struct sync_msg m;
	int n = 0;

	(void)s;
	sync_msg_init(&m, buf, 1472, 1);
	while (!sync_msg_add(&m, &c))
		n++;
	assert_int_equal(n, (1472 - 8) / 36);
	assert_true(m.len <= 1472);
}

static void decode_roundtrip(void **s)
{
	uint8_t buf[1472];
	struct sync_conn c = conn4(), out[SYNC_MAX_CONNS];
	struct sync_msg m;

	(void)s;
	sync_msg_init(&m, buf, sizeof(buf), 9);
	sync_msg_add(&m, &c);
	sync_msg_add(&m, &c);
	assert_int_equal(sync_msg_decode(buf, m.len, 9, out, SYNC_MAX_CONNS), 2);
	assert_int_equal(out[1].af, 4);
	assert_int_equal(out[1].state, 1);
	/* The backup marks what it receives IP_VS_CONN_F_SYNC. */
	assert_int_equal(out[1].flags, 0x83 | SYNC_F_SYNC);
	assert_memory_equal(out[1].daddr, c.daddr, 4);
	assert_int_equal(out[1].timeout, 900);
	assert_int_equal(out[1].skip, 0);
	/* syncid 0 takes any; another is refused. */
	assert_int_equal(sync_msg_decode(buf, m.len, 0, out, SYNC_MAX_CONNS), 2);
	assert_int_equal(sync_msg_decode(buf, m.len, 8, out, SYNC_MAX_CONNS), -SYNC_E_SYNCID);
}

/* A kernel message built by hand (header + v4 entry), then broken in
 * each way ip_vs_process_message drops a datagram. */
static size_t kernel_msg(uint8_t *buf)
{
	struct k_ip_vs_sync_mesg h = { 0, 1, htons(44), 1, 1, 0 };
	struct k_ip_vs_sync_v4 e = { 0, IPPROTO_UDP, htons(36), htonl(SYNC_F_DROUTE),
		0, htons(1), htons(53), htons(53), 0, htonl(300), htonl(0x0a4d000a),
		htonl(0x0a4d0064), htonl(0x0a4d0067) };

	memcpy(buf, &h, 8);
	memcpy(buf + 8, &e, 36);
	return 44;
}

static void decode_refusals(void **s)
{
	uint8_t buf[256];
	struct sync_conn out[SYNC_MAX_CONNS];
	size_t n;

	(void)s;
	n = kernel_msg(buf);
	assert_int_equal(sync_msg_decode(buf, n, 1, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(sync_msg_decode(buf, 3, 1, out, SYNC_MAX_CONNS), -SYNC_E_SHORT);
	/* size must be the datagram's */
	assert_int_equal(sync_msg_decode(buf, n - 1, 1, out, SYNC_MAX_CONNS), -SYNC_E_SIZE);
	/* nr_conns says 2: the second is past the end */
	buf[4] = 2;
	assert_int_equal(sync_msg_decode(buf, n, 1, out, SYNC_MAX_CONNS), -SYNC_E_TRUNCATED);
	buf[4] = 1;
	/* an entry size past the end */
	buf[11] = 40;
	assert_int_equal(sync_msg_decode(buf, n, 1, out, SYNC_MAX_CONNS), -SYNC_E_TRUNCATED);
	/* an entry version (top 4 bits) other than 0 */
	buf[10] = 0x10;
	buf[11] = 36;
	assert_int_equal(sync_msg_decode(buf, n, 1, out, SYNC_MAX_CONNS), -SYNC_E_VERSION);
	buf[10] = 0;
	/* type neither 0 nor IPv6 */
	buf[8] = 2;
	assert_int_equal(sync_msg_decode(buf, n, 1, out, SYNC_MAX_CONNS), -SYNC_E_ENTRY);
	buf[8] = 0;
	/* a size below the IPv4 entry's (p > msg_end: -20) */
	buf[11] = 32;
	assert_int_equal(sync_msg_decode(buf, n, 1, out, SYNC_MAX_CONNS), -SYNC_E_ENTRY);
	buf[11] = 36;
	assert_int_equal(sync_msg_decode(buf, n, 1, out, SYNC_MAX_CONNS), 1);
}

/* Options: a truncated one, one of length 0, sequence data of the wrong
 * length or twice drop the message; an unknown mandatory option, a
 * persistence engine, a bad protocol or state skip the entry alone. */
static void decode_options(void **s)
{
	uint8_t buf[256];
	struct sync_conn out[SYNC_MAX_CONNS];
	size_t n = kernel_msg(buf);

	(void)s;
	/* size 36 + 4: an unknown PARAM option (ignored) */
	buf[11] = 40;
	memcpy(buf + 44, (uint8_t[]){ 0x40 | 9, 2, 0xaa, 0xbb }, 4);
	buf[3] = 48;
	n = 48;
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(out[0].skip, 0);
	buf[44] = 9;                        /* mandatory and unknown */
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(out[0].skip, SYNC_SKIP_MANDATORY_OPT);
	buf[44] = SYNC_OPT_PE_DATA;
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(out[0].skip, SYNC_SKIP_PE);
	buf[45] = 0;                        /* length 0 */
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), -SYNC_E_ENTRY);
	buf[45] = 3;                        /* past the entry */
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), -SYNC_E_ENTRY);
	buf[44] = SYNC_OPT_SEQ_DATA;        /* seq data of 2 bytes */
	buf[45] = 2;
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), -SYNC_E_ENTRY);
	buf[44] = 0x40 | 9;
	/* UDP has one state (0): state 1 is refused */
	buf[17] = 1;
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(out[0].skip, SYNC_SKIP_STATE);
	buf[17] = 0;
	buf[9] = IPPROTO_ICMP;
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(out[0].skip, SYNC_SKIP_PROTO);
	/* a template's states are NONE and ASSURED */
	buf[14] = 0x10;                     /* IP_VS_CONN_F_TEMPLATE (0x1000) */
	buf[17] = 2;
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(out[0].skip, SYNC_SKIP_STATE);
	buf[17] = 1;
	assert_int_equal(sync_msg_decode(buf, n, 0, out, SYNC_MAX_CONNS), 1);
	assert_int_equal(out[0].skip, 0);
	assert_true(out[0].flags & SYNC_F_TEMPLATE);
}

/* Version 0, as ip_vs_sync_conn_v0 writes it: read, sequence data too. */
static void decode_v0(void **s)
{
	uint8_t buf[256];
	struct sync_conn out[SYNC_MAX_CONNS];
	struct k_ip_vs_sync_conn_v0 e = { 0, IPPROTO_TCP, htons(40000), htons(80),
		htons(80), htonl(0x0a4d000a), htonl(0x0a4d0064), htonl(0x0a4d0067),
		htons(SYNC_F_DROUTE | SYNC_F_HASHED), htons(4) };
	size_t n = 4;

	(void)s;
	buf[0] = 2;                         /* nr_conns */
	buf[1] = 5;                         /* syncid */
	memcpy(buf + n, &e, 24);
	n += 24;
	e.flags = htons(SYNC_F_DROUTE | SYNC_F_OUT_SEQ);
	memcpy(buf + n, &e, 24);
	n += 24;
	memset(buf + n, 0, 24);
	buf[n + 15] = 9;                    /* out_seq.init_seq = 9 */
	n += 24;
	buf[2] = 0;
	buf[3] = (uint8_t)n;
	assert_int_equal(sync_msg_decode(buf, n, 5, out, SYNC_MAX_CONNS), 2);
	/* HASHED masked off, SYNC set */
	assert_int_equal(out[0].flags, SYNC_F_DROUTE | SYNC_F_SYNC);
	assert_int_equal(out[0].state, 4);
	assert_int_equal(out[0].timeout, 0);
	assert_true(out[1].has_seq);
	assert_int_equal(out[1].out_seq.init_seq, 9);
	/* the sequence data cut short */
	buf[3] = (uint8_t)(n - 1);
	assert_int_equal(sync_msg_decode(buf, n - 1, 5, out, SYNC_MAX_CONNS), -SYNC_E_V0_BOGUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encode_v4_as_kernel),
		cmocka_unit_test(encode_v4_hex),
		cmocka_unit_test(encode_v6_seq_and_pad),
		cmocka_unit_test(encode_full),
		cmocka_unit_test(decode_roundtrip),
		cmocka_unit_test(decode_refusals),
		cmocka_unit_test(decode_options),
		cmocka_unit_test(decode_v0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
