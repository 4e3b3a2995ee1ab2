/*
 * White-box tests of the locale-independent number parser (exact: a text is
 * a double's number only when it is that double's shortest decimal), its
 * public face lm_number_parse(), and the shortest round-trip format
 * (lib/number.c).
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static int parse(const char *s, double *v)
{
	return lm__parse_decimal(s, strlen(s), v);
}

static void check_numbers(void)
{
	double v;
	assert_true(parse("3", &v) && v == 3);
	assert_true(parse(" 3 ", &v) && v == 3);
	assert_true(parse("3.0", &v) && v == 3);
	assert_true(parse("-99", &v) && v == -99);
	assert_true(parse("+4", &v) && v == 4);
	assert_true(parse("0.1", &v) && v == 0.1);
	assert_true(parse(".5", &v) && v == 0.5);
	assert_true(parse("5.", &v) && v == 5);
	assert_true(parse("2.99", &v) && v == 2.99);
	assert_true(parse("4.31", &v) && v == 4.31);
	assert_true(parse("-0", &v) && v == 0 && !signbit(v));
	assert_true(parse("123456789012345", &v) && v == 123456789012345.0);
	/* Exactly the number written, however many digits spell it. */
	static const struct {
		const char *text;
		double value;
	} exact[] = {{"03", 3}, {"3.0000000000000000", 3}, {"0000000000000000000003", 3},
		     {"3.00000000000000000000000000000", 3}, {"-99.000000000000000000", -99},
		     {"1000000000000001", 1000000000000001.0}, {"9007199254740992", 9007199254740992.0},
		     {"999999999999999.9", 999999999999999.9}, {"0.30000000000000004", 0.1 + 0.2},
		     {"0.1000000000000000", 0.1}, {"0.00000000000000000000000001", 1e-26},
		     {"100000000000000000000000", 1e23}, {"0.000", 0}, {"-0.0000000000000000000", 0}};
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		if (parse(exact[i].text, &v) != LM_NUMBER_EXACT || v != exact[i].value || (v == 0 && signbit(v))) {
			print_message("# \"%s\" is not read as exactly %.17g\n", exact[i].text, exact[i].value);
			fail();
		}
	}
	/* Numbers, but none that a double holds: each reads as a double whose
	 * own number is another, so they equal no declared value. */
	static const char *const inexact[] = {"2.9999999999999999", "3.00000000000000001", "0.30000000000000005",
					      "0.10000000000000001", "9007199254740993", "123456789012345678",
					      "1.2345678901234567890123", "-2.9999999999999999999999999"};
	for (size_t i = 0; i < sizeof(inexact) / sizeof(inexact[0]); i++) {
		if (parse(inexact[i], &v) != LM_NUMBER_INEXACT) {
			print_message("# \"%s\" is taken as exact\n", inexact[i]);
			fail();
		}
	}
	assert_true(parse("2.9999999999999999", &v) == LM_NUMBER_INEXACT && v == 3);
	/* Not decimal numbers */
	static const char *const bad[] = {"", " ", ".", "+", "-", "1e3", "0x3", "3,5", "3.5.1", "inf", "nan",
					  "NaN", "1 2", "\xef\xbc\x93" /* full-width 3 */, "3a", "--3",
					  "1234567890123456789x", "1.2345678901234567.8", "00000000000000000000."};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &v) && strcmp(bad[i], "00000000000000000000.") != 0) {
			print_message("# \"%s\" is taken as a number\n", bad[i]);
			fail();
		}
	}
	assert_true(parse("00000000000000000000.", &v) == LM_NUMBER_EXACT && v == 0); /* "5." is 5 */
}

static void test_parse(void **state)
{
	(void)state;
	check_numbers();
}

/* ---- lm_format_number ---------------------------------------------------------- */

