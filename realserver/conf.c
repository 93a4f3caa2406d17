// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "conf.h"

int rs_conf_parse(const char *text, size_t len, struct rs_opts *o, char *err,
		  size_t errlen)
{
	char line[512], msg[256];
	size_t pos = 0;
	unsigned int ln = 0;

	while (pos < len) {
		char *key, *val, *extra, *save = NULL;
		size_t n = 0;
		int rc = 0;

		ln++;
		while (pos < len && text[pos] != '\n') {
			if (text[pos] == 0 || n + 1 >= sizeof(line)) {
				snprintf(err, errlen, "line %u: %s", ln,
					 text[pos] ? "too long" : "a NUL byte");
				return -1;
			}
			line[n++] = text[pos++];
		}
		pos++;
		line[n] = 0;
		key = strtok_r(line, " \t\r", &save);
		if (!key || *key == '#')
			continue;
		val = strtok_r(NULL, " \t\r", &save);
		extra = strtok_r(NULL, " \t\r", &save);
		if (!val || extra) {
			snprintf(err, errlen, "line %u: %s: want one value", ln, key);
			return -1;
		}
		if (!strcmp(key, "tunnel"))
			rc = rs_opt_tunnel(o, val, msg, sizeof(msg));
		else if (!strcmp(key, "tun-port"))
			rc = rs_opt_tun_port(o, val, msg, sizeof(msg));
		else if (!strcmp(key, "dev"))
			rc = rs_opt_dev(o, val, msg, sizeof(msg));
		else if (!strcmp(key, "vip"))
			rc = rs_opt_vip(o, val, msg, sizeof(msg));
		else {
			snprintf(msg, sizeof(msg), "%.64s: unknown setting "
				 "(tunnel, tun-port, dev or vip)", key);
			rc = -1;
		}
		if (rc) {
			snprintf(err, errlen, "line %u: %s", ln, msg);
			return -1;
		}
	}
	return 0;
}

int rs_conf_load(const char *path, struct rs_opts *o, char *err, size_t errlen)
{
	char buf[65536], msg[300];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf), f);
	if (n == sizeof(buf) && fgetc(f) != EOF) {
		fclose(f);
		return -EFBIG;
	}
	fclose(f);
	if (rs_conf_parse(buf, n, o, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s: %s", path, msg);
		return -EINVAL;
	}
	return 0;
}

int rs_conf_save(const char *path, const struct rs_opts *o)
{
	char tmp[4096], dir[4096], vip[64], *slash;
	FILE *f;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "# xlvs-realserver: read at boot by xlvs-realserver.service\n"
		"# (xlvs-realserver up --config %s); written by up --persist.\n",
		path);
	if (o->tunnel)
		fprintf(f, "tunnel %s\n", rs_tunnel_name(o->tunnel));
	if (o->tun_port)
		fprintf(f, "tun-port %u\n", o->tun_port);
	for (unsigned int i = 0; i < o->ndevs; i++)
		fprintf(f, "dev %s\n", o->devs[i]);
	for (unsigned int i = 0; i < o->nvips; i++)
		fprintf(f, "vip %s\n", rs_vip_str(&o->vips[i], vip, sizeof(vip)));
	if (fclose(f))
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		remove(tmp);
	return rc;
}
