// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping real servers' link addresses resolved.  Direct routing needs the
 * real server's MAC from the very first packet, and the XDP program only
 * reads the kernel's neighbour table (bpf_fib_lookup), which fills on
 * traffic.  A "managed" neighbour entry (NTF_EXT_MANAGED, Linux 5.16) makes
 * the kernel resolve the address at once and keep it fresh, following MAC
 * changes, with no traffic of ours.
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
	uint8_t addr[4];
	uint8_t type;           /* rtm_type: RTN_LOCAL for our own address */
};

static int route_attr_cb(const struct nlattr *a, void *data)
{
	struct nexthop *nh = data;

	if (mnl_attr_get_type(a) == RTA_OIF &&
	    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		nh->oif = mnl_attr_get_u32(a);
	if (mnl_attr_get_type(a) == RTA_GATEWAY &&
	    mnl_attr_get_payload_len(a) == 4)
		memcpy(nh->addr, mnl_attr_get_payload(a), 4);
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nexthop *nh = data;

	nh->type = rtm->rtm_type;
	return mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr_cb, data);
}

static int nexthop_of(const uint8_t addr[4], struct nexthop *nh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int rc;

	nlh->nlmsg_type = RTM_GETROUTE;
	/* The ack ends the exchange; without it nl_talk would wait on. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put(nlh, RTA_DST, 4, addr);
	memset(nh, 0, sizeof(*nh));
	memcpy(nh->addr, addr, 4);
	rc = nl_talk(nlh, route_cb, nh);
	if (!rc && !nh->oif)
		rc = -ENETUNREACH;
	return rc;
}

/* IPVS forwards to a real server whose address is the director's own as
 * LOCALNODE (inet_addr_type() == RTN_LOCAL); so does xlvs.  The kernel's
 * answer to "the route to addr" says: type RTN_LOCAL, through lo. */
int addr_is_local(const uint8_t addr[4])
{
	struct nexthop nh;
	int rc = nexthop_of(addr, &nh);

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
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = nh->oif;
	ndm->ndm_state = state;
	mnl_attr_put(nlh, NDA_DST, 4, nh->addr);
	return nlh;
}

static int neigh_get(const struct nexthop *nh, struct neigh_entry *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int rc;

	memset(e, 0, sizeof(*e));
	rc = nl_talk(neigh_msg(buf, RTM_GETNEIGH, 0, nh, 0), neigh_cb, e);
	return rc == -ENOENT ? 0 : rc;
}

/*
 * An administrator's static entry (permanent or noarp) is left as it is.
 * Otherwise the entry becomes managed; a MAC already known is kept (as
 * STALE, so the kernel re-checks it) so no packet waits for resolution.
 */
int neigh_keep_resolved(const uint8_t addr[4])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct neigh_entry e;
	struct nexthop nh;
	struct nlmsghdr *nlh;
	int rc;

	rc = nexthop_of(addr, &nh);
	if (!rc)
		rc = neigh_get(&nh, &e);
	if (rc)
		return rc;
	if (e.found && ((e.state & (NUD_PERMANENT | NUD_NOARP)) ||
			(e.flags_ext & NTF_EXT_MANAGED)))
		return 0;
	nlh = neigh_msg(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &nh,
			e.has_lladdr ? NUD_STALE : NUD_NONE);
	if (e.has_lladdr)
		mnl_attr_put(nlh, NDA_LLADDR, 6, e.lladdr);
	mnl_attr_put_u32(nlh, NDA_FLAGS_EXT, NTF_EXT_MANAGED);
	return nl_talk(nlh, NULL, NULL);
}

/* Only entries we made managed are removed; static ones stay. */
int neigh_forget(const uint8_t addr[4])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct neigh_entry e;
	struct nexthop nh;
	int rc;

	rc = nexthop_of(addr, &nh);
	if (!rc)
		rc = neigh_get(&nh, &e);
	if (rc || !e.found || !(e.flags_ext & NTF_EXT_MANAGED))
		return rc;
	return nl_talk(neigh_msg(buf, RTM_DELNEIGH, 0, &nh, 0), NULL, NULL);
}