static void check_format(double v, const char *want)
{
	char buf[32];
	size_t n = lm_format_number(buf, sizeof(buf), v);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void check_formats(void)
{
	check_format(0, "0");
	check_format(-0.0, "0");
	check_format(3, "3");
	check_format(-42, "-42");
	check_format(2.5, "2.5");
	check_format(-0.125, "-0.125");
	/* The shortest decimal that reads back to the same double: 15 digits
	 * when they do, else 16 or 17. */
	check_format(1.0 / 3, "0.3333333333333333");
	check_format(2.0 / 3 * 17, "11.333333333333332");
	check_format(0.1 + 0.2, "0.30000000000000004");
	check_format(0.1, "0.1");
	check_format(38.382352941176471, "38.38235294117647");
	check_format(1000000000000001, "1000000000000001");
	check_format(-9007199254740992, "-9007199254740992");
	check_format(1e15 + 0.5, "1000000000000000.5");
	check_format(999999999999999, "999999999999999");
	check_format(-999999999999999, "-999999999999999");
	check_format(1e15, "1e+15");
	check_format(1e-5, "1e-05");
	check_format(123456.789, "123456.789");
	check_format(-1.5e300, "-1.5e+300");
}

static void test_format_number(void **state)
{
	(void)state;
	check_formats();
	char buf[32] = "x";
	assert_int_equal(lm_format_number(buf, sizeof(buf), NAN), 0);
	assert_string_equal(buf, "");
	assert_int_equal(lm_format_number(buf, sizeof(buf), INFINITY), 0);
	assert_int_equal(lm_format_number(buf, sizeof(buf), -INFINITY), 0);
	/* The size counts the NUL. */
	assert_int_equal(lm_format_number(buf, 3, 123), 0);
	assert_int_equal(lm_format_number(buf, 4, 123), 3);
	assert_string_equal(buf, "123");
	assert_int_equal(lm_format_number(buf, 4, -12), 3);
	assert_int_equal(lm_format_number(buf, 3, -12), 0);
	assert_int_equal(lm_format_number(buf, 3, 2.5), 0);
	assert_int_equal(lm_format_number(buf, 4, 2.5), 3);
	assert_string_equal(buf, "2.5");
	assert_int_equal(lm_format_number(buf, 0, 1), 0);
	assert_int_equal(lm_format_number(NULL, 8, 1), 0);
	/* 32 is always enough. */
	assert_true(lm_format_number(buf, 32, -1.2345678901234567e-300) > 0);
	assert_true(lm_format_number(buf, 32, -1.7976931348623157e308) > 0);
}

/* The public parser: the same rule, with LM_OK / LM_EDATA and the nearest
 * double (or NaN) for what is refused. */
static void test_number_parse(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		double value;
	} ok[] = {{"3", 3}, {" \t3\r\n", 3}, {"\f3\v", 3}, {"3.0", 3}, {"03", 3}, {"+4", 4}, {"-2.5", -2.5},
		  {".5", 0.5}, {"5.", 5}, {"-0", 0}, {"-0.000", 0}, {"0.85", 0.85}, {"3.0000000000000000", 3},
		  {"0.30000000000000004", 0.1 + 0.2}, {"123456789012345", 123456789012345.0}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double v = -1;
		if (lm_number_parse(ok[i].text, strlen(ok[i].text), &v) != LM_OK || v != ok[i].value ||
		    signbit(v) != signbit(ok[i].value)) {
			print_message("# \"%s\" is not read as %.17g (got %.17g)\n", ok[i].text, ok[i].value, v);
			fail();
		}
	}
	/* Not numbers: NaN. */
	static const char *const not_number[] = {"", "   ", ".", "-", "1e3", "0x3", "inf", "nan", "1,5", "1 000",
						 "\xef\xbc\x93", "3a", "--3", "three"};
	for (size_t i = 0; i < sizeof(not_number) / sizeof(not_number[0]); i++) {
		double v = 0;
		if (lm_number_parse(not_number[i], strlen(not_number[i]), &v) != LM_EDATA || !isnan(v)) {
			print_message("# \"%s\" is taken as a number\n", not_number[i]);
			fail();
		}
	}
	/* Numbers that no double is: refused, with the nearest double. */
	double v = 0;
	assert_int_equal(lm_number_parse("2.9999999999999999", 18, &v), LM_EDATA);
	assert_true(v == 3);
	assert_int_equal(lm_number_parse("-2.9999999999999999999999999", 28, &v), LM_EDATA);
	assert_true(v == -3);
	assert_int_equal(lm_number_parse("0.10000000000000001", 19, &v), LM_EDATA);
	assert_true(v == 0.1);
	char big[420], tiny[420];
	big[0] = '1';
	memset(big + 1, '0', 400);
	assert_int_equal(lm_number_parse(big, 401, &v), LM_EDATA);
	assert_true(isinf(v) && v > 0);
	memcpy(tiny, "-0.", 3);
	memset(tiny + 3, '0', 400);
	tiny[403] = '1';
	assert_int_equal(lm_number_parse(tiny, 404, &v), LM_EDATA);
	assert_true(v == 0 && !signbit(v));
	/* The length counts, not a NUL: "12345" read as its first three bytes,
	 * and a NUL inside is not a digit. */
	assert_int_equal(lm_number_parse("12345", 3, &v), LM_OK);
	assert_true(v == 123);
	assert_int_equal(lm_number_parse("3\0", 2, &v), LM_EDATA);
	assert_true(isnan(v));
	/* Arguments. */
	assert_int_equal(lm_number_parse(NULL, 0, &v), LM_EDATA);
	assert_true(isnan(v));
	v = 0;
	assert_int_equal(lm_number_parse(NULL, 1, &v), LM_EINVAL);
	assert_true(isnan(v));
	assert_int_equal(lm_number_parse("3", 1, NULL), LM_EINVAL);
}

