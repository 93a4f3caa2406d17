// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-realserver up: what the LVS-DR HOWTO does by hand on a real server,
 * recorded as it goes (state.h).  Everything that can be checked is
 * checked first (the options, the state file, the interfaces, another XDP
 * program, loading ours); a change that fails midway undoes this run's
 * changes before the error is reported, so a failed up changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/wait.h>
#include "cmd.h"
#include "conf.h"
#include "link.h"
#include "sys.h"
#include "xdp.h"

/* The seed's (and the LVS-DR HOWTO's) ARP settings: answer ARP only for
 * addresses of the interface asked on (arp_ignore=1) and never announce
 * lo's VIP as a source (arp_announce=2); the kernel takes the larger of
 * conf/all and conf/<dev>, so all covers every interface. */
static const char *const arp_sysctls[][2] = {
	{ "net/ipv4/conf/all/arp_ignore", "1" },
	{ "net/ipv4/conf/all/arp_announce", "2" },
	{ "net/ipv4/conf/lo/arp_ignore", "1" },
	{ "net/ipv4/conf/lo/arp_announce", "2" },
};

/* Set name to value, recording the value before unless up set it before
 * (then the first record, and so the value before any up, stays). */
static int set_sysctl(struct rs_state *s, const char *name, const char *value)
{
	char now[RS_SYSCTL_VALUE], dotted[RS_SYSCTL_NAME];
	const struct rs_sysctl_rec *old = rs_state_sysctl(s, name);
	struct rs_sysctl_rec *r;
	int rc;

	rs_sysctl_dotted(name, dotted, sizeof(dotted));
	rc = rs_sysctl_get(name, now, sizeof(now));
	if (rc) {
		rs_warn("sysctl %s: cannot read it: %s", dotted, strerror(-rc));
		return rc;
	}
	if (!strcmp(now, value))
		return 0;
	if (!old && s->nsysctls == RS_SYSCTLS_MAX)
		return -E2BIG;
	rc = rs_sysctl_set(name, value);
	if (rc) {
		rs_warn("sysctl %s=%s: %s", dotted, value, strerror(-rc));
		return rc;
	}
	if (old)
		return 0;
	r = &s->sysctls[s->nsysctls++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->old, sizeof(r->old), "%s", now);
	snprintf(r->set, sizeof(r->set), "%s", value);
	return 0;
}

/*
 * A decapsulated packet comes from the client, in on the interface the
 * tunnel arrived on (or tunl0/gre0).  Strict reverse-path filtering (1)
 * drops it unless the route back to the client leaves by that same
 * interface, which for a tunnel device it never does; loose (2) only asks
 * for some route.  The kernel uses the larger of conf/all and conf/<dev>,
 * so <dev> at 2 loosens just that interface; 0 and 2 are left alone.
 */
static int loosen_rp_filter(struct rs_state *s, const char *dev)
{
	char name[RS_SYSCTL_NAME], all[RS_SYSCTL_VALUE], one[RS_SYSCTL_VALUE];

	snprintf(name, sizeof(name), "net/ipv4/conf/%s/rp_filter", dev);
	if (rs_sysctl_get("net/ipv4/conf/all/rp_filter", all, sizeof(all)) ||
	    rs_sysctl_get(name, one, sizeof(one)))
		return 0;
	if (atoi(all) > atoi(one) ? atoi(all) != 1 : atoi(one) != 1)
		return 0;
	return set_sysctl(s, name, "2");
}

static int add_vip(struct rs_state *s, const struct decap_vip *v)
{
	char buf[INET6_ADDRSTRLEN];
	struct rs_vip_rec *r;
	int rc;

	if (rs_state_vip(s, v))
		return 0;
	rc = rs_lo_addr_add(v);
	if (rc && rc != -EEXIST) {
		rs_warn("VIP %s: cannot add it to lo: %s",
			rs_vip_str(v, buf, sizeof(buf)), strerror(-rc));
		return rc;
	}
	r = &s->vips[s->nvips++];
	r->vip = *v;
	r->added = rc == 0;
	return 0;
}

