/*
 * libra_measures — pre/post change: pairs respondents across two waves,
 * scores both, and computes per respondent the change, the Jacobson–Truax
 * reliable change index and clinical-significance category, and per scale
 * the summary statistics (paired t, effect sizes, Cronbach's alpha per wave,
 * band transitions) overall and by group.
 *
 * Use: lm_prepost_new(), the setters, one of the run functions, then read
 * the results or write them (JSON document or per-respondent CSV).
 *
 * Statistics that cannot be computed (too few pairs, zero variance) are NaN
 * through this API, with a reason from lm_prepost_stat_reason(); the writers
 * print them as null with that reason, never as a number.
 *
 * Thread safety: an analysis is used by one thread at a time; it keeps its
 * own reference to the instrument, and each report on it keeps one to the
 * analysis.
 */
#ifndef LIBRA_MEASURES_PREPOST_H
#define LIBRA_MEASURES_PREPOST_H

#include "batch.h"
#include "common.h"
#include "error.h"
#include "outputs.h"
#include "instrument.h"
#include "table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A pre/post analysis. Opaque. */
typedef struct lm_prepost lm_prepost;

/** What to do with an id that occurs twice in one wave. */
enum lm_duplicates {
	LM_DUPLICATES_ERROR = 0,  /**< fail, listing every duplicate and its rows (default) */
	LM_DUPLICATES_EXCLUDE = 1 /**< leave every row of that id unpaired, and count them */
};

/*
 * Names (since 0.3): an enumeration is named for what it lists and never
 * after a function (lm_prepost_count() takes an lm_prepost_count_kind), and
 * its values carry the module's prefix, LM_PREPOST_, as the output formats
 * do (LM_PREPOST_JSON). Until 0.3 they were LM_COUNT_*, LM_STAT_* and
 * LM_COMPARE_*; nothing had been released under those names.
 */

/** Counts over the whole run (lm_prepost_count()). @since 0.3 under these names */
enum lm_prepost_count_kind {
	LM_PREPOST_COUNT_PRE_ROWS = 0,     /**< data rows in the pre wave */
	LM_PREPOST_COUNT_POST_ROWS = 1,    /**< data rows in the post wave */
	LM_PREPOST_COUNT_PAIRS = 2,        /**< ids found once in each wave */
	LM_PREPOST_COUNT_PRE_ONLY = 3,     /**< ids found only in the pre wave */
	LM_PREPOST_COUNT_POST_ONLY = 4,    /**< ids found only in the post wave */
	LM_PREPOST_COUNT_NO_ID = 5,        /**< rows (either wave) with a blank id */
	LM_PREPOST_COUNT_DUPLICATE_ID = 6, /**< rows (either wave) whose id occurs more than once in their wave */
	LM_PREPOST_COUNT_OTHER_WAVE = 7,   /**< long form: rows whose wave is neither the pre nor the post value */
	LM_PREPOST_COUNT_REJECTED = 8,     /**< rows (either wave) with a value that is not a declared response */
	LM_PREPOST_COUNT_BLANK = 9         /**< blank rows (either file), skipped: not in the rows above (since 0.3) */
};

/** Per-scale summary statistics (lm_prepost_stat()). @since 0.3 under these names */
enum lm_prepost_stat_kind {
	/** over pairs with both scores */
	LM_PREPOST_STAT_PRE_N = 0, LM_PREPOST_STAT_PRE_MEAN, LM_PREPOST_STAT_PRE_SD,
	LM_PREPOST_STAT_POST_N, LM_PREPOST_STAT_POST_MEAN, LM_PREPOST_STAT_POST_SD,
	/** over all rows of the wave with complete items */
	LM_PREPOST_STAT_PRE_ALPHA, LM_PREPOST_STAT_PRE_ALPHA_N,
	LM_PREPOST_STAT_POST_ALPHA, LM_PREPOST_STAT_POST_ALPHA_N,
	/** change = post - pre */
	LM_PREPOST_STAT_CHANGE_N, LM_PREPOST_STAT_CHANGE_MEAN, LM_PREPOST_STAT_CHANGE_SD,
	/** 95 % CI of the mean change */
	LM_PREPOST_STAT_CHANGE_CI_LOW, LM_PREPOST_STAT_CHANGE_CI_HIGH,
	/** paired t-test, two-sided */
	LM_PREPOST_STAT_T, LM_PREPOST_STAT_DF, LM_PREPOST_STAT_P,
	LM_PREPOST_STAT_DZ,  /**< mean change / SD of change */
	LM_PREPOST_STAT_DAV, /**< mean change / mean of pre and post SDs */
	/** inputs of the reliable change index */
	LM_PREPOST_STAT_RCI_SD, LM_PREPOST_STAT_RCI_RELIABILITY, LM_PREPOST_STAT_RCI_SDIFF,
	/** reliable change counts */
	LM_PREPOST_STAT_IMPROVED, LM_PREPOST_STAT_DETERIORATED, LM_PREPOST_STAT_UNCHANGED,
	LM_PREPOST_STAT_RECOVERED /**< NaN without a clinical cut-off */
};

