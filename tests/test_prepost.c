/*
 * Tests of the pre/post analysis on small hand-made waves: pairing and its
 * counts, duplicate ids, ids as text, empty overlap, statistics that cannot
 * be computed, reliable change and clinical categories worked by hand,
 * groups, the long form, and bad input in both waves.
 * (Agreement with R's t.test, psych::alpha and the RCI formula on a larger
 * data set is tests/test_prepost_reference.c.)
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

/* total: 3 items 1-5, sum 3-15, higher is worse, clinical from 10, reliability .8 in the norms.
 * nodir: 2 items, no direction. */
static const char yaml[] =
	"format: 1\nid: pp\nname: PP\nversion: '1'\n"
	"responses: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c}, {value: 4, label: d},"
	" {value: 5, label: e}]\n"
	"items: [{id: p_1, label: x}, {id: p_2, label: y}, {id: p_3, label: z}]\n"
	"scales:\n"
	"  - {id: total, label: T, items: [p_1, p_2, p_3], method: sum, direction: higher_is_worse,\n"
	"     clinical_cutoff: 10, norms: {reliability: 0.8},\n"
	"     bands: [{id: low, label: L, min: 3, max: 9}, {id: high, label: H, min: 10, max: 15}]}\n"
	"  - {id: nodir, label: N, items: [p_1, p_2], method: sum}\n";

enum { TOTAL, NODIR };

struct fx {
	char dir[64];
	lm_instrument *inst;
	lm_prepost *pp;
	lm_error *err;
	char pre[128], post[128];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	strcpy(fx->dir, "/tmp/lm-prepost-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->pre, sizeof(fx->pre), "%s/pre.csv", fx->dir);
	snprintf(fx->post, sizeof(fx->post), "%s/post.csv", fx->dir);
	if (lm_instrument_load_buffer(&fx->inst, yaml, sizeof(yaml) - 1, "pp.yaml", NULL) != LM_OK ||
	    lm_prepost_new(&fx->pp, fx->inst) != LM_OK || lm_error_new(&fx->err) != LM_OK)
		return -1;
	*state = fx;
	return 0;
}

/* The same tests with the post file read on a second thread: every result,
 * count and diagnostic (in the same order) must be the same. */
static int setup_threads(void **state)
{
	if (setup(state) != 0)
		return -1;
	struct fx *fx = *state;
	return lm_prepost_set_threads(fx->pp, 2) == LM_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char path[256];
	static const char *const files[] = {"pre.csv", "post.csv", "long.csv", "out.json", "out.csv"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fx->dir, files[i]);
		unlink(path);
	}
	rmdir(fx->dir);
	lm_prepost_free(fx->pp);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	free(fx);
	return 0;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int run(struct fx *fx, const char *pre, const char *post)
{
	put_file(fx->pre, pre);
	put_file(fx->post, post);
	lm_error_clear(fx->err);
	return lm_prepost_run_files(fx->pp, fx->pre, fx->post, fx->err);
}

static void dump(const struct fx *fx)
{
	for (size_t i = 0; i < lm_error_count(fx->err); i++)
		print_message("%s\n", lm_error_text(fx->err, i));
}

static double stat(const struct fx *fx, size_t scale, int which)
{
	return lm_prepost_stat(fx->pp, scale, LM_PREPOST_ALL_GROUPS, which);
}

static size_t find(const struct fx *fx, const char *id)
{
	for (size_t r = 0; r < lm_prepost_respondent_count(fx->pp); r++)
		if (!strcmp(lm_prepost_respondent_id(fx->pp, r), id))
			return r;
	fail_msg("respondent %s not paired", id);
	return 0;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static void test_pairing_counts(void **state)
{
	struct fx *fx = *state;
	/* Ids are text: "007" and "7" differ; inner spaces are kept; surrounding
	 * blanks are not part of the id. */
	int rc = run(fx,
		     "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,2\n007,3,3,3\nR 01,1,2,3\n,1,1,1\nonlypre,1,1,1\n",
		     "id,p_1,p_2,p_3\n  B ,1,1,1\nA,2,2,2\n7,3,3,3\nR 01,3,2,1\nR01,1,1,1\n,2,2,2\n, 2,2,2\n");
	dump(fx);
	assert_int_equal(rc, LM_OK);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ROWS), 6);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ROWS), 7);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), 3);     /* A, B, "R 01" */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ONLY), 2);  /* 007, onlypre */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ONLY), 2); /* 7, R01 */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_NO_ID), 3);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_DUPLICATE_ID), 0);
	/* Every row is accounted for exactly once. */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ROWS) + lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ROWS),
			 2 * lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS) + lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ONLY) +
				 lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ONLY) + lm_prepost_count(fx->pp, LM_PREPOST_COUNT_NO_ID) +
				 lm_prepost_count(fx->pp, LM_PREPOST_COUNT_DUPLICATE_ID));
	/* Pairs in pre order, scores from the right rows. */
	assert_string_equal(lm_prepost_respondent_id(fx->pp, 0), "A");
	assert_string_equal(lm_prepost_respondent_id(fx->pp, 1), "B");
	assert_string_equal(lm_prepost_respondent_id(fx->pp, 2), "R 01");
	NEAR(lm_prepost_respondent_score(fx->pp, 0, TOTAL, 0), 3);
	NEAR(lm_prepost_respondent_score(fx->pp, 0, TOTAL, 1), 6);
	NEAR(lm_prepost_respondent_score(fx->pp, 1, TOTAL, 1), 3);
	assert_null(lm_prepost_respondent_group(fx->pp, 0)); /* no group column */
}

static void test_duplicates_are_errors(void **state)
{
	struct fx *fx = *state;
	int rc = run(fx, "id,p_1,p_2,p_3\nA,1,1,1\nB,1,1,1\nA,2,2,2\nB,1,1,1\nC,1,1,1\nB,3,3,3\n",
		     "id,p_1,p_2,p_3\nA,1,1,1\nC,1,1,1\nC,2,2,2\n");
	assert_int_equal(rc, LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 3);
	assert_non_null(strstr(lm_error_text(fx->err, 0), "pre.csv:2: id \"A\" occurs 2 times in the pre wave, at data "
							   "rows 1 (line 2), 3 (line 4)"));
	assert_non_null(strstr(lm_error_text(fx->err, 1), "id \"B\" occurs 3 times in the pre wave, at data rows 2 (line "
							   "3), 4 (line 5), 6 (line 7)"));
	assert_non_null(strstr(lm_error_text(fx->err, 2), "post.csv:3: id \"C\" occurs 2 times"));
	assert_int_equal(lm_prepost_respondent_count(fx->pp), 0); /* no results after a failed run */
}