/* The kernel's own receive path for kind, if it has one: its fallback
 * device (ipip's tunl0, ip_gre's gre0) takes every such packet to one of
 * our addresses.  Only for IPv4 VIPs: IPv6 ones would need ip6_tunnel's
 * ip6tnl0, sit's sit0 or ip6_gre's ip6gre0 besides, depending on what the
 * director sends; ours takes every mix.  GUE would need fou's receive
 * port set up through its generic-netlink family: ours does it instead. */
static const char *kernel_tunnel_dev(uint32_t kind, const struct rs_opts *o)
{
	for (unsigned int i = 0; i < o->nvips; i++)
		if (o->vips[i].family == 6)
			return NULL;
	if (kind == DECAP_KIND_IPIP && rs_kernel_has("ipip") &&
	    if_nametoindex("tunl0"))
		return "tunl0";
	if (kind == DECAP_KIND_GRE && rs_kernel_has("ip_gre") &&
	    if_nametoindex("gre0"))
		return "gre0";
	return NULL;
}

static bool recorded_xdp(const struct rs_state *s, const char *dev)
{
	for (unsigned int i = 0; i < s->nxdp; i++)
		if (!strcmp(s->xdp[i].dev, dev))
			return true;
	return false;
}

/* The interfaces the program goes on: --dev's, or every one up (not lo). */
static int xdp_devs(const struct rs_opts *o, char (*devs)[16], unsigned int *n)
{
	int rc;

	if (o->ndevs) {
		memcpy(devs, o->devs, sizeof(o->devs));
		*n = o->ndevs;
		return 0;
	}
	rc = rs_links_up(devs, RS_DEVS_MAX);
	if (rc < 0)
		return rc;
	*n = (unsigned int)rc;
	return 0;
}

/* What can be known before changing anything. */
static int precheck(const struct rs_opts *o, const struct rs_state *s,
		    uint32_t kind, bool xdp, char (*devs)[16], unsigned int ndevs)
{
	char buf[INET6_ADDRSTRLEN], v6[RS_SYSCTL_VALUE];

	for (unsigned int i = 0; i < o->ndevs; i++)
		if (!if_nametoindex(o->devs[i])) {
			rs_warn("--dev %s: no such interface", o->devs[i]);
			return -1;
		}
	for (unsigned int i = 0; i < o->nvips; i++) {
		if (o->vips[i].family != 6 || rs_state_vip((struct rs_state *)s,
							   &o->vips[i]))
			continue;
		if (rs_sysctl_get("net/ipv6/conf/lo/disable_ipv6", v6, sizeof(v6)) ||
		    strcmp(v6, "0")) {
			rs_warn("VIP %s: IPv6 is disabled on lo "
				"(net.ipv6.conf.lo.disable_ipv6 is not 0)",
				rs_vip_str(&o->vips[i], buf, sizeof(buf)));
			return -1;
		}
	}
	if (!kind)
		return 0;
	for (unsigned int i = 0; s->nlinks && i < o->nvips; i++)
		if (o->vips[i].family == 6) {
			rs_warn("VIP %s: up made the kernel's %s take the tunnel, "
				"which IPv6 VIPs do not get here: run down, then "
				"up with every VIP", rs_vip_str(&o->vips[i], buf,
				sizeof(buf)), s->links[0].dev);
			return -1;
		}
	if (!xdp)
		return 0;
	if (!ndevs) {
		rs_warn("--tunnel: no interface is up to take tunnelled packets "
			"(give --dev)");
		return -1;
	}
	for (unsigned int i = 0; i < ndevs; i++) {
		unsigned int idx = if_nametoindex(devs[i]);
		uint32_t id = idx ? rs_xdp_prog_on(idx) : 0;

		if (id && !recorded_xdp(s, devs[i])) {
			rs_warn("--dev %s: has another XDP program (id %u); "
				"xlvs-realserver does not replace it", devs[i], id);
			return -1;
		}
	}
	return 0;
}

