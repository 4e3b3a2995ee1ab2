/*
 * libra_measures — SipHash-1-3 under a per-run random key, and a set of
 * names indexed by it (see keyhash-priv.h for why).
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* getrandom() */
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(LM_HAVE_GETRANDOM) || defined(LM_HAVE_SYS_RANDOM_GETENTROPY)
#include <sys/random.h>
#endif

#include "keyhash-priv.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                                       \
	do {                                                                                                           \
		v0 += v1;                                                                                              \
		v1 = ROTL(v1, 13);                                                                                     \
		v1 ^= v0;                                                                                              \
		v0 = ROTL(v0, 32);                                                                                     \
		v2 += v3;                                                                                              \
		v3 = ROTL(v3, 16);                                                                                     \
		v3 ^= v2;                                                                                              \
		v0 += v3;                                                                                              \
		v3 = ROTL(v3, 21);                                                                                     \
		v3 ^= v0;                                                                                              \
		v2 += v1;                                                                                              \
		v1 = ROTL(v1, 17);                                                                                     \
		v1 ^= v2;                                                                                              \
		v2 = ROTL(v2, 32);                                                                                     \
	} while (0)

/* Eight bytes as a little-endian number, from any alignment. */
static inline uint64_t load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* SipHash-1-3 (Aumasson and Bernstein; one round per block, three to finish), as in CPython and Rust. */
uint64_t lm__hash(const struct lm_hash_key *key, const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + (n & ~(size_t)7);
	uint64_t v0 = key->k0 ^ 0x736f6d6570736575ull, v1 = key->k1 ^ 0x646f72616e646f6dull;
	uint64_t v2 = key->k0 ^ 0x6c7967656e657261ull, v3 = key->k1 ^ 0x7465646279746573ull;
	for (; p != end; p += 8) {
		uint64_t m = load64(p);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)n << 56;
	switch (n & 7) {
	case 7: b |= (uint64_t)p[6] << 48; /* fall through */
	case 6: b |= (uint64_t)p[5] << 40; /* fall through */
	case 5: b |= (uint64_t)p[4] << 32; /* fall through */
	case 4: b |= (uint64_t)p[3] << 24; /* fall through */
	case 3: b |= (uint64_t)p[2] << 16; /* fall through */
	case 2: b |= (uint64_t)p[1] << 8; /* fall through */
	case 1: b |= (uint64_t)p[0]; break;
	default: break;
	}
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void lm__hash_key_new(struct lm_hash_key *key)
{
	unsigned char b[16];
#if defined(LM_HAVE_GETRANDOM)
	/* Non-blocking: early in boot, before the pool is ready, use the fallback. */
	if (getrandom(b, sizeof(b), GRND_NONBLOCK) == (ssize_t)sizeof(b)) {
		key->k0 = load64(b);
		key->k1 = load64(b + 8);
		return;
	}
#elif defined(LM_HAVE_GETENTROPY) || defined(LM_HAVE_SYS_RANDOM_GETENTROPY)
	if (getentropy(b, sizeof(b)) == 0) {
		key->k0 = load64(b);
		key->k1 = load64(b + 8);
		return;
	}
#endif
	/* No random source: what differs between runs and processes, mixed
	 * through SipHash under a fixed key. Not secret, but not fixed either. */
	struct {
		struct timespec t;
		long pid;
		const void *stack, *heap;
		clock_t cpu;
	} s;
	memset(&s, 0, sizeof(s));
	timespec_get(&s.t, TIME_UTC);
	s.pid = (long)getpid();
	s.stack = &s;
	s.heap = key;
	s.cpu = clock();
	static const struct lm_hash_key fixed = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
	key->k0 = lm__hash(&fixed, &s, sizeof(s));
	s.pid = ~s.pid;
	key->k1 = lm__hash(&fixed, &s, sizeof(s));
}

/* Grow the table to @p n_slots (a power of two) and put every name back. */
static int rehash(struct lm_names *names, size_t n_slots)
{
	uint64_t *slots = calloc(n_slots, sizeof(*slots));
	if (!slots)
		return 0;
	for (size_t i = 0; i < names->n; i++) {
		const char *s = lm__names_get(names, i);
		uint64_t h = lm__hash(&names->key, s, strlen(s));
		size_t j = (size_t)h & (n_slots - 1);
		while (slots[j])
			j = (j + 1) & (n_slots - 1);
		slots[j] = (h >> 32 << 32) | (uint64_t)(i + 1);
	}
	free(names->slots);
	names->slots = slots;
	names->n_slots = n_slots;
	return 1;
}

size_t lm__names_intern(struct lm_names *names, const char *s, size_t n)
{
	if (2 * (names->n + 1) > names->n_slots && !rehash(names, names->n_slots ? 2 * names->n_slots : 16))
		return 0;
	uint64_t h = lm__hash(&names->key, s, n);
	size_t mask = names->n_slots - 1, j = (size_t)h & mask;
	for (uint64_t e; (e = names->slots[j]); j = (j + 1) & mask) {
		if (e >> 32 != h >> 32)
			continue;
		size_t i = (size_t)(uint32_t)e - 1;
		const char *name = lm__names_get(names, i);
		if (strlen(name) == n && memcmp(name, s, n) == 0)
			return i + 1;
	}
	/* A new name: its text, then its number, then its slot. */
	if (names->n + 1 >= UINT32_MAX)
		return 0;
	if (names->text_len + n + 1 > names->text_cap) {
		size_t cap = names->text_cap ? names->text_cap : 256;
		while (cap < names->text_len + n + 1)
			cap *= 2;
		char *text = realloc(names->text, cap);
		if (!text)
			return 0;
		names->text = text;
		names->text_cap = cap;
	}
	if (names->n == names->off_cap) {
		size_t cap = names->off_cap ? 2 * names->off_cap : 16;
		size_t *off = realloc(names->off, cap * sizeof(*off));
		if (!off)
			return 0;
		names->off = off;
		names->off_cap = cap;
	}
	memcpy(names->text + names->text_len, s, n);
	names->text[names->text_len + n] = '\0';
	names->off[names->n] = names->text_len;
	names->text_len += n + 1;
	names->slots[j] = (h >> 32 << 32) | (uint64_t)(names->n + 1);
	return ++names->n;
}

void lm__names_clear(struct lm_names *names)
{
	free(names->text);
	free(names->off);
	free(names->slots);
	struct lm_hash_key key = names->key;
	memset(names, 0, sizeof(*names));
	names->key = key;
}
