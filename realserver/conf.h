/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --persist's configuration file (default /etc/xlvs/realserver.conf), read
 * at boot by xlvs-realserver.service (`up --config FILE`).  One setting a
 * line, named as the command line names them:
 *
 *   tunnel gue
 *   tun-port 6080
 *   dev eth0
 *   vip 192.0.2.100
 */
#ifndef XLVS_REALSERVER_CONF_H
#define XLVS_REALSERVER_CONF_H

#include <stddef.h>
#include "options.h"

/* Adds the file's settings to o (the command line's come first): 0, or -1
 * with "line N: ..." in err. */
int rs_conf_parse(const char *text, size_t len, struct rs_opts *o, char *err,
		  size_t errlen);
/* The file: 0 or -errno; -EINVAL with "FILE: line N: ..." in err. */
int rs_conf_load(const char *path, struct rs_opts *o, char *err, size_t errlen);
/* Writes o's tunnel, port, devices and VIPs to path: 0 or -errno. */
int rs_conf_save(const char *path, const struct rs_opts *o);

#endif
