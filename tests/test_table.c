/*
 * Tests of the CSV table reader through the public API: RFC 4180 quoting,
 * line endings, header checks, per-row diagnostics, blank versus zero, long
 * records, and the same results from a buffer, a descriptor and a file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "libra_measures/libra_measures.h"

static int open_str(struct table_fx *fx, const char *data)
{
	return lm_table_open_buffer(fx->t, data, strlen(data), "data.csv", fx->err);
}

/* Read a whole table into a transcript: every row's number, line, id, score
 * and status, and every diagnostic. */
static char *transcript(struct table_fx *fx)
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
		str_printf(&b, "%d row=%lu line=%lu id=", r, lm_table_row(fx->t), lm_table_line(fx->t));
		if (id) {
			str_add(&b, "[", 1);
			str_add(&b, id, idlen);
			str_add(&b, "]", 1);
		} else {
			str_add(&b, "NULL", 4);
		}
		if (r == 1) {
			/* NaN prints as "nan" or "-nan" depending on its sign bit: not part of the contract. */
			double score = lm_scorer_scale_score(fx->s, 0);
			if (isnan(score))
				str_printf(&b, " total=-");
			else
				str_printf(&b, " total=%g", score);
			str_printf(&b, " answered=%zu %s", lm_scorer_scale_answered(fx->s, 0),
				   lm_score_status_name(lm_scorer_scale_status(fx->s, 0)));
		}
		str_add(&b, "\n", 1);
		for (size_t i = 0; i < lm_error_count(fx->err); i++)
			str_printf(&b, "  %s\n", lm_error_text(fx->err, i));
		if (r < 0 && r != LM_EDATA)
			break;
	}
	str_printf(&b, "read=%lu rejected=%lu", lm_table_rows_read(fx->t), lm_table_rows_rejected(fx->t));
	if (lm_table_rows_blank(fx->t))
		str_printf(&b, " blank=%lu", lm_table_rows_blank(fx->t));
	str_add(&b, "\n", 1);
	return b.s;
}

static void check_transcript(struct table_fx *fx, const char *data, const char *expected)
{
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, data), LM_OK);
	char *got = transcript(fx);
	assert_string_equal(got, expected);
	free(got);
}

/* ---- basics ----------------------------------------------------------- */

static void test_basic(void **state)
{
	struct table_fx *fx = *state;
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2,3\nB,5,5,5\n",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\n"
			 "1 row=2 line=3 id=[B] total=15 answered=3 ok\n"
			 "read=2 rejected=0\n");
	assert_string_equal(lm_table_name(fx->t), "data.csv");
	assert_string_equal(lm_table_id_column(fx->t), "id");
	/* After the end, next keeps returning 0. */
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 0);
}

static void test_quoted(void **state)
{
	struct table_fx *fx = *state;
	/* As R's write.csv writes it: every name and text quoted. */
	check_transcript(fx,
			 "\"id\",\"t_1\",\"t_2\",\"t_3\"\n"
			 "\"a,b\",1,\"2\",\"3\"\n"
			 "\"say \"\"hi\"\"\",\"\",4,\" 4 \"\n"
			 "\"\",1,1,1\n",
			 "1 row=1 line=2 id=[a,b] total=6 answered=3 ok\n"
			 "1 row=2 line=3 id=[say \"hi\"] total=12 answered=2 prorated\n"
			 "1 row=3 line=4 id=[] total=3 answered=3 ok\n"
			 "read=3 rejected=0\n");
}

static void test_quoted_newline(void **state)
{
	struct table_fx *fx = *state;
	check_transcript(fx,
			 "id,t_1,t_2,t_3\n"
			 "\"two\nlines\",1,1,1\n"
			 "\"three\r\n\r\nlines\",2,2,2\n"
			 "C,3,3,3\n",
			 "1 row=1 line=2 id=[two\nlines] total=3 answered=3 ok\n"
			 "1 row=2 line=4 id=[three\r\n\r\nlines] total=6 answered=3 ok\n"
			 "1 row=3 line=7 id=[C] total=9 answered=3 ok\n"
			 "read=3 rejected=0\n");
}

static void test_crlf_and_bom(void **state)
{
	struct table_fx *fx = *state;
	check_transcript(fx, "\xEF\xBB\xBFid,t_1,t_2,t_3\r\nA,1,2,3\r\nB,1,2,\r\n\"C\",1,2,\"3\"\r\n",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\n"
			 "1 row=2 line=3 id=[B] total=4.5 answered=2 prorated\n"
			 "1 row=3 line=4 id=[C] total=6 answered=3 ok\n"
			 "read=3 rejected=0\n");
	assert_string_equal(lm_table_id_column(fx->t), "id");
	/* A BOM elsewhere is data. */
	check_transcript(fx, "id,t_1,t_2,t_3\n\xEF\xBB\xBFX,1,1,1\n",
			 "1 row=1 line=2 id=[\xEF\xBB\xBFX] total=3 answered=3 ok\n"
			 "read=1 rejected=0\n");
}

static void test_end_of_file(void **state)
{
	struct table_fx *fx = *state;
	/* A last line without a newline counts. */
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2,3",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2,\"3\"",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	check_transcript(fx, "id,t_1,t_2,t_3\r\nA,1,2,3\r",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	/* Trailing empty lines make no rows. */
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2,3\n\n",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	check_transcript(fx, "id,t_1,t_2,t_3\r\nA,1,2,3\r\n\r\n\n\r\n",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	/* A header only. */
	check_transcript(fx, "id,t_1,t_2,t_3", "read=0 rejected=0\n");
	check_transcript(fx, "id,t_1,t_2,t_3\n\n", "read=0 rejected=0\n");
}

/* Empty lines and rows of bare delimiters (what spreadsheets leave) are blank
 * rows: no respondents, skipped and counted apart, keeping their row numbers. */
static void test_empty_line_inside(void **state)
{
	struct table_fx *fx = *state;
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2,3\n\n\r\nB,1,1,1\n",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\n"
			 "1 row=4 line=5 id=[B] total=3 answered=3 ok\n"
			 "read=2 rejected=0 blank=2\n");
}

