// SPDX-License-Identifier: GPL-2.0
/* The test bed (see harness.h). */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

struct dp_env dp = { .prog_fd = -1 };
static bool table_loaded;

static int sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "dataplane: '%s' failed (%d)\n", cmd, rc);
	return rc;
}

static int write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0) {
		fprintf(stderr, "dataplane: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* Nothing answers ARP on the veth, so the real servers' MACs come from
 * permanent entries: bpf_fib_lookup then resolves them deterministically. */
static int pin_neighbours(void)
{
	for (int h = HOST_RS1; h <= HOST_RS_LAST; h++)
		if (sh("ip neigh replace 10.0.0.%d lladdr 02:00:00:00:00:%02x "
		       "dev %s nud permanent", h, h, DP_DEV))
			return -1;
	return 0;
}

void dp_pin_neighbours(void)
{
	if (pin_neighbours())
		fail_msg("cannot restore the static neighbour entries");
}

/* The namespace is fresh, so names and addresses cannot collide with the
 * host's; /proc/sys/net here is this namespace's.  A veth, not a dummy:
 * dummy is NOARP, and its neighbours would not carry the MACs we set.
 * Forwarding must be on, or bpf_fib_lookup answers FWD_DISABLED. */
static int net_setup(void)
{
	if (sh("ip link set lo up") ||
	    sh("ip link add %s address 02:00:00:00:00:%02x type veth peer name %s",
	       DP_DEV, HOST_DEV, DP_PEER) ||
	    sh("ip link set %s up && ip link set %s up", DP_DEV, DP_PEER) ||
	    sh("ip addr add 10.0.0.1/24 dev %s", DP_DEV) ||
	    write_sysctl("/proc/sys/net/ipv4/ip_forward", "1") ||
	    write_sysctl("/proc/sys/net/ipv4/conf/all/forwarding", "1"))
		return -1;
	if (pin_neighbours())
		return -1;
	dp.ifindex = (int)if_nametoindex(DP_DEV);
	return dp.ifindex > 0 ? 0 : -1;
}

/* Runs once whichever way the process ends: a test bed that leaves a pinned
 * table behind would make the next run start from stale state. */
static void unload_once(void)
{
	int rc;

	if (!table_loaded)
		return;
	table_loaded = false;
	if (dp.prog_fd >= 0)
		close(dp.prog_fd);
	dp.prog_fd = -1;
	xlvs_table_close(&dp.t);
	rc = xlvs_unload();
	if (rc)
		fprintf(stderr, "dataplane: xlvs_unload: %s\n", strerror(-rc));
}

static void lib_log(const char *msg)
{
	fprintf(stderr, "libxlvs: %s\n", msg);
}

static int table_setup(void)
{
	char path[sizeof(dp.t.path) + 16];
	int rc;

	xlvs_set_log(lib_log);
	rc = xlvs_table_open(&dp.t, XLVS_OPEN_WRITE | XLVS_OPEN_CREATE, 4096);
	/* Set before checking rc: a failed open may have pinned half a table. */
	table_loaded = true;
	atexit(unload_once);
	if (rc) {
		fprintf(stderr, "dataplane: xlvs_table_open: %s\n", strerror(-rc));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/prog_xdp", dp.t.path);
	dp.prog_fd = bpf_obj_get(path);
	if (dp.prog_fd < 0) {
		fprintf(stderr, "dataplane: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A private mount namespace with its own bpffs holds the table: the pins
 * vanish with the process even if it is killed, and the host's bpffs (and
 * PID 1's mount namespace, which libxlvs would otherwise enter and which a
 * container may not let us see) is never touched.  XLVS_PIN_ROOT is
 * libxlvs's documented override for exactly this. */
static int pins_setup(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		fprintf(stderr, "dataplane: private bpffs: %s\n", strerror(errno));
		return -1;
	}
	return setenv("XLVS_PIN_ROOT", "/sys/fs/bpf/xlvs", 1);
}

int dp_group_setup(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		fprintf(stderr, "dataplane: unshare: %s (run as root)\n",
			strerror(errno));
		return -1;
	}
	if (pins_setup() || net_setup() || table_setup()) {
		unload_once();  /* cmocka skips the group teardown after this */
		return -1;
	}
	return 0;
}

int dp_group_teardown(void **state)
{
	(void)state;
	unload_once();
	return 0;
}

uint16_t dp_port(void)
{
	static uint16_t next = 20000;

	return next++;
}

static void counters(uint64_t out[XLVS_CNT_MAX])
{
	int rc = xlvs_counters_read(&dp.t, out);

	if (rc)
		fail_msg("xlvs_counters_read: %s", strerror(-rc));
}

void dp_run(const struct frame *in, struct dp_result *r)
{
	uint64_t before[XLVS_CNT_MAX], after[XLVS_CNT_MAX];
	/* data_end must equal the frame length; ingress_ifindex makes the
	 * program's bpf_fib_lookup start from DP_DEV, as on a real receive. */
	struct xdp_md ctx = {
		.data_end = (uint32_t)in->len,
		.ingress_ifindex = (uint32_t)dp.ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o,
		    .data_in = in->b,
		    .data_size_in = (uint32_t)in->len,
		    .data_out = r->out.b,
		    .data_size_out = sizeof(r->out.b),
		    .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx),
		    .repeat = 1);

	memset(r, 0, sizeof(*r));
	counters(before);
	r->rc = bpf_prog_test_run_opts(dp.prog_fd, &o);   /* libbpf 1.x: -errno */
	r->verdict = o.retval;
	r->out.len = r->rc ? 0 : o.data_size_out;
	counters(after);
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		r->delta[i] = after[i] - before[i];
}
