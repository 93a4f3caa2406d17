/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A new configuration in place of the running one, as ldirectord's
 * reread_config (its ld_start over the table as it is), applying only what
 * changed: a virtual service whose scheduler and persistence are the same
 * is not edited, a real server in the table at its weight stays as it is
 * (its connections untouched) and keeps its state, one whose weight
 * changed is restored to the new weight, a new one starts down (at weight
 * 0 when quiescent) until checked, one no longer named is purged, and a
 * virtual service no longer named goes.
 */
#ifndef XLVS_HEALTHD_RELOAD_H
#define XLVS_HEALTHD_RELOAD_H

#include "server_state.h"

/* st's virtuals are the running ones (old); after the call they are nv.
 * The caller frees the old ones. */
void hd_reload_apply(struct hd_state *st, struct hd_vs *nv, size_t nnv);

#endif
