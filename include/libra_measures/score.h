/*
 * libra_measures — scoring one respondent: item values in, per-scale scores,
 * statuses and bands and per-rule outcomes out.
 *
 * A scorer holds its own reference to the instrument, so the two may be freed
 * in either order. It allocates everything it needs when it is created;
 * scoring a respondent allocates nothing.
 *
 * Thread safety: a scorer is used by one thread at a time. Many scorers may
 * share one instrument across threads.
 */
#ifndef LIBRA_MEASURES_SCORE_H
#define LIBRA_MEASURES_SCORE_H

#include "common.h"
#include "error.h"
#include "instrument.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Working space and results for scoring one respondent at a time. Opaque. */
typedef struct lm_scorer lm_scorer;

/** The state of one scale's score. */
enum lm_score_status {
	LM_SCORE_OK = 0,          /**< every item answered */
	LM_SCORE_PRORATED = 1,    /**< some items missing, enough answered; score rests on the answered ones */
	LM_SCORE_INSUFFICIENT = 2 /**< too few items answered; no score */
};

/** The outcome of a rule. */
enum lm_rule_value {
	LM_RULE_FALSE = 0,
	LM_RULE_TRUE = 1,
	LM_RULE_UNKNOWN = -1 /**< missing items leave the outcome open */
};

/** The state of one item's value. */
enum lm_value_state {
	LM_VALUE_BLANK = 0,    /**< no value */
	LM_VALUE_ANSWERED = 1, /**< one of the item's declared responses */
	LM_VALUE_CODED = 2     /**< a missing-value code of the instrument (e.g. -99 declined) */
};

/**
 * Create a scorer for @p inst. The scorer keeps its own reference to the instrument.
 * @param[out] out the scorer; the caller owns it (lm_scorer_free()).
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_scorer_new(lm_scorer **out, const lm_instrument *inst);

/** Free a scorer. Accepts NULL. @since 0.1 */
LM_EXPORT void lm_scorer_free(lm_scorer *scorer);

/** The instrument this scorer scores (borrowed; lives as long as the scorer). @since 0.1 */
LM_EXPORT const lm_instrument *lm_scorer_instrument(const lm_scorer *scorer);

/** @name Input, one item at a time, then lm_scorer_run().
 * @{ */

/** Set every item blank. @since 0.1 */
LM_EXPORT void lm_scorer_clear(lm_scorer *scorer);

/**
 * Set item @p item to @p value: NaN means blank; otherwise the value must be one
 * of the item's declared responses or one of the instrument's missing-value codes.
 * On LM_EDATA the item is left blank and a diagnostic names the item and value.
 * @return LM_OK, LM_EDATA or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_scorer_set(lm_scorer *scorer, size_t item, double value, lm_error *err);

/**
 * Set item @p item from text as it appears in a data file: blank or white space
 * means blank; a plain decimal number ("3", " 3 ", "3.0", "03"), which must be
 * a response or missing code exactly as written (decimals are compared
 * exactly: "2.9999999999999999" is not 3, though a double would round it to 3);
 * or a response label or missing-code label, compared case-insensitively.
 * Exponents, hex, and anything else are rejected. Parsing does not depend on
 * the locale.
 * @param[in] text the cell; need not be NUL-terminated.
 * @param[in] len its length in bytes.
 * @return LM_OK, LM_EDATA or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_scorer_set_text(lm_scorer *scorer, size_t item, const char *text, size_t len,
					      lm_error *err);

/** Compute every scale and rule from the values set so far. @return LM_OK or LM_EINVAL. @since 0.1 */
LM_EXPORT LM_NODISCARD int lm_scorer_run(lm_scorer *scorer);

/**
 * Convenience: clear, set item i to values[i] for every item, and run.
 * @param[in] values one value per item in instrument order, NaN for blank.
 * @param[in] n must equal lm_instrument_item_count().
 * @return LM_OK, LM_EDATA (every bad value is reported; no results) or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_scorer_score(lm_scorer *scorer, const double *values, size_t n, lm_error *err);
/** @} */

/** @name Results of the last lm_scorer_run(). Valid until the next clear, set or run.
 * @{ */

/** The state of item @p item's value (lm_value_state); LM_INVALID_ENUM if out of range. */
LM_EXPORT int lm_scorer_value_state(const lm_scorer *scorer, size_t item);
/** The raw value of item @p item, NaN when blank. */
LM_EXPORT double lm_scorer_value(const lm_scorer *scorer, size_t item);

/** Score of scale @p scale; NaN when insufficient or out of range. */
LM_EXPORT double lm_scorer_scale_score(const lm_scorer *scorer, size_t scale);
/** Number of the scale's items answered. */
LM_EXPORT size_t lm_scorer_scale_answered(const lm_scorer *scorer, size_t scale);
/** Number of the scale's items holding a missing-value code (not answers, not blanks). */
LM_EXPORT size_t lm_scorer_scale_coded(const lm_scorer *scorer, size_t scale);
/** An lm_score_status; LM_INVALID_ENUM if out of range. */
LM_EXPORT int lm_scorer_scale_status(const lm_scorer *scorer, size_t scale);
/** Index of the band the score falls in (see lm_scale_band()); -1 when none. */
LM_EXPORT long lm_scorer_scale_band(const lm_scorer *scorer, size_t scale);
/** Outcome of rule @p rule: an lm_rule_value; LM_INVALID_ENUM if out of range. */
LM_EXPORT int lm_scorer_rule(const lm_scorer *scorer, size_t rule);

/** "ok", "prorated" or "insufficient"; static. NULL for anything else. @since 0.1 */
LM_EXPORT const char *lm_score_status_name(int status);
/** @} */

#ifdef __cplusplus
}
#endif

#endif
