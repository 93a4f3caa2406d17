/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The status page (/): one HTML document with no script at all and
 * nothing loaded from elsewhere (its style is inline), that reloads itself
 * every refresh seconds (<meta http-equiv="refresh">; 0: never).  It shows
 * the table as `xlvsadm -L -n --stats` does, that listing's columns
 * beside -L -n's (scheduler, forward, weight, ActiveConn, InActConn) and
 * the rates, each real server's health from xlvs-healthd, the failover
 * state from xlvs-failoverd, the table's use and the data plane's
 * counters; then the exact text of `xlvsadm -L -n --stats`.
 */
#ifndef XLVS_EXPORTER_PAGE_H
#define XLVS_EXPORTER_PAGE_H

#include <stdio.h>

#include "view.h"

void page_write(FILE *f, const struct view *v, unsigned refresh);
/* s with &, <, >, " and ' as HTML's entities. */
void page_esc(FILE *f, const char *s);

#endif
