/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ldirectord.cf, parsed (config_*.c): every directive Debian's ldirectord
 * 4.12 accepts, with its defaults and its validation, read the way its
 * read_config() reads it (the code, where its manual differs).  The parse
 * is all or nothing: every error is reported, "FILE:LINE: directive:
 * message", and a file with any error yields no configuration.
 *
 * Values ldirectord settles while reading (or in ld_setup, before any
 * check) are stored settled: a virtual's service by its port, its protocol
 * (udp for port 53), its checktimeout / negotiatetimeout / checkcount /
 * failurecount with the global fallbacks applied, ftp / sip logins.  What
 * ldirectord looks up at run time from the virtual, else the global
 * (quiescent, cleanstop, fallback, fallbackcommand, emailalert*, smtp,
 * checkinterval) is stored as written, "unset" distinguishable, and the
 * hd_virtual_*() helpers below give the value in force.
 *
 * Strings are NUL-terminated, owned by the configuration, NULL when unset.
 * Times are seconds.
 */
#ifndef XLVS_HEALTHD_CONFIG_H
#define XLVS_HEALTHD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlvs/libxlvs.h>
#include <xlvs/table.h>
#include "check.h"

/* A per-virtual yes/no that may be left to the global. */
enum hd_tristate { HD_UNSET = -1, HD_NO = 0, HD_YES = 1 };

/* checktype= */
enum hd_checktype {
	HD_CT_NEGOTIATE,         /* the default */
	HD_CT_CONNECT,
	HD_CT_PING,
	HD_CT_EXTERNAL,
	HD_CT_EXTERNAL_PERL,
	HD_CT_OFF,               /* no checks; no real or fallback server added */
	HD_CT_ON,                /* no checks; every real server added */
	HD_CT_COMBINED,          /* checktype=N: connect, and a negotiate after
				  * every N connects (num_connects) */
};

/* emailalertstatus= bits, as ldirectord's DAEMON_STATUS_*; none is 0. */
#define HD_EMAIL_STARTING   0x1u
#define HD_EMAIL_RUNNING    0x2u
#define HD_EMAIL_STOPPING   0x4u
#define HD_EMAIL_RELOADING  0x8u
#define HD_EMAIL_ALL        0xfu

/* fallback= / fallback6=: "host[:port] [gate|masq|ipip]". */
struct hd_fallback {
	bool set;
	unsigned line;
	struct xlvs_endpoint addr;   /* port 0: none written, the virtual's
				      * port is used (a per-virtual fallback
				      * without a port gets its virtual's
				      * port already) */
	enum xlvs_fwd fwd;           /* default gate (XLVS_FWD_DROUTE) */
	char *text;                  /* the value as written */
};

/* real= / real6=: one per address (a range a->b is expanded here). */
struct hd_real {
	unsigned line;
	struct xlvs_endpoint addr;   /* port: 0 when none is written (ipvsadm
				      * then gives the virtual's port;
				      * hd_virtual_checkport() for checks) */
	enum xlvs_fwd fwd;           /* gate DROUTE, masq MASQ, ipip TUNNEL */
	uint32_t weight;             /* default 1 */
	char *request, *receive;     /* the per-real pair, both or neither;
				      * request as the virtual's, below */
	uint32_t l_threshold;        /* l:N, ipvsadm -y; 0: none */
	uint32_t u_threshold;        /* u:N, ipvsadm -x; 0: none */
};

struct hd_virtual {
	unsigned line;               /* of virtual= */
	char *text;                  /* the virtual= value as written */
	bool virtual6;               /* virtual6= (IPv6) */
	uint8_t proto;               /* IPPROTO_TCP (default) or IPPROTO_UDP
				      * (default for port 53) */
	struct xlvs_endpoint vip;    /* resolved; port from a number or a
				      * service name (/etc/services) */

	enum hd_checktype checktype; /* default negotiate */
	unsigned num_connects;       /* COMBINED: N */
	enum hd_service service;     /* default by the virtual's port (80 http,
				      * 53 dns, ...; other ports none) */
	uint16_t checkport;          /* 1..65535; 0: unset (hd_virtual_checkport) */
	char *checkcommand;          /* default "/bin/true" */
	char *request;               /* default "/"; as ldirectord keeps it, with
				      * a '/' put in front of one written
				      * without: every check strips one
				      * leading '/' again (ftp asks for the
				      * path as is) */
	char *receive;               /* a Perl regular expression; NULL: none */
	char *httpmethod;            /* "GET" (default) or "HEAD", upper case */
	char *virtualhost;           /* Host: header; NULL: unset */
	char *login, *passwd;        /* NULL: unset.  A service=ftp line sets
				      * those not given yet to "anonymous" /
				      * "ldirectord@HOSTNAME", service=sip the
				      * login to "ldirectord@HOSTNAME" (HOSTNAME:
				      * $HOSTNAME, else uname's), as ldirectord's
				      * code; not when the port picks the
				      * service (its Net::FTP then logs in as
				      * anonymous with an empty password) */
	char *database, *secret;     /* NULL: unset */
	char *load;                  /* load= (accepted, unused by ldirectord) */