/** Between-group comparison of change (lm_prepost_compare()). @since 0.3 under these names */
enum lm_prepost_compare_kind {
	LM_PREPOST_COMPARE_DIFFERENCE = 0, /**< mean change of group 0 minus that of group 1 */
	LM_PREPOST_COMPARE_WELCH_T = 1,
	LM_PREPOST_COMPARE_DF = 2,         /**< Welch–Satterthwaite degrees of freedom */
	LM_PREPOST_COMPARE_P = 3,          /**< two-sided */
	LM_PREPOST_COMPARE_HEDGES_G = 4    /**< (group 0 - group 1) / pooled SD, times 1 - 3 / (4 (n0 + n1) - 9) */
};

/**
 * The flow of one arm from baseline to a later wave (lm_prepost_wave_flow()),
 * the counts of a CONSORT diagram. An arm is a group of the baseline rows.
 * @since 0.3
 */
enum lm_prepost_flow_kind {
	LM_PREPOST_FLOW_BASELINE_ROWS = 0, /**< baseline rows with an id in the arm (duplicates included) */
	LM_PREPOST_FLOW_WAVE_ROWS = 1,     /**< rows of the wave whose id is found once at baseline, in the arm */
	LM_PREPOST_FLOW_PAIRS = 2          /**< pairs (ids found once in each wave) in the arm */
};

/**
 * Attrition of one scale at a later wave (lm_prepost_attrition()), over the
 * baseline respondents (ids found once at baseline) with a score at
 * baseline: completers have a score at the wave too; dropouts have none
 * (no row at the wave, their rows there left unpaired as duplicates, or too
 * few items answered). The test is Welch's, on the baseline scores, as R's
 * t.test(baseline[completers], baseline[dropouts]).
 * @since 0.3
 */
enum lm_prepost_attrition_kind {
	LM_PREPOST_ATTRITION_COMPLETERS_N = 0, LM_PREPOST_ATTRITION_COMPLETERS_MEAN, LM_PREPOST_ATTRITION_COMPLETERS_SD,
	LM_PREPOST_ATTRITION_DROPOUTS_N, LM_PREPOST_ATTRITION_DROPOUTS_MEAN, LM_PREPOST_ATTRITION_DROPOUTS_SD,
	LM_PREPOST_ATTRITION_WELCH_T, /**< (completers' mean - dropouts' mean) / its standard error */
	LM_PREPOST_ATTRITION_DF,      /**< Welch–Satterthwaite */
	LM_PREPOST_ATTRITION_P        /**< two-sided */
};

/**
 * A baseline-adjusted arm effect at a later wave (lm_prepost_ancova()): the
 * coefficient of the arm's indicator in the least-squares fit of the score
 * at the wave on the score at baseline and the arms (the reference arm
 * omitted), over the pairs with both scores and an arm (and, with a cluster
 * column, a cluster). Without a cluster column the standard error is OLS
 * and df the residual df (R's summary(lm()) and confint()); with one, the
 * cluster-robust CR2 error and Satterthwaite df
 * (clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite")).
 * @since 0.3
 */
enum lm_prepost_ancova_kind {
	LM_PREPOST_ANCOVA_ESTIMATE = 0, /**< arm mean minus the reference's, adjusted for the baseline */
	LM_PREPOST_ANCOVA_SE,
	LM_PREPOST_ANCOVA_T,            /**< estimate / se */
	LM_PREPOST_ANCOVA_DF,
	LM_PREPOST_ANCOVA_P,            /**< two-sided */
	LM_PREPOST_ANCOVA_CI_LOW,       /**< 95% confidence interval */
	LM_PREPOST_ANCOVA_CI_HIGH
};

/**
 * The one-way ANOVA intraclass correlation of the baseline scores by
 * cluster (lm_prepost_icc_baseline()), over the baseline rows whose id is
 * found once there, with a score and a cluster: ICC = (MSB - MSW) / (MSB +
 * (n0 - 1) MSW), n0 = (N - sum n_j^2 / N) / (J - 1); design effect
 * 1 + (N / J - 1) ICC.
 * @since 0.3
 */
