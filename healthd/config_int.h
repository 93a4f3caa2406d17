/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ldirectord.cf parser's insides, shared by config_*.c only.
 * Messages are collected with their line and handed out sorted by line at
 * the end, so a check settled after its section (a port name, a duplicate)
 * still comes out in file order.
 */
#ifndef XLVS_HEALTHD_CONFIG_INT_H
#define XLVS_HEALTHD_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"

/* The limits of a number we take (ldirectord takes any \d+): a time must
 * still fit in milliseconds in 32 bits. */
#define HD_CF_MAX_SECONDS  1000000u
#define HD_CF_MAX_RANGE    65536u   /* real servers one a->b may expand to,
				     * and one virtual may have */
#define HD_CF_MAX_REALS    262144u  /* real servers in all */
#define HD_CF_MAX_WEIGHT   65535u   /* ipvsadm's */

struct hd_cf_msg {
	unsigned line;
	char *text;
};

/* What a virtual section keeps until its end settles it. */
struct hd_cf_vsec {
	struct hd_virtual *v;        /* NULL: a refused virtual= (fwmark, bad
				      * address): its lines are still checked */
	bool refused;
	bool fwmark;                 /* virtual=N: protocol=fwm is its own */
	char port_text[64];          /* the port as written (a number or name) */
	bool service_set;            /* service= given */
	char *fallback_text;         /* fallback= of the section, settled at its
				      * end (its port defaults to the
				      * virtual's, looked up for its protocol) */
	unsigned fallback_line;
	const char *fallback_name;   /* "fallback" or "fallback6" */
	size_t reals_cap;
};

struct hd_cf {
	const char *name;            /* FILE in messages */
	unsigned flags;              /* HD_CF_* */
	struct hd_config *c;
	unsigned line;               /* the line being read */
	const char *directive;       /* its directive, for messages */
	int nerr;
	bool nomem;
	struct hd_cf_msg *msgs;
	size_t nmsgs, msgs_cap;
	struct hd_cf_vsec sec;       /* the open virtual section */
	bool in_section;
	size_t virtuals_cap;
	size_t nreals;               /* in all virtuals so far */
};

/* Messages (config.c).  The directive is p->directive unless given. */
/* config_regex.c: re (NULL or "" allowed) compiles as a Perl regular
 * expression; else an error at the current line and false. */
bool hd_cf_regex_ok(struct hd_cf *p, const char *re);
void hd_cf_error(struct hd_cf *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hd_cf_warn(struct hd_cf *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hd_cf_error_at(struct hd_cf *p, unsigned line, const char *directive,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void hd_cf_warn_at(struct hd_cf *p, unsigned line, const char *directive,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
char *hd_cf_strdup(struct hd_cf *p, const char *s);
char *hd_cf_strndup(struct hd_cf *p, const char *s, size_t n);
/* Replace *dst with a copy of s (a directive given twice: the last wins,
 * as in ldirectord). */
void hd_cf_set_str(struct hd_cf *p, char **dst, const char *s);
void *hd_cf_grow(struct hd_cf *p, void *arr, size_t *cap, size_t n, size_t size);

/* Values (config_value.c).  Each returns false after reporting msg. */
enum hd_cf_quote {
	HD_CF_RAW,        /* as written, quotes kept (ldirectord's (.*)) */
	HD_CF_UNQUOTE,    /* quotes taken off when there are */
	HD_CF_QUOTED,     /* must be in quotes (ldirectord's \"(.*)\") */
};
/* val's text per q into a new string (NULL with an error reported). */
char *hd_cf_value(struct hd_cf *p, const char *val, enum hd_cf_quote q);
bool hd_cf_uint(const char *s, unsigned long max, unsigned long *out);
/* A number 1..HD_CF_MAX_SECONDS (ldirectord's "\d+ && $1"). */
bool hd_cf_count(struct hd_cf *p, const char *val, unsigned *out,
		 const char *msg);
bool hd_cf_yesno(struct hd_cf *p, const char *val, bool *out);
/* Length of an opening quote (", U+201C) at s, or 0; of a closing one
 * (", U+201D). */
size_t hd_cf_open_quote(const char *s);
size_t hd_cf_close_quote(const char *s);
/* emailalertstatus's value into HD_EMAIL_* bits. */
/* connecttimeout= and timeout=: refused in ldirectord's words. */
void hd_cf_deprecated(struct hd_cf *p);
bool hd_cf_emailstatus(struct hd_cf *p, const char *val, unsigned *out);
/* service= names (ldirectord's), and a service's well-known port. */
int hd_cf_service_by_name(const char *name);
enum hd_service hd_cf_service_by_port(unsigned port);
uint16_t hd_cf_service_port(enum hd_service s);

/* Addresses (config_addr.c). */
/* A host (an address, or a name unless HD_CF_NO_RESOLVE) of family af
 * (AF_INET / AF_INET6) into ep->addr.  0, or -1. */
int hd_cf_resolve(struct hd_cf *p, const char *host, int af,
		  struct xlvs_endpoint *ep);
/* A port: digits 0..65535, or a service name for proto ("tcp", "udp" or
 * NULL: any).  0, or -1. */
int hd_cf_port(const char *s, const char *proto, uint16_t *out);
bool hd_cf_is_hostname(const char *s, size_t n, bool plus);
bool hd_cf_is_portname(const char *s, size_t n);
/* fallback= into fb; port_default: the port text used when none is
 * written (a per-virtual fallback's virtual's), or NULL; proto its
 * protocol ("tcp"/"udp"). */
void hd_cf_fallback(struct hd_cf *p, const char *val, int af,
		    const char *port_default, const char *proto,
		    struct hd_fallback *fb);
bool hd_cf_fwd(const char *s, size_t n, enum xlvs_fwd *out);

/* Directives (config_global.c, config_virtual.c, config_real.c). */
/* A line's directive NAME (with value, NULL for a bare word) in the global
 * scope / in the open virtual section. */
void hd_cf_global(struct hd_cf *p, const char *name, const char *val);
void hd_cf_virtual_line(struct hd_cf *p, const char *name, const char *val);
bool hd_cf_is_global(const char *name);
/* emailalert= and smtp= values, global or a virtual's. */
void hd_cf_emailalert(struct hd_cf *p, const char *val, char **dst);
void hd_cf_smtp(struct hd_cf *p, const char *val, char **dst);
bool hd_cf_is_virtual(const char *name);
/* virtual= / virtual6= opens a section; its end settles it. */
void hd_cf_virtual_open(struct hd_cf *p, const char *val, bool v6);
void hd_cf_virtual_close(struct hd_cf *p);
void hd_cf_real(struct hd_cf *p, const char *val, bool v6);
/* At the section's end: a real server listed twice is an error. */
bool hd_cf_reals_check(struct hd_cf *p, struct hd_virtual *v);
/* After the whole file: timeouts and counts from the globals, warnings that
 * need them, duplicates. */
void hd_cf_settle(struct hd_cf *p);

/* Lines (config_line.c): the whole text, line by line. */
void hd_cf_read(struct hd_cf *p, const char *text, size_t len);

void hd_cf_virtual_free(struct hd_virtual *v);

#endif
