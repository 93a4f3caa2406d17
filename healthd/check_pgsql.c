// SPDX-License-Identifier: GPL-2.0
/*
 * The pgsql negotiate check, as ldirectord 4.12's check_pgsql (its
 * check_sql through DBI and DBD::Pg): connect to database (dbname) as
 * login with passwd, run the request (its leading "/" dropped) and pass
 * when it returns at least one row (DBI's rows: a result's tuples, else
 * the rows a command affected).  Without a login or a request the check
 * fails at once, as ldirectord's does.  libpq's other defaults (sslmode
 * prefer, ~/.pgpass, PG* variables) apply as they do under DBD::Pg.
 *
 * libpq's asynchronous API: PQconnectStartParams / PQconnectPoll, then
 * PQsendQuery, PQflush and PQconsumeInput as the socket allows.  The
 * socket can change while connecting (libpq retries without TLS), so each
 * wait asks PQsocket again.  Executed once, not twice as ldirectord does
 * (see check_mysql.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include <postgresql/libpq-fe.h>

#include "check_int.h"
#include "check_proto2.h"

enum pgck_step { PGCK_CONNECT, PGCK_SEND, PGCK_READ };

struct pgck_chk {
	struct hd_check *c;
	PGconn *pg;
	struct event *ev;
	enum pgck_step step;
	long rows;              /* of the last result, -1: none yet */
};

static void pgck_on_event(evutil_socket_t fd, short what, void *arg);

static void pgck_wait(struct pgck_chk *p, short what)
{
	if (p->ev)
		event_free(p->ev);
	p->ev = event_new(p->c->ck->base, PQsocket(p->pg), what, pgck_on_event,
			  p);
	if (!p->ev || event_add(p->ev, NULL) < 0)
		hd_check_finish(p->c, false, "out of memory");
}

/* libpq's messages run over lines (a hint, the query with a caret): the
 * log line takes the first. */
static void pgck_fail(struct pgck_chk *p, const char *what,
		      const char *msg)
{
	size_t n = strcspn(msg, "\n");

	while (n && msg[n - 1] == ' ')
		n--;
	hd_check_finish(p->c, false, "%s: %.*s", what, (int)n, msg);
}

static void pgck_connect_step(struct pgck_chk *p)
{
	const char *q = hd_request_body(p->c->t.request);

	switch (PQconnectPoll(p->pg)) {
	case PGRES_POLLING_READING:
		pgck_wait(p, EV_READ);
		return;
	case PGRES_POLLING_WRITING:
		pgck_wait(p, EV_WRITE);
		return;
	case PGRES_POLLING_OK:
		break;
	default:
		pgck_fail(p, "Failed to bind", PQerrorMessage(p->pg));
		return;
	}
	if (PQsetnonblocking(p->pg, 1) != 0 || !PQsendQuery(p->pg, q)) {
		pgck_fail(p, "Error executing statement",
			  PQerrorMessage(p->pg));
		return;
	}
	p->step = PGCK_SEND;
	pgck_wait(p, EV_WRITE);
}

/* One result: DBD::Pg's rows for it; false when it is an error. */
static bool pgck_result(struct pgck_chk *p, PGresult *res)
{
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
		p->rows = PQntuples(res);
		return true;
	case PGRES_COMMAND_OK:
		p->rows = strtol(PQcmdTuples(res), NULL, 10);
		return true;
	default:
		pgck_fail(p, "Error executing statement",
			PQresultErrorMessage(res));
		return false;
	}
}

static void pgck_read_step(struct pgck_chk *p)
{
	PGresult *res;

	if (!PQconsumeInput(p->pg)) {
		pgck_fail(p, "Error executing statement",
			  PQerrorMessage(p->pg));
		return;
	}
	while (!PQisBusy(p->pg)) {
		bool ok;

		res = PQgetResult(p->pg);
		if (!res) {
			if (p->rows > 0)
				hd_check_finish(p->c, true, "%s", "");
			else
				hd_check_finish(p->c, false,
						"no rows returned");
			return;
		}
		ok = pgck_result(p, res);
		PQclear(res);
		if (!ok)
			return;
	}
	pgck_wait(p, EV_READ);
}

static void pgck_on_event(evutil_socket_t fd, short what, void *arg)
{
	struct pgck_chk *p = arg;
	int n;

	(void)fd, (void)what;
	switch (p->step) {
	case PGCK_CONNECT:
		pgck_connect_step(p);
		return;
	case PGCK_SEND:
		n = PQflush(p->pg);
		if (n < 0) {
			pgck_fail(p, "Error executing statement",
				PQerrorMessage(p->pg));
		} else if (n > 0) {
			pgck_wait(p, EV_WRITE);
		} else {
			p->step = PGCK_READ;
			pgck_wait(p, EV_READ);
		}
		return;
	case PGCK_READ:
		pgck_read_step(p);
	}
}

static PGconn *pgck_connect(const struct hd_check_target *t)
{
	char host[INET6_ADDRSTRLEN], port[8];
	const char *keys[] = { "host", "port", "dbname", "user", "password",
			       NULL };
	const char *vals[] = { host, port, t->database, t->login, t->passwd,
			       NULL };

	inet_ntop(t->rip.af == 6 ? AF_INET6 : AF_INET, t->rip.addr, host,
		  sizeof(host));
	snprintf(port, sizeof(port), "%u", hd_check_port(t));
	/* NULL and "" values are libpq's defaults, as DBD::Pg's empty ones */
	return PQconnectStartParams(keys, vals, 0);
}

static int pgck_start(struct hd_check *c)
{
	struct pgck_chk *p;

	if (hd_sql_unasked(c))
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->pg = pgck_connect(&c->t);
	if (!p->pg) {
		free(p);
		return -ENOMEM;
	}
	p->c = c;
	p->rows = -1;
	c->priv = p;
	if (PQstatus(p->pg) == CONNECTION_BAD) {
		pgck_fail(p, "Failed to bind", PQerrorMessage(p->pg));
		return 0;
	}
	pgck_wait(p, EV_WRITE);   /* as libpq's manual says to begin */
	return 0;
}

static void pgck_stop(struct hd_check *c)
{
	struct pgck_chk *p = c->priv;

	if (!p)
		return;
	if (p->ev)
		event_free(p->ev);
	/* Its goodbye is sent only on a connection that is up, and then in
	 * non-blocking mode: PQfinish never waits. */
	PQfinish(p->pg);
	free(p);
	c->priv = NULL;
}

const struct hd_check_ops hd_svc_pgsql_ops = {
	.name = "pgsql", .start = pgck_start, .stop = pgck_stop,
};
