/*
 * libra_measures — reading data tables: a CSV file of respondents, one row
 * each, streamed in constant memory, its columns matched to an instrument's
 * items by name, each row validated and scored.
 *
 * Problems are reported as FILE:LINE:COL diagnostics, where LINE is the line
 * of the file the row starts on and COL the 1-based field number; the
 * message names the data row and the column.
 *
 * Limits (LM_ELIMIT, with the place): a record (a row, with any quoted line
 * breaks) is at most 1 MiB, and so is any field; a header has at most 65,536
 * columns. The id and any required column must be UTF-8 text without NUL
 * bytes, or the row is rejected (LM_REJECT_TEXT); item cells that are no
 * response are rejected as such whatever bytes they hold. Memory does not
 * grow with the number of rows.
 *
 * SPSS (.sav, .zsav, .por) and Stata (.dta) files are read too when the
 * library is built with ReadStat (lm_table_has_readstat()), and Excel
 * workbooks (.xlsx) when it is built with libzip and expat
 * (lm_table_has_xlsx()): see lm_table_open_file(). A problem in a workbook's
 * cell is located by the cell, as Excel names it: FILE is
 * `scores.xlsx:Sheet1!D14` (a whole row: `scores.xlsx:Sheet1!14:14`), LINE
 * and COL are 0.
 *
 * Thread safety: a table is used by one thread at a time.
 */
#ifndef LIBRA_MEASURES_TABLE_H
#define LIBRA_MEASURES_TABLE_H

#include "common.h"
#include "error.h"
#include "instrument.h"
#include "score.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A data table being read. Opaque. Keeps its own reference to the instrument. */
typedef struct lm_table lm_table;

/**
 * Create a reader for tables of @p inst's items.
 * @param[out] out the reader; the caller owns it (lm_table_free()).
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_new(lm_table **out, const lm_instrument *inst);

/** Close and free a table. Accepts NULL. @since 0.1 */
LM_EXPORT void lm_table_free(lm_table *table);

/**
 * Name the column holding respondent ids (copied); it undoes
 * lm_table_set_no_id(). Without either, the column named exactly "id" is
 * used. A header without the id column is refused (LM_EDATA) by the open,
 * with a message that lists the header's columns: rows without ids could not
 * be told apart in the outputs. NULL returns to the default. Call before
 * opening: once the table is open (until it is freed) the call is refused.
 * @return LM_OK, LM_ENOMEM or LM_EINVAL (no table, or the table was opened;
 *         since 0.3, before which the new column was silently ignored).
 * @since 0.1 (a missing "id" column is an error since 0.3; before, rows had no id)
 */
LM_EXPORT LM_NODISCARD int lm_table_set_id_column(lm_table *table, const char *name);

/**
 * Say that the table has no id column (@p none 1), or return to the default
 * (0: the column named "id", or lm_table_set_id_column()'s). With no id
 * column, each row is identified by its data row number (lm_table_row()):
 * lm_table_row_id() gives it as decimal text ("1", "2", ...), which the
 * writers put where the id goes, and lm_table_id_column() gives NULL. A
 * column named "id" is then read as any other column. Undoes
 * lm_table_set_id_column(). Call before opening.
 * @return LM_OK, or LM_EINVAL (no table, @p none not 0 or 1, or the table is open).
 * Thread safety: as for the table.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_table_set_no_id(lm_table *table, int none);

/**
 * How SPSS and Stata values that have a value label are read: as their codes
 * (0, the default) or as the label's text (1), which the instrument's
 * response labels then give a value, as they do a CSV export of labels.
 * Missing codes of the instrument are read as codes either way. CSV tables
 * are not affected. Call before opening.
 * @return LM_OK or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_set_value_labels(lm_table *table, int use);

/**
 * 1 when this build of the library reads SPSS and Stata files (it was built
 * with ReadStat), else 0.
 * @since 0.1
 */
