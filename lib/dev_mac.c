// SPDX-License-Identifier: GPL-2.0
/*
 * The MAC of each interface the data plane is attached to, in the pinned
 * dev_mac map, so the program can tell a frame to another host's MAC
 * (which the kernel drops as PACKET_OTHERHOST, and a bridge floods to us)
 * from one to us.  Written at attach, cleared at detach; an interface whose
 * MAC changes afterwards needs --attach again (until then its frames are
 * passed to the kernel, never forwarded).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_arp.h>
#include <bpf/bpf.h>
#include "internal.h"

#define DEV_MAC_KNOWN (1ull << 48)

int xlvs_dev_mac_set(struct xlvs_table *t, unsigned int ifindex,
		     const uint8_t mac[6])
{
	uint32_t key = ifindex;
	uint64_t v = 0;
	int fd, rc = 0;

	if (ifindex >= XLVS_DEV_MAC_MAX)
		return 0;       /* not checked there: frames pass as before */
	fd = table_obj_get(t, PIN_DEV_MAC);
	if (fd < 0)
		return fd;
	if (mac) {
		memcpy(&v, mac, 6);
		v |= DEV_MAC_KNOWN;
	}
	if (bpf_map_update_elem(fd, &key, &v, BPF_ANY))
		rc = -errno;
	close(fd);
	return rc;
}

/* An Ethernet interface's MAC; -ENOTSUP for one without (a tunnel). */
int dev_mac_read(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0)
		return -errno;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFHWADDR, &ifr))
		rc = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		rc = -ENOTSUP;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return rc;
}
