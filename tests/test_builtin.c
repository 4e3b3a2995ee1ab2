/*
 * Golden vectors for every bundled instrument, through the public API only.
 * Every expected value is worked out by hand from the key in the instruments/ YAML files;
 * the arithmetic is in the comment beside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libra_measures/libra_measures.h"

#define TOLERANCE 1e-12
#define MAX_ITEMS 64

struct fixture {
	lm_instrument *inst;
	lm_scorer *scorer;
	size_t n;
	double v[MAX_ITEMS]; /* one value per item, instrument order; NaN = blank */
};

/* ---- helpers ---------------------------------------------------------- */

static int setup_id(void **state, const char *id)
{
	static struct fixture fx;
	memset(&fx, 0, sizeof fx);
	lm_error *err = NULL;
	if (lm_error_new(&err) != LM_OK)
		return -1;
	int rc = lm_instrument_load_builtin(&fx.inst, id, err);
	for (size_t i = 0; i < lm_error_count(err); i++)
		print_error("%s\n", lm_error_text(err, i));
	lm_error_free(err);
	if (rc != LM_OK || fx.inst == NULL)
		return -1;
	if (lm_scorer_new(&fx.scorer, fx.inst) != LM_OK)
		return -1;
	fx.n = lm_instrument_item_count(fx.inst);
	if (fx.n > MAX_ITEMS)
		return -1;
	for (size_t i = 0; i < fx.n; i++)
		fx.v[i] = NAN;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (fx != NULL) {
		lm_scorer_free(fx->scorer);
		lm_instrument_free(fx->inst);
		memset(fx, 0, sizeof *fx);
	}
	return 0;
}

static int setup_stss(void **state) { return setup_id(state, "stss"); }
static int setup_proqol5(void **state) { return setup_id(state, "proqol5"); }
static int setup_brs(void **state) { return setup_id(state, "brs"); }
static int setup_cbi(void **state) { return setup_id(state, "cbi"); }
static int setup_gse(void **state) { return setup_id(state, "gse"); }
static int setup_lotr(void **state) { return setup_id(state, "lotr"); }
static int setup_turnover(void **state) { return setup_id(state, "turnover"); }

static size_t item_index(const struct fixture *fx, const char *id)
{
	size_t i = 0;
	if (lm_instrument_find_item(fx->inst, id, &i) != LM_OK)
		fail_msg("no item %s", id);
	return i;
}

static size_t scale_index(const struct fixture *fx, const char *id)
{
	size_t i = 0;
	if (lm_instrument_find_scale(fx->inst, id, &i) != LM_OK)
		fail_msg("no scale %s", id);
	return i;
}

static size_t rule_index(const struct fixture *fx, const char *id)
{
	for (size_t i = 0; i < lm_instrument_rule_count(fx->inst); i++)
		if (strcmp(lm_rule_id(lm_instrument_rule(fx->inst, i)), id) == 0)
			return i;
	fail_msg("no rule %s", id);
	return 0;
}

/* Every item to @p value (NaN: every item blank). */
static void fill(struct fixture *fx, double value)
{
	for (size_t i = 0; i < fx->n; i++)
		fx->v[i] = value;
}

static void set(struct fixture *fx, const char *item, double value)
{
	fx->v[item_index(fx, item)] = value;
}

/* Items <prefix>_1 .. <prefix>_n from an array in questionnaire order. */
static void set_all(struct fixture *fx, const double *values, size_t n)
{
	assert_int_equal(n, fx->n);
	for (size_t i = 0; i < n; i++)
		fx->v[i] = values[i];
}

static void run(struct fixture *fx)
{
	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	int rc = lm_scorer_score(fx->scorer, fx->v, fx->n, err);
	for (size_t i = 0; i < lm_error_count(err); i++)
		print_error("%s\n", lm_error_text(err, i));
	lm_error_free(err);
	assert_int_equal(rc, LM_OK);
}

/* The helpers below name the line of the test that called them in every failure. */
#define expect_double(got, want, what) expect_double_at(got, want, what, __LINE__)
#define expect_scale(fx, id, want, status, answered) expect_scale_at(fx, id, want, status, answered, __LINE__)
#define expect_ok(fx, id, want) expect_ok_at(fx, id, want, __LINE__)
#define expect_range(fx, id, lo, hi) expect_range_at(fx, id, lo, hi, __LINE__)

static void expect_double_at(double got, double want, const char *what, int line)
{
	if (!(fabs(got - want) <= TOLERANCE))
		fail_msg("test line %d: %s: got %.17g, want %.17g", line, what, got, want);
}

/* Scale @p id has score @p want with status @p status, answered @p answered items. */
static void expect_scale_at(const struct fixture *fx, const char *id, double want, int status, size_t answered,
			    int line)
{
	size_t s = scale_index(fx, id);
	int got_status = lm_scorer_scale_status(fx->scorer, s);
	if (got_status != status)
		fail_msg("test line %d: scale %s: status %s, want %s", line, id,
			 lm_score_status_name(got_status), lm_score_status_name(status));
	size_t got_answered = lm_scorer_scale_answered(fx->scorer, s);
	if (got_answered != answered)
		fail_msg("test line %d: scale %s: %zu answered, want %zu", line, id, got_answered, answered);
	double got = lm_scorer_scale_score(fx->scorer, s);
	if (status == LM_SCORE_INSUFFICIENT) {
		if (!isnan(got))
			fail_msg("test line %d: scale %s: insufficient but score %.17g", line, id, got);
		if (lm_scorer_scale_band(fx->scorer, s) != -1)
			fail_msg("test line %d: scale %s: insufficient but in a band", line, id);
	} else {
		expect_double_at(got, want, id, line);
	}
}

