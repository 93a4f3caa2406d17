/* Who holds the resources: heartbeat 3.0.6's haresources rules
 * (hb_resource.c, heartbeat.md A.9), spoken with its own messages, so
 * that the peer may be a real heartbeat or another xlvs-failoverd.  As
 * heartbeat, the groups are two sets: our node's ("local") and the
 * peer's ("foreign"), each moving as a unit, its node being its owner;
 * "local" and "foreign" in the messages are relative to their sender.
 * Each set with groups is decided on by the rules below (fo_role_decide,
 * "them" being the set), one resource change at a time:
 *
 *   - The peer dead (never heard within initdead, silent for its
 *     deadtime, or it said shutdone / status dead): we take them.
 *   - auto_failback on or off (heartbeat's nice_failback): once we hear
 *     the peer we ask what it holds (starting; its resource report
 *     answers).  Nobody holding them, the owner takes them.  Someone
 *     holding them keeps them, except that with auto_failback on the
 *     non-owner hands them back once the owner is stable and holds
 *     nothing, through heartbeat's standby exchange (ask_resources
 *     me / other / done: the holder releases first, then the owner
 *     takes).  Both holding them (a healed partition): the owner keeps
 *     them, the other releases at once.
 *   - legacy: the owner asks for them (ip-request), the holder releases
 *     and answers (ip-request-resp), the owner takes them; a non-owner
 *     holding them releases as soon as the owner is alive.
 *   - Our resources failed to start: we give them up, say we are not
 *     stable, and (nice_failback) hand them to the peer as hb_standby
 *     would; we try again after the backoff only while the peer holds
 *     nothing (rsc.c).
 * Releasing is immediate; taking never starts while the peer says it
 * holds them, so the address is never on both while both are alive. */
#include <stdio.h>
#include <string.h>

#include "daemon.h"

#define FO_SB_TIMEOUT_MS 10000	/* heartbeat's STANDBY_INIT_TO_MS */
#define FO_IPREQ_TIMEOUT_MS 5000
#define FO_STARTING_EVERY_MS 2000

static void age_peer(struct fo_daemon *dm, int64_t now)
{
	struct fo_peer *p = &dm->peer;
	int64_t age = now - p->last_ms;

	if (!p->heard || p->dead)
		return;
	if (!p->warned && dm->cfg.hacf.warntime_ms > 0 && age > dm->cfg.hacf.warntime_ms) {
		fo_log("WARN: Late heartbeat: Node %s: interval %ld ms", p->name, (long)age);
		p->warned = true;
	}
	if (age > dm->cfg.hacf.deadtime_ms) {
		fo_log("node %s: is dead (no heartbeat for %ld ms)", p->name, (long)age);
		p->dead = true;
		fo_role_peer_dead(dm);
	}
}

static enum fo_act decide_legacy(const struct fo_facts *f)
{
	if (f->owner)
		return f->holds || f->backing_off ? FO_ACT_NONE : FO_ACT_IPREQ;
	return f->holds ? FO_ACT_RELEASE : FO_ACT_NONE;
}

enum fo_act fo_role_decide(const struct fo_facts *f)
{
	if (!f->alive)
		return f->holds || f->backing_off ? FO_ACT_NONE : FO_ACT_TAKE;
	if (f->fb == FO_FAILBACK_LEGACY)
		return decide_legacy(f);
	if (!f->known)
		return FO_ACT_NONE;		/* its answer to our starting first */
	if (f->holds && f->peer_holds)
		return f->owner ? FO_ACT_NONE : FO_ACT_RELEASE;
	if (f->holds)
		return !f->owner && f->fb == FO_FAILBACK_ON && f->peer_stable ? FO_ACT_ASK
									  : FO_ACT_NONE;
	if (f->peer_holds || !f->owner)
		return FO_ACT_NONE;
	/* The owner, nobody holding them: take them, or after a failure let
	 * a stable peer have them (hb_standby), or try again once due if it
	 * cannot. */
	if (!f->failed)
		return FO_ACT_TAKE;
	if (f->peer_stable)
		return FO_ACT_ASK;
	return f->backing_off ? FO_ACT_NONE : FO_ACT_TAKE;
}

