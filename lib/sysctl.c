// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's connection sysctls (struct xlvs_sysctl), kept in the table's meta
 * record so the XDP program reads them with every packet.  Named as the
 * kernel names them under /proc/sys/net/ipv4/vs/, with the kernel's ranges.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "internal.h"

struct sysctl_desc {
	const char *name;
	size_t off;
	uint32_t max;           /* values 0..max */
};

#define SYSCTL(field, max) { #field, offsetof(struct xlvs_sysctl, field), max }

static const struct sysctl_desc sysctls[] = {
	SYSCTL(conn_reuse_mode, 3),
	SYSCTL(expire_nodest_conn, 1),
	SYSCTL(expire_quiescent_template, 1),
	/* proc_dointvec_jiffies: an int of jiffies, INT_MAX / HZ (1000). */
	SYSCTL(lblc_expiration, 2147483),
	SYSCTL(lblcr_expiration, 2147483),
	SYSCTL(schedule_icmp, 1),
	SYSCTL(sloppy_tcp, 1),
};

#define NSYSCTLS (sizeof(sysctls) / sizeof(sysctls[0]))

const char *xlvs_sysctl_name(unsigned int i)
{
	return i < NSYSCTLS ? sysctls[i].name : NULL;
}

/* "expire_nodest_conn" or "net.ipv4.vs.expire_nodest_conn". */
static const struct sysctl_desc *sysctl_find(const char *name)
{
	static const char prefix[] = "net.ipv4.vs.";

	if (!strncmp(name, prefix, sizeof(prefix) - 1))
		name += sizeof(prefix) - 1;
	for (size_t i = 0; i < NSYSCTLS; i++)
		if (!strcmp(sysctls[i].name, name))
			return &sysctls[i];
	return NULL;
}

static uint32_t *sysctl_field(struct xlvs_meta *m, const struct sysctl_desc *d)
{
	return (uint32_t *)((char *)&m->sysctl + d->off);
}

int xlvs_sysctl_check(const char *name, uint32_t value, uint32_t *max)
{
	const struct sysctl_desc *d = sysctl_find(name);

	if (!d)
		return -ENOENT;
	*max = d->max;
	return value > d->max ? -ERANGE : 0;
}

const char *xlvs_sysctl_canon(const char *name)
{
	const struct sysctl_desc *d = sysctl_find(name);

	return d ? d->name : NULL;
}

int xlvs_sysctl_value(const struct xlvs_meta *m, const char *name,
		      uint32_t *value)
{
	const struct sysctl_desc *d = sysctl_find(name);

	if (!d)
		return -ENOENT;
	*value = *sysctl_field((struct xlvs_meta *)m, d);
	return 0;
}

int xlvs_sysctl_set(struct xlvs_table *t, const char *name, uint32_t value)
{
	const struct sysctl_desc *d = sysctl_find(name);
	int rc;

	if (!d)
		return -ENOENT;
	if (value > d->max)
		return -ERANGE;
	rc = meta_reread(t);
	if (rc)
		return rc;
	*sysctl_field(&t->meta, d) = value;
	return meta_write(t);
}
