// SPDX-License-Identifier: GPL-2.0
/*
 * Removing the tables of network namespaces that are gone.  A table's pins
 * outlive its namespace (they live in the host's bpffs), so a deleted
 * namespace would leave its maps, a hundred megabytes or more, behind.
 * When a new table is made, every table whose namespace no process, open
 * file or mount still holds is removed.  A namespace is alive while one of
 * those refers to it, so this never removes a live table.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "internal.h"

struct ino_set {
	unsigned long long *v;
	size_t n, cap;
};

static int ino_add(struct ino_set *s, unsigned long long ino)
{
	if (s->n == s->cap) {
		unsigned long long *g;

		s->cap = s->cap ? s->cap * 2 : 256;
		g = realloc(s->v, s->cap * sizeof(*g));
		if (!g)
			return -ENOMEM;
		s->v = g;
	}
	s->v[s->n++] = ino;
	return 0;
}

static bool ino_has(const struct ino_set *s, unsigned long long ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == ino)
			return true;
	return false;
}

/* "net:[N]", as /proc/PID/fd links and nsfs mounts name a namespace. */
static void add_if_netns(struct ino_set *s, const char *name)
{
	unsigned long long ino;

	if (sscanf(name, "net:[%llu]", &ino) == 1)
		ino_add(s, ino);
}

static void scan_fds(struct ino_set *s, const char *pid)
{
	char dir[300], link[600], target[64];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		ssize_t n;

		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			add_if_netns(s, target);
		}
	}
	if (d)
		closedir(d);
}

static int scan_procs(struct ino_set *s)
{
	char path[300];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", e->d_name);
		if (stat(path, &st) == 0)
			ino_add(s, st.st_ino);
		scan_fds(s, e->d_name);
	}
	closedir(d);
	return 0;
}

/* nsfs bind mounts (/run/netns/NAME and the like): mountinfo's 4th field. */
static void scan_mounts(struct ino_set *s)
{
	char line[4096], root[256];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %255s", root) == 1)
			add_if_netns(s, root);
	if (f)
		fclose(f);
}

static void table_remove(const char *path)
{
	loader_remove(path);
}

/* Called with the host's mount namespace entered. */
void tables_gc(const char *root)
{
	netns_gc(root, table_remove);
}

void netns_gc(const char *root, void (*remove)(const char *path))
{
	struct ino_set live = { 0 };
	unsigned long long ino, cookie;
	char path[512];
	struct dirent *e;
	DIR *d;

	if (scan_procs(&live))
		goto out;       /* cannot tell what is alive: remove nothing */
	scan_mounts(&live);
	d = opendir(root);
	while (d && (e = readdir(d))) {
		if (sscanf(e->d_name, "netns-%llu-%llu", &ino, &cookie) != 2 ||
		    ino_has(&live, ino))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		remove(path);
	}
	if (d)
		closedir(d);
out:
	free(live.v);
}
