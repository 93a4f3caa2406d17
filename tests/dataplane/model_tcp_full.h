/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS's TCP connection states with both directions seen, as a NAT
 * connection has them (its dest has no IP_VS_CONN_F_NOOUTPUT), written
 * from the kernel's net/netfilter/ipvs/ip_vs_proto_tcp.c (tcp_states[],
 * tcp_state_idx, set_tcp_state, tcp_state_active_table[]), ip_vs_conn.c
 * (ip_vs_bind_dest, ip_vs_unbind_dest) and ip_vs_core.c (ip_vs_in_hook's
 * reuse of a closed connection by a SYN, is_new_conn_expected, and
 * tcp_conn_schedule's rule for what may start a connection), not from
 * bpf/.  States are numbered as IPVS numbers them, which is
 * enum xlvs_tcp_state's order.
 *
 * Kernel versions differ (the stored torvalds/linux copy is a 2.6.3x/3.x
 * one, intel-lab-lkp/linux a recent one): this follows the recent one.
 * The old one has, in INPUT and INPUT-ONLY, ack on NONE -> CLOSE (now
 * ESTABLISHED, for sloppy_tcp), and counts only ESTABLISHED as active
 * (now also SYN_SENT, SYN_RECV and SYNACK, Linux 4.8).
 *
 * Breaking it on purpose (XLVS_MODEL_MUTATE, see model.h): 40 NAT
 * connections use the INPUT-ONLY rows and ignore replies, 41 a segment with
 * none of rst/syn/fin/ack leaves the state as it was (the kernel sets
 * CLOSE), 42 a SYN reuses a NAT connection in FIN_WAIT under
 * conn_reuse_mode bit 1 (the kernel: only NOOUTPUT ones); 11 (model.h)
 * applies here too.
 */
#ifndef XLVS_TEST_MODEL_TCP_FULL_H
#define XLVS_TEST_MODEL_TCP_FULL_H

#include <stdbool.h>
#include <stdint.h>

/* IP_VS_DIR_INPUT (client to server), IP_VS_DIR_OUTPUT (server to
 * client).  INPUT_ONLY is chosen by the connection's NOOUTPUT flag. */
enum mtf_dir { MTF_IN = 0, MTF_OUT = 1 };

/* A real server's counts (dest->activeconns, dest->inactconns). */
struct mtf_dest {
	int64_t active, inactive;
};

/* One connection entry (struct ip_vs_conn, the parts that matter). */
struct mtf_conn {
	bool live;                  /* hashed: lookups find it */
	uint8_t state;
	bool inactive;              /* IP_VS_CONN_F_INACTIVE */
	bool nooutput;              /* IP_VS_CONN_F_NOOUTPUT: not NAT */
};

/* tcp_state_idx: 0 syn, 1 fin, 2 ack, 3 rst (rst first), -1 none. */
int mtf_state_idx(uint8_t tcp_flags);
/* tcp_states[dir rows + idx].next_state[state]; dir_off 0 INPUT, 4 OUTPUT,
 * 8 INPUT-ONLY, as TCP_DIR_*. */
uint8_t mtf_table(int dir_off, int idx, uint8_t state);
/* tcp_state_active(). */
bool mtf_active(uint8_t state);
/* tcp_state_name_table[]. */
const char *mtf_state_name(uint8_t state);

/* ip_vs_conn_new + ip_vs_bind_dest: state NONE, INACTIVE (every dest's
 * conn_flags carry it), counted inactive; NOOUTPUT unless masq. */
void mtf_bind(struct mtf_conn *c, struct mtf_dest *d, bool masq);
/* ip_vs_unbind_dest, when the entry expires. */
void mtf_unbind(struct mtf_conn *c, struct mtf_dest *d);
/* set_tcp_state for a segment with these flags. */
void mtf_set_state(struct mtf_conn *c, struct mtf_dest *d, enum mtf_dir dir,
		   uint8_t tcp_flags);
/* is_new_conn_expected for TCP, no template controlling it. */
bool mtf_new_conn_expected(const struct mtf_conn *c, uint32_t conn_reuse_mode);

/* What one segment does to a single-server service's one connection. */
enum mtf_verdict {
	MTF_FORWARDED,              /* client's, to the real server */
	MTF_NEW,                    /* client's, a new connection scheduled */
	MTF_RESCHED,                /* ... replacing the closed one */
	MTF_NO_CONN,                /* client's, no connection: passed */
	MTF_GONE,                   /* client's: the closed connection was
				     * expired for it, none made (a SYN with
				     * RST): passed */
	MTF_REPLIED,                /* server's, translated back */
	MTF_NO_MATCH,               /* server's, no connection: passed */
};

/* ip_vs_in_hook for a client's segment (conntrack off, no templates,
 * expire_nodest_conn 0, sloppy_tcp 0), c the 5-tuple's entry. */
enum mtf_verdict mtf_in(struct mtf_conn *c, struct mtf_dest *d, bool masq,
			uint8_t tcp_flags, uint32_t conn_reuse_mode);
/* ip_vs_out_hook / handle_response for the server's segment. */
enum mtf_verdict mtf_out(struct mtf_conn *c, struct mtf_dest *d,
			 uint8_t tcp_flags);

#endif
