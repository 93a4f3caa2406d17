/* SPDX-License-Identifier: GPL-2.0 */
/* One xlvsadm command line, parsed (options.c) and then carried out (run.c). */
#ifndef XLVSADM_CMD_H
#define XLVSADM_CMD_H

#include <net/if.h>
#include <stdio.h>
#include <stdbool.h>
#include <xlvs/libxlvs.h>

enum cmd_kind {
	CMD_NONE = 0,
	CMD_ADD_SVC, CMD_EDIT_SVC, CMD_DEL_SVC, CMD_CLEAR,
	CMD_ADD_DEST, CMD_EDIT_DEST, CMD_DEL_DEST,
	CMD_LIST, CMD_SAVE, CMD_RESTORE,
	CMD_SET_TIMEOUT, CMD_ZERO,
	CMD_ATTACH, CMD_DETACH, CMD_UNLOAD, CMD_UPGRADE, CMD_COUNTERS, CMD_SYSCTL,
	CMD_START_DAEMON, CMD_STOP_DAEMON,
	CMD_VERSION, CMD_HELP,
	CMD_MAX,
};

/* Options, as bits, for ipvsadm's command/option compatibility check. */
enum cmd_opt {
	OPT_NUMERIC = 1 << 0,
	OPT_SERVICE = 1 << 1,
	OPT_SCHEDULER = 1 << 2,
	OPT_SERVER = 1 << 3,
	OPT_FORWARD = 1 << 4,
	OPT_WEIGHT = 1 << 5,
	OPT_XDP_MODE = 1 << 6,
	OPT_CONN_MAX = 1 << 7,
	OPT_TIMEOUT = 1 << 8,
	OPT_CONNECTION = 1 << 9,
	OPT_STATS = 1 << 10,
	OPT_RATE = 1 << 11,
	OPT_EXACT = 1 << 12,
	OPT_UTHRESHOLD = 1 << 13,
	OPT_LTHRESHOLD = 1 << 14,
	OPT_THRESHOLDS = 1 << 15,
	OPT_OPS = 1 << 16,
	OPT_SCHED_FLAGS = 1 << 17,
	OPT_PERSISTENT = 1 << 18,
	OPT_NETMASK = 1 << 19,
	OPT_PERSISTENT_CONN = 1 << 20,
	OPT_TUN_INFO = 1 << 21,
	OPT_TUN_TYPE = 1 << 22,
	OPT_TUN_PORT = 1 << 23,
	OPT_TUN_NOCSUM = 1 << 24,
	OPT_TUN_CSUM = 1 << 25,
	OPT_TUN_REMCSUM = 1 << 26,
	OPT_JSON = 1 << 27,
	OPT_DAEMON = 1 << 28,       /* -L --daemon */
};

/* ipvsadm's names for tunnel types and flags (tunnames, tunflags,
 * tun_flags_opts), indexed by enum xlvs_tun_type and by a real server's
 * tun_flags (0: nocsum, XLVS_TUN_F_CSUM, XLVS_TUN_F_REMCSUM). */
extern const char *const cmd_tun_names[XLVS_TUN_TYPE_MAX];
extern const char *const cmd_tun_flag_names[3];
extern const char *const cmd_tun_flag_opts[3];

struct cmd {
	enum cmd_kind kind;
	unsigned int opts;
	struct xlvs_service_conf svc;
	struct xlvs_dest_conf dest;
	char ifname[IF_NAMESIZE];
	enum xlvs_xdp_mode xdp_mode;   /* XLVS_XDP_AUTO unless --xdp-mode */
	bool xdp_said;            /* attach_plan has said why this mode */
	uint32_t conn_max;
	uint32_t timeouts[3];     /* --set tcp tcpfin udp, seconds; 0 = keep */
	char sched_flags[128];    /* -b as given, parsed when -s is known */
	char netmask[64];         /* -M as given, parsed when the service's
				   * family is known (IPv6: a prefix length) */
	struct sysctl_arg {       /* --sysctl NAME[=VALUE] ... */
		char name[64];
		bool set;
		uint32_t value;
	} sysctls[8];
	int nsysctls;
	/* --start-daemon's options (ipvsadm's OPT_MCAST_* and OPT_SYNCID),
	 * as given: xlvs-syncd checks and applies them. */
	char daemon_role[8];
	unsigned int dopts;         /* which of them were given: bit i is
				     * cmd_daemon_opts[i] */
	char dvals[6][64];
};

