/*
 * Tests of the batch scorer: on generated data (every bundled instrument and
 * a small inline one with reverse keying, two response sets, missing codes
 * and a filler item), its results equal scoring each row with lm_scorer_set()
 * / lm_scorer_set_text() and lm_scorer_run(); bad values fail the call with
 * every problem, or reject just their rows; batches on many threads share
 * one instrument.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
	"  zero: [{value: 0, label: No}, {value: 1, label: A little}, {value: 2.5, label: Yes}]\n"
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
	"  - {id: pro3, label: P, items: [d_1, d_2, d_3, d_4], method: prorated_sum, min_answered: 66%}\n"
	"rules:\n"
	"  - id: any\n"
	"    label: either\n"
	"    combine: any\n"
	"    conditions:\n"
	"      - {scale: sum3, value_at_least: 4, count_at_least: 1}\n"
	"      - {scale: pro3, value_at_least: 2, count_at_least: 2}\n";

/* ---- generated data and the row-by-row reference ----------------------------------------- */

static uint64_t rng_state = 88172645463325252u;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* One data set: per item a numeric column or a text column. */
struct data {
	size_t n, ni, ns, nr;
	double **num;      /* [item] or NULL */
	const char ***text; /* [item] or NULL */
	char *pool;        /* the text cells' storage */
	size_t pool_used;
};

/* Results of one scoring, per scale / rule, n each. */
struct results {
	double **score;
	int **answered, **status, **band, **rule, *rejected;
};

static const char *pool_add(struct data *d, const char *s)
{
	size_t k = strlen(s) + 1;
	char *p = d->pool + d->pool_used;
	memcpy(p, s, k);
	d->pool_used += k;
	return p;
}

/* Mixed case, so that labels are matched case-insensitively. */
static const char *label_variant(struct data *d, const char *label)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", label);
	for (char *p = buf; *p; p++)
		if (rnd() % 3 == 0 && *p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return pool_add(d, buf);
}

/*
 * Values of every kind a column can hold: responses, missing codes, blanks;
 * in text columns also labels, padded numbers, blank text. With bad_every
 * > 0, every bad_every-th row holds one value that is no response.
 */
static void generate(struct data *d, const lm_instrument *inst, size_t n, int text_share, size_t bad_every)
{
	memset(d, 0, sizeof(*d));
	d->n = n;
	d->ni = lm_instrument_item_count(inst);
	d->ns = lm_instrument_scale_count(inst);
	d->nr = lm_instrument_rule_count(inst);
	d->num = calloc(d->ni, sizeof(*d->num));
	d->text = calloc(d->ni, sizeof(*d->text));
	d->pool = malloc(n * d->ni * 140 + 1);
	assert_non_null(d->num);
	assert_non_null(d->text);
	assert_non_null(d->pool);
	size_t nm = lm_instrument_missing_code_count(inst);
	for (size_t i = 0; i < d->ni; i++) {
		const lm_item *it = lm_instrument_item(inst, i);
		size_t nresp = lm_item_response_count(it);
		int is_text = (int)(rnd() % 100) < text_share;
		if (is_text)
			assert_non_null(d->text[i] = calloc(n, sizeof(**d->text)));
		else
			assert_non_null(d->num[i] = malloc(n * sizeof(**d->num)));
		for (size_t r = 0; r < n; r++) {
			unsigned k = (unsigned)(rnd() % 20);
			double v;
			const char *label = NULL;
			if (k < 2 || nresp == 0) {
				v = NAN;
			} else if (k < 3 && nm) {
				size_t m = rnd() % nm;
				v = lm_instrument_missing_code_value(inst, m);
				label = lm_instrument_missing_code_label(inst, m);
			} else {
				size_t q = rnd() % nresp;
				v = lm_item_response_value(it, q);
				label = lm_item_response_label(it, q);
			}
			if (bad_every && r % bad_every == bad_every - 1 && i == r % d->ni) {
				v = 1000.5;
				label = "no such label";
			}
			if (!is_text) {
				d->num[i][r] = v;
				continue;
			}
			char buf[64];
			unsigned form = (unsigned)(rnd() % 4);
			if (isnan(v))
				d->text[i][r] = form == 0 ? pool_add(d, "  ") : NULL;
			else if (form == 0 && label)
				d->text[i][r] = label_variant(d, label);
			else if (form == 1 && label && strcmp(label, "no such label") == 0)
				d->text[i][r] = pool_add(d, label);
			else {
				lm_format_number(buf, sizeof buf, v);
				if (form == 2) {
					char padded[80];
					snprintf(padded, sizeof padded, " %s ", buf);
					d->text[i][r] = pool_add(d, padded);
				} else {
					d->text[i][r] = pool_add(d, buf);
				}
			}
		}
	}
}

