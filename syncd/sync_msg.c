// SPDX-License-Identifier: GPL-2.0
/* IPVS's sync messages (sync_msg.h): the encoder and the decoder. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "sync_msg.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const char *sync_err_name(int err)
{
	static const char *const names[] = {
		[SYNC_E_SHORT] = "message header too short",
		[SYNC_E_SIZE] = "bogus message size",
		[SYNC_E_SYNCID] = "another syncid",
		[SYNC_E_TRUNCATED] = "an entry past the message's end",
		[SYNC_E_VERSION] = "an entry of an unknown version",
		[SYNC_E_ENTRY] = "an entry that does not decode",
		[SYNC_E_V0_BOGUS] = "a bogus version 0 entry",
	};

	if (err < 0)
		err = -err;
	return err > 0 && err < (int)(sizeof(names) / sizeof(names[0])) ? names[err] :
	       "unknown error";
}

void sync_msg_init(struct sync_msg *m, uint8_t *buf, size_t cap, uint8_t syncid)
{
	m->buf = buf;
	m->cap = cap > 65535 ? 65535 : cap;
	m->len = SYNC_MESG_HDR_LEN;
	m->nr_conns = 0;
	buf[0] = 0;                     /* reserved: version 0 readers drop it */
	buf[1] = syncid;
	put16(buf + 2, SYNC_MESG_HDR_LEN);
	buf[4] = 0;
	buf[5] = SYNC_PROTO_VER;
	put16(buf + 6, 0);
}

size_t sync_conn_size(const struct sync_conn *c)
{
	size_t len = c->af == 6 ? SYNC_V6_LEN : SYNC_V4_LEN;

	if (c->flags & SYNC_F_SEQ_MASK)
		len += SYNC_OPT_SEQ_LEN + 2;
	return len;
}

static uint8_t *put_seq(uint8_t *p, const struct sync_seq *s)
{
	put32(p, s->init_seq);
	put32(p + 4, s->delta);
	put32(p + 8, s->previous_delta);
	return p + 12;
}

int sync_msg_add(struct sync_msg *m, const struct sync_conn *c)
{
	size_t len = sync_conn_size(c), pad = (4 - m->len) & 3, alen = c->af == 6 ? 16 : 4;
	uint8_t *p;

	if (m->nr_conns >= SYNC_MAX_CONNS || m->len + pad + len > m->cap)
		return -ENOSPC;
	p = m->buf + m->len;
	memset(p, 0, pad);
	p += pad;
	p[0] = c->af == 6 ? 1 : 0;
	p[1] = c->protocol;
	put16(p + 2, (uint16_t)(len & 0x0fff));     /* version 0 */
	put32(p + 4, c->flags & ~(uint32_t)SYNC_F_HASHED);
	put16(p + 8, c->state);
	memcpy(p + 10, &c->cport, 2);
	memcpy(p + 12, &c->vport, 2);
	memcpy(p + 14, &c->dport, 2);
	put32(p + 16, c->fwmark);
	put32(p + 20, c->timeout);
	memcpy(p + 24, c->caddr, alen);
	memcpy(p + 24 + alen, c->vaddr, alen);
	memcpy(p + 24 + 2 * alen, c->daddr, alen);
	p += 24 + 3 * alen;
	if (c->flags & SYNC_F_SEQ_MASK) {
		p[0] = SYNC_OPT_SEQ_DATA;
		p[1] = SYNC_OPT_SEQ_LEN;
		p = put_seq(p + 2, &c->in_seq);
		put_seq(p, &c->out_seq);
	}
	m->len += pad + len;
	m->nr_conns++;
	m->buf[4] = (uint8_t)m->nr_conns;
	put16(m->buf + 2, (uint16_t)m->len);
	return 0;
}

static void get_seq(const uint8_t *p, struct sync_seq *s)
{
	s->init_seq = get32(p);
	s->delta = get32(p + 4);
	s->previous_delta = get32(p + 8);
}

/* The kernel's state check (ip_vs_proc_sync_conn, version 0 alike). */
static int state_skip(const struct sync_conn *c)
{
	unsigned int n;

	if (c->flags & SYNC_F_TEMPLATE)
		return c->state >= SYNC_TPL_STATES ? SYNC_SKIP_STATE : 0;
	switch (c->protocol) {
	case IPPROTO_TCP: n = SYNC_TCP_STATES; break;
	case IPPROTO_UDP: n = SYNC_UDP_STATES; break;
	case IPPROTO_SCTP: n = SYNC_SCTP_STATES; break;
	default: return SYNC_SKIP_PROTO;
	}
	return c->state >= n ? SYNC_SKIP_STATE : 0;
}

/* ip_vs_proc_sync_conn's options loop over [p, end): 0, a positive skip
 * code, or -1 for the whole message. */