static void test_problems_reported_together(void **state)
{
	struct fx *fx = *state;
	/* A bad value in pre, a duplicate id after it in pre and one in post:
	 * all three at once, and the rows still counted for a reconciliation. */
	int rc = run(fx, "id,p_1,p_2,p_3\nA,1,9,1\nB,1,1,1\nB,2,2,2\n", "id,p_1,p_2,p_3\nC,1,1,1\nC,1,1,1\n");
	assert_int_equal(rc, LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 3);
	assert_non_null(strstr(lm_error_text(fx->err, 0), "pre.csv:2:3: row 1, column \"p_2\""));
	assert_non_null(strstr(lm_error_text(fx->err, 1), "pre.csv:3: id \"B\" occurs 2 times in the pre wave"));
	assert_non_null(strstr(lm_error_text(fx->err, 2), "post.csv:2: id \"C\" occurs 2 times in the post wave"));
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ROWS), 3);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ROWS), 2);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_REJECTED), 1);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_DUPLICATE_ID), 4);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), 0);
}

static void test_many_problems_in_both_waves(void **state)
{
	struct fx *fx = *state;
	/* 80 bad rows in each wave: the first 100 kept, the pre file's first,
	 * then the post file's in row order; every one counted. */
	char pre[4096] = "id,p_1,p_2,p_3\n", post[4096] = "id,p_1,p_2,p_3\n";
	for (int i = 0; i < 80; i++) {
		snprintf(pre + strlen(pre), sizeof(pre) - strlen(pre), "a%d,1,9,1\n", i);
		snprintf(post + strlen(post), sizeof(post) - strlen(post), "b%d,1,1,0\n", i);
	}
	assert_int_equal(run(fx, pre, post), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), lm_error_capacity());
	assert_int_equal(lm_error_total(fx->err), 160);
	char where[64];
	for (size_t i = 0; i < lm_error_count(fx->err); i++) {
		if (i < 80)
			snprintf(where, sizeof(where), "pre.csv:%zu:3: row %zu,", i + 2, i + 1);
		else
			snprintf(where, sizeof(where), "post.csv:%zu:4: row %zu,", i - 78, i - 79);
		if (!strstr(lm_error_text(fx->err, i), where))
			fail_msg("diagnostic %zu is '%s', not at %s", i, lm_error_text(fx->err, i), where);
	}
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_REJECTED), 160);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ROWS), 80);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ROWS), 80);
}

static void test_many_duplicates(void **state)
{
	struct fx *fx = *state;
	/* Every row the same id: one message, the count exact, the list bounded. */
	char pre[8192] = "id,p_1,p_2,p_3\n";
	for (int i = 0; i < 300; i++)
		strcat(pre, "Z,1,1,1\n");
	assert_int_equal(run(fx, pre, "id,p_1,p_2,p_3\nZ,1,1,1\n"), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_non_null(strstr(lm_error_text(fx->err, 0), "id \"Z\" occurs 300 times in the pre wave"));
	assert_non_null(strstr(lm_error_text(fx->err, 0), "20 (line 21) and 280 more;"));
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_DUPLICATE_ID), 300);
}

static void test_duplicates_excluded(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_prepost_set_duplicates(fx->pp, LM_DUPLICATES_EXCLUDE), LM_OK);
	int rc = run(fx, "id,p_1,p_2,p_3\nA,1,1,1\nB,1,1,1\nA,2,2,2\nB,1,1,1\nC,1,1,1\nB,3,3,3\nD,1,1,1\n",
		     "id,p_1,p_2,p_3\nA,1,1,1\nC,1,1,1\nC,2,2,2\nD,2,2,2\nB,1,1,1\n");
	assert_int_equal(rc, LM_OK);
	assert_int_equal(lm_error_count(fx->err), 0);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_DUPLICATE_ID), 5 + 2);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), 1); /* only D */
	assert_string_equal(lm_prepost_respondent_id(fx->pp, 0), "D");
	/* C's pre row has no usable partner; A's and B's post rows have none. */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ONLY), 1);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ONLY), 2);
}

/* The message of the only diagnostic, which must be an LM_EDATA. */
static const char *only_message(const struct fx *fx)
{
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_int_equal(lm_error_code(fx->err, 0), LM_EDATA);
	return lm_error_message(fx->err, 0);
}

/*
 * A run that pairs nobody is an error that says what was compared; the
 * rows and the pairing counts are still given, the results are not.
 */
static void test_empty_overlap(void **state)
{
	struct fx *fx = *state;
	char want[1024];
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,2\nC\"x,2,2,2\nD,1,1,1\n", "id,p_1,p_2,p_3\na,1,1,1\n"),
			 LM_EDATA);
	snprintf(want, sizeof(want),
		 "nobody is paired: no id of %s is an id of %s; the first ids of the pre wave are \"A\", \"B\", "
		 "\"C\\\"x\", ... (4 rows with an id), of the post wave \"a\" (1 row with an id); ids are compared as "
		 "text, exactly as written in column \"id\"",
		 fx->pre, fx->post);
	assert_string_equal(only_message(fx), want);
	assert_null(lm_error_file(fx->err, 0));
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ROWS), 4);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), 0);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ONLY), 4);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ONLY), 1);
	assert_int_equal(lm_prepost_respondent_count(fx->pp), 0);
	assert_true(isnan(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_N)));
	assert_int_equal(lm_prepost_write_fd(fx->pp, LM_PREPOST_JSON, 1, NULL), LM_EINVAL);

	/* A wave whose rows have no id, and one without data rows. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\n,1,1,1\n ,2,2,2\n", "id,p_1,p_2,p_3\n"), LM_EDATA);
	snprintf(want, sizeof(want),
		 "nobody is paired: none of the 2 rows of %s has an id in column \"id\"; %s has no data rows", fx->pre,
		 fx->post);
	assert_string_equal(only_message(fx), want);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_NO_ID), 2);

	/* The only common id is twice in the post wave, left unpaired. */
	assert_int_equal(lm_prepost_set_duplicates(fx->pp, LM_DUPLICATES_EXCLUDE), LM_OK);
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,1,1\n", "id,p_1,p_2,p_3\nA,1,1,1\nA,2,2,2\n"), LM_EDATA);
	assert_non_null(strstr(only_message(fx), "; 2 rows whose id occurs more than once in a wave were left unpaired"));
}