LM_EXPORT int lm_table_has_readstat(void);

/**
 * 1 when this build of the library reads Excel workbooks (.xlsx: it was
 * built with libzip and expat), else 0.
 * @since 0.3
 */
LM_EXPORT int lm_table_has_xlsx(void);

/**
 * Read sheet @p name of an Excel workbook rather than its first sheet (NULL:
 * the first again). Opening a workbook without such a sheet fails
 * (LM_EDATA) with a message that lists its sheets; opening a file that is not
 * a workbook fails too, saying that a sheet was asked for. The name is
 * copied. Call before opening.
 * @return LM_OK, LM_ENOMEM or LM_EINVAL (no table, an empty name, or the table is open).
 * Thread safety: as for the table.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_table_set_sheet(lm_table *table, const char *name);

/**
 * The name of the workbook sheet the open table reads.
 * @return borrowed, valid until the table is reopened or freed; NULL when
 *         the table is not open or is not a workbook.
 * @since 0.3
 */
LM_EXPORT const char *lm_table_sheet(const lm_table *table);

/**
 * Set the field delimiter. The default, '\0', detects it from the header
 * line: the one of ',', ';' and tab found there outside quotes; a header with
 * more than one of them is refused (LM_EDATA) as ambiguous. Call before
 * opening: once the table is open (until it is freed) the call is refused.
 * @return LM_OK or LM_EINVAL (no table, a quote, CR or LF, or the table was
 *         opened; since 0.3).
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_set_delimiter(lm_table *table, char delimiter);

/**
 * Look for item columns under a prefix: item `<instrument>_<n>` (e.g. stss_7)
 * is column `<prefix><n>` (e.g. Q5_7); an item id without the instrument's
 * prefix is appended whole. NULL or "" removes it. Explicit mappings
 * (lm_table_map_column()) take precedence. Call before opening.
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_set_prefix(lm_table *table, const char *prefix);

/**
 * Read item @p item from column @p column (both copied). An item mapped
 * twice is refused; two items that end up with the same column are reported
 * when the table is opened. Call before opening.
 * @return LM_OK, LM_ENOTFOUND (no such item), LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_map_column(lm_table *table, const char *item, const char *column,
					       lm_error *err);

/**
 * Read a mapping file: CSV with a header `item,column` and one item per row,
 * read by the same CSV reader as the data (quoted fields may hold the
 * delimiter, quotes and line breaks; a record is at most 1 MiB; cells are
 * trimmed; empty lines are skipped). The delimiter is the first of ',', ';'
 * and tab outside quotes in the header. Every problem is reported with its
 * line. Call before opening.
 * @return LM_OK, LM_EIO, LM_EDATA, LM_ELIMIT, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_read_map(lm_table *table, const char *path, lm_error *err);

/**
 * Treat cells whose text (trimmed, compared exactly) is @p token as blank:
 * e.g. "NA", "." or "-99" from a statistics package. A blank cell is always
 * missing. The instrument's own missing codes stay codes (not answers, kept
 * apart from blanks). Call before opening.
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_add_missing(lm_table *table, const char *token);

/**
 * 1 when the open table was recognised as a Qualtrics export (its second and
 * third header rows, the question text and {"ImportId": ...}, were skipped).
 * @since 0.1
 */
LM_EXPORT int lm_table_is_qualtrics(const lm_table *table);

/**
 * Every problem of the current row, one message each joined with "; ", when
 * lm_table_next() rejected it; NULL for an accepted row. Unlike the lm_error
 * list this is never capped, so a rejects file can give every row's reason.
 * @return borrowed; valid until the next lm_table_next().
 * @since 0.1
 */
LM_EXPORT const char *lm_table_row_problem(const lm_table *table);