enum hb_rsc fo_role_rsc(const struct fo_daemon *dm)
{
	unsigned r = 0;

	if (dm->held & FO_SET_MINE)
		r |= HB_RSC_LOCAL;
	if (dm->held & FO_SET_THEIRS)
		r |= HB_RSC_FOREIGN;
	/* With no groups of our own, holding the peer's is "all", as a
	 * heartbeat that took them over says (its local part empty). */
	if (!(dm->sets & FO_SET_MINE) && (dm->held & FO_SET_THEIRS))
		r |= HB_RSC_LOCAL;
	return (enum hb_rsc)r;
}

bool fo_role_stable(const struct fo_daemon *dm)
{
	const struct fo_peer *p = &dm->peer;
	bool alive = p->heard && !p->dead && !p->gone;

	return !dm->rsc_pid && dm->sb == FO_SB_NOT && !dm->run.failures && !dm->stopping &&
	       (!alive || p->known || dm->cfg.hacf.auto_failback == FO_FAILBACK_LEGACY);
}

/* The facts about one set: its owner is its node. */
static void facts(const struct fo_daemon *dm, unsigned set, struct fo_facts *f)
{
	const struct fo_peer *p = &dm->peer;

	*f = (struct fo_facts){
		.owner = set == FO_SET_MINE, .fb = dm->cfg.hacf.auto_failback,
		.alive = p->heard && !p->dead && !p->gone, .known = p->known,
		.peer_holds = (p->held & set) != 0, .peer_stable = p->stable,
		.holds = (dm->held & set) != 0,
		.failed = dm->run.failures > 0, .backing_off = fo_rsc_backing_off(dm),
	};
}

/* " [local]" or " [foreign]" when both sets have groups, for the logs. */
static const char *set_name(const struct fo_daemon *dm, unsigned set)
{
	if (dm->sets != FO_SET_BOTH)
		return "";
	return set == FO_SET_MINE ? " [local]" : set == FO_SET_THEIRS ? " [foreign]" : " [all]";
}

/* Exchanges the peer stopped answering are given up (and retried by the
 * next decision, if it still holds). */
static void expire(struct fo_daemon *dm, int64_t now)
{
	if ((dm->sb == FO_SB_ME || dm->sb == FO_SB_GAVE || dm->sb == FO_SB_OTHER) &&
	    now - dm->sb_ms > FO_SB_TIMEOUT_MS) {
		fo_log("WARN: standby hand-over with %s timed out (state %d)", dm->peer.name, dm->sb);
		dm->sb = FO_SB_NOT;
	}
	if (dm->ipreq && now - dm->ipreq_ms > FO_IPREQ_TIMEOUT_MS) {
		fo_log("WARN: no ip-request-resp from %s: asking again", dm->peer.name);
		dm->ipreq = false;
	}
}

static const char *why_take(const struct fo_daemon *dm)
{
	const struct fo_peer *p = &dm->peer;

	if (!p->heard)
		return "never heard";
	if (p->gone || (p->dead && strcmp(p->status, HB_ST_DEAD) == 0))
		return "stopped";
	if (p->dead)
		return "dead";
	return dm->run.failures ? "alive, holding nothing; retrying" : "alive, holding nothing";
}