/* Pairs without a score at both waves: every statistic is null with a reason, never NaN. */
static void test_nulls_written_as_null(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,,1\nB,2,2,2\n", "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,\n"), LM_OK);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), 2);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_N), 0);
	assert_true(isnan(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_MEAN)));
	assert_string_equal(lm_prepost_stat_reason(fx->pp, TOTAL, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_MEAN),
			    "no pair with a score at both waves");
	assert_true(isnan(stat(fx, TOTAL, LM_PREPOST_STAT_P)));
	assert_non_null(lm_prepost_stat_reason(fx->pp, TOTAL, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_P));
	assert_null(lm_prepost_stat_reason(fx->pp, TOTAL, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_N));
	char out[256];
	snprintf(out, sizeof(out), "%s/out.json", fx->dir);
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_JSON, out, fx->err), LM_OK);
	FILE *f = fopen(out, "r");
	char buf[16384];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_null(strstr(buf, "nan"));
	assert_null(strstr(buf, "NaN"));
	assert_non_null(strstr(buf, "\"mean\":null"));
	assert_non_null(strstr(buf, "\"null_reasons\":{"));
}

/* In the long form, a mistyped wave value: the message gives the values found. */
static void test_long_form_wrong_value(void **state)
{
	struct fx *fx = *state;
	char path[256];
	snprintf(path, sizeof(path), "%s/long.csv", fx->dir);
	put_file(path, "id,time,p_1,p_2,p_3\nA,pre,1,1,1\nA,post,2,2,2\nB,pre,3,3,3\nB,post,5,5,5\nC,,1,1,1\n"
		       "D,\"x\x01\",1,1,1\n");
	lm_error_clear(fx->err);
	assert_int_equal(lm_prepost_run_long_file(fx->pp, path, "time", "baseline", "post", fx->err), LM_EDATA);
	assert_string_equal(only_message(fx),
			    "nobody is paired: no row has the pre value \"baseline\" in column \"time\"; besides the post "
			    "value \"post\" (2 rows), the column has \"pre\" (2 rows), blank (1 row), \"x\\x01\" (1 row)");
	assert_string_equal(lm_error_file(fx->err, 0), path);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_OTHER_WAVE), 4);
	lm_error_clear(fx->err);
	assert_int_equal(lm_prepost_run_long_file(fx->pp, path, "time", "Pre", "Post", fx->err), LM_EDATA);
	assert_string_equal(only_message(fx),
			    "nobody is paired: no row has the pre value \"Pre\" or the post value \"Post\" in column \"time\"; "
			    "the column has \"pre\" (2 rows), \"post\" (2 rows), blank (1 row), \"x\\x01\" (1 row)");
	/* Both values there, no id in common. */
	put_file(path, "id,time,p_1,p_2,p_3\nA,1,1,1,1\nB,2,2,2,2\n");
	lm_error_clear(fx->err);
	assert_int_equal(lm_prepost_run_long_file(fx->pp, path, "time", "1", "2", fx->err), LM_EDATA);
	assert_string_equal(only_message(fx),
			    "nobody is paired: no id of the pre wave (\"1\" in column \"time\") is an id of the post wave "
			    "(\"2\" in column \"time\"); the first ids of the pre wave are \"A\" (1 row with an id), of the post "
			    "wave \"B\" (1 row with an id); ids are compared as text, exactly as written in column \"id\"");
	/* More than five other values: the first five, and "and other values". */
	put_file(path, "id,time,p_1,p_2,p_3\nA,a,1,1,1\nA,b,1,1,1\nA,c,1,1,1\nA,d,1,1,1\nA,e,1,1,1\nA,f,1,1,1\n");
	lm_error_clear(fx->err);
	assert_int_equal(lm_prepost_run_long_file(fx->pp, path, "time", "1", "2", fx->err), LM_EDATA);
	assert_non_null(strstr(only_message(fx), "\"e\" (1 row) and other values"));
}

static void test_too_few_and_flat(void **state)
{
	struct fx *fx = *state;
	/* One pair: a mean, no SD. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,1,1\n", "id,p_1,p_2,p_3\nA,2,2,2\n"), LM_OK);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_MEAN), 3);
	assert_true(isnan(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_SD)));
	assert_string_equal(lm_prepost_stat_reason(fx->pp, TOTAL, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_T),
			    "fewer than 2 pairs with a score at both waves");
	/* Every pair changes by the same amount: t cannot be computed; the CI is a point. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,2\nC,1,2,3\n",
			     "id,p_1,p_2,p_3\nA,2,1,1\nB,3,2,2\nC,2,2,3\n"),
			 LM_OK);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_MEAN), 1);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_SD), 0);
	assert_true(isnan(stat(fx, TOTAL, LM_PREPOST_STAT_T)));
	assert_string_equal(lm_prepost_stat_reason(fx->pp, TOTAL, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_T), "zero variance of change");
	assert_true(isnan(stat(fx, TOTAL, LM_PREPOST_STAT_DZ)));
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_CI_LOW), 1);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_CI_HIGH), 1);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_DF), 2);
}

static void test_paired_t_by_hand(void **state)
{
	struct fx *fx = *state;
	/* Totals pre 3, 6, 9, 12 and post 4, 6, 11, 15: changes 1, 0, 2, 3, mean 1.5,
	 * SD sqrt(5/3); t = 1.5 / (sqrt(5/3) / 2) = 2.32379000772445 on 3 df. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,2\nC,3,3,3\nD,4,4,4\n",
			     "id,p_1,p_2,p_3\nA,2,1,1\nB,2,2,2\nC,4,4,3\nD,5,5,5\n"),
			 LM_OK);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_MEAN), 1.5);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_SD), sqrt(5.0 / 3));
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_T), 1.5 / (sqrt(5.0 / 3) / 2));
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_DZ), 1.5 / sqrt(5.0 / 3));
	/* d_av: SD of pre (3,6,9,12) is sqrt(15), of post (4,6,11,15) is sqrt(74/3). */
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_DAV), 1.5 / ((sqrt(15.0) + sqrt(74.0 / 3)) / 2));
	/* R: t.test(c(1, 0, 2, 3))$p.value */
	assert_true(fabs(stat(fx, TOTAL, LM_PREPOST_STAT_P) - 0.102728078858399) < 1e-13);
	/* Alpha at pre: items identical within each row, so alpha is 1. */
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_PRE_ALPHA), 1);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_PRE_ALPHA_N), 4);
}

