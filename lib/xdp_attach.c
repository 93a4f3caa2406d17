// SPDX-License-Identifier: GPL-2.0
/*
 * The data plane on interfaces, through libxdp's dispatcher where the
 * kernel can run it: the program an interface runs is then libxdp's,
 * which calls each of its components in the order of their run
 * priorities and goes on to the next while one returns an action in its
 * chain (XDP_PASS here).  So other XDP programs share an interface with
 * xlvs: xdp-filter (priority 10) in front of it, anything of a priority
 * over XLVS_XDP_RUN_PRIO behind, for the packets it passes.  libxdp's own
 * tools (xdp-loader, xdp-filter) see and edit the same dispatcher.
 *
 * The dispatcher's components are BPF program extensions (freplace, a
 * BPF trampoline); a kernel without them (BPF_PROG_TYPE_EXT refused: this
 * project's test machine refuses it, and fentry, with EPERM) runs one
 * program an interface, and there the table's pinned program is attached
 * alone, as libxdp itself would fall back.  LIBXDP_SKIP_DISPATCHER=1 asks
 * for that too.
 *
 * Our component is a copy of the table's pinned program over the very
 * same maps (loader_component_open); a program is ours when it uses the
 * table's meta map, in a dispatcher or attached alone.
 *
 * libxdp pins its dispatchers under a bpffs directory (LIBXDP_BPFFS,
 * default /sys/fs/bpf) named by ifindex, and ifindexes repeat across
 * network namespaces.  In the host's namespace the default is kept, for
 * the admin's xdp-filter and xdp-loader to find; in any other (when we
 * can tell), libxdp's state goes into that namespace's table directory,
 * so that the sweep of dead namespaces' tables (table_gc.c) takes their
 * dispatchers too.  Every libxdp call runs in the host's mount namespace,
 * where that bpffs is.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "xlvs.skel.h"
#include "internal.h"

/* Where xlvs runs among a dispatcher's components (lower runs first;
 * xdp-filter's programs declare 10, libxdp's default is 50). */
#define XLVS_XDP_RUN_PRIO 100
/* Our components one interface may hold at once (an upgrade adds the
 * new before it removes the old). */
#define OURS_MAX 4

/* What runs on one interface, as far as the table is concerned. */
struct xdp_place {
	uint32_t main_id;             /* the interface's program, 0: none */
	bool legacy;                  /* attached alone, no dispatcher */
	enum xdp_attach_mode mode;    /* NATIVE or SKB when main_id */
	uint32_t ours[OURS_MAX];      /* our programs there */
	int nours;
	int count;                    /* components (1 when legacy) */
};

/* One warning of libxdp's or libbpf's, to the program's log with its
 * source in front and without the trailing newlines. */
static int log_warning(const char *who, const char *fmt, va_list ap)
{
	char buf[400];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n)
		xlvs_logf("%s: %s", who, buf);
	return 0;
}

static int libxdp_log(enum libxdp_print_level level, const char *fmt,
		      va_list ap)
{
	return level == LIBXDP_WARN ? log_warning("libxdp", fmt, ap) : 0;
}

/* libbpf's own messages while libxdp works (it loads its dispatcher's
 * object, and ours): warnings only, to the program's log. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	return level == LIBBPF_WARN ? log_warning("libbpf", fmt, ap) : 0;
}

/* Whether the kernel runs libxdp's dispatcher: program extensions. */
static bool dispatcher_usable(void)
{
	static int usable = -1;
	const char *skip = getenv("LIBXDP_SKIP_DISPATCHER");

	if (usable < 0)
		usable = !(skip && !strcmp(skip, "1")) &&
			 libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_EXT, NULL) == 1;
	return usable;
}

/* 1 when we run in PID 1's network namespace, 0 when not, -1 when we may
 * not tell (PID 1's namespace files are closed to a process without
 * CAP_SYS_PTRACE over it, as in a unit whose capabilities are bounded). */
