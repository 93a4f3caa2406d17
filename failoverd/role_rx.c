/* The resource messages, as heartbeat 3.0.6's hb_resource.c handles and
 * sends them (process_resources, ask_for_resources, HBDoMsg_T_SHUTDONE;
 * the legacy rc.d/ip-request scripts), for the policy in role.c.  What
 * the peer says is taken in its own terms: its "local" are the groups it
 * owns (our FO_SET_THEIRS), its "foreign" ours (FO_SET_MINE). */
#include <stdio.h>
#include <string.h>

#include "daemon.h"

static bool nice(const struct fo_daemon *dm)
{
	return dm->cfg.hacf.auto_failback != FO_FAILBACK_LEGACY;
}

/* The peer's rsc_hold (its terms) as our FO_SET_ sets. */
static unsigned peer_sets(enum hb_rsc r)
{
	return ((r & HB_RSC_FOREIGN) ? FO_SET_MINE : 0) | ((r & HB_RSC_LOCAL) ? FO_SET_THEIRS : 0);
}

static void peer_rsc(struct fo_daemon *dm, enum hb_rsc r)
{
	struct fo_peer *p = &dm->peer;

	p->rsc = r;
	p->held = peer_sets(r);
}

/* Our FO_SET_ sets as rsc_hold bits, in our terms. */
static unsigned rsc_of(const struct fo_daemon *dm, unsigned set)
{
	unsigned r = ((set & FO_SET_MINE) ? HB_RSC_LOCAL : 0) |
		     ((set & FO_SET_THEIRS) ? HB_RSC_FOREIGN : 0);

	if (!(dm->sets & FO_SET_MINE) && (set & FO_SET_THEIRS))
		r |= HB_RSC_LOCAL;	/* as fo_role_rsc says it */
	return r;
}

static void set_sb(struct fo_daemon *dm, enum fo_sb sb)
{
	dm->sb = sb;
	dm->sb_ms = fo_now_ms();
}

/* --- what we send -------------------------------------------------------- */

void fo_role_send_report(struct fo_daemon *dm, enum hb_rsc rsc, bool stable, const char *info)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, true);

	hb_msg_init(&m);
	if (hb_msg_resource(&m, rsc, stable, info, &c) == 0 && fo_tx_send(dm, &m, c.seq) == 0) {
		dm->sent_any = true;
		dm->sent_rsc = rsc;
		dm->sent_stable = stable;
	}
}

void fo_role_report(struct fo_daemon *dm, bool force, const char *info)
{
	enum hb_rsc rsc = fo_role_rsc(dm);
	bool stable = fo_role_stable(dm);

	if (!nice(dm) || !dm->peer.heard)
		return;
	if (dm->report_due && stable && dm->peer.known) {
		force = true;		/* the answer our starting waits for */
		dm->report_due = false;
	}
	if (force || !dm->sent_any || rsc != dm->sent_rsc || stable != dm->sent_stable)
		fo_role_send_report(dm, rsc, stable, info);
}

void fo_role_send_starting(struct fo_daemon *dm)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, true);

	hb_msg_init(&m);
	if (hb_msg_starting(&m, &c) == 0 && fo_tx_send(dm, &m, c.seq) == 0) {
		if (!dm->starting_ms)
			fo_log("asking %s what it holds (starting)", dm->peer.name);
		dm->starting_ms = fo_now_ms();
		dm->report_due = true;
	}
}

void fo_role_send_ask(struct fo_daemon *dm, const char *info)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, true);

	hb_msg_init(&m);
	if (hb_msg_askresources(&m, dm->sb_rsc, info, &c) == 0)
		fo_tx_send(dm, &m, c.seq);
}

void fo_role_send_shutdone(struct fo_daemon *dm)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, true);

	hb_msg_init(&m);
	if (hb_msg_shutdone(&m, &c) == 0)
		fo_tx_send(dm, &m, c.seq);
}

/* One ip-request per group of the set, keyed as ResourceManager keys it:
 * the group's first resource, as haresources wrote it. */
