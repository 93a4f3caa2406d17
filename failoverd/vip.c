/* A haresources IP resource: the address added and removed with rtnetlink
 * (lib/nl.c), and announced as heartbeat's agents do.  IPv4 (IPaddr,
 * IPaddr2): send_arp's gratuitous ARP, an ARP request and an ARP reply,
 * both to the broadcast MAC, sender and target address both the VIP
 * (request: target MAC zero; reply: our own), so a neighbour moves its
 * entry to our MAC whichever kind it heeds.  IPv6 (IPv6addr): an
 * unsolicited neighbour advertisement (override set) to all-nodes, as
 * its send_ua; the address goes in with NODAD, since the peer it is taken
 * from may still hold it (killed, link up) and DAD would then fail it. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "internal.h"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

static bool in_subnet(const struct fo_rsc *r, const struct sockaddr *a, const struct sockaddr *m,
		      int *bits)
{
	const uint8_t *x, *y, *mk;
	size_t n;
	int b = 0;

	if (a->sa_family != r->family || !m)
		return false;
	if (r->family == AF_INET) {
		x = (const uint8_t *)&((const struct sockaddr_in *)a)->sin_addr;
		mk = (const uint8_t *)&((const struct sockaddr_in *)m)->sin_addr;
		y = (const uint8_t *)&r->ip;
		n = 4;
	} else {
		x = (const uint8_t *)&((const struct sockaddr_in6 *)a)->sin6_addr;
		mk = (const uint8_t *)&((const struct sockaddr_in6 *)m)->sin6_addr;
		y = (const uint8_t *)&r->ip6;
		n = 16;
	}
	for (size_t i = 0; i < n; i++) {
		if ((x[i] & mk[i]) != (y[i] & mk[i]))
			return false;
		b += __builtin_popcount(mk[i]);
	}
	*bits = b;
	return b > 0;
}

/* Where the address goes: its dev and prefix, or, as IPaddr does when
 * they are left out, the interface whose subnet holds it. */
static int vip_where(const struct fo_rsc *r, char dev[IF_NAMESIZE + 16], int *prefix)
{
	struct ifaddrs *ifa, *i;
	int rc = -ENXIO, bits;

	snprintf(dev, IF_NAMESIZE + 16, "%s", r->dev);
	*prefix = r->prefix;
	if (dev[0] && *prefix >= 0)
		return 0;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || !in_subnet(r, i->ifa_addr, i->ifa_netmask, &bits) ||
		    (dev[0] && strcmp(dev, i->ifa_name)))
			continue;
		if (!dev[0])
			snprintf(dev, IF_NAMESIZE + 16, "%s", i->ifa_name);
		if (*prefix < 0)
			*prefix = bits;
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
	struct nl_addr a = { .family = (uint8_t)r->family };
	int prefix, rc;

	a.addr = r->family == AF_INET6 ? (const void *)&r->ip6 : (const void *)&r->ip;
	if ((rc = vip_where(r, dev, &prefix)))
		return rc;
	if (!(a.ifindex = dev_index(dev)))
		return -ENODEV;
	a.prefix = (uint8_t)prefix;
	if (r->family == AF_INET) {
		a.bcast = r->has_bcast ? &r->bcast : NULL;
		a.label = strchr(dev, ':') ? dev : NULL;
	} else {
		a.flags = IFA_F_NODAD;
	}
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

void fo_vip_text(const struct fo_rsc *r, char *buf, size_t cap)
{
	if (!inet_ntop(r->family == AF_INET6 ? AF_INET6 : AF_INET,
		       r->family == AF_INET6 ? (const void *)&r->ip6 : (const void *)&r->ip, buf,
		       (socklen_t)cap))
		snprintf(buf, cap, "?");
}

struct garp {
	struct ether_header eh;
	struct ether_arp ea;
} __attribute__((packed));

static int send_arp(const struct fo_rsc *r, const char *dev, bool reply)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_halen = ETH_ALEN };
	char base[IF_NAMESIZE];
	struct garp p = { 0 };
	uint8_t mac[ETH_ALEN];
	int fd, rc = 0;

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
	p.ea.arp_op = htons(reply ? ARPOP_REPLY : ARPOP_REQUEST);
	memcpy(p.ea.arp_sha, mac, ETH_ALEN);
	memcpy(p.ea.arp_spa, &r->ip, 4);
	if (reply)
		memcpy(p.ea.arp_tha, mac, ETH_ALEN);
	memcpy(p.ea.arp_tpa, &r->ip, 4);
	if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

struct una {
	struct nd_neighbor_advert na;
	struct nd_opt_hdr opt;
	uint8_t mac[ETH_ALEN];
} __attribute__((packed));

/* From the VIP to ff02::1, hop limit 255 (RFC 4861 7.2.6); the kernel
 * fills the ICMPv6 checksum of a raw ICMPv6 socket. */
static int send_na(const struct fo_rsc *r, const char *dev)
{
	struct sockaddr_in6 src = { .sin6_family = AF_INET6, .sin6_addr = r->ip6 };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	char base[IF_NAMESIZE];
	struct una p = { 0 };
	int fd, rc = 0, hops = 255, one = 1;
	unsigned ifi = dev_index(dev);

	if (!ifi)
		return -ENODEV;
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(dev, ":"), dev);
	if ((rc = dev_mac_read(base, p.mac)))
		return rc;
	if ((fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6)) < 0)
		return -errno;
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = ifi;
	setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifi, sizeof(ifi)) < 0 ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		rc = -errno;
		goto out;
	}
	p.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	p.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	p.na.nd_na_target = r->ip6;
	p.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
	p.opt.nd_opt_len = 1;
	if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		rc = -errno;
out:
	close(fd);
	return rc;
}

/* Frame `step` of r's burst: IPv4 even steps a request, odd a reply;
 * IPv6 an advertisement on even steps. */
int fo_vip_announce(const struct fo_rsc *r, unsigned step)
{
	char dev[IF_NAMESIZE + 16];
	int prefix, rc;

	if ((rc = vip_where(r, dev, &prefix)))
		return rc;
	if (r->family == AF_INET6)
		return step % 2 ? 0 : send_na(r, dev);
	return send_arp(r, dev, step % 2);
}
