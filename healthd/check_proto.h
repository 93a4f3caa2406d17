/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The negotiate checks of dns, smtp, submission, pop, pops, imap, imaps,
 * ftp, nntp and sip, each the exchange Debian's ldirectord 4.12 has with
 * the server (its check_<service>), over check_conv's conversation.
 */
#ifndef XLVS_HEALTHD_CHECK_PROTO_H
#define XLVS_HEALTHD_CHECK_PROTO_H

#include <stdbool.h>
#include "check_conv.h"

/* Starts t's negotiate check; pops and imaps need tls_bev (an unconnected
 * TLS bufferevent: check_tls.c's), which becomes the check's; the others
 * take NULL.  done is called once, from the loop.  NULL with errno set
 * when it cannot start (EINVAL: not one of ours, or no tls_bev). */
struct hd_conv *hd_proto_start(struct event_base *base,
			       struct bufferevent *tls_bev,
			       const struct hd_check_target *t,
			       hd_check_done_fn done, void *arg);

extern const struct hd_conv_ops hd_smtp_ops, hd_pop_ops, hd_imap_ops,
	hd_ftp_ops, hd_nntp_ops, hd_sip_ops, hd_dns_ops;

/* A reply line of SMTP or FTP (Net::Cmd): its code (100..599) and whether
 * more lines follow ("250-"), or -1 when the line is not a reply. */
int hd_reply_parse(const char *line, bool *more);

#endif