static void data_free(struct data *d)
{
	for (size_t i = 0; i < d->ni; i++) {
		free(d->num[i]);
		free((void *)d->text[i]);
	}
	free(d->num);
	free(d->text);
	free(d->pool);
}

static void results_init(struct results *res, const struct data *d)
{
	size_t n = d->n ? d->n : 1, ns = d->ns ? d->ns : 1, nr = d->nr ? d->nr : 1;
	res->score = calloc(ns, sizeof(*res->score));
	res->answered = calloc(ns, sizeof(*res->answered));
	res->status = calloc(ns, sizeof(*res->status));
	res->band = calloc(ns, sizeof(*res->band));
	res->rule = calloc(nr, sizeof(*res->rule));
	assert_non_null(res->rejected = malloc(n * sizeof(int)));
	for (size_t k = 0; k < d->ns; k++) {
		assert_non_null(res->score[k] = malloc(n * sizeof(double)));
		assert_non_null(res->answered[k] = malloc(n * sizeof(int)));
		assert_non_null(res->status[k] = malloc(n * sizeof(int)));
		assert_non_null(res->band[k] = malloc(n * sizeof(int)));
	}
	for (size_t k = 0; k < d->nr; k++)
		assert_non_null(res->rule[k] = malloc(n * sizeof(int)));
}

static void results_free(struct results *res, const struct data *d)
{
	for (size_t k = 0; k < d->ns; k++) {
		free(res->score[k]);
		free(res->answered[k]);
		free(res->status[k]);
		free(res->band[k]);
	}
	for (size_t k = 0; k < d->nr; k++)
		free(res->rule[k]);
	free(res->score);
	free(res->answered);
	free(res->status);
	free(res->band);
	free(res->rule);
	free(res->rejected);
}

/* A batch reading every column of d and writing every result into res. */
static lm_batch *batch_for(const lm_instrument *inst, const struct data *d, struct results *res)
{
	lm_batch *b = NULL;
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	for (size_t i = 0; i < d->ni; i++) {
		if (d->num[i])
			assert_int_equal(lm_batch_set_numeric(b, i, d->num[i], NULL), LM_OK);
		else
			assert_int_equal(lm_batch_set_text(b, i, d->text[i], NULL), LM_OK);
	}
	for (size_t k = 0; k < d->ns; k++)
		assert_int_equal(lm_batch_set_scale_output(b, k, res->score[k], res->answered[k], res->status[k],
							   res->band[k]),
				 LM_OK);
	for (size_t k = 0; k < d->nr; k++)
		assert_int_equal(lm_batch_set_rule_output(b, k, res->rule[k]), LM_OK);
	assert_int_equal(lm_batch_set_rejected_output(b, res->rejected), LM_OK);
	return b;
}

/* Score row r of d one value at a time, the scorer's way; returns LM_OK or LM_EDATA. */
static int score_row(lm_scorer *s, const struct data *d, size_t r)
{
	int rc = LM_OK;
	lm_scorer_clear(s);
	for (size_t i = 0; i < d->ni; i++) {
		int k;
		if (d->num[i])
			k = lm_scorer_set(s, i, d->num[i][r], NULL);
		else
			k = d->text[i][r] ? lm_scorer_set_text(s, i, d->text[i][r], strlen(d->text[i][r]), NULL) : LM_OK;
		if (k != LM_OK)
			rc = k;
	}
	if (rc == LM_OK)
		assert_int_equal(lm_scorer_run(s), LM_OK);
	return rc;
}

