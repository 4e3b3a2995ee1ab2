/*
 * White-box tests of the keyed hash of ids and group names (lib/keyhash.c):
 * SipHash-1-3 against CPython's (an independent implementation), keys that
 * differ between runs, and the set of names: numbered in order of first
 * appearance, and spread over its table even for ids crafted to collide in
 * the FNV-1a index of 0.2 (tests/bench/fnv_collide.c has the timing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "keyhash-priv.h"

/*
 * SipHash-1-3 under the zero key of "abcdefghijklmnopq"[:n]: CPython's
 * hash(bytes) with PYTHONHASHSEED=0 (sys.hash_info.algorithm 'siphash13'),
 * taken modulo 2^64. Lengths 1 to 17 cover every tail length and two blocks.
 */
static void test_siphash13_vectors(void **state)
{
	(void)state;
	static const struct {
		size_t n;
		uint64_t h;
	} v[] = {
		{1, 0x407448d2b89b1813ull},  {2, 0x555508cbc6add439ull},  {3, 0xc03bc3a0042630f2ull},
		{4, 0xe3d1d5fdd52aae89ull},  {5, 0x251f3c725bd784a2ull},  {6, 0x62207e654289df28ull},
		{7, 0x6db12aae9070f506ull},  {8, 0x3f7b849c0b8e35eaull},  {9, 0xf89b34a3d11eb6e5ull},
		{10, 0xf47c264806c40ff1ull}, {11, 0x14215fc65e2c3bd4ull}, {12, 0x83275255f37565c1ull},
		{13, 0x954aa964997ae4e6ull}, {14, 0xfdbd7fa99ace11daull}, {15, 0x1fd27a29b0e9dc7aull},
		{16, 0x94f60d3d29e6a312ull}, {17, 0x61c47e6da27eacccull},
	};
	const struct lm_hash_key zero = {0, 0};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(lm__hash(&zero, "abcdefghijklmnopq", v[i].n) == v[i].h);
	/* Unaligned input hashes the same. */
	char buf[32];
	memcpy(buf + 3, "abcdefghijklmnopq", 17);
	assert_true(lm__hash(&zero, buf + 3, 17) == v[16].h);
}

/* Each run draws its own key, and the key changes every hash. */
static void test_keys_differ(void **state)
{
	(void)state;
	struct lm_hash_key a, b;
	lm__hash_key_new(&a);
	lm__hash_key_new(&b);
	assert_false(a.k0 == b.k0 && a.k1 == b.k1);
	assert_false(a.k0 == 0 && a.k1 == 0);
	assert_true(lm__hash(&a, "R00000001", 9) == lm__hash(&a, "R00000001", 9));
	assert_true(lm__hash(&a, "R00000001", 9) != lm__hash(&b, "R00000001", 9));
}

/* Names are numbered in order of first appearance; a name seen again keeps its number. */
static void test_names_in_order(void **state)
{
	(void)state;
	struct lm_names names = {.n = 0};
	lm__hash_key_new(&names.key);
	char s[32];
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 50000; i++) {
			int len = snprintf(s, sizeof(s), "group %d", i);
			assert_int_equal(lm__names_intern(&names, s, (size_t)len), (size_t)i + 1);
		}
	assert_int_equal(names.n, 50000);
	assert_string_equal(lm__names_get(&names, 0), "group 0");
	assert_string_equal(lm__names_get(&names, 49999), "group 49999");
	/* A prefix of a name, and a name with it as prefix, are other names. */
	assert_int_equal(lm__names_intern(&names, "group 1", 6), 50001);
	assert_string_equal(lm__names_get(&names, 50000), "group ");
	assert_int_equal(lm__names_intern(&names, "group 10", 8), 11);
	assert_int_equal(lm__names_intern(&names, "", 0), 50002);
	assert_int_equal(lm__names_intern(&names, "", 0), 50002);
	struct lm_hash_key key = names.key;
	lm__names_clear(&names);
	assert_int_equal(names.n, 0);
	assert_true(names.key.k0 == key.k0 && names.key.k1 == key.k1);
	assert_int_equal(lm__names_intern(&names, "b", 1), 1);
	lm__names_clear(&names);
}

/* The 0.2 index's hash: FNV-1a folded to 32 bits. */
static uint32_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * 4096 ids that all fell among the first 256 of 8192 slots of the 0.2 index
 * (one run of 4096 occupied slots: every insertion walked it). Under the
 * keyed hash the longest run of occupied slots stays short.
 */
static void test_crafted_ids_spread(void **state)
{
	(void)state;
	struct lm_names names = {.n = 0};
	lm__hash_key_new(&names.key);
	char id[16];
	size_t found = 0;
	for (unsigned long c = 0; found < 4096; c++) {
		int len = snprintf(id, sizeof(id), "X%08lx", c);
		if ((fnv1a(id, (size_t)len) & 8191) < 256) {
			assert_int_equal(lm__names_intern(&names, id, (size_t)len), found + 1);
			found++;
		}
	}
	size_t run = 0, longest = 0;
	for (size_t i = 0; i < 2 * names.n_slots; i++) { /* twice round: a run may wrap */
		run = names.slots[i % names.n_slots] ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	/* At half load with a random hash the longest run is a few dozen
	 * slots; more than 200 has a vanishing probability. */
	print_message("# longest run of occupied slots: %zu of %zu\n", longest, names.n_slots);
	assert_true(longest < 200);
	lm__names_clear(&names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash13_vectors),
		cmocka_unit_test(test_keys_differ),
		cmocka_unit_test(test_names_in_order),
		cmocka_unit_test(test_crafted_ids_spread),
	};
	return cmocka_run_group_tests_name("keyhash", tests, NULL, NULL);
}
