/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A view as Prometheus's text format (/metrics).  Names follow
 * Prometheus's conventions: the xlvs_ prefix and a part per source
 * (table, service, real, dataplane, healthd, failoverd), counters ending
 * in _total, base units (seconds, bytes), the labels service (healthd's
 * virtual id, "tcp:10.0.0.1:80") and real ("10.0.0.3:80") on every
 * per-service and per-real-server series, so health joins the table's.
 * README.md (the exporter) lists them.
 */
#ifndef XLVS_EXPORTER_METRICS_H
#define XLVS_EXPORTER_METRICS_H

#include <stdio.h>

#include "view.h"

void metrics_write(FILE *f, const struct view *v);

#endif
