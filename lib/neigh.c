// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping real servers' link addresses resolved.  Direct routing needs the
 * real server's MAC from the very first packet, and the XDP program only
 * reads the kernel's neighbour table (bpf_fib_lookup), which fills on
 * traffic.  A "managed" neighbour entry (NTF_EXT_MANAGED, Linux 5.16) makes
 * the kernel resolve the address at once and keep it fresh, following MAC
 * changes, with no traffic of ours.  For IPv6 it is the same through NDP:
 * the neighbour table of AF_INET6, the route's 16-byte gateway.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include "internal.h"

struct nexthop {
	uint32_t oif;
	uint8_t af;             /* 4 or 6 */
	uint8_t addr[16];       /* the gateway, or the address itself */
	uint8_t type;           /* rtm_type: RTN_LOCAL for our own address */
};

static int family_of(uint8_t af)
{
	return af == 6 ? AF_INET6 : AF_INET;
}

static size_t addr_len(uint8_t af)
{
	return af == 6 ? 16 : 4;
}

static int route_attr_cb(const struct nlattr *a, void *data)
{
	struct nexthop *nh = data;

	if (mnl_attr_get_type(a) == RTA_OIF &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		nh->oif = mnl_attr_get_u32(a);
	if (mnl_attr_get_type(a) == RTA_GATEWAY &&
	    mnl_attr_get_payload_len(a) == addr_len(nh->af))
		memcpy(nh->addr, mnl_attr_get_payload(a), addr_len(nh->af));
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nexthop *nh = data;

	nh->type = rtm->rtm_type;
	return mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr_cb, data);
}

static int nexthop_of(uint8_t af, const uint8_t *addr, struct nexthop *nh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int rc;

	nlh->nlmsg_type = RTM_GETROUTE;
	/* The ack ends the exchange; without it nl_talk would wait on. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family_of(af);
	rtm->rtm_dst_len = (uint8_t)(8 * addr_len(af));
	mnl_attr_put(nlh, RTA_DST, addr_len(af), addr);
	memset(nh, 0, sizeof(*nh));
	nh->af = af;
	memcpy(nh->addr, addr, addr_len(af));
	rc = nl_talk(NETLINK_ROUTE, nlh, route_cb, nh);
	if (!rc && !nh->oif)
		rc = -ENETUNREACH;
	return rc;
}

/* IPVS forwards to a real server whose address is the director's own as
 * LOCALNODE (inet_addr_type() == RTN_LOCAL; for IPv6
 * __ip_vs_addr_is_local_v6: the route out goes by a loopback device); so
 * does xlvs.  The kernel's answer to "the route to addr" says: type
 * RTN_LOCAL, through lo, for either family. */
int addr_is_local(uint8_t af, const uint8_t *addr)
{
	struct nexthop nh;
	int rc = nexthop_of(af, addr, &nh);

	if (rc)
		return rc == -ENETUNREACH ? 0 : rc;
	return nh.type == RTN_LOCAL;
}

/* What the kernel's neighbour table holds for one address, if anything. */
struct neigh_entry {
	bool found, has_lladdr;
	uint16_t state;
	uint32_t flags_ext;
	uint8_t lladdr[6];
};

static int neigh_attr_cb(const struct nlattr *a, void *data)
{
	struct neigh_entry *e = data;

	if (mnl_attr_get_type(a) == NDA_LLADDR &&
	    mnl_attr_get_payload_len(a) == 6) {
		memcpy(e->lladdr, mnl_attr_get_payload(a), 6);
		e->has_lladdr = true;
	}
	if (mnl_attr_get_type(a) == NDA_FLAGS_EXT &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		e->flags_ext = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_entry *e = data;
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);

	e->found = true;
	e->state = ndm->ndm_state;
	return mnl_attr_parse(nlh, sizeof(*ndm), neigh_attr_cb, data);
}

static struct nlmsghdr *neigh_msg(char *buf, int type, int flags,
				  const struct nexthop *nh, uint16_t state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (uint8_t)family_of(nh->af);
	ndm->ndm_ifindex = nh->oif;
	ndm->ndm_state = state;
	mnl_attr_put(nlh, NDA_DST, addr_len(nh->af), nh->addr);
	return nlh;
}

static int neigh_get(const struct nexthop *nh, struct neigh_entry *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int rc;

	memset(e, 0, sizeof(*e));
	rc = nl_talk(NETLINK_ROUTE, neigh_msg(buf, RTM_GETNEIGH, 0, nh, 0),
		     neigh_cb, e);
	return rc == -ENOENT ? 0 : rc;
}

/*
 * An administrator's static entry (permanent or noarp) is left as it is.
 * Otherwise the entry becomes managed; a MAC already known is kept (as
 * STALE, so the kernel re-checks it) so no packet waits for resolution.
 */
static int nh_keep(const struct nexthop *nh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct neigh_entry e;
	struct nlmsghdr *nlh;
	int rc = neigh_get(nh, &e);

	if (rc)
		return rc;
	if (e.found && ((e.state & (NUD_PERMANENT | NUD_NOARP)) ||
			(e.flags_ext & NTF_EXT_MANAGED)))
		return 0;
	nlh = neigh_msg(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, nh,
			e.has_lladdr ? NUD_STALE : NUD_NONE);
	if (e.has_lladdr)
		mnl_attr_put(nlh, NDA_LLADDR, 6, e.lladdr);
	mnl_attr_put_u32(nlh, NDA_FLAGS_EXT, NTF_EXT_MANAGED);
	return nl_talk(NETLINK_ROUTE, nlh, NULL, NULL);
}

int neigh_keep_resolved(uint8_t af, const uint8_t *addr)
{
	struct nexthop nh;
	int rc = nexthop_of(af, addr, &nh);

	return rc ? rc : nh_keep(&nh);
}

int neigh_keep_on(uint8_t af, const uint8_t *addr, uint32_t oif)
{
	struct nexthop nh = { .oif = oif, .af = af };

	memcpy(nh.addr, addr, addr_len(af));
	return nh_keep(&nh);
}

/* Only entries we made managed are removed; static ones stay. */
int neigh_forget(uint8_t af, const uint8_t *addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct neigh_entry e;
	struct nexthop nh;
	int rc;

	rc = nexthop_of(af, addr, &nh);
	if (rc)
		return rc;
	/* A server behind a gateway made the gateway's entry: other servers,
	 * the routes --attach keeps resolved (neigh_gw.c) and NAT's replies
	 * use it too.  Only a server's own entry goes, and not while it is a
	 * route's gateway itself. */
	if (memcmp(nh.addr, addr, addr_len(af)))
		return 0;
	rc = neigh_is_gateway(af, addr, nh.oif);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = neigh_get(&nh, &e);
	if (rc || !e.found || !(e.flags_ext & NTF_EXT_MANAGED))
		return rc;
	return nl_talk(NETLINK_ROUTE, neigh_msg(buf, RTM_DELNEIGH, 0, &nh, 0),
		       NULL, NULL);
}

/* The interface the kernel routes addr out of (route_oif for xdp_probe.c):
 * sets *oif (0 for one of our own addresses, which never leaves by an
 * interface); 0 or -errno (-ENETUNREACH: no route). */
int route_oif(uint8_t af, const uint8_t *addr, uint32_t *oif)
{
	struct nexthop nh;
	int rc = nexthop_of(af, addr, &nh);

	*oif = !rc && nh.type != RTN_LOCAL ? nh.oif : 0;
	return rc;
}
