// SPDX-License-Identifier: GPL-2.0
/*
 * Opening this namespace's table: find it (nsroot.c), create it on first use
 * (loader.c), take the lock, and check that its layout is ours.
 *
 * Writers serialise on flock() of the table's directory, so xlvsadm and the
 * daemons can edit at the same time as ipvsadm and ldirectord can; readers
 * take the lock shared so a listing never sees half an edit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "internal.h"

static int pin_get(const struct xlvs_table *t, const char *name)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	char p[sizeof(t->path) + 32];

	snprintf(p, sizeof(p), "%s/%s", t->path, name);
	return t->readonly ? bpf_obj_get_opts(p, &ro) : bpf_obj_get(p);
}

/*
 * A pinned object by name, a descriptor the caller closes.  A writer's are
 * kept open from the first use to xlvs_table_close (or an upgrade, which
 * re-pins programs): each lookup is a path walk in the host's mount
 * namespace, two setns and, where PID 1's namespace is closed to us, more,
 * and a real-server edit made three of them, a third of its time.  Under
 * the writers' lock nobody else re-pins anything, so the kept one stays
 * the pin's.  The cache is the table's only mutable part here.
 */
int table_obj_get(const struct xlvs_table *ct, const char *name)
{
	struct xlvs_table *t = (struct xlvs_table *)ct;
	struct nsroot_guard g;
	size_t i, n = sizeof(t->obj_name) / sizeof(t->obj_name[0]);
	int fd, rc;

	for (i = 0; t->writer && i < n && t->obj_name[i]; i++) {
		if (strcmp(t->obj_name[i], name))
			continue;
		fd = fcntl(t->obj_fd[i], F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? -errno : fd;
	}
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	fd = pin_get(t, name);
	rc = fd < 0 ? -errno : fd;
	nsroot_leave(&g);
	if (fd >= 0 && t->writer && i < n) {
		t->obj_fd[i] = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (t->obj_fd[i] >= 0)
			t->obj_name[i] = name;
	}
	return rc;
}

void table_obj_forget(struct xlvs_table *t)
{
	size_t n = sizeof(t->obj_name) / sizeof(t->obj_name[0]);

	for (size_t i = 0; i < n; i++) {
		if (t->obj_name[i])
			close(t->obj_fd[i]);
		t->obj_name[i] = NULL;
	}
}

int xlvs_table_path(char *buf, size_t len)
{
	struct nsroot_guard g;
	char root[200], name[64];
	int rc;

	rc = nsroot_netns_name(name, sizeof(name));
	if (rc)
		return rc;
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	rc = nsroot_tables_dir(root, sizeof(root));
	nsroot_leave(&g);
	if (rc)
		return rc;
	if ((size_t)snprintf(buf, len, "%s/%s", root, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int table_exists(const struct xlvs_table *t)
{
	char p[sizeof(t->path) + 32];
	struct stat st;

	/* meta is pinned last, so its presence means the table is whole. */
	snprintf(p, sizeof(p), "%s/" PIN_META, t->path);
	return stat(p, &st) == 0;
}

/* With the host's mount namespace entered: lock, create if asked, get fds. */
static int table_open_pins(struct xlvs_table *t, int flags, uint32_t conn_max)
{
	int rc;

	if (!t->readonly && mkdir(t->path, 0700) && errno != EEXIST)
		return -errno;
	t->dir_fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->dir_fd < 0)
		return -errno;
	if (!table_exists(t)) {
		if (!(flags & XLVS_OPEN_CREATE))
			return -ENOENT;
		if (flock(t->dir_fd, LOCK_EX))
			return -errno;
		if (!table_exists(t)) {
			char root[sizeof(t->path)];
			char *slash;

			snprintf(root, sizeof(root), "%s", t->path);
			slash = strrchr(root, '/');
			if (slash) {
				*slash = '\0';
				tables_gc(root);
			}
			rc = loader_create(t->path, conn_max);
			if (rc)
				return rc;
		}
	}
	if (flock(t->dir_fd, (flags & XLVS_OPEN_WRITE) ? LOCK_EX : LOCK_SH))
		return -errno;
	t->meta_fd = pin_get(t, PIN_META);
	t->svc_fd = pin_get(t, PIN_SVC);
	t->dest_fd = pin_get(t, PIN_DEST);
	t->sched_fd = pin_get(t, PIN_SCHED);
	t->conn_fd = pin_get(t, PIN_CONN);
	t->stats_fd = pin_get(t, PIN_STATS);
	t->svc_stats_fd = pin_get(t, PIN_SVC_STATS);
	t->dest_stats_fd = pin_get(t, PIN_DEST_STATS);
	t->rates_fd = pin_get(t, PIN_RATES);
	t->dest_conns_fd = pin_get(t, PIN_DEST_CONNS);
	t->timers_fd = pin_get(t, PIN_TIMERS);
	if (t->meta_fd < 0 || t->svc_fd < 0 || t->dest_fd < 0 ||
	    t->sched_fd < 0 || t->conn_fd < 0 || t->stats_fd < 0 ||
	    t->svc_stats_fd < 0 || t->dest_stats_fd < 0 || t->rates_fd < 0 ||
	    t->dest_conns_fd < 0 || t->timers_fd < 0)
		return -ENOENT;
	return 0;
}

int xlvs_table_open(struct xlvs_table *t, int flags, uint32_t conn_max)
{
	struct nsroot_guard g;
	uint32_t zero = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	/* Fewer than 16 a shard and the sweeper evicts nearly everything;
	 * more than 2^27 and the shards' sizes overflow. */
	if (conn_max && (conn_max < XLVS_CONN_MIN || conn_max > XLVS_CONN_LIMIT)) {
		xlvs_logf("conn_max %u is outside %u..%u", conn_max,
			  XLVS_CONN_MIN, XLVS_CONN_LIMIT);
		return -ERANGE;
	}
	t->dir_fd = t->meta_fd = t->svc_fd = t->dest_fd = -1;
	t->sched_fd = t->conn_fd = t->stats_fd = -1;
	t->svc_stats_fd = t->dest_stats_fd = t->rates_fd = t->dest_conns_fd = -1;
	t->timers_fd = -1;
	if ((flags & XLVS_OPEN_READONLY) &&
	    (flags & (XLVS_OPEN_WRITE | XLVS_OPEN_CREATE)))
		return -EINVAL;
	t->readonly = flags & XLVS_OPEN_READONLY;
	rc = xlvs_table_path(t->path, sizeof(t->path));
	if (rc)
		return rc;
	rc = nsroot_enter(&g);
	if (rc)
		return rc;
	rc = table_open_pins(t, flags, conn_max);
	nsroot_leave(&g);
	t->writer = flags & XLVS_OPEN_WRITE;
	if (!rc && bpf_map_lookup_elem(t->meta_fd, &zero, &t->meta))
		rc = -errno;
	if (!rc && t->meta.abi_version != XLVS_ABI_VERSION) {
		xlvs_logf("the table in %s has layout version %u; this tool "
			  "understands version %u", t->path,
			  t->meta.abi_version, XLVS_ABI_VERSION);
		rc = -EPROTO;
	}
	/* A writer holds the lock: no move of counters is under way but one
	 * a killed tool left, and this one finishes it (lib/fold_log.c). */
	if (!rc && (flags & XLVS_OPEN_WRITE))
		rc = fold_repair(t);
	if (rc)
		xlvs_table_close(t);
	return rc;
}

void xlvs_table_close(struct xlvs_table *t)
{
	int *fds[] = { &t->meta_fd, &t->svc_fd, &t->dest_fd, &t->sched_fd,
		       &t->conn_fd, &t->stats_fd, &t->svc_stats_fd,
		       &t->dest_stats_fd, &t->rates_fd, &t->dest_conns_fd,
		       &t->timers_fd, &t->dir_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);   /* closing dir_fd drops the lock */
		*fds[i] = -1;
	}
	free(t->dest_cache);
	t->dest_cache = NULL;
	table_obj_forget(t);
}

uint32_t xlvs_sweep_pass_ms(const struct xlvs_table *t)
{
	struct xlvs_timer v;
	uint32_t k = XLVS_TIMER_SWEEP;

	if (t->timers_fd < 0 || bpf_map_lookup_elem(t->timers_fd, &k, &v))
		return 0;
	return v.pass_ms;
}

/* Shard shard of an array of maps (outer) of table t, as an fd. */
static int shard_fd(const struct xlvs_table *t, int outer, uint32_t shard)
{
	LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
	uint32_t id;
	int fd;

	if (shard >= xlvs_conn_shards(t->meta.conn_max))
		return -EINVAL;
	if (bpf_map_lookup_elem(outer, &shard, &id))
		return -errno;
	fd = t->readonly ? bpf_map_get_fd_by_id_opts(id, &ro) : bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

int xlvs_conn_shard_fd(const struct xlvs_table *t, uint32_t shard)
{
	return shard_fd(t, t->conn_fd, shard);
}

int xlvs_nat_reply_shard_fd(const struct xlvs_table *t, uint32_t shard)
{
	int outer = pin_get(t, PIN_NAT_REPLY), fd;

	if (outer < 0)
		return outer;
	fd = shard_fd(t, outer, shard);
	close(outer);
	return fd;
}

int xlvs_counters_read(struct xlvs_table *t, uint64_t out[XLVS_CNT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1];

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	for (uint32_t k = 0; k < XLVS_CNT_MAX; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(t->stats_fd, &k, vals))
			return -errno;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	return 0;
}

const char *xlvs_counter_name(unsigned int counter)
{
	static const char *const names[XLVS_CNT_MAX] = {
		[XLVS_CNT_PKTS_IN] = "pkts_in",
		[XLVS_CNT_PKTS_PASS] = "pkts_pass",
		[XLVS_CNT_PKTS_FWD] = "pkts_fwd",
		[XLVS_CNT_PKTS_MALFORMED] = "pkts_malformed",
		[XLVS_CNT_PKTS_FRAGMENT] = "pkts_fragment",
		[XLVS_CNT_PKTS_NO_CONN] = "pkts_no_conn",
		[XLVS_CNT_PKTS_NO_DEST] = "pkts_no_dest",
		[XLVS_CNT_PKTS_DEST_GONE] = "pkts_dest_gone",
		[XLVS_CNT_PKTS_NO_ROUTE] = "pkts_no_route",
		[XLVS_CNT_PKTS_NO_NEIGH] = "pkts_no_neigh",
		[XLVS_CNT_PKTS_FWD_DISABLED] = "pkts_fwd_disabled",
		[XLVS_CNT_PKTS_TX_FAILED] = "pkts_tx_failed",
		[XLVS_CNT_CONNS_NEW] = "conns_new",
		[XLVS_CNT_CONNS_EXPIRED] = "conns_expired",
		[XLVS_CNT_CONNS_EVICTED] = "conns_evicted",
		[XLVS_CNT_CONNS_INSERT_FAILED] = "conns_insert_failed",
		[XLVS_CNT_PKTS_LOCAL] = "pkts_local",
		[XLVS_CNT_PKTS_FTP_PASS] = "pkts_ftp_pass",
		[XLVS_CNT_ICMP_SENT] = "icmp_unreach_sent",
		[XLVS_CNT_ICMP_LIMITED] = "icmp_unreach_limited",
		[XLVS_CNT_CONNS_RESCHEDULED] = "conns_rescheduled",
		[XLVS_CNT_EVICT_TEMPLATE] = "conns_evicted_template",
		[XLVS_CNT_EVICT_SYNRECV] = "conns_evicted_synrecv",
		[XLVS_CNT_EVICT_CLOSE] = "conns_evicted_close",
		[XLVS_CNT_EVICT_TIMEWAIT] = "conns_evicted_timewait",
		[XLVS_CNT_EVICT_FIN] = "conns_evicted_fin",
		[XLVS_CNT_EVICT_UDP] = "conns_evicted_udp",
		[XLVS_CNT_EVICT_ESTABLISHED] = "conns_evicted_established",
		[XLVS_CNT_EXPIRED_SYNFLOOD] = "conns_expired_synflood",
		[XLVS_CNT_SYNFLOOD_ON] = "synflood_on",
		[XLVS_CNT_COUNTS_HEALED] = "counts_healed",
		[XLVS_CNT_SWEEP_PASSES] = "sweep_passes",
		[XLVS_CNT_SWEEP_URGENT] = "sweep_urgent",
		[XLVS_CNT_SWEEP_NS] = "sweep_ns",
		[XLVS_CNT_SWEEP_TICKS] = "sweep_ticks",
		[XLVS_CNT_SWEEP_TICKS_LONG] = "sweep_ticks_long",
		[XLVS_CNT_PKTS_FRAG_NEEDED] = "pkts_frag_needed",
		[XLVS_CNT_PKTS_TOO_BIG] = "pkts_too_big",
		[XLVS_CNT_PKTS_TTL_EXCEEDED] = "pkts_ttl_exceeded",
		[XLVS_CNT_EST_TORN] = "est_torn",
		[XLVS_CNT_SWEEP_HOLD_100US] = "sweep_hold_100us",
		[XLVS_CNT_SWEEP_HOLD_200US] = "sweep_hold_200us",
		[XLVS_CNT_SWEEP_HOLD_500US] = "sweep_hold_500us",
		[XLVS_CNT_SWEEP_HOLD_1MS] = "sweep_hold_1ms",
		[XLVS_CNT_SWEEP_HOLD_2MS] = "sweep_hold_2ms",
		[XLVS_CNT_SWEEP_HOLD_MORE] = "sweep_hold_more",
		[XLVS_CNT_PKTS_REPLY] = "pkts_reply",
		[XLVS_CNT_PKTS_REPLY_STALE] = "pkts_reply_stale",
		[XLVS_CNT_NAT_REPLY_FULL] = "nat_reply_full",
		[XLVS_CNT_ICMP_RELAYED] = "icmp_relayed",
		[XLVS_CNT_PKTS_NOT_HOST] = "pkts_not_host",
		[XLVS_CNT_NAT_REPLY_ORPHANS] = "nat_reply_orphans",
		[XLVS_CNT_SWEEP_CAPPED] = "sweep_capped",
		[XLVS_CNT_CONN_CACHE_HITS] = "conn_cache_hits",
	};

	return counter < XLVS_CNT_MAX && names[counter] ? names[counter] : "?";
}

int meta_reread(struct xlvs_table *t)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(t->meta_fd, &zero, &t->meta) ? -errno : 0;
}

int meta_write(struct xlvs_table *t)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(t->meta_fd, &zero, &t->meta, BPF_EXIST) ? -errno : 0;
}
