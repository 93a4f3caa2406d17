/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ldirectord's fallback_on / fallback_off / do_fallback_command: the
 * fallback server (weight 1) is in a virtual's table only while none of
 * its real servers is up; fallbackcommand runs with "start" when the last
 * goes down and "stop" when the first returns, each only once a change:
 * "<command> start|stop <vip>:<port> <tcp|udp>".
 */
#ifndef XLVS_HEALTHD_FALLBACK_H
#define XLVS_HEALTHD_FALLBACK_H

#include "server_state.h"

void hd_fallback_on(struct hd_state *st, struct hd_vs *v);
void hd_fallback_off(struct hd_state *st, struct hd_vs *v);
void hd_fallback_command(struct hd_state *st, struct hd_vs *v, bool start);

/* The spawn function the daemon uses: /bin/sh -c cmdline, detached (a
 * grandchild of ours, so no SIGCHLD reaping is needed beside the check
 * engine's). */
void hd_fallback_spawn_sh(void *arg, const char *cmdline);

#endif
