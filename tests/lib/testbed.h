/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test bed the data-plane tests and the micro-benchmarks share: a
 * private network and mount namespace with its own bpffs, where the table
 * is made (XLVS_PIN_ROOT), so every pin vanishes with the process however
 * it ends and the host's table is never touched; a veth as the director's
 * interface; frames through the XDP program with BPF_PROG_TEST_RUN as if
 * they arrived on it.  Every function returns 0 (or a count, an fd) on
 * success and a negative number on failure, having said why on stderr with
 * the program's name in front.
 */
#ifndef XLVS_TESTBED_H
#define XLVS_TESTBED_H

#include <stdint.h>
#include <xlvs/libxlvs.h>

/* Runs a shell command; its failure is reported. */
int tb_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs cmds, ip(8) commands one a line without the "ip", in one ip
 * process (ip -batch: it stops at the first that fails, which is reported).
 * A fork and exec each would cost milliseconds; the data-plane tests pin
 * their neighbours again after every real server they add. */
int tb_ip_batch(const char *cmds);
/* Permanent neighbour entries on dev for hosts first..last of the tests'
 * plan: 10.0.0.H (or fd00::H with v6) at MAC 02:00:00:00:00:HH.  Nothing
 * answers ARP or NDP on the test veth, and libxlvs swaps a real server's
 * entry for a managed one on add and drops it on delete, so tests pin them
 * again after such edits: bpf_fib_lookup then resolves them the same way
 * every time. */
int tb_pin_hosts(const char *dev, int v6, int first, int last);
/* Writes val to path (a sysctl, say). */
int tb_write_file(const char *path, const char *val);

/* Enters a new network and mount namespace with a private bpffs, points
 * libxlvs there and sends its messages to stderr.  Needs root. */
int tb_enter(void);

/* The director's interface: veth dev (MAC 02:00:00:00:00:01, address
 * addr_cidr) and its peer, both up, lo up, IPv4 forwarding on (else
 * bpf_fib_lookup answers FWD_DISABLED).  A veth, not a dummy: a dummy is
 * NOARP, and its neighbours would not carry the MACs tests set.  Returns
 * dev's ifindex. */
int tb_veth(const char *dev, const char *peer, const char *addr_cidr);

/* An IPv4 endpoint (host-order address) as libxlvs takes one. */
struct xlvs_endpoint tb_ep(uint32_t addr, uint16_t port);

/* A connection's key in the table from host-order addresses and ports (a
 * template's: sport 0, then kind = XLVS_KIND_TEMPLATE). */
void tb_conn_key(struct xlvs_conn_key *k, uint8_t proto, uint32_t saddr,
		 uint32_t daddr, uint16_t sport, uint16_t dport);

/* Creates the table (conn_max 0: the default) and opens its XDP program:
 * *prog_fd.  A failure may leave half a table pinned: xlvs_unload() it. */
int tb_table_open(struct xlvs_table *t, uint32_t conn_max, int *prog_fd);

/* One BPF_PROG_TEST_RUN of an XDP program on len bytes of data, as if they
 * arrived on ifindex (its bpf_fib_lookup starts there), repeat times.
 * With out, the frame as the program left it is copied there (out_size
 * bytes at most); without, the kernel copies nothing back.  0 or -errno. */
struct tb_run {
	uint32_t retval;            /* the verdict */
	uint32_t duration;          /* the kernel's mean ns per run */
	uint32_t out_len;
};

int tb_xdp_run(int prog_fd, int ifindex, const void *data, uint32_t len,
	       void *out, uint32_t out_size, uint32_t repeat, struct tb_run *r);

#endif
