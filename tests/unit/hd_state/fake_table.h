/* SPDX-License-Identifier: GPL-2.0 */
/* A table in memory behind hd_table_ops, as libxlvs answers: -EEXIST,
 * -ESRCH, -ENOENT; a direct-routing or tunnel server's port is whatever
 * it is given (table_apply gives the service's, as ipvsadm does). */
#ifndef HD_STATE_FAKE_TABLE_H
#define HD_STATE_FAKE_TABLE_H

#include "table_apply.h"

#define FT_SVC_MAX 4
#define FT_DEST_MAX 16

struct ft_service {
	bool used;
	struct xlvs_service_conf conf;
	struct xlvs_dest_conf dests[FT_DEST_MAX];
	unsigned ndests;
};

struct fake_table {
	struct ft_service svc[FT_SVC_MAX];
	int open;                       /* nesting must never exceed 1 */
	unsigned opens, snapshots, edits;
	unsigned del_many_calls;        /* dest_del_many: each a batch */
	unsigned add_many_calls;        /* dest_add_many: each a batch */
};

extern const struct hd_table_ops fake_table_ops;

struct ft_service *ft_find(struct fake_table *ft, uint8_t proto,
			   const struct xlvs_endpoint *vip);
struct xlvs_dest_conf *ft_dest(struct ft_service *s, const struct xlvs_endpoint *a);
void ft_dest_remove(struct ft_service *s, const struct xlvs_endpoint *a);

#endif
