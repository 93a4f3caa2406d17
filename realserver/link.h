/* SPDX-License-Identifier: GPL-2.0 */
/* Addresses on lo and links, through rtnetlink (lib/nl.c). */
#ifndef XLVS_REALSERVER_LINK_H
#define XLVS_REALSERVER_LINK_H

#include <stdbool.h>
#include "decap.h"

/* The VIP on lo as /32 or /128 (IPv6: nodad, so it is usable at once and
 * never sends a duplicate-address probe for an address the director
 * owns).  0, -EEXIST when lo has it already, or -errno. */
int rs_lo_addr_add(const struct decap_vip *v);
int rs_lo_addr_del(const struct decap_vip *v);
/* 1 if lo has the VIP, 0 if not. */
int rs_lo_addr_has(const struct decap_vip *v);

/* Set a link up or down by name: 0 or -errno. */
int rs_link_set_up(const char *dev, bool up);
/* 1 if dev exists and is up, 0 if down, -ENODEV if there is none. */
int rs_link_is_up(const char *dev);
/* Up, not loopback: the interfaces tunnelled packets may come in on.
 * Fills names[max][IF_NAMESIZE]; the count or -errno. */
int rs_links_up(char (*names)[16], unsigned int max);

#endif
