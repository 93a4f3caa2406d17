// SPDX-License-Identifier: GPL-2.0
/*
 * tunsend: one UDP datagram to VIP:PORT from this host, tunnelled to a
 * real server as a director forwarding by tunnel would send it, and the
 * reply (which the real server sends straight back, untunnelled) printed.
 * And a small UDP server for the other end.
 *
 *   tunsend ipip|gue|gre|gre-csum RS VIP PORT [GUE_PORT [TIMEOUT_MS]]
 *   tunsend serve ADDR PORT NAME
 *
 * RS and VIP are both IPv4 (ipip, GUE or GRE over IPv4) or both IPv6
 * (ip6ip6, GUE or GRE over IPv6).  The inner packet is built here (IP,
 * UDP with its checksum) from the address this host reaches RS by; the
 * outer IP header is the kernel's (a raw socket of protocol 4, 41 or 47,
 * or a UDP socket to GUE_PORT for GUE, whose 4-byte version-0 header is
 * IPVS's ipvs_gue_encap's).  Exit status: 0 on a reply within TIMEOUT_MS
 * (default 1000), 1 without one, 2 on bad usage or a system error.
 *
 * serve answers every datagram to ADDR:PORT (IPv4 or IPv6) with NAME and
 * a newline, from ADDR, until it is killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../lib/csum.h"

union sa {
	struct sockaddr s;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int parse(const char *s, union sa *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4.sin_addr) == 1) {
		a->v4.sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6.sin6_addr) == 1) {
		a->v6.sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

static socklen_t sa_len(const union sa *a)
{
	return a->s.sa_family == AF_INET6 ? sizeof(a->v6) : sizeof(a->v4);
}

static void set_port(union sa *a, uint16_t port)
{
	if (a->s.sa_family == AF_INET6)
		a->v6.sin6_port = htons(port);
	else
		a->v4.sin_port = htons(port);
}

/* IP + UDP from src to dst (their ports set) carrying msg, into p. */
static size_t inner(uint8_t *p, const union sa *src, const union sa *dst,
		    const char *msg)
{
	size_t mlen = strlen(msg), ulen = 8 + mlen, ih;
	uint8_t pseudo[40];
	size_t plen;
	uint16_t c;

	if (src->s.sa_family == AF_INET) {
		ih = 20;
		memset(p, 0, ih);
		p[0] = 0x45;
		put16(p + 2, (uint16_t)(ih + ulen));
		put16(p + 4, (uint16_t)getpid());
		p[8] = 64;
		p[9] = IPPROTO_UDP;
		memcpy(p + 12, &src->v4.sin_addr, 4);
		memcpy(p + 16, &dst->v4.sin_addr, 4);
		put16(p + 10, csum_of(p, ih));
		memcpy(pseudo, &src->v4.sin_addr, 4);
		memcpy(pseudo + 4, &dst->v4.sin_addr, 4);
		pseudo[8] = 0;
		pseudo[9] = IPPROTO_UDP;
		put16(pseudo + 10, (uint16_t)ulen);
		plen = 12;
	} else {
		ih = 40;
		memset(p, 0, ih);
		p[0] = 0x60;
		put16(p + 4, (uint16_t)ulen);
		p[6] = IPPROTO_UDP;
		p[7] = 64;
		memcpy(p + 8, &src->v6.sin6_addr, 16);
		memcpy(p + 24, &dst->v6.sin6_addr, 16);
		memset(pseudo, 0, sizeof(pseudo));
		memcpy(pseudo, &src->v6.sin6_addr, 16);
		memcpy(pseudo + 16, &dst->v6.sin6_addr, 16);
		put16(pseudo + 34, (uint16_t)ulen);
		pseudo[39] = IPPROTO_UDP;
		plen = 40;
	}
	uint8_t *u = p + ih;
	memcpy(u, src->s.sa_family == AF_INET ? (void *)&src->v4.sin_port :
	       (void *)&src->v6.sin6_port, 2);
	memcpy(u + 2, dst->s.sa_family == AF_INET ? (void *)&dst->v4.sin_port :
	       (void *)&dst->v6.sin6_port, 2);
	put16(u + 4, (uint16_t)ulen);
	put16(u + 6, 0);
	memcpy(u + 8, msg, mlen);
	c = csum_fold(csum_add(csum_add(0, pseudo, plen), u, ulen));
	put16(u + 6, c ? c : 0xffff);
	return ih + ulen;
}

