/*
 * Tests of the score writer's and the pre/post respondent table's Excel,
 * SPSS and Stata outputs, and of carried columns. SPSS and Stata files are
 * read back with ReadStat's parser and every cell, variable label and value
 * label is checked against the scorer's (or the analysis's) own results;
 * workbooks are read back cell by cell by tests/formats (openpyxl). Built
 * without ReadStat or libxlsxwriter, it checks that those formats are
 * refused with a message that says why.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

#ifdef LM_HAVE_READSTAT
#include <readstat.h>
#endif

/* Scale ids with '-' and '.', which neither SPSS nor Stata allows in a name. */
static const char yaml[] =
	"format: 1\n"
	"id: fmt\n"
	"name: Format test\n"
	"version: '1'\n"
	"responses: [{value: 1, label: Never}, {value: 2, label: Sometimes}, {value: 3, label: Often}]\n"
	"items:\n"
	"  - {id: f_1, label: one}\n"
	"  - {id: f_2, label: two}\n"
	"  - {id: f_3, label: three}\n"
	"  - {id: f_4, label: four}\n"
	"scales:\n"
	"  - id: total\n"
	"    label: Total score\n"
	"    items: [f_1, f_2, f_3, f_4]\n"
	"    method: prorated_sum\n"
	"    min_answered: 3\n"
	"    bands:\n"
	"      - {id: low, label: Low strain, min: 4, max: 7.99}\n"
	"      - {id: high, label: High strain, min: 8, max: 12}\n"
	"  - {id: part-a.b, label: Part A, items: [f_1, f_2], method: mean}\n"
	"rules:\n"
	"  - id: flag\n"
	"    label: Two or more items often\n"
	"    combine: all\n"
	"    conditions: [{scale: total, value_at_least: 3, count_at_least: 2}]\n";

static const char data[] =
	"id,team,site,f_1,f_2,f_3,f_4\n"
	"r1,\"Team, \"\"A\"\"\",Nord-Süd,1,1,1,1\n"
	"r2,B,,3,3,3,3\n"
	"r3,,x,2,,3,\n"
	"r4,C,y,,,,1\n"
	"r5,D,z,3,2,,2\n";
#define N_ROWS 5

struct fx {
	lm_instrument *inst;
	lm_error *err;
	char dir[64];
	char path[160];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx || lm_instrument_load_buffer(&fx->inst, yaml, sizeof(yaml) - 1, "fmt.yaml", NULL) != LM_OK ||
	    lm_error_new(&fx->err) != LM_OK)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lm_test_formats_XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	free(fx);
	return 0;
}

static const char *in_dir(struct fx *fx, const char *name)
{
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	return fx->path;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The number of files in the test's directory: no temporary left behind. */
static int files_in_dir(struct fx *fx)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 0", fx->dir);
	return system(cmd) == 0 ? 0 : 1;
}

/* Score `data` into a writer of @p format at @p path carrying team and site. */
static int write_scores(struct fx *fx, int format, const char *path, lm_outputs *set)
{
	lm_table *t = NULL;
	lm_scorer *s = NULL;
	lm_writer *w = NULL;
	size_t team, site;
	assert_int_equal(lm_table_new(&t, fx->inst), LM_OK);
	assert_int_equal(lm_table_require_column(t, "team", &team), LM_OK);
	assert_int_equal(lm_table_require_column(t, "site", &site), LM_OK);
	assert_int_equal(lm_table_open_buffer(t, data, sizeof(data) - 1, "data.csv", fx->err), LM_OK);
	assert_int_equal(lm_scorer_new(&s, fx->inst), LM_OK);
	int rc = lm_writer_open_file(&w, fx->inst, format, path, fx->err);
	if (rc != LM_OK)
		goto out;
	assert_int_equal(lm_writer_add_column(w, "team", fx->err), LM_OK);
	assert_int_equal(lm_writer_add_column(w, "site", fx->err), LM_OK);
	assert_int_equal(lm_writer_column_count(w), 2);
	while ((rc = lm_table_next(t, s, fx->err)) == 1) {
		size_t len, id_len;
		const char *v = lm_table_column_value(t, team, &len);
		assert_int_equal(lm_writer_set_column(w, 0, v, len), LM_OK);
		v = lm_table_column_value(t, site, &len);
		assert_int_equal(lm_writer_set_column(w, 1, v, len), LM_OK);
		const char *id = lm_table_row_id(t, &id_len);
		assert_int_equal(lm_writer_write(w, lm_table_row(t), id, id_len, s), LM_OK);
	}
	assert_int_equal(rc, 0);
	rc = set ? lm_writer_stage(w, set, fx->err) : lm_writer_commit(w, fx->err);
out:
	lm_writer_free(w);
	lm_scorer_free(s);
	lm_table_free(t);
	return rc;
}

