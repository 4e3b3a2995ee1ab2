/*
 * libra_measures — what pipeline.c needs of the writers (writer.c): a
 * worker thread writes its part of the output into a clone kept in memory,
 * and the parts are handed on to the real output in input order. Private.
 */
#ifndef LM_WRITER_PRIV_H
#define LM_WRITER_PRIV_H

#include "internal.h"

/*
 * A writer that writes what @p w would (same instrument, format and carried
 * columns) into memory. @p w must be CSV or JSON Lines (LM_EINVAL
 * otherwise); its header is written first. The clone shares @p w's texts:
 * free it before @p w, with lm__writer_free_clone(). LM_OK or LM_ENOMEM.
 */
int lm__writer_clone(lm_writer *w, lm_writer **out);
/* Append what @p clone wrote to @p dst's output (and its records to the
 * count), emptying @p clone. LM_OK, or LM_ENOMEM when the clone could not
 * keep its part. A write error of @p dst is sticky there, as for every write. */
int lm__writer_move(lm_writer *clone, lm_writer *dst);
void lm__writer_free_clone(lm_writer *clone);
const lm_instrument *lm__writer_instrument(const lm_writer *w);
/* Whether @p w writes rows as they come (CSV, JSON Lines): it can be cloned. */
int lm__writer_streams(const lm_writer *w);
/* The name of carried column @p k (k < lm_writer_column_count()). */
const char *lm__writer_column_name(const lm_writer *w, size_t k);
/* Nonzero once the output has failed or was committed: nothing more is written. */
int lm__writer_failed(const lm_writer *w);

/* The same for a rejects file. */
int lm__rejects_clone(const lm_rejects *r, lm_rejects **out);
int lm__rejects_move(lm_rejects *clone, lm_rejects *dst);
int lm__rejects_failed(const lm_rejects *r);

#endif
