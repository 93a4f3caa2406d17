// SPDX-License-Identifier: GPL-2.0
/* The https peer: t_http_io behind TLS with a self-signed certificate made
 * here (an EC key; nothing read from disk). */
#include <sys/socket.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "hd_check_test.h"
#include "servers.h"

static SSL_CTX *srv_ctx;
char t_tls_sni[256];    /* the last SNI name the peer saw (in its process) */

static X509 *self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *n;

	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)"hd-check.test", -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_sign(x, key, EVP_sha256());
	return x;
}

void t_tls_init(void)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert;

	assert_non_null(key);
	cert = self_signed(key);
	srv_ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(srv_ctx);
	assert_int_equal(SSL_CTX_use_certificate(srv_ctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(srv_ctx, key), 1);
	X509_free(cert);
	EVP_PKEY_free(key);
}

/* The SNI name the client sent comes back in the page as a header the
 * client never sees in its body... so the echo page shows it instead. */
void t_https_serve(int fd, void *arg)
{
	struct t_io io = { .fd = fd, .ssl = SSL_new(srv_ctx) };

	(void)arg;
	SSL_set_fd(io.ssl, fd);
	if (SSL_accept(io.ssl) == 1) {
		const char *sni = SSL_get_servername(io.ssl,
						     TLSEXT_NAMETYPE_host_name);

		snprintf(t_tls_sni, sizeof(t_tls_sni), "%s", sni ? sni : "-");
		t_http_io(&io);
		SSL_shutdown(io.ssl);
	}
	SSL_free(io.ssl);
	close(fd);
}
