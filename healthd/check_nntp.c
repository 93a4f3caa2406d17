// SPDX-License-Identifier: GPL-2.0
/*
 * nntp as ldirectord's check_nntp: connect, wait for the first input and
 * look at what one read of it (sysread of 64 bytes) brings: it must start
 * with '2' ("200 news ready").  No command is sent; the connection is
 * simply closed.
 */
#include "check_proto.h"

#include <string.h>

#include <event2/buffer.h>

static void nntp_input(struct hd_conv *cv, struct evbuffer *in)
{
	char buf[65];
	ev_ssize_t n = evbuffer_copyout(in, buf, sizeof(buf) - 1);

	if (n <= 0)
		return;
	buf[n] = '\0';
	if (buf[0] == '2') {
		hd_conv_finish(cv, true, "%s", "");
		return;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	hd_conv_finish(cv, false, "nntp: banner: %s", buf);
}

const struct hd_conv_ops hd_nntp_ops = {
	.name = "nntp",
	.input = nntp_input,
};
