/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection synchronisation (IPVS's ip_vs_sync.c, docs/sync.md): what the
 * data plane and xlvs-syncd share.
 *
 * The data plane does what the kernel's ip_vs_sync_conn does on the packet
 * path: while a master sync daemon runs (xlvs_sync_ctl.master), a
 * connection's packets are counted (xlvs_conn.sync_pkts, IPVS's in_pkts)
 * and a connection that the kernel would sync now is written to the
 * sync_ring ring buffer as an xlvs_sync_event.  xlvs-syncd reads the ring,
 * batches the events into IPVS's version 1 messages and multicasts them;
 * a backup daemon installs what it receives with the xlvs_sync_install
 * program (struct xlvs_sync_install).  With no master the packet path pays
 * one array lookup (inlined by the verifier) and one test.
 *
 * Both maps are pinned beside the table's (sync_ctl, sync_ring).
 */
#ifndef XLVS_SYNC_H
#define XLVS_SYNC_H

#ifndef __BPF__
#include <linux/types.h>
#endif
#include <xlvs/table.h>

/* IPVS's sysctls of the sync daemon, with the kernel's defaults
 * (include/net/ip_vs.h: DEFAULT_SYNC_THRESHOLD 3, DEFAULT_SYNC_PERIOD 50). */
#define XLVS_SYNC_THRESHOLD_DEFAULT 3
#define XLVS_SYNC_PERIOD_DEFAULT    50

/* The ring's size: 4096 events of 64 bytes with their 8-byte headers;
 * a full ring loses events (counted in lost), as the kernel's queue past
 * sync_qlen_max drops buffers. */
#define XLVS_SYNC_RING_BYTES (1u << 19)

struct xlvs_sync_ctl {
	__u32 master;               /* a master daemon runs: the ring is fed */
	__u32 threshold;            /* sync_threshold's first value */
	__u32 period;               /* ... and its second (0: once only) */
	__u32 master_pid;           /* the daemons running, 0 if none */
	__u32 backup_pid;
	__u32 pad;
	__u64 lost;                 /* events the full ring refused */
};

/* xlvs_sync_event.flags: */
#define XLVS_SYNC_EV_CONTROLLED 0x1 /* a template controls it: the daemon
				     * syncs the template too (as the kernel
				     * syncs cp->control) */

/* One connection (or template) to send, as the packet path saw it. */
struct xlvs_sync_event {
	struct xlvs_conn_key key;   /* kind: connection or template */
	__u32 dest_id;
	__u32 dest_gen;
	__u8 state;
	__u8 conn_flags;            /* xlvs_conn.flags */
	__u8 tpl_plen;              /* controlled: the template's mask length */
	__u8 flags;                 /* XLVS_SYNC_EV_* */
	__u32 timeout;              /* templates: seconds; 0: the state's */
	__u32 pad[2];
};

/*
 * The xlvs_sync_install program's context: one received connection to
 * create or update in the table (IPVS's ip_vs_proc_conn), its real server
 * already found by user space (ip_vs_find_dest).  retval: enum
 * xlvs_sync_install_rc.
 */
struct xlvs_sync_install {
	struct xlvs_conn_key key;
	__u32 dest_id;
	__u32 dest_gen;
	__u32 timeout;              /* templates: seconds */
	__u8 state;
	__u8 conn_flags;            /* XLVS_CONN_F_*: MASQ, CONTROLLED, ... */
	__u8 tpl_plen;
	__u8 inactive;              /* IPVS's IP_VS_CONN_F_INACTIVE was set */
};

enum xlvs_sync_install_rc {
	XLVS_SYNC_CREATED = 0,
	XLVS_SYNC_UPDATED = 1,
	XLVS_SYNC_IGNORED = 2,      /* the expiry note of a connection already
				     * replaced (ip_vs_proc_conn) */
	XLVS_SYNC_NO_DEST = 3,      /* its real server is gone or not usable */
	XLVS_SYNC_FULL = 4,         /* its shard refused it */
	XLVS_SYNC_BUSY = 5,         /* another CPU changed it meanwhile */
};

_Static_assert(sizeof(struct xlvs_sync_ctl) == 32, "sync ctl layout");
_Static_assert(sizeof(struct xlvs_sync_event) == 64, "sync event layout");
_Static_assert(sizeof(struct xlvs_sync_install) == 56, "sync install layout");

#endif
