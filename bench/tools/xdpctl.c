// SPDX-License-Identifier: GPL-2.0
/*
 * xdpctl: loads, reads and removes the benchmark's two XDP programs in the
 * network namespace it runs in (run it with `ip netns exec`).
 *
 *   xdpctl count DEV UDP_PORT            attach count.bpf.c to DEV
 *   xdpctl read DEV                      print the frames DEV's count dropped
 *   xdpctl ceiling DEV VIP AFF_PORT IF=MAC...
 *                                        attach ceiling.bpf.c to DEV; one
 *                                        IF=MAC per real server: its link
 *                                        here and its MAC
 *   xdpctl detach DEV                    remove DEV's XDP program
 *   xdpctl runtime DEV CMD...            run CMD with the kernel's BPF run
 *                                        time statistics on, and print how
 *                                        often DEV's XDP program ran
 *                                        meanwhile and for how long:
 *                                        "run_cnt N run_time_ns T"
 *
 * Programs are attached in native (driver) mode and stay attached after
 * xdpctl exits; the counter is found again through the program on DEV.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <err.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ceiling.skel.h"
#include "count.skel.h"

#define CEILING_MAX_DEST 8

static int ifindex_of(const char *dev)
{
	int ifindex = (int)if_nametoindex(dev);

	if (!ifindex)
		err(1, "%s", dev);
	return ifindex;
}

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (unsigned char)b[i];
	}
	return 0;
}

/* DEV's own MAC, from sysfs (which `ip netns exec` mounts for its netns). */
static void dev_mac(const char *dev, unsigned char mac[6])
{
	char path[128], line[64];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
	f = fopen(path, "r");
	if (!f)
		err(1, "%s", path);
	if (!fgets(line, sizeof(line), f) || parse_mac(line, mac))
		errx(1, "%s: no MAC", path);
	fclose(f);
}

static unsigned short parse_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < 0 || v > 65535)
		errx(1, "%s: not a port", s);
	return (unsigned short)v;
}

static void attach(const char *dev, int prog_fd)
{
	int rc = bpf_xdp_attach(ifindex_of(dev), prog_fd, XDP_FLAGS_DRV_MODE,
				NULL);

	if (rc)
		errx(1, "attach to %s: %s", dev, strerror(-rc));
}

static int cmd_count(int argc, char **argv)
{
	struct count_bpf *skel;

	if (argc != 2)
		errx(2, "usage: xdpctl count DEV UDP_PORT");
	skel = count_bpf__open();
	if (!skel)
		err(1, "open count");
	skel->rodata->udp_port = htons(parse_port(argv[1]));
	if (count_bpf__load(skel))
		errx(1, "load count");
	attach(argv[0], bpf_program__fd(skel->progs.bench_count));
	count_bpf__destroy(skel);
	return 0;
}

static int cmd_ceiling(int argc, char **argv)
{
	struct ceiling_bpf *skel;
	struct in_addr vip;
	int i;

	if (argc < 4 || argc - 3 > CEILING_MAX_DEST)
		errx(2, "usage: xdpctl ceiling DEV VIP AFF_PORT IF=MAC...");
	skel = ceiling_bpf__open();
	if (!skel)
		err(1, "open ceiling");
	if (inet_pton(AF_INET, argv[1], &vip) != 1)
		errx(1, "%s: not an IPv4 address", argv[1]);
	skel->rodata->vip = vip.s_addr;
	skel->rodata->affinity_port = htons(parse_port(argv[2]));
	for (i = 0; i < argc - 3; i++) {
		char *arg = argv[3 + i], *mac = strchr(arg, '=');
		unsigned char m[6];

		if (!mac)
			errx(2, "%s: expected IF=MAC", arg);
		*mac++ = '\0';
		if (parse_mac(mac, m))
			errx(1, "%s: not a MAC", mac);
		memcpy((void *)skel->rodata->dest_dmac[i], m, 6);
		dev_mac(arg, m);
		memcpy((void *)skel->rodata->dest_smac[i], m, 6);
		skel->rodata->dest_ifindex[i] = (unsigned int)ifindex_of(arg);
	}
	skel->rodata->n_dest = (unsigned int)(argc - 3);
	if (ceiling_bpf__load(skel))
		errx(1, "load ceiling");
	attach(argv[0], bpf_program__fd(skel->progs.bench_ceiling));
	ceiling_bpf__destroy(skel);
	return 0;
}