static void expect_ok_at(const struct fixture *fx, const char *id, double want, int line)
{
	size_t s = scale_index(fx, id);
	expect_scale_at(fx, id, want, LM_SCORE_OK, lm_scale_item_count(lm_instrument_scale(fx->inst, s)), line);
}

/* The band id of scale @p id's score, "" when there is none. */
static const char *band_of(const struct fixture *fx, const char *id)
{
	size_t s = scale_index(fx, id);
	long b = lm_scorer_scale_band(fx->scorer, s);
	if (b < 0)
		return "";
	return lm_band_id(lm_scale_band(lm_instrument_scale(fx->inst, s), (size_t)b));
}

static int rule_of(const struct fixture *fx, const char *id)
{
	return lm_scorer_rule(fx->scorer, rule_index(fx, id));
}

/* The declared score range of a scale, as the loader works it out. */
static void expect_range_at(const struct fixture *fx, const char *id, double lo, double hi, int line)
{
	const lm_scale *sc = lm_instrument_scale(fx->inst, scale_index(fx, id));
	expect_double_at(lm_scale_min(sc), lo, id, line);
	expect_double_at(lm_scale_max(sc), hi, id, line);
}

/* ---- every builtin ---------------------------------------------------- */

static const char *const bundled[] = {"brs", "cbi", "gse", "lotr", "proqol5", "stss", "turnover"};
#define N_BUNDLED (sizeof bundled / sizeof bundled[0])

static void every_builtin_loads(void **state)
{
	(void)state;
	size_t count = lm_builtin_count();
	assert_int_equal(count, N_BUNDLED);
	int seen[N_BUNDLED] = {0};
	for (size_t i = 0; i < count; i++) {
		const char *id = lm_builtin_id(i);
		assert_non_null(id);
		assert_non_null(lm_builtin_yaml(i));
		lm_error *err = NULL;
		assert_int_equal(lm_error_new(&err), LM_OK);
		lm_instrument *inst = NULL;
		int rc = lm_instrument_load_builtin(&inst, id, err);
		for (size_t k = 0; k < lm_error_count(err); k++)
			print_error("%s: %s\n", id, lm_error_text(err, k));
		lm_error_free(err);
		assert_int_equal(rc, LM_OK);
		assert_non_null(inst);
		assert_string_equal(lm_instrument_id(inst), id);

		/* What a reviewer relies on: a source, terms, notes on what is unverified. */
		assert_non_null(lm_instrument_citation(inst));
		assert_non_null(lm_instrument_terms(inst));
		assert_true(lm_instrument_note_count(inst) > 0);

		/* Ids are <instrument>_<n> in questionnaire order; no copyrighted wording. */
		for (size_t k = 0; k < lm_instrument_item_count(inst); k++) {
			const lm_item *item = lm_instrument_item(inst, k);
			char want[64];
			snprintf(want, sizeof want, "%s_%zu", id, k + 1);
			assert_string_equal(lm_item_id(item), want);
			assert_null(lm_item_text(item));
		}
		for (size_t k = 0; k < N_BUNDLED; k++)
			if (strcmp(bundled[k], id) == 0)
				seen[k]++;
		lm_instrument_free(inst);
	}
	for (size_t k = 0; k < N_BUNDLED; k++)
		if (seen[k] != 1)
			fail_msg("builtin %s seen %d times", bundled[k], seen[k]);

	lm_instrument *none = NULL;
	assert_int_equal(lm_instrument_load_builtin(&none, "no_such_instrument", NULL), LM_ENOTFOUND);
	assert_null(none);
}

/* ---- STSS ------------------------------------------------------------- */
/* Intrusion 2,3,6,10,13; avoidance 1,5,7,9,12,14,17; arousal 4,8,11,15,16; 1-5, no reverse. */

static void stss_structure(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(fx->n, 17);
	expect_range(fx, "intrusion", 5, 25);  /* 5 x 1 .. 5 x 5 */
	expect_range(fx, "avoidance", 7, 35);  /* 7 x 1 .. 7 x 5 */
	expect_range(fx, "arousal", 5, 25);    /* 5 x 1 .. 5 x 5 */
	expect_range(fx, "total", 17, 85);     /* 17 x 1 .. 17 x 5 */
	const lm_scale *total = lm_instrument_scale(fx->inst, scale_index(fx, "total"));
	assert_int_equal(lm_scale_direction(total), LM_DIRECTION_HIGHER_IS_WORSE);
	assert_int_equal(lm_scale_method(total), LM_METHOD_SUM);
	assert_int_equal(lm_scale_band_count(total), 5);
	expect_double(lm_scale_norm(total, LM_NORM_RELIABILITY), 0.93, "total alpha");
	expect_double(lm_scale_norm(total, LM_NORM_N), 287, "total n");
	expect_double(lm_scale_norm(total, LM_NORM_MEAN), 28.5, "total mean");
	expect_double(lm_scale_norm(total, LM_NORM_SD), 10.1, "total sd");
	expect_double(lm_scale_norm(lm_instrument_scale(fx->inst, scale_index(fx, "intrusion")), LM_NORM_RELIABILITY),
		      0.80, "intrusion alpha");
	expect_double(lm_scale_norm(lm_instrument_scale(fx->inst, scale_index(fx, "avoidance")), LM_NORM_RELIABILITY),
		      0.87, "avoidance alpha");
	expect_double(lm_scale_norm(lm_instrument_scale(fx->inst, scale_index(fx, "arousal")), LM_NORM_RELIABILITY),
		      0.83, "arousal alpha");
	assert_int_equal(lm_instrument_rule_count(fx->inst), 1);
}

