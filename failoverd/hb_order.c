/* See hb_order.h. */
#include "hb_order.h"

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
		return FO_ORD_DUP;
	else
		o = seq == st->seq + 1 ? FO_ORD_NEXT : FO_ORD_GAP;
	st->seen = true;
	st->hg = hg;
	st->seq = seq;
	return o;
}
