/*
 * Tests of Excel workbooks (.xlsx) read as tables. The workbooks are written
 * at test time with libxlsxwriter — in its default mode (shared strings) and
 * its constant-memory mode (inline strings) — so none is kept in the tree,
 * and every cell is checked as read back. tests/xlsx/openpyxl_check.py does
 * the same with workbooks written by openpyxl (1904 dates, times, formulas
 * without cached values). Built without xlsx support, it checks that a
 * workbook and an .xls file are refused with a message that says what to do.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"
#include "helpers.h"

#ifdef LM_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

struct fx {
	lm_instrument *inst;
	lm_scorer *s;
	lm_table *t;
	lm_error *err;
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	if (lm_instrument_load_buffer(&fx->inst, tab_yaml, tab_yaml_len, "tab.yaml", NULL) != LM_OK)
		return -1;
	if (lm_scorer_new(&fx->s, fx->inst) != LM_OK || lm_table_new(&fx->t, fx->inst) != LM_OK ||
	    lm_error_new(&fx->err) != LM_OK)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lm_test_xlsx_XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	lm_table_free(fx->t);
	lm_scorer_free(fx->s);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	DIR *d = opendir(fx->dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[400];
		snprintf(path, sizeof(path), "%s/%s", fx->dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	int r = rmdir(fx->dir);
	free(fx);
	return r;
}

static const char *path_of(struct fx *fx, const char *name)
{
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	return fx->path;
}

#ifndef LM_HAVE_XLSX
static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}
#endif

/* Whether some diagnostic of err contains @p text. */
static int said(const lm_error *err, const char *text)
{
	for (size_t i = 0; i < lm_error_count(err); i++)
		if (strstr(lm_error_text(err, i), text))
			return 1;
	return 0;
}


static void test_has_xlsx(void **state)
{
	(void)state;
#ifdef LM_HAVE_XLSX
	assert_int_equal(lm_table_has_xlsx(), 1);
#else
	assert_int_equal(lm_table_has_xlsx(), 0);
#endif
}

/* An old .xls (OLE2 compound file) is never read; the message says what to do. */
static void test_xls_refused(void **state)
{
	struct fx *fx = *state;
	static const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0";
	assert_int_equal(lm_table_open_buffer(fx->t, ole, sizeof(ole) - 1, "old.xls", fx->err), LM_EDATA);
	assert_true(said(fx->err, "old.xls: this is an old-style Microsoft Office file (an Excel 97-2003 workbook"));
	assert_true(said(fx->err, "as CSV (UTF-8)"));
}

/* A sheet asked for from a CSV table is an error, not silently ignored. */
static void test_sheet_of_csv(void **state)
{
	struct fx *fx = *state;
	static const char csv[] = "id,t_1,t_2,t_3,t_4\nr1,1,2,3,4\n";
	assert_int_equal(lm_table_set_sheet(fx->t, ""), LM_EINVAL);
	assert_int_equal(lm_table_set_sheet(NULL, "x"), LM_EINVAL);
	assert_int_equal(lm_table_set_sheet(fx->t, "Scores"), LM_OK);
	assert_int_equal(lm_table_open_buffer(fx->t, csv, sizeof(csv) - 1, "d.csv", fx->err), LM_EDATA);
	assert_true(said(fx->err, "d.csv: a sheet (\"Scores\") was asked for, but this is not an Excel workbook"));
	assert_int_equal(lm_table_set_sheet(fx->t, NULL), LM_OK);
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_buffer(fx->t, csv, sizeof(csv) - 1, "d.csv", fx->err), LM_OK);
	assert_null(lm_table_sheet(fx->t));
	assert_int_equal(lm_table_set_sheet(fx->t, "Scores"), LM_EINVAL); /* open */
}

#if defined(LM_HAVE_XLSX) && defined(LM_HAVE_XLSXWRITER)

static void assert_field(const lm_table *t, size_t k, const char *want)
{
	size_t len;
	const char *s = lm_table_field(t, k, &len);
	assert_non_null(s);
	if (len != strlen(want) || memcmp(s, want, len) != 0)
		fail_msg("row %lu field %zu: got \"%.*s\", want \"%s\"", lm_table_row(t), k, (int)len, s, want);
}