static int same_double(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* Every result of res equals the row-by-row scorer's; bad rows (reject mode) hold no results. */
static size_t check_against_scorer(const lm_instrument *inst, const struct data *d, const struct results *res)
{
	lm_scorer *s = NULL;
	size_t bad = 0;
	assert_int_equal(lm_scorer_new(&s, inst), LM_OK);
	for (size_t r = 0; r < d->n; r++) {
		int rc = score_row(s, d, r);
		assert_int_equal(res->rejected[r], rc != LM_OK);
		bad += rc != LM_OK;
		for (size_t k = 0; k < d->ns; k++) {
			if (rc != LM_OK) {
				assert_true(isnan(res->score[k][r]));
				assert_int_equal(res->answered[k][r], 0);
				assert_int_equal(res->status[k][r], LM_SCORE_INSUFFICIENT);
				assert_int_equal(res->band[k][r], -1);
				continue;
			}
			if (!same_double(res->score[k][r], lm_scorer_scale_score(s, k)))
				fail_msg("row %zu scale %zu: %.17g, scorer %.17g", r, k, res->score[k][r],
					 lm_scorer_scale_score(s, k));
			assert_int_equal(res->answered[k][r], (int)lm_scorer_scale_answered(s, k));
			assert_int_equal(res->status[k][r], lm_scorer_scale_status(s, k));
			assert_int_equal(res->band[k][r], (int)lm_scorer_scale_band(s, k));
		}
		for (size_t k = 0; k < d->nr; k++)
			assert_int_equal(res->rule[k][r], rc != LM_OK ? LM_RULE_UNKNOWN : lm_scorer_rule(s, k));
	}
	lm_scorer_free(s);
	return bad;
}

static lm_instrument *load_demo(void)
{
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_load_buffer(&inst, yaml, sizeof(yaml) - 1, "demo.yaml", NULL), LM_OK);
	return inst;
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void check_instrument(lm_instrument *inst, size_t n, int text_share)
{
	struct data d;
	struct results res;
	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	generate(&d, inst, n, text_share, 0);
	results_init(&res, &d);
	lm_batch *b = batch_for(inst, &d, &res);
	assert_int_equal(lm_batch_score(b, n, err), LM_OK);
	assert_int_equal(lm_error_total(err), 0);
	assert_int_equal(lm_batch_rejected_count(b), 0);
	assert_int_equal(check_against_scorer(inst, &d, &res), 0);
	/* A second call on the same batch gives the same (no state carried over). */
	assert_int_equal(lm_batch_score(b, n, err), LM_OK);
	assert_int_equal(check_against_scorer(inst, &d, &res), 0);
	lm_batch_free(b);
	results_free(&res, &d);
	data_free(&d);
	lm_error_free(err);
}

static void test_equals_scorer_builtins(void **state)
{
	(void)state;
	for (size_t k = 0; k < lm_builtin_count(); k++) {
		lm_instrument *inst = NULL;
		assert_int_equal(lm_instrument_load_builtin(&inst, lm_builtin_id(k), NULL), LM_OK);
		check_instrument(inst, 3000, 0);  /* numbers only */
		check_instrument(inst, 3000, 50); /* numbers and text */
		lm_instrument_free(inst);
	}
}

static void test_equals_scorer_demo(void **state)
{
	(void)state;
	lm_instrument *inst = load_demo();
	check_instrument(inst, 5000, 0);
	check_instrument(inst, 5000, 100);
	check_instrument(inst, 5000, 40);
	check_instrument(inst, 0, 40); /* no rows: nothing to do, nothing written */
	lm_instrument_free(inst);
}

static void test_known_values(void **state)
{
	(void)state;
	lm_instrument *inst = load_demo();
	/* d_2 and d_4 reversed: 4 -> 1, "Yes" (2.5) -> 0; "DON'T KNOW" is a code, not an answer. */
	double d1[3] = {4, NAN, 1};
	const char *d2[3] = {"4", "never", "Never"};
	double d3[3] = {2, 777, 3};
	const char *d4[3] = {" yes ", "0", "A LITTLE"};
	double score[3], mean[3], pro[3];
	int answered[3], status[3], band[3], rule[3];
	lm_batch *b = NULL;
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 0, d1, "Q1"), LM_OK);
	assert_int_equal(lm_batch_set_text(b, 1, d2, "Q2"), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 2, d3, NULL), LM_OK);
	assert_int_equal(lm_batch_set_text(b, 3, d4, NULL), LM_OK);
	/* d_5, unscored, has no column: blank, not an error. */
	assert_int_equal(lm_batch_set_scale_output(b, 0, score, answered, status, band), LM_OK);
	assert_int_equal(lm_batch_set_scale_output(b, 1, mean, NULL, NULL, NULL), LM_OK);
	assert_int_equal(lm_batch_set_scale_output(b, 2, pro, NULL, NULL, NULL), LM_OK);
	assert_int_equal(lm_batch_set_rule_output(b, 0, rule), LM_OK);
	assert_int_equal(lm_batch_score(b, 3, NULL), LM_OK);
	/* row 1: 4 + (5 - 4) + 2 = 7, band low; row 2: blank, 4, code -> insufficient; row 3: 1 + 4 + 3 = 8. */
	assert_true(score[0] == 7 && status[0] == LM_SCORE_OK && band[0] == 0 && answered[0] == 3);
	assert_true(isnan(score[1]) && status[1] == LM_SCORE_INSUFFICIENT && band[1] == -1 && answered[1] == 1);
	assert_true(score[2] == 8 && band[2] == 1);
	assert_true(mean[0] == 7.0 / 3 && isnan(mean[1]) && mean[2] == 8.0 / 3);
	/* pro3 row 1: (4 + 1 + 2 + 0) / 4 * 4 = 7; row 3: d_4 "A little" (1) keyed 1.5: 9.5. */
	assert_true(pro[0] == 7 && pro[2] == 9.5);
	assert_int_equal(rule[0], LM_RULE_TRUE);
	assert_int_equal(rule[2], LM_RULE_TRUE);
	lm_batch_free(b);
	lm_instrument_free(inst);
}

