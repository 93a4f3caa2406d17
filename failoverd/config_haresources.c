/* haresources: "NODE RSC [RSC...]" per group, a line ending in '\'
 * continued on the next, '#' to the end of the line a comment.  Each
 * resource is NAME[::ARG[::ARG...]]; IPaddr/IPaddr2 and a bare address
 * take "ip[/bits[/dev[/bcast]]]" (the third part may be the broadcast
 * address instead of the device); IPv6addr takes "addr[/bits[/dev]]",
 * the rest of the word after "IPv6addr::" whole, since an address may
 * hold "::" itself; ldirectord takes its config file. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

#define HR_MAXGROUPLINE (4 * FO_MAXLINE)

struct hr_ctx {
	const char *file;
	unsigned line;
	struct fo_diag *d;
};

#define HR_ERR(c, ...) fo_diag_err((c)->d, (c)->file, (c)->line, __VA_ARGS__)

static bool parse_bits(const char *s, int *bits)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 2 || s[n] || atoi(s) > 32)
		return false;
	*bits = atoi(s);
	return true;
}

/* ip[/bits[/dev-or-bcast[/bcast]]] */
static int parse_ipspec(struct hr_ctx *c, char *spec, struct fo_rsc *r)
{
	char *part[5] = { 0 }, whole[FO_PATHLEN];
	unsigned n = 0;

	fo_copy(whole, sizeof(whole), spec);
	for (char *s = spec; n < 5; n++) {
		part[n] = s;
		if (!(s = strchr(s, '/')))
			break;
		*s++ = '\0';
	}
	if (n >= 4) {
		HR_ERR(c, "%s: too many '/' parts in [%s]", r->name, whole);
		return -EINVAL;
	}
	r->prefix = -1;
	if (!fo_parse_ipv4(part[0], &r->ip)) {
		HR_ERR(c, "%s: [%s] is not an IPv4 address", r->name, part[0]);
		return -EINVAL;
	}
	if (part[1] && !parse_bits(part[1], &r->prefix)) {
		HR_ERR(c, "%s: bad netmask bits [%s]", r->name, part[1]);
		return -EINVAL;
	}
	for (unsigned i = 2; i <= n; i++) {
		if (fo_parse_ipv4(part[i], &r->bcast) && !r->has_bcast) {
			r->has_bcast = true;
			continue;
		}
		/* IPaddr2 allows dev:label; the device itself is an ifname. */
		if (i == 2 && *part[i] && strcspn(part[i], ":") < IF_NAMESIZE &&
		    strlen(part[i]) < sizeof(r->dev)) {
			memcpy(r->dev, part[i], strlen(part[i]) + 1);
			continue;
		}
		HR_ERR(c, "%s: bad %s [%s]", r->name, i == 2 ? "interface" : "broadcast", part[i]);
		return -EINVAL;
	}
	return 0;
}

/* addr[/bits[/dev]], as the IPv6addr wrapper splits it. */
static int parse_ip6spec(struct hr_ctx *c, char *spec, struct fo_rsc *r)
{
	char *bits = strchr(spec, '/'), *dev = NULL;

	if (bits) {
		*bits++ = '\0';
		if ((dev = strchr(bits, '/')))
			*dev++ = '\0';
	}
	r->family = AF_INET6;
	r->prefix = -1;
	if (inet_pton(AF_INET6, spec, &r->ip6) != 1) {
		HR_ERR(c, "%s: [%s] is not an IPv6 address", r->name, spec);
		return -EINVAL;
	}
	if (bits && (strspn(bits, "0123456789") != strlen(bits) || !*bits ||
		     strlen(bits) > 3 || atoi(bits) > 128)) {
		HR_ERR(c, "%s: bad prefix length [%s]", r->name, bits);
		return -EINVAL;
	}
	if (bits)
		r->prefix = atoi(bits);
	if (dev && (!*dev || strchr(dev, '/') || strlen(dev) >= IF_NAMESIZE)) {
		HR_ERR(c, "%s: bad interface [%s]", r->name, dev);
		return -EINVAL;
	}
	if (dev)
		memcpy(r->dev, dev, strlen(dev) + 1);
	return 0;
}

/* The agents' own defaults: IPaddr's ARP_REPEAT 10, ARP_INTERVAL_MS 500;
 * IPaddr2's arp_count 5, arp_interval 200 (heartbeat.md B). */
static void arp_defaults(struct fo_rsc *r)
{
	bool old = strcmp(r->name, "IPaddr") == 0;

	r->arp_count = old ? 10 : 5;
	r->arp_interval_ms = old ? 500 : 200;
}

static bool script_name_ok(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789_.+-";

	return *s && *s != '.' && *s != '-' && strspn(s, ok) == strlen(s);
}

static int split_args(struct hr_ctx *c, char *w, struct fo_rsc *r)
{
	char *sep = strstr(w, "::");

	if (sep)
		*sep = '\0';
	if (!fo_copy(r->name, sizeof(r->name), w)) {
		HR_ERR(c, "resource name [%s] too long", w);
		return -EINVAL;
	}
	for (char *a = sep ? sep + 2 : NULL; a; r->nargs++) {
		char *next = strstr(a, "::");
		if (next)
			*next = '\0';
		if (!*a || r->nargs >= FO_MAXARGS || !fo_copy(r->args[r->nargs], FO_PATHLEN, a)) {
			HR_ERR(c, "%s: empty, too long or too many arguments", r->name);
			return -EINVAL;
		}
		a = next ? next + 2 : NULL;
	}
	return 0;
}

