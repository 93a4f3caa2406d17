/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maintenancedir, as ldirectord's _check_real_for_maintenance: a file in
 * it named ip:port, ip, fqdn:port, fqdn, short:port or short (fqdn the
 * server's reverse name, short its first label) forces that server down
 * for as long as it is there.  The reverse name is looked up once, when
 * the server is set up (hd_maint_resolve), not before every check as
 * ldirectord does: a lookup that blocks would stall the loop.
 */
#ifndef XLVS_HEALTHD_MAINTENANCE_H
#define XLVS_HEALTHD_MAINTENANCE_H

#include <stdbool.h>

#include "hd_model.h"

/* Fills r->maint_names (the reverse lookup of its address; none if the
 * address has no name).  Blocking: call at start-up or reload only. */
void hd_maint_resolve(struct hd_rs *r);
/* ldirectord's shortname: the first label of fqdn if it matches
 * ^[a-z][a-z0-9-]+\. ; "" otherwise. */
void hd_maint_shortname(const char *fqdn, char *buf, size_t len);
bool hd_maint_active(const struct hd_globals *g, const struct hd_rs *r);

#endif
