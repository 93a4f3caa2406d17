/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ldirectord 4.12's state machine, written from its perl source (service_set,
 * _service_up, _service_down, _status_check/_up/_down, _restore_service,
 * _remove_service, fallback_on/off, do_fallback_command) in its own terms:
 * servers as "ip:port" strings, forwarding as "gate"/"masq", the table as
 * `ipvsadm -L -n` would show it (ipvsadm's -g giving the service's port).
 * It knows nothing of xlvs-healthd's code; the tests compare the two.
 */
#ifndef HD_STATE_MODEL_H
#define HD_STATE_MODEL_H

#include <stdbool.h>

#define M_REALS 4
#define M_ENTRIES 16
#define M_LOG 64

struct m_real {
	char server[40];
	int port;
	int weight;
	const char *forward;        /* "gate" or "masq" */
	int failcount;
};

struct m_entry {
	bool used;
	char key[48];               /* "ip:port" as ipvsadm -L -n lists it */
	const char *forward;
	int weight;
};

struct m_virtual {
	char server[40];
	int port;
	const char *protocol;       /* "tcp" */
	bool quiescent;
	int failurecount;
	struct m_real real[M_REALS];
	int nreal;
	bool real_status[M_REALS];  /* the hash; "defined" when any is set */
	bool has_fallback;
	struct m_real fallback;
	bool fallback_status;
	const char *fallbackcommand_status;  /* NULL, "start", "stop" */
	const char *fallbackcommand;
	bool service_exists;
	struct m_entry table[M_ENTRIES];
};

struct m_world {
	bool readdquiescent;
	struct m_virtual v;
	char log[M_LOG][256];
	int nlog;
	char cmds[M_LOG][256];
	int ncmds;
};

void m_service_set(struct m_world *w, int r, bool up, bool force);
struct m_entry *m_entry_find(struct m_virtual *v, const char *key);
/* An entry removed behind ldirectord's back (another ipvsadm). */
void m_entry_del(struct m_virtual *v, const char *key);
/* ld_start for the one virtual (its service already added). */
void m_ld_start(struct m_world *w);

#endif
