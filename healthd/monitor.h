/* SPDX-License-Identifier: GPL-2.0 */
/*
 * monitorfile, as ldirectord's service_set writes it: one line per check
 * result (and per maintenance pass), "[<localtime>] [<pid>] <real> [up|down]
 * <reason>", where <real> is ldirectord's get_real_id_str with its colons
 * turned into (squeezed) spaces and its backslashes dropped, and <reason>
 * is "-" when there is none, '%', '|' and line ends %-escaped.
 */
#ifndef XLVS_HEALTHD_MONITOR_H
#define XLVS_HEALTHD_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* <real> for r of v into buf. */
void hd_monitor_id(const struct hd_virtual *v, const struct hd_real *r,
		   char *buf, size_t len);
/* Appends the line (opened and closed each time, as ldirectord). */
void hd_monitor_write(const char *path, const char *id, bool up, const char *why);

#endif
