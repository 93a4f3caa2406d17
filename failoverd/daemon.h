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
#include "run.h"

struct event_base;
struct event;

#define FO_MAXSOCK FO_MAXMEDIA

/* What we last accepted from the peer (heartbeat's node_info). */
struct fo_peer {
	char name[FO_NAMELEN];
	bool heard;			/* a valid heartbeat since we started */
	struct fo_seqstate ord;
	int64_t last_ms;		/* when its last valid heartbeat came */
	char status[16];
	bool holds;			/* it says it holds the resources */
	bool warned, dead;
	bool failed;			/* its resources failed to start: it will not take them */
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
	bool holds;			/* our resources are up, or going up or down */
	int rsc_pid;			/* the child starting or stopping them, or 0 */
	bool rsc_starting;
	struct event *rsc_timer;	/* polls rsc_pid */
	bool owner;			/* we are the haresources node */
	struct fo_run run;		/* run.h: status, failures, reload */
};

void fo_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int64_t fo_now_ms(void);

/* daemon.c */
int fo_daemon_run(struct fo_daemon *dm);
int fo_generation_next(const char *statedir, unsigned long *hg);

/* hb_link.c */
int fo_link_open(struct fo_daemon *dm);
void fo_link_close(struct fo_daemon *dm);
void fo_link_send_status(struct fo_daemon *dm);

/* role.c: called on every valid heartbeat and every tick. */
/* Whether we should hold the resources, from what both sides know: the
 * same facts seen from the other side give the other's answer. */
bool fo_role_want(bool owner, bool failback, bool peer_alive, bool holds, bool peer_holds);
void fo_role_eval(struct fo_daemon *dm);
void fo_role_shutdown(struct fo_daemon *dm);

/* vip.c / rsc.c: 0 or -errno. */
int fo_vip_add(const struct fo_rsc *r);
int fo_vip_del(const struct fo_rsc *r);
/* Frame step (0 .. 2*arp_count-1, interval/2 apart) of r's announcement. */
int fo_vip_announce(const struct fo_rsc *r, unsigned step);
void fo_vip_text(const struct fo_rsc *r, char *buf, size_t cap);
/* Start or stop the resources in a child process, so heartbeats go on
 * while scripts run; holds is true from the start until a stop is done. */
void fo_rsc_start_all(struct fo_daemon *dm);
void fo_rsc_stop_all(struct fo_daemon *dm);
/* At exit: waits for a running child, then stops them in-process. */
void fo_rsc_stop_now(struct fo_daemon *dm);
void fo_rsc_clear_stale(struct fo_daemon *dm);

#endif
