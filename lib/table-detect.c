/*
 * libra_measures — what kind of file a table is: a Qualtrics export (extra
 * header rows, skipped) or a binary file (refused).
 */
#include <stdlib.h>
#include <string.h>

#include "csv-priv.h"
#include "xlsx-priv.h"

/* A Qualtrics export's third header row: every non-empty cell is {"ImportId":...}. */
static int is_import_id_row(const lm_table *t)
{
	size_t cells = 0;
	for (size_t c = 0; c < t->nfields && c < t->fields_keep; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		lm__table_trim(&s, &len);
		if (!len)
			continue;
		if (len < 12 || memcmp(s, "{\"ImportId\":", 12) != 0)
			return 0;
		cells++;
	}
	return cells > 0;
}

static int stash_record(lm_table *t, struct stash *st)
{
	size_t n = t->nfields < t->fields_keep ? t->nfields : t->fields_keep;
	size_t bytes = n ? (size_t)t->ends[n - 1] + 1 : 1;
	if (bytes > st->cap_bytes) {
		char *b = realloc(st->bytes, bytes);
		if (!b)
			return LM_ENOMEM;
		st->bytes = b;
		st->cap_bytes = bytes;
	}
	if (n + 1 > st->cap_ends) {
		int32_t *e = realloc(st->ends_store, (n + 1) * sizeof(*e));
		if (!e)
			return LM_ENOMEM;
		st->ends_store = e;
		st->cap_ends = n + 1;
	}
	if (n)
		memcpy(st->bytes, t->base, bytes - 1);
	st->ends_store[0] = -1;
	if (n)
		memcpy(st->ends_store + 1, t->ends, n * sizeof(*t->ends));
	st->nfields = t->nfields;
	st->line = t->row_line;
	st->blank = t->rec_blank;
	st->unclosed = 0;
	return LM_OK;
}

/*
 * Qualtrics exports put two more header rows under the column names: the
 * question text, and {"ImportId": ...} cells. Rows 2 and 3 are read ahead;
 * when row 3 (or row 2) is the ImportId row, they are header and skipped,
 * otherwise they are data and lm_table_next() replays them first.
 */
int lm__table_skip_qualtrics_rows(lm_table *t, lm_error *err)
{
	t->n_stash = t->next_stash = 0;
	for (size_t k = 0; k < 2; k++) {
		if (t->pending_blank)
			break;
		int r = lm__csv_read_record(t, err);
		if (r == 0)
			break;
		if (r < 0) {
			if (r != LM_EDATA) {
				/* Reported already; it ends the table after the rows before it. */
				t->deferred = r;
				return LM_OK;
			}
			/* An unclosed quote: lm_table_next() reports it as the last row. */
			int s = stash_record(t, &t->stash[t->n_stash]);
			t->stash[t->n_stash].quote_field = t->open_quote_field;
			t->stash[t->n_stash++].unclosed = 1;
			return s;
		}
		if (!t->rec_blank && is_import_id_row(t)) {
			t->qualtrics = 1;
			t->n_stash = 0;
			return LM_OK;
		}
		int s = stash_record(t, &t->stash[t->n_stash++]);
		if (s != LM_OK || t->rec_blank)
			return s;
	}
	return LM_OK;
}

/*
 * A data file of SPSS or Stata given where CSV text is expected (through a
 * descriptor, or a name without the extension), an Excel workbook this build
 * cannot read, an old .xls: refused by its first bytes rather than read as
 * garbage, saying what the file is and what to do.
 */
int lm__table_refuse_binary(lm_table *t, lm_error *err)
{
	if (t->stats)
		return LM_OK;
	while (t->end - t->pos < 11 && !t->mem_mode && !t->eof) {
		long n = lm__csv_refill(t, err);
		if (n < 0)
			return (int)n;
	}
	const char *s = t->buf + t->pos;
	size_t n = t->end - t->pos;
	const char *what, *ext;
	if (n >= 4 && (memcmp(s, "$FL2", 4) == 0 || memcmp(s, "$FL3", 4) == 0)) {
		what = "an SPSS system file";
		ext = ".sav";
	} else if (n >= 11 && memcmp(s, "<stata_dta>", 11) == 0) {
		what = "a Stata file";
		ext = ".dta";
	} else if (lm__xlsx_is_zip(s, n)) {
		/* With xlsx support a zip archive was opened as a workbook before this. */
		return lm__error(err, LM_EDATA, t->name, 0, 0,
				 "this is a zip archive (an Excel workbook, .xlsx?), not CSV text, and this build of "
				 "libra_measures does not read workbooks (build it with libzip and expat, -Dxlsx=enabled): "
				 "save the sheet as CSV (UTF-8) in Excel or LibreOffice and give that file");
	} else if (n >= 8 && memcmp(s, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
		return lm__error(err, LM_EDATA, t->name, 0, 0,
				 "this is an old-style Microsoft Office file (an Excel 97-2003 workbook, .xls?), not CSV "
				 "text: save it as an Excel workbook (.xlsx)%s or as CSV (UTF-8), and give that file",
#ifdef LM_HAVE_XLSX
				 ""
#else
				 " in a build that reads workbooks"
#endif
		);
	} else {
		return LM_OK;
	}
	return lm__error(err, LM_EDATA, t->name, 0, 0, "this is %s (%s), not CSV text: open it by a name that ends in %s",
			 what, ext, ext);
}