/**
 * How many item columns of the open table were found only by ignoring case:
 * a column "STSS_1" taken for item stss_1 (or for the column a prefix or a
 * mapping names) because no column has the exact name and no other column
 * differs from it only in the case of ASCII letters. Two such columns are
 * ambiguous: the open fails (LM_EDATA) and says to map the item's column.
 * The id column and required columns are matched exactly. 0 when the table
 * is not open. Thread safety: as for the table.
 * @since 0.3
 */
LM_EXPORT size_t lm_table_case_matches(const lm_table *table);

/** Number of columns in the header of the open table. @since 0.1 */
LM_EXPORT size_t lm_table_column_count(const lm_table *table);

/** Name of header column @p k, trimmed (borrowed); NULL if out of range. @since 0.1 */
LM_EXPORT const char *lm_table_column_name(const lm_table *table, size_t k);

/**
 * Field @p k of the current row as it is in the file (unquoted), e.g. to
 * copy a rejected row. NULL when out of range or there is no current row.
 * @param[out] len its length in bytes (may be NULL).
 * @return borrowed, not NUL-terminated; valid until the next lm_table_next().
 * @since 0.1
 */
LM_EXPORT const char *lm_table_field(const lm_table *table, size_t k, size_t *len);

/**
 * Ask for a further column (e.g. a group or wave column) by name (copied).
 * The header check reports it when it is absent or appears twice. Call
 * before opening.
 * @param[out] handle what lm_table_column_value() takes.
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_require_column(lm_table *table, const char *name, size_t *handle);

/**
 * The current row's value of a column asked for with lm_table_require_column().
 * @param[out] len its length in bytes (may be NULL).
 * @return borrowed, not NUL-terminated, valid until the next lm_table_next();
 *         NULL when there is no current row.
 * @since 0.1
 */
LM_EXPORT const char *lm_table_column_value(const lm_table *table, size_t handle, size_t *len);

/**
 * Open a CSV file and read its header. Every problem with the header is
 * reported at once: no header (empty file), duplicate columns, item columns
 * that are missing.
 *
 * A name ending in .sav, .zsav or .por (SPSS) or .dta (Stata), in any case,
 * is read through ReadStat instead: the whole file at once, into memory, as
 * a table whose header is the variable names and whose rows are the cases,
 * so that everything else works as for CSV. Diagnostics name the file, with
 * LINE the case number + 1 (the header counting as line 1). Numbers are
 * read exactly (never through the locale); system-missing values, Stata's
 * extended missing values (.a to .z) and SPSS user-defined missing values
 * are blank, except a user-defined missing value that is one of the
 * instrument's missing codes, which stays that code; text values are read
 * as they are; value labels as lm_table_set_value_labels() says. The
 * delimiter setting does not apply. Without ReadStat in the build such a
 * file is refused (LM_EDATA) with a message that says so. An SPSS or Stata
 * file given under another name, or to lm_table_open_fd() or
 * lm_table_open_buffer(), is refused by its first bytes (LM_EDATA) when they
 * show it (.sav, .zsav and Stata 13 and later).
 *
 * An Excel workbook (.xlsx) is told by its content, whatever its name: a
 * zip archive holding [Content_Types].xml and xl/workbook.xml. Its first
 * sheet (or lm_table_set_sheet()'s) is read as a table whose header is the
 * first row that has a value, its columns from column A; a row without
 * values is a blank row. The sheet is streamed from the zip, in bounded
 * memory; the shared strings are held in memory. Cells are read as Excel
 * shows them: text (shared or inline) as it is, numbers as the shortest
 * decimal that reads back as the same double (lm_format_number()), TRUE and
 * FALSE, error values such as #N/A as their text, a formula by its cached
 * value, and a number whose cell format is a date or time as ISO 8601 text
 * (2024-03-05, 13:30:00, 2024-03-05 13:30:00; 1900 and 1904 date systems).
 * The delimiter setting does not apply. A file descriptor or buffer is read
 * whole into memory first (a zip is read from its end). Without xlsx support
 * in the build, and for .xls and other zip archives (OpenDocument), the file
 * is refused (LM_EDATA) with a message that names the format and what to do.
 * @return LM_OK, LM_EIO, LM_EDATA, LM_ENOMEM or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_open_file(lm_table *table, const char *path, lm_error *err);

/**
 * As lm_table_open_file(), reading an open file descriptor (not closed by
 * the table). @p name is used in diagnostics (e.g. "<stdin>").
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_open_fd(lm_table *table, int fd, const char *name, lm_error *err);

/**
 * As lm_table_open_file(), reading @p len bytes at @p data, which must stay
 * valid until the table is freed or reopened.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_open_buffer(lm_table *table, const char *data, size_t len, const char *name,
						lm_error *err);

/**
 * Read the next row into @p scorer (whose instrument must be the table's) and score it.
 * Blank rows of a CSV table (an empty line, or nothing but delimiters and white
 * space, as spreadsheets leave them) are no respondents: they are skipped and
 * counted apart (lm_table_rows_blank()), though they keep their row numbers.
 * Empty lines at the very end of the file are not counted at all. (A case of
 * an SPSS or Stata file is a row even when every value is missing.)
 * @return 1 when a row was read and scored; 0 at the end of the table;
 *         LM_EDATA when the row was rejected (every problem in it is reported;
 *         call again for the next row); LM_EIO, LM_ENOMEM, LM_ELIMIT or LM_EINVAL
 *         when reading cannot go on.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_table_next(lm_table *table, lm_scorer *scorer, lm_error *err);

/**
 * 1-based number of the current data row: the header is not counted, blank
 * rows are (so row N is the N-th record under the header). @since 0.1
 */