static void test_reliable_change_and_categories(void **state)
{
	struct fx *fx = *state;
	/* Override: r = .8 and SD = 2, so S_diff = sqrt(2) * 2 * sqrt(.2) = 1.2649110640673518;
	 * a change of 3 gives RCI 2.37, of 2 gives 1.58 (not reliable). Clinical from 10. */
	assert_int_equal(lm_prepost_set_reliability(fx->pp, 0.8), LM_OK);
	assert_int_equal(lm_prepost_set_rci_sd(fx->pp, 2), LM_OK);
	assert_int_equal(run(fx,
			     "id,p_1,p_2,p_3\nrec,4,4,4\nimp,5,5,5\nunch,4,4,4\ndet,3,3,3\nsub,4,3,3\n",
			     "id,p_1,p_2,p_3\nrec,3,3,3\nimp,4,4,4\nunch,4,4,2\ndet,4,4,4\nsub,3,3,2\n"),
			 LM_OK);
	double sdiff = sqrt(2.0) * 2 * sqrt(0.2);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_RCI_SDIFF), sdiff);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_RCI_RELIABILITY), 0.8);
	assert_int_equal(lm_prepost_reliability_source(fx->pp, TOTAL), LM_RELIABILITY_OVERRIDE);
	size_t rec = find(fx, "rec"), imp = find(fx, "imp"), unch = find(fx, "unch"), det = find(fx, "det"),
	       sub = find(fx, "sub");
	/* rec: 12 -> 9, crossed from clinical (>= 10) to not: recovered. */
	NEAR(lm_prepost_respondent_rci(fx->pp, rec, TOTAL), -3 / sdiff);
	assert_int_equal(lm_prepost_respondent_reliable(fx->pp, rec, TOTAL), LM_RELIABLE_IMPROVED);
	assert_int_equal(lm_prepost_respondent_category(fx->pp, rec, TOTAL), LM_CATEGORY_RECOVERED);
	/* imp: 15 -> 12, still clinical: improved. */
	assert_int_equal(lm_prepost_respondent_category(fx->pp, imp, TOTAL), LM_CATEGORY_IMPROVED);
	/* unch: 12 -> 10, RCI -1.58: unchanged. */
	assert_int_equal(lm_prepost_respondent_reliable(fx->pp, unch, TOTAL), LM_RELIABLE_NONE);
	assert_int_equal(lm_prepost_respondent_category(fx->pp, unch, TOTAL), LM_CATEGORY_UNCHANGED);
	/* det: 9 -> 12: deteriorated (higher is worse). */
	assert_int_equal(lm_prepost_respondent_reliable(fx->pp, det, TOTAL), LM_RELIABLE_DETERIORATED);
	assert_int_equal(lm_prepost_respondent_category(fx->pp, det, TOTAL), LM_CATEGORY_DETERIORATED);
	/* sub: 10 -> 8 is -2, crosses the cut-off but not reliably: unchanged, not recovered. */
	assert_int_equal(lm_prepost_respondent_category(fx->pp, sub, TOTAL), LM_CATEGORY_UNCHANGED);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_IMPROVED), 2);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_RECOVERED), 1);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_DETERIORATED), 1);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_UNCHANGED), 2);
	/* A scale without a direction has an RCI but no improvement. */
	assert_false(isnan(lm_prepost_respondent_rci(fx->pp, rec, NODIR)));
	assert_int_equal(lm_prepost_respondent_reliable(fx->pp, rec, NODIR), LM_RELIABLE_UNKNOWN);
	assert_true(isnan(stat(fx, NODIR, LM_PREPOST_STAT_IMPROVED)));
	assert_string_equal(lm_prepost_stat_reason(fx->pp, NODIR, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_IMPROVED),
			    "the scale has no direction, so improvement is undefined");
	assert_string_equal(lm_reliable_name(LM_RELIABLE_IMPROVED), "improved");
	assert_string_equal(lm_category_name(LM_CATEGORY_RECOVERED), "recovered");
	assert_null(lm_category_name(LM_CATEGORY_UNKNOWN));
	/* Without the override, the norms' reliability is used; nodir has none, so alpha at pre. */
	assert_int_equal(lm_prepost_set_reliability(fx->pp, NAN), LM_OK);
	assert_int_equal(lm_prepost_set_rci_sd(fx->pp, NAN), LM_OK);
	assert_int_equal(lm_prepost_run_files(fx->pp, fx->pre, fx->post, fx->err), LM_OK);
	assert_int_equal(lm_prepost_reliability_source(fx->pp, TOTAL), LM_RELIABILITY_NORMS);
	assert_int_equal(lm_prepost_reliability_source(fx->pp, NODIR), LM_RELIABILITY_ALPHA_PRE);
	NEAR(stat(fx, NODIR, LM_PREPOST_STAT_RCI_RELIABILITY), stat(fx, NODIR, LM_PREPOST_STAT_PRE_ALPHA));
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_RCI_SD), stat(fx, TOTAL, LM_PREPOST_STAT_PRE_SD));
}

