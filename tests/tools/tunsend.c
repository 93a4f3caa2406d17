// SPDX-License-Identifier: GPL-2.0
/*
 * tunsend: one UDP datagram to VIP:PORT from this host, tunnelled to a
 * real server as a director forwarding by tunnel would send it, and the
 * reply (which the real server sends straight back, untunnelled) printed.
 *
 *   tunsend ipip|gue|gre|gre-csum RS VIP PORT [GUE_PORT [TIMEOUT_MS]]
 *
 * The inner packet is built here (IPv4, UDP with its checksum) from the
 * address this host reaches RS by; the outer IPv4 header is the kernel's
 * (a raw socket of protocol 4 or 47, or a UDP socket to GUE_PORT for GUE,
 * whose 4-byte version-0 header, proto 4, is IPVS's ipvs_gue_encap's).
 * Exit status: 0 on a reply within TIMEOUT_MS (default 1000), 1 without
 * one, 2 on bad usage or a system error.
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

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IPv4 + UDP from src:sport to dst:dport carrying msg, into p. */
static size_t inner(uint8_t *p, struct in_addr src, uint16_t sport,
		    struct in_addr dst, uint16_t dport, const char *msg)
{
	size_t mlen = strlen(msg), ulen = 8 + mlen;
	uint8_t pseudo[12];
	uint16_t c;

	memset(p, 0, 28);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + ulen));
	put16(p + 4, (uint16_t)getpid());
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	put16(p + 10, fold(sum16(p, 20, 0)));
	put16(p + 20, sport);
	put16(p + 22, dport);
	put16(p + 24, (uint16_t)ulen);
	memcpy(p + 28, msg, mlen);
	memcpy(pseudo, &src, 4);
	memcpy(pseudo + 4, &dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	put16(pseudo + 10, (uint16_t)ulen);
	c = fold(sum16(p + 20, ulen, sum16(pseudo, 12, 0)));
	put16(p + 26, c ? c : 0xffff);
	return 20 + ulen;
}

static int usage(void)
{
	fprintf(stderr, "usage: tunsend ipip|gue|gre|gre-csum RS VIP PORT "
		"[GUE_PORT [TIMEOUT_MS]]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_in rs = { .sin_family = AF_INET }, me;
	struct in_addr vip;
	socklen_t sl = sizeof(me);
	uint8_t pkt[2048], *in;
	const char *kind;
	size_t hlen = 0, len;
	int port, gue_port = 0, timeout = 1000, out, udp;
	char reply[512];
	ssize_t n;

	if (argc < 5 || argc > 7)
		return usage();
	kind = argv[1];
	port = atoi(argv[4]);
	if (argc > 5)
		gue_port = atoi(argv[5]);
	if (argc > 6)
		timeout = atoi(argv[6]);
	if (inet_pton(AF_INET, argv[2], &rs.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[3], &vip) != 1 || port < 1 || port > 65535)
		return usage();
	if (!strcmp(kind, "gue") && (gue_port < 1 || gue_port > 65535))
		return usage();

	/* The reply's socket, on the address this host reaches RS from. */
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	rs.sin_port = htons(9);
	if (udp < 0 || connect(udp, (struct sockaddr *)&rs, sizeof(rs)) ||
	    getsockname(udp, (struct sockaddr *)&me, &sl)) {
		perror("tunsend: source address");
		return 2;
	}
	close(udp);
	me.sin_port = 0;
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	sl = sizeof(me);
	if (udp < 0 || bind(udp, (struct sockaddr *)&me, sizeof(me)) ||
	    getsockname(udp, (struct sockaddr *)&me, &sl)) {
		perror("tunsend: reply socket");
		return 2;
	}

	if (!strcmp(kind, "ipip")) {
		out = socket(AF_INET, SOCK_RAW, IPPROTO_IPIP);
	} else if (!strcmp(kind, "gre")) {
		hlen = 4;
		out = socket(AF_INET, SOCK_RAW, IPPROTO_GRE);
	} else if (!strcmp(kind, "gre-csum")) {
		hlen = 8;
		out = socket(AF_INET, SOCK_RAW, IPPROTO_GRE);
	} else if (!strcmp(kind, "gue")) {
		hlen = 4;
		out = socket(AF_INET, SOCK_DGRAM, 0);
		rs.sin_port = htons((uint16_t)gue_port);
	} else {
		return usage();
	}
	if (out < 0) {
		perror("tunsend: socket");
		return 2;
	}
	memset(pkt, 0, hlen);
	in = pkt + hlen;
	len = hlen + inner(in, me.sin_addr, ntohs(me.sin_port), vip,
			   (uint16_t)port, "tunsend");
	if (!strncmp(kind, "gre", 3)) {
		put16(pkt + 2, 0x0800);
		if (hlen == 8) {
			pkt[0] = 0x80;
			put16(pkt + 4, fold(sum16(pkt, len, 0)));
		}
	} else if (hlen) {
		pkt[1] = IPPROTO_IPIP;  /* GUE: version 0, proto 4 */
	}
	if (!rs.sin_port || strcmp(kind, "gue"))
		rs.sin_port = 0;
	if (sendto(out, pkt, len, 0, (struct sockaddr *)&rs, sizeof(rs)) !=
	    (ssize_t)len) {
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
	printf("%s\n", reply);
	return 0;
}
