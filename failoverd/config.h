/* xlvs-failoverd's configuration: heartbeat 3.0.6's /etc/ha.d, read the
 * way heartbeat reads it (ha.cf, haresources, authkeys), but failing
 * closed: every directive heartbeat accepts is either stored or refused
 * with FILE:LINE, never ignored.  Parsers fill a caller's zeroed struct
 * and a diagnostics buffer and return 0 or -EINVAL (at least one error);
 * warnings alone do not fail.  They never print. */
#ifndef XLVS_FO_CONFIG_H
#define XLVS_FO_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hb_auth.h"

#define FO_MAXNODES 16
#define FO_MAXMEDIA 16
#define FO_MAXPING 16
#define FO_MAXPGROUPS 8
#define FO_MAXRESPAWN 8
#define FO_MAXOPTS 32
#define FO_NAMELEN 64		/* node names: heartbeat's HOSTLENG */
#define FO_PATHLEN 256
#define FO_MAXGROUPS 8
#define FO_MAXRSC 16
#define FO_MAXARGS 8
#define FO_DIAGLEN 8192

/* "FILE:LINE: message\n" per error, "FILE:LINE: warning: message\n" per
 * warning (LINE omitted for a file-wide one); truncated, never overrun. */
struct fo_diag {
	char text[FO_DIAGLEN];
	size_t len;
	unsigned nerr, nwarn;
};

void fo_diag_init(struct fo_diag *d);
void fo_diag_err(struct fo_diag *d, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void fo_diag_warn(struct fo_diag *d, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

enum fo_media_kind { FO_MEDIA_BCAST, FO_MEDIA_MCAST, FO_MEDIA_UCAST };

struct fo_media {
	enum fo_media_kind kind;
	char dev[IF_NAMESIZE];
	struct in_addr addr;		/* mcast group, ucast peer */
	uint16_t port;			/* bcast/ucast: udpport; mcast: its own */
	uint8_t ttl, loop;		/* mcast only: ttl 0..4, loop 0/1 */
	unsigned line;
};

enum fo_failback { FO_FAILBACK_LEGACY = 0, FO_FAILBACK_ON, FO_FAILBACK_OFF };

struct fo_ping_group {
	char name[FO_NAMELEN];
	struct in_addr addr[FO_MAXPING];
	unsigned naddr;
};

struct fo_respawn {
	char user[FO_NAMELEN];
	char cmd[FO_PATHLEN];		/* path and arguments, as written */
};

/* A directive heartbeat accepts that only matters to heartbeat's own
 * internals (hopfudge, msgfmt, compression, ...): checked, kept. */
struct fo_option {
	char name[32];
	char value[FO_PATHLEN];
	unsigned line;
};

struct fo_hacf {
	long keepalive_ms, deadtime_ms, warntime_ms, initdead_ms, deadping_ms;
	uint16_t udpport;
	struct fo_media media[FO_MAXMEDIA];
	unsigned nmedia;
	char nodes[FO_MAXNODES][FO_NAMELEN];
	unsigned nnodes;
	enum fo_failback auto_failback;
	char logfile[FO_PATHLEN], debugfile[FO_PATHLEN], logfacility[32];
	bool use_logd;
	struct in_addr ping[FO_MAXPING];
	unsigned nping;
	struct fo_ping_group pgroup[FO_MAXPGROUPS];
	unsigned npgroups;
	struct fo_respawn respawn[FO_MAXRESPAWN];
	unsigned nrespawn;
	struct fo_option opt[FO_MAXOPTS];
	unsigned nopt;
};

/* One resource of a haresources group: "NAME::ARG::ARG".  IPaddr,
 * IPaddr2 and a bare address become FO_RSC_IP with the address parsed;
 * ldirectord becomes FO_RSC_LDIRECTORD (xlvs-healthd with args[0]);
 * anything else is a script run with start/stop/status. */
enum fo_rsc_kind { FO_RSC_IP, FO_RSC_LDIRECTORD, FO_RSC_SCRIPT };

struct fo_rsc {
	enum fo_rsc_kind kind;
	char name[FO_NAMELEN];		/* IPaddr, IPaddr2, ldirectord, script */
	char args[FO_MAXARGS][FO_PATHLEN];
	unsigned nargs;
	/* FO_RSC_IP: a.b.c.d[/bits[/dev[/bcast]]] (IPaddr2 also dev:label);
	 * IPv6addr: ADDR[/bits[/dev]] (family AF_INET6, ip6). */
	int family;
	struct in_addr ip, bcast;
	struct in6_addr ip6;
	int prefix;			/* -1: follow the route, as IPaddr does */
	char dev[IF_NAMESIZE + 16];
	bool has_bcast;
	/* The gratuitous ARP burst (IPv4: this many request/reply pairs,
	 * interval/2 between frames, as send_arp; IPv6: unsolicited
	 * neighbour advertisements, interval apart): the resource agent's
	 * defaults, or its OCF_RESKEY_ variables from our environment, as
	 * heartbeat's wrappers pass them (fo_config_load). */
	unsigned arp_count;
	long arp_interval_ms;
};

struct fo_group {
	char node[FO_NAMELEN];		/* the preferred node */
	char key[FO_PATHLEN];		/* its first resource as written: ResourceManager's key */
	struct fo_rsc rsc[FO_MAXRSC];
	unsigned nrsc;
	unsigned line;
};

struct fo_haresources {
	struct fo_group g[FO_MAXGROUPS];
	unsigned ngroups;
};

int fo_hacf_parse(const char *file, const char *buf, size_t len, struct fo_hacf *cf,
		  struct fo_diag *d);
int fo_haresources_parse(const char *file, const char *buf, size_t len,
			 struct fo_haresources *hr, struct fo_diag *d);
/* mode: the file's st_mode (heartbeat refuses group/other-readable). */
int fo_authkeys_parse(const char *file, const char *buf, size_t len, unsigned mode,
		      struct hb_authkeys *ak, struct fo_diag *d);

/* Time as heartbeat's cl_get_msec: a decimal number ("2", "0.5"),
 * optionally "ms" or "us" (any case), else seconds; rounded to the
 * nearest ms.  -1 if malformed (heartbeat ignores what follows "ms" and
 * a second '.'; we refuse them). */
long fo_parse_msec(const char *s);

struct fo_config {
	struct fo_hacf hacf;
	struct fo_haresources hr;
	struct hb_authkeys keys;
};

/* `-t`: reads DIR/ha.cf, DIR/haresources, DIR/authkeys, checks them and
 * that `self` (uname -n if NULL) is one of the nodes and every group's
 * node is configured. */
int fo_config_load(const char *dir, const char *self, struct fo_config *c, struct fo_diag *d);

#endif
