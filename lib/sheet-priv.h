/*
 * libra_measures — private: a table of results held in memory until it is
 * written whole as an Excel workbook (sheet-xlsx.c), an SPSS system file or
 * a Stata file (sheet-readstat.c). The score writer (writer.c) and the
 * pre/post respondent table (prepost-write.c) fill one; SPSS and Stata need
 * the number of rows and every text column's width before the first row, so
 * rows are kept until the commit.
 *
 * Columns are numbers (NaN is system-missing), codes (whole numbers with a
 * set of value labels; a spreadsheet gets the label's text) or text.
 */
#ifndef LM_SHEET_PRIV_H
#define LM_SHEET_PRIV_H

#include <stddef.h>

#include "libra_measures/error.h"
#include "strbuf.h"

enum lm_sheet_kind { LM_SHEET_NUMBER, LM_SHEET_CODE, LM_SHEET_TEXT };

/* The file formats (the values of LM_WRITER_XLSX, _SAV and _DTA). */
enum lm_sheet_format { LM_SHEET_XLSX = 2, LM_SHEET_SAV = 3, LM_SHEET_DTA = 4 };

struct lm_sheet_labels {
	char *name;
	double *code;
	char **text;
	size_t n;
};

struct lm_sheet_col {
	char *name;   /* as in a CSV header */
	char *label;  /* variable label, or NULL */
	int kind;
	size_t labels; /* CODE: index into labels */
	size_t slot;   /* index into a row's numbers or texts */
	size_t width;  /* TEXT: the longest value in bytes */
};

struct lm_sheet {
	struct lm_sheet_col *cols;
	size_t n_cols, n_num, n_text;
	struct lm_sheet_labels *labels;
	size_t n_labels;
	/* rows * n_num numbers, rows * n_text spans of text (offset, length; length SIZE_MAX: missing) */
	double *num;
	size_t (*text)[2];
	size_t rows, cap;
	struct lm_strbuf chars;
	double *row_num;         /* the row being filled */
	size_t (*row_text)[2];
	int failed;              /* out of memory: sticky */
};

void lm__sheet_init(struct lm_sheet *s);
void lm__sheet_free(struct lm_sheet *s);
/* A value-label set: codes and texts (copied). Its index, or LM_NO_INDEX when out of memory. */
size_t lm__sheet_add_labels(struct lm_sheet *s, const char *name, const double *code, const char *const *text,
			    size_t n);
/* The value labels of @p scale's bands, named SCALE_band: codes 1 ... n in
 * the definition's order, each band's label (its id when it has none). Its
 * index, or LM_NO_INDEX when out of memory. */
struct lm_scale;
size_t lm__sheet_add_bands(struct lm_sheet *s, const struct lm_scale *scale);
/* A column (name and label copied; label may be NULL). Its index, or LM_NO_INDEX when out of memory. */
size_t lm__sheet_add_col(struct lm_sheet *s, const char *name, const char *label, int kind, size_t labels);
/* Fill column @p c of the current row (each column starts missing). */
void lm__sheet_set_number(struct lm_sheet *s, size_t c, double v);
void lm__sheet_set_text(struct lm_sheet *s, size_t c, const char *text, size_t len);
/* The current row is complete: keep it, start the next. LM_OK or LM_ENOMEM. */
int lm__sheet_end_row(struct lm_sheet *s);

/* 1 when @p format can be written by this build. */
int lm__sheet_available(int format);
/*
 * Write the sheet to @p path as @p format through @p o (output-priv.h).
 * Messages name @p name (the target). LM_OK, LM_EIO, LM_ELIMIT (too many
 * rows or too long a text for the format), LM_EDATA, LM_ENOMEM; LM_EINVAL
 * when the format is not built in.
 */
struct lm_out;
int lm__sheet_write(const struct lm_sheet *s, int format, struct lm_out *o, const char *name, lm_error *err);
int lm__sheet_write_readstat(const struct lm_sheet *s, int format, struct lm_out *o, const char *name,
			     lm_error *err);
int lm__sheet_write_xlsx(const struct lm_sheet *s, struct lm_out *o, const char *name, lm_error *err);

#endif
