/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven cases, as Katran's test fixtures: a description, an input
 * frame (spec + deliberate damage), the expected verdict, the expected
 * output frame (forwarded to a real server, or unchanged) and the counter
 * that must move.  Every case runs against the same table:
 *   TCP 10.0.0.100:80  rr -> 10.0.0.3 (DR, weight 1)
 *   UDP 10.0.0.100:53  rr -> 10.0.0.3 (DR, weight 1)
 */
#ifndef XLVS_TEST_CASES_H
#define XLVS_TEST_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xlvs/table.h>

#include "pkt.h"

#define CASE_TCP_PORT 80
#define CASE_UDP_PORT 53

struct dp_case {
	const char *desc;
	struct pkt_spec spec;           /* sport 0: a fresh port per run */
	struct pkt_mut mut[PKT_MUT_MAX];
	/* Forwarded: XDP_TX to this real server (HOST_RS1), counters
	 * PKTS_FWD and CONNS_NEW.  0: not forwarded, see below. */
	uint8_t to;
	uint32_t verdict;               /* when not forwarded: the verdict... */
	int counter;                    /* ...and the one counter that moves */
	/* The kernel refuses the frame (-EINVAL) before the program sees it. */
	bool rejected;
};

struct CMUnitTest;

/* Append one cmocka test per case to out[]; returns how many. */
size_t cases_register(struct CMUnitTest *out, size_t room,
		      const struct dp_case *c, size_t n);

#endif
