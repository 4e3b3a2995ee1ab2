/*
 * Tests of SPSS (.sav, .zsav, .por) and Stata (.dta) files read as tables.
 * The files are written at test time with ReadStat's own writer, so none is
 * kept in the tree: values, value labels, system-missing, SPSS user-defined
 * missing and Stata extended missing values, text with commas, quotes and
 * line breaks. Built without ReadStat, it checks that such files are refused
 * with a message that says why.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "libra_measures/libra_measures.h"

#ifdef LM_HAVE_READSTAT
#include <readstat.h>
#endif

/* fx->path := DIR/NAME */
static const char *path_of(struct table_fx *fx, const char *name)
{
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	return fx->path;
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

#ifdef LM_HAVE_READSTAT

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *b = malloc(1 << 20);
	assert_non_null(b);
	*len = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

/* The diagnostics of @p err as "LINE:COL: message" lines, each checked to name @p file. */
static void add_errors(struct str *b, const lm_error *err, const char *file)
{
	for (size_t i = 0; i < lm_error_count(err); i++) {
		assert_string_equal(lm_error_file(err, i), file);
		str_printf(b, "  %lu:%lu: %s\n", lm_error_line(err, i), lm_error_column(err, i),
			   lm_error_message(err, i));
	}
}

/* ---- writing files with ReadStat ---------------------------------------- */

static ssize_t write_bytes(const void *data, size_t len, void *ctx)
{
	return write(*(int *)ctx, data, len);
}

enum cell_kind { VAL, SYSMIS, USERMIS, TAGGED };

struct cell {
	enum cell_kind kind;
	double v;
};

/* The rows every format is written with: id, t_1..t_4, note. */
static const struct {
	const char *id;
	struct cell c[4];
	const char *note;
} rows[] = {
	{"A", {{VAL, 1}, {VAL, 2}, {VAL, 3}, {VAL, 1}}, "plain"},
	/* System-missing; a user-missing 99 (Stata: .a) is blank too. */
	{"B", {{SYSMIS, 0}, {VAL, 5}, {VAL, 4}, {USERMIS, 99}}, "has, a comma"},
	/* -99 is user-missing in SPSS but the instrument's missing code: kept. */
	{"C \"q\"", {{VAL, 3}, {VAL, 4}, {VAL, 2}, {USERMIS, -99}}, "two\nlines"},
	{"D\r\nE", {{VAL, 1}, {VAL, 1}, {VAL, 1}, {SYSMIS, 0}}, ""},
	/* 6 is labelled but no response; 2.5 is neither. */
	{"F", {{VAL, 6}, {VAL, 2.5}, {VAL, 1}, {VAL, 1}}, "x"},
};

enum fmt { SAV, ZSAV, DTA, DTA114 };

static void write_survey(const char *path, enum fmt fmt, const char *t3_name)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	readstat_writer_t *w = readstat_writer_init();
	assert_non_null(w);
	assert_int_equal(readstat_set_data_writer(w, write_bytes), READSTAT_OK);
	int dta = fmt == DTA || fmt == DTA114;
	if (fmt == DTA114) /* Stata 10 to 12: a binary header rather than <stata_dta> */
		assert_int_equal(readstat_writer_set_file_format_version(w, 114), READSTAT_OK);
	/* Stata labels integers only. */
	readstat_label_set_t *freq = readstat_add_label_set(w, dta ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE, "freq");
	static const char *labels[] = {"Never", "Rarely", "Sometimes", "Often", "Very often", "Does not apply"};
	for (int k = 0; k < 6; k++) {
		if (dta)
			readstat_label_int32_value(freq, k + 1, labels[k]);
		else
			readstat_label_double_value(freq, k + 1, labels[k]);
	}
	/* A label for the missing code that is not the instrument's: the code is read, not the label. */
	if (dta)
		readstat_label_int32_value(freq, -99, "Refused");
	else
		readstat_label_double_value(freq, -99, "Refused");
	readstat_variable_t *vars[6];
	vars[0] = readstat_add_variable(w, "id", READSTAT_TYPE_STRING, 16);
	for (int k = 0; k < 4; k++) {
		char name[16];
		snprintf(name, sizeof(name), "t_%d", k + 1);
		readstat_type_t type = dta && k != 1 ? READSTAT_TYPE_INT16 : READSTAT_TYPE_DOUBLE;
		vars[1 + k] = readstat_add_variable(w, k == 2 && t3_name ? t3_name : name, type, 0);
		readstat_variable_set_label_set(vars[1 + k], freq);
	}
	if (!dta) {
		assert_int_equal(readstat_variable_add_missing_double_value(vars[4], 99), READSTAT_OK);
		assert_int_equal(readstat_variable_add_missing_double_value(vars[4], -99), READSTAT_OK);
	}
	vars[5] = readstat_add_variable(w, "note", READSTAT_TYPE_STRING, 32);
	if (fmt == ZSAV)
		assert_int_equal(readstat_writer_set_compression(w, READSTAT_COMPRESS_BINARY), READSTAT_OK);
	long n = (long)(sizeof(rows) / sizeof(rows[0]));
	readstat_error_t rs = dta ? readstat_begin_writing_dta(w, &fd, n) : readstat_begin_writing_sav(w, &fd, n);
	assert_int_equal(rs, READSTAT_OK);
	for (long r = 0; r < n; r++) {
		assert_int_equal(readstat_begin_row(w), READSTAT_OK);
		assert_int_equal(readstat_insert_string_value(w, vars[0], rows[r].id), READSTAT_OK);
		for (int k = 0; k < 4; k++) {
			const struct cell *c = &rows[r].c[k];
			readstat_variable_t *v = vars[1 + k];
			if (c->kind == SYSMIS)
				rs = readstat_insert_missing_value(w, v);
			else if (c->kind == USERMIS && dta && c->v == 99)
				rs = readstat_insert_tagged_missing_value(w, v, 'a');
			else if (readstat_variable_get_type(v) == READSTAT_TYPE_INT16)
				rs = readstat_insert_int16_value(w, v, (int16_t)c->v);
			else
				rs = readstat_insert_double_value(w, v, c->v);
			assert_int_equal(rs, READSTAT_OK);
		}
		assert_int_equal(readstat_insert_string_value(w, vars[5], rows[r].note), READSTAT_OK);
		assert_int_equal(readstat_end_row(w), READSTAT_OK);
	}
	assert_int_equal(readstat_end_writing(w), READSTAT_OK);
	readstat_writer_free(w);
	close(fd);
}

