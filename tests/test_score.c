/*
 * Tests of the scorer on a small inline instrument: methods, statuses,
 * reverse keying over the declared range, blanks versus missing codes,
 * text cells, three-valued rules, and lifetimes.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

static const char yaml[] =
	"format: 1\n"
	"id: demo\n"
	"name: Demo\n"
	"version: '1'\n"
	"responses: [{value: 1, label: Never}, {value: 2, label: Sometimes}, {value: 3, label: Often},"
	" {value: 4, label: Always}]\n"
	"response_sets:\n"
	"  zero: [{value: 0, label: No}, {value: 1, label: A little}, {value: 2, label: Yes}]\n"
	"missing_codes: [{value: -99, label: Declined}, {value: 777, label: Don't know}]\n"
	"items:\n"
	"  - {id: d_1, label: one}\n"
	"  - {id: d_2, label: two, reverse: true}\n"
	"  - {id: d_3, label: three}\n"
	"  - {id: d_4, label: four, responses: zero, reverse: true}\n"
	"  - {id: d_5, label: filler, scored: false}\n"
	"scales:\n"
	"  - {id: sum3, label: S, items: [d_1, d_2, d_3], method: sum,\n"
	"     bands: [{id: low, label: L, min: 3, max: 7}, {id: high, label: H, min: 8, max: 12}]}\n"
	"  - {id: mean3, label: M, items: [d_1, d_2, d_3], method: mean, min_answered: 2}\n"
	"  - {id: pro3, label: P, items: [d_1, d_2, d_3], method: prorated_sum, min_answered: 66%}\n"
	"  - {id: zero, label: Z, items: [d_4], method: sum}\n"
	"rules:\n"
	"  - id: all2\n"
	"    label: two of sum3 at 3 or more, and d_4 at 2\n"
	"    combine: all\n"
	"    conditions:\n"
	"      - {scale: sum3, value_at_least: 3, count_at_least: 2}\n"
	"      - {scale: zero, value_at_least: 2, count_at_least: 1}\n"
	"  - id: any\n"
	"    label: either\n"
	"    combine: any\n"
	"    conditions:\n"
	"      - {scale: sum3, value_at_least: 4, count_at_least: 1}\n"
	"      - {scale: zero, value_at_least: 2, count_at_least: 1}\n";

enum { SUM3, MEAN3, PRO3, ZERO };
enum { ALL2, ANY };

struct fx {
	lm_instrument *inst;
	lm_scorer *s;
	lm_error *err;
};

static int setup(void **state)
{
	static struct fx fx;
	if (lm_instrument_load_buffer(&fx.inst, yaml, sizeof(yaml) - 1, "demo.yaml", NULL) != LM_OK)
		return -1;
	if (lm_scorer_new(&fx.s, fx.inst) != LM_OK || lm_error_new(&fx.err) != LM_OK)
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	lm_scorer_free(fx->s);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	return 0;
}

static void score(struct fx *fx, double a, double b, double c, double d, double e)
{
	double v[5] = {a, b, c, d, e};
	assert_int_equal(lm_scorer_score(fx->s, v, 5, fx->err), LM_OK);
}

static void test_complete(void **state)
{
	struct fx *fx = *state;
	/* d_2 = 1 reversed over 1..4 is 4; d_4 = 0 reversed over 0..2 is 2. */
	score(fx, 2, 1, 3, 0, 4);
	assert_true(lm_scorer_scale_score(fx->s, SUM3) == 9);
	assert_int_equal(lm_scorer_scale_status(fx->s, SUM3), LM_SCORE_OK);
	assert_int_equal(lm_scorer_scale_answered(fx->s, SUM3), 3);
	assert_int_equal(lm_scorer_scale_band(fx->s, SUM3), 1);
	assert_true(lm_scorer_scale_score(fx->s, MEAN3) == 3);
	assert_true(lm_scorer_scale_score(fx->s, PRO3) == 9);
	assert_true(lm_scorer_scale_score(fx->s, ZERO) == 2);
	assert_int_equal(lm_scorer_rule(fx->s, ALL2), LM_RULE_TRUE);
	assert_int_equal(lm_scorer_rule(fx->s, ANY), LM_RULE_TRUE);
	assert_true(lm_scorer_value(fx->s, 1) == 1); /* raw, not keyed */
	assert_int_equal(lm_scorer_value_state(fx->s, 4), LM_VALUE_ANSWERED);
}

