/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One conversation with a real server for the text protocols' negotiate
 * checks (smtp, pop, imap, ftp, nntp, sip) and dns over TCP or UDP: the
 * connection (TCP, TLS over TCP, or a connected UDP socket), the line
 * reader and the check's one ending.  Each protocol is a
 * hd_conv_ops: it is told when the connection is ready, gets every line
 * (or the raw input) and ends the check with hd_conv_finish().
 */
#ifndef XLVS_HEALTHD_CHECK_CONV_H
#define XLVS_HEALTHD_CHECK_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include "check.h"

struct event_base;
struct evbuffer;
struct bufferevent;

/* The longest line a server may send before the check fails. */
#define HD_CONV_MAX_LINE 4096

struct hd_conv;

struct hd_conv_ops {
	const char *name;        /* for reasons: "smtp", "pop"... */
	size_t priv_size;        /* zeroed state the protocol keeps */
	/* The connection is up (TCP: connected, TLS: handshake done;
	 * UDP: connected): send the first request, if any. */
	void (*ready)(struct hd_conv *cv);
	/* A whole line, its \n and one \r before it removed, NUL-ended. */
	void (*line)(struct hd_conv *cv, char *line, size_t len);
	/* Instead of line when set: whatever input there is. */
	void (*input)(struct hd_conv *cv, struct evbuffer *in);
	/* The server closed the connection.  NULL: the check fails. */
	void (*eof)(struct hd_conv *cv);
	/* Frees what the protocol holds in priv (called once, always). */
	void (*cleanup)(struct hd_conv *cv);
};

/* Starts a conversation with t->rip on checkport (or rip.port): socktype
 * SOCK_STREAM or SOCK_DGRAM.  bev: an unconnected bufferevent to connect
 * (TLS: check_tls.c's), or NULL for plain TCP; it is the conversation's
 * from here on, freed even when this fails.  done is called
 * once, from the loop.  No timeout of its own: the engine's timer bounds
 * the check and cancels the conversation.
 * NULL with errno when it cannot start. */
struct hd_conv *hd_conv_start(struct event_base *base,
			      struct bufferevent *bev,
			      const struct hd_check_target *t, int socktype,
			      const struct hd_conv_ops *ops,
			      hd_check_done_fn done, void *arg);
/* The same over bev, a stream already connected (one end of a
 * bufferevent_pair in the fuzzer). */
struct hd_conv *hd_conv_start_connected(struct event_base *base,
					struct bufferevent *bev,
					const struct hd_check_target *t,
					const struct hd_conv_ops *ops,
					hd_check_done_fn done, void *arg);
/* Frees it; done is never called. */
void hd_conv_cancel(struct hd_conv *cv);

void *hd_conv_priv(struct hd_conv *cv);
const struct hd_check_target *hd_conv_target(const struct hd_conv *cv);
struct event_base *hd_conv_base(const struct hd_conv *cv);
/* The connection's own address, 0 or -errno. */
int hd_conv_local(const struct hd_conv *cv, struct sockaddr_storage *ss,
		  socklen_t *len);

/* Queue bytes / a formatted line (the caller adds "\r\n"). */
void hd_conv_write(struct hd_conv *cv, const void *data, size_t len);
void hd_conv_printf(struct hd_conv *cv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends the check: done(arg, up, why) with why formatted (up: ""); the
 * conversation is freed once the callback that called this returns.  Safe
 * to call more than once: only the first counts. */
void hd_conv_finish(struct hd_conv *cv, bool up, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, once what is queued (a QUIT) has been written. */
void hd_conv_finish_flushed(struct hd_conv *cv, bool up, const char *why);

/* ldirectord's `$text =~ /$re/`: 1 on a match, 0 if not, -EINVAL when re
 * does not compile. */
int hd_conv_match(const char *re, const char *text, size_t len);

#endif