static void act(struct fo_daemon *dm, enum fo_act a, unsigned set)
{
	switch (a) {
	case FO_ACT_TAKE:
		fo_log("acquiring resources%s (peer %s)", set_name(dm, set), why_take(dm));
		fo_rsc_start(dm, set);
		break;
	case FO_ACT_RELEASE:
		fo_log("releasing resources%s to %s (%s)", set_name(dm, set), dm->peer.name,
		       dm->cfg.hacf.auto_failback == FO_FAILBACK_LEGACY ?
		       "auto_failback legacy: the haresources owner is alive" :
		       "partition healed: both held them, the haresources owner keeps them");
		fo_rsc_stop(dm, set);
		break;
	case FO_ACT_ASK:
		fo_log("%s: asking %s to take the resources%s (standby)",
		       dm->held & set ? "auto_failback" : "our resources failed", dm->peer.name,
		       set_name(dm, set));
		snprintf(dm->sb_rsc, sizeof(dm->sb_rsc), "%s",
			 set == FO_SET_MINE ? hb_rsc_name(HB_RSC_LOCAL) : hb_rsc_name(HB_RSC_FOREIGN));
		dm->sb_set = set;
		dm->sb = FO_SB_ME;
		dm->sb_ms = fo_now_ms();
		fo_role_send_ask(dm, "me");
		break;
	case FO_ACT_IPREQ:
		fo_log("requesting the resources%s from %s (ip-request)", set_name(dm, set),
		       dm->peer.name);
		fo_role_send_ipreq(dm, set);
		break;
	case FO_ACT_NONE:
		break;
	}
	fo_role_report(dm, false, a == FO_ACT_RELEASE ? "release" : NULL);
}

/* Each set with groups decided on; one change made: a release first (the
 * address never on both), then a take (of every set due, in one go: a
 * dead peer's and ours), then a hand-over or a request, one set each. */
static void decide_sets(struct fo_daemon *dm)
{
	unsigned due[FO_ACT_IPREQ + 1] = { 0 };
	static const enum fo_act order[] = { FO_ACT_RELEASE, FO_ACT_TAKE, FO_ACT_ASK,
					     FO_ACT_IPREQ };
	struct fo_facts f;

	for (unsigned set = FO_SET_MINE; set <= FO_SET_THEIRS; set <<= 1)
		if (dm->sets & set) {
			facts(dm, set, &f);
			due[fo_role_decide(&f)] |= set;
		}
	for (unsigned k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		unsigned s = due[order[k]];

		if (!s)
			continue;
		if (order[k] == FO_ACT_ASK || order[k] == FO_ACT_IPREQ)
			s &= -s;	/* one exchange at a time: the lowest set */
		act(dm, order[k], s);
		return;
	}
	act(dm, FO_ACT_NONE, 0);
}

void fo_role_eval(struct fo_daemon *dm)
{
	int64_t now = fo_now_ms();
	const struct fo_peer *p = &dm->peer;
	bool alive;

	age_peer(dm, now);
	expire(dm, now);
	if (dm->stopping || dm->rsc_pid || dm->sb != FO_SB_NOT || dm->ipreq)
		return;			/* exiting, or resources going up or down */
	if (!p->heard && now - dm->start_ms < dm->cfg.hacf.initdead_ms)
		return;			/* still waiting for the peer */
	alive = p->heard && !p->dead && !p->gone;
	/* heartbeat acts on resource messages only once its links are up
	 * (comm_now_up, its status turning active): until then, wait. */
	if (alive && strcmp(p->status, HB_ST_ACTIVE) != 0)
		return;
	/* A peer still in init/up sends its own starting once its links are
	 * up (comm_now_up), with its status turning active; one active for a
	 * while that has not, we ask. */
	if (alive && !p->known && dm->cfg.hacf.auto_failback != FO_FAILBACK_LEGACY &&
	    strcmp(p->status, HB_ST_ACTIVE) == 0 &&
	    now - p->active_ms >= 2 * dm->cfg.hacf.keepalive_ms &&
	    (!dm->starting_ms || now - dm->starting_ms >= FO_STARTING_EVERY_MS))
		fo_role_send_starting(dm);
	decide_sets(dm);
}

/* Release, then tell the peer we are gone so it need not wait deadtime:
 * heartbeat's hb_giveup_resources (a report with info=shutdown, the
 * resources given up, shutdone), then our last heartbeat says dead. */
void fo_role_shutdown(struct fo_daemon *dm)
{
	dm->stopping = true;
	if (dm->cfg.hacf.auto_failback != FO_FAILBACK_LEGACY)
		fo_role_send_report(dm, HB_RSC_NONE, false, "shutdown");
	fo_rsc_stop_now(dm);
	fo_role_send_shutdone(dm);
	fo_link_send_status(dm);
}