static void test_band_edges(void **state)
{
	struct fx *fx = *state;
	score(fx, 1, 3, 3, 0, NAN); /* 1 + 2 + 3 + ... = 1 + (5-3) + 3 = 6 */
	assert_true(lm_scorer_scale_score(fx->s, SUM3) == 6);
	assert_int_equal(lm_scorer_scale_band(fx->s, SUM3), 0);
	score(fx, 1, 2, 4, 0, NAN); /* 1 + 3 + 4 = 8 */
	assert_true(lm_scorer_scale_score(fx->s, SUM3) == 8);
	assert_int_equal(lm_scorer_scale_band(fx->s, SUM3), 1);
	score(fx, 1, 4, 1, 0, NAN); /* minimum 3 */
	assert_true(lm_scorer_scale_score(fx->s, SUM3) == 3);
	assert_int_equal(lm_scorer_scale_band(fx->s, SUM3), 0);
	score(fx, 4, 1, 4, 0, NAN); /* maximum 12 */
	assert_true(lm_scorer_scale_score(fx->s, SUM3) == 12);
	assert_int_equal(lm_scorer_scale_band(fx->s, SUM3), 1);
}

static void test_missing(void **state)
{
	struct fx *fx = *state;
	/* One blank of three: sum insufficient; mean of 2; prorated: 66% of 3 (1.98) rounds up to 2. */
	score(fx, 2, NAN, 3, 1, NAN);
	assert_true(isnan(lm_scorer_scale_score(fx->s, SUM3)));
	assert_int_equal(lm_scorer_scale_status(fx->s, SUM3), LM_SCORE_INSUFFICIENT);
	assert_int_equal(lm_scorer_scale_band(fx->s, SUM3), -1);
	assert_int_equal(lm_scorer_scale_answered(fx->s, SUM3), 2);
	assert_true(lm_scorer_scale_score(fx->s, MEAN3) == 2.5);
	assert_int_equal(lm_scorer_scale_status(fx->s, MEAN3), LM_SCORE_PRORATED);
	assert_true(lm_scorer_scale_score(fx->s, PRO3) == 7.5);
	assert_int_equal(lm_scorer_scale_status(fx->s, PRO3), LM_SCORE_PRORATED);
	assert_int_equal(lm_scale_min_answered(lm_instrument_scale(fx->inst, PRO3)), 2);
	/* Two blanks: below min_answered everywhere. */
	score(fx, 2, NAN, NAN, 1, NAN);
	assert_int_equal(lm_scorer_scale_status(fx->s, MEAN3), LM_SCORE_INSUFFICIENT);
	assert_true(isnan(lm_scorer_scale_score(fx->s, MEAN3)));
	assert_int_equal(lm_scorer_scale_status(fx->s, PRO3), LM_SCORE_INSUFFICIENT);
}

static void test_codes_apart_from_blanks(void **state)
{
	struct fx *fx = *state;
	score(fx, -99, 777, NAN, 1, NAN);
	assert_int_equal(lm_scorer_scale_answered(fx->s, SUM3), 0);
	assert_int_equal(lm_scorer_scale_coded(fx->s, SUM3), 2);
	assert_int_equal(lm_scorer_value_state(fx->s, 0), LM_VALUE_CODED);
	assert_int_equal(lm_scorer_value_state(fx->s, 2), LM_VALUE_BLANK);
	assert_true(lm_scorer_value(fx->s, 0) == -99);
	assert_true(isnan(lm_scorer_value(fx->s, 2)));
}