enum lm_prepost_icc_kind {
	LM_PREPOST_ICC = 0,            /**< may be negative */
	LM_PREPOST_ICC_DESIGN_EFFECT,
	LM_PREPOST_ICC_N0,
	LM_PREPOST_ICC_CLUSTERS,       /**< J, clusters with a row */
	LM_PREPOST_ICC_N               /**< N, rows */
};

/** Where the reliability used by the RCI came from. */
enum lm_reliability_source {
	LM_RELIABILITY_NONE = 0,     /**< none could be had (then no RCI) */
	LM_RELIABILITY_OVERRIDE = 1, /**< lm_prepost_set_reliability() */
	LM_RELIABILITY_NORMS = 2,    /**< the scale's norms in the definition */
	LM_RELIABILITY_ALPHA_PRE = 3 /**< Cronbach's alpha of the pre wave */
};

/** Reliable change of one respondent on one scale. */
enum lm_reliable {
	LM_RELIABLE_UNKNOWN = -1,     /**< no score at a wave, or no RCI */
	LM_RELIABLE_NONE = 0,         /**< |RCI| <= 1.96 */
	LM_RELIABLE_IMPROVED = 1,     /**< reliable change towards the better end */
	LM_RELIABLE_DETERIORATED = 2  /**< reliable change towards the worse end */
};

/** Clinical-significance category (Jacobson & Truax 1991). */
enum lm_category {
	LM_CATEGORY_UNKNOWN = -1,     /**< no reliable-change result, or no clinical cut-off */
	LM_CATEGORY_RECOVERED = 0,    /**< reliably improved and crossed the cut-off */
	LM_CATEGORY_IMPROVED = 1,     /**< reliably improved, did not cross */
	LM_CATEGORY_UNCHANGED = 2,
	LM_CATEGORY_DETERIORATED = 3
};

/**
 * Create an analysis for @p inst.
 * @param[out] out owned by the caller (lm_prepost_free()).
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_prepost_new(lm_prepost **out, const lm_instrument *inst);

/**
 * Give back the caller's reference to an analysis. A report on it
 * (lm_report_new()) holds one of its own, so the analysis is freed when the
 * last of them is gone: the caller may free it before its reports (since
 * 0.3). Accepts NULL.
 * @since 0.1
 */
LM_EXPORT void lm_prepost_free(lm_prepost *pp);

/** The instrument this analysis scores (borrowed; lives as long as the analysis). @since 0.1 */
LM_EXPORT const lm_instrument *lm_prepost_instrument(const lm_prepost *pp);

/** @name Options; set before running. Each returns LM_OK, LM_EINVAL or LM_ENOMEM.
 * @{ */
/** Column holding respondent ids (copied); default "id". Ids are text: "007" and "7" differ. */
LM_EXPORT LM_NODISCARD int lm_prepost_set_id_column(lm_prepost *pp, const char *name);
/** Column holding the group (e.g. treatment / control), taken from the pre row; NULL for none. */
LM_EXPORT LM_NODISCARD int lm_prepost_set_group_column(lm_prepost *pp, const char *name);
/** An lm_duplicates. */
LM_EXPORT LM_NODISCARD int lm_prepost_set_duplicates(lm_prepost *pp, int policy);
/** Reliability for the RCI of every scale, overriding norms and alpha; NaN to unset. Must be in (0, 1). */
LM_EXPORT LM_NODISCARD int lm_prepost_set_reliability(lm_prepost *pp, double reliability);
/** SD for the RCI of every scale, instead of the SD of pre scores among the pairs; NaN to unset. */
LM_EXPORT LM_NODISCARD int lm_prepost_set_rci_sd(lm_prepost *pp, double sd);
/** Field delimiter of the input tables; '\0' (the default) detects it, as lm_table_set_delimiter(). */
LM_EXPORT LM_NODISCARD int lm_prepost_set_delimiter(lm_prepost *pp, char delimiter);
/**
 * Read both waves with the reading options of @p like, an unopened table of
 * the same instrument: its delimiter, prefix, column mappings, missing
 * tokens, value labels and sheet (copied; @p like may be freed afterwards). NULL removes them. The
 * id column stays this analysis's own (lm_prepost_set_id_column()).
 */
LM_EXPORT LM_NODISCARD int lm_prepost_set_table_options(lm_prepost *pp, const lm_table *like);
/**
 * Threads a run may use, at least 1 (the default: everything on the
 * caller's thread). With 2 or more, lm_prepost_run_files() reads the post
 * file on a second thread while the caller's reads the pre file, and joins
 * it before returning; no more than two are used. Results, counts and
 * diagnostics (the pre file's first) are the same as with one thread. If no
 * thread can be started the files are read one after the other. The long
 * form (one file) always reads on the caller's thread.
 * @since 0.2
 */
