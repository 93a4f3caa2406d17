/* heartbeat 3.0.6's message types and field names (cluster-glue
 * include/ha_msg.h F_* and T_*, heartbeat's heartbeat.h), and the
 * builders and reader of its control fields (hb_status.c).
 *
 * Every cluster message ends with the control fields heartbeat's
 * add_control_msg_fields appends, in this order: src, srcuuid (binary,
 * optional), seq (not for NS_* types), hg, ts, ld (optional; not for
 * NS_* types), ttl, and in classic
 * msgfmt the inner auth.  Numbers are "%lx" hex except ttl (decimal). */
#ifndef XLVS_HB_FIELDS_H
#define XLVS_HB_FIELDS_H

#include <stdbool.h>

#include "hb_msg.h"

#define HB_F_TYPE "t"
#define HB_F_STATUS "st"
#define HB_F_DEADTIME "dt"		/* our deadtime, hex ms: the peer times us out with it */
#define HB_F_PROTOCOL "protocol"	/* "1": flow control (acks, reqnodes) */
#define HB_F_ORIG "src"
#define HB_F_ORIGUUID "srcuuid"
#define HB_F_TO "dest"
#define HB_F_SEQ "seq"
#define HB_F_GEN "hg"
#define HB_F_TIME "ts"
#define HB_F_LOAD "ld"
#define HB_F_TTL "ttl"
#define HB_F_AUTH "auth"
#define HB_F_FIRSTSEQ "firstseq"
#define HB_F_LASTSEQ "lastseq"
#define HB_F_ACKSEQ "ackseq"
#define HB_F_NODELIST "nodelist"
#define HB_F_DELNODELIST "delnodelist"
#define HB_F_RSC_HOLD "rsc_hold"
#define HB_F_RTYPE "rtype"
#define HB_F_ISSTABLE "isstable"
#define HB_F_COMMENT "info"
#define HB_F_IPADDR "ipaddr"		/* ip-request: a haresources group's key */
#define HB_F_WEOWN "weown"
#define HB_F_OK "ok"

#define HB_T_STATUS "status"
#define HB_T_REXMIT "NS_rexmit"
#define HB_T_NAKREXMIT "NS_nak_rexmit"
#define HB_T_ACKMSG "NS_ackmsg"
#define HB_T_REQNODES "reqnodes"
#define HB_T_REPNODES "repnodes"
#define HB_T_STARTING "starting"
#define HB_T_RESOURCES "resource"
#define HB_T_SHUTDONE "shutdone"
#define HB_T_ASKRESOURCES "ask_resources"
#define HB_T_IPREQUEST "ip-request"
#define HB_T_IPREQRESP "ip-request-resp"

/* Node states a status message carries (heartbeat.h). */
#define HB_ST_INIT "init"
#define HB_ST_UP "up"
#define HB_ST_ACTIVE "active"
#define HB_ST_DEAD "dead"

#define HB_TYPEMAX 32
#define HB_NODEMAX 64

struct hb_ctrl {
	const char *src;
	const uint8_t *srcuuid;		/* 16 bytes, or NULL to omit */
	unsigned long seq, hg, ts;
	const char *ld;			/* /proc/loadavg's line, or NULL to omit */
	unsigned long ttl;
};

/* Appends the control fields; seq only if `sequenced` (non-NS_ types). */
int hb_msg_add_ctrl(struct hb_msg *m, const struct hb_ctrl *c, bool sequenced);
/* A heartbeat: t=status st dt [protocol=1], then the control fields. */
int hb_msg_status(struct hb_msg *m, const char *st, unsigned long deadtime_ms,
		  bool protocol, const struct hb_ctrl *c);

/* What process_clustermsg needs of any packet before it looks further. */
struct hb_ctrl_in {
	char type[HB_TYPEMAX];
	char src[HB_NODEMAX];
	char dest[HB_NODEMAX];		/* "" if none */
	bool has_seq, has_gen;
	unsigned long seq, hg, ts;
};

/* -EBADMSG unless t, src and a non-zero hex ts are there, and a hex seq
 * for every type but NS_*; as heartbeat drops such packets. */
int hb_msg_ctrl_parse(const struct hb_msg *m, struct hb_ctrl_in *in);

#endif