static void test_blank_rows(void **state)
{
	struct table_fx *fx = *state;
	/* Before: ",,," rows were respondents with an empty id and no answers. */
	check_transcript(fx, "id,t_1,t_2,t_3\n,,,\nA,1,2,3\n , ,\t,\r\n\"\",\"\",,\"\"\n,,\nB,1,1,1\n,,,\n,,,\n",
			 "1 row=2 line=3 id=[A] total=6 answered=3 ok\n"
			 "1 row=6 line=7 id=[B] total=3 answered=3 ok\n"
			 "read=2 rejected=0 blank=6\n");
	/* A row with any text is a row; one with more fields than the header is
	 * rejected as before (the fields past the header are not kept). */
	check_transcript(fx, "id,t_1,t_2,t_3\n,,,x\n,,,,,\n",
			 "-8 row=1 line=2 id=[]\n"
			 "  data.csv:2:4: row 1, column \"t_3\": \"x\" is not a response of t_3 (allowed: 1, 2, 3, 4, 5, or their "
			 "labels: Never, Rarely, Sometimes, Often, Very often; missing code: -99 = Declined)\n"
			 "-8 row=2 line=3 id=[]\n"
			 "  data.csv:3: row 2 has 6 fields, header has 4\n"
			 "read=2 rejected=2\n");
	/* Blank rows where a Qualtrics header is looked for, and a table of blank rows only. */
	check_transcript(fx, "id,t_1,t_2,t_3\n,,,\n;;;\n", "-8 row=2 line=3 id=[;;;]\n"
			 "  data.csv:3: row 2 has 1 field, header has 4\n"
			 "read=1 rejected=1 blank=1\n");
	check_transcript(fx, "id,t_1,t_2,t_3\n,,,\n,,,\n", "read=0 rejected=0 blank=2\n");
	/* With no id column, the row number (blank rows counted) is the id. */
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
	assert_int_equal(lm_table_set_no_id(fx->t, 1), LM_OK);
	check_transcript(fx, "t_1,t_2,t_3\n1,2,3\n,,\n2,2,2\n",
			 "1 row=1 line=2 id=[1] total=6 answered=3 ok\n"
			 "1 row=3 line=4 id=[3] total=6 answered=3 ok\n"
			 "read=2 rejected=0 blank=1\n");
}

/* A table without its id column is refused, unless it is said to have none. */
static void test_no_id(void **state)
{
	struct table_fx *fx = *state;
	/* Before: read, every row with no id. */
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "ID,t_1,t_2,t_3\nA,1,2,3\n"), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_string_equal(lm_error_text(fx->err, 0),
			    "data.csv:1: no id column: no column is named \"id\" (the header has \"ID\", \"t_1\", \"t_2\", "
			    "\"t_3\"; \"ID\" differs in case); name the column of respondent ids "
			    "(lm_table_set_id_column()), or say that there is none (lm_table_set_no_id()) to have the "
			    "data row number identify each row");
	assert_int_equal(lm_table_next(fx->t, fx->s, NULL), LM_EINVAL);
	/* Long headers are cut short, and names quoted with their control bytes escaped. */
	struct str b = {0};
	str_printf(&b, "%s", "t_1,t_2,t_3,\"a\x1b[31mb\"");
	for (int c = 0; c < 30; c++)
		str_printf(&b, ",x%d", c);
	str_add(&b, "\n", 1);
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, b.s), LM_EDATA);
	free(b.s);
	assert_non_null(strstr(lm_error_message(fx->err, 0),
			       "(the header has \"t_1\", \"t_2\", \"t_3\", \"a\\x1B[31mb\", \"x0\", "));
	assert_non_null(strstr(lm_error_message(fx->err, 0), "\"x15\" and 14 more);"));
	/* Said to have none: rows are numbered, a column "id" is an ordinary one. */
	assert_int_equal(lm_table_set_no_id(fx->t, 2), LM_EINVAL);
	assert_int_equal(lm_table_set_no_id(NULL, 1), LM_EINVAL);
	assert_int_equal(lm_table_set_no_id(fx->t, 1), LM_OK);
	check_transcript(fx, "ID,t_1,t_2,t_3\nA,1,2,3\nB,1,1,1\n",
			 "1 row=1 line=2 id=[1] total=6 answered=3 ok\n"
			 "1 row=2 line=3 id=[2] total=3 answered=3 ok\n"
			 "read=2 rejected=0\n");
	assert_null(lm_table_id_column(fx->t));
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2,3\n", "1 row=1 line=2 id=[1] total=6 answered=3 ok\nread=1 rejected=0\n");
	/* Not while open. */
	assert_int_equal(lm_table_set_no_id(fx->t, 0), LM_EINVAL);
	/* An id column named undoes it; and 0 returns to the default. */
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
	assert_int_equal(lm_table_set_no_id(fx->t, 1), LM_OK);
	assert_int_equal(lm_table_set_id_column(fx->t, "ID"), LM_OK);
	check_transcript(fx, "ID,t_1,t_2,t_3\nA,1,2,3\n", "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
	assert_int_equal(lm_table_set_no_id(fx->t, 1), LM_OK);
	assert_int_equal(lm_table_set_no_id(fx->t, 0), LM_OK);
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2,3\n", "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	assert_int_equal(lm_table_rows_blank(NULL), 0);
}

static void test_field_count(void **state)
{
	struct table_fx *fx = *state;
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,2\nB,1,2,3,4,5\nC,1,1,1\n",
			 "-8 row=1 line=2 id=[A]\n"
			 "  data.csv:2: row 1 has 3 fields, header has 4\n"
			 "-8 row=2 line=3 id=[B]\n"
			 "  data.csv:3: row 2 has 6 fields, header has 4\n"
			 "1 row=3 line=4 id=[C] total=3 answered=3 ok\n"
			 "read=3 rejected=2\n");
}

static void test_unclosed_quote(void **state)
{
	struct table_fx *fx = *state;
	check_transcript(fx, "id,t_1,t_2,t_3\nA,1,1,1\nB,1,\"2\n,3\n",
			 "1 row=1 line=2 id=[A] total=3 answered=3 ok\n"
			 "-8 row=2 line=3 id=[B]\n"
			 "  data.csv:3:3: row 2: quoted field not closed before the end of the file\n"
			 "read=2 rejected=1\n");
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "id,\"t_1,t_2,t_3\n"), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_string_equal(lm_error_text(fx->err, 0),
			    "data.csv:1:2: header: quoted field not closed before the end of the file");
}

/* ---- header ----------------------------------------------------------- */

/* Open @p data expecting LM_EDATA and the diagnostics in @p expected (joined by newlines). */
static void check_header_error(struct table_fx *fx, const char *data, const char *expected)
{
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, data), LM_EDATA);
	struct str b = {0};
	str_add(&b, "", 0);
	for (size_t i = 0; i < lm_error_count(fx->err); i++) {
		assert_int_equal(lm_error_code(fx->err, i), LM_EDATA);
		str_printf(&b, "%s\n", lm_error_text(fx->err, i));
	}
	assert_string_equal(b.s, expected);
	free(b.s);
	/* A table whose open failed reads nothing. */
	assert_int_equal(lm_table_next(fx->t, fx->s, NULL), LM_EINVAL);
}

