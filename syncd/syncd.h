/* SPDX-License-Identifier: GPL-2.0 */
/* xlvs-syncd: IPVS's sync daemon, as a process (docs/sync.md). */
#ifndef XLVS_SYNCD_H
#define XLVS_SYNCD_H

#include <signal.h>
#include <stdint.h>
#include <xlvs/libxlvs.h>
#include <xlvs/sync.h>

#define SYNC_GROUP_DEFAULT "224.0.0.81"     /* IP_VS_SYNC_GROUP */
#define SYNC_PORT_DEFAULT  8848             /* IP_VS_SYNC_PORT */
#define SYNC_FLUSH_MS      2000             /* IPVS_SYNC_FLUSH_TIME */

struct syncd_conf {
	struct xlvs_sync_daemon d;  /* role, interface, syncid, maxlen, group,
				     * port, ttl: as -L --daemon lists them */
	unsigned int ifindex;
	unsigned int flush_ms;      /* a partly filled message waits this long */
};

extern volatile sig_atomic_t syncd_stop;

/* sock.c: the master's sending socket, connected to the group, and the
 * backup's, bound to it and joined on the interface (make_send_sock,
 * make_receive_sock); an fd or -errno. */
int sock_master(const struct syncd_conf *c);
int sock_backup(const struct syncd_conf *c);
/* The interface's MTU, or -errno. */
int sock_mtu(const char *ifname);

/* master.c, backup.c: the loops, until syncd_stop; 0 or -errno. */
int master_run(struct xlvs_table *t, const struct syncd_conf *c, int sock);
int backup_run(struct xlvs_table *t, const struct syncd_conf *c, int sock);

/* log.c */
void syncd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void syncd_log_daemon(void);

#endif
