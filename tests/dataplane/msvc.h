/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A service as the model (model.h) keeps it, and the same service in the
 * table: every edit goes to both (through libxlvs, as xlvsadm makes it),
 * every new connection is checked against the model's choice, and the
 * table's counts and overloaded flags can be checked against the model's.
 *
 * The model keeps the connections themselves (tuple, real server, TCP
 * state) and derives each server's counts from them, so the counts are not
 * kept the way the program keeps them.  Real servers are 10.0.0.<host>,
 * direct routing; the client is 10.0.0.9.
 */
#ifndef XLVS_TEST_MSVC_H
#define XLVS_TEST_MSVC_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "model_lblc.h"

#define MSVC_DESTS 48
#define MSVC_CONNS 1024

struct mdest {
	uint8_t host;
	int32_t weight;
	uint32_t u, l;              /* upper and lower connection thresholds */
	bool over;                  /* IPVS's IP_VS_DEST_F_OVERLOAD */
	uint32_t inst;              /* this incarnation of the real server */
	uint32_t id;                /* its id in the table (read back) */
};

struct mconn {
	uint16_t sport;
	uint8_t state;              /* XLVS_TCP_* or XLVS_UDP_STATE */
	uint8_t host;
	uint32_t inst;              /* the real server incarnation it went to */
};

struct msvc {
	uint8_t proto;
	uint16_t port;
	int kind;
	uint32_t flags;             /* XLVS_SVC_F_* */
	struct m_rr rr;             /* rr and wrr: IPVS's position */
	struct mdest d[MSVC_DESTS]; /* IPVS list order: d[0] the newest */
	int nd;
	struct mconn c[MSVC_CONNS];
	int nc;
	/* IPVS's trash: deleted servers, revived by a re-add of the same
	 * host (ip_vs_trash_get_dest), their connections with them. */
	struct mdest trash[MSVC_DESTS];
	int ntrash;
	struct m_lblc lb;           /* lblc, lblcr: the entry for the VIP */
};

/* The model's clock for lblc and lblcr (seconds; tests move it as they
 * sleep) and the expiration sysctls it assumes. */
extern double msvc_clock, msvc_lblc_exp, msvc_lblcr_exp;

/* What the runs went through, printed by the random tests. */
struct msvc_stats {
	int news, nodest, ties, replaced, reused, gone, adds, dels, w0, expired;
	int revived;
	int thr_edits, overloaded, max_inact;
	double sweep_s;
};
extern struct msvc_stats mst;

/* The tests' xorshift generator: seeded per run, so a run can be replayed. */
void rnd_seed(uint32_t seed);
uint32_t rnd(uint32_t n);
/* The generator's state set to state; the one it had returned (a test
 * running two models side by side keeps a sequence for each). */
uint32_t rnd_swap(uint32_t state);
/* A random connection of s in one of the states wanted (mask of states),
 * or any if none; -1 if s has none. */
int msvc_pick_conn(const struct msvc *s, uint32_t states);
/* A host from pool (n of them) that is not one of s's servers yet. */
uint8_t msvc_free_host(const struct msvc *s, const uint8_t *pool, int n);

/* The event log: the last 64 events are printed when a check fails. */
void elog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void elog_reset(uint32_t seed);
extern int elog_step;
void elog_dump(void);
#define bad(...) do { elog_dump(); fail_msg(__VA_ARGS__); } while (0)

const char *msvc_name(const struct msvc *s);    /* "tcp" or "udp" */
const char *kind_name(int kind);                /* "rr", "wrr", ... */
void msvc_dump(const struct msvc *s);

/* Counts of real server incarnation inst, as IPVS keeps them: active is
 * the TCP connections in ESTABLISHED, inactive every other one. */
void m_counts(const struct msvc *s, uint32_t inst, int64_t *act, int64_t *inact);
int m_find_host(const struct msvc *s, uint8_t host);
int m_find_inst(const struct msvc *s, uint32_t inst);
int m_find_sport(const struct msvc *s, uint16_t sport);

/* The model's choice for a new connection from sport: an index into s->d
 * or -1; rr and wrr move *rr as IPVS moves its state. */
int m_pick(const struct msvc *s, uint16_t sport, bool tie_later, struct m_rr *rr);

/* A connection bound to its server (counted, the upper threshold checked),
 * and connection i unbound (forgotten, the lower one checked). */
void m_bind(struct msvc *s, struct mconn c);
void m_unbind(struct msvc *s, int i);

/* The service and its real servers, in the table and in the model. */
void msvc_new(struct msvc *s, uint8_t proto, uint16_t port, int kind,
	      uint32_t flags);
/* ipvsadm -E -s: another scheduler for the service (IPVS's init_svc). */
void msvc_sched_set(struct msvc *s, int kind);
void rs_add_m(struct msvc *s, uint8_t host, int32_t w, uint32_t u, uint32_t l);
void rs_edit_m(struct msvc *s, int i, int32_t w, uint32_t u, uint32_t l);
void rs_del_m(struct msvc *s, int i);

/* The table against the model: the live schedule's list and weights (and
 * the ids of the real servers, kept for the other checks), and every real
 * server's counts and overloaded flag. */
void k_check_list(struct msvc *s);
void k_check_counts(const struct msvc *s);
/* Does every real server's overloaded flag in the table equal the one
 * the model t has? */
bool k_flags_match(const struct msvc *t);

/* One TCP segment (flags) or UDP datagram of s from sport. */
struct frame;
struct dp_result;
void msvc_send(const struct msvc *s, uint16_t sport, uint8_t flags,
	       struct frame *f, struct dp_result *r);

/* A packet that must be scheduled: it must go where the model says, or be
 * passed with pkts_no_dest when the model finds no server; the model gets
 * the new connection.  replaced (or -1) is the model connection a SYN on
 * TIME_WAIT replaces.  Returns the index in s->d or -1. */
int new_conn(struct msvc *s, uint16_t sport, uint8_t flags, int replaced);
/* A packet of model connection i: to its server, moving its state; dropped
 * if the server was deleted; a SYN on TIME_WAIT is a new connection. */
void follow(struct msvc *s, int i, uint8_t flags);

#endif
