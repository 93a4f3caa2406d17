// SPDX-License-Identifier: GPL-2.0
/* xlvs-realserver down and status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include "cmd.h"
#include "link.h"
#include "sys.h"
#include "xdp.h"

int cmd_down(const struct rs_opts *o, const char *path)
{
	static struct rs_state s;
	static const struct rs_state none;
	const char *conf = o->config_path ? o->config_path : RS_CONFIG_DEFAULT;
	char err[512];
	int rc = rs_state_load(path, &s, err, sizeof(err)), status = 0;

	if (rc == -EINVAL) {
		rs_warn("%s (nothing undone)", err);
		return 1;
	}
	if (rc && rc != -ENOENT) {
		rs_warn("%s: %s", path, strerror(-rc));
		return 1;
	}
	if (rc == -ENOENT) {
		if (!o->persist)
			printf("xlvs-realserver: not up (no %s): nothing to undo\n",
			       path);
	} else if (rs_undo(&s, &none)) {
		/* What is left stays recorded for another down. */
		rc = rs_state_save(path, &s);
		rs_warn("some changes could not be undone; they stay in %s%s",
			path, rc ? " (and that failed too)" : "");
		status = 1;
	} else if (unlink(path) && errno != ENOENT) {
		rs_warn("%s: %s", path, strerror(errno));
		status = 1;
	} else {
		char dir[256], *slash;

		/* The directory up made goes when its last file does. */
		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			rmdir(dir);
		}
	}
	if (o->persist) {
		if (unlink(conf) && errno != ENOENT) {
			rs_warn("--persist: cannot remove %s: %s", conf,
				strerror(errno));
			status = 1;
		}
		if (rs_systemd_unit(false) < 0)
			status = 1;
	}
	return status;
}

static void status_tunnel(const struct rs_state *s)
{
	uint64_t c[DECAP_COUNTERS];
	struct rs_decap d;

	if (!s->tunnel)
		return;
	printf("tunnel %s", rs_tunnel_name(s->tunnel));
	if (s->tun_port)
		printf(" port %u", s->tun_port);
	for (unsigned int i = 0; i < s->nlinks; i++)
		printf(", by the kernel's %s (%s)", s->links[i].dev,
		       rs_link_is_up(s->links[i].dev) == 1 ? "up" : "not up");
	for (unsigned int i = 0; i < s->nxdp; i++)
		printf(", by xdp on %s (prog %u, %s)", s->xdp[i].dev,
		       s->xdp[i].prog_id, rs_xdp_prog_on(s->xdp[i].ifindex) ==
		       s->xdp[i].prog_id ? "attached" : "NOT attached");
	if (!s->nlinks && !s->nxdp)
		printf(", by the kernel");
	printf("\n");
	if (!s->nxdp || rs_decap_open(&d, s->xdp[0].prog_id))
		return;
	if (!rs_decap_counters(&d, c))
		printf("decapsulated: ipip %llu gue %llu gre %llu; passed: "
		       "not-tunnel %llu malformed %llu not-vip %llu "
		       "unsupported %llu\n",
		       (unsigned long long)c[DECAP_IPIP],
		       (unsigned long long)c[DECAP_GUE],
		       (unsigned long long)c[DECAP_GRE],
		       (unsigned long long)c[DECAP_PASS_NOT_TUNNEL],
		       (unsigned long long)c[DECAP_PASS_MALFORMED],
		       (unsigned long long)c[DECAP_PASS_NOT_VIP],
		       (unsigned long long)c[DECAP_PASS_UNSUPPORTED]);
	rs_decap_close(&d);
}

int cmd_status(const char *path)
{
	static struct rs_state s;
	char err[512], buf[INET6_ADDRSTRLEN], now[RS_SYSCTL_VALUE];
	char dotted[RS_SYSCTL_NAME];
	int rc = rs_state_load(path, &s, err, sizeof(err));

	if (rc == -ENOENT) {
		printf("not up (no %s)\n", path);
		return 0;
	}
	if (rc) {
		rs_warn("%s", rc == -EINVAL ? err : strerror(-rc));
		return 1;
	}
	printf("up (state in %s)\n", path);
	for (unsigned int i = 0; i < s.nvips; i++)
		printf("vip %s %s lo, %s\n",
		       rs_vip_str(&s.vips[i].vip, buf, sizeof(buf)),
		       rs_lo_addr_has(&s.vips[i].vip) == 1 ? "on" : "NOT on",
		       s.vips[i].added ? "added by up" : "there before up");
	for (unsigned int i = 0; i < s.nsysctls; i++) {
		if (rs_sysctl_get(s.sysctls[i].name, now, sizeof(now)))
			snprintf(now, sizeof(now), "?");
		printf("sysctl %s = %s (up set %s, was %s)\n",
		       rs_sysctl_dotted(s.sysctls[i].name, dotted, sizeof(dotted)),
		       now, s.sysctls[i].set, s.sysctls[i].old);
	}
	status_tunnel(&s);
	return 0;
}
