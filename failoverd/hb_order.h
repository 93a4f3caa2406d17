/* heartbeat 3.0.6's acceptance of a sequenced packet from a known node
 * (heartbeat.c should_drop_message, heartbeat.md A.7), without the
 * retransmission requests: a lower generation is a replay, a higher one a
 * restart; within one generation only a higher seq is new. */
#ifndef XLVS_FO_HB_ORDER_H
#define XLVS_FO_HB_ORDER_H

#include <stdbool.h>

enum fo_order {
	FO_ORD_FIRST,		/* first packet we see from it: taken */
	FO_ORD_NEXT,		/* seq == last + 1 */
	FO_ORD_GAP,		/* seq > last + 1: taken, packets were lost */
	FO_ORD_RESTART,		/* higher generation: taken, seq tracking reset */
	FO_ORD_DUP,		/* seq <= last in this generation: dropped */
	FO_ORD_REPLAY,		/* lower generation: dropped */
};

struct fo_seqstate {
	bool seen;
	unsigned long hg, seq;
};

/* Classifies (hg, seq) and, if it is taken, records it in st. */
enum fo_order fo_order_check(struct fo_seqstate *st, unsigned long hg, unsigned long seq);
static inline bool fo_order_taken(enum fo_order o)
{
	return o <= FO_ORD_RESTART;
}

#endif
