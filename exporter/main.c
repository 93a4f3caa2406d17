// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-exporter: this network namespace's xlvs table, and what
 * xlvs-healthd and xlvs-failoverd say, served read-only over HTTP as
 * Prometheus metrics (/metrics) and a status page (/).  In the
 * foreground, logging to stderr; TERM or INT stop it.  It holds nothing
 * between requests: each opens the table read-only (lib/table.c,
 * XLVS_OPEN_READONLY), reads it and closes it, so a table made, emptied
 * or unloaded meanwhile is simply what the next request sees.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "http.h"

/* libxlvs's messages (an unusable table's cause), once each in a row:
 * every scrape would say it again. */
static void log_once(const char *msg)
{
	static char last[512];

	if (!strncmp(last, msg, sizeof(last) - 1))
		return;
	snprintf(last, sizeof(last), "%s", msg);
	fprintf(stderr, "xlvs-exporter: %s\n", msg);
}

static void on_stop(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig;
	(void)ev;
	event_base_loopexit(arg, NULL);
}

int main(int argc, char **argv)
{
	struct event *term = NULL, *intr = NULL;
	struct event_base *base;
	struct http *h;
	struct cli o;
	int rc;

	rc = cli_parse(argc, argv, &o, stderr);
	if (rc)
		return rc == 1 ? 0 : 2;
	xlvs_set_log(log_once);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (!base) {
		fprintf(stderr, "xlvs-exporter: cannot make an event loop\n");
		return 1;
	}
	h = http_start(base, &o);
	if (!h) {
		event_base_free(base);
		return 1;
	}
	term = evsignal_new(base, SIGTERM, on_stop, base);
	intr = evsignal_new(base, SIGINT, on_stop, base);
	if (!term || !intr || event_add(term, NULL) || event_add(intr, NULL)) {
		fprintf(stderr, "xlvs-exporter: cannot catch signals\n");
		rc = 1;
	} else {
		for (size_t i = 0; i < o.nlisten; i++) {
			char ep[80];

			xlvs_endpoint_format(&o.listen[i], ep, sizeof(ep));
			fprintf(stderr, "xlvs-exporter: listening on http://%s/ (/metrics, /)\n", ep);
		}
		rc = event_base_dispatch(base) < 0;
	}
	if (term)
		event_free(term);
	if (intr)
		event_free(intr);
	http_free(h);
	event_base_free(base);
	return rc;
}
