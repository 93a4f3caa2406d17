/* What comes in on the links: decoded, its token verified with our
 * authkeys, its sender a configured node other than us, its (generation,
 * seq) newer than what we took last (hb_order.c).  Everything else is
 * dropped, and logged once per cause and sender so a flood cannot fill
 * the log. */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
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

static void take_status(struct fo_daemon *dm, const struct hb_msg *m, const char *src,
			enum fo_order o)
{
	struct fo_peer *p = &dm->peer;
	char holds[4] = "0", failed[4] = "0", st[16] = "";

	hb_msg_get_str(m, HB_F_STATUS, st, sizeof(st));
	hb_msg_get_str(m, FO_F_HOLDS, holds, sizeof(holds));
	hb_msg_get_str(m, FO_F_FAILED, failed, sizeof(failed));
	if (o == FO_ORD_RESTART)
		fo_log("Heartbeat restart on node %s (generation %lu)", src, p->ord.hg);
	if (!p->heard || p->dead || strcmp(p->status, st) != 0)
		fo_log("Status update for node %s: status %s%s", src, st,
		       p->dead ? " (returning)" : "");
	snprintf(p->name, sizeof(p->name), "%s", src);
	snprintf(p->status, sizeof(p->status), "%s", st);
	p->holds = strcmp(holds, "1") == 0;
	if (strcmp(failed, "1") == 0 && !p->failed)
		fo_log("node %s: its resources failed to start: we may take them", src);
	else if (strcmp(failed, "1") != 0 && p->failed)
		fo_log("node %s: its resources may start again", src);
	p->failed = strcmp(failed, "1") == 0;
	p->heard = true;
	p->dead = strcmp(st, HB_ST_DEAD) == 0;	/* it stopped and released */
	p->warned = false;
	if (p->dead)
		p->holds = false;
	p->last_ms = fo_now_ms();
	fo_role_eval(dm);
}

/* NULL if taken or silently ignored, else why it was dropped. */
static const char *handle(struct fo_daemon *dm, const uint8_t *buf, size_t len,
			  struct hb_ctrl_in *in)
{
	static struct hb_msg m;
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
	if (!in->has_seq || strcmp(in->type, HB_T_STATUS) != 0)
		return NULL;		/* only heartbeats matter here */
	o = fo_order_check(&dm->peer.ord, in->has_gen ? in->hg : 0, in->seq);
	if (o == FO_ORD_REPLAY)
		return "attempted replay attack (old generation)";
	if (o == FO_ORD_DUP)
		return "duplicate or old sequence number";
	if (in->dest[0] && strcasecmp(in->dest, dm->self) != 0)
		return NULL;
	take_status(dm, &m, in->src, o);
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
