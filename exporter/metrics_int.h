/* SPDX-License-Identifier: GPL-2.0 */
/* The parts of /metrics, one file each (metrics.h). */
#ifndef XLVS_EXPORTER_METRICS_INT_H
#define XLVS_EXPORTER_METRICS_INT_H

#include <stdio.h>

#include "prom.h"
#include "view.h"

void metrics_table(FILE *f, const struct view *v);
void metrics_dataplane(FILE *f, const struct view *v);
void metrics_healthd(FILE *f, const struct view *v);
void metrics_failoverd(FILE *f, const struct view *v);
/* l := service="tcp:vip:port" */
void metrics_service_labels(struct prom_labels *l, const struct xlvs_service_info *s);

#endif