#ifdef LM_HAVE_READSTAT
/* The scorer's results for each data row, as the writers write them. */
struct expect {
	char id[8], team[32], site[32];
	double total, total_answered, total_status, total_band, part, part_answered, part_status, flag;
};

static void expected(struct fx *fx, struct expect *e)
{
	lm_table *t = NULL;
	lm_scorer *s = NULL;
	size_t team, site, r = 0;
	assert_int_equal(lm_table_new(&t, fx->inst), LM_OK);
	assert_int_equal(lm_table_require_column(t, "team", &team), LM_OK);
	assert_int_equal(lm_table_require_column(t, "site", &site), LM_OK);
	assert_int_equal(lm_table_open_buffer(t, data, sizeof(data) - 1, "data.csv", fx->err), LM_OK);
	assert_int_equal(lm_scorer_new(&s, fx->inst), LM_OK);
	while (lm_table_next(t, s, fx->err) == 1) {
		size_t len;
		const char *v = lm_table_row_id(t, &len);
		snprintf(e[r].id, sizeof(e[r].id), "%.*s", (int)len, v);
		v = lm_table_column_value(t, team, &len);
		snprintf(e[r].team, sizeof(e[r].team), "%.*s", (int)len, v);
		v = lm_table_column_value(t, site, &len);
		snprintf(e[r].site, sizeof(e[r].site), "%.*s", (int)len, v);
		e[r].total = lm_scorer_scale_status(s, 0) == LM_SCORE_INSUFFICIENT ? NAN : lm_scorer_scale_score(s, 0);
		e[r].total_answered = (double)lm_scorer_scale_answered(s, 0);
		e[r].total_status = lm_scorer_scale_status(s, 0);
		e[r].total_band = lm_scorer_scale_band(s, 0) >= 0 ? (double)lm_scorer_scale_band(s, 0) + 1 : NAN;
		e[r].part = lm_scorer_scale_status(s, 1) == LM_SCORE_INSUFFICIENT ? NAN : lm_scorer_scale_score(s, 1);
		e[r].part_answered = (double)lm_scorer_scale_answered(s, 1);
		e[r].part_status = lm_scorer_scale_status(s, 1);
		int f = lm_scorer_rule(s, 0);
		e[r].flag = f == LM_RULE_TRUE ? 1 : f == LM_RULE_FALSE ? 0 : NAN;
		r++;
	}
	assert_int_equal(r, N_ROWS);
	lm_scorer_free(s);
	lm_table_free(t);
}


/* A file read back: variables, cells (a number, NaN for system-missing, or a text) and value labels. */
#define MAX_VARS 48
#define MAX_ROWS 16
#define MAX_LABELS 64
struct back {
	int n_vars;
	long rows;
	char name[MAX_VARS][80], label[MAX_VARS][160], sets[MAX_VARS][80];
	int is_text[MAX_VARS];
	double num[MAX_ROWS][MAX_VARS];
	char text[MAX_ROWS][MAX_VARS][48];
	int n_labels;
	char lset[MAX_LABELS][80], ltext[MAX_LABELS][80];
	double lvalue[MAX_LABELS];
};

static int on_meta(readstat_metadata_t *m, void *ctx)
{
	((struct back *)ctx)->rows = readstat_get_row_count(m);
	return READSTAT_HANDLER_OK;
}