static int in_pid1_netns(void)
{
	struct stat a, b;

	if (stat("/proc/1/ns/net", &a) || stat("/proc/self/ns/net", &b))
		return -1;
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Once a process, before its first libxdp call; with the host's mount
 * namespace entered. */
static void libxdp_setup(const char *table_path)
{
	static bool done;

	if (done)
		return;
	done = true;
	libxdp_set_print(libxdp_log);
	if (getenv(XDP_BPFFS_ENVVAR) || in_pid1_netns() != 0)
		return;
	setenv(XDP_BPFFS_ENVVAR, table_path, 1);
}

/* What marks a program as the table's: it uses the table's meta map.
 * The pinned program's id spares the lookups (and the CAP_SYS_ADMIN that
 * reading another program by its id needs) where it runs alone. */
struct table_ids {
	uint32_t meta, prog;
};

static int obj_id(int fd, uint32_t *id)
{
	struct bpf_prog_info info;      /* the id is at the same place in a map's */
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

/* With the host's mount namespace entered. */
static int table_ids_get(int meta_fd, const char *path, struct table_ids *ids)
{
	char p[300];
	int fd, rc;

	memset(ids, 0, sizeof(*ids));
	rc = obj_id(meta_fd, &ids->meta);
	snprintf(p, sizeof(p), "%s/" PIN_PROG, path);
	fd = bpf_obj_get(p);
	if (!rc && fd >= 0)
		rc = obj_id(fd, &ids->prog);
	if (fd >= 0)
		close(fd);
	return rc;
}

static bool prog_uses_map(int prog_fd, uint32_t map_id)
{
	struct bpf_prog_info info;
	uint32_t ids[64], len = sizeof(info);

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (uintptr_t)ids;
	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return false;
	for (uint32_t i = 0; i < info.nr_map_ids && i < 64; i++)
		if (ids[i] == map_id)
			return true;
	return false;
}

static void place_note(struct xdp_place *pl, struct xdp_program *p,
		       const struct table_ids *ids)
{
	pl->count++;
	if (pl->nours < OURS_MAX && prog_uses_map(xdp_program__fd(p), ids->meta))
		pl->ours[pl->nours++] = xdp_program__id(p);
}

/* The interface's program is the table's pinned one, attached alone:
 * told by the kernel's answer alone.  1 if so. */
static int place_pinned(unsigned int ifindex, const struct table_ids *ids,
			struct xdp_place *pl)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	memset(pl, 0, sizeof(*pl));
	if (bpf_xdp_query((int)ifindex, 0, &q))
		return -errno;
	if (q.attach_mode == XDP_ATTACHED_SKB) {
		pl->main_id = q.skb_prog_id;
		pl->mode = XDP_MODE_SKB;
	} else if (q.attach_mode == XDP_ATTACHED_DRV) {
		pl->main_id = q.drv_prog_id;
		pl->mode = XDP_MODE_NATIVE;
	}
	if (!pl->main_id || pl->main_id != ids->prog)
		return 0;
	pl->legacy = true;
	pl->ours[pl->nours++] = pl->main_id;
	pl->count = 1;
	return 1;
}

static int place_read(unsigned int ifindex, const struct table_ids *ids,
		      struct xdp_place *pl)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p = NULL;
	libbpf_print_fn_t old;
	long err;

	err = place_pinned(ifindex, ids, pl);
	if (err || pl->nours || !pl->main_id)
		return err < 0 ? (int)err : 0;
	old = libbpf_set_print(libbpf_log);
	mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	err = libxdp_get_error(mp);
	libbpf_set_print(old);
	memset(pl, 0, sizeof(*pl));
	if (!mp || err)
		return err == -ENOENT || !err ? 0 : (int)err;
	pl->main_id = xdp_program__id(xdp_multiprog__main_prog(mp));
	pl->mode = xdp_multiprog__attach_mode(mp);
	pl->legacy = xdp_multiprog__is_legacy(mp);
	if (pl->legacy)
		place_note(pl, xdp_multiprog__main_prog(mp), ids);
	else
		while ((p = xdp_multiprog__next_prog(p, mp)))
			place_note(pl, p, ids);
	xdp_multiprog__close(mp);
	return 0;
}

