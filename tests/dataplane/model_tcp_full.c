// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS's TCP state machine with both directions (see model_tcp_full.h):
 * each function follows its kernel function statement for statement.
 */
#include "model_tcp_full.h"

#include <netinet/tcp.h>
#include <xlvs/table.h>

#include "model.h"

enum { NO = XLVS_TCP_NONE, ES = XLVS_TCP_ESTABLISHED, SS = XLVS_TCP_SYN_SENT,
       SR = XLVS_TCP_SYN_RECV, FW = XLVS_TCP_FIN_WAIT, TW = XLVS_TCP_TIME_WAIT,
       CL = XLVS_TCP_CLOSE, CW = XLVS_TCP_CLOSE_WAIT, LA = XLVS_TCP_LAST_ACK,
       LI = XLVS_TCP_LISTEN, SA = XLVS_TCP_SYNACK, NSTATES };

/* TCP_DIR_INPUT 0, TCP_DIR_OUTPUT 4, TCP_DIR_INPUT_ONLY 8: the row offset. */
enum { DIR_INPUT = 0, DIR_OUTPUT = 4, DIR_INPUT_ONLY = 8 };

/* tcp_states[] (not tcp_states_dos: secure_tcp is off), rows syn, fin,
 * ack, rst for each direction, columns in state order. */
static const uint8_t tcp_states[12][NSTATES] = {
	/*        NO  ES  SS  SR  FW  TW  CL  CW  LA  LI  SA */
	/* INPUT */
	/*syn*/ { SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR },
	/*fin*/ { CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW },
	/*ack*/ { ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
	/*rst*/ { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR },
	/* OUTPUT */
	/*syn*/ { SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR },
	/*fin*/ { TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW },
	/*ack*/ { ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES },
	/*rst*/ { CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL },
	/* INPUT-ONLY */
	/*syn*/ { SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR },
	/*fin*/ { CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW },
	/*ack*/ { ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES },
	/*rst*/ { CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL },
};

int mtf_state_idx(uint8_t f)
{
	if (f & TH_RST)
		return 3;
	if (f & TH_SYN)
		return 0;
	if (f & TH_FIN)
		return 1;
	if (f & TH_ACK)
		return 2;
	return -1;
}

uint8_t mtf_table(int dir_off, int idx, uint8_t state)
{
	return tcp_states[dir_off + idx][state];
}

/* tcp_state_active_table[] */
bool mtf_active(uint8_t st)
{
	if (m_mutate == 11)
		return st == ES;
	return st == ES || st == SS || st == SR || st == SA;
}

const char *mtf_state_name(uint8_t st)
{
	static const char *const names[NSTATES] = {
		"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT",
		"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
	};

	return st < NSTATES ? names[st] : "ERR!";
}

void mtf_bind(struct mtf_conn *c, struct mtf_dest *d, bool masq)
{
	c->live = true;
	c->state = NO;
	c->inactive = true;
	c->nooutput = !masq;
	if (!c->inactive)
		d->active++;
	else
		d->inactive++;
}

void mtf_unbind(struct mtf_conn *c, struct mtf_dest *d)
{
	if (c->inactive)
		d->inactive--;
	else
		d->active--;
	c->live = false;
}

void mtf_set_state(struct mtf_conn *c, struct mtf_dest *d, enum mtf_dir dir,
		   uint8_t flags)
{
	int off = dir == MTF_OUT ? DIR_OUTPUT : DIR_INPUT;
	int idx = mtf_state_idx(flags);
	uint8_t next = CL;

	if (m_mutate == 40 && !c->nooutput) {
		if (dir == MTF_OUT)
			return;
		off = DIR_INPUT_ONLY;
	}
	if (c->nooutput) {
		if (off == DIR_OUTPUT)
			c->nooutput = false;
		else
			off = DIR_INPUT_ONLY;
	}
	if (idx < 0) {
		if (m_mutate == 41)
			return;
	} else {
		next = tcp_states[off + idx][c->state];
	}
	if (next != c->state) {
		if (!c->inactive && !mtf_active(next)) {
			d->active--;
			d->inactive++;
			c->inactive = true;
		} else if (c->inactive && mtf_active(next)) {
			d->active++;
			d->inactive--;
			c->inactive = false;
		}
	}
	c->state = next;
}

bool mtf_new_conn_expected(const struct mtf_conn *c, uint32_t mode)
{
	return c->state == TW || c->state == CL ||
	       ((mode & 2) && c->state == FW && (c->nooutput || m_mutate == 42));
}

enum mtf_verdict mtf_in(struct mtf_conn *c, struct mtf_dest *d, bool masq,
			uint8_t flags, uint32_t mode)
{
	bool had = c->live, resched = false;

	/* is_new_conn: th->syn, whatever else is set. */
	if ((flags & TH_SYN) && c->live && mode && mtf_new_conn_expected(c, mode)) {
		mtf_unbind(c, d);       /* ip_vs_conn_expire_now */
		resched = true;
	}
	if (!c->live) {
		/* tcp_conn_schedule: rst, or no syn (sloppy_tcp 0), makes none. */
		if ((flags & TH_RST) || !(flags & TH_SYN))
			return resched ? MTF_GONE : MTF_NO_CONN;
		mtf_bind(c, d, masq);
	}
	mtf_set_state(c, d, MTF_IN, flags);
	if (resched)
		return MTF_RESCHED;
	return had ? MTF_FORWARDED : MTF_NEW;
}

enum mtf_verdict mtf_out(struct mtf_conn *c, struct mtf_dest *d, uint8_t flags)
{
	if (!c->live)
		return MTF_NO_MATCH;
	mtf_set_state(c, d, MTF_OUT, flags);
	return MTF_REPLIED;
}
