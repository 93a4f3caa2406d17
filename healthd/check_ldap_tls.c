// SPDX-License-Identifier: GPL-2.0
/*
 * ldaps for check_ldap.c: libldap's own TLS start waits for the handshake
 * in a poll() bounded only by its network timeout, which would stall the
 * loop.  So check_ldap.c does the handshake itself on the loop and then
 * pushes this small lber layer (at the transport level, as libldap's own
 * TLS layer sits) that reads and writes through the check's SSL.
 */
#include <errno.h>
#include <ldap.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "check_proto2.h"

/* check_tls.c's context: Net::LDAP's default is verify => 'none' too. */
SSL *hd_ldap_ssl_new(struct hd_checker *ck, int fd)
{
	SSL *ssl = hd_tls_ssl_new(ck);

	if (ssl && !SSL_set_fd(ssl, fd)) {
		SSL_free(ssl);
		return NULL;
	}
	if (ssl)
		SSL_set_connect_state(ssl);
	return ssl;
}

/* The Sockbuf layer over our SSL (lber's transport level). */
static int sb_tls_setup(Sockbuf_IO_Desc *sbiod, void *arg)
{
	sbiod->sbiod_pvt = arg;
	return 0;
}

static int sb_tls_remove(Sockbuf_IO_Desc *sbiod)
{
	(void)sbiod;            /* the SSL is the check's, freed in stop */
	return 0;
}

static int sb_tls_ctrl(Sockbuf_IO_Desc *sbiod, int opt, void *arg)
{
	/* Decrypted bytes waiting inside OpenSSL count as readable, or
	 * libldap would wait for the descriptor that has nothing more. */
	if (opt == LBER_SB_OPT_DATA_READY && SSL_has_pending(sbiod->sbiod_pvt))
		return 1;
	return LBER_SBIOD_CTRL_NEXT(sbiod, opt, arg);
}

static ber_slen_t sb_tls_io_result(SSL *ssl, int n)
{
	if (n > 0)
		return n;
	switch (SSL_get_error(ssl, n)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EWOULDBLOCK;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (!errno)
			return 0;       /* EOF without close_notify */
		return -1;
	default:
		errno = EIO;
		return -1;
	}
}

static ber_slen_t sb_tls_read(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	SSL *ssl = sbiod->sbiod_pvt;

	ERR_clear_error();
	errno = 0;
	return sb_tls_io_result(ssl, SSL_read(ssl, buf, (int)len));
}

static ber_slen_t sb_tls_write(Sockbuf_IO_Desc *sbiod, void *buf,
			       ber_len_t len)
{
	SSL *ssl = sbiod->sbiod_pvt;

	ERR_clear_error();
	errno = 0;
	return sb_tls_io_result(ssl, SSL_write(ssl, buf, (int)len));
}

static int sb_tls_close(Sockbuf_IO_Desc *sbiod)
{
	(void)sbiod;            /* the TCP layer below closes the socket */
	return 0;
}

static Sockbuf_IO sb_tls = {
	.sbi_setup = sb_tls_setup,
	.sbi_remove = sb_tls_remove,
	.sbi_ctrl = sb_tls_ctrl,
	.sbi_read = sb_tls_read,
	.sbi_write = sb_tls_write,
	.sbi_close = sb_tls_close,
};

int hd_ldap_push_tls(LDAP *ld, SSL *ssl)
{
	Sockbuf *sb = NULL;

	if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) != LDAP_OPT_SUCCESS ||
	    !sb)
		return -EINVAL;
	if (ber_sockbuf_add_io(sb, &sb_tls, LBER_SBIOD_LEVEL_TRANSPORT,
			       ssl) != 0)
		return -ENOMEM;
	return 0;
}
