/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPVS as the data-plane tests expect it, written from the kernel's sources
 * (ip_vs_rr.c, ip_vs_wrr.c, ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c,
 * ip_vs_nq.c, ip_vs_fo.c, ip_vs_ovf.c, ip_vs_sh.c, ip_vs_conn.c
 * ip_vs_bind_dest / ip_vs_unbind_dest, ip_vs_ctl.c __ip_vs_update_dest,
 * ip_vs_proto_tcp.c) and lvs.md §1.2, §1.3, §1.7.  It shares no code with
 * bpf/ or lib/, so a mistake there is not repeated here: the tests compare
 * the two.
 *
 * A service's real servers are an array in IPVS list order, index 0 the
 * newest (list_add_rcu puts a new server first).
 */
#ifndef XLVS_TEST_MODEL_H
#define XLVS_TEST_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* Breaking the model on purpose (XLVS_MODEL_MUTATE=<k>) shows that the tests
 * can fail: 1 ties go to the later server, 2 lc/wlc overhead active<<5 (the
 * stale kernel comment), 3 nq without its idle shortcut, 4 ovf with active
 * < weight, 5 FIN leaves an ESTABLISHED connection active, 6 weight 0
 * counted as 1, 7 expiry forgets FIN_WAIT, 8 the upper threshold reached
 * one connection later, 9 the overload ends at 3/4 of the upper threshold
 * even with a lower one, 10 raising the upper threshold keeps the overload,
 * 11 only ESTABLISHED counted active (the rule before Linux 4.8), 12 a
 * deleted server added back does not get its connections back (no trash),
 * 13 a SYN on a CLOSE entry does not start a new connection, 20 the picks
 * traffic makes during an edit are forgotten by it (test_sched_cycle.c),
 * 21 wrr's overload walk gives up after 65536 positions, 22 wrr's err_over
 * always ends at the list head; 14 to 19 and 23 are lblc's, lblcr's and
 * twos' (model_lblc.h).
 * Each must make some test fail. */
extern int m_mutate;
void m_mutate_from_env(void);

/* IPVS's TCP INPUT-ONLY state table (direct routing sees one direction). */
uint8_t m_tcp_next(uint8_t state, uint8_t tcp_flags);
/* tcp_state_active(): the states ActiveConn counts. */
bool m_tcp_active(uint8_t state);

/* A real server as the schedulers see it. */
struct m_server {
	int32_t weight;
	bool over;                  /* IP_VS_DEST_F_OVERLOAD */
	int64_t active, inactive;
};

/* lc, wlc, sed, nq, fo, ovf: the index chosen, or -1.  tie_later gives a
 * tie to the later server, to tell which choices a tie decided. */
int m_scan_pick(int kind, const struct m_server *s, int n, bool tie_later);

/* The overloaded flag (lvs.md §1.7), given the server's thresholds:
 * after a connection is bound (total counts it), after one is unbound
 * (total no longer counts it), after an edit from old_u to new_u. */
bool m_over_bind(bool over, uint32_t u, int64_t total);
bool m_over_unbind(bool over, uint32_t u, uint32_t l, int64_t total);
bool m_over_edit(bool over, uint32_t old_u, uint32_t new_u);

/*
 * rr and wrr: the scheduler's state, with the server it last chose named by
 * a key the caller gives each server (0 is the list head), so it survives
 * the array shifting under it.
 */
struct m_rr {
	int kind;                   /* XLVS_SCHED_RR or XLVS_SCHED_WRR */
	uint32_t last;              /* rr: svc->sched_data, wrr: mark->cl */
	int32_t cw, mw, di;
};

void m_rr_init(struct m_rr *m, int kind);
/* After a server is added or edited (wrr's ip_vs_wrr_dest_changed). */
void m_rr_changed(struct m_rr *m, const struct m_server *s, int n);
/* Before server i (key keys[i]) leaves the list (ip_vs_rr_del_dest, then
 * wrr's dest_changed once the caller has removed it). */
void m_rr_deleting(struct m_rr *m, const uint32_t *keys, int i);
/* The index chosen or -1; the state moves as IPVS's does. */
int m_rr_pick(struct m_rr *m, const struct m_server *s, const uint32_t *keys,
	      int n);

/* sh: the 256 buckets (ip_vs_sh_reassign) and a flow's choice
 * (ip_vs_sh_schedule with sh-port; fallback probes as sh-fallback does). */
struct m_sh {
	int16_t bucket[256];        /* index into the list, -1: none */
};

void m_sh_fill(struct m_sh *m, const struct m_server *s, int n);
int m_sh_pick(const struct m_sh *m, const struct m_server *s, uint32_t saddr,
	      uint16_t sport, bool fallback);

#endif
