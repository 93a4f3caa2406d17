/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decapsulation program (decap.bpf.c) on a real server's interfaces.
 * Nothing is pinned: an attached program lives as long as its attachment,
 * and a later run finds it (and its maps) again by the program id the
 * state file records.
 */
#ifndef XLVS_REALSERVER_XDP_H
#define XLVS_REALSERVER_XDP_H

#include <stdint.h>
#include "decap.h"

struct rs_decap {
	int prog_fd, vips_fd, counters_fd;
	uint32_t prog_id;
	struct decap_bpf *skel;         /* when loaded by this run */
};

/* Load a new program for kind (and GUE's port): 0 or -errno. */
int rs_decap_load(struct rs_decap *d, uint32_t kind, uint16_t tun_port);
/* The program an earlier run attached, by id: 0 or -errno (-ENOENT when
 * it is gone). */
int rs_decap_open(struct rs_decap *d, uint32_t prog_id);
void rs_decap_close(struct rs_decap *d);

int rs_decap_vip_add(const struct rs_decap *d, const struct decap_vip *v);
/* The per-CPU counters summed: 0 or -errno. */
int rs_decap_counters(const struct rs_decap *d, uint64_t out[DECAP_COUNTERS]);

/* Attach to ifindex unless another program is there: 0, -EBUSY (another
 * program, its id in *other), or -errno. */
int rs_decap_attach(const struct rs_decap *d, unsigned int ifindex,
		    uint32_t *other);
/* The id of the XDP program on ifindex, 0 for none. */
uint32_t rs_xdp_prog_on(unsigned int ifindex);
/* Detach prog_id from ifindex only if it is still the one there: 0 (also
 * when it is not there any more), or -errno. */
int rs_xdp_detach(unsigned int ifindex, uint32_t prog_id);

#endif
