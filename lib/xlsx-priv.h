/*
 * libra_measures — Excel workbooks (.xlsx) for the table reader: xlsx.c
 * streams one sheet out of the zip and hands it to table.c as CSV text, a
 * piece at a time. Built only with libzip and expat (LM_HAVE_XLSX).
 * Nothing here is API.
 */
#ifndef LM_XLSX_PRIV_H
#define LM_XLSX_PRIV_H

#include <stddef.h>
#include <string.h>

#include "libra_measures/error.h"

/* The sheet of a workbook being read. */
struct lm_xlsx;

/* Whether @p n bytes at @p s start like a zip archive (a workbook, an
 * OpenDocument file, ...). In every build: table-detect.c refuses them
 * without xlsx support. */
static inline int lm__xlsx_is_zip(const char *s, size_t n)
{
	return n >= 4 && memcmp(s, "PK\x03\x04", 4) == 0;
}

/*
 * Open the workbook held by @p fd (a regular file; it is closed by
 * lm__xlsx_close(), and on failure) or by the @p len bytes at @p data (which
 * must outlive the reader), and get ready to read sheet @p sheet (NULL: the
 * first). Diagnostics name @p name. A zip archive that is no workbook, and a
 * sheet that is not there, are LM_EDATA saying so.
 * @return LM_OK, LM_EIO, LM_EDATA, LM_ELIMIT or LM_ENOMEM.
 */
int lm__xlsx_open(struct lm_xlsx **out, int fd, const char *data, size_t len, const char *name, const char *sheet,
		  lm_error *err);

/*
 * Up to @p size bytes more of the sheet as CSV text: one record per row from
 * the first row that has a value, rows without values between them as empty
 * lines, the fields from column A, ',' as delimiter, RFC 4180 quoting; every
 * row as wide as the first. Cells are written as Excel shows them (see
 * README). Returns the number of bytes (0 at the end) or a negative status,
 * its diagnostic naming the cell.
 */
long lm__xlsx_read(struct lm_xlsx *x, char *buf, size_t size, lm_error *err);

/* The sheet row of the first record (the header), once read; 0 before. */
unsigned long lm__xlsx_first_row(const struct lm_xlsx *x);

/* The name of the sheet being read (borrowed). */
const char *lm__xlsx_sheet(const struct lm_xlsx *x);

/*
 * Where field @p col (0-based; LM_NO_INDEX for the whole row) of sheet row
 * @p row is, as Excel names it after the file: `scores.xlsx:Sheet1!D14`,
 * `scores.xlsx:'My sheet'!14:14`. NULL when out of memory; the caller frees it.
 */
char *lm__xlsx_where(const struct lm_xlsx *x, size_t col, unsigned long row);

void lm__xlsx_close(struct lm_xlsx *x);

/* ---- xlsx-cell.c: what a cell shows ---------------------------------------- */

struct lm_strbuf;

/* What a cell's number format makes of its number. */
enum { LM_XLSX_NUMBER = 0, LM_XLSX_DATE, LM_XLSX_TIME, LM_XLSX_DATETIME };

/* The kind of a number format code (its first section), and of a built-in format id. */
int lm__xlsx_format_kind(const char *code);
int lm__xlsx_builtin_kind(long long id);
/* Append serial date-time @p v as ISO 8601 text of @p kind; 0 (nothing added) when out of
 * Excel's range, where the number is shown as a number. */
int lm__xlsx_put_date(struct lm_strbuf *b, double v, int kind, int date1904);
/* A number as a sheet stores it ("3", "4.4000000000000004", "1.5E-3"), under any locale; 0 if none. */
int lm__xlsx_read_number(const char *s, size_t len, double *out);
/* Decode OOXML's _xHHHH_ escapes in [b->s + from, b->s + b->len), in place. */
void lm__xlsx_decode_escapes(struct lm_strbuf *b, size_t from);

#endif