/* ---- reading them ------------------------------------------------------- */

/* Every row's number, line, id, score and status, and every diagnostic. */
static char *transcript(struct table_fx *fx, const char *file)
{
	struct str b = {0};
	str_add(&b, "", 0);
	for (;;) {
		lm_error_clear(fx->err);
		int r = lm_table_next(fx->t, fx->s, fx->err);
		if (r == 0)
			break;
		size_t idlen;
		const char *id = lm_table_row_id(fx->t, &idlen);
		str_printf(&b, "%d row=%lu line=%lu id=[", r, lm_table_row(fx->t), lm_table_line(fx->t));
		str_add(&b, id ? id : "", idlen);
		str_add(&b, "]", 1);
		if (r == 1) {
			double score = lm_scorer_scale_score(fx->s, 0);
			if (isnan(score))
				str_printf(&b, " total=-");
			else
				str_printf(&b, " total=%g", score);
			str_printf(&b, " answered=%zu coded=%zu %s", lm_scorer_scale_answered(fx->s, 0),
				   lm_scorer_scale_coded(fx->s, 0),
				   lm_score_status_name(lm_scorer_scale_status(fx->s, 0)));
			str_printf(&b, " t_4=%s", lm_scorer_value_state(fx->s, 3) == LM_VALUE_CODED ? "coded"
						  : lm_scorer_value_state(fx->s, 3) == LM_VALUE_BLANK ? "blank"
												       : "answered");
		}
		str_add(&b, "\n", 1);
		add_errors(&b, fx->err, file);
		if (r < 0 && r != LM_EDATA)
			break;
	}
	str_printf(&b, "read=%lu rejected=%lu\n", lm_table_rows_read(fx->t), lm_table_rows_rejected(fx->t));
	return b.s;
}

