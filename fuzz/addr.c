// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: addresses and ports as ipvsadm takes them (lib/addr.c)
 * and netmasks.  The input is one word (up to its first NUL).  Invariants:
 * an endpoint accepted is IPv4 or IPv6 and prints as a dotted quad and
 * port, or [v6addr]:port, that parse back to the same endpoint, with or
 * without name resolution; a
 * netmask's prefix length is that of a mask of leading ones, checked bit
 * by bit here, and -EINVAL for any other mask.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <xlvs/libxlvs.h>
#include "fence.h"

#define WORD_MAX 512

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	return 0;
}

static void check_endpoint(const char *s)
{
	struct xlvs_endpoint ep, back, resolved;
	char text[64];

	if (xlvs_endpoint_parse(s, false, &ep))
		return;
	FUZZ_ASSERT(ep.af == 4 || ep.af == 6);
	if (ep.af == 4) {
		static const uint8_t zero[12];

		FUZZ_ASSERT(!memcmp(ep.addr + 4, zero, sizeof(zero)));
	}
	xlvs_endpoint_format(&ep, text, sizeof(text));
	FUZZ_ASSERT(!xlvs_endpoint_parse(text, false, &back));
	FUZZ_ASSERT(!memcmp(&ep, &back, sizeof(ep)));
	/* A dotted quad or an IPv6 address is never looked up: the same
	 * answer either way. */
	FUZZ_ASSERT(!xlvs_endpoint_parse(s, true, &resolved));
	FUZZ_ASSERT(!memcmp(&ep, &resolved, sizeof(ep)));
}

static void check_netmask(const uint8_t *data, size_t size)
{
	uint32_t mask = 0, host;
	int plen, ones = 0;
	bool contiguous = true;

	memcpy(&mask, data, size < 4 ? size : 4);
	host = ntohl(mask);
	for (int bit = 31; bit >= 0; bit--) {
		if (host >> bit & 1) {
			if (ones != 31 - bit)
				contiguous = false;
			ones++;
		}
	}
	plen = xlvs_netmask_plen(mask);
	if (contiguous)
		FUZZ_ASSERT(plen == ones);
	else
		FUZZ_ASSERT(plen == -EINVAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char word[WORD_MAX + 1];

	if (size > WORD_MAX)
		return -1;
	memcpy(word, data, size);
	word[size] = 0;
	check_endpoint(word);
	check_netmask(data, size);
	return 0;
}
