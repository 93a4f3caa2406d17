// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a network namespace's table.
 *
 * IPVS keeps one table per network namespace; so do we, pinned under
 * /sys/fs/bpf/xlvs/netns-<inode>-<cookie>/.  `ip netns exec` gives each
 * command a private mount namespace with a fresh /sys, where the host's
 * bpffs is not mounted and anything mounted there vanishes with the command.
 * So every path operation on the pins happens in the host's mount namespace,
 * which outlives every command; the map fds we take there stay valid after
 * we switch back.  XLVS_PIN_ROOT (a directory on a bpffs) overrides
 * this for setups without access to PID 1's namespace.  Where PID 1's is
 * closed to us, the host's is found through our ancestors, and noted at
 * start (XLVS_HOST_MNTNS) for a daemon that will have none.
 *
 * The netns cookie is never reused while the system runs, so two namespaces'
 * tables cannot mix; the inode in the name lets a sweep spot dead ones.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "internal.h"

#define BPFFS_MAGIC 0xcafe4a11
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

/*
 * Where the host's namespace was found: PID 1's (so it is the host's for
 * sure), the one XLVS_HOST_MNTNS names (found by an ancestor that was sure
 * enough), an ancestor's, or only our own.  Only the first may get a bpffs
 * mounted: in any other, a missing bpffs more likely means we are stuck in
 * a private namespace (a daemon under `ip netns exec` whose parents have
 * exited), where a new one would hold a second, invisible table.
 */
enum host_how { HOST_PID1, HOST_ENV, HOST_ANCESTOR, HOST_SELF };
static enum host_how host_how = HOST_SELF;

#define HOST_ENV_NAME "XLVS_HOST_MNTNS"

/* Any process's mount namespace that is the one XLVS_HOST_MNTNS names
 * ("<dev>:<inode>:<sure>" of its nsfs file, sure when it was PID 1's,
 * which may then get a bpffs): found again through whoever still
 * lives there, so a daemon whose parents have exited keeps its way home. */
static int host_env_open(void)
{
	const char *v = getenv(HOST_ENV_NAME);
	unsigned long long dev, ino;
	char path[300];
	struct dirent *de;
	struct stat st;
	int fd = -1, sure = 0;
	DIR *d;

	if (!v || sscanf(v, "%llu:%llu:%d", &dev, &ino, &sure) < 2)
		return -1;
	d = opendir("/proc");
	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (fstat(fd, &st) || st.st_dev != dev ||
				st.st_ino != ino)) {
			close(fd);
			fd = -1;
		}
	}
	closedir(d);
	if (fd >= 0 && sure == 1)
		host_how = HOST_PID1;
	return fd;
}

/* Our oldest ancestor's mount namespace we may open (`ip netns exec` is
 * always run from a process in the host's namespace); our own if none. */
static int host_ancestor_open(void)
{
	char path[64];
	pid_t pid = getppid();
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC), cand;

	host_how = HOST_SELF;
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
		cand = open(path, O_RDONLY | O_CLOEXEC);
		if (cand >= 0) {
			if (fd >= 0)
				close(fd);
			fd = cand;
			host_how = HOST_ANCESTOR;
		}
		pid = parent_of(pid);
	}
	return fd;
}

/* The id of the mount at "/" in a process's namespace.  Mount ids are
 * unique system-wide and a copied namespace gets new ones, so two processes
 * see the same root mount id only when they share a mount namespace. */
static int root_mount_id(pid_t pid)
{
	char path[64], line[4096], mp[256];
	int id = -1, n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..."; spaces in names are \040 */
	while (id < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %*d %*s %*s %255s", &n, mp) == 2 &&
		    strcmp(mp, "/") == 0)
			id = n;
	fclose(f);
	return id;
}

/* PID 1's namespace through a process that shares it, where a sandbox hides
 * PID 1's ns file but not its mountinfo: we, or one of our ancestors. */
static int pid1_ns_via_mountinfo(void)
{
	int want = root_mount_id(1), depth = 0;
	char path[64];
	pid_t pid = getpid();

	if (want < 0)
		return -1;
	for (; pid > 1 && depth < 64; depth++, pid = parent_of(pid)) {
		if (root_mount_id(pid) != want)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
		return open(path, O_RDONLY | O_CLOEXEC);
	}
	return -1;
}

/* The host's mount namespace: PID 1's where we may open it or find a
 * process in it (some sandboxes hide it), else the remembered one, else
 * through our ancestors. */
static int host_mnt_find(void)
{
	int fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);

	host_how = HOST_PID1;
	if (fd < 0)
		fd = pid1_ns_via_mountinfo();
	if (fd >= 0)
		return fd;
	host_how = HOST_ENV;
	fd = host_env_open();
	if (fd >= 0)
		return fd;
	return host_ancestor_open();
}

/* PID 1's namespace, once found, is kept open: where its ns file is closed
 * to us every path operation on the pins read two or more mountinfo files
 * (or walked /proc) to find it again, a few times per real-server edit, and
 * stopping 5,000 servers spent a fifth of its time there.  The kept
 * descriptor is checked against the namespace's identity before each use,
 * in case someone closed it under us.  A weaker find (an ancestor's, our
 * own) is not kept: a later one may do better. */