static int on_var(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
	struct back *b = ctx;
	if (index >= MAX_VARS)
		return READSTAT_HANDLER_ABORT;
	snprintf(b->name[index], sizeof(b->name[index]), "%s", readstat_variable_get_name(v));
	const char *label = readstat_variable_get_label(v);
	snprintf(b->label[index], sizeof(b->label[index]), "%s", label ? label : "");
	snprintf(b->sets[index], sizeof(b->sets[index]), "%s", val_labels ? val_labels : "");
	b->is_text[index] = readstat_variable_get_type(v) == READSTAT_TYPE_STRING;
	b->n_vars = index + 1;
	return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
	struct back *b = ctx;
	int i = readstat_variable_get_index(v);
	if (obs >= MAX_ROWS || i >= MAX_VARS)
		return READSTAT_HANDLER_ABORT;
	if (readstat_value_type(value) == READSTAT_TYPE_STRING) {
		const char *s = readstat_string_value(value);
		snprintf(b->text[obs][i], sizeof(b->text[obs][i]), "%s", s ? s : "");
	} else {
		b->num[obs][i] = readstat_value_is_system_missing(value) ? NAN : readstat_double_value(value);
	}
	return READSTAT_HANDLER_OK;
}

static int on_label(const char *set, readstat_value_t value, const char *label, void *ctx)
{
	struct back *b = ctx;
	if (b->n_labels >= MAX_LABELS)
		return READSTAT_HANDLER_ABORT;
	snprintf(b->lset[b->n_labels], sizeof(b->lset[0]), "%s", set);
	snprintf(b->ltext[b->n_labels], sizeof(b->ltext[0]), "%s", label);
	b->lvalue[b->n_labels++] = readstat_value_type(value) == READSTAT_TYPE_INT32 ? readstat_int32_value(value)
										    : readstat_double_value(value);
	return READSTAT_HANDLER_OK;
}

static void read_back(const char *path, int format, struct back *b)
{
	memset(b, 0, sizeof(*b));
	readstat_parser_t *p = readstat_parser_init();
	assert_non_null(p);
	readstat_set_metadata_handler(p, on_meta);
	readstat_set_variable_handler(p, on_var);
	readstat_set_value_handler(p, on_value);
	readstat_set_value_label_handler(p, on_label);
	readstat_error_t e = format == LM_WRITER_DTA ? readstat_parse_dta(p, path, b) : readstat_parse_sav(p, path, b);
	readstat_parser_free(p);
	assert_int_equal(e, READSTAT_OK);
}

static int var(const struct back *b, const char *name)
{
	for (int i = 0; i < b->n_vars; i++)
		if (strcmp(b->name[i], name) == 0)
			return i;
	fail_msg("no variable %s", name);
	return -1;
}

/* The text of value label @p value of the variable @p v. */
static const char *value_label(const struct back *b, int v, double value)
{
	for (int k = 0; k < b->n_labels; k++)
		if (strcmp(b->lset[k], b->sets[v]) == 0 && b->lvalue[k] == value)
			return b->ltext[k];
	return NULL;
}

static void assert_cell(const struct back *b, long r, const char *name, double want)
{
	double got = b->num[r][var(b, name)];
	if (isnan(want)) {
		if (!isnan(got))
			fail_msg("%s row %ld: %g, not system-missing", name, r + 1, got);
	} else if (got != want) {
		fail_msg("%s row %ld: %.17g, not %.17g", name, r + 1, got, want);
	}
}