static void test_header_errors(void **state)
{
	struct table_fx *fx = *state;
	check_header_error(fx, "", "data.csv: empty file: no header row\n");
	check_header_error(fx, "\xEF\xBB\xBF", "data.csv: empty file: no header row\n");
	check_header_error(fx, "\n\r\n", "data.csv: empty file: no header row\n");
	check_header_error(fx, "\nid,t_1,t_2,t_3\n", "data.csv:1: the first line is empty: it must be the header row\n");
	/* Nothing close: the header's columns are listed. */
	check_header_error(fx, "id,t_1,t_2\n", "data.csv:1: no column for item t_3; the header has \"id\", \"t_1\", \"t_2\"\n");
	check_header_error(fx, "id,x,y\n1,2,3\n",
			   "data.csv:1: no column for items t_1, t_2, t_3; the header has \"id\", \"x\", \"y\"\n");
	check_header_error(fx, "id,t_1,t_2,t_3,t_2\n", "data.csv:1:5: duplicate column \"t_2\" (fields 3 and 5)\n");
	check_header_error(fx, "t_1,t_2,t_3\n",
			   "data.csv:1: no id column: no column is named \"id\" (the header has \"t_1\", \"t_2\", \"t_3\"); "
			   "name the column of respondent ids (lm_table_set_id_column()), or say that there is none "
			   "(lm_table_set_no_id()) to have the data row number identify each row\n");
	check_header_error(fx, "id,t_1,t_2,t_3,id\n", "data.csv:1:5: duplicate column \"id\" (fields 1 and 5)\n");
	/* Every problem at once. */
	check_header_error(fx, "id, t_1 ,t_4,t_1,id,t_4\n",
			   "data.csv:1:4: duplicate column \"t_1\" (fields 2 and 4)\n"
			   "data.csv:1:5: duplicate column \"id\" (fields 1 and 5)\n"
			   "data.csv:1:6: duplicate column \"t_4\" (fields 3 and 6)\n"
			   "data.csv:1: no column for items t_2, t_3; the header has \"id\", \"t_1\", \"t_4\", \"t_1\", "
			   "\"id\", \"t_4\"\n");
	assert_int_equal(lm_table_set_id_column(fx->t, "subject"), LM_OK);
	check_header_error(fx, "id,t_1,t_3\n",
			   "data.csv:1: no column for item t_2\n"
			   "data.csv:1: id column \"subject\" is not in the header (its columns: \"id\", \"t_1\", \"t_3\")\n");
}

/* Errors that say how to find the item columns; names that differ only in case. */
static void test_header_hints(void **state)
{
	struct table_fx *fx = *state;
	/* Every missing item under one prefix: say which, naming the setting. */
	check_header_error(fx, "id,Q5_t_1,Q5_t_2,Q5_t_3\n",
			   "data.csv:1: no column for items t_1, t_2, t_3; the header has them all under the prefix "
			   "\"Q5_\": set it as the column prefix (lm_table_set_prefix())\n");
	/* Near names: the closest unused column for each item. */
	check_header_error(fx, "id,t1,t_2,T-3,note\n",
			   "data.csv:1: no column for items t_1, t_3; the closest names in the header: \"t1\" for t_1, "
			   "\"T-3\" for t_3; if those are the items' columns, name them (lm_table_map_column())\n");
	/* The same name in another case twice is a duplicate. */
	check_header_error(fx, "id,T_1,t_2,t_3,T_1\n", "data.csv:1:5: duplicate column \"T_1\" (fields 2 and 5)\n");
	/* Two names that differ from the item's only in case, and from each other: ambiguous. */
	assert_int_equal(lm_table_set_prefix(fx->t, "q"), LM_OK);
	check_header_error(fx, "id,Qt_1,qt_2,qt_3,QT_1\n",
			   "data.csv:1:5: no column for item t_1: the header has \"Qt_1\" and \"QT_1\", which differ from "
			   "\"qt_1\" only in case; name its column (lm_table_map_column())\n");
}

/* A column named as an item in another case is taken when it is the only one, and counted. */
static void test_header_any_case(void **state)
{
	struct table_fx *fx = *state;
	assert_int_equal(lm_table_case_matches(fx->t), 0);
	check_transcript(fx, "id,T_1,t_2,T_3\nA,1,2,3\n",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
	assert_int_equal(lm_table_case_matches(fx->t), 2);
	assert_int_equal(lm_table_case_matches(NULL), 0);
	/* A bad value names the column as the header has it. */
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "id,T_1,t_2,t_3\nA,9,2,3\n"), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "column \"T_1\": \"9\" is not a response of t_1"));
	/* The id column is matched exactly: "ID" is not "id". */
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "ID,t_1,t_2,t_3\n"), LM_EDATA);
}

/* A value that looks like a package's missing value says how to declare it, once per text. */
static void test_missing_hint(void **state)
{
	struct table_fx *fx = *state;
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "id,t_1,t_2,t_3\nA,NA,.,-9\nB,NA,2,3\nC,7,2,3\n"), LM_OK);
	while (lm_table_next(fx->t, fx->s, fx->err) != 0)
		;
	assert_int_equal(lm_error_count(fx->err), 5);
	assert_non_null(strstr(lm_error_message(fx->err, 0),
			       "; if \"NA\" means missing, declare it a missing-value token (lm_table_add_missing())"));
	assert_non_null(strstr(lm_error_message(fx->err, 1), "; if \".\" means missing"));
	assert_non_null(strstr(lm_error_message(fx->err, 2), "; if \"-9\" means missing"));
	assert_null(strstr(lm_error_message(fx->err, 3), "means missing")); /* NA again */
	assert_null(strstr(lm_error_message(fx->err, 4), "means missing")); /* 7 is no missing value */
	/* Declared, it is blank. */
	lm_error_clear(fx->err);
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
	assert_int_equal(lm_table_add_missing(fx->t, "NA"), LM_OK);
	check_transcript(fx, "id,t_1,t_2,t_3\nA,NA,2,3\n",
			 "1 row=1 line=2 id=[A] total=7.5 answered=2 prorated\nread=1 rejected=0\n");
}

static void test_header_ok(void **state)
{
	struct table_fx *fx = *state;
	/* Names are trimmed; other columns are ignored, even when repeated; the filler is optional. */
	check_transcript(fx, "note, t_3 ,note,t_2\t,t_1, id \nx,1,y,2,3,z\n",
			 "1 row=1 line=2 id=[z] total=6 answered=3 ok\nread=1 rejected=0\n");
	assert_string_equal(lm_table_id_column(fx->t), "id");
	/* Not once opened: the header was matched with the old one. */
	assert_int_equal(lm_table_set_id_column(fx->t, "Subject No"), LM_EINVAL);
	assert_int_equal(lm_table_set_id_column(NULL, "Subject No"), LM_EINVAL);
	/* An explicit id column, kept exactly: spaces and leading zeros. */
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
	assert_int_equal(lm_table_set_id_column(fx->t, "Subject No"), LM_OK);
	check_transcript(fx, "id,t_1,t_2,t_3, Subject No \nA,1,2,3, 007 \n",
			 "1 row=1 line=2 id=[ 007 ] total=6 answered=3 ok\nread=1 rejected=0\n");
	assert_string_equal(lm_table_id_column(fx->t), "Subject No");
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
	assert_int_equal(lm_table_set_id_column(fx->t, "Subject No"), LM_OK);
	assert_int_equal(lm_table_set_id_column(fx->t, NULL), LM_OK);
	check_transcript(fx, "t_1,t_2,t_3,id\n1,2,3,0042\n",
			 "1 row=1 line=2 id=[0042] total=6 answered=3 ok\nread=1 rejected=0\n");
}

