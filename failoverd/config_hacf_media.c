/* ha.cf's media and ping-node directives, and the other whole-line ones
 * (respawn, apiauth), as heartbeat's HBcomm plugins parse them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_hacf_int.h"

static struct fo_media *new_media(struct hacf_ctx *c, enum fo_media_kind k, const char *dev)
{
	struct fo_media *m;

	if (c->cf->nmedia >= FO_MAXMEDIA) {
		HACF_ERR(c, "Too many media specified (> %d)", FO_MAXMEDIA);
		return NULL;
	}
	if (!dev || strlen(dev) >= IF_NAMESIZE) {
		HACF_ERR(c, "%s: bad interface name [%s]", c->dir, dev ? dev : "");
		return NULL;
	}
	m = &c->cf->media[c->cf->nmedia++];
	memset(m, 0, sizeof(*m));
	m->kind = k;
	memcpy(m->dev, dev, strlen(dev) + 1);
	m->line = c->line;
	return m;
}

/* A decimal in [lo, hi], digits only. */
static bool small_int(const char *w, long lo, long hi, long *v)
{
	char *end;

	if (!w || !*w || strspn(w, "0123456789") != strlen(w) || strlen(w) > 9)
		return false;
	*v = strtol(w, &end, 10);
	return *v >= lo && *v <= hi;
}

void hacf_bcast(struct hacf_ctx *c, const char *w)
{
	if (new_media(c, FO_MEDIA_BCAST, w) && !c->media_line)
		c->media_line = c->line;
}

/* mcast dev group port ttl loop; heartbeat's plugin takes ttl 0..4 only,
 * though ha.cf(5) says 0..255. */
void hacf_mcast(struct hacf_ctx *c, char *rest)
{
	char *dev = fo_word(&rest), *grp = fo_word(&rest), *port = fo_word(&rest);
	char *ttl = fo_word(&rest), *loop = fo_word(&rest);
	struct in_addr a;
	long p, t, l;

	if (!loop || fo_word(&rest)) {
		HACF_ERR(c, "mcast needs: dev group port ttl loop");
		return;
	}
	if (!fo_parse_ipv4(grp, &a) || (ntohl(a.s_addr) >> 28) != 0xe) {
		HACF_ERR(c, "mcast: [%s] is not an IPv4 multicast group", grp);
		return;
	}
	if (!small_int(port, 1, 65535, &p)) {
		HACF_ERR(c, "mcast: bad port [%s]", port);
		return;
	}
	if (!small_int(ttl, 0, 4, &t)) {
		HACF_ERR(c, "mcast: bad ttl [%s]: heartbeat accepts 0..4", ttl);
		return;
	}
	if (!small_int(loop, 0, 1, &l)) {
		HACF_ERR(c, "mcast: bad loop [%s]: 0 or 1", loop);
		return;
	}
	struct fo_media *m = new_media(c, FO_MEDIA_MCAST, dev);
	if (m) {
		m->addr = a;
		m->port = (uint16_t)p;
		m->ttl = (uint8_t)t;
		m->loop = (uint8_t)l;
	}
}

void hacf_ucast(struct hacf_ctx *c, char *rest)
{
	char *dev = fo_word(&rest), *peer = fo_word(&rest);
	struct in_addr a;

	if (!peer || fo_word(&rest)) {
		HACF_ERR(c, "ucast needs: dev peer-ip");
		return;
	}
	if (!fo_parse_ipv4(peer, &a)) {
		HACF_ERR(c, "ucast: [%s] is not an IPv4 address", peer);
		return;
	}
	struct fo_media *m = new_media(c, FO_MEDIA_UCAST, dev);
	if (m) {
		m->addr = a;
		if (!c->media_line)
			c->media_line = c->line;
	}
}

void hacf_ping(struct hacf_ctx *c, const char *w)
{
	struct in_addr a;

	if (!fo_parse_ipv4(w, &a)) {
		HACF_ERR(c, "ping: [%s] is not an IPv4 address", w);
		return;
	}
	if (c->cf->nping >= FO_MAXPING) {
		HACF_ERR(c, "ping: more than %d ping nodes", FO_MAXPING);
		return;
	}
	c->cf->ping[c->cf->nping++] = a;
}

void hacf_ping_group(struct hacf_ctx *c, char *rest)
{
	char *name = fo_word(&rest), *w;
	struct fo_ping_group *g;

	if (!name || !*rest) {
		HACF_ERR(c, "ping_group needs: name ip [ip...]");
		return;
	}
	if (c->cf->npgroups >= FO_MAXPGROUPS || strlen(name) >= FO_NAMELEN) {
		HACF_ERR(c, "ping_group: too many groups or name too long");
		return;
	}
	g = &c->cf->pgroup[c->cf->npgroups];
	memset(g, 0, sizeof(*g));
	memcpy(g->name, name, strlen(name) + 1);
	while ((w = fo_word(&rest))) {
		if (g->naddr >= FO_MAXPING || !fo_parse_ipv4(w, &g->addr[g->naddr])) {
			HACF_ERR(c, "ping_group %s: bad or too many addresses at [%s]", name, w);
			return;
		}
		g->naddr++;
	}
	c->cf->npgroups++;
}

/* respawn user /path [args]: kept as written; heartbeat restarts it
 * unless it exits 100. */
void hacf_respawn(struct hacf_ctx *c, char *rest)
{
	char *user = fo_word(&rest), *cmd;
	struct fo_respawn *r;

	cmd = rest + strspn(rest, " \t");
	if (!user || !*cmd || *cmd != '/') {
		HACF_ERR(c, "respawn needs: user /path/to/program [args]");
		return;
	}
	if (c->cf->nrespawn >= FO_MAXRESPAWN) {
		HACF_ERR(c, "respawn: more than %d programs", FO_MAXRESPAWN);
		return;
	}
	r = &c->cf->respawn[c->cf->nrespawn];
	if (!fo_copy(r->user, sizeof(r->user), user) || !fo_copy(r->cmd, sizeof(r->cmd), cmd)) {
		HACF_ERR(c, "respawn: user or command too long");
		return;
	}
	c->cf->nrespawn++;
}

/* apiauth client uid=a,b gid=c: only heartbeat's API clients use it. */
void hacf_apiauth(struct hacf_ctx *c, char *rest)
{
	char *client = fo_word(&rest), *w;

	if (!client || !*rest) {
		HACF_ERR(c, "apiauth needs: client uid=... and/or gid=...");
		return;
	}
	for (char *p = rest; (w = fo_word(&p));)
		if (strncmp(w, "uid=", 4) != 0 && strncmp(w, "gid=", 4) != 0) {
			HACF_ERR(c, "apiauth %s: [%s] is neither uid= nor gid=", client, w);
			return;
		}
	hacf_store(c, "apiauth", client);
}

int hacf_bool(const char *w)
{
	static const char *const yes[] = { "true", "on", "yes", "y", "1" };
	static const char *const no[] = { "false", "off", "no", "n", "0" };

	for (size_t i = 0; i < 5; i++) {
		if (strcasecmp(w, yes[i]) == 0)
			return 1;
		if (strcasecmp(w, no[i]) == 0)
			return 0;
	}
	return -1;
}
