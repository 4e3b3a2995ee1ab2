/*
 * Conformance of the scorer with R's psych::scoreItems: every scale score of
 * 300 synthetic respondents (tests/conformance/) must match the committed
 * R output within 1e-9. R regenerates those files; this test does not need R.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reference.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libra_measures/libra_measures.h"

#define TOLERANCE 1e-9
#define MAX_FIELDS 64
#define MAX_REPORTED 20 /* mismatches printed before the count */

struct fixture {
	lm_instrument *inst;
	size_t n_items, n_scales, n_rows;
	char *data_path;
	char *expected_text; /* expected.csv, split in place; ids point into it */
	char **ids;          /* n_rows, from expected.csv */
	double *expected;    /* n_rows x n_scales by scale index; NaN for NA */
	double *values;      /* n_rows x n_items by item index, from data.csv; NaN for blank */
};

/* What one comparison run saw, so a pass cannot be vacuous. */
struct tally {
	size_t rows, mismatches;
	double max_diff;
	size_t status[3][MAX_FIELDS]; /* [lm_score_status][scale] */
};

static char *conformance_path(const char *name)
{
	const char *root = getenv("LM_SOURCE_ROOT");
	if (root == NULL || *root == '\0')
		return NULL;
	size_t len = strlen(root) + strlen("/tests/conformance/") + strlen(name) + 1;
	char *path = malloc(len);
	if (path != NULL)
		snprintf(path, len, "%s/tests/conformance/%s", root, name);
	return path;
}

static void load_expected(struct fixture *fx, const char *path)
{
	fx->expected_text = ref_read_text(path);
	if (fx->expected_text == NULL)
		fail_msg("cannot read %s", path);
	char *cursor = fx->expected_text, *fields[MAX_FIELDS];
	char *line = ref_next_line(&cursor);
	assert_non_null(line);
	size_t nf = ref_split_fields(line, fields, MAX_FIELDS);
	/* Header: id, then one column per scale, every scale exactly once. */
	assert_string_equal(fields[0], "id");
	assert_int_equal(nf - 1, fx->n_scales);
	size_t col_scale[MAX_FIELDS];
	for (size_t k = 1; k < nf; k++) {
		if (lm_instrument_find_scale(fx->inst, fields[k], &col_scale[k]) != LM_OK)
			fail_msg("%s: column %s is not a scale of the instrument", path, fields[k]);
		for (size_t j = 1; j < k; j++)
			assert_true(col_scale[j] != col_scale[k]);
	}
	size_t cap = 512;
	fx->ids = malloc(cap * sizeof *fx->ids);
	fx->expected = malloc(cap * fx->n_scales * sizeof *fx->expected);
	assert_true(fx->ids != NULL && fx->expected != NULL);
	while ((line = ref_next_line(&cursor)) != NULL) {
		assert_true(fx->n_rows < cap);
		size_t n = ref_split_fields(line, fields, MAX_FIELDS);
		if (n != nf)
			fail_msg("%s: data row %zu has %zu fields, not %zu", path, fx->n_rows + 1, n, nf);
		fx->ids[fx->n_rows] = fields[0];
		for (size_t k = 1; k < nf; k++)
			fx->expected[fx->n_rows * fx->n_scales + col_scale[k]] = ref_number(fields[k], path, REF_NA | REF_BLANK);
		fx->n_rows++;
	}
}

