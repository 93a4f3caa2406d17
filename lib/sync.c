// SPDX-License-Identifier: GPL-2.0
/*
 * What a sync daemon needs of the table (include/xlvs/sync.h): its control
 * word, the ring of the master's events, the backup's install program, and
 * the lookups of ip_vs_find_dest (a service as the packet path finds it,
 * then a real server of it by address and port).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <xlvs/sync.h>
#include "internal.h"

int xlvs_sync_ctl_read(const struct xlvs_table *t, struct xlvs_sync_ctl *sc)
{
	int fd = table_obj_get(t, PIN_SYNC_CTL), rc = 0;
	uint32_t zero = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, sc))
		rc = -errno;
	close(fd);
	return rc;
}

int xlvs_sync_ctl_write(const struct xlvs_table *t, const struct xlvs_sync_ctl *sc)
{
	int fd = table_obj_get(t, PIN_SYNC_CTL), rc = 0;
	uint32_t zero = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &zero, sc, BPF_ANY))
		rc = -errno;
	close(fd);
	return rc;
}

int xlvs_sync_ring_fd(const struct xlvs_table *t)
{
	return table_obj_get(t, PIN_SYNC_RING);
}

int xlvs_sync_install_fd(const struct xlvs_table *t)
{
	return table_obj_get(t, PIN_PROG_SYNC_INSTALL);
}

int xlvs_sync_install(int prog_fd, const struct xlvs_sync_install *a)
{
	struct xlvs_sync_install in = *a;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &in, .ctx_size_in = sizeof(in));

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	return (int)opts.retval;
}

int xlvs_conn_get(const struct xlvs_table *t, const struct xlvs_conn_key *k,
		  struct xlvs_conn *c)
{
	int fd = xlvs_conn_shard_fd(t, xlvs_conn_shard(k, xlvs_conn_shard_bits(t->meta.conn_max)));
	int rc = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, k, c))
		rc = -errno;
	close(fd);
	return rc;
}

/* ip_vs_service_find as the data plane's svc_find: the exact port, then a
 * TCP FTP service for port 20 and unprivileged ports, then port 0. */
int xlvs_svc_find(struct xlvs_table *t, struct xlvs_svc_key *k, struct xlvs_svc *s)
{
	uint16_t port = ntohs(k->port);
	int rc;

	if (!bpf_map_lookup_elem(t->svc_fd, k, s))
		return 0;
	rc = meta_reread(t);
	if (rc)
		return rc;
	if (t->meta.ftp_svcs && k->proto == IPPROTO_TCP &&
	    (port == XLVS_FTP_PORT - 1 || port >= 1024)) {
		struct xlvs_svc_key f = *k;

		f.port = htons(XLVS_FTP_PORT);
		if (!bpf_map_lookup_elem(t->svc_fd, &f, s)) {
			*k = f;
			return 0;
		}
	}
	if (t->meta.null_svcs) {
		struct xlvs_svc_key z = *k;

		z.port = 0;
		if (!bpf_map_lookup_elem(t->svc_fd, &z, s)) {
			*k = z;
			return 0;
		}
	}
	return -ENOENT;
}

struct xlvs_dest *xlvs_dests_read(const struct xlvs_table *t)
{
	return dest_read_all(t);
}
