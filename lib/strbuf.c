/* libra_measures — the growable buffer of strbuf.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

int lm__sb_reserve(struct lm_strbuf *b, size_t more)
{
	if (b->failed)
		return -1;
	if (more > SIZE_MAX - 1 - b->len) {
		b->failed = 1;
		return -1;
	}
	size_t need = b->len + more + 1;
	if (need <= b->cap)
		return 0;
	if (b->limit && need > b->limit) {
		b->failed = 1;
		return -1;
	}
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			b->failed = 1;
			return -1;
		}
		cap *= 2;
	}
	if (b->limit && cap > b->limit)
		cap = b->limit;
	char *p = realloc(b->s, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->s = p;
	b->cap = cap;
	return 0;
}

void lm__sb_add(struct lm_strbuf *b, const char *s, size_t n)
{
	if (lm__sb_reserve(b, n) != 0)
		return;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void lm__sb_str(struct lm_strbuf *b, const char *s)
{
	lm__sb_add(b, s, strlen(s));
}

void lm__sb_quoted(struct lm_strbuf *b, const char *s, size_t len, size_t max)
{
	int cut = len > max;
	if (cut)
		for (len = max; len && ((unsigned char)s[len] & 0xC0) == 0x80;)
			len--;
	lm__sb_add(b, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			snprintf(esc, sizeof(esc), c == '"' || c == '\\' ? "\\%c" : "\\x%02X", c);
			lm__sb_str(b, esc);
		} else {
			lm__sb_add(b, s + i, 1);
		}
	}
	lm__sb_str(b, cut ? "...\"" : "\"");
}

char *lm__sb_take(struct lm_strbuf *b)
{
	if (b->failed) {
		lm__sb_free(b);
		return NULL;
	}
	if (!b->s && lm__sb_reserve(b, 0) == 0)
		b->s[0] = '\0';
	char *s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void lm__sb_free(struct lm_strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
