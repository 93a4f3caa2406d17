/* The heartbeat links: one UDP socket per ha.cf medium (bcast, mcast,
 * ucast on udpport), our status sent on all of them every keepalive, and
 * what comes in decoded, verified and ordered as heartbeat 3.0.6 does
 * (heartbeat.md A.6, A.7).  Nobody filters by source address: a packet's
 * sender is its `src` field, trusted only after its token checks. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "internal.h"
#include "hb_fields.h"

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

static int open_one(const struct fo_media *m)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(m->port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (m->kind == FO_MEDIA_BCAST)
		setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	if (m->dev[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, m->dev, strlen(m->dev)) < 0)
		goto fail;
	if (m->kind == FO_MEDIA_MCAST) {
		struct ip_mreqn mr = { .imr_multiaddr = m->addr,
				       .imr_ifindex = (int)if_nametoindex(m->dev) };
		int ttl = m->ttl, loop = m->loop;

		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0)
			goto fail;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop));
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

void fo_link_on_rx(evutil_socket_t fd, short ev, void *arg);

int fo_link_open(struct fo_daemon *dm)
{
	const struct fo_hacf *cf = &dm->cfg.hacf;

	for (unsigned i = 0; i < FO_MAXSOCK; i++)
		dm->sock[i] = -1;
	for (unsigned i = 0; i < cf->nmedia; i++) {
		int fd = open_one(&cf->media[i]);

		if (fd < 0) {
			fo_log("medium %u (%s): %s", i, cf->media[i].dev, strerror(-fd));
			return fd;
		}
		dm->sock[i] = fd;
		/* As heartbeat, a ucast line for our own address sends nothing:
		 * one ha.cf, both peers' addresses, serves both nodes. */
		dm->no_tx[i] = cf->media[i].kind == FO_MEDIA_UCAST &&
			       addr_is_local(4, (const uint8_t *)&cf->media[i].addr) == 1;
		dm->rx[i] = event_new(dm->base, fd, EV_READ | EV_PERSIST, fo_link_on_rx, dm);
		if (!dm->rx[i] || event_add(dm->rx[i], NULL))
			return -ENOMEM;
	}
	return 0;
}

void fo_link_close(struct fo_daemon *dm)
{
	for (unsigned i = 0; i < dm->cfg.hacf.nmedia && i < FO_MAXSOCK; i++) {
		if (dm->rx[i])
			event_free(dm->rx[i]);
		dm->rx[i] = NULL;
		if (dm->sock[i] >= 0)
			close(dm->sock[i]);
		dm->sock[i] = -1;
	}
}

static int build_status(struct fo_daemon *dm, uint8_t *out, size_t cap, size_t *len)
{
	static struct hb_msg m;
	struct hb_ctrl c = { .src = dm->self, .seq = ++dm->seq, .hg = dm->hg,
			     .ts = (unsigned long)time(NULL), .ttl = 3 };
	int r;

	hb_msg_init(&m);
	if ((r = hb_msg_status(&m, dm->stopping ? HB_ST_DEAD : HB_ST_ACTIVE, (unsigned long)dm->cfg.hacf.deadtime_ms,
			       false, &c)) ||
	    (r = hb_msg_add_str(&m, FO_F_HOLDS, dm->holds ? "1" : "0")))
		return r;
	if (dm->run.failures && !dm->holds && (r = hb_msg_add_str(&m, FO_F_FAILED, "1")))
		return r;
	return hb_msg_encode(&m, &dm->cfg.keys, dm->cfg.keys.active, out, cap, len);
}

void fo_link_send_status(struct fo_daemon *dm)
{
	const struct fo_hacf *cf = &dm->cfg.hacf;
	uint8_t buf[2048];
	size_t len;
	int r;

	if ((r = build_status(dm, buf, sizeof(buf), &len))) {
		fo_log("cannot build a heartbeat: %s", strerror(-r));
		return;
	}
	for (unsigned i = 0; i < cf->nmedia; i++) {
		const struct fo_media *m = &cf->media[i];
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(m->port),
					  .sin_addr = m->addr };

		if (dm->no_tx[i])
			continue;
		if (m->kind == FO_MEDIA_BCAST)
			to.sin_addr = dev_bcast(m->dev);
		if (sendto(dm->sock[i], buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
		    dm->debug && errno != EAGAIN)
			fo_log("send on %s: %s", m->dev, strerror(errno));
	}
}
