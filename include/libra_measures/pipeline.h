/**
 * @file pipeline.h
 * libra_measures — a whole table scored into a writer, on one thread or
 * several.
 *
 * lm_score_table() is the loop every scoring of a file runs — read a row
 * (lm_table_next()), write its scores (lm_writer_write()) or, when the table
 * rejects it, its text to a rejects file (lm_rejects_write()) — with the
 * columns the writer carries (lm_writer_add_column()) taken from the table
 * by name. With more than one thread the input is cut into parts at record
 * boundaries; worker threads read, score and format the parts, and the
 * calling thread reads the input and hands the parts' output on in input
 * order. The output, the rejects file, every diagnostic and every count are
 * the same, byte for byte, whatever the number of threads.
 */
#ifndef LIBRA_MEASURES_PIPELINE_H
#define LIBRA_MEASURES_PIPELINE_H

#include "common.h"
#include "error.h"
#include "table.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Score every remaining row of an open table into @p writer.
 *
 * Each accepted row is scored and written (lm_writer_write()), with writer
 * column k (lm_writer_add_column()) set to the table's column of the same
 * name (exactly as in the header); each rejected row is written to
 * @p rejects when it is not NULL. Reading goes on after a rejected row, so
 * that every problem is reported at once, in row order, to @p err (which is
 * capped as always: lm_error_total() counts them all). Nothing is committed:
 * stage or commit the writer and the rejects file afterwards, as after a loop
 * of lm_table_next().
 *
 * Threads: with @p threads 1 everything is done on the calling thread. With
 * N > 1, N worker threads read, score and format parts of the input while
 * the calling thread reads the input and hands the parts on in order. 0 is
 * automatic: the first 8 MiB of the input are read on the calling thread
 * (a smaller table is not worth handing over: on two CPUs, 4 MB took
 * longer on two workers than alone), then one worker per processor online
 * takes the rest. Parts are used for CSV text (a
 * file, a descriptor or memory) written as CSV or JSON Lines; anything else
 * (a workbook, an SPSS or Stata file, an Excel, SPSS or Stata writer) is
 * read on the calling thread whatever @p threads says.
 * Memory: a few parts of 256 KiB per thread, whatever the table's size.
 *
 * @param[in,out] table  open (lm_table_open_file() and its twins); at its end afterwards.
 * @param[in,out] writer for the table's instrument; its carried columns must be columns of the table.
 * @param[in,out] rejects NULL, or from lm_rejects_open_file() for @p table.
 * @param[in] threads    1 (the calling thread only), N > 1 worker threads, 0 automatic (above).
 * @param[out] insufficient NULL, or rows written with at least one scale LM_SCORE_INSUFFICIENT.
 * @param[in,out] err    receives every problem of the rows, and a reading failure.
 * @return LM_OK when the table was read to its end — or when an output failed
 *         (a full disk: the failure is sticky, and lm_writer_stage() or
 *         lm_rejects_stage() reports it); rows rejected are counted by
 *         lm_table_rows_rejected(). A negative status when reading failed
 *         (reported in @p err, as lm_table_next() does); LM_EINVAL for a
 *         table not open, a writer of another instrument, or a carried column
 *         the table does not have (said in @p err); LM_ENOMEM.
 * Thread safety: the table, writer and rejects file are used by this call
 * alone until it returns; the instrument may be shared.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_score_table(lm_table *table, lm_writer *writer, lm_rejects *rejects, unsigned threads,
					  unsigned long *insufficient, lm_error *err);

#ifdef __cplusplus
}
#endif

#endif
