/*
 * libra_measures — a readable pre/post report: one self-contained HTML file
 * (inline CSS and SVG, no scripts, no external resources) with per-scale
 * means, band distributions and transitions, a Jacobson–Truax plot, change
 * categories, the paired test and effect sizes in words, and alpha per wave.
 *
 * Privacy: every count, group or cell resting on fewer respondents than the
 * minimum cell size is hidden (its number is written nowhere in the file),
 * and so are others where needed so that no hidden number can be worked out
 * by adding or subtracting the numbers shown (complementary suppression);
 * each hidden number says why. Charts show counts per cell, never a single
 * pair; no respondent id is ever written. doc/PREPOST.md states the rules.
 *
 * The headline scale comes first (the definition's `primary:`, else the
 * total). With waves set on the analysis (lm_prepost_set_waves()), the
 * report is a trial's: a CONSORT-style flow table per arm, and per scale the
 * baseline-adjusted arm effects at each later wave in words and a table
 * (the numbers of the JSON's "ancova"), the means of each arm at every wave
 * with 95% CIs (a chart and a table), attrition in words, then each later
 * wave's two-wave results; the same small-cell rules apply to all of it
 * (doc/PREPOST.md, "The report of a trial").
 *
 * Use: run an lm_prepost, then lm_report_new(), the setters,
 * lm_report_write_file(), lm_report_free().
 *
 * Thread safety: a report is used by one thread at a time, and its analysis
 * must not be run again while the report writes. A report holds a reference
 * to its analysis, like every other object of the library to what it uses.
 */
#ifndef LIBRA_MEASURES_REPORT_H
#define LIBRA_MEASURES_REPORT_H

#include "common.h"
#include "error.h"
#include "instrument.h"
#include "outputs.h"
#include "prepost.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A report on a pre/post analysis. Opaque. */
typedef struct lm_report lm_report;

/**
 * Create a report on @p pp, an analysis that has run.
 * @param[out] out owned by the caller (lm_report_free()).
 * @param[in] pp the analysis: the report keeps its own reference to it
 *            (and so to its instrument), so the two may be freed in either
 *            order (since 0.3; before, @p pp had to outlive the report). The
 *            report reads the analysis when it writes: run the analysis again
 *            and a later write shows the new results.
 * @return LM_OK, LM_EINVAL (NULL argument) or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_report_new(lm_report **out, const lm_prepost *pp);

/** Free a report. Accepts NULL. @since 0.1 */
LM_EXPORT void lm_report_free(lm_report *r);

/**
 * Smallest number of respondents a shown cell, group or plot may rest on
 * (default 5, at least 1). Fewer are shown as "hidden: fewer than N"; a
 * number hidden only to protect another says so.
 * @return LM_OK or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_report_set_min_cell(lm_report *r, unsigned long min_cell);

/** The default minimum cell size (5). @since 0.1 */
LM_EXPORT unsigned long lm_report_default_min_cell(void);

/**
 * Names of the data files shown in the header (copied); @p post_name NULL
 * for one long file. Only these names are shown, so pass base names when
 * the directories should stay private.
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_report_set_source_names(lm_report *r, const char *pre_name, const char *post_name);

/**
 * Write the HTML report to @p path atomically (temporary file, then rename;
 * where a path may lead is said in outputs.h).
 * Every statistic shown carries its exact value in a data-value attribute,
 * and, when the JSON of lm_prepost_write_file() has it, its place there as
 * a JSON pointer (RFC 6901) in data-key.
 * @return LM_OK, LM_EIO or LM_EINVAL (the analysis has not run).
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_report_write_file(const lm_report *r, const char *path, lm_error *err);

/** As lm_report_write_file(), to an open descriptor (not closed). @since 0.1 */
LM_EXPORT LM_NODISCARD int lm_report_write_fd(const lm_report *r, int fd, lm_error *err);

/**
 * Write the report to @p path, staged in @p set: made durable now, put in
 * place by lm_outputs_commit() together with the run's other outputs (see
 * outputs.h). The set owns the staged output; nothing is put in place if the
 * set is freed without a commit.
 * @return LM_OK, LM_EIO (the set will then publish nothing), LM_ENOMEM or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_report_stage_file(const lm_report *r, const char *path, lm_outputs *set,
						lm_error *err);

/** As lm_report_stage_file(), to an open descriptor (not closed), written at the commit. @since 0.3 */
LM_EXPORT LM_NODISCARD int lm_report_stage_fd(const lm_report *r, int fd, lm_outputs *set, lm_error *err);

#ifdef __cplusplus
}
#endif

#endif
