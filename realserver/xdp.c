// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "decap.skel.h"
#include "xdp.h"

static void decap_clear(struct rs_decap *d)
{
	memset(d, 0, sizeof(*d));
	d->prog_fd = d->vips_fd = d->counters_fd = -1;
}

static uint32_t prog_id_of(int fd)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

int rs_decap_load(struct rs_decap *d, uint32_t kind, uint16_t tun_port)
{
	struct decap_bpf *skel;
	int rc;

	decap_clear(d);
	skel = decap_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->kinds = kind;
	skel->rodata->tun_port = tun_port;
	rc = decap_bpf__load(skel);
	if (rc) {
		decap_bpf__destroy(skel);
		return rc;
	}
	d->skel = skel;
	d->prog_fd = bpf_program__fd(skel->progs.xlvs_decap);
	d->vips_fd = bpf_map__fd(skel->maps.vips);
	d->counters_fd = bpf_map__fd(skel->maps.counters);
	d->prog_id = prog_id_of(d->prog_fd);
	return d->prog_id ? 0 : -EIO;
}

int rs_decap_open(struct rs_decap *d, uint32_t prog_id)
{
	uint32_t map_ids[8] = {}, len;
	struct bpf_prog_info info = {};
	int rc = 0;

	decap_clear(d);
	d->prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (d->prog_fd < 0) {
		rc = -errno;
		decap_clear(d);
		return rc;
	}
	d->prog_id = prog_id;
	info.nr_map_ids = 8;
	info.map_ids = (uint64_t)(unsigned long)map_ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(d->prog_fd, &info, &len)) {
		rc = -errno;
		goto fail;
	}
	if (strcmp(info.name, "xlvs_decap")) {
		rc = -ESRCH;            /* the id was reused by another program */
		goto fail;
	}
	for (uint32_t i = 0; i < info.nr_map_ids && i < 8; i++) {
		struct bpf_map_info mi = {};
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) &&
		    !strcmp(mi.name, "vips") && d->vips_fd < 0) {
			d->vips_fd = fd;
		} else if (!strcmp(mi.name, "counters") && d->counters_fd < 0) {
			d->counters_fd = fd;
		} else {
			close(fd);
		}
	}
	if (d->vips_fd < 0 || d->counters_fd < 0) {
		rc = -ESRCH;
		goto fail;
	}
	return 0;
fail:
	rs_decap_close(d);
	return rc;
}

void rs_decap_close(struct rs_decap *d)
{
	if (d->skel) {
		decap_bpf__destroy(d->skel);
	} else {
		if (d->prog_fd >= 0)
			close(d->prog_fd);
		if (d->vips_fd >= 0)
			close(d->vips_fd);
		if (d->counters_fd >= 0)
			close(d->counters_fd);
	}
	decap_clear(d);
}

int rs_decap_vip_add(const struct rs_decap *d, const struct decap_vip *v)
{
	uint8_t one = 1;

	return bpf_map_update_elem(d->vips_fd, v, &one, BPF_ANY) ? -errno : 0;
}

int rs_decap_counters(const struct rs_decap *d, uint64_t out[DECAP_COUNTERS])
{
	int ncpus = libbpf_num_possible_cpus();

	if (ncpus <= 0 || ncpus > 1024)
		return -EINVAL;
	uint64_t vals[ncpus];

	for (uint32_t c = 0; c < DECAP_COUNTERS; c++) {
		if (bpf_map_lookup_elem(d->counters_fd, &c, vals))
			return -errno;
		out[c] = 0;
		for (int i = 0; i < ncpus; i++)
			out[c] += vals[i];
	}
	return 0;
}

uint32_t rs_xdp_prog_on(unsigned int ifindex)
{
	uint32_t id = 0;

	if (bpf_xdp_query_id((int)ifindex, 0, &id))
		return 0;
	return id;
}

int rs_decap_attach(const struct rs_decap *d, unsigned int ifindex,
		    uint32_t *other)
{
	uint32_t id = rs_xdp_prog_on(ifindex);
	int rc;

	*other = 0;
	if (id == d->prog_id)
		return 0;
	if (id) {
		*other = id;
		return -EBUSY;
	}
	/* Never replaces: a program attached since the query is refused. */
	rc = bpf_xdp_attach((int)ifindex, d->prog_fd,
			    XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (rc == -EBUSY || rc == -EEXIST) {
		*other = rs_xdp_prog_on(ifindex);
		return -EBUSY;
	}
	return rc;
}

int rs_xdp_detach(unsigned int ifindex, uint32_t prog_id)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int fd, rc;

	if (rs_xdp_prog_on(ifindex) != prog_id)
		return 0;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* Only if it is still ours at the moment of the change. */
	opts.old_prog_fd = fd;
	rc = bpf_xdp_detach((int)ifindex, XDP_FLAGS_REPLACE, &opts);
	close(fd);
	return rc;
}
