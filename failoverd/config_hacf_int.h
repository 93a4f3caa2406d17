/* ha.cf parser internals shared by config_hacf.c (dispatch, scalar
 * directives, final checks) and config_hacf_media.c (media, ping nodes,
 * respawn: the whole-line directives). */
#ifndef XLVS_FO_CONFIG_HACF_INT_H
#define XLVS_FO_CONFIG_HACF_INT_H

#include "config_int.h"

struct hacf_ctx {
	struct fo_hacf *cf;
	struct fo_diag *d;
	const char *file;
	unsigned line;
	const char *dir;		/* the directive being read */
	unsigned media_line;		/* first bcast/ucast, 0 if none yet */
	unsigned keepalive_line, deadtime_line, initdead_line, deadping_line, warntime_line;
	bool warntime_set, initdead_set, deadping_set, udpport_set, pacemaker_set;
	bool logging_set;
};

#define HACF_ERR(c, ...) fo_diag_err((c)->d, (c)->file, (c)->line, __VA_ARGS__)
#define HACF_WARN(c, ...) fo_diag_warn((c)->d, (c)->file, (c)->line, __VA_ARGS__)

enum hacf_dkind { D_WORD, D_LINE, D_REFUSE };

struct directive {
	const char *name;
	enum hacf_dkind kind;
	void (*word)(struct hacf_ctx *, const char *);
	void (*line)(struct hacf_ctx *, char *);
	const char *refusal;
};

/* config_hacf_opts.c: heartbeat's internal directives, checked and
 * stored, and the ones we refuse. */
const struct directive *hacf_find_option(const char *name);
/* config_hacf_check.c: defaults and the checks heartbeat makes after
 * reading the file. */
void hacf_finish(struct hacf_ctx *c);

/* Whole-line directives get the rest of the line. */
void hacf_mcast(struct hacf_ctx *c, char *rest);
void hacf_ucast(struct hacf_ctx *c, char *rest);
void hacf_ping_group(struct hacf_ctx *c, char *rest);
void hacf_respawn(struct hacf_ctx *c, char *rest);
void hacf_apiauth(struct hacf_ctx *c, char *rest);
/* Per-word directives get one word. */
void hacf_bcast(struct hacf_ctx *c, const char *w);
void hacf_ping(struct hacf_ctx *c, const char *w);
/* Keeps a checked heartbeat-internal directive as an fo_option. */
void hacf_store(struct hacf_ctx *c, const char *name, const char *value);
/* cl_str_to_boolean: 1, 0, or -1 if neither. */
int hacf_bool(const char *w);

#endif
