/*
 * libra_measures — numbers: the locale-independent parsing of the decimal
 * numbers found in definitions and data cells (exact: a text is a double's
 * number only when it is that double's shortest decimal), the number format
 * of every output (the shortest decimal that reads back to the same double)
 * and its fast paths for the writers (number-priv.h), and label comparison.
 * Public: lm_number_parse() and lm_format_number() (number.h). strtod() is
 * not used on user text: it follows LC_NUMERIC and accepts hex, exponents,
 * "inf" and "nan".
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "number-priv.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static const double pow10_table[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* ---- the shortest decimal of a double ------------------------------------ */

const char lm__digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				  "8081828384858687888990919293949596979899";

/*
 * The shortest decimal that reads back to a > 0: the first of 15, 16 and 17
 * significant digits that does, each rounded to nearest, ties to even, as
 * printf("%.*e") rounds; 17 always does. Fifteen is also what a decimal of
 * at most 15 digits reads back as, so a number written with 15 digits or
 * fewer comes out as it was written. *digits is the significand as an
 * integer of *ndigits digits (trailing zeros included), *exp10 the decimal
 * exponent of its first digit.
 *
 * For 1e-4 <= a < 1e15 (the numbers results are made of) without printf:
 * a = m / 2^s (m < 2^53, 3 <= s <= 66), so a * 10^k is m * 10^k / 2^s, a
 * 128-bit product shifted, the remainder deciding the rounding. Returns 0
 * outside that range or without a 128-bit integer; digits_printf() then.
 */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 lm_u128;

static const uint64_t pow10_u64[] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
	1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
	100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull, 10000000000000000000ull,
};

static lm_u128 pow10_u128(int k) /* 0 <= k <= 20 */
{
	return k <= 19 ? (lm_u128)pow10_u64[k] : (lm_u128)pow10_u64[19] * 10;
}

/* m * 10^k / 2^s rounded to nearest, ties to even. */
static uint64_t scaled_round(uint64_t m, int k, int s)
{
	lm_u128 p = (lm_u128)m * pow10_u128(k);
	uint64_t f = (uint64_t)(p >> s);
	lm_u128 rem = p & ((((lm_u128)1) << s) - 1), half = ((lm_u128)1) << (s - 1);
	if (rem > half || (rem == half && (f & 1)))
		f++;
	return f;
}
#endif

static int digits_fast(double a, uint64_t *digits, int *ndigits, int *exp10)
{
#ifdef __SIZEOF_INT128__
	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	uint64_t bits;
	memcpy(&bits, &a, sizeof(bits));
	int be = (int)((bits >> 52) & 0x7ff); /* a normal number in this range */
	uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
	int s = 1075 - be;
	/* The decimal exponent e: 10^14 <= floor(a * 10^(14 - e)) < 10^15. Start
	 * from the binary exponent (within one), and step. */
	int e = (be - 1023) * 78913 / 262144; /* log10(2) ~ 78913 / 2^18 */
	const uint64_t lo = 100000000000000ull, hi = 1000000000000000ull;
	for (;;) {
		int k = 14 - e;
		if (k < 0 || k > 19)
			return 0;
		uint64_t f = (uint64_t)(((lm_u128)m * pow10_u64[k]) >> s);
		if (f >= hi)
			e++;
		else if (f < lo)
			e--;
		else
			break;
	}
	/* 15 digits: f < 2^53 and 10^k are exact doubles, so one division is
	 * the correctly rounded reading of the decimal. */
	uint64_t f = scaled_round(m, 14 - e, s);
	int e15 = e;
	if (f == hi) /* 999999999999999.5 -> 1000000000000000 */
		f = lo, e15++;
	if (e15 <= 14 && (double)f / pow10_table[14 - e15] == a) {
		*digits = f, *ndigits = 15, *exp10 = e15;
		return 1;
	}
	/* 16 digits read back to a when within half the gap to a's neighbours:
	 * |f / 10^k - m / 2^s| < 2^-(s+1) above (2^-(s+2) below a power of two),
	 * or equal with m even (ties to even). Times 10^k * 2^(s+2), in 128 bits
	 * (f * 2^(s+2) < 2^54 * 2^68). */
	int k = 15 - e;
	f = scaled_round(m, k, s);
	lm_u128 d = (lm_u128)f << (s + 2), x = ((lm_u128)m * pow10_u128(k)) << 2;
	lm_u128 tol_up = pow10_u128(k) << 1, tol_down = m == (1ull << 52) ? pow10_u128(k) : tol_up;
	int ok = d >= x ? (d - x < tol_up || (d - x == tol_up && !(m & 1)))
			: (x - d < tol_down || (x - d == tol_down && !(m & 1)));
	if (ok) {
		if (f == 10 * hi) /* 9999999999999999.5 -> 1000000000000000 */
			f = hi, e++;
		*digits = f, *ndigits = 16, *exp10 = e;
		return 1;
	}
	f = scaled_round(m, 16 - e, s);
	if (f == 100 * hi)
		f = 10 * hi, e++;
	*digits = f, *ndigits = 17, *exp10 = e;
	return 1;
#else
	(void)a;
	(void)digits;
	(void)ndigits;
	(void)exp10;
	return 0;
#endif
}