static void test_every_bad_value_listed(void **state)
{
	(void)state;
	lm_instrument *inst = load_demo();
	double d1[4] = {1, 5, 2, INFINITY};
	const char *d2[4] = {"1", "2", "Sometimes", "sometime"};
	double d3[4] = {1, 2, 3, 2};
	double d4[4] = {0, 1, 2.5, 3}; /* 3 is not a response of the zero set */
	double score[4] = {-1, -1, -1, -1};
	int status[4], rejected[4];
	lm_error *err = NULL;
	lm_batch *b = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	assert_int_equal(lm_batch_set_name(b, "survey"), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 0, d1, "Q1"), LM_OK);
	assert_int_equal(lm_batch_set_text(b, 1, d2, "Q2"), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 2, d3, NULL), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 3, d4, NULL), LM_OK);
	assert_int_equal(lm_batch_set_scale_output(b, 0, score, NULL, status, NULL), LM_OK);
	assert_int_equal(lm_batch_set_rejected_output(b, rejected), LM_OK);
	assert_int_equal(lm_batch_score(b, 4, err), LM_EDATA);
	assert_int_equal(lm_error_count(err), 4);
	assert_int_equal(lm_batch_rejected_count(b), 2);
	assert_string_equal(lm_error_text(err, 0),
			    "survey:2:1: row 2, column \"Q1\": \"5\" is not a response of d_1 (allowed: 1, 2, 3, 4; "
			    "missing codes: -99, 777)");
	assert_string_equal(lm_error_text(err, 1),
			    "survey:4:1: row 4, column \"Q1\": \"inf\" is not a response of d_1 (allowed: 1, 2, 3, 4, "
			    "or their labels: Never, Sometimes, Often, Always; missing codes: -99 = Declined, "
			    "777 = Don't know)");
	assert_string_equal(lm_error_message(err, 2),
			    "row 4, column \"Q2\": \"sometime\" is not a response of d_2 (allowed: 1, 2, 3, 4, or their "
			    "labels: Never, Sometimes, Often, Always; missing codes: -99 = Declined, 777 = Don't know)");
	assert_string_equal(lm_error_message(err, 3),
			    "row 4, column \"d_4\": \"3\" is not a response of d_4 (allowed: 0, 1, 2.5; missing codes: -99, 777)");
	for (size_t k = 0; k < 4; k++) {
		assert_int_equal(lm_error_code(err, k), LM_EDATA);
		assert_int_equal(lm_error_line(err, k), k < 1 ? 2 : 4);
	}
	assert_int_equal(lm_error_column(err, 2), 2);
	assert_int_equal(lm_error_column(err, 3), 4);
	/* No partial results: every row as a rejected one; the bad rows flagged. */
	for (size_t r = 0; r < 4; r++) {
		assert_true(isnan(score[r]));
		assert_int_equal(status[r], LM_SCORE_INSUFFICIENT);
		assert_int_equal(rejected[r], r == 1 || r == 3);
	}
	lm_error_clear(err);

	/* Reject mode: rows 1 and 3 rejected, the others scored, the problems still listed. */
	assert_int_equal(lm_batch_set_reject_rows(b, 1), LM_OK);
	assert_int_equal(lm_batch_score(b, 4, err), LM_OK);
	assert_int_equal(lm_error_count(err), 4);
	assert_int_equal(lm_batch_rejected_count(b), 2);
	assert_true(score[0] == 1 + 4 + 1 && status[0] == LM_SCORE_OK);
	assert_true(score[2] == 2 + 3 + 3);
	assert_true(isnan(score[1]) && isnan(score[3]));
	assert_int_equal(rejected[1] + rejected[3], 2);
	assert_int_equal(rejected[0] + rejected[2], 0);
	lm_error_clear(err);
	assert_int_equal(lm_batch_set_reject_rows(b, 2), LM_EINVAL);
	lm_batch_free(b);
	lm_error_free(err);
	lm_instrument_free(inst);
}