void fo_role_send_ipreq(struct fo_daemon *dm, unsigned set)
{
	static struct hb_msg m;

	dm->ipreq_want = 0;
	for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++) {
		struct hb_ctrl c;

		if (!(fo_group_set(dm, g) & set))
			continue;
		c = fo_tx_ctrl(dm, true);	/* a number only for what we send */
		dm->ipreq_want |= 1u << g;
		hb_msg_init(&m);
		if (hb_msg_iprequest(&m, dm->cfg.hr.g[g].key, &c) == 0)
			fo_tx_send(dm, &m, c.seq);
	}
	dm->ipreq = true;
	dm->ipreq_ms = fo_now_ms();
	dm->ipreq_got = 0;
}

static void send_ipresp(struct fo_daemon *dm, unsigned g, bool weown)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, true);

	hb_msg_init(&m);
	if (hb_msg_ipresp(&m, dm->peer.name, dm->cfg.hr.g[g].key, weown, &c) == 0)
		fo_tx_send(dm, &m, c.seq);
}

/* --- what the peer sends ------------------------------------------------ */

static void on_starting(struct fo_daemon *dm)
{
	struct fo_peer *p = &dm->peer;

	fo_log("node %s is starting: it holds nothing; telling it what we hold", p->name);
	peer_rsc(dm, HB_RSC_NONE);
	p->known = true;
	p->stable = false;
	if (dm->sb == FO_SB_ME || dm->sb == FO_SB_GAVE || dm->sb == FO_SB_OTHER)
		set_sb(dm, FO_SB_NOT);
	if (nice(dm))
		fo_role_send_report(dm, fo_role_rsc(dm), fo_role_stable(dm), NULL);
}

static void on_resource(struct fo_daemon *dm, const struct hb_msg *m)
{
	struct fo_peer *p = &dm->peer;
	struct hb_rsc_report rep;
	enum hb_rsc was = p->rsc;
	bool was_stable = p->stable, was_known = p->known;
	int64_t now = fo_now_ms();

	if (hb_rsc_report_parse(m, &rep)) {
		fo_log("ERROR: resource message from %s without a valid rsc_hold", p->name);
		return;
	}
	peer_rsc(dm, hb_rsc_update(was_known ? p->rsc : HB_RSC_NONE, rep.held, rep.full));
	if (rep.has_stable)
		p->stable = rep.stable;
	p->known = true;
	if (!was_known || was != p->rsc)
		fo_log("node %s holds %s resources%s%s%s", p->name, hb_rsc_name(p->rsc),
		       p->held & dm->sets ? " (ours among them)" : "", rep.info[0] ? " # " : "",
		       rep.info);
	if (was_known && !was_stable && p->stable)
		fo_log("remote resource transition completed.");
	/* Both hold them: the owner says so again, so that a non-owner whose
	 * picture is older (it heard nothing during the partition) releases. */
	if ((dm->held & p->held & FO_SET_MINE) && now - dm->forced_ms >= 1000) {
		fo_log("ERROR: Both machines own our resources! (%s holds %s): we keep them",
		       p->name, hb_rsc_name(p->rsc));
		dm->forced_ms = now;
		fo_role_report(dm, true, NULL);
	}
}

/* The sets with groups that the peer's "rsc_hold" of an ask_resources,
 * in its terms, moves.  A heartbeat owner that took over during a
 * partition holds "foreign" too (the non-owner's own groups, perhaps
 * none) and hands that back after the heal: that moves nothing of the
 * owner's. */
static unsigned gives_sets(const struct fo_daemon *dm, const char *rsc)
{
	enum hb_rsc r = HB_RSC_ALL;

	hb_rsc_parse(rsc, &r);
	return peer_sets(r) & dm->sets;
}

