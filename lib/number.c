/*
 * libra_measures — locale-independent parsing of the decimal numbers found in
 * definitions and data cells, and label comparison. strtod() is not used: it
 * follows LC_NUMERIC and accepts hex, exponents, "inf" and "nan".
 */
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
