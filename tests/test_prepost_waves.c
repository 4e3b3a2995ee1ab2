/*
 * Tests of pre/post with waves (lm_prepost_set_waves()) on tests/data/waves:
 * three waves by file and in the long form (the same results), dropouts (no
 * row, too few items, duplicates at a wave), an id found only at a later
 * wave, groups and clusters from the baseline row; each later wave equal to
 * a two-wave run of baseline -> that wave; the attrition's Welch test equal
 * to R's t.test (tests/reference/waves.R, waves.csv) at 1e-9.
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

static const char *const names[3] = {"W1", "W2", "W3"};

static char *data_path(const char *file)
{
	static char buf[4][1024];
	static int k;
	const char *dir = getenv("LM_TEST_DATA");
	if (!dir)
		fail_msg("LM_TEST_DATA is not set (tests/meson.build sets it)");
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/waves/%s", dir, file);
	return buf[k];
}

struct fx {
	lm_instrument *inst;
	lm_prepost *pp;
	lm_error *err;
};

static lm_prepost *new_analysis(lm_instrument *inst, int waves)
{
	lm_prepost *pp;
	assert_int_equal(lm_prepost_new(&pp, inst), LM_OK);
	assert_int_equal(lm_prepost_set_group_column(pp, "arm"), LM_OK);
	assert_int_equal(lm_prepost_set_cluster_column(pp, "unit"), LM_OK);
	assert_int_equal(lm_prepost_set_duplicates(pp, LM_DUPLICATES_EXCLUDE), LM_OK);
	if (waves)
		assert_int_equal(lm_prepost_set_waves(pp, names, 3), LM_OK);
	return pp;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (lm_instrument_load_file(&fx->inst, data_path("instrument.yaml"), NULL) != LM_OK ||
	    lm_error_new(&fx->err) != LM_OK)
		return -1;
	fx->pp = new_analysis(fx->inst, 1);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	lm_prepost_free(fx->pp);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	free(fx);
	return 0;
}

static void run_files(struct fx *fx)
{
	const char *paths[3] = {data_path("w1.csv"), data_path("w2.csv"), data_path("w3.csv")};
	int rc = lm_prepost_run_wave_files(fx->pp, paths, 3, fx->err);
	if (rc != LM_OK)
		fail_msg("run: %s", lm_error_message(fx->err, 0));
}

static void close_to(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: %.17g, R %.17g", what, got, want);
}

/* The attrition of both later waves against R's numbers. */
static void check_attrition(const lm_prepost *pp)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/reference/waves.csv", getenv("LM_SOURCE_ROOT"));
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[2048];
	assert_non_null(fgets(line, sizeof(line), f));
	size_t g_treat = 0, g_control = 1;
	assert_string_equal(lm_prepost_group_name(pp, g_treat), "treat");
	assert_string_equal(lm_prepost_group_name(pp, g_control), "control");
	for (size_t wave = 1; wave <= 2; wave++) {
		assert_non_null(fgets(line, sizeof(line), f));
		double v[13];
		char *p = strchr(line, ',');
		for (int k = 0; k < 13; k++) {
			assert_non_null(p);
			v[k] = strtod(p + 1, &p);
		}
		for (int k = 0; k <= LM_PREPOST_ATTRITION_P; k++) {
			double got = lm_prepost_attrition(pp, wave, 0, k);
			double tol = k == LM_PREPOST_ATTRITION_P ? 1e-9 * v[k] : 1e-9;
			char what[64];
			snprintf(what, sizeof(what), "wave %zu attrition %d", wave, k);
			close_to(got, v[k], tol, what);
			assert_null(lm_prepost_attrition_reason(pp, wave, 0, k));
		}
		assert_int_equal(lm_prepost_attrition_group(pp, wave, 0, g_treat, 0), (unsigned long)v[9]);
		assert_int_equal(lm_prepost_attrition_group(pp, wave, 0, g_treat, 1), (unsigned long)v[10]);
		assert_int_equal(lm_prepost_attrition_group(pp, wave, 0, g_control, 0), (unsigned long)v[11]);
		assert_int_equal(lm_prepost_attrition_group(pp, wave, 0, g_control, 1), (unsigned long)v[12]);
	}
	fclose(f);
}

