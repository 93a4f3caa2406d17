/* SPDX-License-Identifier: GPL-2.0 */
/* xlvs-realserver's three commands; each returns the exit status. */
#ifndef XLVS_REALSERVER_CMD_H
#define XLVS_REALSERVER_CMD_H

#include "options.h"
#include "state.h"

int cmd_up(struct rs_opts *o, const char *state_path);
int cmd_down(const struct rs_opts *o, const char *state_path);
int cmd_status(const char *state_path);

/* Undo the records of s past the counts in keep (all of them when keep is
 * empty), newest first; a record that could not be undone stays in s.
 * The number that could not be undone. */
unsigned int rs_undo(struct rs_state *s, const struct rs_state *keep);

/* systemctl enable/disable xlvs-realserver.service when systemd runs:
 * 1 done, 0 no systemd, -1 failed. */
int rs_systemd_unit(bool enable);

void rs_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define RS_UNIT "xlvs-realserver.service"

#endif
