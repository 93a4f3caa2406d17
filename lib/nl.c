// SPDX-License-Identifier: GPL-2.0
/*
 * One rtnetlink exchange: the request, its answers, the ack.  Shared by
 * the neighbour code (lib/neigh.c) and xlvs-realserver's addresses.
 */
#include <errno.h>
#include <time.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include "internal.h"

/* Send one request and read its answers (and the ack) through cb. */
int nl_talk(struct nlmsghdr *nlh, nl_cb_fn cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
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