/* The same through printf and strtod, for the rest (both follow the same
 * LC_NUMERIC, so what one writes the other reads). Digits as text. Below
 * DBL_MIN doubles hold fewer digits, and fewer than 15 may be the shortest
 * (4.9e-324 is "5e-324"): from one digit there. */
static int digits_printf(double a, char d[18], int *ndigits, int *exp10)
{
	char tmp[48];
	for (int p = a < DBL_MIN ? 1 : 15; p <= 17; p++) {
		int n = snprintf(tmp, sizeof(tmp), "%.*e", p - 1, a);
		if (n <= 0 || (size_t)n >= sizeof(tmp))
			return 0;
		if (p < 17 && strtod(tmp, NULL) != a)
			continue;
		int k = 0;
		const char *c = tmp;
		for (; *c && *c != 'e'; c++)
			if (*c >= '0' && *c <= '9' && k < 17)
				d[k++] = *c;
		if (*c != 'e' || k != p)
			return 0;
		*ndigits = p;
		*exp10 = atoi(c + 1);
		return 1;
	}
	return 0;
}

/* The shortest digits of a > 0 (finite) as text, trailing zeros dropped:
 * returns their count (0 on failure), *exp10 the exponent of the first. */
static int shortest_digits(double a, char d[18], int *exp10)
{
	uint64_t f;
	int n;
	if (digits_fast(a, &f, &n, exp10)) {
		for (int i = n - 1; i >= 0; i--, f /= 10)
			d[i] = (char)('0' + f % 10);
	} else if (!digits_printf(a, d, &n, exp10)) {
		return 0;
	}
	while (n > 1 && d[n - 1] == '0')
		n--;
	return n;
}

size_t lm__format_fast(char *out, double v)
{
	uint64_t f;
	int n, e;
	if (!digits_fast(fabs(v), &f, &n, &e) || e < -4 || e >= n) /* %.{n}g would write an exponent */
		return 0;
	char d[18];
	int i = n - 2;
	for (; i >= 0; i -= 2) { /* two digits at a time, from the right */
		memcpy(d + i, lm__digit_pairs + 2 * (f % 100), 2);
		f /= 100;
	}
	if (i == -1)
		d[0] = (char)('0' + f);
	int last = n - 1; /* the last digit that is not a trailing zero */
	while (last > 0 && d[last] == '0')
		last--;
	size_t k = 0;
	if (v < 0)
		out[k++] = '-';
	if (e >= 0) {
		memcpy(out + k, d, (size_t)e + 1);
		k += (size_t)e + 1;
		if (last > e) {
			out[k++] = '.';
			memcpy(out + k, d + e + 1, (size_t)(last - e));
			k += (size_t)(last - e);
		}
	} else {
		out[k++] = '0';
		out[k++] = '.';
		for (int z = -1; z > e; z--)
			out[k++] = '0';
		memcpy(out + k, d, (size_t)last + 1);
		k += (size_t)last + 1;
	}
	out[k] = '\0';
	return k;
}