/* A workbook: sheet "Notes" first (to be skipped by name), then "Scores". */
static void write_workbook(const char *path, int constant_memory, int with_notes)
{
	lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	assert_non_null(wb);
	if (with_notes) {
		lxw_worksheet *notes = workbook_add_worksheet(wb, "Notes");
		worksheet_write_string(notes, 0, 0, "this sheet is not data", NULL);
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Scores");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *builtin_date = workbook_add_format(wb);
	format_set_num_format_index(builtin_date, 14); /* m/d/yyyy */
	lxw_format *stamp = workbook_add_format(wb);
	format_set_num_format(stamp, "dd/mm/yyyy hh:mm:ss");
	lxw_format *clock = workbook_add_format(wb);
	format_set_num_format(clock, "[h]:mm");
	lxw_format *decimals = workbook_add_format(wb);
	format_set_num_format(decimals, "0.00"); /* a number format that is no date */
	lxw_format *quoted = workbook_add_format(wb);
	format_set_num_format(quoted, "\"day\" 0"); /* d and y only in quotes: a number */

	const char *head[] = {"id", "t_1", "t_2", "t_3", "t_4", "note", "when", "stamp", "clock", "flag", "calc", "frac"};
	for (lxw_col_t c = 0; c < sizeof(head) / sizeof(head[0]); c++)
		worksheet_write_string(ws, 0, c, head[c], NULL);

	/* Row 2: numbers, a label, text that needs quoting, each kind of date. */
	worksheet_write_string(ws, 1, 0, "r1", NULL);
	worksheet_write_number(ws, 1, 1, 1, NULL);
	worksheet_write_string(ws, 1, 2, "Often", NULL);
	worksheet_write_number(ws, 1, 3, 3, decimals);
	worksheet_write_number(ws, 1, 4, 5, NULL);
	worksheet_write_string(ws, 1, 5, "says \"hi\", then\nleaves", NULL);
	lxw_datetime d1 = {2024, 3, 5, 0, 0, 0};
	worksheet_write_datetime(ws, 1, 6, &d1, date);
	lxw_datetime d2 = {1999, 12, 31, 13, 30, 15};
	worksheet_write_datetime(ws, 1, 7, &d2, stamp);
	worksheet_write_number(ws, 1, 8, 1.5, clock); /* 36 hours */
	worksheet_write_boolean(ws, 1, 9, 1, NULL);
	worksheet_write_formula_num(ws, 1, 10, "=B2+D2", NULL, 4);
	worksheet_write_number(ws, 1, 11, 0.125, NULL);

	/* Row 3: blank cells left out, a built-in date format, FALSE. */
	worksheet_write_string(ws, 2, 0, "r2", NULL);
	worksheet_write_number(ws, 2, 1, 5, NULL);
	worksheet_write_number(ws, 2, 3, 2, NULL);
	lxw_datetime d3 = {1900, 3, 1, 0, 0, 0};
	worksheet_write_datetime(ws, 2, 6, &d3, builtin_date);
	worksheet_write_boolean(ws, 2, 9, 0, NULL);
	worksheet_write_number(ws, 2, 11, 2.5e-7, quoted);

	/* Rows 4 and 5 have no values; row 6 does. */
	worksheet_write_string(ws, 5, 0, "r5", NULL);
	worksheet_write_string(ws, 5, 1, "Never", NULL);
	worksheet_write_number(ws, 5, 2, -99, NULL);
	worksheet_write_number(ws, 5, 3, 2, NULL);
	worksheet_write_number(ws, 5, 11, 1e20, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* Every cell of row 2, 3 and 6 as read back: shown as Excel shows them. */
static void check_cells(struct fx *fx)
{
	assert_int_equal(lm_table_column_count(fx->t), 12);
	assert_string_equal(lm_table_sheet(fx->t), "Scores");
	static const char *const row2[] = {"r1",         "1",    "Often", "3", "5", "says \"hi\", then\nleaves",
					   "2024-03-05", "1999-12-31 13:30:15", "36:00:00", "TRUE", "4", "0.125"};
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_table_row(fx->t), 1);
	assert_int_equal(lm_table_line(fx->t), 2);
	for (size_t k = 0; k < 12; k++)
		assert_field(fx->t, k, row2[k]);
	assert_float_equal(lm_scorer_scale_score(fx->s, 0), 1 + 4 + 3, 1e-12);

	static const char *const row3[] = {"r2", "5", "", "2", "", "", "1900-03-01", "", "", "FALSE", "", "2.5e-07"};
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_table_line(fx->t), 3);
	char tiny[32];
	lm_format_number(tiny, sizeof(tiny), 2.5e-7);
	for (size_t k = 0; k < 12; k++)
		assert_field(fx->t, k, k == 11 ? tiny : row3[k]);

	char big[32];
	lm_format_number(big, sizeof(big), 1e20);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_table_row(fx->t), 5); /* rows 4 and 5 of the sheet were blank rows */
	assert_int_equal(lm_table_line(fx->t), 6);
	assert_int_equal(lm_table_rows_blank(fx->t), 2);
	static const char *const row6[] = {"r5", "Never", "-99", "2", "", "", "", "", "", "", "", NULL};
	for (size_t k = 0; k < 12; k++)
		assert_field(fx->t, k, k == 11 ? big : row6[k]);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 0);
	assert_int_equal(lm_error_total(fx->err), 0);
}

