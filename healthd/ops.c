// SPDX-License-Identifier: GPL-2.0
/* The daemon's work beside the checks (ops.h): the status file, the
 * configuration watch, the e-mail alerts, execute='s instances. */
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "email.h"
#include "fallback.h"
#include "hd_log.h"
#include "ops.h"
#include "status.h"

static struct {
	struct hd_ops_conf conf;
	struct hd_daemon *d;
	struct event *tick;
	const struct hd_config *seen;   /* the configuration last looked at */
	char **execute;                 /* execute= of the running one */
	size_t nexecute;
	struct hd_cfgwatch watch;
	time_t next_cfgcheck;
	char *status_text;
	long status_len;
	unsigned long status_changes;   /* d->st.changes when last rendered */
	time_t status_at;               /* ... and when */
} ops;

void hd_ops_configure(const struct hd_ops_conf *c)
{
	ops.conf = *c;
}

void hd_ops_set_status(unsigned status)
{
	hd_email_set_status(status);
}

static void ops_log_sink(void *arg, const char *msg)
{
	struct hd_daemon *d = arg;

	hd_email_observe(d->cfg, d->vs, d->nvs, msg);
}

/* A shell word: 'x', with each ' as '\''. */
static void ops_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* ld_cmd_children: "SELF CHILD CMD" ("reload_or_start": reload, else
 * start).  The instance's start returns once it runs; we do not wait. */
static void ops_child(const char *child, const char *cmd)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f || !ops.conf.self)
		return;
	if (!strcmp(cmd, "reload_or_start")) {
		ops_quote(f, ops.conf.self);
		fputs(" -- ", f);
		ops_quote(f, child);
		fputs(" reload || ", f);
		cmd = "start";
	}
	ops_quote(f, ops.conf.self);
	fputs(" -- ", f);
	ops_quote(f, child);
	fprintf(f, " %s", cmd);
	if (fclose(f) == 0)
		hd_fallback_spawn_sh(NULL, line);
	free(line);
}

static bool ops_listed(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static void ops_forget_execute(void)
{
	for (size_t i = 0; i < ops.nexecute; i++)
		free(ops.execute[i]);
	free(ops.execute);
	ops.execute = NULL;
	ops.nexecute = 0;
}

static void ops_keep_execute(const struct hd_config *c)
{
	ops_forget_execute();
	ops.execute = calloc(c->nexecute ? c->nexecute : 1, sizeof(char *));
	for (size_t i = 0; ops.execute && i < c->nexecute; i++)
		if ((ops.execute[i] = strdup(c->execute[i])))
			ops.nexecute++;
}

/* reread_config's children: the ones gone stopped, the ones kept reloaded
 * (or started), the new ones started. */
static void ops_reloaded(const struct hd_config *c)
{
	for (size_t i = 0; i < ops.nexecute; i++)
		if (!ops_listed(c->execute, c->nexecute, ops.execute[i]))
			ops_child(ops.execute[i], "stop");
	for (size_t i = 0; i < c->nexecute; i++)
		ops_child(c->execute[i],
			  ops_listed(ops.execute, ops.nexecute, c->execute[i]) ?
			  "reload_or_start" : "start");
	ops_keep_execute(c);
	if (c->fork)
		hd_debug(1, "fork=yes: one process checks every virtual service");
}

static void ops_status_file(struct hd_daemon *d, time_t now)
{
	char *text = NULL;
	long len;

	if (!ops.conf.statusfile)
		return;
	/* Rendered (5,000 servers: tens of milliseconds of the loop's every
	 * second) only when something but the times changed, or every 10 s:
	 * the "(Ns ago)" parts and the checks' times may be that old. */
	if (ops.status_text && d->st.changes == ops.status_changes &&
	    now - ops.status_at < 10)
		return;
	ops.status_changes = d->st.changes;
	ops.status_at = now;
	len = hd_status_render(d->vs, d->nvs, now, &text);
	if (len < 0)
		return;
	if (ops.status_text && ops.status_len == len &&
	    !memcmp(ops.status_text, text, (size_t)len)) {
		free(text);
		return;
	}
	if (hd_status_write(ops.conf.statusfile, text, (size_t)len) < 0)
		hd_debug(1, "Cannot write %s: %s", ops.conf.statusfile,
			 strerror(errno));
	free(ops.status_text);
	ops.status_text = text;
	ops.status_len = len;
}

/* check_cfgfile, every checkinterval. */
static void ops_cfgcheck(struct hd_daemon *d, time_t now)
{
	if (now < ops.next_cfgcheck)
		return;
	ops.next_cfgcheck = now + (d->cfg->checkinterval ? d->cfg->checkinterval : 1);
	if (!hd_cfgwatch_poll(&ops.watch, d->path))
		return;
	hd_log("Configuration file '%s' has changed on disk", d->path);
	if (d->cfg->autoreload) {
		hd_log(" - reread new configuration");
		hd_ops_set_status(HD_EMAIL_RELOADING);
		daemon_reread(d);
		hd_ops_set_status(HD_EMAIL_RUNNING);
	} else {
		hd_log(" - ignore new configuration");
	}
	/* The callback in force after the reread, as ldirectord's. */
	if (d->cfg->callback && access(d->cfg->callback, X_OK) == 0) {
		char *line = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&line, &len);

		if (f) {
			fprintf(f, "%s ", d->cfg->callback);
			ops_quote(f, d->path);
			if (fclose(f) == 0)
				hd_fallback_spawn_sh(NULL, line);
			free(line);
		}
	}
}

static void ops_tick(evutil_socket_t fd, short what, void *arg)
{
	struct hd_daemon *d = arg;
	time_t now = time(NULL);

	(void)fd;
	(void)what;
	ops_cfgcheck(d, now);
	if (d->cfg != ops.seen) {
		/* A reload (HUP or autoreload) put a new configuration in. */
		ops_reloaded(d->cfg);
		ops.seen = d->cfg;
	}
	hd_email_resend(d->cfg, d->vs, d->nvs, now);
	ops_status_file(d, now);
}

int hd_ops_attach(struct hd_daemon *d)
{
	struct timeval one = { 1, 0 };

	ops.d = d;
	hd_email_set_status(HD_EMAIL_STARTING);
	hd_log_set_sink(ops_log_sink, d, false);
	hd_cfgwatch_poll(&ops.watch, d->path);
	ops.next_cfgcheck = time(NULL) + (d->cfg->checkinterval ?
					  d->cfg->checkinterval : 1);
	ops.seen = d->cfg;
	ops_keep_execute(d->cfg);
	for (size_t i = 0; i < ops.nexecute; i++)
		ops_child(ops.execute[i], "start");
	if (d->cfg->fork)
		hd_debug(1, "fork=yes: one process checks every virtual service");
	ops.tick = event_new(d->base, -1, EV_PERSIST, ops_tick, d);
	if (!ops.tick || event_add(ops.tick, &one) < 0)
		return -ENOMEM;
	return 0;
}

void hd_ops_stopping(struct hd_daemon *d)
{
	(void)d;
	hd_ops_set_status(HD_EMAIL_STOPPING);
	for (size_t i = 0; i < ops.nexecute; i++)
		ops_child(ops.execute[i], "stop");
}

void hd_ops_detach(struct hd_daemon *d)
{
	(void)d;
	if (ops.tick)
		event_free(ops.tick);
	ops.tick = NULL;
	hd_log_set_sink(NULL, NULL, false);
	ops_forget_execute();
	hd_email_reset();
	if (ops.conf.statusfile)
		unlink(ops.conf.statusfile);
	free(ops.status_text);
	ops.status_text = NULL;
	ops.d = NULL;
}