	char *scheduler;             /* default "wrr"; any [a-z]+ name */
	char *schedflags;            /* ipvsadm -b; NULL: none */
	bool persistent_set;
	uint32_t persistent;         /* ipvsadm -p, seconds */
	bool netmask_set;            /* netmask= given (ldirectord uses it only
				      * with persistent) */
	uint32_t netmask;            /* as xlvs_service_conf: IPv4 the mask in
				      * network order, IPv6 the prefix 1..128 */
	bool ops;                    /* one-packet scheduling; default no
				      * (ldirectord passes -o for udp only) */
	char *monitorfile;           /* path; NULL: none (not opened here) */
	char *comment, *servicename; /* as written, for e-mail alerts */

	/* Settled as ldirectord's ld_setup settles them. */
	unsigned checktimeout;       /* connect/ping/external: the virtual's,
				      * else its negotiatetimeout, else the
				      * global checktimeout, else the global
				      * negotiatetimeout, else 5 */
	unsigned negotiatetimeout;   /* negotiate: the virtual's, else its
				      * checktimeout, else the global
				      * negotiatetimeout, else the global
				      * checktimeout, else 30 */
	unsigned checkcount;         /* ping tries: the virtual's, else global */
	unsigned failurecount;       /* the virtual's, else global */

	/* Unset: the global's (hd_virtual_*() below). */
	unsigned checkinterval;      /* 0: unset (ldirectord honours it only
				      * with fork=yes) */
	enum hd_tristate quiescent, cleanstop;
	struct hd_fallback fallback; /* .set false: the global one */
	char *fallbackcommand;
	char *emailalert;
	long emailalertfreq;         /* -1: unset */
	int emailalertstatus;        /* HD_EMAIL_* bits; -1: unset */
	char *smtp;

	struct hd_real *reals;
	size_t nreals;
};

struct hd_config {
	char *path;                  /* the file's name as given */

	/* Globals as written; the virtuals hold the settled timeouts. */
	unsigned checktimeout;       /* 0: unset */
	unsigned negotiatetimeout;   /* 0: unset */
	unsigned checkinterval;      /* default 10 */
	unsigned checkcount;         /* default 1 (deprecated, ping only) */
	unsigned failurecount;       /* default 1 */
	bool autoreload;             /* default no */
	char *callback;              /* run with the file's name when it changes */
	struct hd_fallback fallback, fallback6;  /* ports from names looked up
				      * for tcp */
	char *fallbackcommand;       /* run "cmd start|stop vip:vport proto" */
	char *logfile;               /* default "/var/log/ldirectord.log"; not
				      * opened here */
	bool logfile_syslog;         /* no leading '/': a syslog facility */
	bool quiescent;              /* default no (the code's; its manual says
				      * yes) */
	bool readdquiescent;         /* default no */
	bool cleanstop;              /* default yes */
	bool supervised;             /* default no; a bare "supervised" is yes */
	bool fork;                   /* default no */
	char *maintenancedir;        /* NULL: none */
	char *emailalert;            /* "a@b, c@d"; NULL: no alerts */
	char *emailalertfrom;        /* as written, quotes included */
	unsigned emailalertfreq;     /* default 0: no repeats */
	unsigned emailalertstatus;   /* HD_EMAIL_* bits; default all */
	char *smtp;                  /* NULL: sendmail */
	char **execute;              /* execute= (other configurations) */
	size_t nexecute;

	struct hd_virtual *virtuals;
	size_t nvirtuals;
};

/*
 * err(arg, msg) receives each error, and each warning as "FILE:LINE:
 * directive: warning: ...", in file order; msg has no newline.
 * hd_config_load returns 0 with *out set, the number of errors (> 0) with
 * *out NULL, or -errno (the file cannot be read, ENOMEM: also reported).
 */
typedef void (*hd_config_err_fn)(void *arg, const char *msg);
int hd_config_load(const char *path, struct hd_config **out,
		   hd_config_err_fn err, void *arg);

/* The same from memory; name is the FILE of messages.  Flags: */
#define HD_CF_NO_RESOLVE  0x1u  /* host names are errors: no resolver, for
				 * the fuzzer; addresses and /etc/services
				 * names still work */
int hd_config_parse(const char *name, const char *text, size_t len,
		    unsigned flags, struct hd_config **out,
		    hd_config_err_fn err, void *arg);

void hd_config_free(struct hd_config *c);

/* What a virtual runs with, its own value else the global one. */
bool hd_virtual_quiescent(const struct hd_config *c, const struct hd_virtual *v);
bool hd_virtual_cleanstop(const struct hd_config *c, const struct hd_virtual *v);
unsigned hd_virtual_checkinterval(const struct hd_config *c,
				  const struct hd_virtual *v);
const char *hd_virtual_fallbackcommand(const struct hd_config *c,
				       const struct hd_virtual *v);
const char *hd_virtual_emailalert(const struct hd_config *c,
				  const struct hd_virtual *v);
unsigned hd_virtual_emailalertfreq(const struct hd_config *c,
				   const struct hd_virtual *v);
unsigned hd_virtual_emailalertstatus(const struct hd_config *c,
				     const struct hd_virtual *v);
const char *hd_virtual_smtp(const struct hd_config *c, const struct hd_virtual *v);
/* The fallback in force (the virtual's, else the global of its family)
 * with its port filled in (the virtual's when none was written); false
 * when there is none. */
bool hd_virtual_fallback(const struct hd_config *c, const struct hd_virtual *v,
			 struct hd_fallback *out);
/* The port a check of r connects to, as ldirectord's ld_checkport:
 * checkport, else r's port, else the service's well-known port (0 if
 * none). */
uint16_t hd_virtual_checkport(const struct hd_virtual *v, const struct hd_real *r);

#endif