static void check_scores(struct fx *fx, int format)
{
	struct expect e[N_ROWS];
	struct back *b = calloc(1, sizeof(*b));
	assert_non_null(b);
	expected(fx, e);
	read_back(fx->path, format, b);
	assert_int_equal(b->rows, N_ROWS);
	/* id, team, site, total x4, part-a.b x3, flag: and their order. */
	static const char *const names[] = {"id",        "team",         "site",          "total",
					    "total_answered", "total_status", "total_band", "part_a_b",
					    "part_a_b_answered", "part_a_b_status", "flag"};
	assert_int_equal(b->n_vars, 11);
	for (int i = 0; i < 11; i++)
		assert_string_equal(b->name[i], names[i]);
	for (int i = 0; i < 3; i++)
		assert_true(b->is_text[i]);
	for (int i = 3; i < 11; i++)
		assert_false(b->is_text[i]);
	assert_string_equal(b->label[var(b, "total")], "Total score");
	assert_string_equal(b->label[var(b, "total_band")], "Total score: band");
	assert_string_equal(b->label[var(b, "part_a_b")], "Part A");
	assert_string_equal(b->label[var(b, "flag")], "Two or more items often");
	assert_string_equal(value_label(b, var(b, "total_status"), 0), "ok");
	assert_string_equal(value_label(b, var(b, "total_status"), 1), "prorated");
	assert_string_equal(value_label(b, var(b, "part_a_b_status"), 2), "insufficient");
	assert_string_equal(value_label(b, var(b, "total_band"), 1), "Low strain");
	assert_string_equal(value_label(b, var(b, "total_band"), 2), "High strain");
	assert_string_equal(value_label(b, var(b, "flag"), 0), "false");
	assert_string_equal(value_label(b, var(b, "flag"), 1), "true");
	for (long r = 0; r < N_ROWS; r++) {
		assert_string_equal(b->text[r][0], e[r].id);
		assert_string_equal(b->text[r][1], e[r].team);
		assert_string_equal(b->text[r][2], e[r].site);
		assert_cell(b, r, "total", e[r].total);
		assert_cell(b, r, "total_answered", e[r].total_answered);
		assert_cell(b, r, "total_status", e[r].total_status);
		assert_cell(b, r, "total_band", e[r].total_band);
		assert_cell(b, r, "part_a_b", e[r].part);
		assert_cell(b, r, "part_a_b_answered", e[r].part_answered);
		assert_cell(b, r, "part_a_b_status", e[r].part_status);
		assert_cell(b, r, "flag", e[r].flag);
	}
	/* The cases cover what they must: a prorated score, an insufficient one, a missing rule. */
	assert_true(e[4].total_status == LM_SCORE_PRORATED && isnan(e[3].total) && isnan(e[3].flag));
	assert_true(e[4].total != floor(e[4].total)); /* a prorated score that is not whole */
	free(b);
}

static void test_sav(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(write_scores(fx, LM_WRITER_SAV, in_dir(fx, "scores.sav"), NULL), LM_OK);
	check_scores(fx, LM_WRITER_SAV);
}

static void test_dta(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(write_scores(fx, LM_WRITER_DTA, in_dir(fx, "scores.dta"), NULL), LM_OK);
	check_scores(fx, LM_WRITER_DTA);
}

/* Staged with another output and published together. */
static void test_staged(void **state)
{
	struct fx *fx = *state;
	lm_outputs *set = NULL;
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(write_scores(fx, LM_WRITER_SAV, in_dir(fx, "staged.sav"), set), LM_OK);
	assert_false(exists(fx->path));
	assert_int_equal(lm_outputs_staged(set), 1);
	assert_int_equal(lm_outputs_commit(set, fx->err), LM_OK);
	check_scores(fx, LM_WRITER_SAV);
	lm_outputs_free(set);
}

/* A text longer than Stata allows: refused at the commit, nothing left. */
static void test_too_long(void **state)
{
	struct fx *fx = *state;
	lm_writer *w = NULL;
	lm_scorer *s = NULL;
	char *big = malloc(3000);
	assert_non_null(big);
	memset(big, 'x', 3000);
	assert_int_equal(lm_scorer_new(&s, fx->inst), LM_OK);
	assert_int_equal(lm_scorer_run(s), LM_OK);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_DTA, in_dir(fx, "long.dta"), fx->err), LM_OK);
	assert_int_equal(lm_writer_add_column(w, "note", fx->err), LM_OK);
	assert_int_equal(lm_writer_set_column(w, 0, big, 3000), LM_OK);
	assert_int_equal(lm_writer_write(w, 1, "a", 1, s), LM_OK);
	lm_outputs *set = NULL;
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(lm_writer_stage(w, set, fx->err), LM_ELIMIT);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "column 'note' has a text of 3000 bytes"));
	assert_int_equal(lm_outputs_commit(set, fx->err), LM_EIO);
	assert_int_equal(files_in_dir(fx), 0);
	lm_outputs_free(set);
	lm_writer_free(w);
	lm_scorer_free(s);
	free(big);
}