/* The same rows whatever the format, as codes. */
static const char expected_codes[] =
	"1 row=1 line=2 id=[A] total=6 answered=3 coded=0 ok t_4=answered\n"
	"1 row=2 line=3 id=[B] total=13.5 answered=2 coded=0 prorated t_4=blank\n"
	"1 row=3 line=4 id=[C \"q\"] total=9 answered=3 coded=0 ok t_4=coded\n"
	"1 row=4 line=5 id=[D\r\nE] total=3 answered=3 coded=0 ok t_4=blank\n"
	"-8 row=5 line=6 id=[F]\n"
	"  6:2: row 5, column \"t_1\": \"6\" is not a response of t_1 (allowed: 1, 2, 3, 4, 5; missing code: -99)\n"
	"  6:3: row 5, column \"t_2\": \"2.5\" is not a response of t_2 (allowed: 1, 2, 3, 4, 5; missing code: -99)\n"
	"read=5 rejected=1\n";

/* As labels: a labelled value is its label, which the instrument's labels read. */
static const char expected_labels[] =
	"1 row=1 line=2 id=[A] total=6 answered=3 coded=0 ok t_4=answered\n"
	"1 row=2 line=3 id=[B] total=13.5 answered=2 coded=0 prorated t_4=blank\n"
	"1 row=3 line=4 id=[C \"q\"] total=9 answered=3 coded=0 ok t_4=coded\n"
	"1 row=4 line=5 id=[D\r\nE] total=3 answered=3 coded=0 ok t_4=blank\n"
	"-8 row=5 line=6 id=[F]\n"
	"  6:2: row 5, column \"t_1\": \"Does not apply\" is not a response of t_1 (allowed: 1, 2, 3, 4, 5, or "
	"their labels: Never, Rarely, Sometimes, Often, Very often; missing code: -99 = Declined)\n"
	"  6:3: row 5, column \"t_2\": \"2.5\" is not a response of t_2 (allowed: 1, 2, 3, 4, 5; missing code: -99)\n"
	"read=5 rejected=1\n";

/* A new table: options are set before a table is first opened. */
static void reset_table(struct table_fx *fx)
{
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
}

static void check_file(struct table_fx *fx, const char *path, int labels, const char *expected)
{
	reset_table(fx);
	assert_int_equal(lm_table_set_value_labels(fx->t, labels), LM_OK);
	lm_error_clear(fx->err);
	int r = lm_table_open_file(fx->t, path, fx->err);
	if (r != LM_OK) {
		for (size_t i = 0; i < lm_error_count(fx->err); i++)
			print_error("%s\n", lm_error_text(fx->err, i));
	}
	assert_int_equal(r, LM_OK);
	assert_string_equal(lm_table_name(fx->t), path);
	assert_int_equal(lm_table_is_qualtrics(fx->t), 0);
	static const char *names[] = {"id", "t_1", "t_2", "t_3", "t_4", "note"};
	assert_int_equal(lm_table_column_count(fx->t), 6);
	for (size_t k = 0; k < 6; k++)
		assert_string_equal(lm_table_column_name(fx->t, k), names[k]);
	char *got = transcript(fx, path);
	if (strcmp(got, expected) != 0)
		print_error("%s, labels %d: expected\n%s\ngot\n%s\n", path, labels, expected, got);
	assert_string_equal(got, expected);
	free(got);
}

static void test_sav(void **state)
{
	struct table_fx *fx = *state;
	const char *path = path_of(fx, "survey.sav");
	write_survey(path, SAV, NULL);
	check_file(fx, path, 0, expected_codes);
	check_file(fx, path, 1, expected_labels);
}

static void test_zsav(void **state)
{
	struct table_fx *fx = *state;
	/* Any case of the extension. */
	const char *path = path_of(fx, "SURVEY.ZSav");
	write_survey(path, ZSAV, NULL);
	check_file(fx, path, 0, expected_codes);
	check_file(fx, path, 1, expected_labels);
}

/*
 * A portable file: names are upper case (as SPSS writes them there) and the
 * character set has no line breaks, so it gets rows of its own.
 */