static void test_delimiter(void **state)
{
	struct table_fx *fx = *state;
	assert_int_equal(lm_table_set_delimiter(fx->t, '"'), LM_EINVAL);
	assert_int_equal(lm_table_set_delimiter(fx->t, '\n'), LM_EINVAL);
	assert_int_equal(lm_table_set_delimiter(fx->t, '\r'), LM_EINVAL);
	assert_int_equal(lm_table_set_delimiter(fx->t, ';'), LM_OK);
	check_transcript(fx, "id;t_1;t_2;t_3\n\"a;b\";1;2;3\nc,d;1;1;1\n",
			 "1 row=1 line=2 id=[a;b] total=6 answered=3 ok\n"
			 "1 row=2 line=3 id=[c,d] total=3 answered=3 ok\n"
			 "read=2 rejected=0\n");
	/* Not once opened: the header was split with the old one. */
	assert_int_equal(lm_table_set_delimiter(fx->t, '\t'), LM_EINVAL);
	assert_int_equal(lm_table_set_delimiter(NULL, ';'), LM_EINVAL);
	lm_table_free(fx->t);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);
	assert_int_equal(lm_table_set_delimiter(fx->t, '\t'), LM_OK);
	check_transcript(fx, "id\tt_1\tt_2\tt_3\nA\t1\t 2\t3\n",
			 "1 row=1 line=2 id=[A] total=6 answered=3 ok\nread=1 rejected=0\n");
}

/* ---- values ----------------------------------------------------------- */

static void test_bad_values(void **state)
{
	struct table_fx *fx = *state;
	check_transcript(fx,
			 "id,t_1,t_2,t_3,t_4\n"
			 "A,1,1,1,1\n"
			 "B,7,2,\"x\"\"y\",0\n"
			 "C,1e0,Sometimes,4,1\n",
			 "1 row=1 line=2 id=[A] total=3 answered=3 ok\n"
			 "-8 row=2 line=3 id=[B]\n"
			 "  data.csv:3:2: row 2, column \"t_1\": \"7\" is not a response of t_1 (allowed: 1, 2, 3, "
			 "4, 5; missing code: -99)\n"
			 "  data.csv:3:4: row 2, column \"t_3\": \"x\\\"y\" is not a response of t_3 (allowed: 1, 2, "
			 "3, 4, 5, or their labels: Never, Rarely, Sometimes, Often, Very often; missing code: -99 = Declined)\n"
			 "  data.csv:3:5: row 2, column \"t_4\": \"0\" is not a response of t_4 (allowed: 1, 2, 3, "
			 "4, 5; missing code: -99)\n"
			 "-8 row=3 line=4 id=[C]\n"
			 "  data.csv:4:2: row 3, column \"t_1\": \"1e0\" is not a response of t_1 (allowed: 1, 2, "
			 "3, 4, 5, or their labels: Never, Rarely, Sometimes, Often, Very often; missing code: -99 = Declined)\n"
			 "read=3 rejected=2\n");
	/* The parts of a diagnostic. */
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "id,t_1,t_2,t_3\n\"multi\nline\",1,2,3\nX,1,9,3\n"), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_int_equal(lm_error_code(fx->err, 0), LM_EDATA);
	assert_string_equal(lm_error_file(fx->err, 0), "data.csv");
	assert_int_equal(lm_error_line(fx->err, 0), 4);
	assert_int_equal(lm_error_column(fx->err, 0), 3);
	assert_string_equal(lm_error_message(fx->err, 0),
			    "row 2, column \"t_2\": \"9\" is not a response of t_2 (allowed: 1, 2, 3, 4, 5; missing code: -99)");
	/* A long bad cell is quoted in part, control characters escaped. */
	lm_error_clear(fx->err);
	char data[400];
	snprintf(data, sizeof(data), "id,t_1,t_2,t_3\nA,1,2,%s\tend\n",
		 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	assert_int_equal(open_str(fx, data), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_string_equal(lm_error_message(fx->err, 0),
			    "row 1, column \"t_3\": \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh...\" is "
			    "not a response of t_3 (allowed: 1, 2, 3, 4, 5, or their labels: Never, Rarely, Sometimes, Often, Very often; missing code: -99 = Declined)");
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "id,t_1,t_2,t_3\nA,1,2,\"a\tb\"\n"), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_string_equal(lm_error_message(fx->err, 0),
			    "row 1, column \"t_3\": \"a\\x09b\" is not a response of t_3 (allowed: 1, 2, 3, 4, 5, "
			    "or their labels: Never, Rarely, Sometimes, Often, Very often; missing code: -99 = Declined)");
	/* Without an error list the row is still rejected. */
	assert_int_equal(open_str(fx, "id,t_1,t_2,t_3\nA,1,2,6\n"), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, NULL), LM_EDATA);
	assert_int_equal(lm_table_rows_rejected(fx->t), 1);
}

static void test_labels_and_codes(void **state)
{
	struct table_fx *fx = *state;
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "id,t_1,t_2,t_3,t_4\n"
				      "A,often, VERY OFTEN ,Never,rarely\n"
				      "B,-99,declined,3,\n"
				      "C,3.0,\" 2 \",-99.0,Declined\n"),
			 LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_scorer_value(fx->s, 0), 4);
	assert_int_equal(lm_scorer_value(fx->s, 1), 5);
	assert_int_equal(lm_scorer_value(fx->s, 2), 1);
	assert_int_equal(lm_scorer_value(fx->s, 3), 2);
	assert_true(lm_scorer_scale_score(fx->s, 0) == 10);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_scorer_value_state(fx->s, 0), LM_VALUE_CODED);
	assert_int_equal(lm_scorer_value_state(fx->s, 1), LM_VALUE_CODED);
	assert_int_equal(lm_scorer_value_state(fx->s, 3), LM_VALUE_BLANK);
	assert_int_equal(lm_scorer_scale_answered(fx->s, 0), 1);
	assert_int_equal(lm_scorer_scale_coded(fx->s, 0), 2);
	assert_int_equal(lm_scorer_scale_status(fx->s, 0), LM_SCORE_INSUFFICIENT);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_scorer_value(fx->s, 0), 3);
	assert_int_equal(lm_scorer_value(fx->s, 1), 2);
	assert_int_equal(lm_scorer_value_state(fx->s, 2), LM_VALUE_CODED);
	assert_int_equal(lm_scorer_value_state(fx->s, 3), LM_VALUE_CODED);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 0);
	assert_int_equal(lm_error_count(fx->err), 0);
}

static void test_blank_is_not_zero(void **state)
{
	struct table_fx *fx = *state;
	lm_error_clear(fx->err);
	assert_int_equal(open_str(fx, "id,t_1,t_2,t_3\nA,1,,3\nB,1,\"\",3\nC,1,  ,3\nD,1,0,3\n"), LM_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		assert_int_equal(lm_scorer_value_state(fx->s, 1), LM_VALUE_BLANK);
		assert_true(isnan(lm_scorer_value(fx->s, 1)));
		assert_int_equal(lm_scorer_scale_answered(fx->s, 0), 2);
		assert_true(lm_scorer_scale_score(fx->s, 0) == 6);
		assert_int_equal(lm_scorer_scale_status(fx->s, 0), LM_SCORE_PRORATED);
	}
	/* 0 is a value, and not one of these items' responses. */
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_int_equal(lm_error_column(fx->err, 0), 3);
}

