/*
 * libra_measures — private: numbers, the one home of reading and writing them
 * (number.c). Every reader parses a number with lm__parse_decimal(), every
 * writer writes one with lm__put_number() / lm__put_count() or
 * lm_format_number(); the public twins are in number.h.
 */
#ifndef LM_NUMBER_PRIV_H
#define LM_NUMBER_PRIV_H

#include <stddef.h>
#include <string.h>

/* ---- reading ------------------------------------------------------------- */

/* Locale-independent decimal parsing: [ws][+-]digits[.digits][ws] or [+-].digits.
 * Returns 0 if the text is not such a number; else sets *out to the nearest double and returns
 * LM_NUMBER_EXACT when the text is exactly that double's number (its shortest decimal, as
 * lm_format_number() writes it: every text of at most 15 significant digits is), or
 * LM_NUMBER_INEXACT when it is another number (more digits than a double holds, e.g.
 * "2.9999999999999999", read as 3): such a text equals no declared value. */
enum { LM_NUMBER_EXACT = 1, LM_NUMBER_INEXACT = 2 };
int lm__parse_decimal(const char *s, size_t len, double *out);

/* Case-insensitive (ASCII) comparison of a text, trimmed of white space, with a
 * label: how a cell that is not a number is read as a response. */
int lm__label_equal(const char *text, size_t len, const char *label);

/* ---- writing ------------------------------------------------------------- */

/* "00" "01" ... "99": two digits at a time. */
extern const char lm__digit_pairs[201];

/* Decimal digits of @p v at @p p; returns the end. At most 20 bytes. Inline:
 * the writers call it for every count of every row. */
static inline char *lm__put_count(char *p, unsigned long long v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	if (v < 100) {
		memcpy(p, lm__digit_pairs + 2 * v, 2);
		return p + 2;
	}
	char tmp[20];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(p, tmp + sizeof(tmp) - n, n);
	return p + n;
}

/* A finite number as lm_format_number() writes it, at @p p; returns the end.
 * At most LM_NUMBER_MAX bytes. */
#define LM_NUMBER_MAX 32
char *lm__put_number(char *p, double v);

/* A number in a message: as lm_format_number() writes it, and "inf", "-inf"
 * or "nan" for what that does not write; never printf's %g, which follows
 * LC_NUMERIC ("2,5" under a German locale) and keeps 6 digits. Returned by
 * value, so `lm__number_text(x).s` can be an argument of a message call (the
 * temporary lives to the end of the full expression). */
struct lm_number_text {
	char s[LM_NUMBER_MAX];
};
struct lm_number_text lm__number_text(double v);

/* lm_format_number() for 1e-4 <= |v| < 1e15 where that writes no exponent, without
 * printf; returns the length (out needs 24 bytes). Returns 0 (out untouched) for any other v. */
size_t lm__format_fast(char *out, double v);

#endif