static void stss_all_minimum(void **state)
{
	struct fixture *fx = *state;
	fill(fx, 1);
	run(fx);
	expect_ok(fx, "intrusion", 5);  /* 5 x 1 */
	expect_ok(fx, "avoidance", 7);  /* 7 x 1 */
	expect_ok(fx, "arousal", 5);    /* 5 x 1 */
	expect_ok(fx, "total", 17);     /* 17 x 1 */
	assert_string_equal(band_of(fx, "total"), "little_or_none");
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_FALSE); /* no item >= 3 */
}

static void stss_all_maximum(void **state)
{
	struct fixture *fx = *state;
	fill(fx, 5);
	run(fx);
	expect_ok(fx, "intrusion", 25); /* 5 x 5 */
	expect_ok(fx, "avoidance", 35); /* 7 x 5 */
	expect_ok(fx, "arousal", 25);   /* 5 x 5 */
	expect_ok(fx, "total", 85);     /* 17 x 5 */
	assert_string_equal(band_of(fx, "total"), "severe");
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_TRUE); /* 5/5, 7/7, 5/5 items >= 3 */
}

static void stss_total_is(struct fixture *fx, const double *v, double total, const char *band)
{
	set_all(fx, v, 17);
	run(fx);
	expect_ok(fx, "total", total);
	assert_string_equal(band_of(fx, "total"), band);
}

static void stss_band_edges(void **state)
{
	struct fixture *fx = *state;
	/* 10 x 2 + 7 x 1 = 27 */
	static const double t27[17] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1};
	/* 11 x 2 + 6 x 1 = 28 */
	static const double t28[17] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1};
	/* 3 x 3 + 14 x 2 = 9 + 28 = 37 */
	static const double t37[17] = {3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
	/* 4 x 3 + 13 x 2 = 12 + 26 = 38 */
	static const double t38[17] = {3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
	/* 9 x 3 + 8 x 2 = 27 + 16 = 43 */
	static const double t43[17] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2};
	/* 10 x 3 + 7 x 2 = 30 + 14 = 44 */
	static const double t44[17] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2};
	/* 14 x 3 + 3 x 2 = 42 + 6 = 48 */
	static const double t48[17] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2};
	/* 15 x 3 + 2 x 2 = 45 + 4 = 49 */
	static const double t49[17] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2};

	fill(fx, 1);
	run(fx);
	expect_ok(fx, "total", 17); /* 17 x 1, the lowest score */
	assert_string_equal(band_of(fx, "total"), "little_or_none");
	stss_total_is(fx, t27, 27, "little_or_none");
	stss_total_is(fx, t28, 28, "mild");
	stss_total_is(fx, t37, 37, "mild");
	stss_total_is(fx, t38, 38, "moderate");
	stss_total_is(fx, t43, 43, "moderate");
	stss_total_is(fx, t44, 44, "high");
	stss_total_is(fx, t48, 48, "high");
	stss_total_is(fx, t49, 49, "severe");
	fill(fx, 5);
	run(fx);
	expect_ok(fx, "total", 85); /* 17 x 5, the highest score */
	assert_string_equal(band_of(fx, "total"), "severe");
}

static void stss_subscales(void **state)
{
	struct fixture *fx = *state;
	/* Item n set to a distinct value, so a wrong item list shows. Values by item 1..17: */
	static const double v[17] = {1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2};
	set_all(fx, v, 17);
	run(fx);
	/* intrusion items 2,3,6,10,13: 2 + 3 + 1 + 5 + 3 = 14 */
	expect_ok(fx, "intrusion", 14);
	/* avoidance items 1,5,7,9,12,14,17: 1 + 5 + 2 + 4 + 2 + 4 + 2 = 20 */
	expect_ok(fx, "avoidance", 20);
	/* arousal items 4,8,11,15,16: 4 + 3 + 1 + 5 + 1 = 14 */
	expect_ok(fx, "arousal", 14);
	/* total 14 + 20 + 14 = 48 (check: 3 x (1+2+3+4+5) + 1 + 2 = 45 + 3 = 48) */
	expect_ok(fx, "total", 48);
	assert_string_equal(band_of(fx, "total"), "high");
}

/* The exact criteria: 1 intrusion (item 2), 3 avoidance (1, 5, 7), 2 arousal (4, 8) at 3; the rest 1. */
static void stss_exact_criteria(struct fixture *fx)
{
	fill(fx, 1);
	set(fx, "stss_2", 3);
	set(fx, "stss_1", 3);
	set(fx, "stss_5", 3);
	set(fx, "stss_7", 3);
	set(fx, "stss_4", 3);
	set(fx, "stss_8", 3);
}

