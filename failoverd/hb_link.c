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
#include <unistd.h>

#include "daemon.h"
#include "internal.h"
#include "hb_fields.h"

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
