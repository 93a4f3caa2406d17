// SPDX-License-Identifier: GPL-2.0
/* emailalert through sendmail (email.h), from ldirectord 4.12's
 * ld_emailalert_send, ld_emailalert_resend and ld_emailalert_mail_send. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "email.h"
#include "hd_log.h"

/* ldirectord's %EMAILSTATUS: "rserver (vip:port)" -> last alert time. */
struct email_pending {
	char id[160];
	char rserver[64];
	char vstr[64];
	time_t alerttime;
};

static struct {
	unsigned status;
	struct email_pending *p;
	size_t n, cap;
} em = { HD_EMAIL_STARTING, NULL, 0, 0 };

void hd_email_set_status(unsigned status)
{
	em.status = status;
}

void hd_email_reset(void)
{
	free(em.p);
	em.p = NULL;
	em.n = em.cap = 0;
}

static const char *email_status_str(unsigned s)
{
	switch (s) {
	case HD_EMAIL_STARTING: return "starting";
	case HD_EMAIL_RUNNING: return "running";
	case HD_EMAIL_STOPPING: return "stopping";
	case HD_EMAIL_RELOADING: return "reloading";
	}
	return "UNKNOWN";
}

int hd_email_format(char *buf, size_t len, const char *to, const char *from,
		    const char *subject, const char *servicename,
		    const char *comment, const char *host, unsigned status)
{
	char subj[512];
	int n;

	snprintf(subj, sizeof(subj), "%s%s%s%s",
		 servicename && *servicename ? "[" : "",
		 servicename && *servicename ? servicename : "",
		 servicename && *servicename ? "] " : "", subject);
	n = snprintf(buf, len,
		     "To: %s\n%s%s%sSubject: %s\n\n"
		     "ldirectord host: %s\nLog-Message: %s\nDaemon-Status: %s\n",
		     to, from ? "From: " : "", from ? from : "", from ? "\n" : "",
		     subj, host, subj, email_status_str(status));
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	/* _ld_virtual_server_details, after a blank line. */
	if ((servicename && *servicename) || (comment && *comment)) {
		int m = snprintf(buf + n, len - (size_t)n, "\n%s%s%s%s%s%s\n",
				 servicename && *servicename ? "Service name: " : "",
				 servicename && *servicename ? servicename : "",
				 servicename && *servicename ? "\n" : "",
				 comment && *comment ? "Comment: " : "",
				 comment && *comment ? comment : "",
				 comment && *comment ? "\n" : "");

		if (m < 0 || (size_t)m >= len - (size_t)n)
			return -ENOSPC;
		n += m;
	}
	return n;
}

/* smtp=: the session in a grandchild of ours (init reaps it), ended by
 * SIGALRM if the server hangs. */
static void email_spawn_smtp(const char *host, const char *to,
			     const char *from, const char *msg)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (fork() == 0) {
			setsid();
			signal(SIGALRM, SIG_DFL);
			alarm(HD_EMAIL_TIMEOUT_S);
			_exit(hd_email_smtp_send(host, to, from, msg) ? 1 : 0);
		}
		_exit(0);
	}
	if (pid < 0)
		hd_log("failed to send SMTP email message: fork: %s", strerror(errno));
	else
		waitpid(pid, NULL, 0);
}

/* sendmail -t fed through a pipe by a grandchild of ours (init reaps it);
 * SIGALRM, kept across exec, ends a sendmail that hangs. */