/* ---- limits, sources -------------------------------------------------- */

static char *long_id_data(size_t idlen, int quoted)
{
	char *data = malloc(idlen + 100);
	assert_non_null(data);
	size_t n = (size_t)sprintf(data, "id,t_1,t_2,t_3\nA,1,1,1\n");
	if (quoted)
		data[n++] = '"';
	for (size_t i = 0; i < idlen; i++)
		data[n++] = (char)('a' + i % 26);
	if (quoted)
		data[n++] = '"';
	n += (size_t)sprintf(data + n, ",2,2,2\nB,3,3,3\n");
	return data;
}

static char *write_temp(const char *data, size_t len);

/*
 * A pipe fed by a thread in pieces: 0 < size <= max, from a seeded sequence
 * (max 0: everything at once). A thread rather than a forked child, so that
 * leak checkers see one process.
 */
struct feeder {
	int fd;
	const char *data;
	size_t len, max;
	unsigned long long seed;
	pthread_t thread;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	size_t off = 0;
	unsigned long long x = f->seed;
	while (off < f->len) {
		size_t n = f->len - off;
		if (f->max) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			size_t k = 1 + (size_t)(x >> 33) % f->max;
			n = k < n ? k : n;
		}
		ssize_t w = write(f->fd, f->data + off, n);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

/* Start feeding @p data through a pipe; returns the read end. */
static int feeder_start(struct feeder *f, const char *data, size_t len, size_t max, unsigned long long seed)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	f->fd = p[1];
	f->data = data;
	f->len = len;
	f->max = max;
	f->seed = seed;
	assert_int_equal(pthread_create(&f->thread, NULL, feed, f), 0);
	return p[0];
}

static void feeder_join(struct feeder *f, int read_fd)
{
	close(read_fd); /* a feeder still writing gets EPIPE */
	pthread_join(f->thread, NULL);
}

/* Open @p data from a buffer (how 0), a file (1) or a pipe (2). */
static void open_via(struct table_fx *fx, const char *data, size_t len, int how, int *fd, struct feeder *f)
{
	*fd = -1;
	if (how == 0) {
		assert_int_equal(lm_table_open_buffer(fx->t, data, len, "data.csv", fx->err), LM_OK);
		return;
	}
	if (how == 1) {
		char *path = write_temp(data, len);
		*fd = open(path, O_RDONLY);
		unlink(path);
		free(path);
		assert_true(*fd >= 0);
		assert_int_equal(lm_table_open_fd(fx->t, *fd, "data.csv", fx->err), LM_OK);
		f->fd = -1;
		return;
	}
	*fd = feeder_start(f, data, len, 0, 0);
	assert_int_equal(lm_table_open_fd(fx->t, *fd, "data.csv", fx->err), LM_OK);
}

static void close_via(int how, int fd, struct feeder *f)
{
	if (how == 2)
		feeder_join(f, fd);
	else if (fd >= 0)
		close(fd);
}

static void check_long_id(struct table_fx *fx, size_t idlen, int quoted)
{
	char *data = long_id_data(idlen, quoted);
	size_t skip = strlen("id,t_1,t_2,t_3\nA,1,1,1\n") + (quoted ? 1 : 0);
	for (int how = 0; how < 3; how++) {
		lm_error_clear(fx->err);
		int fd;
		struct feeder f;
		open_via(fx, data, strlen(data), how, &fd, &f);
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		size_t len;
		const char *id = lm_table_row_id(fx->t, &len);
		assert_int_equal(len, idlen);
		assert_int_equal(strlen(id), idlen);
		assert_memory_equal(id, data + skip, idlen);
		assert_true(lm_scorer_scale_score(fx->s, 0) == 6);
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		assert_int_equal(lm_table_line(fx->t), 4);
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 0);
		close_via(how, fd, &f);
	}
	free(data);
}

static void test_long_record(void **state)
{
	struct table_fx *fx = *state;
	check_long_id(fx, 200 * 1000, 0);
	check_long_id(fx, 200 * 1000, 1);
	/* Beyond the 1 MiB limit: an error with a location, and no more reading. */
	for (int quoted = 0; quoted < 2; quoted++) {
		char *data = long_id_data(1024 * 1024 + 10, quoted);
		for (int how = 0; how < 3; how++) {
			lm_error_clear(fx->err);
			int fd;
			struct feeder f;
			open_via(fx, data, strlen(data), how, &fd, &f);
			assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
			assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_ELIMIT);
			assert_int_equal(lm_error_count(fx->err), 1);
			assert_int_equal(lm_error_code(fx->err, 0), LM_ELIMIT);
			assert_int_equal(lm_error_line(fx->err, 0), 3);
			assert_string_equal(lm_error_file(fx->err, 0), "data.csv");
			assert_true(lm_table_next(fx->t, fx->s, fx->err) < 0);
			close_via(how, fd, &f);
		}
		free(data);
	}
	/* Just under it is fine. */
	char *data = long_id_data(1024 * 1024 - 100, 0);
	int fd;
	struct feeder f;
	open_via(fx, data, strlen(data), 1, &fd, &f);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
	close_via(1, fd, &f);
	free(data);
}

/* Generated data that puts the 64 KiB read boundaries everywhere: inside
 * quotes, between CR and LF, inside doubled quotes. */
static char *make_mixed(size_t rows)
{
	struct str b = {0};
	str_printf(&b, "%s", "\xEF\xBB\xBF\"id\",t_1,t_2,\"t_3\",note\r\n");
	unsigned x = 12345;
	for (size_t r = 0; r < rows; r++) {
		x = x * 1103515245u + 12345u;
		unsigned k = (x >> 16) % 11;
		switch (k) {
		case 0:
			str_printf(&b, "\"id %zu\r\nwith \"\"quotes\"\"\",%u,%u,%u,\"n,n\"\r\n", r, 1 + (x >> 8) % 5,
				   1 + (x >> 10) % 5, 1 + (x >> 12) % 5);
			break;
		case 1:
			str_printf(&b, "r%zu,%u,,%u,x\n", r, 1 + (x >> 8) % 5, 1 + (x >> 12) % 5);
			break;
		case 2:
			str_printf(&b, "r%zu,often,Never,-99,\n", r);
			break;
		case 3:
			str_printf(&b, "r%zu,9,1,1,x\r\n", r);
			break;
		case 4:
			str_printf(&b, "r%zu,1,1\n", r);
			break;
		case 5:
			str_add(&b, "\n", 1);
			break;
		default:
			str_printf(&b, "%010zu,%u,%u,%u,\"%*s\"\r\n", r, 1 + (x >> 8) % 5, 1 + (x >> 10) % 5,
				   1 + (x >> 12) % 5, (int)((x >> 4) % 40), "");
			break;
		}
	}
	str_printf(&b, "%s", "last,1,2,3,no newline");
	return b.s;
}

