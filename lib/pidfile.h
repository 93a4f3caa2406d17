/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an init-script daemon needs, shared by xlvs-healthd and
 * xlvs-failoverd: a pid file written atomically, whether the pid it holds
 * is a live process of ours (its /proc/PID/cmdline names the program, so
 * a reused pid is not taken for it), waiting for a process to go, and
 * daemonising so that the starting process returns only once the daemon
 * says it is ready.  0 or -errno; nothing here prints.
 */
#ifndef XLVS_LIB_PIDFILE_H
#define XLVS_LIB_PIDFILE_H

#include <stdbool.h>
#include <sys/types.h>

/* 1 with *pid when pidfile names a live process whose command line
 * contains prog, 0 when not (*filepid: the pid the file holds, 0 if none
 * or unreadable). */
int xlvs_pid_live(const char *pidfile, const char *prog, pid_t *pid, pid_t *filepid);
/* The pid written through a temporary file renamed over pidfile. */
int xlvs_pid_write(const char *pidfile, pid_t pid);
/* Whether pid runs (a zombie has finished). */
bool xlvs_pid_runs(pid_t pid);
/* 0 once pid has gone, -ETIMEDOUT after ms. */
int xlvs_pid_wait_gone(pid_t pid, unsigned ms);

/* fork, setsid, fork, chdir /, stdio on /dev/null.  In the daemon it
 * returns 0 with *ready_fd, to be passed to xlvs_daemon_ready; the first
 * process exits 0 when the daemon said ready within wait_ms, else 1 (the
 * daemon failed: its error went to stderr before stdio was closed, if
 * the caller reports before calling xlvs_daemon_ready with ok false). */
int xlvs_daemonise(int *ready_fd, unsigned wait_ms);
/* Tells the waiting first process how the start went, then closes. */
void xlvs_daemon_ready(int ready_fd, bool ok);

#endif
