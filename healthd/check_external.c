// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the external family lands. */
#include "check_int.h"

static int external_start(struct hd_check *c)
{
	hd_check_finish(c, false, "%s", "external not implemented yet");
	return 0;
}

const struct hd_check_ops hd_external_ops = { "external", external_start, NULL };
const struct hd_check_ops hd_external_perl_ops = { "external-perl",
						   external_start, NULL };

void hd_reapers_free(struct hd_checker *ck)
{
	(void)ck;
}