static const char *mode_name(enum xdp_attach_mode m)
{
	return m == XDP_MODE_SKB ? "generic" : "native";
}

/* A component of ours onto ifindex, in mode. */
static int component_attach(const struct xlvs_table *t, unsigned int ifindex,
			    enum xdp_attach_mode mode)
{
	struct xdp_program *p;
	struct xlvs_bpf *skel;
	long rc;

	rc = loader_component_open(t, &skel, false);
	if (rc)
		return (int)rc;
	p = xdp_program__from_bpf_obj(skel->obj, "xdp");
	rc = libxdp_get_error(p);
	if (!rc && !p)
		rc = -ENOENT;
	if (!rc)
		rc = xdp_program__set_run_prio(p, XLVS_XDP_RUN_PRIO);
	if (!rc)
		rc = xdp_program__set_chain_call_enabled(p, XDP_PASS, true);
	if (!rc) {
		libbpf_print_fn_t old = libbpf_set_print(libbpf_log);

		rc = xdp_program__attach(p, (int)ifindex, mode, 0);
		libbpf_set_print(old);
	}
	if (p && !libxdp_get_error(p))
		xdp_program__close(p);   /* the object is ours: not closed */
	xlvs_bpf__destroy(skel);    /* libxdp's pins hold what runs */
	return (int)rc;
}

/* The table's pinned program onto ifindex, alone (no dispatcher). */
static int pinned_attach(const struct xlvs_table *t, unsigned int ifindex,
			 enum xdp_attach_mode mode)
{
	int fd = table_obj_get(t, PIN_PROG), rc;
	int flags = XDP_FLAGS_UPDATE_IF_NOEXIST |
		    (mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

	if (fd < 0)
		return fd;
	rc = bpf_xdp_attach((int)ifindex, fd, flags, NULL);
	close(fd);
	return rc;
}

/* Every component of ours off ifindex; 0, or -ENOENT if none was. */
static int ours_detach(unsigned int ifindex, const struct table_ids *ids)
{
	struct xdp_place pl;
	int rc, done = 0;

	for (int round = 0; round < OURS_MAX; round++) {
		struct xdp_program *p;

		rc = place_read(ifindex, ids, &pl);
		if (rc)
			return rc;
		if (!pl.nours)
			return done ? 0 : -ENOENT;
		if (pl.legacy) {
			int flags = pl.mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE :
				    XDP_FLAGS_DRV_MODE;

			rc = bpf_xdp_detach((int)ifindex, flags, NULL);
		} else {
			p = xdp_program__from_id(pl.ours[0]);
			rc = (int)libxdp_get_error(p);
			if (!rc && !p)
				rc = -ENOENT;
			if (!rc)
				rc = xdp_program__detach(p, (int)ifindex,
							 XDP_MODE_UNSPEC, 0);
			if (p && !libxdp_get_error(p))
				xdp_program__close(p);
		}
		if (rc)
			return rc;
		done++;
	}
	return 0;
}

/* Frames to this interface's MAC are the program's, others the kernel's
 * (lib/dev_mac.c); an interface without an Ethernet MAC takes any. */
static int dev_mac_note(struct xlvs_table *t, const char *ifname,
			unsigned int ifindex)
{
	uint8_t mac[6];
	int rc = dev_mac_read(ifname, mac);

	return xlvs_dev_mac_set(t, ifindex, rc ? NULL : mac);
}

/* With the host's mount namespace entered. */
static int attach_in_root(struct xlvs_table *t, const char *ifname,
			  unsigned int ifindex, enum xdp_attach_mode mode)
{
	struct table_ids ids;
	struct xdp_place pl;
	int rc;

	libxdp_setup(t->path);
	rc = table_ids_get(t->meta_fd, t->path, &ids);
	if (!rc)
		rc = place_read(ifindex, &ids, &pl);
	if (rc)
		return rc;
	if (pl.nours)
		return pl.mode == mode ? 0 : -EEXIST;
	if (pl.main_id && !dispatcher_usable()) {
		xlvs_logf("%s already runs another XDP program (id %u), and this "
			  "kernel runs one a device: it has no BPF program "
			  "extensions (BPF_PROG_TYPE_EXT), which libxdp's "
			  "dispatcher needs; detach it first", ifname, pl.main_id);
		return -EBUSY;
	}
	if (pl.main_id && pl.legacy) {
		xlvs_logf("%s already runs another XDP program (id %u), attached "
			  "alone rather than through libxdp's dispatcher: load it "
			  "with xdp-loader (or any libxdp tool) so that both can "
			  "run, or detach it", ifname, pl.main_id);
		return -EBUSY;
	}
	if (pl.main_id && pl.mode != mode) {
		xlvs_logf("%s runs libxdp's dispatcher (%d program%s) in %s "
			  "mode: the data plane joins it only in that mode "
			  "(--xdp-mode %s)", ifname, pl.count,
			  pl.count == 1 ? "" : "s", mode_name(pl.mode),
			  mode_name(pl.mode));
		return -EBUSY;
	}
	if (!dispatcher_usable())
		return pinned_attach(t, ifindex, mode);
	return component_attach(t, ifindex, mode);
}

int xlvs_attach(struct xlvs_table *t, const char *ifname, enum xlvs_xdp_mode mode)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct nsroot_guard g;
	int rc;

