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

struct optspec {
	const char *name;
	enum vkind kind;
	long lo, hi;
	const char *words;		/* V_WORDS: "|a|b|" */
};

static const struct optspec opts[] = {
	{ "cluster", V_ANY, 0, 0, NULL },
	{ "hopfudge", V_INT, 0, 255, NULL },
	{ "baud", V_INT, 1, 4000000, NULL },
	{ "hbgenmethod", V_WORDS, 0, 0, "|file|time|" },
	{ "realtime", V_BOOL, 0, 0, NULL },
	{ "rtprio", V_INT, 1, 99, NULL },
	{ "debug", V_INT, 0, 255, NULL },
	{ "msgfmt", V_WORDS, 0, 0, "|classic|netstring|" },
	{ "conn_logd_time", V_INT, 1, 86400, NULL },
	{ "use_apphbd", V_BOOL, 0, 0, NULL },
	{ "log_badpack", V_BOOL, 0, 0, NULL },
	{ "syslogmsgfmt", V_BOOL, 0, 0, NULL },
	{ "coredumps", V_BOOL, 0, 0, NULL },
	{ "coreroot", V_ANY, 0, 0, NULL },
	{ "crm_daemon_dir", V_ANY, 0, 0, NULL },
	{ "crmd_spawns_pengine", V_BOOL, 0, 0, NULL },
	{ "uuidfrom", V_WORDS, 0, 0, "|file|nodename|" },
	{ "compression", V_ANY, 0, 0, NULL },
	{ "compression_threshold", V_INT, 1, 1024 * 1024, NULL },
	{ "traditional_compression", V_BOOL, 0, 0, NULL },
	{ "env", V_ANY, 0, 0, NULL },
	{ "max_rexmit_delay", V_INT, 1, 1000000, NULL },
	{ "record_config_changes", V_BOOL, 0, 0, NULL },
	{ "record_pengine_inputs", V_BOOL, 0, 0, NULL },
	{ "enable_config_writes", V_BOOL, 0, 0, NULL },
	{ "memreserve", V_INT, 0, 1024 * 1024, NULL },
};

static const struct optspec *find_spec(const char *name)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(opts[i].name, name) == 0)
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

static struct directive generic = { NULL, D_WORD, d_option, NULL, NULL };

const struct directive *hacf_find_option(const char *name)
{
	const struct optspec *o;

	for (size_t i = 0; i < sizeof(option_directives) / sizeof(option_directives[0]); i++)
		if (strcmp(option_directives[i].name, name) == 0)
			return &option_directives[i];
	if (!(o = find_spec(name)))
		return NULL;
	generic.name = o->name;
	return &generic;
}