/* The pre/post respondent table, with a carried column, against the analysis's accessors. */
static void test_prepost(void **state)
{
	struct fx *fx = *state;
	static const char pre[] = "id,team,f_1,f_2,f_3,f_4\na,T1,1,1,1,1\nb,T2,3,3,3,3\nc,,2,2,,2\nd,T4,1,2,1,2\n";
	static const char post[] = "id,team,f_1,f_2,f_3,f_4\na,X,2,2,2,2\nb,X,1,1,1,1\nc,X,2,3,3,3\nd,X,3,3,3,3\n";
	char pre_path[160], post_path[160];
	snprintf(pre_path, sizeof(pre_path), "%s/pre.csv", fx->dir);
	snprintf(post_path, sizeof(post_path), "%s/post.csv", fx->dir);
	FILE *f = fopen(pre_path, "w");
	assert_non_null(f);
	fputs(pre, f);
	fclose(f);
	assert_non_null(f = fopen(post_path, "w"));
	fputs(post, f);
	fclose(f);
	lm_prepost *pp = NULL;
	assert_int_equal(lm_prepost_new(&pp, fx->inst), LM_OK);
	assert_int_equal(lm_prepost_keep_column(pp, "team"), LM_OK);
	assert_int_equal(lm_prepost_keep_column(pp, "team"), LM_EINVAL);
	assert_int_equal(lm_prepost_set_reliability(pp, 0.8), LM_OK);
	assert_int_equal(lm_prepost_run_files(pp, pre_path, post_path, fx->err), LM_OK);
	assert_int_equal(lm_prepost_kept_count(pp), 1);
	assert_string_equal(lm_prepost_kept_name(pp, 0), "team");
	for (int format = LM_PREPOST_SAV; format <= LM_PREPOST_DTA; format++) {
		const char *path = in_dir(fx, format == LM_PREPOST_SAV ? "pp.sav" : "pp.dta");
		assert_int_equal(lm_prepost_write_file(pp, format, path, fx->err), LM_OK);
		struct back *b = calloc(1, sizeof(*b));
		assert_non_null(b);
		read_back(path, format == LM_PREPOST_SAV ? LM_WRITER_SAV : LM_WRITER_DTA, b);
		size_t n = lm_prepost_respondent_count(pp);
		assert_int_equal(b->rows, (long)n);
		assert_string_equal(b->name[1], "team");
		assert_string_equal(b->label[var(b, "total_rci")], "Total score: reliable change index");
		assert_string_equal(value_label(b, var(b, "total_reliable"), 1), "improved");
		assert_string_equal(value_label(b, var(b, "total_category"), 0), "recovered");
		assert_string_equal(value_label(b, var(b, "total_band_post"), 2), "High strain");
		for (size_t r = 0; r < n; r++) {
			assert_string_equal(b->text[r][0], lm_prepost_respondent_id(pp, r));
			assert_string_equal(b->text[r][1], lm_prepost_respondent_kept(pp, r, 0));
			for (size_t s = 0; s < 2; s++) {
				const char *sc = s ? "part_a_b" : "total";
				char name[48];
				double a = lm_prepost_respondent_score(pp, r, s, 0), c = lm_prepost_respondent_score(pp, r, s, 1);
				int rel = lm_prepost_respondent_reliable(pp, r, s), cat = lm_prepost_respondent_category(pp, r, s);
				snprintf(name, sizeof(name), "%s_pre", sc);
				assert_cell(b, (long)r, name, a);
				snprintf(name, sizeof(name), "%s_post", sc);
				assert_cell(b, (long)r, name, c);
				snprintf(name, sizeof(name), "%s_change", sc);
				assert_cell(b, (long)r, name, c - a);
				snprintf(name, sizeof(name), "%s_rci", sc);
				assert_cell(b, (long)r, name, lm_prepost_respondent_rci(pp, r, s));
				snprintf(name, sizeof(name), "%s_reliable", sc);
				assert_cell(b, (long)r, name, rel == LM_RELIABLE_UNKNOWN ? NAN : rel);
				snprintf(name, sizeof(name), "%s_category", sc);
				assert_cell(b, (long)r, name, cat == LM_CATEGORY_UNKNOWN ? NAN : cat);
			}
			long band = lm_prepost_respondent_band(pp, r, 0, 1);
			assert_cell(b, (long)r, "total_band_post", band >= 0 ? (double)band + 1 : NAN);
		}
		free(b);
	}
	/* A carried column that is a column of the table: refused, with the header's problems. */
	assert_int_equal(lm_prepost_keep_column(pp, "total_pre"), LM_OK);
	assert_int_equal(lm_prepost_keep_column(pp, "absent"), LM_OK);
	lm_error_clear(fx->err);
	assert_int_not_equal(lm_prepost_run_files(pp, pre_path, post_path, fx->err), LM_OK);
	assert_true(lm_error_count(fx->err) >= 2);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "'total_pre' cannot be carried"));
	assert_non_null(strstr(lm_error_message(fx->err, 1), "absent"));
	lm_prepost_free(pp);
}

