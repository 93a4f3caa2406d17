/* xlvs-failoverd's running state: one libevent loop, the heartbeat links
 * (hb_link.c), the role state machine (role.c) and the resources it
 * starts and stops (vip.c, rsc.c); what operators see of it in run.h.
 * Only these files print (fo_log, log.c). */
#ifndef XLVS_FO_DAEMON_H
#define XLVS_FO_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "hb_order.h"
#include "hb_rsc.h"
#include "run.h"

struct event_base;
struct event;
struct fo_txhist;

#define FO_MAXSOCK FO_MAXMEDIA

/* The haresources groups in two sets, as heartbeat splits them: ours
 * (our node's lines, heartbeat's "local") and the peer's ("foreign").
 * Each set moves as a unit, its node being its owner; a set with no
 * groups is never decided on. */
#define FO_SET_MINE 1u
#define FO_SET_THEIRS 2u
#define FO_SET_BOTH 3u

/* What we last accepted from the peer (heartbeat's node_info, and what
 * hb_resource.c keeps of the other node: other_holds_resources,
 * other_is_stable). */
struct fo_peer {
	char name[FO_NAMELEN];
	bool heard;			/* a valid heartbeat since we started */
	struct fo_seqstate ord;
	int64_t last_ms;		/* when its last valid heartbeat came */
	int64_t active_ms;		/* when its status became active */
	char status[16];
	bool warned, dead;
	bool gone;			/* it sent shutdone: stopped, holds nothing */
	bool known;			/* its starting or a resource report since it (re)started */
	enum hb_rsc rsc;		/* what its reports say it holds, in its terms */
	bool stable;			/* its last report's isstable */
	unsigned held;			/* so: the FO_SET_ sets it holds (derived from rsc) */
};

/* The standby hand-over (hb_resource.c ask_for_resources / go_standby),
 * from our side: ask_resources "me" (I give up), "other" (you may take),
 * "done" (given up / taken). */
enum fo_sb {
	FO_SB_NOT,		/* no hand-over */
	FO_SB_ME,		/* we sent "me", waiting for "other" */
	FO_SB_GIVING,		/* got "other": releasing, then "done" */
	FO_SB_GAVE,		/* sent "done", waiting for the peer's "done" */
	FO_SB_OTHER,		/* peer sent "me", we said "other": waiting for its "done" */
	FO_SB_TAKING,		/* got its "done": taking, then "done" */
};

/* What the role machine does next (fo_role_decide). */
enum fo_act {
	FO_ACT_NONE,
	FO_ACT_TAKE,		/* start the resources */
	FO_ACT_RELEASE,		/* stop them at once (the peer keeps its own) */
	FO_ACT_ASK,		/* hand them to the peer: ask_resources "me" */
	FO_ACT_IPREQ,		/* legacy: ip-request, take on its answer */
};

/* The facts a decision about one set rests on; the peer, computing from the mirror image
 * of the same facts, must not decide to hold them too. */
struct fo_facts {
	bool owner;		/* the set is ours (its haresources node is us) */
	enum fo_failback fb;
	bool alive;		/* the peer: heard, not dead, not stopped */
	bool known;		/* what it holds is known (nice_failback) */
	bool peer_holds, peer_stable;
	bool holds;		/* our resources are up */
	bool failed;		/* ours failed to start since the last success */
	bool backing_off;	/* and the next attempt is not due yet */
};

struct fo_daemon {
	struct fo_config cfg;
	char self[FO_NAMELEN];
	char statedir[FO_PATHLEN];
	char confdir[FO_PATHLEN];	/* -c: ha.cf's directory, resource.d's parent */
	bool debug;
	struct event_base *base;
	int sock[FO_MAXSOCK];
	struct event *rx[FO_MAXSOCK];
	bool no_tx[FO_MAXSOCK];		/* a ucast line naming one of our addresses */
	struct event *tx_timer, *tick, *garp_timer;
	bool stopping;			/* our last heartbeats say "dead" */
	unsigned long hg, seq;		/* our generation and last sequence number */
	struct fo_peer peer;
	int64_t start_ms;
	unsigned sets;			/* FO_SET_ sets that have groups */
	unsigned held;			/* FO_SET_ sets up, or going up or down */
	struct fo_txhist *hist;		/* hb_tx.c: what we sent, for NS_rexmit */
	/* hb_resource.c's side of it (role.c, role_rx.c) */
	enum fo_sb sb;
	int64_t sb_ms;			/* when sb last changed */
	char sb_rsc[16];		/* the exchange's rsc_hold, echoed */
	unsigned sb_set;		/* the FO_SET_ sets it moves (those with groups) */
	int64_t starting_ms;		/* our last "starting", or 0 */
	bool report_due;		/* send our resource report once stable */
	bool sent_any;			/* what our last report said */
	enum hb_rsc sent_rsc;
	bool sent_stable;
	int64_t forced_ms;		/* last report sent because both held */
	bool ipreq;			/* legacy: our ip-requests are out */
	int64_t ipreq_ms;
	unsigned ipreq_want;		/* bit per group: asked for */
	unsigned ipreq_got;		/* bit per group: answered OK */
	unsigned ipresp_owed;		/* bit per group: answer once released */
	int rsc_pid;			/* the child starting or stopping them, or 0 */
	bool rsc_starting;
	unsigned rsc_set;		/* the FO_SET_ sets it works on */
	struct event *rsc_timer;	/* polls rsc_pid */
	bool owner;			/* some group is ours (status, logs) */
	struct fo_run run;		/* run.h: status, failures, reload */
};

