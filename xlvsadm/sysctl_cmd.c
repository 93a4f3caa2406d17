// SPDX-License-Identifier: GPL-2.0
/*
 * --sysctl: IPVS's connection sysctls, which the kernel keeps under
 * /proc/sys/net/ipv4/vs/ and xlvs keeps in the table.  Printed as sysctl(8)
 * prints them, so `xlvsadm --sysctl` reads like `sysctl net.ipv4.vs`:
 *
 *   xlvsadm --sysctl                        every one
 *   xlvsadm --sysctl expire_nodest_conn     one
 *   xlvsadm --sysctl expire_nodest_conn=1 sloppy_tcp=1
 *
 * Every word is checked before any value is set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

static int arg_parse(struct sysctl_arg *a, const char *word)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	uint32_t max;
	char *end;
	long v = 0;
	int rc;

	if (len == 0 || len >= sizeof(a->name)) {
		fprintf(stderr, "--sysctl: '%s': expected NAME or NAME=VALUE\n", word);
		return 2;
	}
	memcpy(a->name, word, len);
	a->name[len] = 0;
	a->set = eq != NULL;
	if (a->set) {
		errno = 0;
		v = strtol(eq + 1, &end, 10);
		if (!eq[1] || *end || errno || v < 0 || v > UINT32_MAX)
			v = -1;
	}
	rc = xlvs_sysctl_check(a->name, v < 0 ? UINT32_MAX : (uint32_t)v, &max);
	if (rc == -ENOENT) {
		fprintf(stderr, "--sysctl: unknown sysctl '%s' (see xlvsadm --sysctl)\n",
			a->name);
		return 2;
	}
	if (a->set && (v < 0 || rc == -ERANGE)) {
		fprintf(stderr, "--sysctl: %s=%s: expected 0..%u\n", a->name, eq + 1, max);
		return 2;
	}
	a->value = (uint32_t)v;
	return 0;
}

int sysctl_args_parse(struct cmd *c, int n, char **words)
{
	int max = (int)(sizeof(c->sysctls) / sizeof(c->sysctls[0]));

	if (n > max) {
		fprintf(stderr, "--sysctl: at most %d names at a time\n", max);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int rc = arg_parse(&c->sysctls[i], words[i]);

		if (rc)
			return rc;
	}
	c->nsysctls = n;
	return 0;
}

static void sysctl_print(const struct xlvs_meta *m, const char *name)
{
	uint32_t v;

	if (!xlvs_sysctl_value(m, name, &v))
		printf("net.ipv4.vs.%s = %u\n", xlvs_sysctl_canon(name), v);
}

int sysctl_run(struct xlvs_table *t, const struct cmd *c)
{
	struct xlvs_meta defaults;
	const struct xlvs_meta *m = &defaults;
	int rc;

	for (int i = 0; i < c->nsysctls; i++) {
		if (!c->sysctls[i].set)
			continue;
		rc = xlvs_sysctl_set(t, c->sysctls[i].name, c->sysctls[i].value);
		if (rc) {
			fprintf(stderr, "xlvsadm: --sysctl %s: %s\n",
				c->sysctls[i].name, strerror(-rc));
			return 1;
		}
	}
	xlvs_meta_defaults(&defaults, 0);
	if (t)
		m = &t->meta;       /* xlvs_sysctl_set re-read it */
	for (int i = 0; i < c->nsysctls; i++)
		if (!c->sysctls[i].set)
			sysctl_print(m, c->sysctls[i].name);
	for (unsigned int i = 0; !c->nsysctls && xlvs_sysctl_name(i); i++)
		sysctl_print(m, xlvs_sysctl_name(i));
	return 0;
}