static void stss_criteria_edges(void **state)
{
	struct fixture *fx = *state;

	stss_exact_criteria(fx);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_TRUE);
	expect_ok(fx, "total", 29); /* 11 x 1 + 6 x 3 = 11 + 18 = 29 */

	/* One fewer intrusion: item 2 at 2 (just below 3) -> 0 intrusion symptoms. */
	stss_exact_criteria(fx);
	set(fx, "stss_2", 2);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_FALSE);

	/* One fewer avoidance: item 7 at 2 -> 2 of the 3 needed. */
	stss_exact_criteria(fx);
	set(fx, "stss_7", 2);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_FALSE);

	/* One fewer arousal: item 8 at 2 -> 1 of the 2 needed. */
	stss_exact_criteria(fx);
	set(fx, "stss_8", 2);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_FALSE);

	/* A symptom at 4 or 5 counts too (>= 3): intrusion item 13 at 5 instead of item 2 at 3. */
	stss_exact_criteria(fx);
	set(fx, "stss_2", 1);
	set(fx, "stss_13", 5);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_TRUE);
}

static void stss_criteria_missing(void **state)
{
	struct fixture *fx = *state;

	/* Arousal: item 4 present, item 8 at 2, item 11 blank. With 11 >= 3 arousal
	 * has 2 (true), with 11 < 3 it has 1 (false); intrusion and avoidance hold. -> unknown */
	stss_exact_criteria(fx);
	set(fx, "stss_8", 2);
	set(fx, "stss_11", NAN);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_UNKNOWN);
	/* and the sums that contain item 11 have no score */
	expect_scale(fx, "arousal", NAN, LM_SCORE_INSUFFICIENT, 4);
	expect_scale(fx, "total", NAN, LM_SCORE_INSUFFICIENT, 16);
	expect_ok(fx, "intrusion", 7);  /* 3 + 4 x 1 */
	expect_ok(fx, "avoidance", 13); /* 3 x 3 + 4 x 1 = 13 */

	/* Intrusion item 2 blank, no other intrusion item >= 3: open. -> unknown */
	stss_exact_criteria(fx);
	set(fx, "stss_2", NAN);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_UNKNOWN);

	/* Avoidance: 1 present (item 1), 2 blank (5, 7), rest 1: 1 + 2 = 3 reachable. -> unknown */
	stss_exact_criteria(fx);
	set(fx, "stss_5", NAN);
	set(fx, "stss_7", NAN);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_UNKNOWN);

	/* Criteria already met; a blank in each subscale cannot undo it:
	 * intrusion 13, avoidance 17, arousal 16 blank. -> true */
	stss_exact_criteria(fx);
	set(fx, "stss_13", NAN);
	set(fx, "stss_17", NAN);
	set(fx, "stss_16", NAN);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_TRUE);
	expect_scale(fx, "total", NAN, LM_SCORE_INSUFFICIENT, 14);

	/* No intrusion symptom among the 5 answered intrusion items decides "all" as
	 * false, although arousal is open (item 4 present, 8 at 2, 11 blank). -> false */
	stss_exact_criteria(fx);
	set(fx, "stss_2", 1);
	set(fx, "stss_8", 2);
	set(fx, "stss_11", NAN);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_FALSE);

	/* Avoidance: 1 present (item 1), 1 blank (item 5), items 7..17 at 1:
	 * at most 1 + 1 = 2 < 3 whatever item 5 is. -> false */
	stss_exact_criteria(fx);
	set(fx, "stss_5", NAN);
	set(fx, "stss_7", 1);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_FALSE);

	/* Every item blank: every condition open. -> unknown, and no scores */
	fill(fx, NAN);
	run(fx);
	assert_int_equal(rule_of(fx, "criteria"), LM_RULE_UNKNOWN);
	expect_scale(fx, "total", NAN, LM_SCORE_INSUFFICIENT, 0);
}

/* ---- ProQOL 5 --------------------------------------------------------- */
/* CS 3,6,12,16,18,20,22,24,27,30; BO 1,4,8,10,15,17,19,21,26,29 (1,4,15,17,29 reversed, 6 - x);
 * STS 2,5,7,9,11,13,14,23,25,28; each a sum, 10-50; bands 10-22, 23-41, 42-50. */

static const char *const proqol_bo_reversed[] = {"proqol5_1", "proqol5_4", "proqol5_15", "proqol5_17", "proqol5_29"};
static const char *const proqol_bo_plain[] = {"proqol5_8", "proqol5_10", "proqol5_19", "proqol5_21", "proqol5_26"};

static void proqol_all_same(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(fx->n, 30);
	expect_range(fx, "compassion_satisfaction", 10, 50);
	expect_range(fx, "burnout", 10, 50);
	expect_range(fx, "secondary_traumatic_stress", 10, 50);

	fill(fx, 1);
	run(fx);
	expect_ok(fx, "compassion_satisfaction", 10);    /* 10 x 1 */
	expect_ok(fx, "secondary_traumatic_stress", 10); /* 10 x 1 */
	expect_ok(fx, "burnout", 30);                    /* 5 x 1 + 5 x (6 - 1) = 5 + 25 */
	assert_string_equal(band_of(fx, "compassion_satisfaction"), "low");
	assert_string_equal(band_of(fx, "secondary_traumatic_stress"), "low");
	assert_string_equal(band_of(fx, "burnout"), "moderate");

	fill(fx, 5);
	run(fx);
	expect_ok(fx, "compassion_satisfaction", 50);    /* 10 x 5 */
	expect_ok(fx, "secondary_traumatic_stress", 50); /* 10 x 5 */
	expect_ok(fx, "burnout", 30);                    /* 5 x 5 + 5 x (6 - 5) = 25 + 5 */
	assert_string_equal(band_of(fx, "compassion_satisfaction"), "high");
	assert_string_equal(band_of(fx, "secondary_traumatic_stress"), "high");
	assert_string_equal(band_of(fx, "burnout"), "moderate");
}

