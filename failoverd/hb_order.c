/* See hb_order.h. */
#include <string.h>

#include "hb_order.h"

void fo_order_forget(struct fo_seqstate *st, unsigned i)
{
	if (i >= st->nmiss)
		return;
	st->nmiss--;
	st->miss[i] = st->miss[st->nmiss];
	st->tries[i] = st->tries[st->nmiss];
}

static bool take_missing(struct fo_seqstate *st, unsigned long seq)
{
	for (unsigned i = 0; i < st->nmiss; i++)
		if (st->miss[i] == seq) {
			fo_order_forget(st, i);
			return true;
		}
	return false;
}

static void add_missing(struct fo_seqstate *st, unsigned long from, unsigned long to)
{
	if (to - from + 1 > FO_MISSMAX) {
		st->nmiss = 0;		/* too many to ask for: start afresh */
		return;
	}
	for (unsigned long s = from; s <= to; s++) {
		if (st->nmiss == FO_MISSMAX)
			fo_order_forget(st, 0);
		st->miss[st->nmiss] = s;
		st->tries[st->nmiss++] = 0;
	}
}

enum fo_order fo_order_check(struct fo_seqstate *st, unsigned long hg, unsigned long seq)
{
	enum fo_order o;

	if (!st->seen)
		o = FO_ORD_FIRST;
	else if (hg < st->hg)
		return FO_ORD_REPLAY;
	else if (hg > st->hg)
		o = FO_ORD_RESTART;
	else if (seq <= st->seq)
		return take_missing(st, seq) ? FO_ORD_LATE : FO_ORD_DUP;
	else
		o = seq == st->seq + 1 ? FO_ORD_NEXT : FO_ORD_GAP;
	if (o == FO_ORD_FIRST || o == FO_ORD_RESTART)
		st->nmiss = 0;
	else if (o == FO_ORD_GAP)
		add_missing(st, st->seq + 1, seq - 1);
	st->seen = true;
	st->hg = hg;
	st->seq = seq;
	return o;
}
