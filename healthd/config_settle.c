// SPDX-License-Identifier: GPL-2.0
/*
 * After the whole file, as ld_setup() before the first check: each
 * virtual's timeouts and counts from its own values and the globals (which
 * may come after it in the file).  And what a virtual runs with where
 * ldirectord looks at the virtual, then the global, at run time.
 */
#include <netinet/in.h>
#include <stdio.h>
#include "config_int.h"

static unsigned first_set(unsigned a, unsigned b, unsigned c, unsigned d,
			  unsigned dflt)
{
	return a ? a : b ? b : c ? c : d ? d : dflt;
}

void hd_cf_settle(struct hd_cf *p)
{
	struct hd_config *c = p->c;
	char id[96];

	for (size_t i = 0; i < c->nvirtuals; i++) {
		struct hd_virtual *v = &c->virtuals[i];
		unsigned ct = v->checktimeout, nt = v->negotiatetimeout;

		/* checktimeout and negotiatetimeout default to each other. */
		v->checktimeout = first_set(ct, nt, c->checktimeout,
					    c->negotiatetimeout, 5);
		v->negotiatetimeout = first_set(nt, ct, c->negotiatetimeout,
						c->checktimeout, 30);
		if (!v->checkcount)
			v->checkcount = c->checkcount;
		if (!v->failurecount)
			v->failurecount = c->failurecount;
		if (v->checkinterval && !c->fork) {
			xlvs_endpoint_format(&v->vip, id, sizeof(id));
			hd_cf_warn_at(p, v->line, "checkinterval", "checkinterval "
				      "in virtual service %s:%s ignored when "
				      "fork=no", v->proto == IPPROTO_UDP ?
				      "udp" : "tcp", id);
		}
	}
}

bool hd_virtual_quiescent(const struct hd_config *c, const struct hd_virtual *v)
{
	return v->quiescent == HD_UNSET ? c->quiescent : v->quiescent == HD_YES;
}

bool hd_virtual_cleanstop(const struct hd_config *c, const struct hd_virtual *v)
{
	return v->cleanstop == HD_UNSET ? c->cleanstop : v->cleanstop == HD_YES;
}

unsigned hd_virtual_checkinterval(const struct hd_config *c,
				  const struct hd_virtual *v)
{
	/* ldirectord: $$v{checkinterval} || $CHECKINTERVAL, in fork mode;
	 * one loop for all otherwise. */
	return c->fork && v->checkinterval ? v->checkinterval : c->checkinterval;
}

const char *hd_virtual_fallbackcommand(const struct hd_config *c,
				       const struct hd_virtual *v)
{
	return v->fallbackcommand ? v->fallbackcommand : c->fallbackcommand;
}

const char *hd_virtual_emailalert(const struct hd_config *c,
				  const struct hd_virtual *v)
{
	return v->emailalert ? v->emailalert : c->emailalert;
}

unsigned hd_virtual_emailalertfreq(const struct hd_config *c,
				   const struct hd_virtual *v)
{
	return v->emailalertfreq >= 0 ? (unsigned)v->emailalertfreq :
					c->emailalertfreq;
}

unsigned hd_virtual_emailalertstatus(const struct hd_config *c,
				     const struct hd_virtual *v)
{
	return v->emailalertstatus >= 0 ? (unsigned)v->emailalertstatus :
					  c->emailalertstatus;
}

const char *hd_virtual_smtp(const struct hd_config *c, const struct hd_virtual *v)
{
	return v->smtp ? v->smtp : c->smtp;
}

/* fallback_find(): the virtual's, else the global of its family, which
 * takes the virtual's port when it has none. */
bool hd_virtual_fallback(const struct hd_config *c, const struct hd_virtual *v,
			 struct hd_fallback *out)
{
	const struct hd_fallback *fb = v->fallback.set ? &v->fallback :
				       v->virtual6 ? &c->fallback6 : &c->fallback;

	if (!fb->set)
		return false;
	*out = *fb;
	if (!out->addr.port)
		out->addr.port = v->vip.port;
	return true;
}

uint16_t hd_virtual_checkport(const struct hd_virtual *v, const struct hd_real *r)
{
	if (v->checkport)
		return v->checkport;
	if (r->addr.port)
		return r->addr.port;
	return hd_cf_service_port(v->service);
}