static char *write_temp(const char *data, size_t len)
{
	char *path = strdup("/tmp/lm_test_table_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_sources_agree(void **state)
{
	struct table_fx *fx = *state;
	char *data = make_mixed(20000);
	size_t len = strlen(data);
	assert_true(len > 4 * 65536);

	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_buffer(fx->t, data, len, "data.csv", fx->err), LM_OK);
	char *from_buffer = transcript(fx);

	char *path = write_temp(data, len);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	assert_string_equal(lm_table_name(fx->t), path);
	assert_int_equal(lm_table_open_buffer(fx->t, data, len, path, fx->err), LM_OK);
	char *from_buffer2 = transcript(fx);
	assert_int_equal(lm_table_open_file(fx->t, path, fx->err), LM_OK);
	char *from_file = transcript(fx);
	assert_string_equal(from_file, from_buffer2);

	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lm_table_open_fd(fx->t, fd, "data.csv", fx->err), LM_OK);
	char *from_fd = transcript(fx);
	assert_string_equal(from_fd, from_buffer);
	/* The descriptor is not closed by the table. */
	lm_table_free(fx->t);
	fx->t = NULL;
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(lm_table_new(&fx->t, fx->inst), LM_OK);

	/* A pipe, written in small uneven pieces. */
	struct feeder f;
	int rfd = feeder_start(&f, data, len, 9973, 1);
	assert_int_equal(lm_table_open_fd(fx->t, rfd, "data.csv", fx->err), LM_OK);
	char *from_pipe = transcript(fx);
	feeder_join(&f, rfd);
	assert_string_equal(from_pipe, from_buffer);
	close(fd);

	/* The transcript holds every kind of row. */
	assert_non_null(strstr(from_buffer, "with \"quotes\"]"));
	assert_non_null(strstr(from_buffer, " blank=")); /* empty lines */
	assert_non_null(strstr(from_buffer, "has 3 fields, header has 5"));
	assert_non_null(strstr(from_buffer, "\"9\" is not a response"));
	assert_non_null(strstr(from_buffer, "id=[last] total=6"));

	unlink(path);
	free(path);
	free(data);
	free(from_buffer);
	free(from_buffer2);
	free(from_file);
	free(from_fd);
	free(from_pipe);
}

/* A tiny deterministic generator for the randomized test. */
static unsigned rnd(unsigned long long *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(*x >> 33);
}

/* Append a random field: text from an alphabet of awkward bytes, quoted when
 * it must be and sometimes when it need not be. */
static void random_field(struct str *b, struct str *raw, unsigned long long *x)
{
	static const char *alphabet[] = {"a", "Z", "1", " ", ",", "\"", "\r", "\n", "\r\n", "\xc3\xa9", ";", "\t"};
	unsigned n = rnd(x) % 9;
	if (rnd(x) % 8 == 0)
		n = 300 + rnd(x) % 5000; /* now and then a long one */
	raw->len = 0;
	str_add(raw, "", 0);
	int must = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *a = alphabet[rnd(x) % (sizeof(alphabet) / sizeof(alphabet[0]))];
		must |= strpbrk(a, ",\"\r\n") != NULL;
		str_add(raw, a, strlen(a));
	}
	if (!must && rnd(x) % 3) {
		str_add(b, raw->s, raw->len);
		return;
	}
	str_add(b, "\"", 1);
	for (size_t i = 0; i < raw->len; i++) {
		if (raw->s[i] == '"')
			str_add(b, "\"", 1);
		str_add(b, raw->s + i, 1);
	}
	str_add(b, "\"", 1);
}

static void test_random_round_trip(void **state)
{
	struct table_fx *fx = *state;
	enum { ROWS = 3000 };
	struct str b = {0}, raw = {0};
	char **ids = calloc(ROWS, sizeof(*ids));
	unsigned long *lines = calloc(ROWS, sizeof(*lines));
	assert_true(ids && lines);
	unsigned long long x = 42;
	str_printf(&b, "%s", "junk,id,t_1,t_2,t_3,more\r\n");
	unsigned long line = 2;
	for (int r = 0; r < ROWS; r++) {
		lines[r] = line;
		size_t start = b.len;
		random_field(&b, &raw, &x);
		str_add(&b, ",", 1);
		random_field(&b, &raw, &x);
		ids[r] = strdup(raw.s);
		str_printf(&b, ",%u,\"%u\",%u,", 1 + rnd(&x) % 5, 1 + rnd(&x) % 5, 1 + rnd(&x) % 5);
		random_field(&b, &raw, &x);
		str_printf(&b, "%s", rnd(&x) % 2 ? "\r\n" : "\n");
		for (size_t i = start; i < b.len; i++)
			line += b.s[i] == '\n';
	}
	for (int pass = 0; pass < 2; pass++) {
		lm_error_clear(fx->err);
		struct feeder f;
		int rfd = -1;
		if (pass == 0) {
			assert_int_equal(lm_table_open_buffer(fx->t, b.s, b.len, "data.csv", fx->err), LM_OK);
		} else {
			rfd = feeder_start(&f, b.s, b.len, 3000, 7);
			/* Non-blocking: reads often find the pipe empty. */
			assert_int_equal(fcntl(rfd, F_SETFL, O_NONBLOCK), 0);
			assert_int_equal(lm_table_open_fd(fx->t, rfd, "data.csv", fx->err), LM_OK);
		}
		for (int r = 0; r < ROWS; r++) {
			assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
			size_t len;
			const char *id = lm_table_row_id(fx->t, &len);
			assert_int_equal(len, strlen(ids[r]));
			assert_memory_equal(id, ids[r], len);
			assert_int_equal(lm_table_line(fx->t), lines[r]);
		}
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 0);
		assert_int_equal(lm_error_count(fx->err), 0);
		if (pass == 1)
			feeder_join(&f, rfd);
	}
	for (int r = 0; r < ROWS; r++)
		free(ids[r]);
	free(ids);
	free(lines);
	free(b.s);
	free(raw.s);
}

/* ---- text that goes into the outputs ----------------------------------- */

/* An id (or a required column) must be UTF-8 text without NUL bytes: it is
 * written into CSV and JSON as it is. Anything else rejects the row, saying
 * which byte; values of items are checked as responses instead. */
