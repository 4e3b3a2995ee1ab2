/*
 * libra_measures — the rows of a data table: each record checked (text,
 * blank cells, values of the scale, the id), its problems reported by the
 * file, line and field or the workbook's cell, and the row scored. The
 * table is opened in table.c; the records come from csv.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv-priv.h"
#include "xlsx-priv.h"

/* Where a problem of the current row is: a workbook's cell (`scores.xlsx:Sheet1!D14`,
 * or the row for LM_NO_INDEX), else the line and field. *owned is for the caller to free. */
static const char *where(const lm_table *t, size_t col, unsigned long *line, unsigned long *field, char **owned)
{
	*owned = NULL;
	*line = t->row_line;
	*field = col == LM_NO_INDEX ? 0 : col + 1;
#ifdef LM_HAVE_XLSX
	if (t->xlsx && (*owned = lm__xlsx_where(t->xlsx, col, t->row_line)) != NULL) {
		*line = *field = 0;
		return *owned;
	}
#endif
	return t->name;
}

/*
 * Whether @p s is text that can be written out as it is: no NUL byte and
 * well-formed UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF). Otherwise says what is wrong, and at which byte, in @p why.
 */
static int is_text(const char *s, size_t len, char *why, size_t why_size)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned c = p[i];
		if (c && c < 0x80) {
			i++;
			continue;
		}
		if (!c) {
			snprintf(why, why_size, "holds a NUL byte (byte %zu)", i + 1);
			return 0;
		}
		size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		/* The second byte's range depends on the first (RFC 3629, section 4). */
		unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		int ok = n && i + n <= len && p[i + 1] >= lo && p[i + 1] <= hi;
		for (size_t k = 2; ok && k < n; k++)
			ok = p[i + k] >= 0x80 && p[i + k] <= 0xBF;
		if (!ok) {
			snprintf(why, why_size, "is not valid UTF-8 (byte %zu, 0x%02X); save the file as UTF-8", i + 1, c);
			return 0;
		}
		i += n;
	}
	return 1;
}

static int add_problemf(lm_table *t, const char *fmt, ...) LM_PRINTF(2, 3);

/* A value that goes into the outputs (the id, a required column) must be
 * text; otherwise the row is rejected, saying so. Returns 0, LM_EDATA or
 * LM_ENOMEM. */
static int check_text(lm_table *t, size_t col, const char *s, size_t len, lm_error *err)
{
	/* ASCII without NUL, the common case, eight bytes at a time: a byte
	 * from 1 to 0x7F minus 1 keeps its top bit clear and borrows nothing. */
	size_t i = 0;
	for (uint64_t w; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (((w - 0x0101010101010101u) | w) & 0x8080808080808080u)
			break;
	}
	while (i < len && (unsigned char)(s[i] - 1) < 0x7F)
		i++;
	char why[96];
	if (i == len || is_text(s, len, why, sizeof(why)))
		return 0;
	const char *name = t->header[col];
	if (add_problemf(t, "column \"%s\": the value %s", name, why) != LM_OK)
		return LM_ENOMEM;
	unsigned long line, fieldno;
	char *owned;
	const char *file = where(t, col, &line, &fieldno, &owned);
	lm__error(err, LM_EDATA, file, line, fieldno, "row %lu, column \"%s\": the value %s", t->row, name, why);
	free(owned);
	return LM_EDATA;
}

static int set_id(lm_table *t)
{
	t->has_id = t->id_col != LM_NO_INDEX || t->no_id;
	t->id_len = 0;
	if (!t->has_id)
		return LM_OK;
	const char *s = "";
	size_t len = 0;
	char number[24];
	if (t->no_id) /* the row number is the id */
	{
		len = (size_t)snprintf(number, sizeof(number), "%lu", t->row);
		s = number;
	}
	else if (t->id_col < t->nfields && t->id_col < t->fields_keep)
		s = field(t, t->id_col, &len);
	if (len + 1 > t->id_cap) {
		size_t cap = t->id_cap ? t->id_cap : 64;
		while (cap < len + 1)
			cap *= 2;
		char *p = realloc(t->id, cap);
		if (!p)
			return LM_ENOMEM;
		t->id = p;
		t->id_cap = cap;
	}
	memcpy(t->id, s, len);
	t->id[len] = '\0';
	t->id_len = len;
	return LM_OK;
}

