/* What we send: every message signed with our active key and sent on
 * every medium (heartbeat's send_to_all_media: one datagram each), the
 * sequenced ones kept so a peer that missed one can have it again.
 *
 * heartbeat asks for a sequence number it missed with NS_rexmit
 * (firstseq..lastseq, decimal), every 250 ms for as long as we are up
 * (heartbeat.md A.7): we resend the stored bytes, at most once a second
 * per message as heartbeat's process_rexmit does, or answer NS_nak_rexmit
 * for one we no longer have, which makes it give up on that number. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "daemon.h"
#include "hb_rsc.h"

#define FO_HIST 256		/* messages kept: about 50 s of heartbeats at 200 ms */
#define FO_HIST_MSG 1024	/* ours are a few hundred bytes */
#define FO_REXMIT_MAX 32	/* seqs answered per request */

struct fo_txhist {
	unsigned long seq[FO_HIST];	/* 0: empty */
	int64_t last_rexmit[FO_HIST];
	uint16_t len[FO_HIST];
	uint8_t buf[FO_HIST][FO_HIST_MSG];
};

/* The broadcast address of dev, as heartbeat's bcast medium sends to; if
 * the address was added without one (iproute2's default: getifaddrs then
 * gives the address itself), its subnet's. */
static struct in_addr dev_bcast(const char *dev)
{
	struct in_addr a = { htonl(INADDR_BROADCAST) };
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) < 0)
		return a;
	for (i = ifa; i; i = i->ifa_next) {
		uint32_t b = 0, own;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    !(i->ifa_flags & IFF_BROADCAST) || strcmp(i->ifa_name, dev) != 0)
			continue;
		own = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		if (i->ifa_broadaddr)
			b = ((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr.s_addr;
		if ((!b || b == own) && i->ifa_netmask)
			b = own | ~((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr;
		if (b)
			a.s_addr = b;
		break;
	}
	freeifaddrs(ifa);
	return a;
}

static void send_all(struct fo_daemon *dm, const uint8_t *buf, size_t len)
{
	const struct fo_hacf *cf = &dm->cfg.hacf;

	for (unsigned i = 0; i < cf->nmedia; i++) {
		const struct fo_media *m = &cf->media[i];
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(m->port),
					  .sin_addr = m->addr };

		if (dm->no_tx[i] || dm->sock[i] < 0)
			continue;
		if (m->kind == FO_MEDIA_BCAST)
			to.sin_addr = dev_bcast(m->dev);
		if (sendto(dm->sock[i], buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
		    dm->debug && errno != EAGAIN)
			fo_log("send on %s: %s", m->dev, strerror(errno));
	}
}

struct hb_ctrl fo_tx_ctrl(struct fo_daemon *dm, bool sequenced)
{
	return (struct hb_ctrl){ .src = dm->self, .seq = sequenced ? ++dm->seq : 0, .hg = dm->hg,
				 .ts = (unsigned long)time(NULL), .ttl = 3 };
}

int fo_tx_send(struct fo_daemon *dm, const struct hb_msg *m, unsigned long seq)
{
	uint8_t buf[FO_HIST_MSG];
	size_t len;
	int r;

	if ((r = hb_msg_encode(m, &dm->cfg.keys, dm->cfg.keys.active, buf, sizeof(buf), &len))) {
		fo_log("cannot build a message: %s", strerror(-r));
		return r;
	}
	if (seq) {
		if (!dm->hist && !(dm->hist = calloc(1, sizeof(*dm->hist))))
			return -ENOMEM;
		unsigned s = seq % FO_HIST;

		dm->hist->seq[s] = seq;
		dm->hist->last_rexmit[s] = 0;
		dm->hist->len[s] = (uint16_t)len;
		memcpy(dm->hist->buf[s], buf, len);
	}
	send_all(dm, buf, len);
	return 0;
}

static void nak(struct fo_daemon *dm, const char *to, unsigned long seq)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, false);

	hb_msg_init(&m);
	if (hb_msg_nakrexmit(&m, to, seq, "seqno not found", &c) == 0)
		fo_tx_send(dm, &m, 0);
}

void fo_tx_rexmit(struct fo_daemon *dm, const char *to, unsigned long first, unsigned long last)
{
	int64_t now = fo_now_ms();

	if (last < first || last - first >= FO_REXMIT_MAX)
		last = first + FO_REXMIT_MAX - 1;
	for (unsigned long seq = first; seq <= last && seq; seq++) {
		unsigned s = seq % FO_HIST;

		if (seq > dm->seq)
			break;		/* not sent yet: nothing to answer */
		if (!dm->hist || dm->hist->seq[s] != seq) {
			fo_log("Cannot rexmit pkt %lu for %s: seqno not found", seq, to);
			nak(dm, to, seq);
			continue;
		}
		if (dm->hist->last_rexmit[s] && now - dm->hist->last_rexmit[s] < 1000)
			continue;
		dm->hist->last_rexmit[s] = now;
		if (dm->debug)
			fo_log("retransmitting packet %lu for %s", seq, to);
		send_all(dm, dm->hist->buf[s], dm->hist->len[s]);
	}
}

/* The peer's numbers we missed, asked for again (heartbeat asks every
 * max_rexmit_delay, 250 ms), each at most FO_REXMIT_TRIES times. */
void fo_tx_request_missing(struct fo_daemon *dm)
{
	static struct hb_msg m;
	struct fo_seqstate *st = &dm->peer.ord;

	for (unsigned i = 0; i < st->nmiss;) {
		struct hb_ctrl c = fo_tx_ctrl(dm, false);

		if (st->tries[i] >= FO_REXMIT_TRIES) {
			fo_log("ERROR: Irretrievably lost packet: node %s seq %lu", dm->peer.name,
			       st->miss[i]);
			fo_order_forget(st, i);
			continue;
		}
		st->tries[i]++;
		hb_msg_init(&m);
		if (hb_msg_rexmit(&m, dm->peer.name, st->miss[i], &c) == 0)
			fo_tx_send(dm, &m, 0);
		i++;
	}
}

void fo_tx_free(struct fo_daemon *dm)
{
	free(dm->hist);
	dm->hist = NULL;
}

/* A heartbeat: status, without protocol=1, so a real heartbeat turns its
 * flow control off for us (no acks, no reqnodes to answer, A.8). */
void fo_link_send_status(struct fo_daemon *dm)
{
	static struct hb_msg m;
	struct hb_ctrl c = fo_tx_ctrl(dm, true);

	hb_msg_init(&m);
	if (hb_msg_status(&m, dm->stopping ? HB_ST_DEAD : HB_ST_ACTIVE,
			  (unsigned long)dm->cfg.hacf.deadtime_ms, false, &c) == 0)
		fo_tx_send(dm, &m, c.seq);
}
