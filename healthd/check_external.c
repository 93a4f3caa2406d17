// SPDX-License-Identifier: GPL-2.0
/*
 * checktype=external (ldirectord's check_external): checkcommand runs with
 * ldirectord's four arguments, the virtual's address ("10.0.0.1" or
 * "[2001:db8::1]", as ldirectord stores a server), its port, the real
 * server's address and its port; exit 0 means up.  The command gets its
 * own process group so that on timeout the whole group, whatever it
 * started, is killed (ldirectord only sends SIGTERM to the child).  Its end
 * is learnt from a pidfd on the loop, so no SIGCHLD handler is needed and
 * none of the daemon's is disturbed.
 *
 * checktype=external-perl: ldirectord evals the file inside its own perl
 * process (caching the compiled sub); we run it as `perl FILE args`, which
 * gives the script the same @ARGV and exit status without a perl
 * interpreter in the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <event2/event.h>

#include "check_int.h"

extern char **environ;

struct hd_reaper {
	struct hd_reaper *next, **pprev;
	pid_t pid;
	int pidfd;
	struct event *ev;
};

struct external_state {
	pid_t pid;              /* 0 once reaped */
	int pidfd;
	struct event *ev;
};

static void reaper_free(struct hd_reaper *rp)
{
	*rp->pprev = rp->next;
	if (rp->next)
		rp->next->pprev = rp->pprev;
	event_free(rp->ev);
	close(rp->pidfd);
	free(rp);
}

static void reaper_ready(evutil_socket_t fd, short what, void *arg)
{
	struct hd_reaper *rp = arg;

	(void)fd, (void)what;
	if (waitpid(rp->pid, NULL, WNOHANG) != 0)
		reaper_free(rp);
}

void hd_reapers_free(struct hd_checker *ck)
{
	while (ck->reapers)
		reaper_free(ck->reapers);
}

/* A killed group's leader may take a moment to die: reap it later from the
 * loop rather than wait here. */
static void external_reap_later(struct hd_checker *ck, pid_t pid, int pidfd)
{
	struct hd_reaper *rp = calloc(1, sizeof(*rp));

	if (rp)
		rp->ev = event_new(ck->base, pidfd, EV_READ | EV_PERSIST,
				   reaper_ready, rp);
	if (!rp || !rp->ev) {
		free(rp);
		close(pidfd);   /* left a zombie: out of memory */
		return;
	}
	rp->pid = pid;
	rp->pidfd = pidfd;
	rp->next = ck->reapers;
	if (rp->next)
		rp->next->pprev = &rp->next;
	rp->pprev = &ck->reapers;
	ck->reapers = rp;
	event_add(rp->ev, NULL);
}

static void external_stop(struct hd_check *c)
{
	struct external_state *s = c->priv;

	if (!s)
		return;
	if (s->ev)
		event_free(s->ev);
	if (s->pid) {
		kill(-s->pid, SIGKILL);
		if (waitpid(s->pid, NULL, WNOHANG) == 0) {
			external_reap_later(c->ck, s->pid, s->pidfd);
			s->pidfd = -1;
		}
	}
	if (s->pidfd >= 0)
		close(s->pidfd);
	free(s);
	c->priv = NULL;
}

static void external_exited(evutil_socket_t fd, short what, void *arg)
{
	struct hd_check *c = arg;
	struct external_state *s = c->priv;
	int st;

	(void)fd, (void)what;
	if (waitpid(s->pid, &st, WNOHANG) <= 0)
		return;
	s->pid = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		hd_check_finish(c, true, "%s", "");
	else if (WIFEXITED(st))
		hd_check_finish(c, false, "%s exited with status %d",
				c->t.checkcommand, WEXITSTATUS(st));
	else
		hd_check_finish(c, false, "%s killed by signal %d",
				c->t.checkcommand, WTERMSIG(st));
}

static int external_spawn(pid_t *pid, char *const argv[], bool search)
{
	posix_spawnattr_t at;
	posix_spawn_file_actions_t fa;
	sigset_t none, dfl;
	int err;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
				 POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	err = (search ? posix_spawnp : posix_spawn)(pid, argv[0], &fa, &at,
						    argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return err;
}

static int external_run(struct hd_check *c, bool perl)
{
	struct external_state *s = calloc(1, sizeof(*s));
	char vip[64], vport[8], rip[64], rport[8];
	const char *cmd = c->t.checkcommand ? c->t.checkcommand : "/bin/true";
	char *argv[7], **a = argv;
	int err;

	if (!s)
		return -ENOMEM;
	s->pidfd = -1;
	c->priv = s;
	hd_addr_str(&c->t.vip, vip, sizeof(vip));
	hd_addr_str(&c->t.rip, rip, sizeof(rip));
	snprintf(vport, sizeof(vport), "%u", c->t.vip.port);
	snprintf(rport, sizeof(rport), "%u", c->t.rip.port);
	if (perl)
		*a++ = "perl";
	*a++ = (char *)cmd;
	*a++ = vip, *a++ = vport, *a++ = rip, *a++ = rport, *a = NULL;
	err = external_spawn(&s->pid, argv, perl);
	if (err) {
		s->pid = 0;
		hd_check_finish(c, false, "cannot run %s: %s", argv[0],
				strerror(err));
		return 0;
	}
	s->pidfd = syscall(SYS_pidfd_open, s->pid, 0);
	if (s->pidfd >= 0)
		s->ev = event_new(c->ck->base, s->pidfd, EV_READ | EV_PERSIST,
				  external_exited, c);
	if (!s->ev) {
		err = s->pidfd < 0 ? errno : ENOMEM;
		external_stop(c);
		return -err;
	}
	event_add(s->ev, NULL);
	return 0;
}

static int external_start(struct hd_check *c)
{
	return external_run(c, false);
}

static int external_perl_start(struct hd_check *c)
{
	return external_run(c, true);
}

const struct hd_check_ops hd_external_ops = { "external", external_start,
					      external_stop };
const struct hd_check_ops hd_external_perl_ops = { "external-perl",
						   external_perl_start,
						   external_stop };
