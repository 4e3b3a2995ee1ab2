/*
 * libra_measures — writing scores: one record per respondent as CSV, JSON
 * Lines, an Excel workbook, an SPSS system file or a Stata file, with any
 * columns carried from the input (lm_writer_add_column()), never a partial
 * file. Output goes to a temporary file beside the
 * target and is renamed into place by lm_writer_commit() (or, with other
 * outputs of the run, by lm_writer_stage() and lm_outputs_commit()); a writer
 * freed without a commit leaves the old file (or none) untouched. Where a
 * path may lead (symbolic links, sticky directories) is said in outputs.h.
 *
 * Numbers are written the same under every locale, as lm_format_number()
 * (number.h) writes them.
 *
 * Thread safety: a writer is used by one thread at a time.
 */
#ifndef LIBRA_MEASURES_WRITER_H
#define LIBRA_MEASURES_WRITER_H

#include "common.h"
#include "error.h"
#include "instrument.h"
#include "outputs.h"
#include "score.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A score writer. Opaque. Keeps its own reference to the instrument. */
typedef struct lm_writer lm_writer;

/**
 * Output formats of a score writer. Output formats are named for the module
 * that writes them, as the pre/post analysis's are (LM_PREPOST_JSON). Until
 * 0.3 these were enum lm_format, LM_FORMAT_CSV and LM_FORMAT_JSONL; nothing
 * had been released under those names.
 * @since 0.3 under these names
 */
enum lm_writer_format {
	/** id, then per scale SCALE, SCALE_answered, SCALE_status, SCALE_band (banded scales only), then one column per rule */
	LM_WRITER_CSV = 0,
	/** one JSON object per line:
	 *  {"row":N,"id":..,"scales":{S:{"score","answered","coded","status","band"}},"rules":{R:true|false|null}},
	 *  with "columns":{NAME:TEXT,...} after "id" when columns are carried */
	LM_WRITER_JSONL = 1,
	/**
	 * Excel workbook (.xlsx), when built with libxlsxwriter
	 * (lm_writer_format_available()). Sheet "data": the columns of
	 * LM_WRITER_CSV, a header row, scores and counts as numbers, a missing
	 * score as an empty cell, statuses, bands and rule outcomes as text (the
	 * status name; the band's label; false or true), carried columns and ids
	 * as text, never as formulas. Sheet "variables": each column's label,
	 * type and values.
	 * @since 0.3
	 */
	LM_WRITER_XLSX = 2,
	/**
	 * SPSS system file (.sav, row-compressed), when built with ReadStat.
	 * The columns of LM_WRITER_CSV as variables: id and carried columns as
	 * strings; SCALE (score) and SCALE_answered numeric, a missing score
	 * system-missing; SCALE_status numeric with value labels 0 ok,
	 * 1 prorated, 2 insufficient; SCALE_band numeric 1..n in the
	 * definition's order of bands, labelled with the bands' labels; a rule
	 * numeric 0 false, 1 true, system-missing when not determinable.
	 * Variable labels: the scale's label (with ": items answered",
	 * ": status", ": band"), the rule's label. A name SPSS does not allow
	 * (a '-', a leading digit, too long) is changed to one it does (other
	 * characters become '_', a 'v' in front, a "_2" suffix against clashes)
	 * and the original name becomes its label. All rows are held in memory
	 * until the commit: the format needs their number first.
	 * @since 0.3
	 */
	LM_WRITER_SAV = 3,
	/** Stata file (.dta, format 118), as LM_WRITER_SAV; names at most 32 characters, labels 80. @since 0.3 */
	LM_WRITER_DTA = 4
};

/**
 * Whether this build writes @p format: CSV and JSON Lines always; Excel
 * with libxlsxwriter, SPSS and Stata with ReadStat. Opening a writer for a
 * format not built in fails with LM_EINVAL and a diagnostic that says so.
 * @return 1 or 0.
 * @since 0.3
 */
LM_EXPORT int lm_writer_format_available(int format);

/**
 * The format a file name asks for by its extension, in any case: .xlsx,
 * .sav, .dta, .jsonl or .json; LM_WRITER_CSV for any other (and NULL).
 * @since 0.3
 */
LM_EXPORT int lm_writer_format_for_path(const char *path);

