/*
 * The fused reader (lib/csv-digits.c) against csv.c's lexer and the cell
 * loop of table-row.c, which it stands in for: random tables of every
 * built-in instrument and the test instrument "tab", with columns in random
 * order among an id and two text columns, under each delimiter, and cells
 * that the fused reader takes (one digit, blank) mixed with ones it must
 * leave (two digits, values an item does not take, missing codes, tokens,
 * quotes, spaces, CR LF, a lone CR, too few or too many fields, empty and
 * blank lines, UTF-8, invalid UTF-8, NUL bytes, formulas, no final line
 * break). Each table is read twice, the fused reader off and on, and every
 * row must come out the same: the return, the row and line, the id, every
 * field, every item's value and state, every scale's results and rule,
 * the problems said and the counts. White-box: links the internal archive
 * to turn the fused reader off and to see that it reads most rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define TABLES 60
#define ROWS 300

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void puts_(struct text *b, const char *s)
{
	put(b, s, strlen(s));
}

/* A cell of an item: mostly one of its responses, else something the fused reader leaves. */
static void item_cell(struct text *b, const lm_item *item)
{
	static const char *const odd[] = {"10", "-99", "99", " 3", "3 ", "3.0", "NA", "\"3\"", "x", "\"\"", "0",
					  "9", "3\r", "\xc3\xa9", "2\"", "-1", "+2"};
	unsigned r = rnd(100);
	char c[32];
	if (r < 80) {
		snprintf(c, sizeof(c), "%g", lm_item_response_value(item, rnd((unsigned)lm_item_response_count(item))));
		puts_(b, c);
	} else if (r < 90) {
		/* blank */
	} else if (r < 94) {
		c[0] = (char)('0' + rnd(10));
		put(b, c, 1);
	} else {
		puts_(b, odd[rnd(sizeof(odd) / sizeof(*odd))]);
	}
}

/* Whether every response of every item is one digit (so that clean rows are read fused). */
static int one_digit_responses(const lm_instrument *inst)
{
	for (size_t i = 0; i < lm_instrument_item_count(inst); i++) {
		const lm_item *item = lm_instrument_item(inst, i);
		for (size_t k = 0; k < lm_item_response_count(item); k++) {
			double v = lm_item_response_value(item, k);
			if (!(v >= 0 && v <= 9 && v == (int)v))
				return 0;
		}
	}
	return 1;
}

/* A cell of a text column (the id, a group, a note). */
static void text_cell(struct text *b, unsigned row)
{
	static const char *const odd[] = {"",          "caf\xc3\xa9",   "\xff\xfe",      "=1+1",  "\"quoted\"",
					  "a\"b",      "\"a,b;c\td\"", "x\ry",         "-3",    "longer text than sixteen bytes",
					  "\xe2\x82\xac", "\"line\nbreak\"", "\xed\xa0\x80", "  ",    "7"};
	char id[32];
	if (rnd(100) < 85) {
		snprintf(id, sizeof(id), "R%0*u", 1 + (int)rnd(12), row);
		puts_(b, id);
	} else if (rnd(20) == 0) {
		put(b, "a\0b", 3); /* a NUL byte */
	} else {
		puts_(b, odd[rnd(sizeof(odd) / sizeof(*odd))]);
	}
}

struct layout {
	const lm_instrument *inst;
	size_t ncols;
	size_t col_item[64]; /* the item of each column, or SIZE_MAX */
	char delim;
};