/* Append to the current row's problem text (lm_table_row_problem()).
 * Returns LM_OK or LM_ENOMEM: a rejected row is never left unexplained. */
static int add_problem(lm_table *t, const char *message)
{
	size_t n = strlen(message), need = t->problem_len + n + 3;
	if (need > t->problem_cap) {
		size_t cap = t->problem_cap ? t->problem_cap * 2 : 256;
		while (cap < need)
			cap *= 2;
		char *p = realloc(t->problem, cap);
		if (!p)
			return LM_ENOMEM;
		t->problem = p;
		t->problem_cap = cap;
	}
	if (t->problem_len) {
		memcpy(t->problem + t->problem_len, "; ", 2);
		t->problem_len += 2;
	}
	memcpy(t->problem + t->problem_len, message, n + 1);
	t->problem_len += n;
	return LM_OK;
}

static int add_problemf(lm_table *t, const char *fmt, ...) LM_PRINTF(2, 3);
static int add_problemf(lm_table *t, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int r = s ? add_problem(t, s) : LM_ENOMEM;
	free(s);
	return r;
}

static int is_missing_token(const lm_table *t, const char *s, size_t len)
{
	lm__table_trim(&s, &len);
	for (size_t k = 0; k < t->n_missing_tokens; k++)
		if (name_equal(s, len, t->missing_tokens[k]))
			return 1;
	return 0;
}

/*
 * Whether a cell that is not a response looks like how a statistics package
 * writes a missing value: R's NA (write.csv), SAS's and Stata's ".", Excel's
 * #N/A, NULL from a database, or a negative whole number such as -9 or -99
 * (survey codes). Such a cell is most likely a missing value nobody declared.
 */
static int looks_like_missing(const char *s, size_t len)
{
	static const char *const words[] = {"NA", "N/A", "#N/A", "NaN", "NULL", ".", "na", "n/a"};
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (name_equal(s, len, words[k]))
			return 1;
	if (len >= 2 && len <= 5 && s[0] == '-') {
		for (size_t k = 1; k < len; k++)
			if (s[k] < '0' || s[k] > '9')
				return 0;
		return 1;
	}
	return 0;
}

/*
 * The hint for a bad cell that looks like an undeclared missing value, the
 * first time this open table meets that text; "" otherwise. It names the
 * setting; the command line adds its flag.
 */
const char *lm__table_missing_hint(lm_table *t, const char *s, size_t len, char *buf, size_t size)
{
	lm__table_trim(&s, &len);
	if (!looks_like_missing(s, len))
		return "";
	for (size_t k = 0; k < t->n_missing_hinted; k++)
		if (name_equal(s, len, t->missing_hinted[k]))
			return "";
	if (t->n_missing_hinted < sizeof(t->missing_hinted) / sizeof(t->missing_hinted[0])) {
		memcpy(t->missing_hinted[t->n_missing_hinted], s, len);
		t->missing_hinted[t->n_missing_hinted++][len] = '\0';
	}
	snprintf(buf, size, "; if \"%.*s\" means missing, declare it a missing-value token (lm_table_add_missing())",
		 (int)len, s);
	return buf;
}

/* As lm__table_missing_hint(); in a part of a table read on a worker thread
 * the hint is left to the merge (table-chunk.c), which knows what came before. */
static const char *missing_hint(lm_table *t, const char *s, size_t len, lm_error *err, char *buf, size_t size)
{
	if (!t->chunk)
		return lm__table_missing_hint(t, s, len, buf, size);
	lm__table_trim(&s, &len);
	if (!looks_like_missing(s, len) || !err || lm_error_count(err) >= lm_error_capacity())
		return ""; /* a diagnostic not kept needs no hint */
	if (t->n_hint_events == t->hint_events_cap) {
		size_t cap = t->hint_events_cap ? 2 * t->hint_events_cap : 8;
		struct hint_event *h = realloc(t->hint_events, cap * sizeof(*h));
		if (!h)
			return ""; /* only the hint is lost: the problem is still said */
		t->hint_events = h;
		t->hint_events_cap = cap;
	}
	struct hint_event *h = &t->hint_events[t->n_hint_events++];
	h->diag = lm_error_count(err);
	memcpy(h->token, s, len); /* looks_like_missing(): at most 5 bytes */
	h->token[len] = '\0';
	return "";
}

