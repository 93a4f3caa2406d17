// SPDX-License-Identifier: GPL-2.0
/*
 * include/xlvs/hsiphash.h against the kernel's own self-test vectors
 * (lib/siphash_kunit.c, the 64-bit table: key 00 01 .. 0f, input the bytes
 * 00 01 02 .. of each length), for every length the header takes (0..7),
 * and mh's hash built on it as ip_vs_mh_hashkey builds it.  mh's table and
 * the XDP program's lookup agree with IPVS only if these do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <xlvs/maglev.h>

static const struct xlvs_hsiphash_key test_key = {
	0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL,
};

/* test_vectors_hsiphash[0..7], BITS_PER_LONG == 64. */
static const uint32_t vectors[8] = {
	0x050fc4dcU, 0x7d57ca93U, 0x4dc7d44dU, 0xe7ddf7fbU,
	0x88d38328U, 0x49533b67U, 0xc59f22a7U, 0x9bb11140U,
};

static void kernel_vectors(void **state)
{
	(void)state;
	for (uint32_t len = 0; len < 8; len++) {
		uint64_t bytes = 0;

		for (uint32_t i = 0; i < len; i++)
			bytes |= (uint64_t)i << (8 * i);
		if (xlvs_hsiphash_short(bytes, len, &test_key) != vectors[len])
			fail_msg("length %u: %08x, kernel %08x", len,
				 xlvs_hsiphash_short(bytes, len, &test_key),
				 vectors[len]);
	}
	/* The kernel's own hsiphash_1u32 check: the same as length 4. */
	assert_int_equal(xlvs_hsiphash_short(0x03020100U, 4, &test_key), vectors[4]);
}

/* ip_vs_mh_hashkey: offset + port + address as one unsigned int (so it
 * wraps), hashed as 4 bytes with a key whose two words are equal. */
static void mh_hashkey(void **state)
{
	const struct xlvs_hsiphash_key k1 = { XLVS_MH_KEY1, XLVS_MH_KEY1 };
	const struct xlvs_hsiphash_key k2 = { XLVS_MH_KEY2, XLVS_MH_KEY2 };

	(void)state;
	assert_int_equal(xlvs_mh_hash(0x0a000003, 80, 0, XLVS_MH_KEY1),
			 xlvs_hsiphash_short(0x0a000053, 4, &k1));
	assert_int_equal(xlvs_mh_hash(0x0a000003, 80, 7, XLVS_MH_KEY2),
			 xlvs_hsiphash_short(0x0a00005a, 4, &k2));
	assert_int_equal(xlvs_mh_hash(0xffffffff, 1, 0, XLVS_MH_KEY1),
			 xlvs_hsiphash_short(0, 4, &k1));
	/* The two keys give different permutations. */
	assert_int_not_equal(xlvs_mh_hash(0x0a000003, 80, 0, XLVS_MH_KEY1),
			     xlvs_mh_hash(0x0a000003, 80, 0, XLVS_MH_KEY2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_vectors),
		cmocka_unit_test(mh_hashkey),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