static void email_spawn(const char *msg, size_t len)
{
	const char *sm = getenv("XLVS_HEALTHD_SENDMAIL");
	int fds[2];
	pid_t pid;

	if (!sm || !*sm)
		sm = "/usr/sbin/sendmail";
	if (pipe2(fds, O_CLOEXEC) < 0) {
		hd_log("failed to send email message: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			setsid();
			signal(SIGPIPE, SIG_DFL);
			signal(SIGALRM, SIG_DFL);
			dup2(fds[0], 0);
			alarm(HD_EMAIL_TIMEOUT_S);
			execl(sm, "sendmail", "-t", (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	close(fds[0]);
	if (pid < 0) {
		hd_log("failed to send email message: fork: %s", strerror(errno));
	} else {
		/* A mail is a few hundred bytes: the pipe takes it whole, so
		 * the write cannot block even if sendmail never reads. */
		fcntl(fds[1], F_SETFL, O_NONBLOCK);
		if (write(fds[1], msg, len) != (ssize_t)len)
			hd_log("failed to send email message: %s", strerror(errno));
		waitpid(pid, NULL, 0);
	}
	close(fds[1]);
}

static struct email_pending *email_find(const char *id)
{
	for (size_t i = 0; i < em.n; i++)
		if (!strcmp(em.p[i].id, id))
			return &em.p[i];
	return NULL;
}

static void email_track(const char *id, const char *rserver, const char *vstr,
			time_t t, unsigned freq)
{
	struct email_pending *p = email_find(id);

	if (t == 0 || freq == 0) {
		if (p)
			*p = em.p[--em.n];
		return;
	}
	if (!p) {
		if (em.n == em.cap) {
			size_t cap = em.cap ? em.cap * 2 : 8;
			void *np = realloc(em.p, cap * sizeof(*em.p));

			if (!np)
				return;
			em.p = np;
			em.cap = cap;
		}
		p = &em.p[em.n++];
		snprintf(p->id, sizeof(p->id), "%s", id);
		snprintf(p->rserver, sizeof(p->rserver), "%s", rserver);
		snprintf(p->vstr, sizeof(p->vstr), "%s", vstr);
	}
	p->alerttime = t;
}

static const struct hd_virtual *email_virtual(const struct hd_config *cfg,
					      const struct hd_vs *vs, size_t nvs,
					      const char *vstr)
{
	for (size_t i = 0; i < nvs && i < cfg->nvirtuals; i++)
		if (!strcmp(vs[i].vstr, vstr))
			return &cfg->virtuals[i];
	return NULL;
}

/* ld_emailalert_send(subject, v, rserver, currenttime). */
static void email_send(const struct hd_config *cfg, const struct hd_virtual *v,
		       const char *vstr, const char *rserver,
		       const char *subject, time_t t)
{
	unsigned freq = hd_virtual_emailalertfreq(cfg, v);
	const char *to = hd_virtual_emailalert(cfg, v);
	const char *smtp = hd_virtual_smtp(cfg, v), *from = cfg->emailalertfrom;
	char id[160], host[256] = "", msg[2048], sender[320];
	int n;

	snprintf(id, sizeof(id), "%s (%s)", rserver, vstr);
	email_track(id, rserver, vstr, t, freq);
	if ((em.status & hd_virtual_emailalertstatus(cfg, v)) == 0)
		return;
	if (!to || !*to)
		return;
	hd_log("emailalert: %s", subject);
	gethostname(host, sizeof(host) - 1);
	hd_email_smtp_from(sender, sizeof(sender));
	/* ld_emailalert_net_smtp always writes a From: (the sender's when
	 * emailalertfrom is unset); Mail::Send only when it is set. */
	n = hd_email_format(msg, sizeof(msg), to,
			    smtp && !from ? sender : from, subject,
			    v->servicename, v->comment, host, em.status);
	if (n < 0) {
		hd_log("failed to send email message: too long");
		return;
	}
	if (smtp)
		email_spawn_smtp(smtp, to, sender, msg);
	else
		email_spawn(msg, (size_t)n);
}

/* "... server[ (tag)]: RSERVER [mapped from X ](VIP:PORT)...": rserver
 * and the virtual out of a table log line. */
static int email_parse(const char *msg, char *rs, size_t rlen, char *vstr,
		       size_t vlen)
{
	const char *p = strstr(msg, " server");
	const char *e, *o, *c;

	if (!p)
		return -1;
	p = strstr(p, ": ");
	if (!p)
		return -1;
	p += 2;
	e = strchr(p, ' ');
	if (!e || (size_t)(e - p) >= rlen)
		return -1;
	o = strchr(e, '(');
	c = o ? strchr(o, ')') : NULL;
	if (!c || (size_t)(c - o - 1) >= vlen)
		return -1;
	snprintf(rs, rlen, "%.*s", (int)(e - p), p);
	snprintf(vstr, vlen, "%.*s", (int)(c - o - 1), o + 1);
	return 0;
}

void hd_email_observe(const struct hd_config *cfg, const struct hd_vs *vs,
		      size_t nvs, const char *msg)
{
	static const struct { const char *prefix; bool repeat; } kinds[] = {
		{ "Quiescent real server: ", true },
		{ "Readd Quiescent real server: ", true },
		{ "Deleted real server: ", true },
		{ "Deleted fallback server: ", false },
		{ "Restored ", false },
		{ "Added real server: ", false },
		{ "Added fallback server: ", false },
		{ "Purged real server (", false },
	};
	const struct hd_virtual *v;
	char rs[64], vstr[64];
	const char *subject = msg;
	size_t k;

	if (!cfg)
		return;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strncmp(msg, kinds[k].prefix, strlen(kinds[k].prefix)))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return;
	if (email_parse(msg, rs, sizeof(rs), vstr, sizeof(vstr)) < 0)
		return;
	v = email_virtual(cfg, vs, nvs, vstr);
	if (!v)
		return;
	/* ldirectord mails a re-added quiescent server as "Quiescent ...". */
	if (!strncmp(msg, "Readd ", 6))
		subject = msg + 6;
	email_send(cfg, v, vstr, rs, subject, kinds[k].repeat ? time(NULL) : 0);
}

void hd_email_resend(const struct hd_config *cfg, const struct hd_vs *vs,
		     size_t nvs, time_t now)
{
	/* Sending edits the list: go over a copy. */
	size_t n = em.n;
	struct email_pending *copy = n ? malloc(n * sizeof(*copy)) : NULL;

	if (!copy)
		return;
	memcpy(copy, em.p, n * sizeof(*copy));
	for (size_t i = 0; i < n; i++) {
		const struct hd_virtual *v = email_virtual(cfg, vs, nvs, copy[i].vstr);
		char subject[200];

		if (!v) {
			email_track(copy[i].id, "", "", 0, 0);
			continue;
		}
		if (now - copy[i].alerttime < (time_t)hd_virtual_emailalertfreq(cfg, v))
			continue;
		snprintf(subject, sizeof(subject), "Inaccessible real server: %s",
			 copy[i].id);
		email_send(cfg, v, copy[i].vstr, copy[i].rserver, subject, now);
	}
	free(copy);
}
