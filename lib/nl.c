// SPDX-License-Identifier: GPL-2.0
/*
 * One netlink request and its answers, for the library's rtnetlink
 * (neigh.c, xdp_probe.c) and generic netlink (xdp_probe.c) questions;
 * and the address requests the daemons share (xlvs-realserver's VIP on
 * lo, xlvs-failoverd's haresources addresses).
 */
#include <errno.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include "internal.h"

/* Send one request on bus (NETLINK_ROUTE, NETLINK_GENERIC) and read its
 * answers through cb until the ack (the request must ask for one:
 * NLM_F_ACK) or an error ends the exchange. */
int nl_talk(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(bus);
	unsigned int seq = (unsigned int)time(NULL), portid;
	int rc = 0;
	ssize_t n;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			rc = -errno;
			break;
		}
		n = mnl_cb_run(buf, n, seq, portid, cb, data);
		if (n < 0)
			rc = -errno;
	} while (n > 0);
out:
	mnl_socket_close(nl);
	return rc;
}

/* One address request, as `ip addr add|del` sends it (scope global). */
static int nl_addr_msg(int type, int flags, const struct nl_addr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	size_t alen = a->family == AF_INET6 ? 16 : 4;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = a->ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, a->addr);
	if (type == RTM_NEWADDR) {
		if (a->bcast)
			mnl_attr_put(nlh, IFA_BROADCAST, 4, a->bcast);
		if (a->label)
			mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
		if (a->flags) {
			ifa->ifa_flags = (uint8_t)a->flags;
			mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
		}
	}
	return nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

int nl_addr_add(const struct nl_addr *a)
{
	return nl_addr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, a);
}

int nl_addr_del(const struct nl_addr *a)
{
	return nl_addr_msg(RTM_DELADDR, 0, a);
}
