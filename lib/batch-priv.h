/*
 * libra_measures — private: the batch scorer's row by row interface, for
 * other consumers of in-memory columns (the pre/post memory source).
 */
#ifndef LM_BATCH_PRIV_H
#define LM_BATCH_PRIV_H

#include "internal.h"

/*
 * Before the rows: check that every scored item has a column (else one
 * diagnostic naming them all, of this file, and LM_EDATA), and blank the items that have
 * none. Returns LM_OK, LM_EDATA or LM_ENOMEM.
 */
int lm__batch_begin(lm_batch *b, const char *file, lm_error *err);

/*
 * Set the batch's scorer from row r of the input columns and run it; file
 * is the file of its diagnostics (the batch's name, or the caller's).
 * Returns LM_OK, LM_EDATA (every bad value of the row appended to err, with
 * its row and column; the scorer then holds no valid results) or
 * LM_ENOMEM.
 */
int lm__batch_row(lm_batch *b, size_t r, const char *file, lm_error *err);

/* The scorer that lm__batch_row() filled (borrowed from the batch). */
const struct lm_scorer *lm__batch_scorer(const lm_batch *b);

/* The name set with lm_batch_set_name(), or NULL. */
const char *lm__batch_name(const lm_batch *b);

#endif