/**
 * Start writing to @p path. The header (CSV) is written with the first
 * record (or at the commit when there is none); an Excel, SPSS or Stata file
 * is made whole at the commit (or stage) from the records held until then.
 * @param[out] out the writer; the caller owns it (lm_writer_free()).
 * @param[in] format an lm_writer_format.
 * @return LM_OK, LM_EIO, LM_ENOMEM or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_writer_open_file(lm_writer **out, const lm_instrument *inst, int format,
					       const char *path, lm_error *err);

/**
 * Start writing to the open descriptor @p fd (not closed by the writer).
 * Records are held in an anonymous temporary file and copied to @p fd by
 * lm_writer_commit(), so a failed run writes nothing there either. That file
 * is made in the directory the environment variable TMPDIR names (when set and
 * not empty), else in /tmp; it never has a name there for longer than its
 * creation, and its space is freed when the writer is freed.
 * @return LM_OK; LM_EIO (with a diagnostic naming the directory) when the
 *         file cannot be made there; LM_ENOMEM; LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_writer_open_fd(lm_writer **out, const lm_instrument *inst, int format, int fd,
					     lm_error *err);

/**
 * Carry a column of the input into the output (e.g. a team, site or group
 * column, so that scores merge back without a lookup): written after the id
 * column, in the order added, as text exactly as given to
 * lm_writer_set_column(). Call before the first lm_writer_write().
 * @param[in] name the column's name (copied).
 * @return LM_OK; LM_EINVAL (with a diagnostic) when @p name is empty, is
 *         carried already, or is a column the writer writes itself (id, a
 *         scale's SCALE, SCALE_answered, SCALE_status, SCALE_band, a rule),
 *         or records were written; LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_writer_add_column(lm_writer *writer, const char *name, lm_error *err);

/** Columns carried (lm_writer_add_column()). @since 0.3 */
LM_EXPORT size_t lm_writer_column_count(const lm_writer *writer);

/**
 * The value of carried column @p k (0-based, in the order added) for the next
 * record; not copied: it must stay valid until lm_writer_write(), which then
 * clears every carried value (a value not set is written empty).
 * @param[in] text need not be NUL-terminated; NULL (with @p len 0) for empty.
 * @return LM_OK or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_writer_set_column(lm_writer *writer, size_t k, const char *text, size_t len);

/**
 * Write the record of the respondent last scored by @p scorer.
 * @param[in] row 1-based data row number.
 * @param[in] id respondent id, or NULL when there is none; need not be NUL-terminated.
 * @param[in] id_len its length in bytes.
 * @return LM_OK, LM_EIO or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_writer_write(lm_writer *writer, unsigned long row, const char *id, size_t id_len,
					   const lm_scorer *scorer);

/**
 * Finish: flush, and put the output in place (rename, or copy to the descriptor).
 * @return LM_OK or LM_EIO; LM_ELIMIT when the records do not fit the format
 *         (rows of a sheet, the length of a text in a cell or variable),
 *         LM_ENOMEM. After a failure nothing is left at the target.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_writer_commit(lm_writer *writer, lm_error *err);

/**
 * Finish, and hand the output to @p set to be committed with the run's other
 * outputs by lm_outputs_commit(): flushed and made durable now (a write
 * error, a full disk, surfaces here), put in place only then. The writer
 * takes no more records and has nothing left to commit; freeing it no
 * longer discards the output, freeing the set without a commit does.
 * @return LM_OK; LM_EIO (diagnostic in @p err) when the output could not be
 *         written — it is discarded, and the set will then publish nothing;
 *         LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_writer_stage(lm_writer *writer, lm_outputs *set, lm_error *err);

/** Free a writer; output not committed (or staged) is discarded. Accepts NULL. @since 0.1 */
LM_EXPORT void lm_writer_free(lm_writer *writer);

/** Records written so far. @since 0.1 */
LM_EXPORT unsigned long lm_writer_records(const lm_writer *writer);

/**
 * A rejects file: the rows a table rejected, as they were, with why, so that
 * nothing read is lost. CSV with the columns `rejected_row` (data row number),
 * `rejected_line` (line in the file), the table's own columns, and
 * `rejected_because` (every problem of the row). A row with more fields than
 * the header keeps the header's fields (its problem says how many it had).
 * Text that a spreadsheet would run as a formula is neutralised. Written
 * atomically like the score writers.
 */
typedef struct lm_rejects lm_rejects;

/**
 * Start a rejects file for the open table @p table (its header is written at once).
 * @return LM_OK, LM_EIO, LM_ENOMEM or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_rejects_open_file(lm_rejects **out, const lm_table *table, const char *path,
						lm_error *err);

/** Write the table's current row, which lm_table_next() rejected. @return LM_OK, LM_EIO or LM_EINVAL. @since 0.1 */
LM_EXPORT LM_NODISCARD int lm_rejects_write(lm_rejects *rejects, const lm_table *table);

/** Finish and put the file in place. @return LM_OK or LM_EIO. @since 0.1 */
LM_EXPORT LM_NODISCARD int lm_rejects_commit(lm_rejects *rejects, lm_error *err);

/** As lm_writer_stage(), for a rejects file. @since 0.3 */
LM_EXPORT LM_NODISCARD int lm_rejects_stage(lm_rejects *rejects, lm_outputs *set, lm_error *err);

/** Free; a file not committed is discarded. Accepts NULL. @since 0.1 */
LM_EXPORT void lm_rejects_free(lm_rejects *rejects);

/** Rows written so far. @since 0.1 */
LM_EXPORT unsigned long lm_rejects_records(const lm_rejects *rejects);

#ifdef __cplusplus
}
#endif

#endif