static void test_groups(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_prepost_set_group_column(fx->pp, "arm"), LM_OK);
	/* Group comes from the pre row. t: changes 3, 3, 0 (mean 2); c: 0, 1, 2 (mean 1). */
	assert_int_equal(run(fx, "id,arm,p_1,p_2,p_3\n1,t,1,1,1\n2,c,1,1,1\n3,t,2,2,2\n4,c,2,2,2\n5,t,1,1,1\n6,c,1,1,1\n",
			     "id,arm,p_1,p_2,p_3\n1,x,2,2,2\n2,c,1,1,1\n3,t,3,3,3\n4,c,2,2,3\n5,t,1,1,1\n6,c,2,1,2\n"),
			 LM_OK);
	assert_int_equal(lm_prepost_group_count(fx->pp), 2);
	assert_string_equal(lm_prepost_group_name(fx->pp, 0), "t");
	assert_string_equal(lm_prepost_respondent_group(fx->pp, 0), "t");
	NEAR(lm_prepost_stat(fx->pp, TOTAL, 0, LM_PREPOST_STAT_CHANGE_MEAN), 2);
	NEAR(lm_prepost_stat(fx->pp, TOTAL, 1, LM_PREPOST_STAT_CHANGE_MEAN), 1);
	NEAR(lm_prepost_compare(fx->pp, TOTAL, LM_PREPOST_COMPARE_DIFFERENCE), 1);
	/* Welch: var_t = 3, var_c = 1, n = 3 each: t = 1 / sqrt(4/3), df = (4/3)^2 / ((1 + 1/9) / 2) = 3.2 */
	NEAR(lm_prepost_compare(fx->pp, TOTAL, LM_PREPOST_COMPARE_WELCH_T), 1 / sqrt(4.0 / 3));
	NEAR(lm_prepost_compare(fx->pp, TOTAL, LM_PREPOST_COMPARE_DF), 3.2);
	/* Hedges: pooled SD sqrt(2); g = 1 / sqrt(2) * (1 - 3 / (4 * 6 - 9)) */
	NEAR(lm_prepost_compare(fx->pp, TOTAL, LM_PREPOST_COMPARE_HEDGES_G), 1 / sqrt(2.0) * (1 - 3.0 / 15));
	assert_null(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_P));
	/* A third group: no comparison. */
	assert_int_equal(run(fx, "id,arm,p_1,p_2,p_3\n1,t,1,1,1\n2,c,1,1,1\n3,u,2,2,2\n",
			     "id,arm,p_1,p_2,p_3\n1,t,2,2,2\n2,c,1,1,1\n3,u,3,3,3\n"),
			 LM_OK);
	assert_true(isnan(lm_prepost_compare(fx->pp, TOTAL, LM_PREPOST_COMPARE_WELCH_T)));
	assert_string_equal(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_WELCH_T),
			    "a comparison needs exactly two groups");
	/* The group column must exist in both files. */
	assert_int_equal(run(fx, "id,arm,p_1,p_2,p_3\n1,t,1,1,1\n", "id,p_1,p_2,p_3\n1,2,2,2\n"), LM_EDATA);
	assert_non_null(strstr(lm_error_text(fx->err, 0), "post.csv:1: column \"arm\" is not in the header"));
}

static void test_long_form(void **state)
{
	struct fx *fx = *state;
	char path[256];
	snprintf(path, sizeof(path), "%s/long.csv", fx->dir);
	put_file(path, "id,time,p_1,p_2,p_3\nA,1,1,1,1\nA,2,2,2,2\nB,1,3,3,3\nB,3,5,5,5\nB,2,3,3,4\nC,2,1,1,1\n");
	assert_int_equal(lm_prepost_run_long_file(fx->pp, path, "time", "1", "2", fx->err), LM_OK);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), 2);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_OTHER_WAVE), 1);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ONLY), 1);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ROWS), 2);
	NEAR(lm_prepost_respondent_score(fx->pp, 1, TOTAL, 1), 10);
	assert_int_equal(lm_prepost_run_long_file(fx->pp, path, "wave", "1", "2", fx->err), LM_EDATA);
	assert_int_equal(lm_prepost_run_long_file(fx->pp, path, "time", "1", "1", NULL), LM_EINVAL);
}

static void test_bad_values_in_both_waves(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,9,1\n", "id,p_1,p_2,p_3\nA,0,1,1\n"), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 2);
	assert_non_null(strstr(lm_error_text(fx->err, 0), "pre.csv:2:3: row 1, column \"p_2\""));
	assert_non_null(strstr(lm_error_text(fx->err, 1), "post.csv:2:2: row 1, column \"p_1\""));
	/* No id column: pairing is impossible, said once per file. */
	assert_int_equal(run(fx, "p_1,p_2,p_3\n1,1,1\n", "p_1,p_2,p_3\n1,1,1\n"), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 2);
	assert_non_null(strstr(lm_error_text(fx->err, 0), "pre.csv:1: id column \"id\" is not in the header"));
}

static void test_outputs(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_prepost_set_group_column(fx->pp, "arm"), LM_OK);
	assert_int_equal(run(fx, "id,arm,p_1,p_2,p_3\n\"a,1\",t,1,1,1\nb,c,4,4,4\n",
			     "id,arm,p_1,p_2,p_3\n\"a,1\",t,2,2,2\nb,c,3,3,3\n"),
			 LM_OK);
	char out[256];
	snprintf(out, sizeof(out), "%s/out.csv", fx->dir);
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_CSV, out, fx->err), LM_OK);
	FILE *f = fopen(out, "r");
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* RCI: reliability .8 (norms), SD of pre totals (3, 12) = 6.3640, so
	 * S_diff = sqrt(2) * 6.3640 * sqrt(.2) = 4.0249 and 3 / 4.0249 = 0.7454. */
	assert_string_equal(buf,
			    "id,group,total_pre,total_post,total_change,total_rci,total_reliable,total_category,"
			    "total_band_pre,total_band_post,nodir_pre,nodir_post,nodir_change,nodir_rci,nodir_reliable,"
			    "nodir_category\n"
			    "\"a,1\",t,3,6,3,0.7453559924999299,none,unchanged,low,low,2,4,2,,,\n"
			    "b,c,12,9,-3,-0.7453559924999299,none,unchanged,high,low,8,6,-2,,,\n");
	/* Writing before a run, or in an unknown format, is refused. */
	lm_prepost *fresh;
	assert_int_equal(lm_prepost_new(&fresh, fx->inst), LM_OK);
	assert_int_equal(lm_prepost_write_fd(fresh, LM_PREPOST_JSON, 1, NULL), LM_EINVAL);
	lm_prepost_free(fresh);
	assert_int_equal(lm_prepost_write_file(fx->pp, 9, out, NULL), LM_EINVAL);
}

/*
 * Scores are kept as floats while each is one exactly, as doubles from the
 * first that is not: a mean scale whose first 3000 pre rows have whole means
 * and later rows thirds, and a post wave of whole means only. Every score
 * must come back exactly, and the change and RCI from them.
 */
