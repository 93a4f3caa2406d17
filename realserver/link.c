// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include "internal.h"
#include "link.h"

static int addr_msg(bool add, const struct decap_vip *v)
{
	struct nl_addr a = {
		.family = v->family == 6 ? AF_INET6 : AF_INET,
		.prefix = v->family == 6 ? 128 : 32,
		.ifindex = if_nametoindex("lo"),
		.addr = v->addr,
		.flags = v->family == 6 ? IFA_F_NODAD : 0,
	};

	if (!a.ifindex)
		return -ENODEV;
	return add ? nl_addr_add(&a) : nl_addr_del(&a);
}

int rs_lo_addr_add(const struct decap_vip *v)
{
	return addr_msg(true, v);
}

int rs_lo_addr_del(const struct decap_vip *v)
{
	return addr_msg(false, v);
}

int rs_lo_addr_has(const struct decap_vip *v)
{
	struct ifaddrs *all, *i;
	int found = 0;

	if (getifaddrs(&all))
		return -errno;
	for (i = all; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, "lo"))
			continue;
		if (v->family == 4 && i->ifa_addr->sa_family == AF_INET)
			found = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr,
					v->addr, 4);
		if (v->family == 6 && i->ifa_addr->sa_family == AF_INET6)
			found = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
					v->addr, 16);
	}
	freeifaddrs(all);
	return found;
}

int rs_link_set_up(const char *dev, bool up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	unsigned int idx = if_nametoindex(dev);

	if (!idx)
		return -ENODEV;
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)idx;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

static int link_flags(int sock, const char *dev, short *flags)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr))
		return -errno;
	*flags = ifr.ifr_flags;
	return 0;
}

int rs_link_is_up(const char *dev)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;
	short flags = 0;

	if (sock < 0)
		return -errno;
	rc = link_flags(sock, dev, &flags);
	close(sock);
	if (rc)
		return rc == -ENXIO ? -ENODEV : rc;
	return !!(flags & IFF_UP);
}

int rs_links_up(char (*names)[16], unsigned int max)
{
	struct if_nameindex *all = if_nameindex(), *i;
	int sock, n = 0;
	short flags;

	if (!all)
		return -errno;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		n = -errno;
		goto out;
	}
	for (i = all; i->if_index && (unsigned int)n < max; i++) {
		if (link_flags(sock, i->if_name, &flags) ||
		    !(flags & IFF_UP) || (flags & IFF_LOOPBACK))
			continue;
		snprintf(names[n++], 16, "%s", i->if_name);
	}
	close(sock);
out:
	if_freenameindex(all);
	return n;
}