/* Wave @p wave of @p pp is exactly wave @p tw of @p two: a two-wave run of baseline -> that wave (tw 1), or
 * the same wave of a run read otherwise. The two-wave getters are read through their lm_prepost_wave_ forms. */
static void same_as_two_waves(const lm_prepost *pp, size_t wave, const lm_prepost *two, size_t tw)
{
	for (int c = 0; c <= LM_PREPOST_COUNT_DUPLICATE_ID; c++)
		assert_int_equal(lm_prepost_wave_tally(pp, wave, c), lm_prepost_wave_tally(two, tw, c));
	assert_int_equal(lm_prepost_group_count(pp), lm_prepost_group_count(two));
	for (size_t g = 0; g <= lm_prepost_group_count(two); g++) {
		size_t grp = g ? g - 1 : LM_PREPOST_ALL_GROUPS;
		for (int k = 0; k <= LM_PREPOST_STAT_RECOVERED; k++) {
			double a = lm_prepost_wave_stat(pp, wave, 0, grp, k), b = lm_prepost_wave_stat(two, tw, 0, grp, k);
			if (isnan(b)) {
				assert_true(isnan(a));
				assert_string_equal(lm_prepost_wave_stat_reason(pp, wave, 0, grp, k),
						    lm_prepost_wave_stat_reason(two, tw, 0, grp, k));
			} else {
				assert_true(a == b);
			}
		}
	}
	for (int k = 0; k <= LM_PREPOST_COMPARE_HEDGES_G; k++) {
		double a = lm_prepost_wave_compare(pp, wave, 0, k), b = lm_prepost_wave_compare(two, tw, 0, k);
		assert_true(a == b || (isnan(a) && isnan(b)));
	}
	assert_int_equal(lm_prepost_wave_reliability_source(pp, wave, 0), lm_prepost_wave_reliability_source(two, tw, 0));
	size_t n = lm_prepost_wave_respondent_count(two, tw);
	assert_int_equal(lm_prepost_wave_respondent_count(pp, wave), n);
	for (size_t r = 0; r < n; r++) {
		assert_string_equal(lm_prepost_wave_respondent_id(pp, wave, r), lm_prepost_wave_respondent_id(two, tw, r));
		for (int at = 0; at < 2; at++) {
			double a = lm_prepost_wave_respondent_score(pp, wave, r, 0, at);
			double b = lm_prepost_wave_respondent_score(two, tw, r, 0, at);
			assert_true(a == b || (isnan(a) && isnan(b)));
		}
	}
}