static int options_read(const uint8_t *p, const uint8_t *end, struct sync_conn *c)
{
	bool seen[4] = { false };

	while (p < end) {
		int ptype, plen, base;

		if (p + 2 > end)
			return -1;
		ptype = *p++;
		plen = *p++;
		if (!plen || p + plen > end)
			return -1;
		base = ptype & ~SYNC_OPT_F_PARAM;
		switch (base) {
		case SYNC_OPT_SEQ_DATA:
			if (plen != SYNC_OPT_SEQ_LEN || seen[base])
				return -1;
			get_seq(p, &c->in_seq);
			get_seq(p + 12, &c->out_seq);
			c->has_seq = true;
			break;
		case SYNC_OPT_PE_DATA:
		case SYNC_OPT_PE_NAME:
			if (plen > (base == SYNC_OPT_PE_DATA ? SYNC_PEDATA_MAXLEN :
				    SYNC_PENAME_MAXLEN) || seen[base])
				return -1;
			break;
		default:
			if (!(ptype & SYNC_OPT_F_PARAM))
				return SYNC_SKIP_MANDATORY_OPT;
		}
		if (base > 0 && base < 4)
			seen[base] = true;
		p += plen;
	}
	/* ip_vs_conn_fill_param_sync: persistence-engine data needs an
	 * engine by that name, and xlvs has none. */
	return seen[SYNC_OPT_PE_DATA] ? SYNC_SKIP_PE : 0;
}

/* One version 1 entry at p, size bytes: -1 drops the message. */
static int entry_read(const uint8_t *p, const uint8_t *end, struct sync_conn *c)
{
	size_t alen;
	int rc;

	memset(c, 0, sizeof(*c));
	if (p[0] & 1) {
		c->af = 6;
		alen = 16;
	} else if (!p[0]) {
		c->af = 4;
		alen = 4;
	} else {
		return -1;
	}
	if (p + 24 + 3 * alen > end)
		return -1;
	c->protocol = p[1];
	c->flags = (get32(p + 4) & SYNC_F_BACKUP_MASK) | SYNC_F_SYNC;
	c->state = get16(p + 8);
	memcpy(&c->cport, p + 10, 2);
	memcpy(&c->vport, p + 12, 2);
	memcpy(&c->dport, p + 14, 2);
	c->fwmark = get32(p + 16);
	c->timeout = get32(p + 20);
	memcpy(c->caddr, p + 24, alen);
	memcpy(c->vaddr, p + 24 + alen, alen);
	memcpy(c->daddr, p + 24 + 2 * alen, alen);
	rc = options_read(p + 24 + 3 * alen, end, c);
	if (rc < 0)
		return -1;
	c->skip = rc ? rc : state_skip(c);
	return 0;
}

static int decode_v1(const uint8_t *buf, size_t len, struct sync_conn *out, size_t max)
{
	const uint8_t *end = buf + len, *next = buf + SYNC_MESG_HDR_LEN;
	unsigned int n = buf[4];

	if (n > max)
		return -SYNC_E_TRUNCATED;
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *p = next;
		size_t size;

		if (p > end || (size_t)(end - p) < SYNC_V4_LEN)
			return -SYNC_E_TRUNCATED;
		size = get16(p + 2) & 0x0fff;
		if (size > (size_t)(end - p))
			return -SYNC_E_TRUNCATED;
		if (get16(p + 2) >> 12)
			return -SYNC_E_VERSION;
		if (entry_read(p, p + size, &out[i]))
			return -SYNC_E_ENTRY;
		next = p + ((size + 3) & ~(size_t)3);
	}
	return (int)n;
}

static int decode_v0(const uint8_t *buf, size_t len, struct sync_conn *out, size_t max)
{
	const uint8_t *p = buf + SYNC_MESG_V0_HDR_LEN, *end = buf + len;
	unsigned int n = buf[0];

	if (n > max)
		return -SYNC_E_V0_BOGUS;
	for (unsigned int i = 0; i < n; i++) {
		struct sync_conn *c = &out[i];

		if ((size_t)(end - p) < SYNC_V0_LEN)
			return -SYNC_E_V0_BOGUS;
		memset(c, 0, sizeof(*c));
		c->af = 4;
		c->protocol = p[1];
		memcpy(&c->cport, p + 2, 2);
		memcpy(&c->vport, p + 4, 2);
		memcpy(&c->dport, p + 6, 2);
		memcpy(c->caddr, p + 8, 4);
		memcpy(c->vaddr, p + 12, 4);
		memcpy(c->daddr, p + 16, 4);
		c->flags = ((uint32_t)get16(p + 20) | SYNC_F_SYNC) & ~(uint32_t)SYNC_F_HASHED;
		c->state = get16(p + 22);
		p += SYNC_V0_LEN;
		if (c->flags & SYNC_F_SEQ_MASK) {
			if ((size_t)(end - p) < SYNC_OPT_SEQ_LEN)
				return -SYNC_E_V0_BOGUS;
			get_seq(p, &c->in_seq);
			get_seq(p + 12, &c->out_seq);
			c->has_seq = true;
			p += SYNC_OPT_SEQ_LEN;
		}
		c->skip = state_skip(c);
	}
	return (int)n;
}

int sync_msg_decode(const uint8_t *buf, size_t len, uint8_t syncid,
		    struct sync_conn *out, size_t max)
{
	if (len < SYNC_MESG_V0_HDR_LEN)
		return -SYNC_E_SHORT;
	if (len != get16(buf + 2))
		return -SYNC_E_SIZE;
	if (syncid && buf[1] != syncid)
		return -SYNC_E_SYNCID;
	if (len >= SYNC_MESG_HDR_LEN && buf[5] == SYNC_PROTO_VER && !buf[0] &&
	    !get16(buf + 6))
		return decode_v1(buf, len, out, max);
	return decode_v0(buf, len, out, max);
}
