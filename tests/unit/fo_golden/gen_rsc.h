/* gen.c's resource-layer messages: each built as heartbeat 3.0.6 builds
 * it, with the names from Debian's headers (ha_msg.h F_* / T_*,
 * heartbeat.h's status words) in its sender's order, and the control
 * fields as add_control_msg_fields adds them (src, srcuuid, seq, hg, ts,
 * ld, ttl; an NS_ type gets neither seq nor ld: both are IS_SEQ in its
 * defaults table).  tests/unit/fo_msg.c builds the same messages with
 * failoverd's own builders (hb_rsc.c, hb_status.c) and compares bytes.
 *
 *   rsc_starting        hb_resource.c send_local_starting
 *   rsc_resource        hb_send_resources_held(0, "standby")
 *   rsc_resource_stable hb_send_resources_held(1, NULL)
 *   rsc_ask             send_standby_msg(ME), rsc_hold foreign
 *   rsc_shutdone        hb_giveup_resources' last message
 *   rsc_iprequest       /usr/share/heartbeat/req_resource's ha_clustermsg
 *   rsc_ipresp          /etc/ha.d/rc.d/ip-request's ha_clustermsg
 *   rsc_repnodes        heartbeat.c HBDoMsg_T_REQNODES' reply
 *   rsc_rexmit          hb_rexmit.c send_rexmit_request
 *   rsc_nakrexmit       heartbeat.c send_nak_rexmit
 *   rsc_status          send_local_status without protocol (flow control off)
 *
 * The scripts' messages reach heartbeat as classic text through its FIFO
 * (shellfuncs ha_clustermsg: ">>>", the here-document, "<<<"), which it
 * parses with string2msg before adding the control fields: so do we. */
#include <heartbeat.h>

#include "rsc_cases.h"

static void rsc_add(struct ha_msg *m, const char *name, const char *v)
{
	if (ha_msg_add(m, name, v) != HA_OK) {
		fprintf(stderr, "gen: adding %s failed\n", name);
		exit(1);
	}
}

/* add_control_msg_fields, for node1 (RSC_UUID) with generation 4b. */
static void rsc_ctrl(struct ha_msg *m, const char *seq)
{
	rsc_add(m, F_ORIG, RSC_SRC);
	if (ha_msg_addbin(m, F_ORIGUUID, RSC_UUID, 16) != HA_OK)
		exit(1);
	if (seq)
		rsc_add(m, F_SEQ, seq);
	rsc_add(m, F_HBGENERATION, RSC_HG);
	rsc_add(m, F_TIME, RSC_TS);
	if (seq)
		rsc_add(m, F_LOAD, RSC_LD);
	rsc_add(m, F_TTL, RSC_TTL);
}

static struct ha_msg *rsc_from_fifo(const char *text)
{
	struct ha_msg *m = string2msg(text, strlen(text));

	if (!m) {
		fprintf(stderr, "gen: string2msg refused %s\n", text);
		exit(1);
	}
	return m;
}

static void gen_rsc_all(void)
{
	struct ha_msg *m;

	set_key("sha1", 1, "secret");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_STARTING);
	rsc_ctrl(m, "30");
	emit(m, "rsc_starting");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_RESOURCES);
	rsc_add(m, F_RESOURCES, "all");
	rsc_add(m, F_RTYPE, "full");
	rsc_add(m, F_ISSTABLE, "0");
	rsc_add(m, F_COMMENT, "standby");
	rsc_ctrl(m, "31");
	emit(m, "rsc_resource");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_RESOURCES);
	rsc_add(m, F_RESOURCES, "local");
	rsc_add(m, F_RTYPE, "full");
	rsc_add(m, F_ISSTABLE, "1");
	rsc_ctrl(m, "32");
	emit(m, "rsc_resource_stable");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_ASKRESOURCES);
	rsc_add(m, F_RESOURCES, "foreign");
	rsc_add(m, F_COMMENT, "me");
	rsc_ctrl(m, "33");
	emit(m, "rsc_ask");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_SHUTDONE);
	rsc_add(m, F_STATUS, DEADSTATUS);
	rsc_ctrl(m, "34");
	emit(m, "rsc_shutdone");

	m = rsc_from_fifo(">>>\nt=" T_ASKRELEASE "\nipaddr=" RSC_KEY "\n<<<\n");
	rsc_ctrl(m, "35");
	emit(m, "rsc_iprequest");

	m = rsc_from_fifo(">>>\nt=" T_ACKRELEASE "\ndest=" RSC_DEST "\nipaddr=" RSC_KEY
			  "\nweown=yes\nok=OK\n<<<\n");
	rsc_ctrl(m, "36");
	emit(m, "rsc_ipresp");

	m = ha_msg_new(0);
	rsc_add(m, F_TO, RSC_DEST);
	rsc_add(m, F_TYPE, T_REPNODES);
	rsc_add(m, F_NODELIST, RSC_SRC " " RSC_DEST " ");
	rsc_add(m, F_DELNODELIST, " ");
	rsc_ctrl(m, "37");
	emit(m, "rsc_repnodes");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_REXMIT);
	rsc_add(m, F_TO, RSC_DEST);
	if (ha_msg_add_int(m, F_FIRSTSEQ, 65) != HA_OK || ha_msg_add_int(m, F_LASTSEQ, 65) != HA_OK)
		exit(1);
	rsc_ctrl(m, NULL);
	emit(m, "rsc_rexmit");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_NAKREXMIT);
	rsc_add(m, F_FIRSTSEQ, "41");
	rsc_add(m, F_TO, RSC_DEST);
	rsc_add(m, F_COMMENT, "seqno not found");
	rsc_ctrl(m, NULL);
	emit(m, "rsc_nakrexmit");

	m = ha_msg_new(0);
	rsc_add(m, F_TYPE, T_STATUS);
	rsc_add(m, F_STATUS, ACTIVESTATUS);
	rsc_add(m, F_DT, "7d0");
	rsc_ctrl(m, "38");
	emit(m, "rsc_status");
}
