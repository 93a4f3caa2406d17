/* After ha.cf is read: heartbeat 3.0.6's defaults and checks
 * (init_config), in its order, with its messages where it has them. */
#include <netdb.h>
#include <string.h>

#include "config_hacf_int.h"

#define HB_DEFAULT_UDPPORT 694

static void default_times(struct hacf_ctx *c)
{
	struct fo_hacf *cf = c->cf;

	if (!c->warntime_set)
		cf->warntime_ms = cf->deadtime_ms / 2;
	if (!c->initdead_set) {
		if (cf->deadtime_ms > 10000)
			cf->initdead_ms = cf->deadtime_ms;
		else if (cf->deadtime_ms < 6000)
			cf->initdead_ms = 12000;
		else
			cf->initdead_ms = 2 * cf->deadtime_ms;
	}
	if (!c->deadping_set)
		cf->deadping_ms = cf->deadtime_ms;
}

static void check_times(struct hacf_ctx *c)
{
	struct fo_hacf *cf = c->cf;

	if (cf->deadtime_ms <= 2 * cf->keepalive_ms)
		fo_diag_err(c->d, c->file, c->deadtime_line ? c->deadtime_line : c->keepalive_line,
			    "Dead time [%ld] is too small compared to keepalive [%ld]",
			    cf->deadtime_ms, cf->keepalive_ms);
	if (cf->initdead_ms < cf->deadtime_ms)
		fo_diag_err(c->d, c->file, c->initdead_line,
			    "Initial dead time [%ld] is smaller than deadtime [%ld]",
			    cf->initdead_ms, cf->deadtime_ms);
	else if (cf->initdead_ms < 10000)
		fo_diag_warn(c->d, c->file, c->initdead_line,
			     "Initial dead time [%ld ms] may be too small!", cf->initdead_ms);
	if (c->deadping_set && cf->deadping_ms <= 2 * cf->keepalive_ms)
		fo_diag_err(c->d, c->file, c->deadping_line,
			    "Ping dead time [%ld] is too small compared to keepalive [%ld]",
			    cf->deadping_ms, cf->keepalive_ms);
	/* Not a heartbeat check, but a warntime past deadtime never warns. */
	if (cf->warntime_ms >= cf->deadtime_ms)
		fo_diag_warn(c->d, c->file, 0, "warntime [%ld] is not below deadtime [%ld]",
			     cf->warntime_ms, cf->deadtime_ms);
}

static void default_port(struct hacf_ctx *c)
{
	struct fo_hacf *cf = c->cf;
	struct servent *s;

	if (!c->udpport_set) {
		s = getservbyname("ha-cluster", "udp");
		cf->udpport = s ? ntohs((uint16_t)s->s_port) : HB_DEFAULT_UDPPORT;
		endservent();
	}
	for (unsigned i = 0; i < cf->nmedia; i++)
		if (cf->media[i].kind != FO_MEDIA_MCAST)
			cf->media[i].port = cf->udpport;
}

void hacf_finish(struct hacf_ctx *c)
{
	struct fo_hacf *cf = c->cf;

	if (cf->nmedia < 1)
		fo_diag_err(c->d, c->file, 0, "No heartbeat media defined");
	if (cf->nnodes < 1)
		fo_diag_err(c->d, c->file, 0, "no nodes defined");
	default_times(c);
	check_times(c);
	default_port(c);
	if (cf->auto_failback == FO_FAILBACK_LEGACY)
		fo_diag_warn(c->d, c->file, 0, "Deprecated 'legacy' auto_failback option selected. "
			     "Please convert to 'auto_failback on'.");
	if (!c->logging_set) {
		fo_diag_warn(c->d, c->file, 0, "No log entry found in ha.cf -- use logd");
		cf->use_logd = true;
	}
}