static int attach_all(struct rs_state *s, const struct rs_decap *d,
		      char (*devs)[16], unsigned int ndevs)
{
	for (unsigned int i = 0; i < ndevs; i++) {
		unsigned int idx = if_nametoindex(devs[i]);
		struct rs_xdp_rec *r;
		uint32_t other;
		int rc;

		if (recorded_xdp(s, devs[i]))
			continue;
		if (s->nxdp == RS_XDP_MAX)
			return -E2BIG;
		rc = idx ? rs_decap_attach(d, idx, &other) : -ENODEV;
		if (rc) {
			rs_warn("--dev %s: cannot attach the decapsulation "
				"program: %s", devs[i], rc == -EBUSY ?
				"another XDP program is there" : strerror(-rc));
			return rc;
		}
		r = &s->xdp[s->nxdp++];
		memcpy(r->dev, devs[i], sizeof(r->dev));
		r->dev[sizeof(r->dev) - 1] = 0;
		r->ifindex = idx;
		r->prog_id = d->prog_id;
		rc = loosen_rp_filter(s, devs[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Recorded even when it was up already: the state then says the kernel
 * takes the tunnel, and a later up loads no program of ours. */
static int kernel_tunnel(struct rs_state *s, const char *dev)
{
	struct rs_link_rec *r = &s->links[s->nlinks];
	int rc = rs_link_is_up(dev);

	if (rc < 0)
		return rc;
	if (!rc) {
		rc = rs_link_set_up(dev, true);
		if (rc) {
			rs_warn("%s: cannot set it up: %s", dev, strerror(-rc));
			return rc;
		}
	}
	snprintf(r->dev, sizeof(r->dev), "%s", dev);
	r->set_up = !rc;
	s->nlinks++;
	return loosen_rp_filter(s, dev);
}

/* The decap program of this state: the one attached before, or a new one. */
static int decap_get(const struct rs_state *s, struct rs_decap *d,
		     uint32_t kind, uint16_t port)
{
	int rc;

	if (s->nxdp) {
		rc = rs_decap_open(d, s->xdp[0].prog_id);
		if (rc)
			rs_warn("the decapsulation program up attached (id %u) "
				"is gone (%s): run down, then up",
				s->xdp[0].prog_id, strerror(-rc));
		return rc;
	}
	rc = rs_decap_load(d, kind, port);
	if (rc)
		rs_warn("--tunnel=%s: cannot load the decapsulation program: %s",
			rs_tunnel_name(kind), strerror(-rc));
	return rc;
}

static int persist(const struct rs_opts *o, const struct rs_state *s)
{
	const char *path = o->config_path ? o->config_path : RS_CONFIG_DEFAULT;
	struct rs_opts c = { .tunnel = s->tunnel, .tun_port = s->tun_port,
			     .ndevs = o->ndevs };
	int rc;

	memcpy(c.devs, o->devs, sizeof(c.devs));
	for (unsigned int i = 0; i < s->nvips; i++)
		c.vips[c.nvips++] = s->vips[i].vip;
	rc = rs_conf_save(path, &c);
	if (rc) {
		rs_warn("--persist: cannot write %s: %s", path, strerror(-rc));
		return 1;
	}
	if (strcmp(path, RS_CONFIG_DEFAULT))
		rs_warn("--persist: note that %s reads %s, not %s", RS_UNIT,
			RS_CONFIG_DEFAULT, path);
	rc = rs_systemd_unit(true);
	if (rc == 0)
		rs_warn("--persist: %s written; no systemd runs here, so have "
			"`xlvs-realserver up --config %s` run at boot", path, path);
	return rc < 0;
}

static int load_config(struct rs_opts *o)
{
	char err[512];
	int rc;

	rc = rs_conf_load(o->config_path, o, err, sizeof(err));
	if (rc == -EINVAL)
		rs_warn("--config %s", err);
	else if (rc)
		rs_warn("--config %s: %s", o->config_path, strerror(-rc));
	else if (rs_opts_check(o, err, sizeof(err)))
		rs_warn("--config %s: %s", o->config_path, err), rc = -EINVAL;
	else if (!o->nvips)
		rs_warn("--config %s: no vip", o->config_path), rc = -EINVAL;
	return rc;
}

static int apply(const struct rs_opts *o, struct rs_state *s, uint32_t kind,
		 const char *kdev, char (*devs)[16], unsigned int ndevs,
		 struct rs_decap *d)
{
	bool v4 = false;
	int rc = 0;

	for (unsigned int i = 0; i < o->nvips; i++)
		v4 |= o->vips[i].family == 4;
	for (unsigned int i = 0; v4 && i < 4 && !rc; i++)
		rc = set_sysctl(s, arp_sysctls[i][0], arp_sysctls[i][1]);
	for (unsigned int i = 0; i < o->nvips && !rc; i++)
		rc = add_vip(s, &o->vips[i]);
	if (rc || !kind)
		return rc;
	s->tunnel = kind;
	s->tun_port = o->tun_port ? o->tun_port : s->tun_port;
	if (kdev)
		return kernel_tunnel(s, kdev);
	if (!s->nlinks) {
		rc = attach_all(s, d, devs, ndevs);
		for (unsigned int i = 0; i < s->nvips && !rc; i++)
			rc = rs_decap_vip_add(d, &s->vips[i].vip);
	}
	return rc;
}

int cmd_up(struct rs_opts *o, const char *path)
{
	static struct rs_state s, before;
	char err[512], devs[RS_DEVS_MAX][16];
	struct rs_decap d = { .prog_fd = -1, .vips_fd = -1, .counters_fd = -1 };
	unsigned int ndevs = 0;
	const char *kdev = NULL;
	uint32_t kind;
	bool xdp;
	int rc;

	if (o->config_path && !o->persist && load_config(o))
		return 2;
	rc = rs_state_load(path, &s, err, sizeof(err));
	if (rc == -EINVAL) {
		rs_warn("%s (not changed; remove it to start afresh)", err);
		return 1;
	}
	if (rc && rc != -ENOENT) {
		rs_warn("%s: %s", path, strerror(-rc));
		return 1;
	}
	if (o->tunnel && s.tunnel &&
	    (o->tunnel != s.tunnel || o->tun_port != s.tun_port)) {
		rs_warn("--tunnel=%s: up made %s tunnels arrive already "
			"(run down first)", rs_tunnel_name(o->tunnel),
			rs_tunnel_name(s.tunnel));
		return 2;
	}
	kind = o->tunnel ? o->tunnel : s.tunnel;
	/* The kernel's tunnel device, or our program (chosen at the first
	 * up of a tunnel, kept by the later ones). */
	if (kind && !s.tunnel)
		kdev = kernel_tunnel_dev(kind, o);
	xdp = kind && !kdev && !s.nlinks;
	if (xdp && s.nxdp && !o->ndevs) {
		/* Another up of the same tunnel: the interfaces stay. */
		for (unsigned int i = 0; i < s.nxdp; i++)
			snprintf(devs[ndevs++], 16, "%s", s.xdp[i].dev);
	} else if (xdp && xdp_devs(o, devs, &ndevs)) {
		rs_warn("--tunnel: cannot list the interfaces");
		return 1;
	}
	if (precheck(o, &s, kind, xdp, devs, ndevs))
		return 2;
	/* Our program is loaded (or found) before anything changes. */
	if (xdp && decap_get(&s, &d, kind, o->tun_port))
		return 1;
	before = s;
	rc = apply(o, &s, kind, kdev, devs, ndevs, &d);
	if (!rc) {
		rc = rs_state_save(path, &s);
		if (rc)
			rs_warn("%s: cannot record what up changed: %s", path,
				strerror(-rc));
	}
	rs_decap_close(&d);
	if (rc) {
		if (rs_undo(&s, &before))
			rs_warn("some changes of this up could not be undone");
		return 1;
	}
	return o->persist ? persist(o, &s) : 0;
}

int rs_systemd_unit(bool enable)
{
	int status;
	pid_t pid;

	if (access("/run/systemd/system", F_OK))
		return 0;
	pid = fork();
	if (pid == 0) {
		execlp("systemctl", "systemctl", "--quiet",
		       enable ? "enable" : "disable", RS_UNIT, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		rs_warn("systemctl %s %s failed", enable ? "enable" : "disable",
			RS_UNIT);
		return -1;
	}
	return 1;
}
