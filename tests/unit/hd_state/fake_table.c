// SPDX-License-Identifier: GPL-2.0
/* The in-memory table of the state machine's tests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_table.h"

struct ft_service *ft_find(struct fake_table *ft, uint8_t proto,
			   const struct xlvs_endpoint *vip)
{
	for (int i = 0; i < FT_SVC_MAX; i++)
		if (ft->svc[i].used && ft->svc[i].conf.proto == proto &&
		    hd_ep_eq(&ft->svc[i].conf.vip, vip))
			return &ft->svc[i];
	return NULL;
}

struct xlvs_dest_conf *ft_dest(struct ft_service *s, const struct xlvs_endpoint *a)
{
	for (unsigned i = 0; i < s->ndests; i++)
		if (hd_ep_eq(&s->dests[i].addr, a))
			return &s->dests[i];
	return NULL;
}

void ft_dest_remove(struct ft_service *s, const struct xlvs_endpoint *a)
{
	struct xlvs_dest_conf *d = ft_dest(s, a);

	if (d)
		*d = s->dests[--s->ndests];
}

static int ft_open(void *ctx)
{
	struct fake_table *ft = ctx;

	if (ft->open)
		abort();        /* table_apply must not open twice */
	ft->open = 1;
	ft->opens++;
	return 0;
}

static void ft_close(void *ctx)
{
	((struct fake_table *)ctx)->open = 0;
}

static int ft_snapshot(void *ctx, struct xlvs_snapshot *s)
{
	struct fake_table *ft = ctx;

	if (!ft->open)
		abort();
	ft->snapshots++;
	memset(s, 0, sizeof(*s));
	s->services = calloc(FT_SVC_MAX, sizeof(*s->services));
	for (int i = 0; i < FT_SVC_MAX; i++) {
		struct ft_service *fs = &ft->svc[i];
		struct xlvs_service_info *si;

		if (!fs->used)
			continue;
		si = &s->services[s->nservices++];
		si->conf = fs->conf;
		si->ndests = fs->ndests;
		si->dests = calloc(FT_DEST_MAX, sizeof(*si->dests));
		for (unsigned j = 0; j < fs->ndests; j++)
			si->dests[j].conf = fs->dests[j];
	}
	return 0;
}

static void ft_snapshot_free(void *ctx, struct xlvs_snapshot *s)
{
	(void)ctx;
	for (uint32_t i = 0; i < s->nservices; i++)
		free(s->services[i].dests);
	free(s->services);
	memset(s, 0, sizeof(*s));
}

static int ft_service_add(void *ctx, const struct xlvs_service_conf *c)
{
	struct fake_table *ft = ctx;

	if (ft_find(ft, c->proto, &c->vip))
		return -EEXIST;
	for (int i = 0; i < FT_SVC_MAX; i++)
		if (!ft->svc[i].used) {
			memset(&ft->svc[i], 0, sizeof(ft->svc[i]));
			ft->svc[i].used = true;
			ft->svc[i].conf = *c;
			return 0;
		}
	return -ENOSPC;
}

static int ft_service_edit(void *ctx, const struct xlvs_service_conf *c)
{
	struct ft_service *s = ft_find(ctx, c->proto, &c->vip);

	if (!s)
		return -ESRCH;
	s->conf = *c;
	return 0;
}

static int ft_service_del(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip)
{
	struct ft_service *s = ft_find(ctx, proto, vip);

	if (!s)
		return -ESRCH;
	s->used = false;
	return 0;
}

static int ft_dest_add(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
		       const struct xlvs_dest_conf *d)
{
	struct fake_table *ft = ctx;
	struct ft_service *s = ft_find(ft, proto, vip);

	if (!ft->open)
		abort();
	if (!s)
		return -ESRCH;
	if (ft_dest(s, &d->addr))
		return -EEXIST;
	s->dests[s->ndests] = *d;
	s->dests[s->ndests++].fwd = xlvs_dest_fwd_of(d);
	ft->edits++;
	return 0;
}

static int ft_dest_edit(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			const struct xlvs_dest_conf *d)
{
	struct fake_table *ft = ctx;
	struct ft_service *s = ft_find(ft, proto, vip);
	struct xlvs_dest_conf *cur;

	if (!ft->open)
		abort();
	if (!s)
		return -ESRCH;
	cur = ft_dest(s, &d->addr);
	if (!cur)
		return -ENOENT;
	*cur = *d;
	cur->fwd = xlvs_dest_fwd_of(d);
	ft->edits++;
	return 0;
}

static int ft_dest_del(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
		       const struct xlvs_endpoint *rip)
{
	struct fake_table *ft = ctx;
	struct ft_service *s = ft_find(ft, proto, vip);

	if (!ft->open)
		abort();
	if (!s)
		return -ESRCH;
	if (!ft_dest(s, rip))
		return -ENOENT;
	ft_dest_remove(s, rip);
	ft->edits++;
	return 0;
}

static int ft_dest_del_many(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			    const struct xlvs_endpoint *rips, size_t n, int *rcs)
{
	struct fake_table *ft = ctx;

	if (!ft_find(ft, proto, vip))
		return -ESRCH;
	ft->del_many_calls++;
	for (size_t i = 0; i < n; i++)
		rcs[i] = ft_dest_del(ctx, proto, vip, &rips[i]);
	return 0;
}

static int ft_dest_add_many(void *ctx, uint8_t proto, const struct xlvs_endpoint *vip,
			    const struct xlvs_dest_conf *ds, size_t n, int *rcs)
{
	struct fake_table *ft = ctx;

	if (!ft_find(ft, proto, vip))
		return -ESRCH;
	ft->add_many_calls++;
	for (size_t i = 0; i < n; i++)
		rcs[i] = ft_dest_add(ctx, proto, vip, &ds[i]);
	return 0;
}

const struct hd_table_ops fake_table_ops = {
	.open = ft_open,
	.close = ft_close,
	.snapshot = ft_snapshot,
	.snapshot_free = ft_snapshot_free,
	.service_add = ft_service_add,
	.service_edit = ft_service_edit,
	.service_del = ft_service_del,
	.dest_add = ft_dest_add,
	.dest_edit = ft_dest_edit,
	.dest_del = ft_dest_del,
	.dest_del_many = ft_dest_del_many,
	.dest_add_many = ft_dest_add_many,
};