static int report_cell(lm_table *t, const struct colmap *m, const char *s, size_t len, lm_error *err)
{
	char hint[96];
	char *message = lm__bad_value_message(t->inst, m->item, s, len);
	if (!message)
		return LM_ENOMEM;
	if (add_problemf(t, "column \"%s\": %s", m->name, message) != LM_OK) {
		free(message);
		return LM_ENOMEM;
	}
	unsigned long line, fieldno;
	char *owned;
	const char *file = where(t, m->col, &line, &fieldno, &owned);
	lm__error(err, LM_EDATA, file, line, fieldno, "row %lu, column \"%s\": %s%s", t->row, m->name, message,
		  missing_hint(t, s, len, err, hint, sizeof hint));
	free(owned);
	free(message);
	return LM_EDATA;
}

/* Whether every field of the record is empty or white space (a record with
 * more fields than the header is not: those past it are not kept). */
static int blank_record(const lm_table *t)
{
	if (t->nfields > t->fields_keep)
		return 0;
	for (size_t k = 0; k < t->nfields; k++) {
		size_t len;
		const char *s = field(t, k, &len);
		lm__table_trim(&s, &len);
		if (len)
			return 0;
	}
	return 1;
}

/* An unclosed quote ran to the end of the file: the last row, rejected. */
static int reject_unclosed(lm_table *t, size_t field, lm_error *err)
{
	t->state = TABLE_END;
	t->row++;
	t->rows_read++;
	t->rows_rejected++;
	t->rejected_for[LM_REJECT_QUOTE]++;
	if (set_id(t) != LM_OK)
		return LM_ENOMEM;
	if (add_problem(t, "quoted field not closed before the end of the file") != LM_OK)
		return LM_ENOMEM;
	return lm__error(err, LM_EDATA, t->name, t->row_line, field,
			 "row %lu: quoted field not closed before the end of the file", t->row);
}

/*
 * The item cells from @p m on that are blank or one digit, up to the first
 * other one (returned; @p mend when none): a one-digit cell is what
 * lm_scorer_set_text() would parse it as, set as lm__scorer_set_digit()
 * does, its fast-path word added to *sum; a blank is left so by
 * lm__scorer_clear(). The common case, in a loop of its own
 * so that it keeps its values in registers.
 */
static const struct colmap *digit_cells(const struct colmap *m, const struct colmap *mend, const int32_t *ends,
					const char *base, const uint32_t *digit_at, const uint64_t *digit_inc,
					uint32_t *at, uint64_t *sum)
{
	uint64_t t = *sum;
	for (; m < mend; m++) {
		int32_t before = ends[(ptrdiff_t)m->col - 1], end = ends[m->col];
		if (end - before == 1)
			continue;
		if (end - before != 2)
			break;
		unsigned d = (unsigned char)base[end - 1] - (unsigned)'0';
		if (d >= 10)
			break;
		size_t k = m->digits + d;
		uint32_t e = digit_at[k];
		if (e == LM_DIGIT_OTHER)
			break; /* the text path reports it */
		at[m->item] = e;
		t += digit_inc[k];
	}
	*sum = t;
	return m;
}