LM_EXPORT LM_NODISCARD int lm_prepost_set_threads(lm_prepost *pp, unsigned threads);
/** @} */

/**
 * Run on two tables, one per wave. Every problem (bad values, missing
 * columns, duplicate ids under LM_DUPLICATES_ERROR) is reported at once.
 * A run that pairs nobody fails with LM_EDATA (since 0.3), and its message
 * says what was compared: the first ids of each wave, or the wave that has
 * no row with an id. Both waves are kept in memory (about 120 bytes a pair
 * for a four-scale instrument); a wave of more than 2^32 - 2 rows or lines
 * is refused. Ids are indexed with a hash keyed afresh for each run, so that
 * no choice of ids makes pairing slow; results do not depend on the key.
 * @return LM_OK, LM_EDATA, LM_EIO, LM_ENOMEM, LM_ELIMIT or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_prepost_run_files(lm_prepost *pp, const char *pre_path, const char *post_path,
						lm_error *err);

/**
 * Run on one long table whose @p wave_column says which wave a row belongs
 * to (@p pre_value or @p post_value, compared as text after trimming). Rows
 * with another value are counted (LM_PREPOST_COUNT_OTHER_WAVE) and left out. As
 * lm_prepost_run_files(), a run that pairs nobody fails with LM_EDATA (since
 * 0.3); when no row has @p pre_value or @p post_value, the message gives the
 * values the column does have, with their row counts.
 * @return LM_OK, LM_EDATA, LM_EIO, LM_ENOMEM, LM_ELIMIT or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_prepost_run_long_file(lm_prepost *pp, const char *path, const char *wave_column,
						    const char *pre_value, const char *post_value, lm_error *err);

/**
 * Run on two waves held in memory, e.g. a binding's data frames: the item
 * columns of each wave are those set on its batch (lm_batch_set_numeric(),
 * lm_batch_set_text(); the batches' outputs and reject mode are not used),
 * with one id per row. Rows are kept, paired and analysed as rows read from
 * files, and every problem is reported at once: bad values (with the row,
 * the caller's column and the batch's name, lm_batch_set_name(), or "pre" /
 * "post" as the file), scored items without a column, duplicate ids. Data
 * rows are numbered from 1, and that number is also their "line".
 * The options that concern files (delimiter, table options, threads) do not apply.
 * @param[in] pre,post batches of this analysis's instrument (borrowed, used
 *            by this call only; they may be the same batch, set up again).
 * @param[in] n_pre,n_post rows of each wave.
 * @param[in] pre_ids,post_ids one UTF-8 id per row (NULL or blank: no id).
 * @param[in] pre_groups one group per pre row (NULL entries: none) when a
 *            group column is set (lm_prepost_set_group_column(), whose name
 *            labels it), else NULL.
 * @return LM_OK, LM_EDATA, LM_ENOMEM, LM_ELIMIT or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_prepost_run_batches(lm_prepost *pp, lm_batch *pre, size_t n_pre,
						  const char *const *pre_ids, const char *const *pre_groups,
						  lm_batch *post, size_t n_post, const char *const *post_ids,
						  lm_error *err);

/**
 * @name Waves: a baseline and any number of later waves (since 0.3)
 *
 * A trial measures at baseline and at one or more later waves. With wave
 * names set (lm_prepost_set_waves()), a run reads every wave, the baseline
 * once, and analyses baseline -> each later wave exactly as a two-wave run
 * analyses pre -> post: pairing, duplicates and counts per wave, change,
 * RCI, bands, alpha, groups; a respondent's group and cluster are those of
 * the baseline row. It adds per later wave the flow of each arm
 * (lm_prepost_wave_flow()) and the attrition per scale
 * (lm_prepost_attrition()). The two-wave getters above then answer for
 * baseline -> the first later wave; the lm_prepost_wave_* getters for any.
 *
 * Why waves are options and getters of lm_prepost, not an object of their
 * own: each later wave is today's two-wave analysis, so one analysis object
 * keeps one set of options, one reading path and one writer, and two waves
 * without names stay exactly what they were.
 *
 * Wave indexes: 0 is the baseline, 1 .. lm_prepost_wave_count() - 1 the
 * later waves in the order named. A getter given a wave, scale, group or
 * kind that is none returns 0, NaN, NULL, "no such statistic" or
 * LM_INVALID_ENUM, as said for each.
 * @{
 */
