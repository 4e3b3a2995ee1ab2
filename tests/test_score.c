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
#include <stdlib.h>
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

/*
 * The scorer keeps sums in packed integer tables when every keyed value is a
 * small whole number, adds doubles otherwise, and counts conditions through
 * tables unless they would be too large. Each way must give what a plain
 * reading of the definition gives: checked here against such a reading on
 * random respondents, for whole, fractional and large response values and
 * for more conditions than the tables are built for.
 */
#define P_ITEMS 6
static const int p_reversed[P_ITEMS] = {0, 1, 0, 0, 1, 0};
static const struct {
	const char *id, *method;
	int items[P_ITEMS], n, min_answered;
} p_scales[] = {
	{"s_sum", "sum", {0, 1, 2}, 3, 3},
	{"s_mean", "mean", {1, 2, 3, 4}, 4, 2},
	{"s_pro", "prorated_sum", {0, 1, 2, 3, 4, 5}, 6, 4},
};
#define P_SCALES 3

struct p_def {
	const double *values;
	size_t n_values;
	size_t n_conds; /* per rule; two rules (all, any) */
	size_t span;    /* respondents answer with the first span values, thresholds among them */
};

/* A threshold above the lowest value (values are in increasing order). */
static double p_threshold(const struct p_def *d, size_t c)
{
	return d->values[1 + (c * 7) % (d->span - 1)];
}

/* A value as a definition writes it: the shortest decimal that reads back as
 * it (a longer one, such as %.17g writes, is refused as more digits than a
 * number holds). */
static const char *p_num(char buf[32], double v)
{
	assert_true(lm_format_number(buf, 32, v) > 0);
	assert_null(strchr(buf, 'e'));
	return buf;
}

static char *p_yaml(const struct p_def *d)
{
	char nb[32];
	size_t cap = 4096 + d->n_values * 64 + d->n_conds * 160, len = 0;
	char *y = malloc(cap);
	assert_non_null(y);
#define P_PUT(...) (len += (size_t)snprintf(y + len, cap - len, __VA_ARGS__))
	P_PUT("format: 1\nid: paths\nname: Paths\nversion: '1'\nresponses:\n");
	for (size_t k = 0; k < d->n_values; k++)
		P_PUT("  - {value: %s, label: r%zu}\n", p_num(nb, d->values[k]), k);
	P_PUT("missing_codes: [{value: -99, label: Declined}, {value: 99999, label: Unknown}]\nitems:\n");
	for (int i = 0; i < P_ITEMS; i++)
		P_PUT("  - {id: i%d, label: item %d, reverse: %s}\n", i, i, p_reversed[i] ? "true" : "false");
	P_PUT("scales:\n");
	for (int sc = 0; sc < P_SCALES; sc++) {
		P_PUT("  - {id: %s, label: %s, method: %s, min_answered: %d, items: [", p_scales[sc].id, p_scales[sc].id,
		      p_scales[sc].method, p_scales[sc].min_answered);
		for (int k = 0; k < p_scales[sc].n; k++)
			P_PUT("%si%d", k ? ", " : "", p_scales[sc].items[k]);
		P_PUT("]}\n");
	}
	P_PUT("rules:\n");
	for (int r = 0; r < 2; r++) {
		P_PUT("  - id: rule%d\n    label: rule %d\n    combine: %s\n    conditions:\n", r, r, r ? "any" : "all");
		for (size_t c = 0; c < d->n_conds; c++)
			P_PUT("      - {scale: %s, value_at_least: %s, count_at_least: %zu}\n", p_scales[c % P_SCALES].id,
			      p_num(nb, p_threshold(d, c + (size_t)r)), 1 + c % 3);
	}
#undef P_PUT
	assert_true(len < cap);
	return y;
}

