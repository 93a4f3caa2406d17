// SPDX-License-Identifier: GPL-2.0
/*
 * What libxlvs refuses before it touches the table: whatever IPVS or
 * ipvsadm refuse (ip_vs_add_dest: weight < 0, lower threshold above the
 * upper, -ERANGE; the persistence timeout and netmask), and whatever the
 * data plane cannot carry out, so that no caller can build a table that
 * mis-forwards: address families other than IPv4 and IPv6, other
 * protocols, schedulers it has not got, tunnel settings that mean nothing.
 */
#include <errno.h>
#include <string.h>
#include "internal.h"

static int refuse(struct xlvs_conf_err *why, int err, const char *field,
		  int64_t lo, int64_t hi)
{
	if (why) {
		why->field = field;
		why->lo = lo;
		why->hi = hi;
	}
	return err;
}

/*
 * The prefix length persistence templates key clients by.  For IPv4 the
 * netmask is a mask (network order, contiguous); for IPv6 it is the prefix
 * length itself, 1..128, as IPVS's ip_vs_service_user carries it
 * (ip_vs_add_service and ip_vs_edit_service refuse others, -EINVAL).
 */
int svc_tpl_plen(const struct xlvs_service_conf *c)
{
	if (c->vip.af == 6)
		return c->netmask >= 1 && c->netmask <= 128 ? (int)c->netmask : -EINVAL;
	return xlvs_netmask_plen(c->netmask);
}

#define SVC_FLAGS_KNOWN (XLVS_SVC_F_PERSISTENT | XLVS_SVC_F_ONEPACKET | \
			 XLVS_SVC_F_SCHED1 | XLVS_SVC_F_SCHED2 | XLVS_SVC_F_SCHED3)

int xlvs_service_conf_check(const struct xlvs_service_conf *c,
			    struct xlvs_conf_err *why)
{
	bool persistent = c->flags & XLVS_SVC_F_PERSISTENT;

	refuse(why, 0, NULL, 0, 0);
	if (c->proto != IPPROTO_TCP && c->proto != IPPROTO_UDP)
		return refuse(why, -EPROTONOSUPPORT, "proto", 0, 0);
	if (c->vip.af != 4 && c->vip.af != 6)
		return refuse(why, -EAFNOSUPPORT, "af", 0, 0);
	if (strnlen(c->sched, sizeof(c->sched)) == sizeof(c->sched))
		return refuse(why, -EINVAL, "sched", 0, 0);
	if (sched_kind_of(c->sched) < 0)
		return refuse(why, -ENOENT, "sched", 0, 0);
	if (c->flags & ~SVC_FLAGS_KNOWN)
		return refuse(why, -EINVAL, "flags", 0, 0);
	/* ipvsadm: a persistent service needs 1 s to 31 days (-EINVAL, as
	 * libxlvs always said; the range is in why). */
	if (persistent && (c->timeout < 1 || c->timeout > XLVS_TIMEOUT_MAX))
		return refuse(why, -EINVAL, "timeout", 1, XLVS_TIMEOUT_MAX);
	if (svc_tpl_plen(c) < 0)
		return c->vip.af == 6 ? refuse(why, -EINVAL, "netmask", 1, 128)
				      : refuse(why, -EINVAL, "netmask", 0, 0);
	if (!c->vip.port && !persistent)
		return refuse(why, -EINVAL, "port", 0, 0);
	return 0;
}

/*
 * A tunnel's type, port and flags as ipvsadm 1.31 takes them
 * (tunnel_types_v_options) and IPVS's ip_vs_add_dest ("tunnel port is
 * zero" for GUE): ipip takes no port and no flag, gue needs its port and
 * takes one of nocsum (no flag), csum, remcsum, gre no port and nocsum or
 * csum.  Other methods have none of them.
 */
