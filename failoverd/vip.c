/* A haresources IP resource: the address added and removed with rtnetlink
 * (lib/nl.c), announced with gratuitous ARP over an AF_PACKET socket as
 * heartbeat's IPaddr2 does (send_arp: an ARP request from and for the
 * address, to the broadcast MAC), so neighbours move it to our MAC. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "internal.h"

/* Where the address goes: its dev and prefix, or, as IPaddr does when
 * they are left out, the interface whose subnet holds it. */
static int vip_where(const struct fo_rsc *r, char dev[IF_NAMESIZE + 16], int *prefix)
{
	struct ifaddrs *ifa, *i;
	int rc = -ENXIO;

	snprintf(dev, IF_NAMESIZE + 16, "%s", r->dev);
	*prefix = r->prefix;
	if (dev[0] && *prefix >= 0)
		return 0;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		uint32_t a, m;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask)
			continue;
		a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		m = ((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr;
		if (m == 0 || (a & m) != (r->ip.s_addr & m) || (dev[0] && strcmp(dev, i->ifa_name)))
			continue;
		if (!dev[0])
			snprintf(dev, IF_NAMESIZE + 16, "%s", i->ifa_name);
		if (*prefix < 0)
			*prefix = __builtin_popcount(m);
		rc = 0;
		break;
	}
	freeifaddrs(ifa);
	return rc;
}

static unsigned dev_index(const char *dev)
{
	char base[IF_NAMESIZE];

	snprintf(base, sizeof(base), "%.*s", (int)strcspn(dev, ":"), dev);
	return if_nametoindex(base);
}

static int vip_nl(const struct fo_rsc *r, bool add)
{
	char dev[IF_NAMESIZE + 16];
	struct nl_addr a = { .family = AF_INET, .addr = &r->ip };
	int prefix, rc;

	if ((rc = vip_where(r, dev, &prefix)))
		return rc;
	if (!(a.ifindex = dev_index(dev)))
		return -ENODEV;
	a.prefix = (uint8_t)prefix;
	a.bcast = r->has_bcast ? &r->bcast : NULL;
	a.label = strchr(dev, ':') ? dev : NULL;
	return add ? nl_addr_add(&a) : nl_addr_del(&a);
}

/* 0 if added, 1 if it was there already. */
int fo_vip_add(const struct fo_rsc *r)
{
	int rc = vip_nl(r, true);

	return rc == -EEXIST ? 1 : rc;
}

/* 0 if removed, 1 if it was not there. */
int fo_vip_del(const struct fo_rsc *r)
{
	int rc = vip_nl(r, false);

	return rc == -EADDRNOTAVAIL || rc == -ENOENT ? 1 : rc;
}

struct garp {
	struct ether_header eh;
	struct ether_arp ea;
} __attribute__((packed));

/* One gratuitous ARP request: sender and target both the address. */
int fo_vip_garp(const struct fo_rsc *r)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_halen = ETH_ALEN };
	char dev[IF_NAMESIZE + 16], base[IF_NAMESIZE];
	struct garp p = { 0 };
	uint8_t mac[ETH_ALEN];
	int fd, prefix, rc;

	if ((rc = vip_where(r, dev, &prefix)))
		return rc;
	if (!(ll.sll_ifindex = (int)dev_index(dev)))
		return -ENODEV;
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(dev, ":"), dev);
	if ((rc = dev_mac_read(base, mac)))
		return rc;
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP))) < 0)
		return -errno;
	memset(ll.sll_addr, 0xff, ETH_ALEN);
	memset(p.eh.ether_dhost, 0xff, ETH_ALEN);
	memcpy(p.eh.ether_shost, mac, ETH_ALEN);
	p.eh.ether_type = htons(ETHERTYPE_ARP);
	p.ea.arp_hrd = htons(ARPHRD_ETHER);
	p.ea.arp_pro = htons(ETHERTYPE_IP);
	p.ea.arp_hln = ETH_ALEN;
	p.ea.arp_pln = 4;
	p.ea.arp_op = htons(ARPOP_REQUEST);
	memcpy(p.ea.arp_sha, mac, ETH_ALEN);
	memcpy(p.ea.arp_spa, &r->ip, 4);
	memset(p.ea.arp_tha, 0xff, ETH_ALEN);
	memcpy(p.ea.arp_tpa, &r->ip, 4);
	if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}
