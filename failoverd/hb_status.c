/* heartbeat's control fields and status messages (see hb_fields.h). */
#include <errno.h>
#include <string.h>

#include "hb_fields.h"

int hb_msg_add_ctrl(struct hb_msg *m, const struct hb_ctrl *c, bool sequenced)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_ORIG, c->src)))
		return r;
	if (c->srcuuid && (r = hb_msg_add(m, HB_F_ORIGUUID, HB_FT_BINARY, c->srcuuid, 16)))
		return r;
	if (sequenced && (r = hb_msg_add_hex(m, HB_F_SEQ, c->seq)))
		return r;
	if ((r = hb_msg_add_hex(m, HB_F_GEN, c->hg)) || (r = hb_msg_add_hex(m, HB_F_TIME, c->ts)))
		return r;
	/* ld, like seq, is IS_SEQ in add_control_msg_fields: not for NS_ */
	if (sequenced && c->ld && (r = hb_msg_add_str(m, HB_F_LOAD, c->ld)))
		return r;
	return hb_msg_add_dec(m, HB_F_TTL, c->ttl);
}

int hb_msg_status(struct hb_msg *m, const char *st, unsigned long deadtime_ms,
		  bool protocol, const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_STATUS)) ||
	    (r = hb_msg_add_str(m, HB_F_STATUS, st)) ||
	    (r = hb_msg_add_hex(m, HB_F_DEADTIME, deadtime_ms)))
		return r;
	if (protocol && (r = hb_msg_add_dec(m, HB_F_PROTOCOL, 1)))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

int hb_msg_ctrl_parse(const struct hb_msg *m, struct hb_ctrl_in *in)
{
	memset(in, 0, sizeof(*in));
	if (hb_msg_get_str(m, HB_F_TYPE, in->type, sizeof(in->type)) ||
	    hb_msg_get_str(m, HB_F_ORIG, in->src, sizeof(in->src)) ||
	    hb_msg_get_hex(m, HB_F_TIME, &in->ts) || in->ts == 0)
		return -EBADMSG;
	if (hb_msg_get(m, HB_F_TO) && hb_msg_get_str(m, HB_F_TO, in->dest, sizeof(in->dest)))
		return -EBADMSG;
	if (hb_msg_get(m, HB_F_SEQ)) {
		if (hb_msg_get_hex(m, HB_F_SEQ, &in->seq))
			return -EBADMSG;
		in->has_seq = true;
	} else if (strncmp(in->type, "NS_", 3) != 0) {
		return -EBADMSG;
	}
	if (hb_msg_get(m, HB_F_GEN)) {
		if (hb_msg_get_hex(m, HB_F_GEN, &in->hg))
			return -EBADMSG;
		in->has_gen = true;
	}
	return 0;
}