static void make_table(struct layout *l, struct text *b)
{
	size_t ni = lm_instrument_item_count(l->inst), n = ni + 3;
	assert_true(n <= 64);
	/* The items, the id and two text columns in a random order (the id often first). */
	for (size_t k = 0; k < n; k++)
		l->col_item[k] = k < ni ? k : SIZE_MAX - (n - k);
	for (size_t k = n - 1; k > 0; k--) {
		size_t j = rnd((unsigned)k + 1), tmp = l->col_item[k];
		l->col_item[k] = l->col_item[j];
		l->col_item[j] = tmp;
	}
	if (rnd(2))
		for (size_t k = 0; k < n; k++)
			if (l->col_item[k] == SIZE_MAX - 3) {
				l->col_item[k] = l->col_item[0];
				l->col_item[0] = SIZE_MAX - 3;
			}
	if (rnd(3) == 0) {
		/* the items side by side, as most exports have them */
		size_t w = 0;
		size_t text[3] = {0}, nt = 0;
		for (size_t k = 0; k < n; k++)
			if (l->col_item[k] >= ni)
				text[nt++] = l->col_item[k];
		l->col_item[w++] = text[0];
		for (size_t i = 0; i < ni; i++)
			l->col_item[w++] = i;
		l->col_item[w++] = text[1];
		l->col_item[w++] = text[2];
		if (rnd(2)) {
			/* an item last */
			size_t tmp = l->col_item[n - 1];
			l->col_item[n - 1] = l->col_item[n - 3];
			l->col_item[n - 3] = tmp;
		}
	}
	l->ncols = n;
	static const char delims[] = {',', ';', '\t', '|'};
	l->delim = delims[rnd(4)];
	for (size_t k = 0; k < n; k++) {
		if (k)
			put(b, &l->delim, 1);
		size_t it = l->col_item[k];
		if (it < ni)
			puts_(b, lm_item_id(lm_instrument_item(l->inst, it)));
		else
			puts_(b, it == SIZE_MAX - 3 ? "id" : it == SIZE_MAX - 2 ? "group" : "note");
	}
	puts_(b, "\n");
	unsigned rows = 1 + rnd(ROWS);
	int crlf = rnd(4) == 0;
	for (unsigned r = 1; r <= rows; r++) {
		unsigned shape = rnd(200);
		if (shape == 0) {
			puts_(b, "\n"); /* an empty line */
			continue;
		}
		if (shape == 1) {
			for (size_t k = 1; k < n; k++)
				put(b, &l->delim, 1); /* a blank row */
			puts_(b, "\n");
			continue;
		}
		size_t cols = shape == 2 ? n - 1 : shape == 3 ? n + 1 : n;
		for (size_t k = 0; k < cols; k++) {
			if (k)
				put(b, &l->delim, 1);
			size_t it = k < n ? l->col_item[k] : SIZE_MAX;
			if (it < ni)
				item_cell(b, lm_instrument_item(l->inst, it));
			else
				text_cell(b, r);
		}
		if (r < rows || rnd(2))
			puts_(b, crlf || rnd(50) == 0 ? "\r\n" : "\n");
	}
}

static void same_errors(const lm_error *a, const lm_error *b)
{
	assert_int_equal(lm_error_count(a), lm_error_count(b));
	assert_int_equal(lm_error_total(a), lm_error_total(b));
	for (size_t i = 0; i < lm_error_count(a); i++) {
		assert_int_equal(lm_error_code(a, i), lm_error_code(b, i));
		assert_string_equal(lm_error_message(a, i), lm_error_message(b, i));
		assert_int_equal(lm_error_line(a, i), lm_error_line(b, i));
	}
}

