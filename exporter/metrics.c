// SPDX-License-Identifier: GPL-2.0
/* /metrics: the parts in a fixed order (metrics.h). */
#include "metrics.h"
#include "metrics_int.h"

void metrics_write(FILE *f, const struct view *v)
{
	metrics_table(f, v);
	metrics_dataplane(f, v);
	metrics_healthd(f, v);
	metrics_failoverd(f, v);
}
