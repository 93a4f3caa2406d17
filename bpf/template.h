/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistence templates (IPVS's IP_VS_CONN_F_TEMPLATE entries): their keys
 * and the link from a connection to the template that placed it.
 *
 * IPVS links a connection to its template with a pointer; here a
 * connection keeps what rebuilds the template's key from its own (the
 * mask length and whether the template's vport is 0).  The sweeper uses it
 * to stamp the template while the connection lives (see XLVS_TPL_CTL_NS),
 * which keeps the template alive as IPVS's n_control does (bpf/expiry.h).
 */
#ifndef XLVS_BPF_TEMPLATE_H
#define XLVS_BPF_TEMPLATE_H

/* The netmask of a prefix length, network order. */
static __always_inline __u32 plen_mask(__u8 plen)
{
	if (!plen)
		return 0;
	if (plen >= 32)
		return ~0u;
	return bpf_htonl(~0u << (32 - plen));
}

/* The client's address masked to plen bits: IPv6's too, a word at a time
 * (IPv4's words past the first are zero, so any plen leaves them so). */
static __always_inline void tpl_key_of(struct xlvs_conn_key *tk,
				       const struct xlvs_conn_key *ck,
				       __u8 plen, int noport)
{
	*tk = *ck;
	for (int i = 0; i < 4; i++) {
		__u32 a = xlvs_load32(ck->saddr + 4 * i);
		int left = plen - 32 * i;

		a &= plen_mask(left < 0 ? 0 : left > 32 ? 32 : left);
		__builtin_memcpy(tk->saddr + 4 * i, &a, 4);
	}
	tk->sport = 0;
	if (noport)
		tk->dport = 0;
	tk->kind = XLVS_KIND_TEMPLATE;
}

/* The template controlling connection c (key k), if it still sends the
 * client where c went: one made anew since for another server is not c's. */
static __always_inline struct xlvs_conn *tpl_of(const struct xlvs_conn_key *k,
						const struct xlvs_conn *c)
{
	struct xlvs_conn_key tk;
	struct xlvs_conn *t;
	void *shard;

	tpl_key_of(&tk, k, c->tpl_plen, c->flags & XLVS_CONN_F_TPL_NOPORT);
	shard = conn_shard_get(&tk);
	if (!shard)
		return NULL;
	t = bpf_map_lookup_elem(shard, &tk);
	if (!t || t->dest_id != c->dest_id || t->dest_gen != c->dest_gen)
		return NULL;
	return t;
}

/* The sweeper found c alive: its template still controls a connection. */
static __always_inline void tpl_stamp(const struct xlvs_conn_key *k,
				      const struct xlvs_conn *c, __u64 now)
{
	struct xlvs_conn *t = tpl_of(k, c);

	if (t)
		t->ctl_stamp = xlvs_tpl_stamp(now);
}

/* ip_vs_control_assure_ct: c reached ESTABLISHED.  Not inlined: the
 * template's key would take the packet path's stack from the schedulers. */
static __noinline void tpl_assure(const struct xlvs_conn_key *k,
				       const struct xlvs_conn *c)
{
	struct xlvs_conn *t = tpl_of(k, c);
	union sword s;

	if (!t)
		return;
	s = sword_get(t);
	if (s.state == XLVS_TPL_NONE)
		conn_claim_state(t, s, XLVS_TPL_ASSURED);
}

#endif