/* Integer columns score exactly as the same values given as doubles: every
 * bundled instrument's generated data, each all-integer column passed as ints
 * (blank = INT_MIN, R's NA_integer_); then a bad integer is worded as the
 * double would be, and any int may be chosen to mean blank. */
static void test_integer_columns(void **state)
{
	(void)state;
	for (size_t k = 0; k < lm_builtin_count(); k++) {
		lm_instrument *inst = NULL;
		assert_int_equal(lm_instrument_load_builtin(&inst, lm_builtin_id(k), NULL), LM_OK);
		struct data d;
		struct results as_double, as_int;
		generate(&d, inst, 2000, 0, 0);
		results_init(&as_double, &d);
		results_init(&as_int, &d);
		lm_batch *b = batch_for(inst, &d, &as_double), *bi = batch_for(inst, &d, &as_int);
		int **ints = calloc(d.ni, sizeof(*ints));
		size_t converted = 0;
		assert_non_null(ints);
		for (size_t i = 0; i < d.ni; i++) {
			int whole = 1;
			for (size_t r = 0; r < d.n && whole; r++)
				whole = isnan(d.num[i][r]) || d.num[i][r] == (double)(int)d.num[i][r];
			if (!whole)
				continue;
			assert_non_null(ints[i] = malloc(d.n * sizeof(int)));
			for (size_t r = 0; r < d.n; r++)
				ints[i][r] = isnan(d.num[i][r]) ? INT_MIN : (int)d.num[i][r];
			assert_int_equal(lm_batch_set_integer(bi, i, ints[i], INT_MIN, NULL), LM_OK);
			converted++;
		}
		assert_true(converted > 0);
		assert_int_equal(lm_batch_score(b, d.n, NULL), LM_OK);
		assert_int_equal(lm_batch_score(bi, d.n, NULL), LM_OK);
		for (size_t s = 0; s < d.ns; s++)
			for (size_t r = 0; r < d.n; r++) {
				assert_true(same_double(as_int.score[s][r], as_double.score[s][r]));
				assert_int_equal(as_int.answered[s][r], as_double.answered[s][r]);
				assert_int_equal(as_int.status[s][r], as_double.status[s][r]);
				assert_int_equal(as_int.band[s][r], as_double.band[s][r]);
			}
		for (size_t s = 0; s < d.nr; s++)
			for (size_t r = 0; r < d.n; r++)
				assert_int_equal(as_int.rule[s][r], as_double.rule[s][r]);
		for (size_t i = 0; i < d.ni; i++)
			free(ints[i]);
		free(ints);
		lm_batch_free(b);
		lm_batch_free(bi);
		results_free(&as_double, &d);
		results_free(&as_int, &d);
		data_free(&d);
		lm_instrument_free(inst);
	}

	lm_instrument *inst = load_demo();
	int d1[3] = {4, -1, 5};
	double d2[3] = {1, 1, 1}, d3[3] = {2, 2, 2}, d4[3] = {0, 0, 0}, score[3];
	int answered[3];
	lm_error *err = NULL;
	lm_batch *b = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	assert_int_equal(lm_batch_set_integer(b, 0, d1, -1, "Q1"), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 1, d2, NULL), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 2, d3, NULL), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 3, d4, NULL), LM_OK);
	assert_int_equal(lm_batch_set_scale_output(b, 0, score, answered, NULL, NULL), LM_OK);
	assert_int_equal(lm_batch_set_reject_rows(b, 1), LM_OK);
	assert_int_equal(lm_batch_score(b, 3, err), LM_OK);
	assert_int_equal(lm_error_count(err), 1);
	assert_string_equal(lm_error_message(err, 0),
			    "row 3, column \"Q1\": \"5\" is not a response of d_1 (allowed: 1, 2, 3, 4; "
			    "missing codes: -99, 777)");
	/* row 1: 4 + (5 - 1) + 2 = 10; row 2: d_1 blank (-1 means blank here): two items answered. */
	assert_true(score[0] == 10 && answered[0] == 3);
	assert_int_equal(answered[1], 2);
	assert_true(isnan(score[2]) && answered[2] == 0);
	/* Removing the column: scored item without a column fails. */
	assert_int_equal(lm_batch_set_integer(b, 0, NULL, 0, NULL), LM_OK);
	lm_error_clear(err);
	assert_int_equal(lm_batch_score(b, 3, err), LM_EDATA);
	assert_int_equal(lm_batch_set_integer(b, 99, d1, 0, NULL), LM_EINVAL);
	assert_int_equal(lm_batch_set_integer(NULL, 0, d1, 0, NULL), LM_EINVAL);
	lm_batch_free(b);
	lm_error_free(err);
	lm_instrument_free(inst);
}