static void test_three_waves_by_files(void **state)
{
	struct fx *fx = *state;
	run_files(fx);
	assert_int_equal(lm_prepost_wave_count(fx->pp), 3);
	for (size_t k = 0; k < 3; k++)
		assert_string_equal(lm_prepost_wave_name(fx->pp, k), names[k]);
	assert_null(lm_prepost_wave_name(fx->pp, 3));
	assert_int_equal(lm_prepost_cluster_count(fx->pp), 5);
	assert_int_equal(lm_prepost_reference_group(fx->pp), 0);
	check_attrition(fx->pp);
	for (size_t wave = 1; wave <= 2; wave++) {
		lm_prepost *two = new_analysis(fx->inst, 0);
		assert_int_equal(lm_prepost_run_files(two, data_path("w1.csv"), data_path(wave == 1 ? "w2.csv" : "w3.csv"),
						      fx->err),
				 LM_OK);
		same_as_two_waves(fx->pp, wave, two, 1);
		/* and through the two-wave getters themselves */
		assert_true(lm_prepost_wave_stat(fx->pp, wave, 0, 1, LM_PREPOST_STAT_CHANGE_MEAN) ==
			    lm_prepost_stat(two, 0, 1, LM_PREPOST_STAT_CHANGE_MEAN));
		assert_int_equal(lm_prepost_wave_tally(fx->pp, wave, LM_PREPOST_COUNT_PAIRS), lm_prepost_count(two, LM_PREPOST_COUNT_PAIRS));
		lm_prepost_free(two);
	}
	/* The two-wave getters answer for baseline -> W2. */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS), lm_prepost_wave_tally(fx->pp, 1, LM_PREPOST_COUNT_PAIRS));
	/* W2: r03, r07, r11 have no row, r13 two (left unpaired); W3: "late" has no baseline row. */
	assert_int_equal(lm_prepost_wave_tally(fx->pp, 1, LM_PREPOST_COUNT_PAIRS), 12);
	assert_int_equal(lm_prepost_wave_tally(fx->pp, 1, LM_PREPOST_COUNT_DUPLICATE_ID), 2);
	assert_int_equal(lm_prepost_wave_tally(fx->pp, 2, LM_PREPOST_COUNT_PAIRS), 12);
	assert_int_equal(lm_prepost_wave_tally(fx->pp, 2, LM_PREPOST_COUNT_POST_ONLY), 1);
	assert_int_equal(lm_prepost_wave_tally(fx->pp, 2, LM_PREPOST_COUNT_PRE_ONLY), 4);
	/* The flow of each arm (CONSORT): 8 + 8 at baseline. */
	unsigned long base = 0, at = 0, pairs = 0;
	for (size_t g = 0; g < 2; g++) {
		base += lm_prepost_wave_flow(fx->pp, 1, g, LM_PREPOST_FLOW_BASELINE_ROWS);
		at += lm_prepost_wave_flow(fx->pp, 1, g, LM_PREPOST_FLOW_WAVE_ROWS);
		pairs += lm_prepost_wave_flow(fx->pp, 1, g, LM_PREPOST_FLOW_PAIRS);
	}
	assert_int_equal(base, 16);
	assert_int_equal(at, 14); /* 13 ids, r13 twice */
	assert_int_equal(pairs, 12);
	/* Groups come from the baseline row ("late" at W3 says treat, but is no respondent). */
	assert_int_equal(lm_prepost_wave_flow(fx->pp, 2, 0, LM_PREPOST_FLOW_WAVE_ROWS) +
				 lm_prepost_wave_flow(fx->pp, 2, 1, LM_PREPOST_FLOW_WAVE_ROWS),
			 12);
	/* Arguments that name nothing. */
	assert_true(isnan(lm_prepost_wave_stat(fx->pp, 3, 0, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_PRE_N)));
	assert_true(isnan(lm_prepost_wave_stat(fx->pp, 0, 0, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_PRE_N)));
	assert_int_equal(lm_prepost_wave_reliability_source(fx->pp, 3, 0), LM_INVALID_ENUM);
	assert_int_equal(lm_prepost_wave_reliability_source(fx->pp, 1, 9), LM_INVALID_ENUM);
	assert_true(isnan(lm_prepost_attrition(fx->pp, 1, 0, LM_PREPOST_ATTRITION_P + 1)));
	assert_string_equal(lm_prepost_attrition_reason(fx->pp, 0, 0, 0), "no such statistic");
	assert_int_equal(lm_prepost_wave_flow(fx->pp, 1, 2, 0), 0);
}

