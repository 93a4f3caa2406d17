// SPDX-License-Identifier: GPL-2.0
/* The shared test bed (see testbed.h). */
#include "testbed.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int tb_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "%s: '%s' failed (%d)\n",
			program_invocation_short_name, cmd, rc);
	return rc ? -1 : 0;
}

int tb_ip_batch(const char *cmds)
{
	FILE *ip = popen("ip -batch -", "w");
	int rc;

	if (!ip) {
		fprintf(stderr, "%s: ip -batch: %s\n",
			program_invocation_short_name, strerror(errno));
		return -1;
	}
	fputs(cmds, ip);
	rc = pclose(ip);
	if (rc != 0)
		fprintf(stderr, "%s: ip -batch of:\n%s failed (%d)\n",
			program_invocation_short_name, cmds, rc);
	return rc ? -1 : 0;
}

int tb_pin_hosts(const char *dev, int v6, int first, int last)
{
	char cmds[4096];
	size_t n = 0;

	for (int h = first; h <= last && n < sizeof(cmds); h++)
		n += (size_t)snprintf(cmds + n, sizeof(cmds) - n,
				      v6 ? "neigh replace fd00::%x lladdr 02:00:00:00:00:%02x "
					   "dev %s nud permanent\n"
					 : "neigh replace 10.0.0.%d lladdr 02:00:00:00:00:%02x "
					   "dev %s nud permanent\n", h, h, dev);
	if (n >= sizeof(cmds)) {
		fprintf(stderr, "%s: too many hosts to pin (%d to %d)\n",
			program_invocation_short_name, first, last);
		return -1;
	}
	return tb_ip_batch(cmds);
}

int tb_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			path, strerror(errno));
		return -1;
	}
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static void lib_log(const char *msg)
{
	fprintf(stderr, "libxlvs: %s\n", msg);
}

/* The private bpffs: the pins vanish with the process even if it is
 * killed, and the host's bpffs (and PID 1's mount namespace, which libxlvs
 * would otherwise enter and which a container may not let us see) is never
 * touched.  XLVS_PIN_ROOT is libxlvs's documented override for this. */
int tb_enter(void)
{
	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		fprintf(stderr, "%s: unshare: %s (run as root)\n",
			program_invocation_short_name, strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		fprintf(stderr, "%s: private bpffs: %s\n",
			program_invocation_short_name, strerror(errno));
		return -1;
	}
	if (setenv("XLVS_PIN_ROOT", "/sys/fs/bpf/xlvs", 1))
		return -1;
	xlvs_set_log(lib_log);
	return 0;
}

/* The namespace is fresh, so names and addresses cannot collide with the
 * host's; /proc/sys/net here is this namespace's. */
int tb_veth(const char *dev, const char *peer, const char *addr_cidr)
{
	int ifindex;

	if (tb_sh("ip link set lo up") ||
	    tb_sh("ip link add %s address 02:00:00:00:00:01 type veth peer name %s",
		  dev, peer) ||
	    tb_sh("ip link set %s up && ip link set %s up", dev, peer) ||
	    tb_sh("ip addr add %s dev %s", addr_cidr, dev) ||
	    tb_write_file("/proc/sys/net/ipv4/ip_forward", "1") ||
	    tb_write_file("/proc/sys/net/ipv4/conf/all/forwarding", "1"))
		return -1;
	ifindex = (int)if_nametoindex(dev);
	return ifindex > 0 ? ifindex : -1;
}

struct xlvs_endpoint tb_ep(uint32_t addr, uint16_t port)
{
	struct xlvs_endpoint e = { .af = 4, .port = port };

	e.addr[0] = addr >> 24;
	e.addr[1] = (addr >> 16) & 0xff;
	e.addr[2] = (addr >> 8) & 0xff;
	e.addr[3] = addr & 0xff;
	return e;
}

void tb_conn_key(struct xlvs_conn_key *k, uint8_t proto, uint32_t saddr,
		 uint32_t daddr, uint16_t sport, uint16_t dport)
{
	uint32_t s = htonl(saddr), d = htonl(daddr);

	memset(k, 0, sizeof(*k));
	memcpy(k->saddr, &s, 4);
	memcpy(k->daddr, &d, 4);
	k->sport = htons(sport);
	k->dport = htons(dport);
	k->proto = proto;
	k->af = 4;
}

int tb_table_open(struct xlvs_table *t, uint32_t conn_max, int *prog_fd)
{
	char path[sizeof(t->path) + 16];
	int rc;

	*prog_fd = -1;
	rc = xlvs_table_open(t, XLVS_OPEN_WRITE | XLVS_OPEN_CREATE, conn_max);
	if (rc) {
		fprintf(stderr, "%s: xlvs_table_open: %s\n",
			program_invocation_short_name, strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/prog_xdp", t->path);
	*prog_fd = bpf_obj_get(path);
	if (*prog_fd < 0) {
		rc = -errno;
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			path, strerror(errno));
		return rc;
	}
	return 0;
}

int tb_xdp_run(int prog_fd, int ifindex, const void *data, uint32_t len,
	       void *out, uint32_t out_size, uint32_t repeat, struct tb_run *r)
{
	/* data_end must equal the frame's length. */
	struct xdp_md ctx = {
		.data_end = len,
		.ingress_ifindex = (uint32_t)ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o,
		    .data_in = data,
		    .data_size_in = len,
		    .data_out = out,
		    .data_size_out = out ? out_size : 0,
		    .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx),
		    .repeat = repeat);
	int rc = bpf_prog_test_run_opts(prog_fd, &o);   /* libbpf 1.x: -errno */

	if (r)
		*r = (struct tb_run){ .retval = o.retval, .duration = o.duration,
				      .out_len = rc || !out ? 0 : o.data_size_out };
	return rc;
}
