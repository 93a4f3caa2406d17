/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running xlvs-healthd instances say: each writes
 * RUNDIR/xlvs-healthd.CONFIG.pid and, while it runs, .status (the text
 * `xlvs-healthd CONFIG status` prints; healthd/status.c).  The reader
 * finds every instance by its files, takes an instance as running only
 * when its pid file names a live xlvs-healthd (a killed one's status file
 * may stay), and reads its virtual services and real servers from the
 * status file.  Nothing here needs the daemon to answer: a daemon that is
 * not running is an instance with running false and nothing else.
 */
#ifndef XLVS_EXPORTER_HDSTAT_H
#define XLVS_EXPORTER_HDSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct hdstat_real {
	char real[64];          /* "rip:port" as xlvs_endpoint_format */
	char fwd[8];            /* gate, masq, ipip */
	unsigned weight;
	bool up;
	int last_ok;            /* -1 not checked yet, 0 failed, 1 passed */
	double took_s;          /* the last check's time, -1 if not said */
	char why[128];          /* a failed check's reason */
};

struct hdstat_virtual {
	char service[80];       /* "tcp:vip:port", healthd's virtual id */
	unsigned nup, nreals;   /* as the daemon counts them */
	char check[64];         /* "connect", "negotiate/http", ... */
	char fallback[8];       /* none, on, off */
	struct hdstat_real *reals;
	size_t n;
};

struct hdstat_instance {
	char config[256];       /* CONFIG of the file names */
	bool running;
	pid_t pid;
	bool have_status;       /* running and its status file read */
	struct hdstat_virtual *v;
	size_t nv;
};

struct hdstat_set {
	struct hdstat_instance *i;
	size_t n;
};

/* Every instance in rundir, sorted by config name: 0 or -errno (a
 * missing rundir is no instance). */
int hdstat_scan(const char *rundir, struct hdstat_set *set);
void hdstat_free(struct hdstat_set *set);

/* The status text into inst's virtuals (lines it cannot read are
 * skipped): 0 or -ENOMEM. */
int hdstat_parse(const char *text, size_t len, struct hdstat_instance *inst);
void hdstat_instance_free(struct hdstat_instance *inst);

#endif