LM_EXPORT unsigned long lm_table_row(const lm_table *table);

/**
 * 1-based line of the file the current row starts on; for an SPSS or Stata
 * file, the case number + 1; for an Excel workbook, the row of the sheet.
 * @since 0.1
 */
LM_EXPORT unsigned long lm_table_line(const lm_table *table);

/**
 * The current row's id; with lm_table_set_no_id(), its row number as text.
 * NULL when there is no current row.
 * @param[out] len its length in bytes (may be NULL).
 * @return borrowed; valid until the next lm_table_next().
 * @since 0.1
 */
LM_EXPORT const char *lm_table_row_id(const lm_table *table, size_t *len);

/** Name of the id column in use, or NULL (borrowed). @since 0.1 */
LM_EXPORT const char *lm_table_id_column(const lm_table *table);

/** The name diagnostics use for this table (borrowed). @since 0.1 */
LM_EXPORT const char *lm_table_name(const lm_table *table);

/** Data rows read so far, rejected or not; blank rows are not counted. @since 0.1 */
LM_EXPORT unsigned long lm_table_rows_read(const lm_table *table);

/**
 * Blank rows skipped so far (see lm_table_next()); not part of
 * lm_table_rows_read(). 0 for NULL.
 * Thread safety: as for the table.
 * @since 0.3
 */
LM_EXPORT unsigned long lm_table_rows_blank(const lm_table *table);

/** Data rows rejected so far. @since 0.1 */
LM_EXPORT unsigned long lm_table_rows_rejected(const lm_table *table);

/** Why a row was rejected. */
enum lm_reject_reason {
	LM_REJECT_VALUE = 0,  /**< a cell is not one of its item's responses */
	LM_REJECT_FIELDS = 1, /**< the row has a different number of fields than the header */
	LM_REJECT_QUOTE = 2,  /**< a quoted field is not closed before the end of the file */
	LM_REJECT_TEXT = 3    /**< the id (or a column asked for with lm_table_require_column()) holds a NUL
				   byte or is not valid UTF-8 */
};

/** Data rows rejected so far for @p reason (an lm_reject_reason). @since 0.1 */
LM_EXPORT unsigned long lm_table_rows_rejected_for(const lm_table *table, int reason);

#ifdef __cplusplus
}
#endif

#endif