/**
 * Name the waves, baseline first: at least 2 distinct non-blank names
 * (copied). The long form's wave column holds these names; the files of
 * lm_prepost_run_wave_files() come in this order. NULL (with @p n 0)
 * removes them: a run then has two waves and today's results and document.
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 */
LM_EXPORT LM_NODISCARD int lm_prepost_set_waves(lm_prepost *pp, const char *const *names, size_t n);
/**
 * Column holding each respondent's cluster (e.g. the team or unit randomised),
 * taken from the baseline row, and required only in the baseline's table;
 * NULL for none. Runs with waves only. @return LM_OK, LM_EINVAL or LM_ENOMEM.
 */
LM_EXPORT LM_NODISCARD int lm_prepost_set_cluster_column(lm_prepost *pp, const char *name);
/**
 * The arm the others are compared with (copied); NULL (the default): the
 * first group in order of appearance at baseline. A run with waves fails
 * with LM_EDATA when no baseline row has this group, and with LM_EINVAL
 * when no group column is set. @return LM_OK, LM_EINVAL or LM_ENOMEM.
 */
LM_EXPORT LM_NODISCARD int lm_prepost_set_reference_group(lm_prepost *pp, const char *name);

/**
 * Run on one file per wave, @p n of them in the order of the wave names
 * (lm_prepost_set_waves(), which must name @p n waves). Every problem of
 * every file is reported at once, as lm_prepost_run_files(); a later wave
 * with which nobody is paired fails the run (LM_EDATA), its message saying
 * what was compared. With lm_prepost_set_threads() > 1 the second file is
 * read on a second thread while the first is read.
 * @return LM_OK, LM_EDATA, LM_EIO, LM_ENOMEM, LM_ELIMIT or LM_EINVAL.
 */
LM_EXPORT LM_NODISCARD int lm_prepost_run_wave_files(lm_prepost *pp, const char *const *paths, size_t n,
						     lm_error *err);
/**
 * Run on one long file whose @p wave_column holds the wave names
 * (lm_prepost_set_waves(); compared as text after trimming). Rows of
 * another wave are counted (LM_PREPOST_COUNT_OTHER_WAVE) and left out.
 * @return as lm_prepost_run_wave_files().
 */
LM_EXPORT LM_NODISCARD int lm_prepost_run_wave_long_file(lm_prepost *pp, const char *path, const char *wave_column,
							 lm_error *err);

/**
 * Run on waves held in memory, one lm_batch per named wave in the order of
 * the names (lm_prepost_set_waves(), which must name at least 2): wave k
 * has @p n_rows[k] rows, scored by @p batches[k] (each scoring this
 * analysis's instrument); @p ids holds the ids of every wave's rows, wave
 * after wave (n_rows[0] + n_rows[1] + ... of them; NULL or blank: no id);
 * @p groups (the baseline's rows, given exactly when a group column is
 * set) and @p clusters (the baseline's rows, given exactly when a cluster
 * column is set) as text, NULL entries for blank. The analysis is that of
 * lm_prepost_run_wave_files(); every problem of every wave is reported at
 * once. A batch's name (lm_batch_set_name()), else the wave's, names it in
 * messages. @return as lm_prepost_run_wave_files(). @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_prepost_run_wave_batches(lm_prepost *pp, lm_batch **batches, const size_t *n_rows,
						       const char *const *ids, const char *const *groups,
						       const char *const *clusters, lm_error *err);

/** Waves of the last successful run, the baseline included: 2 for a two-wave run, 0 before a run. */
LM_EXPORT size_t lm_prepost_wave_count(const lm_prepost *pp);
/** Name of wave @p wave (borrowed); NULL in a run without wave names. */
LM_EXPORT const char *lm_prepost_wave_name(const lm_prepost *pp, size_t wave);
/** lm_prepost_count() for baseline -> @p wave: pre is the baseline, post the wave; 0 for a wave that is none. */
LM_EXPORT unsigned long lm_prepost_wave_tally(const lm_prepost *pp, size_t wave, int which);
/** lm_prepost_stat() for baseline -> @p wave. */
LM_EXPORT double lm_prepost_wave_stat(const lm_prepost *pp, size_t wave, size_t scale, size_t group, int which);
/** lm_prepost_stat_reason() for baseline -> @p wave. */
LM_EXPORT const char *lm_prepost_wave_stat_reason(const lm_prepost *pp, size_t wave, size_t scale, size_t group,
						  int which);
