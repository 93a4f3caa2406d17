// SPDX-License-Identifier: GPL-2.0
/*
 * One netlink request and its answers, for the library's rtnetlink
 * (neigh.c, xdp_probe.c) and generic netlink (xdp_probe.c) questions.
 */
#include <errno.h>
#include <time.h>
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