static void proqol_burnout_extremes(void **state)
{
	struct fixture *fx = *state;
	/* lowest burnout: plain items 1, reversed items 5 -> 5 x 1 + 5 x (6 - 5) = 10 */
	fill(fx, 3);
	for (size_t k = 0; k < 5; k++) {
		set(fx, proqol_bo_plain[k], 1);
		set(fx, proqol_bo_reversed[k], 5);
	}
	run(fx);
	expect_ok(fx, "burnout", 10);
	assert_string_equal(band_of(fx, "burnout"), "low");
	expect_ok(fx, "compassion_satisfaction", 30); /* 10 x 3 */

	/* highest burnout: plain items 5, reversed items 1 -> 5 x 5 + 5 x (6 - 1) = 50 */
	for (size_t k = 0; k < 5; k++) {
		set(fx, proqol_bo_plain[k], 5);
		set(fx, proqol_bo_reversed[k], 1);
	}
	run(fx);
	expect_ok(fx, "burnout", 50);
	assert_string_equal(band_of(fx, "burnout"), "high");
}

static void proqol_reverse_items(void **state)
{
	struct fixture *fx = *state;
	/* All 3 (burnout 30); then each reversed item alone at 1 -> keyed 5: 9 x 3 + 5 = 32. */
	for (size_t k = 0; k < 5; k++) {
		fill(fx, 3);
		set(fx, proqol_bo_reversed[k], 1);
		run(fx);
		expect_ok(fx, "burnout", 32);
	}
	/* Each plain burnout item alone at 1 -> 9 x 3 + 1 = 28. */
	for (size_t k = 0; k < 5; k++) {
		fill(fx, 3);
		set(fx, proqol_bo_plain[k], 1);
		run(fx);
		expect_ok(fx, "burnout", 28);
	}
	/* Items of the other scales are not reversed: item 3 (CS) and 2 (STS) at 1 -> 9 x 3 + 1 = 28. */
	fill(fx, 3);
	set(fx, "proqol5_3", 1);
	set(fx, "proqol5_2", 1);
	run(fx);
	expect_ok(fx, "compassion_satisfaction", 28);
	expect_ok(fx, "secondary_traumatic_stress", 28);
	expect_ok(fx, "burnout", 30); /* 10 x 3 */
}

static void proqol_band_edges(void **state)
{
	struct fixture *fx = *state;
	static const char *const cs[] = {"proqol5_3", "proqol5_6", "proqol5_12", "proqol5_16", "proqol5_18"};
	/* CS: all 2 (20), two items at 3 -> 22 low; three -> 23 moderate */
	fill(fx, 2);
	set(fx, cs[0], 3);
	set(fx, cs[1], 3);
	run(fx);
	expect_ok(fx, "compassion_satisfaction", 22);
	assert_string_equal(band_of(fx, "compassion_satisfaction"), "low");
	set(fx, cs[2], 3);
	run(fx);
	expect_ok(fx, "compassion_satisfaction", 23);
	assert_string_equal(band_of(fx, "compassion_satisfaction"), "moderate");
	/* CS: all 4 (40), one item at 5 -> 41 moderate; two -> 42 high */
	fill(fx, 4);
	set(fx, cs[0], 5);
	run(fx);
	expect_ok(fx, "compassion_satisfaction", 41);
	assert_string_equal(band_of(fx, "compassion_satisfaction"), "moderate");
	set(fx, cs[1], 5);
	run(fx);
	expect_ok(fx, "compassion_satisfaction", 42);
	assert_string_equal(band_of(fx, "compassion_satisfaction"), "high");
}

static void proqol_missing(void **state)
{
	struct fixture *fx = *state;
	/* No author rule: a sum needs all 10. One CS item blank -> CS insufficient, others ok. */
	fill(fx, 2);
	set(fx, "proqol5_30", NAN);
	run(fx);
	expect_scale(fx, "compassion_satisfaction", NAN, LM_SCORE_INSUFFICIENT, 9);
	expect_ok(fx, "secondary_traumatic_stress", 20); /* 10 x 2 */
	expect_ok(fx, "burnout", 30);                    /* 5 x 2 + 5 x (6 - 2) = 10 + 20 */
}

/* ---- BRS -------------------------------------------------------------- */
/* Mean of 6, items 2, 4, 6 reversed (6 - x); bands 1.00-2.99 low, 3.00-4.30 normal, 4.31-5.00 high. */