static void read_file_cells(struct fx *fx, int constant_memory)
{
	const char *path = path_of(fx, constant_memory ? "inline.xlsx" : "shared.xlsx");
	write_workbook(path, constant_memory, 1);
	assert_int_equal(lm_table_set_sheet(fx->t, "Scores"), LM_OK);
	int rc = lm_table_open_file(fx->t, path, fx->err);
	if (rc != LM_OK)
		fail_msg("%s", lm_error_count(fx->err) ? lm_error_text(fx->err, 0) : lm_strerror(rc));
	check_cells(fx);
}

static void test_shared_strings(void **state)
{
	read_file_cells(*state, 0);
}

static void test_inline_strings(void **state)
{
	read_file_cells(*state, 1);
}

/* A name without .xlsx, a descriptor and a buffer: told by content, read the same. */
static void test_by_content(void **state)
{
	struct fx *fx = *state;
	const char *path = path_of(fx, "export.dat");
	write_workbook(path, 0, 0);
	/* No sheet named: the first, which is "Scores" here. */
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	check_cells(fx);

	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lm_table_open_fd(fx->t, fd, "<stdin>", fx->err), LM_OK);
	check_cells(fx);
	close(fd);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	char *bytes = malloc((size_t)st.st_size);
	assert_non_null(bytes);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, bytes, (size_t)st.st_size), st.st_size);
	close(fd);
	assert_int_equal(lm_table_open_buffer(fx->t, bytes, (size_t)st.st_size, "mem.xlsx", fx->err), LM_OK);
	check_cells(fx);
	lm_table_free(fx->t);
	fx->t = NULL;
	free(bytes);
}

/* The first sheet by default; a missing sheet is named with the sheets there are. */
static void test_sheets(void **state)
{
	struct fx *fx = *state;
	const char *path = path_of(fx, "two.xlsx");
	write_workbook(path, 0, 1);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_EDATA); /* "Notes" has no item columns */
	assert_true(said(fx->err, "no column for items t_1, t_2, t_3"));
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_set_sheet(fx->t, "Sorces"), LM_OK);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_non_null(strstr(lm_error_text(fx->err, 0),
			       "two.xlsx: the workbook has no sheet named \"Sorces\" (its sheets: \"Notes\", \"Scores\")"));
}

