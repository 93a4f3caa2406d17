// SPDX-License-Identifier: GPL-2.0
/*
 * The lblc/lblcr table (struct xlvs_lblc) from user space: a service's
 * entries go when the service is added, deleted or given another
 * scheduler, as the kernel flushes a service's table in done_service, so
 * a service that later gets the same id starts empty; and the
 * collector's full check on demand.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "internal.h"

/* Bounded: the map holds XLVS_LBLC_MAX entries. */
int lblc_flush(const struct xlvs_table *t, uint32_t svc_id)
{
	struct xlvs_lblc_key k, next, *prev = NULL;
	struct xlvs_lblc_key *gone;
	int fd = table_obj_get(t, PIN_LBLC), n = 0, rc = 0;

	if (fd < 0)
		return fd;
	gone = calloc(XLVS_LBLC_MAX, sizeof(*gone));
	if (!gone) {
		close(fd);
		return -ENOMEM;
	}
	/* Collect first: deleting while walking restarts get_next_key. */
	while (n < XLVS_LBLC_MAX && !bpf_map_get_next_key(fd, prev, &next)) {
		if (next.svc_id == svc_id)
			gone[n++] = next;
		k = next;
		prev = &k;
	}
	for (int i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, &gone[i]) && errno != ENOENT && !rc)
			rc = -errno;
	free(gone);
	close(fd);
	return rc;
}

int xlvs_lblc_fd(const struct xlvs_table *t)
{
	return table_obj_get(t, PIN_LBLC);
}

int xlvs_lblc_expire_now(struct xlvs_table *t)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int fd = table_obj_get(t, PIN_PROG_LBLC_COLLECT), rc = 0;

	if (fd < 0)
		return fd;
	if (bpf_prog_test_run_opts(fd, &opts) || opts.retval)
		rc = -EINVAL;
	close(fd);
	return rc;
}
