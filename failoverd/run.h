/* What the running daemon tracks for its operators (status, reload,
 * resource failures), beside the protocol state in daemon.h. */
#ifndef XLVS_FO_RUN_H
#define XLVS_FO_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

struct event;
struct fo_daemon;

enum fo_rsc_state {
	FO_RS_STOPPED, FO_RS_STARTING, FO_RS_UP, FO_RS_STOPPING, FO_RS_FAILED,
	FO_RS_STOP_FAILED,
};

/* A resource start failure: heartbeat's ResourceManager gives the group
 * up and (30 s later) hands it to the peer with hb_standby.  We give it
 * up at once, say "failed" in our heartbeats so the peer takes it, and
 * retry only while nobody holds it, after fo_backoff_ms(failures). */
#define FO_BACKOFF_MIN_MS 1000
#define FO_BACKOFF_MAX_MS 60000
long fo_backoff_ms(unsigned failures);

struct fo_run {
	enum fo_rsc_state rs[FO_MAXGROUPS][FO_MAXRSC];
	unsigned failures;		/* start failures since the last success */
	int64_t retry_ms;		/* monotonic: no start before this */
	char failed_rsc[FO_PATHLEN];	/* the last one that failed */
	int rsc_fd;			/* the resource child's reports, or -1 */
	const char *role;		/* fo_run_role's last word */
	time_t role_since;
	unsigned garp_sent[FO_MAXGROUPS][FO_MAXRSC];
	int64_t garp_start_ms;
	char sock_path[FO_PATHLEN];	/* the control socket, or "" */
	int ctl_fd;
	struct event *ctl_ev, *hup_ev;
	bool reexec;			/* a reload needs a restart */
	/* Called once the links and the socket are up (start: tells the
	 * waiting first process). */
	void (*on_ready)(struct fo_daemon *dm);
};

struct fo_daemon;

/* The role as status prints it, recorded with its start time when it
 * changes (called at every resource change and tick). */
const char *fo_run_role(const struct fo_daemon *dm);
void fo_run_mark(struct fo_daemon *dm);
/* "NAME::ARG::ARG", as haresources wrote it. */
void fo_rsc_describe(const struct fo_rsc *r, char *buf, size_t cap);
/* The status command's text. */
void fo_status_text(const struct fo_daemon *dm, char *buf, size_t cap);
/* Whether a start is to wait (a failure's backoff); false once it may go. */
bool fo_rsc_backing_off(const struct fo_daemon *dm);

/* ctl_srv.c: the control socket (status, reload) and SIGHUP. */
int fo_ctl_open(struct fo_daemon *dm);
void fo_ctl_close(struct fo_daemon *dm);
/* reload.c: re-read the configuration; a broken one is refused (its
 * errors in d) and the running one kept.  0 or -EINVAL. */
int fo_reload(struct fo_daemon *dm, struct fo_diag *d);

#endif