static void on_ask(struct fo_daemon *dm, const struct hb_msg *m)
{
	char info[16] = "", rsc[16] = "all";
	const char *peer = dm->peer.name;

	hb_msg_get_str(m, HB_F_COMMENT, info, sizeof(info));
	hb_msg_get_str(m, HB_F_RSC_HOLD, rsc, sizeof(rsc));
	if (strcmp(info, "me") == 0 && dm->sb == FO_SB_NOT && fo_role_stable(dm)) {
		fo_log("%s wants to go standby [%s]", peer, rsc);
		snprintf(dm->sb_rsc, sizeof(dm->sb_rsc), "%s", rsc);
		dm->sb_set = gives_sets(dm, rsc);
		set_sb(dm, FO_SB_OTHER);
		fo_role_send_ask(dm, "other");
	} else if (strcmp(info, "me") == 0) {
		fo_log("WARN: standby message [me] from %s ignored.  local resources in flux.", peer);
	} else if (strcmp(info, "other") == 0 && dm->sb == FO_SB_ME) {
		fo_log("standby: %s can take our %s resources", peer, dm->sb_rsc);
		set_sb(dm, FO_SB_GIVING);
		fo_role_send_report(dm, (enum hb_rsc)(fo_role_rsc(dm) & ~rsc_of(dm, dm->sb_set)),
				    false, "standby");
		if (dm->held & dm->sb_set)
			fo_rsc_stop(dm, dm->held & dm->sb_set);
		else
			fo_role_rsc_done(dm, false);
	} else if (strcmp(info, "done") == 0 && dm->sb == FO_SB_OTHER) {
		fo_log("standby: acquire [%s] resources from %s%s", dm->sb_rsc, peer,
		       dm->sb_set ? "" : " (groups it does not have: nothing to take)");
		set_sb(dm, FO_SB_TAKING);
		if (dm->sb_set & ~dm->held) {
			fo_rsc_start(dm, dm->sb_set & ~dm->held);
			fo_role_report(dm, false, NULL);
		} else {
			fo_role_rsc_done(dm, true);
		}
	} else if (strcmp(info, "done") == 0 && dm->sb == FO_SB_GAVE) {
		fo_log("Other node completed standby takeover of %s resources.", dm->sb_rsc);
		set_sb(dm, FO_SB_NOT);
		fo_role_report(dm, true, NULL);
	} else {
		fo_log("WARN: Ignored standby message '%s' from %s in state %d", info, peer, dm->sb);
	}
}

static void on_shutdone(struct fo_daemon *dm)
{
	fo_log("Received shutdown notice from '%s'.", dm->peer.name);
	dm->peer.gone = true;
	peer_rsc(dm, HB_RSC_NONE);
	fo_role_peer_dead(dm);
}

static int group_of(const struct fo_daemon *dm, const struct hb_msg *m)
{
	char key[FO_PATHLEN];

	if (hb_msg_get_str(m, HB_F_IPADDR, key, sizeof(key)))
		return -1;
	for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
		if (strcmp(dm->cfg.hr.g[g].key, key) == 0)
			return (int)g;
	return -1;
}

/* rc.d/ip-request: give the group up if we have it, then answer.  Its
 * set goes as a unit. */
static void on_ipreq(struct fo_daemon *dm, const struct hb_msg *m)
{
	int g = group_of(dm, m);
	unsigned set;

	if (g < 0) {
		fo_log("WARN: ip-request from %s for a group we do not have", dm->peer.name);
		return;
	}
	set = fo_group_set(dm, (unsigned)g);
	if (!(dm->held & set) && !dm->rsc_pid) {
		send_ipresp(dm, (unsigned)g, false);
		return;
	}
	fo_log("giving up %s to %s (ip-request)", dm->cfg.hr.g[g].key, dm->peer.name);
	dm->ipresp_owed |= 1u << g;
	if (!dm->rsc_pid)
		fo_rsc_stop(dm, set);
}