/** lm_prepost_compare() for baseline -> @p wave. */
LM_EXPORT double lm_prepost_wave_compare(const lm_prepost *pp, size_t wave, size_t scale, int which);
/** lm_prepost_compare_reason() for baseline -> @p wave. */
LM_EXPORT const char *lm_prepost_wave_compare_reason(const lm_prepost *pp, size_t wave, size_t scale, int which);
/** An lm_reliability_source for @p scale at @p wave; LM_INVALID_ENUM for a wave or scale that is none. */
LM_EXPORT int lm_prepost_wave_reliability_source(const lm_prepost *pp, size_t wave, size_t scale);
/** Pairs of baseline -> @p wave, in baseline order. */
LM_EXPORT size_t lm_prepost_wave_respondent_count(const lm_prepost *pp, size_t wave);
/** Id of pair @p r of baseline -> @p wave (borrowed). */
LM_EXPORT const char *lm_prepost_wave_respondent_id(const lm_prepost *pp, size_t wave, size_t r);
/** Score of pair @p r of baseline -> @p wave on @p scale, at the baseline (@p at 0) or the wave (@p at 1). */
LM_EXPORT double lm_prepost_wave_respondent_score(const lm_prepost *pp, size_t wave, size_t r, size_t scale, int at);
/**
 * Flow count @p which (an lm_prepost_flow_kind) of group @p group (0-based,
 * lm_prepost_group_name()) from baseline to @p wave; 0 without groups.
 */
LM_EXPORT unsigned long lm_prepost_wave_flow(const lm_prepost *pp, size_t wave, size_t group, int which);
/** Attrition statistic @p which (an lm_prepost_attrition_kind) of @p scale at @p wave (1 ..); NaN when none. */
LM_EXPORT double lm_prepost_attrition(const lm_prepost *pp, size_t wave, size_t scale, int which);
/** Why lm_prepost_attrition() is NaN (static text), or NULL; "no such statistic" for arguments that name none. */
LM_EXPORT const char *lm_prepost_attrition_reason(const lm_prepost *pp, size_t wave, size_t scale, int which);
/** Completers (@p dropouts 0) or dropouts (1) of @p group on @p scale at @p wave; 0 without groups. */
LM_EXPORT unsigned long lm_prepost_attrition_group(const lm_prepost *pp, size_t wave, size_t scale, size_t group,
						   int dropouts);
/** Index of the reference group (lm_prepost_set_reference_group()); LM_PREPOST_ALL_GROUPS without groups. */
LM_EXPORT size_t lm_prepost_reference_group(const lm_prepost *pp);
/** Clusters found at baseline (lm_prepost_set_cluster_column()); 0 without a cluster column. */
LM_EXPORT size_t lm_prepost_cluster_count(const lm_prepost *pp);
/**
 * Number @p which (an lm_prepost_ancova_kind) of the baseline-adjusted
 * effect of arm @p group (0-based, lm_prepost_group_name(); not the
 * reference) against the reference arm on @p scale at @p wave (1 ..); with
 * @p group LM_PREPOST_ALL_GROUPS, of the baseline's coefficient (the slope).
 * NaN when there is none (a run without waves, fewer than 2 groups, more
 * than 15, a singular design, an arm with fewer than 2 clusters ...):
 * lm_prepost_ancova_reason() says why. @since 0.3
 */
LM_EXPORT double lm_prepost_ancova(const lm_prepost *pp, size_t wave, size_t scale, size_t group, int which);
/** Why lm_prepost_ancova() is NaN (static text), or NULL; "no such statistic" for arguments that name none. */
LM_EXPORT const char *lm_prepost_ancova_reason(const lm_prepost *pp, size_t wave, size_t scale, size_t group,
					       int which);
/** Pairs in the model of @p scale at @p wave; 0 when there is no model. @since 0.3 */
LM_EXPORT size_t lm_prepost_ancova_n(const lm_prepost *pp, size_t wave, size_t scale);
/** Clusters among the pairs in the model of @p scale at @p wave; 0 without a cluster column. @since 0.3 */
LM_EXPORT size_t lm_prepost_ancova_clusters(const lm_prepost *pp, size_t wave, size_t scale);
/**
 * Number @p which (an lm_prepost_icc_kind) of the baseline ICC of @p scale;
 * NaN without a cluster column or a run with waves, or when not defined
 * (fewer than 2 clusters, no cluster with 2 rows, scores that do not vary):
 * lm_prepost_icc_baseline_reason() says why. @since 0.3
 */
LM_EXPORT double lm_prepost_icc_baseline(const lm_prepost *pp, size_t scale, int which);
/** Why lm_prepost_icc_baseline() is NaN (static text), or NULL; "no such statistic" for arguments that name none. */
LM_EXPORT const char *lm_prepost_icc_baseline_reason(const lm_prepost *pp, size_t scale, int which);
/** @} */

/** @name Results (after a successful run).
 * @{ */
