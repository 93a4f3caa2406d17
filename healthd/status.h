/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `xlvs-healthd CONFIG status` prints after ldirectord's "is running
 * with pid" line: per virtual service and real server, up or down, since
 * when, the last check's result and how long it took (last on the line:
 * " (check took 1.234 ms)", which xlvs-exporter reads).  The running daemon writes it to a
 * file beside its pid file (a temporary file renamed over it, so a reader
 * sees one whole version): within a second of a change of state or of a
 * check's result, else every 10 s for the times (ops.c).
 */
#ifndef XLVS_HEALTHD_STATUS_H
#define XLVS_HEALTHD_STATUS_H

#include <stddef.h>
#include <time.h>

#include "hd_model.h"

/* The text for the virtuals vs[0..n) into a malloc'd string (*out), its
 * length returned, or -ENOMEM.  "now" for the durations. */
long hd_status_render(const struct hd_vs *vs, size_t n, time_t now,
		      char **out);
/* text written to path atomically: 0 or -errno. */
int hd_status_write(const char *path, const char *text, size_t len);

#endif