static int parse_rsc(struct hr_ctx *c, char *w, struct fo_rsc *r)
{
	char spec[FO_PATHLEN];

	memset(r, 0, sizeof(*r));
	if (w[0] >= '0' && w[0] <= '9' && !strstr(w, "::")) {
		/* A bare address is IPaddr's. */
		memcpy(r->name, "IPaddr", sizeof("IPaddr"));
		r->kind = FO_RSC_IP;
		if (!fo_copy(r->args[0], FO_PATHLEN, w))
			return HR_ERR(c, "address [%s] too long", w), -EINVAL;
		r->nargs = 1;
		r->family = AF_INET;
		arp_defaults(r);
		memcpy(spec, w, strlen(w) + 1);
		return parse_ipspec(c, spec, r);
	}
	if (strncmp(w, "IPv6addr::", 10) == 0) {
		memcpy(r->name, "IPv6addr", sizeof("IPv6addr"));
		r->kind = FO_RSC_IP;
		if (!w[10] || !fo_copy(r->args[0], FO_PATHLEN, w + 10))
			return HR_ERR(c, "IPv6addr needs one argument: addr[/bits[/dev]]"), -EINVAL;
		r->nargs = 1;
		arp_defaults(r);
		memcpy(spec, w + 10, strlen(w + 10) + 1);
		return parse_ip6spec(c, spec, r);
	}
	if (split_args(c, w, r))
		return -EINVAL;
	if (strcmp(r->name, "IPaddr") == 0 || strcmp(r->name, "IPaddr2") == 0) {
		r->kind = FO_RSC_IP;
		if (r->nargs != 1) {
			HR_ERR(c, "%s needs one argument: ip[/bits[/dev[/bcast]]]", r->name);
			return -EINVAL;
		}
		r->family = AF_INET;
		arp_defaults(r);
		memcpy(spec, r->args[0], strlen(r->args[0]) + 1);
		return parse_ipspec(c, spec, r);
	}
	if (strcmp(r->name, "IPv6addr") == 0) {
		HR_ERR(c, "IPv6addr needs one argument: addr[/bits[/dev]]");
		return -EINVAL;
	}
	if (!script_name_ok(r->name)) {
		HR_ERR(c, "bad resource name [%s]", r->name);
		return -EINVAL;
	}
	r->kind = strcmp(r->name, "ldirectord") == 0 ? FO_RSC_LDIRECTORD : FO_RSC_SCRIPT;
	if (r->kind == FO_RSC_LDIRECTORD && r->nargs > 1) {
		HR_ERR(c, "ldirectord takes one argument: its configuration file");
		return -EINVAL;
	}
	return 0;
}

static void parse_group(struct hr_ctx *c, char *p, struct fo_haresources *hr)
{
	char *node = fo_word(&p), *w;
	struct fo_group *g;

	if (!node)
		return;
	if (hr->ngroups >= FO_MAXGROUPS) {
		HR_ERR(c, "more than %d resource groups", FO_MAXGROUPS);
		return;
	}
	g = &hr->g[hr->ngroups];
	memset(g, 0, sizeof(*g));
	g->line = c->line;
	if (!fo_copy(g->node, sizeof(g->node), node)) {
		HR_ERR(c, "node name [%s] too long", node);
		return;
	}
	while ((w = fo_word(&p))) {
		if (g->nrsc >= FO_MAXRSC) {
			HR_ERR(c, "more than %d resources in a group", FO_MAXRSC);
			return;
		}
		if (g->nrsc == 0 && !fo_copy(g->key, sizeof(g->key), w)) {
			HR_ERR(c, "resource [%s] too long", w);
			return;
		}
		if (parse_rsc(c, w, &g->rsc[g->nrsc]))
			return;
		g->nrsc++;
	}
	if (g->nrsc == 0) {
		HR_ERR(c, "node %s has no resources", node);
		return;
	}
	hr->ngroups++;
}

int fo_haresources_parse(const char *file, const char *buf, size_t len,
			 struct fo_haresources *hr, struct fo_diag *d)
{
	struct hr_ctx c = { .file = file, .d = d };
	char group[HR_MAXGROUPLINE];
	size_t glen = 0;
	unsigned nerr = d->nerr;
	struct fo_lines it;
	bool more = false;

	memset(hr, 0, sizeof(*hr));
	fo_lines_init(&it, file, buf, len);
	while (fo_lines_next(&it, d)) {
		char *l = it.line, *hash = strchr(l, '#');
		size_t n;

		if (hash)
			*hash = '\0';
		n = strlen(l);
		if (!more) {
			c.line = it.lineno;
			glen = 0;
		}
		more = n > 0 && l[n - 1] == '\\';
		if (more)
			l[--n] = ' ';
		if (glen + n + 2 > sizeof(group)) {
			HR_ERR(&c, "resource group longer than %d bytes", HR_MAXGROUPLINE);
			more = false;
			continue;
		}
		memcpy(group + glen, l, n);
		glen += n;
		group[glen++] = ' ';
		group[glen] = '\0';
		if (!more)
			parse_group(&c, group, hr);
	}
	if (more) {
		HR_ERR(&c, "the file ends inside a continued line");
	}
	return d->nerr > nerr ? -EINVAL : 0;
}