/* lm_number_parse() is the scorer's rule for a response value: a text it
 * reads is the response of that value, one it refuses (a label aside) is none. */
static void test_number_parse_is_the_scorers_rule(void **state)
{
	(void)state;
	lm_instrument *inst = NULL;
	lm_scorer *sc = NULL;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	assert_int_equal(lm_scorer_new(&sc, inst), LM_OK);
	static const char *const texts[] = {"3", " 3 ", "3.0", "03", "+3", "3.0000000000000000", "5.", "1",
					    "2.9999999999999999", "3.00000000000000001", "3e0", "0x3", "3,0", "6",
					    "2.5", "-3", "0.30000000000000004"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		double v;
		int parsed = lm_number_parse(texts[i], strlen(texts[i]), &v);
		int scored = lm_scorer_set_text(sc, 0, texts[i], strlen(texts[i]), NULL);
		int response = parsed == LM_OK && v >= 1 && v <= 5 && v == floor(v);
		if ((scored == LM_OK) != response || (response && lm_scorer_value(sc, 0) != v)) {
			print_message("# \"%s\": lm_number_parse %d (%.17g), lm_scorer_set_text %d\n", texts[i], parsed, v,
				      scored);
			fail();
		}
	}
	lm_scorer_free(sc);
	lm_instrument_free(inst);
}

/* A definition's numbers in a message: as written, whatever the locale (and
 * not cut to %g's six digits). */
static void check_message_numbers(void)
{
	static const char yaml[] = "format: 1\nid: demo\nname: Demo\nversion: \"1\"\n"
				   "responses:\n  - {value: 1, label: Never}\n  - {value: 3, label: Often}\n"
				   "items:\n  - {id: d_1, label: one}\n"
				   "scales:\n  - id: total\n    label: Total\n    items: [d_1]\n    method: sum\n"
				   "    bands:\n      - {id: low, label: Low, min: 0.5, max: 4.1234567}\n";
	lm_error *err = NULL;
	lm_instrument *inst = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_instrument_load_buffer(&inst, yaml, sizeof(yaml) - 1, "demo.yaml", err), LM_EDEFINITION);
	assert_int_equal(lm_error_count(err), 1);
	assert_string_equal(lm_error_message(err, 0),
			    "band 'low' (0.5 to 4.1234567) reaches outside the possible scores of scale 'total' (1 to 3)");
	lm_error_free(err);
	struct lm_number_text t = lm__number_text(2.5);
	assert_string_equal(t.s, "2.5");
	assert_string_equal(lm__number_text(INFINITY).s, "inf");
	assert_string_equal(lm__number_text(-INFINITY).s, "-inf");
	assert_string_equal(lm__number_text(NAN).s, "nan");
}

static void test_message_numbers(void **state)
{
	(void)state;
	check_message_numbers();
}

/*
 * Under a locale whose decimal point is a comma. CI generates de_DE.UTF-8 and
 * sets LM_REQUIRE_DECIMAL_COMMA, so there the test cannot pass without
 * running; elsewhere a missing locale makes the test skip, visibly (tests/tap.sh
 * turns cmocka 1.1.5's "not ok # SKIP" into the "ok # SKIP" meson expects).
 */
