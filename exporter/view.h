/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One look at everything the exporter shows, taken afresh for each
 * request: the table (opened read-only, its shared lock held only while
 * it is read, so writers wait at most that long), the data plane's
 * counters, how full the table is, and what xlvs-healthd and
 * xlvs-failoverd say.  /metrics and the status page render the same view.
 */
#ifndef XLVS_EXPORTER_VIEW_H
#define XLVS_EXPORTER_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <xlvs/libxlvs.h>

#include "fostat.h"
#include "hdstat.h"

struct view_conf {
	const char *healthd_rundir;
	const char *failoverd_sock;
	unsigned failoverd_timeout_ms;
};

struct view {
	double now;                     /* Unix time, s */
	bool table_up;                  /* read whole */
	int table_err;                  /* -errno when not */
	struct xlvs_snapshot snap;
	struct xlvs_usage usage;
	uint64_t counters[XLVS_CNT_MAX];
	uint32_t timeout_tcp, timeout_tcpfin, timeout_udp;
	double read_s;                  /* how long reading the table took */
	struct hdstat_set health;
	int health_err;                 /* -errno of the run directory's scan */
	struct fostat fo;
};

void view_take(struct view *v, const struct view_conf *c);
void view_free(struct view *v);

/* healthd's virtual id, "tcp:vip:port" ("udp:[v6]:port"), and a real
 * server's "rip:port": the labels and the keys health is matched by. */
void view_service_id(const struct xlvs_service_info *s, char *buf, size_t len);
void view_real_id(const struct xlvs_dest_info *d, char *buf, size_t len);
/* What the running healthd instances say of that real server of that
 * service (the first instance that checks it), or NULL. */
const struct hdstat_real *view_health_of(const struct view *v, const char *service,
					 const char *real);
const struct hdstat_virtual *view_health_virtual(const struct view *v,
						 const char *service);

#endif