/**
 * Count @p which, an lm_prepost_count_kind; 0 before a run, and for a
 * @p which that is none. After a run that failed on the data,
 * the row counts (pre and post rows, no id, duplicate id, other wave,
 * rejected) are still given, for a reconciliation; the pairing counts are 0,
 * except after a run that failed for pairing nobody (LM_PREPOST_COUNT_PAIRS
 * 0): then LM_PREPOST_COUNT_PRE_ONLY and LM_PREPOST_COUNT_POST_ONLY are
 * given too.
 */
LM_EXPORT unsigned long lm_prepost_count(const lm_prepost *pp, int which);

/**
 * The @p group of lm_prepost_stat() and lm_prepost_stat_reason() that stands
 * for all pairs, whatever their group. Its value is (size_t)-1; a binding
 * that cannot use the macro calls lm_prepost_all_groups().
 * @since 0.3
 */
#define LM_PREPOST_ALL_GROUPS ((size_t)-1)

/** LM_PREPOST_ALL_GROUPS, for bindings. Thread-safe. @since 0.3 */
LM_EXPORT size_t lm_prepost_all_groups(void);

/**
 * Per-scale statistic @p which (an lm_prepost_stat_kind) over all pairs
 * (@p group LM_PREPOST_ALL_GROUPS), or over the pairs of group @p group
 * (0-based, see lm_prepost_group_count()). NaN when it cannot be computed,
 * and for a @p scale, @p group or @p which that is none.
 */
LM_EXPORT double lm_prepost_stat(const lm_prepost *pp, size_t scale, size_t group, int which);

/** Why lm_prepost_stat() is NaN (static text), or NULL when it is a number; "no such statistic" for arguments that name none. */
LM_EXPORT const char *lm_prepost_stat_reason(const lm_prepost *pp, size_t scale, size_t group, int which);

/** An lm_reliability_source for @p scale; LM_RELIABILITY_NONE before a run and for a scale that is none. */
LM_EXPORT int lm_prepost_reliability_source(const lm_prepost *pp, size_t scale);

/** Number of groups (0 without a group column); groups are in order of first appearance. */
LM_EXPORT size_t lm_prepost_group_count(const lm_prepost *pp);
/** Name of group @p g (borrowed). */
LM_EXPORT const char *lm_prepost_group_name(const lm_prepost *pp, size_t g);

/**
 * Comparison @p which (an lm_prepost_compare_kind) of the two groups' change
 * on @p scale; NaN when it cannot be computed (not exactly two groups, too
 * few pairs), and for a @p scale or @p which that is none.
 */
LM_EXPORT double lm_prepost_compare(const lm_prepost *pp, size_t scale, int which);
/** Why lm_prepost_compare() is NaN (static text), or NULL. */
LM_EXPORT const char *lm_prepost_compare_reason(const lm_prepost *pp, size_t scale, int which);

/** Respondents in the pairs, in pre-file order. */
LM_EXPORT size_t lm_prepost_respondent_count(const lm_prepost *pp);
/** Id of respondent @p r (borrowed). */
LM_EXPORT const char *lm_prepost_respondent_id(const lm_prepost *pp, size_t r);
/** Group of respondent @p r (borrowed); NULL without a group column. */
LM_EXPORT const char *lm_prepost_respondent_group(const lm_prepost *pp, size_t r);
/** Score of respondent @p r on @p scale at wave 0 (pre) or 1 (post); NaN when insufficient. */
LM_EXPORT double lm_prepost_respondent_score(const lm_prepost *pp, size_t r, size_t scale, int wave);
/** Band index at wave 0 or 1, -1 when none. */
LM_EXPORT long lm_prepost_respondent_band(const lm_prepost *pp, size_t r, size_t scale, int wave);
/** Reliable change index; NaN when it cannot be computed. */
LM_EXPORT double lm_prepost_respondent_rci(const lm_prepost *pp, size_t r, size_t scale);
/** An lm_reliable; LM_RELIABLE_UNKNOWN also for a respondent or scale that is none. */
LM_EXPORT int lm_prepost_respondent_reliable(const lm_prepost *pp, size_t r, size_t scale);
/** An lm_category; LM_CATEGORY_UNKNOWN also for a respondent or scale that is none. */
LM_EXPORT int lm_prepost_respondent_category(const lm_prepost *pp, size_t r, size_t scale);
/** @} */

