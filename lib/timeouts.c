// SPDX-License-Identifier: GPL-2.0
/*
 * Connection timeouts, as ipvsadm --set and -L --timeout see them: three
 * numbers for IPVS's ESTABLISHED, FIN_WAIT and UDP states.  They live in the
 * table's meta record, which the XDP program and the expiry timer read for
 * every connection, so a change applies to every connection at once.
 */
#include <errno.h>
#include <bpf/bpf.h>
#include "internal.h"

int xlvs_timeouts_set(struct xlvs_table *t, uint32_t tcp, uint32_t tcpfin,
		      uint32_t udp)
{
	struct xlvs_meta m;
	uint32_t zero = 0;

	/* Re-read under the writers' lock: another editor may have changed it. */
	if (bpf_map_lookup_elem(t->meta_fd, &zero, &m))
		return -errno;
	if (tcp)
		m.timeout[XLVS_TCP_ESTABLISHED] = tcp;
	if (tcpfin)
		m.timeout[XLVS_TCP_FIN_WAIT] = tcpfin;
	if (udp)
		m.timeout[XLVS_UDP_STATE] = udp;
	if (bpf_map_update_elem(t->meta_fd, &zero, &m, BPF_EXIST))
		return -errno;
	t->meta = m;
	return 0;
}

void xlvs_timeouts_get(const struct xlvs_table *t, uint32_t *tcp,
		       uint32_t *tcpfin, uint32_t *udp)
{
	*tcp = t->meta.timeout[XLVS_TCP_ESTABLISHED];
	*tcpfin = t->meta.timeout[XLVS_TCP_FIN_WAIT];
	*udp = t->meta.timeout[XLVS_UDP_STATE];
}
