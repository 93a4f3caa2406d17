// SPDX-License-Identifier: GPL-2.0
/*
 * Prints what healthd/config_*.c makes of an ldirectord.cf, one line a
 * virtual and one a real server, in the format dump.pl prints ldirectord's
 * own @VIRTUAL in (tests/ldirectord/diff compares the two).  Exit 1 when the
 * file is refused, its messages on stderr.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "config.h"

static const char *const svc[HD_SVC_COUNT] = {
	"none", "dns", "ftp", "http", "https", "http_proxy", "imap", "imaps",
	"ldap", "ldaps", "mysql", "nntp", "oracle", "pgsql", "pop", "pops",
	"radius", "simpletcp", "sip", "smtp", "submission",
};
static const char *const ct[] = {
	"negotiate", "connect", "ping", "external", "external-perl", "off",
	"on", "combined",
};

static const char *fwd(enum xlvs_fwd f)
{
	return f == XLVS_FWD_DROUTE ? "gate" : f == XLVS_FWD_MASQ ? "masq" : "ipip";
}

static const char *str(const char *s)
{
	return s ? s : "";
}

static void say(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static void dump_virtual(const struct hd_config *c, const struct hd_virtual *v)
{
	char vip[80], nm[64] = "-", fb[160] = "-", a[80];
	struct hd_fallback f;

	xlvs_endpoint_format(&v->vip, vip, sizeof(vip));
	if (v->netmask_set && v->virtual6)
		snprintf(nm, sizeof(nm), "%u", v->netmask);
	else if (v->netmask_set)
		inet_ntop(AF_INET, &v->netmask, nm, sizeof(nm));
	if (hd_virtual_fallback(c, v, &f)) {
		xlvs_endpoint_format(&f.addr, a, sizeof(a));
		snprintf(fb, sizeof(fb), "%s/%s", a, fwd(f.fwd));
	}
	printf("V %s %s svc=%s ct=%s n=%u cto=%u nto=%u fc=%u cc=%u sched=%s p=",
	       vip, v->proto == IPPROTO_UDP ? "udp" : "tcp", svc[v->service],
	       ct[v->checktype], v->num_connects, v->checktimeout,
	       v->negotiatetimeout, v->failurecount, v->checkcount, v->scheduler);
	v->persistent_set ? printf("%u", v->persistent) : printf("-");
	printf(" nm=%s req=%s recv=%s login=%s pw=%s db=%s sec=%s vh=%s hm=%s cp=",
	       nm, v->request, str(v->receive), str(v->login), str(v->passwd),
	       str(v->database), str(v->secret),
	       v->virtualhost ? v->virtualhost : "-", v->httpmethod);
	v->checkport ? printf("%u", v->checkport) : printf("-");
	printf(" fb=%s q=%s\n", fb, v->quiescent == HD_UNSET ? "-" :
	       v->quiescent == HD_YES ? "yes" : "no");
	for (size_t i = 0; i < v->nreals; i++) {
		const struct hd_real *r = &v->reals[i];

		xlvs_endpoint_format(&r->addr, a, sizeof(a));
		/* What a check of it asks and expects, as ld_setup settles. */
		printf("  R %s %s w=%u req=%s recv=%s l=", a, fwd(r->fwd), r->weight,
		       r->request ? r->request : v->request,
		       str(r->request ? r->receive : v->receive));
		r->l_threshold ? printf("%u", r->l_threshold) : printf("-");
		printf(" u=");
		r->u_threshold ? printf("%u\n", r->u_threshold) : printf("-\n");
	}
}

int main(int argc, char **argv)
{
	struct hd_config *c;

	if (argc != 2 || hd_config_load(argv[1], &c, say, NULL))
		return 1;
	for (size_t i = 0; i < c->nvirtuals; i++)
		dump_virtual(c, &c->virtuals[i]);
	hd_config_free(c);
	return 0;
}