static void test_por(void **state)
{
	struct table_fx *fx = *state;
	const char *path = path_of(fx, "survey.por");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	readstat_writer_t *w = readstat_writer_init();
	assert_int_equal(readstat_set_data_writer(w, write_bytes), READSTAT_OK);
	readstat_label_set_t *freq = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "freq");
	static const char *labels[] = {"Never", "Rarely", "Sometimes", "Often", "Very often"};
	for (int k = 0; k < 5; k++)
		readstat_label_double_value(freq, k + 1, labels[k]);
	readstat_variable_t *id = readstat_add_variable(w, "ID", READSTAT_TYPE_STRING, 8), *v[4];
	static const char *names[] = {"T_1", "T_2", "T_3", "T_4"};
	for (int k = 0; k < 4; k++) {
		v[k] = readstat_add_variable(w, names[k], READSTAT_TYPE_DOUBLE, 0);
		readstat_variable_set_label_set(v[k], freq);
	}
	assert_int_equal(readstat_variable_add_missing_double_value(v[3], 99), READSTAT_OK);
	assert_int_equal(readstat_variable_add_missing_double_value(v[3], -99), READSTAT_OK);
	assert_int_equal(readstat_begin_writing_por(w, &fd, 3), READSTAT_OK);
	static const double data[3][4] = {{1, 2, 3, 1}, {NAN, 5, 4, 99}, {3, 4, 2, -99}};
	static const char *ids[] = {"A", "B", "C, D"};
	for (int r = 0; r < 3; r++) {
		assert_int_equal(readstat_begin_row(w), READSTAT_OK);
		assert_int_equal(readstat_insert_string_value(w, id, ids[r]), READSTAT_OK);
		for (int k = 0; k < 4; k++)
			assert_int_equal(isnan(data[r][k]) ? readstat_insert_missing_value(w, v[k])
							   : readstat_insert_double_value(w, v[k], data[r][k]),
					 READSTAT_OK);
		assert_int_equal(readstat_end_row(w), READSTAT_OK);
	}
	assert_int_equal(readstat_end_writing(w), READSTAT_OK);
	readstat_writer_free(w);
	close(fd);

	static const char expected[] = "1 row=1 line=2 id=[A] total=6 answered=3 coded=0 ok t_4=answered\n"
				       "1 row=2 line=3 id=[B] total=13.5 answered=2 coded=0 prorated t_4=blank\n"
				       "1 row=3 line=4 id=[C, D] total=9 answered=3 coded=0 ok t_4=coded\n"
				       "read=3 rejected=0\n";
	for (int labelled = 0; labelled < 2; labelled++) {
		reset_table(fx);
		assert_int_equal(lm_table_set_value_labels(fx->t, labelled), LM_OK);
		assert_int_equal(lm_table_set_id_column(fx->t, "ID"), LM_OK);
		for (int k = 0; k < 4; k++) {
			char item[8];
			snprintf(item, sizeof(item), "t_%d", k + 1);
			assert_int_equal(lm_table_map_column(fx->t, item, names[k], fx->err), LM_OK);
		}
		assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
		char *got = transcript(fx, path);
		assert_string_equal(got, expected);
		free(got);
		/* What the reader made of the first row's T_1. */
		assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		size_t len;
		const char *cell = lm_table_field(fx->t, 1, &len);
		const char *want = labelled ? "Never" : "1";
		assert_int_equal(len, strlen(want));
		assert_memory_equal(cell, want, len);
	}
}

static void test_dta(void **state)
{
	struct table_fx *fx = *state;
	const char *path = path_of(fx, "survey.DTA");
	write_survey(path, DTA, NULL);
	check_file(fx, path, 0, expected_codes);
	check_file(fx, path, 1, expected_labels);
	path = path_of(fx, "survey114.dta");
	write_survey(path, DTA114, NULL);
	check_file(fx, path, 0, expected_codes);
	check_file(fx, path, 1, expected_labels);
}

/* The cells of row @p r of an open table, for a look at what the reader made of them. */
static void check_fields(struct table_fx *fx, const char *path, int labels)
{
	reset_table(fx);
	assert_int_equal(lm_table_set_value_labels(fx->t, labels), LM_OK);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	static const char *want[2][3][6] = {
		{{"A", "1", "2", "3", "1", "plain"},
		 {"B", "", "5", "4", "", "has, a comma"},
		 {"C \"q\"", "3", "4", "2", "-99", "two\nlines"}},
		{{"A", "Never", "Rarely", "Sometimes", "Never", "plain"},
		 {"B", "", "Very often", "Often", "", "has, a comma"},
		 {"C \"q\"", "Sometimes", "Often", "Rarely", "-99", "two\nlines"}},
	};
	for (int r = 0; r < 3; r++) {
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		for (size_t k = 0; k < 6; k++) {
			size_t len;
			const char *s = lm_table_field(fx->t, k, &len);
			assert_non_null(s);
			const char *w = want[labels][r][k];
			if (len != strlen(w) || memcmp(s, w, len) != 0)
				print_error("row %d field %zu: [%.*s], want [%s]\n", r + 1, k, (int)len, s, w ? w : "(none)");
			assert_int_equal(len, strlen(w));
			assert_memory_equal(s, w, len);
		}
	}
}

