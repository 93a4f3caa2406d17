// SPDX-License-Identifier: GPL-2.0
/*
 * sip as ldirectord's check_sip: over the virtual service's protocol (UDP
 * or TCP), "OPTIONS sip:<login> SIP/2.0" with its Via (always
 * "SIP/2.0/UDP", the socket's own address and port), To, From, Call-ID,
 * CSeq, Contact and Accept; the reply's first line must start
 * "SIP/2.0 200 OK", and the check passes at the end of the headers (an
 * empty line) or when a TCP server closes after the status line.  login
 * defaults to ldirectord's "ldirectord@<hostname>".
 *
 * One difference: an IPv6 Via address is bracketed (RFC 3261); ldirectord
 * writes it bare.
 */
#include "check_proto.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

struct sip {
	bool ok;                 /* the status line said 200 OK */
	char login[300];
};

static void sip_login(struct sip *s, const struct hd_check_target *t)
{
	char host[256] = "localhost";

	if (t->login && t->login[0]) {
		snprintf(s->login, sizeof(s->login), "%s", t->login);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "localhost");
	snprintf(s->login, sizeof(s->login), "ldirectord@%s", host);
}

/* "10.0.0.1:5060" or "[::1]:5060": where the reply goes. */
static void sip_via(struct hd_conv *cv, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char a[INET6_ADDRSTRLEN] = "0.0.0.0";
	unsigned port = 0;

	if (hd_conv_local(cv, &ss, &sl) == 0 && ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
		return;
	}
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	}
	snprintf(buf, len, "%s:%u", a, port);
}

static void sip_ready(struct hd_conv *cv)
{
	struct sip *s = hd_conv_priv(cv);
	unsigned char id[8] = { 0 };
	char via[INET6_ADDRSTRLEN + 16];
	const char *u = s->login;

	sip_login(s, hd_conv_target(cv));
	sip_via(cv, via, sizeof(via));
	if (getrandom(id, sizeof(id), GRND_NONBLOCK) < 0)
		memset(id, 0x5a, sizeof(id));
	/* One write: over UDP the request is one datagram. */
	hd_conv_printf(cv,
		"OPTIONS sip:%s SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s;branch=z9hG4bKhjhs8ass877\r\n"
		"Max-Forwards: 70\r\n"
		"To: <sip:%s>\r\n"
		"From: <sip:%s>;tag=1928301774\r\n"
		"Call-ID: %02x%02x%02x%02x%02x%02x%02x%02x\r\n"
		"CSeq: 63104 OPTIONS\r\n"
		"Contact: <sip:%s>\r\n"
		"Accept: application/sdp\r\n"
		"Content-Length: 0\r\n\r\n",
		u, via, u, u, id[0], id[1], id[2], id[3], id[4], id[5], id[6],
		id[7], u);
}

static void sip_line(struct hd_conv *cv, char *line, size_t len)
{
	struct sip *s = hd_conv_priv(cv);

	if (len == 0) {
		if (s->ok)
			hd_conv_finish(cv, true, "%s", "");
		else
			hd_conv_finish(cv, false, "sip: No OK");
		return;
	}
	if (s->ok)
		return;
	if (strncmp(line, "SIP/2.0 200 OK", 14) != 0) {
		hd_conv_finish(cv, false, "sip: %.80s", line);
		return;
	}
	s->ok = true;
}

static void sip_eof(struct hd_conv *cv)
{
	struct sip *s = hd_conv_priv(cv);

	hd_conv_finish(cv, s->ok, "sip: No OK");
}

const struct hd_conv_ops hd_sip_ops = {
	.name = "sip",
	.priv_size = sizeof(struct sip),
	.ready = sip_ready,
	.line = sip_line,
	.eof = sip_eof,
};
