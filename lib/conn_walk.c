// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the connection table: every shard in batches of thousands of
 * entries per system call, so even a million connections list quickly.
 * Entries idle past their timeout are skipped: IPVS would have freed them
 * already, and the sweeper will within a pass.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "internal.h"

#define CONN_BATCH 4096

static uint64_t conn_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Seconds left before c expires, or -1 if it has already. */
static int64_t conn_expires_in(const struct xlvs_meta *m, const struct xlvs_conn *c,
			uint64_t now, uint32_t pass_ms)
{
	uint64_t limit, idle;

	if (c->state == XLVS_STATE_DEAD)
		return -1;      /* being taken out */
	if (!c->timeout && c->state >= XLVS_STATE_MAX)
		return -1;
	/* A template's own timeout, else its state's (bpf/conn.h). */
	limit = (uint64_t)(c->timeout ? c->timeout : m->timeout[c->state]) *
		1000000000ull;
	idle = now > c->last_ns ? now - c->last_ns : 0;
	if (idle <= limit)
		return (int64_t)((limit - idle) / 1000000000ull);
	/* A template that still controls connections is re-armed for 60 s
	 * each time it runs out (the sweeper does it within a second; IPVS
	 * at once, so show what IPVS would). */
	if (c->timeout && xlvs_tpl_controls(c->ctl_stamp, now, pass_ms)) {
		uint64_t rearm = XLVS_TPL_REARM_S * 1000000000ull;

		return (int64_t)((rearm - (idle - limit) % rearm) / 1000000000ull);
	}
	return -1;
}

static int shard_walk(const struct xlvs_table *t, int fd, uint64_t now,
		      uint32_t pass_ms,
		      struct xlvs_conn_key *keys, struct xlvs_conn *vals,
		      conn_walk_fn fn, void *arg)
{
	struct xlvs_conn_key out_batch;
	void *in = NULL;
	int rc = 0;

	for (;;) {
		uint32_t n = CONN_BATCH;
		int err = bpf_map_lookup_batch(fd, in, &out_batch, keys,
					       vals, &n, NULL);

		if (err && errno != ENOENT)
			return -errno;
		for (uint32_t i = 0; !rc && i < n; i++) {
			int64_t left = conn_expires_in(&t->meta, &vals[i], now,
						       pass_ms);

			if (left >= 0)
				rc = fn(&keys[i], &vals[i], (uint32_t)left, arg);
		}
		if (err || rc)
			return rc;      /* ENOENT: that was the last batch */
		in = &out_batch;
	}
}

int conn_walk(const struct xlvs_table *t, conn_walk_fn fn, void *arg)
{
	struct xlvs_conn_key *keys = calloc(CONN_BATCH, sizeof(*keys));
	struct xlvs_conn *vals = calloc(CONN_BATCH, sizeof(*vals));
	uint64_t now = conn_now_ns();
	uint32_t pass_ms = xlvs_sweep_pass_ms(t);
	int rc = keys && vals ? 0 : -ENOMEM;

	for (uint32_t i = 0; !rc && i < xlvs_conn_shards(t->meta.conn_max); i++) {
		int fd = xlvs_conn_shard_fd(t, i);

		rc = fd < 0 ? fd : shard_walk(t, fd, now, pass_ms, keys, vals,
					      fn, arg);
		if (fd >= 0)
			close(fd);
	}
	free(keys);
	free(vals);
	return rc;
}
