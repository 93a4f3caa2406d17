// SPDX-License-Identifier: GPL-2.0
/* table_apply's calls over libxlvs: the table of this network namespace,
 * opened for writing per batch (the lock xlvsadm takes too). */
#include <string.h>

#include "table_apply.h"

static struct xlvs_table tx_table;
static bool tx_opened;

/* The first open (start-up) makes the table if there is none, as
 * ldirectord's first ipvsadm loads ip_vs; later ones do not: a table
 * removed under us (xlvsadm --unload) is not made again behind the
 * admin's back, and the edits fail and are logged instead. */
static int tx_open(void *ctx)
{
	int rc;

	(void)ctx;
	rc = xlvs_table_open(&tx_table, XLVS_OPEN_WRITE |
			     (tx_opened ? 0 : XLVS_OPEN_CREATE), 0);
	if (rc == 0)
		tx_opened = true;
	return rc;
}

static void tx_close(void *ctx)
{
	(void)ctx;
	xlvs_table_close(&tx_table);
}

static int tx_snapshot(void *ctx, struct xlvs_snapshot *s)
{
	(void)ctx;
	memset(s, 0, sizeof(*s));
	return xlvs_snapshot_take(&tx_table, s);
}

static void tx_snapshot_free(void *ctx, struct xlvs_snapshot *s)
{
	(void)ctx;
	xlvs_snapshot_free(s);
}

static int tx_service_add(void *ctx, const struct xlvs_service_conf *c)
{
	(void)ctx;
	return xlvs_service_add(&tx_table, c);
}

static int tx_service_edit(void *ctx, const struct xlvs_service_conf *c)
{
	(void)ctx;
	return xlvs_service_edit(&tx_table, c);
}

static int tx_service_del(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip)
{
	(void)ctx;
	return xlvs_service_del(&tx_table, proto, vip);
}

static int tx_dest_add(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
		       const struct xlvs_dest_conf *d)
{
	(void)ctx;
	return xlvs_dest_add(&tx_table, proto, vip, d);
}

static int tx_dest_edit(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			const struct xlvs_dest_conf *d)
{
	(void)ctx;
	return xlvs_dest_edit(&tx_table, proto, vip, d);
}

static int tx_dest_del(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
		       const struct xlvs_endpoint *rip)
{
	(void)ctx;
	return xlvs_dest_del(&tx_table, proto, vip, rip);
}

static int tx_dest_del_many(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			    const struct xlvs_endpoint *rips, size_t n, int *rcs)
{
	(void)ctx;
	return xlvs_dest_del_many(&tx_table, proto, vip, rips, n, rcs);
}

static int tx_dest_add_many(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			    const struct xlvs_dest_conf *ds, size_t n, int *rcs)
{
	(void)ctx;
	return xlvs_dest_add_many(&tx_table, proto, vip, ds, n, rcs);
}

static const struct hd_table_ops tx_ops = {
	.open = tx_open,
	.close = tx_close,
	.snapshot = tx_snapshot,
	.snapshot_free = tx_snapshot_free,
	.service_add = tx_service_add,
	.service_edit = tx_service_edit,
	.service_del = tx_service_del,
	.dest_add = tx_dest_add,
	.dest_edit = tx_dest_edit,
	.dest_del = tx_dest_del,
	.dest_del_many = tx_dest_del_many,
	.dest_add_many = tx_dest_add_many,
};

void hd_table_init_xlvs(struct hd_table *t)
{
	hd_table_init(t, &tx_ops, NULL);
}