static void test_long_form_same_as_files(void **state)
{
	struct fx *fx = *state;
	lm_prepost *files = new_analysis(fx->inst, 1);
	const char *paths[3] = {data_path("w1.csv"), data_path("w2.csv"), data_path("w3.csv")};
	assert_int_equal(lm_prepost_run_wave_files(files, paths, 3, fx->err), LM_OK);
	if (lm_prepost_run_wave_long_file(fx->pp, data_path("long.csv"), "wave", fx->err) != LM_OK)
		fail_msg("%s", lm_error_message(fx->err, 0));
	assert_int_equal(lm_prepost_wave_count(fx->pp), 3);
	check_attrition(fx->pp);
	for (size_t wave = 1; wave <= 2; wave++) {
		same_as_two_waves(fx->pp, wave, files, wave);
		/* as compared with files: the view of that wave */
		for (int k = 0; k <= LM_PREPOST_ATTRITION_P; k++)
			assert_true(lm_prepost_attrition(fx->pp, wave, 0, k) == lm_prepost_attrition(files, wave, 0, k));
	}
	lm_prepost_free(files);
}

/* With two threads the second file is read on its own thread, the third after the first: the same results. */
static void test_threads_same_results(void **state)
{
	struct fx *fx = *state;
	lm_prepost *threaded = new_analysis(fx->inst, 1);
	assert_int_equal(lm_prepost_set_threads(threaded, 2), LM_OK);
	const char *paths[3] = {data_path("w1.csv"), data_path("w2.csv"), data_path("w3.csv")};
	assert_int_equal(lm_prepost_run_wave_files(threaded, paths, 3, fx->err), LM_OK);
	run_files(fx);
	for (size_t wave = 1; wave <= 2; wave++) {
		same_as_two_waves(fx->pp, wave, threaded, wave);
		for (int k = 0; k <= LM_PREPOST_ATTRITION_P; k++)
			assert_true(lm_prepost_attrition(fx->pp, wave, 0, k) == lm_prepost_attrition(threaded, wave, 0, k));
	}
	/* A file that is not there is reported, whichever thread reads it. */
	const char *missing[3] = {data_path("w1.csv"), data_path("none.csv"), data_path("w3.csv")};
	assert_int_equal(lm_prepost_run_wave_files(threaded, missing, 3, fx->err), LM_EIO);
	assert_int_equal(lm_prepost_wave_count(threaded), 0);
	lm_prepost_free(threaded);
}

static void test_duplicates_per_wave(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_prepost_set_duplicates(fx->pp, LM_DUPLICATES_ERROR), LM_OK);
	const char *paths[3] = {data_path("w1.csv"), data_path("w2.csv"), data_path("w3.csv")};
	assert_int_equal(lm_prepost_run_wave_files(fx->pp, paths, 3, fx->err), LM_EDATA);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "\"r13\" occurs 2 times in the W2 wave"));
	assert_int_equal(lm_prepost_wave_count(fx->pp), 0);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

static void test_outputs(void **state)
{
	struct fx *fx = *state;
	run_files(fx);
	char path[] = "/tmp/lm-waves-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_JSON, path, fx->err), LM_OK);
	const char *json = read_all(path);
	assert_non_null(strstr(json, "\"waves\":[\"W1\",\"W2\",\"W3\"],\"baseline\":\"W1\",\"by_wave\":{\"W2\":{\"counts\":{\"pre_rows\":16,"));
	assert_non_null(strstr(json, "\"by_group\":{\"treat\":{\"baseline_rows\":8,"));
	assert_non_null(strstr(json, "\"attrition\":{\"completers\":{\"n\":11,"));
	assert_non_null(strstr(json, "\"ancova\":{\"reference\":\"treat\",\"n\":11,\"baseline_slope\":"));
	assert_non_null(strstr(json, "\"vcov\":\"CR2\",\"df_method\":\"Satterthwaite\",\"clusters\":5,\"effects\":{\"control\":{\"estimate\":"));
	assert_non_null(strstr(json, "\"icc_baseline\":{\"icc\":"));
	assert_null(strstr(json, "not computed"));
	assert_non_null(strstr(json, "},\"W3\":{\"counts\":"));
	assert_null(strstr(json, "\"late\""));
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_CSV, path, fx->err), LM_OK);
	const char *csv = read_all(path);
	assert_true(strncmp(csv, "id,wave,group,total_pre,", 24) == 0);
	size_t lines = 0;
	for (const char *p = csv; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + 12 + 12);
	assert_non_null(strstr(csv, "\nr01,W3,treat,"));
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_SUMMARY, path, fx->err), LM_OK);
	const char *text = read_all(path);
	assert_non_null(strstr(text, "== W1 -> W3 =="));
	assert_non_null(strstr(text, "  attrition: of 16 with a baseline score, 11 completed and 5 dropped out; "));
	assert_non_null(strstr(text, "flow by group (baseline rows, W2 rows, pairs): treat 8, 6, 4; control 8, 8, 8\n"));
	assert_non_null(strstr(text, "  adjusted effect vs treat (ANCOVA on the baseline score, n 11; clustering accounted for: CR2 "
				     "errors over 5 clusters, Satterthwaite df):\n    control "));
	assert_non_null(strstr(text, "  baseline ICC "));
	unlink(path);
}

