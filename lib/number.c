/*
 * libra_measures — locale-independent parsing of the decimal numbers found in
 * definitions and data cells, and label comparison. strtod() is not used: it
 * follows LC_NUMERIC and accepts hex, exponents, "inf" and "nan".
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static const double pow10_table[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

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
	/* Digits as one integer mantissa and a power-of-ten divisor: exact while
	 * the mantissa fits in 53 bits and the divisor in the table, which makes
	 * the result correctly rounded. */
	unsigned long long mant = 0;
	size_t digits = 0, frac = 0;
	int seen_point = 0, any_digit = 0;
	for (; i < end; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (digits == 17) /* beyond what a response code needs */
				return 0;
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
		return 0;
	double v = (double)mant / pow10_table[frac];
	*out = neg ? -v : v;
	if (*out == 0)
		*out = 0; /* no negative zero */
	return 1;
}

/*
 * printf("%.15g") of a double, without printf, for the numbers results are
 * made of: 1e-4 <= |v| < 1e15, which %.15g writes without an exponent. The
 * 15 significant digits are exact: v = m / 2^s (m < 2^53), so v * 10^k is
 * m * 10^k / 2^s, a 128-bit product shifted, with the remainder deciding the
 * rounding as glibc does (to nearest, ties to even). Returns the length, or
 * 0 when v is outside that range (or the compiler has no 128-bit integer):
 * the caller then uses snprintf. tests/test_number.c compares the two on
 * millions of values.
 */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 lm_u128;

static const uint64_t pow10_u64[] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
	1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
	100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull, 10000000000000000000ull,
};
#endif

size_t lm__format_g15(char *out, double v)
{
#ifdef __SIZEOF_INT128__
	double a = fabs(v);
	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	int be = (int)((bits >> 52) & 0x7ff); /* a normal number in this range */
	uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
	int s = 1075 - be; /* a = m / 2^s; 3 <= s <= 66 here */
	/* The decimal exponent e: 10^14 <= floor(a * 10^(14 - e)) < 10^15. Start
	 * from the binary exponent (within one), and step. */
	int e = (be - 1023) * 78913 / 262144; /* log10(2) ~ 78913 / 2^18 */
	const uint64_t lo = 100000000000000ull, hi = 1000000000000000ull;
	lm_u128 p;
	uint64_t f;
	for (;;) {
		int k = 14 - e;
		if (k < 0 || k > 19)
			return 0;
		p = (lm_u128)m * pow10_u64[k];
		f = (uint64_t)(p >> s);
		if (f >= hi)
			e++;
		else if (f < lo)
			e--;
		else
			break;
	}
	lm_u128 rem = p & ((((lm_u128)1) << s) - 1), half = ((lm_u128)1) << (s - 1);
	if (rem > half || (rem == half && (f & 1)))
		f++;
	if (f == hi) { /* 999999999999999.5 -> 1000000000000000 */
		f = lo;
		e++;
	}
	if (e < -4 || e > 14) /* %.15g would write an exponent */
		return 0;
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				    "8081828384858687888990919293949596979899";
	char d[15];
	for (int i = 13; i > 0; i -= 2) { /* two digits at a time, from the right */
		memcpy(d + i, pairs + 2 * (f % 100), 2);
		f /= 100;
	}
	d[0] = (char)('0' + f);
	int last = 14; /* the last digit that is not a trailing zero */
	while (last > 0 && d[last] == '0')
		last--;
	size_t n = 0;
	if (v < 0)
		out[n++] = '-';
	if (e >= 0) {
		memcpy(out + n, d, (size_t)e + 1);
		n += (size_t)e + 1;
		if (last > e) {
			out[n++] = '.';
			memcpy(out + n, d + e + 1, (size_t)(last - e));
			n += (size_t)(last - e);
		}
	} else {
		out[n++] = '0';
		out[n++] = '.';
		for (int z = -1; z > e; z--)
			out[n++] = '0';
		memcpy(out + n, d, (size_t)last + 1);
		n += (size_t)last + 1;
	}
	out[n] = '\0';
	return n;
#else
	(void)out;
	(void)v;
	return 0;
#endif
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

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
		if (lower(text[i]) != lower(*label))
			return 0;
		i++;
		label++;
	}
	while (*label && is_space(*label))
		label++;
	return i == end && !*label;
}