static int usage(void)
{
	fprintf(stderr, "usage: tunsend ipip|gue|gre|gre-csum RS VIP PORT "
		"[GUE_PORT [TIMEOUT_MS]]\n       tunsend serve ADDR PORT NAME\n");
	return 2;
}

static int serve(int argc, char **argv)
{
	union sa a, peer;
	char buf[2048], reply[256];
	int fd, n;

	if (argc != 5 || parse(argv[2], &a) || atoi(argv[3]) < 1)
		return usage();
	set_port(&a, (uint16_t)atoi(argv[3]));
	n = snprintf(reply, sizeof(reply), "%s\n", argv[4]);
	fd = socket(a.s.sa_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, &a.s, sa_len(&a))) {
		perror("tunsend serve: bind");
		return 2;
	}
	for (;;) {
		socklen_t sl = sizeof(peer);

		if (recvfrom(fd, buf, sizeof(buf), 0, &peer.s, &sl) >= 0)
			sendto(fd, reply, (size_t)n, 0, &peer.s, sl);
	}
}

int main(int argc, char **argv)
{
	union sa rs, vip, me;
	socklen_t sl = sizeof(me);
	uint8_t pkt[2048], *in;
	const char *kind;
	size_t hlen = 0, len;
	int port, gue_port = 0, timeout = 1000, out, udp, fam, proto;
	char reply[512];
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "serve"))
		return serve(argc, argv);
	if (argc < 5 || argc > 7)
		return usage();
	kind = argv[1];
	port = atoi(argv[4]);
	if (argc > 5)
		gue_port = atoi(argv[5]);
	if (argc > 6)
		timeout = atoi(argv[6]);
	if (parse(argv[2], &rs) || parse(argv[3], &vip) || port < 1 ||
	    port > 65535 || rs.s.sa_family != vip.s.sa_family)
		return usage();
	if (!strcmp(kind, "gue") && (gue_port < 1 || gue_port > 65535))
		return usage();
	fam = rs.s.sa_family;

	/* The reply's socket, on the address this host reaches RS from. */
	udp = socket(fam, SOCK_DGRAM, 0);
	set_port(&rs, 9);
	if (udp < 0 || connect(udp, &rs.s, sa_len(&rs)) ||
	    getsockname(udp, &me.s, &sl)) {
		perror("tunsend: source address");
		return 2;
	}
	close(udp);
	set_port(&me, 0);
	udp = socket(fam, SOCK_DGRAM, 0);
	sl = sizeof(me);
	if (udp < 0 || bind(udp, &me.s, sa_len(&me)) ||
	    getsockname(udp, &me.s, &sl)) {
		perror("tunsend: reply socket");
		return 2;
	}
	set_port(&vip, (uint16_t)port);

	if (!strcmp(kind, "ipip")) {
		proto = fam == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
		out = socket(fam, SOCK_RAW, proto);
	} else if (!strcmp(kind, "gre") || !strcmp(kind, "gre-csum")) {
		hlen = kind[3] ? 8 : 4;
		out = socket(fam, SOCK_RAW, IPPROTO_GRE);
	} else if (!strcmp(kind, "gue")) {
		hlen = 4;
		out = socket(fam, SOCK_DGRAM, 0);
	} else {
		return usage();
	}
	if (out < 0) {
		perror("tunsend: socket");
		return 2;
	}
	memset(pkt, 0, hlen);
	in = pkt + hlen;
	len = hlen + inner(in, &me, &vip, "tunsend");
	if (!strncmp(kind, "gre", 3)) {
		put16(pkt + 2, fam == AF_INET ? 0x0800 : 0x86dd);
		if (hlen == 8) {
			pkt[0] = 0x80;
			put16(pkt + 4, csum_of(pkt, len));
		}
	} else if (hlen) {
		/* GUE: version 0, the inner protocol. */
		pkt[1] = fam == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
	}
	/* A raw socket takes no port (for IPv6 it would be the protocol). */
	set_port(&rs, !strcmp(kind, "gue") ? (uint16_t)gue_port : 0);
	if (sendto(out, pkt, len, 0, &rs.s, sa_len(&rs)) != (ssize_t)len) {
		perror("tunsend: sendto");
		return 2;
	}
	struct pollfd pfd = { .fd = udp, .events = POLLIN };
	if (poll(&pfd, 1, timeout) != 1)
		return 1;
	n = recv(udp, reply, sizeof(reply) - 1, 0);
	if (n < 0)
		return 1;
	reply[n] = 0;
	printf("%s", reply);
	return 0;
}
