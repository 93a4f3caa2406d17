// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what a server says to xlvs-healthd's text-protocol and
 * dns checks (healthd/check_{smtp,pop,imap,ftp,nntp,sip,dns}.c over
 * check_conv.c).  The input's first byte picks the service and its
 * settings (login set or not, UDP or TCP), the second seeds the sizes of
 * the pieces the rest arrives in; the server then closes.  The check runs
 * on one end of a bufferevent_pair, so no socket is used, except ftp's
 * data connection, which goes to whatever address the input's PASV names:
 * in the fence's empty network namespace it cannot leave the process.
 * Invariants: the check ends at most once, up with no reason and down with
 * one; nntp is up exactly when the first byte is '2'.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "check_proto.h"
#include "fence.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct event_base *base;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	event_set_log_callback(NULL);
	base = event_base_new();
	if (!base)
		abort();
	return 0;
}

struct result {
	int calls;
	bool up;
	char why[200];
};

static void done(void *arg, bool up, const char *why)
{
	struct result *r = arg;

	r->calls++;
	r->up = up;
	snprintf(r->why, sizeof(r->why), "%s", why);
}

static const struct {
	enum hd_service svc;
	const struct hd_conv_ops *ops;
} svcs[] = {
	{ HD_SVC_SMTP, &hd_smtp_ops }, { HD_SVC_POP, &hd_pop_ops },
	{ HD_SVC_IMAP, &hd_imap_ops }, { HD_SVC_FTP, &hd_ftp_ops },
	{ HD_SVC_NNTP, &hd_nntp_ops }, { HD_SVC_SIP, &hd_sip_ops },
	{ HD_SVC_DNS, &hd_dns_ops },
};

static void spin(int n)
{
	for (int i = 0; i < n; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_check_target t = {
		.kind = HD_CHECK_NEGOTIATE, .rip = { .af = 4, .port = 1 },
		.request = "www.example.test", .receive = "^1|hello|\\.test",
		.timeout_ms = 0,
	};
	struct bufferevent *pair[2];
	struct result r = { 0 };
	struct hd_conv *cv;
	unsigned sel, seed;
	size_t off = 2;

	if (size < 2)
		return 0;
	sel = data[0];
	seed = data[1] | 1;
	t.service = svcs[(sel & 0x0f) % 7].svc;
	t.proto = (sel & 0x10) ? IPPROTO_UDP : IPPROTO_TCP;
	if (sel & 0x20) {
		t.login = "alice";
		t.passwd = (sel & 0x40) ? "se\"cr\\et" : "secret";
	}
	t.rip.addr[0] = 10;
	if (bufferevent_pair_new(base, 0, pair) < 0)
		abort();
	cv = hd_conv_start_connected(base, pair[0], &t, svcs[(sel & 0x0f) % 7].ops,
				     done, &r);
	if (!cv)
		abort();
	spin(2);
	while (off < size && r.calls == 0) {
		size_t n = 1 + (seed = seed * 1103515245u + 12345u) % 64;

		if (n > size - off)
			n = size - off;
		bufferevent_write(pair[1], data + off, n);
		evbuffer_drain(bufferevent_get_input(pair[1]), (size_t)-1);
		off += n;
		spin(3);
	}
	bufferevent_free(pair[1]);      /* the server closes */
	spin(8);
	if (r.calls == 0)
		hd_conv_cancel(cv);     /* what the engine's timer does */
	spin(2);
	FUZZ_ASSERT(r.calls <= 1);
	FUZZ_ASSERT(!r.calls || r.up == !r.why[0]);
	if (t.service == HD_SVC_NNTP && r.calls && size > 2)
		FUZZ_ASSERT(r.up == (data[2] == '2'));
	return 0;
}