static void test_reject_mode_generated(void **state)
{
	(void)state;
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	struct data d;
	struct results res;
	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	generate(&d, inst, 2000, 30, 7);
	results_init(&res, &d);
	lm_batch *b = batch_for(inst, &d, &res);
	assert_int_equal(lm_batch_set_reject_rows(b, 1), LM_OK);
	assert_int_equal(lm_batch_score(b, d.n, err), LM_OK);
	size_t bad = check_against_scorer(inst, &d, &res);
	assert_int_equal(bad, d.n / 7);
	assert_int_equal(lm_batch_rejected_count(b), bad);
	/* More problems than the list keeps: the first 100 kept, every one counted. */
	assert_int_equal(lm_error_count(err), lm_error_capacity());
	assert_int_equal(lm_error_total(err), bad);
	lm_error_clear(err);
	/* Without reject mode the same data fails, with the same count. */
	assert_int_equal(lm_batch_set_reject_rows(b, 0), LM_OK);
	assert_int_equal(lm_batch_score(b, d.n, err), LM_EDATA);
	assert_int_equal(lm_error_total(err), bad);
	for (size_t r = 0; r < d.n; r++)
		assert_true(isnan(res.score[0][r]));
	lm_batch_free(b);
	results_free(&res, &d);
	data_free(&d);
	lm_error_free(err);
	lm_instrument_free(inst);
}

static void test_missing_columns(void **state)
{
	(void)state;
	lm_instrument *inst = load_demo();
	double d1[2] = {1, 2}, score[2] = {5, 5};
	lm_error *err = NULL;
	lm_batch *b = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 0, d1, NULL), LM_OK);
	assert_int_equal(lm_batch_set_scale_output(b, 0, score, NULL, NULL, NULL), LM_OK);
	assert_int_equal(lm_batch_score(b, 2, err), LM_EDATA);
	assert_int_equal(lm_error_count(err), 1);
	assert_string_equal(lm_error_text(err, 0), "no column for items d_2, d_3, d_4");
	assert_true(isnan(score[0]) && isnan(score[1]));
	lm_error_clear(err);
	/* Removing a column by giving NULL. */
	assert_int_equal(lm_batch_set_numeric(b, 1, d1, NULL), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 2, d1, NULL), LM_OK);
	assert_int_equal(lm_batch_set_text(b, 3, NULL, NULL), LM_OK);
	assert_int_equal(lm_batch_score(b, 2, err), LM_EDATA);
	assert_string_equal(lm_error_message(err, 0), "no column for item d_4");
	lm_batch_free(b);
	lm_error_free(err);
	lm_instrument_free(inst);
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	lm_instrument *inst = load_demo();
	lm_batch *b = (lm_batch *)&b;
	double v[1] = {1};
	int out[1];
	assert_int_equal(lm_batch_new(NULL, inst), LM_EINVAL);
	assert_int_equal(lm_batch_new(&b, NULL), LM_EINVAL);
	assert_null(b);
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	assert_int_equal(lm_batch_set_numeric(b, 5, v, NULL), LM_EINVAL);
	assert_int_equal(lm_batch_set_text(b, 5, NULL, NULL), LM_EINVAL);
	assert_int_equal(lm_batch_set_numeric(NULL, 0, v, NULL), LM_EINVAL);
	assert_int_equal(lm_batch_set_scale_output(b, 3, NULL, NULL, NULL, NULL), LM_EINVAL);
	assert_int_equal(lm_batch_set_rule_output(b, 1, out), LM_EINVAL);
	assert_int_equal(lm_batch_set_rejected_output(NULL, out), LM_EINVAL);
	assert_int_equal(lm_batch_set_reject_rows(NULL, 1), LM_EINVAL);
	assert_int_equal(lm_batch_set_name(NULL, "x"), LM_EINVAL);
	assert_int_equal(lm_batch_score(NULL, 1, NULL), LM_EINVAL);
	assert_null(lm_batch_instrument(NULL));
	assert_int_equal(lm_batch_rejected_count(NULL), 0);
	assert_ptr_equal(lm_batch_instrument(b), inst);
	lm_batch_free(b);
	lm_batch_free(NULL);
	lm_instrument_free(inst);
}

