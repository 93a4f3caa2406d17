// SPDX-License-Identifier: GPL-2.0
/*
 * Connection timeouts, as ipvsadm --set and -L --timeout see them: three
 * numbers for IPVS's ESTABLISHED, FIN_WAIT and UDP states.  They live in the
 * table's meta record, which the XDP program and the expiry timer read for
 * every connection, so a change applies to every connection at once.
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "internal.h"

/* IPVS's default timeouts (ip_vs_proto_tcp.c, ip_vs_proto_udp.c), seconds. */
static const uint32_t default_timeouts[XLVS_STATE_MAX] = {
	[XLVS_TCP_NONE] = 2,        [XLVS_TCP_ESTABLISHED] = 900,
	[XLVS_TCP_SYN_SENT] = 120,  [XLVS_TCP_SYN_RECV] = 60,
	[XLVS_TCP_FIN_WAIT] = 120,  [XLVS_TCP_TIME_WAIT] = 120,
	[XLVS_TCP_CLOSE] = 10,      [XLVS_TCP_CLOSE_WAIT] = 60,
	[XLVS_TCP_LAST_ACK] = 30,   [XLVS_TCP_LISTEN] = 120,
	[XLVS_TCP_SYNACK] = 120,    [XLVS_UDP_STATE] = 300,
};

void xlvs_meta_defaults(struct xlvs_meta *m, uint32_t conn_max)
{
	memset(m, 0, sizeof(*m));
	m->abi_version = XLVS_ABI_VERSION;
	m->conn_max = conn_max ? conn_max : XLVS_CONN_DEFAULT;
	memcpy(m->timeout, default_timeouts, sizeof(m->timeout));
	m->sysctl.conn_reuse_mode = 1;      /* IPVS's defaults; the rest 0 */
	m->sysctl.lblc_expiration = 24 * 60 * 60;
	m->sysctl.lblcr_expiration = 24 * 60 * 60;
}

int xlvs_timeouts_set(struct xlvs_table *t, uint32_t tcp, uint32_t tcpfin,
		      uint32_t udp)
{
	int rc = meta_reread(t);

	if (rc)
		return rc;
	if (tcp)
		t->meta.timeout[XLVS_TCP_ESTABLISHED] = tcp;
	if (tcpfin)
		t->meta.timeout[XLVS_TCP_FIN_WAIT] = tcpfin;
	if (udp)
		t->meta.timeout[XLVS_UDP_STATE] = udp;
	return meta_write(t);
}

void xlvs_timeouts_get(const struct xlvs_table *t, uint32_t *tcp,
		       uint32_t *tcpfin, uint32_t *udp)
{
	*tcp = t->meta.timeout[XLVS_TCP_ESTABLISHED];
	*tcpfin = t->meta.timeout[XLVS_TCP_FIN_WAIT];
	*udp = t->meta.timeout[XLVS_UDP_STATE];
}