static void test_text_checks(void **state)
{
	struct table_fx *fx = *state;
	static const struct {
		const char *id;
		size_t len;
		const char *why; /* NULL: accepted */
	} cases[] = {
		{"plain", 5, NULL},
		{"\xC3\xA9t\xC3\xA9", 5, NULL},              /* été */
		{"\xE2\x82\xAC", 3, NULL},                   /* the euro sign */
		{"\xF0\x9F\x98\x80", 4, NULL},               /* U+1F600 */
		{"\xF4\x8F\xBF\xBF", 4, NULL},               /* U+10FFFF, the last code point */
		{"a\0b", 3, "holds a NUL byte (byte 2)"},
		{"caf\xE9", 4, "is not valid UTF-8 (byte 4, 0xE9)"}, /* Latin-1 */
		{"\xC0\x80", 2, "is not valid UTF-8 (byte 1, 0xC0)"}, /* overlong NUL */
		{"\xE0\x80\xAF", 3, "is not valid UTF-8 (byte 1, 0xE0)"}, /* overlong '/' */
		{"\xED\xA0\x80", 3, "is not valid UTF-8 (byte 1, 0xED)"}, /* a surrogate */
		{"\xF4\x90\x80\x80", 4, "is not valid UTF-8 (byte 1, 0xF4)"}, /* past U+10FFFF */
		{"ab\xE2\x82", 4, "is not valid UTF-8 (byte 3, 0xE2)"}, /* cut short */
		{"\x80", 1, "is not valid UTF-8 (byte 1, 0x80)"}, /* a lone continuation byte */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct str b = {0};
		str_add(&b, "id,t_1,t_2,t_3\n", 15);
		str_add(&b, cases[i].id, cases[i].len);
		str_add(&b, ",1,2,3\nnext,1,1,1\n", 18);
		lm_error_clear(fx->err);
		assert_int_equal(lm_table_open_buffer(fx->t, b.s, b.len, "data.csv", fx->err), LM_OK);
		int r = lm_table_next(fx->t, fx->s, fx->err);
		if (!cases[i].why) {
			assert_int_equal(r, 1);
			assert_int_equal(lm_error_count(fx->err), 0);
		} else {
			assert_int_equal(r, LM_EDATA);
			assert_int_equal(lm_error_count(fx->err), 1);
			assert_int_equal(lm_error_line(fx->err, 0), 2);
			assert_int_equal(lm_error_column(fx->err, 0), 1);
			assert_non_null(strstr(lm_error_message(fx->err, 0), cases[i].why));
			assert_non_null(strstr(lm_table_row_problem(fx->t), cases[i].why));
			assert_int_equal(lm_table_rows_rejected_for(fx->t, LM_REJECT_TEXT), 1);
			assert_int_equal(lm_table_rows_rejected_for(fx->t, LM_REJECT_VALUE), 0);
		}
		/* The id is still given as it was read, and reading goes on. */
		size_t len;
		const char *id = lm_table_row_id(fx->t, &len);
		assert_int_equal(len, cases[i].len);
		assert_memory_equal(id, cases[i].id, len);
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 0);
		free(b.s);
	}

	/* A bad id and a bad value in one row: both said; the row counts once. */
	lm_error_clear(fx->err);
	const char both[] = "id,t_1,t_2,t_3\n\xFF,9,1,1\n";
	assert_int_equal(lm_table_open_buffer(fx->t, both, sizeof(both) - 1, "data.csv", fx->err), LM_OK);
	assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), LM_EDATA);
	assert_int_equal(lm_error_count(fx->err), 2);
	assert_int_equal(lm_table_rows_rejected(fx->t), 1);
	assert_int_equal(lm_table_rows_rejected_for(fx->t, LM_REJECT_TEXT), 1);

	/* A required column (a group, say) is held to the same rule. */
	lm_table *t;
	size_t group;
	assert_int_equal(lm_table_new(&t, fx->inst), LM_OK);
	assert_int_equal(lm_table_require_column(t, "group", &group), LM_OK);
	lm_error_clear(fx->err);
	const char grouped[] = "id,group,t_1,t_2,t_3\nA,caf\xE9,1,1,1\nB,caf\xC3\xA9,1,1,1\n";
	assert_int_equal(lm_table_open_buffer(t, grouped, sizeof(grouped) - 1, "data.csv", fx->err), LM_OK);
	assert_int_equal(lm_table_next(t, fx->s, fx->err), LM_EDATA);
	assert_string_equal(lm_error_text(fx->err, 0),
			    "data.csv:2:2: row 1, column \"group\": the value is not valid UTF-8 (byte 4, 0xE9); "
			    "save the file as UTF-8");
	assert_int_equal(lm_table_next(t, fx->s, fx->err), 1);
	lm_table_free(t);
}

/* A header of more than 65,536 columns is refused; that many is read. */
static void test_column_limit(void **state)
{
	struct table_fx *fx = *state;
	assert_int_equal(lm_table_set_no_id(fx->t, 1), LM_OK);
	for (size_t extra = 65533; extra <= 65534; extra++) {
		struct str b = {0};
		str_add(&b, "t_1,t_2,t_3", 11);
		for (size_t c = 0; c < extra; c++)
			str_add(&b, ",x", 2);
		str_add(&b, "\n1,1,1", 6);
		for (size_t c = 0; c < extra; c++)
			str_add(&b, ",", 1);
		str_add(&b, "\n", 1);
		lm_error_clear(fx->err);
		int r = lm_table_open_buffer(fx->t, b.s, b.len, "data.csv", fx->err);
		if (extra == 65533) {
			assert_int_equal(r, LM_OK);
			assert_int_equal(lm_table_next(fx->t, fx->s, fx->err), 1);
		} else {
			assert_int_equal(r, LM_ELIMIT);
			assert_string_equal(lm_error_text(fx->err, 0),
					    "data.csv:1: the header has 65537 columns, more than the limit of 65536");
		}
		free(b.s);
	}
}

/* ---- data-driven cases ------------------------------------------------ */

/*
 * Every folder tests/data/tables/CASE holds data.csv, the transcript it must
 * give (expected, in the format of transcript(), after a line "qualtrics" when
 * the table was taken for a Qualtrics export; or "open: STATUS" and the
 * diagnostics when opening fails) and optionally:
 * - instrument.yaml, the instrument to read with (else the one above);
 * - options, lines of "id_column=NAME", "delimiter=C" ("tab" for a tab),
 *   "prefix=P", "map=ITEM=COLUMN", "map_file=FILE" (a file in the folder) or
 *   "missing=TOKEN". A mapping that fails adds "map: STATUS" and its
 *   diagnostics to the transcript, before the rows.
 * The table is read as "data.csv" so that the expected text does not depend
 * on where the tree is. Adding a case is adding a folder.
 */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct str b = {0};
	str_add(&b, "", 0);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_add(&b, buf, n);
	fclose(f);
	return b.s;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Diagnostics of a failed call, for the transcript; file names are cut to their last part. */
static void add_failure(struct str *got, const char *what, int r, const lm_error *err)
{
	str_printf(got, "%s: %d\n", what, r);
	for (size_t i = 0; i < lm_error_count(err); i++) {
		const char *text = lm_error_text(err, i), *slash = strrchr(text, '/');
		const char *colon = strchr(text, ':');
		str_printf(got, "  %s\n", slash && colon && slash < colon ? slash + 1 : text);
	}
}