static void test_fields(void **state)
{
	struct table_fx *fx = *state;
	const char *sav = path_of(fx, "f.sav");
	write_survey(sav, SAV, NULL);
	check_fields(fx, sav, 0);
	check_fields(fx, sav, 1);
	const char *dta = path_of(fx, "f.dta");
	write_survey(dta, DTA, NULL);
	check_fields(fx, dta, 0);
	check_fields(fx, dta, 1);
}

/* SPSS labels text values too: "I" is "Intake". */
static void test_string_labels(void **state)
{
	struct table_fx *fx = *state;
	const char *path = path_of(fx, "units.sav");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	readstat_writer_t *w = readstat_writer_init();
	assert_int_equal(readstat_set_data_writer(w, write_bytes), READSTAT_OK);
	readstat_label_set_t *units = readstat_add_label_set(w, READSTAT_TYPE_STRING, "units");
	readstat_label_string_value(units, "I", "Intake");
	readstat_label_string_value(units, "P", "Placement, foster care");
	readstat_variable_t *v[4];
	for (int k = 0; k < 3; k++) {
		char name[8];
		snprintf(name, sizeof(name), "t_%d", k + 1);
		v[k] = readstat_add_variable(w, name, READSTAT_TYPE_DOUBLE, 0);
	}
	v[3] = readstat_add_variable(w, "unit", READSTAT_TYPE_STRING, 4);
	readstat_variable_set_label_set(v[3], units);
	assert_int_equal(readstat_begin_writing_sav(w, &fd, 3), READSTAT_OK);
	static const char *unit[] = {"I", "P", "X"};
	for (int r = 0; r < 3; r++) {
		assert_int_equal(readstat_begin_row(w), READSTAT_OK);
		for (int k = 0; k < 3; k++)
			assert_int_equal(readstat_insert_double_value(w, v[k], 1), READSTAT_OK);
		assert_int_equal(readstat_insert_string_value(w, v[3], unit[r]), READSTAT_OK);
		assert_int_equal(readstat_end_row(w), READSTAT_OK);
	}
	assert_int_equal(readstat_end_writing(w), READSTAT_OK);
	readstat_writer_free(w);
	close(fd);
	static const char *want[2][3] = {{"I", "P", "X"}, {"Intake", "Placement, foster care", "X"}};
	for (int labelled = 0; labelled < 2; labelled++) {
		reset_table(fx);
		assert_int_equal(lm_table_set_value_labels(fx->t, labelled), LM_OK);
		assert_int_equal(lm_table_set_no_id(fx->t, 1), LM_OK); /* a file without ids */
		assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
		for (int r = 0; r < 3; r++) {
			assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
			size_t len;
			const char *cell = lm_table_field(fx->t, 3, &len);
			assert_int_equal(len, strlen(want[labelled][r]));
			assert_memory_equal(cell, want[labelled][r], len);
		}
	}
}

