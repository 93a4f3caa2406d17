/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expiry for the model tests (msvc.h): connections in chosen states expire
 * in the program (their timeouts set to 0, the kernel's sweeper frees them)
 * and in the model.
 */
#ifndef XLVS_TEST_MSVC_EXPIRE_H
#define XLVS_TEST_MSVC_EXPIRE_H

#include <stdbool.h>
#include <xlvs/table.h>

#include "msvc.h"

/* Every state's timeout huge, or 0 for the states in zero (NULL: none). */
void timeouts_write(const bool zero[XLVS_STATE_MAX]);
/* The table's default timeouts back. */
void timeouts_default(void);

/* Expire every connection in a state of S, in the program and the model
 * (nsvc services).  With replace, a new packet on one of the expiring
 * tuples of svcs[0] comes first, racing the sweeper. */
void expire(struct msvc *svcs, int nsvc, const bool S[XLVS_STATE_MAX],
	    bool replace);
/* Every connection: svcs (may be NULL) are told. */
void flush_all(struct msvc *svcs, int nsvc);

double now_s(void);

#endif
