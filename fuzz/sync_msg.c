// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-syncd's decoder of IPVS sync messages
 * (syncd/sync_msg.c), which reads whatever any host in the multicast group
 * sends.  Invariants: it never reads past the datagram (ASan), a refused
 * datagram yields no entry, and every entry it accepts re-encodes, with
 * our encoder, into a message the decoder reads back to the same entries
 * (the flags as the backup keeps them, IP_VS_CONN_F_SYNC set).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sync_conn got[SYNC_MAX_CONNS], again[SYNC_MAX_CONNS];

static void same(const struct sync_conn *a, const struct sync_conn *b)
{
	size_t alen = a->af == 6 ? 16 : 4;

	if (a->af != b->af || a->protocol != b->protocol || a->state != b->state ||
	    a->flags != b->flags || a->cport != b->cport || a->vport != b->vport ||
	    a->dport != b->dport || a->timeout != b->timeout ||
	    memcmp(a->caddr, b->caddr, alen) || memcmp(a->vaddr, b->vaddr, alen) ||
	    memcmp(a->daddr, b->daddr, alen))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65535];
	uint8_t *copy = malloc(size ? size : 1);
	struct sync_msg m;
	int n, k = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);       /* exactly size bytes: ASan's bound */
	n = sync_msg_decode(copy, size, size ? data[0] % 3 : 0, got, SYNC_MAX_CONNS);
	free(copy);
	if (n < 0)
		return 0;
	if (n > SYNC_MAX_CONNS)
		abort();
	sync_msg_init(&m, buf, sizeof(buf), 0);
	for (int i = 0; i < n; i++) {
		struct sync_conn c = got[i];

		if (c.skip)
			continue;
		/* What a backup keeps of the flags (version 0 keeps them
		 * all), sequence data as read. */
		c.flags &= SYNC_F_BACKUP_MASK | SYNC_F_SYNC;
		if (!c.has_seq)
			c.flags &= ~(uint32_t)SYNC_F_SEQ_MASK;
		else if (!(c.flags & SYNC_F_SEQ_MASK))
			c.flags |= SYNC_F_IN_SEQ;
		got[k++] = c;
		if (sync_msg_add(&m, &c))
			abort();
	}
	if (sync_msg_decode(buf, m.len, 0, again, SYNC_MAX_CONNS) != k)
		abort();
	for (int i = 0; i < k; i++)
		same(&got[i], &again[i]);
	return 0;
}