/* Options work as for CSV: a column mapped by name, missing tokens, an id column. */
static void test_options(void **state)
{
	struct table_fx *fx = *state;
	const char *path = path_of(fx, "mapped.sav");
	write_survey(path, SAV, "stress3");
	lm_error_clear(fx->err);
	/* Without the mapping the header is wrong, and says so with the file's name and line 1. */
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_EDATA);
	struct str b = {0};
	str_add(&b, "", 0);
	add_errors(&b, fx->err, path);
	assert_string_equal(b.s, "  1:0: no column for item t_3; the header has \"id\", \"t_1\", \"t_2\", \"stress3\", \"t_4\", "
				 "\"note\"\n");
	free(b.s);

	assert_int_equal(lm_table_map_column(fx->t, "t_3", "stress3", fx->err), LM_OK);
	assert_int_equal(lm_table_set_id_column(fx->t, "note"), LM_OK);
	assert_int_equal(lm_table_add_missing(fx->t, "Never"), LM_OK); /* a token matched after labelling */
	assert_int_equal(lm_table_set_value_labels(fx->t, 1), LM_OK);
	assert_int_equal(lm_table_set_delimiter(fx->t, ';'), LM_OK); /* not for these files */
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	assert_string_equal(lm_table_id_column(fx->t), "note");
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	size_t len;
	const char *id = lm_table_row_id(fx->t, &len);
	assert_string_equal(id, "plain");
	/* t_1 "Never" is now blank: 2 + 3 prorated. */
	assert_int_equal(lm_scorer_scale_answered(fx->s, 0), 2);
	assert_true(lm_scorer_scale_score(fx->s, 0) == 7.5);
	/* Options are refused once open. */
	assert_int_equal(lm_table_set_value_labels(fx->t, 0), LM_EINVAL);
}

/* Stata floats read as the decimal they were written as, under any locale. */
static void test_numbers(void **state)
{
	struct table_fx *fx = *state;
	const char *path = path_of(fx, "numbers.dta");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	readstat_writer_t *w = readstat_writer_init();
	assert_int_equal(readstat_set_data_writer(w, write_bytes), READSTAT_OK);
	static const char *names[] = {"t_1", "t_2", "t_3", "f", "d", "i8", "i32"};
	static const readstat_type_t types[] = {READSTAT_TYPE_INT8,  READSTAT_TYPE_INT8,   READSTAT_TYPE_INT8,
						READSTAT_TYPE_FLOAT, READSTAT_TYPE_DOUBLE, READSTAT_TYPE_INT8,
						READSTAT_TYPE_INT32};
	readstat_variable_t *v[7];
	for (int k = 0; k < 7; k++)
		v[k] = readstat_add_variable(w, names[k], types[k], 0);
	assert_int_equal(readstat_begin_writing_dta(w, &fd, 1), READSTAT_OK);
	assert_int_equal(readstat_begin_row(w), READSTAT_OK);
	for (int k = 0; k < 3; k++)
		assert_int_equal(readstat_insert_int8_value(w, v[k], 2), READSTAT_OK);
	assert_int_equal(readstat_insert_float_value(w, v[3], 0.1f), READSTAT_OK);
	assert_int_equal(readstat_insert_double_value(w, v[4], -1234.5678), READSTAT_OK);
	assert_int_equal(readstat_insert_int8_value(w, v[5], -7), READSTAT_OK);
	assert_int_equal(readstat_insert_int32_value(w, v[6], 2000000000), READSTAT_OK);
	assert_int_equal(readstat_end_row(w), READSTAT_OK);
	assert_int_equal(readstat_end_writing(w), READSTAT_OK);
	readstat_writer_free(w);
	close(fd);

	static const char *locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8"};
	const char *set = NULL;
	for (size_t k = 0; k < 3 && !set; k++)
		set = setlocale(LC_NUMERIC, locales[k]);
	assert_int_equal(lm_table_set_no_id(fx->t, 1), LM_OK); /* a file without ids */
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	static const char *want[] = {"2", "2", "2", "0.1", "-1234.5678", "-7", "2000000000"};
	for (size_t k = 0; k < 7; k++) {
		size_t len;
		const char *s = lm_table_field(fx->t, k, &len);
		assert_int_equal(len, strlen(want[k]));
		assert_memory_equal(s, want[k], len);
	}
	setlocale(LC_NUMERIC, "C");
	if (!set) {
		/* Checked under C only: the decimal-comma half is what this test is
		 * for, so say it did not run (CI generates the locale and requires it). */
		assert_null(getenv("LM_REQUIRE_DECIMAL_COMMA"));
		print_message("# no decimal-comma locale installed; checked under C only\n");
		skip();
	}
}