/* data.csv parsed independently of the table reader, for lm_scorer_score(). */
static void load_data(struct fixture *fx)
{
	char *text = ref_read_text(fx->data_path);
	if (text == NULL)
		fail_msg("cannot read %s", fx->data_path);
	char *cursor = text, *fields[MAX_FIELDS];
	char *line = ref_next_line(&cursor);
	assert_non_null(line);
	size_t nf = ref_split_fields(line, fields, MAX_FIELDS);
	assert_string_equal(fields[0], "id");
	assert_int_equal(nf - 1, fx->n_items);
	size_t col_item[MAX_FIELDS];
	for (size_t k = 1; k < nf; k++) {
		if (lm_instrument_find_item(fx->inst, fields[k], &col_item[k]) != LM_OK)
			fail_msg("%s: column %s is not an item of the instrument", fx->data_path, fields[k]);
	}
	fx->values = malloc(fx->n_rows * fx->n_items * sizeof *fx->values);
	assert_non_null(fx->values);
	size_t row = 0;
	while ((line = ref_next_line(&cursor)) != NULL) {
		assert_true(row < fx->n_rows);
		size_t n = ref_split_fields(line, fields, MAX_FIELDS);
		assert_int_equal(n, nf);
		/* The two files must describe the same respondents in the same order. */
		assert_string_equal(fields[0], fx->ids[row]);
		for (size_t k = 1; k < nf; k++)
			fx->values[row * fx->n_items + col_item[k]] = ref_number(fields[k], fx->data_path, REF_NA | REF_BLANK);
		row++;
	}
	assert_int_equal(row, fx->n_rows);
	free(text);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	*state = fx;
	char *def = conformance_path("instrument.yaml");
	char *expected = conformance_path("expected.csv");
	fx->data_path = conformance_path("data.csv");
	if (def == NULL || expected == NULL || fx->data_path == NULL)
		fail_msg("LM_SOURCE_ROOT is not set (tests/meson.build sets it)");

	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	int rc = lm_instrument_load_file(&fx->inst, def, err);
	if (rc != LM_OK)
		fail_msg("%s: %s: %s", def, lm_strerror(rc),
			 lm_error_count(err) > 0 ? lm_error_text(err, 0) : "(no diagnostic)");
	lm_error_free(err);
	fx->n_items = lm_instrument_item_count(fx->inst);
	fx->n_scales = lm_instrument_scale_count(fx->inst);
	assert_true(fx->n_scales > 0 && fx->n_scales < MAX_FIELDS && fx->n_items < MAX_FIELDS);

	load_expected(fx, expected);
	load_data(fx);
	free(def);
	free(expected);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (fx == NULL)
		return 0;
	lm_instrument_free(fx->inst);
	free(fx->data_path);
	free(fx->expected_text);
	free(fx->ids);
	free(fx->expected);
	free(fx->values);
	free(fx);
	return 0;
}

static int is_missing_code(const lm_instrument *inst, double v)
{
	for (size_t i = 0; i < lm_instrument_missing_code_count(inst); i++)
		if (lm_instrument_missing_code_value(inst, i) == v)
			return 1;
	return 0;
}

/* Compare the scorer's results for data row @p row with R's, and with the
 * answered / coded counts and status that follow from the data. */
static void check_row(const struct fixture *fx, size_t row, const lm_scorer *scorer, struct tally *t)
{
	const double *values = fx->values + row * fx->n_items;
	for (size_t s = 0; s < fx->n_scales; s++) {
		const lm_scale *scale = lm_instrument_scale(fx->inst, s);
		size_t n = lm_scale_item_count(scale), answered = 0, coded = 0;
		for (size_t k = 0; k < n; k++) {
			double v = values[lm_scale_item(scale, k)];
			if (is_missing_code(fx->inst, v))
				coded++;
			else if (!isnan(v))
				answered++;
		}
		int want_status = LM_SCORE_PRORATED;
		if (answered < lm_scale_min_answered(scale))
			want_status = LM_SCORE_INSUFFICIENT;
		else if (answered == n)
			want_status = LM_SCORE_OK;
		double want = fx->expected[row * fx->n_scales + s];
		double got = lm_scorer_scale_score(scorer, s);
		int status = lm_scorer_scale_status(scorer, s);

		int bad = status != want_status || lm_scorer_scale_answered(scorer, s) != answered ||
			  lm_scorer_scale_coded(scorer, s) != coded;
		if (isnan(want)) {
			bad |= !isnan(got) || want_status != LM_SCORE_INSUFFICIENT;
		} else {
			double diff = fabs(got - want);
			bad |= !(diff <= TOLERANCE) || want_status == LM_SCORE_INSUFFICIENT;
			if (diff > t->max_diff)
				t->max_diff = diff;
		}
		if (bad && t->mismatches++ < MAX_REPORTED)
			print_error("row %zu (id %s) scale %s: score %.17g status %s answered %zu coded %zu;"
				    " expected %.17g status %s answered %zu coded %zu\n",
				    row + 1, fx->ids[row], lm_scale_id(scale), got, lm_score_status_name(status),
				    lm_scorer_scale_answered(scorer, s), lm_scorer_scale_coded(scorer, s), want,
				    lm_score_status_name(want_status), answered, coded);
		if (status >= 0 && status <= 2)
			t->status[status][s]++;
	}
	t->rows++;
}