static void test_bad_values_all_reported(void **state)
{
	struct fx *fx = *state;
	double v[5] = {5, 0, 2, 3, 2.5};
	lm_error_clear(fx->err);
	assert_int_equal(lm_scorer_score(fx->s, v, 5, fx->err), LM_EDATA);
	/* d_1 = 5, d_2 = 0, d_4 = 3 and d_5 = 2.5 are not responses: four problems. */
	assert_int_equal(lm_error_count(fx->err), 4);
	assert_string_equal(lm_error_message(fx->err, 0),
			    "\"5\" is not a response of d_1 (allowed: 1, 2, 3, 4; missing codes: -99, 777)");
	assert_non_null(strstr(lm_error_message(fx->err, 2), "\"3\" is not a response of d_4 (allowed: 0, 1, 2;"));
	/* No results from a respondent with a bad value. */
	assert_int_equal(lm_scorer_scale_status(fx->s, MEAN3), LM_SCORE_INSUFFICIENT);
	assert_int_equal(lm_scorer_rule(fx->s, ANY), LM_RULE_UNKNOWN);
	lm_error_clear(fx->err);
	double few[2] = {1, 2};
	assert_int_equal(lm_scorer_score(fx->s, few, 2, fx->err), LM_EINVAL);
	assert_string_equal(lm_error_message(fx->err, 0), "2 values given; instrument 'demo' has 5 items");
	lm_error_clear(fx->err);
}