/* The sum over CPUs of the `counts` map of the program attached to DEV. */
static int cmd_read(int argc, char **argv)
{
	struct bpf_prog_info pinfo = {};
	__u32 ids[8], len = sizeof(pinfo), prog_id = 0, i;
	int ncpu = libbpf_num_possible_cpus(), prog_fd, rc;
	unsigned long long sum = 0;

	if (argc != 1)
		errx(2, "usage: xdpctl read DEV");
	rc = bpf_xdp_query_id(ifindex_of(argv[0]), XDP_FLAGS_DRV_MODE, &prog_id);
	if (rc || !prog_id)
		errx(1, "%s: no XDP program", argv[0]);
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		err(1, "program %u", prog_id);
	pinfo.nr_map_ids = 8;
	pinfo.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len))
		err(1, "program info");
	for (i = 0; i < pinfo.nr_map_ids && i < 8; i++) {
		struct bpf_map_info minfo = {};
		__u32 mlen = sizeof(minfo), key = 0;
		int fd = bpf_map_get_fd_by_id(ids[i]), c;
		unsigned long long *v;

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &minfo, &mlen) ||
		    strcmp(minfo.name, "counts")) {
			close(fd);
			continue;
		}
		v = calloc((size_t)ncpu, sizeof(*v));
		if (!v || bpf_map_lookup_elem(fd, &key, v))
			err(1, "counts");
		for (c = 0; c < ncpu; c++)
			sum += v[c];
		free(v);
		printf("%llu\n", sum);
		return 0;
	}
	errx(1, "%s: its program has no counts map", argv[0]);
}

static void prog_stats(int prog_fd, __u64 *cnt, __u64 *ns)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		err(1, "program info");
	*cnt = info.run_cnt;
	*ns = info.run_time_ns;
}

/* The statistics cost a clock read per run, so they are on only while
 * CMD runs: for as long as the fd BPF_ENABLE_STATS gave is open. */
static int cmd_runtime(int argc, char **argv)
{
	__u64 cnt0, ns0, cnt1, ns1;
	__u32 prog_id = 0;
	int prog_fd, stats_fd, status;
	pid_t pid;

	if (argc < 2)
		errx(2, "usage: xdpctl runtime DEV CMD...");
	if (bpf_xdp_query_id(ifindex_of(argv[0]), XDP_FLAGS_DRV_MODE, &prog_id) ||
	    !prog_id)
		errx(1, "%s: no XDP program", argv[0]);
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		err(1, "program %u", prog_id);
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0)
		errx(1, "BPF_ENABLE_STATS: %s", strerror(-stats_fd));
	prog_stats(prog_fd, &cnt0, &ns0);
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		close(stats_fd);
		execvp(argv[1], argv + 1);
		err(127, "%s", argv[1]);
	}
	if (waitpid(pid, &status, 0) < 0)
		err(1, "waitpid");
	prog_stats(prog_fd, &cnt1, &ns1);
	close(stats_fd);
	printf("run_cnt %llu run_time_ns %llu\n", (unsigned long long)(cnt1 - cnt0),
	       (unsigned long long)(ns1 - ns0));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int cmd_detach(int argc, char **argv)
{
	if (argc != 1)
		errx(2, "usage: xdpctl detach DEV");
	bpf_xdp_detach(ifindex_of(argv[0]), XDP_FLAGS_DRV_MODE, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		errx(2, "usage: xdpctl count|read|ceiling|detach|runtime ...");
	if (!strcmp(argv[1], "count"))
		return cmd_count(argc - 2, argv + 2);
	if (!strcmp(argv[1], "read"))
		return cmd_read(argc - 2, argv + 2);
	if (!strcmp(argv[1], "ceiling"))
		return cmd_ceiling(argc - 2, argv + 2);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 2, argv + 2);
	if (!strcmp(argv[1], "runtime"))
		return cmd_runtime(argc - 2, argv + 2);
	errx(2, "%s: unknown command", argv[1]);
}
