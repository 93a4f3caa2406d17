// SPDX-License-Identifier: GPL-2.0
/*
 * service=oracle: ldirectord's check_oracle goes through DBD::Oracle,
 * which needs Oracle's own client; Debian has no Oracle client library, so
 * xlvs-healthd refuses the service by name (the configuration says so too)
 * and a check of it, should one be started, fails saying why.
 */
#include "check_int.h"

static int oracle_start(struct hd_check *c)
{
	hd_check_finish(c, false, "service oracle is not supported");
	return 0;
}

const struct hd_check_ops hd_svc_oracle_ops = {
	.name = "oracle", .start = oracle_start,
};