/* Read @p data with the fused reader off (k = 0) and on (k = 1), row by row, comparing. */
static unsigned long compare_reads(const lm_instrument *inst, const char *data, size_t len, char delim,
				   const char *path)
{
	lm_table *t[2];
	lm_scorer *s[2];
	lm_error *e[2];
	for (int k = 0; k < 2; k++) {
		assert_int_equal(lm_table_new(&t[k], inst), LM_OK);
		assert_int_equal(lm_scorer_new(&s[k], inst), LM_OK);
		assert_int_equal(lm_error_new(&e[k]), LM_OK);
		assert_int_equal(lm_table_set_delimiter(t[k], delim), LM_OK);
		assert_int_equal(lm_table_add_missing(t[k], "NA"), LM_OK);
		lm__table_digits_off(t[k], k == 0);
	}
	int o0 = path ? lm_table_open_file(t[0], path, e[0]) : lm_table_open_buffer(t[0], data, len, "t.csv", e[0]);
	int o1 = path ? lm_table_open_file(t[1], path, e[1]) : lm_table_open_buffer(t[1], data, len, "t.csv", e[1]);
	assert_int_equal(o0, o1);
	unsigned long rows = 0;
	size_t ni = lm_instrument_item_count(inst), ns = lm_instrument_scale_count(inst),
	       nr = lm_instrument_rule_count(inst);
	while (o0 == LM_OK) {
		int r0 = lm_table_next(t[0], s[0], e[0]);
		int r1 = lm_table_next(t[1], s[1], e[1]);
		assert_int_equal(r0, r1);
		if (r0 == 0 || (r0 < 0 && r0 != LM_EDATA))
			break;
		rows++;
		assert_int_equal(lm_table_row(t[0]), lm_table_row(t[1]));
		assert_int_equal(lm_table_line(t[0]), lm_table_line(t[1]));
		size_t l0, l1;
		const char *id0 = lm_table_row_id(t[0], &l0), *id1 = lm_table_row_id(t[1], &l1);
		assert_int_equal(l0, l1);
		assert_true(id0 && id1 && memcmp(id0, id1, l0) == 0);
		const char *p0 = lm_table_row_problem(t[0]), *p1 = lm_table_row_problem(t[1]);
		assert_string_equal(p0 ? p0 : "", p1 ? p1 : "");
		for (size_t k = 0; k < lm_table_column_count(t[0]); k++) {
			const char *f0 = lm_table_field(t[0], k, &l0), *f1 = lm_table_field(t[1], k, &l1);
			assert_int_equal(f0 == NULL, f1 == NULL);
			assert_int_equal(l0, l1);
			if (f0)
				assert_memory_equal(f0, f1, l0);
		}
		if (r0 != 1)
			continue;
		for (size_t i = 0; i < ni; i++) {
			assert_int_equal(lm_scorer_value_state(s[0], i), lm_scorer_value_state(s[1], i));
			double v0 = lm_scorer_value(s[0], i), v1 = lm_scorer_value(s[1], i);
			assert_memory_equal(&v0, &v1, sizeof(v0));
		}
		for (size_t i = 0; i < ns; i++) {
			double v0 = lm_scorer_scale_score(s[0], i), v1 = lm_scorer_scale_score(s[1], i);
			assert_memory_equal(&v0, &v1, sizeof(v0));
			assert_int_equal(lm_scorer_scale_answered(s[0], i), lm_scorer_scale_answered(s[1], i));
			assert_int_equal(lm_scorer_scale_coded(s[0], i), lm_scorer_scale_coded(s[1], i));
			assert_int_equal(lm_scorer_scale_status(s[0], i), lm_scorer_scale_status(s[1], i));
			assert_int_equal(lm_scorer_scale_band(s[0], i), lm_scorer_scale_band(s[1], i));
		}
		for (size_t i = 0; i < nr; i++)
			assert_int_equal(lm_scorer_rule(s[0], i), lm_scorer_rule(s[1], i));
	}
	assert_int_equal(lm_table_rows_read(t[0]), lm_table_rows_read(t[1]));
	assert_int_equal(lm_table_rows_rejected(t[0]), lm_table_rows_rejected(t[1]));
	assert_int_equal(lm_table_rows_blank(t[0]), lm_table_rows_blank(t[1]));
	for (int reason = 0; reason < 8; reason++)
		assert_int_equal(lm_table_rows_rejected_for(t[0], reason), lm_table_rows_rejected_for(t[1], reason));
	same_errors(e[0], e[1]);
	assert_int_equal(lm__table_rows_fused(t[0]), 0);
	unsigned long fused = lm__table_rows_fused(t[1]);
	for (int k = 0; k < 2; k++) {
		lm_table_free(t[k]);
		lm_scorer_free(s[k]);
		lm_error_free(e[k]);
	}
	return fused;
}

static lm_instrument *instrument(size_t k)
{
	lm_instrument *inst = NULL;
	int rc = k < lm_builtin_count() ? lm_instrument_load_builtin(&inst, lm_builtin_id(k), NULL)
					: lm_instrument_load_buffer(&inst, tab_yaml, tab_yaml_len, "tab.yaml", NULL);
	assert_int_equal(rc, LM_OK);
	return inst;
}