int lm_table_next(lm_table *table, lm_scorer *scorer, lm_error *err)
{
	if (!table || !scorer || scorer->inst != table->inst)
		return LM_EINVAL;
	lm_table *t = table;
	switch (t->state) {
	case TABLE_OPEN:
		break;
	case TABLE_END:
		return 0;
	default:
		return LM_EINVAL;
	}
	t->problem_len = 0;
	/* Records of blank and one-digit item cells are read straight into the
	 * scorer (csv-digits.c), which is cleared first for them. */
	int digits_ok = !t->stats && !t->xlsx && !t->digits_off;
	int fused = 0;
	uint64_t fused_sum = 0;
	size_t fused_digits = 0;
	int fused_ascii = 0;
	if (digits_ok)
		lm__scorer_clear(scorer);
	for (;;) {
		if (t->next_stash < t->n_stash) {
			/* A row read ahead while looking for a Qualtrics header. */
			const struct stash *st = &t->stash[t->next_stash++];
			t->base = st->blank ? "" : st->bytes;
			t->ends = st->ends_store + 1;
			t->nfields = st->nfields;
			t->row_line = st->line;
			t->rec_blank = st->blank;
			if (st->unclosed)
				return reject_unclosed(t, st->quote_field, err);
		} else if (t->deferred) {
			t->state = TABLE_FAILED;
			return t->deferred;
		} else if (t->pending_blank) {
			t->ends = t->ends_store + 1;
			t->row_line = t->pending_line++;
			t->pending_blank--;
			t->nfields = 0;
			if (end_field(t, 0) != LM_OK)
				return LM_ENOMEM;
			t->base = "";
		} else {
			t->ends = t->ends_store + 1; /* after a replay */
			int r = digits_ok ? lm__csv_digits_record(t, scorer, &fused_sum, &fused_digits, &fused_ascii) : 0;
			fused = r;
			if (!r)
				r = lm__csv_read_record(t, err);
			if (r == 0) {
				t->state = TABLE_END;
				t->has_id = 0;
				return 0;
			}
			if (r == LM_EDATA)
				return reject_unclosed(t, t->open_quote_field, err);
			if (r < 0) {
				t->state = TABLE_FAILED;
				return r;
			}
		}
		t->row++;
		/* A row of nothing but delimiters (or an empty line) is what spreadsheets
		 * leave below the data: no respondent, counted apart. */
		if (t->stats || (fused && fused_digits) || !blank_record(t))
			break;
		t->rows_blank++;
	}
	t->rows_read++;
	if (t->stats)
		t->row_line = t->row + 1; /* a case's line, even when a text value holds a line break */
#ifdef LM_HAVE_XLSX
	if (t->xlsx)
		t->row_line = lm__xlsx_first_row(t->xlsx) + t->row; /* the sheet's row */
#endif
	if (set_id(t) != LM_OK)
		return LM_ENOMEM;
	if (t->nfields != t->ncols) {
		t->rows_rejected++;
		char what[96];
		snprintf(what, sizeof(what), "%zu field%s, header has %zu", t->nfields, t->nfields == 1 ? "" : "s",
			 t->ncols);
		if (add_problem(t, what) != LM_OK)
			return LM_ENOMEM;
		t->rejected_for[LM_REJECT_FIELDS]++;
		unsigned long line, fieldno;
		char *owned;
		const char *file = where(t, LM_NO_INDEX, &line, &fieldno, &owned);
		lm__error(err, LM_EDATA, file, line, fieldno, "row %lu has %s", t->row, what);
		free(owned);
		return LM_EDATA;
	}
	/* Text that the fused reader found to be ASCII without NUL needs no check. */
	int checked = fused && fused_ascii;
	int bad_text = t->id_col != LM_NO_INDEX && !checked ? check_text(t, t->id_col, t->id, t->id_len, err) : 0;
	for (size_t e = 0; e < t->n_extra && !checked && bad_text != LM_ENOMEM; e++) {
		size_t len;
		const char *s = field(t, t->extra[e].col, &len);
		int r = check_text(t, t->extra[e].col, s, len, err);
		if (r)
			bad_text = r;
	}
	if (bad_text == LM_ENOMEM)
		return LM_ENOMEM;
	if (fused) {
		/* Every item cell is set already, and none is wrong. */
		t->rows_fused++;
		if (bad_text) {
			t->rows_rejected++;
			t->rejected_for[LM_REJECT_TEXT]++;
			return LM_EDATA;
		}
		if (t->map_distinct && lm__scorer_summable(scorer)) {
			lm__scorer_run_sum(scorer, fused_sum);
			return 1;
		}
		int r = lm__scorer_run(scorer);
		return r < 0 ? r : 1;
	}
	lm__scorer_clear(scorer);
	int bad = 0;
	const struct colmap *m = t->map, *mend = t->map + t->nmap;
	/* Locals: the calls below could otherwise make the compiler reload them. */
	const int32_t *ends = t->ends;
	const char *base = t->base;
	const uint32_t *digit_at = scorer->digit_at;
	const uint64_t *digit_inc = scorer->digit_inc;
	uint32_t *at = scorer->at;
	/* The one-digit values' fast-path words, added up as they are set: when
	 * every other cell is blank, that is the row's word (lm__scorer_run_sum()). */
	uint64_t sum = 0;
	int summed = t->map_distinct && lm__scorer_summable(scorer);
	for (;; m++) {
		m = digit_cells(m, mend, ends, base, digit_at, digit_inc, at, &sum);
		if (m == mend)
			break;
		int32_t before = ends[(ptrdiff_t)m->col - 1], end = ends[m->col];
		const char *s = base + before + 1;
		size_t len = (size_t)(end - before - 1);
		int r;
		if (len == 0)
			continue; /* blank: left so by lm__scorer_clear(), as lm_scorer_set_text() would */
		else if (t->n_missing_tokens && is_missing_token(t, s, len))
			r = LM_OK; /* left blank by lm_scorer_clear() */
		else {
			r = lm_scorer_set_text(scorer, m->item, s, len, NULL);
			summed = 0;
		}
		if (r == LM_OK)
			continue;
		if (r != LM_EDATA)
			return r;
		bad = 1;
		if (report_cell(t, m, s, len, err) == LM_ENOMEM)
			return LM_ENOMEM;
	}
	if (bad || bad_text) {
		t->rows_rejected++;
		t->rejected_for[bad_text ? LM_REJECT_TEXT : LM_REJECT_VALUE]++;
		return LM_EDATA;
	}
	if (summed) {
		lm__scorer_run_sum(scorer, sum);
		return 1;
	}
	int r = lm__scorer_run(scorer);
	return r < 0 ? r : 1;
}

