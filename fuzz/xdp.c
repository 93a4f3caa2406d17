// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the whole XDP program.  Each input is one Ethernet
 * frame through BPF_PROG_TEST_RUN, as if it arrived on the director's
 * veth, checked by the oracle in xdp_oracle.c (what a frame may become,
 * written from the kernel's IPv4 input and IPVS, not from bpf/).  A broken
 * invariant prints the frame and aborts (libFuzzer keeps it).
 * FUZZ_XDP_TRACE=1 prints each frame's verdict.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xlvs/libxlvs.h>

#include "xdp_oracle.h"
#include "csum.h"

#define ETH_HLEN XO_ETH_HLEN

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xo_trace = getenv("FUZZ_XDP_TRACE") != NULL;
	xo_init("fuzz_xdp");
	return 0;
}

/*
 * libFuzzer sees the coverage of this process, not of the BPF program; the
 * program's named counters say which of its exits a frame took, so each
 * (verdict, counter moved) pair is handed to libFuzzer as a feature of its
 * own: frames that reach a new exit are kept and mutated further.
 */
#define FZ_COUNTERS 64
_Static_assert(XLVS_CNT_MAX <= FZ_COUNTERS, "features: 8 verdicts x the counters");
__attribute__((section("__libfuzzer_extra_counters")))
static uint8_t features[8 * FZ_COUNTERS];
static uint64_t counts[XLVS_CNT_MAX];

static void fz_features(uint32_t verdict)
{
	uint64_t now[XLVS_CNT_MAX];

	if (xlvs_counters_read(xo_table(), now))
		return;
	for (int i = 0; i < XLVS_CNT_MAX; i++)
		if (now[i] != counts[i] && i != XLVS_CNT_PKTS_IN &&
		    !xlvs_counter_is_sweeper((unsigned int)i))
			features[(verdict & 7) * FZ_COUNTERS + i] = 1;
	memcpy(counts, now, sizeof(now));
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * An IPv6 frame whose ICMPv6 message (right after the IPv6 header) is
 * whole: again with its checksum made right, since a relayed error needs
 * it (IPv6 has no header checksum to mend).
 */
static void icmp6_fixed(const uint8_t *data, size_t size)
{
	static uint8_t fixed[XO_FRAME_LIMIT];
	unsigned int plen;
	uint16_t sum;

	if (size < ETH_HLEN + 48 || data[ETH_HLEN + 6] != 58)
		return;
	plen = be16(data + ETH_HLEN + 4);
	if (plen < 8 || ETH_HLEN + 40 + plen > size)
		return;
	memcpy(fixed, data, size);
	fixed[ETH_HLEN + 42] = fixed[ETH_HLEN + 43] = 0;
	sum = csum_fold(csum_add(csum_add(0, fixed + ETH_HLEN + 8, 32) + plen + 58,
				 fixed + ETH_HLEN + 40, plen));
	if (be16(data + ETH_HLEN + 42) == sum)
		return;
	fixed[ETH_HLEN + 42] = (uint8_t)(sum >> 8);
	fixed[ETH_HLEN + 43] = (uint8_t)sum;
	fz_features(xo_one(fixed, size));
}

/*
 * Each frame goes through as it is, and again with its IPv4 header
 * checksum made right: a mutation of the header almost never keeps the
 * checksum, and the program rightly stops at a wrong one, so without the
 * second run the fuzzer would never get past it to what lies behind.
 * An IPv6 frame's ICMPv6 checksum likewise.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[XO_FRAME_LIMIT];
	unsigned int ihl;
	uint16_t sum;

	if (size < XO_FRAME_MIN || size > XO_FRAME_LIMIT)
		return -1;
	fz_features(xo_one(data, size));
	if (size >= ETH_HLEN && be16(data + 12) == 0x86dd)
		icmp6_fixed(data, size);
	if (size < ETH_HLEN + 20 || be16(data + 12) != 0x0800)
		return 0;
	ihl = (data[ETH_HLEN] & 0xf) * 4u;
	if (ihl < 20 || ETH_HLEN + ihl > size || !csum_of(data + ETH_HLEN, ihl))
		return 0;
	memcpy(fixed, data, size);
	fixed[ETH_HLEN + 10] = fixed[ETH_HLEN + 11] = 0;
	sum = csum_of(fixed + ETH_HLEN, ihl);
	fixed[ETH_HLEN + 10] = (uint8_t)(sum >> 8);
	fixed[ETH_HLEN + 11] = (uint8_t)sum;
	fz_features(xo_one(fixed, size));
	return 0;
}
