// SPDX-License-Identifier: GPL-2.0
/* Placeholder until https lands. */
#include "check_int.h"

void hd_tls_free(struct hd_checker *ck)
{
	(void)ck;
}
