// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "sys.h"

static int proc_path(const char *name, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "/proc/sys/%s", name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int rs_sysctl_get(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, rc = proc_path(name, path, sizeof(path));

	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return 0;
}

int rs_sysctl_set(const char *name, const char *value)
{
	char path[PATH_MAX];
	size_t len = strlen(value);
	int fd, rc = proc_path(name, path, sizeof(path));

	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = write(fd, value, len) == (ssize_t)len ? 0 : -errno;
	close(fd);
	return rc;
}

/* Interface names may hold dots; sysctl(8) then shows them as slashes. */
const char *rs_sysctl_dotted(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		buf[i] = name[i] == '/' ? '.' : name[i] == '.' ? '/' : name[i];
	buf[i] = 0;
	return buf;
}

static bool module_present(const char *module)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	return !stat(path, &st);
}

bool rs_kernel_has(const char *module)
{
	static const char *const modprobes[] = { "/sbin/modprobe",
		"/usr/sbin/modprobe" };
	int status;
	pid_t pid;

	if (module_present(module))
		return true;
	for (unsigned int i = 0; i < 2; i++) {
		if (access(modprobes[i], X_OK))
			continue;
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
			execl(modprobes[i], "modprobe", "-q", "--", module,
			      (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
		break;
	}
	return module_present(module);
}
