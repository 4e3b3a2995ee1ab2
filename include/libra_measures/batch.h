/*
 * libra_measures — scoring many respondents in one call, from the columns
 * of a table as a binding holds them (R vectors, NumPy arrays): one array
 * per item in, one array per scale result and per rule out.
 *
 * Use: lm_batch_new(); per item lm_batch_set_numeric() or lm_batch_set_text()
 * (the column map: which array feeds which item); per scale and rule the
 * output arrays; then lm_batch_score() for n respondents. Inputs and outputs
 * are the caller's arrays, borrowed: the batch copies nothing of them and
 * allocates nothing per respondent.
 *
 * Values are checked exactly as lm_scorer_set() and lm_scorer_set_text() do
 * (the same responses, missing codes, labels and messages). A diagnostic's
 * line is the 1-based respondent (row) number and its column the 1-based
 * position of the item in the instrument; its message names the row, the
 * caller's column name and the value.
 *
 * Thread safety: a batch is used by one thread at a time. Any number of
 * batches may share one instrument and score at the same time on different
 * threads (a binding may release its interpreter lock around
 * lm_batch_score()): the instrument is only read.
 */
#ifndef LIBRA_MEASURES_BATCH_H
#define LIBRA_MEASURES_BATCH_H

#include "common.h"
#include "error.h"
#include "instrument.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A batch scorer: the column map, the output arrays and working space. Opaque. */
typedef struct lm_batch lm_batch;

/**
 * Create a batch scorer for @p inst. It keeps its own reference to the
 * instrument, so the two may be freed in either order.
 * @param[out] out the batch; the caller owns it (lm_batch_free()).
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_new(lm_batch **out, const lm_instrument *inst);

/** Free a batch (not the caller's arrays). Accepts NULL. @since 0.3 */
LM_EXPORT void lm_batch_free(lm_batch *batch);

/** The instrument this batch scores (borrowed; lives as long as the batch). @since 0.3 */
LM_EXPORT const lm_instrument *lm_batch_instrument(const lm_batch *batch);

/**
 * A name for the data, used as the file of every diagnostic (copied; NULL
 * for none, the default), e.g. the name of a data frame.
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_name(lm_batch *batch, const char *name);

/** @name Inputs: one column per item.
 * Each replaces the item's previous column. An unscored (filler) item without
 * a column is blank; a scored item without one fails lm_batch_score().
 * @{ */

/**
 * Read item @p item from @p values: one double per respondent, NaN for blank
 * (R's NA is a NaN); anything else must be one of the item's responses or a
 * missing code of the instrument.
 * @param[in] values borrowed, not copied: it must hold the n values of every
 *            later lm_batch_score() call until it is replaced or the batch is
 *            freed. NULL removes the item's column.
 * @param[in] column the caller's name for the column, for diagnostics
 *            (copied); NULL for the item's id.
 * @return LM_OK, LM_EINVAL (no such item) or LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_numeric(lm_batch *batch, size_t item, const double *values,
						const char *column);

/**
 * Read item @p item from @p values: one int per respondent, @p blank for
 * blank (R's NA_integer_ is INT_MIN); anything else must be one of the
 * item's responses or a missing code of the instrument. Integer columns
 * (R's integer vectors, numpy int32 arrays) need no conversion to doubles.
 * @param[in] values borrowed as for lm_batch_set_numeric(). NULL removes the
 *            item's column.
 * @param[in] blank the value that means "not answered".
 * @param[in] column as for lm_batch_set_numeric().
 * @return LM_OK, LM_EINVAL (no such item) or LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_integer(lm_batch *batch, size_t item, const int *values, int blank,
						const char *column);

/**
 * Read item @p item from @p values: one NUL-terminated UTF-8 string per
 * respondent, NULL for blank; each read as lm_scorer_set_text() reads a cell
 * (a number, or a response or missing-code label, case-insensitively).
 * @param[in] values borrowed as for lm_batch_set_numeric(), and so are the
 *            strings it points to. NULL removes the item's column.
 * @param[in] column as for lm_batch_set_numeric().
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_text(lm_batch *batch, size_t item, const char *const *values,
					     const char *column);
/** @} */

/** @name Outputs: caller-owned arrays of n elements, each optional (NULL: not written).
 * Borrowed like the inputs. Each call replaces the scale's or rule's previous arrays.
 * @{ */

/**
 * Where lm_batch_score() writes scale @p scale's results, one element per
 * respondent: the score (NaN when insufficient, or for a rejected row), the
 * number of the scale's items answered, the status (an lm_score_status) and
 * the band index (see lm_scale_band(); -1 when none).
 * @return LM_OK or LM_EINVAL (no such scale).
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_scale_output(lm_batch *batch, size_t scale, double *score, int *answered,
						     int *status, int *band);

/**
 * Where lm_batch_score() writes rule @p rule's outcome per respondent (an
 * lm_rule_value: 1, 0, or -1 when missing items leave it open).
 * @return LM_OK or LM_EINVAL (no such rule).
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_rule_output(lm_batch *batch, size_t rule, int *value);

/**
 * Where lm_batch_score() writes, per respondent, 1 when the row was rejected
 * for a value that is no response (see lm_batch_set_reject_rows()), else 0.
 * @return LM_OK or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_rejected_output(lm_batch *batch, int *rejected);
/** @} */

/**
 * What a value that is no response does: 0 (the default) fails the whole
 * call; 1 rejects just that respondent's row (no results: score NaN, 0
 * answered, status insufficient, band -1, rules -1, and 1 in the rejected
 * output) and scores the others.
 * @return LM_OK or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_set_reject_rows(lm_batch *batch, int reject);

/**
 * Score respondents 0 to @p n - 1 from the input columns into the output
 * arrays. Every problem is appended to @p err (at most lm_error_capacity()
 * kept, all counted): each bad value with its row, column and the value,
 * or every scored item without a column.
 *
 * Without lm_batch_set_reject_rows(), any bad value fails the call with
 * LM_EDATA, and every output element is then written as for a rejected row,
 * so that no partial result is left. With it, bad rows are rejected, their
 * problems still appended to @p err, and the call returns LM_OK.
 * @return LM_OK, LM_EDATA, LM_EINVAL (NULL batch) or LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_batch_score(lm_batch *batch, size_t n, lm_error *err);

/** Rows rejected by the last lm_batch_score() (0 before any; all bad rows when it failed). @since 0.3 */
LM_EXPORT size_t lm_batch_rejected_count(const lm_batch *batch);

#ifdef __cplusplus
}
#endif

#endif
