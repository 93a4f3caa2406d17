/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XLVSADM_RESTORE_CHECK_H
#define XLVSADM_RESTORE_CHECK_H

#include <stddef.h>
#include "cmd.h"

struct restore_line {
	struct cmd cmd;
	unsigned int lineno;
};

/* 0 if every line would succeed on the table snap describes; else prints
 * the first failure with its line number and returns 2. */
int restore_check(const struct xlvs_snapshot *snap,
		  const struct restore_line *lines, size_t n);

#endif
