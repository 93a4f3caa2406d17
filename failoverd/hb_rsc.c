/* See hb_rsc.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hb_rsc.h"

static const char *const rsc_names[] = { "none", "local", "foreign", "all" };

const char *hb_rsc_name(enum hb_rsc r)
{
	return (unsigned)r < 4 ? rsc_names[r] : "none";
}

int hb_rsc_parse(const char *s, enum hb_rsc *r)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(s, rsc_names[i]) == 0) {
			*r = (enum hb_rsc)i;
			return 0;
		}
	return -EINVAL;
}

enum hb_rsc hb_rsc_update(enum hb_rsc cur, enum hb_rsc rep, bool full)
{
	if (full || rep == HB_RSC_NONE)
		return rep;
	return (enum hb_rsc)(cur | rep);
}

/* t=TYPE, then the type's own fields are the caller's, then control. */
int hb_msg_starting(struct hb_msg *m, const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_STARTING)))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

/* hb_send_resources_held: t rsc_hold rtype=full isstable [info]. */
int hb_msg_resource(struct hb_msg *m, enum hb_rsc held, bool stable, const char *info,
		    const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_RESOURCES)) ||
	    (r = hb_msg_add_str(m, HB_F_RSC_HOLD, hb_rsc_name(held))) ||
	    (r = hb_msg_add_str(m, HB_F_RTYPE, "full")) ||
	    (r = hb_msg_add_str(m, HB_F_ISSTABLE, stable ? "1" : "0")))
		return r;
	if (info && (r = hb_msg_add_str(m, HB_F_COMMENT, info)))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

/* send_standby_msg: t rsc_hold info. */
int hb_msg_askresources(struct hb_msg *m, const char *rsc_hold, const char *info,
			const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_ASKRESOURCES)) ||
	    (r = hb_msg_add_str(m, HB_F_RSC_HOLD, rsc_hold)) ||
	    (r = hb_msg_add_str(m, HB_F_COMMENT, info)))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

/* hb_giveup_resources' last message: t st=dead. */
int hb_msg_shutdone(struct hb_msg *m, const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_SHUTDONE)) ||
	    (r = hb_msg_add_str(m, HB_F_STATUS, HB_ST_DEAD)))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

/* req_resource's "ask nicely": t ipaddr. */
int hb_msg_iprequest(struct hb_msg *m, const char *key, const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_IPREQUEST)) ||
	    (r = hb_msg_add_str(m, HB_F_IPADDR, key)))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

/* rc.d/ip-request's answer: t dest ipaddr weown ok. */
int hb_msg_ipresp(struct hb_msg *m, const char *dest, const char *key, bool weown,
		  const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_IPREQRESP)) ||
	    (r = hb_msg_add_str(m, HB_F_TO, dest)) ||
	    (r = hb_msg_add_str(m, HB_F_IPADDR, key)) ||
	    (r = hb_msg_add_str(m, HB_F_WEOWN, weown ? "yes" : "no")) ||
	    (r = hb_msg_add_str(m, HB_F_OK, "OK")))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

int hb_msg_repnodes(struct hb_msg *m, const char *dest, const char (*nodes)[64], unsigned n,
		    const struct hb_ctrl *c)
{
	char list[1024];
	size_t len = 0;
	int r;

	list[0] = 0;
	for (unsigned i = 0; i < n; i++) {
		int w = snprintf(list + len, sizeof(list) - len, "%s ", nodes[i]);

		if (w < 0 || (size_t)w >= sizeof(list) - len)
			return -ENOSPC;
		len += (size_t)w;
	}
	if (!len)
		return -EINVAL;
	if ((r = hb_msg_add_str(m, HB_F_TO, dest)) ||
	    (r = hb_msg_add_str(m, HB_F_TYPE, HB_T_REPNODES)) ||
	    (r = hb_msg_add_str(m, HB_F_NODELIST, list)) ||
	    (r = hb_msg_add_str(m, HB_F_DELNODELIST, " ")))
		return r;
	return hb_msg_add_ctrl(m, c, true);
}

int hb_msg_rexmit(struct hb_msg *m, const char *dest, unsigned long seq, const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_REXMIT)) ||
	    (r = hb_msg_add_str(m, HB_F_TO, dest)) ||
	    (r = hb_msg_add_dec(m, HB_F_FIRSTSEQ, seq)) ||
	    (r = hb_msg_add_dec(m, HB_F_LASTSEQ, seq)))
		return r;
	return hb_msg_add_ctrl(m, c, false);
}

int hb_msg_nakrexmit(struct hb_msg *m, const char *dest, unsigned long seq, const char *info,
		     const struct hb_ctrl *c)
{
	int r;

	if ((r = hb_msg_add_str(m, HB_F_TYPE, HB_T_NAKREXMIT)) ||
	    (r = hb_msg_add_hex(m, HB_F_FIRSTSEQ, seq)) ||
	    (r = hb_msg_add_str(m, HB_F_TO, dest)) ||
	    (r = hb_msg_add_str(m, HB_F_COMMENT, info)))
		return r;
	return hb_msg_add_ctrl(m, c, false);
}

int hb_rsc_report_parse(const struct hb_msg *m, struct hb_rsc_report *r)
{
	char v[16];

	memset(r, 0, sizeof(*r));
	if (hb_msg_get_str(m, HB_F_RSC_HOLD, v, sizeof(v)) || hb_rsc_parse(v, &r->held))
		return -EBADMSG;
	r->full = hb_msg_get_str(m, HB_F_RTYPE, v, sizeof(v)) == 0 && strcmp(v, "full") == 0;
	if (hb_msg_get_str(m, HB_F_ISSTABLE, v, sizeof(v)) == 0) {
		r->has_stable = true;
		r->stable = strcmp(v, "1") == 0;
	}
	if (hb_msg_get_str(m, HB_F_COMMENT, r->info, sizeof(r->info)))
		r->info[0] = 0;
	return 0;
}
