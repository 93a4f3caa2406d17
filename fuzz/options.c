// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvsadm's command line (xlvsadm/options.c).  The input
 * is split at blanks, newlines and NULs into argv[1..] (argv[0] is
 * "xlvsadm"), so a corpus file reads like a command line.  Invariants: the
 * parser answers 0 or 2; what it accepts is a consistent command; and the
 * same words parse to the same command a second time (getopt's state from
 * an earlier, refused, line must not leak into the next: -R parses many).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "cmd.h"
#include "fence.h"

#define WORDS_MAX 64
#define INPUT_MAX 4096

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	return 0;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\0';
}

/* Splits buf (len bytes, NUL after them) in place; returns argc. */
static int words(char *buf, size_t len, char **argv)
{
	int argc = 1;

	argv[0] = "xlvsadm";
	for (size_t i = 0; i < len && argc < WORDS_MAX - 1; ) {
		if (blank(buf[i])) {
			buf[i++] = 0;
			continue;
		}
		argv[argc++] = &buf[i];
		while (i < len && !blank(buf[i]))
			i++;
	}
	argv[argc] = NULL;
	return argc;
}

static void check_accepted(const struct cmd *c)
{
	FUZZ_ASSERT(c->kind > CMD_NONE && c->kind < CMD_MAX);
	FUZZ_ASSERT(memchr(c->svc.sched, 0, sizeof(c->svc.sched)));
	FUZZ_ASSERT(memchr(c->ifname, 0, sizeof(c->ifname)));
	FUZZ_ASSERT(memchr(c->sched_flags, 0, sizeof(c->sched_flags)));
	FUZZ_ASSERT(c->nsysctls >= 0 &&
		    c->nsysctls <= (int)(sizeof(c->sysctls) / sizeof(c->sysctls[0])));
	for (int i = 0; i < c->nsysctls; i++)
		FUZZ_ASSERT(memchr(c->sysctls[i].name, 0, sizeof(c->sysctls[i].name)));
	FUZZ_ASSERT(c->dest.weight >= 0 && c->dest.weight <= 65535);
	if (c->opts & OPT_SERVICE)
		FUZZ_ASSERT(c->svc.proto == IPPROTO_TCP || c->svc.proto == IPPROTO_UDP);
	if (c->dest.u_threshold)
		FUZZ_ASSERT(c->dest.l_threshold <= c->dest.u_threshold);
	/* IPv4: a contiguous mask; IPv6: a prefix length, 1..128. */
	if (c->svc.vip.af == 6)
		FUZZ_ASSERT(c->svc.netmask >= 1 && c->svc.netmask <= 128);
	else if (c->opts & OPT_NETMASK)
		FUZZ_ASSERT(xlvs_netmask_plen(c->svc.netmask) >= 0);
	/* ipvsadm's rule: another family only by tunnel. */
	if (c->kind == CMD_ADD_DEST || c->kind == CMD_EDIT_DEST)
		FUZZ_ASSERT(c->dest.addr.af == c->svc.vip.af ||
			    c->dest.fwd == XLVS_FWD_TUNNEL);
	if ((c->kind == CMD_ADD_SVC || c->kind == CMD_EDIT_SVC) && !c->svc.vip.port)
		FUZZ_ASSERT(c->svc.flags & XLVS_SVC_F_PERSISTENT);
	if (c->svc.flags & XLVS_SVC_F_ONEPACKET)
		FUZZ_ASSERT(c->svc.proto == IPPROTO_UDP);
	/* The tunnel settings ipvsadm 1.31's rules let through are ones
	 * libxlvs takes (lib/conf_check.c tun_check). */
	if (c->kind == CMD_ADD_DEST || c->kind == CMD_EDIT_DEST) {
		struct xlvs_conf_err why;

		if (xlvs_dest_conf_check(&c->dest, &why) && why.field)
			FUZZ_ASSERT(strncmp(why.field, "tun_", 4));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[INPUT_MAX + 1], copy[INPUT_MAX + 1];
	char *argv[WORDS_MAX], *argv2[WORDS_MAX];
	struct cmd c, c2;
	int argc, rc, rc2;

	if (size > INPUT_MAX)
		return -1;      /* not added to the corpus */
	memcpy(buf, data, size);
	buf[size] = 0;
	memcpy(copy, buf, size + 1);
	argc = words(buf, size, argv);
	words(copy, size, argv2);

	rc = cmd_parse(argc, argv, &c);
	FUZZ_ASSERT(rc == 0 || rc == 2);
	if (rc == 0)
		check_accepted(&c);
	/* getopt_long permutes argv, so the second parse gets fresh words. */
	rc2 = cmd_parse(argc, argv2, &c2);
	FUZZ_ASSERT(rc2 == rc);
	if (rc == 0)
		FUZZ_ASSERT(!memcmp(&c, &c2, sizeof(c)));
	return 0;
}