void lm__table_digits_off(lm_table *t, int off)
{
	t->digits_off = off;
}

unsigned long lm__table_rows_fused(const lm_table *t)
{
	return t->rows_fused;
}

unsigned long lm_table_row(const lm_table *table)
{
	return table ? table->row : 0;
}

unsigned long lm_table_line(const lm_table *table)
{
	return table ? table->row_line : 0;
}

const char *lm_table_row_id(const lm_table *table, size_t *len)
{
	if (len)
		*len = 0;
	if (!table || !table->has_id || table->row == 0)
		return NULL;
	if (len)
		*len = table->id_len;
	return table->id;
}

const char *lm_table_id_column(const lm_table *table)
{
	return table ? table->id_name : NULL;
}

const char *lm_table_name(const lm_table *table)
{
	return table ? table->name : NULL;
}

unsigned long lm_table_rows_read(const lm_table *table)
{
	return table ? table->rows_read : 0;
}

unsigned long lm_table_rows_rejected(const lm_table *table)
{
	return table ? table->rows_rejected : 0;
}

unsigned long lm_table_rows_blank(const lm_table *table)
{
	return table ? table->rows_blank : 0;
}

const char *lm_table_column_value(const lm_table *table, size_t handle, size_t *len)
{
	size_t n = 0;
	const char *s = NULL;
	if (table && handle < table->n_extra && table->extra[handle].col != LM_NO_INDEX && table->state == TABLE_OPEN && table->row &&
	    table->extra[handle].col < table->nfields)
		s = field(table, table->extra[handle].col, &n);
	if (len)
		*len = s ? n : 0;
	return s;
}

int lm_table_is_qualtrics(const lm_table *table)
{
	return table && table->state != TABLE_CLOSED && table->qualtrics;
}

const char *lm_table_row_problem(const lm_table *table)
{
	return table && table->problem_len ? table->problem : NULL;
}

size_t lm_table_case_matches(const lm_table *table)
{
	return table && table->state != TABLE_CLOSED ? table->case_matches : 0;
}

size_t lm_table_column_count(const lm_table *table)
{
	return table && table->state != TABLE_CLOSED ? table->ncols : 0;
}

const char *lm_table_column_name(const lm_table *table, size_t k)
{
	return table && table->header && k < table->ncols ? table->header[k] : NULL;
}

const char *lm_table_field(const lm_table *table, size_t k, size_t *len)
{
	size_t n = 0;
	const char *s = NULL;
	if (table && table->state != TABLE_CLOSED && table->row && k < table->nfields && k < table->fields_keep)
		s = field(table, k, &n);
	if (len)
		*len = s ? n : 0;
	return s;
}

unsigned long lm_table_rows_rejected_for(const lm_table *table, int reason)
{
	return table && reason >= 0 && reason <= LM_REJECT_TEXT ? table->rejected_for[reason] : 0;
}