/* rc.d/ip-request-resp: the group is ours to take once all are. */
static void on_ipresp(struct fo_daemon *dm, const struct hb_msg *m)
{
	char ok[8] = "";
	int g = group_of(dm, m);

	hb_msg_get_str(m, HB_F_OK, ok, sizeof(ok));
	if (!dm->ipreq || g < 0 || strcmp(ok, "OK") != 0)
		return;
	fo_log("received ip-request-resp %s OK", dm->cfg.hr.g[g].key);
	dm->ipreq_got |= 1u << g;
	if ((dm->ipreq_got & dm->ipreq_want) != dm->ipreq_want)
		return;
	dm->ipreq = false;
	if (!(dm->held & FO_SET_MINE) && !dm->rsc_pid && !dm->stopping) {
		fo_log("acquiring resources (peer gave them up)");
		fo_rsc_start(dm, FO_SET_MINE);
	}
}

void fo_role_on_msg(struct fo_daemon *dm, const char *type, const struct hb_msg *m)
{
	if (strcmp(type, HB_T_STARTING) == 0)
		on_starting(dm);
	else if (strcmp(type, HB_T_RESOURCES) == 0)
		on_resource(dm, m);
	else if (strcmp(type, HB_T_ASKRESOURCES) == 0)
		on_ask(dm, m);
	else if (strcmp(type, HB_T_SHUTDONE) == 0)
		on_shutdone(dm);
	else if (strcmp(type, HB_T_IPREQUEST) == 0)
		on_ipreq(dm, m);
	else if (strcmp(type, HB_T_IPREQRESP) == 0)
		on_ipresp(dm, m);
	else
		return;			/* stonith, reqnodes, ...: not ours to act on */
	fo_role_eval(dm);
}

/* --- events ------------------------------------------------------------- */

void fo_role_rsc_done(struct fo_daemon *dm, bool start)
{
	if (dm->sb == FO_SB_GIVING && !start) {
		fo_log("Local standby process completed [%s].", dm->sb_rsc);
		fo_role_send_ask(dm, "done");
		set_sb(dm, FO_SB_GAVE);
	} else if (dm->sb == FO_SB_TAKING && start) {
		fo_log("Standby resource acquisition done [%s].", dm->sb_rsc);
		fo_role_send_ask(dm, "done");
		set_sb(dm, FO_SB_NOT);
		fo_role_report(dm, true, NULL);
	}
	if (!start && dm->ipresp_owed) {
		for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
			if ((dm->ipresp_owed & (1u << g)) && !(dm->held & fo_group_set(dm, g))) {
				send_ipresp(dm, g, true);
				dm->ipresp_owed &= ~(1u << g);
			}
	} else if (start && dm->ipresp_owed) {
		unsigned set = 0;	/* asked for them while they were going up */

		for (unsigned g = 0; g < dm->cfg.hr.ngroups; g++)
			if (dm->ipresp_owed & (1u << g))
				set |= fo_group_set(dm, g);
		if (dm->held & set)
			fo_rsc_stop(dm, dm->held & set);
	}
	fo_role_report(dm, false, NULL);
}

void fo_role_peer_dead(struct fo_daemon *dm)
{
	if (dm->sb == FO_SB_ME || dm->sb == FO_SB_GAVE || dm->sb == FO_SB_OTHER) {
		fo_log("Cancelling pending standby operation");
		set_sb(dm, FO_SB_NOT);
	}
	dm->ipreq = false;
	dm->ipresp_owed = 0;
}

/* Back after a partition: it may have taken them meanwhile, and may not
 * know we did: say what we hold (its reports will say what it holds). */
void fo_role_peer_back(struct fo_daemon *dm)
{
	fo_log("Cluster node %s returning after partition.", dm->peer.name);
	if (nice(dm))
		fo_role_report(dm, true, NULL);
}

void fo_role_peer_reset(struct fo_daemon *dm)
{
	struct fo_peer *p = &dm->peer;

	p->heard = false;	/* a new run: not "returning after partition" */
	p->known = false;
	p->stable = false;
	p->gone = false;
	peer_rsc(dm, HB_RSC_NONE);
	fo_role_peer_dead(dm);
}
