/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's runtime picture of its virtual services and real servers:
 * built from the parsed configuration (daemon.c), read and changed by the
 * state machine (server_state.c), the fallback (fallback.c), the table
 * edits (table_apply.c) and the scheduler (sched.c).  Field names follow
 * ldirectord's hash keys where there is one (failcount, real_status...).
 */
#ifndef XLVS_HEALTHD_HD_MODEL_H
#define XLVS_HEALTHD_HD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <xlvs/libxlvs.h>

#include "check.h"
#include "config.h"

/* ld_setup's num_connects for a combined check that must negotiate next
 * (set at start and after a failed connect). */
#define HD_COMBINED_NEGOTIATE 999999u

struct hd_vs;
struct hd_sched_slot;

struct hd_rs {
	struct hd_vs *v;
	struct xlvs_dest_conf conf;     /* addr = rip:rport as configured,
					 * fwd, weight, thresholds */
	struct hd_check_target target;  /* kind set per check by
					 * hd_state_next_kind */
	unsigned failcount;
	bool up;                        /* ldirectord's real_status entry */
	unsigned num_connects;          /* combined: connects since the
					 * last negotiate */
	/* What status and the log say. */
	time_t since;                   /* of the last up/down change */
	int last_ok;                    /* -1 never checked, 0 failed, 1 ok */
	uint64_t last_took_us;          /* how long that check took */
	char last_why[96];
	char maint_names[2][256];       /* fqdn and short name, "" if none
					 * (resolved once: see maintenance.c) */
	struct hd_sched_slot *slot;     /* sched.c's, NULL when unscheduled */
	struct hd_rs *slot_next;        /* the next server the same check of
					 * the same slot serves (sched.c) */
	bool slot_due;                  /* due in the slot's running round */
	char *monitor_id;               /* monitorfile's name of it (malloc'd) */
};

struct hd_vs {
	struct xlvs_service_conf svc;   /* what start-up writes (-A / -E) */
	enum hd_checktype checktype;
	unsigned num_connects;          /* combined: N */
	unsigned failurecount;          /* >= 1 */
	unsigned checkinterval_ms;
	unsigned checktimeout_ms;       /* connect, ping, external */
	unsigned negotiatetimeout_ms;   /* negotiate */
	bool quiescent;
	bool cleanstop;
	bool has_fallback;              /* fallback_find's answer, resolved */
	struct xlvs_dest_conf fallback; /* weight 1 when on */
	bool fallback_up;               /* ldirectord's fallback_status */
	const char *fallbackcommand;    /* NULL: none */
	const char *monitorfile;        /* NULL: none */
	int fallbackcommand_status;     /* 0 never run, 1 start, 2 stop */
	unsigned nup;                   /* reals up: real_status's size */
	struct hd_rs *reals;
	size_t nreals;
	char vstr[64];                  /* get_virtual: "vip:port" */
	char id[72];                    /* get_virtual_id_str: "tcp:vip:port" */
};

/* What every virtual shares (ldirectord's globals). */
struct hd_globals {
	bool readdquiescent;
	const char *maintenancedir;     /* NULL: none */
};

/* Fills v->vstr and v->id from v->svc. */
void hd_vs_names(struct hd_vs *v);
/* "rip:rport" of a real server (as ldirectord's "$server:$port"). */
void hd_rs_str(const struct hd_rs *r, char *buf, size_t len);

#endif
