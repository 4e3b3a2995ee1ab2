/*
 * libra_measures — private: a growable, NUL-terminated byte buffer, for
 * messages and converted text. One home for the doubling-realloc loop that
 * the table reader, the scorer's messages and the SPSS/Stata converter need.
 * Failure is sticky: after an allocation failure (or the optional size limit)
 * every append is a no-op and `failed` stays set; check it once at the end.
 */
#ifndef LM_STRBUF_H
#define LM_STRBUF_H

#include <stddef.h>

struct lm_strbuf {
	char *s;      /* NUL-terminated once anything was added; NULL before */
	size_t len;   /* bytes in s, not counting the NUL */
	size_t cap;   /* bytes allocated */
	size_t limit; /* 0: no limit; else the most s may hold (len + 1 <= limit) */
	int failed;   /* an allocation failed, or the limit was reached */
};

#define LM_STRBUF_INIT {NULL, 0, 0, 0, 0}

/* Room for @p more bytes after len (and the NUL): 0, or -1 and failed set. */
int lm__sb_reserve(struct lm_strbuf *b, size_t more);
void lm__sb_add(struct lm_strbuf *b, const char *s, size_t n);
void lm__sb_str(struct lm_strbuf *b, const char *s);
/* Append @p s quoted for a message: quotes and backslashes escaped, control
 * bytes as \xNN, cut after @p max bytes (at a UTF-8 character boundary)
 * with "..." before the closing quote. */
void lm__sb_quoted(struct lm_strbuf *b, const char *s, size_t len, size_t max);
/* The string, owned by the caller (never NULL unless allocation failed); the buffer is left empty. */
char *lm__sb_take(struct lm_strbuf *b);
void lm__sb_free(struct lm_strbuf *b);

#endif