#else

static void test_refused(void **state)
{
	struct fx *fx = *state;
	lm_writer *w = NULL;
	assert_false(lm_writer_format_available(LM_WRITER_SAV));
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_SAV, in_dir(fx, "s.sav"), fx->err), LM_EINVAL);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "ReadStat"));
	assert_null(w);
	assert_int_equal(files_in_dir(fx), 0);
}

#endif

/* An Excel workbook: a zip file (its cells are checked by tests/formats), or refused without libxlsxwriter. */
static void test_xlsx(void **state)
{
	struct fx *fx = *state;
	int rc = write_scores(fx, LM_WRITER_XLSX, in_dir(fx, "scores.xlsx"), NULL);
	if (!lm_writer_format_available(LM_WRITER_XLSX)) {
		assert_int_equal(rc, LM_EINVAL);
		assert_non_null(strstr(lm_error_message(fx->err, 0), "libxlsxwriter"));
		assert_int_equal(files_in_dir(fx), 0);
		return;
	}
	assert_int_equal(rc, LM_OK);
	FILE *f = fopen(fx->path, "rb");
	char magic[4] = {0};
	assert_non_null(f);
	assert_int_equal(fread(magic, 1, 4, f), 4);
	fclose(f);
	assert_memory_equal(magic, "PK\003\004", 4);
}

/* Carried columns in CSV and JSON Lines, and what may not be carried. */
static void test_keep_text(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(write_scores(fx, LM_WRITER_CSV, in_dir(fx, "scores.csv"), NULL), LM_OK);
	FILE *f = fopen(fx->path, "r");
	char line[512];
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "id,team,site,total,total_answered,total_status,total_band,part-a.b,part-a.b_answered,"
				  "part-a.b_status,flag\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "r1,\"Team, \"\"A\"\"\",Nord-Süd,4,4,ok,low,1,2,ok,false\n");
	fclose(f);
	assert_int_equal(write_scores(fx, LM_WRITER_JSONL, in_dir(fx, "scores.jsonl"), NULL), LM_OK);
	assert_non_null(f = fopen(fx->path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "\"id\":\"r1\",\"columns\":{\"team\":\"Team, \\\"A\\\"\",\"site\":\"Nord-Süd\"},"));
	fclose(f);

	lm_writer *w = NULL;
	lm_scorer *s = NULL;
	assert_int_equal(lm_scorer_new(&s, fx->inst), LM_OK);
	assert_int_equal(lm_scorer_run(s), LM_OK);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, in_dir(fx, "bad.csv"), fx->err), LM_OK);
	lm_error_clear(fx->err);
	static const char *const taken[] = {"id", "total", "total_band", "part-a.b_status", "flag"};
	for (size_t k = 0; k < 5; k++)
		assert_int_equal(lm_writer_add_column(w, taken[k], fx->err), LM_EINVAL);
	assert_int_equal(lm_error_count(fx->err), 5);
	assert_non_null(strstr(lm_error_message(fx->err, 1), "column 'total' cannot be carried"));
	assert_int_equal(lm_writer_add_column(w, "", fx->err), LM_EINVAL);
	assert_int_equal(lm_writer_add_column(w, "total_score", fx->err), LM_OK);
	assert_int_equal(lm_writer_add_column(w, "total_score", fx->err), LM_EINVAL);
	assert_int_equal(lm_writer_set_column(w, 1, "x", 1), LM_EINVAL);
	assert_int_equal(lm_writer_set_column(w, 0, NULL, 1), LM_EINVAL);
	assert_int_equal(lm_writer_write(w, 1, "a", 1, s), LM_OK);
	assert_int_equal(lm_writer_add_column(w, "later", fx->err), LM_EINVAL);
	lm_writer_free(w); /* not committed: nothing at the target */
	assert_false(exists(in_dir(fx, "bad.csv")));
	lm_scorer_free(s);
}