/* The sync daemon's options, in the order xlvs-syncd takes them. */
extern const char *const cmd_daemon_opts[6];

/* Parses argv into c.  On a usage error prints one line on stderr and
 * returns 2 (ipvsadm's exit code for bad input); else 0. */
int cmd_parse(int argc, char **argv, struct cmd *c);
/* Carries out c; prints ipvsadm's message on failure; returns an exit code. */
int cmd_run(const struct cmd *c);
/* The same on a table the caller opened for writing. */
int cmd_run_on(struct xlvs_table *t, const struct cmd *c);
/* --attach (attach.c): the XDP mode chosen into planned, or 1 after
 * saying why it is refused; then the attach on the open table. */
int attach_plan(const struct cmd *c, struct cmd *planned);
int attach_run(struct xlvs_table *t, const struct cmd *c);
int upgrade_cmd(void);
/* After -a or -e: warns if the native data plane cannot reach rs. */
void attach_check_server(struct xlvs_table *t, const struct xlvs_endpoint *rs);
/* ipvsadm's message for err from command kind k. */
const char *cmd_error_message(enum cmd_kind k, int err);
/* What libxlvs would refuse in c's service or real server (a scheduler
 * xlvs has not got, a forwarding method, a weight or threshold out of
 * range): prints why, naming the option, and returns 1; else 0. */
int cmd_conf_check(const struct cmd *c);
/* --sysctl's words (sysctl_cmd.c): 0, or 2 after a usage message. */
int sysctl_args_parse(struct cmd *c, int n, char **words);
/* --sysctl on a table (t NULL: none yet, the defaults are shown). */
int sysctl_run(struct xlvs_table *t, const struct cmd *c);
/* --start-daemon, --stop-daemon and -L --daemon (daemon.c): xlvs-syncd. */
int daemon_start(const struct cmd *c);
int daemon_stop(const struct cmd *c);
int daemon_list(FILE *f);
/* -R: reads commands from stdin, checks them all, then carries them out. */
int cmd_restore(void);
/* -L and -S: of the table, and of a snapshot (the formatting alone). */
int list_table(struct xlvs_table *t, const struct cmd *c);
int save_table(struct xlvs_table *t, const struct cmd *c);
int list_conns(struct xlvs_table *t, const struct cmd *c);
void conn_title(unsigned int opts);
void conn_line(FILE *f, const struct xlvs_conn_info *ci, bool numeric);
/* -L --json (list_json.c): the table, -c's connections or --timeout's
 * values as one JSON document on f; 0 or -errno (-ESRCH: the service
 * asked for is not there). */
int json_list_snapshot(FILE *f, const struct xlvs_snapshot *snap, const struct cmd *c);
int json_list_table(FILE *f, struct xlvs_table *t, const struct cmd *c);
int json_list_conns(FILE *f, struct xlvs_table *t, const struct cmd *c);
int json_list_timeouts(FILE *f, uint32_t tcp, uint32_t tcpfin, uint32_t udp);
/* --stats and --rate listings (list_stats.c). */
void stats_title(FILE *f, unsigned int opts);
void stats_line(FILE *f, const char *name, const struct xlvs_stats *st,
		const struct xlvs_rates *r, unsigned int opts, bool is_dest);
/* What the listings share (list.c): "TCP"/"UDP"; Route, Masq, Tunnel,
 * Local; a scheduler flag's name for c's scheduler (NULL: none shown) and
 * the flags in the order shown; whether -t/-u selects s. */
const char *list_proto_name(uint8_t proto);
const char *list_fwd_name(uint8_t fwd);
const char *list_sched_flag_name(const struct xlvs_service_conf *c, uint32_t flag);
extern const uint32_t list_sched_flags[3];
bool list_selected(const struct cmd *c, const struct xlvs_service_info *s);
/* addr:port, or host:service when numeric is false, as ipvsadm prints. */
void addrport(const struct xlvs_endpoint *ep, uint8_t proto, bool numeric,
	      char *buf, size_t len);
int list_snapshot(FILE *f, const struct xlvs_snapshot *snap, const struct cmd *c);
void save_snapshot(FILE *f, const struct xlvs_snapshot *snap, const struct cmd *c);

#endif
