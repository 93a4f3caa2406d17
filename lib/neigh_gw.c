// SPDX-License-Identifier: GPL-2.0
/*
 * The gateways of the routes out of an attached interface, kept resolved
 * as the real servers are (neigh.c).  A NAT reply, or an ICMP error the
 * program relays, goes to a client through one of them, and the XDP
 * program only reads the neighbour table: a gateway the director never
 * talked to itself (over IPv6 a router asks for the VIP from its
 * link-local address, so the director learns that one and not the address
 * its route names) would have no entry, and those packets nowhere to go
 * (pkts_no_neigh).  IPVS sends them through the kernel's routing, which
 * resolves the neighbour; xlvs asks the kernel to keep it resolved.
 * Routes added after --attach are not followed: --attach again.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include "internal.h"

#define GW_MAX 64               /* gateways kept per interface and family */

struct gw_list {
	uint32_t oif;
	uint8_t af;
	size_t n;
	uint8_t addr[GW_MAX][16];
};

struct gw_route {
	uint32_t oif, table;
	const uint8_t *gw;
};

static int gw_attr_cb(const struct nlattr *a, void *data)
{
	struct gw_route *r = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			r->oif = mnl_attr_get_u32(a);
		break;
	case RTA_TABLE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			r->table = mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		r->gw = mnl_attr_get_payload(a);
		if (mnl_attr_get_payload_len(a) != 4 && mnl_attr_get_payload_len(a) != 16)
			r->gw = NULL;
		break;
	}
	return MNL_CB_OK;
}

static int gw_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct gw_list *l = data;
	struct gw_route r = { .table = rtm->rtm_table };
	size_t len = l->af == 6 ? 16 : 4;

	if (rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), gw_attr_cb, &r);
	if (r.table != RT_TABLE_MAIN || r.oif != l->oif || !r.gw)
		return MNL_CB_OK;
	for (size_t i = 0; i < l->n; i++)
		if (!memcmp(l->addr[i], r.gw, len))
			return MNL_CB_OK;
	if (l->n < GW_MAX)
		memcpy(l->addr[l->n++], r.gw, len);
	return MNL_CB_OK;
}

static int gateways_of(struct gw_list *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = l->af == 6 ? AF_INET6 : AF_INET;
	return nl_talk(NETLINK_ROUTE, nlh, gw_route_cb, l);
}

int neigh_keep_gateways(uint32_t ifindex)
{
	struct gw_list l;
	int rc = 0;

	for (uint8_t af = 4; af <= 6; af += 2) {
		memset(&l, 0, sizeof(l));
		l.oif = ifindex;
		l.af = af;
		rc = gateways_of(&l);
		if (rc == -EAFNOSUPPORT)
			rc = 0;         /* no IPv6 in this kernel */
		for (size_t i = 0; !rc && i < l.n; i++)
			rc = neigh_keep_on(af, l.addr[i], ifindex);
		if (rc)
			break;
	}
	return rc;
}

int neigh_is_gateway(uint8_t af, const uint8_t *addr, uint32_t ifindex)
{
	struct gw_list l = { .oif = ifindex, .af = af };
	int rc = gateways_of(&l);

	if (rc)
		return rc;
	for (size_t i = 0; i < l.n; i++)
		if (!memcmp(l.addr[i], addr, af == 6 ? 16 : 4))
			return 1;
	return 0;
}
