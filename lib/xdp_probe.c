// SPDX-License-Identifier: GPL-2.0
/*
 * The facts xdp_mode.c judges, asked of the kernel: which interfaces the
 * program would send frames out of (the attach interface, the real
 * servers' routes), and for each whether it is a veth, whether the veth's
 * peer runs a native XDP program (rtnetlink: IFLA_LINK and
 * IFLA_LINK_NETNSID name the peer, IFLA_XDP_DRV_PROG_ID its program) and
 * the device's xdp-features (the "netdev" generic netlink family, Linux
 * 6.3; without it those facts stay unknown).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>
#include "internal.h"

/* include/uapi/linux/netdev.h, absent from older userspace headers. */
#define NETDEV_GENL_NAME          "netdev"
#define NETDEV_GENL_CMD_DEV_GET   1
#define NETDEV_GENL_A_IFINDEX     1
#define NETDEV_GENL_A_XDP_FEATURES 3
#define NETDEV_GENL_XDP_BASIC     (1ULL << 0)
#define NETDEV_GENL_XDP_NDO_XMIT  (1ULL << 2)

struct link_info {
	char name[IF_NAMESIZE], kind[16];
	uint32_t link;          /* IFLA_LINK: a veth's peer's ifindex */
	int32_t link_nsid;      /* its namespace, -1: ours */
	uint32_t drv_prog;      /* IFLA_XDP_DRV_PROG_ID */
};

static int xdp_attr_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_get_type(a) == IFLA_XDP_DRV_PROG_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		li->drv_prog = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int info_attr_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_STRING) >= 0)
		snprintf(li->kind, sizeof(li->kind), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct link_info *li = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_STRING) >= 0)
			snprintf(li->name, sizeof(li->name), "%s",
				 mnl_attr_get_str(a));
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			li->link = mnl_attr_get_u32(a);
		break;
	case IFLA_LINK_NETNSID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			li->link_nsid = (int32_t)mnl_attr_get_u32(a);
		break;
	case IFLA_LINKINFO:
		return mnl_attr_parse_nested(a, info_attr_cb, data);
	case IFLA_XDP:
		return mnl_attr_parse_nested(a, xdp_attr_cb, data);
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, data);
}

/* Interface ifindex of namespace nsid (as this namespace numbers it; -1:
 * this one). */
static int link_get(uint32_t ifindex, int32_t nsid, struct link_info *li)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (nsid >= 0)
		mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (uint32_t)nsid);
	memset(li, 0, sizeof(*li));
	li->link_nsid = -1;
	return nl_talk(NETLINK_ROUTE, nlh, link_cb, li);
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
}

static struct nlmsghdr *genl_msg(char *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static int features_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NETDEV_GENL_A_XDP_FEATURES &&
	    mnl_attr_validate(a, MNL_TYPE_U64) >= 0)
		*(uint64_t *)data = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int features_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), features_attr_cb,
			      data);
}

/* The netdev family's xdp-features of ifindex; -errno if the kernel has
 * no such family (before 6.3). */
static int xdp_features(uint32_t ifindex, uint64_t *features)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint16_t family = 0;
	int rc;

	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NETDEV_GENL_NAME);
	rc = nl_talk(NETLINK_GENERIC, nlh, family_cb, &family);
	if (rc)
		return rc;
	if (!family)
		return -ENOENT;
	nlh = genl_msg(buf, family, NETDEV_GENL_CMD_DEV_GET);
	mnl_attr_put_u32(nlh, NETDEV_GENL_A_IFINDEX, ifindex);
	*features = 0;
	return nl_talk(NETLINK_GENERIC, nlh, features_cb, features);
}

static int link_facts(struct xlvs_xdp_link *l)
{
	struct link_info li, peer;
	uint64_t f;
	int rc;

	rc = link_get(l->ifindex, -1, &li);
	if (rc)
		return rc;
	snprintf(l->name, sizeof(l->name), "%s", li.name);
	l->veth = !strcmp(li.kind, "veth");
	l->peer_prog = -1;
	if (l->veth && li.link && !link_get(li.link, li.link_nsid, &peer)) {
		snprintf(l->peer, sizeof(l->peer), "%s", peer.name);
		l->peer_prog = peer.drv_prog != 0;
	}
	l->native = l->ndo_xmit = -1;
	if (!xdp_features(l->ifindex, &f)) {
		l->native = !!(f & NETDEV_GENL_XDP_BASIC);
		l->ndo_xmit = !!(f & NETDEV_GENL_XDP_NDO_XMIT);
	}
	return 0;
}

static size_t link_add(struct xlvs_xdp_link *links, size_t n, uint32_t ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (links[i].ifindex == ifindex)
			return n;
	if (n == XLVS_XDP_LINKS_MAX)
		return n;
	memset(&links[n], 0, sizeof(links[n]));
	links[n].ifindex = ifindex;
	return n + 1;
}

int xlvs_xdp_probe(const char *ifname, const struct xlvs_endpoint *servers,
		   size_t nservers, struct xlvs_xdp_link *links, size_t *n)
{
	unsigned int ifindex = if_nametoindex(ifname);
	size_t count = 1;
	uint32_t oif;
	int rc;

	if (!ifindex)
		return -ENODEV;
	memset(&links[0], 0, sizeof(links[0]));
	links[0].ifindex = ifindex;
	links[0].attach = true;
	/* No server yet: they will most likely share the attach interface's
	 * LAN, as in the seed's layout, so judge XDP_TX out of it. */
	links[0].tx = nservers == 0;
	for (size_t i = 0; i < nservers && i < XLVS_XDP_SERVERS_MAX; i++) {
		/* No route, or our own address: nothing leaves for it. */
		if (route_oif(servers[i].af, servers[i].addr, &oif) || !oif)
			continue;
		if (oif == ifindex)
			links[0].tx = true;
		else
			count = link_add(links, count, oif);
	}
	for (size_t i = 0; i < count; i++) {
		rc = link_facts(&links[i]);
		if (rc)
			return rc;
	}
	*n = count;
	return 0;
}