static void test_scores_kept_exactly(void **state)
{
	struct fx *fx = *state;
	static const char mean_yaml[] =
		"format: 1\nid: pm\nname: PM\nversion: '1'\n"
		"responses: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c}, {value: 4, label: d}]\n"
		"items: [{id: m_1, label: x}, {id: m_2, label: y}, {id: m_3, label: z}]\n"
		"scales:\n"
		"  - {id: mean, label: M, items: [m_1, m_2, m_3], method: mean, direction: higher_is_worse,\n"
		"     norms: {reliability: 0.7}}\n";
	lm_instrument *inst;
	lm_prepost *pp;
	assert_int_equal(lm_instrument_load_buffer(&inst, mean_yaml, sizeof(mean_yaml) - 1, "pm.yaml", NULL), LM_OK);
	assert_int_equal(lm_prepost_new(&pp, inst), LM_OK);
	enum { N = 5000, WHOLE = 3000 };
	FILE *a = fopen(fx->pre, "w"), *b = fopen(fx->post, "w");
	assert_non_null(a);
	assert_non_null(b);
	fputs("id,m_1,m_2,m_3\n", a);
	fputs("id,m_1,m_2,m_3\n", b);
	for (int i = 0; i < N; i++) {
		int x = 1 + i % 4, y = i < WHOLE ? x : 1 + (i / 4) % 4, z = i < WHOLE ? x : 1 + (i / 16) % 4;
		fprintf(a, "r%d,%d,%d,%d\n", i, x, y, z);
		fprintf(b, "r%d,%d,%d,%d\n", i, 1 + i % 3, 1 + i % 3, 1 + i % 3);
	}
	fclose(a);
	fclose(b);
	lm_error_clear(fx->err);
	int rc = lm_prepost_run_files(pp, fx->pre, fx->post, fx->err);
	if (rc != LM_OK)
		dump(fx);
	assert_int_equal(rc, LM_OK);
	assert_int_equal(lm_prepost_respondent_count(pp), N);
	double sdiff = lm_prepost_stat(pp, 0, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RCI_SDIFF);
	assert_true(sdiff > 0);
	int fractional = 0;
	for (int i = 0; i < N; i++) {
		int x = 1 + i % 4, y = i < WHOLE ? x : 1 + (i / 4) % 4, z = i < WHOLE ? x : 1 + (i / 16) % 4;
		double pre = ((double)x + y + z) / 3, post = (double)(1 + i % 3);
		char id[16];
		snprintf(id, sizeof(id), "r%d", i);
		assert_string_equal(lm_prepost_respondent_id(pp, (size_t)i), id);
		assert_true(lm_prepost_respondent_score(pp, (size_t)i, 0, 0) == pre);
		assert_true(lm_prepost_respondent_score(pp, (size_t)i, 0, 1) == post);
		assert_true(lm_prepost_respondent_rci(pp, (size_t)i, 0) == (post - pre) / sdiff);
		fractional += pre != floor(pre);
	}
	assert_true(fractional > 1000);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
}

static void test_invalid_arguments(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_prepost_new(NULL, fx->inst), LM_EINVAL);
	assert_int_equal(lm_prepost_set_reliability(fx->pp, 1.0), LM_EINVAL);
	assert_int_equal(lm_prepost_set_reliability(fx->pp, 0), LM_EINVAL);
	assert_int_equal(lm_prepost_set_rci_sd(fx->pp, -1), LM_EINVAL);
	assert_int_equal(lm_prepost_set_duplicates(fx->pp, 7), LM_EINVAL);
	assert_int_equal(lm_prepost_set_id_column(fx->pp, ""), LM_EINVAL);
	assert_int_equal(lm_prepost_set_delimiter(fx->pp, '"'), LM_EINVAL);
	assert_int_equal(lm_prepost_set_threads(fx->pp, 0), LM_EINVAL);
	assert_int_equal(lm_prepost_set_threads(NULL, 2), LM_EINVAL);
	assert_int_equal(lm_prepost_run_files(fx->pp, NULL, "x", NULL), LM_EINVAL);
	assert_int_equal(lm_prepost_count(NULL, LM_PREPOST_COUNT_PAIRS), 0);
	assert_true(isnan(lm_prepost_stat(NULL, 0, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_T)));
	/* "All groups" is a named constant with a function twin for bindings. */
	assert_true(lm_prepost_all_groups() == LM_PREPOST_ALL_GROUPS);
	assert_true(LM_PREPOST_ALL_GROUPS == (size_t)-1);
	lm_prepost_free(NULL);
}

static const char *reason(const struct fx *fx, size_t scale, int which)
{
	return lm_prepost_stat_reason(fx->pp, scale, LM_PREPOST_ALL_GROUPS, which);
}

/*
 * Every null of the reliable change says why, truly: a zero SD of pre scores
 * is not "fewer than 2 pairs", and an alpha of 1 or below 0 was computed (it
 * is not a reliability the RCI can use).
 */
