/* heartbeat 3.0.6's acceptance of a sequenced packet from a known node
 * (heartbeat.c should_drop_message, heartbeat.md A.7): a lower generation
 * is a replay, a higher one a restart; within one generation a higher seq
 * is new, and the numbers it skipped are remembered as missing, to be
 * taken once if they come late (heartbeat sends some messages out of
 * order: an ask_resources "done" after the report numbered after it) or
 * are retransmitted on our request. */
#ifndef XLVS_FO_HB_ORDER_H
#define XLVS_FO_HB_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#define FO_MISSMAX 32		/* missing numbers remembered; a longer gap is a reset */
#define FO_REXMIT_TRIES 8	/* requests per missing number before we give it up */

enum fo_order {
	FO_ORD_FIRST,		/* first packet we see from it: taken */
	FO_ORD_NEXT,		/* seq == last + 1 */
	FO_ORD_GAP,		/* seq > last + 1: taken, the ones between missing */
	FO_ORD_LATE,		/* a missing one: taken */
	FO_ORD_RESTART,		/* higher generation: taken, seq tracking reset */
	FO_ORD_DUP,		/* seq <= last in this generation: dropped */
	FO_ORD_REPLAY,		/* lower generation: dropped */
};

struct fo_seqstate {
	bool seen;
	unsigned long hg, seq;
	unsigned nmiss;
	unsigned long miss[FO_MISSMAX];
	uint8_t tries[FO_MISSMAX];	/* NS_rexmit requests made for it */
};

/* Classifies (hg, seq) and, if it is taken, records it in st. */
enum fo_order fo_order_check(struct fo_seqstate *st, unsigned long hg, unsigned long seq);
static inline bool fo_order_taken(enum fo_order o)
{
	return o <= FO_ORD_RESTART;
}
/* Forgets a missing number (a NAK, or too many requests). */
void fo_order_forget(struct fo_seqstate *st, unsigned i);

#endif
