// SPDX-License-Identifier: GPL-2.0
/*
 * The sync daemons' records: what xlvsadm -L --daemon lists and
 * --stop-daemon stops.  IPVS keeps them in the kernel (ipvs->mcfg, bcfg);
 * here each daemon writes one line to a file of its network namespace and
 * role, which counts only while the process it names runs and is an
 * xlvs-syncd (a pid reused by another program is not taken for it).
 *   master pid=123 mcast=eth0 syncid=1 maxlen=1472 group=224.0.0.81 port=8848 ttl=1
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "internal.h"
#include "pidfile.h"

#define SYNC_STATE_DIR "/run/xlvs/syncd"

static const char *role_name(int role)
{
	return role == XLVS_SYNC_MASTER ? "master" : role == XLVS_SYNC_BACKUP ? "backup" : NULL;
}

int xlvs_sync_daemon_path(int role, char *buf, size_t len)
{
	const char *dir = getenv("XLVS_SYNC_STATE_DIR");
	char ns[64];
	int rc;

	if (!role_name(role))
		return -EINVAL;
	rc = nsroot_netns_name(ns, sizeof(ns));
	if (rc)
		return rc;
	if ((size_t)snprintf(buf, len, "%s/%s.%s", dir ? dir : SYNC_STATE_DIR, ns,
			     role_name(role)) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int parse_line(const char *line, struct xlvs_sync_daemon *d)
{
	char role[8], ifname[32], group[64];
	unsigned int syncid, maxlen, port, ttl;
	int pid;

	if (sscanf(line, "%7s pid=%d mcast=%31s syncid=%u maxlen=%u group=%63s port=%u ttl=%u",
		   role, &pid, ifname, &syncid, &maxlen, group, &port, &ttl) != 8 ||
	    strlen(ifname) >= sizeof(d->ifname) || syncid > 255 || port > 65535 ||
	    ttl > 255 || pid <= 0)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->role = !strcmp(role, "master") ? XLVS_SYNC_MASTER :
		  !strcmp(role, "backup") ? XLVS_SYNC_BACKUP : 0;
	if (!d->role)
		return -EINVAL;
	d->pid = pid;
	strcpy(d->ifname, ifname);
	d->syncid = (uint8_t)syncid;
	d->maxlen = maxlen;
	d->port = (uint16_t)port;
	d->ttl = (uint8_t)ttl;
	if (inet_pton(AF_INET, group, d->group) == 1)
		d->group_af = 4;
	else if (inet_pton(AF_INET6, group, d->group) == 1)
		d->group_af = 6;
	else
		return -EINVAL;
	return 0;
}

int xlvs_sync_daemon_get(int role, struct xlvs_sync_daemon *d)
{
	char path[256], line[256], exe[64];
	FILE *f;
	int rc = xlvs_sync_daemon_path(role, path, sizeof(path));

	if (rc)
		return rc;
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	rc = fgets(line, sizeof(line), f) ? parse_line(line, d) : -EINVAL;
	fclose(f);
	if (rc || d->role != role)
		return 0;
	/* Only a live xlvs-syncd counts. */
	snprintf(exe, sizeof(exe), "/proc/%d/cmdline", d->pid);
	f = fopen(exe, "r");
	if (!f)
		return 0;
	rc = fread(line, 1, sizeof(line) - 1, f) > 0 && strstr(line, "xlvs-syncd") &&
	     xlvs_pid_runs(d->pid);
	fclose(f);
	return rc;
}

int xlvs_sync_daemon_put(const struct xlvs_sync_daemon *d)
{
	char path[256], tmp[300], group[64];
	FILE *f;
	int rc = xlvs_sync_daemon_path(d->role, path, sizeof(path));

	if (rc)
		return rc;
	if (!inet_ntop(d->group_af == 6 ? AF_INET6 : AF_INET, d->group, group, sizeof(group)))
		return -EINVAL;
	{
		char dir[256], *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash) {
			*slash = 0;
			mkdir("/run/xlvs", 0755);
			if (mkdir(dir, 0755) && errno != EEXIST)
				return -errno;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%s pid=%d mcast=%s syncid=%u maxlen=%u group=%s port=%u ttl=%u\n",
		role_name(d->role), d->pid, d->ifname, d->syncid, d->maxlen, group,
		d->port, d->ttl);
	if (fclose(f) || rename(tmp, path)) {
		rc = -errno;
		unlink(tmp);
	}
	return rc;
}

int xlvs_sync_daemon_clear(int role)
{
	char path[256];
	int rc = xlvs_sync_daemon_path(role, path, sizeof(path));

	if (rc)
		return rc;
	return unlink(path) && errno != ENOENT ? -errno : 0;
}