/* With waves: each later wave's rows carry the baseline row's columns. */
static void test_keep_waves(void **state)
{
	struct fx *fx = *state;
	static const char *const text[3] = {
		"id,team,f_1,f_2,f_3,f_4\na,T1,1,1,1,1\nb,T2,3,3,3,3\n",
		"id,team,f_1,f_2,f_3,f_4\nb,X,2,2,2,2\na,X,1,2,1,2\n",
		"id,team,f_1,f_2,f_3,f_4\na,Y,3,3,3,3\n"};
	static const char *const names[3] = {"base", "m6", "m12"};
	char paths[3][160];
	const char *p[3];
	for (int k = 0; k < 3; k++) {
		snprintf(paths[k], sizeof(paths[k]), "%s/w%d.csv", fx->dir, k);
		FILE *f = fopen(paths[k], "w");
		assert_non_null(f);
		fputs(text[k], f);
		fclose(f);
		p[k] = paths[k];
	}
	lm_prepost *pp = NULL;
	assert_int_equal(lm_prepost_new(&pp, fx->inst), LM_OK);
	assert_int_equal(lm_prepost_set_waves(pp, names, 3), LM_OK);
	assert_int_equal(lm_prepost_set_keep_all(pp, 1), LM_OK);
	assert_int_equal(lm_prepost_run_wave_files(pp, p, 3, fx->err), LM_OK);
	assert_int_equal(lm_prepost_kept_count(pp), 5); /* team and the four items */
	assert_string_equal(lm_prepost_kept_name(pp, 0), "team");
	const char *out = in_dir(fx, "waves.csv");
	assert_int_equal(lm_prepost_write_file(pp, LM_PREPOST_CSV, out, fx->err), LM_OK);
	FILE *f = fopen(out, "r");
	char line[512];
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_true(strncmp(line, "id,wave,team,f_1,f_2,f_3,f_4,total_pre,", 39) == 0);
	/* m6: the pairs in baseline order (a, b), then m12 (a): each with its baseline row's team. */
	static const char *const want[] = {"a,m6,T1,1,1,1,1,", "b,m6,T2,3,3,3,3,", "a,m12,T1,1,1,1,1,"};
	for (int k = 0; k < 3; k++) {
		assert_non_null(fgets(line, sizeof(line), f));
		assert_true(strncmp(line, want[k], strlen(want[k])) == 0);
	}
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	lm_prepost_free(pp);
}

static void test_format_for_path(void **state)
{
	(void)state;
	assert_int_equal(lm_writer_format_for_path("a/b/Scores.XLSX"), LM_WRITER_XLSX);
	assert_int_equal(lm_writer_format_for_path("s.sav"), LM_WRITER_SAV);
	assert_int_equal(lm_writer_format_for_path("s.dta"), LM_WRITER_DTA);
	assert_int_equal(lm_writer_format_for_path("s.jsonl"), LM_WRITER_JSONL);
	assert_int_equal(lm_writer_format_for_path("s.csv"), LM_WRITER_CSV);
	assert_int_equal(lm_writer_format_for_path(".sav"), LM_WRITER_CSV);
	assert_int_equal(lm_writer_format_for_path(NULL), LM_WRITER_CSV);
	assert_true(lm_writer_format_available(LM_WRITER_CSV));
	assert_false(lm_writer_format_available(99));
	assert_true(lm_prepost_format_available(LM_PREPOST_CSV));
	assert_false(lm_prepost_format_available(6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef LM_HAVE_READSTAT
		cmocka_unit_test_setup_teardown(test_sav, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepost, setup, teardown),
#else
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
#endif
		cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_waves, setup, teardown),
		cmocka_unit_test(test_format_for_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
