/* The ha.cf directives that only tune heartbeat's own internals
 * (heartbeat 3.0.6 config.c's Directives[] beyond the ones we act on):
 * each value is checked as heartbeat checks it and kept, so that `-t`
 * and `status` can show them; and the directives we refuse, each with
 * its reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_hacf_int.h"

enum vkind { V_BOOL, V_INT, V_WORDS, V_ANY };

static void d_option(struct hacf_ctx *c, const char *w);

/* The directive comes first, so that a spec is found as its directive. */
struct optspec {
	struct directive d;
	enum vkind kind;
	long lo, hi;
	const char *words;		/* V_WORDS: "|a|b|" */
};

#define OPT(n, k, lo, hi, w) { { n, D_WORD, d_option, NULL, NULL }, k, lo, hi, w }

static const struct optspec opts[] = {
	OPT("cluster", V_ANY, 0, 0, NULL),
	OPT("hopfudge", V_INT, 0, 255, NULL),
	OPT("baud", V_INT, 1, 4000000, NULL),
	OPT("hbgenmethod", V_WORDS, 0, 0, "|file|time|"),
	OPT("realtime", V_BOOL, 0, 0, NULL),
	OPT("rtprio", V_INT, 1, 99, NULL),
	OPT("debug", V_INT, 0, 255, NULL),
	OPT("msgfmt", V_WORDS, 0, 0, "|classic|netstring|"),
	OPT("conn_logd_time", V_INT, 1, 86400, NULL),
	OPT("use_apphbd", V_BOOL, 0, 0, NULL),
	OPT("log_badpack", V_BOOL, 0, 0, NULL),
	OPT("syslogmsgfmt", V_BOOL, 0, 0, NULL),
	OPT("coredumps", V_BOOL, 0, 0, NULL),
	OPT("coreroot", V_ANY, 0, 0, NULL),
	OPT("crm_daemon_dir", V_ANY, 0, 0, NULL),
	OPT("crmd_spawns_pengine", V_BOOL, 0, 0, NULL),
	OPT("uuidfrom", V_WORDS, 0, 0, "|file|nodename|"),
	OPT("compression", V_ANY, 0, 0, NULL),
	OPT("compression_threshold", V_INT, 1, 1024 * 1024, NULL),
	OPT("traditional_compression", V_BOOL, 0, 0, NULL),
	OPT("env", V_ANY, 0, 0, NULL),
	OPT("max_rexmit_delay", V_INT, 1, 1000000, NULL),
	OPT("record_config_changes", V_BOOL, 0, 0, NULL),
	OPT("record_pengine_inputs", V_BOOL, 0, 0, NULL),
	OPT("enable_config_writes", V_BOOL, 0, 0, NULL),
	OPT("memreserve", V_INT, 0, 1024 * 1024, NULL),
};

static const struct optspec *find_spec(const char *name)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(opts[i].d.name, name) == 0)
			return &opts[i];
	return NULL;
}

static bool value_ok(const struct optspec *o, const char *w)
{
	char pat[FO_PATHLEN + 2];

	switch (o->kind) {
	case V_BOOL:
		return hacf_bool(w) >= 0;
	case V_INT:
		if (!*w || strspn(w, "0123456789") != strlen(w) || strlen(w) > 9)
			return false;
		return atol(w) >= o->lo && atol(w) <= o->hi;
	case V_WORDS:
		if (strlen(w) > FO_PATHLEN - 1 || strchr(w, '|'))
			return false;
		snprintf(pat, sizeof(pat), "|%s|", w);
		return strstr(o->words, pat) != NULL;
	default:
		return true;
	}
}

static void d_option(struct hacf_ctx *c, const char *w)
{
	const struct optspec *o = find_spec(c->dir);

	if (!value_ok(o, w)) {
		HACF_ERR(c, "%s: invalid value [%s]", c->dir, w);
		return;
	}
	if (strcmp(c->dir, "env") == 0 && (!strchr(w, '=') || w[0] == '=')) {
		HACF_ERR(c, "env: [%s] is not NAME=value", w);
		return;
	}
	hacf_store(c, c->dir, w);
}

/* crm/pacemaker: off is haresources mode, the only one we run. */
static void d_pacemaker(struct hacf_ctx *c, const char *w)
{
	if (c->pacemaker_set) {
		HACF_ERR(c, "pacemaker/crm directive used multiple times!");
		return;
	}
	c->pacemaker_set = true;
	if (hacf_bool(w) != 0) {
		HACF_ERR(c, "%s %s: Pacemaker resource management is not supported "
			 "(xlvs-failoverd runs haresources: %s off)", c->dir, w, c->dir);
		return;
	}
	hacf_store(c, c->dir, w);
}

static void d_autojoin(struct hacf_ctx *c, const char *w)
{
	if (strcasecmp(w, "none") == 0) {
		hacf_store(c, "autojoin", w);
		return;
	}
	if (strcasecmp(w, "other") == 0 || strcasecmp(w, "any") == 0)
		HACF_ERR(c, "R1 style resource management conflicts with autojoin set");
	else
		HACF_ERR(c, "Invalid autojoin directive [%s]", w);
}

#define NOTSUP(n, why) { n, D_REFUSE, NULL, NULL, why }

static const struct directive option_directives[] = {
	{ "crm", D_WORD, d_pacemaker, NULL, NULL },
	{ "pacemaker", D_WORD, d_pacemaker, NULL, NULL },
	{ "autojoin", D_WORD, d_autojoin, NULL, NULL },
	NOTSUP("nice_failback", "nice_failback flag is obsolete. "
				"Use auto_failback {on, off, legacy} instead."),
	NOTSUP("stonith", "STONITH is not supported by xlvs-failoverd"),
	NOTSUP("stonith_host", "STONITH is not supported by xlvs-failoverd"),
	NOTSUP("watchdog", "a watchdog device is not supported by xlvs-failoverd"),
	NOTSUP("failfast", "failfast clients are not supported by xlvs-failoverd"),
	NOTSUP("quorum_server", "a quorum server is not supported by xlvs-failoverd"),
	NOTSUP("serial", "serial media are not supported by xlvs-failoverd"),
	NOTSUP("mcast6", "IPv6 media are not supported by xlvs-failoverd yet"),
	NOTSUP("ucast6", "IPv6 media are not supported by xlvs-failoverd yet"),
	NOTSUP("ping6", "IPv6 ping nodes are not supported by xlvs-failoverd yet"),
	NOTSUP("hbaping", "hbaping is not supported by xlvs-failoverd"),
};

const struct directive *hacf_find_option(const char *name)
{
	const struct optspec *o;

	for (size_t i = 0; i < sizeof(option_directives) / sizeof(option_directives[0]); i++)
		if (strcmp(option_directives[i].name, name) == 0)
			return &option_directives[i];
	o = find_spec(name);
	return o ? &o->d : NULL;
}