/* One wave file in memory: its cells as text, columns id, arm, unit, p_1..p_3. */
#define MAX_ROWS 32
struct wave_cells {
	char buf[4096];
	const char *col[6][MAX_ROWS];
	size_t n;
};

static void load_cells(struct wave_cells *c, const char *file)
{
	FILE *f = fopen(data_path(file), "rb");
	assert_non_null(f);
	size_t len = fread(c->buf, 1, sizeof(c->buf) - 1, f);
	fclose(f);
	c->buf[len] = 0;
	char *line = strchr(c->buf, '\n') + 1; /* past the header */
	c->n = 0;
	while (*line) {
		char *end = strchr(line, '\n');
		assert_non_null(end);
		*end = 0;
		assert_true(c->n < MAX_ROWS);
		for (size_t k = 0; k < 6; k++) {
			char *comma = strchr(line, ',');
			if (comma)
				*comma = 0;
			c->col[k][c->n] = *line ? line : NULL;
			line = comma ? comma + 1 : end;
		}
		c->n++;
		line = end + 1;
	}
}

static void test_wave_batches_same_as_files(void **state)
{
	struct fx *fx = *state;
	run_files(fx);
	static struct wave_cells cells[3];
	lm_batch *b[3];
	size_t n_rows[3];
	const char *ids[3 * MAX_ROWS];
	size_t n_ids = 0;
	for (size_t k = 0; k < 3; k++) {
		char file[16];
		snprintf(file, sizeof file, "w%zu.csv", k + 1);
		load_cells(&cells[k], file);
		assert_int_equal(lm_batch_new(&b[k], fx->inst), LM_OK);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(lm_batch_set_text(b[k], i, cells[k].col[3 + i], NULL), LM_OK);
		n_rows[k] = cells[k].n;
		for (size_t r = 0; r < cells[k].n; r++)
			ids[n_ids++] = cells[k].col[0][r];
	}
	lm_prepost *mem = new_analysis(fx->inst, 1);
	assert_int_equal(lm_prepost_run_wave_batches(mem, b, n_rows, ids, cells[0].col[1], cells[0].col[2], fx->err),
			 LM_OK);
	for (size_t wave = 1; wave <= 2; wave++) {
		same_as_two_waves(mem, wave, fx->pp, wave);
		for (int k = LM_PREPOST_ANCOVA_ESTIMATE; k <= LM_PREPOST_ANCOVA_CI_HIGH; k++)
			assert_true(lm_prepost_ancova(mem, wave, 0, 1, k) == lm_prepost_ancova(fx->pp, wave, 0, 1, k));
		assert_int_equal(lm_prepost_ancova_n(mem, wave, 0), 11);
		assert_int_equal(lm_prepost_ancova_clusters(mem, wave, 0), 5);
	}
	assert_true(lm_prepost_icc_baseline(mem, 0, LM_PREPOST_ICC) == lm_prepost_icc_baseline(fx->pp, 0, LM_PREPOST_ICC));
	assert_null(lm_prepost_icc_baseline_reason(mem, 0, LM_PREPOST_ICC));
	/* groups and clusters must be given exactly when their columns are set */
	assert_int_equal(lm_prepost_run_wave_batches(mem, b, n_rows, ids, cells[0].col[1], NULL, fx->err), LM_EINVAL);
	assert_int_equal(lm_prepost_run_wave_batches(mem, b, n_rows, ids, NULL, cells[0].col[2], fx->err), LM_EINVAL);
	lm_prepost_free(mem);
	for (size_t k = 0; k < 3; k++)
		lm_batch_free(b[k]);
}