/* The run compared every row, found nothing wrong, and met every case:
 * each scale has complete and insufficient rows, and each scale that allows
 * missing items has prorated ones. */
static void check_tally(const struct fixture *fx, const struct tally *t, const char *how)
{
	printf("# %s: %zu rows x %zu scales, max |diff| %.3g, %zu mismatches\n", how, t->rows, fx->n_scales,
	       t->max_diff, t->mismatches);
	assert_int_equal(t->mismatches, 0);
	assert_int_equal(t->rows, fx->n_rows);
	assert_true(t->rows >= 250);
	for (size_t s = 0; s < fx->n_scales; s++) {
		const lm_scale *scale = lm_instrument_scale(fx->inst, s);
		assert_true(t->status[LM_SCORE_OK][s] > 0);
		assert_true(t->status[LM_SCORE_INSUFFICIENT][s] > 0);
		if (lm_scale_min_answered(scale) < lm_scale_item_count(scale))
			assert_true(t->status[LM_SCORE_PRORATED][s] > 0);
	}
}

/* Through the table reader: data.csv as a user's file. */
static void test_conformance_table(void **state)
{
	struct fixture *fx = *state;
	lm_error *err = NULL;
	lm_scorer *scorer = NULL;
	lm_table *table = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_scorer_new(&scorer, fx->inst), LM_OK);
	assert_int_equal(lm_table_new(&table, fx->inst), LM_OK);
	int rc = lm_table_open_file(table, fx->data_path, err);
	if (rc != LM_OK)
		fail_msg("%s: %s: %s", fx->data_path, lm_strerror(rc),
			 lm_error_count(err) > 0 ? lm_error_text(err, 0) : "(no diagnostic)");

	struct tally t = {0};
	while ((rc = lm_table_next(table, scorer, err)) == 1) {
		size_t row = lm_table_row(table) - 1, id_len = 0;
		assert_true(row < fx->n_rows);
		assert_int_equal(row, t.rows);
		const char *id = lm_table_row_id(table, &id_len);
		assert_non_null(id);
		assert_true(id_len == strlen(fx->ids[row]) && memcmp(id, fx->ids[row], id_len) == 0);
		check_row(fx, row, scorer, &t);
	}
	if (rc != 0)
		fail_msg("row %lu: %s: %s", lm_table_row(table), lm_strerror(rc),
			 lm_error_count(err) > 0 ? lm_error_text(err, 0) : "(no diagnostic)");
	assert_int_equal(lm_table_rows_rejected(table), 0);
	assert_int_equal(lm_table_rows_read(table), fx->n_rows);
	check_tally(fx, &t, "table reader");

	lm_table_free(table);
	lm_scorer_free(scorer);
	lm_error_free(err);
}

/* Through lm_scorer_score(): the same data as arrays of doubles. */
static void test_conformance_values(void **state)
{
	struct fixture *fx = *state;
	lm_error *err = NULL;
	lm_scorer *scorer = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_scorer_new(&scorer, fx->inst), LM_OK);

	struct tally t = {0};
	for (size_t row = 0; row < fx->n_rows; row++) {
		int rc = lm_scorer_score(scorer, fx->values + row * fx->n_items, fx->n_items, err);
		if (rc != LM_OK)
			fail_msg("row %zu: %s: %s", row + 1, lm_strerror(rc),
				 lm_error_count(err) > 0 ? lm_error_text(err, 0) : "(no diagnostic)");
		check_row(fx, row, scorer, &t);
	}
	check_tally(fx, &t, "lm_scorer_score");

	lm_scorer_free(scorer);
	lm_error_free(err);
}

int main(void)
{
	/* Run in the environment's locale (e.g. LC_ALL=de_DE.UTF-8, decimal comma):
	 * the library must read and score the same; the expected values are read
	 * under "C" regardless. */
	setlocale(LC_ALL, "");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conformance_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conformance_values, setup, teardown),
	};
	return cmocka_run_group_tests_name("conformance", tests, NULL, NULL);
}