static void brs_extremes(void **state)
{
	struct fixture *fx = *state;
	expect_range(fx, "resilience", 1, 5);
	/* lowest: odd items 1, even items 5 -> keyed all 1 -> 6 / 6 = 1 */
	static const double lo[6] = {1, 5, 1, 5, 1, 5};
	set_all(fx, lo, 6);
	run(fx);
	expect_ok(fx, "resilience", 1.0);
	assert_string_equal(band_of(fx, "resilience"), "low");
	/* highest: odd items 5, even items 1 -> keyed all 5 -> 30 / 6 = 5 */
	static const double hi[6] = {5, 1, 5, 1, 5, 1};
	set_all(fx, hi, 6);
	run(fx);
	expect_ok(fx, "resilience", 5.0);
	assert_string_equal(band_of(fx, "resilience"), "high");
}

static void brs_reverse_and_bands(void **state)
{
	struct fixture *fx = *state;
	/* all raw 1 -> keyed 1, 5, 1, 5, 1, 5 = 18 -> 18 / 6 = 3.0 normal (reverse keying shows) */
	fill(fx, 1);
	run(fx);
	expect_ok(fx, "resilience", 3.0);
	assert_string_equal(band_of(fx, "resilience"), "normal");
	/* all raw 5 -> keyed 5, 1, 5, 1, 5, 1 = 18 -> 3.0 */
	fill(fx, 5);
	run(fx);
	expect_ok(fx, "resilience", 3.0);

	/* raw 1, 2, 1, 1, 1, 1 -> keyed 1 + 4 + 1 + 5 + 1 + 5 = 17 -> 17 / 6 = 2.8333 low */
	static const double v17[6] = {1, 2, 1, 1, 1, 1};
	set_all(fx, v17, 6);
	run(fx);
	expect_ok(fx, "resilience", 17.0 / 6.0);
	assert_string_equal(band_of(fx, "resilience"), "low");

	/* raw 5, 1, 5, 1, 4, 5 -> keyed 5 + 5 + 5 + 5 + 4 + 1 = 25 -> 25 / 6 = 4.1667 normal */
	static const double v25[6] = {5, 1, 5, 1, 4, 5};
	set_all(fx, v25, 6);
	run(fx);
	expect_ok(fx, "resilience", 25.0 / 6.0);
	assert_string_equal(band_of(fx, "resilience"), "normal");

	/* raw 5, 1, 5, 1, 5, 5 -> keyed 5 + 5 + 5 + 5 + 5 + 1 = 26 -> 26 / 6 = 4.3333 high */
	static const double v26[6] = {5, 1, 5, 1, 5, 5};
	set_all(fx, v26, 6);
	run(fx);
	expect_ok(fx, "resilience", 26.0 / 6.0);
	assert_string_equal(band_of(fx, "resilience"), "high");
}

static void brs_missing(void **state)
{
	struct fixture *fx = *state;
	/* No author rule: all 6 required. */
	fill(fx, 3);
	set(fx, "brs_4", NAN);
	run(fx);
	expect_scale(fx, "resilience", NAN, LM_SCORE_INSUFFICIENT, 5);
}

/* ---- CBI -------------------------------------------------------------- */
/* Values 100/75/50/25/0; personal 1-6 (min 3), work 7-13 (min 4; 13 reversed, 100 - x),
 * client 14-19 (all 6); each the mean of the answered items. */

static void cbi_extremes(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(fx->n, 19);
	expect_range(fx, "personal", 0, 100);
	expect_range(fx, "work", 0, 100);
	expect_range(fx, "client", 0, 100);

	/* lowest keyed: all 0, item 13 at 100 (keyed 100 - 100 = 0) */
	fill(fx, 0);
	set(fx, "cbi_13", 100);
	run(fx);
	expect_ok(fx, "personal", 0);
	expect_ok(fx, "work", 0);
	expect_ok(fx, "client", 0);

	/* highest keyed: all 100, item 13 at 0 (keyed 100) */
	fill(fx, 100);
	set(fx, "cbi_13", 0);
	run(fx);
	expect_ok(fx, "personal", 100);
	expect_ok(fx, "work", 100);
	expect_ok(fx, "client", 100);
}

static void cbi_reverse(void **state)
{
	struct fixture *fx = *state;
	/* all raw 100: work = (6 x 100 + (100 - 100)) / 7 = 600 / 7 */
	fill(fx, 100);
	run(fx);
	expect_ok(fx, "work", 600.0 / 7.0);
	expect_ok(fx, "personal", 100);
	expect_ok(fx, "client", 100);
	/* all raw 0: work = (6 x 0 + (100 - 0)) / 7 = 100 / 7 */
	fill(fx, 0);
	run(fx);
	expect_ok(fx, "work", 100.0 / 7.0);
	/* all 50, item 13 at 25 (keyed 75): (6 x 50 + 75) / 7 = 375 / 7 */
	fill(fx, 50);
	set(fx, "cbi_13", 25);
	run(fx);
	expect_ok(fx, "work", 375.0 / 7.0);
	/* item 12 (not reversed) at 25 instead: (5 x 50 + 25 + (100 - 50)) / 7 = 325 / 7 */
	fill(fx, 50);
	set(fx, "cbi_12", 25);
	run(fx);
	expect_ok(fx, "work", 325.0 / 7.0);
}