void fo_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int64_t fo_now_ms(void);

/* daemon.c */
int fo_daemon_run(struct fo_daemon *dm);
int fo_generation_next(const char *statedir, unsigned long *hg);

/* hb_link.c, hb_link_rx.c */
int fo_link_open(struct fo_daemon *dm);
void fo_link_close(struct fo_daemon *dm);

/* hb_tx.c: the control fields for our next message (seq taken if
 * sequenced), sending (kept for NS_rexmit if seq), retransmitting. */
struct hb_ctrl fo_tx_ctrl(struct fo_daemon *dm, bool sequenced);
int fo_tx_send(struct fo_daemon *dm, const struct hb_msg *m, unsigned long seq);
void fo_tx_rexmit(struct fo_daemon *dm, const char *to, unsigned long first, unsigned long last);
void fo_tx_request_missing(struct fo_daemon *dm);
void fo_tx_free(struct fo_daemon *dm);
void fo_link_send_status(struct fo_daemon *dm);

/* role.c: the decision, applied on every message and every tick. */
enum fo_act fo_role_decide(const struct fo_facts *f);
void fo_role_eval(struct fo_daemon *dm);
void fo_role_shutdown(struct fo_daemon *dm);
/* Our groups in heartbeat's terms, and whether we are stable (no
 * resource change under way, nothing waited for). */
enum hb_rsc fo_role_rsc(const struct fo_daemon *dm);
bool fo_role_stable(const struct fo_daemon *dm);

/* role_rx.c: the peer's resource messages (after hb_link_rx.c has
 * checked them) and our own. */
void fo_role_on_msg(struct fo_daemon *dm, const char *type, const struct hb_msg *m);
/* Our resource report, if it changed since the last (or if force). */
void fo_role_report(struct fo_daemon *dm, bool force, const char *info);
void fo_role_send_report(struct fo_daemon *dm, enum hb_rsc rsc, bool stable, const char *info);
void fo_role_send_starting(struct fo_daemon *dm);
void fo_role_send_ask(struct fo_daemon *dm, const char *info);
void fo_role_send_ipreq(struct fo_daemon *dm, unsigned set);
void fo_role_send_shutdone(struct fo_daemon *dm);
/* The resource child finished (rsc.c): hand-overs and answers go on. */
void fo_role_rsc_done(struct fo_daemon *dm, bool start);
/* The peer died or stopped; came back in the same run (a healed
 * partition); restarted (a new generation: what it held is unknown). */
void fo_role_peer_dead(struct fo_daemon *dm);
void fo_role_peer_back(struct fo_daemon *dm);
void fo_role_peer_reset(struct fo_daemon *dm);

/* vip.c / rsc.c: 0 or -errno. */
int fo_vip_add(const struct fo_rsc *r);
int fo_vip_del(const struct fo_rsc *r);
/* Frame step (0 .. 2*arp_count-1, interval/2 apart) of r's announcement. */
int fo_vip_announce(const struct fo_rsc *r, unsigned step);
void fo_vip_text(const struct fo_rsc *r, char *buf, size_t cap);
/* The FO_SET_ set group g belongs to. */
unsigned fo_group_set(const struct fo_daemon *dm, unsigned g);
/* Start or stop the groups of the FO_SET_ sets in a child process, so
 * heartbeats go on while scripts run; a set is in held from its start
 * until its stop is done. */
void fo_rsc_start(struct fo_daemon *dm, unsigned set);
void fo_rsc_stop(struct fo_daemon *dm, unsigned set);
/* At exit: waits for a running child, then stops them in-process. */
void fo_rsc_stop_now(struct fo_daemon *dm);
void fo_rsc_clear_stale(struct fo_daemon *dm);

#endif