static void test_text_cells(void **state)
{
	struct fx *fx = *state;
	lm_scorer_clear(fx->s);
	assert_int_equal(lm_scorer_set_text(fx->s, 0, " often ", 7, NULL), LM_OK);
	assert_int_equal(lm_scorer_set_text(fx->s, 1, "3.0", 3, NULL), LM_OK);
	assert_int_equal(lm_scorer_set_text(fx->s, 2, "  ", 2, NULL), LM_OK);
	assert_int_equal(lm_scorer_set_text(fx->s, 3, "A LITTLE", 8, NULL), LM_OK);
	assert_int_equal(lm_scorer_set_text(fx->s, 4, "declined", 8, NULL), LM_OK);
	assert_int_equal(lm_scorer_run(fx->s), LM_OK);
	assert_true(lm_scorer_value(fx->s, 0) == 3);
	assert_true(lm_scorer_value(fx->s, 1) == 3);
	assert_int_equal(lm_scorer_value_state(fx->s, 2), LM_VALUE_BLANK);
	assert_true(lm_scorer_value(fx->s, 3) == 1);
	assert_int_equal(lm_scorer_value_state(fx->s, 4), LM_VALUE_CODED);
	assert_true(lm_scorer_scale_score(fx->s, MEAN3) == 2.5); /* 3 and 5-3 */

	lm_error_clear(fx->err);
	static const char *const bad[] = {"Oftn", "1e0", "0x3", "3.5", "\xef\xbc\x93", "3,0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(lm_scorer_set_text(fx->s, 0, bad[i], strlen(bad[i]), fx->err), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 6);
	/* Text that is not a number: the labels are listed too. */
	assert_string_equal(lm_error_message(fx->err, 0),
			    "\"Oftn\" is not a response of d_1 (allowed: 1, 2, 3, 4, or their labels: Never, Sometimes, "
			    "Often, Always; missing codes: -99 = Declined, 777 = Don't know)");
	assert_non_null(strstr(lm_error_message(fx->err, 3), "\"3.5\" is not a response of d_1 (allowed: 1, 2, 3, 4;"));
	assert_int_equal(lm_scorer_value_state(fx->s, 0), LM_VALUE_BLANK);
	lm_error_clear(fx->err);
}

static void test_rules_three_valued(void **state)
{
	struct fx *fx = *state;
	/* all2: sum3 needs 2 items keyed >= 3; zero needs d_4 keyed >= 2 (raw 0). */
	score(fx, 3, NAN, NAN, 0, NAN); /* one yes, two open: could still reach 2 */
	assert_int_equal(lm_scorer_rule(fx->s, ALL2), LM_RULE_UNKNOWN);
	score(fx, 1, 4, NAN, 0, NAN); /* keyed 1, 1: no yes, one open: cannot reach 2 → false */
	assert_int_equal(lm_scorer_rule(fx->s, ALL2), LM_RULE_FALSE);
	score(fx, 3, 1, NAN, NAN, NAN); /* sum3 true (3, 4); zero open → unknown */
	assert_int_equal(lm_scorer_rule(fx->s, ALL2), LM_RULE_UNKNOWN);
	score(fx, 3, 1, NAN, 2, NAN); /* zero false → all false whatever the rest */
	assert_int_equal(lm_scorer_rule(fx->s, ALL2), LM_RULE_FALSE);
	/* any: sum3 has an item keyed >= 4, or d_4 keyed >= 2 */
	score(fx, NAN, NAN, NAN, 2, NAN); /* zero false; sum3 open → unknown */
	assert_int_equal(lm_scorer_rule(fx->s, ANY), LM_RULE_UNKNOWN);
	score(fx, 1, 2, 3, 2, NAN); /* keyed 1, 3, 3; zero 0 → false */
	assert_int_equal(lm_scorer_rule(fx->s, ANY), LM_RULE_FALSE);
	score(fx, NAN, 1, NAN, NAN, NAN); /* d_2 keyed 4 → true, the rest does not matter */
	assert_int_equal(lm_scorer_rule(fx->s, ANY), LM_RULE_TRUE);
	/* Coded values count as open, like blanks. */
	score(fx, 3, -99, -99, 0, NAN);
	assert_int_equal(lm_scorer_rule(fx->s, ALL2), LM_RULE_UNKNOWN);
}

static void test_lifetimes(void **state)
{
	(void)state;
	/* The scorer keeps the instrument alive: freeing in either order is fine. */
	lm_instrument *inst;
	assert_int_equal(lm_instrument_load_buffer(&inst, yaml, sizeof(yaml) - 1, NULL, NULL), LM_OK);
	lm_scorer *a, *b;
	assert_int_equal(lm_scorer_new(&a, inst), LM_OK);
	assert_int_equal(lm_scorer_new(&b, inst), LM_OK);
	lm_instrument_free(inst);
	double v[5] = {1, 2, 3, 1, 1};
	assert_int_equal(lm_scorer_score(a, v, 5, NULL), LM_OK);
	assert_true(lm_scorer_scale_score(a, SUM3) == 7);
	assert_string_equal(lm_instrument_id(lm_scorer_instrument(a)), "demo");
	lm_scorer_free(a);
	assert_int_equal(lm_scorer_score(b, v, 5, NULL), LM_OK);
	lm_scorer_free(b);
	lm_scorer_free(NULL);
}

static void test_invalid_arguments(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_scorer_new(NULL, fx->inst), LM_EINVAL);
	lm_scorer *s = (lm_scorer *)&s;
	assert_int_equal(lm_scorer_new(&s, NULL), LM_EINVAL);
	assert_null(s);
	assert_int_equal(lm_scorer_set(fx->s, 5, 1, NULL), LM_EINVAL);
	assert_int_equal(lm_scorer_set_text(fx->s, 5, "1", 1, NULL), LM_EINVAL);
	assert_int_equal(lm_scorer_scale_status(fx->s, 4), LM_EINVAL);
	assert_int_equal(lm_scorer_rule(fx->s, 2), LM_EINVAL);
	assert_true(isnan(lm_scorer_scale_score(fx->s, 4)));
	assert_int_equal(lm_scorer_scale_band(fx->s, 4), -1);
	assert_int_equal(lm_scorer_run(NULL), LM_EINVAL);
	assert_string_equal(lm_score_status_name(LM_SCORE_PRORATED), "prorated");
	assert_null(lm_score_status_name(7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_band_edges),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_codes_apart_from_blanks),
		cmocka_unit_test(test_bad_values_all_reported),
		cmocka_unit_test(test_text_cells),
		cmocka_unit_test(test_rules_three_valued),
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_invalid_arguments),
	};
	return cmocka_run_group_tests_name("score", tests, setup, teardown);
}