static void test_reasons_of_reliable_change(void **state)
{
	struct fx *fx = *state;
	/* Ten pairs, every pre total 6 (SD 0): reliability .8 from the norms. */
	char pre[512] = "id,p_1,p_2,p_3\n", post[512] = "id,p_1,p_2,p_3\n";
	for (int i = 0; i < 10; i++) {
		snprintf(pre + strlen(pre), sizeof(pre) - strlen(pre), "r%d,2,2,2\n", i);
		snprintf(post + strlen(post), sizeof(post) - strlen(post), "r%d,%d,2,%d\n", i, 1 + i % 5, 1 + i % 3);
	}
	assert_int_equal(run(fx, pre, post), LM_OK);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_CHANGE_N), 10);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_PRE_SD), 0);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_RCI_SD), 0);
	NEAR(stat(fx, TOTAL, LM_PREPOST_STAT_RCI_RELIABILITY), 0.8);
	assert_true(isnan(stat(fx, TOTAL, LM_PREPOST_STAT_RCI_SDIFF)));
	static const int counts[] = {LM_PREPOST_STAT_IMPROVED, LM_PREPOST_STAT_DETERIORATED, LM_PREPOST_STAT_UNCHANGED, LM_PREPOST_STAT_RECOVERED};
	assert_string_equal(reason(fx, TOTAL, LM_PREPOST_STAT_RCI_SDIFF), "the SD of pre scores is zero");
	for (size_t k = 0; k < 4; k++) {
		assert_true(isnan(stat(fx, TOTAL, counts[k])));
		assert_string_equal(reason(fx, TOTAL, counts[k]), "the SD of pre scores is zero");
	}
	assert_true(isnan(lm_prepost_respondent_rci(fx->pp, 0, TOTAL)));
	/* Pre alpha: the total does not vary. */
	assert_string_equal(reason(fx, TOTAL, LM_PREPOST_STAT_PRE_ALPHA), "zero variance of the total");
	/* d_av: the post SD is not zero, so it is computed. */
	assert_null(reason(fx, TOTAL, LM_PREPOST_STAT_DAV));

	/* One pair: no SD of pre scores, the reason of the SD itself. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,2,3\n", "id,p_1,p_2,p_3\nA,2,2,2\n"), LM_OK);
	assert_string_equal(reason(fx, TOTAL, LM_PREPOST_STAT_RCI_SD), "fewer than 2 pairs with a score at both waves");
	assert_string_equal(reason(fx, TOTAL, LM_PREPOST_STAT_RCI_SDIFF),
			    "no SD of pre scores (fewer than 2 pairs with both scores)");
	assert_string_equal(reason(fx, TOTAL, LM_PREPOST_STAT_IMPROVED),
			    "no SD of pre scores (fewer than 2 pairs with both scores)");

	/* nodir has no reliability in the norms: alpha at pre. Items equal within
	 * each row: alpha is exactly 1, computed, and not a usable reliability. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,1\nC,3,3,1\n",
			     "id,p_1,p_2,p_3\nA,2,1,1\nB,2,2,2\nC,1,3,1\n"),
			 LM_OK);
	assert_true(stat(fx, NODIR, LM_PREPOST_STAT_PRE_ALPHA) == 1);
	assert_null(reason(fx, NODIR, LM_PREPOST_STAT_PRE_ALPHA));
	assert_int_equal(lm_prepost_reliability_source(fx->pp, NODIR), LM_RELIABILITY_NONE);
	const char *one = "no reliability: none in the definition's norms, and alpha at pre is 1, which leaves no "
			  "measurement error: the RCI needs a reliability below 1";
	assert_string_equal(reason(fx, NODIR, LM_PREPOST_STAT_RCI_RELIABILITY), one);
	assert_string_equal(reason(fx, NODIR, LM_PREPOST_STAT_RCI_SDIFF), one);
	assert_string_equal(reason(fx, NODIR, LM_PREPOST_STAT_IMPROVED), "the scale has no direction, so improvement is undefined");

	/* Items that move against each other: alpha at pre is -8. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,4,1\nB,2,3,1\nC,3,1,1\nD,4,2,1\n",
			     "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,2\nC,3,3,3\nD,4,4,4\n"),
			 LM_OK);
	NEAR(stat(fx, NODIR, LM_PREPOST_STAT_PRE_ALPHA), -8);
	assert_string_equal(reason(fx, NODIR, LM_PREPOST_STAT_RCI_RELIABILITY),
			    "no reliability: none in the definition's norms, and alpha at pre is zero or negative: the RCI "
			    "needs a reliability above 0");

	/* Alpha that cannot be computed (one complete row) says so. */
	assert_int_equal(run(fx, "id,p_1,p_2,p_3\nA,1,4,1\nB,2,,1\n", "id,p_1,p_2,p_3\nA,1,1,1\nB,2,2,2\n"), LM_OK);
	assert_string_equal(reason(fx, NODIR, LM_PREPOST_STAT_PRE_ALPHA), "fewer than 2 rows with every item answered");
	assert_string_equal(reason(fx, NODIR, LM_PREPOST_STAT_RCI_RELIABILITY),
			    "no reliability: none in the definition's norms, and alpha at pre could not be computed");
	/* The clinical cut-off: nodir has none. */
	assert_string_equal(reason(fx, NODIR, LM_PREPOST_STAT_RECOVERED), "the scale defines no clinical cut-off");
}

/* A reliability of 1 or 0 in the norms is the norms', not a missing one. */
static void test_reasons_of_norms_reliability(void **state)
{
	struct fx *fx = *state;
	static const char def[] = "format: 1\nid: nr\nname: NR\nversion: '1'\n"
				  "responses: [{value: 1, label: a}, {value: 2, label: b}]\n"
				  "items: [{id: p_1, label: x}, {id: p_2, label: y}, {id: p_3, label: z}]\n"
				  "scales:\n"
				  "  - {id: one, label: O, items: [p_1, p_2], method: sum, direction: higher_is_worse,\n"
				  "     norms: {reliability: 1}}\n"
				  "  - {id: zero, label: Z, items: [p_2, p_3], method: sum, direction: higher_is_worse,\n"
				  "     norms: {reliability: 0}}\n";
	lm_instrument *inst;
	lm_prepost *pp;
	assert_int_equal(lm_instrument_load_buffer(&inst, def, sizeof(def) - 1, "nr.yaml", NULL), LM_OK);
	assert_int_equal(lm_prepost_new(&pp, inst), LM_OK);
	assert_int_equal(lm_prepost_set_threads(pp, 2), LM_OK);
	put_file(fx->pre, "id,p_1,p_2,p_3\nA,1,2,1\nB,2,1,2\nC,2,2,1\n");
	put_file(fx->post, "id,p_1,p_2,p_3\nA,2,2,1\nB,1,1,1\nC,2,1,1\n");
	assert_int_equal(lm_prepost_run_files(pp, fx->pre, fx->post, NULL), LM_OK);
	assert_int_equal(lm_prepost_reliability_source(pp, 0), LM_RELIABILITY_NONE);
	assert_string_equal(lm_prepost_stat_reason(pp, 0, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RCI_RELIABILITY),
			    "the reliability in the definition's norms is 1, which leaves no measurement error: the RCI "
			    "needs a reliability below 1");
	assert_string_equal(lm_prepost_stat_reason(pp, 1, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_IMPROVED),
			    "the reliability in the definition's norms is 0: the RCI needs a reliability above 0");
	lm_prepost_free(pp);
	lm_instrument_free(inst);
}

