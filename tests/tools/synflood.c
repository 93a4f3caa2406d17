// SPDX-License-Identifier: GPL-2.0
/*
 * synflood: TCP SYNs from spoofed sources at a steady rate, for the SYN
 * flood test and benchmark.  Run it only inside a test's own namespaces:
 * the sources are random addresses of a private prefix the test routes to
 * a blackhole, so nothing answers and nothing leaves.
 *
 *   synflood SRC_PREFIX/LEN DST_ADDR DST_PORT COUNT RATE MAX_S
 *
 * Sends COUNT SYNs to DST_ADDR:DST_PORT, RATE a second (paced every
 * millisecond), each from a random address of SRC_PREFIX/LEN and a random
 * port, through a raw IPv4 socket (the kernel routes them and fills in the
 * IP checksum).  Stops after COUNT or MAX_S seconds, whichever comes first,
 * and prints "sent N failed F seconds S" (F: sends the kernel refused, a
 * full queue say).  Exit status: 0 when every SYN went out, 1 when some
 * did not, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct syn {
	uint8_t ver_ihl, tos;
	uint16_t tot_len, id, frag;
	uint8_t ttl, proto;
	uint16_t check;
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff, flags;
	uint16_t window, tcheck, urg;
	uint8_t mss[4];         /* the MSS option a real client sends */
} __attribute__((packed));

_Static_assert(sizeof(struct syn) == 44, "IPv4 + TCP + MSS option");

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64: fast, and reproducible enough for addresses and ports. */
static uint64_t rnd(void)
{
	static uint64_t s;

	if (!s)
		s = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The TCP checksum over the pseudo-header and the 24 bytes of TCP. */
static uint16_t tcp_check(const struct syn *p)
{
	const uint8_t *b = (const uint8_t *)p;
	uint32_t sum = IPPROTO_TCP + 24;

	/* The pseudo-header's addresses (offset 12) and the TCP header
	 * (offset 20) lie back to back: 32 bytes of 16-bit words. */
	for (int i = 12; i < (int)sizeof(*p); i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	return htons(fold(sum));
}

static int parse_prefix(const char *s, uint32_t *net, uint32_t *hostmask)
{
	char buf[32], *slash, *end;
	struct in_addr a;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	len = strtol(slash + 1, &end, 10);
	if (*end || len < 8 || len > 30 || inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	*hostmask = (1u << (32 - len)) - 1;
	*net = ntohl(a.s_addr) & ~*hostmask;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint32_t net, hostmask;
	long port, count, rate;
	double max_s, start, now;
	long sent = 0, failed = 0;
	struct syn p;
	char *end;
	int fd;

	if (argc != 7) {
		fprintf(stderr, "usage: synflood SRC_PREFIX/LEN DST_ADDR DST_PORT "
				"COUNT RATE MAX_S\n");
		return 2;
	}
	port = strtol(argv[3], &end, 10);
	count = strtol(argv[4], NULL, 10);
	rate = strtol(argv[5], NULL, 10);
	max_s = atof(argv[6]);
	if (parse_prefix(argv[1], &net, &hostmask) ||
	    inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1 || *end ||
	    port < 1 || port > 65535 || count < 1 || rate < 1 || max_s <= 0) {
		fprintf(stderr, "synflood: bad arguments\n");
		return 2;
	}
	/* IPPROTO_RAW: we write the IP header (IP_HDRINCL is implied). */
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("synflood: socket");
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.ver_ihl = 0x45;
	p.tot_len = htons(sizeof(p));
	p.ttl = 64;
	p.proto = IPPROTO_TCP;
	p.daddr = dst.sin_addr.s_addr;
	p.dport = htons((uint16_t)port);
	p.doff = 6 << 4;
	p.flags = 0x02;                 /* SYN */
	p.window = htons(64240);
	p.mss[0] = 2;
	p.mss[1] = 4;
	p.mss[2] = 1460 >> 8;
	p.mss[3] = 1460 & 0xff;

	start = now_s();
	while (sent + failed < count) {
		long due;

		now = now_s();
		if (now - start > max_s)
			break;
		due = (long)((now - start) * (double)rate) + 1;
		if (due > count)
			due = count;
		while (sent + failed < due) {
			uint64_t r = rnd();
			uint32_t host = (uint32_t)r & hostmask;

			/* Neither the prefix's network nor its broadcast. */
			if (host == 0 || host == hostmask)
				host = 1;
			p.saddr = htonl(net | host);
			p.sport = htons((uint16_t)(1024 + (r >> 32) % 64512));
			p.seq = (uint32_t)(r >> 16);
			p.id = (uint16_t)(r >> 48);
			p.tcheck = 0;
			p.tcheck = tcp_check(&p);
			if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&dst,
				   sizeof(dst)) == (ssize_t)sizeof(p))
				sent++;
			else
				failed++;
		}
		usleep(1000);
	}
	printf("sent %ld failed %ld seconds %.2f\n", sent, failed, now_s() - start);
	close(fd);
	return sent == count ? 0 : 1;
}
