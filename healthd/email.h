/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emailalert, as ldirectord's ld_emailalert_send and ld_emailalert_resend:
 * the table changes it mails about (Quiescent, Readd Quiescent, Deleted,
 * Restored, Added, Purged real/fallback server) are seen in the log lines
 * the table's edits write, in their order; a server that goes quiescent or
 * is deleted is mailed again ("Inaccessible real server: ...") every
 * emailalertfreq seconds until it is restored; emailalertstatus picks the
 * daemon states that mail.  The message goes to `sendmail -t` in a child
 * process the loop never waits for (killed after HD_EMAIL_TIMEOUT_S).
 * With smtp=HOST the child talks SMTP to HOST instead (email_smtp.c).
 */
#ifndef XLVS_HEALTHD_EMAIL_H
#define XLVS_HEALTHD_EMAIL_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "hd_model.h"

#define HD_EMAIL_TIMEOUT_S 30

/* What the daemon is doing now (HD_EMAIL_STARTING...): the mail's
 * Daemon-Status and emailalertstatus's filter. */
void hd_email_set_status(unsigned status);

/* A log line of the daemon: mails it when it is one of the table's
 * changes.  vs[i] is cfg->virtuals[i]. */
void hd_email_observe(const struct hd_config *cfg, const struct hd_vs *vs,
		      size_t nvs, const char *msg);
/* ld_emailalert_resend: the servers still down whose emailalertfreq has
 * passed, mailed again. */
void hd_email_resend(const struct hd_config *cfg, const struct hd_vs *vs,
		     size_t nvs, time_t now);
/* Forgets every pending repeat. */
void hd_email_reset(void);

/* The mail as ldirectord's Mail::Send writes it, into buf: headers (To,
 * From if set, Subject), a blank line, the body.  The subject gets
 * "[servicename] " in front when the virtual has one. */
int hd_email_format(char *buf, size_t len, const char *to, const char *from,
		    const char *subject, const char *servicename,
		    const char *comment, const char *host, unsigned status);

/* Blocking (run only in the bounded child): msg, as hd_email_format wrote
 * it, to HOST:25 for every address in to.  0 or -1. */
int hd_email_smtp_send(const char *host, const char *to, const char *from,
		       const char *msg);
/* Net::SMTP's sender in ldirectord: "user@hostname". */
void hd_email_smtp_from(char *buf, size_t len);

#endif
