/*
 * libra_measures — a keyed hash for text from the data (ids, group names),
 * and a set of names indexed by it.
 *
 * Text from the data must not choose where it lands in a hash table, or
 * crafted ids make every lookup walk one long run of slots (quadratic time:
 * issue 14). The hash is SipHash-1-3 under a 128-bit key drawn from the
 * system's random source for each run; nothing that is written depends on
 * the key, only the time taken.
 */
#ifndef LM_KEYHASH_PRIV_H
#define LM_KEYHASH_PRIV_H

#include <stddef.h>
#include <stdint.h>

struct lm_hash_key {
	uint64_t k0, k1;
};

/*
 * A fresh key: getrandom() or getentropy() where there is one, else (or
 * when it fails) the clock, the process id and addresses, mixed. Never fails.
 */
void lm__hash_key_new(struct lm_hash_key *key);

/* SipHash-1-3 of @p n bytes at @p p under @p key. */
uint64_t lm__hash(const struct lm_hash_key *key, const void *p, size_t n);

/*
 * Names (each a byte string without NUL), numbered from 0 in order of first
 * appearance, found through a hash table of at most half load: a lookup
 * costs the same whatever the names. Zero-initialised is empty; set the key
 * before the first lm__names_intern(). Used by one thread at a time.
 */
struct lm_names {
	struct lm_hash_key key;
	char *text;            /* the names, each followed by a NUL */
	size_t text_len, text_cap;
	size_t *off;           /* off[i]: name i in text */
	size_t n, off_cap;
	uint64_t *slots;       /* (high 32 bits of the hash << 32) | (index + 1); 0 = empty */
	size_t n_slots;        /* a power of two, or 0 */
};

/* The number (index + 1) of name @p s of @p n bytes, added if new; 0 when out of memory. */
size_t lm__names_intern(struct lm_names *names, const char *s, size_t n);

/* Name @p i (NUL-terminated, borrowed), i < names->n. */
static inline const char *lm__names_get(const struct lm_names *names, size_t i)
{
	return names->text + names->off[i];
}

/* Frees the names and empties the set (the key stays). */
void lm__names_clear(struct lm_names *names);

#endif