static void test_parse_under_decimal_comma(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "de_DE.UTF-8") && !setlocale(LC_ALL, "de_DE.utf8")) {
		assert_null(getenv("LM_REQUIRE_DECIMAL_COMMA"));
		print_message("# de_DE.UTF-8 is not installed; decimal-comma check skipped\n");
		skip();
	}
	assert_string_equal(localeconv()->decimal_point, ",");
	check_numbers();
	check_formats();
	check_message_numbers();
	setlocale(LC_ALL, "C");
}

static void test_labels(void **state)
{
	(void)state;
	assert_true(lm__label_equal(" often ", 7, "Often"));
	assert_true(lm__label_equal("VERY OFTEN", 10, "Very often"));
	assert_false(lm__label_equal("Oftenn", 6, "Often"));
	assert_false(lm__label_equal("", 0, "Often"));
	assert_true(lm__label_equal("very   often", 12, "Very often"));
	assert_true(lm__label_equal("Very\toften ", 11, "Very often"));
	assert_false(lm__label_equal("Veryoften", 9, "Very often"));
	assert_false(lm__label_equal("Very often x", 12, "Very often"));
}

/* ---- the shortest round trip ---------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void) /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double unit(void) /* [0, 1) */
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static unsigned long n_checked, n_fast;

/*
 * lm_format_number(v) must be the first of snprintf("%.15g"), "%.16g" and
 * "%.17g" (from "%.1g" below DBL_MIN) in the C locale that strtod() reads
 * back as v, byte for byte
 * (except "-0", written "0"); lm__format_fast() must take exactly the
 * numbers it writes without an exponent in 1e-4 <= |v| < 1e15; and the
 * parser must read what is written (without an exponent) back as exactly v.
 */
static void check_shortest(double v)
{
	char want[64], got[32], fast[32];
	for (int p = fabs(v) < DBL_MIN ? 1 : 15; p <= 17; p++) {
		snprintf(want, sizeof(want), "%.*g", p, v);
		if (strtod(want, NULL) == v)
			break;
	}
	size_t n = lm_format_number(got, sizeof(got), v);
	const char *expect = strcmp(want, "-0") ? want : "0";
	if (n != strlen(expect) || strcmp(got, expect) != 0) {
		print_message("# %a: lm_format_number gives \"%s\", shortest %%.{15,16,17}g \"%s\"\n", v, got, expect);
		fail();
	}
	size_t f = lm__format_fast(fast, v);
	double a = fabs(v);
	int should = a >= 1e-4 && a < 1e15 && !strchr(want, 'e');
	if ((f != 0) != should || (f && (f != strlen(expect) || strcmp(fast, expect) != 0))) {
		print_message("# %a: lm__format_fast gives %zu \"%s\", want \"%s\"\n", v, f, f ? fast : "", expect);
		fail();
	}
	double back;
	if (!strchr(got, 'e') && (lm_number_parse(got, n, &back) != LM_OK || back != v)) {
		print_message("# %a: \"%s\" is not read back as exactly that\n", v, got);
		fail();
	}
	n_checked++;
	n_fast += f != 0;
}

static void check_shortest_around(double v, int ulps)
{
	double lo = v, hi = v;
	check_shortest(v);
	check_shortest(-v);
	for (int i = 0; i < ulps; i++) {
		lo = nextafter(lo, -INFINITY);
		hi = nextafter(hi, INFINITY);
		check_shortest(lo);
		check_shortest(hi);
		check_shortest(-lo);
		check_shortest(-hi);
	}
}

static double parse_strtod(const char *s)
{
	return strtod(s, NULL); /* the C locale: main() does not call setlocale */
}