static void cbi_min_answered(void **state)
{
	struct fixture *fx = *state;

	/* personal: 3 answered (100, 75, 50), 3 blank -> (100 + 75 + 50) / 3 = 75, prorated */
	fill(fx, 25);
	set(fx, "cbi_1", 100);
	set(fx, "cbi_2", 75);
	set(fx, "cbi_3", 50);
	set(fx, "cbi_4", NAN);
	set(fx, "cbi_5", NAN);
	set(fx, "cbi_6", NAN);
	run(fx);
	expect_scale(fx, "personal", 75, LM_SCORE_PRORATED, 3);
	/* personal: 2 answered -> non-responder */
	set(fx, "cbi_3", NAN);
	run(fx);
	expect_scale(fx, "personal", NAN, LM_SCORE_INSUFFICIENT, 2);

	/* work: 4 answered: 7 = 100, 8 = 50, 9 = 25, 13 = 25 (keyed 75)
	 * -> (100 + 50 + 25 + 75) / 4 = 250 / 4 = 62.5, prorated */
	fill(fx, 25);
	set(fx, "cbi_7", 100);
	set(fx, "cbi_8", 50);
	set(fx, "cbi_9", 25);
	set(fx, "cbi_10", NAN);
	set(fx, "cbi_11", NAN);
	set(fx, "cbi_12", NAN);
	set(fx, "cbi_13", 25);
	run(fx);
	expect_scale(fx, "work", 62.5, LM_SCORE_PRORATED, 4);
	expect_ok(fx, "personal", 25); /* 6 x 25 / 6 */
	/* work: 3 answered -> non-responder */
	set(fx, "cbi_13", NAN);
	run(fx);
	expect_scale(fx, "work", NAN, LM_SCORE_INSUFFICIENT, 3);

	/* client: no author rule, all 6 required: 5 answered -> insufficient */
	fill(fx, 50);
	set(fx, "cbi_19", NAN);
	run(fx);
	expect_scale(fx, "client", NAN, LM_SCORE_INSUFFICIENT, 5);
	expect_ok(fx, "personal", 50);
}

/* ---- GSE -------------------------------------------------------------- */
/* 10 items 1-4, prorated sum (mean of answered x 10), at least 7 answered. */

static void gse_extremes(void **state)
{
	struct fixture *fx = *state;
	expect_range(fx, "self_efficacy", 10, 40);
	fill(fx, 1);
	run(fx);
	expect_ok(fx, "self_efficacy", 10); /* 10 x 1 */
	fill(fx, 4);
	run(fx);
	expect_ok(fx, "self_efficacy", 40); /* 10 x 4 */
	static const double v[10] = {1, 2, 3, 4, 4, 3, 2, 1, 2, 3};
	set_all(fx, v, 10);
	run(fx);
	expect_ok(fx, "self_efficacy", 25); /* 1+2+3+4+4+3+2+1+2+3 = 25 */
}

static void gse_missing(void **state)
{
	struct fixture *fx = *state;
	/* 3 missing: items 1-7 = 1, 2, 3, 4, 4, 3, 2 (sum 19) -> 19 / 7 x 10 = 190 / 7 = 27.142857..., prorated */
	static const double v[10] = {1, 2, 3, 4, 4, 3, 2, NAN, NAN, NAN};
	set_all(fx, v, 10);
	run(fx);
	expect_scale(fx, "self_efficacy", 190.0 / 7.0, LM_SCORE_PRORATED, 7);
	/* 4 missing -> insufficient */
	set(fx, "gse_7", NAN);
	run(fx);
	expect_scale(fx, "self_efficacy", NAN, LM_SCORE_INSUFFICIENT, 6);
	/* 1 missing, the rest 3 -> 27 / 9 x 10 = 30, prorated */
	fill(fx, 3);
	set(fx, "gse_10", NAN);
	run(fx);
	expect_scale(fx, "self_efficacy", 30, LM_SCORE_PRORATED, 9);
}

/* ---- LOT-R ------------------------------------------------------------ */
/* 0-4; fillers 2, 5, 6, 8; reversed 3, 7, 9 (4 - x); optimism = sum of 1, 3, 4, 7, 9, 10 (0-24). */

static void lotr_extremes(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(fx->n, 10);
	expect_range(fx, "optimism", 0, 24);
	assert_int_equal(lm_scale_item_count(lm_instrument_scale(fx->inst, scale_index(fx, "optimism"))), 6);
	static const char *const fillers[] = {"lotr_2", "lotr_5", "lotr_6", "lotr_8"};
	for (size_t k = 0; k < 4; k++)
		assert_int_equal(lm_item_scored(lm_instrument_item(fx->inst, item_index(fx, fillers[k]))), 0);

	/* lowest: plain items (1, 4, 10) 0, reversed (3, 7, 9) 4 -> 3 x 0 + 3 x (4 - 4) = 0 */
	static const double lo[10] = {0, 2, 4, 0, 2, 2, 4, 2, 4, 0};
	set_all(fx, lo, 10);
	run(fx);
	expect_ok(fx, "optimism", 0);
	/* highest: plain 4, reversed 0 -> 3 x 4 + 3 x (4 - 0) = 24 */
	static const double hi[10] = {4, 2, 0, 4, 2, 2, 0, 2, 0, 4};
	set_all(fx, hi, 10);
	run(fx);
	expect_ok(fx, "optimism", 24);
	/* all raw 0 -> 3 x 0 + 3 x 4 = 12; all raw 4 -> 3 x 4 + 3 x 0 = 12 */
	fill(fx, 0);
	run(fx);
	expect_ok(fx, "optimism", 12);
	fill(fx, 4);
	run(fx);
	expect_ok(fx, "optimism", 12);
}

