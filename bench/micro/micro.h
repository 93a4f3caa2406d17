/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlvs data-plane micro-benchmarks: the shared test bed.  On the data-plane
 * tests' (tests/lib/testbed.h), the program runs in a private network and
 * mount namespace with its own bpffs (XLVS_PIN_ROOT), so every pinned
 * table vanishes with the process however it ends, and frames go through
 * the XDP program with BPF_PROG_TEST_RUN.
 */
#ifndef XLVS_BENCH_MICRO_H
#define XLVS_BENCH_MICRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <xlvs/libxlvs.h>

#include "pkt.h"

#define REPS 5
#define NEW_N 8192   /* runs of repeat 1 per batch: distinct new flows */

#define BENCH_DEV  "xb0"
#define BENCH_PEER "xb0p"

/* The director 10.0.0.1/16 (NET_DEV_IP), the VIP 10.0.0.100 (NET_VIP),
 * NET_OTHER_IP on the link with no service: tests/lib/pkt.h's network. */
#define NET_CLIENTS IP4(172, 16, 0, 0)      /* flow n: 172.16.0.0 + n/16384 */
#define RS_MAX      1024

/* Real server i: 10.0.(16 + i/256).(i%256), MAC 02:00:00:00:<16+i/256>:<i%256>. */
uint32_t rs_addr(unsigned int i);

/* A measured frame, kept small: a batch builds thousands before it runs
 * them, and each run's user-space side should touch little memory. */
struct bench_frame {
	uint8_t b[128];
	uint32_t len;
};

/* Ethernet + IPv4 + TCP (no payload) or UDP (32 bytes of payload), with
 * valid checksums: 54 and 74 bytes, as small as real packets get. */
void frame_build(struct bench_frame *f, uint8_t proto, uint32_t saddr,
		 uint32_t daddr, uint16_t sport, uint16_t dport, uint8_t flags);
/* Flow n's client address and port (host order): distinct for every n. */
void flow_client(uint64_t n, uint32_t *saddr, uint16_t *sport);

struct bench_env {
	struct xlvs_table t;
	bool open;
	int prog_fd;
	int ifindex;
	/* The connection table's shards (t.conn_fd is the array of them),
	 * opened once per table; -1 when closed. */
	int shard_fd[XLVS_CONN_SHARDS];
};
extern struct bench_env env;

/* Namespaces, bpffs, the veth and the neighbour entries of RS_MAX servers. */
int env_setup(void);
/* Create (and open) the table; conn_max 0 is the default. */
int table_create(uint32_t conn_max);
/* Close and remove the table; safe to call any number of times. */
void table_remove(void);

/* ... and wait until its connection shards' memory has been freed. */
void table_remove_wait(void);

/* The shard holding key k: its fd in env.shard_fd. */
/* The table's shard count and a key's shard. */
uint32_t env_nshards(void);
uint32_t env_shard(const struct xlvs_conn_key *k);
int conn_fd_of(const struct xlvs_conn_key *k);
/* The memlock of all the shards plus the array of them, in bytes. */
long long conn_memlock(void);
/* Keys (and vals, if not NULL) ordered by shard into okeys/ovals: shard i's
 * are [start[i], start[i+1]).  A counting sort, stable. */
void conn_group(const struct xlvs_conn_key *keys, const struct xlvs_conn *vals,
		uint32_t n, struct xlvs_conn_key *okeys, struct xlvs_conn *ovals,
		uint32_t start[XLVS_CONN_SHARDS + 1]);
/* Delete n keys, a batch per shard: how many were deleted, or -1. */
long long conn_delete(const struct xlvs_conn_key *keys, uint32_t n);

struct meminfo {
	long long avail, slab, vmalloc, percpu;   /* kB */
};
int meminfo_read(struct meminfo *m);
long long fd_memlock(int fd);

/* One BPF_PROG_TEST_RUN; duration is the kernel's ns per run. 0 or -errno. */
int prog_run(const struct bench_frame *f, uint32_t repeat, uint32_t *retval,
	     uint32_t *duration);
int prog_run_fd(int fd, const struct bench_frame *f, uint32_t repeat,
		uint32_t *retval, uint32_t *duration);

/* n runs of f, each with repeat 1: the kernel's mean ns per run (*k) and
 * the wall time per system call (*w); how many verdicts were not want. */
int batch_run(const struct bench_frame *f, int n, uint32_t want, double *k,
	      double *w);

/* f timed against the pass frame: NEW_N runs of each (batch_run), the
 * kernel's mean for f less the pass frame's plus floor (returned), the
 * same for the wall clock (*wall); *bad runs of f not want. */
double batch_timed(const struct bench_frame *f, uint32_t want,
		   const struct bench_frame *pass, double floor, double *wall,
		   int *bad);

/* paths.c: NAT, tunnel and ICMP beside direct routing (its own services,
 * made after micro.c's); one repetition at a time, then the section. */
int paths_setup(void);
int paths_rep(int rep, const struct bench_frame *pass, double floor,
	      uint64_t *flows, struct bench_frame *fr, struct xlvs_conn_key *keys);
void paths_report(FILE *o, int reps, double est_dr);
void paths_close(void);

uint64_t now_ns(void);
int cmp_double(const void *a, const void *b);
double median(double *v, int n);

/* flows.c: `micro --flows [FLOWS [ROUNDS [TOUCH]]]`, established UDP
 * packets of many flows, each a cache miss away (see there). */
int flows_main(int argc, char **argv);
/* newconn.c: micro --newconn, a new connection's first packet alone. */
int newconn_main(int argc, char **argv);

/* mem.c: the memory figure, writes its markdown section to out. */
int mem_bench(char *out, size_t len);
/* sweep.c: the expiry sweeper at one million, its section to out. */
int sweep_bench(char *out, size_t len);

#endif
