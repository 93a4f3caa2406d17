/* heartbeat 3.0.6's resource-layer messages (hb_resource.c, the
 * haresources scripts req_resource, mach_down, hb_standby, rc.d/ip-request*;
 * heartbeat.md A.9), built field for field as heartbeat builds them, the
 * control fields appended by hb_msg_add_ctrl (hb_fields.h):
 *
 *   starting                           "tell me what you hold" (nice_failback)
 *   resource rsc_hold rtype=full isstable [info]   what the sender holds
 *   ask_resources rsc_hold info=me|other|done      the standby hand-over
 *   shutdone st=dead                   a graceful stop is complete
 *   ip-request ipaddr                  legacy: give me this group
 *   ip-request-resp dest ipaddr weown ok=OK        legacy: done, take it
 *   dest repnodes nodelist delnodelist the node list reqnodes asks for
 *   NS_rexmit dest firstseq lastseq    send me this one again
 *   NS_nak_rexmit firstseq dest info   a retransmission we cannot make
 *
 * Field order is each sender's in heartbeat (repnodes puts dest before
 * t), checked byte for byte against Debian's libraries in fo_golden.
 *
 * rsc_hold is relative to its sender: "local" are the groups whose
 * haresources node it is, "foreign" the others'.  Every builder returns 0
 * or -errno and never prints. */
#ifndef XLVS_HB_RSC_H
#define XLVS_HB_RSC_H

#include <stdbool.h>

#include "hb_fields.h"

/* HB_NO_RSC .. HB_ALL_RSC: a bit for local, one for foreign. */
enum hb_rsc { HB_RSC_NONE = 0, HB_RSC_LOCAL = 1, HB_RSC_FOREIGN = 2, HB_RSC_ALL = 3 };

const char *hb_rsc_name(enum hb_rsc r);
/* -EINVAL unless none, local, foreign or all (heartbeat logs "bad
 * resource type" and takes none). */
int hb_rsc_parse(const char *s, enum hb_rsc *r);
/* heartbeat's HB_UPD_RSC: a full report replaces, a partial one (mach_down's,
 * without rtype=full) adds to what was known, unless it says none. */
enum hb_rsc hb_rsc_update(enum hb_rsc cur, enum hb_rsc rep, bool full);

int hb_msg_starting(struct hb_msg *m, const struct hb_ctrl *c);
/* info may be NULL. */
int hb_msg_resource(struct hb_msg *m, enum hb_rsc held, bool stable, const char *info,
		    const struct hb_ctrl *c);
int hb_msg_askresources(struct hb_msg *m, const char *rsc_hold, const char *info,
			const struct hb_ctrl *c);
int hb_msg_shutdone(struct hb_msg *m, const struct hb_ctrl *c);
int hb_msg_iprequest(struct hb_msg *m, const char *key, const struct hb_ctrl *c);
int hb_msg_ipresp(struct hb_msg *m, const char *dest, const char *key, bool weown,
		  const struct hb_ctrl *c);
/* The answer to reqnodes: every node, each followed by a space, and
 * delnodelist " " (an empty value cannot be sent, A.2). */
int hb_msg_repnodes(struct hb_msg *m, const char *dest, const char (*nodes)[64], unsigned n,
		    const struct hb_ctrl *c);
/* hb_rexmit.c's request for one missing number: firstseq = lastseq,
 * decimal. */
int hb_msg_rexmit(struct hb_msg *m, const char *dest, unsigned long seq, const struct hb_ctrl *c);
/* seq is written "%lx", as should_drop_message reads it back. */
int hb_msg_nakrexmit(struct hb_msg *m, const char *dest, unsigned long seq, const char *info,
		     const struct hb_ctrl *c);

/* A resource report as received: -EBADMSG without a valid rsc_hold. */
struct hb_rsc_report {
	enum hb_rsc held;
	bool full;
	bool has_stable, stable;	/* mach_down's report has no isstable */
	char info[32];
};
int hb_rsc_report_parse(const struct hb_msg *m, struct hb_rsc_report *r);

#endif
