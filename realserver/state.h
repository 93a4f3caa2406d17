/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `up` changed, so that `down` undoes exactly that.  A text file, one
 * record a line:
 *
 *   xlvs-realserver-state 1
 *   tunnel ipip 0                 kind and GUE port (0 when not gue)
 *   vip 10.0.0.100 added          added by up (removed by down), or
 *   vip 10.0.0.101 present        already on lo (left by down)
 *   sysctl net/ipv4/conf/all/arp_ignore 0 1    path under /proc/sys, the
 *                                 value before, the value up set
 *   xdp eth0 2 42                 decap attached: device, ifindex, prog id
 *   link tunl0 up                 the kernel's tunnel device takes the
 *                                 tunnel, set up by up (down sets it down)
 *   link gre0 present             ... that was up already (left up)
 */
#ifndef XLVS_REALSERVER_STATE_H
#define XLVS_REALSERVER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include "decap.h"

#define RS_STATE_VERSION 1
#define RS_SYSCTLS_MAX 64
#define RS_SYSCTL_NAME 128
#define RS_SYSCTL_VALUE 32
#define RS_XDP_MAX 16

struct rs_state {
	uint32_t tunnel;                /* DECAP_KIND_*, 0 = none */
	uint16_t tun_port;
	unsigned int nvips, nsysctls, nxdp, nlinks;
	struct rs_vip_rec {
		struct decap_vip vip;
		bool added;
	} vips[DECAP_VIPS_MAX];
	struct rs_sysctl_rec {
		char name[RS_SYSCTL_NAME];
		char old[RS_SYSCTL_VALUE];
		char set[RS_SYSCTL_VALUE];
	} sysctls[RS_SYSCTLS_MAX];
	struct rs_xdp_rec {
		char dev[IF_NAMESIZE];
		uint32_t ifindex;
		uint32_t prog_id;
	} xdp[RS_XDP_MAX];
	struct rs_link_rec {
		char dev[IF_NAMESIZE];
		bool set_up;
	} links[RS_XDP_MAX];
};

/* Parse text (len bytes, need not end in NUL) into s: 0, or -1 with
 * "line N: ..." in err. */
int rs_state_parse(const char *text, size_t len, struct rs_state *s,
		   char *err, size_t errlen);
void rs_state_format(const struct rs_state *s, FILE *f);

/* The file: 0; -ENOENT when there is none (s empty); another -errno, or
 * -EINVAL with "FILE: line N: ..." in err. */
int rs_state_load(const char *path, struct rs_state *s, char *err,
		  size_t errlen);
/* Written whole to a temporary file and renamed over path; its directory
 * made if missing.  0 or -errno. */
int rs_state_save(const char *path, const struct rs_state *s);

/* The default file: /run/xlvs-realserver/state in the host's network
 * namespace, /run/xlvs-realserver/netns-<inode>-<cookie>.state in any
 * other (a namespace shares the host's /run, and each has its own
 * addresses and sysctls). */
int rs_state_path(char *buf, size_t len);
#define RS_STATE_DIR "/run/xlvs-realserver"
/* Removes the default state files of namespaces that are gone (their
 * addresses, sysctls and programs went with them). */
void rs_state_gc(void);

const struct rs_sysctl_rec *rs_state_sysctl(const struct rs_state *s,
					    const char *name);
struct rs_vip_rec *rs_state_vip(struct rs_state *s, const struct decap_vip *v);

#endif