	if (!ifindex)
		return -ENODEV;
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	rc = attach_in_root(t, ifname, ifindex, mode == XLVS_XDP_GENERIC ?
			    XDP_MODE_SKB : XDP_MODE_NATIVE);
	nsroot_leave(&g);
	if (!rc)
		rc = dev_mac_note(t, ifname, ifindex);
	if (!rc) {
		int e = neigh_keep_gateways(ifindex);

		if (e)
			xlvs_logf("%s: cannot keep its routes' gateways resolved: %s",
				  ifname, strerror(-e));
	}
	return rc;
}

int xlvs_detach(struct xlvs_table *t, const char *ifname)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct nsroot_guard g;
	struct table_ids ids;
	int rc;

	if (!ifindex)
		return -ENODEV;
	xlvs_dev_mac_set(t, ifindex, NULL);
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	libxdp_setup(t->path);
	rc = table_ids_get(t->meta_fd, t->path, &ids);
	if (!rc)
		rc = ours_detach(ifindex, &ids);
	nsroot_leave(&g);
	return rc;
}

int xlvs_native_ifaces(struct xlvs_table *t, char (*names)[16], size_t max)
{
	struct if_nameindex *ifs, *i;
	struct nsroot_guard g;
	struct table_ids ids;
	struct xdp_place pl;
	size_t n = 0;
	int rc;

	ifs = if_nameindex();
	if (!ifs)
		return -errno;
	rc = nsroot_enter(&g);
	if (rc) {
		if_freenameindex(ifs);
		return rc;
	}
	libxdp_setup(t->path);
	rc = table_ids_get(t->meta_fd, t->path, &ids);
	for (i = ifs; !rc && i->if_index && n < max; i++)
		if (!place_read(i->if_index, &ids, &pl) && pl.nours &&
		    pl.mode == XDP_MODE_NATIVE)
			snprintf(names[n++], sizeof(names[0]), "%s", i->if_name);
	nsroot_leave(&g);
	if_freenameindex(ifs);
	return rc ? rc : (int)n;
}

/* With the host's mount namespace entered. */
static int unload_in_root(const char *path)
{
	struct if_nameindex *ifs, *i;
	struct table_ids ids;
	char p[300];
	int fd, rc;

	snprintf(p, sizeof(p), "%s/" PIN_META, path);
	fd = bpf_obj_get(p);
	if (fd >= 0) {
		libxdp_setup(path);
		rc = table_ids_get(fd, path, &ids);
		close(fd);
		ifs = rc ? NULL : if_nameindex();
		for (i = ifs; i && i->if_index; i++)
			ours_detach(i->if_index, &ids);
		if (ifs)
			if_freenameindex(ifs);
	}
	return loader_remove(path);
}

