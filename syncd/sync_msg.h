/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS's sync messages (net/netfilter/ipvs/ip_vs_sync.c), byte for byte:
 * version 1 written and read, version 0 read (the kernel's backup takes
 * both).  Pure functions on buffers: no table, no socket, nothing printed.
 *
 * Version 1: an 8-byte header (reserved 0, syncid, size be16, nr_conns,
 * version 1, spare 0), then nr_conns entries, each 4-byte aligned: type
 * (bit 0: IPv6), protocol, ver_size be16 (version in the top 4 bits, 0;
 * the entry's size in the low 12), flags be32, state be16, cport, vport,
 * dport, fwmark be32, timeout be32 (seconds), caddr, vaddr, daddr (4 or 16
 * bytes each): 36 or 72 bytes; then options (type, length, data): sequence
 * data (1, 24 bytes), persistence-engine data (2) and name (3), type bit
 * 0x40 marking an option that may be ignored.
 * Version 0: a 4-byte header (nr_conns, syncid, size), 24-byte IPv4
 * entries with flags and state be16, 24 bytes of sequence data after an
 * entry whose flags have IP_VS_CONN_F_SEQ_MASK.
 */
#ifndef XLVS_SYNCD_SYNC_MSG_H
#define XLVS_SYNCD_SYNC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_PROTO_VER      1
#define SYNC_MESG_HDR_LEN   8       /* struct ip_vs_sync_mesg */
#define SYNC_MESG_V0_HDR_LEN 4      /* struct ip_vs_sync_mesg_v0 */
#define SYNC_V4_LEN         36      /* struct ip_vs_sync_v4 */
#define SYNC_V6_LEN         72      /* struct ip_vs_sync_v6 */
#define SYNC_V0_LEN         24      /* struct ip_vs_sync_conn_v0 */
#define SYNC_OPT_SEQ_LEN    24      /* struct ip_vs_sync_conn_options */
#define SYNC_MAX_CONNS      255     /* nr_conns is a u8 */

#define SYNC_OPT_SEQ_DATA   1
#define SYNC_OPT_PE_DATA    2
#define SYNC_OPT_PE_NAME    3
#define SYNC_OPT_F_PARAM    0x40    /* 1 << (IPVS_OPT_PARAM - 1) */
#define SYNC_PEDATA_MAXLEN  255     /* IP_VS_PEDATA_MAXLEN */
#define SYNC_PENAME_MAXLEN  16      /* IP_VS_PENAME_MAXLEN */

/* IP_VS_CONN_F_* (include/uapi/linux/ip_vs.h). */
#define SYNC_F_FWD_MASK     0x0007
#define SYNC_F_MASQ         0x0000
#define SYNC_F_LOCALNODE    0x0001
#define SYNC_F_TUNNEL       0x0002
#define SYNC_F_DROUTE       0x0003
#define SYNC_F_SYNC         0x0020
#define SYNC_F_HASHED       0x0040
#define SYNC_F_NOOUTPUT     0x0080
#define SYNC_F_INACTIVE     0x0100
#define SYNC_F_OUT_SEQ      0x0200
#define SYNC_F_IN_SEQ       0x0400
#define SYNC_F_SEQ_MASK     0x0600
#define SYNC_F_NO_CPORT     0x0800
#define SYNC_F_TEMPLATE     0x1000
#define SYNC_F_BACKUP_MASK  (SYNC_F_FWD_MASK | SYNC_F_NOOUTPUT | SYNC_F_INACTIVE | \
			     SYNC_F_SEQ_MASK | SYNC_F_NO_CPORT | SYNC_F_TEMPLATE)

/* The kernel's state counts: TCP's IP_VS_TCP_S_LAST, UDP's one state,
 * templates' IP_VS_CTPL_S_LAST. */
#define SYNC_TCP_STATES     11
#define SYNC_UDP_STATES     1
#define SYNC_SCTP_STATES    10
#define SYNC_TPL_STATES     2

struct sync_seq {               /* struct ip_vs_seq, host order */
	uint32_t init_seq, delta, previous_delta;
};

/* One connection as a message carries it; addresses and ports in network
 * order (IPv4 in the first 4 bytes of 16), the rest host order. */
struct sync_conn {
	uint8_t af;                 /* 4 or 6 */
	uint8_t protocol;
	uint16_t state;
	uint32_t flags;             /* IP_VS_CONN_F_* */
	uint16_t cport, vport, dport;
	uint32_t fwmark;
	uint32_t timeout;           /* seconds; 0: version 0's none */
	uint8_t caddr[16], vaddr[16], daddr[16];
	bool has_seq;
	struct sync_seq in_seq, out_seq;
	/* Decoding: why the kernel would skip this entry (its positive
	 * ip_vs_proc_sync_conn codes), 0 to install it. */
	int skip;
};

enum sync_skip {
	SYNC_SKIP_NONE = 0,
	SYNC_SKIP_IPV6 = 10,            /* (kernels without IPv6 only) */
	SYNC_SKIP_MANDATORY_OPT = 20,   /* an unknown option not marked PARAM */
	SYNC_SKIP_PROTO = 30,           /* not TCP, UDP or SCTP */
	SYNC_SKIP_STATE = 40,           /* a state the protocol has not */
	SYNC_SKIP_PE = 50,              /* persistence-engine data: xlvs has
					 * no engine (the kernel: none loaded
					 * of that name) */
};

/* Why a whole message is dropped (the kernel's IP_VS_DBG/ERR_RL cases). */
enum sync_err {
	SYNC_E_SHORT = 1,       /* "message header too short" */
	SYNC_E_SIZE,            /* "bogus message size" */
	SYNC_E_SYNCID,          /* "Ignoring syncid" */
	SYNC_E_TRUNCATED,       /* "Dropping buffer, too small" / msg > buffer */
	SYNC_E_VERSION,         /* "Unknown version" in an entry */
	SYNC_E_ENTRY,           /* "Err: N in decoding" (bad type, options) */
	SYNC_E_V0_BOGUS,        /* "BACKUP v0, bogus conn (options)" */
};
const char *sync_err_name(int err);

/* A message being built in buf (cap bytes, at most 65535). */
struct sync_msg {
	uint8_t *buf;
	size_t cap, len;
	unsigned int nr_conns;
};

void sync_msg_init(struct sync_msg *m, uint8_t *buf, size_t cap, uint8_t syncid);
/* The size c takes (its padding to 4 bytes not counted). */
size_t sync_conn_size(const struct sync_conn *c);
/* Appends c as ip_vs_sync_conn does; -ENOSPC when it does not fit in cap
 * (or the message holds SYNC_MAX_CONNS already): send and start anew. */
int sync_msg_add(struct sync_msg *m, const struct sync_conn *c);

/*
 * Reads a received datagram as ip_vs_process_message does: every entry
 * into out[] (room for max; SYNC_MAX_CONNS is always enough), each with
 * its skip reason.  Unlike the kernel, which installs the entries before
 * a bad one, a message with any fault is refused whole, so a bad datagram
 * changes nothing.  syncid: the backup's (0 takes any).  The number of
 * entries, or -enum sync_err.
 */
int sync_msg_decode(const uint8_t *buf, size_t len, uint8_t syncid,
		    struct sync_conn *out, size_t max);

#endif
