/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What xlvs-failoverd says on its control socket (failoverd/ctl_srv.c):
 * one connection, the line "status", its answer to EOF (the text
 * `xlvs-failoverd status` prints; failoverd/status.c), read here into
 * fields.  The daemon answers from its event loop, so the wait is short
 * and bounded; a daemon that is not running (no socket, nobody
 * listening, no answer in time) is a status with up false.
 */
#ifndef XLVS_EXPORTER_FOSTAT_H
#define XLVS_EXPORTER_FOSTAT_H

#include <stdbool.h>
#include <stddef.h>

#define FOSTAT_RSC_MAX 32

struct fostat {
	bool up;                /* it answered */
	char error[128];        /* why not, when not */
	char node[64];
	bool owner;             /* the haresources node */
	long pid;
	unsigned long generation;
	char role[16];          /* active, standby, waiting, acquiring, ... */
	long role_secs;         /* in that role for */
	bool failed;
	char failed_rsc[128];
	unsigned failures;
	struct fostat_rsc {
		char name[256];
		char state[16]; /* stopped, starting, up, stopping, failed, ... */
	} rsc[FOSTAT_RSC_MAX];
	size_t nrsc;
	bool peer_heard;
	char peer[64];
	bool peer_alive;
	char peer_status[32];
	bool peer_holds;
	long peer_last_ms;      /* since its last heartbeat */
	long since_start_ms;    /* never heard: since the daemon started */
};

/* Asks the daemon at sock, waiting at most timeout_ms in all. */
void fostat_ask(const char *sock, unsigned timeout_ms, struct fostat *st);
/* The status text into st (up set when it has the node and role lines). */
void fostat_parse(const char *text, struct fostat *st);

/* Every role failoverd/status.c can say, for a state set. */
extern const char *const fostat_roles[];
extern const size_t fostat_nroles;

#endif
