/* SPDX-License-Identifier: GPL-2.0 */
/* servers.c and tls_peer.c: a connection, plain or TLS. */
#ifndef HD_CHECK_SERVERS_H
#define HD_CHECK_SERVERS_H

#include <sys/types.h>

typedef struct ssl_st SSL;

struct t_io {
	int fd;
	SSL *ssl;
};

ssize_t t_io_read(struct t_io *io, void *buf, size_t len);
void t_io_write(struct t_io *io, const void *buf, size_t len);
/* tls_peer.c: the SNI name of the connection being served, "-" for none,
 * "" on plain HTTP. */
extern char t_tls_sni[256];
/* Reads one request and answers it by its path. */
void t_http_io(struct t_io *io);

#endif