static void test_two_waves_without_names_unchanged(void **state)
{
	struct fx *fx = *state;
	lm_prepost *two = new_analysis(fx->inst, 0);
	assert_int_equal(lm_prepost_run_files(two, data_path("w1.csv"), data_path("w2.csv"), fx->err), LM_OK);
	assert_int_equal(lm_prepost_wave_count(two), 2);
	assert_null(lm_prepost_wave_name(two, 0));
	assert_true(lm_prepost_wave_stat(two, 1, 0, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_MEAN) ==
		    lm_prepost_stat(two, 0, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_MEAN));
	assert_true(isnan(lm_prepost_attrition(two, 1, 0, 0)));
	char path[] = "/tmp/lm-waves-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	assert_int_equal(lm_prepost_write_file(two, LM_PREPOST_JSON, path, fx->err), LM_OK);
	const char *json = read_all(path);
	assert_null(strstr(json, "by_wave"));
	assert_null(strstr(json, "attrition"));
	unlink(path);
	lm_prepost_free(two);
}

static void test_options(void **state)
{
	struct fx *fx = *state;
	const char *dup[2] = {"a", "a"}, *blank[2] = {"a", " "};
	assert_int_equal(lm_prepost_set_waves(fx->pp, names, 1), LM_EINVAL);
	assert_int_equal(lm_prepost_set_waves(fx->pp, dup, 2), LM_EINVAL);
	assert_int_equal(lm_prepost_set_waves(fx->pp, blank, 2), LM_EINVAL);
	assert_int_equal(lm_prepost_set_cluster_column(fx->pp, ""), LM_EINVAL);
	const char *paths[2] = {data_path("w1.csv"), data_path("w2.csv")};
	/* three waves named, two files */
	assert_int_equal(lm_prepost_run_wave_files(fx->pp, paths, 2, fx->err), LM_EINVAL);
	assert_int_equal(lm_prepost_set_waves(fx->pp, names, 2), LM_OK);
	assert_int_equal(lm_prepost_set_reference_group(fx->pp, "control"), LM_OK);
	assert_int_equal(lm_prepost_run_wave_files(fx->pp, paths, 2, fx->err), LM_OK);
	assert_int_equal(lm_prepost_reference_group(fx->pp), 1);
	assert_int_equal(lm_prepost_set_reference_group(fx->pp, "nobody"), LM_OK);
	assert_int_equal(lm_prepost_run_wave_files(fx->pp, paths, 2, fx->err), LM_EDATA);
	assert_non_null(strstr(lm_error_message(fx->err, lm_error_count(fx->err) - 1), "\"nobody\""));
	/* names removed: the wave runs refuse, a two-wave run is today's */
	assert_int_equal(lm_prepost_set_waves(fx->pp, NULL, 0), LM_OK);
	assert_int_equal(lm_prepost_run_wave_long_file(fx->pp, data_path("long.csv"), "wave", fx->err), LM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_three_waves_by_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_form_same_as_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_same_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_per_wave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_waves_without_names_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wave_batches_same_as_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
