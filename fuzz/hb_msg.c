// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-failoverd's heartbeat message decoder and token
 * check (failoverd/hb_msg*.c, hb_auth.c), which read whatever any host on
 * the heartbeat network sends, before anything is authenticated.
 * Invariants: a decoded message's fields and token lie inside the input,
 * the signed part ends before the trailer; our encoder takes back every
 * message the decoder accepts, and writes exactly the same signed bytes
 * (the decoder accepts only the canonical form heartbeat writes); the
 * verifier accepts the re-signed copy and, for the original, agrees with
 * a token computed here.  What the daemon reads of a decoded message
 * before acting on it (the control fields, a resource report, the
 * sequence tracking) never reads outside it and stays within its bounds.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hb_fields.h"
#include "hb_msg.h"
#include "hb_order.h"
#include "hb_rsc.h"
#include "fence.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hb_authkeys keys;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	for (int i = 0; i < HB_AUTH_MAXIDX; i++) {
		keys.k[i].method = (enum hb_auth_method)(HB_AUTH_CRC + i % 3);
		keys.k[i].keylen = 6;
		memcpy(keys.k[i].key, "secret", 6);
	}
	keys.active = 1;
	return 0;
}

static void invariant(int ok)
{
	if (!ok)
		abort();
}

static int inside(const uint8_t *buf, size_t size, const void *p, size_t n)
{
	const uint8_t *q = p;

	return q >= buf && n <= size && q - buf <= (ptrdiff_t)(size - n);
}

static void check_fields(const uint8_t *data, size_t size, const struct hb_msg *m)
{
	invariant(m->nf <= HB_MSG_MAXFIELDS && m->signed_len < size);
	for (unsigned i = 0; i < m->nf; i++) {
		invariant(inside(data, m->signed_len, m->f[i].name, m->f[i].nlen));
		invariant(inside(data, m->signed_len, m->f[i].val, m->f[i].vlen));
		invariant(m->f[i].nlen > 0 && m->f[i].vlen > 0);
	}
	invariant(inside(data + m->signed_len, size - m->signed_len, m->auth_tok, m->auth_toklen));
	invariant(m->auth_idx >= 0 && m->auth_idx < HB_AUTH_MAXIDX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[HB_MSG_MAXWIRE + 128];
	static struct hb_msg m, copy, again;
	char tok[HB_AUTH_TOKMAX];
	size_t len;
	int r, want;

	if (hb_msg_decode(data, size, &m) != 0) {
		invariant(m.nf == 0);
		invariant(hb_msg_decode_verify(data, size, &keys, &again) != 0);
		return 0;
	}
	check_fields(data, size, &m);
	{
		static struct fo_seqstate st;
		struct hb_rsc_report rep;
		struct hb_ctrl_in in;

		if (hb_msg_ctrl_parse(&m, &in) == 0) {
			invariant(in.type[0] && in.src[0] && in.ts != 0 &&
				  (in.has_seq || strncmp(in.type, "NS_", 3) == 0));
			if (in.has_seq)
				fo_order_check(&st, in.hg, in.seq);
			invariant(st.nmiss <= FO_MISSMAX);
		}
		if (hb_rsc_report_parse(&m, &rep) == 0)
			invariant((unsigned)rep.held <= HB_RSC_ALL && strlen(rep.info) < sizeof(rep.info));
	}
	r = hb_auth_token(&keys.k[m.auth_idx], data, m.signed_len, tok);
	invariant(r > 0);
	want = (size_t)r == m.auth_toklen && memcmp(tok, m.auth_tok, (size_t)r) == 0;
	invariant((hb_msg_decode_verify(data, size, &keys, &again) == 0) == want);

	hb_msg_init(&copy);
	for (unsigned i = 0; i < m.nf; i++) {
		r = hb_msg_add(&copy, "x", m.f[i].type, m.f[i].val, m.f[i].vlen);
		/* The arena may be smaller than a big decoded message. */
		if (r == -ENOSPC)
			return 0;
		invariant(r == 0);
		copy.f[i].name = m.f[i].name;
		copy.f[i].nlen = m.f[i].nlen;
	}
	invariant(hb_msg_encode(&copy, &keys, m.auth_idx, out, sizeof(out), &len) == 0);
	invariant(hb_msg_decode_verify(out, len, &keys, &again) == 0);
	invariant(again.signed_len == m.signed_len);
	invariant(memcmp(out, data, m.signed_len) == 0);
	return 0;
}