/* One variable and a blank value make an empty line of CSV: still a row. */
static void test_one_column(void **state)
{
	struct table_fx *fx = *state;
	static const char one[] = "format: 1\nid: one\nname: One\nversion: '1'\n"
				  "responses: [{value: 1, label: Yes}, {value: 2, label: No}]\n"
				  "items:\n  - {id: o_1, label: one}\n"
				  "scales:\n  - {id: s, label: S, items: [o_1], method: sum}\n";
	lm_instrument *inst;
	lm_scorer *s;
	lm_table *t;
	assert_int_equal(lm_instrument_load_buffer(&inst, one, sizeof(one) - 1, "one.yaml", NULL), LM_OK);
	assert_int_equal(lm_scorer_new(&s, inst), LM_OK);
	assert_int_equal(lm_table_new(&t, inst), LM_OK);
	const char *path = path_of(fx, "one.sav");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	readstat_writer_t *w = readstat_writer_init();
	assert_int_equal(readstat_set_data_writer(w, write_bytes), READSTAT_OK);
	readstat_variable_t *v = readstat_add_variable(w, "o_1", READSTAT_TYPE_DOUBLE, 0);
	assert_int_equal(readstat_begin_writing_sav(w, &fd, 3), READSTAT_OK);
	for (int r = 0; r < 3; r++) {
		assert_int_equal(readstat_begin_row(w), READSTAT_OK);
		assert_int_equal(r == 1 ? readstat_insert_double_value(w, v, 2) : readstat_insert_missing_value(w, v),
				 READSTAT_OK);
		assert_int_equal(readstat_end_row(w), READSTAT_OK);
	}
	assert_int_equal(readstat_end_writing(w), READSTAT_OK);
	readstat_writer_free(w);
	close(fd);
	assert_int_equal(lm_table_set_no_id(t, 1), LM_OK); /* a file without ids */
	assert_int_equal(lm_table_open_file(t, path, fx->err), LM_OK);
	for (int r = 0; r < 3; r++) {
		assert_int_equal(lm_table_next(t, s, fx->err), 1);
		assert_int_equal(lm_scorer_value_state(s, 0), r == 1 ? LM_VALUE_ANSWERED : LM_VALUE_BLANK);
	}
	assert_int_equal(lm_table_next(t, s, fx->err), 0);
	lm_table_free(t);
	lm_scorer_free(s);
	lm_instrument_free(inst);
}

static void check_open_error(struct table_fx *fx, const char *path, int code, const char *prefix)
{
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), code);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_int_equal(lm_error_code(fx->err, 0), code);
	assert_string_equal(lm_error_file(fx->err, 0), path);
	const char *m = lm_error_message(fx->err, 0);
	if (strncmp(m, prefix, strlen(prefix)) != 0)
		print_error("%s: got \"%s\", want \"%s...\"\n", path, m, prefix);
	assert_true(strncmp(m, prefix, strlen(prefix)) == 0);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EINVAL);
}

static void test_errors(void **state)
{
	struct table_fx *fx = *state;
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/none.sav", fx->dir);
	char want[200];
	snprintf(want, sizeof(want), "cannot open: %s", strerror(ENOENT));
	check_open_error(fx, missing, LM_EIO, want);

	/* CSV text under an SPSS or Stata name. */
	static const char csv[] = "id,t_1,t_2,t_3\nA,1,2,3\n";
	write_file(path_of(fx, "text.sav"), csv, sizeof(csv) - 1);
	check_open_error(fx, fx->path, LM_EDATA, "cannot read as an SPSS system file: it does not start as one does");
	write_file(path_of(fx, "text.dta"), csv, sizeof(csv) - 1);
	check_open_error(fx, fx->path, LM_EDATA, "cannot read as a Stata file: it does not start as one does");
	write_file(path_of(fx, "empty.sav"), "", 0);
	check_open_error(fx, fx->path, LM_EDATA, "cannot read as an SPSS system file: it does not start as one does");
	/* A portable file starts with free text: ReadStat's own message says what failed. */
	write_file(path_of(fx, "text.por"), csv, sizeof(csv) - 1);
	check_open_error(fx, fx->path, LM_EDATA, "cannot read as an SPSS portable file: ");

	/* A file cut short. */
	char good[160];
	snprintf(good, sizeof(good), "%s/good.sav", fx->dir);
	write_survey(good, SAV, NULL);
	size_t len;
	char *bytes = read_file(good, &len);
	assert_true(len > 100);
	write_file(path_of(fx, "cut.sav"), bytes, len - 20);
	check_open_error(fx, fx->path, LM_EDATA, "cannot read as an SPSS system file: ");

	/* The real thing under a CSV name, or through a descriptor or a buffer: refused by its first bytes. */
	write_file(path_of(fx, "survey.csv"), bytes, len);
	check_open_error(fx, fx->path, LM_EDATA,
			 "this is an SPSS system file (.sav), not CSV text: open it by a name that ends in .sav");
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_buffer(fx->t, bytes, len, "<stdin>", fx->err), LM_EDATA);
	assert_string_equal(lm_error_text(fx->err, 0), "<stdin>: this is an SPSS system file (.sav), not CSV text: "
						       "open it by a name that ends in .sav");
	free(bytes);
	write_survey(path_of(fx, "s.dta"), DTA, NULL);
	bytes = read_file(fx->path, &len);
	if (len > 11 && memcmp(bytes, "<stata_dta>", 11) == 0) {
		int fd = open(fx->path, O_RDONLY);
		assert_true(fd >= 0);
		lm_error_clear(fx->err);
		assert_int_equal(lm_table_open_fd(fx->t, fd, "<stdin>", fx->err), LM_EDATA);
		assert_string_equal(lm_error_text(fx->err, 0), "<stdin>: this is a Stata file (.dta), not CSV text: "
							       "open it by a name that ends in .dta");
		close(fd);
	}
	free(bytes);

	/* After all that, the same table reads a good file, then a CSV buffer. */
	assert_int_equal(lm_table_open_file(fx->t, good, fx->err), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_table_open_buffer(fx->t, csv, sizeof(csv) - 1, "data.csv", fx->err), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_true(lm_scorer_scale_score(fx->s, 0) == 6);
	assert_int_equal(lm_table_line(fx->t), 2);
}

