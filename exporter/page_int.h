/* SPDX-License-Identifier: GPL-2.0 */
/* The status page's parts (page.h). */
#ifndef XLVS_EXPORTER_PAGE_INT_H
#define XLVS_EXPORTER_PAGE_INT_H

#include <stdio.h>

#include "view.h"

void page_table(FILE *f, const struct view *v);
void page_usage(FILE *f, const struct view *v);
void page_listing(FILE *f, const struct view *v);
void page_counters(FILE *f, const struct view *v);

#endif