/* The comparison of two groups: each null with its own reason. */
static void test_reasons_of_comparison(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_prepost_set_group_column(fx->pp, "arm"), LM_OK);
	/* Group c's only pair has no post score: no difference. */
	assert_int_equal(run(fx, "id,arm,p_1,p_2,p_3\n1,t,1,1,1\n2,t,2,2,2\n3,c,1,1,1\n",
			     "id,arm,p_1,p_2,p_3\n1,x,2,2,2\n2,t,2,2,3\n3,c,1,,1\n"),
			 LM_OK);
	assert_string_equal(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_DIFFERENCE),
			    "a group has no pair with a score at both waves");
	assert_string_equal(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_P),
			    "each group needs at least 2 pairs with a score at both waves");
	/* One pair in c: a difference, no test. */
	assert_int_equal(run(fx, "id,arm,p_1,p_2,p_3\n1,t,1,1,1\n2,t,2,2,2\n3,c,1,1,1\n",
			     "id,arm,p_1,p_2,p_3\n1,x,2,2,2\n2,t,2,2,3\n3,c,1,2,1\n"),
			 LM_OK);
	assert_null(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_DIFFERENCE));
	assert_string_equal(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_HEDGES_G),
			    "each group needs at least 2 pairs with a score at both waves");
	/* Every pair of each group changes by the same amount; c is flat at both waves. */
	assert_int_equal(run(fx, "id,arm,p_1,p_2,p_3\n1,t,1,1,1\n2,t,2,2,2\n3,c,1,1,1\n4,c,1,1,1\n",
			     "id,arm,p_1,p_2,p_3\n1,x,2,1,1\n2,t,3,2,2\n3,c,1,1,1\n4,c,1,1,1\n"),
			 LM_OK);
	NEAR(lm_prepost_compare(fx->pp, TOTAL, LM_PREPOST_COMPARE_DIFFERENCE), 1);
	assert_string_equal(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_WELCH_T),
			    "zero variance of change in both groups");
	assert_string_equal(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_DF),
			    "zero variance of change in both groups");
	assert_string_equal(lm_prepost_compare_reason(fx->pp, TOTAL, LM_PREPOST_COMPARE_HEDGES_G), "zero pooled SD of change");
	/* Pre and post flat in group c: d_av cannot be computed there. */
	assert_string_equal(lm_prepost_stat_reason(fx->pp, TOTAL, 1, LM_PREPOST_STAT_DAV), "zero variance at both waves");
	assert_string_equal(lm_prepost_stat_reason(fx->pp, TOTAL, 1, LM_PREPOST_STAT_T), "zero variance of change");
	assert_string_equal(lm_prepost_stat_reason(fx->pp, TOTAL, 0, LM_PREPOST_STAT_PRE_ALPHA), "computed for all pairs only");
}

static char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)size + 1);
	assert_non_null(p);
	*n = fread(p, 1, (size_t)size, f);
	fclose(f);
	return p;
}

/*
 * What the keyed id index must not change: many ids pair as before (in pre
 * order, whatever the post order), groups are numbered in order of first
 * appearance, and two runs (each with its own key) write the same bytes.
 */
static void test_many_ids_and_groups(void **state)
{
	struct fx *fx = *state;
	enum { N = 3000, GROUPS = 700 };
	size_t cap = 64 * (N + 1);
	char *pre = malloc(cap), *post = malloc(cap);
	size_t np = (size_t)snprintf(pre, cap, "id,arm,p_1,p_2,p_3\n");
	size_t nq = (size_t)snprintf(post, cap, "id,arm,p_1,p_2,p_3\n");
	for (int i = 0; i < N; i++)
		np += (size_t)snprintf(pre + np, cap - np, "id%05d,g%03d,%d,%d,%d\n", i, (i * 3) % GROUPS, 1 + i % 5,
				       1 + i % 3, 1 + i % 4);
	for (int i = N - 1; i >= 0; i--) /* post in reverse order, every 7th id missing, one extra */
		if (i % 7)
			nq += (size_t)snprintf(post + nq, cap - nq, "id%05d,x,%d,%d,%d\n", i, 1 + i % 4, 1 + i % 5, 2);
	nq += (size_t)snprintf(post + nq, cap - nq, "stranger,x,1,1,1\n");
	assert_int_equal(lm_prepost_set_group_column(fx->pp, "arm"), LM_OK);
	char out[256];
	snprintf(out, sizeof(out), "%s/out.json", fx->dir);
	char *first = NULL;
	size_t first_n = 0;
	for (int run_no = 0; run_no < 2; run_no++) {
		assert_int_equal(run(fx, pre, post), LM_OK);
		assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), N - (N + 6) / 7);
		assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ONLY), (N + 6) / 7);
		assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ONLY), 1);
		size_t r = 0;
		char want[16];
		for (int i = 0; i < N; i++)
			if (i % 7) {
				snprintf(want, sizeof(want), "id%05d", i);
				assert_string_equal(lm_prepost_respondent_id(fx->pp, r), want);
				NEAR(lm_prepost_respondent_score(fx->pp, r, TOTAL, 1), (1 + i % 4) + (1 + i % 5) + 2);
				r++;
			}
		assert_int_equal(lm_prepost_group_count(fx->pp), GROUPS);
		for (int g = 0; g < GROUPS; g++) { /* row i has group 3i mod 700: first seen in order 0, 3, 6, ... */
			snprintf(want, sizeof(want), "g%03d", (g * 3) % GROUPS);
			assert_string_equal(lm_prepost_group_name(fx->pp, (size_t)g), want);
		}
		assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_JSON, out, fx->err), LM_OK);
		size_t n;
		char *text = read_all(out, &n);
		if (!first) {
			first = text;
			first_n = n;
		} else {
			assert_int_equal(n, first_n);
			assert_memory_equal(text, first, n);
			free(text);
		}
	}
	free(first);
	free(pre);
	free(post);
}

/* Each test twice: on the caller's thread, and with two threads. */
#define BOTH(f) cmocka_unit_test_setup_teardown(f, setup, teardown), {#f " (2 threads)", f, setup_threads, teardown, NULL}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_pairing_counts),
		BOTH(test_duplicates_are_errors),
		BOTH(test_problems_reported_together),
		BOTH(test_many_problems_in_both_waves),
		BOTH(test_many_duplicates),
		BOTH(test_duplicates_excluded),
		BOTH(test_empty_overlap),
		BOTH(test_long_form_wrong_value),
		BOTH(test_nulls_written_as_null),
		BOTH(test_many_ids_and_groups),
		BOTH(test_too_few_and_flat),
		BOTH(test_paired_t_by_hand),
		BOTH(test_reliable_change_and_categories),
		BOTH(test_groups),
		BOTH(test_long_form),
		BOTH(test_bad_values_in_both_waves),
		BOTH(test_outputs),
		BOTH(test_invalid_arguments),
		BOTH(test_scores_kept_exactly),
		BOTH(test_reasons_of_reliable_change),
		cmocka_unit_test_setup_teardown(test_reasons_of_norms_reliability, setup, teardown),
		BOTH(test_reasons_of_comparison),
	};
	return cmocka_run_group_tests_name("prepost", tests, NULL, NULL);
}
