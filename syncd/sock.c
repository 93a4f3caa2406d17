// SPDX-License-Identifier: GPL-2.0
/*
 * The multicast sockets, set up as the kernel's make_send_sock and
 * make_receive_sock set up theirs: the master's sends from the interface's
 * address to the group, without loopback, with the TTL asked for and
 * fragmentation allowed (IP_PMTUDISC_DONT); the backup's is bound to the
 * group and port on the interface alone and joins the group there.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "syncd.h"

static socklen_t group_addr(const struct syncd_conf *c, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (c->d.group_af == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(c->d.port);
		memcpy(&s6->sin6_addr, c->d.group, 16);
		s6->sin6_scope_id = c->ifindex;
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(c->d.port);
	memcpy(&s4->sin_addr, c->d.group, 4);
	return sizeof(*s4);
}

/* bind_mcastif_addr: the interface's first IPv4 address. */
static int bind_if_addr(int fd, const char *ifname)
{
	struct ifaddrs *ifa, *i;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int rc = -EADDRNOTAVAIL;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    !strcmp(i->ifa_name, ifname)) {
			sin.sin_addr = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			rc = 0;
			break;
		}
	freeifaddrs(ifa);
	if (rc)
		return rc;
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

int sock_master(const struct syncd_conf *c)
{
	struct sockaddr_storage ss;
	socklen_t len = group_addr(c, &ss);
	int fd = socket(c->d.group_af == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int zero = 0, ttl = c->d.ttl, dont = IP_PMTUDISC_DONT, rc = 0;

	if (fd < 0)
		return -errno;
	if (c->d.group_af == 6) {
		int idx = (int)c->ifindex;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &dont, sizeof(dont)))
			rc = -errno;
	} else {
		struct ip_mreqn mr = { .imr_ifindex = (int)c->ifindex };
		unsigned char t = (unsigned char)ttl, loop = 0;

		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof(t)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont, sizeof(dont)))
			rc = -errno;
		if (!rc)
			rc = bind_if_addr(fd, c->d.ifname);
	}
	if (!rc && connect(fd, (struct sockaddr *)&ss, len))
		rc = -errno;
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int sock_backup(const struct syncd_conf *c)
{
	struct sockaddr_storage ss;
	socklen_t len = group_addr(c, &ss);
	int fd = socket(c->d.group_af == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1, rc = 0;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->d.ifname, strlen(c->d.ifname)) ||
	    bind(fd, (struct sockaddr *)&ss, len))
		rc = -errno;
	if (!rc && c->d.group_af == 6) {
		struct ipv6_mreq mr = { .ipv6mr_interface = c->ifindex };

		memcpy(&mr.ipv6mr_multiaddr, c->d.group, 16);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))
			rc = -errno;
	} else if (!rc) {
		struct ip_mreqn mr = { .imr_ifindex = (int)c->ifindex };

		memcpy(&mr.imr_multiaddr, c->d.group, 4);
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
			rc = -errno;
	}
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int sock_mtu(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCGIFMTU, &ifr) ? -errno : ifr.ifr_mtu;
	close(fd);
	return rc;
}
