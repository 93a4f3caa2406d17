/* Who holds the resources.  Every heartbeat says whether its sender holds
 * them (xlvs_holds), and both sides apply the same rules to the same
 * facts:
 *   - the peer dead (never heard within initdead, or silent for
 *     deadtime): we take them;
 *   - the peer alive, auto_failback on (or legacy): the haresources owner
 *     should hold them, the other releases;
 *   - off: whoever holds them keeps them; if both do (a healed
 *     partition) the owner keeps them and the other releases at once;
 *     if neither does, the owner takes them.
 * Releasing is immediate; taking waits until the live peer's latest
 * heartbeat says it holds nothing, so the address is never on both
 * while both are alive.  Each change is announced at once.
 * A peer whose resources failed to start (its heartbeats say
 * xlvs_failed) counts as dead for who should hold them, as heartbeat's
 * hb_standby hands them over; our own failure makes us wait out the
 * backoff (rsc.c), and try again only while the peer holds nothing. */
#include <string.h>

#include "daemon.h"

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
	}
}

bool fo_role_want(bool owner, bool failback, bool peer_alive, bool holds, bool peer_holds)
{
	if (!peer_alive)
		return true;
	if (failback)
		return owner;
	if (holds && peer_holds)
		return owner;
	if (holds || peer_holds)
		return holds;
	return owner;
}

void fo_role_eval(struct fo_daemon *dm)
{
	int64_t now = fo_now_ms();
	const struct fo_peer *p = &dm->peer;
	bool alive, w;

	age_peer(dm, now);
	if (dm->stopping || dm->rsc_pid)
		return;			/* exiting, or resources going up or down */
	alive = p->heard && !p->dead;
	if (!p->heard && now - dm->start_ms < dm->cfg.hacf.initdead_ms)
		return;			/* still waiting for the peer */
	w = fo_role_want(dm->owner, dm->cfg.hacf.auto_failback != FO_FAILBACK_OFF,
			 alive && !p->failed, dm->holds, p->holds);
	if (w && !dm->holds) {
		if (alive && p->holds)
			return;		/* it releases first, then we take */
		if (fo_rsc_backing_off(dm))
			return;
		fo_log("acquiring resources (peer %s)", !p->heard ? "never heard" :
		       p->dead && strcmp(p->status, "dead") == 0 ? "stopped" :
		       p->dead ? "dead" : p->failed ? "alive, its resources failed" : "alive");
		fo_rsc_start_all(dm);
		fo_link_send_status(dm);
	} else if (!w && dm->holds) {
		fo_log("releasing resources to %s (%s)", p->name, p->holds ?
		       "partition healed: both held them, the haresources owner keeps them" :
		       "auto_failback: the haresources owner is back");
		fo_rsc_stop_all(dm);
		fo_link_send_status(dm);
	}
}

/* Release, then tell the peer we are gone so it need not wait deadtime. */
void fo_role_shutdown(struct fo_daemon *dm)
{
	dm->stopping = true;
	fo_rsc_stop_now(dm);
	fo_link_send_status(dm);
}
