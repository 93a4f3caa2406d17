/* The daemon's end of the control socket: a client (xlvs-failoverd
 * status|reload) connects to RUNDIR/...sock, writes one line, "status" or
 * "reload", and reads the answer to EOF: the status text, or "ok" or
 * the reload's errors (file:line) and "refused".  SIGHUP reloads too, as
 * heartbeat's does, its outcome in the log. */
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

static void answer(struct fo_daemon *dm, int fd)
{
	static char out[FO_DIAGLEN + 4096];
	static struct fo_diag d;
	struct timeval tmo = { 0, 500000 };
	char line[32] = "";
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	n = read(fd, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = 0;
	line[strcspn(line, "\r\n")] = 0;
	if (strcmp(line, "status") == 0) {
		fo_status_text(dm, out, sizeof(out));
	} else if (strcmp(line, "reload") == 0) {
		fo_diag_init(&d);
		if (fo_reload(dm, &d) == 0)
			snprintf(out, sizeof(out), "%sok\n", d.text);
		else
			snprintf(out, sizeof(out), "%srefused: the running configuration is kept\n",
				 d.text);
	} else {
		snprintf(out, sizeof(out), "unknown request [%s]\n", line);
	}
	for (size_t off = 0, len = strlen(out); off < len;) {
		ssize_t w = write(fd, out + off, len - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

static void on_accept(evutil_socket_t lfd, short ev, void *arg)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	(void)ev;
	if (fd < 0)
		return;
	answer(arg, fd);
	close(fd);
}

static void on_hup(evutil_socket_t sig, short ev, void *arg)
{
	static struct fo_diag d;

	(void)sig;
	(void)ev;
	fo_log("info: SIGHUP: reloading the configuration");
	fo_diag_init(&d);
	fo_reload(arg, &d);
}

int fo_ctl_open(struct fo_daemon *dm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct fo_run *r = &dm->run;
	int fd;

	r->ctl_fd = -1;
	if ((r->hup_ev = evsignal_new(dm->base, SIGHUP, on_hup, dm)))
		event_add(r->hup_ev, NULL);
	if (!r->sock_path[0])
		return 0;
	if (strlen(r->sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, r->sock_path, strlen(r->sock_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return -errno;
	unlink(r->sock_path);		/* a killed run's; the pid file said none runs */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(r->sock_path, 0600) < 0 ||
	    listen(fd, 8) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	r->ctl_fd = fd;
	if (!(r->ctl_ev = event_new(dm->base, fd, EV_READ | EV_PERSIST, on_accept, dm)) ||
	    event_add(r->ctl_ev, NULL))
		return -ENOMEM;
	return 0;
}

void fo_ctl_close(struct fo_daemon *dm)
{
	struct fo_run *r = &dm->run;

	if (r->ctl_ev)
		event_free(r->ctl_ev);
	if (r->hup_ev)
		event_free(r->hup_ev);
	r->ctl_ev = r->hup_ev = NULL;
	if (r->ctl_fd >= 0) {
		close(r->ctl_fd);
		unlink(r->sock_path);
	}
	r->ctl_fd = -1;
}