static void p_check(const struct p_def *d)
{
	char *y = p_yaml(d);
	lm_instrument *inst;
	lm_error *err;
	assert_int_equal(lm_error_new(&err), LM_OK);
	int rc = lm_instrument_load_buffer(&inst, y, strlen(y), "paths.yaml", err);
	if (rc != LM_OK)
		fail_msg("%s", lm_error_message(err, 0));
	free(y);
	lm_scorer *s;
	assert_int_equal(lm_scorer_new(&s, inst), LM_OK);
	double lo = d->values[0], hi = d->values[0];
	for (size_t k = 1; k < d->n_values; k++) {
		lo = fmin(lo, d->values[k]);
		hi = fmax(hi, d->values[k]);
	}
	unsigned long x = 12345;
	for (int resp = 0; resp < 3000; resp++) {
		double v[P_ITEMS], keyed[P_ITEMS];
		int state[P_ITEMS];
		for (int i = 0; i < P_ITEMS; i++) {
			x = x * 6364136223846793005u + 1442695040888963407u;
			unsigned pick = (unsigned)(x >> 33) % (unsigned)(d->span + 3);
			v[i] = pick == 0 ? NAN : pick == 1 ? -99 : pick == 2 ? 99999 : d->values[pick - 3];
			state[i] = pick == 0 ? LM_VALUE_BLANK : pick <= 2 ? LM_VALUE_CODED : LM_VALUE_ANSWERED;
			keyed[i] = p_reversed[i] ? lo + hi - v[i] : v[i];
		}
		assert_int_equal(lm_scorer_score(s, v, P_ITEMS, NULL), LM_OK);
		for (int i = 0; i < P_ITEMS; i++) {
			assert_int_equal(lm_scorer_value_state(s, (size_t)i), state[i]);
			if (state[i] != LM_VALUE_BLANK)
				assert_true(lm_scorer_value(s, (size_t)i) == v[i]);
		}
		for (int sc = 0; sc < P_SCALES; sc++) {
			double sum = 0;
			size_t answered = 0, coded = 0, n = (size_t)p_scales[sc].n;
			for (size_t k = 0; k < n; k++) {
				int i = p_scales[sc].items[k];
				if (state[i] == LM_VALUE_ANSWERED) {
					sum += keyed[i];
					answered++;
				}
				coded += state[i] == LM_VALUE_CODED;
			}
			assert_int_equal(lm_scorer_scale_answered(s, (size_t)sc), answered);
			assert_int_equal(lm_scorer_scale_coded(s, (size_t)sc), coded);
			if (answered < (size_t)p_scales[sc].min_answered) {
				assert_int_equal(lm_scorer_scale_status(s, (size_t)sc), LM_SCORE_INSUFFICIENT);
				continue;
			}
			double want = sc == 0 ? sum : sc == 1 ? sum / (double)answered : sum / (double)answered * (double)n;
			assert_int_equal(lm_scorer_scale_status(s, (size_t)sc),
					 answered == n ? LM_SCORE_OK : LM_SCORE_PRORATED);
			if (lm_scorer_scale_score(s, (size_t)sc) != want)
				fail_msg("respondent %d, scale %s: %.17g, expected %.17g", resp, p_scales[sc].id,
					 lm_scorer_scale_score(s, (size_t)sc), want);
		}
		for (int r = 0; r < 2; r++) {
			int all = r == 0, result = all ? LM_RULE_TRUE : LM_RULE_FALSE;
			for (size_t c = 0; c < d->n_conds; c++) {
				const int sc = (int)(c % P_SCALES);
				double value = p_threshold(d, c + (size_t)r);
				size_t yes = 0, open = 0, count = 1 + c % 3;
				for (int k = 0; k < p_scales[sc].n; k++) {
					int i = p_scales[sc].items[k];
					if (state[i] != LM_VALUE_ANSWERED)
						open++;
					else if (keyed[i] >= value)
						yes++;
				}
				int cv = yes >= count ? LM_RULE_TRUE : yes + open < count ? LM_RULE_FALSE : LM_RULE_UNKNOWN;
				if (cv == (all ? LM_RULE_FALSE : LM_RULE_TRUE)) {
					result = cv;
					break;
				}
				if (cv == LM_RULE_UNKNOWN)
					result = LM_RULE_UNKNOWN;
			}
			assert_int_equal(lm_scorer_rule(s, (size_t)r), result);
		}
	}
	lm_scorer_free(s);
	lm_instrument_free(inst);
	lm_error_free(err);
}

static void test_paths_agree(void **state)
{
	(void)state;
	static const double whole[] = {1, 2, 3, 4, 5};
	static const double negative[] = {-3, -1, 0, 2, 6};
	static const double fractional[] = {0.5, 1.25, 2, 3.75, 4.1};
	static const double large[] = {10, 20000, 70000, 131072}; /* beyond the packed tables' 2^16 */
	static double many[1000];
	for (size_t k = 0; k < 1000; k++)
		many[k] = (double)k;
	const struct p_def defs[] = {
		{whole, 5, 4, 5},
		{negative, 5, 5, 5},
		{fractional, 5, 4, 5},
		{large, 4, 3, 4},
		/* 2 x 600 conditions over 2 x (1,000 + 1) entries: more than the condition tables are
		 * built for; answers among the lowest values, so that conditions are met or missed often */
		{many, 1000, 600, 6},
	};
	for (size_t k = 0; k < sizeof(defs) / sizeof(defs[0]); k++)
		p_check(&defs[k]);
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
	assert_int_equal(lm_scorer_scale_status(fx->s, 4), LM_INVALID_ENUM);
	assert_int_equal(lm_scorer_rule(fx->s, 2), LM_INVALID_ENUM);
	assert_int_equal(lm_scorer_value_state(fx->s, 5), LM_INVALID_ENUM);
	assert_int_equal(lm_scorer_value_state(NULL, 0), LM_INVALID_ENUM);
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
		cmocka_unit_test(test_paths_agree),
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_invalid_arguments),
	};
	return cmocka_run_group_tests_name("score", tests, setup, teardown);
}