static int host_cache_fd = -1;
static struct stat host_cache_st;

static int host_mnt_open(void)
{
	struct stat st;
	int fd;

	if (host_cache_fd >= 0) {
		if (fstat(host_cache_fd, &st) == 0 &&
		    st.st_dev == host_cache_st.st_dev &&
		    st.st_ino == host_cache_st.st_ino) {
			host_how = HOST_PID1;
			return fcntl(host_cache_fd, F_DUPFD_CLOEXEC, 0);
		}
		host_cache_fd = -1;    /* not ours any more: never closed here */
	}
	fd = host_mnt_find();
	if (fd >= 0 && host_how == HOST_PID1 && fstat(fd, &host_cache_st) == 0)
		host_cache_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return fd;
}

/*
 * Remember the host's namespace while our parents still live, before main()
 * can fork and let them go: children (a daemon, what it executes) inherit
 * the note.  Only from PID 1 or an ancestor in another namespace than ours:
 * our own proves nothing (we may be a daemon already).
 */
__attribute__((constructor)) static void nsroot_remember(void)
{
	char buf[48];
	struct stat st, self;
	int fd;

	if (getenv("XLVS_PIN_ROOT") || getenv(HOST_ENV_NAME))
		return;
	fd = host_mnt_open();
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && stat("/proc/self/ns/mnt", &self) == 0 &&
	    (host_how == HOST_PID1 || (host_how == HOST_ANCESTOR &&
	     (st.st_ino != self.st_ino || st.st_dev != self.st_dev)))) {
		snprintf(buf, sizeof(buf), "%llu:%llu:%d",
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino, host_how == HOST_PID1);
		setenv(HOST_ENV_NAME, buf, 0);
	}
	close(fd);
}

static int same_ns_fd(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) || fstat(b, &sb))
		return -errno;
	return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

int nsroot_enter(struct nsroot_guard *g)
{
	int host_fd = -1, rc;

	g->orig_mnt_fd = -1;
	g->cwd_fd = -1;
	if (getenv("XLVS_PIN_ROOT"))
		return 0;
	g->orig_mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	host_fd = host_mnt_open();
	if (g->orig_mnt_fd < 0 || host_fd < 0) {
		rc = -errno;
		goto fail;
	}
	rc = same_ns_fd(g->orig_mnt_fd, host_fd);
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		close(host_fd);
		close(g->orig_mnt_fd);
		g->orig_mnt_fd = -1;
		return 0;
	}
	g->cwd_fd = open(".", O_PATH | O_CLOEXEC);
	if (setns(host_fd, CLONE_NEWNS)) {
		rc = -errno;
		goto fail;
	}
	close(host_fd);
	return 0;
fail:
	if (host_fd >= 0)
		close(host_fd);
	nsroot_leave(g);
	return rc;
}

void nsroot_leave(struct nsroot_guard *g)
{
	if (g->orig_mnt_fd >= 0) {
		/* Failing to return would leave us in the host's namespace: the
		 * worst outcome is a later relative path resolving there. */
		if (setns(g->orig_mnt_fd, CLONE_NEWNS) == 0 && g->cwd_fd >= 0 &&
		    fchdir(g->cwd_fd))
			xlvs_logf("cannot return to the working directory");
		close(g->orig_mnt_fd);
	}
	if (g->cwd_fd >= 0)
		close(g->cwd_fd);
	g->orig_mnt_fd = g->cwd_fd = -1;
}

static int ensure_bpffs(const char *mnt)
{
	struct statfs st;

	if (statfs(mnt, &st) == 0 && st.f_type == BPFFS_MAGIC)
		return 0;
	if (host_how != HOST_PID1) {
		xlvs_logf("no bpf filesystem on %s in what should be the host's "
			  "mount namespace (PID 1's is closed to us, and no "
			  "ancestor or %s led to one): refusing to make a "
			  "second table; mount one there or set XLVS_PIN_ROOT",
			  mnt, HOST_ENV_NAME);
		return -ENOENT;
	}
	if (mount("bpf", mnt, "bpf", 0, "mode=0700")) {
		xlvs_logf("cannot mount a bpf filesystem on %s: %s", mnt,
			  strerror(errno));
		return -errno;
	}
	return 0;
}

int nsroot_tables_dir(char *buf, size_t len)
{
	const char *root = getenv("XLVS_PIN_ROOT");
	int rc;

	if (!root) {
		rc = ensure_bpffs("/sys/fs/bpf");
		if (rc)
			return rc;
		root = "/sys/fs/bpf/xlvs";
	}
	if (mkdir(root, 0700) && errno != EEXIST)
		return -errno;
	if ((size_t)snprintf(buf, len, "%s", root) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int nsroot_netns_name(char *buf, size_t len)
{
	uint64_t cookie = 0;
	socklen_t sl = sizeof(cookie);
	struct stat st;
	int fd, rc = 0;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &sl))
		rc = -errno;
	close(fd);
	if (rc)
		return rc;
	if ((size_t)snprintf(buf, len, "netns-%llu-%llu",
			     (unsigned long long)st.st_ino,
			     (unsigned long long)cookie) >= len)
		return -ENAMETOOLONG;
	return 0;
}