size_t lm_format_number(char *buf, size_t size, double value)
{
	if (!buf || size == 0)
		return 0;
	buf[0] = '\0';
	if (!isfinite(value))
		return 0;
	/* Whole numbers without printf (the common case), and never "-0". The
	 * cast is exact below 1e15; comparing back avoids floor(), a libm call. */
	long long whole = fabs(value) < 1e15 ? (long long)value : 0;
	if (fabs(value) < 1e15 && (double)whole == value) {
		char tmp[24];
		size_t n = 0;
		unsigned long long u = (unsigned long long)(whole < 0 ? -whole : whole);
		do {
			tmp[n++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		int neg = whole < 0;
		if (n + (size_t)neg + 1 > size)
			return 0;
		size_t k = 0;
		if (neg)
			buf[k++] = '-';
		while (n)
			buf[k++] = tmp[--n];
		buf[k] = '\0';
		return k;
	}
	char tmp[40];
	/* Fractions (means, SDs, change statistics) straight from the digits
	 * when %g would write no exponent. */
	size_t n = lm__format_fast(tmp, value);
	if (!n) {
		/* The rest, as %.{15,16,17}g would write them: digits, then a
		 * plain or an exponent form ("1e+15", "2.5e-05"). */
		char d[18];
		int e, p;
		if (!digits_printf(fabs(value), d, &p, &e))
			return 0;
		int nd = p;
		while (nd > 1 && d[nd - 1] == '0')
			nd--;
		if (value < 0)
			tmp[n++] = '-';
		if (e >= -4 && e < p) {
			if (e < 0) {
				tmp[n++] = '0';
				tmp[n++] = '.';
				for (int z = -1; z > e; z--)
					tmp[n++] = '0';
				memcpy(tmp + n, d, (size_t)nd);
				n += (size_t)nd;
			} else {
				for (int i = 0; i <= e; i++)
					tmp[n++] = i < nd ? d[i] : '0';
				if (nd > e + 1) {
					tmp[n++] = '.';
					memcpy(tmp + n, d + e + 1, (size_t)(nd - e - 1));
					n += (size_t)(nd - e - 1);
				}
			}
		} else {
			tmp[n++] = d[0];
			if (nd > 1) {
				tmp[n++] = '.';
				memcpy(tmp + n, d + 1, (size_t)nd - 1);
				n += (size_t)nd - 1;
			}
			n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
		}
		tmp[n] = '\0';
	}
	if (n + 1 > size)
		return 0;
	memcpy(buf, tmp, n + 1);
	return n;
}

char *lm__put_number(char *p, double v)
{
	/* Whole non-negative numbers (the common case) as lm_format_number()
	 * writes them, without the call; -0 is "0" in both. */
	if (v >= 0 && v < 1e15) {
		unsigned long long u = (unsigned long long)v;
		if ((double)u == v)
			return lm__put_count(p, u);
	}
	/* LM_NUMBER_MAX bytes always hold a number and its NUL. */
	return p + lm_format_number(p, LM_NUMBER_MAX, v);
}

struct lm_number_text lm__number_text(double v)
{
	struct lm_number_text t;
	if (!lm_format_number(t.s, sizeof(t.s), v))
		strcpy(t.s, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	return t;
}

/* ---- parsing ------------------------------------------------------------- */

/*
 * The text lm__parse_decimal()'s fast path leaves: more than 15 significant
 * digits, or a point far from them. Its value is the double nearest to it;
 * it is exact when it is that double's shortest decimal (shortest_digits()):
 * then it is the number a definition or an output writes for the double, and
 * no other text with a different decimal value is. s[i, end) is the text
 * after white space and sign, not yet checked.
 */
static int parse_long(const char *s, size_t i, size_t end, int neg, double *out)
{
	/* The significant digits (the first 17 kept, the rest only looked at),
	 * where the first of them is among all digits, and how many digits come
	 * before the point. */
	char sig[17];
	size_t n = 0, n_nonzero = 0, ndig = 0, first = 0, int_digits = 0;
	int seen_point = 0;
	for (; i < end; i++) {
		char c = s[i];
		if (c == '.' && !seen_point) {
			seen_point = 1;
			continue;
		}
		if (c < '0' || c > '9')
			return 0;
		ndig++;
		if (!seen_point)
			int_digits++;
		if (!n && c == '0')
			continue;
		if (!n)
			first = ndig - 1;
		if (n < sizeof(sig))
			sig[n] = c;
		n++;
		if (c != '0')
			n_nonzero = n;
	}
	if (!ndig) /* "." and "+" are not numbers */
		return 0;
	if (!n) {
		*out = 0; /* "0.000": no negative zero */
		return 1;
	}
	n = n_nonzero; /* trailing zeros say nothing about the value */
	long exp10 = (long)int_digits - 1 - (long)first;
	/* The nearest double, from at most 17 digits: strtod() reads an integer
	 * significand and an exponent the same under every locale. */
	size_t keep = n < sizeof(sig) ? n : sizeof(sig);
	char text[48];
	memcpy(text, sig, keep);
	snprintf(text + keep, sizeof(text) - keep, "e%ld", exp10 - (long)keep + 1);
	double v = strtod(text, NULL);
	*out = neg ? -v : v;
	if (n > sizeof(sig) || !isfinite(v) || v == 0)
		return 2; /* a double's shortest decimal has at most 17 digits */
	char d[18];
	int e, nd = shortest_digits(v, d, &e);
	return nd == (int)n && e == exp10 && memcmp(d, sig, n) == 0 ? 1 : 2;
}

int lm__parse_decimal(const char *s, size_t len, double *out)
{
	size_t i = 0, end = len;
	while (i < end && is_space(s[i]))
		i++;
	while (end > i && is_space(s[end - 1]))
		end--;
	if (i == end)
		return 0;
	int neg = 0;
	if (s[i] == '+' || s[i] == '-')
		neg = s[i++] == '-';
	size_t start = i;
	/* Digits as one integer mantissa and a power-of-ten divisor: exact while
	 * the mantissa has at most 15 digits (< 2^53) and the divisor is in the
	 * table, which makes the result correctly rounded; and a decimal of at
	 * most 15 significant digits is the shortest decimal of that double, so
	 * it is exact. Anything longer takes parse_long(). */
	unsigned long long mant = 0;
	size_t digits = 0, frac = 0;
	int seen_point = 0, any_digit = 0;
	for (; i < end; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (digits == 15)
				return parse_long(s, start, end, neg, out);
			any_digit = 1;
			if (mant || c != '0')
				digits++;
			mant = mant * 10 + (unsigned)(c - '0');
			if (seen_point)
				frac++;
		} else if (c == '.' && !seen_point) {
			seen_point = 1;
		} else {
			return 0;
		}
	}
	if (!any_digit) /* "." and "+" are not numbers; "0", ".5" and "5." are */
		return 0;
	if (frac >= sizeof(pow10_table) / sizeof(pow10_table[0]))
		return parse_long(s, start, end, neg, out);
	double v = (double)mant / pow10_table[frac];
	*out = neg ? -v : v;
	if (*out == 0)
		*out = 0; /* no negative zero */
	return 1;
}

int lm_number_parse(const char *text, size_t len, double *out)
{
	if (!out || (!text && len)) {
		if (out)
			*out = NAN;
		return LM_EINVAL;
	}
	double v;
	int r = len ? lm__parse_decimal(text, len, &v) : 0;
	if (r == LM_NUMBER_EXACT) {
		*out = v;
		return LM_OK;
	}
	/* Not a number (NaN), or the double nearest to one that no double is. */
	*out = r == LM_NUMBER_INEXACT ? v : NAN;
	if (*out == 0)
		*out = 0; /* "-0.000...01" underflows to -0 */
	return LM_EDATA;
}

/* ---- labels ---------------------------------------------------------------- */

/*
 * Labels as survey tools export them: case, surrounding white space and the
 * width of inner white space do not matter ("Very  often" is "very often").
 */
int lm__label_equal(const char *text, size_t len, const char *label)
{
	size_t i = 0, end = len;
	while (i < end && is_space(text[i]))
		i++;
	while (end > i && is_space(text[end - 1]))
		end--;
	while (*label && is_space(*label))
		label++;
	while (i < end && *label) {
		if (is_space(text[i]) && is_space(*label)) {
			while (i < end && is_space(text[i]))
				i++;
			while (*label && is_space(*label))
				label++;
			continue;
		}
		if (lm__ascii_lower(text[i]) != lm__ascii_lower(*label))
			return 0;
		i++;
		label++;
	}
	while (*label && is_space(*label))
		label++;
	return i == end && !*label;
}