static void lotr_fillers_and_reverse(void **state)
{
	struct fixture *fx = *state;
	/* Fillers at 4 or blank do not move the lowest score (0), and a blank filler is not a missing item. */
	static const double lo_fill4[10] = {0, 4, 4, 0, 4, 4, 4, 4, 4, 0};
	set_all(fx, lo_fill4, 10);
	run(fx);
	expect_ok(fx, "optimism", 0);
	static const double lo_blank[10] = {0, NAN, 4, 0, NAN, NAN, 4, NAN, 4, 0};
	set_all(fx, lo_blank, 10);
	run(fx);
	expect_ok(fx, "optimism", 0); /* status ok, 6 of 6 answered */

	/* All 2 -> 6 x 2 = 12 (4 - 2 = 2 for reversed). */
	fill(fx, 2);
	run(fx);
	expect_ok(fx, "optimism", 12);
	/* reversed item 3 at 0 -> keyed 4: 5 x 2 + 4 = 14 */
	set(fx, "lotr_3", 0);
	run(fx);
	expect_ok(fx, "optimism", 14);
	/* plus plain item 1 at 0: 4 x 2 + 4 + 0 = 12 */
	set(fx, "lotr_1", 0);
	run(fx);
	expect_ok(fx, "optimism", 12);
	/* reversed 7 and 9 at 4 -> keyed 0: 2 (item 4) + 2 (item 10) + 4 (item 3) + 0 + 0 + 0 (item 1) = 8 */
	set(fx, "lotr_7", 4);
	set(fx, "lotr_9", 4);
	run(fx);
	expect_ok(fx, "optimism", 8);
	/* a blank scored item: insufficient (no author rule, all 6 needed) */
	set(fx, "lotr_10", NAN);
	run(fx);
	expect_scale(fx, "optimism", NAN, LM_SCORE_INSUFFICIENT, 5);
}

/* ---- Turnover single items -------------------------------------------- */

static void turnover_items(void **state)
{
	struct fixture *fx = *state;
	static const char *const scales[] = {"intent_to_search", "intent_to_leave", "intent_to_stay",
					     "thinking_of_quitting"};
	static const int dirs[] = {LM_DIRECTION_HIGHER_IS_WORSE, LM_DIRECTION_HIGHER_IS_WORSE,
				   LM_DIRECTION_HIGHER_IS_BETTER, LM_DIRECTION_HIGHER_IS_WORSE};
	assert_int_equal(fx->n, 4);
	assert_int_equal(lm_instrument_scale_count(fx->inst), 4);
	for (size_t k = 0; k < 4; k++) {
		const lm_scale *sc = lm_instrument_scale(fx->inst, scale_index(fx, scales[k]));
		assert_int_equal(lm_scale_item_count(sc), 1);
		assert_int_equal(lm_scale_item(sc, 0), k); /* scale k is item k */
		assert_int_equal(lm_scale_direction(sc), dirs[k]);
		expect_range(fx, scales[k], 1, 5);
	}
	fill(fx, 1);
	run(fx);
	for (size_t k = 0; k < 4; k++)
		expect_ok(fx, scales[k], 1);
	fill(fx, 5);
	run(fx);
	for (size_t k = 0; k < 4; k++)
		expect_ok(fx, scales[k], 5);
	/* item k = k + 1; intent to stay is not reversed: it reports 3 as given */
	static const double v[4] = {1, 2, 3, 4};
	set_all(fx, v, 4);
	run(fx);
	for (size_t k = 0; k < 4; k++)
		expect_ok(fx, scales[k], (double)(k + 1));
	/* one blank item leaves only its own scale without a score */
	set(fx, "turnover_2", NAN);
	run(fx);
	expect_scale(fx, "intent_to_leave", NAN, LM_SCORE_INSUFFICIENT, 0);
	expect_ok(fx, "intent_to_stay", 3);
}

int main(void)
{
#define T(f, s) cmocka_unit_test_setup_teardown(f, s, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_builtin_loads),
		T(stss_structure, setup_stss),
		T(stss_all_minimum, setup_stss),
		T(stss_all_maximum, setup_stss),
		T(stss_band_edges, setup_stss),
		T(stss_subscales, setup_stss),
		T(stss_criteria_edges, setup_stss),
		T(stss_criteria_missing, setup_stss),
		T(proqol_all_same, setup_proqol5),
		T(proqol_burnout_extremes, setup_proqol5),
		T(proqol_reverse_items, setup_proqol5),
		T(proqol_band_edges, setup_proqol5),
		T(proqol_missing, setup_proqol5),
		T(brs_extremes, setup_brs),
		T(brs_reverse_and_bands, setup_brs),
		T(brs_missing, setup_brs),
		T(cbi_extremes, setup_cbi),
		T(cbi_reverse, setup_cbi),
		T(cbi_min_answered, setup_cbi),
		T(gse_extremes, setup_gse),
		T(gse_missing, setup_gse),
		T(lotr_extremes, setup_lotr),
		T(lotr_fillers_and_reverse, setup_lotr),
		T(turnover_items, setup_turnover),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