/* Random tables of every instrument: the same rows either way, and most read fused. */
static void random_tables(void **state)
{
	(void)state;
	for (size_t k = 0; k <= lm_builtin_count(); k++) {
		lm_instrument *inst = instrument(k);
		unsigned long fused = 0;
		for (int n = 0; n < TABLES; n++) {
			struct layout l = {.inst = inst};
			struct text b = {0};
			make_table(&l, &b);
			fused += compare_reads(inst, b.s, b.len, l.delim, NULL);
			free(b.s);
		}
		/* Most rows are one-digit or blank cells in clean text. */
		if (one_digit_responses(inst))
			assert_true(fused > 0);
		lm_instrument_free(inst);
	}
}

/* The fused reader's own count: what it reads, and where it must stop. */
static void taken_and_left(void **state)
{
	(void)state;
	lm_instrument *inst = instrument(lm_builtin_count()); /* tab */
	/* After two rows that the table reads ahead (to tell a Qualtrics export) and never fuses. */
	static const struct {
		const char *csv;
		unsigned long fused;
	} cases[] = {
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\nA,1,2,3,4\nB,,5,,\n", 2},
		{"id,t_1,t_2,t_3,t_4\r\nP,1,1,1,1\r\nQ,1,1,1,1\r\nA,1,2,3,4\r\nB,1,2,3,\r\n", 2},
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\nA,1,2,3,4", 0}, /* no final line break: csv.c reads it */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\nA,10,2,3,4\n", 0},   /* two digits */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\nA,6,2,3,4\n", 0},    /* a value the item does not take */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\n\"A\",1,2,3,4\n", 0}, /* a quote */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\nA,1,2,3\n", 0},      /* too few fields */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\nA,1,2,3,4,5\n", 0},  /* too many */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\n\n", 0},             /* an empty line */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\n\xc3\xa9,1,2,3,4\n", 1}, /* UTF-8: read, checked by table-row.c */
		{"id,t_1,t_2,t_3,t_4\nP,1,1,1,1\nQ,1,1,1,1\n\xff,1,2,3,4\n", 1}, /* read, and rejected there */
		{"t_1,t_2,t_3,t_4,id\n1,1,1,1,P\n1,1,1,1,Q\n1,2,3,4,A\n", 1},
		{"t_1,t_2,t_3,t_4,id\n1,1,1,1,P\n1,1,1,1,Q\n1,2,3,4,A\r\n", 1},
		{"t_1,t_2,t_3,t_4,id\n1,1,1,1,P\n1,1,1,1,Q\n1,2,3,4,\r\n", 1},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++)
		assert_int_equal(compare_reads(inst, cases[c].csv, strlen(cases[c].csv), ',', NULL), cases[c].fused);
	lm_instrument_free(inst);
}

/* A file larger than the read buffer: records cut by its end are read by csv.c, the rest fused. */
static void across_refills(void **state)
{
	(void)state;
	lm_instrument *inst = instrument(lm_builtin_count());
	char path[] = "/tmp/lm_csv_digits_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	struct text b = {0};
	puts_(&b, "id,t_1,t_2,t_3,t_4\n");
	char row[64];
	for (unsigned r = 1; b.len < (3u << 20); r++) {
		int n = snprintf(row, sizeof(row), "R%u,%u,%u,%s,%u\n", r, 1 + r % 5, 1 + r / 7 % 5, r % 11 ? "3" : "",
				 1 + r / 3 % 5);
		put(&b, row, (size_t)n);
	}
	assert_int_equal(write(fd, b.s, b.len), (ssize_t)b.len);
	close(fd);
	unsigned long fused = compare_reads(inst, NULL, 0, ',', path);
	unlink(path);
	assert_true(fused > 100000);
	free(b.s);
	lm_instrument_free(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_tables),
		cmocka_unit_test(taken_and_left),
		cmocka_unit_test(across_refills),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
