/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/sys and /sys/module, for xlvs-realserver. */
#ifndef XLVS_REALSERVER_SYS_H
#define XLVS_REALSERVER_SYS_H

#include <stdbool.h>
#include <stddef.h>

/* name is a path under /proc/sys ("net/ipv4/conf/all/arp_ignore"): the
 * value without its newline into buf, or -errno. */
int rs_sysctl_get(const char *name, char *buf, size_t len);
int rs_sysctl_set(const char *name, const char *value);
/* "net/ipv4/conf/all/arp_ignore" as sysctl(8) writes it, into buf. */
const char *rs_sysctl_dotted(const char *name, char *buf, size_t len);

/* The kernel has module name (loaded, or built in with parameters), after
 * a modprobe when one is installed. */
bool rs_kernel_has(const char *module);

#endif