/** Output formats of lm_prepost_write(). */
enum lm_prepost_format {
	LM_PREPOST_JSON = 0,       /**< the whole analysis as one JSON document */
	LM_PREPOST_CSV = 1,        /**< one row per pair */
	LM_PREPOST_SUMMARY = 2,    /**< the per-scale summary as readable text */
	/**
	 * The respondent table of LM_PREPOST_CSV (its rows and columns) as an
	 * Excel workbook, when built with libxlsxwriter: numbers as numbers,
	 * a missing value as an empty cell, reliable change, category and bands
	 * as their names (bands: their labels); a sheet "variables" with each
	 * column's label and values. See LM_WRITER_XLSX. @since 0.3
	 */
	LM_PREPOST_XLSX = 3,
	/**
	 * The respondent table as an SPSS system file, when built with
	 * ReadStat: SCALE_pre, _post, _change, _rci numeric (system-missing when
	 * there is none); SCALE_reliable coded as enum lm_reliable (0 none,
	 * 1 improved, 2 deteriorated) and SCALE_category as enum lm_category
	 * (0 recovered ... 3 deteriorated), both with value labels, missing
	 * when unknown; SCALE_band_pre and _band_post 1..n labelled with the
	 * bands' labels; id, wave, group and carried columns as strings; the
	 * scale's label in each variable label. Names SPSS does not allow are
	 * changed as LM_WRITER_SAV says. @since 0.3
	 */
	LM_PREPOST_SAV = 4,
	/** The respondent table as a Stata file, as LM_PREPOST_SAV. @since 0.3 */
	LM_PREPOST_DTA = 5
};

/**
 * Whether this build writes @p format (an lm_prepost_format): Excel with
 * libxlsxwriter, SPSS and Stata with ReadStat, the others always.
 * @return 1 or 0.
 * @since 0.3
 */
LM_EXPORT int lm_prepost_format_available(int format);

/**
 * Carry the baseline (pre) table's column @p name (copied), as it is, into
 * the respondent table (LM_PREPOST_CSV and the Excel, SPSS and Stata
 * formats), after the id, wave and group columns, in the order asked, so
 * that results merge back without a lookup. The run's header check names
 * every such column that is absent; a name that is a column of the
 * respondent table (id, wave, group, SCALE_pre ...) fails the run with a
 * diagnostic naming each. Not used by lm_prepost_run_batches(). Call before
 * a run.
 * @return LM_OK; LM_EINVAL for an empty name or one asked for already; LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_prepost_keep_column(lm_prepost *pp, const char *name);

/**
 * With @p all 1, carry every column of the baseline table but the id and
 * group columns (which the respondent table has already), instead of
 * those of lm_prepost_keep_column(). @return LM_OK or LM_EINVAL. @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_prepost_set_keep_all(lm_prepost *pp, int all);

/** Columns carried by the last run (0 before one). @since 0.3 */
LM_EXPORT size_t lm_prepost_kept_count(const lm_prepost *pp);
/** Name of carried column @p k (borrowed), or NULL. @since 0.3 */
LM_EXPORT const char *lm_prepost_kept_name(const lm_prepost *pp, size_t k);
/**
 * Respondent @p r's value of carried column @p k (borrowed, from the
 * baseline row; "" for an empty cell), or NULL when out of range.
 * @since 0.3
 */
LM_EXPORT const char *lm_prepost_respondent_kept(const lm_prepost *pp, size_t r, size_t k);

/**
 * Write the results to @p path atomically (temporary file, then rename;
 * where a path may lead is said in outputs.h).
 * @return LM_OK, LM_EIO or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_prepost_write_file(const lm_prepost *pp, int format, const char *path, lm_error *err);

/** As lm_prepost_write_file(), to an open descriptor (not closed). @since 0.1 */
LM_EXPORT LM_NODISCARD int lm_prepost_write_fd(const lm_prepost *pp, int format, int fd, lm_error *err);

/**
 * Write the results to @p path, staged in @p set: made durable now, put in
 * place by lm_outputs_commit() together with the run's other outputs (see
 * outputs.h). The set owns the staged output; nothing is put in place if the
 * set is freed without a commit.
 * @return LM_OK, LM_EIO (the set will then publish nothing), LM_ENOMEM or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_prepost_stage_file(const lm_prepost *pp, int format, const char *path, lm_outputs *set,
						 lm_error *err);

/** As lm_prepost_stage_file(), to an open descriptor (not closed), written at the commit. @since 0.3 */
LM_EXPORT LM_NODISCARD int lm_prepost_stage_fd(const lm_prepost *pp, int format, int fd, lm_outputs *set,
					       lm_error *err);

/** "improved", "deteriorated", "none"; static; NULL otherwise. @since 0.1 */
LM_EXPORT const char *lm_reliable_name(int reliable);
/** "recovered", "improved", "unchanged", "deteriorated"; static; NULL otherwise. @since 0.1 */
LM_EXPORT const char *lm_category_name(int category);

#ifdef __cplusplus
}
#endif

#endif