static void run_case(struct table_fx *fx, const char *dir, const char *name)
{
	char path[1400];
	struct str got = {0};
	str_add(&got, "", 0);
	lm_instrument *inst = fx->inst;
	lm_scorer *scorer = fx->s;
	snprintf(path, sizeof(path), "%s/%s/instrument.yaml", dir, name);
	if (access(path, F_OK) == 0) {
		lm_error_clear(fx->err);
		if (lm_instrument_load_file(&inst, path, fx->err) != LM_OK) {
			print_error("case %s: %s\n", name, lm_error_text(fx->err, 0));
			fail();
		}
		assert_int_equal(lm_scorer_new(&scorer, inst), LM_OK);
	}
	lm_table *t;
	assert_int_equal(lm_table_new(&t, inst), LM_OK);
	snprintf(path, sizeof(path), "%s/%s/options", dir, name);
	char *options = read_text(path);
	for (char *line = options ? strtok(options, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		lm_error_clear(fx->err);
		if (strncmp(line, "id_column=", 10) == 0) {
			assert_int_equal(lm_table_set_id_column(t, line + 10), LM_OK);
		} else if (strncmp(line, "delimiter=", 10) == 0) {
			char d = strcmp(line + 10, "tab") == 0 ? '\t' : line[10];
			assert_int_equal(lm_table_set_delimiter(t, d), LM_OK);
		} else if (strncmp(line, "prefix=", 7) == 0) {
			assert_int_equal(lm_table_set_prefix(t, line + 7), LM_OK);
		} else if (strncmp(line, "missing=", 8) == 0) {
			assert_int_equal(lm_table_add_missing(t, line + 8), LM_OK);
		} else if (strncmp(line, "map=", 4) == 0 && strchr(line + 4, '=')) {
			char *eq = strchr(line + 4, '=');
			*eq = '\0';
			int r = lm_table_map_column(t, line + 4, eq + 1, fx->err);
			if (r != LM_OK)
				add_failure(&got, "map", r, fx->err);
		} else if (strncmp(line, "map_file=", 9) == 0) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, name, line + 9);
			int r = lm_table_read_map(t, path, fx->err);
			if (r != LM_OK)
				add_failure(&got, "map", r, fx->err);
		} else {
			print_error("case %s: unknown option \"%s\"\n", name, line);
			fail();
		}
	}
	free(options);
	snprintf(path, sizeof(path), "%s/%s/data.csv", dir, name);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	lm_error_clear(fx->err);
	lm_table *saved = fx->t;
	lm_scorer *saved_s = fx->s;
	fx->t = t;
	fx->s = scorer;
	int r = lm_table_open_fd(t, fd, "data.csv", fx->err);
	if (r == LM_OK) {
		if (lm_table_is_qualtrics(t))
			str_add(&got, "qualtrics\n", 10);
		char *rows = transcript(fx);
		str_add(&got, rows, strlen(rows));
		free(rows);
	} else {
		add_failure(&got, "open", r, fx->err);
	}
	fx->t = saved;
	fx->s = saved_s;
	close(fd);
	lm_table_free(t);
	if (inst != fx->inst) {
		lm_scorer_free(scorer);
		lm_instrument_free(inst);
	}
	snprintf(path, sizeof(path), "%s/%s/expected", dir, name);
	char *expected = read_text(path);
	if (!expected || strcmp(expected, got.s) != 0) {
		print_error("case %s: expected\n%s\ngot\n%s\n", name, expected ? expected : "(no file)", got.s);
		fail();
	}
	free(expected);
	free(got.s);
}

static void test_data_cases(void **state)
{
	struct table_fx *fx = *state;
	const char *root = getenv("LM_TEST_DATA");
	assert_non_null(root); /* meson test sets LM_TEST_DATA */
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/tables", root);
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *names[256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 256)
		if (e->d_name[0] != '.' && strlen(e->d_name) < 300)
			names[n++] = strdup(e->d_name);
	closedir(d);
	assert_true(n > 0);
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++) {
		run_case(fx, dir, names[i]);
		free(names[i]);
	}
}

static void test_file_errors(void **state)
{
	struct table_fx *fx = *state;
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_file(fx->t, "/nonexistent/dir/x.csv", fx->err), LM_EIO);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_string_equal(lm_error_file(fx->err, 0), "/nonexistent/dir/x.csv");
	assert_non_null(strstr(lm_error_message(fx->err, 0), strerror(ENOENT)));
	/* Reading a directory fails on the first read. */
	lm_error_clear(fx->err);
	assert_int_equal(lm_table_open_file(fx->t, "/", fx->err), LM_EIO);
	assert_int_equal(lm_error_code(fx->err, 0), LM_EIO);
}

static void test_arguments(void **state)
{
	struct table_fx *fx = *state;
	lm_table *t = NULL;
	assert_int_equal(lm_table_new(&t, NULL), LM_EINVAL);
	assert_null(t);
	assert_int_equal(lm_table_new(NULL, fx->inst), LM_EINVAL);
	lm_table_free(NULL);
	assert_int_equal(lm_table_next(fx->t, fx->s, NULL), LM_EINVAL); /* not opened */
	assert_int_equal(lm_table_open_buffer(NULL, "", 0, NULL, NULL), LM_EINVAL);
	assert_int_equal(lm_table_open_file(fx->t, NULL, NULL), LM_EINVAL);
	assert_int_equal(lm_table_open_fd(fx->t, -1, NULL, NULL), LM_EINVAL);
	assert_null(lm_table_row_id(NULL, NULL));
	assert_int_equal(lm_table_rows_read(NULL), 0);

	/* A scorer of another instrument is refused. */
	lm_instrument *other;
	lm_scorer *s2;
	assert_int_equal(lm_instrument_load_buffer(&other, tab_yaml, tab_yaml_len, "other.yaml", NULL), LM_OK);
	assert_int_equal(lm_scorer_new(&s2, other), LM_OK);
	assert_int_equal(open_str(fx, "id,t_1,t_2,t_3\nA,1,1,1\n"), LM_OK);
	assert_int_equal(lm_table_next(fx->t, s2, NULL), LM_EINVAL);
	assert_int_equal(lm_table_next(fx->t, fx->s, NULL), 1);
	lm_scorer_free(s2);
	lm_instrument_free(other);

	/* The table keeps its own reference to the instrument; a name defaults. */
	lm_instrument *inst;
	assert_int_equal(lm_instrument_load_buffer(&inst, tab_yaml, tab_yaml_len, NULL, NULL), LM_OK);
	assert_int_equal(lm_table_new(&t, inst), LM_OK);
	lm_instrument_free(inst);
	assert_int_equal(lm_table_open_buffer(t, "id,t_1,t_2,t_3\n", 15, NULL, NULL), LM_OK);
	assert_non_null(lm_table_name(t));
	lm_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_quoted, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_quoted_newline, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_crlf_and_bom, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_end_of_file, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_line_inside, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_blank_rows, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_no_id, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_field_count, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_unclosed_quote, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_header_errors, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_header_hints, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_header_any_case, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_hint, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_header_ok, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_delimiter, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_labels_and_codes, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_blank_is_not_zero, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_long_record, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_sources_agree, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_random_round_trip, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_text_checks, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_column_limit, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_data_cases, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, table_fx_setup, table_fx_teardown),
		cmocka_unit_test_setup_teardown(test_arguments, table_fx_setup, table_fx_teardown),
	};
	/* A feeder whose reader stopped early gets EPIPE rather than a signal. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