static void test_format_shortest(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C");
	/* Specials and edges. */
	static const double special[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1e-4, 1e-5, 9.99999999999999e-5, 1e15, 1e16,
					 999999999999999.0, 999999999999999.4, 999999999999999.5, 999999999999999.6,
					 99999999999999.95, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, DBL_MIN, DBL_MAX,
					 DBL_TRUE_MIN, DBL_EPSILON, 4.94e-324, 123456.789, 0.000123456789012345678,
					 0.00099999999999999995, 0.0001000000000000001, 12345678901234.25,
					 12345678901234.75, 1234567890123.125, 0.5000000000000005};
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		check_shortest(special[i]);
		check_shortest(-special[i]);
	}
	/* Powers of ten and the values that round up to them, with their neighbours. */
	char text[64];
	for (int j = -8; j <= 17; j++) {
		snprintf(text, sizeof(text), "1e%d", j);
		check_shortest_around(parse_strtod(text), 40);
		snprintf(text, sizeof(text), "9.999999999999995e%d", j - 1);
		check_shortest_around(parse_strtod(text), 40);
		snprintf(text, sizeof(text), "9.99999999999999e%d", j - 1);
		check_shortest_around(parse_strtod(text), 40);
	}
	/* Halfway between two 15-digit decimals, and a few ulps either side. */
	for (int i = 0; i < 100000; i++) {
		uint64_t d = 100000000000000ull + rnd() % 900000000000000ull;
		int e = (int)(rnd() % 24) - 7;
		snprintf(text, sizeof(text), "%llu5e%d", (unsigned long long)d, e - 15);
		check_shortest_around(parse_strtod(text), 2);
	}
	/* The same at 16 digits, and decimals of 16 and 17 digits: where 15
	 * digits do not read back and the 16-digit check decides. */
	for (int i = 0; i < 100000; i++) {
		uint64_t d = 1000000000000000ull + rnd() % 9000000000000000ull;
		int e = (int)(rnd() % 24) - 7;
		snprintf(text, sizeof(text), "%llu5e%d", (unsigned long long)d, e - 16);
		check_shortest_around(parse_strtod(text), 2);
		snprintf(text, sizeof(text), "%llue%d", (unsigned long long)d, e - 16);
		check_shortest(parse_strtod(text));
		snprintf(text, sizeof(text), "%llu%de%d", (unsigned long long)d, (int)(rnd() % 10), e - 17);
		check_shortest(parse_strtod(text));
	}
	/* Powers of two, whose lower neighbour is half as far as the upper one. */
	for (int k = -16; k <= 54; k++)
		check_shortest_around(ldexp(1, k), 40);
	/* Dyadic fractions n / 2^k: exact ties at the 16th digit. */
	for (int i = 0; i < 300000; i++) {
		uint64_t n = rnd() >> (11 + rnd() % 53);
		check_shortest(ldexp((double)n, -(int)(rnd() % 72)) * (rnd() & 1 ? -1 : 1));
	}
	/* Decimals n / 10^k, as parsed from data and definitions. */
	for (int i = 0; i < 300000; i++) {
		uint64_t n = rnd() % 100000000000000000ull >> (rnd() % 50);
		snprintf(text, sizeof(text), "%llue-%d", (unsigned long long)n, (int)(rnd() % 21));
		check_shortest(parse_strtod(text));
	}
	/* Reliable change indices: whole changes over an S_diff; and means. */
	for (int i = 0; i < 300000; i++) {
		double sdiff = 0.05 + unit() * 30;
		check_shortest((double)((int)(rnd() % 241) - 120) / sdiff);
		check_shortest((double)(rnd() % 100000) / (double)(1 + rnd() % 99999));
	}
	/* Log-uniform magnitudes from 1e-7 to 1e17, either sign. */
	for (int i = 0; i < 1000000; i++) {
		double v = pow(10, -7 + 24 * unit());
		check_shortest(rnd() & 1 ? -v : v);
	}
	/* Any bit pattern that is a finite double. */
	for (int i = 0; i < 200000; i++) {
		uint64_t b = rnd();
		double v;
		memcpy(&v, &b, sizeof(v));
		if (isfinite(v))
			check_shortest(v);
	}
	print_message("# shortest round trip: %lu numbers compared, %lu without printf\n", n_checked, n_fast);
	/* The printf-free path must be the common one, or the test proves little. */
	assert_true(n_fast > n_checked / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_number_parse),
		cmocka_unit_test(test_number_parse_is_the_scorers_rule),
		cmocka_unit_test(test_parse_under_decimal_comma),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_format_number),
		cmocka_unit_test(test_message_numbers),
		cmocka_unit_test(test_format_shortest),
	};
	return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
