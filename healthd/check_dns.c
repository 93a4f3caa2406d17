// SPDX-License-Identifier: GPL-2.0
/*
 * dns as ldirectord's check_dns through Net::DNS: a recursive query for
 * request (its leading '/' removed; an address asks for its PTR name, as
 * Net::DNS::Question does, anything else for A) sent to the real server
 * over UDP, or TCP when the virtual service is TCP; the server is up when
 * an answer with records holds an A record whose address, or a PTR record
 * whose name (without the final dot), matches receive.  An empty receive
 * never matches (ldirectord's length($recstr)).  Messages are built and
 * parsed by ldns; the socket is check_conv's.
 *
 * A truncated UDP answer is asked again over TCP, as Net::DNS's send().
 * One difference: Net::DNS's search() also tries the resolv.conf search
 * domains for a name without dots; here the name is asked as it is.
 */
#include "check_proto.h"
#include "check_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <ldns/ldns.h>

struct dns {
	uint16_t id;
	bool tcp;
	struct hd_conv *retry;          /* over TCP after a truncated answer */
	struct hd_check_target tt;      /* its target */
	struct hd_conv *cv;
};

static ldns_pkt *dns_query(const char *request)
{
	const char *name = request && request[0] == '/' ? request + 1 :
			   request ? request : "";
	unsigned char a[16];
	ldns_rdf *q = NULL, *ip = NULL;
	ldns_rr_type type = LDNS_RR_TYPE_A;
	ldns_pkt *p;

	if (!name[0])
		name = ".";
	if (inet_pton(AF_INET, name, a) == 1)
		ip = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, name);
	else if (inet_pton(AF_INET6, name, a) == 1)
		ip = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, name);
	if (ip) {
		q = ldns_rdf_address_reverse(ip);
		ldns_rdf_deep_free(ip);
		type = LDNS_RR_TYPE_PTR;
	} else {
		q = ldns_dname_new_frm_str(name);
	}
	if (!q)
		return NULL;
	p = ldns_pkt_query_new(q, type, LDNS_RR_CLASS_IN, LDNS_RD);
	if (!p)
		ldns_rdf_deep_free(q);
	return p;
}

static void dns_ready(struct hd_conv *cv)
{
	struct dns *d = hd_conv_priv(cv);
	ldns_pkt *p = dns_query(hd_conv_target(cv)->request);
	uint8_t *wire = NULL;
	size_t n = 0;

	d->tcp = hd_conv_target(cv)->proto == IPPROTO_TCP;
	if (p)
		ldns_pkt_set_random_id(p);
	if (!p || ldns_pkt2wire(&wire, p, &n) != LDNS_STATUS_OK ||
	    n > 65535) {
		ldns_pkt_free(p);
		free(wire);
		hd_conv_finish(cv, false, "dns: cannot build a query for %s",
			       hd_conv_target(cv)->request);
		return;
	}
	d->id = ldns_pkt_id(p);
	if (d->tcp) {
		uint8_t len[2] = { n >> 8, n & 0xff };

		hd_conv_write(cv, len, 2);
	}
	hd_conv_write(cv, wire, n);
	ldns_pkt_free(p);
	free(wire);
}

/* The answer's text for the one record, or NULL: A's address, PTR's
 * name without its final dot. */
static char *dns_rr_text(const ldns_rr *rr)
{
	ldns_rr_type type = ldns_rr_get_type(rr);
	char *s;
	size_t n;

	if ((type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_PTR) ||
	    ldns_rr_rd_count(rr) < 1)
		return NULL;
	s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	n = s ? strlen(s) : 0;
	if (type == LDNS_RR_TYPE_PTR && n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
	return s;
}

static void dns_judge(struct hd_conv *cv, const ldns_pkt *p)
{
	const char *receive = hd_conv_target(cv)->receive;
	ldns_rr_list *an = ldns_pkt_answer(p);
	size_t count = an ? ldns_rr_list_rr_count(an) : 0;

	if (count == 0) {
		hd_conv_finish(cv, false, "dns: no answer (%s)",
			       ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR ?
			       "no records" : "error");
		return;
	}
	for (size_t i = 0; i < count && receive && receive[0]; i++) {
		char *s = dns_rr_text(ldns_rr_list_rr(an, i));
		int m = s ? hd_conv_match(receive, s, strlen(s)) : 0;

		free(s);
		if (m == 1) {
			hd_conv_finish(cv, true, "%s", "");
			return;
		}
	}
	hd_conv_finish(cv, false, "dns: Response mismatch");
}

static void dns_retry_done(void *arg, bool up, const char *why)
{
	struct dns *d = arg;

	d->retry = NULL;         /* it frees itself */
	hd_conv_finish(d->cv, up, "%s", why);
}

/* Net::DNS's send(): a truncated UDP answer is asked again over TCP. */
static void dns_retry_tcp(struct hd_conv *cv, struct dns *d)
{
	d->cv = cv;
	d->tt = *hd_conv_target(cv);
	d->tt.proto = IPPROTO_TCP;
	d->retry = hd_conv_start(hd_conv_base(cv), NULL, &d->tt, SOCK_STREAM,
				 &hd_dns_ops, dns_retry_done, d);
	if (!d->retry)
		hd_conv_finish(cv, false, "dns: retry over TCP: %s",
			       strerror(errno));
}

/* UDP: each read is a datagram; TCP: a length, then the message. */
static void dns_input(struct hd_conv *cv, struct evbuffer *in)
{
	struct dns *d = hd_conv_priv(cv);
	size_t have = evbuffer_get_length(in), off = 0, n = have;
	const uint8_t *b;
	ldns_pkt *p = NULL;

	if (d->tcp) {
		if (have < 2)
			return;
		b = evbuffer_pullup(in, 2);
		n = (size_t)b[0] << 8 | b[1];
		if (have < 2 + n)
			return;
		off = 2;
	}
	b = evbuffer_pullup(in, off + n);
	if (ldns_wire2pkt(&p, b + off, n) != LDNS_STATUS_OK ||
	    ldns_pkt_id(p) != d->id || !ldns_pkt_qr(p)) {
		/* Not our answer: Net::DNS waits for its own. */
		ldns_pkt_free(p);
		evbuffer_drain(in, off + n);
		if (d->tcp)
			hd_conv_finish(cv, false, "dns: bad answer");
		return;
	}
	evbuffer_drain(in, off + n);
	if (!d->tcp && ldns_pkt_tc(p))
		dns_retry_tcp(cv, d);
	else
		dns_judge(cv, p);
	ldns_pkt_free(p);
}

static void dns_eof(struct hd_conv *cv)
{
	hd_conv_finish(cv, false, "dns: connection closed");
}

static void dns_cleanup(struct hd_conv *cv)
{
	struct dns *d = hd_conv_priv(cv);

	hd_conv_cancel(d->retry);
	d->retry = NULL;
}

const struct hd_conv_ops hd_dns_ops = {
	.name = "dns",
	.priv_size = sizeof(struct dns),
	.ready = dns_ready,
	.input = dns_input,
	.eof = dns_eof,
	.cleanup = dns_cleanup,
};