/* Bad values: every one reported, each at its cell; the rows after are read. */
static void test_bad_cells(void **state)
{
	struct fx *fx = *state;
	const char *path = path_of(fx, "bad.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "My data");
	const char *head[] = {"id", "t_1", "t_2", "t_3", "t_4"};
	for (lxw_col_t c = 0; c < 5; c++)
		worksheet_write_string(ws, 2, c, head[c], NULL); /* the header on row 3 */
	worksheet_write_string(ws, 3, 0, "a", NULL);
	worksheet_write_number(ws, 3, 1, 7, NULL);
	worksheet_write_number(ws, 3, 2, 2, NULL);
	worksheet_write_string(ws, 3, 3, "lots", NULL);
	worksheet_write_string(ws, 4, 0, "b", NULL);
	worksheet_write_number(ws, 4, 1, 2, NULL);
	worksheet_write_number(ws, 4, 2, 2, NULL);
	worksheet_write_number(ws, 4, 3, 2, NULL);
	worksheet_write_string(ws, 5, 0, "c", NULL);
	worksheet_write_boolean(ws, 5, 2, 1, NULL);
	worksheet_write_number(ws, 5, 6, 1, NULL); /* beyond the header */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_int_equal(lm_table_line(fx->t), 4);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 0);
	assert_int_equal(lm_error_count(fx->err), 3);
	/* Diagnostics name the file as it was given: path_of(fx, "bad.xlsx"). */
	char want[256];
	snprintf(want, sizeof(want), "%s:'My data'!B4: row 1, column \"t_1\": \"7\" is not a response of t_1", path);
	assert_true(strncmp(lm_error_text(fx->err, 0), want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "%s:'My data'!D4: row 1, column \"t_3\": \"lots\" is not a response", path);
	assert_true(strncmp(lm_error_text(fx->err, 1), want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "%s:'My data'!6:6: row 3 has 7 fields, header has 5", path);
	assert_string_equal(lm_error_text(fx->err, 2), want);
	snprintf(want, sizeof(want), "%s:'My data'!6:6", path);
	assert_string_equal(lm_error_file(fx->err, 2), want);
	assert_null(lm_error_text(fx->err, 3));
	assert_int_equal(lm_error_line(fx->err, 0), 0);
	assert_int_equal(lm_table_rows_rejected(fx->t), 2);
}

/* A zip archive that is no workbook is named as such. */
static void test_not_a_workbook(void **state)
{
	struct fx *fx = *state;
	/* An OpenDocument-like zip: libxlsxwriter's zip, with its workbook part renamed. */
	const char *path = path_of(fx, "w.xlsx");
	write_workbook(path, 0, 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	char *bytes = malloc((size_t)st.st_size);
	assert_non_null(bytes);
	int fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, bytes, (size_t)st.st_size), st.st_size);
	close(fd);
	/* Every name "xl/workbook.xml" in the local and central headers becomes "xl/workbook.xmm". */
	for (off_t i = 0; i + 15 < st.st_size; i++)
		if (memcmp(bytes + i, "xl/workbook.xml", 15) == 0 && bytes[i + 15] != '.')
			bytes[i + 14] = 'm';
	assert_int_equal(lm_table_open_buffer(fx->t, bytes, (size_t)st.st_size, "odd.zip", fx->err), LM_EDATA);
	assert_true(said(fx->err, "odd.zip: a zip archive, but not an Excel workbook"));
	lm_error_clear(fx->err);
	/* Cut short: no zip directory. */
	assert_int_equal(lm_table_open_buffer(fx->t, bytes, (size_t)st.st_size / 2, "cut.xlsx", fx->err), LM_EDATA);
	assert_true(said(fx->err, "cut.xlsx: starts like a zip archive (an Excel workbook?) but cannot be read as one"));
	free(bytes);
}

/* A sheet of 20,000 rows is streamed: every row read, in order. */
static void test_many_rows(void **state)
{
	struct fx *fx = *state;
	const char *path = path_of(fx, "many.xlsx");
	lxw_workbook_options opt = {.constant_memory = 1};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	const char *head[] = {"id", "t_1", "t_2", "t_3", "t_4"};
	for (lxw_col_t c = 0; c < 5; c++)
		worksheet_write_string(ws, 0, c, head[c], NULL);
	for (lxw_row_t r = 1; r <= 20000; r++) {
		char id[16];
		snprintf(id, sizeof(id), "p%u", (unsigned)r);
		worksheet_write_string(ws, r, 0, id, NULL);
		for (lxw_col_t c = 1; c < 5; c++)
			worksheet_write_number(ws, r, c, 1 + (r + c) % 5, NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	assert_string_equal(lm_table_sheet(fx->t), "Sheet1");
	unsigned long n = 0;
	while (lm_table_next(fx->t, fx->s, fx->err) == 1) {
		n++;
		char id[16];
		snprintf(id, sizeof(id), "p%lu", n);
		size_t len;
		const char *got = lm_table_row_id(fx->t, &len);
		assert_int_equal(len, strlen(id));
		assert_memory_equal(got, id, len);
		double want = 0;
		for (unsigned c = 1; c < 4; c++)
			want += 1 + (n + c) % 5;
		assert_float_equal(lm_scorer_scale_score(fx->s, 0), want, 1e-12);
	}
	assert_int_equal(n, 20000);
	assert_int_equal(lm_error_total(fx->err), 0);
}

#endif /* LM_HAVE_XLSX && LM_HAVE_XLSXWRITER */

#if defined(LM_HAVE_XLSX) && !defined(LM_HAVE_XLSXWRITER)
static void test_writer_missing(void **state)
{
	(void)state;
	if (getenv("LM_REQUIRE_XLSXWRITER"))
		fail_msg("libxlsxwriter is needed to write the test workbooks (LM_REQUIRE_XLSXWRITER is set)");
	skip();
}
#endif

#ifndef LM_HAVE_XLSX
/* Without xlsx support a workbook is refused, saying how to read it. */
static void test_refused(void **state)
{
	struct fx *fx = *state;
	static const char zip[] = "PK\x03\x04\x14\0\0\0\x08\0rest of a zip";
	const char *path = path_of(fx, "scores.xlsx");
	write_file(path, zip, sizeof(zip) - 1);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_EDATA);
	assert_true(said(fx->err, "this is a zip archive (an Excel workbook, .xlsx?), not CSV text, and this build"));
	assert_true(said(fx->err, "-Dxlsx=enabled"));
	assert_true(said(fx->err, "save the sheet as CSV (UTF-8)"));
	/* Asking for a sheet does not change what the file is said to be. */
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_set_sheet(fx->t, "Scores"), LM_OK);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_true(said(fx->err, "this is a zip archive"));
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_xlsx),
		cmocka_unit_test_setup_teardown(test_xls_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sheet_of_csv, setup, teardown),
#if defined(LM_HAVE_XLSX) && defined(LM_HAVE_XLSXWRITER)
		cmocka_unit_test_setup_teardown(test_shared_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sheets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_workbook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
#elif defined(LM_HAVE_XLSX)
		cmocka_unit_test(test_writer_missing),
#endif
#ifndef LM_HAVE_XLSX
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