static int tun_check(const struct xlvs_dest_conf *d, struct xlvs_conf_err *why)
{
	uint8_t f = d->tun_flags;

	if (d->fwd != XLVS_FWD_TUNNEL) {
		if (d->tun_type || d->tun_port || f)
			return refuse(why, -EINVAL, "tun_type", 0, 0);
		return 0;
	}
	if (d->tun_type >= XLVS_TUN_TYPE_MAX)
		return refuse(why, -EINVAL, "tun_type", 0, XLVS_TUN_TYPE_MAX - 1);
	if ((d->tun_type == XLVS_TUN_GUE) != (d->tun_port != 0))
		return refuse(why, -EINVAL, "tun_port", 1, 65535);
	if ((f & ~(XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM)) ||
	    f == (XLVS_TUN_F_CSUM | XLVS_TUN_F_REMCSUM) ||
	    (d->tun_type == XLVS_TUN_IPIP && f) ||
	    (d->tun_type == XLVS_TUN_GRE && (f & XLVS_TUN_F_REMCSUM)))
		return refuse(why, -EINVAL, "tun_flags", 0, 0);
	return 0;
}

/*
 * ip_vs_new_dest: an IPv6 real server must be unicast (ipv6_addr_type: not
 * ::, not IPv4-mapped, not multicast) and not link-local, unless it is one
 * of this host's own addresses; -EINVAL.
 */
static bool v6_addr_refused(const uint8_t *a)
{
	static const uint8_t zero[16], mapped[12] = { [10] = 0xff, [11] = 0xff };
	bool bad = !memcmp(a, zero, 16) || !memcmp(a, mapped, 12) ||
		   a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);

	return bad && addr_is_local(6, a) != 1;
}

int xlvs_dest_conf_check(const struct xlvs_dest_conf *d,
			 struct xlvs_conf_err *why)
{
	int err;

	refuse(why, 0, NULL, 0, 0);
	if (d->addr.af != 4 && d->addr.af != 6)
		return refuse(why, -EAFNOSUPPORT, "af", 0, 0);
	if (d->addr.af == 6 && v6_addr_refused(d->addr.addr))
		return refuse(why, -EINVAL, "addr", 0, 0);
	if (d->fwd != XLVS_FWD_DROUTE && d->fwd != XLVS_FWD_LOCAL &&
	    d->fwd != XLVS_FWD_TUNNEL && d->fwd != XLVS_FWD_MASQ)
		return refuse(why, -EINVAL, "fwd", 0, 0);
	err = tun_check(d, why);
	if (err)
		return err;
	if (d->weight < 0 || d->weight > XLVS_WEIGHT_MAX)
		return refuse(why, -ERANGE, "weight", 0, XLVS_WEIGHT_MAX);
	if (d->u_threshold > XLVS_THRESHOLD_MAX)
		return refuse(why, -ERANGE, "u_threshold", 0, XLVS_THRESHOLD_MAX);
	/* ip_vs_add_dest and ip_vs_edit_dest: l > u is -ERANGE, also when u
	 * is 0 (no upper threshold). */
	if (d->l_threshold > d->u_threshold)
		return refuse(why, -ERANGE, "l_threshold", 0, d->u_threshold);
	return 0;
}

/*
 * ip_vs_genl_set_cmd: a real server of the other family than its service's
 * only by tunnel (the method asked for: conn_flags == IP_VS_CONN_F_TUNNEL),
 * otherwise -EINVAL.  The kernel says -EINVAL, not -EAFNOSUPPORT (which it
 * keeps for a family it does not know), and so does ipvsadm's message.
 */
int xlvs_dest_af_check(uint8_t svc_af, const struct xlvs_dest_conf *d,
		       struct xlvs_conf_err *why)
{
	refuse(why, 0, NULL, 0, 0);
	if (d->addr.af != svc_af && d->fwd != XLVS_FWD_TUNNEL)
		return refuse(why, -EINVAL, "af", 0, 0);
	return 0;
}

uint8_t xlvs_dest_fwd_of(const struct xlvs_dest_conf *d)
{
	if (addr_is_local(d->addr.af, d->addr.addr) == 1)
		return XLVS_FWD_LOCAL;
	return d->fwd;
}