static void test_outlives_instrument(void **state)
{
	(void)state;
	lm_instrument *inst = load_demo();
	lm_batch *b = NULL;
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	lm_instrument_free(inst); /* the batch keeps its own reference */
	double v[2] = {1, 4}, zero[2] = {0, 1};
	double score[2];
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(lm_batch_set_numeric(b, i, i == 3 ? zero : v, NULL), LM_OK);
	assert_int_equal(lm_batch_set_scale_output(b, 0, score, NULL, NULL, NULL), LM_OK);
	assert_int_equal(lm_batch_score(b, 2, NULL), LM_OK);
	assert_true(score[0] == 1 + 4 + 1 && score[1] == 4 + 1 + 4);
	assert_string_equal(lm_instrument_id(lm_batch_instrument(b)), "demo");
	lm_batch_free(b);
}

/* ---- threads ---------------------------------------------------------------------------- */

struct job {
	const lm_instrument *inst;
	const struct data *d;
	struct results res;
	int rc;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	lm_batch *b = NULL;
	if (lm_batch_new(&b, j->inst) != LM_OK) {
		j->rc = LM_ENOMEM;
		return NULL;
	}
	int rc = LM_OK;
	for (size_t i = 0; i < j->d->ni && rc == LM_OK; i++)
		rc = j->d->num[i] ? lm_batch_set_numeric(b, i, j->d->num[i], NULL)
				  : lm_batch_set_text(b, i, j->d->text[i], NULL);
	for (size_t k = 0; k < j->d->ns && rc == LM_OK; k++)
		rc = lm_batch_set_scale_output(b, k, j->res.score[k], j->res.answered[k], j->res.status[k],
					       j->res.band[k]);
	for (size_t k = 0; k < j->d->nr && rc == LM_OK; k++)
		rc = lm_batch_set_rule_output(b, k, j->res.rule[k]);
	if (rc == LM_OK)
		rc = lm_batch_set_rejected_output(b, j->res.rejected);
	if (rc == LM_OK)
		rc = lm_batch_set_reject_rows(b, 1);
	for (int rep = 0; rep < 3 && rc == LM_OK; rep++)
		rc = lm_batch_score(b, j->d->n, NULL);
	lm_batch_free(b);
	j->rc = rc;
	return NULL;
}

static void test_threads_share_instrument(void **state)
{
	(void)state;
	enum { THREADS = 8 };
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	struct data d;
	generate(&d, inst, 4000, 30, 11);
	struct job jobs[THREADS];
	pthread_t t[THREADS];
	for (int k = 0; k < THREADS; k++) {
		jobs[k] = (struct job){.inst = inst, .d = &d};
		results_init(&jobs[k].res, &d);
		assert_int_equal(pthread_create(&t[k], NULL, run_job, &jobs[k]), 0);
	}
	/* The instrument may be given back while the batches run: each holds its own reference. */
	for (int k = 0; k < THREADS; k++) {
		assert_int_equal(pthread_join(t[k], NULL), 0);
		assert_int_equal(jobs[k].rc, LM_OK);
		assert_int_equal(check_against_scorer(inst, &d, &jobs[k].res), d.n / 11);
		results_free(&jobs[k].res, &d);
	}
	data_free(&d);
	lm_instrument_free(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equals_scorer_builtins),
		cmocka_unit_test(test_equals_scorer_demo),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_every_bad_value_listed),
		cmocka_unit_test(test_integer_columns),
		cmocka_unit_test(test_reject_mode_generated),
		cmocka_unit_test(test_missing_columns),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_outlives_instrument),
		cmocka_unit_test(test_threads_share_instrument),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
