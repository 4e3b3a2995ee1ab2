/*
 * libra_measures — a result table (sheet-priv.h) written as an Excel
 * workbook through libxlsxwriter: a first sheet "data" (a header row, then
 * numbers as numbers, missing as empty cells, codes as their label's text,
 * text as text — never as a formula), and a sheet "variables" with each
 * column's label and value labels, the workbook's counterpart of SPSS's
 * variable view. libxlsxwriter writes to a file name, so the workbook is
 * made in a temporary file (removed on a signal, as output.c's are) and
 * copied into the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "internal.h"
#include "output-priv.h"
#include "sheet-priv.h"
#include "strbuf.h"
#include "temporaries-priv.h"

#define XLSX_TEXT_MAX 32767 /* characters in a cell */

static const char *code_text(const struct lm_sheet *s, const struct lm_sheet_col *col, double v)
{
	if (col->labels < s->n_labels) {
		const struct lm_sheet_labels *l = &s->labels[col->labels];
		for (size_t i = 0; i < l->n; i++)
			if (l->code[i] == v)
				return l->text[i];
	}
	return NULL;
}

static lxw_error fill(lxw_workbook *wb, const struct lm_sheet *s)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "data");
	lxw_worksheet *vs = workbook_add_worksheet(wb, "variables");
	lxw_format *bold = workbook_add_format(wb);
	if (!ws || !vs || !bold)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	format_set_bold(bold);
	lxw_error e = LXW_NO_ERROR;
	char *text = NULL;
	size_t text_cap = 0;
	for (size_t c = 0; c < s->n_cols && !e; c++)
		e = worksheet_write_string(ws, 0, (lxw_col_t)c, s->cols[c].name, bold);
	worksheet_freeze_panes(ws, 1, 0);
	for (size_t r = 0; r < s->rows && !e; r++) {
		const double *num = s->num + r * s->n_num;
		const size_t(*span)[2] = (const size_t(*)[2])(s->text + r * s->n_text);
		lxw_row_t row = (lxw_row_t)(r + 1);
		for (size_t c = 0; c < s->n_cols && !e; c++) {
			const struct lm_sheet_col *col = &s->cols[c];
			if (col->kind == LM_SHEET_TEXT) {
				size_t off = span[col->slot][0], len = span[col->slot][1];
				if (len == SIZE_MAX || len == 0)
					continue;
				if (len + 1 > text_cap) {
					char *p = realloc(text, len + 1);
					if (!p) {
						e = LXW_ERROR_MEMORY_MALLOC_FAILED;
						break;
					}
					text = p;
					text_cap = len + 1;
				}
				memcpy(text, s->chars.s + off, len);
				text[len] = '\0';
				e = worksheet_write_string(ws, row, (lxw_col_t)c, text, NULL);
			} else if (!isnan(num[col->slot])) {
				const char *t = col->kind == LM_SHEET_CODE ? code_text(s, col, num[col->slot]) : NULL;
				e = t ? worksheet_write_string(ws, row, (lxw_col_t)c, t, NULL)
				      : worksheet_write_number(ws, row, (lxw_col_t)c, num[col->slot], NULL);
			}
		}
	}
	free(text);

	/* The variable view: name, label, type, values. */
	static const char *const head[] = {"variable", "label", "type", "values"};
	for (lxw_col_t c = 0; c < 4 && !e; c++)
		e = worksheet_write_string(vs, 0, c, head[c], bold);
	struct lm_strbuf values = LM_STRBUF_INIT;
	for (size_t c = 0; c < s->n_cols && !e; c++) {
		const struct lm_sheet_col *col = &s->cols[c];
		lxw_row_t row = (lxw_row_t)(c + 1);
		e = worksheet_write_string(vs, row, 0, col->name, NULL);
		if (!e && col->label)
			e = worksheet_write_string(vs, row, 1, col->label, NULL);
		if (!e)
			e = worksheet_write_string(vs, row, 2,
						   col->kind == LM_SHEET_NUMBER ? "number"
						   : col->kind == LM_SHEET_CODE ? "category"
										: "text",
						   NULL);
		if (!e && col->kind == LM_SHEET_CODE && col->labels < s->n_labels) {
			const struct lm_sheet_labels *l = &s->labels[col->labels];
			values.len = 0;
			for (size_t i = 0; i < l->n; i++) {
				if (i)
					lm__sb_str(&values, ", ");
				lm__sb_str(&values, l->text[i]);
			}
			if (values.failed)
				e = LXW_ERROR_MEMORY_MALLOC_FAILED;
			else if (values.s)
				e = worksheet_write_string(vs, row, 3, values.s, NULL);
		}
	}
	lm__sb_free(&values);
	return e;
}

/* Copy the file @p fd holds into @p o. */
static int copy_in(int fd, struct lm_out *o)
{
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		lm__out_put(o, buf, (size_t)n);
	}
	return 0;
}

int lm__sheet_write_xlsx(const struct lm_sheet *s, struct lm_out *o, const char *name, lm_error *err)
{
	if (s->rows + 1 > LXW_ROW_MAX)
		return lm__error(err, LM_ELIMIT, name, 0, 0, "has %zu rows; an Excel sheet holds at most %d below its header",
				 s->rows, LXW_ROW_MAX - 1);
	if (s->n_cols > LXW_COL_MAX)
		return lm__error(err, LM_ELIMIT, name, 0, 0, "has %zu columns; an Excel sheet holds at most %d",
				 s->n_cols, LXW_COL_MAX);
	int bad = 0;
	for (size_t c = 0; c < s->n_cols; c++)
		if (s->cols[c].kind == LM_SHEET_TEXT && s->cols[c].width > XLSX_TEXT_MAX)
			bad = lm__error(err, LM_ELIMIT, name, 0, 0,
					"column '%s' has a text of %zu bytes; an Excel cell holds at most %d characters",
					s->cols[c].name, s->cols[c].width, XLSX_TEXT_MAX);
	if (bad)
		return bad;

	const char *dir = lm__temp_dir();
	size_t size = strlen(dir) + sizeof("/libra-xlsx-XXXXXX");
	char *path = malloc(size);
	if (!path)
		return LM_ENOMEM;
	snprintf(path, size, "%s/libra-xlsx-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		int rc = lm__error(err, LM_EIO, name, 0, 0, "could not be written: no temporary file in %s (%s)", dir,
				   strerror(errno));
		free(path);
		return rc;
	}
	int slot = lm__temp_register(path); /* the registry owns path now, unless full */
	char *tmpdir = lm__strdup(dir);
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir, .use_zip64 = LXW_FALSE};
	lxw_workbook *wb = tmpdir ? workbook_new_opt(path, &opts) : NULL;
	lxw_error e = wb ? fill(wb, s) : LXW_ERROR_MEMORY_MALLOC_FAILED;
	if (wb) {
		lxw_error ce = workbook_close(wb);
		if (!e)
			e = ce;
	}
	int rc = LM_OK;
	if (e)
		rc = lm__error(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? LM_ENOMEM : LM_EIO, name, 0, 0,
			       "could not be written (Excel workbook: %s)", lxw_strerror(e));
	else if (copy_in(fd, o) != 0)
		rc = lm__error(err, LM_EIO, name, 0, 0, "could not be written: reading back the workbook failed (%s)",
			       strerror(errno));
	free(tmpdir);
	close(fd);
	unlink(path);
	if (slot >= 0)
		lm__temp_unregister(slot);
	else
		free(path);
	return rc;
}
