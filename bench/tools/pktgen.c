// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen: sends pre-built 64-byte UDP frames (60 bytes on the wire, plus
 * the FCS a real NIC would add) out of one interface as fast as it can,
 * through an AF_PACKET socket with PACKET_QDISC_BYPASS and sendmmsg.
 *
 *   pktgen --dev DEV --dst-mac MAC --src IP --dst IP[,IP...] --port PORT
 *          [--flows N] [--count N] [--seconds S] [--batch N]
 *
 * Frame i goes to destination i % ndst from source port 10000 + i % flows;
 * every frame's IPv4 and UDP checksums are valid.  It stops after --count
 * frames or --seconds seconds, whichever comes first (both are bounded:
 * defaults 100 M frames and 10 s), and prints what it sent.  Frames the
 * device refuses (a full ring, ENOBUFS) are counted, not retried.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_LEN 60	/* 64 with the FCS */
#define MAX_DST 16
#define MAX_BATCH 256

struct frame {
	unsigned char b[FRAME_LEN];
};

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	return sum;
}

static void frame_build(struct frame *f, const unsigned char dmac[6],
			const unsigned char smac[6], struct in_addr src,
			struct in_addr dst, uint16_t sport, uint16_t dport)
{
	struct ether_header *eth = (void *)f->b;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	size_t ulen = FRAME_LEN - sizeof(*eth) - sizeof(*ip);
	uint32_t sum;

	memset(f, 0, sizeof(*f));
	memcpy(eth->ether_dhost, dmac, 6);
	memcpy(eth->ether_shost, smac, 6);
	eth->ether_type = htons(ETHERTYPE_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)(FRAME_LEN - sizeof(*eth)));
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = htons(csum_fold(csum_add(0, ip, sizeof(*ip))));
	udp->source = htons(sport);
	udp->dest = htons(dport);
	udp->len = htons((uint16_t)ulen);
	memcpy(udp + 1, "xlvs-bench", 10);
	/* Pseudo-header, then the datagram. */
	sum = csum_add(0, &ip->saddr, 8);
	sum += IPPROTO_UDP + (uint32_t)ulen;
	sum = csum_add(sum, udp, ulen);
	udp->check = htons(csum_fold(sum));
	if (udp->check == 0)
		udp->check = 0xffff;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

static long parse_num(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end || v < lo || v > hi)
		errx(2, "--%s %s: expected %ld..%ld", what, s, lo, hi);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "flows", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "batch", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dev = NULL, *dsts = NULL;
	unsigned char dmac[6], smac[6];
	struct in_addr src = { 0 }, dst[MAX_DST];
	long port = -1, flows = 1024, count = 100000000, seconds = 10, batch = 64;
	int have_mac = 0, ndst = 0, one = 1, fd, c;
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	struct sockaddr_ll sll = { 0 };
	struct frame *frames;
	long nframes, sent = 0, failed = 0, next = 0, i;
	struct ifreq ifr = { 0 };
	double t0, t1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'm':
			if (parse_mac(optarg, dmac))
				errx(2, "--dst-mac %s: not a MAC", optarg);
			have_mac = 1;
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &src) != 1)
				errx(2, "--src %s: not an IPv4 address", optarg);
			break;
		case 't': dsts = optarg; break;
		case 'p': port = parse_num(optarg, "port", 1, 65535); break;
		case 'f': flows = parse_num(optarg, "flows", 1, 50000); break;
		case 'c': count = parse_num(optarg, "count", 1, 1000000000L); break;
		case 'S': seconds = parse_num(optarg, "seconds", 1, 600); break;
		case 'b': batch = parse_num(optarg, "batch", 1, MAX_BATCH); break;
		default: return 2;
		}
	}
	if (!dev || !dsts || !have_mac || port < 0 || !src.s_addr)
		errx(2, "usage: pktgen --dev DEV --dst-mac MAC --src IP "
			"--dst IP[,IP...] --port PORT [--flows N] [--count N] "
			"[--seconds S] [--batch N]");
	{
		char *copy = strdup(dsts), *tok, *save = NULL;

		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (ndst == MAX_DST || inet_pton(AF_INET, tok, &dst[ndst]) != 1)
				errx(2, "--dst %s: bad address or too many", tok);
			ndst++;
		}
		free(copy);
	}

	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: send only */
	if (fd < 0)
		err(1, "AF_PACKET socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err(1, "%s: MAC", dev);
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(dev);
	if (!sll.sll_ifindex)
		err(1, "%s", dev);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		err(1, "bind %s", dev);
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		err(1, "PACKET_QDISC_BYPASS");

	/* One frame per (flow, destination) pair, sent in a fixed cycle. */
	nframes = flows * ndst;
	frames = calloc((size_t)nframes, sizeof(*frames));
	if (!frames)
		err(1, "frames");
	for (i = 0; i < nframes; i++)
		frame_build(&frames[i], dmac, smac, src, dst[i % ndst],
			    (uint16_t)(10000 + (i / ndst) % flows), (uint16_t)port);

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < batch; i++) {
		iov[i].iov_len = FRAME_LEN;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	t1 = t0;
	while (sent + failed < count && t1 - t0 < (double)seconds) {
		long n = batch < count - sent - failed ? batch : count - sent - failed;
		int rc;

		for (i = 0; i < n; i++) {
			iov[i].iov_base = frames[next].b;
			if (++next == nframes)
				next = 0;
		}
		rc = sendmmsg(fd, msgs, (unsigned int)n, 0);
		if (rc < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
				err(1, "sendmmsg");
			failed++;	/* the first frame of the batch */
			rc = 1;
		} else {
			sent += rc;
		}
		/* Resend from where the kernel stopped.  The batch may have
		 * gone round the cycle more than once (fewer frames than a
		 * batch): the step back is taken modulo the cycle first, so
		 * that next never goes negative. */
		if (rc < n)
			next = (next + nframes - (n - rc) % nframes) % nframes;
		t1 = now();
	}
	printf("sent %ld failed %ld seconds %.3f pps %.0f\n", sent, failed,
	       t1 - t0, (double)sent / (t1 - t0));
	close(fd);
	free(frames);
	return 0;
}
