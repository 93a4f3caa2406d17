// SPDX-License-Identifier: GPL-2.0
/*
 * The mysql negotiate check, as ldirectord 4.12's check_mysql (its
 * check_sql through DBI and DBD::mysql): connect to database as login with
 * passwd, run the request (its leading "/" dropped) and pass when it
 * returns at least one row (DBI's rows: the rows of a result set, else the
 * rows a statement affected).  Without a login or a request the check
 * fails at once, as ldirectord's does.
 *
 * libmariadb's non-blocking API does the talking: each *_start / *_cont
 * call says what the socket must wait for, and we wait for it on the
 * loop.  One difference from ldirectord, on purpose: it executes the
 * request twice (once for errors, once to count the rows); we execute it
 * once, which gives the same answer for the SELECTs a check runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include <mariadb/mysql.h>

#include "check_int.h"
#include "check_proto2.h"

enum myck_step { MYCK_CONNECT, MYCK_QUERY, MYCK_STORE, MYCK_DONE };

struct myck_chk {
	struct hd_check *c;
	MYSQL *my;
	MYSQL *conn;            /* mysql_real_connect's answer */
	MYSQL_RES *res;
	struct event *ev;
	enum myck_step step;
	int err;
	char host[INET6_ADDRSTRLEN];
};

static void myck_on_event(evutil_socket_t fd, short what, void *arg);

/* Waits on the loop for what libmariadb asked (MYSQL_WAIT_*). */
static void myck_wait(struct myck_chk *m, int status)
{
	short what = 0;

	if (status & MYSQL_WAIT_READ)
		what |= EV_READ;
	if (status & MYSQL_WAIT_WRITE)
		what |= EV_WRITE;
	if (m->ev)
		event_free(m->ev);
	/* A bare MYSQL_WAIT_TIMEOUT (libmariadb's own timers, which we do not
	 * set) is left to the check's timeout. */
	m->ev = event_new(m->c->ck->base, what ? mysql_get_socket(m->my) : -1,
			  what, myck_on_event, m);
	if (!m->ev || (what && event_add(m->ev, NULL) < 0))
		hd_check_finish(m->c, false, "out of memory");
}

static int myck_ready(short what)
{
	int ready = 0;

	if (what & EV_READ)
		ready |= MYSQL_WAIT_READ;
	if (what & EV_WRITE)
		ready |= MYSQL_WAIT_WRITE;
	return ready;
}

/* One step of the current operation: its status (0: done). */
static int myck_call(struct myck_chk *m, bool first, int ready)
{
	const struct hd_check_target *t = &m->c->t;
	const char *q = hd_request_body(t->request);

	switch (m->step) {
	case MYCK_CONNECT:
		if (first)
			return mysql_real_connect_start(&m->conn, m->my,
				m->host, t->login,
				t->passwd, t->database && *t->database ?
				t->database : NULL, hd_check_port(t), NULL, 0);
		return mysql_real_connect_cont(&m->conn, m->my, ready);
	case MYCK_QUERY:
		if (first)
			return mysql_real_query_start(&m->err, m->my, q,
						      strlen(q));
		return mysql_real_query_cont(&m->err, m->my, ready);
	case MYCK_STORE:
		if (first)
			return mysql_store_result_start(&m->res, m->my);
		return mysql_store_result_cont(&m->res, m->my, ready);
	case MYCK_DONE:
		break;
	}
	return 0;
}

/* The current operation has ended: judge it, and start the next. */
static bool myck_next(struct myck_chk *m)
{
	my_ulonglong rows;

	switch (m->step) {
	case MYCK_CONNECT:
		if (!m->conn) {
			hd_check_finish(m->c, false, "Failed to bind: %s",
					mysql_error(m->my));
			return false;
		}
		break;
	case MYCK_QUERY:
		if (m->err) {
			hd_check_finish(m->c, false,
					"Error executing statement: %s",
					mysql_error(m->my));
			return false;
		}
		break;
	case MYCK_STORE:
		if (!m->res && mysql_field_count(m->my)) {
			hd_check_finish(m->c, false,
					"Error executing statement: %s",
					mysql_error(m->my));
			return false;
		}
		rows = m->res ? mysql_num_rows(m->res) :
			mysql_affected_rows(m->my);
		m->step = MYCK_DONE;      /* the connection is idle again */
		if (rows == 0 || rows == (my_ulonglong)-1)
			hd_check_finish(m->c, false, "no rows returned");
		else
			hd_check_finish(m->c, true, "%s", "");
		return false;
	case MYCK_DONE:
		return false;
	}
	m->step++;
	return true;
}

/* Runs operations until one must wait or the check ends. */
static void myck_run(struct myck_chk *m, bool first, int ready)
{
	for (;;) {
		int status = myck_call(m, first, ready);

		if (status) {
			myck_wait(m, status);
			return;
		}
		if (!myck_next(m))
			return;
		first = true;
	}
}

static void myck_on_event(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	myck_run(arg, false, myck_ready(what));
}

static void myck_host(const struct xlvs_endpoint *ep, char *buf,
		      size_t len)
{
	inet_ntop(ep->af == 6 ? AF_INET6 : AF_INET, ep->addr, buf, len);
}

static int myck_start(struct hd_check *c)
{
	struct myck_chk *m;

	if (hd_sql_unasked(c))
		return 0;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->my = mysql_init(NULL);
	if (!m->my) {
		free(m);
		return -ENOMEM;
	}
	/* Without it the *_start calls would block: no check then. */
	if (mysql_options(m->my, MYSQL_OPT_NONBLOCK, 0)) {
		mysql_close(m->my);
		free(m);
		return -ENOMEM;
	}
	m->c = c;
	myck_host(&c->t.rip, m->host, sizeof(m->host));
	c->priv = m;
	myck_run(m, true, 0);
	return 0;
}

static void myck_stop(struct hd_check *c)
{
	struct myck_chk *m = c->priv;

	if (!m)
		return;
	if (m->ev)
		event_free(m->ev);
	if (m->res)
		mysql_free_result(m->res);      /* all stored: no network */
	/* Cut short, the connection cannot say goodbye: shut the socket so
	 * mysql_close's COM_QUIT fails at once instead of waiting. */
	if (m->step != MYCK_DONE && mysql_get_socket(m->my) >= 0)
		shutdown(mysql_get_socket(m->my), SHUT_RDWR);
	mysql_close(m->my);
	free(m);
	c->priv = NULL;
}

const struct hd_check_ops hd_svc_mysql_ops = {
	.name = "mysql", .start = myck_start, .stop = myck_stop,
};
