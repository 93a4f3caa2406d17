// SPDX-License-Identifier: GPL-2.0
/*
 * Upgrading the data plane in place: this build's programs put in place
 * of the running table's, over the table's own maps, so that the table
 * (services, real servers, connections, counters) is never copied, let
 * alone lost.  The XDP program is swapped on every interface in one
 * kernel step each (xdp_replace_all), the timers are handed to this
 * build's callbacks without stopping (loader_arm_timers), and the pins
 * are moved over with rename(), which replaces a pin in one step too: at
 * no moment does a packet meet no program, or a tool no pin.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xlvs.skel.h"
#include "internal.h"

/* prog pinned as name in the table directory, replacing what was there. */
static int repin(const struct xlvs_table *t, struct bpf_program *prog,
		 const char *name)
{
	char tmp[sizeof(t->path) + 48], to[sizeof(t->path) + 48];
	int rc;

	/* bpffs refuses dots in names; a "prog_" name stays a program's to
	 * whoever reads the directory meanwhile (loader.c's map_set_read). */
	snprintf(tmp, sizeof(tmp), "%s/%s_new", t->path, name);
	snprintf(to, sizeof(to), "%s/%s", t->path, name);
	unlink(tmp);
	rc = bpf_program__pin(prog, tmp);
	if (!rc && rename(tmp, to))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* A map pin a table made before the pin existed (svc_acc). */
static int pin_if_absent(const struct xlvs_table *t, struct bpf_map *map,
			 const char *name)
{
	char p[sizeof(t->path) + 48];

	snprintf(p, sizeof(p), "%s/%s", t->path, name);
	if (!access(p, F_OK))
		return 0;
	return bpf_map__pin(map, p);
}

/* With the host's mount namespace entered. */
static int upgrade_in_root(const struct xlvs_table *t, struct xlvs_bpf *skel)
{
	const struct { struct bpf_program *prog; const char *name; } pins[] = {
		{ skel->progs.xlvs_set_thresholds, PIN_PROG_SET_THRESHOLDS },
		{ skel->progs.xlvs_sched_resume, PIN_PROG_SCHED_RESUME },
		{ skel->progs.xlvs_lblc_collect, PIN_PROG_LBLC_COLLECT },
		{ skel->progs.xlvs_sync_install, PIN_PROG_SYNC_INSTALL },
		{ skel->progs.xlvs_xdp, PIN_PROG },  /* last: the attach's */
	};
	int n, rc;

	n = xdp_replace_all(t, bpf_program__fd(skel->progs.xlvs_xdp));
	if (n < 0)
		return n;
	rc = loader_arm_timers(skel);
	if (!rc)
		rc = pin_if_absent(t, skel->maps.svc_acc, PIN_SVC_ACC);
	/* Tables made before connection sync: its maps, which its daemon
	 * sets up when it starts. */
	if (!rc)
		rc = pin_if_absent(t, skel->maps.sync_ctl, PIN_SYNC_CTL);
	if (!rc)
		rc = pin_if_absent(t, skel->maps.sync_ring, PIN_SYNC_RING);
	for (size_t i = 0; !rc && i < sizeof(pins) / sizeof(pins[0]); i++)
		rc = repin(t, pins[i].prog, pins[i].name);
	return rc ? rc : n;
}

int xlvs_upgrade(struct xlvs_table *t)
{
	struct nsroot_guard g;
	struct xlvs_bpf *skel;
	int rc;

	if (!t->writer)
		return -EPERM;
	rc = loader_component_open(t, &skel, true);
	if (rc)
		return rc;
	rc = xlvs_bpf__load(skel);
	if (rc) {
		xlvs_logf("cannot load this build's data plane over the table: %s",
			  strerror(-rc));
		goto out;
	}
	rc = nsroot_enter(&g);
	if (!rc) {
		rc = upgrade_in_root(t, skel);
		nsroot_leave(&g);
	}
	table_obj_forget(t);    /* its programs are the new ones now */
out:
	xlvs_bpf__destroy(skel);
	return rc;
}