static void test_arguments(void **state)
{
	struct table_fx *fx = *state;
	assert_int_equal(lm_table_has_readstat(), 1);
	assert_int_equal(lm_table_set_value_labels(NULL, 1), LM_EINVAL);
	assert_int_equal(lm_table_set_value_labels(fx->t, 2), LM_EINVAL);
	assert_int_equal(lm_table_set_value_labels(fx->t, -1), LM_EINVAL);
	assert_int_equal(lm_table_set_value_labels(fx->t, 1), LM_OK);
	assert_int_equal(lm_table_set_value_labels(fx->t, 0), LM_OK);
}

#else /* without ReadStat */

static void test_refused(void **state)
{
	struct table_fx *fx = *state;
	assert_int_equal(lm_table_has_readstat(), 0);
	/* The setter is there all the same, so that callers need not know. */
	assert_int_equal(lm_table_set_value_labels(fx->t, 1), LM_OK);
	static const char *names[] = {"survey.sav", "survey.ZSAV", "survey.por", "survey.dta", "none.Sav"};
	static const char csv[] = "id,t_1,t_2,t_3\nA,1,2,3\n";
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const char *path = path_of(fx, names[k]);
		if (k < 4)
			write_file(path, csv, sizeof(csv) - 1);
		lm_error_clear(fx->err);
		assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_EDATA);
		assert_int_equal(lm_error_count(fx->err), 1);
		assert_string_equal(lm_error_file(fx->err, 0), path);
		assert_string_equal(lm_error_message(fx->err, 0),
				    "SPSS and Stata files need libra_measures built with ReadStat (-Dreadstat=enabled)");
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EINVAL);
	}
	/* Other names are CSV. */
	const char *path = path_of(fx, "survey.sav.csv");
	write_file(path, csv, sizeof(csv) - 1);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	/* An SPSS file's first bytes are refused as CSV. */
	static const char sav[] = "$FL2@(#) IBM SPSS STATISTICS";
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_buffer(fx->t, sav, sizeof(sav) - 1, "<stdin>", fx->err), LM_EDATA);
	assert_string_equal(lm_error_text(fx->err, 0), "<stdin>: this is an SPSS system file (.sav), not CSV text: "
						       "open it by a name that ends in .sav");
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef LM_HAVE_READSTAT
		cmocka_unit_test_setup_teardown(test_sav, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_zsav, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_por, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_dta, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_fields, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_string_labels, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_options, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_numbers, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_one_column, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_errors, table_fx_setup_with_dir, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_arguments, table_fx_setup_with_dir, table_fx_teardown),
#else
		cmocka_unit_test_setup_teardown(test_refused, table_fx_setup_with_dir, table_fx_teardown),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
