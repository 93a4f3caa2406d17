/* What comes in on the links: decoded, its token verified with our
 * authkeys, its sender a configured node other than us, its (generation,
 * seq) newer than what we took last (hb_order.c).  Everything else is
 * dropped, and logged once per cause and sender so a flood cannot fill
 * the log.  Heartbeats go to take_status, NS_rexmit to hb_tx.c, the
 * resource messages to role_rx.c. */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "daemon.h"
#include "hb_fields.h"

static bool is_node(const struct fo_hacf *cf, const char *name)
{
	for (unsigned i = 0; i < cf->nnodes; i++)
		if (strcasecmp(cf->nodes[i], name) == 0)
			return true;
	return false;
}

/* Logs a dropped packet, at most once per second. */
static void drop(const struct sockaddr_in *from, const char *why, const char *src)
{
	static int64_t last;
	int64_t now = fo_now_ms();
	char a[INET_ADDRSTRLEN];

	if (now - last < 1000)
		return;
	last = now;
	inet_ntop(AF_INET, &from->sin_addr, a, sizeof(a));
	fo_log("dropped a packet from %s:%u (src [%s]): %s", a, ntohs(from->sin_port),
	       src, why);
}

static void take_status(struct fo_daemon *dm, const struct hb_msg *m, const char *src)
{
	struct fo_peer *p = &dm->peer;
	char st[16] = "";
	bool was_dead = p->heard && (p->dead || p->gone);

	hb_msg_get_str(m, HB_F_STATUS, st, sizeof(st));
	if (!p->heard || p->dead || strcmp(p->status, st) != 0)
		fo_log("Status update for node %s: status %s%s", src, st,
		       p->heard && p->dead ? " (returning)" : "");
	if (strcmp(st, HB_ST_ACTIVE) == 0 && (strcmp(p->status, st) != 0 || !p->heard))
		p->active_ms = fo_now_ms();
	snprintf(p->status, sizeof(p->status), "%s", st);
	p->heard = true;
	p->warned = false;
	p->last_ms = fo_now_ms();
	if (strcmp(st, HB_ST_DEAD) == 0) {
		/* it stopped and released */
		if (!p->dead)
			fo_role_peer_dead(dm);
		p->dead = true;
		p->held = 0;
		p->rsc = HB_RSC_NONE;
	} else {
		p->dead = false;
		if (was_dead && !p->gone)
			fo_role_peer_back(dm);
	}
	fo_role_eval(dm);
}

/* NS_rexmit for us: firstseq..lastseq, decimal (hb_rexmit.c). */
static void take_rexmit(struct fo_daemon *dm, const struct hb_msg *m, const char *src)
{
	char a[24], b[24], *end;
	unsigned long first, last;

	if (hb_msg_get_str(m, HB_F_FIRSTSEQ, a, sizeof(a)) ||
	    hb_msg_get_str(m, HB_F_LASTSEQ, b, sizeof(b)))
		return;
	first = strtoul(a, &end, 10);
	if (*end || !first)
		return;
	last = strtoul(b, &end, 10);
	if (*end)
		return;
	fo_tx_rexmit(dm, src, first, last);
}

/* It no longer has one we asked for. */
static void take_nak(struct fo_daemon *dm, const struct hb_msg *m)
{
	struct fo_seqstate *st = &dm->peer.ord;
	unsigned long seq;

	if (hb_msg_get_hex(m, HB_F_FIRSTSEQ, &seq))
		return;
	for (unsigned i = 0; i < st->nmiss; i++)
		if (st->miss[i] == seq) {
			fo_log("ERROR: Irretrievably lost packet: node %s seq %lu", dm->peer.name, seq);
			fo_order_forget(st, i);
			return;
		}
}

/* A real heartbeat that heard another message of ours before a
 * heartbeat (its flow control still on) asks for the node list, every
 * second, and stays "up" without its resources until it has it: answer
 * as heartbeat's HBDoMsg_T_REQNODES does. */
static void take_reqnodes(struct fo_daemon *dm, const char *src)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, true);

	fo_log("node %s asks for the node list (reqnodes): answering repnodes", src);
	hb_msg_init(&m);
	if (hb_msg_repnodes(&m, src, (const char (*)[64])dm->cfg.hacf.nodes, dm->cfg.hacf.nnodes,
			    &c) == 0)
		fo_tx_send(dm, &m, c.seq);
}

/* NULL if taken or silently ignored, else why it was dropped. */
static const char *handle(struct fo_daemon *dm, const uint8_t *buf, size_t len,
			  struct hb_ctrl_in *in)
{
	static struct hb_msg m;
	bool to_us;
	enum fo_order o;
	int r;

	if ((r = hb_msg_decode_verify(buf, len, &dm->cfg.keys, &m)))
		return r == -EACCES || r == -ENOKEY ? "bad authentication" : "malformed";
	if (hb_msg_ctrl_parse(&m, in))
		return "missing from/ts/type/seq";
	if (strcasecmp(in->src, dm->self) == 0)
		return NULL;		/* our own, back through bcast/mcast/ucast */
	if (!is_node(&dm->cfg.hacf, in->src))
		return "bad node in message";
	to_us = !in->dest[0] || strcasecmp(in->dest, dm->self) == 0;
	if (!in->has_seq) {
		if (to_us && strcmp(in->type, HB_T_REXMIT) == 0)
			take_rexmit(dm, &m, in->src);
		else if (strcmp(in->type, HB_T_NAKREXMIT) == 0)
			take_nak(dm, &m);
		return NULL;		/* NS_ackmsg: nothing to do */
	}
	/* Every sequenced message shares the sender's one counter, whoever
	 * it is for (should_drop_message tracks them all). */
	o = fo_order_check(&dm->peer.ord, in->has_gen ? in->hg : 0, in->seq);
	if (o == FO_ORD_REPLAY)
		return "attempted replay attack (old generation)";
	if (o == FO_ORD_DUP)
		return "duplicate or old sequence number";
	if (o == FO_ORD_GAP && dm->debug && dm->peer.ord.nmiss)
		fo_log("%u lost packet(s) for [%s] [%lu:%lu]", dm->peer.ord.nmiss, in->src,
		       dm->peer.ord.miss[0], in->seq);
	else if (o == FO_ORD_GAP && dm->debug)
		fo_log("packets lost for [%s] before %lu: too many to ask for", in->src, in->seq);
	if (o == FO_ORD_LATE && dm->debug)
		fo_log("late packet %lu from [%s] taken%s", in->seq, in->src,
		       dm->peer.ord.nmiss ? "" : ": no packets missing");
	snprintf(dm->peer.name, sizeof(dm->peer.name), "%s", in->src);
	if (o == FO_ORD_RESTART) {
		fo_log("Heartbeat restart on node %s (generation %lu)", in->src, dm->peer.ord.hg);
		fo_role_peer_reset(dm);
	}
	if (!to_us)
		return NULL;
	if (strcmp(in->type, HB_T_STATUS) == 0)
		take_status(dm, &m, in->src);
	else if (strcmp(in->type, HB_T_REQNODES) == 0)
		take_reqnodes(dm, in->src);
	else
		fo_role_on_msg(dm, in->type, &m);
	return NULL;
}

void fo_link_on_rx(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t buf[HB_MSG_MAXWIRE];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	(void)ev;
	for (int i = 0; i < 64; i++) {
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n <= 0)
			return;
		struct hb_ctrl_in in = { .src = "?" };
		const char *why = handle(arg, buf, (size_t)n, &in);

		if (why)
			drop(&from, why, in.src);
		fl = sizeof(from);
	}
}