int xlvs_unload(void)
{
	struct nsroot_guard g;
	char path[256];
	int rc;

	rc = xlvs_table_path(path, sizeof(path));
	if (rc)
		return rc;
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	rc = unload_in_root(path);
	nsroot_leave(&g);
	return rc;
}

/* One interface's program of ours, running alone, replaced by new_fd in
 * one step (XDP_FLAGS_REPLACE: the kernel swaps it only if old is still
 * the one there). */
static int alone_replace(unsigned int ifindex, const struct xdp_place *pl,
			 int old_fd, int new_fd)
{
	int flags = XDP_FLAGS_REPLACE | (pl->mode == XDP_MODE_SKB ?
		    XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);
	int fd = old_fd, rc;

	if (pl->ours[0] != pl->main_id)
		return -EINVAL;
	if (fd < 0 && (fd = bpf_prog_get_fd_by_id(pl->main_id)) < 0)
		return -errno;
	o.old_prog_fd = fd;
	rc = bpf_xdp_attach((int)ifindex, new_fd, flags, &o);
	if (fd != old_fd)
		close(fd);
	return rc;
}

/* In libxdp's dispatcher: src's new copy added (the dispatcher replaced
 * in one step, both copies in it), then the old ones removed (again in
 * one step).  Between the two the old copy runs first for every packet:
 * nothing meets no program. */
static int dispatcher_replace(const struct xlvs_table *src, unsigned int ifindex,
			      const struct xdp_place *pl)
{
	int rc = component_attach(src, ifindex, pl->mode);

	for (int i = 0; !rc && i < pl->nours; i++) {
		struct xdp_program *p = xdp_program__from_id(pl->ours[i]);

		rc = (int)libxdp_get_error(p);
		if (!rc && !p)
			rc = -ENOENT;
		if (!rc)
			rc = xdp_program__detach(p, (int)ifindex, XDP_MODE_UNSPEC, 0);
		if (p && !libxdp_get_error(p))
			xdp_program__close(p);
	}
	return rc;
}

/* On every interface that runs the table at path (meta_fd its meta),
 * new_fd instead, or in a dispatcher src's component.  With the host's
 * mount namespace entered; how many interfaces, or -errno. */
static int replace_all(const char *path, int meta_fd, int new_fd,
		       const struct xlvs_table *src)
{
	struct if_nameindex *ifs, *i;
	struct table_ids ids;
	struct xdp_place pl;
	char p[300];
	int rc, n = 0, old_fd;

	libxdp_setup(path);
	rc = table_ids_get(meta_fd, path, &ids);
	if (rc)
		return rc;
	snprintf(p, sizeof(p), "%s/" PIN_PROG, path);
	old_fd = bpf_obj_get(p);
	ifs = if_nameindex();
	if (!ifs)
		rc = -errno;
	for (i = ifs; !rc && i && i->if_index; i++) {
		rc = place_read(i->if_index, &ids, &pl);
		if (rc || !pl.nours)
			continue;
		if (pl.legacy)
			rc = alone_replace(i->if_index, &pl,
					   pl.main_id == ids.prog ? old_fd : -1, new_fd);
		else
			rc = dispatcher_replace(src, i->if_index, &pl);
		if (rc)
			xlvs_logf("%s: cannot replace the data plane: %s",
				  i->if_name, strerror(-rc));
		n++;
	}
	if (ifs)
		if_freenameindex(ifs);
	if (old_fd >= 0)
		close(old_fd);
	return rc ? rc : n;
}

int xdp_replace_all(const struct xlvs_table *t, int new_fd)
{
	return replace_all(t->path, t->meta_fd, new_fd, t);
}

int xdp_move_all(const char *path, int meta_fd, const struct xlvs_table *to)
{
	char p[300];
	int fd, rc;

	snprintf(p, sizeof(p), "%s/" PIN_PROG, to->path);
	fd = bpf_obj_get(p);
	if (fd < 0)
		return -errno;
	rc = replace_all(path, meta_fd, fd, to);
	close(fd);
	return rc;
}
